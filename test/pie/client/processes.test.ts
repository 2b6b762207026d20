import { afterEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom, lastValueFrom, mergeMap, switchMap, take, tap, toArray } from 'rxjs';
import { delay, harness } from './helpers.js';
import {
  PieNotFoundError,
  PieProcessFailedError,
  PieProtocolError,
  PieRequestError,
} from '../../../src/model/pie/errors.js';
import { PieProcessIdError } from '../../../src/model/pie/process-id.js';
import { hashBlob } from '../../../src/model/pie/hash.js';
import type { ProcessEvent } from '../../../src/model/pie/events.js';

const h = harness();
afterEach(() => h.cleanup());

function bytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 17 + seed) & 0xff;
  return out;
}

describe('PieClient processes', () => {
  it('signals a waiting inferlet and receives message events; the input is JSON unless a string', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('chat@1.0.0', async (ctx) => {
      ctx.send('ready');
      const go = await ctx.nextSignal();
      return JSON.stringify({ input: ctx.input, go });
    });
    const client = await h.client(emu);
    const events = await lastValueFrom(
      client.launch('chat@1.0.0', { q: 1 }).pipe(
        switchMap((process) =>
          process.events$.pipe(
            tap((event) => {
              if (event.kind === 'message') process.signal('start').subscribe();
            }),
          ),
        ),
        toArray(),
      ),
    );
    expect(events.map((e) => e.kind)).toEqual(['message', 'return']);
    expect(JSON.parse((events[1] as { value: string }).value)).toEqual({ input: '{"q":1}', go: 'start' });
    const raw = await lastValueFrom(client.launchProcess('chat@1.0.0', 'plain text').pipe(
      tap((e) => e.kind === 'message' && client.attachProcess(e.processId).pipe(switchMap((p) => p.signal('x'))).subscribe()),
      filter((e) => e.kind === 'return'),
    ));
    expect(JSON.parse((raw as { value: string }).value)).toEqual({ input: 'plain text', go: 'x' });
  });

  it('an error event is emitted, then the stream errors with PieProcessFailedError', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('boom@1.0.0', (ctx) => {
      ctx.stdout('about to fail');
      throw new Error('kaput');
    });
    const client = await h.client(emu);
    const seen: ProcessEvent[] = [];
    const error = await lastValueFrom(client.launchProcess('boom@1.0.0').pipe(tap((e) => seen.push(e)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieProcessFailedError);
    expect((error as PieProcessFailedError).serverMessage).toBe('kaput');
    expect(seen.map((e) => e.kind)).toEqual(['stdout', 'error']);
  });

  it('transfers files both ways with blake3 hashes (empty, small, several chunks)', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('files@1.0.0', async (ctx) => {
      const received: string[] = [];
      for (let i = 0; i < 3; i++) {
        ctx.send(`want-${i}`);
        const file = await ctx.receiveFile();
        received.push(`${file.length}:${hashBlob(file)}`);
        ctx.sendFile(file.length === 0 ? new Uint8Array([42]) : file);
      }
      return JSON.stringify(received);
    });
    const client = await h.client(emu);
    const outgoing = [new Uint8Array(0), bytes(1000), bytes(600_000, 3)];
    const progress: number[][] = [];
    const events = await lastValueFrom(
      client.launch('files@1.0.0').pipe(
        switchMap((process) =>
          process.events$.pipe(
            tap((event) => {
              if (event.kind !== 'message') return;
              const index = Number(event.text.slice('want-'.length));
              const sent: number[] = [];
              process.transferFile(outgoing[index]!).subscribe({
                next: (p) => sent.push(p.sentChunks),
                complete: () => progress.push(sent),
              });
            }),
          ),
        ),
        toArray(),
      ),
    );
    expect(progress).toEqual([[1], [1], [1, 2, 3]]);
    const ret = events.at(-1) as { kind: string; value: string };
    expect(JSON.parse(ret.value)).toEqual(outgoing.map((b) => `${b.length}:${hashBlob(b)}`));
    const files = events.filter((e): e is Extract<ProcessEvent, { kind: 'file' }> => e.kind === 'file');
    const expected = [new Uint8Array([42]), outgoing[1]!, outgoing[2]!];
    expect(files.map((f) => f.bytes.length)).toEqual(expected.map((b) => b.length));
    expect(files.map((f) => hashBlob(f.bytes))).toEqual(expected.map(hashBlob));
    expect(files.map((f) => f.hash)).toEqual(expected.map(hashBlob));
    const transfers = emu.received.filter((m) => m.type === 'transfer_file');
    expect(transfers[0]).toMatchObject({ chunk_index: 0, total_chunks: 1, file_hash: hashBlob(new Uint8Array(0)) });
  });

  it('terminates through the handle and by id; lists processes typed', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('wait@1.0.0', async (ctx) => {
      ctx.send('up');
      await ctx.nextSignal();
      return 'never';
    });
    const client = await h.client(emu);
    const process = await firstValueFrom(client.launch('wait@1.0.0', { k: 1 }));
    const up = await firstValueFrom(process.events$.pipe(filter((e) => e.kind === 'message')));
    expect(up).toMatchObject({ kind: 'message', text: 'up' });
    const listed = await firstValueFrom(client.listProcesses());
    expect(listed).toEqual([{ id: process.id, username: 'tester', program: 'wait@1.0.0', input: '{"k":1}', elapsedSecs: 0 }]);
    const ending = lastValueFrom(process.events$).catch((e: unknown) => e);
    await firstValueFrom(process.terminate());
    const error = await ending;
    expect(error).toBeInstanceOf(PieProcessFailedError);
    expect((error as PieProcessFailedError).serverMessage).toBe('Signal');
    await expect(firstValueFrom(client.terminateProcess(process.id))).rejects.toBeInstanceOf(PieNotFoundError);
    await expect(firstValueFrom(client.terminateProcess('not-a-uuid'))).rejects.toBeInstanceOf(PieProcessIdError);
    expect(await firstValueFrom(client.listProcesses())).toEqual([]);
  });

  it("unsubscribing with onUnsubscribe 'terminate' terminates at the engine; 'detach' leaves it running", async () => {
    const emu = await h.emulator();
    emu.registerInferlet('loop@1.0.0', async (ctx) => {
      ctx.stdout('tick');
      await ctx.nextSignal();
      return 'stopped';
    });
    const client = await h.client(emu);
    await firstValueFrom(client.launchProcess('loop@1.0.0', {}, { onUnsubscribe: 'terminate' }));
    const detached = await firstValueFrom(client.launchProcess('loop@1.0.0', {}));
    for (let i = 0; i < 50 && emu.received.filter((m) => m.type === 'terminate_process').length === 0; i++) await delay(10);
    const terminates = emu.received.filter((m) => m.type === 'terminate_process');
    expect(terminates).toHaveLength(1);
    const listed = await firstValueFrom(client.listProcesses());
    expect(listed.map((p) => p.id)).toEqual([detached.processId]);
    expect((terminates[0] as { process_id: string }).process_id).not.toBe(detached.processId);
  });

  it('attaches by id in any UUID spelling; bad or unknown ids give typed errors', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('bg@1.0.0', async (ctx) => {
      ctx.send('started');
      return `done ${await ctx.nextSignal()}`;
    });
    const client = await h.client(emu);
    const [launched] = await firstValueFrom(client.launchProcesses('bg@1.0.0', [{}], { capture: false }));
    const other = await h.client(emu);
    const upper = `{${launched!.id.toUpperCase()}}`;
    const events = await lastValueFrom(
      other.attachProcess(upper).pipe(
        mergeMap((p) => {
          p.signal('now').subscribe();
          return p.events$;
        }),
        toArray(),
      ),
    );
    expect(events).toEqual([{ kind: 'return', processId: launched!.id, value: 'done now' }]);
    await expect(firstValueFrom(other.attachProcess('nope'))).rejects.toBeInstanceOf(PieProcessIdError);
    await expect(firstValueFrom(other.attachProcess(launched!.id))).rejects.toBeInstanceOf(PieNotFoundError);
  });

  it('launch without capture gives the id (via launch_processes) and an empty events$', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('quiet@1.0.0', async (ctx) => {
      ctx.stdout('invisible');
      await ctx.nextSignal();
      return 'ok';
    });
    const client = await h.client(emu);
    const process = await firstValueFrom(client.launch('quiet@1.0.0', {}, { capture: false, tokenBudget: 100 }));
    expect(process.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lastValueFrom(process.events$.pipe(toArray()))).toEqual([]);
    expect(emu.received.find((m) => m.type === 'launch_processes')).toMatchObject({ capture_outputs: false, token_budgets: [100] });
    await firstValueFrom(client.terminateProcess(process.id));
  });

  it('launches several processes, runs several to completion, and launches a daemon', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('sq@1.0.0', (ctx) => String((JSON.parse(ctx.input) as { n: number }).n ** 2));
    const client = await h.client(emu);
    const processes = await firstValueFrom(client.launchProcesses('sq@1.0.0', [{ n: 2 }, { n: 3 }], { tokenBudgets: [10, null] }));
    const returns = await Promise.all(processes.map((p) => lastValueFrom(p.events$)));
    expect(returns.map((e) => (e as { value: string }).value)).toEqual(['4', '9']);
    expect(await firstValueFrom(client.runProcesses('sq@1.0.0', [{ n: 4 }, { n: 5 }]))).toEqual(['16', '25']);
    await expect(firstValueFrom(client.launchProcesses('sq@1.0.0', [{}], { tokenBudgets: [] }))).rejects.toThrow(
      /does not match/,
    );
    await firstValueFrom(client.launchDaemon('sq@1.0.0', 18080));
    expect(emu.received.find((m) => m.type === 'launch_daemon')).toMatchObject({ port: 18080, inferlet: 'sq@1.0.0' });
  });

  it('an unknown program is a PieRequestError with the registry text', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu);
    const error = await firstValueFrom(client.launch('missing@1.0.0')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieRequestError);
    expect((error as PieRequestError).serverMessage).toMatch(/404 Not Found/);
  });

  it('malformed frames from the engine are reported on errors$ and the connection keeps working', async () => {
    const emu = await h.emulator();
    emu.registerInferlet('one@1.0.0', () => '1');
    const client = await h.client(emu);
    const reported = firstValueFrom(client.errors$);
    emu.sendCorruptFrame();
    expect(await reported).toBeInstanceOf(PieProtocolError);
    expect(await lastValueFrom(client.launchProcess('one@1.0.0').pipe(take(1)))).toMatchObject({ kind: 'return', value: '1' });
  });
});
