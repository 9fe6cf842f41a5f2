import { createServer, type Server } from 'node:net';
import { findRunningStack, NotRunningError } from './running.stack';

const listen = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;

describe('the running stack', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('finds the process behind each port and points the stack client at it', async () => {
    servers.push(...(await Promise.all([listen(), listen(), listen(), listen()])));
    const env: NodeJS.ProcessEnv = {
      ORDER_API_PORT: String(portOf(servers[0])),
      INVENTORY_PORT: String(portOf(servers[1])),
      POINTS_PORT: String(portOf(servers[2])),
      NOTIFICATION_PORT: String(portOf(servers[3])),
      TOKEN_ISSUER_PORT: '4999',
    };
    const stack = findRunningStack(env);
    expect(stack.processes.map((p) => p.pid)).toEqual([process.pid, process.pid, process.pid, process.pid]);
    expect(env['ORDER_API_URL']).toBe(`http://127.0.0.1:${portOf(servers[0])}`);
    expect(env['TOKEN_ISSUER_URL']).toBe('http://127.0.0.1:4999');
  });

  it('says which service to start when nothing listens on its port', async () => {
    const free = await listen();
    const port = portOf(free);
    await new Promise((resolve) => free.close(resolve));
    expect(() => findRunningStack({ ORDER_API_PORT: String(port) })).toThrow(NotRunningError);
    expect(() => findRunningStack({ ORDER_API_PORT: String(port) })).toThrow(
      `nothing of yours listens on :${port} (order-api): start the stack with \`npm start\` first`,
    );
  });
});
