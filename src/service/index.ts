export * from './errors.js';
export * from './instance-server.js';
