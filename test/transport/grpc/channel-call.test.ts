// The call shapes make their calls on the grpc-js channel directly (channel-call.ts), not
// through the generated client: what grpc-js's Client layer did for them is checked here
// against a real grpc-js server on port 0 whose handlers break the rules on purpose (a
// unary answer of no message or of two, bytes the client cannot parse, a request it
// cannot serialise), with the texts grpc-js gives.
import * as grpc from '@grpc/grpc-js';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlameError } from '../../../src/model/flame/errors.js';
import type { GrpcMethod } from '../../../src/transport/grpc/call-target.js';
import { FlameChannel, sharedGrpcCallSettings } from '../../../src/transport/grpc/index.js';
import { grpcServerStream } from '../../../src/transport/grpc/server-stream.js';
import { grpcUnary } from '../../../src/transport/grpc/unary.js';
import { errorOf, fastBackoff } from './helpers/channel-helpers.js';

const text = (s: string) => Buffer.from(s);
const untext = (b: Buffer) => b.toString();

/** Every handler streams (so it may send any number of messages); `count` in the request says how many. */
function handler(call: grpc.ServerWritableStream<Buffer, Buffer>): void {
  const count = Number(call.request.toString());
  for (let i = 0; i < count; i++) call.write(text(`m${i}`));
  call.end();
}
const service: grpc.ServiceDefinition = {
  Send: {
    path: '/test.Rules/Send',
    requestStream: false,
    responseStream: true,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

const method: GrpcMethod<string, string> = { path: '/test.Rules/Send', rpcName: 'Send', serialize: text, deserialize: untext };
const settings = () => sharedGrpcCallSettings({});

let server: grpc.Server;
let channel: FlameChannel;
let received = 0;
const cancelled: string[] = [];

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(service, {
    Send: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      received += 1;
      call.on('cancelled', () => cancelled.push(call.request.toString()));
      const request = call.request.toString();
      if (request.startsWith('hold:')) {
        for (let i = 0; i < Number(request.slice(5)); i++) call.write(text(`m${i}`));
        return; // never ends: the client cancels
      }
      handler(call);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  channel = new FlameChannel(`http://127.0.0.1:${port}`, { backoff: fastBackoff });
});

afterAll(() => {
  channel.close();
  server.forceShutdown();
});

describe('unary calls on the channel', () => {
  it('one answer then OK: the answer', async () => {
    expect(await lastValueFrom(grpcUnary(channel, method, '1', settings, (s) => s.toUpperCase()))).toBe('M0');
  });

  it('OK without an answer fails UNIMPLEMENTED, "No message received"', async () => {
    const error = await errorOf(grpcUnary(channel, method, '0', settings, (s) => s));
    expect(error).toBeInstanceOf(FlameError);
    expect(error).toMatchObject({ codeName: 'UNIMPLEMENTED', serverMessage: 'No message received', method: 'Send' });
  });

  it('two answers fail UNIMPLEMENTED, "Too many responses received"', async () => {
    const error = await errorOf(grpcUnary(channel, method, '2', settings, (s) => s));
    expect(error).toMatchObject({ codeName: 'UNIMPLEMENTED', serverMessage: 'Too many responses received' });
  });

  it('an answer the client cannot parse fails INTERNAL with the parser message', async () => {
    const broken: GrpcMethod<string, string> = { ...method, deserialize: () => { throw new Error('not a Send reply'); } };
    const error = await errorOf(grpcUnary(channel, broken, '1', settings, (s) => s));
    expect(error).toMatchObject({ codeName: 'INTERNAL', serverMessage: 'Response message parsing error: not a Send reply' });
  });

  it('a request the client cannot serialise fails INTERNAL and reaches no handler', async () => {
    const before = received;
    const broken: GrpcMethod<string, string> = { ...method, serialize: () => { throw new Error('no bytes for this'); } };
    const error = await errorOf(grpcUnary(channel, broken, '1', settings, (s) => s));
    expect(error).toMatchObject({ codeName: 'INTERNAL', serverMessage: 'Request message serialization failure: no bytes for this' });
    await lastValueFrom(grpcUnary(channel, method, '1', settings, (s) => s)); // one more call, to be sure the server saw all
    expect(received - before).toBe(1);
  });
});

describe('server streams on the channel', () => {
  it('delivers 5,000 messages in order (each read asked for after the one before), then completes', async () => {
    const all = await lastValueFrom(grpcServerStream(channel, method, '5000', settings, (s) => s).pipe(toArray()));
    expect(all).toHaveLength(5000);
    expect(all.every((m, i) => m === `m${i}`)).toBe(true);
  });

  it('a message the client cannot parse fails INTERNAL, delivers nothing after it, and cancels the stream at the server', async () => {
    let n = 0;
    const broken: GrpcMethod<string, string> = {
      ...method,
      deserialize: (b) => {
        if (++n === 3) throw new Error('third is bad');
        return untext(b);
      },
    };
    const seen: string[] = [];
    const error = await new Promise((resolve) =>
      grpcServerStream(channel, broken, 'hold:5', settings, (s) => s).subscribe({ next: (m) => seen.push(m), error: resolve }),
    );
    expect(error).toMatchObject({ codeName: 'INTERNAL', serverMessage: 'Response message parsing error: third is bad' });
    expect(seen).toEqual(['m0', 'm1']);
    await expect.poll(() => cancelled).toContain('hold:5');
  });

  it('unsubscribing cancels the stream at the server', async () => {
    const seen: string[] = [];
    const subscription = grpcServerStream(channel, method, 'hold:1', settings, (s) => s).subscribe((m) => seen.push(m));
    await expect.poll(() => seen).toEqual(['m0']);
    subscription.unsubscribe();
    await expect.poll(() => cancelled).toContain('hold:1');
  });
});
