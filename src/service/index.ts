export * from './errors.js';
export * from './instance-server.js';
export * from './instance-versions.js';
export * from './attributes.js';
