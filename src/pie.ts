// Entry point `flame-pie-rx/pie`: the Pie client, its model and its WebSocket core.
// Browser-safe: nothing on this path imports a Node-only module statically.
export * from './model/pie/index.js';
export * from './transport/ws/index.js';
export * from './observables/pie/index.js';
