// flame.v1.ObjectCacheService as flame-0.7.md 3.8 and 5.2 (12) describe it: objects are
// append-only part lists (version = number of parts), Put under a prefix names the object
// (UUID v4), Put on an existing key fails, Patch appends to an existing object of the same
// data_type, Get sends the parts after the caller's version in 1 MiB chunks.
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { CacheGetResponse, CacheObjectMetadata, CacheWriteRequest } from '../../../gen/flame/v1/cache.js';
import { RpcFailure } from '../errors.js';
import type { CacheCallLog } from './call-log.js';
import { deleteMatcher, serverKey } from './keys.js';
import { settledAfterEnd, writeAll } from './write-out.js';

const MAX_CHUNK = 1024 * 1024;

/** One object of the 0.7 cache. */
export interface PartsObject {
  readonly key: string;
  readonly dataType: string;
  readonly creationTime: number;
  readonly parts: Buffer[];
}

const notFound = (key: string) => new RpcFailure(grpc.status.NOT_FOUND, `object ${key} not found`);

function metadataOf(object: PartsObject, endpoint: string): CacheObjectMetadata {
  return {
    endpoint,
    key: object.key,
    version: BigInt(object.parts.length),
    // A choice (flame-0.7.md 5.3 point 4 is open): the bytes of all parts.
    size: BigInt(object.parts.reduce((n, p) => n + p.byteLength, 0)),
    creationTime: BigInt(object.creationTime),
    dataType: object.dataType,
  };
}

function fail(callback: (error: grpc.ServerErrorResponse) => void, error: unknown): void {
  if (error instanceof RpcFailure) callback({ name: 'RpcFailure', message: error.details, code: error.code, details: error.details });
  else callback({ name: 'Error', message: String(error), code: grpc.status.INTERNAL, details: String(error) });
}

/** Collects a write stream: one header first, then chunks of at most 1 MiB. */
function readWrite(call: grpc.ServerReadableStream<CacheWriteRequest, CacheObjectMetadata>): Promise<{ key: string; dataType: string; data: Buffer }> {
  return new Promise((resolve, reject) => {
    let header: { key: string; dataType: string } | undefined;
    const chunks: Buffer[] = [];
    let failed = false;
    const refuse = (message: string) => {
      if (failed) return;
      failed = true;
      reject(new RpcFailure(grpc.status.INVALID_ARGUMENT, message));
    };
    call.on('data', (message: CacheWriteRequest) => {
      if (failed) return;
      const payload = message.payload;
      if (payload?.$case === 'header') {
        if (header) return refuse('unexpected second write header');
        header = payload.value;
        if (header.dataType === '' || Buffer.byteLength(header.dataType) > 128) refuse('data_type must be 1 to 128 bytes');
        return;
      }
      if (!header) return refuse('first message must be a write header');
      const data = payload?.$case === 'data' ? payload.value : Buffer.alloc(0);
      if (data.byteLength > MAX_CHUNK) return refuse(`chunk of ${data.byteLength} bytes exceeds 1 MiB`);
      chunks.push(data);
    });
    call.on('end', () => {
      if (failed) return;
      void settledAfterEnd(call).then((cancelled) => {
        if (cancelled) return reject(new RpcFailure(grpc.status.CANCELLED, 'cancelled by the client'));
        if (!header) return refuse('missing write header');
        resolve({ key: header.key, dataType: header.dataType, data: Buffer.concat(chunks) });
      });
    });
    call.on('error', (error) => reject(error));
  });
}

