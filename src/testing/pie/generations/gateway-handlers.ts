// Requests whose answers differ behind the gateway (pie-server 0.5.2, and the 0.6 vocabulary):
// launch by bare name, global process table, attach/terminate texts, uploads answered with the
// program id in 0.6. Each handler answers and says how the request's turn ends.
import { hashBlob } from '../../../model/pie/hash.js';
import type { ClientMessage } from '../client-messages.js';
import type { ConnectionActor } from '../connection-actor.js';
import type { Engine } from '../engine.js';
import type { LaunchExtras } from '../process.js';
import { parseUuid } from '../processes.js';
import { isValidProgramId } from '../programs.js';
import { invalidProgramIdentifier, PIE_TEXT } from '../strings.js';
import { gatewayModelStatus } from './gateway-status.js';
import { GATEWAY_TEXT, noProgramNamed, programHashMismatch, programNotInstalled, unknownQuerySubject } from './gateway-texts.js';
import type { GenerationProfile } from './profile.js';

type Msg<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/**
 * How a request's turn ends: `turn_done` right after the answer, never, or once a process
 * stream has ended.
 */
export type Turn = 'done' | 'silent' | { after: Promise<unknown> };

/** Gateway-wide settings the handlers read. */
export interface GatewaySettings {
  profile: GenerationProfile;
  /** The directory named in "is not installed (looked in …)". */
  inferletsDir: string;
}

/**
 * The program a launch names: `name@version` must be installed; a bare name resolves to its
 * highest installed version.
 *
 * @example
 * ```ts
 * gatewayLaunchTarget(engine, settings, 'compat-openai'); // => { id: 'compat-openai@0.1.0' }
 * ```
 */
export function gatewayLaunchTarget(engine: Engine, settings: GatewaySettings, inferlet: string): { id: string } | { error: string } {
  if (!inferlet.includes('@')) {
    const id = engine.programs.resolveName(inferlet);
    return id ? { id } : { error: noProgramNamed(inferlet) };
  }
  if (!isValidProgramId(inferlet)) return { error: invalidProgramIdentifier(inferlet) };
  if (!engine.programs.exists(inferlet)) return { error: programNotInstalled(inferlet, settings.inferletsDir) };
  return { id: inferlet };
}

function launchExtras(msg: Msg<'launch_process'>): LaunchExtras | { error: string } {
  const props = Object.fromEntries(
    Object.entries(msg.props ?? {}).filter(([name, value]) => !name.startsWith('cluster/') && value !== null),
  );
  const session = msg.session ?? undefined;
  // The limits below are the published crate's; their failure texts are the crate's words.
  if (session !== undefined && (Buffer.byteLength(session) < 1 || Buffer.byteLength(session) > 128)) {
    return { error: 'a session id must be 1 to 128 bytes' };
  }
  if (Object.keys(props).length > 64) return { error: `${Object.keys(props).length} props, limit 64` };
  for (const name of Object.keys(props)) {
    if (Buffer.byteLength(name) > 128) return { error: `prop name '${name}' must be 1 to 128 bytes` };
  }
  return { props, session, files: new Map(Object.entries(msg.files ?? {})) };
}

/**
 * `launch_process`: a failure ends silently; a launch's turn ends with its process.
 *
 * @example
 * ```ts
 * const turn = await gatewayLaunch(engine, settings, actor, msg); // { after: process.outcome }
 * ```
 */
export async function gatewayLaunch(engine: Engine, settings: GatewaySettings, actor: ConnectionActor, msg: Msg<'launch_process'>): Promise<Turn> {
  const target = gatewayLaunchTarget(engine, settings, msg.inferlet);
  if ('error' in target) {
    await actor.respond(msg.corr_id, false, target.error);
    return 'silent';
  }
  const launch = launchExtras(msg);
  if ('error' in launch) {
    await actor.respond(msg.corr_id, false, launch.error);
    return 'silent';
  }
  const process = engine.processes.spawn({ owner: actor.identity ?? '', program: target.id, input: msg.input, capture: msg.capture_outputs, launch });
  if (msg.capture_outputs) process.attach(actor);
  await actor.respond(msg.corr_id, true, msg.capture_outputs ? process.id : '');
  return { after: process.outcome };
}

/**
 * `attach_process`: ids match exactly; any identity may attach a process nobody holds.
 *
 * @example
 * ```ts
 * await gatewayAttach(engine, actor, { type: 'attach_process', corr_id: 1, process_id: id });
 * ```
 */
export async function gatewayAttach(engine: Engine, actor: ConnectionActor, msg: Msg<'attach_process'>): Promise<Turn> {
  if (!parseUuid(msg.process_id)) return actor.respond(msg.corr_id, false, PIE_TEXT.invalidProcessIdAttach).then(() => 'silent');
  const process = engine.processes.get(msg.process_id);
  if (!process) return actor.respond(msg.corr_id, false, PIE_TEXT.processNotFound).then(() => 'silent');
  if (process.isAttached()) return actor.respond(msg.corr_id, false, GATEWAY_TEXT.alreadyAttached).then(() => 'silent');
  const replay = process.attach(actor);
  await actor.respond(msg.corr_id, true, PIE_TEXT.processAttached);
  for (const frame of replay) await actor.send(frame);
  return { after: process.outcome };
}

