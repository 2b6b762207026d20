import { Observable, Subject } from 'rxjs';
import { FileAssembler, sanitizeFileName } from '../../../model/pie/chunks.js';
import { PieError, PieProtocolError } from '../../../model/pie/errors.js';
import { type ProcessEvent, isTerminalEvent, processEventFromWire } from '../../../model/pie/events.js';
import { normalizeProcessId } from '../../../model/pie/process-id.js';
import type { PieFileFrame, PieProcessEventFrame } from '../../../transport/ws/messages.js';
import { BoundedIdSet } from './bounded-id-set.js';
import { OrphanBuffer } from './orphan-buffer.js';
import { ProcessRoute, type ProcessRouteOptions, type ReleasePolicy } from './process-route.js';

/**
 * Ended routes kept for an attach while their events wait for a first subscriber. Small on
 * purpose: each holds its queued events, which a dropped handle would otherwise free.
 */
const UNDRAINED_CAPACITY = 256;

/** Limits of a `ProcessEventRouter`. */
export interface ProcessEventRouterOptions {
  /** Events kept for ids nobody has claimed (workflow children, early arrivals). Default 1024. */
  readonly orphanCapacity?: number;
  /** Ended or released ids remembered so their late events are ignored. Default 4096. */
  readonly finishedCapacity?: number;
  /** Largest incoming file, in bytes. Default 256 MiB. */
  readonly maxFileBytes?: number;
  /** Called when a running process is released (see `ProcessRoute.release`). */
  readonly onReleased?: (route: ProcessRoute, policy: ReleasePolicy) => void;
}

/**
 * Sorts incoming `process_event` and `file` frames into per-process routes. Ids are
 * normalised first; the first terminal event of a process ends it and everything after is
 * ignored; files are reassembled and verified into `file` events; events for ids without a
 * route go to `unclaimed$` listeners (workflows) or, with none listening, into a bounded
 * orphan buffer that a later route for that id (or a later listener) drains. Frames it
 * cannot use are reported on `errors$` and dropped.
 *
 * @example
 * ```ts
 * const router = new ProcessEventRouter();
 * const route = router.open('67e55044-10b1-426f-9247-bb680e5fe0c8', { session: 1, releasePolicy: 'detach' });
 * router.dispatch({ type: 'process_event', process_id: route.id, event: 'stdout', value: 'hi' });
 * ```
 */
export class ProcessEventRouter {
  private readonly routes = new Map<string, ProcessRoute>();
  /** Ended routes whose events nobody has taken yet, so an attach can still be served (bounded). */
  private readonly undrained = new Map<string, ProcessRoute>();
  private readonly finished: BoundedIdSet;
  /**
   * The process id of the last routed frame as it arrived, and its canonical form. Events
   * come in runs of one process: reusing the canonical string skips the id's check and lets
   * the lookups below reuse its cached hash instead of hashing every frame's fresh copy.
   */
  private lastWireId: string | undefined = undefined;
  private lastId = '';
  private readonly orphans: OrphanBuffer<ProcessEvent>;
  private readonly files: FileAssembler;
  private readonly unclaimedSubject = new Subject<ProcessEvent>();
  private unclaimedListeners = 0;
  private readonly errorSubject = new Subject<PieError>();

  /** Frames that could not be used (unknown event name, bad id, broken file). */
  readonly errors$: Observable<PieError> = this.errorSubject.asObservable();

  constructor(private readonly options: ProcessEventRouterOptions = {}) {
    this.finished = new BoundedIdSet(options.finishedCapacity ?? 4096);
    this.orphans = new OrphanBuffer(options.orphanCapacity ?? 1024);
    this.files = new FileAssembler(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {});
  }

  /**
   * Events of processes that have no route, e.g. the children of a workflow: first the
   * orphan buffer's content, then live ones, for as long as the subscription lasts.
   */
  readonly unclaimed$: Observable<ProcessEvent> = new Observable<ProcessEvent>((subscriber) => {
    this.unclaimedListeners++;
    for (const event of this.orphans.takeAll()) subscriber.next(event);
    const inner = this.unclaimedSubject.subscribe(subscriber);
    return () => {
      this.unclaimedListeners--;
      inner.unsubscribe();
    };
  });

