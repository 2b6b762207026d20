// arrow.flight.protocol.FlightService as Flame 0.6's cache serves it (flame.md 6.1, 6.2):
// objects are a base plus patches, each put or patch adds one to the version, a put with
// a full key replaces the base and drops the patches, DoGet sends what the caller lacks as
// ZSTD-compressed `version`/`kind`/`data` rows.
import * as grpc from '@grpc/grpc-js';
import { CompressionType, RecordBatchStreamWriter } from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import type { Action, FlightData, FlightDescriptor, FlightInfo, PutResult, Result, Ticket } from '../../../gen/arrow/flight/protocol/Flight.js';
import { FlightDescriptor_DescriptorType as DescriptorType } from '../../../gen/arrow/flight/protocol/Flight.js';
import { encodeObjectRef } from '../../../model/flame/object-ref.js';
import { getBatch, getSchema, readBatches, splitIpcStream } from '../../../observables/flame/cache/arrow-ipc.js';
import { RpcFailure } from '../errors.js';
import type { CacheCallLog } from './call-log.js';
import { deleteMatcher, serverKey } from './keys.js';
import { toServiceError } from './service-v7.js';
import { settledAfterEnd, writeAll } from './write-out.js';
import { ensureArrowZstdEncoder } from './zstd-frame.js';

/** One object of the 0.6 cache. */
export interface BaseAndPatches {
  readonly key: string;
  version: number;
  base: { version: number; data: Buffer };
  patches: { version: number; data: Buffer }[];
}

const EMPTY = Buffer.alloc(0);
const notFound = (key: string) => new RpcFailure(grpc.status.NOT_FOUND, `object ${key} not found`);

function sizeOf(object: BaseAndPatches): number {
  return object.patches.reduce((n, p) => n + p.data.byteLength, object.base.data.byteLength);
}

function info(object: BaseAndPatches, endpoint: string): FlightInfo {
  return {
    schema: EMPTY,
    flightDescriptor: { type: DescriptorType.PATH, cmd: EMPTY, path: [object.key] },
    endpoint: [{ ticket: { ticket: Buffer.from(object.key) }, location: [{ uri: endpoint }], expirationTime: undefined, appMetadata: EMPTY }],
    totalRecords: -1n,
    totalBytes: BigInt(sizeOf(object)),
    ordered: false,
    appMetadata: EMPTY,
  };
}

function collect(call: grpc.ServerDuplexStream<FlightData, PutResult>): Promise<FlightData[]> {
  return new Promise((resolve, reject) => {
    const messages: FlightData[] = [];
    call.on('data', (m: FlightData) => messages.push(m));
    call.on('end', () =>
      void settledAfterEnd(call).then((cancelled) =>
        cancelled ? reject(new RpcFailure(grpc.status.CANCELLED, 'cancelled by the client')) : resolve(messages),
      ),
    );
    call.on('error', reject);
  });
}

