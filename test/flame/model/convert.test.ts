import { describe, expect, it } from 'vitest';
import {
  Application as ProtoApplication,
  Executor as ProtoExecutor,
  Node as ProtoNode,
  Session as ProtoSession,
  SessionSpec as ProtoSessionSpec,
  Task as ProtoTask,
  TaskState as ProtoTaskState,
} from '../../../src/gen/flame/v1/types.js';
import {
  FlameDecodeError,
  ApplicationSpecError,
  ResourceRequirementError,
  applicationFromProto,
  applicationSpecToProto,
  applicationToProto,
  executorFromProto,
  executorToProto,
  nodeFromProto,
  nodeToProto,
  resolveSessionOptions,
  resreqFromProto,
  resreqToProto,
  sessionFromProto,
  sessionSpecToProto,
  sessionToProto,
  taskFromProto,
  taskToProto,
  type Application,
  type Executor,
  type FlameNode,
  type Session,
  type Task,
} from '../../../src/model/flame/index.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('task conversion', () => {
  const task: Task = {
    id: '3',
    sessionId: 'demo-x1Y2z3',
    state: 'Failed',
    input: bytes(1, 2, 3),
    output: bytes(9),
    creationTime: new Date(1_700_000_000_123),
    completionTime: new Date(1_700_000_001_000),
    events: [
      { code: 0, message: 'Task was created with state <Pending>', creationTime: new Date(1_700_000_000_124) },
      { code: 3, creationTime: new Date(1_700_000_000_999) },
    ],
  };

  it('round trips through the generated encoder', () => {
    const wire = ProtoTask.encode(taskToProto(task)).finish();
    expect(taskFromProto(ProtoTask.decode(wire))).toEqual(task);
  });

  it('reads times as epoch milliseconds', () => {
    const decoded = taskFromProto(ProtoTask.decode(ProtoTask.encode(taskToProto(task)).finish()));
    expect(decoded.creationTime.toISOString()).toBe('2023-11-14T22:13:20.123Z');
  });

  it('returns plain Uint8Array payloads, not Buffers', () => {
    const decoded = taskFromProto(ProtoTask.decode(ProtoTask.encode(taskToProto(task)).finish()));
    expect(Buffer.isBuffer(decoded.input)).toBe(false);
    expect(decoded.input).toBeInstanceOf(Uint8Array);
  });

  it('treats empty input and output as absent', () => {
    const proto = taskToProto({ ...task, input: undefined, output: undefined });
    proto.spec!.input = Buffer.alloc(0);
    proto.spec!.output = Buffer.alloc(0);
    const decoded = taskFromProto(proto);
    expect('input' in decoded).toBe(false);
    expect('output' in decoded).toBe(false);
    expect(taskToProto({ ...task, input: new Uint8Array(0) }).spec!.input).toBeUndefined();
  });

  it('leaves completionTime absent when the server sends none', () => {
    const { completionTime: _unused, ...pending } = task;
    const decoded = taskFromProto(ProtoTask.decode(ProtoTask.encode(taskToProto({ ...pending, state: 'Pending' })).finish()));
    expect(decoded.completionTime).toBeUndefined();
    expect(decoded.state).toBe('Pending');
  });

  it('maps every task state', () => {
    for (const state of ['Pending', 'Running', 'Succeed', 'Failed', 'Cancelled'] as const) {
      expect(taskFromProto(taskToProto({ ...task, state })).state).toBe(state);
    }
  });

  it('rejects an unknown state number with a decode error naming the field', () => {
    const proto = taskToProto(task);
    proto.status!.state = -1;
    expect(() => taskFromProto(proto)).toThrow(FlameDecodeError);
    expect(() => taskFromProto(proto)).toThrow('cannot decode Task.status.state: unknown TaskState value UNRECOGNIZED (-1)');
    proto.status!.state = 7 as ProtoTaskState;
    expect(() => taskFromProto(proto)).toThrow('unknown TaskState value 7');
  });

  it('decodes an unknown enum number on the wire as a decode error', () => {
    const proto = taskToProto(task);
    const wire = ProtoTask.encode({ ...proto, status: { ...proto.status!, state: 9 as ProtoTaskState } }).finish();
    expect(() => taskFromProto(ProtoTask.decode(wire))).toThrow(FlameDecodeError);
  });

  it('rejects a task without metadata, spec or status', () => {
    expect(() => taskFromProto({ ...taskToProto(task), metadata: undefined })).toThrow(
      'cannot decode Task.metadata: missing',
    );
    expect(() => taskFromProto({ ...taskToProto(task), spec: undefined })).toThrow('cannot decode Task.spec: missing');
    expect(() => taskFromProto({ ...taskToProto(task), status: undefined })).toThrow('Task.status: missing');
  });

  it('rejects a time outside the Date range', () => {
    const proto = taskToProto(task);
    proto.status!.creationTime = 9_000_000_000_000_000n;
    expect(() => taskFromProto(proto)).toThrow('cannot decode Task.status.creationTime');
  });
});

