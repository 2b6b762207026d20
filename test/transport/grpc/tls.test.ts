import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameUnavailableError } from '../../../src/model/flame/errors.js';
import { FlameChannel, unaryCall } from '../../../src/transport/grpc/index.js';
import { errorOf, fastBackoff, stateOf } from './helpers/channel-helpers.js';
import { TestFrontendServer } from './helpers/test-frontend-server.js';

const dir = mkdtempSync(join(tmpdir(), 'flame-tls-'));
const caFile = join(dir, 'ca.pem');
const wrongCaFile = join(dir, 'wrong-ca.pem');
let caPem: string;
let server: TestFrontendServer;
const channels: FlameChannel[] = [];

/** A CA, and a certificate for localhost / 127.0.0.1 signed by it (EC keys: fast to make). */
async function makeCertificates() {
  const caExtensions = [
    { name: 'basicConstraints' as const, cA: true, critical: true },
    { name: 'keyUsage' as const, keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
  ];
  const ca = await generate([{ name: 'commonName', value: 'flame test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: caExtensions,
  });
  const wrongCa = await generate([{ name: 'commonName', value: 'some other CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: caExtensions,
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { ca: ca.cert, wrongCa: wrongCa.cert, cert: leaf.cert, key: leaf.private };
}

beforeAll(async () => {
  const pems = await makeCertificates();
  caPem = pems.ca;
  writeFileSync(caFile, pems.ca);
  writeFileSync(wrongCaFile, pems.wrongCa);
  server = await TestFrontendServer.start({ tls: { cert: pems.cert, key: pems.key } });
});

afterAll(() => {
  for (const channel of channels) channel.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function open(endpoint: string, options: ConstructorParameters<typeof FlameChannel>[1]): FlameChannel {
  const channel = new FlameChannel(endpoint, { backoff: fastBackoff, ...options });
  channels.push(channel);
  return channel;
}

describe('TLS over loopback', () => {
  it('connects to https://localhost verified against the CA file', async () => {
    expect(server.endpoint).toMatch(/^https:\/\/localhost:\d+$/);
    const channel = open(server.endpoint, { caFile });
    const task = await firstValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { deadlineMs: 5000 }));
    expect(task.metadata?.id).toBe('1');
    expect(await firstValueFrom(channel.state$)).toEqual({ kind: 'ready' });
  });

  it('accepts the CA as PEM text instead of a file', async () => {
    const channel = open(server.endpoint, { ca: caPem });
    const task = await firstValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '2' }, { deadlineMs: 5000 }));
    expect(task.metadata?.id).toBe('2');
  });

  it('verifies the URL host: an IP in the certificate works for https://127.0.0.1', async () => {
    const channel = open(`https://127.0.0.1:${server.port}`, { caFile });
    const task = await firstValueFrom(unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '3' }, { deadlineMs: 5000 }));
    expect(task.metadata?.id).toBe('3');
  });

  it('fails with a CA that did not sign the server certificate, and never gets ready', async () => {
    const channel = open(server.endpoint, { caFile: wrongCaFile });
    const error = await errorOf(
      unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { waitForReady: false, deadlineMs: 5000 }),
    );
    expect(error).toBeInstanceOf(FlameUnavailableError);
    await stateOf(channel, 'reconnecting');
    expect((await firstValueFrom(channel.state$)).kind).not.toBe('ready');
  });

  it('fails against the system store (the test CA is not in it)', async () => {
    const channel = open(server.endpoint, {});
    const error = await errorOf(
      unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { waitForReady: false, deadlineMs: 5000 }),
    );
    expect(error).toBeInstanceOf(FlameUnavailableError);
  });

  it('http:// to a TLS port does not silently upgrade: the call fails', async () => {
    const channel = open(`http://127.0.0.1:${server.port}`, { caFile });
    const error = await errorOf(
      unaryCall(channel, 'getTask', { sessionId: 'ssn-1', taskId: '1' }, { waitForReady: false, deadlineMs: 2000 }),
    );
    expect(error).toBeInstanceOf(FlameUnavailableError);
  });
});
