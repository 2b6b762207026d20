// The create ledger forgets claimed ids that no open attempt can match any more, so that a
// pipeline that always has a CreateTask in flight does not keep every id it created.
import { describe, expect, it } from 'vitest';
import { SessionCreateLedger, compareTaskNumbers, taskNumber } from '../../../src/observables/flame/create-ledger.js';
import type { Task } from '../../../src/model/flame/types.js';

const input = new Uint8Array([7]);
const task = (id: number): Task => ({ id: String(id), sessionId: 's', state: 'Pending', input, events: [] }) as unknown as Task;

describe('SessionCreateLedger', () => {
  it('keeps the ids an open attempt could still match, and forgets those at or below every open floor', () => {
    const ledger = new SessionCreateLedger();
    ledger.unresolved = 1; // one attempt always in flight, as inside runAll
    const first = ledger.openFloor(); // 0: sent before any reply
    for (let id = 1; id <= 3000; id++) ledger.claim(String(id));
    // Every id is above the open floor 0: all are kept.
    expect(ledger.claimed.size).toBe(3000);

    // That attempt settles; the one in flight now was sent after id 3000 was known.
    const second = ledger.openFloor();
    expect(second).toBe('3000');
    ledger.closeFloor(first);
    for (let id = 3001; id <= 6000; id++) ledger.claim(String(id));
    // Pruned on the way: nothing at or below 3000 is left, everything above still is.
    expect([...ledger.claimed].some((id) => Number(id) <= 3000)).toBe(false);
    for (let id = 3001; id <= 6000; id++) expect(ledger.claimed.has(String(id))).toBe(true);

    // A claimed id is never matched again; an unclaimed one above the floor is.
    expect(ledger.match([task(5000)], second, input)).toBeUndefined();
    expect(ledger.match([task(6001)], second, input)?.id).toBe('6001');
  });

  it('forgets every claimed id once no attempt is unresolved', () => {
    const ledger = new SessionCreateLedger();
    ledger.unresolved = 1;
    const floor = ledger.openFloor();
    ledger.claim('1');
    ledger.closeFloor(floor);
    ledger.end();
    expect(ledger.claimed.size).toBe(0);
    expect(ledger.maxKnownId).toBe('1');
  });

  it('orders task ids as the numbers they are, at any size, without leading zeros, and reads other ids as 0', () => {
    expect(taskNumber('42')).toBe('42');
    expect(taskNumber('0042')).toBe('42');
    expect(taskNumber('000')).toBe('0');
    expect(taskNumber('')).toBe('0');
    expect(taskNumber('ssn-1')).toBe('0');
    expect(taskNumber('12a')).toBe('0');
    const ordered = ['0', '7', '9', '10', '99', '100', '9007199254740993', '18446744073709551616'];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareTaskNumbers(ordered[i]!, ordered[j]!))).toBe(Math.sign(i - j));
        // The same order as the numbers' own.
        expect(Math.sign(compareTaskNumbers(ordered[i]!, ordered[j]!))).toBe(Math.sign(Number(BigInt(ordered[i]!) - BigInt(ordered[j]!))));
      }
    }
    // Beyond 2^53 ids still differ by one.
    const ledger = new SessionCreateLedger();
    ledger.claim('9007199254740993');
    ledger.claim('9007199254740992');
    expect(ledger.maxKnownId).toBe('9007199254740993');
  });
});
