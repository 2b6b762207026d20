// Entry point `flame-pie-rx/flame/cache`: the Flame object cache client (0.6 Arrow Flight,
// 0.7 ObjectCacheService), ObjectRef and its helpers. Its own entry because the 0.6 module
// pulls in apache-arrow.
export * from './model/flame/cache-errors.js';
export * from './model/flame/cache-key.js';
export * from './model/flame/cache-types.js';
export * from './model/flame/cache-endpoint.js';
export * from './model/flame/object-ref.js';
export * from './observables/flame/cache/index.js';
export { type AbortOptions } from './interop/abortable.js';
