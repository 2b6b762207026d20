// `flame-pie-rx flame …`: applications, sessions, tasks, executors and nodes of a Flame cluster.
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { map, takeWhile, tap, toArray } from 'rxjs';
import { parse as parseYaml } from 'yaml';
import { connectFlame } from '../interop/flame-ready.js';
import { firstValue, lastValue } from '../interop/promise.js';
import type { ApplicationSpecInput, Session, Task } from '../model/flame/types.js';
import type { FlameClient } from '../observables/flame/client.js';
import { untilAborted } from '../interop/until-aborted.js';
import { CliError, EXIT, printOne, printRows } from './output.js';

interface FlameFlags {
  endpoint?: string;
  context?: string;
  config?: string;
  timeout: string;
}

const KINDS = ['applications', 'sessions', 'tasks', 'executors', 'nodes'] as const;

/** snake_case keys of an flmctl YAML spec to the camelCase of `ApplicationSpecInput`. */
function camel(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
}

/** An application YAML: `{ metadata: { name }, spec }` (flmctl's layout) or `{ name, spec }`. */
export function applicationFromYaml(text: string): { name: string; spec: ApplicationSpecInput } {
  const doc = parseYaml(text) as { name?: unknown; metadata?: { name?: unknown }; spec?: Record<string, unknown> } | null;
  const name = doc?.metadata?.name ?? doc?.name;
  if (typeof name !== 'string' || name === '') throw new CliError('the YAML has no metadata.name', EXIT.usage);
  return { name, spec: camel(doc?.spec ?? {}) as ApplicationSpecInput };
}

function sessionRow(s: Session): Record<string, unknown> {
  return { id: s.id, application: s.application, state: s.state, pending: s.pending, running: s.running, succeed: s.succeed, failed: s.failed, created: s.creationTime };
}

function taskRow(t: Task): Record<string, unknown> {
  return { id: t.id, session: t.sessionId, state: t.state, created: t.creationTime, completed: t.completionTime };
}

