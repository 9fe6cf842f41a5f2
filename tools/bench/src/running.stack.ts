import { listenerOn, SERVICES, type ServiceName } from '@orderflow/stack';
import { readFileSync } from 'node:fs';

/** The ports `npm start` gives the services (tools/start.sh), and the variables that change them. */
const PORTS: Record<ServiceName, { variable: string; port: number }> = {
  'order-api': { variable: 'ORDER_API_PORT', port: 3000 },
  'inventory-service': { variable: 'INVENTORY_PORT', port: 3001 },
  'points-service': { variable: 'POINTS_PORT', port: 3002 },
  'notification-service': { variable: 'NOTIFICATION_PORT', port: 3003 },
};

/** A stack that was found running, not started: the bench measures it as a user's client would. */
export interface RunningStack {
  processes: { name: string; pid: number }[];
}

/** Something the user must start first: printed as one line, never as a stack trace. */
export class NotRunningError extends Error {}

const portOf = (name: ServiceName, env: NodeJS.ProcessEnv) => Number(env[PORTS[name].variable] ?? PORTS[name].port);

/**
 * The stack `npm start` runs on this machine: each service's process (the one listening on
 * its port) and the process that prefixes their log lines, whose CPU is part of what an order
 * costs there. Points the stack client at the services' URLs and the development token
 * issuer, unless the environment names others.
 */
export function findRunningStack(env: NodeJS.ProcessEnv = process.env): RunningStack {
  const processes = SERVICES.map(({ name, urlVariable }) => {
    const port = portOf(name, env);
    const pid = listenerOn(port);
    if (pid === undefined)
      throw new NotRunningError(`nothing of yours listens on :${port} (${name}): start the stack with \`npm start\` first`);
    env[urlVariable] ??= `http://127.0.0.1:${port}`;
    return { name, pid };
  });
  env['TOKEN_ISSUER_URL'] ??= `http://127.0.0.1:${env['TOKEN_ISSUER_PORT'] ?? 3999}`;
  const logs = ancestorRunning(processes[0].pid, 'concurrently');
  return { processes: logs === undefined ? processes : [...processes, { name: 'npm start (log lines)', pid: logs }] };
}

/** The nearest ancestor of `pid` whose command line mentions `program`. */
function ancestorRunning(pid: number, program: string): number | undefined {
  for (let current = parentOf(pid); current !== undefined && current > 1; current = parentOf(current)) {
    if (readFileSync(`/proc/${current}/cmdline`, 'utf8').includes(program)) return current;
  }
  return undefined;
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: the fields after its last ")" are plain.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
