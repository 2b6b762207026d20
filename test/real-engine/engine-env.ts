// Where the real engine of the real-engine tier is: `PIE_ENGINE_URL` (a running engine, base
// `ws://host:port`) and `PIE_ENGINE_DIR` (its install, for tests that start their own).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The running engine's base URL (trimmed; '' when unset); the tier only runs when it is set. */
export const ENGINE_URL = process.env['PIE_ENGINE_URL']?.trim() ?? '';

/** The engine URL, or undefined when the tier does not run. */
export function engineUrl(): string | undefined {
  return ENGINE_URL || undefined;
}

/** The engine install (`setup.sh DIR`), if known. */
export const ENGINE_DIR = process.env['PIE_ENGINE_DIR'] ?? '';

/** Whether pie-language-python is installed in the engine's venv (Python script programs run). */
export function engineHasPython(dir = ENGINE_DIR): boolean {
  const lib = join(dir, 'venv', 'lib');
  if (!dir || !existsSync(lib)) return false;
  return readdirSync(lib).some((python) => existsSync(join(lib, python, 'site-packages', 'pie_language_python')));
}
