/** One open-loop run: the offered rate and the latency percentiles it got (ms). */
export interface LoadPoint {
  offered: number;
  p50: number;
  p95: number;
  p99: number;
}

const SERIES = [
  { key: 'p50', color: '#2b7bb9' },
  { key: 'p95', color: '#e08a1e' },
  { key: 'p99', color: '#c0392b' },
] as const;

const W = 640;
const H = 400;
const M = { left: 70, right: 20, top: 40, bottom: 50 };

/** A "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks up to `max`. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) as number;
  return step;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Latency percentiles against offered load as a self-contained SVG line chart (linear
 * axes from 0, one polyline and dots per percentile, a legend). No chart library: the
 * output is plain text a browser or an image viewer opens.
 */
export function latencySvg(points: readonly LoadPoint[], title: string): string {
  const sorted = [...points].filter((p) => Number.isFinite(p.p50)).sort((a, b) => a.offered - b.offered);
  const xStep = niceStep(Math.max(1, ...sorted.map((p) => p.offered)));
  const yStep = niceStep(Math.max(1, ...sorted.map((p) => p.p99)));
  const xMax = Math.ceil(Math.max(1, ...sorted.map((p) => p.offered)) / xStep) * xStep;
  const yMax = Math.ceil(Math.max(1, ...sorted.map((p) => p.p99)) / yStep) * yStep;
  const x = (v: number) => M.left + (v / xMax) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / yMax) * (H - M.top - M.bottom);
  const r = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    out.push(`<line x1="${M.left}" y1="${r(y(v))}" x2="${W - M.right}" y2="${r(y(v))}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${r(y(v) + 4)}" text-anchor="end">${+v.toFixed(6)}</text>`);
  }
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    out.push(`<line x1="${r(x(v))}" y1="${H - M.bottom}" x2="${r(x(v))}" y2="${H - M.bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${r(x(v))}" y="${H - M.bottom + 18}" text-anchor="middle">${+v.toFixed(6)}</text>`);
  }
  out.push(`<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#333"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">offered load (orders/s)</text>`);
  out.push(
    `<text x="16" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})">PENDING → final (ms)</text>`,
  );
  SERIES.forEach(({ key, color }, i) => {
    const coords = sorted.map((p) => `${r(x(p.offered))},${r(y(p[key]))}`);
    if (coords.length > 0)
      out.push(`<polyline class="${key}" fill="none" stroke="${color}" stroke-width="2" points="${coords.join(' ')}"/>`);
    for (const c of coords) out.push(`<circle cx="${c.split(',')[0]}" cy="${c.split(',')[1]}" r="3" fill="${color}"/>`);
    const ly = M.top + 4 + i * 16;
    out.push(`<line x1="${M.left + 12}" y1="${ly}" x2="${M.left + 32}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${M.left + 38}" y="${ly + 4}">${key}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
