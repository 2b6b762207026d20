import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import sshpk from 'sshpk';
import { afterEach, describe, expect, it } from 'vitest';
import { PieEmulator, PieEmulatorConfigError } from '../../../src/testing/pie/index.js';
import { RawClient } from './raw-client.js';

interface TestKey {
  name: string;
  privateKey: KeyObject;
  publicPem: string;
  algorithm: string | null;
}

function makeKeys(): TestKey[] {
  const ed = generateKeyPairSync('ed25519');
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }) as string;
  return [
    { name: 'ed25519', privateKey: ed.privateKey, publicPem: pem(ed.publicKey), algorithm: null },
    { name: 'p256', privateKey: p256.privateKey, publicPem: pem(p256.publicKey), algorithm: 'sha256' },
    { name: 'p384', privateKey: p384.privateKey, publicPem: pem(p384.publicKey), algorithm: 'sha384' },
    { name: 'rsa', privateKey: rsa.privateKey, publicPem: pem(rsa.publicKey), algorithm: 'sha256' },
  ];
}

const keys = makeKeys();
const toSsh = (pem: string): string => sshpk.parseKey(pem, 'pem').toString('ssh');

describe('PieEmulator authentication', () => {
  let emu: PieEmulator | undefined;
  const clients: RawClient[] = [];
  const connect = async (): Promise<RawClient> => {
    const client = await RawClient.connect(emu!.url);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu?.close();
    emu = undefined;
  });

  async function challenge(client: RawClient, username: string): Promise<Buffer> {
    const reply = await client.request({ type: 'auth_identify', username });
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatch(/^[A-Za-z0-9+/]{64}$/);
    return Buffer.from(reply.result, 'base64');
  }

  for (const key of keys) {
    for (const format of ['openssh', 'pem'] as const) {
      it(`verifies a ${key.name} signature with a ${format} public key`, async () => {
        const text = format === 'openssh' ? toSsh(key.publicPem) : key.publicPem;
        emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [text] } } });
        const client = await connect();
        const bytes = await challenge(client, 'alice');
        expect(bytes.length).toBe(48);
        const signature = sign(key.algorithm, bytes, key.privateKey).toString('base64');
        expect(await client.request({ type: 'auth_prove', signature })).toMatchObject({ ok: true, result: 'Authenticated' });
        expect((await client.request({ type: 'ping' })).result).toBe('Pong');
      });
    }
  }

  it('accepts a PKCS#1 RSA public key and checks every key of the user', async () => {
    const rsa = keys[3]!;
    const pkcs1 = sshpk.parseKey(rsa.publicPem, 'pem').toString('pkcs1');
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [keys[0]!.publicPem, pkcs1] } } });
    const client = await connect();
    const bytes = await challenge(client, 'alice');
    const signature = sign('sha256', bytes, rsa.privateKey).toString('base64');
    expect(await client.request({ type: 'auth_prove', signature })).toMatchObject({ ok: true, result: 'Authenticated' });
  });

  it('rejects a wrong signature, consumes the challenge, and allows a retry', async () => {
    const ed = keys[0]!;
    emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [ed.publicPem] } } });
    const client = await connect();
    const bytes = await challenge(client, 'alice');
    const wrong = sign(null, Buffer.from('not the challenge'), ed.privateKey).toString('base64');
    expect(await client.request({ type: 'auth_prove', signature: wrong })).toMatchObject({ ok: false, result: 'Signature verification failed' });
    const right = sign(null, bytes, ed.privateKey).toString('base64');
    expect(await client.request({ type: 'auth_prove', signature: right })).toMatchObject({ ok: false, result: 'No pending authentication' });
    client.send({ type: 'ping', corr_id: 99 });
    expect(await client.expectNothing((f) => f['corr_id'] === 99)).toBe(true);
    const again = await challenge(client, 'alice');
    const signature = sign(null, again, ed.privateKey).toString('base64');
    expect(await client.request({ type: 'auth_prove', signature })).toMatchObject({ ok: true, result: 'Authenticated' });
  });

  it('rejects raw r||s ECDSA signatures (DER only)', async () => {
    const p256 = keys[1]!;
    emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [p256.publicPem] } } });
    const client = await connect();
    const bytes = await challenge(client, 'alice');
    const raw = sign('sha256', bytes, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(raw.length).toBe(64);
    expect(await client.request({ type: 'auth_prove', signature: raw.toString('base64') })).toMatchObject({
      ok: false,
      result: 'Signature verification failed',
    });
  });

  it('requires strict standard base64 with padding', async () => {
    const ed = keys[0]!;
    emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [ed.publicPem] } } });
    const client = await connect();
    const cases: [string, string][] = [
      ['YWJ', 'Invalid signature encoding: Invalid padding'],
      ['YW-j', 'Invalid signature encoding: Invalid symbol 45, offset 2.'],
      ['YW Jj', 'Invalid signature encoding: Invalid symbol 32, offset 2.'],
      ['YR==', 'Invalid signature encoding: Invalid last symbol 82, offset 1.'],
    ];
    for (const [signature, expected] of cases) {
      await challenge(client, 'alice');
      expect(await client.request({ type: 'auth_prove', signature })).toMatchObject({ ok: false, result: expected });
    }
    const bytes = await challenge(client, 'alice');
    const urlSafe = sign(null, bytes, ed.privateKey).toString('base64url');
    const reply = await client.request({ type: 'auth_prove', signature: urlSafe });
    expect(reply.ok).toBe(false);
    expect(reply.result).toMatch(/^Invalid signature encoding: /);
  });

  it('refuses unknown users and proofs without a challenge', async () => {
    emu = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [keys[0]!.publicPem], nokeys: [] } } });
    const client = await connect();
    expect(await client.request({ type: 'auth_identify', username: 'mallory' })).toMatchObject({
      ok: false,
      result: "User 'mallory' is not authorized",
    });
    expect(await client.request({ type: 'auth_prove', signature: 'AAAA' })).toMatchObject({ ok: false, result: 'No pending authentication' });
    await challenge(client, 'nokeys');
    const signature = Buffer.alloc(64).toString('base64');
    expect(await client.request({ type: 'auth_prove', signature })).toMatchObject({ ok: false, result: 'Signature verification failed' });
  });

  it('answers the already-authenticated table without changing identity', async () => {
    emu = await PieEmulator.start({ tokenFailureDelayMs: 0 });
    const client = await connect();
    expect(await client.request({ type: 'auth_identify', username: 'carol' })).toMatchObject({
      ok: true,
      result: 'Authenticated (Engine disabled authentication)',
    });
    expect(await client.request({ type: 'auth_identify', username: 'dave' })).toMatchObject({ ok: true, result: 'Already authenticated' });
    expect(await client.request({ type: 'auth_by_token', token: 'x' })).toMatchObject({ ok: true, result: 'Already authenticated' });
    expect(await client.request({ type: 'auth_prove', signature: 'AAAA' })).toMatchObject({ ok: false, result: 'Already authenticated' });
    emu.registerInferlet('w@1.0.0', (ctx) => ctx.nextSignal());
    const { result: id } = await client.request({ type: 'launch_process', inferlet: 'w@1.0.0', input: '', capture_outputs: true });
    const list = JSON.parse((await client.request({ type: 'list_processes' })).result) as { id: string; username: string }[];
    expect(list).toEqual([expect.objectContaining({ id, username: 'carol' })]);
  });

  it('accepts the internal token as identity internal and rejects a wrong one after the delay', async () => {
    emu = await PieEmulator.start({ tokenFailureDelayMs: 100, internalToken: 'secret-token' });
    expect(emu.internalToken).toBe('secret-token');
    const bad = await connect();
    bad.send({ type: 'auth_by_token', corr_id: 1, token: 'wrong' });
    bad.send({ type: 'auth_identify', corr_id: 2, username: 'x' });
    const first = await bad.waitFor((f) => f.type === 'response');
    expect(first).toMatchObject({ corr_id: 1, ok: false, result: 'Invalid token' });
    expect(await bad.waitFor((f) => f['corr_id'] === 2)).toMatchObject({ ok: true });

    const good = await connect();
    expect(await good.request({ type: 'auth_by_token', token: 'secret-token' })).toMatchObject({ ok: true, result: 'Authenticated' });
    emu.registerInferlet('w@1.0.0', (ctx) => ctx.nextSignal());
    await good.request({ type: 'launch_process', inferlet: 'w@1.0.0', input: '', capture_outputs: true });
    const list = JSON.parse((await good.request({ type: 'list_processes' })).result) as { username: string }[];
    expect(list.map((p) => p.username)).toEqual(['internal']);
  });

  it('generates a 64-character URL-safe internal token by default', async () => {
    emu = await PieEmulator.start();
    expect(emu.internalToken).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('refuses unusable keys at start with a typed error that does not quote the key', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    for (const text of [small, p521, 'ssh-ed25519 AAAA', 'garbage']) {
      const error = await PieEmulator.start({ auth: { mode: 'publicKey', users: { alice: [text] } } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PieEmulatorConfigError);
      expect((error as Error).message).not.toContain(text.slice(30, 60) || 'garbage-never');
    }
  });
});
