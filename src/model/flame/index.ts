// Barrel of src/model/flame: the Flame domain model, its errors and conversions.
export * from './errors.js';
export * from './types.js';
export * from './resreq.js';
export * from './codec.js';
export * from './convert.js';
export * from './session-options.js';
export * from './config.js';
export * from './session-tokens.js';
export * from './affinity.js';
