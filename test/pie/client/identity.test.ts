// The identity header per platform: sent on Node, a clear error in a browser unless an edge
// proxy injects it (or a custom factory takes the headers).
import { describe, expect, it } from 'vitest';
import { identityHeaders } from '../../../src/observables/pie/connection/identity.js';
import { PieError } from '../../../src/model/pie/errors.js';

describe('identityHeaders', () => {
  it('Node: the x-pie-identity header; no identity, no header', () => {
    expect(identityHeaders({ identity: 'default/alice' }, true)).toEqual({ 'x-pie-identity': 'default/alice' });
    expect(identityHeaders({}, true)).toBeUndefined();
  });

  it('browser: an error naming the way out, unless a proxy injects it or a factory takes headers', () => {
    expect(() => identityHeaders({ identity: 'default/alice' }, false)).toThrow(PieError);
    expect(() => identityHeaders({ identity: 'default/alice' }, false)).toThrow(
      'a browser WebSocket cannot send the x-pie-identity header: let an edge proxy inject it and pass identityInjectedByProxy: true (without identity), or connect from Node',
    );
    expect(identityHeaders({ identity: 'default/alice', identityInjectedByProxy: true }, false)).toBeUndefined();
    expect(identityHeaders({ identityInjectedByProxy: true }, false)).toBeUndefined();
    expect(identityHeaders({ identity: 'default/alice', webSocketFactory: () => undefined }, false)).toEqual({ 'x-pie-identity': 'default/alice' });
  });

  it.each([[''], ['  '], ['a\r\nx-evil: 1'], ['a\0b']])('refuses the identity %j', (identity) => {
    expect(() => identityHeaders({ identity }, true)).toThrow('identity must be a non-empty string without line breaks or NUL');
  });
});