/** The service implementation over `objects`; `endpoint()` is what metadata names. */
export function objectCacheService(objects: Map<string, PartsObject>, endpoint: () => string, log: CacheCallLog): grpc.UntypedServiceImplementation {
  return {
    put: (call: grpc.ServerReadableStream<CacheWriteRequest, CacheObjectMetadata>, callback: grpc.sendUnaryData<CacheObjectMetadata>) => {
      const done = log.record('Put', call);
      readWrite(call)
        .then(({ key, dataType, data }) => {
          const parts = serverKey(key, true);
          const full = parts.length === 2 ? `${key}/${randomUUID()}` : key;
          // A choice (the code is unverified upstream): ALREADY_EXISTS, there is no replace.
          if (objects.has(full)) throw new RpcFailure(grpc.status.ALREADY_EXISTS, `object ${full} already exists`);
          const object: PartsObject = { key: full, dataType, creationTime: Date.now(), parts: [data] };
          objects.set(full, object);
          callback(null, metadataOf(object, endpoint()));
        })
        .catch((error) => fail(callback, error))
        .finally(done);
    },
    patch: (call: grpc.ServerReadableStream<CacheWriteRequest, CacheObjectMetadata>, callback: grpc.sendUnaryData<CacheObjectMetadata>) => {
      const done = log.record('Patch', call);
      readWrite(call)
        .then(({ key, dataType, data }) => {
          serverKey(key, false);
          const object = objects.get(key);
          if (!object) throw notFound(key);
          if (object.dataType !== dataType) {
            throw new RpcFailure(grpc.status.INVALID_ARGUMENT, `data_type ${dataType} does not match ${object.dataType}`);
          }
          object.parts.push(data);
          callback(null, metadataOf(object, endpoint()));
        })
        .catch((error) => fail(callback, error))
        .finally(done);
    },
    get: (call: grpc.ServerWritableStream<{ key: string; version: bigint }, CacheGetResponse>) => {
      const done = log.record('Get', call);
      const send = async () => {
        await log.delay('Get');
        const { key } = call.request;
        serverKey(key, false);
        const object = objects.get(key);
        if (!object) throw notFound(key);
        const since = Number(call.request.version);
        if (since > object.parts.length) throw new RpcFailure(grpc.status.INVALID_ARGUMENT, 'invalid version');
        const parts = object.parts.slice(since);
        const messages = function* (): Generator<CacheGetResponse> {
          yield { payload: { $case: 'header', value: { version: BigInt(object.parts.length), dataType: object.dataType } } };
          for (const [i, part] of parts.entries()) {
            const version = BigInt(since + i + 1);
            if (part.byteLength === 0) yield { payload: { $case: 'chunk', value: { version, data: part } } };
            for (let at = 0; at < part.byteLength; at += MAX_CHUNK) {
              yield { payload: { $case: 'chunk', value: { version, data: part.subarray(at, at + MAX_CHUNK) } } };
            }
          }
        };
        if (await writeAll(call, messages())) call.end();
      };
      send()
        .catch((error) => call.emit('error', toServiceError(error)))
        .finally(done);
    },
    delete: (call: grpc.ServerUnaryCall<{ key: string }, object>, callback: grpc.sendUnaryData<object>) => {
      const done = log.record('Delete', call);
      try {
        const matches = deleteMatcher(call.request.key);
        for (const key of [...objects.keys()]) if (matches(key)) objects.delete(key);
        callback(null, {});
      } catch (error) {
        fail(callback, error);
      }
      done();
    },
    getMetadata: (call: grpc.ServerUnaryCall<{ key: string }, CacheObjectMetadata>, callback: grpc.sendUnaryData<CacheObjectMetadata>) => {
      const done = log.record('GetMetadata', call);
      try {
        serverKey(call.request.key, false);
        const object = objects.get(call.request.key);
        if (!object) throw notFound(call.request.key);
        callback(null, metadataOf(object, endpoint()));
      } catch (error) {
        fail(callback, error);
      }
      done();
    },
    list: (call: grpc.ServerWritableStream<object, CacheObjectMetadata>) => {
      const done = log.record('List', call);
      void writeAll(call, [...objects.values()].map((o) => metadataOf(o, endpoint())))
        .then((ok) => ok && call.end())
        .finally(done);
    },
  };
}

/** A status for `call.destroy`/`emit('error')`. */
export function toServiceError(error: unknown): Partial<grpc.StatusObject> & Error {
  if (error instanceof RpcFailure) return Object.assign(new Error(error.details), { code: error.code, details: error.details });
  return Object.assign(new Error(String(error)), { code: grpc.status.INTERNAL, details: String(error) });
}
