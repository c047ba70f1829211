import { Command, CommanderError } from 'commander';
import type { CommandContext, RegisterCommand } from './command.js';
import { registerAccess } from './commands/access.js';
import { registerBuild } from './commands/build.js';
import { registerCheck } from './commands/check.js';
import { registerDiff } from './commands/diff.js';
import { registerExplain } from './commands/explain.js';
import { registerFmt } from './commands/fmt.js';
import { registerInit } from './commands/init.js';
import { registerReport } from './commands/report.js';
import { registerTest } from './commands/test.js';
import { registerVectors } from './commands/vectors.js';
import { registerWatch } from './commands/watch.js';
import { registerWhoCan } from './commands/who-can.js';
import { EXIT, type Io, processIo } from './io.js';
import { VERSION } from './version.js';

/** Every command, in the order `policyc --help` lists them. One file per command in commands/. */
const COMMANDS: readonly RegisterCommand[] = [
  registerCheck,
  registerBuild,
  registerWatch,
  registerDiff,
  registerExplain,
  registerWhoCan,
  registerAccess,
  registerReport,
  registerTest,
  registerInit,
  registerFmt,
  registerVectors,
];

/**
 * Runs the policyc command line and returns the exit code: 0 fine, 1 policy errors, 2 usage
 * or internal errors. Never throws and never calls process.exit, so tests can call it.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('policyc')
    .description('Policy-as-code compiler for role-based access control.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run `policyc --help` for usage)')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  const ctx: CommandContext = {
    io,
    run:
      (action) =>
      async (...args) => {
        exitCode = await action(...args);
      },
  };
  for (const register of COMMANDS) register(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    io.stderr.write(`policyc: internal error (PC999): ${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env.POLICYC_DEBUG) io.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    else io.stderr.write('This is a bug in policyc. Run again with POLICYC_DEBUG=1 for details, and report it.\n');
    return EXIT.usage;
  }
}
