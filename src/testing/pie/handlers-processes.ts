// Process requests (protocol reference 2.4.5–2.4.13, 4).
import { hashBlob } from '../../model/pie/hash.js';
import type { ClientMessage } from './client-messages.js';
import type { ConnectionActor } from './connection-actor.js';
import type { Engine } from './engine.js';
import { launchError } from './handlers-programs.js';
import { parseUuid } from './processes.js';
import { modelStatusJson } from './model-status.js';
import { PIE_TEXT, tokenBudgetsMismatch } from './strings.js';

type Msg<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/**
 * `launch_process`: creates one process; with capture it is attached to this connection
 * and the id is returned, without capture the result is `""`. `token_budget` is accepted and
 * not enforced.
 *
 * @example
 * ```ts
 * await handleLaunchProcess(engine, actor, msg);
 * ```
 */
export async function handleLaunchProcess(engine: Engine, actor: ConnectionActor, msg: Msg<'launch_process'>): Promise<void> {
  const error = launchError(engine, msg.inferlet);
  if (error) return actor.respond(msg.corr_id, false, error);
  const process = engine.processes.spawn({ owner: actor.username!, program: msg.inferlet, input: msg.input, capture: msg.capture_outputs });
  if (msg.capture_outputs) process.attach(actor);
  return actor.respond(msg.corr_id, true, msg.capture_outputs ? process.id : '');
}

/**
 * `launch_processes`: one process per input; ids returned as a JSON array even without
 * capture.
 *
 * @example
 * ```ts
 * await handleLaunchProcesses(engine, actor, msg);
 * ```
 */
export async function handleLaunchProcesses(engine: Engine, actor: ConnectionActor, msg: Msg<'launch_processes'>): Promise<void> {
  if (msg.token_budgets && msg.token_budgets.length !== msg.inputs.length) {
    return actor.respond(msg.corr_id, false, tokenBudgetsMismatch(msg.token_budgets.length, msg.inputs.length));
  }
  const error = launchError(engine, msg.inferlet);
  if (error) return actor.respond(msg.corr_id, false, error);
  const ids = msg.inputs.map((input) => {
    const process = engine.processes.spawn({ owner: actor.username!, program: msg.inferlet, input, capture: msg.capture_outputs });
    if (msg.capture_outputs) process.attach(actor);
    return process.id;
  });
  return actor.respond(msg.corr_id, true, JSON.stringify(ids));
}

/**
 * `run_processes`: starts unattached, uncaptured processes and blocks this connection until
 * each has finished; the JSON array of return strings, or the first failure in input order.
 *
 * @example
 * ```ts
 * await handleRunProcesses(engine, actor, msg);
 * ```
 */
export async function handleRunProcesses(engine: Engine, actor: ConnectionActor, msg: Msg<'run_processes'>): Promise<void> {
  if (msg.token_budgets && msg.token_budgets.length !== msg.inputs.length) {
    return actor.respond(msg.corr_id, false, tokenBudgetsMismatch(msg.token_budgets.length, msg.inputs.length));
  }
  const error = launchError(engine, msg.inferlet);
  if (error) return actor.respond(msg.corr_id, false, error);
  const processes = msg.inputs.map((input) =>
    engine.processes.spawn({ owner: actor.username!, program: msg.inferlet, input, capture: false }),
  );
  const results: string[] = [];
  for (const process of processes) {
    const outcome = await process.outcome;
    if (!outcome.ok) return actor.respond(msg.corr_id, false, outcome.value);
    results.push(outcome.value);
  }
  return actor.respond(msg.corr_id, true, JSON.stringify(results));
}

/**
 * `launch_daemon`: validated like a launch, answered `server launched`. The emulator opens
 * no port and runs nothing (daemons produce no events and are not listed).
 *
 * @example
 * ```ts
 * await handleLaunchDaemon(engine, actor, msg);
 * ```
 */
export async function handleLaunchDaemon(engine: Engine, actor: ConnectionActor, msg: Msg<'launch_daemon'>): Promise<void> {
  const error = launchError(engine, msg.inferlet);
  if (error) return actor.respond(msg.corr_id, false, error);
  return actor.respond(msg.corr_id, true, PIE_TEXT.serverLaunched);
}

