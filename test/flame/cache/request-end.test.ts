// A request stream tells a client's cancel from its end by the HTTP/2 stream's state, on
// the grpc-js in use: a real server on port 0, a real client, both ends.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endedByReset, http2StreamOf } from '../../../src/testing/flame/cache/request-end.js';
import { CANCEL_GRACE_TURNS } from '../../../src/testing/flame/cache/write-out.js';

const path = '/probe.Probe/Collect';
const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const definition: grpc.ServiceDefinition = {
  Collect: { path, requestStream: true, responseStream: false, requestSerialize: bytes.serialize, requestDeserialize: bytes.deserialize, responseSerialize: bytes.serialize, responseDeserialize: bytes.deserialize },
};

describe('request-end: a cancel or an end, read just after the request side ends', () => {
  let server: grpc.Server;
  let client: grpc.Client;
  const ends: Array<{ reset: boolean | undefined; found: boolean; withinGrace: boolean }> = [];
  let onEnd: () => void = () => undefined;

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(definition, {
      Collect: (call: grpc.ServerReadableStream<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        call.on('data', () => undefined);
        call.on('error', () => undefined);
        call.on('end', () => {
          // The reset, when there is one, is read after the end: look for it over a few turns.
          let turns = 0;
          const look = () => {
            const reset = endedByReset(call);
            if (reset === false && ++turns < 50) return void setImmediate(look);
            ends.push({ reset, found: http2StreamOf(call) !== undefined, withinGrace: turns < CANCEL_GRACE_TURNS });
            onEnd();
            if (!call.cancelled) callback(null, Buffer.from('ok'));
          };
          look();
        });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  function collect(): { call: grpc.ClientWritableStream<Buffer>; reply: Promise<Buffer> } {
    let call!: grpc.ClientWritableStream<Buffer>;
    const reply = new Promise<Buffer>((resolve, reject) => {
      call = client.makeClientStreamRequest(path, bytes.serialize, bytes.deserialize, (e, r) => (e ? reject(e) : resolve(r!)));
    });
    return { call, reply };
  }

  function nextEnd(): Promise<(typeof ends)[number]> {
    const count = ends.length;
    return new Promise((resolve) => {
      onEnd = () => {
        if (ends.length > count) resolve(ends[ends.length - 1]!);
      };
    });
  }

  it('a request stream the client ended stays not reset, and the reply goes out', async () => {
    const end = nextEnd();
    const { call, reply } = collect();
    call.write(Buffer.from('a'));
    call.end();
    expect(await end).toMatchObject({ reset: false, found: true });
    expect((await reply).toString()).toBe('ok');
  });

  it('a request stream the client cancelled reads as reset a few turns after its end', async () => {
    const end = nextEnd();
    const { call, reply } = collect();
    reply.catch(() => undefined);
    call.write(Buffer.from('a'));
    await new Promise((r) => setTimeout(r, 20));
    call.cancel();
    // ...and the emulator's cache waits long enough to read it.
    expect(await end).toEqual({ reset: true, found: true, withinGrace: true });
    await expect(reply).rejects.toMatchObject({ code: grpc.status.CANCELLED });
  });

  it('a call object without grpc-js internals reads as unknown, not as an end', () => {
    expect(endedByReset({})).toBeUndefined();
    expect(endedByReset({ call: { nextCall: { stream: 'x' } } })).toBeUndefined();
  });
});
