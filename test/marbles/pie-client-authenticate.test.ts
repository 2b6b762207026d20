import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { lastValueFrom, of } from 'rxjs';
import { AUTH_DISABLED_RESULT, authenticate } from '../../src/observables/pie/connection/authenticate.js';
import { encodeBase64 } from '../../src/observables/pie/connection/base64.js';
import { PieAuthError, PieUnsupportedError } from '../../src/model/pie/errors.js';
import type { PieAuthChannel } from '../../src/transport/ws/connection-options.js';
import type { PieRequestMessage, PieResponse } from '../../src/transport/ws/messages.js';
import type { PieSigner } from '../../src/model/pie/keys.js';
import { reply } from '../pie/client/scripted-connection.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function channel(answer: (m: PieRequestMessage) => import('rxjs').Observable<PieResponse>, log: PieRequestMessage[]): PieAuthChannel {
  return {
    request: (message) => {
      log.push(message);
      return answer(message);
    },
  };
}

describe('authenticate (marbles)', () => {
  it('with auth disabled: auth_identify, the exact result, done', () => {
    const log: PieRequestMessage[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const auth = channel(() => cold('--r|', { r: reply(true, AUTH_DISABLED_RESULT) }), log);
      expectObservable(authenticate({ kind: 'username', username: 'u' })(auth)).toBe('--v|', { v: undefined });
    });
    expect(log).toEqual([{ type: 'auth_identify', username: 'u' }]);
  });

  it('a token: auth_by_token; "Invalid token" is a PieAuthError that never contains the token', () => {
    const token = 'secret-token-value-123';
    scheduler().run(({ cold, expectObservable }) => {
      const log: PieRequestMessage[] = [];
      // A 0.4 engine drops the probing ping (sent before authentication) and answers the token.
      const engine = (r: PieResponse) => (m: PieRequestMessage) => (m.type === 'ping' ? cold<PieResponse>('-') : cold('-r|', { r }));
      const ok = channel(engine(reply(true, 'Authenticated')), log);
      expectObservable(authenticate({ kind: 'token', token })(ok)).toBe('-v|', { v: undefined });
      const refused = channel((m) => (m.type === 'ping' ? cold<PieResponse>('-') : cold('---r|', { r: reply(false, `Invalid token ${token}`) })), []);
      expectObservable(authenticate({ kind: 'token', token })(refused)).toBe(
        '---#',
        {},
        new PieAuthError(`Invalid token ${token}`, { secrets: [token] }),
      );
    });
    const error = new PieAuthError(`Invalid token ${token}`, { secrets: [token] });
    expect(error.message).not.toContain(token);
  });

  it('a token at a gateway: the ping is answered first, so PieUnsupportedError at that frame (the token reply is not awaited)', () => {
    const kinds: string[] = [];
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const log: PieRequestMessage[] = [];
      const never = cold<PieResponse>('-');
      const gateway = channel((m) => (m.type === 'ping' ? cold('--p|', { p: reply(true, 'Pong') }) : never), log);
      expectObservable(authenticate({ kind: 'token', token: 't0k3n' }, (kind) => kinds.push(kind))(gateway)).toBe(
        '--#',
        {},
        new PieUnsupportedError({
          operation: 'token authentication',
          generation: 'gateway',
          hint: 'a gateway takes the identity from x-pie-identity: pass the identity option instead of a token',
        }),
      );
      expectSubscriptions(never.subscriptions).toBe('^-!');
    });
    expect(kinds).toEqual(['gateway']);
  });

  it('auth_identify: "Already authenticated" on a fresh connection is a gateway, anything else a 0.4 engine', () => {
    const kinds: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const gateway = channel(() => cold('-r|', { r: reply(true, 'Already authenticated') }), []);
      expectObservable(authenticate({ kind: 'username', username: 'u' }, (kind) => kinds.push(kind))(gateway)).toBe('-v|', { v: undefined });
      const engine = channel(() => cold('-r|', { r: reply(true, AUTH_DISABLED_RESULT) }), []);
      expectObservable(authenticate({ kind: 'username', username: 'u' }, (kind) => kinds.push(kind))(engine)).toBe('-v|', { v: undefined });
    });
    expect(kinds).toEqual(['gateway', 'engine']);
  });

  it('refused user and a key-less user on an auth-enabled engine are PieAuthErrors', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const refused = channel(() => cold('-r|', { r: reply(false, "User 'm' is not authorized") }), []);
      expectObservable(authenticate({ kind: 'username', username: 'm' })(refused)).toBe(
        '-#',
        {},
        // The engine echoes the username; the error shows only its length.
        new PieAuthError("User '<username, 1 chars>' is not authorized", { secrets: [] }),
      );
    });
  });
});

describe('authenticate: challenge and proof', () => {
  it('signs the decoded 48 challenge bytes and proves with standard base64 with padding', async () => {
    const challenge = new Uint8Array(48).map((_, i) => 250 - i);
    const signed: Uint8Array[] = [];
    const signer: PieSigner = {
      algorithm: 'ed25519',
      publicKey: 'ssh-ed25519 AAAA',
      sign: async (bytes) => {
        signed.push(bytes);
        return new Uint8Array([0xfb, 0xff, 0x01]);
      },
    };
    const log: PieRequestMessage[] = [];
    const auth = channel(
      (m) => of(m.type === 'auth_identify' ? reply(true, encodeBase64(challenge)) : reply(true, 'Authenticated')),
      log,
    );
    await lastValueFrom(authenticate({ kind: 'key', username: 'alice', signer })(auth), { defaultValue: undefined });
    expect(signed).toEqual([challenge]);
    expect(log).toEqual([
      { type: 'auth_identify', username: 'alice' },
      { type: 'auth_prove', signature: '+/8B' },
    ]);
    const badChallenge = channel(() => of(reply(true, 'short')), []);
    await expect(lastValueFrom(authenticate({ kind: 'key', username: 'alice', signer })(badChallenge))).rejects.toBeInstanceOf(
      PieAuthError,
    );
  });
});
