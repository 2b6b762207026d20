import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/model/errors.js';

describe('redactSecrets', () => {
  it('replaces secrets with [redacted] and credential echoes with their label and length', () => {
    const text = "User 'tok-123456' is not authorized (token abc123, identity default/alice)";
    expect(redactSecrets(text, ['abc123', { label: 'username', value: 'tok-123456' }, { label: 'identity', value: 'default/alice' }])).toBe(
      "User '<username, 10 chars>' is not authorized (token [redacted], identity <identity, 13 chars>)",
    );
  });

  it('replaces a short echo only between quotes, so words that contain it stay whole', () => {
    expect(redactSecrets("User 'ed' is not authorized", [{ label: 'username', value: 'ed' }])).toBe(
      "User '<username, 2 chars>' is not authorized",
    );
    expect(redactSecrets('ed is short', ['ed'])).toBe('ed is short');
  });

  it('replaces the longest first, so a secret that contains another goes whole', () => {
    expect(redactSecrets('key abcd-efgh', ['abcd', { label: 'username', value: 'abcd-efgh' }])).toBe('key <username, 9 chars>');
  });
});
