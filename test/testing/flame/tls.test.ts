import { rawFrontendClient } from './helpers.js';
// TLS: with a PEM certificate and key the emulator serves TLS only, at https://localhost:PORT.
import * as grpc from '@grpc/grpc-js';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { FlameEmulator } from '../../../src/testing/flame/index.js';
import { call, callError } from './helpers.js';

describe('TLS', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('serves TLS with the given certificate and refuses plaintext', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    const emu = await FlameEmulator.start({ tls: { cert: pems.cert, key: pems.private } });
    cleanups.push(() => emu.close());
    expect(emu.endpoint).toBe(`https://localhost:${emu.port}`);

    const secure = rawFrontendClient(`localhost:${emu.port}`, grpc.credentials.createSsl(Buffer.from(pems.cert)));
    cleanups.push(() => secure.close());
    const apps = await call(secure, 'listApplication', {});
    expect(apps.applications.length).toBe(3);

    const plain = rawFrontendClient(`127.0.0.1:${emu.port}`, grpc.credentials.createInsecure());
    cleanups.push(() => plain.close());
    expect((await callError(plain, 'listApplication', {})).code).toBe(grpc.status.UNAVAILABLE);
  });
});
