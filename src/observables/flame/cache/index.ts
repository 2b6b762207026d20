// Barrel of the object cache client.
export * from './flame-cache.js';
export { type CachePayload, CACHE_CHUNK_BYTES } from './payload.js';
export * from './detect.js';
export * from './zstd.js';
export { FLAME_OBJECT_CACHE_HEADER } from './cache-channel.js';
export * from './json-arrow.js';
export * from './object-ref-input.js';
export * from './mirror.js';
export * from './files.js';
