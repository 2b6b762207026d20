import { type Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of `upstreamPort` that can be frozen: it then stops
 * reading from both sides without closing anything, like a peer that died without a FIN
 * (a pulled cable). Used to show that HTTP/2 keepalive notices such a peer.
 */
export class FreezableProxy {
  readonly #sockets = new Set<Socket>();
  readonly #server = createServer((client) => {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });

  private constructor(readonly upstreamPort: number) {}

  static async start(upstreamPort: number): Promise<FreezableProxy> {
    const proxy = new FreezableProxy(upstreamPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** Stops moving bytes on every open connection (nothing is closed). */
  freeze(): void {
    for (const socket of this.#sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
