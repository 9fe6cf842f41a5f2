#!/usr/bin/env bash
# `npm run audit`: fails when a production dependency (what the service images install,
# `npm audit --omit=dev`) has a high or critical advisory; lower ones are listed and pass.
# When the registry's advisory endpoint cannot be reached, or answers with an HTTP error,
# it says so and exits 3: nothing was checked. Any other npm failure exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
# npm audit exits 1 for an advisory of any severity: its report decides, not its exit code.
report=$(npm audit --omit=dev --json 2>/dev/null)
printf '%s' "$report" | node -e '
  let raw = "";
  process.stdin.on("data", (c) => (raw += c)).on("end", () => {
    let report;
    try { report = JSON.parse(raw); } catch { report = undefined; }
    const counts = report && report.metadata && report.metadata.vulnerabilities;
    if (!counts) {
      const error = (report && report.error) || {};
      const said = [report && report.message, error.code, error.summary].filter(Boolean).join(": ") || "no report";
      // The endpoint unreachable (DNS, refused, timed out) or answering an HTTP error: not checked.
      const unreachable = (report && typeof report.statusCode === "number") ||
        /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ESOCKETTIMEDOUT|ERR_SOCKET_TIMEOUT)$/.test(error.code || "");
      if (unreachable) {
        console.log(`npm audit: NOT CHECKED — the advisory endpoint could not be used (${said})`);
        process.exit(3);
      }
      console.log(`npm audit failed: ${said}`);
      process.exit(1);
    }
    const serious = (counts.high || 0) + (counts.critical || 0);
    const all = Object.entries(counts).filter(([k, v]) => k !== "total" && v > 0).map(([k, v]) => `${v} ${k}`).join(", ") || "none";
    for (const [name, v] of Object.entries(report.vulnerabilities || {})) {
      if (v.severity === "high" || v.severity === "critical") console.log(`  ${v.severity}: ${name} ${v.range || ""}`);
    }
    console.log(`npm audit --omit=dev: ${all}; high or critical: ${serious}`);
    process.exit(serious > 0 ? 1 : 0);
  });
'
