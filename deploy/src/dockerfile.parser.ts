/**
 * Just enough of the Dockerfile syntax to check docker/Dockerfile and replay its runtime
 * stage without a Docker engine: line continuations, comments, `--flag=value` options,
 * exec-form JSON arrays and ${VAR} / $VAR substitution from ARG and ENV.
 */

export interface Instruction {
  keyword: string;
  /** Leading `--name=value` options, e.g. `from` for COPY, `mount` for RUN. */
  flags: Record<string, string>;
  /** The rest of the line, continuations joined. */
  args: string;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    if (/\\\s*$/.test(raw)) {
      current += raw.replace(/\\\s*$/, ' ');
      continue;
    }
    current += raw;
    if (current.trim()) lines.push(current.trim());
    current = '';
  }
  if (current.trim()) lines.push(current.trim());
  return lines;
}

function parseInstruction(line: string): Instruction {
  const [, keyword, rest] = /^(\S+)\s*(.*)$/s.exec(line) ?? [];
  const flags: Record<string, string> = {};
  let args = rest ?? '';
  let flag: RegExpExecArray | null;
  while ((flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(args))) {
    flags[flag[1]] = flag[2] ?? 'true';
    args = args.slice(flag[0].length);
  }
  return { keyword: keyword.toUpperCase(), flags, args: args.replace(/\s+/g, ' ').trim() };
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of logicalLines(text).map(parseInstruction)) {
    if (instruction.keyword === 'FROM') {
      const [base, as, name] = instruction.args.split(' ');
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${instruction.keyword} before the first FROM`);
      const [name, value = ''] = instruction.args.split('=');
      globalArgs[name] = value;
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `["node", "main.js"]` → the array; shell form → undefined. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed = JSON.parse(args) as unknown;
  return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
}

/** Replaces ${NAME} and $NAME with their values; unknown names become empty, as in Docker. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string, bare: string) => vars[braced ?? bare] ?? '');
}

/** `ENV A=1 B="two words"` → { A: '1', B: 'two words' }. */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    pairs[match[1]] = match[2].startsWith('"') ? (JSON.parse(match[2]) as string) : match[2];
  }
  return pairs;
}
