#!/usr/bin/env bash
# Installs the Helm CLI the deployment checks use, built from source through the Go module
# proxy (no binary downloads), into .infra/cache/bin. Does nothing when that binary already
# reports the pinned version. Prints the path of the binary on its last line.
#
#   tools/helm/install.sh            build if needed
#   HELM_BUILD_JOBS=2 tools/helm/install.sh   more parallel Go packages (default 1: shared machine)
#
# Pinned: helm.sh/helm/v3 v3.22.0, the newest v3 tag. Its go.mod has no `replace` directives
# (checked below on every build, from the module cache after `go mod download`), so
# `go install module@version` builds exactly what the release's go.mod and go.sum describe.
# It needs Go >= 1.26.0 (the `go` line of that go.mod).
set -euo pipefail

HELM_VERSION=v3.22.0
MODULE=helm.sh/helm/v3

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN_DIR="${INFRA_DIR:-$ROOT/.infra}/cache/bin"
HELM="$BIN_DIR/helm"

say() { printf '• %s\n' "$*" >&2; }

# deploy's unit and integration specs may both ask at once: one builds, the other waits for
# it here and then finds the binary ready.
mkdir -p "$BIN_DIR"
exec 9>"$BIN_DIR/.install.lock"
flock 9

if [[ -x "$HELM" ]] && [[ "$("$HELM" version --template '{{.Version}}' 2>/dev/null)" == "$HELM_VERSION" ]]; then
  echo "$HELM"
  exit 0
fi

command -v go >/dev/null || { echo "tools/helm/install.sh: Go 1.26 or newer is needed to build Helm" >&2; exit 1; }

say "Fetching $MODULE@$HELM_VERSION from the Go module proxy"
mod_file="$(go mod download -json "$MODULE@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[[ -f "$mod_file" ]] || { echo "tools/helm/install.sh: go mod download did not report a go.mod for $MODULE@$HELM_VERSION" >&2; exit 1; }

# `go install pkg@version` refuses modules with replace directives; failing here says why.
if grep -Eq '^[[:space:]]*replace([[:space:]]|\()' "$mod_file"; then
  echo "tools/helm/install.sh: $MODULE@$HELM_VERSION has replace directives in its go.mod; pick another tag" >&2
  exit 1
fi

# The release Makefile stamps the version and the Kubernetes version Helm assumes offline
# (the default `.Capabilities.KubeVersion` for `helm template` and `helm lint`), derived from
# its client-go: v0.N.x means Kubernetes 1.N. Without these, Helm would claim v1.20.
client_go="$(awk '$1 == "k8s.io/client-go" { print $2 }' "$mod_file")"
k8s_minor="$(echo "$client_go" | cut -d. -f2)"
[[ "$k8s_minor" =~ ^[0-9]+$ ]] || { echo "tools/helm/install.sh: cannot read the client-go version from $mod_file" >&2; exit 1; }
ldflags="-w -s"
ldflags+=" -X $MODULE/internal/version.version=$HELM_VERSION -X $MODULE/internal/version.metadata="
for pkg in pkg/lint/rules pkg/chartutil; do
  ldflags+=" -X $MODULE/$pkg.k8sVersionMajor=1 -X $MODULE/$pkg.k8sVersionMinor=$k8s_minor"
done

mkdir -p "$BIN_DIR"
started=$SECONDS
say "Building Helm $HELM_VERSION with Go into $BIN_DIR (first run only: several minutes, ~1 GB of modules)"
GOBIN="$BIN_DIR" CGO_ENABLED=0 nice -n 10 \
  go install -p "${HELM_BUILD_JOBS:-1}" -trimpath -ldflags "$ldflags" "$MODULE/cmd/helm@$HELM_VERSION"

built="$("$HELM" version --template '{{.Version}}')"
[[ "$built" == "$HELM_VERSION" ]] || { echo "tools/helm/install.sh: built helm reports $built, expected $HELM_VERSION" >&2; exit 1; }
say "Helm $HELM_VERSION ready in $((SECONDS - started)) s"
echo "$HELM"
