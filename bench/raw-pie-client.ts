// The benchmark's baseline: a bare `ws` + @msgpack/msgpack client with just enough logic
// for the measured exchanges (no reconnect, no timeouts, no validation). By default it uses
// @msgpack/msgpack's top-level `encode`/`decode` (a new Encoder/Decoder per call, as its
// README shows); `{ sharedCodec: true }` reuses one of each, a stronger floor for pings.
import { Decoder, Encoder, decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';

type Frame = Record<string, unknown>;

export class RawPieClient {
  private nextId = 1;
  private readonly pending = new Map<number, (frame: Frame) => void>();
  /** Events counted per process id (events may arrive before the launch reply is handled). */
  private readonly processes = new Map<string, { count: number; ended: boolean; done?: () => void }>();

  private readonly encode: (value: unknown) => Uint8Array;

  private constructor(
    private readonly socket: WebSocket,
    sharedCodec: boolean,
  ) {
    const decoder = sharedCodec ? new Decoder() : undefined;
    const encoder = sharedCodec ? new Encoder() : undefined;
    const decodeFrame = decoder ? (data: Buffer) => decoder.decode(data) : (data: Buffer) => decode(data);
    this.encode = encoder ? (value) => encoder.encode(value) : (value) => encode(value);
    socket.on('message', (data: Buffer) => {
      const frame = decodeFrame(data) as Frame;
      if (frame.type === 'response') {
        const resolve = this.pending.get(frame.corr_id as number);
        this.pending.delete(frame.corr_id as number);
        resolve?.(frame);
      } else if (frame.type === 'process_event') {
        this.onEvent(frame);
      }
    });
  }

  static async connect(url: string, options: { sharedCodec?: boolean } = {}): Promise<RawPieClient> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const client = new RawPieClient(socket, options.sharedCodec ?? false);
    await client.request({ type: 'auth_identify', username: 'bench' });
    return client;
  }

  request(message: Frame): Promise<Frame> {
    const corr_id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(corr_id, resolve);
      this.socket.send(this.encode({ ...message, corr_id }));
    });
  }

  private lastId: string | undefined = undefined;
  private lastEntry: { count: number; ended: boolean; done?: () => void } | undefined = undefined;

  private onEvent(frame: Frame): void {
    const id = frame.process_id as string;
    // Events come in runs of one process: skip the map lookup (and hashing the fresh id) then.
    let entry = id === this.lastId ? this.lastEntry : this.processes.get(id);
    if (!entry) this.processes.set(id, (entry = { count: 0, ended: false }));
    this.lastId = id;
    this.lastEntry = entry;
    entry.count++;
    if (frame.event === 'return' || frame.event === 'error') {
      entry.ended = true;
      entry.done?.();
    }
  }

  /** Launches with capture and counts the process's events until the terminal one. */
  async launchAndCount(inferlet: string, input: string): Promise<number> {
    const reply = await this.request({ type: 'launch_process', inferlet, input, capture_outputs: true });
    const id = reply.result as string;
    let entry = this.processes.get(id);
    if (!entry) this.processes.set(id, (entry = { count: 0, ended: false }));
    const own = entry;
    if (!own.ended) await new Promise<void>((resolve) => (own.done = resolve));
    this.processes.delete(id);
    return own.count;
  }

  /** Uploads a program in 256 KiB chunks under one corr_id and waits for the reply. */
  async upload(hash: string, manifest: string, wasm: Uint8Array): Promise<Frame> {
    const chunk = 262_144;
    const total = Math.max(1, Math.ceil(wasm.length / chunk));
    const corr_id = this.nextId++;
    const reply = new Promise<Frame>((resolve) => this.pending.set(corr_id, resolve));
    for (let i = 0; i < total; i++) {
      this.socket.send(
        this.encode({
          type: 'add_program',
          corr_id,
          program_hash: hash,
          manifest,
          force_overwrite: true,
          chunk_index: i,
          total_chunks: total,
          chunk_data: wasm.subarray(i * chunk, Math.min(wasm.length, (i + 1) * chunk)),
        }),
      );
    }
    return reply;
  }

  close(): void {
    this.socket.close();
  }
}
