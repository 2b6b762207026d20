// No secret in any error, whatever field it was passed in (issue 7): a secret given as Pie
// username (0.4 auth), as identity (0.5 gateway header, or the 0.4 username it stands in
// for), and through the Flame configuration (endpoint, environment, flame.yaml, 0.7 session
// tokens). Every error is searched: message, cause chain, util.inspect, JSON. Engines echo
// what they were given (`User '…' is not authorized`): the client shows such an echo by its
// length only. With PIE_ENGINE_URL set, the identity cases also run against the real engine.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everythingShown, expectNoSecretOf } from './secret-search.js';
import { FlameClient } from '../../src/flame.js';
import { PieAuthError, PieClient, PieUpgradeError, type PieClientOptions, type PieCredentials } from '../../src/pie.js';
import { FlameEmulator, PieEmulator } from '../../src/testing.js';
import { engineUrl } from '../real-engine/engine-env.js';

const USERNAME = 'usr-9c4e1a7b3d5f-SECRET';
const IDENTITY = 'idt-5a3c8e1f7b9d-SECRET';
const FLAME = 'flm-3e7a1c9b5d2f-SECRET';
const TOKEN = 'tok-6d2f8b4a0c1e-SECRET';
const SECRETS = [USERNAME, IDENTITY, FLAME, TOKEN];
const ED25519_PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const expectNoSecret = (error: unknown): void => expectNoSecretOf(error, SECRETS);

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const quick: PieClientOptions = { heartbeat: false, backoff: { initialDelayMs: 10, maxDelayMs: 10, multiplier: 1, jitter: 0, maxAttempts: 0 } };

describe('Pie 0.4: a secret as username or identity', () => {
  let emu: PieEmulator;
  beforeAll(async () => {
    emu = await PieEmulator.start({ tokenFailureDelayMs: 0, auth: { mode: 'publicKey', users: {} } });
  });
  afterAll(() => emu.close());
  const connect = (credentials: PieCredentials | undefined, options: PieClientOptions = {}) =>
    failure(() => PieClient.connect(emu.url, credentials, { ...quick, ...options }));

  it("the engine's echo of the username (User '…' is not authorized) shows its length only", async () => {
    for (const username of [USERNAME, TOKEN]) {
      const error = await connect({ username, key: { text: ED25519_PEM } });
      expect(error).toBeInstanceOf(PieAuthError);
      expect((error as PieAuthError).serverMessage).toBe(`User '<username, ${username.length} chars>' is not authorized`);
      expectNoSecret(error);
    }
  });

  it("the client's own text about a key-less username, and an identity standing in for the username", async () => {
    expectNoSecret(await connect({ username: USERNAME }));
    const byIdentity = await connect(undefined, { identity: IDENTITY });
    expect((byIdentity as PieAuthError).serverMessage).toBe(`User '<identity, ${IDENTITY.length} chars>' is not authorized`);
    expectNoSecret(byIdentity);
  });
});

