import net from 'node:net';

/**
 * A small load balancer in front of several servers, as a deployment has: each TCP connection
 * (an HTTP keep-alive connection, a WebSocket) goes to the next backend in turn; a backend that
 * refuses the connection (stopped, killed) is skipped for the next one, and the client notices
 * nothing. A connection whose backend dies is cut, as a real balancer's would be.
 */
export class Balancer {
  private server: net.Server | undefined;
  private next = 0;
  private port = 0;
  private readonly open = new Set<net.Socket>();
  /** The backend (its index) that last received bytes from a client: who served the last request. */
  lastServed: number | undefined;

  private constructor(private readonly backends: Array<{ host: string; port: number }>) {}

  /** Balances over these servers' URLs (http://host:port). */
  static async start(urls: string[]): Promise<Balancer> {
    const b = new Balancer(
      urls.map((u) => {
        const { hostname, port } = new URL(u);
        return { host: hostname, port: Number(port) };
      }),
    );
    const server = net.createServer((client) => b.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    b.server = server;
    b.port = (server.address() as net.AddressInfo).port;
    return b;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `${this.url.replace('http', 'ws')}/api/ws`;
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    this.open.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.open.add(client);
    client.pause();
    // what the client sends before a backend takes it is kept for that backend
    client.on('error', () => undefined);
    client.once('close', () => this.open.delete(client));
    this.connect(client, 0);
  }

  /** The next backend in turn; on a refusal, the one after, until each was tried once. */
  private connect(client: net.Socket, tried: number): void {
    if (tried >= this.backends.length || client.destroyed) {
      client.destroy();
      return;
    }
    const index = this.next;
    this.next = (this.next + 1) % this.backends.length;
    const upstream = net.connect(this.backends[index] as { host: string; port: number });
    const refused = () => this.connect(client, tried + 1);
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      this.open.add(upstream);
      const cut = () => {
        client.destroy();
        upstream.destroy();
        this.open.delete(upstream);
      };
      upstream.on('error', cut).on('close', cut);
      client.on('error', cut).on('close', cut);
      client.on('data', () => {
        this.lastServed = index;
      });
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
