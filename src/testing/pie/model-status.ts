// `query model_status` of the emulated engine: the 44 per-model metrics a real 0.4 engine
// reports, in its order (one idle model of 64 KV pages). Every counter reads zero: the
// emulator runs no model. `kv_pages_total` is what the real engine reported for its mock
// device.

/** Metric names (after `<model>.`) and the value reported for each, in the engine's order. */
export const MODEL_STATUS_METRICS: readonly (readonly [string, number | readonly number[]])[] = [
  ['kv_pages_used', 0],
  ['kv_pages_total', 64],
  ['total_batches', 0],
  ['total_tokens_processed', 0],
  ['total_requests_processed', 0],
  ['max_forward_requests_observed', 0],
  ['batch_size_hist', [0, 0, 0, 0, 0, 0, 0, 0]],
  ['last_batch_latency_us', 0],
  ['cumulative_batch_latency_us', 0],
  ['avg_batch_latency_us', 0],
  ['fire.inter_fire_us', 0],
  ['fire.post_dispatch_to_fire_us', 0],
  ['fire.accumulate.accum_loop_us', 0],
  ['fire.pre_dispatch.fire_prepare_us', 0],
  ['fire.execute.total_us', 0],
  ['fire.execute.batch_build_us', 0],
  ['fire.execute.driver_fire_us', 0],
  ['fire.execute.response_dispatch.total_us', 0],
  ['fire.execute.response_dispatch.direct_count', 0],
  ['fire.execute.response_dispatch.chain_count', 0],
  ['fire.execute.response_dispatch.chunk_count', 0],
  ['fire.execute.driver_cuda.ipc_submit_us', 0],
  ['fire.execute.driver_cuda.gpu_wait_us', 0],
  ['fire.execute.driver_cuda.ipc_recv_us', 0],
  ['fire.execute.driver_cuda.wire_parse_us', 0],
  ['fire.execute.driver_cuda.plan_us', 0],
  ['fire.execute.driver_cuda.h2d_us', 0],
  ['fire.execute.driver_cuda.kernel_launch_us', 0],
  ['fire.execute.driver_cuda.sync_us', 0],
  ['fire.execute.driver_cuda.response_build_us', 0],
  ['fire.execute.driver_cuda.sum_sync_us', 0],
  ['fire.execute.driver_cuda.sum_kernel_launch_us', 0],
  ['fire.post_dispatch.context_tick_us', 0],
  ['fire.post_dispatch.stats_update_us', 0],
  ['system_spec_draft_tokens_proposed', 0],
  ['system_spec_draft_tokens_accepted', 0],
  ['system_spec_draft_tokens_proposed_per_pos', []],
  ['system_spec_draft_tokens_accepted_per_pos', []],
  ['bypass_hits', 0],
  ['chain_submits', 0],
  ['chain_drops', 0],
  ['chain_ext_avg_wake_us', 0],
  ['chain_ext_avg_work_us', 0],
  ['chain_ext_jobs_sampled', 0],
];

/**
 * The `model_status` result text for `models`: one flat JSON object with keys
 * `<model>.<metric>`.
 *
 * @example
 * ```ts
 * Object.keys(JSON.parse(modelStatusJson(['default']))).length; // => 44
 * ```
 */
export function modelStatusJson(models: readonly string[]): string {
  const status: Record<string, number | readonly number[]> = {};
  for (const model of models) {
    for (const [metric, value] of MODEL_STATUS_METRICS) status[`${model}.${metric}`] = value;
  }
  return JSON.stringify(status);
}
