import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../src/model/errors.js';
import { retryTransient } from '../../../src/transport/should-retry.js';
import {
  ApplicationRequestError,
  FlameAlreadyExistsError,
  FlameCancelledError,
  FlameConfigError,
  FlameDeadlineExceededError,
  FlameError,
  FlameFailedPreconditionError,
  FlameInternalError,
  FlameInvalidArgumentError,
  FlameNotFoundError,
  FlameUnavailableError,
  GrpcStatusCode,
  TaskFailedError,
  checkApplicationResult,
  flameErrorFromStatus,
  grpcStatusName,
} from '../../../src/model/flame/index.js';

describe('GrpcStatusCode and grpcStatusName', () => {
  it('numbers the codes as gRPC does', () => {
    expect(GrpcStatusCode.OK).toBe(0);
    expect(GrpcStatusCode.CANCELLED).toBe(1);
    expect(GrpcStatusCode.INVALID_ARGUMENT).toBe(3);
    expect(GrpcStatusCode.NOT_FOUND).toBe(5);
    expect(GrpcStatusCode.FAILED_PRECONDITION).toBe(9);
    expect(GrpcStatusCode.INTERNAL).toBe(13);
    expect(GrpcStatusCode.UNAVAILABLE).toBe(14);
    expect(GrpcStatusCode.UNAUTHENTICATED).toBe(16);
  });

  it('names every code and marks unknown ones', () => {
    for (const [name, code] of Object.entries(GrpcStatusCode)) expect(grpcStatusName(code)).toBe(name);
    expect(grpcStatusName(17)).toBe('CODE_17');
    expect(grpcStatusName(-1)).toBe('CODE_-1');
  });
});

describe('flameErrorFromStatus', () => {
  it.each([
    [1, FlameCancelledError, 'CANCELLED'],
    [3, FlameInvalidArgumentError, 'INVALID_ARGUMENT'],
    [4, FlameDeadlineExceededError, 'DEADLINE_EXCEEDED'],
    [5, FlameNotFoundError, 'NOT_FOUND'],
    [6, FlameAlreadyExistsError, 'ALREADY_EXISTS'],
    [9, FlameFailedPreconditionError, 'FAILED_PRECONDITION'],
    [13, FlameInternalError, 'INTERNAL'],
    [14, FlameUnavailableError, 'UNAVAILABLE'],
  ] as const)('maps code %d to %o', (code, type, codeName) => {
    const error = flameErrorFromStatus({ code, details: 'text', method: 'GetSession' });
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(FlameError);
    expect(error).toBeInstanceOf(ClientError);
    expect(error.code).toBe(code);
    expect(error.codeName).toBe(codeName);
    expect(error.name).toBe(type.name);
    expect(error.message).toBe(`GetSession failed: ${codeName}: text`);
  });

  it.each([2, 7, 8, 10, 11, 12, 15, 16])('maps the other code %d to a plain FlameError', (code) => {
    const error = flameErrorFromStatus({ code, details: 'x' });
    expect(error.constructor).toBe(FlameError);
    expect(error.codeName).toBe(grpcStatusName(code));
  });

  it('keeps the bare server text, the code and the method', () => {
    const error = flameErrorFromStatus({ code: 5, details: 'my-ssn', method: 'GetSession' });
    expect(error.message).toBe('GetSession failed: NOT_FOUND: my-ssn');
    expect(error.serverMessage).toBe('my-ssn');
    expect(error.method).toBe('GetSession');
  });

  it('names the RPC in PascalCase whether given as client method or full path', () => {
    expect(flameErrorFromStatus({ code: 5, details: 'x', method: 'getSession' }).message).toBe(
      'GetSession failed: NOT_FOUND: x',
    );
    expect(flameErrorFromStatus({ code: 5, details: 'x', method: '/flame.v1.Frontend/GetTask' }).message).toBe(
      'GetTask failed: NOT_FOUND: x',
    );
    expect(flameErrorFromStatus({ code: 5, details: 'x', method: 'getSession' }).method).toBe('getSession');
  });

  it('leaves out what is missing', () => {
    expect(flameErrorFromStatus({ code: 13, details: '' }).message).toBe('INTERNAL');
    expect(flameErrorFromStatus({ code: 13, details: 'boom' }).message).toBe('INTERNAL: boom');
    expect(flameErrorFromStatus({ code: 14, details: '', method: 'ListTask' }).message).toBe('ListTask failed: UNAVAILABLE');
    expect(flameErrorFromStatus({ code: 13, details: '' }).method).toBeUndefined();
  });

  it('marks only UNAVAILABLE retryable', () => {
    for (let code = 1; code <= 16; code++) {
      const error = flameErrorFromStatus({ code, details: '' });
      expect(error.retryable).toBe(code === GrpcStatusCode.UNAVAILABLE);
      expect(retryTransient(error, 1)).toBe(code === GrpcStatusCode.UNAVAILABLE);
    }
  });

  it('keeps a cause', () => {
    const cause = new Error('transport');
    expect(flameErrorFromStatus({ code: 14, details: 'down' }, { cause }).cause).toBe(cause);
  });
});

