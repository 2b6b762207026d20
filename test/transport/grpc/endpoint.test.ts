import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../../src/model/errors.js';
import { defaultBackoffPolicy, backoffPolicy } from '../../../src/transport/backoff.js';
import {
  DEFAULT_FLAME_PORT,
  FlameChannel,
  FlameEndpointError,
  FlameTlsConfigError,
  FlameTransportOptionError,
  flameChannelCredentials,
  flameGrpcChannelOptions,
  grpcCallSettings,
  parseFlameEndpoint,
} from '../../../src/transport/grpc/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flame-endpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseFlameEndpoint', () => {
  it('parses plaintext and TLS endpoints', () => {
    expect(parseFlameEndpoint('http://127.0.0.1:9000')).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      scheme: 'http',
      tls: false,
      host: '127.0.0.1',
      port: 9000,
      target: '127.0.0.1:9000',
      serverName: '127.0.0.1',
    });
    const tls = parseFlameEndpoint('HTTPS://Flame.Example.com:8443/');
    expect(tls).toMatchObject({ scheme: 'https', tls: true, host: 'flame.example.com', port: 8443 });
    expect(tls.serverName).toBe('flame.example.com');
  });

  it('defaults a missing port to 8080 like the Python SDK', () => {
    expect(DEFAULT_FLAME_PORT).toBe(8080);
    expect(parseFlameEndpoint('http://flame').target).toBe('flame:8080');
    expect(parseFlameEndpoint('https://flame').port).toBe(8080);
  });

  it("keeps an explicit port equal to the scheme's default", () => {
    expect(parseFlameEndpoint('http://flame:80').port).toBe(80);
    expect(parseFlameEndpoint('https://flame:443').port).toBe(443);
  });

  it('handles IPv6 literals', () => {
    const endpoint = parseFlameEndpoint('http://[::1]:7000');
    expect(endpoint.host).toBe('::1');
    expect(endpoint.target).toBe('[::1]:7000');
    expect(parseFlameEndpoint('http://[::1]').target).toBe('[::1]:8080');
  });

  it.each([
    ['', 'expected a URL'],
    ['flame:8080', 'expected a URL'],
    ['127.0.0.1:8080', 'expected a URL'],
    ['grpc://flame:8080', 'unsupported scheme "grpc"'],
    ['ftp://flame', 'unsupported scheme "ftp"'],
    ['http://', 'missing host'],
    ['http://flame:', 'empty port'],
    ['http://flame:0', 'port must be within'],
    ['http://flame:70000', 'port must be within'],
    ['http://flame:80a', 'malformed'],
    ['http://flame:8080/api', 'path'],
    ['http://flame:8080?x=1', 'path, query'],
    ['http://fla me:8080', 'malformed'],
    ['http://[::1:8080', 'malformed'],
  ])('rejects %j with a typed error', (text, reason) => {
    let caught: unknown;
    try {
      parseFlameEndpoint(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlameEndpointError);
    expect(caught).toBeInstanceOf(ClientError);
    expect((caught as Error).message).toContain(reason);
    expect((caught as FlameEndpointError).retryable).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(() => parseFlameEndpoint(undefined as unknown as string)).toThrow(FlameEndpointError);
    expect(() => parseFlameEndpoint(8080 as unknown as string)).toThrow(FlameEndpointError);
  });

  it('never puts user info in the message', () => {
    let caught: FlameEndpointError | undefined;
    try {
      parseFlameEndpoint('https://admin:hunter2@flame:8080');
    } catch (error) {
      caught = error as FlameEndpointError;
    }
    expect(caught).toBeInstanceOf(FlameEndpointError);
    expect(caught!.message).not.toContain('hunter2');
    expect(caught!.endpoint).toBe('https://[redacted]@flame:8080');
  });
});

