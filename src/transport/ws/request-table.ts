import { CorrelationIds } from './correlation.js';
import type { PieResponse } from './messages.js';

/** One request waiting for its response. */
export interface PendingRequest {
  /** The message type, for error texts. */
  readonly request: string;
  /** Heartbeat pings are told apart so the heartbeat can see whether real work is queued before it. */
  readonly heartbeat?: boolean;
  readonly onResponse: (response: PieResponse) => void;
  readonly onError: (error: Error) => void;
}

/**
 * The requests in flight on a connection, keyed by `corr_id`. A response settles and
 * removes its entry; a response for an id not in the table (never sent, timed out,
 * cancelled, or already answered — spec 5.3) is dropped.
 *
 * @example
 * ```ts
 * import { RequestTable } from 'flame-pie-rx/pie';
 * const table = new RequestTable();
 * const id = table.register({ request: 'ping', onResponse: (r) => console.log(r.result), onError: console.error });
 * table.settle({ type: 'response', corr_id: id, ok: true, result: 'Pong' }); // => true, logs 'Pong'
 * table.settle({ type: 'response', corr_id: id, ok: true, result: 'Pong' }); // => false (already answered)
 * ```
 */
export class RequestTable {
  private readonly pending = new Map<number, PendingRequest>();
  private readonly ids: CorrelationIds;

  constructor(ids: CorrelationIds = new CorrelationIds()) {
    this.ids = ids;
  }

  /** How many requests are waiting. */
  get size(): number {
    return this.pending.size;
  }

  /** Stores a request under a fresh id (never one still pending) and returns the id. */
  register(entry: PendingRequest): number {
    const id = this.ids.next((candidate) => this.pending.has(candidate));
    this.pending.set(id, entry);
    return id;
  }

  /** Whether `id` is waiting for its response. */
  has(id: number): boolean {
    return this.pending.has(id);
  }

  /** Delivers a response to its request; returns false (and does nothing) for an unknown id. */
  settle(response: PieResponse): boolean {
    const entry = this.pending.get(response.corr_id);
    if (!entry) return false;
    this.pending.delete(response.corr_id);
    entry.onResponse(response);
    return true;
  }

  /** Forgets a request (cancelled or timed out); a later response for it is dropped. */
  forget(id: number): void {
    this.pending.delete(id);
  }

  /** Whether any request other than heartbeat pings is waiting. */
  hasNonHeartbeatPending(): boolean {
    for (const entry of this.pending.values()) if (!entry.heartbeat) return true;
    return false;
  }

  /**
   * Whether a request the engine answers only after long work is waiting (`run_processes`
   * waits for its processes, `add_program` compiles): the engine reads nothing else on the
   * connection meanwhile (spec 2.3), so silence is expected then.
   *
   * @example
   * ```ts
   * table.hasBlockingPending(); // => false
   * ```
   */
  hasBlockingPending(): boolean {
    for (const entry of this.pending.values()) if (BLOCKING_REQUESTS.has(entry.request)) return true;
    return false;
  }

  /** Fails and removes every waiting request. */
  failAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.onError(error);
  }
}

/** Requests after which the engine answers nothing else until it has answered them. */
const BLOCKING_REQUESTS: ReadonlySet<string> = new Set(['run_processes', 'add_program']);
