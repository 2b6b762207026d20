// Every row of `pie-0.4-observed.md` (what a real Pie 0.4 engine answered, case by case; a
// copy of /work/shared/protocol/pie-0.4-observed.md is in fixtures/) run against PieEmulator,
// configured as that engine was: auth disabled or public keys, a registry nobody listens on
// (http://127.0.0.1:9), a dead connection's processes staying bound to it ('upstream').
// Answers are summarised in the table's shape and compared as text; a cell the table cut
// short (ending mid-text, or with `…`) is compared as a prefix. UUIDs read `<uuid>`.
// A few rows differ on purpose; each is listed in DIFFERENT with the reason and the answer
// held instead. A row without a case fails the test, so the table cannot outgrow it.
import { afterAll, describe, expect, it } from 'vitest';
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import WebSocket from 'ws';
import { PieClient } from '../../../src/observables/pie/pie-client.js';
import type { PieCredentials } from '../../../src/observables/pie/connection/credentials.js';
import type { ProcessEvent } from '../../../src/model/pie/events.js';
import { buildComponent, PieEmulator, type InferletHandler } from '../../../src/testing/pie/index.js';
import { RawClient } from './raw-client.js';

interface Row {
  auth: string;
  operation: string;
  expected: string;
}

function tableRows(): Row[] {
  const text = readFileSync(new URL('./fixtures/pie-0.4-observed.md', import.meta.url), 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('| auth disabled |') && !line.startsWith('| public-key auth |')) continue;
    const cells = line
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((cell) => cell.replace(/\\\|/g, '|'));
    const expected = cells[2]!.trim();
    rows.push({ auth: cells[0]!, operation: cells[1]!, expected: expected.replace(/^`|`$/g, '') });
  }
  return rows;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The table's `{value}` / `{error: {class, message, serverMessage}}` summary. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: errorSummary(error) };
  }
}

function errorSummary(error: unknown): Record<string, unknown> {
  const e = error as Error & { serverMessage?: string };
  return {
    class: e.constructor.name,
    message: e.message,
    ...(e.serverMessage === undefined ? {} : { serverMessage: e.serverMessage }),
  };
}

function eventSummary(event: ProcessEvent): Record<string, unknown> {
  switch (event.kind) {
    case 'return':
      return { kind: 'return', value: event.value };
    case 'error':
      return { kind: 'error', message: event.message };
    case 'file':
      return { kind: 'file', hash: '<h>', bytes: `${event.bytes.length} bytes` };
    default:
      return { kind: event.kind, text: event.text };
  }
}

function compare(actualValue: unknown, expected: string): void {
  const actual = JSON.stringify(actualValue).replace(UUID, '<uuid>');
  const cut = expected.indexOf('…');
  if (cut >= 0) {
    expect(actual.startsWith(expected.slice(0, cut)), `${actual}\n  does not start with\n${expected.slice(0, cut)}`).toBe(true);
    return;
  }
  try {
    JSON.parse(expected);
  } catch {
    expect(actual.startsWith(expected), `${actual}\n  does not start with\n${expected}`).toBe(true);
    return;
  }
  expect(actual).toBe(expected);
}

// ---- the engines and components of the observed run ------------------------------------

const pairs = {
  ed25519: crypto.generateKeyPairSync('ed25519'),
  p256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
  stranger: crypto.generateKeyPairSync('ed25519'),
};
type Pair = crypto.KeyPairKeyObjectResult;
const spki = (pair: Pair): string => pair.publicKey.export({ format: 'pem', type: 'spki' }) as string;
const keyOf = (pair: Pair): { text: string } => ({ text: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string });

/** echo returns its input; boom fails; chatty talks, waits for signals and a file (see the rows). */
const programs: Record<string, InferletHandler> = {
  'echo@0.1.0': (ctx) => ctx.input,
  'boom@0.1.0': () => {
    throw new Error('boom');
  },
  'chatty@0.1.0': async (ctx) => {
    ctx.stdout('hello ');
    ctx.stdout('world\n');
    ctx.send('ready');
    await ctx.nextSignal();
    ctx.send('want-file');
    ctx.sendFile(await ctx.receiveFile());
    ctx.send('done');
    return ctx.nextSignal();
  },
};
const componentSizes: Record<string, number> = { echo: 5158, boom: 5159, chatty: 5298 };
const manifest = (name: string): string => `[package]\nname = "${name}"\nversion = "0.1.0"\n`;
const FAKE = new Uint8Array(64).fill(7);

