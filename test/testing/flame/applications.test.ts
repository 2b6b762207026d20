// Application RPCs against flame.md 3.4.1–3.4.4 and 3.3.8/3.3.10 (filesystem profile).
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationState, Shim, type ApplicationSpec } from '../../../src/gen/flame/v1/types.js';
import { call, callError, defaultSpec, startHarness, type Harness } from './helpers.js';

const spec = (extra: Partial<ApplicationSpec> = {}): ApplicationSpec => ({
  shim: Shim.Host,
  labels: [],
  arguments: [],
  environments: [],
  ...extra,
});

describe('application RPCs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('pre-seeds flmexec, flmping and flmrun', async () => {
    const list = await call(h.client, 'listApplication', {});
    expect(list.applications.map((a) => a.metadata!.name).sort()).toEqual(['flmexec', 'flmping', 'flmrun']);
    const flmrun = await call(h.client, 'getApplication', { name: 'flmrun' });
    expect(flmrun.spec!.installer).toBe('python');
    const flmexec = await call(h.client, 'getApplication', { name: 'flmexec' });
    expect(Object.keys(JSON.parse(flmexec.spec!.schema!.input!).properties)).toEqual(['language', 'code', 'input']);
  });

  it('registers with Result 0 (no message) and reads back with defaults applied', async () => {
    const result = await call(h.client, 'registerApplication', {
      name: 'app-a',
      application: spec({
        description: 'first',
        workingDirectory: '',
        environments: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      }),
    });
    expect(result).toEqual({ returnCode: 0 });
    const app = await call(h.client, 'getApplication', { name: 'app-a' });
    expect(app.metadata).toEqual({ id: 'app-a', name: 'app-a' });
    expect(app.spec!.maxInstances).toBe(1_000_000);
    expect(app.spec!.delayRelease).toBe(60n);
    expect(app.spec!.workingDirectory).toBeUndefined();
    expect(app.spec!.environments).toEqual([{ name: 'A', value: '2' }]);
    expect(app.status!.state).toBe(ApplicationState.Enabled);
    expect(Number(app.status!.creationTime)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps explicit max_instances and delay_release', async () => {
    await call(h.client, 'registerApplication', { name: 'app-b', application: spec({ maxInstances: 3, delayRelease: 5n }) });
    const app = await call(h.client, 'getApplication', { name: 'app-b' });
    expect(app.spec!.maxInstances).toBe(3);
    expect(app.spec!.delayRelease).toBe(5n);
  });

  it('answers a missing spec with INVALID_ARGUMENT (upstream typo kept)', async () => {
    for (const method of ['registerApplication', 'updateApplication'] as const) {
      expect(await callError(h.client, method, { name: 'x', application: undefined })).toEqual({
        code: status.INVALID_ARGUMENT,
        details: 'applilcation spec is missed',
      });
    }
  });

  it('rejects schemas that are not JSON Schema documents with INVALID_ARGUMENT', async () => {
    const cases: [keyof NonNullable<ApplicationSpec['schema']>, string, string][] = [
      ['input', '{not json', 'invalid input schema: '],
      ['output', '42', 'invalid output schema: '],
      ['commonData', '{"type":"banana"}', 'invalid common data schema: '],
    ];
    for (const [field, text, prefix] of cases) {
      const err = await callError(h.client, 'registerApplication', {
        name: 'bad-schema',
        application: spec({ schema: { [field]: text } }),
      });
      expect(err.code).toBe(status.INVALID_ARGUMENT);
      expect(err.details.startsWith(prefix)).toBe(true);
    }
    const ok = await call(h.client, 'registerApplication', {
      name: 'good-schema',
      application: spec({ schema: { input: '{"type":"object","properties":{"a":{"type":"string"}}}', output: 'true' } }),
    });
    expect(ok.returnCode).toBe(0);
  });

  it('rejects a relative working directory with INVALID_ARGUMENT', async () => {
    expect(
      await callError(h.client, 'registerApplication', { name: 'wd', application: spec({ workingDirectory: 'tmp/x' }) }),
    ).toEqual({ code: status.INVALID_ARGUMENT, details: 'working_directory must be an absolute path, got: tmp/x' });
  });

  it('reports invalid names in-band with Result -1', async () => {
    const names = ['', 'a'.repeat(254), 'a..b', 'a/b', 'a\\b', '.hidden', '-dash', 'sp ace', 'ünï'];
    for (const name of names) {
      const result = await call(h.client, 'registerApplication', { name, application: spec() });
      expect(result.returnCode, name).toBe(-1);
      expect(result.message, name).toBeTruthy();
    }
    const empty = await call(h.client, 'registerApplication', { name: '', application: spec() });
    expect(empty.message).toBe('application name cannot be empty');
    expect((await call(h.client, 'registerApplication', { name: 'a'.repeat(253), application: spec() })).returnCode).toBe(0);
    expect((await call(h.client, 'registerApplication', { name: 'Ok_name.v2-x', application: spec() })).returnCode).toBe(0);
  });

  it('reports a duplicate name in-band', async () => {
    await call(h.client, 'registerApplication', { name: 'dup', application: spec() });
    expect(await call(h.client, 'registerApplication', { name: 'dup', application: spec() })).toEqual({
      returnCode: -1,
      message: "Application 'dup' already exists",
    });
  });

  it('answers GetApplication on an unknown name with NOT_FOUND', async () => {
    expect(await callError(h.client, 'getApplication', { name: 'nope' })).toEqual({
      code: status.NOT_FOUND,
      details: 'Application nope not found: No such file or directory (os error 2)',
    });
  });

  it('updates by replacing the whole spec', async () => {
    await call(h.client, 'registerApplication', {
      name: 'upd',
      application: spec({ description: 'old', labels: ['x'], maxInstances: 2 }),
    });
    expect(await call(h.client, 'updateApplication', { name: 'upd', application: spec({ description: 'new' }) })).toEqual({
      returnCode: 0,
    });
    const app = await call(h.client, 'getApplication', { name: 'upd' });
    expect(app.spec!.description).toBe('new');
    expect(app.spec!.labels).toEqual([]);
    expect(app.spec!.maxInstances).toBe(1_000_000);
  });

  it('refuses updates of unknown applications and of applications with open sessions', async () => {
    expect(await call(h.client, 'updateApplication', { name: 'ghost', application: spec() })).toEqual({
      returnCode: -1,
      message: 'Application ghost not found: No such file or directory (os error 2)',
    });
    await call(h.client, 'registerApplication', { name: 'busy', application: spec() });
    await call(h.client, 'createSession', { sessionId: 'busy-1', session: defaultSpec('busy') });
    expect(await call(h.client, 'updateApplication', { name: 'busy', application: spec() })).toEqual({
      returnCode: -1,
      message: "Cannot update application 'busy': has open sessions",
    });
    expect(await call(h.client, 'unregisterApplication', { name: 'busy' })).toEqual({
      returnCode: -1,
      message: "Cannot unregister application 'busy': has open sessions",
    });
    // Validation comes first: a bad spec is INVALID_ARGUMENT even with open sessions.
    expect((await callError(h.client, 'updateApplication', { name: 'busy', application: spec({ workingDirectory: 'rel' }) })).code).toBe(
      status.INVALID_ARGUMENT,
    );
  });

  it('unregisters, dropping the closed sessions of the application', async () => {
    await call(h.client, 'registerApplication', { name: 'gone', application: spec() });
    await call(h.client, 'createSession', { sessionId: 'gone-1', session: defaultSpec('gone') });
    await call(h.client, 'closeSession', { sessionId: 'gone-1' });
    expect(await call(h.client, 'unregisterApplication', { name: 'gone' })).toEqual({ returnCode: 0 });
    expect((await callError(h.client, 'getSession', { sessionId: 'gone-1' })).code).toBe(status.NOT_FOUND);
    expect((await callError(h.client, 'getApplication', { name: 'gone' })).code).toBe(status.NOT_FOUND);
    expect(await call(h.client, 'unregisterApplication', { name: 'gone' })).toEqual({
      returnCode: -1,
      message: "Failed to delete application 'gone': No such file or directory (os error 2)",
    });
  });
});