describe('flameChannelCredentials', () => {
  it('is plaintext for http, ignoring (and not reading) a configured CA file', () => {
    const creds = flameChannelCredentials(parseFlameEndpoint('http://flame:1'), { caFile: join(dir, 'missing.pem') });
    expect(creds._isSecure()).toBe(false);
  });

  it('is TLS for https, with the system store when no CA is given', () => {
    const creds = flameChannelCredentials(parseFlameEndpoint('https://flame:1'));
    expect(creds).toBeInstanceOf(ChannelCredentials);
    expect(creds._isSecure()).toBe(true);
  });

  it('names an unreadable CA file in a typed error', () => {
    const missing = join(dir, 'no-such-ca.pem');
    let caught: unknown;
    try {
      flameChannelCredentials(parseFlameEndpoint('https://flame:1'), { caFile: missing });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlameTlsConfigError);
    expect((caught as FlameTlsConfigError).caFile).toBe(missing);
    expect((caught as Error).message).toContain(missing);
    expect((caught as Error).message).toContain('ENOENT');
  });

  it('refuses a CA file or CA text without a certificate, without echoing it', () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate at all');
    expect(() => flameChannelCredentials(parseFlameEndpoint('https://flame:1'), { caFile: garbage })).toThrow(
      /CA file .*garbage\.pem holds no PEM certificate/,
    );
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(() => flameChannelCredentials(parseFlameEndpoint('https://flame:1'), { ca: broken })).toThrow(
      FlameTlsConfigError,
    );
    expect(() => flameChannelCredentials(parseFlameEndpoint('https://flame:1'), { ca: broken })).toThrow(
      'the CA text holds an invalid PEM certificate',
    );
  });

  it('refuses both caFile and ca at once', () => {
    expect(() => flameChannelCredentials(parseFlameEndpoint('https://flame:1'), { caFile: 'a.pem', ca: 'x' })).toThrow(
      FlameTlsConfigError,
    );
  });

  it('surfaces through the FlameChannel constructor', () => {
    expect(() => new FlameChannel('https://flame:1', { caFile: join(dir, 'absent.pem') })).toThrow(FlameTlsConfigError);
    expect(() => new FlameChannel('tcp://flame:1')).toThrow(FlameEndpointError);
  });
});

describe('channel and call options', () => {
  it('raises the receive limit, turns keepalive on, channelz off and aligns grpc-js reconnect backoff with the policy', () => {
    expect(flameGrpcChannelOptions({ backoff: defaultBackoffPolicy })).toMatchObject({
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.keepalive_time_ms': 15_000,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 10_000,
      'grpc.enable_channelz': 0,
    });
    const tuned = flameGrpcChannelOptions({
      backoff: backoffPolicy({ initialDelayMs: 0, maxDelayMs: 5 }),
      maxReceiveMessageBytes: 1024,
      keepaliveTimeMs: 1000,
      keepaliveTimeoutMs: 500,
    });
    expect(tuned).toMatchObject({
      'grpc.max_receive_message_length': 1024,
      'grpc.keepalive_time_ms': 1000,
      'grpc.keepalive_timeout_ms': 500,
      'grpc.initial_reconnect_backoff_ms': 10,
      'grpc.max_reconnect_backoff_ms': 10,
    });
  });

  it.each([
    [{ maxReceiveMessageBytes: 0 }, 'maxReceiveMessageBytes'],
    [{ keepaliveTimeMs: -1 }, 'keepaliveTimeMs'],
    [{ keepaliveTimeoutMs: 1.5 }, 'keepaliveTimeoutMs'],
  ])('rejects channel option %j', (options, name) => {
    expect(() => new FlameChannel('http://127.0.0.1:1', options)).toThrow(FlameTransportOptionError);
    expect(() => new FlameChannel('http://127.0.0.1:1', options)).toThrow(name);
  });

  it('waits for ready by default and counts the deadline from now', () => {
    const before = Date.now();
    const settings = grpcCallSettings({ deadlineMs: 1000 });
    expect(settings.metadata.getOptions().waitForReady).toBe(true);
    expect(settings.callOptions.deadline).toBeGreaterThanOrEqual(before + 1000);
    expect(grpcCallSettings({ waitForReady: false }).metadata.getOptions().waitForReady).toBe(false);
    expect(grpcCallSettings().callOptions.deadline).toBeUndefined();
    expect(() => grpcCallSettings({ deadlineMs: -1 })).toThrow(FlameTransportOptionError);
    expect(() => grpcCallSettings({ deadlineMs: Number.NaN })).toThrow(FlameTransportOptionError);
  });
});
