import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApplicationRequestError,
  FlameInvalidArgumentError,
  FlameNotFoundError,
} from '../../../src/model/flame/errors.js';
import { EmulatorAndClient, errorOf, one, startEmulatorAndClient } from './emulator-fixture.js';
import { FLAME_VERSIONS } from './versions.js';

describe.each(FLAME_VERSIONS)('FlameClient applications (against the emulator) (Flame %s)', (version) => {
  let env: EmulatorAndClient;
  beforeAll(async () => {
    env = await startEmulatorAndClient({ version });
  });
  afterAll(() => env.close());

  it('registers, reads, lists, updates and unregisters an application', async () => {
    const { client } = env;
    await one(client.registerApplication('calc', { command: '/usr/bin/calc', description: 'adds', maxInstances: 3 }));
    const app = await one(client.getApplication('calc'));
    expect(app).toMatchObject({ name: 'calc', state: 'Enabled' });
    expect(app.spec).toMatchObject({ command: '/usr/bin/calc', description: 'adds', maxInstances: 3, shim: 'Host' });

    const names = (await one(client.listApplications())).map((a) => a.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['calc', 'flmexec', 'flmping', 'flmrun']));

    await one(client.updateApplication('calc', { command: '/usr/bin/calc2' }));
    const updated = await one(client.getApplication('calc'));
    expect(updated.spec.command).toBe('/usr/bin/calc2');
    expect(updated.spec.description).toBeUndefined();

    await one(client.unregisterApplication('calc'));
    expect(await errorOf(client.getApplication('calc'))).toBeInstanceOf(FlameNotFoundError);
  });

  it('turns a non-zero Result return code into ApplicationRequestError', async () => {
    const { client } = env;
    await one(client.registerApplication('dup', { command: '/bin/true' }));
    const duplicate = await errorOf(client.registerApplication('dup', { command: '/bin/true' }));
    expect(duplicate).toBeInstanceOf(ApplicationRequestError);
    expect(duplicate).toMatchObject({ returnCode: -1, operation: 'RegisterApplication', applicationName: 'dup' });
    expect((duplicate as ApplicationRequestError).serverMessage).toBe("Application 'dup' already exists");

    const badName = await errorOf(client.registerApplication('../evil', {}));
    expect(badName).toBeInstanceOf(ApplicationRequestError);

    const unknownUpdate = await errorOf(client.updateApplication('never-registered', {}));
    expect(unknownUpdate).toMatchObject({ operation: 'UpdateApplication', returnCode: -1 });

    const session = await one(client.createSession('dup'));
    if (version === '0.6') {
      // An application with an open session cannot be unregistered.
      const busy = await errorOf(client.unregisterApplication('dup'));
      expect(busy).toBeInstanceOf(ApplicationRequestError);
      expect((busy as ApplicationRequestError).serverMessage).toBe("Cannot unregister application 'dup': has open sessions");
      await one(session.close());
    } else {
      // 0.7: unregistering marks it Disabled; it goes once its last open session is closed.
      await one(client.unregisterApplication('dup'));
      expect((await one(client.getApplication('dup'))).state).toBe('Disabled');
      expect((await one(client.listApplications({}, { state: 'Disabled' }))).map((a) => a.name)).toEqual(['dup']);
      expect(await errorOf(client.createSession('dup'))).toBeInstanceOf(FlameInvalidArgumentError);
      const update = await errorOf(client.updateApplication('dup', {}));
      expect((update as ApplicationRequestError).serverMessage).toBe('Application dup is not enabled');
      await one(session.close());
      expect(await errorOf(client.getApplication('dup'))).toBeInstanceOf(FlameNotFoundError);
      expect(await errorOf(client.unregisterApplication('dup'))).toBeInstanceOf(ApplicationRequestError);
    }
  });

  it('reports request validation failures as FlameInvalidArgumentError', async () => {
    const error = await errorOf(env.client.registerApplication('wd', { workingDirectory: 'relative/dir' }));
    expect(error).toBeInstanceOf(FlameInvalidArgumentError);
    expect((error as FlameInvalidArgumentError).serverMessage).toBe(
      'working_directory must be an absolute path, got: relative/dir',
    );
  });

  it('does nothing until subscribed (cold)', async () => {
    const { client, emu } = env;
    const before = emu.calls.length;
    const pending = client.registerApplication('lazy', { command: '/bin/true' });
    expect(emu.calls.length).toBe(before);
    await one(pending);
    expect(await one(client.getApplication('lazy'))).toMatchObject({ name: 'lazy' });
  });
});
