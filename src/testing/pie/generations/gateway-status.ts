// `query model_status` of the gateway: the per-model metric keys pie-server 0.5.2 reports, in
// its order (all zero on an idle emulator).

const BASE = [
  'kv_pages_used', 'kv_pages_total', 'total_batches', 'total_tokens_processed', 'total_requests_processed',
  'max_forward_requests_observed', 'batch_size_hist', 'last_batch_latency_us', 'cumulative_batch_latency_us', 'avg_batch_latency_us',
];
const FIRE = [
  'inter_fire_us', 'post_dispatch_to_fire_us', 'recv_block_wait_us', 'inter_fire_us_sum', 'post_dispatch_to_fire_us_sum', 'recv_block_wait_us_sum',
  'accumulate.accum_loop_us', 'accumulate.accum_loop_us_sum', 'pre_dispatch.fire_prepare_us', 'pre_dispatch.fire_prepare_us_sum',
  'execute.total_us', 'execute.batch_build_us', 'execute.engine_fire_us', 'execute.total_us_sum', 'execute.batch_build_us_sum', 'execute.engine_fire_us_sum',
  'post_dispatch.context_tick_us', 'post_dispatch.stats_update_us', 'post_dispatch.context_tick_us_sum', 'post_dispatch.stats_update_us_sum',
].map((key) => `fire.${key}`);
const QUORUM = [
  'inter_batch_bubble_us', 'quorum_latency_us', 'inter_batch_bubble_us_sum', 'quorum_latency_us_sum', 'escape_fires', 'submit_ahead_fires',
  'straggler_fires', 'straggler_demotions', 'readiness_miss', 'avg_active_pipelines_at_fire', 'avg_missing_at_fire', 'wave_active_sum',
  'wave_missing_sum', 'wave_fires', 'seal_events', 'seal_while_executing', 'dispatch_blocked_holds', 'device_idle_us', 'device_idle_gaps',
  'idle_break_control', 'idle_break_depth', 'idle_park_control_us', 'idle_park_other_us', 'accept_us', 'accept_calls', 'turnaround_sum_us',
  'turnaround_max_us', 'turnaround_n', 'lane_launch_us', 'lane_launch_n', 'lane_prefill_us', 'lane_prefill_n', 'lane_control_us',
  'lane_control_n', 'lane_control_max_us',
].map((key) => `fire.quorum.${key}`);
const PROCESS = [
  'completed', 'avg_admission_wait_us', 'last_admission_wait_us', 'avg_instantiate_us', 'last_instantiate_us', 'avg_wasm_run_us',
  'cumulative_instantiate_us', 'cumulative_admission_wait_us',
].map((key) => `process.${key}`);

/** KV pages the emulated gateway reports per model (the CPU test engine's `max_total_pages`). */
export const GATEWAY_KV_PAGES_TOTAL = 64;

/**
 * The JSON text of `model_status` for these models.
 *
 * @example
 * ```ts
 * JSON.parse(gatewayModelStatus(['default']))['default.kv_pages_total']; // => 64
 * ```
 */
export function gatewayModelStatus(models: readonly string[]): string {
  const status: Record<string, number | number[]> = {};
  for (const model of models) {
    for (const key of [...BASE, ...FIRE, ...QUORUM, ...PROCESS]) status[`${model}.${key}`] = 0;
    status[`${model}.kv_pages_total`] = GATEWAY_KV_PAGES_TOTAL;
    status[`${model}.batch_size_hist`] = [0, 0, 0, 0, 0, 0, 0, 0];
  }
  return JSON.stringify(status);
}
