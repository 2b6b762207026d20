// The Pie client against the real engine (pie-server 0.5.2, a gateway): connect with and
// without identity, requests, launches streamed to their end, errors, capability gating.
// Runs when PIE_ENGINE_URL is set (the tier prints one line when it did not run).
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { PieClient, type PieClientOptions } from '../../src/observables/pie/pie-client.js';
import {
  PieGenerationError,
  PieProcessFailedError,
  PieRequestError,
  PieUnsupportedError,
  PieUpgradeError,
} from '../../src/model/pie/errors.js';
import type { ProcessEvent } from '../../src/model/pie/events.js';
import { engineUrl } from './engine-env.js';

const url = engineUrl();
const clients: PieClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

async function connect(options: PieClientOptions = {}): Promise<PieClient> {
  const client = await PieClient.connect(url!, undefined, { identity: 'default/client-tests', heartbeat: false, requestTimeoutMs: 60_000, ...options });
  clients.push(client);
  return client;
}

const MAX_TOKENS = 6;

interface Completion {
  choices: { text?: string; message?: { content?: string }; finish_reason?: string }[];
  usage: { completion_tokens: number };
}

function returned(events: ProcessEvent[]): Completion {
  const last = events.at(-1);
  expect(last?.kind).toBe('return');
  return JSON.parse((last as { value: string }).value) as Completion;
}