let disabled: PieEmulator;
let publicKey: PieEmulator;
const clients: PieClient[] = [];
const raws: RawClient[] = [];

async function connect(emu: PieEmulator, credentials: PieCredentials = { username: 'alice' }): Promise<PieClient> {
  const client = await PieClient.connect(emu.url, credentials, { heartbeat: false, requestTimeoutMs: 5_000 });
  clients.push(client);
  return client;
}
async function raw(emu: PieEmulator, username?: string): Promise<RawClient> {
  const client = await RawClient.connect(emu.url);
  raws.push(client);
  if (username) await client.identify(username);
  return client;
}
const pick = (r: { ok: boolean; result: string }) => ({ ok: r.ok, result: r.result });
const noReply = async (client: RawClient, frame: Record<string, unknown>, corrId: number) => {
  client.send(frame);
  return { noReply: await client.expectNothing((f) => f.type === 'response' && f['corr_id'] === corrId, 200) };
};
const events = async (client: PieClient, program: string, input?: unknown, options = {}) =>
  (await lastValueFrom(client.launchProcess(program, input, options).pipe(toArray()))).map(eventSummary);
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

/** Collects a process's events, and its failure, without ending the test on it. */
function follow(events$: import('rxjs').Observable<ProcessEvent>) {
  const seen: ProcessEvent[] = [];
  let failure: unknown;
  const done = new Promise<void>((resolve) =>
    events$.subscribe({ next: (e) => seen.push(e), error: (e: unknown) => ((failure = e), resolve()), complete: () => resolve() }),
  );
  return { seen, done, failure: () => failure, waitFor: (n: number) => until(() => seen.length >= n) };
}

let alice: PieClient;
let ed: PieClient;

type Case = () => Promise<unknown>;

