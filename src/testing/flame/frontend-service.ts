// The RPCs of flame.v1.Frontend over the emulator's store: the 18 of 0.6 (flame.md 3.4)
// and the 20 of 0.7 (flame-0.7.md 2.2), keyed by grpc-js method name; the emulator serves
// the ones of its version.
import { type handleServerStreamingCall, type handleUnaryCall, status } from '@grpc/grpc-js';
import type {
  FrontendServer,
  ListApplicationsRequest,
  ListExecutorsRequest,
  ListSessionsRequest,
  ListTasksRequest,
  WatchTaskRequest,
} from '../../gen/flame/v1/frontend.js';
import {
  type ApplicationList,
  ApplicationState,
  type ExecutorList,
  type SessionList,
  SessionState,
  type Task,
} from '../../gen/flame/v1/types.js';
import type { CallRegistry } from './call-registry.js';
import { RpcFailure } from './errors.js';
import { flameMessages } from './messages.js';
import { emulatorNode, executorToProto } from './node-info.js';
import { isTerminalState, type TaskListener } from './records.js';
import { bidiHandler, streamHandler, unaryHandler } from './rpc-wrappers.js';
import type { TaskScheduler } from './scheduler.js';
import type { FlameStore } from './state.js';
import { applicationToProto, sessionToProto, taskToProto } from './to-proto.js';
import { parseTaskId, validateApplicationSpec } from './validate.js';
import { WatchTasksStreams, serveWatchTasks } from './watch-tasks-service.js';

/** What the service implementation needs. */
export interface FrontendDependencies {
  store: FlameStore;
  scheduler: TaskScheduler;
  registry: CallRegistry;
  /** Shuffle list answers, to catch clients that depend on an order the server does not give. */
  shuffleLists: boolean;
  /** The open 0.7 WatchTasks streams and their test controls. */
  watchTasks?: WatchTasksStreams;
}

