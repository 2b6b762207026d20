// The cache server's key rules (flame.md 6.1, flame-0.7.md 3.8), answering INVALID_ARGUMENT.
import { status } from '@grpc/grpc-js';
import { RpcFailure } from '../errors.js';

function bad(key: string, problem: string): never {
  throw new RpcFailure(status.INVALID_ARGUMENT, `invalid key <${key}>: ${problem}`);
}

function checkParts(key: string, parts: string[], starSession: boolean): void {
  parts.forEach((part, index) => {
    if (starSession && index === 1 && part === '*') return;
    if (part === '') bad(key, 'empty component');
    if (part.includes('..') || part.includes('\\') || part.includes('/')) bad(key, 'component contains "..", "\\" or "/"');
    if (part === '*') bad(key, '"*" only as the session of a delete prefix');
  });
}

/** A full key `<app>/<session>/<object>`, or (prefixAllowed) `<app>/<session>`; returns its parts. */
export function serverKey(key: string, prefixAllowed: boolean): string[] {
  const parts = key.split('/');
  if (parts.length !== 3 && !(prefixAllowed && parts.length === 2)) {
    bad(key, prefixAllowed ? 'expected <app>/<session> or <app>/<session>/<object>' : 'expected <app>/<session>/<object>');
  }
  checkParts(key, parts, false);
  return parts;
}

/** A delete target: full key, prefix, or `<app>/*`. Returns a predicate over keys. */
export function deleteMatcher(target: string): (key: string) => boolean {
  const parts = target.split('/');
  if (parts.length !== 2 && parts.length !== 3) bad(target, 'expected <app>/*, <app>/<session> or <app>/<session>/<object>');
  checkParts(target, parts, parts.length === 2);
  if (parts.length === 3) return (key) => key === target;
  if (parts[1] === '*') return (key) => key.startsWith(`${parts[0]}/`);
  return (key) => key.startsWith(`${target}/`);
}