const disabledCases: Record<string, Case> = {
  'auth: {username} (auth disabled)': () => outcome(async () => (await connect(disabled), 'ready')),
  'auth: {username, key ed25519} (auth disabled)': () =>
    outcome(async () => (await connect(disabled, { username: 'alice', key: keyOf(pairs.ed25519) }), 'ready')),
  'auth: wrong token': () => outcome(async () => (await connect(disabled, { token: 'not-the-token' }), 'ready')),
  'auth: right token': () => outcome(async () => (await connect(disabled, { token: disabled.internalToken }), 'ready')),
  'raw: ping before auth': async () => outcome(async () => noReply(await raw(disabled), { type: 'ping', corr_id: 1 }, 1)),
  'raw: auth_prove without pending': async () =>
    outcome(async () => pick(await (await raw(disabled)).request({ type: 'auth_prove', signature: 'AAAA' }))),
  'raw: auth_identify': async () => outcome(async () => pick(await (await raw(disabled)).request({ type: 'auth_identify', username: 'alice' }))),
  'raw: auth messages after auth': async () =>
    outcome(async () => {
      const c = await raw(disabled);
      const auth = pick(await c.request({ type: 'auth_identify', username: 'alice' }));
      return {
        auth,
        identify: pick(await c.request({ type: 'auth_identify', username: 'alice' })),
        token: pick(await c.request({ type: 'auth_by_token', token: 'x' })),
        prove: pick(await c.request({ type: 'auth_prove', signature: 'AAAA' })),
      };
    }),
  ping: async () => {
    alice = await connect(disabled);
    return outcome(async () => {
      const ms = await firstValueFrom(alice.ping());
      return `${typeof ms} ${ms >= 0}`;
    });
  },
  'raw: ping': async () => outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'ping' }))),
  'query model_status (raw text)': () => outcome(() => firstValueFrom(alice.query('model_status'))),
  'modelStatus()': () =>
    outcome(async () => {
      const status = await firstValueFrom(alice.modelStatus());
      const models: Record<string, unknown> = {};
      for (const [name, m] of Object.entries(status.models)) {
        models[name] = {
          kvPagesUsed: m.kvPagesUsed,
          kvPagesTotal: m.kvPagesTotal,
          totalTokensProcessed: m.totalTokensProcessed,
          avgBatchLatencyUs: m.avgBatchLatencyUs,
          metricKeys: Object.keys(m.metrics).length,
        };
      }
      return { models };
    }),
  'query model_status with record "x"': () => outcome(() => firstValueFrom(alice.query('model_status', 'x'))),
  'query unknown subject': () => outcome(() => firstValueFrom(alice.query('nothing', '', { timeoutMs: 1500 }))),
  'raw: query unknown subject': async () =>
    outcome(async () => noReply(await raw(disabled, 'alice'), { type: 'query', corr_id: 5, subject: 'nothing', record: '' }, 5)),
  'raw: query without record': async () =>
    outcome(async () => noReply(await raw(disabled, 'alice'), { type: 'query', corr_id: 6, subject: 'model_status' }, 6)),
  'checkProgram missing@1.0.0': () => outcome(() => firstValueFrom(alice.checkProgram('missing@1.0.0'))),
  'checkProgram "bad name@1.0.0"': () => outcome(() => firstValueFrom(alice.checkProgram('bad name@1.0.0'))),
  'checkProgram x@1.0': () => outcome(() => firstValueFrom(alice.checkProgram('x@1.0'))),
  'checkProgram x@1.0.0-beta': () => outcome(() => firstValueFrom(alice.checkProgram('x@1.0.0-beta'))),
  'raw: check_program bad name': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'check_program', name: 'bad name', version: '1.0.0' }))),
  'raw: check_program x@1.0': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'check_program', name: 'x', version: '1.0' }))),
  'raw: check_program with nil hashes': async () =>
    outcome(async () =>
      pick(
        await (await raw(disabled, 'alice')).request({ type: 'check_program', name: 'missing', version: '1.0.0', wasm_hash: null, manifest_hash: null }),
      ),
    ),
  'checkProgram echo@0.1.0 before upload': () => outcome(() => firstValueFrom(alice.checkProgram('echo@0.1.0'))),
  'addProgram fake wasm bytes': () => outcome(() => lastValueFrom(alice.addProgram({ wasm: FAKE, manifest: manifest('fake') }))),
  'checkProgram fake@0.1.0 after failed compile': () => outcome(() => firstValueFrom(alice.checkProgram('fake@0.1.0'))),
  'launchProcess fake@0.1.0': () => outcome(() => events(alice, 'fake@0.1.0')),
  'addProgram empty wasm': () => outcome(() => lastValueFrom(alice.addProgram({ wasm: new Uint8Array(0), manifest: manifest('empty') }))),
  'addProgram core module (not a component)': () =>
    outcome(() => lastValueFrom(alice.addProgram({ wasm: Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0), manifest: manifest('core') }))),
  'addProgram invalid manifest TOML': () => outcome(() => lastValueFrom(alice.addProgram({ wasm: FAKE, manifest: 'this is = = not toml' }))),
  'addProgram manifest without version': () =>
    outcome(() => lastValueFrom(alice.addProgram({ wasm: FAKE, manifest: '[package]\nname = "nover"\n' }))),
  'addProgram manifest with bad name': () =>
    outcome(() => lastValueFrom(alice.addProgram({ wasm: FAKE, manifest: '[package]\nname = "bad name"\nversion = "0.1.0"\n' }))),
  'raw: add_program total_chunks 0': async () =>
    outcome(async () =>
      noReply(
        await raw(disabled, 'alice'),
        { type: 'add_program', corr_id: 7, program_hash: 'z', manifest: manifest('z'), force_overwrite: true, chunk_index: 0, total_chunks: 0, chunk_data: new Uint8Array() },
        7,
      ),
    ),
  'raw: add_program first chunk index 1': async () =>
    outcome(async () =>
      pick(
        await (await raw(disabled, 'alice')).request({
          type: 'add_program', program_hash: 'one', manifest: manifest('one'), force_overwrite: true, chunk_index: 1, total_chunks: 2, chunk_data: new Uint8Array(1),
        }),
      ),
    ),
  'launchProcess missing@1.0.0': () => outcome(() => events(alice, 'missing@1.0.0')),
  'raw: launch_process missing@1.0.0': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'launch_process', inferlet: 'missing@1.0.0', input: '', capture_outputs: true }))),
  'launchProcess "nope" (bad id)': () => outcome(() => events(alice, 'nope')),
  'raw: launch_process "nope"': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'launch_process', inferlet: 'nope', input: '', capture_outputs: true }))),
  'launchProcesses missing, tokenBudgets mismatch': () =>
    outcome(() => firstValueFrom(alice.launchProcesses('missing@1.0.0', [1, 2], { tokenBudgets: [5] }))),
  'raw: launch_processes budgets mismatch': async () =>
    outcome(async () =>
      pick(
        await (await raw(disabled, 'alice')).request({ type: 'launch_processes', inferlet: 'missing@1.0.0', inputs: ['a', 'b'], capture_outputs: true, token_budgets: [5] }),
      ),
    ),
  'runProcesses missing@1.0.0': () => outcome(() => firstValueFrom(alice.runProcesses('missing@1.0.0', ['a']))),
  'launchDaemon missing@1.0.0': () => outcome(() => firstValueFrom(alice.launchDaemon('missing@1.0.0', 8000))),
  'attachProcess unknown uuid': () => outcome(() => firstValueFrom(alice.attachProcess(crypto.randomUUID()))),
  'attachProcess "not-a-uuid"': () => outcome(() => firstValueFrom(alice.attachProcess('not-a-uuid'))),
  'raw: attach_process not-a-uuid': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'attach_process', process_id: 'not-a-uuid' }))),
  'raw: attach_process unknown': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'attach_process', process_id: crypto.randomUUID() }))),
  'terminateProcess unknown uuid': () => outcome(() => firstValueFrom(alice.terminateProcess(crypto.randomUUID()))),
  'terminateProcess "zzz"': () => outcome(() => firstValueFrom(alice.terminateProcess('zzz'))),
  'raw: terminate_process zzz': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'terminate_process', process_id: 'zzz' }))),
  'listProcesses (none)': () => outcome(() => firstValueFrom(alice.listProcesses())),
  'raw: list_processes': async () => outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'list_processes' }))),
  'submitWorkflow "{bad json"': () => outcome(() => firstValueFrom(alice.submitWorkflow('{bad json'))),
  'submitWorkflow empty pipe': () => outcome(() => firstValueFrom(alice.submitWorkflow({ type: 'pipe', stages: [] }))),
  'attachWorkflow unknown': () => outcome(() => firstValueFrom(alice.attachWorkflow(crypto.randomUUID()))),
  'raw: cancel_workflow unknown': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'cancel_workflow', workflow_id: crypto.randomUUID() }))),
  'raw: detach_workflow unknown': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'detach_workflow', workflow_id: crypto.randomUUID() }))),
  'raw: attach_workflow bad id': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'attach_workflow', workflow_id: 'bad' }))),
  'raw: text frame then ping': async () =>
    outcome(async () => {
      const c = await raw(disabled, 'alice');
      (c.socket as WebSocket).send('hello', { binary: false });
      return pick(await c.request({ type: 'ping' }));
    }),
  'raw: unknown type with corr_id': async () => outcome(async () => noReply(await raw(disabled, 'alice'), { type: 'no_such_type', corr_id: 8 }, 8)),
  'raw: ping with corr_id 2^32': async () => outcome(async () => noReply(await raw(disabled, 'alice'), { type: 'ping', corr_id: 2 ** 32 }, 2 ** 32)),
  'raw: ping with corr_id 0': async () =>
    outcome(async () => {
      const c = await raw(disabled, 'alice');
      c.send({ type: 'ping', corr_id: 0 });
      return pick((await c.waitFor((f) => f.type === 'response' && f['corr_id'] === 0)) as unknown as { ok: boolean; result: string });
    }),
  'raw: register_mcp_server': async () =>
    outcome(async () =>
      pick(await (await raw(disabled, 'alice')).request({ type: 'register_mcp_server', name: 'files', transport: 'stdio', command: 'true', args: [] })),
    ),
  'addProgram echo.wasm (real component)': () => uploadComponent('echo'),
  'addProgram boom.wasm (real component)': () => uploadComponent('boom'),
  'addProgram chatty.wasm (real component)': () => uploadComponent('chatty'),
  'checkProgram echo@0.1.0 after upload': () => outcome(() => firstValueFrom(alice.checkProgram('echo@0.1.0'))),
  'addProgram echo again without forceOverwrite': () =>
    outcome(() => lastValueFrom(alice.addProgram({ wasm: buildComponent({ size: componentSizes['echo']! }), manifest: manifest('echo') }))),
  'launchProcess echo {a:1}': () => outcome(() => events(alice, 'echo@0.1.0', { a: 1 })),
  'launchProcess echo "plain string"': () => outcome(() => events(alice, 'echo@0.1.0', 'plain string')),
  'launchProcess echo tokenBudget 5': () => outcome(() => events(alice, 'echo@0.1.0', undefined, { tokenBudget: 5 })),
  'raw: launch_process echo': async () =>
    outcome(async () => {
      const c = await raw(disabled, 'alice');
      const response = pick(await c.request({ type: 'launch_process', inferlet: 'echo@0.1.0', input: 'raw-in', capture_outputs: true }));
      const terminal = await c.terminal(response.result);
      return { response, terminal: { event: terminal['event'], value: terminal['value'] }, idLen: response.result.length };
    }),
  'raw: launch_process echo capture false': async () =>
    outcome(async () => pick(await (await raw(disabled, 'alice')).request({ type: 'launch_process', inferlet: 'echo@0.1.0', input: 'x', capture_outputs: false }))),
  'launchProcess boom': async () => {
    const run = follow(alice.launchProcess('boom@0.1.0', {}));
    await run.done;
    return { value: { events: run.seen.map(eventSummary), error: errorSummary(run.failure()) } };
  },
  'launchProcesses echo [1,2] + events': () =>
    outcome(async () => {
      const handles = await firstValueFrom(alice.launchProcesses('echo@0.1.0', [1, 2]));
      const all = await Promise.all(handles.map(async (p) => (await lastValueFrom(p.events$.pipe(toArray()))).map(eventSummary)));
      return { ids: handles.map((p) => p.id.length), events: all };
    }),
  'runProcesses echo ["a", {b:1}]': () => outcome(() => firstValueFrom(alice.runProcesses('echo@0.1.0', ['a', { b: 1 }]))),
  'runProcesses boom': () => outcome(() => firstValueFrom(alice.runProcesses('boom@0.1.0', ['x']))),
  'launchProcesses echo capture:false': () =>
    outcome(async () => (await firstValueFrom(alice.launchProcesses('echo@0.1.0', ['x'], { capture: false }))).map((p) => p.id.length)),
  'chatty: full flow (launch, stdout, message, signal, transferFile, file, return)': () =>
    outcome(async () => {
      const process = await firstValueFrom(alice.launch('chatty@0.1.0', {}));
      const run = follow(process.events$);
      await run.waitFor(3);
      await lastValueFrom(process.signal('start'), { defaultValue: undefined });
      await run.waitFor(4);
      const file = new Uint8Array(307_200).map((_, i) => i % 251);
      await lastValueFrom(process.transferFile(file), { defaultValue: undefined });
      await run.waitFor(6);
      await lastValueFrom(process.signal('go-signal'), { defaultValue: undefined });
      await run.done;
      const back = run.seen.find((e) => e.kind === 'file');
      return {
        idLen: process.id.length,
        events: run.seen.map(eventSummary),
        fileRoundTrip: back?.kind === 'file' && Buffer.from(back.bytes).equals(Buffer.from(file)),
      };
    }),
  'chatty: list while running + terminate': () =>
    outcome(async () => {
      const process = await firstValueFrom(alice.launch('chatty@0.1.0', 'input-text'));
      const run = follow(process.events$);
      await run.waitFor(3);
      const list = await firstValueFrom(alice.listProcesses());
      await firstValueFrom(process.terminate(), { defaultValue: undefined });
      await run.done;
      return { list, events: run.seen.map(eventSummary), error: errorSummary(run.failure()) };
    }),
  'chatty: capture:false, attach later, signal, file': () =>
    outcome(async () => {
      const [launched] = await firstValueFrom(alice.launchProcesses('chatty@0.1.0', ['{}'], { capture: false }));
      await new Promise((r) => setTimeout(r, 50));
      const process = await firstValueFrom(alice.attachProcess(launched!.id));
      const run = follow(process.events$);
      await lastValueFrom(process.signal('start'), { defaultValue: undefined });
      await run.waitFor(1);
      await lastValueFrom(process.transferFile(Uint8Array.of(1, 2, 3)), { defaultValue: undefined });
      await run.waitFor(3);
      await lastValueFrom(process.signal('late-signal'), { defaultValue: undefined });
      await run.done;
      return run.seen.map(eventSummary);
    }),
  'chatty: detach, reattach on the same client, then from a 2nd client, terminate from 2nd': () =>
    outcome(async () => {
      const process = await firstValueFrom(alice.launch('chatty@0.1.0', {}));
      const run = follow(process.events$);
      await run.waitFor(3);
      process.detach();
      const sameClient = await firstValueFrom(alice.attachProcess(process.id)).catch(errorSummary);
      const second = await connect(disabled);
      const secondClient = await firstValueFrom(second.attachProcess(process.id)).catch(errorSummary);
      await firstValueFrom(second.terminateProcess(process.id), { defaultValue: undefined });
      return { id: process.id, sameClient, secondClient, terminateFrom2nd: 'ok' };
    }),
  'chatty: launcher disconnects, reattach from a new client': () =>
    outcome(async () => {
      const c1 = await connect(disabled);
      const run = follow(c1.launchProcess('chatty@0.1.0', {}));
      await run.waitFor(3);
      c1.close();
      await run.done;
      const failure = run.failure() as Error;
      const c1Events = [...run.seen.map((e) => e.kind), `ERR ${failure.constructor.name}: ${failure.message}`];
      const c2 = await connect(disabled);
      const attach = await firstValueFrom(c2.attachProcess(run.seen[0]!.processId)).catch(errorSummary);
      const listAfter = (await firstValueFrom(c2.listProcesses())).map((p) => ({ program: p.program, input: p.input, keys: Object.keys(p) }));
      await firstValueFrom(c2.terminateProcess(run.seen[0]!.processId), { defaultValue: undefined });
      return { c1Events, attach, listAfter, terminate: 'ok' };
    }),
  'raw: signal/transfer_file from a connection not attached': () =>
    outcome(async () => {
      const a = await raw(disabled, 'alice');
      const b = await raw(disabled, 'alice');
      const { result: id } = await a.request({ type: 'launch_process', inferlet: 'chatty@0.1.0', input: '{}', capture_outputs: true });
      await until(() => a.events(id).length >= 3);
      b.send({ type: 'signal_process', process_id: id, message: 'from-b' });
      b.send({ type: 'transfer_file', process_id: id, file_hash: 'h', chunk_index: 0, total_chunks: 1, chunk_data: Uint8Array.of(1) });
      await new Promise((r) => setTimeout(r, 100));
      const afterB = a.events(id).map((e) => `${e.event}:${e.value}`);
      a.send({ type: 'signal_process', process_id: id.toUpperCase(), message: 'upper' });
      await until(() => a.events(id).length >= 4);
      const upperCaseSignalDelivered = a.events(id)[3]?.value === 'want-file';
      const terminateFromB = pick(await b.request({ type: 'terminate_process', process_id: id }));
      const terminal = await a.terminal(id);
      return { afterB, upperCaseSignalDelivered, terminateFromB, terminal: `${terminal['event']}:${terminal['value']}` };
    }),
  'listProcesses at end': () => outcome(() => firstValueFrom(alice.listProcesses())),
};

