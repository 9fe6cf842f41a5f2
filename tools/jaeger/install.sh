#!/usr/bin/env bash
# Builds Jaeger v2 (the all-in-one `jaeger` binary, OpenTelemetry-Collector based) from source
# through the Go module proxy — no binary downloads — into $INFRA_DIR/cache/bin. Does nothing
# when that binary was already built from the pinned version. Prints the binary's path last.
#
# Pinned: github.com/jaegertracing/jaeger v1.76.0, the newest tag on the Go module proxy; its
# cmd/jaeger is the Jaeger v2 binary (Jaeger tags the Go module v1.x, and releases v1 and v2
# from the same commit). Its go.mod has a `replace`
# directive, so `go install module@version` refuses it; this directory is a small module that
# requires it, repeats the replace, and carries the go.sum `go mod tidy` produced, so the
# build uses exactly the versions Jaeger's release pins.
#
# Measured on a shared 2-core machine: 84 s to download the modules, 1365 s to compile
# (go build -p 1, nice 10, load average ~13). Hence opt-in: `npm run infra -- up --observability`.
set -euo pipefail

JAEGER_MODULE_VERSION=v1.76.0

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN_DIR="${INFRA_DIR:-$ROOT/.infra}/cache/bin"
JAEGER="$BIN_DIR/jaeger"
STAMP="$BIN_DIR/jaeger.version"

say() { printf '• %s\n' "$*" >&2; }

if [[ -x "$JAEGER" ]] && [[ "$(cat "$STAMP" 2>/dev/null)" == "$JAEGER_MODULE_VERSION" ]]; then
  echo "$JAEGER"
  exit 0
fi

command -v go >/dev/null || { echo "tools/jaeger/install.sh: Go 1.24 or newer is needed to build Jaeger" >&2; exit 1; }
grep -q "github.com/jaegertracing/jaeger $JAEGER_MODULE_VERSION" "$HERE/go.mod" \
  || { echo "tools/jaeger/install.sh: go.mod does not require jaeger $JAEGER_MODULE_VERSION" >&2; exit 1; }

mkdir -p "$BIN_DIR"
started=$SECONDS
say "Building Jaeger ($JAEGER_MODULE_VERSION) with Go into $BIN_DIR (first run only: 20+ minutes on 2 cores, ~2 GB of modules and build cache)"
(cd "$HERE" && CGO_ENABLED=0 nice -n 10 go build -p "${JAEGER_BUILD_JOBS:-1}" -ldflags "-s -w" \
  -o "$JAEGER.tmp" github.com/jaegertracing/jaeger/cmd/jaeger)
mv "$JAEGER.tmp" "$JAEGER"
echo "$JAEGER_MODULE_VERSION" > "$STAMP"
say "Jaeger ready in $((SECONDS - started)) s"
echo "$JAEGER"