describe('session conversion', () => {
  const session: Session = {
    id: 'demo-x1Y2z3',
    application: 'demo',
    commonData: bytes(7, 7),
    minInstances: 1,
    maxInstances: 4,
    batchSize: 1,
    priority: 2,
    resreq: { cpu: 2, memory: 4 * 1024 ** 3, gpu: 1 },
    state: 'Closed',
    creationTime: new Date(1_700_000_000_000),
    completionTime: new Date(1_700_000_060_000),
    pending: 1,
    running: 2,
    succeed: 3,
    failed: 4,
    cancelled: 5,
    events: [{ code: 1, message: 'bind failed', creationTime: new Date(1_700_000_000_500) }],
  };

  it('round trips through the generated encoder', () => {
    const wire = ProtoSession.encode(sessionToProto(session)).finish();
    expect(sessionFromProto(ProtoSession.decode(wire))).toEqual(session);
  });

  it('keeps maxInstances and commonData absent when absent', () => {
    const { maxInstances: _m, commonData: _c, completionTime: _t, ...open } = session;
    const value: Session = { ...open, state: 'Open' };
    const decoded = sessionFromProto(ProtoSession.decode(ProtoSession.encode(sessionToProto(value)).finish()));
    expect(decoded).toEqual(value);
    expect('maxInstances' in decoded).toBe(false);
  });

  it('rejects a session whose spec carries no resreq', () => {
    const proto = sessionToProto(session);
    proto.spec!.resreq = undefined;
    expect(() => sessionFromProto(proto)).toThrow('cannot decode Session.spec.resreq: missing');
  });

  it('rejects memory beyond Number.MAX_SAFE_INTEGER', () => {
    const proto = sessionToProto(session);
    proto.spec!.resreq!.memory = 2n ** 53n;
    expect(() => sessionFromProto(proto)).toThrow(FlameDecodeError);
    expect(() => sessionFromProto(proto)).toThrow('Session.spec.resreq.memory');
  });
});

describe('sessionSpecToProto', () => {
  it('sends batch size 1 and leaves resreq, maxInstances and commonData out when unset', () => {
    const spec = sessionSpecToProto(resolveSessionOptions('flmping'));
    expect(spec).toEqual({ application: 'flmping', minInstances: 0, batchSize: 1, priority: 0, tokens: {} });
    const decoded = ProtoSessionSpec.decode(ProtoSessionSpec.encode(spec).finish());
    expect(decoded.resreq).toBeUndefined();
    expect(decoded.maxInstances).toBeUndefined();
    expect(decoded.commonData).toBeUndefined();
  });

  it('sends every option that is set', () => {
    const spec = sessionSpecToProto(
      resolveSessionOptions({
        application: 'demo',
        id: 'demo-1',
        commonData: bytes(1),
        minInstances: 2,
        maxInstances: 0,
        priority: 5,
        resreq: 'cpu=0,mem=0',
      }),
    );
    const decoded = ProtoSessionSpec.decode(ProtoSessionSpec.encode(spec).finish());
    expect(decoded).toEqual({
      application: 'demo',
      commonData: Buffer.from([1]),
      minInstances: 2,
      maxInstances: 0,
      batchSize: 1,
      priority: 5,
      resreq: { cpu: 0n, memory: 0n, gpu: 0 },
      tokens: {},
    });
  });
});

describe('resreq conversion', () => {
  it('converts both ways', () => {
    expect(resreqToProto({ cpu: 1, memory: 1073741824, gpu: -1 })).toEqual({ cpu: 1n, memory: 1073741824n, gpu: -1 });
    expect(resreqFromProto({ cpu: 8n, memory: 17179869184n, gpu: 2 })).toEqual({ cpu: 8, memory: 17179869184, gpu: 2 });
  });

  it('refuses values the wire cannot carry', () => {
    expect(() => resreqToProto({ cpu: -1, memory: 0, gpu: 0 })).toThrow(ResourceRequirementError);
    expect(() => resreqToProto({ cpu: 1.5, memory: 0, gpu: 0 })).toThrow('cpu must be a non-negative integer');
    expect(() => resreqToProto({ cpu: 1, memory: 2 ** 53, gpu: 0 })).toThrow('memory must be');
    expect(() => resreqToProto({ cpu: 1, memory: 0, gpu: 2 ** 31 })).toThrow('gpu must be a signed 32-bit integer');
  });

  it('names the field of an out-of-range value', () => {
    expect(() => resreqFromProto({ cpu: 2n ** 60n, memory: 0n, gpu: 0 })).toThrow(
      'cannot decode ResourceRequirement.cpu: 1152921504606846976 is outside the safe integer range',
    );
  });
});