async function uploadComponent(name: string): Promise<unknown> {
  return outcome(async () => {
    const wasm = buildComponent({ size: componentSizes[name]! });
    const last = await lastValueFrom(alice.addProgram({ wasm, manifest: manifest(name), forceOverwrite: true }));
    return { bytes: last.totalBytes, progress: last.sentChunks / last.totalChunks };
  });
}

async function rawKeyAuth(emu: PieEmulator, username: string, pair: Pair): Promise<{ client: RawClient; result: { ok: boolean; result: string } }> {
  const client = await raw(emu);
  const challenge = await client.request({ type: 'auth_identify', username });
  const signature = crypto.sign(null, Buffer.from(challenge.result, 'base64'), pair.privateKey).toString('base64');
  return { client, result: pick(await client.request({ type: 'auth_prove', signature })) };
}

const keyAuth = (username: string, pair: Pair): Case => () =>
  outcome(async () => (await connect(publicKey, { username, key: keyOf(pair) }), 'ready'));

const publicKeyCases: Record<string, Case> = {
  'auth: ed with ed25519': keyAuth('ed', pairs.ed25519),
  'auth: ec256 with p256': keyAuth('ec256', pairs.p256),
  'auth: ec384 with p384': keyAuth('ec384', pairs.p384),
  'auth: rsa with rsa2048': keyAuth('rsa', pairs.rsa),
  'auth: multi with p256': keyAuth('multi', pairs.p256),
  'auth: multi with rsa2048': keyAuth('multi', pairs.rsa),
  'auth: ed with an unregistered key': keyAuth('ed', pairs.stranger),
  'auth: ed with the p256 key of another user': keyAuth('ed', pairs.p256),
  'auth: unknown user mallory': keyAuth('mallory', pairs.ed25519),
  'auth: user with no keys': keyAuth('nokeys', pairs.ed25519),
  'auth: {username} only, engine wants a key': () => outcome(async () => (await connect(publicKey, { username: 'ed' }), 'ready')),
  'raw: auth_identify': async () => outcome(async () => pick(await (await raw(publicKey)).request({ type: 'auth_identify', username: 'ed' }))),
  'raw: auth_prove bad base64': async () =>
    outcome(async () => {
      const c = await raw(publicKey);
      await c.request({ type: 'auth_identify', username: 'ed' });
      return pick(await c.request({ type: 'auth_prove', signature: 'not base64' }));
    }),
  'raw: auth_prove url-safe unpadded': async () =>
    outcome(async () => {
      const c = await raw(publicKey);
      await c.request({ type: 'auth_identify', username: 'ed' });
      return pick(await c.request({ type: 'auth_prove', signature: 'ab-_cd' }));
    }),
  'raw: auth messages after auth': () =>
    outcome(async () => {
      const { client: c, result: auth } = await rawKeyAuth(publicKey, 'ed', pairs.ed25519);
      return {
        auth,
        identify: pick(await c.request({ type: 'auth_identify', username: 'ed' })),
        token: pick(await c.request({ type: 'auth_by_token', token: 'x' })),
        prove: pick(await c.request({ type: 'auth_prove', signature: 'AAAA' })),
      };
    }),
  'checkProgram echo@0.1.0 before upload': async () => {
    ed = await connect(publicKey, { username: 'ed', key: keyOf(pairs.ed25519) });
    const answer = await outcome(() => firstValueFrom(ed.checkProgram('echo@0.1.0')));
    // The programs arrive afterwards (the observed run uploaded them between its rows).
    for (const [id, handler] of Object.entries(programs)) publicKey.registerInferlet(id, handler);
    return answer;
  },
  'chatty: list while running + terminate': () =>
    outcome(async () => {
      const process = await firstValueFrom(ed.launch('chatty@0.1.0', 'input-text'));
      const run = follow(process.events$);
      await run.waitFor(3);
      const list = await firstValueFrom(ed.listProcesses());
      await firstValueFrom(process.terminate(), { defaultValue: undefined });
      await run.done;
      return { list, events: run.seen.map(eventSummary), error: errorSummary(run.failure()) };
    }),
  'chatty: launcher disconnects, reattach from a new client': () => disabledCases['chatty: launcher disconnects, reattach from a new client']!(),
  'listProcesses at end': () => outcome(() => firstValueFrom(ed.listProcesses())),
};

