// Barrel of src/transport/grpc: the reconnecting gRPC core of the Flame client.
export * from './errors.js';
export * from './endpoint.js';
export * from './credentials.js';
export * from './channel-options.js';
export * from './channel-state.js';
export * from './reconnect-states.js';
export * from './channel.js';
export * from './methods.js';
export * from './unary.js';
export * from './server-stream.js';
export * from './bidi-stream.js';
export * from './idempotent-reads.js';
export * from './cancel-pacer.js';
export * from './oversized-status.js';
