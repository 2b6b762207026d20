// Barrel of src/transport/ws: the Pie WebSocket transport (browser-safe: no static Node imports).
export * from './messages.js';
export * from './codec.js';
export * from './generations.js';
export * from './upgrade-refusal.js';
export * from './correlation.js';
export * from './request-table.js';
export * from './request-exchange.js';
export * from './request-timeout.js';
export * from './frame-sender.js';
export * from './heartbeat.js';
export * from './inbound-gate.js';
export * from './reconnect-loop.js';
export * from './socket.js';
export * from './socket-events.js';
export * from './session.js';
export * from './connection-options.js';
export * from './connection.js';