describe('Pie 0.5 gateway: a secret as identity', () => {
  let gateway: PieEmulator;
  let proxy: Server;
  let proxyUrl: string;
  beforeAll(async () => {
    gateway = await PieEmulator.start({ generation: '0.5' });
    // An edge proxy that refuses the identity and quotes it back (a gateway's own texts do not).
    proxy = createServer((_request, response) => response.writeHead(404).end());
    proxy.on('upgrade', (request, socket) => {
      const body = `identity '${String(request.headers['x-pie-identity'])}' is not allowed here`;
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `ws://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await gateway.close();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('an upgrade refusal that quotes the identity shows its length only, in message and body', async () => {
    const error = await failure(() => PieClient.connect(proxyUrl, undefined, { ...quick, identity: IDENTITY, generation: '0.5' }));
    expect(error).toBeInstanceOf(PieUpgradeError);
    expect((error as PieUpgradeError).status).toBe(403);
    expect((error as PieUpgradeError).body).toBe(`identity '<identity, ${IDENTITY.length} chars>' is not allowed here`);
    expectNoSecret(error);
  });

  it('request errors of a connection made with the identity', async () => {
    await expectIdentityKeptOut(gateway.url);
  });
});

describe.skipIf(!engineUrl())('the real engine (pie-server 0.5.2): a secret as identity', () => {
  it('request errors of a connection made with the identity', async () => {
    await expectIdentityKeptOut(engineUrl()!);
  });
});

/** Connects with the secret identity and provokes refusals; none may show the identity. */
async function expectIdentityKeptOut(url: string): Promise<void> {
  const client = await PieClient.connect(url, undefined, { heartbeat: false, identity: IDENTITY, requestTimeoutMs: 30_000 });
  try {
    const errors = [
      await failure(() => firstValueFrom(client.attachProcess('00000000-0000-4000-8000-000000000000'))),
      await failure(() => firstValueFrom(client.terminateProcess('00000000-0000-4000-8000-000000000000'))),
      await failure(() => firstValueFrom(client.launchProcess('no-such-inferlet@1.0.0', {}))),
    ];
    for (const error of errors) expectNoSecret(error);
  } finally {
    client.close();
  }
}

describe('Flame: a secret through the configuration', () => {
  let emu: FlameEmulator;
  beforeAll(async () => {
    emu = await FlameEmulator.start({ version: '0.7' });
  });
  afterAll(() => emu.close());

  it('user info in the endpoint (option, FLAME_ENDPOINT, flame.yaml), a private key given as CA file', async () => {
    const withUser = `http://user:${FLAME}@127.0.0.1:1`;
    expectNoSecret(await failure(() => FlameClient.connect({ endpoint: withUser, env: {} })));
    expectNoSecret(await failure(() => FlameClient.connect({ env: { FLAME_ENDPOINT: withUser } })));
    const dir = mkdtempSync(join(tmpdir(), 'flame-secret-'));
    const yaml = (endpoint: string) => `current-context: dev\ncontexts:\n  - name: dev\n    cluster:\n      endpoint: ${endpoint}\n`;
    writeFileSync(join(dir, 'userinfo.yaml'), yaml(withUser));
    writeFileSync(join(dir, 'broken.yaml'), `${yaml(withUser)}  - name: [unclosed ${FLAME}\n`);
    for (const file of ['userinfo.yaml', 'broken.yaml']) {
      expectNoSecret(await failure(() => FlameClient.connect({ configPath: join(dir, file), env: {} })));
    }
    // A private key where the CA certificate belongs: its text must not be quoted back.
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, ED25519_PEM);
    const keyBody = ED25519_PEM.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    for (const caError of [
      await failure(() => FlameClient.connect({ endpoint: 'https://127.0.0.1:1', caFile: keyFile, env: {} })),
      await failure(() => FlameClient.connect({ endpoint: 'https://127.0.0.1:1', env: { FLAME_CA_FILE: keyFile } })),
    ]) {
      expectNoSecret(caError);
      expect(everythingShown(caError).includes(keyBody.slice(8, 32))).toBe(false);
    }
  });

  it('session tokens: a CreateSession refused by a 0.7 server, and sent to a 0.6 server', async () => {
    const client = FlameClient.connect({ endpoint: emu.endpoint, env: {} });
    const old = await FlameEmulator.start({ version: '0.6' });
    const oldClient = FlameClient.connect({ endpoint: old.endpoint, env: {} });
    try {
      emu.failNext(1, { code: 13, message: 'storage broke', method: 'createSession' });
      expectNoSecret(await failure(() => firstValueFrom(client.createSession({ application: 'flmping', tokens: { svc: FLAME } }))));
      expectNoSecret(await failure(() => firstValueFrom(oldClient.createSession({ application: 'flmping', tokens: { svc: FLAME } }))));
      // The same call without the fault succeeds: the refusal above was about the fault only.
      await firstValueFrom(client.createSession({ application: 'flmping', tokens: { svc: FLAME } }));
    } finally {
      client.close();
      oldClient.close();
      await old.close();
    }
  });
});

