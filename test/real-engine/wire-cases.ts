// The wire cases run against the real engine and against PieEmulator in generation 0.5:
// each case drives a target with the raw driver, returns a normalised transcript of every
// answer, and checks what the answers must be. The engine tier also compares the two
// transcripts answer by answer.
import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { expect } from 'vitest';
import type { PieEmulator } from '../../src/testing/pie/index.js';
import { normaliseStep, normaliseText, type NormalFrame } from './normalise.js';
import { GatewayDriver, httpExchange, isResponse, isTerminal, resultOf, type WireFrame } from './raw-driver.js';

/** What a case runs against: a base URL, and the emulator when it is one. */
export interface WireTarget {
  url: string;
  emulator?: PieEmulator;
}

/** One step of a transcript. */
export interface Step {
  step: string;
  frames: NormalFrame[] | Record<string, unknown>;
}

/** A wire case. */
export interface WireCase {
  name: string;
  /** Needs pie-language-python beside the engine. */
  python?: boolean;
  run(target: WireTarget): Promise<Step[]>;
  check(steps: Step[]): void;
}

const byStep = (steps: Step[], name: string): NormalFrame[] => steps.find((s) => s.step === name)!.frames as NormalFrame[];
const TURN_DONE = { text: '{"type":"turn_done"}' };
const response = (corrId: number, ok: boolean, result: string): NormalFrame => ({ type: 'response', corr_id: corrId, ok, result });

async function withDriver(target: WireTarget, body: (d: GatewayDriver) => Promise<Step[]>): Promise<Step[]> {
  const driver = await GatewayDriver.connect(target.url);
  try {
    return await body(driver);
  } finally {
    await driver.close();
  }
}

/** Launches with capture and returns the launch step's frames and the process id. */
async function launch(d: GatewayDriver, inferlet: string, input: unknown, untilEnd = true): Promise<{ frames: WireFrame[]; id: string }> {
  const corrId = d.corrId();
  let id = '';
  const frames = await d.step(
    { type: 'launch_process', corr_id: corrId, inferlet, input: typeof input === 'string' ? input : JSON.stringify(input), capture_outputs: true },
    (fs) => {
      const r = fs.find((f) => isResponse(f, corrId));
      if (!r || r.kind !== 'binary') return false;
      id = r.value['result'] as string;
      return !r.value['ok'] || !untilEnd || fs.some((f) => isTerminal(f, id));
    },
  );
  return { frames, id };
}

const MISSING = 'identity: missing `x-pie-identity` (edge must inject verified identity)';

