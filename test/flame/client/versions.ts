import type { FlameVersion } from '../../../src/model/flame/version-errors.js';

/** Every test of the public API runs against the emulator in both versions. */
export const FLAME_VERSIONS: readonly FlameVersion[] = ['0.6', '0.7'];

/** The emulator's call-log name of the task-watch RPC of a version. */
export const watchMethod = (version: FlameVersion): string => (version === '0.6' ? 'watchTask' : 'watchTasks');
