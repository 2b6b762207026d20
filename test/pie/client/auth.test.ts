import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as crypto from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sshpk from 'sshpk';
import { firstValueFrom } from 'rxjs';
import { harness } from './helpers.js';
import { PieAuthError, PieKeyError } from '../../../src/model/pie/errors.js';
import { loadPrivateKey } from '../../../src/model/pie/keys.js';
import { PieClient } from '../../../src/observables/pie/pie-client.js';
import type { PieCredentials } from '../../../src/observables/pie/connection/credentials.js';

const PASSPHRASE = 'correct horse battery staple';
type Pair = crypto.KeyPairKeyObjectResult;

function openssh(pair: Pair, passphrase?: string): string {
  const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return sshpk.parsePrivateKey(pem, 'pem').toString('openssh', passphrase === undefined ? undefined : { passphrase });
}
function pkcs8(pair: Pair, passphrase?: string): string {
  return pair.privateKey.export(
    passphrase === undefined
      ? { format: 'pem', type: 'pkcs8' }
      : { format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase },
  ) as string;
}
function opensshPublic(pair: Pair): string {
  const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  return sshpk.parseKey(pem, 'pem').toString('ssh');
}
function spkiPem(pair: Pair): string {
  return pair.publicKey.export({ format: 'pem', type: 'spki' }) as string;
}

const pairs = {
  ed25519: crypto.generateKeyPairSync('ed25519'),
  p256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  p384: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const stranger = crypto.generateKeyPairSync('ed25519');

const cases: [string, string, string | undefined][] = [
  ['ed25519 OpenSSH', openssh(pairs.ed25519), undefined],
  ['ed25519 PKCS#8 PEM', pkcs8(pairs.ed25519), undefined],
  ['P-256 OpenSSH', openssh(pairs.p256), undefined],
  ['P-256 PKCS#8 PEM', pkcs8(pairs.p256), undefined],
  ['P-384 OpenSSH', openssh(pairs.p384), undefined],
  ['P-384 PKCS#8 PEM', pkcs8(pairs.p384), undefined],
  ['RSA 2048 OpenSSH', openssh(pairs.rsa), undefined],
  ['RSA 2048 PKCS#8 PEM', pkcs8(pairs.rsa), undefined],
  ['RSA 2048 PKCS#1 PEM', pairs.rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, undefined],
  ['passphrase-protected P-256 PKCS#8 PEM', pkcs8(pairs.p256, PASSPHRASE), PASSPHRASE],
  ['passphrase-protected ed25519 OpenSSH', openssh(pairs.ed25519, PASSPHRASE), PASSPHRASE],
];

const h = harness();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pie-auth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => h.cleanup());

function publicKeyEmulator() {
  return h.emulator({
    auth: {
      mode: 'publicKey',
      users: {
        alice: [
          opensshPublic(pairs.ed25519),
          spkiPem(pairs.p256),
          opensshPublic(pairs.p384),
          pairs.rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string,
        ],
      },
    },
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectNoSecret(error: Error, secrets: string[]): void {
  const texts = [error.message, String(error), JSON.stringify(error), String((error as { serverMessage?: string }).serverMessage)];
  for (const secret of secrets) {
    const probe = secret.includes('-----') ? secret.split('\n')[1]!.slice(0, 40) : secret;
    for (const text of texts) expect(text).not.toContain(probe);
  }
}

describe('PieClient authentication', () => {
  it.each(cases)('authenticates with a %s key given as text and as a file', async (label, text, passphrase) => {
    const emu = await publicKeyEmulator();
    const fromText = await h.client(emu, { username: 'alice', key: { text }, ...(passphrase ? { passphrase } : {}) });
    expect(await firstValueFrom(fromText.ping())).toBeGreaterThanOrEqual(0);
    const path = join(dir, label.replace(/\W+/g, '_'));
    writeFileSync(path, text, { mode: 0o600 });
    const fromFile = await h.client(emu, { username: 'alice', key: path, ...(passphrase ? { passphrase } : {}) });
    expect(await firstValueFrom(fromFile.ping())).toBeGreaterThanOrEqual(0);
    const identify = emu.received.filter((m) => m.type === 'auth_prove');
    expect(identify.length).toBe(2);
    expect((identify[0] as { signature: string }).signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  });

  it('authenticates with a ready PieSigner', async () => {
    const emu = await publicKeyEmulator();
    const signer = await loadPrivateKey({ text: pkcs8(pairs.rsa) });
    const client = await h.client(emu, { username: 'alice', key: signer });
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
  });

  it('refuses a key the engine does not know, without the key in the error', async () => {
    const emu = await publicKeyEmulator();
    const text = pkcs8(stranger);
    const error = await rejection(PieClient.connect(emu.url, { username: 'alice', key: { text } }, { heartbeat: false }));
    expect(error).toBeInstanceOf(PieAuthError);
    expect((error as PieAuthError).serverMessage).toBe('Signature verification failed');
    expectNoSecret(error, [text]);
  });

  it('refuses an unknown user and a user without a key', async () => {
    const emu = await publicKeyEmulator();
    const unknown = await rejection(
      PieClient.connect(emu.url, { username: 'mallory', key: { text: pkcs8(pairs.ed25519) } }, { heartbeat: false }),
    );
    expect(unknown).toBeInstanceOf(PieAuthError);
    // The engine echoes the username; the error names it by its length only.
    expect((unknown as PieAuthError).serverMessage).toBe("User '<username, 7 chars>' is not authorized");
    const keyless = await rejection(PieClient.connect(emu.url, { username: 'alice' }, { heartbeat: false }));
    expect(keyless).toBeInstanceOf(PieAuthError);
    expect(keyless.message).toMatch(/requires public-key authentication/);
  });

  it('a wrong passphrase is a PieKeyError that names neither key nor passphrase', async () => {
    const emu = await publicKeyEmulator();
    const text = pkcs8(pairs.p256, PASSPHRASE);
    const error = await rejection(
      PieClient.connect(emu.url, { username: 'alice', key: { text }, passphrase: 'not it at all' }, { heartbeat: false }),
    );
    expect(error).toBeInstanceOf(PieKeyError);
    expectNoSecret(error, [text, 'not it at all', PASSPHRASE]);
  });

  it('authenticates by token, and a wrong token is a PieAuthError without the token', async () => {
    const emu = await h.emulator();
    const client = await h.client(emu, { token: emu.internalToken });
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
    const wrong = 'wrong-token-0123456789abcdef';
    const error = await rejection(PieClient.connect(emu.url, { token: wrong }, { heartbeat: false }));
    expect(error).toBeInstanceOf(PieAuthError);
    expect((error as PieAuthError).serverMessage).toBe('Invalid token');
    expectNoSecret(error, [wrong]);
  });

  it('sends auth_identify even when the engine has authentication disabled', async () => {
    const emu = await h.emulator({ auth: { mode: 'disabled' } });
    const client = await h.client(emu, { username: 'bob' });
    expect(await firstValueFrom(client.ping())).toBeGreaterThanOrEqual(0);
    expect(emu.received.map((m) => m.type).slice(0, 2)).toEqual(['auth_identify', 'ping']);
  });
});
