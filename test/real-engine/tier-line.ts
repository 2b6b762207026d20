// vitest global setup: the real-engine tier (test/real-engine/**) runs only when
// PIE_ENGINE_URL names a running engine; without it the run says so in one line.

/** Prints the one line that says the real-engine tier did not run, and how to run it. */
export default function setup(): void {
  if (process.env['PIE_ENGINE_URL']) return;
  console.log(
    'real-engine tier NOT RUN (PIE_ENGINE_URL is not set): run .ci/run, or boot an engine as docs/pie.md "Running the real engine for your own tests" shows and run PIE_ENGINE_URL=ws://127.0.0.1:PORT PIE_ENGINE_DIR=DIR npm test',
  );
}
