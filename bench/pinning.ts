// Client and server on cores of their own, each process started there (`taskset -c`), so
// that Node sizes its worker threads for the core it has. Unpinned, the scheduler moves the
// bench's client and its server child between the cores from round to round: on an idle
// 2-core machine one side's CPU per ping read 14 µs in one process and 26 µs in the next.
// Pinned after start instead, V8's helper threads (sized for 2 cores) share the client's
// one core and system CPU per ping tripled (8 → 27 µs) on both sides. Linux with `taskset`
// and 2+ cores only; elsewhere, or with BENCH_PIN=0, nothing is pinned and the report says so.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  /** Cores for the bench's own (client) process, or undefined when not pinned. */
  readonly clientCpus: string | undefined;
  /** Cores for server children, or undefined when not pinned. */
  readonly serverCpus: string | undefined;
  /** One line for the report. */
  readonly description: string;
}

const PINNED_ENV = 'BENCH_PINNED_TO';

let decided: Pinning | undefined;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Where the client and the servers run; decided once per process. */
export function pinning(): Pinning {
  if (decided) return decided;
  const inherited = process.env[PINNED_ENV];
  const cores = availableParallelism();
  if (inherited !== undefined) {
    const [clientCpus, serverCpus] = inherited.split('/') as [string, string];
    decided = { clientCpus, serverCpus, description: `client started on core ${clientCpus}, servers on core ${serverCpus} (taskset -c)` };
  } else if (process.env['BENCH_PIN'] === '0') {
    decided = { clientCpus: undefined, serverCpus: undefined, description: 'not pinned (BENCH_PIN=0)' };
  } else if (process.platform !== 'linux' || cores < 2 || !hasTaskset()) {
    decided = { clientCpus: undefined, serverCpus: undefined, description: `not pinned (${process.platform}, ${cores} cores, taskset needed)` };
  } else {
    decided = { clientCpus: '0', serverCpus: cores === 2 ? '1' : `1-${cores - 1}`, description: '' };
  }
  return decided;
}

/** The command line for a process on `cpus` (or as given when not pinned). */
export function onCores(cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpus === undefined ? [command, [...args]] : ['taskset', ['-c', cpus, command, ...args]];
}

/**
 * When pinning is on and this process was not started pinned, the command that starts it
 * again on the client's core (with the same node flags and arguments), else undefined.
 */
export function restartPinned(): { command: string; args: string[]; env: NodeJS.ProcessEnv } | undefined {
  const { clientCpus, serverCpus } = pinning();
  if (clientCpus === undefined || process.env[PINNED_ENV] !== undefined) return undefined;
  const [command, args] = onCores(clientCpus, process.execPath, [...process.execArgv, ...process.argv.slice(1)]);
  return { command, args, env: { ...process.env, [PINNED_ENV]: `${clientCpus}/${serverCpus!}` } };
}