  /** The route of a process, created (and fed any orphaned events of that id) if absent. */
  open(processId: string, options: Omit<ProcessRouteOptions, 'onEnd' | 'onReleased'>): ProcessRoute {
    const id = normalizeProcessId(processId);
    const existing = this.routes.get(id);
    if (existing && !existing.ended) return existing;
    this.finished.delete(id);
    const route = new ProcessRoute(id, {
      ...options,
      onEnd: (ended) => this.release(ended),
      onReleased: (released, policy) => {
        this.release(released);
        this.options.onReleased?.(released, policy);
      },
    });
    this.routes.set(id, route);
    for (const event of this.orphans.take(id)) route.deliver(event);
    return route;
  }

  /** The live route of a process, if any. */
  get(processId: string): ProcessRoute | undefined {
    return this.routes.get(processId);
  }

  /**
   * The route this client can serve an attach from: a live one, or one whose process has
   * ended while its events are still queued for a first subscriber (the engine no longer
   * knows the process, but every event of it is here).
   */
  followed(processId: string): ProcessRoute | undefined {
    const live = this.routes.get(processId);
    if (live && !live.ended) return live;
    const ended = this.undrained.get(processId);
    if (ended && ended.queuedCount > 0) return ended;
    this.undrained.delete(processId);
    return undefined;
  }

  /** Every route that has not ended. */
  liveRoutes(): ProcessRoute[] {
    return [...this.routes.values()].filter((route) => !route.ended);
  }

  /** Ignore all further events of a process (it was released). */
  ignore(processId: string): void {
    this.finished.add(processId);
    this.orphans.take(processId);
    this.files.discard(processId);
  }

  /** How many orphaned events are held, and how many were dropped because the buffer was full. */
  get orphanStats(): { held: number; dropped: number } {
    return { held: this.orphans.size, dropped: this.orphans.dropped };
  }

  /** Fails every live route (the connection closed for good). */
  failAll(errorFor: (processId: string) => Error): void {
    for (const route of this.liveRoutes()) route.fail(errorFor(route.id));
  }

  /** Routes one server push frame. */
  dispatch(frame: PieProcessEventFrame | PieFileFrame): void {
    let id: string;
    if (frame.process_id === this.lastWireId) id = this.lastId;
    else {
      try {
        id = normalizeProcessId(frame.process_id);
      } catch (error) {
        this.report(new PieProtocolError(`${frame.type} frame with an invalid process id`, { cause: error }));
        return;
      }
      this.lastWireId = frame.process_id;
      this.lastId = id;
    }
    if (this.finished.has(id)) return;
    const event = frame.type === 'file' ? this.assemble(id, frame) : this.decode(id, frame);
    if (event) this.deliver(event);
  }

  private decode(id: string, frame: PieProcessEventFrame): ProcessEvent | undefined {
    try {
      return processEventFromWire(id, frame.event, frame.value);
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  private assemble(id: string, frame: PieFileFrame): ProcessEvent | undefined {
    try {
      const file = this.files.addChunk({
        processId: id,
        fileHash: frame.file_hash,
        chunkIndex: frame.chunk_index,
        totalChunks: frame.total_chunks,
        chunkData: frame.chunk_data,
        name: frame.name,
      });
      if (!file) return undefined;
      const event = { kind: 'file', processId: id, bytes: file.bytes, hash: frame.file_hash } as const;
      return file.name === undefined ? event : { ...event, name: sanitizeFileName(file.name) };
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  private deliver(event: ProcessEvent): void {
    const route = this.routes.get(event.processId);
    if (route) {
      route.deliver(event);
      return;
    }
    if (this.unclaimedListeners > 0) {
      if (isTerminalEvent(event)) this.ignore(event.processId);
      this.unclaimedSubject.next(event);
      return;
    }
    this.orphans.add(event.processId, event);
  }

  private release(route: ProcessRoute): void {
    if (this.routes.get(route.id) === route) this.routes.delete(route.id);
    if (route.ended && route.queuedCount > 0) {
      this.undrained.delete(route.id);
      this.undrained.set(route.id, route);
      for (const id of this.undrained.keys()) {
        if (this.undrained.size <= UNDRAINED_CAPACITY) break;
        this.undrained.delete(id);
      }
    }
    this.ignore(route.id);
  }

  private report(error: unknown): void {
    this.errorSubject.next(
      error instanceof PieError ? error : new PieProtocolError('unusable process frame', { cause: error }),
    );
  }
}
