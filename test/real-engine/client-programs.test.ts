// Uploading a program to the real engine with addProgram and running it: a Python script
// program as the Python client 0.5.3 packages one (the function's source as the artifact; a
// manifest naming `[runtime] language = "python"`, the entry function and `call = "kwargs"`;
// the launch input is the JSON of the keyword arguments). Needs pie-language-python beside
// the engine (setup.sh with PIE_WITH_PYTHON=1), looked for in PIE_ENGINE_DIR.
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { PieClient } from '../../src/observables/pie/pie-client.js';
import { engineHasPython, engineUrl } from './engine-env.js';

const url = engineUrl();
const python = engineHasPython();
if (url && !python) console.warn('real-engine Python program test did not run: PIE_ENGINE_DIR names no install with pie-language-python');
const clients: PieClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

const SOURCE = `def greet(name: str):
    print("hello from python,", name)
    return {"greeting": "hi " + name, "length": len(name)}
`;

function manifest(version: string): string {
  return [
    '[package]',
    'name = "client-greet"',
    `version = "${version}"`,
    '',
    '[runtime]',
    'language = "python"',
    'entry = "greet"',
    'call = "kwargs"',
    '',
    '[parameters]',
    'name = { type = "string" }',
    '',
  ].join('\n');
}

describe.skipIf(!url || !python)('addProgram on the real engine (pie-server 0.5.2)', () => {
  it('a Python script program: installProgram gives its id, launch streams stdout and returns JSON', async () => {
    const client = await PieClient.connect(url!, undefined, { identity: 'default/client-programs', heartbeat: false, requestTimeoutMs: 60_000 });
    clients.push(client);
    // a fresh version each run, so the upload (not a cached copy) is what runs
    const version = `0.${Date.now() % 100_000}.${process.pid % 1000}`;
    const id = await firstValueFrom(
      client.installProgram({ wasm: new TextEncoder().encode(SOURCE), manifest: manifest(version), file: 'greet.py', forceOverwrite: true }),
    );
    expect(id).toBe(`client-greet@${version}`);
    expect(client.generation).toBe('0.5'); // the reply was "Program installed successfully"
    expect(await firstValueFrom(client.checkProgram(id))).toBe(true);
    const events = await lastValueFrom(client.launchProcess(id, { name: 'pie' }, { timeoutMs: 60_000 }).pipe(toArray()));
    const stdout = events.filter((e) => e.kind === 'stdout').map((e) => (e as { text: string }).text).join('');
    expect(stdout).toContain('hello from python, pie');
    const last = events.at(-1);
    expect(last?.kind).toBe('return');
    expect(JSON.parse((last as { value: string }).value)).toEqual({ greeting: 'hi pie', length: 3 });
  }, 90_000);
});
