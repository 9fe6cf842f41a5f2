import type { ScenarioResult } from './chaos.scenario';

const pad = (cells: string[], widths: number[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');

/** Faults by kind, e.g. `service-kill×5, poison×1`. */
export function faultSummary(result: ScenarioResult): string {
  const counts = new Map<string, number>();
  for (const f of result.faults) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind}×${n}`).join(', ') || 'none';
}

export const passed = (r: ScenarioResult): boolean =>
  r.tally.lost === 0 && r.tally.doubled === 0 && r.tally.oversold === 0 && r.poison.parked === r.poison.expected && r.invariants.ok;

/** The results as a Markdown table, one row per scenario. */
export function resultTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'faults',
    'placed',
    'accepted',
    'final',
    'lost',
    'doubled',
    'oversold',
    'poison parked',
    'final after last fault',
    'invariants',
  ];
  const rows = results.map((r) => [
    r.name,
    faultSummary(r),
    String(r.tally.placed),
    String(r.tally.accepted),
    String(r.tally.final),
    String(r.tally.lost),
    String(r.tally.doubled),
    String(r.tally.oversold),
    `${r.poison.parked}/${r.poison.expected}`,
    r.recoveryMs === null ? '-' : `${(r.recoveryMs / 1000).toFixed(1)} s`,
    passed(r) ? 'ok' : 'BROKEN',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const rule = widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ');
  return [`| ${pad(header, widths)} |`, `| ${rule} |`, ...rows.map((row) => `| ${pad(row, widths)} |`)].join('\n');
}

/** What broke, for a scenario that did not pass: its violated invariants, a few of each. */
export function violations(result: ScenarioResult): string[] {
  const lines = result.invariants.checks.flatMap((c) => c.violations.slice(0, 5).map((v) => `${c.name}: ${v}`));
  if (result.poison.parked !== result.poison.expected)
    lines.push(`poison: ${result.poison.parked} of ${result.poison.expected} parked on dead-letter topics`);
  return lines;
}
