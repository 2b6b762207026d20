// Which protocol a cache endpoint speaks (flame-0.7.md 5.1.1 step 5): GetMetadata of a
// well-formed key that does not exist answers NOT_FOUND (or OK, INVALID_ARGUMENT) from a
// 0.7 cache and UNIMPLEMENTED from a 0.6 (Arrow Flight only) cache, which Flight's
// GetSchema then confirms. Other failures are connectivity problems: reported, not
// remembered.
import { Observable, catchError, map, of, throwError } from 'rxjs';
import { FlightDescriptor_DescriptorType, FlightServiceService as Flight } from '../../../gen/arrow/flight/protocol/Flight.js';
import { ObjectCacheServiceService as Service } from '../../../gen/flame/v1/cache.js';
import { FlameCacheProtocolError } from '../../../model/flame/cache-errors.js';
import type { FlameCacheVersion } from '../../../model/flame/cache-types.js';
import { FlameError, GrpcStatusCode } from '../../../model/flame/status-errors.js';
import type { CacheChannel } from './cache-channel.js';
import { cacheUnary } from './calls.js';

/** The key the probe asks for; well-formed, and never a real object. */
export const CACHE_PROBE_KEY = 'flame/probe/probe';

const answered = (error: unknown, ...codes: number[]) => error instanceof FlameError && codes.includes(error.code);

/** Flight answers GetSchema (any status but UNIMPLEMENTED means a Flight server answered). */
function confirmFlight(channel: CacheChannel): Observable<FlameCacheVersion> {
  const descriptor = { type: FlightDescriptor_DescriptorType.PATH, cmd: Buffer.alloc(0), path: [CACHE_PROBE_KEY] };
  return cacheUnary(channel, Flight.getSchema, descriptor, channel.metadata()).pipe(
    map((): FlameCacheVersion => '0.6'),
    catchError((error: unknown) => {
      if (answered(error, GrpcStatusCode.NOT_FOUND, GrpcStatusCode.INVALID_ARGUMENT)) return of<FlameCacheVersion>('0.6');
      if (answered(error, GrpcStatusCode.UNIMPLEMENTED)) {
        return throwError(() => new FlameCacheProtocolError('GetSchema', `${channel.endpoint.endpoint} serves neither ObjectCacheService nor Arrow Flight`));
      }
      return throwError(() => error);
    }),
  );
}

/**
 * Probes `channel` once per subscription.
 *
 * @example
 * ```ts
 * detectCacheVersion(channel).subscribe((v) => console.log(v)); // '0.6' or '0.7'
 * ```
 */
export function detectCacheVersion(channel: CacheChannel): Observable<FlameCacheVersion> {
  return cacheUnary(channel, Service.getMetadata, { key: CACHE_PROBE_KEY }, channel.metadata()).pipe(
    map((): FlameCacheVersion => '0.7'),
    catchError((error: unknown) => {
      if (answered(error, GrpcStatusCode.UNIMPLEMENTED)) return confirmFlight(channel);
      if (answered(error, GrpcStatusCode.NOT_FOUND, GrpcStatusCode.INVALID_ARGUMENT)) return of<FlameCacheVersion>('0.7');
      return throwError(() => error);
    }),
  );
}
