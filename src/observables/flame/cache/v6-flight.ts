// The 0.6 object cache: Arrow Flight (flame.md 6.1, 6.2). Put and patch are DoPut streams
// of `version`/`data` batches (one 1 MiB row per batch for a put, one row for a patch);
// get is DoGet with ticket `<key>:<version>`, answered with ZSTD-compressed batches of
// `version`/`kind`/`data` rows; delete is DoAction DELETE; metadata and list are
// GetFlightInfo and ListFlights.
import { Observable, map, toArray } from 'rxjs';
import {
  FlightDescriptor_DescriptorType as DescriptorType,
  FlightServiceService as Flight,
  type FlightData,
  type FlightInfo,
} from '../../../gen/arrow/flight/protocol/Flight.js';
import { FlameCacheProtocolError } from '../../../model/flame/cache-errors.js';
import type { CacheObject, CacheObjectInfo, CachePart } from '../../../model/flame/cache-types.js';
import { type ObjectRef, decodeObjectRef } from '../../../model/flame/object-ref.js';
import { batchMessages, putBatch, readBatches } from './arrow-ipc.js';
import type { BytesCounter, CacheBackend, CacheTarget } from './backend.js';
import { cacheServerStream, cacheUnary, cacheWriteStream } from './calls.js';
import { type CachePayload, payloadChunks } from './payload.js';

const EMPTY = Buffer.alloc(0);

function buf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function flightData(descriptor: FlightData['flightDescriptor'], header: Uint8Array, body: Uint8Array): FlightData {
  return { flightDescriptor: descriptor, dataHeader: buf(header), appMetadata: EMPTY, dataBody: buf(body) };
}

async function* putMessages(descriptor: NonNullable<FlightData['flightDescriptor']>, payload: CachePayload, onBytes: BytesCounter, oneRow: boolean) {
  let first = true;
  const send = (data: Uint8Array) => {
    const { schema, batch } = batchMessages(putBatch([{ version: 0n, data }]));
    const out: FlightData[] = [];
    if (first) out.push(flightData(descriptor, schema.dataHeader, schema.dataBody));
    first = false;
    out.push(flightData(undefined, batch.dataHeader, batch.dataBody));
    return out;
  };
  if (oneRow) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of payloadChunks(payload)) chunks.push(chunk);
    const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    yield* send(whole);
    onBytes(whole.byteLength);
    return;
  }
  let any = false;
  for await (const chunk of payloadChunks(payload)) {
    any = true;
    yield* send(chunk);
    onBytes(chunk.byteLength);
  }
  if (!any) yield* send(EMPTY);
}

function doPut(target: CacheTarget, descriptor: NonNullable<FlightData['flightDescriptor']>, payload: CachePayload, onBytes: BytesCounter, oneRow: boolean, owner?: string): Observable<ObjectRef> {
  return cacheWriteStream(target.channel, Flight.doPut, 'bidi', () => putMessages(descriptor, payload, onBytes, oneRow), target.channel.metadata(owner)).pipe(
    toArray(),
    map((results) => {
      const last = results.at(-1);
      if (!last || last.appMetadata.byteLength === 0) throw new FlameCacheProtocolError('DoPut', 'no PutResult with an ObjectRef');
      try {
        return decodeObjectRef(last.appMetadata);
      } catch (error) {
        throw new FlameCacheProtocolError('DoPut', 'the PutResult holds no ObjectRef', { cause: error });
      }
    }),
  );
}

function readObject(target: CacheTarget, key: string, since: number, onBytes: BytesCounter): Observable<CacheObject> {
  const ticket = Buffer.from(`${key}:${since}`, 'utf8');
  return cacheServerStream(target.channel, Flight.doGet, { ticket }, target.channel.metadata(target.owner)).pipe(
    map((m) => {
      onBytes(m.dataBody.byteLength);
      return { dataHeader: m.dataHeader, dataBody: m.dataBody };
    }),
    toArray(),
    map((messages) => {
      let batches;
      try {
        batches = readBatches(messages);
      } catch (error) {
        throw new FlameCacheProtocolError('DoGet', `cannot read the Arrow batches: ${(error as Error).message}`, { cause: error });
      }
      const parts: CachePart[] = [];
      for (const batch of batches) {
        const versions = batch.getChild('version');
        const kinds = batch.getChild('kind');
        const data = batch.getChild('data');
        if (!versions || !kinds || !data) throw new FlameCacheProtocolError('DoGet', 'batch lacks version, kind or data');
        for (let row = 0; row < batch.numRows; row++) {
          const kind = kinds.get(row) as string;
          if (kind !== 'base' && kind !== 'patch') throw new FlameCacheProtocolError('DoGet', `unknown row kind ${JSON.stringify(kind)}`);
          parts.push({ version: Number(versions.get(row) as bigint), kind, data: (data.get(row) as Uint8Array | null) ?? EMPTY });
        }
      }
      const version = parts.reduce((v, p) => Math.max(v, p.version), parts.length === 0 ? since : 0);
      return {
        key,
        endpoint: target.owner ?? target.channel.endpoint.endpoint,
        version,
        parts,
        complete: parts[0]?.kind === 'base' || since === 0,
      };
    }),
  );
}

function infoFromFlight(info: FlightInfo, fallbackKey: string | undefined, fallbackEndpoint: string): CacheObjectInfo {
  const endpoint = info.endpoint[0];
  const ticket = endpoint?.ticket?.ticket;
  const key = ticket && ticket.byteLength > 0 ? ticket.toString('utf8') : (info.flightDescriptor?.path[0] ?? fallbackKey ?? '');
  return {
    endpoint: endpoint?.location[0]?.uri ?? fallbackEndpoint,
    key,
    size: Math.max(0, Number(info.totalBytes)),
  };
}

/** The 0.6 protocol. */
export const flightBackend: CacheBackend = {
  version: '0.6',
  put: (target, keyOrPrefix, payload, _dataType, onBytes) =>
    doPut(target, { type: DescriptorType.PATH, cmd: EMPTY, path: [keyOrPrefix] }, payload, onBytes, false),
  patch: (target, key, payload, _dataType, onBytes) =>
    doPut(target, { type: DescriptorType.CMD, cmd: Buffer.from(`PATCH:${key}`, 'utf8'), path: [] }, payload, onBytes, true, target.owner),
  get: readObject,
  delete: (target, keyOrPrefix) =>
    cacheServerStream(target.channel, Flight.doAction, { type: 'DELETE', body: Buffer.from(keyOrPrefix, 'utf8') }, target.channel.metadata()).pipe(
      toArray(),
      map(() => undefined),
    ),
  metadata: (target, key) =>
    cacheUnary(target.channel, Flight.getFlightInfo, { type: DescriptorType.PATH, cmd: EMPTY, path: [key] }, target.channel.metadata(target.owner)).pipe(
      map((info) => infoFromFlight(info, key, target.channel.endpoint.endpoint)),
    ),
  list: (target) =>
    cacheServerStream(target.channel, Flight.listFlights, { expression: EMPTY }, target.channel.metadata()).pipe(
      map((info) => infoFromFlight(info, undefined, target.channel.endpoint.endpoint)),
    ),
};
