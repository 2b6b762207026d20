// Entry point `flame-pie-rx/testing`: in-process emulators of the Flame session manager
// and the Pie engine, speaking the real protocols over loopback sockets.
export * from './testing/flame/index.js';
export * from './testing/pie/index.js';
export * from './testing/fault-proxy/index.js';
export * from './testing/flame/cache/index.js';
