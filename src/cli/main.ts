#!/usr/bin/env node
// `flame-pie-rx`: a command line for Flame clusters and Pie engines, built on this library.
import '../model/pie/node/install.js';
import { Command, CommanderError } from 'commander';
import { flameCommand } from './flame.js';
import { interruptSignal } from './interrupt.js';
import { CliError, EXIT } from './output.js';
import { pieCommand } from './pie.js';

const program = new Command('flame-pie-rx')
  .description('Flame (tasks) and Pie (LLM programs) from the command line')
  .option('--json', 'print JSON for scripts instead of tables')
  .showHelpAfterError()
  .exitOverride();
const json = (): boolean => program.opts<{ json?: boolean }>().json === true;
// Ctrl-C aborts the running operation (cancelled on the wire), then the tool exits 130.
const signal = interruptSignal();
program.addCommand(flameCommand(json, signal).exitOverride().showHelpAfterError());
program.addCommand(pieCommand(json, signal).exitOverride().showHelpAfterError());
for (const command of program.commands) for (const sub of command.commands) sub.exitOverride().showHelpAfterError();

/** Exits once stdout and stderr are flushed (a pipe is written asynchronously). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

program.parseAsync(process.argv).then(
  () => exit(EXIT.ok),
  (error: unknown) => {
    if (error instanceof CommanderError) {
      // Help and version are not failures; usage errors were already printed by commander.
      exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    exit(error instanceof CliError ? error.code : EXIT.failed);
  },
);
