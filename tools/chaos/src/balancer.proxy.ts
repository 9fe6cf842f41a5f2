import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A round-robin TCP balancer in front of the replicas of a service, as a Kubernetes Service
 * would be: each new connection goes to the next replica that accepts it, so the load keeps
 * flowing while one replica is killed (its open connections break, as they would).
 */
export class BalancerProxy {
  private server?: Server;
  private next = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targets: () => number[]) {}

  async start(port: number): Promise<void> {
    this.server = createServer((client) => {
      this.track(client);
      client.pause();
      this.connect(client, this.targets(), 0);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private connect(client: Socket, ports: number[], tried: number): void {
    if (tried >= ports.length || client.destroyed) return void client.destroy();
    const port = ports[this.next++ % ports.length];
    const upstream = createConnection({ host: '127.0.0.1', port });
    let connected = false;
    upstream.on('error', () => {
      upstream.destroy();
      // A replica that is down refuses at once: try the next one.
      if (connected) client.destroy();
      else this.connect(client, ports, tried + 1);
    });
    upstream.once('connect', () => {
      connected = true;
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
}
