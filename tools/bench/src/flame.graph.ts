import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Stacks, root first, each with how many samples ended in it: the "folded" form of a profile. */
export type Folded = Map<string, number>;

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const shortUrl = (url: string) =>
  url
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(apps|libs|dist)\//, '$1/')
    .replace(/^file:\/\//, '');

const frameName = (frame: CpuProfileNode['callFrame']) => {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} ${shortUrl(frame.url)}` : name;
};

/** A V8 `.cpuprofile` (`node --cpu-prof`) folded: each sample counts for the stack it was taken in. */
export function foldCpuProfile(text: string): Folded {
  const profile = JSON.parse(text) as { nodes: CpuProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<number, string>();
  const stackOf = (id: number): string => {
    const known = stacks.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id) as CpuProfileNode;
    const up = parent.get(id);
    const stack = up === undefined ? frameName(node.callFrame) : `${stackOf(up)};${frameName(node.callFrame)}`;
    stacks.set(id, stack);
    return stack;
  };
  const folded: Folded = new Map();
  for (const id of profile.samples) {
    const stack = stackOf(id);
    folded.set(stack, (folded.get(stack) ?? 0) + 1);
  }
  // V8's own bookkeeping, not the program's work.
  folded.delete('(root);(program)');
  folded.delete('(root);(idle)');
  return folded;
}

/** A JFR recording's execution samples folded (from `jfr print`, which ships with the JDK). */
export function foldJfr(file: string): Folded {
  const text = execFileSync('jfr', ['print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', file], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const folded: Folded = new Map();
  for (const event of text.split('jdk.ExecutionSample').slice(1)) {
    const frames = [...event.matchAll(/^\s+([\w$.<>/]+)\(.*?\)\s+line:/gm)].map((m) => m[1].replace(/^(?:[a-z0-9_]+\.)+/, ''));
    if (frames.length === 0) continue;
    const stack = frames.reverse().join(';');
    folded.set(stack, (folded.get(stack) ?? 0) + 1);
  }
  return folded;
}

export function foldFile(file: string): Folded {
  return file.endsWith('.jfr') ? foldJfr(file) : foldCpuProfile(readFileSync(file, 'utf8'));
}

interface Frame {
  name: string;
  value: number;
  children: Map<string, Frame>;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Warm colours from the frame's name, so one function keeps its colour across graphs. */
const colour = (name: string) => {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `rgb(${205 + (hash % 50)},${80 + ((hash >> 8) % 120)},${30 + ((hash >> 16) % 50)})`;
};

/**
 * A flame graph as SVG: the root at the bottom, each frame as wide as its share of the
 * samples, callees above callers. Frames narrower than `minShare` are left out.
 */
export function flameGraphSvg(folded: Folded, title: string, width = 1200, minShare = 0.002): string {
  const root: Frame = { name: 'all', value: 0, children: new Map() };
  for (const [stack, count] of folded) {
    root.value += count;
    let frame = root;
    for (const name of stack.split(';')) {
      let child = frame.children.get(name);
      if (!child) frame.children.set(name, (child = { name, value: 0, children: new Map() }));
      child.value += count;
      frame = child;
    }
  }
  const rowHeight = 16;
  const rects: string[] = [];
  let depthMax = 0;
  const draw = (frame: Frame, x: number, depth: number) => {
    const w = (frame.value / Math.max(1, root.value)) * width;
    if (frame.value / Math.max(1, root.value) < minShare) return;
    depthMax = Math.max(depthMax, depth);
    const share = ((frame.value / root.value) * 100).toFixed(1);
    const label = w > 40 ? escapeXml(frame.name.slice(0, Math.floor(w / 7))) : '';
    rects.push(
      `<g><title>${escapeXml(frame.name)} (${frame.value} samples, ${share} %)</title>` +
        `<rect x="${x.toFixed(1)}" y="{Y${depth}}" width="${Math.max(0.5, w - 0.5).toFixed(1)}" height="${rowHeight - 1}" fill="${colour(frame.name)}"/>` +
        (label ? `<text x="${(x + 3).toFixed(1)}" y="{T${depth}}">${label}</text>` : '') +
        '</g>',
    );
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      draw(child, childX, depth + 1);
      childX += (child.value / root.value) * width;
    }
  };
  draw(root, 0, 0);
  const top = 40;
  const height = top + (depthMax + 1) * rowHeight + 10;
  const y = (depth: number) => height - 10 - (depth + 1) * rowHeight;
  const body = rects
    .join('\n')
    .replace(/\{Y(\d+)\}/g, (_, d) => String(y(Number(d))))
    .replace(/\{T(\d+)\}/g, (_, d) => String(y(Number(d)) + 11));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="6" y="20" font-size="14">${escapeXml(title)} — ${root.value} samples</text>`,
    body,
    '</svg>',
  ].join('\n');
}

/** The heaviest self-time frames of a profile, with their share: what to read first. */
export function topFrames(folded: Folded, count = 15): { name: string; share: number }[] {
  const self = new Map<string, number>();
  let all = 0;
  for (const [stack, samples] of folded) {
    const leaf = stack.slice(stack.lastIndexOf(';') + 1);
    self.set(leaf, (self.get(leaf) ?? 0) + samples);
    all += samples;
  }
  return [...self]
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, samples]) => ({ name, share: samples / Math.max(1, all) }));
}

/** The package a frame's code belongs to: a node_modules package, the service's own bundle, or Node itself. */
const packageOf = (frame: string): string | undefined => {
  const url = frame.slice(frame.lastIndexOf(' ') + 1);
  // Native and V8 frames have no script, Node's own are node:…: charged to their caller.
  if (!url.includes('/') || url.startsWith('node:')) return undefined;
  if (url.startsWith('apps/') || url.startsWith('dist/') || url.startsWith('libs/')) return 'service code';
  const parts = url.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
};

/**
 * Samples by the package whose code was running: each sample is charged to the nearest frame
 * of a package (Node's own and native frames go to the package that called them), so the
 * cost of a library shows whole, whatever it calls into.
 */
export function byPackage(folded: Folded): { name: string; share: number }[] {
  const totals = new Map<string, number>();
  let all = 0;
  for (const [stack, samples] of folded) {
    const frames = stack.split(';');
    let owner = '(garbage collector, V8, Node without a caller)';
    for (let i = frames.length - 1; i >= 0; i--) {
      const name = packageOf(frames[i]);
      if (name) {
        owner = name;
        break;
      }
    }
    totals.set(owner, (totals.get(owner) ?? 0) + samples);
    all += samples;
  }
  return [...totals].sort(([, a], [, b]) => b - a).map(([name, samples]) => ({ name, share: samples / Math.max(1, all) }));
}
