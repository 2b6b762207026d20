// Entry point `flame-pie-rx/flame`: the Flame client, its model and its gRPC core.
export * from './model/flame/index.js';
export * from './transport/grpc/index.js';
export * from './observables/flame/index.js';
export * from './service/index.js';
