// `flame-pie-rx pie …`: a Pie engine's programs and processes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { finalize, mergeMap, tap } from 'rxjs';
import { firstValue, lastValue } from '../interop/promise.js';
import type { ProcessEvent } from '../model/pie/events.js';
import { PieClient, type PieClientOptions } from '../observables/pie/pie-client.js';
import type { PieCredentials } from '../observables/pie/connection/credentials.js';
import type { PieProcess } from '../observables/pie/processes/process-handle.js';
import { untilAborted } from '../interop/until-aborted.js';
import { CliError, EXIT, printOne, printRows } from './output.js';

interface PieFlags {
  url?: string;
  username?: string;
  key?: string;
  token?: string;
  identity?: string;
  timeout: string;
}

/** Credentials from flags, then PIE_USERNAME / PIE_KEY / PIE_KEY_PASSPHRASE / PIE_TOKEN. */
export function credentialsFrom(flags: PieFlags, env: NodeJS.ProcessEnv): PieCredentials {
  const token = flags.token ?? env.PIE_TOKEN;
  if (token) return { token };
  const username = flags.username ?? env.PIE_USERNAME ?? env.USER ?? 'pie';
  const key = flags.key ?? env.PIE_KEY;
  const passphrase = env.PIE_KEY_PASSPHRASE;
  return key ? { username, key, ...(passphrase ? { passphrase } : {}) } : { username };
}

