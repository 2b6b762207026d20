import { type Server, type Socket, connect, createServer } from 'node:net';
import { ProxiedConnection } from './proxied-connection.js';

/** Where a `FaultProxy` forwards to: a port on 127.0.0.1, `host:port`, or a URL (`http://…`, `ws://…`). */
export type FaultProxyTarget = number | string | { readonly host: string; readonly port: number };

/** Options of `FaultProxy.start`. */
export interface FaultProxyOptions {
  /** Port to listen on (default 0: any free port). The proxy always listens on 127.0.0.1. */
  readonly port?: number;
}

/** How `killAll` ends a connection: `rst` (TCP reset, an abrupt death) or `fin` (a clean close). */
export type KillMode = 'rst' | 'fin';

/** Counters of a proxy's life, for assertions and reports. */
export interface FaultProxyStats {
  /** Connections accepted and forwarded. */
  readonly accepted: number;
  /** Connections refused while `refuse` was on. */
  readonly refused: number;
  /** Connections ended by a fault (`killAll`, `cutAfter`). */
  readonly killed: number;
  /** Bytes forwarded client → target and target → client. */
  readonly bytesUp: number;
  readonly bytesDown: number;
}

/**
 * A loopback TCP proxy between your client and a server (a `FlameEmulator`, a
 * `PieEmulator`, a real engine) whose faults a test triggers: kill every connection (RST
 * or FIN), half-open them (stop forwarding, keep the sockets: a dead peer without a FIN),
 * add latency, throttle, cut a connection after N more bytes, refuse new connections for
 * a while. Point the client at `proxy.url(...)`; `close()` ends everything.
 *
 * @example
 * ```ts
 * import { FaultProxy, FlameEmulator } from 'flame-pie-rx/testing';
 * const emu = await FlameEmulator.start();
 * const proxy = await FaultProxy.start(emu.port);
 * const client = FlameClient.connect({ endpoint: proxy.url('http'), env: {} });
 * proxy.killAll();                 // every connection reset: the client reconnects through the proxy
 * await proxy.close();
 * ```
 */
