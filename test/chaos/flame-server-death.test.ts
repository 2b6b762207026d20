// Server death at the instant of a call (FlameEmulator.kill: sockets reset, no GOAWAY), and
// the CloseSession race of a real session manager, as emulator faults the client must survive.
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { FlameClient, FlameUnavailableError } from '../../src/flame.js';
import { FlameEmulator } from '../../src/testing.js';
import { backoffPolicy } from '../../src/transport/backoff.js';

const fast = backoffPolicy({ initialDelayMs: 20, maxDelayMs: 100, jitter: 0 });
let emu: FlameEmulator;
let client: FlameClient;
afterEach(async () => {
  client.close();
  await emu.close();
});

async function setUp(): Promise<void> {
  emu = await FlameEmulator.start({ timestampResolution: 'millisecond' });
  client = FlameClient.connect({ endpoint: emu.endpoint, env: {}, backoff: fast });
}

describe('server death and races', () => {
  it('kill() resets the connection without a status; a read sent at that instant waits and succeeds after start()', async () => {
    await setUp();
    emu.registerApplication('app');
    const session = await firstValueFrom(client.createSession('app'));
    await firstValueFrom(session.createTask());
    emu.delayNext(1, 200, { method: 'getTask' });
    const read = firstValueFrom(session.getTask('1'));
    await new Promise((r) => setTimeout(r, 50)); // the call is on the server when it dies
    await emu.kill();
    expect(emu.listening).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    await emu.start();
    const task = await read;
    expect(task.id).toBe('1');
  });

  it('without waiting for ready, a call to a killed server fails retryable, not hangs', async () => {
    await setUp();
    emu.registerApplication('app');
    await firstValueFrom(client.listApplications());
    await emu.kill();
    const error = await firstValueFrom(client.listApplications({ waitForReady: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlameUnavailableError);
    await emu.start();
  });

  it('raceNextClose: the close succeeds, yet the task being launched runs and succeeds in the closed session', async () => {
    await setUp();
    emu.registerApplication('idle'); // no executor yet: both tasks stay Pending
    const session = await firstValueFrom(client.createSession('idle'));
    await firstValueFrom(session.createTask());
    await firstValueFrom(session.createTask());
    emu.raceNextClose();
    await firstValueFrom(session.close());
    emu.handle('idle', () => 'ran anyway'); // the executor the task was handed to
    const final = await lastValueFrom(session.watchTask('1'));
    expect(final.state).toBe('Succeed');
    expect(emu.sessionState(session.id)).toBe('Closed');
    const tasks = await lastValueFrom(session.listTasks().pipe(toArray()));
    expect(tasks.map((t) => t.state).sort()).toEqual(['Cancelled', 'Succeed']);
  });
});
