// A scripted stand-in for PieConnection used by the marble tests of the client's pure
// decision logic (reattach, upload retry, auth). Integration tests use the real transport
// against PieEmulator instead.
import { BehaviorSubject, EMPTY, Observable, Subject, defer, of } from 'rxjs';
import type { ConnectionState } from '../../../src/transport/connection-state.js';
import type { PieProtocolError } from '../../../src/model/pie/errors.js';
import type {
  AddProgramMessage,
  PieFireAndForgetMessage,
  PiePushFrame,
  PieRequestMessage,
  PieResponse,
} from '../../../src/transport/ws/messages.js';
import type { PieConnectionLike } from '../../../src/observables/pie/connection/connection-like.js';

export type Responder = (message: PieRequestMessage, index: number) => Observable<PieResponse>;

/** `{ type: 'response', corr_id: 0, ok, result }`. */
export function reply(ok: boolean, result: string): PieResponse {
  return { type: 'response', corr_id: 0, ok, result };
}

export class ScriptedConnection implements PieConnectionLike {
  readonly requests: PieRequestMessage[] = [];
  readonly sent: PieFireAndForgetMessage[] = [];
  readonly state = new BehaviorSubject<ConnectionState>({ kind: 'ready' });
  readonly ready = new Subject<number>();
  readonly pushes = new Subject<PiePushFrame>();
  readonly state$ = this.state.asObservable();
  readonly ready$ = this.ready.asObservable();
  readonly pushes$ = this.pushes.asObservable();
  readonly errors$: Observable<PieProtocolError> = EMPTY;
  pauses = 0;
  resumes = 0;

  constructor(private readonly responder: Responder) {}

  request(message: PieRequestMessage): Observable<PieResponse> {
    return defer(() => {
      this.requests.push(message);
      return this.responder(message, this.requests.length - 1);
    });
  }

  requestFrames(
    frames: readonly AddProgramMessage[],
    options: { onFrameSent?: (index: number) => void } = {},
  ): Observable<PieResponse> {
    return defer(() => {
      frames.forEach((frame, index) => {
        this.requests.push(frame);
        options.onFrameSent?.(index);
      });
      return this.responder(frames[0]!, this.requests.length - 1);
    });
  }

  send(message: PieFireAndForgetMessage): Observable<void> {
    return defer(() => {
      this.sent.push(message);
      return of(undefined);
    });
  }

  pause(): void {
    this.pauses++;
  }

  resume(): void {
    this.resumes++;
  }

  close(): void {
    this.state.next({ kind: 'closed' });
  }
}