/** Rows whose answer the emulator does not give, on purpose, and what it gives instead. */
const DIFFERENT: Record<string, { reason: string; held: string }> = {
  'auth disabled|launchProcesses missing, tokenBudgets mismatch': {
    reason: 'the table records our client before issue 11 item 12: the local check now raises the PieRequestError the engine\u2019s check maps to',
    held: '{"error":{"class":"PieRequestError","message":"launch_processes failed: token_budgets length 1 does not match inputs length 2"}}',
  },
  'public-key auth|auth: {username} only, engine wants a key': {
    reason: 'the table records our client before issue 11 item 11 and issue 7: the text is the client\u2019s own, so serverMessage is unset, and the username shows by its length only',
    held: '{"error":{"class":"PieAuthError","message":"authentication rejected: the engine requires public-key authentication for user \'<username, 2 chars>\', but no key was given"}}',
  },
  'public-key auth|auth: unknown user mallory': {
    reason: 'the table records our client before issue 7 (secrets): the engine\u2019s text on the wire is the same, the client shows the echoed username by its length only',
    held: '{"error":{"class":"PieAuthError","message":"authentication rejected: User \'<username, 7 chars>\' is not authorized","serverMessage":"User \'<username, 7 chars>\' is not authorized"}}',
  },
  'public-key auth|raw: auth_identify': {
    reason: 'the result is a fresh random 48-byte challenge; its shape is compared (64 characters of standard base64)',
    held: 'challenge',
  },
  'public-key auth|chatty: list while running + terminate': {
    reason: 'the real engine still listed boom and echo processes of earlier launches that never ended (the silent-launch defect of item 14); the emulator lists only chatty',
    held: '{"value":{"list":[{"id":"<uuid>","username":"ed","program":"chatty@0.1.0","input":"input-text","elapsedSecs":0}],"events":[{"kind":"stdout","text":"hello "},{"kind":"stdout","text":"world\\n"},{"kind":"message","text":"ready"},{"kind":"error","message":"Signal"}],"error":{"class":"PieProcessFailedError","message":"process <uuid> failed: Signal","serverMessage":"Signal"}}}',
  },
  'public-key auth|chatty: launcher disconnects, reattach from a new client': {
    reason: 'the real run timed out in its own harness (no message in 10 s, the silent-launch defect); the emulator gives the auth-disabled row\u2019s answer',
    held: '{"value":{"c1Events":["stdout","stdout","message","ERR PieError: client closed"],"attach":{"class":"PieNotFoundError","message":"attach_process failed: Process not found","serverMessage":"Process not found"},"listAfter":[{"program":"chatty@0.1.0","input":"{}","keys":["id","username","program","input","elapsedSecs"]}],"terminate":"ok"}}',
  },
  'public-key auth|listProcesses at end': {
    reason: 'the real engine still ran the never-ending processes of the row above; the emulator has none left',
    held: '{"value":[]}',
  },
};

