// One sequential actor per connection (protocol reference 2.3): requests and outbound work
// (process events, files, MCP relay requests) run strictly one at a time in arrival order,
// so responses keep request order and precede the events they cause.
import type { WebSocket } from 'ws';
import type { InferletHostError, InferletMcpError } from './errors.js';
import { encodeServerFrame, responseFrame, type ServerFrame } from './server-frames.js';
import { UploadTable } from './uploads.js';

/** An MCP server registered by a connection (stored without validation; duplicates kept). */
export interface RegisteredMcpServer {
  name: string;
  transport: string;
  command?: string;
  args?: string[];
  url?: string;
}

/** A pending MCP relay waiting for the client's `mcp_response`. */
export interface PendingMcpRelay {
  processId: string;
  resolve(result: string): void;
  reject(error: InferletMcpError | InferletHostError): void;
}

/** Emulator-wide knobs the actor reads at send time. */
export interface ActorEnvironment {
  replyDelayMs(): number;
  maxUploadMb: number;
  sleep(ms: number): Promise<void>;
}

/**
 * The state and work queue of one WebSocket connection.
 *
 * @example
 * ```ts
 * const actor = new ConnectionActor(1, socket, env);
 * actor.enqueue(() => actor.respond(1, true, 'Pong'));
 * ```
 */
export class ConnectionActor {
  username: string | undefined;
  /** Gateway generations: the `x-pie-identity` the upgrade carried. */
  identity: string | undefined;
  /** Gateway generations: a first frame has decoded (the gateway reports bad frames only after that). */
  gatewaySession = false;
  challenge: Uint8Array | undefined;
  /** The username a pending challenge was issued for. */
  pendingUsername: string | undefined;
  closed = false;
  readonly attachedProcesses = new Set<string>();
  readonly attachedWorkflows = new Set<string>();
  readonly uploads: UploadTable;
  readonly mcpServers: RegisteredMcpServer[] = [];
  readonly pendingMcp = new Map<number, PendingMcpRelay>();
  private mcpCounter = 0;
  private readonly queue: (() => Promise<void> | void)[] = [];
  private running = false;
  private stalledUntil = 0;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    private readonly env: ActorEnvironment,
  ) {
    this.uploads = new UploadTable(env.maxUploadMb);
  }

  /** Next id of this connection's MCP relay counter (starts at 1). */
  nextMcpCorrId(): number {
    this.mcpCounter = this.mcpCounter >= 0xffff_ffff ? 1 : this.mcpCounter + 1;
    return this.mcpCounter;
  }

  /** Queues work behind everything already queued on this connection. */
  enqueue(task: () => Promise<void> | void): void {
    this.queue.push(task);
    if (!this.running) void this.drain();
  }

  /** Queues one outbound frame. */
  enqueueFrame(frame: ServerFrame): void {
    this.enqueue(Object.assign(() => this.send(frame), { frame }));
  }

  /**
   * A frame this connection could not write (its socket closed or closing) is handed
   * here, so a process in `designed` mode can buffer it again instead of losing it.
   */
  undeliverable: ((frame: ServerFrame) => void) | undefined = undefined;

  /** Whether frames written now can reach the peer: not closed, socket OPEN. */
  get writable(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  /** Removes and returns the queued, not yet written event frames of one process, in order. */
  takeQueuedFrames(processId: string): ServerFrame[] {
    const taken: ServerFrame[] = [];
    for (let i = 0; i < this.queue.length; ) {
      const frame = (this.queue[i] as { frame?: ServerFrame }).frame;
      if (frame?.type === 'process_event' && frame.process_id === processId) {
        taken.push(frame);
        this.queue.splice(i, 1);
      } else {
        i += 1;
      }
    }
    return taken;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const task = this.queue.shift()!;
        await this.waitWhileStalled();
        try {
          await task();
        } catch {
          // A failing handler must never stop the connection; the engine logs and goes on.
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async waitWhileStalled(): Promise<void> {
    while (!this.closed && Date.now() < this.stalledUntil) {
      await this.env.sleep(this.stalledUntil - Date.now());
    }
  }

  /** Writes a frame now (after any stall); a frame for a closed socket goes to `undeliverable`. */
  async send(frame: ServerFrame): Promise<void> {
    await this.waitWhileStalled();
    if (!this.writable) {
      this.undeliverable?.(frame);
      return;
    }
    this.socket.send(encodeServerFrame(frame), { binary: true });
  }

  /** Writes a text frame now (after any stall), as the gateway does for `turn_done` and decode errors. */
  async sendText(text: string): Promise<void> {
    await this.waitWhileStalled();
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(text, { binary: false });
  }

  /** Writes a `response`, after the emulator-wide reply delay if one is set. */
  async respond(corrId: number, ok: boolean, result: string): Promise<void> {
    const delay = this.env.replyDelayMs();
    if (delay > 0) await this.env.sleep(delay);
    await this.send(responseFrame(corrId, ok, result));
  }

  /** Stops reading (no pongs, no requests) and writing for `ms` milliseconds. */
  stall(ms: number): void {
    if (this.closed) return;
    this.stalledUntil = Math.max(this.stalledUntil, Date.now() + ms);
    this.socket.pause();
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (!this.closed) this.socket.resume();
    }, this.stalledUntil - Date.now());
  }

  /** Marks the connection dead (socket closed); queued work still runs, its output is lost. */
  markClosed(): void {
    this.closed = true;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}
