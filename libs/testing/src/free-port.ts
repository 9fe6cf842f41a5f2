import { createServer, type Server } from 'node:net';

/** A TCP port that was free a moment ago, chosen by the OS. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/**
 * `count` distinct TCP ports that were free a moment ago. Each is held until all are chosen:
 * asked for one at a time, the OS may hand out a port it just handed out again, and two
 * processes then fight over it (a broker's controller and a database did, in a fault run).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
