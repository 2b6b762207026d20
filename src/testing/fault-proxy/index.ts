// Barrel of src/testing/fault-proxy: a loopback TCP proxy with faults a test triggers.
export { FaultProxy, type FaultProxyOptions, type FaultProxyStats, type FaultProxyTarget, type KillMode } from './fault-proxy.js';
