// Entry point `flame-pie-rx`: shared types, errors and operators.
export * from './transport/connection-state.js';
export * from './transport/backoff.js';
export * from './transport/should-retry.js';
export * from './transport/retry-with-backoff.js';
export * from './model/errors.js';
export * from './observables/operators/flame/index.js';
export * from './observables/operators/pie/index.js';
