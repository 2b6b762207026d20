import { PieError } from '../../../model/pie/errors.js';
import type { LaunchProcessMessage } from '../../../transport/ws/messages.js';
import type { PieClientContext } from '../connection/client-context.js';
import { requireCapability } from '../generations/capabilities.js';
import { tokenBudget } from './process-input.js';

/** The generation-specific launch options (each fails at once where it does not exist). */
export interface GenerationLaunchOptions {
  /** 0.4 only: a hard cap on the tokens the process may process (spec 4.2). */
  readonly tokenBudget?: number;
  /**
   * 0.6 only: what the client says about its work, for the scheduler (a JSON object, e.g.
   * `{ 'max-tokens': 64, priority: 'high' }`; `max-tokens` is a hint, not a cap). Sent as
   * JSON text; the engine drops `cluster/…` names and nulls, and allows 64 props.
   */
  readonly props?: Readonly<Record<string, unknown>>;
  /** 0.6 only: a session id (1 to 128 bytes), e.g. a conversation key. */
  readonly session?: string;
  /** 0.6 only: named blobs attached at launch; the inferlet reads them by name. */
  readonly files?: Readonly<Record<string, Uint8Array>>;
}

const encoder = new TextEncoder();

/**
 * The generation-specific fields of a `launch_process`, checked: an option the connected
 * generation lacks throws `PieUnsupportedError`, a malformed one `PieError`.
 *
 * @example
 * ```ts
 * launchFields(context, { props: { 'max-tokens': 64 } }); // => { props: '{"max-tokens":64}' } on 0.6
 * ```
 */
export function launchFields(
  context: PieClientContext,
  options: GenerationLaunchOptions,
): Pick<LaunchProcessMessage, 'token_budget' | 'props' | 'session' | 'files'> {
  const out: { -readonly [K in 'token_budget' | 'props' | 'session' | 'files']?: LaunchProcessMessage[K] } = {};
  const { generation } = context;
  if (options.tokenBudget !== undefined) {
    requireCapability(generation, 'tokenBudget', 'the launch option tokenBudget');
    const budget = tokenBudget(options.tokenBudget);
    if (budget !== undefined) out.token_budget = budget;
  }
  if (options.props !== undefined) {
    requireCapability(generation, 'props', 'the launch option props');
    const props = options.props as unknown;
    const text = typeof props === 'object' && props !== null && !Array.isArray(props) ? JSON.stringify(props) : undefined;
    if (text === undefined) throw new PieError('props must be a JSON object');
    out.props = text;
  }
  if (options.session !== undefined) {
    requireCapability(generation, 'session', 'the launch option session');
    const bytes = typeof options.session === 'string' ? encoder.encode(options.session).length : 0;
    if (bytes < 1 || bytes > 128) throw new PieError('session must be a string of 1 to 128 bytes');
    out.session = options.session;
  }
  if (options.files !== undefined) {
    requireCapability(generation, 'launchFiles', 'the launch option files');
    const files = options.files as unknown;
    if (typeof files !== 'object' || files === null || !Object.values(files).every((v) => v instanceof Uint8Array)) {
      throw new PieError('files must map names to Uint8Array contents');
    }
    out.files = options.files;
  }
  return out;
}
