// Barrel of src/testing/flame/cache: the object cache emulator (0.6 Flight, 0.7 ObjectCacheService).
export { FlameCacheEmulator, type FlameCacheEmulatorOptions, type FlameCacheEmulatorObject } from './cache-emulator.js';
export type { FlameCacheCallRecord } from './call-log.js';
