// Barrel of src/testing/flame: the in-process emulator of Flame's session manager.
export { FlameEmulator, type FlameEmulatorOptions, type FlameEmulatorVersion, type FlameTaskStateInput } from './emulator.js';
export type { FlameTaskHandler, FlameTaskContext, FlameTaskResult, FlameHandleOptions } from './handler.js';
export type { FlameCallRecord, FlameCancelledCall } from './call-registry.js';
export { FlameEmulatorError } from './errors.js';
export { flameMessages, FlameEventCode } from './messages.js';
export type { FlamePacingOptions } from './pacing.js';