export class FaultProxy {
  readonly #server: Server;
  readonly #connections = new Set<ProxiedConnection>();
  readonly #target: { host: string; port: number };
  #refuseUntil = 0;
  #delayMs = 0;
  #bytesPerSecond: number | undefined = undefined;
  #blackHoleNew = false;
  #stats = { accepted: 0, refused: 0, killed: 0, bytesUp: 0, bytesDown: 0 };
  #closed = false;
  #port = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /**
   * Starts a proxy to `target` on a free loopback port.
   *
   * @example
   * ```ts
   * const proxy = await FaultProxy.start('ws://127.0.0.1:8080');
   * proxy.url('ws'); // => 'ws://127.0.0.1:<port>'
   * ```
   */
  static async start(target: FaultProxyTarget, options: FaultProxyOptions = {}): Promise<FaultProxy> {
    const proxy = new FaultProxy(parseTarget(target));
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    proxy.#port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  /** The port the proxy listens on. */
  get port(): number {
    return this.#port;
  }

  /**
   * The proxy's address as a URL with the given scheme (`http` for Flame, `ws` for Pie),
   * and an optional path.
   *
   * @example
   * ```ts
   * proxy.url('http'); // => 'http://127.0.0.1:40123'
   * ```
   */
  url(scheme: string = 'http', path: string = ''): string {
    return `${scheme}://127.0.0.1:${this.port}${path}`;
  }

  /** Connections open right now (forwarding or half-open). */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** What the proxy has done so far. */
  get stats(): FaultProxyStats {
    return { ...this.#stats };
  }

  /**
   * Ends every open connection, both sides at once: `rst` (default) resets them, `fin`
   * closes them cleanly. New connections are accepted as usual. Returns how many were killed.
   *
   * @example
   * ```ts
   * proxy.killAll('fin'); // => 1
   * ```
   */
  killAll(mode: KillMode = 'rst'): number {
    const open = [...this.#connections];
    for (const connection of open) this.#kill(connection, mode);
    return open.length;
  }

  /**
   * Half-opens every open connection: the proxy stops forwarding in both directions and
   * drops what arrives, but keeps both sockets open, so neither side sees a close (a
   * pulled cable, a NAT that forgot the flow). With `{ newConnections: true }` new
   * connections are accepted and black-holed too, until `heal()`.
   *
   * @example
   * ```ts
   * proxy.halfOpen();   // the client must notice through its own keepalive/heartbeat
   * ```
   */
  halfOpen(options: { readonly newConnections?: boolean } = {}): void {
    for (const connection of this.#connections) connection.stall();
    if (options.newConnections) this.#blackHoleNew = true;
  }

  /**
   * Adds `ms` of latency to every chunk in both directions (0 removes it).
   *
   * @example
   * ```ts
   * proxy.delay(200);
   * ```
   */
  delay(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('delay must be >= 0 ms');
    this.#delayMs = ms;
  }

  /**
   * Limits each direction of each connection to `bytesPerSecond` (undefined removes the limit).
   *
   * @example
   * ```ts
   * proxy.throttle(64 * 1024);
   * ```
   */
  throttle(bytesPerSecond: number | undefined): void {
    if (bytesPerSecond !== undefined && !(bytesPerSecond > 0)) throw new RangeError('throttle must be > 0 bytes/s');
    this.#bytesPerSecond = bytesPerSecond;
  }

  /**
   * Lets each open connection forward `bytes` more bytes (both directions together), then
   * kills it (`rst` by default): a connection that dies in the middle of a message.
   *
   * @example
   * ```ts
   * proxy.cutAfter(1000);
   * ```
   */
  cutAfter(bytes: number, mode: KillMode = 'rst'): void {
    if (!(Number.isInteger(bytes) && bytes >= 0)) throw new RangeError('cutAfter needs a whole number of bytes >= 0');
    for (const connection of this.#connections) connection.cutAfter(bytes, () => this.#kill(connection, mode));
  }

  /**
   * Refuses new connections (reset at once) for `ms` milliseconds, or until `heal()` when
   * no duration is given. Open connections are not touched.
   *
   * @example
   * ```ts
   * proxy.refuse(500);
   * ```
   */
  refuse(ms: number = Number.POSITIVE_INFINITY): void {
    this.#refuseUntil = Date.now() + ms;
  }

  /**
   * Removes every fault for what comes next: no delay, no throttle, new connections
   * accepted and forwarded. Connections already half-open stay dead (as they would be).
   *
   * @example
   * ```ts
   * proxy.heal();
   * ```
   */
  heal(): void {
    this.#refuseUntil = 0;
    this.#delayMs = 0;
    this.#bytesPerSecond = undefined;
    this.#blackHoleNew = false;
  }

  /**
   * Stops listening and resets every open connection. Idempotent.
   *
   * @example
   * ```ts
   * await proxy.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of [...this.#connections]) connection.destroy('rst');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #kill(connection: ProxiedConnection, mode: KillMode): void {
    if (!this.#connections.has(connection)) return;
    this.#connections.delete(connection);
    this.#stats.killed += 1;
    connection.destroy(mode);
  }

  #accept(client: Socket): void {
    client.on('error', () => undefined);
    if (this.#closed || Date.now() < this.#refuseUntil) {
      this.#stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.#stats.accepted += 1;
    const upstream = connect(this.#target.port, this.#target.host);
    const connection = new ProxiedConnection(client, upstream, {
      faults: () => ({ delayMs: this.#delayMs, bytesPerSecond: this.#bytesPerSecond }),
      counted: (up, bytes) => {
        if (up) this.#stats.bytesUp += bytes;
        else this.#stats.bytesDown += bytes;
      },
      ended: () => this.#connections.delete(connection),
    });
    this.#connections.add(connection);
    if (this.#blackHoleNew) connection.stall();
  }
}

function parseTarget(target: FaultProxyTarget): { host: string; port: number } {
  if (typeof target === 'number') return { host: '127.0.0.1', port: target };
  if (typeof target === 'object') return { host: target.host, port: target.port };
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? new URL(target) : new URL(`tcp://${target}`);
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port <= 0) throw new RangeError(`FaultProxy target needs a host and a port: ${target}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
}