describe('application conversion', () => {
  const app: Application = {
    name: 'flmexec',
    spec: {
      shim: 'Wasm',
      description: 'script runner',
      labels: ['a', 'b'],
      image: 'img:1',
      command: '/usr/bin/flmexec',
      arguments: ['--x', '${HOME}'],
      environments: [{ name: 'RUST_LOG', value: 'info' }],
      workingDirectory: '/tmp/work',
      maxInstances: 10,
      delayRelease: 60,
      schema: { input: '{"type":"object"}', commonData: '{}' },
      url: 'file:///pkgs/x.tar.gz',
      installer: 'python',
    },
    state: 'Disabled',
    creationTime: new Date(1_700_000_000_000),
  };

  it('round trips through the generated encoder', () => {
    const wire = ProtoApplication.encode(applicationToProto(app)).finish();
    expect(applicationFromProto(ProtoApplication.decode(wire))).toEqual(app);
  });

  it('fills defaults for a minimal spec and accepts environments as a record', () => {
    const proto = applicationSpecToProto({ command: 'svc', environments: { A: '1', B: '2' }, workingDirectory: '' });
    expect(proto).toEqual({
      shim: 0,
      labels: [],
      arguments: [],
      environments: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      command: 'svc',
    });
  });

  it('reads an empty working directory as absent', () => {
    const proto = applicationToProto(app);
    proto.spec!.workingDirectory = '';
    expect(applicationFromProto(proto).spec.workingDirectory).toBeUndefined();
  });

  it('rejects values the wire cannot carry', () => {
    expect(() => applicationSpecToProto({ maxInstances: -1 })).toThrow(ApplicationSpecError);
    expect(() => applicationSpecToProto({ maxInstances: 2 ** 32 })).toThrow('maxInstances must be an unsigned 32-bit integer');
    expect(() => applicationSpecToProto({ delayRelease: 1.5 })).toThrow('delayRelease must be a non-negative whole number');
  });

  it('rejects an unknown application state', () => {
    const proto = applicationToProto(app);
    proto.status!.state = -1;
    expect(() => applicationFromProto(proto)).toThrow('unknown ApplicationState');
  });
});

describe('executor and node conversion', () => {
  it('round trips every executor state', () => {
    for (const state of ['Unknown', 'Void', 'Idle', 'Binding', 'Bound', 'Unbinding', 'Releasing', 'Released'] as const) {
      const executor: Executor = {
        id: 'e-1',
        node: 'node-a',
        resreq: { cpu: 1, memory: 1024, gpu: 0 },
        shim: 'Host',
        state,
        sessionId: 'demo-1',
      };
      const wire = ProtoExecutor.encode(executorToProto(executor)).finish();
      expect(executorFromProto(ProtoExecutor.decode(wire))).toEqual(executor);
    }
  });

  it('maps ExecutorBound (4) to Bound and leaves sessionId absent when unbound', () => {
    const decoded = executorFromProto({
      metadata: { id: 'e', name: 'e' },
      spec: { node: 'n', resreq: { cpu: 1n, memory: 2n, gpu: 0 }, shim: 0, application: '' },
      status: { state: 4 },
    });
    expect(decoded.state).toBe('Bound');
    expect('sessionId' in decoded).toBe(false);
  });

  it('round trips a node', () => {
    const node: FlameNode = {
      name: 'node-a',
      hostname: 'node-a',
      state: 'NotReady',
      capacity: { cpu: 16, memory: 64 * 1024 ** 3, gpu: 2 },
      allocatable: { cpu: 12, memory: 32 * 1024 ** 3, gpu: 1 },
      arch: 'x86_64',
      os: 'linux',
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      lastHeartbeatTime: new Date(1_700_000_000_000),
    };
    const wire = ProtoNode.encode(nodeToProto(node)).finish();
    expect(nodeFromProto(ProtoNode.decode(wire))).toEqual(node);
  });

  it('reads the heartbeat time 0 the server sends as the epoch', () => {
    const proto = nodeToProto({
      name: 'n',
      hostname: 'n',
      state: 'Ready',
      capacity: { cpu: 1, memory: 1, gpu: 0 },
      allocatable: { cpu: 1, memory: 1, gpu: 0 },
      arch: 'arm64',
      os: 'linux',
      addresses: [],
      lastHeartbeatTime: new Date(0),
    });
    expect(proto.status!.lastHeartbeatTime).toBe(0n);
    expect(nodeFromProto(proto).lastHeartbeatTime.getTime()).toBe(0);
  });
});
