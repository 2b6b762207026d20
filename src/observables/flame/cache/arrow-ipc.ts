// Arrow IPC in Flight messages: FlightData.data_header is a flatbuffer Message without the
// stream framing (0xFFFFFFFF, int32 length), data_body its body. apache-arrow reads and
// writes whole IPC streams, so these functions add and strip that framing.
import {
  Binary,
  Field,
  Message,
  RecordBatch,
  RecordBatchReader,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Uint64,
  Utf8,
  makeData,
} from 'apache-arrow';
import { ensureArrowZstdDecoder } from './zstd.js';

/** One IPC message as Flight carries it. */
export interface IpcMessage {
  readonly dataHeader: Uint8Array;
  readonly dataBody: Uint8Array;
}

/** What a put sends (flame.md 6.2): `version: UInt64`, `data: Binary`, both non-null. */
export const putSchema = new Schema([new Field('version', new Uint64(), false), new Field('data', new Binary(), false)]);

/** What a get answers: `version: UInt64`, `kind: Utf8` (`base`/`patch`), `data: Binary`. */
export const getSchema = new Schema([
  new Field('version', new Uint64(), false),
  new Field('kind', new Utf8(), false),
  new Field('data', new Binary(), false),
]);

function binaryData(values: readonly Uint8Array[]) {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    total += v.byteLength;
    offsets[i + 1] = total;
  });
  const data = values.length === 1 ? values[0]! : Buffer.concat(values);
  return makeData({ type: new Binary(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}

function utf8Data(values: readonly string[]) {
  const bytes = values.map((v) => Buffer.from(v, 'utf8'));
  const offsets = new Int32Array(values.length + 1);
  bytes.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.byteLength));
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: Buffer.concat(bytes) });
}

/** A one-or-more-row batch of `putSchema`. */
export function putBatch(rows: readonly { version: bigint; data: Uint8Array }[]): RecordBatch {
  const version = makeData({ type: new Uint64(), length: rows.length, nullCount: 0, data: BigUint64Array.from(rows.map((r) => r.version)) });
  const data = binaryData(rows.map((r) => r.data));
  return new RecordBatch(putSchema, makeData({ type: new Struct(putSchema.fields), length: rows.length, nullCount: 0, children: [version, data] }));
}

/** A batch of `getSchema`. */
export function getBatch(rows: readonly { version: bigint; kind: string; data: Uint8Array }[]): RecordBatch {
  const version = makeData({ type: new Uint64(), length: rows.length, nullCount: 0, data: BigUint64Array.from(rows.map((r) => r.version)) });
  const kind = utf8Data(rows.map((r) => r.kind));
  const data = binaryData(rows.map((r) => r.data));
  return new RecordBatch(getSchema, makeData({ type: new Struct(getSchema.fields), length: rows.length, nullCount: 0, children: [version, kind, data] }));
}

/** Splits an IPC stream into its messages (schema first), dropping the end marker. */
export function splitIpcStream(stream: Uint8Array): IpcMessage[] {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const out: IpcMessage[] = [];
  let at = 0;
  while (at + 8 <= stream.byteLength) {
    let length = view.getInt32(at, true);
    at += 4;
    if (length === -1) {
      length = view.getInt32(at, true);
      at += 4;
    }
    if (length === 0) break;
    const dataHeader = stream.subarray(at, at + length);
    at += length;
    const bodyLength = Number(Message.decode(dataHeader).bodyLength);
    out.push({ dataHeader, dataBody: stream.subarray(at, at + bodyLength) });
    at += bodyLength;
  }
  return out;
}

/** Frames Flight messages back into an IPC stream (with the end marker). */
export function joinIpcStream(messages: readonly IpcMessage[]): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const m of messages) {
    const padded = (m.dataHeader.byteLength + 7) & ~7;
    const prefix = Buffer.alloc(8);
    prefix.writeInt32LE(-1, 0);
    prefix.writeInt32LE(padded, 4);
    pieces.push(prefix, m.dataHeader);
    if (padded > m.dataHeader.byteLength) pieces.push(Buffer.alloc(padded - m.dataHeader.byteLength));
    pieces.push(m.dataBody);
  }
  pieces.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
  return Buffer.concat(pieces);
}

/** The schema message and the batch message of `batch`. */
export function batchMessages(batch: RecordBatch): { schema: IpcMessage; batch: IpcMessage } {
  const [schema, body] = splitIpcStream(RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true));
  return { schema: schema!, batch: body! };
}

/** Reads the record batches of Flight messages (ZSTD bodies included). */
export function readBatches(messages: readonly IpcMessage[]): RecordBatch[] {
  ensureArrowZstdDecoder();
  if (messages.length === 0) return [];
  return [...RecordBatchReader.from(joinIpcStream(messages))];
}
