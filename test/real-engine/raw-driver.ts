// A raw gateway driver for wire-level tests: `ws` + @msgpack/msgpack, no library code, so the
// real engine and PieEmulator are compared on the bytes they answer, not on client behaviour.
import { request as httpRequest } from 'node:http';
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';

/** One frame as received: a decoded binary MessagePack map, or a text frame's text. */
export type WireFrame = { kind: 'binary'; value: Record<string, unknown> } | { kind: 'text'; value: string };

/** An HTTP answer: status, content type and body text. */
export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  allow: string | undefined;
  body: string;
}

/**
 * Sends one HTTP/1.1 request (a WebSocket upgrade request when `upgrade` is set) and reports
 * the answer; a 101 is reported with an empty body and the socket closed at once.
 */
export function httpExchange(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string | Buffer>; upgrade?: boolean } = {},
): Promise<HttpAnswer> {
  const url = new URL(path, baseUrl.replace(/^ws/, 'http'));
  const headers: Record<string, string | Buffer> = options.upgrade
    ? { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...options.headers }
    : { ...options.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: headers as Record<string, string>, agent: false });
    req.setTimeout(5000, () => req.destroy(new Error(`no HTTP answer from ${url.href}`)));
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, contentType: undefined, allow: undefined, body: '' });
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          allow: res.headers['allow'],
          body: Buffer.concat(parts).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A test connection to a gateway: sends maps, records every frame in order. */
export class GatewayDriver {
  readonly frames: WireFrame[] = [];
  private listeners: (() => void)[] = [];
  private nextCorrId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push(isBinary ? { kind: 'binary', value: decode(data) as Record<string, unknown> } : { kind: 'text', value: data.toString('utf8') });
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** Opens `baseUrl` + `/v1/ws` with `x-pie-identity` (default `default/bench`). */
  static async connect(baseUrl: string, identity = 'default/bench'): Promise<GatewayDriver> {
    const socket = new WebSocket(`${baseUrl.replace(/\/+$/, '')}/v1/ws`, { headers: { 'x-pie-identity': identity }, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new GatewayDriver(socket);
  }

  /** A fresh correlation id. */
  corrId(): number {
    return this.nextCorrId++;
  }

  /** Sends one map as a binary MessagePack frame (or raw bytes, or a text frame). */
  send(message: Record<string, unknown> | Uint8Array | string): void {
    if (typeof message === 'string') this.socket.send(message, { binary: false });
    else this.socket.send(message instanceof Uint8Array ? message : encode(message), { binary: true });
  }

  /** Resolves once `done(framesSince)` holds for the frames that arrived after `from`. */
  waitUntil(from: number, done: (frames: WireFrame[]) => boolean, timeoutMs = 30_000): Promise<WireFrame[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const since = this.frames.slice(from);
        if (!done(since)) return false;
        cleanup();
        resolve(since);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms; frames: ${JSON.stringify(this.frames.slice(from))}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
      };
      const listener = (): void => void check();
      this.listeners.push(listener);
      check();
    });
  }

  /**
   * Sends `message` and returns every frame that arrives until `done` holds and then nothing
   * more comes for `quietMs` (so trailing `turn_done` frames are part of the step).
   */
  async step(message: Record<string, unknown> | Uint8Array | string, done: (frames: WireFrame[]) => boolean, quietMs = 80): Promise<WireFrame[]> {
    const from = this.frames.length;
    this.send(message);
    await this.waitUntil(from, done);
    let seen = -1;
    while (seen !== this.frames.length) {
      seen = this.frames.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
    return this.frames.slice(from);
  }

  /** Sends a request with a fresh `corr_id` and returns the step's frames (through its response). */
  request(message: Record<string, unknown>, quietMs?: number): Promise<WireFrame[]> {
    const corrId = this.corrId();
    return this.step({ ...message, corr_id: corrId }, (frames) => frames.some((f) => isResponse(f, corrId)), quietMs);
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.terminate();
    });
  }
}

/** Whether `frame` is the `response` to `corrId`. */
export function isResponse(frame: WireFrame, corrId?: number): boolean {
  return frame.kind === 'binary' && frame.value['type'] === 'response' && (corrId === undefined || frame.value['corr_id'] === corrId);
}

/** Whether `frame` is the terminal event of a process. */
export function isTerminal(frame: WireFrame, processId?: string): boolean {
  return (
    frame.kind === 'binary' &&
    frame.value['type'] === 'process_event' &&
    (frame.value['event'] === 'return' || frame.value['event'] === 'error') &&
    (processId === undefined || frame.value['process_id'] === processId)
  );
}

/** The `result` of the step's response. */
export function resultOf(frames: WireFrame[]): { ok: boolean; result: string } {
  const response = frames.find((f) => isResponse(f));
  if (!response || response.kind !== 'binary') throw new Error(`no response among ${JSON.stringify(frames)}`);
  return { ok: response.value['ok'] as boolean, result: response.value['result'] as string };
}