/**
 * `terminate_process`: any identity; the `Signal` error event is queued before the answer (the
 * engine writes the two from separate tasks, in either order).
 *
 * @example
 * ```ts
 * await gatewayTerminate(engine, actor, { type: 'terminate_process', corr_id: 2, process_id: id }); // 'silent'
 * ```
 */
export async function gatewayTerminate(engine: Engine, actor: ConnectionActor, msg: Msg<'terminate_process'>): Promise<Turn> {
  if (!parseUuid(msg.process_id)) return actor.respond(msg.corr_id, false, PIE_TEXT.invalidProcessIdTerminate).then(() => 'done');
  const process = engine.processes.get(msg.process_id);
  if (!process) return actor.respond(msg.corr_id, false, PIE_TEXT.processNotFound).then(() => 'done');
  process.terminate(PIE_TEXT.signalError);
  actor.enqueue(async () => {
    await actor.respond(msg.corr_id, true, PIE_TEXT.processTerminated);
    await actor.sendText(GATEWAY_TEXT.turnDone);
  });
  return 'silent';
}

/**
 * `list_processes`: every live process of the gateway, each owned by `internal`.
 *
 * @example
 * ```ts
 * await gatewayList(engine, actor, { type: 'list_processes', corr_id: 3 }); // 'done'
 * ```
 */
export async function gatewayList(engine: Engine, actor: ConnectionActor, msg: Msg<'list_processes'>): Promise<Turn> {
  const now = Date.now();
  const list = engine.processes.all().map((p) => ({
    id: p.id,
    username: GATEWAY_TEXT.processOwner,
    program: p.program,
    input: p.input,
    elapsed_secs: Math.floor((now - p.createdAt) / 1000),
  }));
  await actor.respond(msg.corr_id, true, JSON.stringify(list));
  return 'done';
}

/**
 * `query`: `model_status`, or a refusal naming the known subjects.
 *
 * @example
 * ```ts
 * await gatewayQuery(engine, actor, { type: 'query', corr_id: 4, subject: 'bogus', record: '' });
 * ```
 */
export async function gatewayQuery(engine: Engine, actor: ConnectionActor, msg: Msg<'query'>): Promise<Turn> {
  if (msg.subject === 'model_status') await actor.respond(msg.corr_id, true, gatewayModelStatus(engine.models));
  else await actor.respond(msg.corr_id, false, unknownQuerySubject(msg.subject));
  return 'done';
}

/** `0.<16 bits>.<16 bits>` of a blake3 hex digest (the emulator's version for a 0.6 upload without one). */
function hashedVersion(hash: string): string {
  return `0.${parseInt(hash.slice(0, 4), 16)}.${parseInt(hash.slice(4, 8), 16)}`;
}

/**
 * `add_program`: one chunk; the final one checks the declared hash, then installs by manifest
 * (0.5, answered `Program installed successfully`) or by file name and version (0.6, answered
 * with the `name@version` to launch; the name is the file name without its extension).
 *
 * @example
 * ```ts
 * await gatewayAddProgram(engine, settings, actor, msg); // 'silent' until the last chunk
 * ```
 */
export async function gatewayAddProgram(engine: Engine, settings: GatewaySettings, actor: ConnectionActor, msg: Msg<'add_program'>): Promise<Turn> {
  const outcome = actor.uploads.accept(
    { hash: msg.program_hash, chunkIndex: msg.chunk_index, totalChunks: msg.total_chunks, data: msg.chunk_data },
    { manifest: msg.manifest, forceOverwrite: msg.force_overwrite },
  );
  if (outcome.kind === 'pending') return 'silent';
  const answer = async (ok: boolean, text: string): Promise<Turn> => actor.respond(msg.corr_id, ok, text).then(() => 'done');
  if (outcome.kind === 'failed') return answer(false, outcome.message);
  const uploaded = hashBlob(outcome.bytes);
  if (uploaded !== msg.program_hash) return answer(false, programHashMismatch(msg.program_hash, uploaded));
  if (engine.installDelayMs > 0) await engine.sleep(engine.installDelayMs);
  if (settings.profile.addProgram === 'manifest') {
    // Gateways also take script programs (Python): their compile step is not modelled.
    const installed = engine.programs.install(outcome.header.manifest, outcome.bytes, outcome.header.forceOverwrite, { compile: false });
    return installed.ok ? answer(true, PIE_TEXT.programInstalled) : answer(false, installed.error);
  }
  const base = (msg.file ?? '').split(/[\\/]/).pop() ?? '';
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const id = `${stem}@${msg.version ?? hashedVersion(uploaded)}`;
  if (!isValidProgramId(id)) return answer(false, invalidProgramIdentifier(id));
  engine.programs.installId(id, outcome.bytes, outcome.header.forceOverwrite);
  return answer(true, id);
}
