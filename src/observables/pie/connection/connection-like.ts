import type { Observable } from 'rxjs';
import type { ConnectionState } from '../../../transport/connection-state.js';
import type { PieProtocolError } from '../../../model/pie/errors.js';
import type {
  AddProgramMessage,
  PieFireAndForgetMessage,
  PiePushFrame,
  PieRequestMessage,
  PieResponse,
} from '../../../transport/ws/messages.js';

/**
 * The members of `PieConnection` the Pie client uses. Written structurally so the client's
 * pieces can be exercised against any connection with this shape.
 *
 * @example
 * ```ts
 * const connection: PieConnectionLike = PieConnection.open({ url, authenticate });
 * ```
 */
export interface PieConnectionLike {
  readonly state$: Observable<ConnectionState>;
  readonly ready$: Observable<number>;
  readonly pushes$: Observable<PiePushFrame>;
  readonly errors$: Observable<PieProtocolError>;
  request(message: PieRequestMessage, options?: { timeoutMs?: number }): Observable<PieResponse>;
  requestFrames(
    frames: readonly AddProgramMessage[],
    options?: { timeoutMs?: number; onFrameSent?: (index: number) => void },
  ): Observable<PieResponse>;
  send(message: PieFireAndForgetMessage): Observable<void>;
  pause(): void;
  resume(): void;
  close(): void;
}
