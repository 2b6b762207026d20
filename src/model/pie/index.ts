// Barrel of src/model/pie: the Pie data model (errors, events, ids, hashing, chunking, keys, results).
export * from './errors.js';
export * from './events.js';