const rows = tableRows();

afterAll(async () => {
  for (const client of clients) client.close();
  for (const client of raws) await client.close();
  await disabled?.close();
  await publicKey?.close();
});

describe('pie-0.4-observed.md, every row against PieEmulator', () => {
  it('has a case for every row, and every listed difference is a row', () => {
    expect(rows.length).toBeGreaterThan(90);
    const missing = rows.filter((r) => !(r.auth === 'auth disabled' ? disabledCases : publicKeyCases)[r.operation]);
    expect(missing.map((r) => `${r.auth}|${r.operation}`)).toEqual([]);
    const keys = new Set(rows.map((r) => `${r.auth}|${r.operation}`));
    expect(Object.keys(DIFFERENT).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('starts the two engines of the observed run', async () => {
    const common = { tokenFailureDelayMs: 0, detachMode: 'upstream' as const, registryUrl: 'http://127.0.0.1:9', registryReachable: false };
    disabled = await PieEmulator.start(common);
    for (const [id, handler] of Object.entries(programs)) disabled.registerInferlet(id, handler);
    publicKey = await PieEmulator.start({
      ...common,
      auth: {
        mode: 'publicKey',
        users: {
          ed: [spki(pairs.ed25519)],
          ec256: [spki(pairs.p256)],
          ec384: [spki(pairs.p384)],
          rsa: [spki(pairs.rsa)],
          multi: [spki(pairs.p256), spki(pairs.rsa)],
          nokeys: [],
        },
      },
    });
  });

  for (const row of rows) {
    const key = `${row.auth}|${row.operation}`;
    it(key, async () => {
      const run = (row.auth === 'auth disabled' ? disabledCases : publicKeyCases)[row.operation];
      if (!run) throw new Error(`no case for row ${key}`);
      const actual = await run();
      const different = DIFFERENT[key];
      if (different?.held === 'challenge') {
        const result = (actual as { value: { ok: boolean; result: string } }).value;
        expect(result.ok).toBe(true);
        expect(Buffer.from(result.result, 'base64')).toHaveLength(48);
        expect(result.result).toMatch(/^[A-Za-z0-9+/]{64}$/);
        return;
      }
      compare(actual, different ? different.held : row.expected);
    });
  }
});