describe('application results', () => {
  it('accepts return code 0', () => {
    expect(() => checkApplicationResult({ returnCode: 0 }, 'RegisterApplication', 'app')).not.toThrow();
  });

  it.each([-1, 1, 2])('rejects return code %d (any non-zero)', (returnCode) => {
    expect(() => checkApplicationResult({ returnCode, message: 'nope' }, 'UpdateApplication', 'app')).toThrow(
      ApplicationRequestError,
    );
  });

  it('names the operation, the application, the code and the server text', () => {
    try {
      checkApplicationResult(
        { returnCode: -1, message: "Application 'app' already exists" },
        'RegisterApplication',
        'app',
      );
      expect.unreachable();
    } catch (error) {
      const e = error as ApplicationRequestError;
      expect(e.message).toBe("RegisterApplication app failed: return code -1: Application 'app' already exists");
      expect(e.returnCode).toBe(-1);
      expect(e.serverMessage).toBe("Application 'app' already exists");
      expect(e.operation).toBe('RegisterApplication');
      expect(e.applicationName).toBe('app');
      expect(e.name).toBe('ApplicationRequestError');
      expect(e.retryable).toBe(false);
    }
  });

  it('reads without a message', () => {
    expect(() => checkApplicationResult({ returnCode: -1 }, 'UnregisterApplication', 'app')).toThrow(
      /^UnregisterApplication app failed: return code -1$/,
    );
  });
});

describe('TaskFailedError', () => {
  it('names task, session, state and failure message', () => {
    const e = new TaskFailedError({ taskId: '3', sessionId: 'demo-x1Y2z3', state: 'Failed', failureMessage: 'boom' });
    expect(e.message).toBe('task 3 of session demo-x1Y2z3 ended Failed: boom');
    expect(e).toMatchObject({ taskId: '3', sessionId: 'demo-x1Y2z3', state: 'Failed', failureMessage: 'boom' });
    expect(e).toBeInstanceOf(ClientError);
  });

  it('reads without a failure message', () => {
    const e = new TaskFailedError({ taskId: '1', sessionId: 's', state: 'Cancelled', failureCode: 4 });
    expect(e.message).toBe('task 1 of session s ended Cancelled');
    expect(e.failureMessage).toBeUndefined();
    expect(e.failureCode).toBe(4);
  });
});

describe('FlameConfigError', () => {
  it('names the file and the problem', () => {
    const e = new FlameConfigError('Context <dev> not found', { path: '/h/.flame/flame.yaml' });
    expect(e.message).toBe('Flame config /h/.flame/flame.yaml: Context <dev> not found');
    expect(e.path).toBe('/h/.flame/flame.yaml');
    expect(e.problem).toBe('Context <dev> not found');
    expect(new FlameConfigError('no file').message).toBe('Flame config: no file');
  });
});