/** What the rows of a DoPut carry, concatenated (flame.md 6.2). */
function putData(messages: FlightData[]): Buffer {
  let batches;
  try {
    batches = readBatches(messages.map((m) => ({ dataHeader: m.dataHeader, dataBody: m.dataBody })));
  } catch (error) {
    throw new RpcFailure(grpc.status.INVALID_ARGUMENT, `cannot read the Arrow stream: ${(error as Error).message}`);
  }
  const chunks: Buffer[] = [];
  for (const batch of batches) {
    const data = batch.getChild('data');
    if (!data) throw new RpcFailure(grpc.status.INVALID_ARGUMENT, 'the batch has no data column');
    for (let row = 0; row < batch.numRows; row++) {
      const value = data.get(row) as Uint8Array | null;
      if (value) chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  }
  return Buffer.concat(chunks);
}

function applyPut(objects: Map<string, BaseAndPatches>, descriptor: FlightDescriptor | undefined, data: Buffer): BaseAndPatches {
  if (!descriptor) throw new RpcFailure(grpc.status.INVALID_ARGUMENT, 'the first FlightData has no descriptor');
  if (descriptor.type === DescriptorType.CMD) {
    const command = descriptor.cmd.toString('utf8');
    if (!command.startsWith('PATCH:')) throw new RpcFailure(grpc.status.INVALID_ARGUMENT, `unknown command ${command}`);
    const key = command.slice('PATCH:'.length);
    serverKey(key, false);
    const object = objects.get(key);
    if (!object) throw notFound(key);
    object.version += 1;
    object.patches.push({ version: object.version, data });
    return object;
  }
  const path = descriptor.path[0] ?? '';
  const parts = serverKey(path, true);
  const key = parts.length === 2 ? `${path}/${randomUUID()}` : path;
  const previous = objects.get(key);
  const version = (previous?.version ?? 0) + 1;
  const object: BaseAndPatches = { key, version, base: { version, data }, patches: [] };
  objects.set(key, object);
  return object;
}

/** The rows a DoGet sends for a caller at `since`. */
function rowsFor(object: BaseAndPatches, since: number): { version: bigint; kind: string; data: Uint8Array }[] {
  if (since === object.version) return [];
  const patches = object.patches.map((p) => ({ version: BigInt(p.version), kind: 'patch', data: p.data }));
  // Missing only patches (RFE445): send those. A version beyond the object's (the key now
  // names another object; the real server's answer is not documented) gets everything.
  if (since >= object.base.version && since < object.version) return patches.filter((p) => p.version > BigInt(since));
  return [{ version: BigInt(object.base.version), kind: 'base', data: object.base.data }, ...patches];
}

function doGetMessages(rows: ReturnType<typeof rowsFor>): FlightData[] {
  ensureArrowZstdEncoder();
  const writer = new RecordBatchStreamWriter({ compressionType: CompressionType.ZSTD });
  const stream = (rows.length === 0 ? writer.reset(undefined, getSchema).finish() : writer.writeAll([getBatch(rows)])).toUint8Array(true);
  return splitIpcStream(stream).map((m) => ({
    flightDescriptor: undefined,
    dataHeader: Buffer.from(m.dataHeader),
    appMetadata: EMPTY,
    dataBody: Buffer.from(m.dataBody.buffer, m.dataBody.byteOffset, m.dataBody.byteLength),
  }));
}

function send<T>(callback: grpc.sendUnaryData<T>, work: () => T): void {
  try {
    callback(null, work());
  } catch (error) {
    callback(toServiceError(error));
  }
}

/** The Flight service over `objects`; `endpoint()` names the replica in ObjectRefs and FlightInfo. */
export function flightCacheService(objects: Map<string, BaseAndPatches>, endpoint: () => string, log: CacheCallLog): grpc.UntypedServiceImplementation {
  return {
    doPut: (call: grpc.ServerDuplexStream<FlightData, PutResult>) => {
      const done = log.record('DoPut', call);
      collect(call)
        .then(async (messages) => {
          if (messages.length === 0) throw new RpcFailure(grpc.status.INVALID_ARGUMENT, 'empty DoPut stream');
          const object = applyPut(objects, messages[0]!.flightDescriptor, putData(messages));
          const ref = encodeObjectRef({ endpoint: endpoint(), key: object.key, version: object.version });
          if (await writeAll(call, [{ appMetadata: Buffer.from(ref) }])) call.end();
        })
        .catch((error) => call.emit('error', toServiceError(error)))
        .finally(done);
    },
    doGet: (call: grpc.ServerWritableStream<Ticket, FlightData>) => {
      const done = log.record('DoGet', call);
      const run = async () => {
        await log.delay('DoGet');
        const ticket = call.request.ticket.toString('utf8');
        const colon = ticket.indexOf(':');
        const key = colon < 0 ? ticket : ticket.slice(0, colon);
        const since = colon < 0 ? 0 : Number(ticket.slice(colon + 1));
        if (!Number.isSafeInteger(since) || since < 0) throw new RpcFailure(grpc.status.INVALID_ARGUMENT, `invalid ticket ${ticket}`);
        serverKey(key, false);
        const object = objects.get(key);
        if (!object) throw notFound(key);
        if (await writeAll(call, doGetMessages(rowsFor(object, since)))) call.end();
      };
      run()
        .catch((error) => call.emit('error', toServiceError(error)))
        .finally(done);
    },
    doAction: (call: grpc.ServerWritableStream<Action, Result>) => {
      const done = log.record('DoAction', call);
      const run = async () => {
        if (call.request.type !== 'DELETE') throw new RpcFailure(grpc.status.INVALID_ARGUMENT, `unknown action ${call.request.type}`);
        const matches = deleteMatcher(call.request.body.toString('utf8'));
        for (const key of [...objects.keys()]) if (matches(key)) objects.delete(key);
        if (await writeAll(call, [{ body: Buffer.from('OK') }])) call.end();
      };
      run()
        .catch((error) => call.emit('error', toServiceError(error)))
        .finally(done);
    },
    getFlightInfo: (call: grpc.ServerUnaryCall<FlightDescriptor, FlightInfo>, callback: grpc.sendUnaryData<FlightInfo>) => {
      const done = log.record('GetFlightInfo', call);
      send(callback, () => {
        const key = call.request.path[0] ?? '';
        serverKey(key, false);
        const object = objects.get(key);
        if (!object) throw notFound(key);
        return info(object, endpoint());
      });
      done();
    },
    getSchema: (call: grpc.ServerUnaryCall<FlightDescriptor, { schema: Buffer }>, callback: grpc.sendUnaryData<{ schema: Buffer }>) => {
      const done = log.record('GetSchema', call);
      send(callback, () => {
        const stream = new RecordBatchStreamWriter().reset(undefined, getSchema).finish().toUint8Array(true);
        return { schema: Buffer.from(stream.subarray(0, stream.byteLength - 8)) };
      });
      done();
    },
    listFlights: (call: grpc.ServerWritableStream<object, FlightInfo>) => {
      const done = log.record('ListFlights', call);
      void writeAll(call, [...objects.values()].map((o) => info(o, endpoint())))
        .then((ok) => ok && call.end())
        .finally(done);
    },
  };
}