/**
 * `attach_process`: the condition table of 2.4.9; on success the buffered events are
 * replayed right after the response.
 *
 * @example
 * ```ts
 * await handleAttachProcess(engine, actor, msg);
 * ```
 */
export async function handleAttachProcess(engine: Engine, actor: ConnectionActor, msg: Msg<'attach_process'>): Promise<void> {
  const id = parseUuid(msg.process_id);
  if (!id) return actor.respond(msg.corr_id, false, PIE_TEXT.invalidProcessIdAttach);
  const process = engine.processes.get(id);
  if (!process) return actor.respond(msg.corr_id, false, PIE_TEXT.processNotFound);
  if (process.owner !== actor.username) return actor.respond(msg.corr_id, false, PIE_TEXT.permissionDenied);
  if (process.isAttached()) return actor.respond(msg.corr_id, false, PIE_TEXT.processNotFound);
  const replay = process.attach(actor);
  await actor.respond(msg.corr_id, true, PIE_TEXT.processAttached);
  for (const frame of replay) await actor.send(frame);
}

/**
 * `terminate_process`: the condition table of 2.4.10; the `error: Signal` event follows the
 * response.
 *
 * @example
 * ```ts
 * await handleTerminateProcess(engine, actor, msg);
 * ```
 */
export async function handleTerminateProcess(engine: Engine, actor: ConnectionActor, msg: Msg<'terminate_process'>): Promise<void> {
  const id = parseUuid(msg.process_id);
  if (!id) return actor.respond(msg.corr_id, false, PIE_TEXT.invalidProcessIdTerminate);
  const process = engine.processes.get(id);
  if (!process) return actor.respond(msg.corr_id, false, PIE_TEXT.processNotFound);
  if (process.owner !== actor.username) return actor.respond(msg.corr_id, false, PIE_TEXT.permissionDenied);
  await actor.respond(msg.corr_id, true, PIE_TEXT.processTerminated);
  process.terminate(PIE_TEXT.signalError);
}

/**
 * `list_processes`: the JSON array of this user's live processes.
 *
 * @example
 * ```ts
 * await handleListProcesses(engine, actor, msg);
 * ```
 */
export async function handleListProcesses(engine: Engine, actor: ConnectionActor, msg: Msg<'list_processes'>): Promise<void> {
  return actor.respond(msg.corr_id, true, engine.processes.listJson(actor.username!));
}

/**
 * `signal_process` (never answered): queued for the process only if this connection has it
 * in its attached set.
 *
 * @example
 * ```ts
 * handleSignalProcess(engine, actor, msg);
 * ```
 */
export function handleSignalProcess(engine: Engine, actor: ConnectionActor, msg: Msg<'signal_process'>): void {
  const id = parseUuid(msg.process_id);
  if (!id || !actor.attachedProcesses.has(id)) return;
  const process = engine.processes.get(id);
  if (process && process.attached === actor) process.pushSignal(msg.message);
}

/**
 * `transfer_file` (never answered): reassembled per connection by hash; a verified file is
 * handed to the process only if its code is waiting for one. Every failure is silent.
 *
 * @example
 * ```ts
 * handleTransferFile(engine, actor, msg);
 * ```
 */
export function handleTransferFile(engine: Engine, actor: ConnectionActor, msg: Msg<'transfer_file'>): void {
  const id = parseUuid(msg.process_id);
  if (!id || !actor.attachedProcesses.has(id)) return;
  const outcome = actor.uploads.accept(
    { hash: msg.file_hash, chunkIndex: msg.chunk_index, totalChunks: msg.total_chunks, data: msg.chunk_data },
    { manifest: '', forceOverwrite: false },
  );
  if (outcome.kind !== 'complete') return;
  if (hashBlob(outcome.bytes) !== msg.file_hash) return;
  const process = engine.processes.get(id);
  if (process && process.attached === actor) process.deliverFile(outcome.bytes);
}

/**
 * `query`: `model_status` answers with the engine's 44 per-model metrics (`model-status.ts`); any other subject gets no reply.
 *
 * @example
 * ```ts
 * await handleQuery(engine, actor, msg);
 * ```
 */
export async function handleQuery(engine: Engine, actor: ConnectionActor, msg: Msg<'query'>): Promise<void> {
  if (msg.subject !== 'model_status') return;
  return actor.respond(msg.corr_id, true, modelStatusJson(engine.models));
}
