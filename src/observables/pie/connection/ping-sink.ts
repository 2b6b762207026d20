import type { SchedulerLike, Subscriber } from 'rxjs';
import type { PieResponse } from '../../../transport/ws/messages.js';
import type { RequestSink } from '../../../transport/ws/single-frame-request.js';
import { responseError } from './responses.js';

/**
 * What `PieClient.ping` hands its request: turns the `ping` response into the round-trip
 * time in ms, measured from its creation (at subscription), and a refusal into
 * `PieRequestError`. One object per ping, in place of an inner Observable and its subscriber.
 *
 * @example
 * ```ts
 * new Observable<number>((subscriber) => connection.requestTo(new PingSink(subscriber, asyncScheduler), { type: 'ping' }));
 * ```
 */
export class PingSink implements RequestSink {
  private readonly start: number;

  constructor(
    private readonly subscriber: Subscriber<number>,
    private readonly scheduler: SchedulerLike,
  ) {
    this.start = scheduler.now();
  }

  get closed(): boolean {
    return this.subscriber.closed;
  }

  next(response: PieResponse): void {
    if (response.ok) this.subscriber.next(this.scheduler.now() - this.start);
    else this.subscriber.error(responseError('ping', response.result));
  }

  error(error: unknown): void {
    this.subscriber.error(error);
  }

  complete(): void {
    this.subscriber.complete();
  }
}