/** The `pie` command tree. */
export function pieCommand(json: () => boolean, signal?: AbortSignal): Command {
  const pie = new Command('pie')
    .description('Pie engine: programs and processes')
    .option('--url <url>', 'engine URL (default PIE_URL, else ws://127.0.0.1:8080)')
    .option('--username <name>', 'user for key authentication (default PIE_USERNAME, USER)')
    .option('--key <path>', 'private key file (default PIE_KEY; passphrase from PIE_KEY_PASSPHRASE)')
    .option('--token <token>', 'internal token (default PIE_TOKEN)')
    .option('--identity <identity>', 'identity sent to a gateway (default PIE_IDENTITY)')
    .option('--timeout <ms>', 'how long to wait for the engine', '10000');

  const withClient = async <T>(action: (client: PieClient) => Promise<T>): Promise<T> => {
    const flags = pie.opts<PieFlags>();
    const url = flags.url ?? process.env.PIE_URL ?? 'ws://127.0.0.1:8080';
    const identity = flags.identity ?? process.env.PIE_IDENTITY;
    // `identity` is sent to a gateway (0.5/0.6) as its identity header.
    const options: PieClientOptions = { connectTimeoutMs: Number(flags.timeout), ...(identity ? { identity } : {}) };
    const client = await untilAborted(signal, PieClient.connect(url, credentialsFrom(flags, process.env), options)).catch((error: Error) => {
      if (error instanceof CliError) throw error;
      throw new CliError(error.message, error.name === 'PieTimeoutError' ? EXIT.unreachable : EXIT.failed);
    });
    try {
      return await action(client);
    } finally {
      client.close();
    }
  };

  pie
    .command('ping')
    .description('round trip to the engine, ms')
    .action(() => withClient(async (client) => printOne(json(), { ms: await firstValue(client.ping(), { signal }) })));

  pie
    .command('status')
    .description("the engine's model status")
    .action(() =>
      withClient(async (client) => {
        const status = await firstValue(client.modelStatus(), { signal });
        if (json()) return printOne(true, status.raw);
        printRows(false, Object.entries(status.raw).map(([key, value]) => ({ key, value })), ['key', 'value']);
      }),
    );

  pie
    .command('upload')
    .description('upload a program (its wasm and manifest), with a progress bar')
    .argument('<wasm>', 'the .wasm file')
    .argument('<manifest>', 'the manifest (TOML) file')
    .option('--force', 'replace a stored program of the same name and version')
    .action((wasm: string, manifest: string, opts: { force?: boolean }) =>
      withClient(async (client) => {
        const bar = process.stderr.isTTY && !json() ? new SingleBar({ format: 'upload [{bar}] {percentage}% {value}/{total} chunks', stream: process.stderr }) : undefined;
        let started = false;
        const last = await lastValue(
          client.addProgram({ wasm: { path: wasm }, manifest: { path: manifest }, forceOverwrite: opts.force === true }).pipe(
            tap((p) => {
              if (!bar) return;
              if (!started) bar.start(p.totalChunks, 0);
              started = true;
              bar.update(p.sentChunks);
            }),
            finalize(() => bar?.stop()),
          ),
          { signal },
        );
        printOne(json(), { uploaded: true, chunks: last.totalChunks, bytes: last.totalBytes });
      }),
    );

  /** Follows a process to its end; Ctrl-C terminates it (`onInterrupt: 'terminate'`, a launch) or leaves it running (an attach). */
  const follow = async (process$: PieProcess, filesDir: string | undefined, onInterrupt: 'terminate' | 'detach'): Promise<void> => {
    let saved = 0;
    let failure: string | undefined;
    await lastValue(
      process$.events$.pipe(
        mergeMap(async (event: ProcessEvent) => {
          if (json()) {
            const { kind } = event;
            const record = event.kind === 'file' ? { kind, hash: event.hash, bytes: event.bytes.length } : event;
            process.stdout.write(`${JSON.stringify({ process: process$.id, ...record, kind })}\n`);
          }
          switch (event.kind) {
            case 'stdout':
              if (!json()) process.stdout.write(event.text);
              break;
            case 'stderr':
              process.stderr.write(event.text);
              break;
            case 'message':
              if (!json()) process.stderr.write(`[message] ${event.text}\n`);
              break;
            case 'file':
              if (filesDir) {
                await mkdir(filesDir, { recursive: true });
                await writeFile(join(filesDir, `${String(saved++).padStart(3, '0')}-${event.hash.slice(0, 16)}`), event.bytes);
              }
              break;
            case 'return':
              if (!json() && event.value !== '') process.stdout.write(`${event.value}\n`);
              break;
            case 'error':
              failure = event.message;
              break;
          }
        }, 1),
      ),
      { signal, defaultValue: undefined },
    ).catch(async (error: Error) => {
      if (!signal?.aborted || error !== signal.reason) throw new CliError(failure ? `process ${process$.id} failed: ${failure}` : error.message);
      if (onInterrupt === 'terminate') await lastValue(process$.terminate(), { defaultValue: undefined });
      process.stderr.write(`process ${process$.id} ${onInterrupt === 'terminate' ? 'terminated' : 'left running'}\n`);
      throw error;
    });
    if (failure) throw new CliError(`process ${process$.id} failed: ${failure}`);
  };

  pie
    .command('launch')
    .description('launch a program and follow it: stdout to stdout, stderr to stderr, files to --files')
    .argument('<inferlet>', 'name@version')
    .argument('[input]', 'launch input (text)')
    .option('--files <dir>', 'save the files the process sends into this folder')
    .option('--detach', 'print the process id and leave it running')
    .action((inferlet: string, input: string | undefined, opts: { files?: string; detach?: boolean }) =>
      withClient(async (client) => {
        const handle = await firstValue(client.launch(inferlet, input ?? '', opts.detach ? { capture: false } : {}), { signal });
        if (opts.detach) {
          handle.detach();
          return printOne(json(), { process: handle.id });
        }
        if (!json()) process.stderr.write(`process ${handle.id}\n`);
        await follow(handle, opts.files, 'terminate');
      }),
    );

  pie
    .command('attach')
    .description('follow a running process again')
    .argument('<process>', 'the process id')
    .option('--files <dir>', 'save the files the process sends into this folder')
    .action((id: string, opts: { files?: string }) => withClient(async (client) => follow(await firstValue(client.attachProcess(id), { signal }), opts.files, 'detach')));

  pie
    .command('terminate')
    .description('terminate a process')
    .argument('<process>', 'the process id')
    .action((id: string) =>
      withClient(async (client) => {
        await lastValue(client.terminateProcess(id), { signal, defaultValue: undefined });
        printOne(json(), { terminated: id });
      }),
    );

  pie
    .command('list')
    .description('the processes running on the engine')
    .action(() =>
      withClient(async (client) => {
        const list = await firstValue(client.listProcesses(), { signal });
        printRows(json(), list.map((p) => ({ id: p.id, program: p.program, username: p.username, elapsed: p.elapsedSecs, input: p.input })), ['id', 'program', 'username', 'elapsed', 'input']);
      }),
    );

  pie
    .command('signal')
    .description('send a signal (a text message) to a process')
    .argument('<process>', 'the process id')
    .argument('<message>', 'the text to send')
    .action((id: string, message: string) =>
      withClient(async (client) => {
        await lastValue(client.signalProcess(id, message), { signal, defaultValue: undefined });
        printOne(json(), { signalled: id });
      }),
    );

  return pie;
}
