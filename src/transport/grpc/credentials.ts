import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import type { FlameEndpoint } from './endpoint.js';
import { FlameTlsConfigError } from './errors.js';

/** Where the CA that verifies a TLS server comes from; neither means the system store. */
export interface FlameTlsOptions {
  /** Path of a PEM file with the CA certificate(s). */
  readonly caFile?: string;
  /** The CA certificate(s) as PEM text or bytes. */
  readonly ca?: string | Uint8Array;
}

/**
 * The gRPC channel credentials for a parsed endpoint, following the Flame SDKs' rule (spec
 * section 1): `http` is plaintext (a configured CA is ignored), `https` is TLS verified
 * against the given CA or else the system trust store, with the URL host as server name.
 * A CA file that cannot be read, or CA text without a valid certificate, throws
 * `FlameTlsConfigError`.
 *
 * @example
 * ```ts
 * import { flameChannelCredentials, parseFlameEndpoint } from 'flame-pie-rx/flame';
 * const creds = flameChannelCredentials(parseFlameEndpoint('https://flame:8080'), { caFile: '/etc/flame/ca.pem' });
 * ```
 */
export function flameChannelCredentials(endpoint: FlameEndpoint, tls: FlameTlsOptions = {}): ChannelCredentials {
  if (!endpoint.tls) return credentials.createInsecure();
  if (tls.caFile !== undefined && tls.ca !== undefined) {
    throw new FlameTlsConfigError('give either caFile or ca, not both', { caFile: tls.caFile });
  }
  if (tls.caFile !== undefined) return credentials.createSsl(readCaFile(tls.caFile));
  if (tls.ca !== undefined) return credentials.createSsl(checkedCa(Buffer.from(tls.ca), 'the CA text'));
  return credentials.createSsl();
}

function readCaFile(caFile: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(caFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new FlameTlsConfigError(`cannot read CA file ${caFile}: ${code}`, { caFile, cause: error });
  }
  return checkedCa(bytes, `CA file ${caFile}`, caFile);
}

/** Refuses text without a parseable PEM certificate; never echoes the content. */
function checkedCa(bytes: Buffer, what: string, caFile?: string): Buffer {
  const text = bytes.toString('utf8');
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  if (block === undefined) {
    throw new FlameTlsConfigError(`${what} holds no PEM certificate`, caFile === undefined ? {} : { caFile });
  }
  try {
    new X509Certificate(block);
  } catch (error) {
    throw new FlameTlsConfigError(`${what} holds an invalid PEM certificate`, {
      ...(caFile === undefined ? {} : { caFile }),
      cause: error,
    });
  }
  return bytes;
}
