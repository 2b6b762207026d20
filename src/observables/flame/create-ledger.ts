import type { FlameChannel } from '../../transport/grpc/channel.js';
import type { Task } from '../../model/flame/types.js';

/**
 * What one client knows about the tasks it created in one session, so that a CreateTask
 * whose outcome is unknown can be matched to the task the server may hold for it:
 *
 * - `maxKnownId`: the largest task id any reply or match showed. A task created by a
 *   request sent after that reply has a larger id (the server numbers tasks in order), so
 *   an attempt records it as its floor when it is sent.
 * - `claimed`: ids that belong to a known attempt; never matched twice. An attempt only
 *   matches ids above its floor, so ids at or below the lowest floor of the attempts still
 *   open (`openFloor`) can be forgotten: they are, each time the set has doubled, and all
 *   of them whenever no attempt is unresolved (every later floor is above them then).
 *   Without that a `runAll` that always has a create in flight would keep every id it
 *   ever created.
 */
export class SessionCreateLedger {
  maxKnownId: TaskNumber = '0';
  readonly claimed = new Set<string>();
  unresolved = 0;
  /** Reconciliations waiting for the next ListTask, oldest first. */
  waiting: ((tasks: readonly Task[] | Error) => void)[] = [];
  /** Whether a ListTask is running for this session. */
  listing = false;
  /** Floors of the attempts sent and not yet settled, with how many attempts hold each. */
  readonly #floors = new Map<TaskNumber, number>();
  /** `claimed` is pruned when it reaches this size. */
  #pruneAt = PRUNE_MIN;

  /** Records that `id` belongs to an attempt. */
  claim(id: string): void {
    this.claimed.add(id);
    const numeric = taskNumber(id);
    if (compareTaskNumbers(numeric, this.maxKnownId) > 0) this.maxKnownId = numeric;
    if (this.claimed.size >= this.#pruneAt) this.#prune();
  }

  /** An attempt is sent: its floor (the largest id known now), held until `closeFloor`. */
  openFloor(): TaskNumber {
    const floor = this.maxKnownId;
    this.#floors.set(floor, (this.#floors.get(floor) ?? 0) + 1);
    return floor;
  }

  /** The attempt that held `floor` no longer matches against it. */
  closeFloor(floor: TaskNumber): void {
    const holders = this.#floors.get(floor);
    if (holders === undefined) return;
    if (holders <= 1) this.#floors.delete(floor);
    else this.#floors.set(floor, holders - 1);
  }

  end(): void {
    this.unresolved -= 1;
    if (this.unresolved === 0) this.claimed.clear();
  }

  /** Forgets claimed ids at or below every open floor. */
  #prune(): void {
    let lowest: TaskNumber | undefined;
    for (const floor of this.#floors.keys()) if (lowest === undefined || compareTaskNumbers(floor, lowest) < 0) lowest = floor;
    if (lowest === undefined) this.claimed.clear();
    else for (const id of this.claimed) if (compareTaskNumbers(taskNumber(id), lowest) <= 0) this.claimed.delete(id);
    this.#pruneAt = Math.max(PRUNE_MIN, this.claimed.size * 2);
  }

  /**
   * The task of `snapshot` that an attempt sent after `floor` with `input` may have
   * created: same input, id above the floor, not claimed; the lowest such id. Claims it.
   */
  match(snapshot: readonly Task[], floor: TaskNumber, input: Uint8Array | undefined): Task | undefined {
    let best: Task | undefined;
    let bestId: TaskNumber = '0';
    for (const task of snapshot) {
      const id = taskNumber(task.id);
      if (compareTaskNumbers(id, floor) <= 0 || this.claimed.has(task.id) || !sameBytes(task.input, input)) continue;
      if (best === undefined || compareTaskNumbers(id, bestId) < 0) {
        best = task;
        bestId = id;
      }
    }
    if (best) this.claim(best.id);
    return best;
  }
}

/** Below this many claimed ids nothing is pruned. */
const PRUNE_MIN = 1024;

/** The ledgers of one channel, by session id (gone with the channel). */
const ledgers = new WeakMap<FlameChannel, Map<string, SessionCreateLedger>>();

/**
 * The ledger of `sessionId` on `channel`, made on first use.
 *
 * @example
 * ```ts
 * createLedger(client.channel, session.id).maxKnownId; // => '0'
 * ```
 */
export function createLedger(channel: FlameChannel, sessionId: string): SessionCreateLedger {
  let bySession = ledgers.get(channel);
  if (!bySession) ledgers.set(channel, (bySession = new Map()));
  let ledger = bySession.get(sessionId);
  if (!ledger) bySession.set(sessionId, (ledger = new SessionCreateLedger()));
  return ledger;
}

/**
 * A task id as the number the server gave it, in decimal without leading zeros (`'0'` for
 * an id that is not a decimal number). Kept as a string: ids are compared on every claim,
 * and strings of digits compare exactly at any size with no BigInt parse per id.
 */
export type TaskNumber = string;

/** `id` as a `TaskNumber`. */
export function taskNumber(id: string): TaskNumber {
  const length = id.length;
  if (length === 0) return '0';
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i);
    if (code < 48 || code > 57) return '0';
  }
  if (id.charCodeAt(0) !== 48 || length === 1) return id;
  let start = 1;
  while (start < length - 1 && id.charCodeAt(start) === 48) start++;
  return id.slice(start);
}

/** Negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareTaskNumbers(a: TaskNumber, b: TaskNumber): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Flame does not tell an empty payload from none. */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  const x = a ?? EMPTY;
  const y = b ?? EMPTY;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const EMPTY = new Uint8Array(0);
