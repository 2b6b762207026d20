// Barrel of src/testing/pie: the in-process Pie engine emulator.
export { PieEmulator, type PieEmulatorOptions, type ReceivedClientMessage } from './emulator.js';
export type { InferletContext, InferletHandler } from './inferlet-context.js';
export { InferletHostError, InferletInterruptedError, InferletMcpError, PieEmulatorConfigError } from './errors.js';
export type { ClientMessage, ClientMessageType } from './client-messages.js';
export type { DetachMode } from './process.js';
export { PIE_TEXT } from './strings.js';
export type { PieGeneration } from './generations/profile.js';
export { GATEWAY_TEXT } from './generations/gateway-texts.js';
export { buildComponent, checkComponent, type BuildComponentOptions, type ComponentCheck } from './component-check.js';
