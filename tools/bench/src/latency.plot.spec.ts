import { latencySvg, niceStep } from './latency.plot';

describe('niceStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(150)).toBe(50);
    expect(niceStep(1000)).toBe(200);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0)).toBe(1);
  });
});

describe('latencySvg', () => {
  const points = [
    { offered: 50, p50: 300, p95: 700, p99: 900 },
    { offered: 10, p50: 200, p95: 250, p99: 400 },
  ];
  const svg = latencySvg(points, 'latency <run>');

  it('is a standalone SVG document with an escaped title', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('latency &lt;run&gt;');
  });

  it('draws one line per percentile, through the points in order of offered load', () => {
    const line = (key: string) => new RegExp(`<polyline class="${key}"[^>]*points="([^"]+)"`).exec(svg)?.[1];
    // x: 70 + offered/50 * 550; y: 350 - latency/1000 * 310 (axes run to 50 orders/s and 1000 ms).
    expect(line('p50')).toBe('180.0,288.0 620.0,257.0');
    expect(line('p95')).toBe('180.0,272.5 620.0,133.0');
    expect(line('p99')).toBe('180.0,226.0 620.0,71.0');
  });

  it('labels both axes with round ticks', () => {
    expect(svg).toContain('offered load (orders/s)');
    expect(svg).toContain('>1000</text>');
    expect(svg).toContain('>50</text>');
  });

  it('still renders without points', () => {
    expect(latencySvg([], 'empty')).toContain('</svg>');
  });
});
