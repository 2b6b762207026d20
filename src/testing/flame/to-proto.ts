// Wire messages built from the store's records (flame.md 2.4, 3.3.4–3.3.8).
import {
  ApplicationState,
  type Application,
  type ApplicationSpec,
  type Session,
  type Task,
} from '../../gen/flame/v1/types.js';
import type { ApplicationRecord, SessionRecord, TaskRecord } from './records.js';

/**
 * Server default of an application's max_instances when absent.
 *
 * @example
 * ```ts
 * import { DEFAULT_APPLICATION_MAX_INSTANCES } from './to-proto.js';
 * DEFAULT_APPLICATION_MAX_INSTANCES; // => 1000000
 * ```
 */
export const DEFAULT_APPLICATION_MAX_INSTANCES = 1_000_000;
/**
 * Server default of an application's delay_release (seconds) when absent.
 *
 * @example
 * ```ts
 * import { DEFAULT_APPLICATION_DELAY_RELEASE } from './to-proto.js';
 * DEFAULT_APPLICATION_DELAY_RELEASE; // => 60n
 * ```
 */
export const DEFAULT_APPLICATION_DELAY_RELEASE = 60n;

/**
 * The wire Task: `events` only when asked (GetTask); streamed and created tasks carry none.
 *
 * @example
 * ```ts
 * import { taskToProto } from './to-proto.js';
 * const task = { id: 1, sessionId: 's', state: 0, creationTime: 0, events: [], listeners: new Set() };
 * taskToProto(task, { withEvents: true }).metadata; // => { id: '1', name: '1' }
 * ```
 */
export function taskToProto(task: TaskRecord, options: { withEvents: boolean }): Task {
  const name = `${task.id}`;
  return {
    metadata: { id: name, name },
    spec: {
      sessionId: task.sessionId,
      ...(task.input ? { input: task.input } : {}),
      ...(task.output ? { output: task.output } : {}),
      affinity: task.affinity ? [...task.affinity] : [],
    },
    status: {
      state: task.state,
      creationTime: BigInt(task.creationTime),
      ...(task.completionTime !== undefined ? { completionTime: BigInt(task.completionTime) } : {}),
      events: options.withEvents ? task.events.map((e) => ({ ...e })) : [],
    },
  };
}

/**
 * The wire Session with live counters; session events only for GetSession/ListSession.
 *
 * @example
 * ```ts
 * import { ApplicationRegistry } from './applications.js';
 * import { FlameStore } from './state.js';
 * import { sessionToProto } from './to-proto.js';
 * const apps = new ApplicationRegistry(Date.now);
 * apps.register('demo', { shim: 0, labels: [], arguments: [], environments: [] });
 * const store = new FlameStore(apps, { clock: Date.now, stamp: Date.now });
 * const session = store.createSession('s1', { application: 'demo', minInstances: 0, batchSize: 1, priority: 0 });
 * sessionToProto(session, { withEvents: false }).spec?.batchSize; // => 1
 * ```
 */
export function sessionToProto(session: SessionRecord, options: { withEvents: boolean }): Session {
  const c = session.counts;
  return {
    metadata: { id: session.id, name: session.id },
    spec: {
      application: session.application,
      ...(session.commonData ? { commonData: session.commonData } : {}),
      minInstances: session.minInstances,
      ...(session.maxInstances !== undefined ? { maxInstances: session.maxInstances } : {}),
      batchSize: session.batchSize,
      priority: session.priority,
      resreq: { ...session.resreq },
      // Tokens are secrets: not echoed (flame-0.7.md 3.3 leaves it open; 5.2.4's default).
      tokens: {},
    },
    status: {
      state: session.state,
      creationTime: BigInt(session.creationTime),
      ...(session.completionTime !== undefined ? { completionTime: BigInt(session.completionTime) } : {}),
      pending: c[0]!,
      running: c[1]!,
      succeed: c[2]!,
      failed: c[3]!,
      cancelled: c[4]!,
      events: options.withEvents ? session.events.map((e) => ({ ...e })) : [],
    },
  };
}

/**
 * The wire Application with the read defaults applied (max_instances 1,000,000,
 * delay_release 60 s).
 *
 * @example
 * ```ts
 * import { applicationToProto } from './to-proto.js';
 * const app = { name: 'demo', creationTime: 0, spec: { shim: 0, labels: [], arguments: [], environments: [] } };
 * applicationToProto(app).spec?.maxInstances; // => 1000000
 * ```
 */
export function applicationToProto(app: ApplicationRecord): Application {
  const spec: ApplicationSpec = {
    ...app.spec,
    labels: [...app.spec.labels],
    arguments: [...app.spec.arguments],
    environments: app.spec.environments.map((e) => ({ ...e })),
    maxInstances: app.spec.maxInstances ?? DEFAULT_APPLICATION_MAX_INSTANCES,
    delayRelease: app.spec.delayRelease ?? DEFAULT_APPLICATION_DELAY_RELEASE,
  };
  return {
    metadata: { id: app.name, name: app.name },
    spec,
    status: {
      state: app.disabled ? ApplicationState.Disabled : ApplicationState.Enabled,
      creationTime: BigInt(app.creationTime),
    },
  };
}
