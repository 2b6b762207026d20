import * as crypto from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sshpk from 'sshpk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PieKeyError } from '../../../src/model/pie/errors.js';
import { loadPrivateKey, signerFromFunction, type PieSigner } from '../../../src/model/pie/keys.js';

const PASSPHRASE = 'correct horse battery staple';
const challenge = crypto.randomBytes(48);

interface KeyCase {
  readonly label: string;
  readonly algorithm: PieSigner['algorithm'];
  readonly digest: string | null;
  readonly pair: crypto.KeyPairKeyObjectResult;
}

const cases: KeyCase[] = [
  { label: 'Ed25519', algorithm: 'ed25519', digest: null, pair: crypto.generateKeyPairSync('ed25519') },
  { label: 'ECDSA P-256', algorithm: 'ecdsa-p256', digest: 'sha256', pair: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  { label: 'ECDSA P-384', algorithm: 'ecdsa-p384', digest: 'sha384', pair: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }) },
  { label: 'RSA 2048', algorithm: 'rsa', digest: 'sha256', pair: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }) },
];

function pkcs8(pair: crypto.KeyPairKeyObjectResult, passphrase?: string): string {
  return pair.privateKey.export(
    passphrase === undefined
      ? { format: 'pem', type: 'pkcs8' }
      : { format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase },
  ) as string;
}

const opensshTexts = new Map<string, string>();

/** OpenSSH text of a key (memoized: encrypting runs bcrypt, which is slow on purpose). */
function openssh(pair: crypto.KeyPairKeyObjectResult, passphrase?: string): string {
  const id = `${pkcs8(pair)}|${passphrase ?? ''}`;
  let text = opensshTexts.get(id);
  if (text === undefined) {
    const key = sshpk.parsePrivateKey(pkcs8(pair), 'pem');
    text = key.toString('openssh', passphrase === undefined ? undefined : { passphrase });
    opensshTexts.set(id, text);
  }
  return text;
}

/** Every formats a case can be written in, with the passphrase it needs. */
function formatsOf(c: KeyCase): Array<[string, string, string | undefined]> {
  const formats: Array<[string, string, string | undefined]> = [
    ['PKCS#8 PEM', pkcs8(c.pair), undefined],
    ['encrypted PKCS#8 PEM', pkcs8(c.pair, PASSPHRASE), PASSPHRASE],
    ['OpenSSH', openssh(c.pair), undefined],
    ['encrypted OpenSSH', openssh(c.pair, PASSPHRASE), PASSPHRASE],
  ];
  if (c.algorithm === 'rsa') {
    formats.push(['PKCS#1 PEM', c.pair.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, undefined]);
    formats.push([
      'encrypted PKCS#1 PEM',
      c.pair.privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string,
      PASSPHRASE,
    ]);
  }
  if (c.algorithm.startsWith('ecdsa')) {
    formats.push(['SEC1 PEM', c.pair.privateKey.export({ format: 'pem', type: 'sec1' }) as string, undefined]);
  }
  return formats;
}

async function rejection(promise: Promise<unknown>): Promise<PieKeyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PieKeyError);
    return error as PieKeyError;
  }
  throw new Error('expected a rejection');
}

/** The base64 body lines of a PEM or OpenSSH block, which must never leak into a message. */
function keyBodyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
}

