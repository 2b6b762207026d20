// Node-only: loads a private key from a file or text with node:crypto and sshpk.
import * as crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PieKeyError } from '../errors.js';
import { digestFor, parsePrivateKeyText, type KeyModules } from '../key-loader.js';
import { signerFromFunction, type LoadPrivateKeyOptions, type PieSigner } from '../keys.js';

/**
 * sshpk, loaded with the first key: every Node entry imports this file for its effect,
 * and loading sshpk (CommonJS, with its own dependencies) is a large part of importing
 * `flame-pie-rx/pie` on Node, for clients that may use no key at all.
 */
let sshpk: KeyModules['sshpk'] | undefined;
// A dynamic import, which every bundler follows (a static-string `import()`); sshpk is
// CommonJS, so Node's ESM loader gives its exports as `default`, a CommonJS build as the module.
const loadSshpk = async (): Promise<KeyModules['sshpk']> => {
  if (sshpk) return sshpk;
  const loaded = (await import('sshpk')) as unknown as KeyModules['sshpk'] & { default?: KeyModules['sshpk'] };
  return (sshpk = loaded.default ?? loaded);
};

/** Node implementation of `loadPrivateKey` (see keys.ts for the contract). */
export async function loadPrivateKeyOnNode(options: LoadPrivateKeyOptions): Promise<PieSigner> {
  const { path, text, passphrase } = options;
  const keyText = text ?? (await readKeyFile(path!));
  if (typeof keyText !== 'string') throw new PieKeyError('the key `text` must be a string');
  const loaded = parsePrivateKeyText({ crypto, sshpk: await loadSshpk() }, keyText, passphrase);
  const digest = digestFor(loaded.algorithm);
  return signerFromFunction(loaded.algorithm, loaded.publicKey, async (challenge) => {
    const signature = crypto.sign(digest, challenge, loaded.keyObject);
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  });
}

/** Reads a key file, expanding a leading `~` to the home directory. */
async function readKeyFile(path: string): Promise<string> {
  if (typeof path !== 'string' || path.length === 0) throw new PieKeyError('the key `path` must be a non-empty string');
  const expanded = path === '~' || path.startsWith('~/') || path.startsWith('~\\') ? join(homedir(), path.slice(1)) : path;
  try {
    return await readFile(expanded, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new PieKeyError(`cannot read private key file ${shownKeyPath(expanded)}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}

/**
 * A key path as it may appear in an error: key material passed where a path belongs (PEM
 * text, a base64 body) is never echoed, only described.
 */
function shownKeyPath(path: string): string {
  const looksLikeKey = path.length > 512 || /[\r\n]|-----BEGIN|PRIVATE KEY/.test(path) || /[A-Za-z0-9+/=]{32,}/.test(path);
  return looksLikeKey ? `(${path.length} characters that look like key material, not a path; not shown)` : path;
}
