import { Command, CommanderError } from 'commander';
import { defaultCacheDir } from '../cache/build-cache.js';
import { ParsedFiles } from '../cache/parse-cache.js';
import { useParsedFileStore } from '../load/parsed-files.js';
import type { CommandContext, RegisterCommand } from './command.js';
import { EXIT, type Io, processIo } from './io.js';
import { VERSION } from './version.js';

/**
 * Every command, in the order `policyc --help` lists them, each loaded on demand: a run of one
 * command reads only that command's code (start-up time is most of a `check`). One file per
 * command in commands/.
 */
const COMMANDS: ReadonlyMap<string, () => Promise<RegisterCommand>> = new Map([
  ['check', async () => (await import('./commands/check.js')).registerCheck],
  ['build', async () => (await import('./commands/build.js')).registerBuild],
  ['watch', async () => (await import('./commands/watch.js')).registerWatch],
  ['diff', async () => (await import('./commands/diff.js')).registerDiff],
  ['explain', async () => (await import('./commands/explain.js')).registerExplain],
  ['who-can', async () => (await import('./commands/who-can.js')).registerWhoCan],
  ['access', async () => (await import('./commands/access.js')).registerAccess],
  ['report', async () => (await import('./commands/report.js')).registerReport],
  ['test', async () => (await import('./commands/test.js')).registerTest],
  ['init', async () => (await import('./commands/init.js')).registerInit],
  ['fmt', async () => (await import('./commands/fmt.js')).registerFmt],
  ['vectors', async () => (await import('./commands/vectors.js')).registerVectors],
]);

/**
 * The commands to register for `argv`: the named one alone when the first argument names one;
 * all of them otherwise (help, version, and the suggestion for a misspelt command need them all).
 */
async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const named = argv[0] === undefined ? undefined : COMMANDS.get(argv[0]);
  return Promise.all(named ? [named()] : [...COMMANDS.values()].map((load) => load()));
}

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
  try {
    for (const register of await commandsFor(argv)) register(program, ctx);
    useCacheOption(program, io);
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
  } finally {
    useParsedFileStore(undefined);
  }
}

/** Commands that do not run the pipeline (`fmt` parses to rewrite, keeping every comment). */
const WITHOUT_PIPELINE = new Set(['init', 'fmt']);

/**
 * Every command that reads policies parses them through the parse cache (src/cache/parse-cache.ts),
 * in the build cache's folder; `--no-cache` (declared here for the commands that do not declare it
 * themselves) turns it off for the run, with the build cache where the command has one.
 */
function useCacheOption(program: Command, io: Io): void {
  for (const command of program.commands)
    if (!WITHOUT_PIPELINE.has(command.name()) && !command.options.some((o) => o.attributeName() === 'cache'))
      command.option('--no-cache', 'parse every policy file again, without reading or writing the cache');
  program.hook('preAction', (_program, command) => {
    useParsedFileStore(command.opts().cache === false ? undefined : new ParsedFiles(defaultCacheDir(io.cwd)));
  });
}
