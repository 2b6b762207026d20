// Errors raised by the Pie emulator itself (configuration) and inside emulated inferlets.
import { ClientError } from '../../model/errors.js';

/**
 * The emulator was given options it cannot use (an unparsable or unsupported public key, an
 * invalid program id, a non-positive upload cap). Thrown by `PieEmulator.start` and
 * `registerInferlet`.
 *
 * @example
 * ```ts
 * import { PieEmulator, PieEmulatorConfigError } from 'flame-pie-rx/testing';
 * await PieEmulator.start({ maxUploadMb: 0 }).catch((e) => e instanceof PieEmulatorConfigError); // => true
 * ```
 */
export class PieEmulatorConfigError extends ClientError {}

/**
 * An MCP call made by an emulated inferlet failed: the client answered `ok=false` (its
 * JSON-RPC error object), or the server name was not registered by the attached connection
 * (code -1). `message` is the error object's message.
 *
 * @example
 * ```ts
 * emu.registerInferlet('tools@1.0.0', async (ctx) => {
 *   try { return await ctx.mcp('files', 'tools/list', {}); }
 *   catch (e) { return e instanceof InferletMcpError ? `code ${e.code}` : 'other'; }
 * });
 * ```
 */
export class InferletMcpError extends ClientError {
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}

/**
 * A call on an `InferletContext` whose process has already ended (terminated, cancelled or
 * the emulator closed), or a file wait replaced by a newer one.
 *
 * @example
 * ```ts
 * emu.registerInferlet('wait@1.0.0', async (ctx) => {
 *   try { return await ctx.nextSignal(); } catch (e) { return e instanceof InferletInterruptedError ? 'ended' : 'other'; }
 * });
 * ```
 */
export class InferletInterruptedError extends ClientError {}

/**
 * A host-level failure of an inferlet call that is not an MCP error object, such as an MCP
 * call from a process that has no attached connection
 * (`No client session for process <id>`).
 *
 * @example
 * ```ts
 * emu.registerInferlet('tools@1.0.0', async (ctx) => {
 *   try { return await ctx.mcp('files', 'tools/list', {}); }
 *   catch (e) { return e instanceof InferletHostError ? e.message : 'other'; }
 * });
 * ```
 */
export class InferletHostError extends ClientError {}
