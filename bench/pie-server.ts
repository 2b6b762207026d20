// Child process of the Pie bench: a minimal, fast stand-in for a Pie 0.4 engine (not the
// PieEmulator, which caps delivery). Answers auth_identify, ping, query, launch_process
// and add_program; a launched process writes `count` stdout events of `size` bytes (its
// input is `{"count":N,"size":B}`) as fast as the socket takes them, then returns.
import { randomUUID } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocketServer, type WebSocket } from 'ws';
import { serveChild } from './child.js';

type Frame = Record<string, unknown>;

/** Above this many buffered bytes the stream waits for the socket to drain. */
const HIGH_WATER = 1 << 20;

function reply(socket: WebSocket, corr_id: unknown, result: string, ok = true): void {
  socket.send(encode({ type: 'response', corr_id, ok, result }));
}

/**
 * Frames written per socket write while a process streams (`BENCH_PIE_WRITE_BATCH`, 64 by
 * default; 1 writes every event on its own). Writing every frame alone made the figures
 * bistable: a client that kept up with the server read one or two events per read (up to
 * 98,000 reads for 200,000 events, over 1 µs of system CPU per event), one that fell behind
 * found the kernel's buffer full and read tens of KiB at a time (about 330 reads); which
 * regime a round fell into decided its CPU per event more than the client's own work did.
 */
const WRITE_BATCH = Math.max(1, Number(process.env.BENCH_PIE_WRITE_BATCH ?? 64) || 64);

/** Streams paused until their socket drains, per socket (one 'drain' listener each). */
const paused = new WeakMap<WebSocket, (() => void)[]>();

function whenDrained(socket: WebSocket, raw: import('node:net').Socket, resume: () => void): void {
  let queue = paused.get(socket);
  if (!queue) {
    paused.set(socket, (queue = []));
    raw.on('drain', () => {
      for (const next of queue!.splice(0)) next();
    });
  }
  queue.push(resume);
}

function stream(socket: WebSocket, processId: string, count: number, size: number): void {
  const frame = encode({ type: 'process_event', process_id: processId, event: 'stdout', value: 'x'.repeat(size) });
  const raw = (socket as unknown as { _socket: import('node:net').Socket })._socket;
  let sent = 0;
  const pump = (): void => {
    while (sent < count) {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > HIGH_WATER || raw.writableLength > HIGH_WATER) {
        whenDrained(socket, raw, pump);
        return;
      }
      // One write for up to WRITE_BATCH frames: ws corks and uncorks around each frame itself,
      // and nested corks flush only at the outer uncork.
      raw.cork();
      for (const end = Math.min(count, sent + WRITE_BATCH); sent < end; sent++) socket.send(frame);
      raw.uncork();
    }
    socket.send(encode({ type: 'process_event', process_id: processId, event: 'return', value: JSON.stringify({ count }) }));
  };
  setImmediate(pump);
}

function serve(socket: WebSocket): void {
  const uploads = new Map<unknown, number>();
  socket.on('message', (data: Buffer) => {
    const frame = decode(data) as Frame;
    switch (frame.type) {
      case 'auth_identify':
        return reply(socket, frame.corr_id, 'Authenticated (Engine disabled authentication)');
      case 'ping':
        return reply(socket, frame.corr_id, 'Pong');
      case 'query':
        return reply(socket, frame.corr_id, '{}');
      case 'launch_process': {
        const { count, size } = JSON.parse(String(frame.input)) as { count: number; size: number };
        const id = randomUUID();
        reply(socket, frame.corr_id, frame.capture_outputs ? id : '');
        return stream(socket, id, count, size);
      }
      case 'add_program': {
        const seen = (uploads.get(frame.corr_id) ?? 0) + 1;
        if (seen < Number(frame.total_chunks)) uploads.set(frame.corr_id, seen);
        else {
          uploads.delete(frame.corr_id);
          reply(socket, frame.corr_id, 'Program installed successfully');
        }
        return;
      }
      default:
        if (frame.corr_id !== undefined) reply(socket, frame.corr_id, '');
    }
  });
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 30 });
server.on('connection', serve);
server.on('listening', () => {
  const { port } = server.address() as { port: number };
  serveChild({ url: `ws://127.0.0.1:${port}` }, async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
