// Program requests: `check_program`, `add_program` (protocol reference 2.4.3, 5).
import type { ConnectionActor } from './connection-actor.js';
import type { Engine } from './engine.js';
import type { ClientMessage } from './client-messages.js';
import { isValidProgramId } from './programs.js';
import { invalidProgramIdentifier, manifestNotFound, PIE_TEXT, registryUnreachable } from './strings.js';

type Msg<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;

/**
 * The error text for launching `id`, or undefined when it can be launched: an invalid
 * identifier, a stored program that did not compile (`Failed to compile WASM: …`, every
 * launch), or an unknown program, which the engine tries to fetch from its registry at
 * `<registryUrl>/api/v1/inferlets/<name>/<version>/manifest`: the emulator answers like a
 * registry 404, or with `registryReachable: false` like a registry nobody listens on.
 *
 * @example
 * ```ts
 * launchError(engine, 'nope@1.0.0'); // => 'Failed to download manifest: https://registry.pie-project.org/api/v1/inferlets/nope/1.0.0/manifest returned 404 Not Found'
 * ```
 */
export function launchError(engine: Engine, id: string): string | undefined {
  if (!isValidProgramId(id)) return invalidProgramIdentifier(id);
  if (engine.programs.exists(id)) return engine.programs.compileError(id);
  const at = id.lastIndexOf('@');
  const url = `${engine.registryUrl}/api/v1/inferlets/${id.slice(0, at)}/${id.slice(at + 1)}/manifest`;
  return engine.registryReachable === false ? registryUnreachable(url) : manifestNotFound(url);
}

/**
 * `check_program`: validates `name@version`, then `true`/`false` from the local store
 * (hashes ignored).
 *
 * @example
 * ```ts
 * await handleCheckProgram(engine, actor, msg);
 * ```
 */
export async function handleCheckProgram(engine: Engine, actor: ConnectionActor, msg: Msg<'check_program'>): Promise<void> {
  const id = `${msg.name}@${msg.version}`;
  if (!isValidProgramId(id)) return actor.respond(msg.corr_id, false, invalidProgramIdentifier(id));
  return actor.respond(msg.corr_id, true, engine.programs.exists(id) ? 'true' : 'false');
}

/**
 * `add_program`: one chunk of an upload. Intermediate chunks are unanswered; a failing chunk
 * is answered with that chunk's `corr_id`; the final chunk installs the program (bytes that
 * are not a component are answered with the compile failure, and stay registered).
 *
 * @example
 * ```ts
 * await handleAddProgram(engine, actor, msg);
 * ```
 */
export async function handleAddProgram(engine: Engine, actor: ConnectionActor, msg: Msg<'add_program'>): Promise<void> {
  const outcome = actor.uploads.accept(
    { hash: msg.program_hash, chunkIndex: msg.chunk_index, totalChunks: msg.total_chunks, data: msg.chunk_data },
    { manifest: msg.manifest, forceOverwrite: msg.force_overwrite },
  );
  if (outcome.kind === 'pending') return;
  if (outcome.kind === 'failed') return actor.respond(msg.corr_id, false, outcome.message);
  if (engine.installDelayMs > 0) await engine.sleep(engine.installDelayMs);
  const installed = engine.programs.install(outcome.header.manifest, outcome.bytes, outcome.header.forceOverwrite);
  if (!installed.ok) return actor.respond(msg.corr_id, false, installed.error);
  return actor.respond(msg.corr_id, true, PIE_TEXT.programInstalled);
}
