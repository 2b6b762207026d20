// Normalises wire answers for comparison: only what is inherently variable is replaced (ids,
// timings, generated text, token counts of the prompt, metric values); every other byte of
// every text stays.
import type { WireFrame } from './raw-driver.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const SHORT_ID = /(cmpl-|chatcmpl-|resp_|msg_|"responseId":")[0-9a-f]{12}/g;
const GENERATED = new Set(['text', 'content']);
const PROMPT_COUNTS = new Set(['prompt_tokens', 'total_tokens', 'input_tokens', 'promptTokenCount', 'totalTokenCount']);

function scrub(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => scrub(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k)]));
  }
  if (GENERATED.has(key) && typeof value === 'string') return '<generated>';
  if (PROMPT_COUNTS.has(key) && typeof value === 'number') return '<count>';
  if (key === 'elapsed_secs' || key === 'created') return '<time>';
  return value;
}

/** A JSON text with variable parts replaced (key order kept); a non-JSON text with ids replaced. */
export function normaliseText(text: string): string {
  const ids = text.replace(UUID, '<id>').replace(SHORT_ID, '$1<short>');
  let parsed: unknown;
  try {
    parsed = JSON.parse(ids);
  } catch {
    return ids;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).some((k) => k.endsWith('.kv_pages_used'))) {
    return JSON.stringify(Object.keys(parsed));
  }
  const scrubbed = JSON.stringify(scrub(parsed));
  // Unchanged JSON keeps its own bytes (spacing included).
  return scrubbed === JSON.stringify(parsed) ? ids : scrubbed;
}

/** One normalised frame. */
export type NormalFrame = Record<string, unknown>;

/**
 * The frames of one step, normalised: binary frames in arrival order, then the text frames
 * sorted (the gateway writes text frames on their own path, so their place among binary
 * frames is not fixed).
 */
export function normaliseStep(frames: WireFrame[], order: 'arrival' | 'unordered' = 'arrival'): NormalFrame[] {
  const binary = frames
    .filter((f) => f.kind === 'binary')
    .map((f) => Object.fromEntries(Object.entries(f.value).map(([k, v]) => [k, typeof v === 'string' ? normaliseText(v) : v])));
  // Where the engine writes one step's frames from separate tasks, their order is not fixed.
  if (order === 'unordered') binary.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const text = frames.filter((f) => f.kind === 'text').map((f) => ({ text: f.value })).sort((a, b) => a.text.localeCompare(b.text));
  return [...binary, ...text];
}