/** The `flame` command tree; `withClient` runs an action with a connected client. */
export function flameCommand(json: () => boolean, signal?: AbortSignal): Command {
  const flame = new Command('flame')
    .description('Flame cluster: applications, sessions, tasks, executors, nodes')
    .option('--endpoint <url>', 'cluster endpoint (default: the context of ~/.flame/flame.yaml, FLAME_ENDPOINT)')
    .option('--context <name>', 'context of the configuration file')
    .option('--config <path>', 'configuration file (default ~/.flame/flame.yaml)')
    .option('--timeout <ms>', 'how long to wait for the cluster', '10000');

  const withClient = async <T>(action: (client: FlameClient) => Promise<T>): Promise<T> => {
    const flags = flame.opts<FlameFlags>();
    const client = await untilAborted(signal, connectFlame({
      ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
      ...(flags.context ? { context: flags.context } : {}),
      ...(flags.config ? { configPath: flags.config } : {}),
      readyTimeoutMs: Number(flags.timeout),
    })).catch((error: Error) => {
      if (error instanceof CliError) throw error;
      throw new CliError(error.message, error.name === 'FlameUnreachableError' ? EXIT.unreachable : EXIT.failed);
    });
    try {
      return await action(client);
    } finally {
      client.close();
    }
  };

  flame
    .command('list')
    .description('list applications, sessions, tasks (of --session), executors or nodes')
    .addOption(new Option('--session <id>', 'the session whose tasks to list'))
    .argument('<kind>', KINDS.join('|'))
    .action((kind: string, opts: { session?: string }) =>
      withClient(async (client) => {
        switch (kind) {
          case 'applications': {
            const apps = await firstValue(client.listApplications(), { signal });
            return printRows(json(), apps.map((a) => ({ name: a.name, state: a.state, shim: a.spec.shim, command: a.spec.command, created: a.creationTime })), ['name', 'state', 'shim', 'command', 'created']);
          }
          case 'sessions': {
            const sessions = await firstValue(client.listSessions(), { signal });
            return printRows(json(), sessions.map(sessionRow), ['id', 'application', 'state', 'pending', 'running', 'succeed', 'failed', 'created']);
          }
          case 'tasks': {
            if (!opts.session) throw new CliError('list tasks needs --session <id>', EXIT.usage);
            const tasks = await lastValue(client.listTasks(opts.session).pipe(toArray()), { signal, defaultValue: [] as Task[] });
            return printRows(json(), tasks.map(taskRow), ['id', 'session', 'state', 'created', 'completed']);
          }
          case 'executors': {
            const executors = await firstValue(client.listExecutors(), { signal });
            return printRows(json(), executors.map((e) => ({ id: e.id, node: e.node, state: e.state, shim: e.shim, session: e.sessionId })), ['id', 'node', 'state', 'shim', 'session']);
          }
          case 'nodes': {
            const nodes = await firstValue(client.listNodes(), { signal });
            return printRows(json(), nodes.map((n) => ({ name: n.name, hostname: n.hostname, state: n.state, cpu: n.allocatable.cpu, memory: n.allocatable.memory, arch: n.arch, os: n.os })), ['name', 'hostname', 'state', 'cpu', 'memory', 'arch', 'os']);
          }
          default:
            throw new CliError(`unknown kind '${kind}' (one of ${KINDS.join(', ')})`, EXIT.usage);
        }
      }),
    );

  flame
    .command('view')
    .description('show one application, session, task or node')
    .argument('<kind>', 'application|session|task|node')
    .argument('<id>', 'its name or id (a task: the session id)')
    .argument('[task]', 'the task id (for kind task)')
    .action((kind: string, id: string, task: string | undefined) =>
      withClient(async (client) => {
        switch (kind) {
          case 'application':
            return printOne(json(), await firstValue(client.getApplication(id), { signal }));
          case 'session':
            return printOne(json(), await firstValue(client.getSession(id), { signal }));
          case 'task':
            if (!task) throw new CliError('view task needs <session> <task>', EXIT.usage);
            return printOne(json(), await firstValue(client.getTask(id, task), { signal }));
          case 'node':
            return printOne(json(), await firstValue(client.getNode(id), { signal }));
          default:
            throw new CliError(`unknown kind '${kind}' (one of application, session, task, node)`, EXIT.usage);
        }
      }),
    );

  flame
    .command('register')
    .description('register an application from a YAML file (flmctl layout: metadata.name, spec)')
    .argument('<file>', 'the YAML file')
    .action((file: string) =>
      withClient(async (client) => {
        const { name, spec } = applicationFromYaml(await readFile(file, 'utf8'));
        await lastValue(client.registerApplication(name, spec), { signal, defaultValue: undefined });
        printOne(json(), { registered: name });
      }),
    );

  flame
    .command('create-session')
    .description('open a session of an application')
    .argument('<application>')
    .option('--id <id>', 'the session id (default: generated)')
    .option('--min-instances <n>')
    .option('--max-instances <n>')
    .option('--priority <n>')
    .option('--resreq <text>', 'resource requirement, e.g. cpu=1,mem=1g')
    .action((application: string, opts: { id?: string; minInstances?: string; maxInstances?: string; priority?: string; resreq?: string }) =>
      withClient(async (client) => {
        const session = await firstValue(
          client.createSession({
            application,
            ...(opts.id ? { id: opts.id } : {}),
            ...(opts.minInstances ? { minInstances: Number(opts.minInstances) } : {}),
            ...(opts.maxInstances ? { maxInstances: Number(opts.maxInstances) } : {}),
            ...(opts.priority ? { priority: Number(opts.priority) } : {}),
            ...(opts.resreq ? { resreq: opts.resreq } : {}),
          }),
          { signal },
        );
        printOne(json(), { id: session.id, application });
      }),
    );

  flame
    .command('close-session')
    .description('close a session')
    .argument('<id>')
    .action((id: string) => withClient(async (client) => printOne(json(), sessionRow(await firstValue(client.closeSession(id), { signal })))));

  flame
    .command('run')
    .description('run a task in a session, follow its states, print its output')
    .argument('<session>')
    .argument('[input]', 'the task input (text)')
    .action((session: string, input: string | undefined) =>
      withClient(async (client) => {
        const bytes = input === undefined ? undefined : new TextEncoder().encode(input);
        let created: string | undefined;
        const task = await lastValue(
          client.runTask(session, bytes).pipe(
            tap((t) => {
              created = t.id;
              if (json()) process.stdout.write(`${JSON.stringify({ id: t.id, state: t.state })}\n`);
              else process.stderr.write(`task ${t.id}: ${t.state}\n`);
            }),
          ),
          { signal },
        ).catch((error: Error) => {
          if (!signal?.aborted || error !== signal.reason) throw new CliError(error.message);
          // Interrupted: the watch is cancelled; the task itself runs on in its session.
          if (created !== undefined) process.stderr.write(`task ${created} of session ${session} was left running\n`);
          throw error;
        });
        if (!json() && task.output) process.stdout.write(`${new TextDecoder().decode(task.output)}\n`);
        if (task.state !== 'Succeed') throw new CliError(`task ${task.id} ended ${task.state}`);
      }),
    );

  flame
    .command('watch')
    .description("watch a session's task counters live (until it closes, or Ctrl-C)")
    .argument('<session>')
    .option('--interval <ms>', 'polling period', '1000')
    .action((session: string, opts: { interval: string }) =>
      withClient(async (client) => {
        const tty = process.stdout.isTTY && !json();
        await lastValue(
          client.sessionStatus(session, { intervalMs: Number(opts.interval) }).pipe(
            takeWhile((s) => s.state !== 'Closed', true),
            map(sessionRow),
            tap((row) => {
              const line = json()
                ? JSON.stringify(row)
                : `${String(row.id)} ${String(row.state)}: pending ${String(row.pending)}, running ${String(row.running)}, succeed ${String(row.succeed)}, failed ${String(row.failed)}`;
              process.stdout.write(tty ? `\r\u001b[2K${line}` : `${line}\n`);
            }),
          ),
          { signal, defaultValue: undefined },
        ).catch((error: unknown) => {
          // Ctrl-C is how a watch is meant to end: not a failure.
          if (!signal?.aborted || error !== signal.reason) throw error;
        });
        if (tty) process.stdout.write('\n');
      }),
    );

  return flame;
}