function shuffled<T>(items: T[], enabled: boolean): T[] {
  if (!enabled) return items;
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const result = (failure: string | undefined) =>
  failure === undefined ? { returnCode: 0 } : { returnCode: -1, message: failure };

/**
 * Builds the grpc-js implementation of `flame.v1.Frontend`.
 *
 * @example
 * ```ts
 * import * as grpc from '@grpc/grpc-js';
 * import { FrontendService } from '../../gen/flame/v1/frontend.js';
 * import { ApplicationRegistry } from './applications.js';
 * import { CallRegistry } from './call-registry.js';
 * import { createFrontendService } from './frontend-service.js';
 * import { TaskScheduler } from './scheduler.js';
 * import { FlameStore } from './state.js';
 * const store = new FlameStore(new ApplicationRegistry(Date.now), { clock: Date.now, stamp: Date.now });
 * const scheduler = new TaskScheduler(store, 'node-1');
 * const server = new grpc.Server();
 * server.addService(FrontendService, createFrontendService({ store, scheduler, registry: new CallRegistry(), shuffleLists: true }));
 * ```
 */
/** The handlers of every Frontend RPC of both versions, by grpc-js method name. */
export type FrontendHandlers = FrontendServer & {
  listApplication: handleUnaryCall<ListApplicationsRequest, ApplicationList>;
  listExecutor: handleUnaryCall<ListExecutorsRequest, ExecutorList>;
  listSession: handleUnaryCall<ListSessionsRequest, SessionList>;
  watchTask: handleServerStreamingCall<WatchTaskRequest, Task>;
  listTask: handleServerStreamingCall<ListTasksRequest, Task>;
};

export function createFrontendService(deps: FrontendDependencies): FrontendHandlers {
  const { store, scheduler, registry } = deps;
  const apps = store.applications;
  const unary = <Req, Res>(method: string, impl: (request: Req) => Res) => unaryHandler(registry, method, impl);
  const watchStreams = deps.watchTasks ?? new WatchTasksStreams();
  const listApplications = (request: ListApplicationsRequest) => {
    const state = request.state;
    if (state !== undefined && ApplicationState[state] === undefined) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidFilter('state'));
    }
    const all = apps
      .all()
      .filter((a) => state === undefined || (state === ApplicationState.Disabled) === (a.disabled === true));
    // Not shuffled: the real 0.6 server lists applications sorted by name (flame-0.6-observed.md).
    return { applications: all.map(applicationToProto) };
  };
  const listExecutors = () => ({
    executors: shuffled(
      [...scheduler.executors.values()].map((e) => executorToProto(e, scheduler.nodeName)),
      deps.shuffleLists,
    ),
  });
  const listSessions = (request: ListSessionsRequest) => {
    const { application, state, ids } = request;
    if (state !== undefined && SessionState[state] === undefined) {
      throw new RpcFailure(status.INVALID_ARGUMENT, flameMessages.invalidFilter('state'));
    }
    const wanted = ids.length > 0 ? new Set(ids) : undefined;
    const sessions = [...store.sessions.values()].filter(
      (s) =>
        (application === undefined || s.application === application) &&
        (state === undefined || s.state === state) &&
        (wanted === undefined || wanted.has(s.id)),
    );
    return { sessions: shuffled(sessions.map((s) => sessionToProto(s, { withEvents: true })), deps.shuffleLists) };
  };
  const listTasks = (req: { sessionId: string }, out: { write(task: Task): void; end(): void }) => {
    const session = store.sessions.get(req.sessionId);
    if (!session) throw new RpcFailure(status.NOT_FOUND, req.sessionId);
    const tasks: Task[] = [];
    for (const task of session.tasks.values()) tasks.push(taskToProto(task, { withEvents: false }));
    for (const task of shuffled(tasks, deps.shuffleLists)) out.write(task);
    out.end();
  };

  return {
    // 0.6 requests carry no filter: the same code answers both names.
    listApplication: unary('listApplication', () => listApplications({})),
    listApplications: unary('listApplications', listApplications),
    listExecutor: unary('listExecutor', listExecutors),
    listExecutors: unary('listExecutors', listExecutors),
    listSession: unary('listSession', () => listSessions({ ids: [] })),
    listSessions: unary('listSessions', listSessions),
    listTask: streamHandler(registry, 'listTask', listTasks),
    listTasks: streamHandler(registry, 'listTasks', listTasks),
    suspendSession: unary('suspendSession', (req: { sessionId: string }) =>
      sessionToProto(store.suspendSession(req.sessionId), { withEvents: false }),
    ),
    resumeSession: unary('resumeSession', (req: { sessionId: string }) =>
      sessionToProto(store.resumeSession(req.sessionId), { withEvents: false }),
    ),
    watchTasks: bidiHandler(registry, 'watchTasks', (io) => serveWatchTasks(store, watchStreams, io as never)),
    registerApplication: unary('registerApplication', (req) => {
      const spec = validateApplicationSpec(req.application);
      return result(apps.register(req.name, spec));
    }),
    unregisterApplication: unary('unregisterApplication', (req) => {
      if (store.version === '0.7') return result(store.disableApplication(req.name));
      const failure = apps.unregister(req.name, () => store.hasOpenSessions(req.name));
      if (failure === undefined) {
        for (const session of [...store.sessions.values()]) {
          if (session.application === req.name) store.dropSession(session);
        }
      }
      return result(failure);
    }),
    updateApplication: unary('updateApplication', (req) => {
      const spec = validateApplicationSpec(req.application);
      return result(apps.update(req.name, spec, () => store.hasOpenSessions(req.name)));
    }),
    getApplication: unary('getApplication', (req) => applicationToProto(apps.get(req.name))),
    listNodes: unary('listNodes', () => ({ nodes: [emulatorNode(scheduler.nodeName)] })),
    getNode: unary('getNode', (req) => {
      if (req.name !== scheduler.nodeName) throw new RpcFailure(status.NOT_FOUND, flameMessages.nodeNotFound(req.name));
      return { node: emulatorNode(scheduler.nodeName) };
    }),
    createSession: unary('createSession', (req) =>
      sessionToProto(store.createSession(req.sessionId, req.session), { withEvents: false }),
    ),
    // The answer is the session as it was before deletion; whether upstream includes session
    // events here is not documented: like the other mutating session RPCs, it carries none.
    deleteSession: unary('deleteSession', (req) =>
      sessionToProto(store.deleteSession(req.sessionId), { withEvents: false }),
    ),
    openSession: unary('openSession', (req) =>
      sessionToProto(store.openSession(req.sessionId, req.session), { withEvents: false }),
    ),
    closeSession: unary('closeSession', (req) =>
      sessionToProto(store.closeSession(req.sessionId), { withEvents: false }),
    ),
    getSession: unary('getSession', (req) => sessionToProto(store.getSession(req.sessionId), { withEvents: true })),
    createTask: unary('createTask', (req) => taskToProto(store.createTask(req.task).task, { withEvents: false })),
    getTask: unary('getTask', (req) =>
      taskToProto(store.getTask(req.sessionId, parseTaskId(req.taskId)), { withEvents: true }),
    ),
    watchTask: streamHandler(registry, 'watchTask', (req, out) => {
      const task = store.findTask(req.sessionId, parseTaskId(req.taskId));
      if (!task) return out.end();
      if (isTerminalState(task.state)) {
        out.write(taskToProto(task, { withEvents: false }));
        return out.end();
      }
      let lastState = task.state;
      const listener: TaskListener = {
        changed: (changed) => {
          if (changed.state === lastState) return;
          lastState = changed.state;
          out.write(taskToProto(changed, { withEvents: false }));
          if (isTerminalState(changed.state)) out.end();
        },
        gone: () => out.end(),
      };
      task.listeners.add(listener);
      out.onClose(() => task.listeners.delete(listener));
    }),
  };
}
