// Barrel of src/model/pie: the Pie data model (errors, events, ids, hashing, chunking, keys, results).
export * from './errors.js';
export * from './events.js';
export * from './hash.js';
export * from './chunks.js';
export * from './program-id.js';
export * from './process-id.js';
export * from './keys.js';
export * from './ecdsa-der.js';
export * from './results.js';
