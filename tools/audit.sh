#!/usr/bin/env bash
# `npm run audit`: fails when a production dependency (what the service images install,
# `npm audit --omit=dev`) has a high or critical advisory. When the registry's advisory
# endpoint cannot be reached it says so and exits 3: nothing was checked.
set -uo pipefail
cd "$(dirname "$0")/.."
npm audit --omit=dev --json 2>/dev/null | node -e '
  let raw = "";
  process.stdin.on("data", (c) => (raw += c)).on("end", () => {
    let report;
    try { report = JSON.parse(raw); } catch { report = {}; }
    const counts = report.metadata && report.metadata.vulnerabilities;
    if (!counts) {
      console.log(`npm audit: NOT CHECKED — the advisory endpoint did not answer (${report.message || "no report"})`);
      process.exit(3);
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
