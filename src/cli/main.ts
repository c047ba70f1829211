import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { OUTPUT_FORMATS, type OutputFormat } from '../diagnostics/render.js';
import { runBuild } from './commands/build.js';
import { runCheck } from './commands/check.js';
import { runWatch } from './commands/watch.js';
import { EXIT, type Io, processIo } from './io.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Options every command that prints diagnostics takes. */
function outputOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('human'))
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output');
}

/** A command action: gets its parsed options, returns the exit code. */
type Action = (...args: never[]) => Promise<number>;

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

  const run =
    <A extends Action>(action: A) =>
    async (...args: Parameters<A>) => {
      exitCode = await action(...args);
    };

  outputOptions(
    program
      .command('check')
      .description('validate policy sets: schema, references and semantic rules (no output is written)')
      .argument('[path]', 'a policy set folder, or a folder of sets', 'policies'),
  ).action(
    run(async (path: string, opts: { format: OutputFormat; color?: boolean }) =>
      runCheck(io, { path, format: opts.format, color: opts.color }),
    ),
  );

  outputOptions(
    program
      .command('build')
      .description('compile policy sets into generated TypeScript modules and JSON manifests')
      .argument('[path]', 'a policy set folder, or a folder of sets', 'policies')
      .option('-o, --out <dir>', 'output folder; each set goes to <dir>/<set>/', 'generated')
      .option('--check', 'write nothing; exit 1 and list the files that are stale (for CI)')
      .option('--locked', 'fail instead of changing a lockfile (for CI)'),
  ).action(
    run(async (path: string, opts: { out: string; check?: boolean; locked?: boolean; format: OutputFormat; color?: boolean }) =>
      runBuild(io, { path, out: opts.out, check: opts.check === true, locked: opts.locked === true, format: opts.format, color: opts.color }),
    ),
  );

  outputOptions(
    program
      .command('watch')
      .description('rebuild a set whenever its policy files change; errors are shown and the last good output is kept')
      .argument('[path]', 'a policy set folder, or a folder of sets', 'policies')
      .option('-o, --out <dir>', 'output folder; each set goes to <dir>/<set>/', 'generated')
      .option('--locked', 'fail instead of changing a lockfile'),
  ).action(
    run(async (path: string, opts: { out: string; locked?: boolean; format: OutputFormat; color?: boolean }) =>
      runWatch(io, { path, out: opts.out, locked: opts.locked === true, format: opts.format, color: opts.color }),
    ),
  );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`policyc: internal error (PC999): ${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env.POLICYC_DEBUG) io.stderr.write(`${message}\n`);
    else io.stderr.write('This is a bug in policyc. Run again with POLICYC_DEBUG=1 for details, and report it.\n');
    return EXIT.usage;
  }
}
