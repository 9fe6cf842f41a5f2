# Sourced by the tools: installs npm dependencies when the lockfile changed since the last install.
export NX_NO_CLOUD=true
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  echo "• Installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.installed
fi
