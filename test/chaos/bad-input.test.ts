// Bad input gets a typed error and never echoes a secret: distinctive secrets are fed
// through every credential input, and every resulting error is searched (message, cause
// chain, util.inspect, JSON). Plus the typed errors of a YAML alias bomb, a circular
// launch input, and answers about another task.
import { generateKeyPairSync } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSecretOf } from './secret-search.js';
import { FrontendService06 } from '../../src/transport/grpc/frontend-06.js';
import { TaskState, type Task as ProtoTask } from '../../src/gen/flame/v1/types.js';
import { FlameClient, FlameConfigError } from '../../src/flame.js';
import { parseFlameConfigFile } from '../../src/model/flame/config-file.js';
import { PieClient, PieError, loadPrivateKey } from '../../src/pie.js';
import { encodeProcessInput } from '../../src/observables/pie/processes/process-input.js';
import { PieEmulator } from '../../src/testing.js';

const PASSPHRASE = 'pass-7f3a9c1e-SECRET';
const TOKEN = 'tok-2b8d4e6f0a1c-SECRET';
const { privateKey } = generateKeyPairSync('ed25519', {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const PEM = privateKey as unknown as string;
const BODY = PEM.split('\n').filter((l) => !l.startsWith('-----')).join('');
/** What must never show: the passphrase, the token, and any 24-character run of the key body. */
const SECRETS = [PASSPHRASE, TOKEN, ...Array.from({ length: Math.floor(BODY.length / 24) }, (_, i) => BODY.slice(i * 24, i * 24 + 24))];

const expectNoSecret = (error: unknown): void => expectNoSecretOf(error, SECRETS);

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('no secret in any error', () => {
  let emu: PieEmulator;
  beforeAll(async () => {
    emu = await PieEmulator.start({ tokenFailureDelayMs: 0, auth: { mode: 'publicKey', users: {} } });
  });
  afterAll(() => emu.close());

  const connect = (credentials: Parameters<typeof PieClient.connect>[1], url = emu.url) =>
    failure(() => PieClient.connect(url, credentials, { heartbeat: false, backoff: { initialDelayMs: 10, maxDelayMs: 10, multiplier: 1, jitter: 0, maxAttempts: 0 } }));

  it('key text with a wrong or missing passphrase', async () => {
    for (const passphrase of ['wrong-' + PASSPHRASE, undefined]) {
      const error = await failure(() => loadPrivateKey({ text: PEM, ...(passphrase ? { passphrase } : {}) }));
      expect(error).toBeInstanceOf(PieError);
      expectNoSecret(error);
    }
  });

  it('key material passed as a key path (the base64 body, the whole PEM)', async () => {
    for (const path of [BODY, PEM, BODY.slice(0, 60)]) {
      const error = await failure(() => loadPrivateKey({ path }));
      expect(error).toBeInstanceOf(PieError);
      expectNoSecret(error);
      expectNoSecret(await connect({ username: 'alice', key: path, passphrase: PASSPHRASE }));
    }
  });

  it('the passphrase and key text through connect, a refused token, and key material in the URL', async () => {
    expectNoSecret(await connect({ username: 'alice', key: { text: PEM }, passphrase: PASSPHRASE }));
    expectNoSecret(await connect({ username: 'alice', key: { text: PEM }, passphrase: 'x' + PASSPHRASE }));
    expectNoSecret(await connect({ token: TOKEN }));
    expectNoSecret(await connect({ token: TOKEN }, emu.url.replace('ws://', `ws://u:${TOKEN}@`).replace(/:\d+$/, ':1')));
  });
});

describe('typed errors for hostile input', () => {
  it('a flame.yaml alias bomb is a FlameConfigError, not a ReferenceError', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefghi'[i]).join(',')}]`), 'current-context: dev', 'contexts: []'].join('\n');
    expect(() => parseFlameConfigFile(bomb, '/tmp/flame.yaml')).toThrow(FlameConfigError);
  });

  it('a circular launch input is a PieError, not a TypeError', () => {
    const input: Record<string, unknown> = {};
    input.self = input;
    expect(() => encodeProcessInput(input)).toThrow(PieError);
    expect(() => encodeProcessInput({ n: 1n })).toThrow(PieError);
  });
});

describe('answers about another task', () => {
  let server: grpc.Server;
  let port: number;
  let watches = 0;
  let gets = 0;
  const message = (sessionId: string, id: string, state: TaskState): ProtoTask => ({
    metadata: { id, name: id },
    spec: { sessionId, affinity: [] },
    status: { state, creationTime: 1_700_000_000_000n, events: [] },
  });
  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(FrontendService06 as unknown as grpc.ServiceDefinition, {
      watchTask: (call: grpc.ServerWritableStream<{ taskId: string; sessionId: string }, ProtoTask>) => {
        watches += 1;
        // First stream: another task's terminal state, then the end. Later: the real one.
        call.write(watches === 1 ? message('s', '2', TaskState.Succeed) : message('s', call.request.taskId, TaskState.Succeed));
        call.end();
      },
      getTask: (call: grpc.ServerUnaryCall<{ taskId: string }, ProtoTask>, done: grpc.sendUnaryData<ProtoTask>) => {
        if (call.request.taskId === '9') return done(null, message('s', '10', TaskState.Succeed));
        gets += 1;
        done(null, gets === 1 ? message('other-session', call.request.taskId, TaskState.Failed) : message('s', call.request.taskId, TaskState.Pending));
      },
    } as never);
    port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
  });
  afterAll(() => server.forceShutdown());

  it('a watch drops them as protocol errors and resumes until the watched task ends', async () => {
    const client = FlameClient.connect({ endpoint: `http://127.0.0.1:${port}`, env: {}, version: '0.6', backoff: { initialDelayMs: 10, maxDelayMs: 20, multiplier: 2, jitter: 0, maxAttempts: Infinity } });
    try {
      const seen = await lastValueFrom(client.watchTask('s', '1').pipe(toArray()));
      // Neither task 2's Succeed nor the other session's Failed is taken for task 1.
      expect(seen.every((t) => t.id === '1' && t.sessionId === 's')).toBe(true);
      expect(seen.filter((t) => t.state === 'Succeed')).toHaveLength(1);
      expect(seen.at(-1)!.state).toBe('Succeed');
      expect(seen.some((t) => t.state === 'Failed')).toBe(false);
      expect(watches).toBeGreaterThanOrEqual(2);
      const error = await firstValueFrom(client.getTask('s', '9')).catch((e: unknown) => e);
      expect(error).toMatchObject({ retryable: true, name: 'FlameTaskMismatchError' });
    } finally {
      client.close();
    }
  });
});
