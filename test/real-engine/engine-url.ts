// The real Pie engine of the real-engine tier: `PIE_ENGINE_URL` (e.g. `ws://127.0.0.1:8080`, as
// `serve.py` prints it), or undefined when the tier does not run.

/** The engine URL from `PIE_ENGINE_URL`, or undefined. */
export function engineUrl(): string | undefined {
  const url = process.env['PIE_ENGINE_URL']?.trim();
  return url ? url : undefined;
}
