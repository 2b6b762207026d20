// A raw WebSocket + MessagePack client for exercising the Pie emulator byte for byte.
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';

/** A decoded server frame. */
export type Frame = Record<string, unknown> & { type: string };

/** A thin test client: sends maps, collects decoded frames, waits for matches. */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly rawFrames: Buffer[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private nextCorrId = 1000;
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) throw new Error('server sent a text frame');
      this.rawFrames.push(data);
      let frame: Frame;
      try {
        frame = decode(data) as Frame;
      } catch {
        return;
      }
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(frame)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          clearTimeout(waiter.timer);
          waiter.resolve(frame);
        }
      }
    });
    socket.on('close', () => (this.closed = true));
  }

  static async connect(url: string): Promise<RawClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Sends one map (or raw bytes). */
  send(message: Record<string, unknown> | Uint8Array): void {
    const bytes = message instanceof Uint8Array ? message : encode(message, { ignoreUndefined: true });
    this.socket.send(bytes, { binary: true });
  }

  /** Waits for the first frame (already received or future, not yet consumed by index) matching. */
  waitFor(match: (f: Frame) => boolean, timeoutMs = 3000, from = 0): Promise<Frame> {
    const existing = this.frames.slice(from).find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`timed out waiting for a frame after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }

  /** Sends a request with a fresh corr_id and waits for its response. */
  async request(message: Record<string, unknown>, timeoutMs = 3000): Promise<{ ok: boolean; result: string; corr_id: number }> {
    const corrId = this.nextCorrId++;
    const from = this.frames.length;
    this.send({ ...message, corr_id: corrId });
    const frame = await this.waitFor((f) => f.type === 'response' && f['corr_id'] === corrId, timeoutMs, from);
    return frame as unknown as { ok: boolean; result: string; corr_id: number };
  }

  /** Resolves true if no frame matching arrives within `ms`. */
  async expectNothing(match: (f: Frame) => boolean, ms = 150): Promise<boolean> {
    const from = this.frames.length;
    await new Promise((r) => setTimeout(r, ms));
    return !this.frames.slice(from).some(match);
  }

  /** Events of one process, in order. */
  events(processId: string): { event: string; value: string }[] {
    return this.frames
      .filter((f) => f.type === 'process_event' && f['process_id'] === processId)
      .map((f) => ({ event: f['event'] as string, value: f['value'] as string }));
  }

  /** Waits for the terminal event of a process. */
  terminal(processId: string, timeoutMs = 3000): Promise<Frame> {
    return this.waitFor(
      (f) => f.type === 'process_event' && f['process_id'] === processId && (f['event'] === 'return' || f['event'] === 'error'),
      timeoutMs,
    );
  }

  /** Authenticates against an auth-disabled emulator. */
  async identify(username = 'alice'): Promise<void> {
    const reply = await this.request({ type: 'auth_identify', username });
    if (!reply.ok) throw new Error(reply.result);
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters = [];
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.terminate();
    });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
