// The 0.7 object cache: flame.v1.ObjectCacheService (flame-0.7.md 2.4, 2.9, 3.8). Writes
// are a header then chunks of at most 1 MiB; a read is a header then the chunks of each
// part after the caller's version, in order.
import { Observable, map } from 'rxjs';
import {
  ObjectCacheServiceService as Service,
  type CacheGetResponse,
  type CacheObjectMetadata,
  type CacheWriteRequest,
} from '../../../gen/flame/v1/cache.js';
import { FlameCacheProtocolError } from '../../../model/flame/cache-errors.js';
import type { CacheObject, CacheObjectInfo, CachePart } from '../../../model/flame/cache-types.js';
import type { ObjectRef } from '../../../model/flame/object-ref.js';
import type { BytesCounter, CacheBackend, CacheTarget } from './backend.js';
import { cacheServerStream, cacheUnary, cacheWriteStream } from './calls.js';
import { type CachePayload, payloadChunks } from './payload.js';

function toNumber(value: bigint, field: string, method: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FlameCacheProtocolError(method, `${field} ${value} is too large`);
  return Number(value);
}

function infoFromMetadata(m: CacheObjectMetadata, method: string): CacheObjectInfo {
  return {
    endpoint: m.endpoint,
    key: m.key,
    size: toNumber(m.size, 'size', method),
    version: toNumber(m.version, 'version', method),
    dataType: m.dataType,
    creationTime: new Date(Number(m.creationTime)),
  };
}

function refFromMetadata(m: CacheObjectMetadata, method: string, fallbackEndpoint: string): ObjectRef {
  return { endpoint: m.endpoint || fallbackEndpoint, key: m.key, version: toNumber(m.version, 'version', method) };
}

async function* writeMessages(
  key: string,
  dataType: string,
  payload: CachePayload,
  onBytes: BytesCounter,
): AsyncGenerator<CacheWriteRequest> {
  yield { payload: { $case: 'header', value: { key, dataType } } };
  for await (const chunk of payloadChunks(payload)) {
    yield { payload: { $case: 'data', value: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) } };
    onBytes(chunk.byteLength);
  }
}

function write(
  method: 'put' | 'patch',
  target: CacheTarget,
  key: string,
  payload: CachePayload,
  dataType: string,
  onBytes: BytesCounter,
): Observable<ObjectRef> {
  const name = method === 'put' ? 'Put' : 'Patch';
  return cacheWriteStream(
    target.channel,
    Service[method],
    'client',
    () => writeMessages(key, dataType, payload, onBytes),
    target.channel.metadata(method === 'patch' ? target.owner : undefined),
  ).pipe(map((m) => refFromMetadata(m, name, target.channel.endpoint.endpoint)));
}

/** Reassembles the parts of a Get stream, checking the rules of flame-0.7.md 3.8. */
function readParts(
  target: CacheTarget,
  key: string,
  since: number,
  onBytes: BytesCounter,
): Observable<CacheObject> {
  return new Observable<CacheObject>((subscriber) => {
    let header: { version: number; dataType: string } | undefined;
    const parts: CachePart[] = [];
    let current: { version: number; chunks: Buffer[] } | undefined;
    const closePart = () => {
      if (!current) return;
      parts.push({
        version: current.version,
        kind: current.version === 1 ? 'base' : 'patch',
        data: current.chunks.length === 1 ? current.chunks[0]! : Buffer.concat(current.chunks),
      });
      current = undefined;
    };
    const onMessage = (message: CacheGetResponse) => {
      const payload = message.payload;
      if (!payload) throw new FlameCacheProtocolError('Get', 'empty message');
      if (payload.$case === 'header') {
        if (header) throw new FlameCacheProtocolError('Get', 'a second header');
        header = { version: toNumber(payload.value.version, 'version', 'Get'), dataType: payload.value.dataType };
        if (header.version < since) throw new FlameCacheProtocolError('Get', `current version ${header.version} is below ${since}`);
        return;
      }
      if (!header) throw new FlameCacheProtocolError('Get', 'first message is not a header');
      const version = toNumber(payload.value.version, 'chunk version', 'Get');
      if (current && version !== current.version) closePart();
      if (!current) {
        const expected = (parts.at(-1)?.version ?? since) + 1;
        if (version !== expected) throw new FlameCacheProtocolError('Get', `part ${version} where part ${expected} was due`);
        if (version > header.version) throw new FlameCacheProtocolError('Get', `part ${version} beyond version ${header.version}`);
        current = { version, chunks: [] };
      }
      current.chunks.push(payload.value.data);
      onBytes(payload.value.data.byteLength);
    };
    return cacheServerStream(target.channel, Service.get, { key, version: BigInt(since) }, target.channel.metadata(target.owner)).subscribe({
      next: (message) => {
        try {
          onMessage(message);
        } catch (error) {
          subscriber.error(error);
        }
      },
      error: (error) => subscriber.error(error),
      complete: () => {
        if (!header) return subscriber.error(new FlameCacheProtocolError('Get', 'the stream ended without a header'));
        closePart();
        const last = parts.at(-1)?.version ?? since;
        if (last !== header.version) {
          return subscriber.error(new FlameCacheProtocolError('Get', `parts end at ${last}, the header says ${header.version}`));
        }
        subscriber.next({
          key,
          endpoint: target.owner ?? target.channel.endpoint.endpoint,
          version: header.version,
          dataType: header.dataType,
          parts,
          complete: since === 0,
        });
        subscriber.complete();
      },
    });
  });
}

/** The 0.7 protocol. */
export const objectCacheServiceBackend: CacheBackend = {
  version: '0.7',
  put: (target, keyOrPrefix, payload, dataType, onBytes) => write('put', target, keyOrPrefix, payload, dataType, onBytes),
  patch: (target, key, payload, dataType, onBytes) => write('patch', target, key, payload, dataType, onBytes),
  get: readParts,
  delete: (target, keyOrPrefix) =>
    cacheUnary(target.channel, Service.delete, { key: keyOrPrefix }, target.channel.metadata()).pipe(map(() => undefined)),
  metadata: (target, key) =>
    cacheUnary(target.channel, Service.getMetadata, { key }, target.channel.metadata(target.owner)).pipe(
      map((m) => infoFromMetadata(m, 'GetMetadata')),
    ),
  list: (target) =>
    cacheServerStream(target.channel, Service.list, {}, target.channel.metadata()).pipe(map((m) => infoFromMetadata(m, 'List'))),
};