export const WIRE_CASES: WireCase[] = [
  {
    name: 'upgrade: identity required, refusals and HTTP routes',
    async run({ url }) {
      const up = (path: string, headers: Record<string, string> = {}, method = 'GET') => httpExchange(url, path, { upgrade: true, headers, method });
      const models = await httpExchange(url, '/v1/models');
      return [
        { step: 'no identity', frames: { ...(await up('/v1/ws')) } },
        { step: 'empty identity', frames: { ...(await up('/v1/ws', { 'x-pie-identity': '' })) } },
        { step: 'identity not UTF-8', frames: { ...(await up('/v1/ws', { 'x-pie-identity': '\xff\xfe' })) } },
        { step: 'identity', frames: { ...(await up('/v1/ws', { 'x-pie-identity': 'alice/t1' })) } },
        { step: 'identity and query string', frames: { ...(await up('/v1/ws?x=1', { 'x-pie-identity': 'alice/t1' })) } },
        { step: 'path /', frames: { ...(await up('/', { 'x-pie-identity': 'alice/t1' })) } },
        { step: 'path /v1/ws/', frames: { ...(await up('/v1/ws/', { 'x-pie-identity': 'alice/t1' })) } },
        { step: 'version 8', frames: { ...(await up('/v1/ws', { 'sec-websocket-version': '8' })) } },
        { step: 'HEAD upgrade', frames: { ...(await up('/v1/ws', {}, 'HEAD')) } },
        { step: 'plain GET /v1/ws', frames: { ...(await httpExchange(url, '/v1/ws')) } },
        { step: 'POST /v1/ws', frames: { ...(await httpExchange(url, '/v1/ws', { method: 'POST' })) } },
        { step: 'GET /v1/models', frames: { ...models, body: normaliseText(models.body) } },
        { step: 'GET /healthz', frames: { ...(await httpExchange(url, '/healthz')) } },
      ];
    },
    check(steps) {
      const answer = (name: string) => steps.find((s) => s.step === name)!.frames;
      const text = 'text/plain; charset=utf-8';
      expect(answer('no identity')).toEqual({ status: 401, contentType: text, allow: undefined, body: MISSING });
      expect(answer('empty identity')).toEqual({ status: 401, contentType: text, allow: undefined, body: 'identity: empty `x-pie-identity`' });
      expect(answer('identity not UTF-8')).toMatchObject({ status: 401, body: 'identity: `x-pie-identity` is not valid UTF-8' });
      expect(answer('identity')).toMatchObject({ status: 101 });
      expect(answer('identity and query string')).toMatchObject({ status: 101 });
      expect(answer('path /')).toEqual({ status: 404, contentType: undefined, allow: undefined, body: '' });
      expect(answer('path /v1/ws/')).toMatchObject({ status: 404, body: '' });
      expect(answer('version 8')).toMatchObject({ status: 400, body: "`Sec-WebSocket-Version` header did not include '13'" });
      expect(answer('HEAD upgrade')).toMatchObject({ status: 405 });
      expect(answer('plain GET /v1/ws')).toMatchObject({ status: 400, body: "Connection header did not include 'upgrade'" });
      expect(answer('POST /v1/ws')).toMatchObject({ status: 405, allow: 'GET,HEAD', body: '' });
      expect(answer('GET /v1/models')).toMatchObject({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ object: 'list', data: [{ id: 'default', object: 'model', created: '<time>', owned_by: 'pie' }] }),
      });
      expect(answer('GET /healthz')).toMatchObject({ status: 404, body: '' });
    },
  },
  {
    name: 'ping, auth_identify, auth_prove, a JSON text frame',
    run: (target) =>
      withDriver(target, async (d) => [
        { step: 'ping', frames: normaliseStep(await d.request({ type: 'ping' })) },
        { step: 'auth_identify', frames: normaliseStep(await d.request({ type: 'auth_identify', username: 'alice' })) },
        { step: 'auth_prove', frames: normaliseStep(await d.request({ type: 'auth_prove', signature: 'AAAA' })) },
        { step: 'text ping', frames: normaliseStep(await d.step(JSON.stringify({ type: 'ping', corr_id: 77 }), (fs) => fs.some((f) => isResponse(f, 77)))) },
      ]),
    check(steps) {
      expect(byStep(steps, 'ping')).toEqual([response(1, true, 'Pong'), TURN_DONE]);
      expect(byStep(steps, 'auth_identify')).toEqual([response(2, true, 'Already authenticated'), TURN_DONE]);
      expect(byStep(steps, 'auth_prove')).toEqual([response(3, false, 'Already authenticated'), TURN_DONE]);
      expect(byStep(steps, 'text ping')).toEqual([response(77, true, 'Pong'), TURN_DONE]);
    },
  },
  {
    name: 'query model_status and an unknown subject',
    run: (target) =>
      withDriver(target, async (d) => [
        { step: 'model_status', frames: normaliseStep(await d.request({ type: 'query', subject: 'model_status', record: '' })) },
        { step: 'bogus', frames: normaliseStep(await d.request({ type: 'query', subject: 'bogus', record: '' })) },
      ]),
    check(steps) {
      const [status] = byStep(steps, 'model_status');
      expect(status).toMatchObject({ ok: true });
      const keys = JSON.parse(status!['result'] as string) as string[];
      expect(keys.slice(0, 3)).toEqual(['default.kv_pages_used', 'default.kv_pages_total', 'default.total_batches']);
      expect(keys).toContain('default.avg_batch_latency_us');
      expect(byStep(steps, 'bogus')).toEqual([response(2, false, 'unknown query subject "bogus" (known: model_status)'), TURN_DONE]);
    },
  },
  {
    name: 'check_program: the built-in programs, a missing one, an invalid id',
    run: (target) =>
      withDriver(target, async (d) => {
        const check = async (name: string, version: string) => normaliseStep(await d.request({ type: 'check_program', name, version }));
        return [
          { step: 'compat-openai', frames: await check('compat-openai', '0.1.0') },
          { step: 'compat-anthropic', frames: await check('compat-anthropic', '0.1.0') },
          { step: 'compat-gemini', frames: await check('compat-gemini', '0.1.0') },
          { step: 'text-completion', frames: await check('text-completion', '0.1.0') },
          { step: 'invalid', frames: await check('bad id', 'x') },
        ];
      }),
    check(steps) {
      expect(byStep(steps, 'compat-openai')).toEqual([response(1, true, 'true'), TURN_DONE]);
      expect(byStep(steps, 'compat-anthropic')).toEqual([response(2, true, 'true'), TURN_DONE]);
      expect(byStep(steps, 'compat-gemini')).toEqual([response(3, true, 'true'), TURN_DONE]);
      expect(byStep(steps, 'text-completion')).toEqual([response(4, true, 'false'), TURN_DONE]);
      expect(byStep(steps, 'invalid')).toEqual([response(5, false, "Invalid program identifier 'bad id@x': expected 'name@major.minor.patch'"), TURN_DONE]);
    },
  },
  {
    name: 'launch compat-openai: a completion, a chat completion, the error of {}',
    run: (target) =>
      withDriver(target, async (d) => [
        { step: 'prompt', frames: normaliseStep((await launch(d, 'compat-openai', { prompt: 'Hello', max_tokens: 4, temperature: 0 })).frames) },
        { step: 'chat', frames: normaliseStep((await launch(d, 'compat-openai', { messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 })).frames) },
        { step: 'empty', frames: normaliseStep((await launch(d, 'compat-openai', {})).frames) },
      ]),
    check(steps) {
      const [launched, ret, done] = byStep(steps, 'prompt');
      expect(launched).toEqual(response(1, true, '<id>'));
      expect(done).toEqual(TURN_DONE);
      expect(ret).toMatchObject({ type: 'process_event', process_id: '<id>', event: 'return' });
      const completion = JSON.parse(ret!['value'] as string);
      expect(completion).toEqual({
        choices: [{ finish_reason: 'length', index: 0, logprobs: null, text: '<generated>' }],
        created: '<time>', id: 'cmpl-<short>', model: 'default', object: 'text_completion',
        usage: { completion_tokens: 4, prompt_tokens: '<count>', total_tokens: '<count>' },
      });
      const chat = JSON.parse(byStep(steps, 'chat')[1]!['value'] as string);
      expect(chat).toMatchObject({ object: 'chat.completion', id: 'chatcmpl-<short>', usage: { completion_tokens: 2 } });
      expect(chat.choices[0]).toEqual({ finish_reason: 'length', index: 0, logprobs: null, message: { content: '<generated>', role: 'assistant' } });
      const [, error] = byStep(steps, 'empty');
      expect(error).toMatchObject({ event: 'error' });
      expect(JSON.parse(error!['value'] as string)).toEqual({
        body: {
          error: {
            code: null,
            message: 'the body has none of `messages`, `prompt` or `input`, so it is not a chat completion, a completion or a response',
            param: null,
            type: 'invalid_request_error',
          },
        },
        status: 400,
      });
    },
  },
  {
    name: 'list_processes while one runs, terminate → Signal, then gone',
    run: (target) =>
      withDriver(target, async (d) => {
        const input = { prompt: 'Hello', max_tokens: 64 };
        const started = await launch(d, 'compat-openai', input, false);
        // The list is engine-wide: keep only this case's process.
        const mine = (frames: WireFrame[]): NormalFrame[] =>
          normaliseStep(
            frames.map((f) => {
              if (f.kind !== 'binary' || f.value['type'] !== 'response') return f;
              const list = (JSON.parse(f.value['result'] as string) as { id: string }[]).filter((p) => p.id === started.id);
              return { kind: 'binary', value: { ...f.value, result: JSON.stringify(list) } };
            }),
          );
        const listed = mine(await d.request({ type: 'list_processes' }));
        const corrId = d.corrId();
        const terminated = await d.step({ type: 'terminate_process', corr_id: corrId, process_id: started.id }, (fs) =>
          fs.some((f) => isResponse(f, corrId)) && fs.some((f) => isTerminal(f, started.id)),
        );
        return [
          { step: 'launch', frames: normaliseStep(started.frames) },
          { step: 'list', frames: listed },
          // The Signal event and the answer are written by separate tasks of the engine.
          { step: 'terminate', frames: normaliseStep(terminated, 'unordered') },
          { step: 'list after', frames: mine(await d.request({ type: 'list_processes' })) },
          { step: 'terminate again', frames: normaliseStep(await d.request({ type: 'terminate_process', process_id: started.id })) },
        ];
      }),
    check(steps) {
      expect(byStep(steps, 'launch')).toEqual([response(1, true, '<id>')]);
      const [list] = byStep(steps, 'list');
      expect(JSON.parse(list!['result'] as string)).toEqual([
        { id: '<id>', username: 'internal', program: 'compat-openai@0.1.0', input: '{"prompt":"Hello","max_tokens":64}', elapsed_secs: '<time>' },
      ]);
      const terminated = byStep(steps, 'terminate');
      expect(terminated.filter((f) => !('text' in f))).toEqual(
        [{ type: 'process_event', process_id: '<id>', event: 'error', value: 'Signal' }, response(3, true, 'Process terminated')].sort((a, b) =>
          JSON.stringify(a).localeCompare(JSON.stringify(b)),
        ),
      );
      // One turn ends with the launched process, one with the terminate request.
      expect(terminated.filter((f) => 'text' in f)).toEqual([TURN_DONE, TURN_DONE]);
      expect(byStep(steps, 'list after')).toEqual([response(4, true, '[]'), TURN_DONE]);
      expect(byStep(steps, 'terminate again')).toEqual([response(5, false, 'Process not found'), TURN_DONE]);
    },
  },
  {
    name: 'unknown and removed kinds, undecodable frames: an error text frame, no response',
    run: (target) =>
      withDriver(target, async (d) => {
        const textFrame = (fs: WireFrame[]) => fs.some((f) => f.kind === 'text');
        return [
          // Before a first frame decodes, the gateway drops undecodable ones unanswered.
          { step: 'unknown first', frames: normaliseStep(await d.step({ type: 'frobnicate', corr_id: 1 }, () => true, 300)) },
          { step: 'ping', frames: normaliseStep(await d.request({ type: 'ping' })) },
          { step: 'unknown', frames: normaliseStep(await d.step({ type: 'frobnicate', corr_id: 1 }, textFrame)) },
          { step: 'removed', frames: normaliseStep(await d.step({ type: 'launch_processes', corr_id: 2, inferlet: 'x@1.0.0', inputs: [], capture_outputs: true }, textFrame)) },
          { step: 'no corr_id', frames: normaliseStep(await d.step({ type: 'ping' }, textFrame)) },
          { step: 'negative corr_id', frames: normaliseStep(await d.step({ type: 'ping', corr_id: -1 }, textFrame)) },
          { step: 'reserved byte', frames: normaliseStep(await d.step(Uint8Array.of(0xc1), textFrame)) },
          { step: 'ping after', frames: normaliseStep(await d.request({ type: 'ping' })) },
        ];
      }),
    check(steps) {
      const kinds = '`auth_identify`, `auth_prove`, `check_program`, `query`, `add_program`, `launch_process`, `attach_process`, `terminate_process`, `signal_process`, `transfer_file`, `list_processes`, `ping`';
      const error = (detail: string) => [{ text: JSON.stringify({ type: 'error', message: `bad client frame: ${detail}` }) }];
      expect(byStep(steps, 'unknown first')).toEqual([]);
      expect(byStep(steps, 'ping')).toEqual([response(1, true, 'Pong'), TURN_DONE]);
      expect(byStep(steps, 'unknown')).toEqual(error(`unknown variant \`frobnicate\`, expected one of ${kinds}`));
      expect(byStep(steps, 'removed')).toEqual(error(`unknown variant \`launch_processes\`, expected one of ${kinds}`));
      expect(byStep(steps, 'no corr_id')).toEqual(error('missing field `corr_id`'));
      expect(byStep(steps, 'negative corr_id')).toEqual(error('invalid value: integer `-1`, expected u32'));
      expect(byStep(steps, 'reserved byte')).toEqual(error('wrong msgpack marker Reserved'));
      expect(byStep(steps, 'ping after')).toEqual([response(2, true, 'Pong'), TURN_DONE]);
    },
  },
  {
    name: 'launch of a program that is not installed (bare name, name@version, invalid id)',
    run: (target) =>
      withDriver(target, async (d) => [
        { step: 'bare', frames: normaliseStep(await d.request({ type: 'launch_process', inferlet: 'text-completion', input: '{}', capture_outputs: true })) },
        { step: 'versioned', frames: normaliseStep(await d.request({ type: 'launch_process', inferlet: 'text-completion@0.1.0', input: '{}', capture_outputs: true })) },
        { step: 'invalid', frames: normaliseStep(await d.request({ type: 'launch_process', inferlet: 'x@1', input: '{}', capture_outputs: true })) },
        { step: 'attach unknown', frames: normaliseStep(await d.request({ type: 'attach_process', process_id: '00000000-0000-4000-8000-000000000000' })) },
        { step: 'attach invalid', frames: normaliseStep(await d.request({ type: 'attach_process', process_id: 'nope' })) },
      ]),
    check(steps) {
      expect(byStep(steps, 'bare')).toEqual([response(1, false, "no program named 'text-completion' is installed")]);
      const [versioned] = byStep(steps, 'versioned');
      expect(versioned!['result']).toMatch(/^program text-completion@0\.1\.0 is not installed \(looked in .+\)$/);
      expect(byStep(steps, 'invalid')).toEqual([response(3, false, "Invalid program identifier 'x@1': expected 'name@major.minor.patch'")]);
      expect(byStep(steps, 'attach unknown')).toEqual([response(4, false, 'Process not found')]);
      expect(byStep(steps, 'attach invalid')).toEqual([response(5, false, 'Invalid process_id')]);
    },
  },
  {
    name: 'a Python script program: upload, check, launch (stdout events, JSON return)',
    python: true,
    run: (target) =>
      withDriver(target, async (d) => {
        const source = 'def wire_hello(name: str = "x"):\n    print("hi " + name)\n    return {"greeting": "hello " + name}\n';
        const digest = bytesToHex(blake3(new TextEncoder().encode(source)));
        // Versioned by a hash of the source, as the Python client's @inferlet does.
        const version = `0.${parseInt(digest.slice(0, 4), 16)}.${parseInt(digest.slice(4, 8), 16)}`;
        const manifest = `[package]\nname = "wire-hello"\nversion = "${version}"\n\n[runtime]\nlanguage = "python"\nentry = "wire_hello"\ncall = "kwargs"\n\n[parameters]\nname = {type = "string", optional = true}\n`;
        target.emulator?.registerInferlet(`wire-hello@${version}`, (ctx) => {
          const { name } = JSON.parse(ctx.input) as { name: string };
          ctx.stdout(`hi ${name}`);
          ctx.stdout('\n');
          return JSON.stringify({ greeting: `hello ${name}` }).replace(':', ': ');
        });
        const bytes = new TextEncoder().encode(source);
        const upload = { type: 'add_program', program_hash: digest, manifest, force_overwrite: true, chunk_index: 0, total_chunks: 1, chunk_data: bytes };
        return [
          { step: 'upload', frames: normaliseStep(await d.request(upload)) },
          { step: 'bad hash', frames: normaliseStep(await d.request({ ...upload, program_hash: 'abc' })) },
          { step: 'check', frames: normaliseStep(await d.request({ type: 'check_program', name: 'wire-hello', version })) },
          { step: 'launch', frames: normaliseStep((await launch(d, `wire-hello@${version}`, { name: 'bob' })).frames) },
        ];
      }),
    check(steps) {
      expect(byStep(steps, 'upload')).toEqual([response(1, true, 'Program installed successfully'), TURN_DONE]);
      const [bad] = byStep(steps, 'bad hash');
      expect(bad!['result']).toMatch(/^Program hash mismatch: declared abc, uploaded [0-9a-f]{64}$/);
      expect(byStep(steps, 'check')).toEqual([response(3, true, 'true'), TURN_DONE]);
      expect(byStep(steps, 'launch')).toEqual([
        response(4, true, '<id>'),
        { type: 'process_event', process_id: '<id>', event: 'stdout', value: 'hi bob' },
        { type: 'process_event', process_id: '<id>', event: 'stdout', value: '\n' },
        { type: 'process_event', process_id: '<id>', event: 'return', value: '{"greeting": "hello bob"}' },
        TURN_DONE,
      ]);
    },
  },
  {
    name: 'a Python script program sends files (name nil, and a sanitised name) and a message',
    python: true,
    run: (target) =>
      withDriver(target, async (d) => {
        const source =
          'def wire_files():\n    import wit_world.imports.session as s\n    s.send_file(b"raw bytes")\n' +
          '    s.send_file_as(b"png bytes", "out/../x.png")\n    s.send("hello")\n    return {"ok": True}\n';
        const bytes = new TextEncoder().encode(source);
        const digest = bytesToHex(blake3(bytes));
        const version = `0.${parseInt(digest.slice(0, 4), 16)}.${parseInt(digest.slice(4, 8), 16)}`;
        const manifest = `[package]\nname = "wire-files"\nversion = "${version}"\n\n[runtime]\nlanguage = "python"\nentry = "wire_files"\ncall = "kwargs"\n`;
        target.emulator?.registerInferlet(`wire-files@${version}`, (ctx) => {
          ctx.sendFile(new TextEncoder().encode('raw bytes'));
          ctx.sendFile(new TextEncoder().encode('png bytes'), 'out/../x.png');
          ctx.send('hello');
          return '{"ok": true}';
        });
        const upload = { type: 'add_program', program_hash: digest, manifest, force_overwrite: true, chunk_index: 0, total_chunks: 1, chunk_data: bytes };
        return [
          { step: 'upload', frames: normaliseStep(await d.request(upload)) },
          { step: 'launch', frames: normaliseStep((await launch(d, `wire-files@${version}`, {})).frames) },
        ];
      }),
    check(steps) {
      expect(byStep(steps, 'upload')).toEqual([response(1, true, 'Program installed successfully'), TURN_DONE]);
      const file = (text: string, name: string | null): NormalFrame => ({
        type: 'file', process_id: '<id>', file_hash: bytesToHex(blake3(new TextEncoder().encode(text))),
        chunk_index: 0, total_chunks: 1, chunk_data: new TextEncoder().encode(text), name,
      });
      const launched = byStep(steps, 'launch').map((f) => (f['chunk_data'] instanceof Uint8Array ? { ...f, chunk_data: new Uint8Array(f['chunk_data']) } : f));
      expect(launched).toEqual([
        response(2, true, '<id>'),
        file('raw bytes', null),
        file('png bytes', 'x.png'),
        { type: 'process_event', process_id: '<id>', event: 'message', value: 'hello' },
        { type: 'process_event', process_id: '<id>', event: 'return', value: '{"ok": true}' },
        TURN_DONE,
      ]);
    },
  },
];

export { resultOf };
