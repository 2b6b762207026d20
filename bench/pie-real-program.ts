// The bench's event source on the real engine: a Python script program printing `n` lines
// (pie-language-python), uploaded once over a raw gateway socket, versioned by a hash of its
// source as the Python client's @inferlet versions programs.
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { hashBlob } from '../src/pie.js';

const SOURCE = 'def bench_events(n: int = 1000):\n    for i in range(n):\n        print(i)\n    return {"n": n}\n';

/** Installs the program (idempotent) and returns its `name@version`. */
export async function installBenchProgram(url: string, identity: string): Promise<string> {
  const bytes = new TextEncoder().encode(SOURCE);
  const hash = hashBlob(bytes);
  const version = `0.${parseInt(hash.slice(0, 4), 16)}.${parseInt(hash.slice(4, 8), 16)}`;
  const manifest = `[package]\nname = "bench-events"\nversion = "${version}"\n\n[runtime]\nlanguage = "python"\nentry = "bench_events"\ncall = "kwargs"\n\n[parameters]\nn = {type = "int", optional = true}\n`;
  const socket = new WebSocket(`${url}/v1/ws`, { headers: { 'x-pie-identity': identity } });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answer = new Promise<{ ok: boolean; result: string }>((resolve) =>
    socket.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) return;
      const frame = decode(data) as { type: string; corr_id: number; ok: boolean; result: string };
      if (frame.type === 'response' && frame.corr_id === 1) resolve(frame);
    }),
  );
  socket.send(encode({ type: 'add_program', corr_id: 1, program_hash: hash, manifest, force_overwrite: false, chunk_index: 0, total_chunks: 1, chunk_data: bytes }));
  const { ok, result } = await answer;
  socket.close();
  if (!ok) throw new Error(`bench program upload failed: ${result} (is pie-language-python installed beside the engine?)`);
  return `bench-events@${version}`;
}
