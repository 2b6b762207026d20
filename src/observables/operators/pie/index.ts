// Barrel of src/observables/operators/pie: RxJS operators over Pie process events.
export * from './of-kind.js';
export * from './stdout-text.js';
export * from './return-value.js';
export * from './until-process-end.js';
export * from './process-idle-timeout.js';
