import { PieProtocolError } from './errors.js';

/** One live process of this user, as `list_processes` reports it (spec 2.4.11; pie-gateway.md 4.5). */
export interface ProcessInfo {
  /** The process UUID, lowercase hyphenated. */
  readonly id: string;
  /** The owner's username (`internal` for token connections and, on pie-server 0.5.2, for every gateway process); absent when not reported. */
  readonly username?: string;
  /** The program, `name@version`; absent when not reported. */
  readonly program?: string;
  /** The launch input string; absent when not reported. */
  readonly input?: string;
  /** Whole seconds since the process was created; absent when not reported. */
  readonly elapsedSecs?: number;
}

/**
 * Parses the `result` of `list_processes`, tolerantly (the shapes differ between engines
 * and clients, pie-gateway.md 4.5): a JSON array of objects with at least a string `id`
 * (`username`, `program`, `input`, `elapsed_secs` are kept when they have the right type),
 * or a JSON array of id strings. Ids are normalised. Anything else throws `PieProtocolError`.
 *
 * @example
 * ```ts
 * import { parseProcessList } from 'flame-pie-rx/pie';
 * parseProcessList('[{"id":"a","username":"u","program":"p@1.0.0","input":"{}","elapsed_secs":3}]')[0].elapsedSecs; // => 3
 * parseProcessList('["a"]'); // => [{ id: 'a' }]
 * ```
 */
export function parseProcessList(json: string): ProcessInfo[] {
  const value = parseJson(json, 'list_processes');
  if (!Array.isArray(value)) throw badShape('list_processes', 'an array', value);
  return value.map((item: unknown, index) => {
    if (typeof item === 'string' && item !== '') return { id: item };
    if (!isRecord(item) || typeof item['id'] !== 'string' || item['id'] === '') {
      throw new PieProtocolError(`list_processes entry ${index} is neither an id string nor an object with a string id`);
    }
    const { id, username, program, input, elapsed_secs: elapsed } = item;
    return {
      id,
      ...(typeof username === 'string' ? { username } : {}),
      ...(typeof program === 'string' ? { program } : {}),
      ...(typeof input === 'string' ? { input } : {}),
      ...(typeof elapsed === 'number' && Number.isSafeInteger(elapsed) && elapsed >= 0 ? { elapsedSecs: elapsed } : {}),
    };
  });
}

/** A metric value of `model_status`: a number, or an array of numbers (histograms). */
export type ModelMetricValue = number | number[];

/** The metrics of one model in `model_status`, with the four values the known consumers read. */
export interface ModelMetrics {
  readonly kvPagesUsed?: number;
  readonly kvPagesTotal?: number;
  readonly totalTokensProcessed?: number;
  readonly avgBatchLatencyUs?: number;
  /** Every numeric metric of this model keyed by the suffix after `<model>.` (e.g. `fire.execute.total_us`). */
  readonly metrics: Record<string, ModelMetricValue>;
}

/** The parsed `query model_status` result (spec 2.4.2). */
export interface ModelStatus {
  /** The flat JSON object as the engine sent it. */
  readonly raw: Record<string, unknown>;
  /** Metrics per model name (the part of each key before its first `.`). */
  readonly models: Record<string, ModelMetrics>;
}

/**
 * Parses the `result` of `query { subject: 'model_status' }`: a flat JSON object keyed
 * `<model>.<metric>`, split on the first `.`. Keys without a `.` and values that are neither
 * numbers nor arrays of numbers stay in `raw` only. A result that is not a JSON object throws
 * `PieProtocolError`.
 *
 * @example
 * ```ts
 * import { parseModelStatus } from 'flame-pie-rx/pie';
 * parseModelStatus('{"default.kv_pages_used":3,"default.kv_pages_total":64}').models.default.kvPagesTotal; // => 64
 * ```
 */
export function parseModelStatus(json: string): ModelStatus {
  const raw = parseJson(json, 'model_status');
  if (!isRecord(raw)) throw badShape('model_status', 'an object', raw);
  const metricsByModel = new Map<string, Record<string, ModelMetricValue>>();
  for (const [key, value] of Object.entries(raw)) {
    const dot = key.indexOf('.');
    if (dot <= 0 || dot === key.length - 1 || !isMetricValue(value)) continue;
    const model = key.slice(0, dot);
    let metrics = metricsByModel.get(model);
    if (metrics === undefined) {
      metrics = emptyRecord();
      metricsByModel.set(model, metrics);
    }
    metrics[key.slice(dot + 1)] = value;
  }
  const models = emptyRecord<ModelMetrics>();
  for (const [model, metrics] of metricsByModel) {
    models[model] = {
      ...numberField('kvPagesUsed', metrics['kv_pages_used']),
      ...numberField('kvPagesTotal', metrics['kv_pages_total']),
      ...numberField('totalTokensProcessed', metrics['total_tokens_processed']),
      ...numberField('avgBatchLatencyUs', metrics['avg_batch_latency_us']),
      metrics,
    };
  }
  return { raw, models };
}

/**
 * Parses a JSON array of strings: the `result` of `launch_processes` (process ids) and of
 * `run_processes` (raw return strings). Any other shape throws `PieProtocolError`.
 *
 * @example
 * ```ts
 * import { parseStringArray } from 'flame-pie-rx/pie';
 * parseStringArray('["a","b"]'); // => ['a', 'b']
 * ```
 */
export function parseStringArray(json: string): string[] {
  const value = parseJson(json, 'result');
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw badShape('result', 'an array of strings', value);
  }
  return value as string[];
}

function parseJson(json: string, what: string): unknown {
  if (typeof json !== 'string') throw new PieProtocolError(`${what} result is not a string`);
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new PieProtocolError(`${what} result is not valid JSON: ${preview(json)}`);
  }
}

function badShape(what: string, expected: string, value: unknown): PieProtocolError {
  return new PieProtocolError(`${what} result is not ${expected}: ${preview(JSON.stringify(value) ?? String(value))}`);
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMetricValue(value: unknown): value is ModelMetricValue {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item)))
  );
}

function numberField<K extends string>(name: K, value: ModelMetricValue | undefined): { [P in K]?: number } {
  return (typeof value === 'number' ? { [name]: value } : {}) as { [P in K]?: number };
}

/** A record without a prototype, so keys such as `__proto__` from the engine stay plain keys. */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