describe.skipIf(!url)('PieClient against the real engine (pie-server 0.5.2)', () => {
  it('connects with an identity, auto-detects a 0.5 gateway, pings', async () => {
    const client = await connect();
    expect(client.generation).toBe('0.5');
    expect(client.capabilities).toEqual(['identity', 'fileNames']);
    const ms = await firstValueFrom(client.ping());
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('without an identity the upgrade is refused: a typed 401 with the server text, not retried', async () => {
    const started = Date.now();
    const error = await PieClient.connect(url!, undefined, { heartbeat: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieUpgradeError);
    const refusal = error as PieUpgradeError;
    expect(refusal.status).toBe(401);
    expect(refusal.body).toContain('missing `x-pie-identity`');
    expect(refusal.message).toContain('pass the identity option');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("generation '0.4' at a gateway says what answered", async () => {
    const error = await PieClient.connect(url!, { username: 'x' }, { generation: '0.4', heartbeat: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieUpgradeError);
    expect((error as PieUpgradeError).status).toBe(404);
    expect((error as Error).message).toContain('a Pie 0.4 engine never answers an upgrade with an HTTP status');
  });

  it('query model_status parses; an unknown subject is answered ok=false with the known ones', async () => {
    const client = await connect();
    const status = await firstValueFrom(client.modelStatus());
    expect(status.models['default']?.kvPagesTotal).toBeGreaterThan(0);
    const error = await firstValueFrom(client.query('bogus')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieRequestError);
    expect((error as PieRequestError).serverMessage).toBe('unknown query subject "bogus" (known: model_status)');
  });

  it('check_program knows the built-in programs only', async () => {
    const client = await connect();
    expect(await firstValueFrom(client.checkProgram('compat-openai@0.1.0'))).toBe(true);
    expect(await firstValueFrom(client.checkProgram('text-completion@0.1.0'))).toBe(false);
  });

  it('compat-openai with a prompt streams to return: choices[0].text, usage.completion_tokens = max_tokens', async () => {
    const client = await connect();
    const events = await lastValueFrom(
      client.launchProcess('compat-openai@0.1.0', { prompt: 'Hello', max_tokens: MAX_TOKENS, temperature: 0 }).pipe(toArray()),
    );
    const completion = returned(events);
    expect(typeof completion.choices[0]?.text).toBe('string');
    expect(completion.choices[0]!.text!.length).toBeGreaterThan(0);
    expect(completion.usage.completion_tokens).toBe(MAX_TOKENS);
  }, 60_000);

  it('compat-openai with chat messages (bare program name) gives a chat completion', async () => {
    const client = await connect();
    const events = await lastValueFrom(
      client
        .launchProcess('compat-openai', { messages: [{ role: 'user', content: 'Hi' }], max_tokens: MAX_TOKENS, temperature: 0 })
        .pipe(toArray()),
    );
    const completion = returned(events);
    expect(typeof completion.choices[0]?.message?.content).toBe('string');
    expect(completion.usage.completion_tokens).toBe(MAX_TOKENS);
  }, 60_000);

  it('a bad input {} ends with the error event and PieProcessFailedError', async () => {
    const client = await connect();
    const error = await lastValueFrom(client.launchProcess('compat-openai@0.1.0', {}), { defaultValue: undefined })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieProcessFailedError);
    expect((error as PieProcessFailedError).serverMessage).toContain('the body has none of `messages`, `prompt` or `input`');
  }, 30_000);

  it('list_processes shows a running launch; terminate ends it with Signal → PieProcessFailedError', async () => {
    const client = await connect();
    const process = await firstValueFrom(client.launch('compat-openai@0.1.0', { prompt: 'Hello', max_tokens: 64, temperature: 0 }));
    const listed = await firstValueFrom(client.listProcesses());
    const mine = listed.find((p) => p.id === process.id);
    expect(mine?.program).toBe('compat-openai@0.1.0');
    expect(mine?.input).toContain('"max_tokens":64');
    const ended = lastValueFrom(process.events$).catch((e: unknown) => e);
    await firstValueFrom(process.terminate(), { defaultValue: undefined });
    const error = await ended;
    expect(error).toBeInstanceOf(PieProcessFailedError);
    expect((error as PieProcessFailedError).serverMessage).toBe('Signal');
    const after = await firstValueFrom(client.listProcesses());
    expect(after.some((p) => p.id === process.id)).toBe(false);
  }, 60_000);

  it('capture:false launches through launch_process and still learns the id', async () => {
    const client = await connect();
    const process = await firstValueFrom(client.launch('compat-openai', { prompt: 'Bye', max_tokens: 64, temperature: 0 }, { capture: false }));
    expect(process.id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await firstValueFrom(client.listProcesses());
    expect(listed.some((p) => p.id === process.id)).toBe(true);
    await firstValueFrom(client.terminateProcess(process.id), { defaultValue: undefined });
  }, 30_000);

  it("generation '0.6' at this 0.5 engine: connects (nothing tells them apart), and the first upload says what answered", async () => {
    const client = await connect({ generation: '0.6' });
    expect(client.generation).toBe('0.6');
    const started = Date.now();
    const error = await lastValueFrom(client.addProgram({ wasm: new Uint8Array(4), file: 'a.wasm' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PieGenerationError);
    expect((error as PieGenerationError).found).toBe('a Pie 0.5 gateway');
    expect((error as Error).message).toContain('bad client frame: missing field `manifest`');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('operations the gateway lacks fail at once with PieUnsupportedError', async () => {
    const client = await connect();
    const started = Date.now();
    const errors = await Promise.all([
      firstValueFrom(client.launchProcesses('compat-openai@0.1.0', [{}])).catch((e: unknown) => e),
      firstValueFrom(client.runProcesses('compat-openai@0.1.0', [{}])).catch((e: unknown) => e),
      firstValueFrom(client.launchDaemon('compat-openai@0.1.0', 8081)).catch((e: unknown) => e),
      firstValueFrom(client.submitWorkflow({ type: 'process', program_name: 'compat-openai@0.1.0' })).catch((e: unknown) => e),
      firstValueFrom(client.launchProcess('compat-openai@0.1.0', {}, { tokenBudget: 5 })).catch((e: unknown) => e),
      firstValueFrom(client.launchProcess('compat-openai@0.1.0', {}, { props: { 'max-tokens': 5 } })).catch((e: unknown) => e),
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(PieUnsupportedError);
    expect((errors[0] as PieUnsupportedError).message).toBe('launchProcesses is not supported by a Pie 0.5 gateway (it exists only on 0.4 engines)');
    expect(Date.now() - started).toBeLessThan(1_000);
    const tokenError = await PieClient.connect(url!, { token: 'secret-value' }, { identity: 'default/x', heartbeat: false }).catch((e: unknown) => e);
    expect(tokenError).toBeInstanceOf(PieUnsupportedError);
    expect((tokenError as Error).message).not.toContain('secret-value');
  });
});

describe.skipIf(!url)('docs/examples/pie-gateway.ts against the real engine', () => {
  it('connects, completes, and reports the unsupported operation', async () => {
    const { main } = await import('../../docs/examples/pie-gateway.js');
    const result = await main(url!);
    expect(result.generation).toBe('0.5');
    expect(typeof result.text).toBe('string');
    expect(result.unsupported).toBe('runProcesses is not supported by a Pie 0.5 gateway (it exists only on 0.4 engines)');
  }, 60_000);
});
