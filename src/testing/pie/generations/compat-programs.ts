// The gateway's built-in programs `compat-openai`, `compat-anthropic` and `compat-gemini`
// (0.1.0): one request body in as the launch input, one response object out as the `return`
// value, shaped as pie-server 0.5.2 shapes them (keys sorted, `created: 0`, ids from the
// process id, `usage` counting exactly the requested number of generated tokens). The text is
// made-up words, like the noise of the engine's random-weight test model.
import type { InferletContext, InferletHandler } from '../inferlet-context.js';

/** Version of the built-in programs. */
export const COMPAT_VERSION = '0.1.0';
/** Tokens generated when the body names no limit (the emulator's choice). */
export const COMPAT_DEFAULT_MAX_TOKENS = 16;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = Record<string, unknown>;

/** serde_json's text of a map-backed value: keys sorted at every level. */
function sortedJson(value: Json): string {
  return JSON.stringify(value, (_key, item: Json) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.keys(item).sort().map((k) => [k, item[k]!]))
      : item,
  );
}

class CompatError extends Error {
  constructor(body: Json) {
    super(sortedJson({ body, status: 400 }));
  }
}

function openAiError(message: string): CompatError {
  return new CompatError({ error: { code: null, message, param: null, type: 'invalid_request_error' } });
}

function parseBody(input: string, fail: (message: string) => CompatError): Body {
  let body: unknown;
  try {
    body = JSON.parse(input);
  } catch (error) {
    throw fail(`input is not JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('input is not a JSON object');
  return body as Body;
}

function limit(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : COMPAT_DEFAULT_MAX_TOKENS;
}

function words(text: unknown): number {
  const flat = typeof text === 'string' ? text : JSON.stringify(text ?? '');
  return Math.max(1, flat.split(/\s+/).filter(Boolean).length);
}

/** Generates `count` noise tokens, one every `delayMs`, stopping when the process is ended. */
async function generate(ctx: InferletContext, count: number, delayMs: number): Promise<string> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (delayMs > 0) await abortableDelay(ctx.aborted, delayMs);
    out.push(`w${(i * 7919 + 104_729) % 200_000}`);
  }
  return out.join(' ');
}

function abortableDelay(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const shortId = (ctx: InferletContext): string => ctx.processId.replace(/-/g, '').slice(0, 12);

function openAi(model: string, delayMs: number): InferletHandler {
  return async (ctx) => {
    const body = parseBody(ctx.input, openAiError);
    const id = shortId(ctx);
    if (body['messages'] !== undefined) {
      const n = limit(body['max_completion_tokens'] ?? body['max_tokens']);
      const text = await generate(ctx, n, delayMs);
      const p = words(body['messages']);
      return sortedJson({
        choices: [{ finish_reason: 'length', index: 0, logprobs: null, message: { content: text, role: 'assistant' } }],
        created: 0, id: `chatcmpl-${id}`, model, object: 'chat.completion',
        usage: { completion_tokens: n, prompt_tokens: p, total_tokens: n + p },
      });
    }
    if (body['prompt'] !== undefined) {
      const n = limit(body['max_tokens']);
      const text = await generate(ctx, n, delayMs);
      const p = words(body['prompt']);
      return sortedJson({
        choices: [{ finish_reason: 'length', index: 0, logprobs: null, text }],
        created: 0, id: `cmpl-${id}`, model, object: 'text_completion',
        usage: { completion_tokens: n, prompt_tokens: p, total_tokens: n + p },
      });
    }
    if (body['input'] !== undefined) {
      const n = limit(body['max_output_tokens']);
      const text = await generate(ctx, n, delayMs);
      const p = words(body['input']);
      return sortedJson({
        created_at: 0, error: null, id: `resp_${id}`, incomplete_details: { reason: 'max_output_tokens' }, metadata: {}, model,
        object: 'response',
        output: [{ content: [{ annotations: [], logprobs: [], text, type: 'output_text' }], id: `msg_${id}`, role: 'assistant', status: 'completed', type: 'message' }],
        parallel_tool_calls: true, previous_response_id: null, status: 'incomplete', store: false,
        usage: { input_tokens: p, input_tokens_details: { cached_tokens: 0 }, output_tokens: n, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: p + n },
      });
    }
    throw openAiError('the body has none of `messages`, `prompt` or `input`, so it is not a chat completion, a completion or a response');
  };
}

function anthropic(model: string, delayMs: number): InferletHandler {
  const fail = (message: string): CompatError => new CompatError({ error: { message, type: 'invalid_request_error' }, type: 'error' });
  return async (ctx) => {
    const body = parseBody(ctx.input, fail);
    if (body['max_tokens'] === undefined) throw fail('`max_tokens` is required');
    const n = limit(body['max_tokens']);
    const text = await generate(ctx, n, delayMs);
    return sortedJson({
      content: [{ text, type: 'text' }], id: `msg_${shortId(ctx)}`, model, role: 'assistant', stop_reason: 'max_tokens',
      stop_sequence: null, type: 'message', usage: { input_tokens: words(body['messages']), output_tokens: n },
    });
  };
}

function gemini(model: string, delayMs: number): InferletHandler {
  const fail = (message: string): CompatError => new CompatError({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  return async (ctx) => {
    const body = parseBody(ctx.input, fail);
    if (body['contents'] === undefined) throw fail('`contents` is required');
    const config = (body['generationConfig'] ?? {}) as Body;
    const n = limit(config['maxOutputTokens']);
    const text = await generate(ctx, n, delayMs);
    const p = words(body['contents']);
    return sortedJson({
      candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 }],
      modelVersion: model, responseId: shortId(ctx),
      usageMetadata: { candidatesTokenCount: n, promptTokenCount: p, totalTokenCount: n + p },
    });
  };
}

/**
 * The built-in programs by id, for a model name and a simulated time per generated token.
 *
 * @example
 * ```ts
 * Object.keys(compatPrograms('default', 10)); // => ['compat-openai@0.1.0', 'compat-anthropic@0.1.0', 'compat-gemini@0.1.0']
 * ```
 */
export function compatPrograms(model: string, tokenDelayMs: number): Record<string, InferletHandler> {
  return {
    [`compat-openai@${COMPAT_VERSION}`]: openAi(model, tokenDelayMs),
    [`compat-anthropic@${COMPAT_VERSION}`]: anthropic(model, tokenDelayMs),
    [`compat-gemini@${COMPAT_VERSION}`]: gemini(model, tokenDelayMs),
  };
}