describe('loadPrivateKey: signatures the engine verifies (spec 3.3)', () => {
  for (const c of cases) {
    for (const [format, text, passphrase] of formatsOf(c)) {
      it(`${c.label} from ${format}`, async () => {
        const signer = await loadPrivateKey(passphrase === undefined ? { text } : { text, passphrase });
        expect(signer.algorithm).toBe(c.algorithm);
        const signature = await signer.sign(challenge);
        expect(signature).toBeInstanceOf(Uint8Array);
        expect(crypto.verify(c.digest, challenge, c.pair.publicKey, signature)).toBe(true);
        expect(crypto.verify(c.digest, crypto.randomBytes(48), c.pair.publicKey, signature)).toBe(false);

        // The OpenSSH public line is the same key: what an operator registers verifies it.
        expect(signer.publicKey).toMatch(/^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ssh-rsa) [A-Za-z0-9+/=]+$/);
        const registered = crypto.createPublicKey(sshpk.parseKey(signer.publicKey, 'ssh').toString('pem'));
        expect(crypto.verify(c.digest, challenge, registered, signature)).toBe(true);

        if (c.algorithm === 'ed25519') expect(signature.length).toBe(64);
        if (c.algorithm === 'rsa') expect(signature.length).toBe(256);
        if (c.algorithm.startsWith('ecdsa')) {
          // DER: a SEQUENCE that verifies as 'der' and not as raw r‖s.
          expect(signature[0]).toBe(0x30);
          expect(crypto.verify(c.digest, challenge, { key: c.pair.publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
          const raw = crypto.sign(c.digest, challenge, { key: c.pair.privateKey, dsaEncoding: 'ieee-p1363' });
          expect(crypto.verify(c.digest, challenge, { key: c.pair.publicKey, dsaEncoding: 'der' }, raw)).toBe(false);
        }
      });
    }
  }
});

describe('loadPrivateKey: refused keys', () => {
  it('refuses RSA under 2048 bits', async () => {
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
    const error = await rejection(loadPrivateKey({ text: pkcs8(pair) }));
    expect(error.message).toBe('RSA key of 1024 bits refused: at least 2048 bits are required');
    const fromOpenSsh = await rejection(loadPrivateKey({ text: openssh(pair) }));
    expect(fromOpenSsh.message).toMatch(/1024 bits refused/);
  });

  it('refuses ECDSA P-521', async () => {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' });
    expect((await rejection(loadPrivateKey({ text: pkcs8(pair) }))).message).toMatch(/unsupported ECDSA curve secp521r1/);
    expect((await rejection(loadPrivateKey({ text: openssh(pair) }))).message).toMatch(/unsupported ECDSA curve/);
  });

  it('refuses DSA', async () => {
    const pair = crypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    expect((await rejection(loadPrivateKey({ text: pkcs8(pair) }))).message).toMatch(/unsupported key type dsa/);
    expect((await rejection(loadPrivateKey({ text: openssh(pair) }))).message).toMatch(/unsupported key type dsa/);
  });

  it('refuses Ed448 and X25519', async () => {
    for (const type of ['ed448', 'x25519'] as const) {
      const pair = crypto.generateKeyPairSync(type as 'ed448');
      expect((await rejection(loadPrivateKey({ text: pkcs8(pair) }))).message).toMatch(/unsupported key type/);
    }
  });
});

describe('loadPrivateKey: bad input never leaks secrets', () => {
  const ed = cases[0]!.pair;

  it('reports a wrong passphrase without the passphrase or the key text', async () => {
    for (const text of [pkcs8(ed, PASSPHRASE), openssh(ed, PASSPHRASE)]) {
      const wrong = 'not-the-passphrase-42';
      const error = await rejection(loadPrivateKey({ text, passphrase: wrong }));
      expect(error.message).toBe('wrong passphrase for the private key');
      const everything = `${error.message} ${error.stack ?? ''} ${String(error.serverMessage)}`;
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(PASSPHRASE);
      for (const line of keyBodyLines(text)) expect(everything).not.toContain(line);
    }
  });

  it('reports a missing passphrase', async () => {
    for (const text of [pkcs8(ed, PASSPHRASE), openssh(ed, PASSPHRASE)]) {
      const error = await rejection(loadPrivateKey({ text }));
      expect(error.message).toBe('the private key is encrypted and no passphrase was given');
    }
  });

  it('reports an unreadable file by path and code', async () => {
    const error = await rejection(loadPrivateKey({ path: '/nonexistent/dir/id_ed25519' }));
    expect(error.message).toBe('cannot read private key file /nonexistent/dir/id_ed25519 (ENOENT)');
  });

  it('reports garbage without echoing it', async () => {
    const garbage = 'this is not a key at all, just words';
    const error = await rejection(loadPrivateKey({ text: garbage }));
    expect(error.message).toMatch(/not a private key in a supported format/);
    expect(error.message).not.toContain(garbage);
  });

  it('reports a corrupted PEM body without echoing it', async () => {
    const text = pkcs8(ed).replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA');
    const error = await rejection(loadPrivateKey({ text }));
    expect(error.message).toMatch(/^could not parse the private key/);
    for (const line of keyBodyLines(text)) expect(error.message).not.toContain(line);
  });

  it('reports a truncated OpenSSH key', async () => {
    const text = openssh(ed);
    const lines = text.trim().split('\n');
    const truncated = [lines[0], lines[1], lines[lines.length - 1]].join('\n');
    const error = await rejection(loadPrivateKey({ text: truncated }));
    expect(error.message).toBe('malformed OpenSSH private key');
  });

  it('refuses an OpenSSH key under a cipher that cannot be decrypted safely, without crashing', async () => {
    const text = openssh(ed);
    const body = Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const magic = 'openssh-key-v1\0'.length;
    const oldCipherLength = body.readUInt32BE(magic);
    const cipher = Buffer.from('aes256-gcm@openssh.com');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(cipher.length);
    const rebuilt = Buffer.concat([body.subarray(0, magic), length, cipher, body.subarray(magic + 4 + oldCipherLength)]);
    const forged = `-----BEGIN OPENSSH PRIVATE KEY-----\n${rebuilt.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const error = await rejection(loadPrivateKey({ text: forged, passphrase: 'whatever-pass' }));
    expect(error.message).toBe('OpenSSH private key encrypted with unsupported cipher "aes256-gcm@openssh.com"');
  });

  it('needs exactly one of path and text', async () => {
    expect((await rejection(loadPrivateKey({}))).message).toMatch(/exactly one of `path` or `text`/);
    expect((await rejection(loadPrivateKey({ path: 'a', text: 'b' }))).message).toMatch(/exactly one/);
  });
});

describe('loadPrivateKey: files', () => {
  let dir: string;
  const savedHome = process.env['HOME'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pie-keys-'));
  });

  afterAll(async () => {
    if (savedHome === undefined) delete process.env['HOME'];
    else process.env['HOME'] = savedHome;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a key file by path', async () => {
    const file = join(dir, 'id_ed25519');
    await writeFile(file, openssh(cases[0]!.pair), { mode: 0o600 });
    const signer = await loadPrivateKey({ path: file });
    expect(crypto.verify(null, challenge, cases[0]!.pair.publicKey, await signer.sign(challenge))).toBe(true);
  });

  it('expands a leading ~ to the home directory', async () => {
    await writeFile(join(dir, 'id_p256'), pkcs8(cases[1]!.pair, PASSPHRASE), { mode: 0o600 });
    process.env['HOME'] = dir;
    const signer = await loadPrivateKey({ path: '~/id_p256', passphrase: PASSPHRASE });
    expect(signer.algorithm).toBe('ecdsa-p256');
    expect(crypto.verify('sha256', challenge, cases[1]!.pair.publicKey, await signer.sign(challenge))).toBe(true);
  });
});

describe('signerFromFunction', () => {
  it('wraps a signing function and checks its input and output', async () => {
    const pair = cases[0]!.pair;
    const signer = signerFromFunction('ed25519', 'ssh-ed25519 AAAA', (data) => new Uint8Array(crypto.sign(null, data, pair.privateKey)));
    expect(signer.algorithm).toBe('ed25519');
    expect(signer.publicKey).toBe('ssh-ed25519 AAAA');
    expect(crypto.verify(null, challenge, pair.publicKey, await signer.sign(challenge))).toBe(true);
    await expect(signer.sign('abc' as unknown as Uint8Array)).rejects.toBeInstanceOf(PieKeyError);
    const broken = signerFromFunction('rsa', 'ssh-rsa AAAA', async () => 'nope' as unknown as Uint8Array);
    await expect(broken.sign(challenge)).rejects.toThrow('the signing function did not return bytes');
  });

  it('refuses an unknown algorithm', () => {
    expect(() => signerFromFunction('dsa' as 'rsa', 'x', () => new Uint8Array())).toThrow(PieKeyError);
  });
});
