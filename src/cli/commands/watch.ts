import { CODES } from '../../diagnostics/codes.js';
import type { OutputFormat } from '../../diagnostics/render.js';
import type { WatchEvent } from '../../watch.js';
import { type RegisterCommand, outputOptions } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { printDiagnostics } from '../check-report.js';

interface WatchCommandOptions {
  readonly path: string;
  readonly out: string;
  readonly locked: boolean;
  readonly format: OutputFormat;
  readonly color: boolean | undefined;
  /** Resolves when the watch should stop (SIGINT by default). */
  readonly until?: Promise<void>;
}

/** `policyc watch`: rebuild on every change until interrupted; policy errors never end it. The lockfile is left to `policyc build`. */
async function runWatch(io: Io, options: WatchCommandOptions): Promise<number> {
  const c = useColor(io, 'stdout', options.format === 'human' ? options.color : false);
  const time = () => new Date().toLocaleTimeString('en-GB', { hour12: false });
  let problems = false;
  const onEvent = (e: WatchEvent) => {
    const files = e.compilation?.analysis.files ?? new Map();
    printDiagnostics(io, io.stdout, options.format, e.diagnostics, files, c);
    const ms = `${Math.round(e.ms)} ms`;
    if (e.kind === 'built') {
      const what =
        e.written.length > 0 ? `wrote ${e.written.map((w) => w.split('/').pop()).join(', ')}` : 'output unchanged';
      println(
        io.stdout,
        `${c.dim(time())} ${c.green('✔')} ${c.bold(e.set)} ${e.initial ? 'built' : 'rebuilt'} in ${ms} (${what})`,
      );
      if (e.lockfilePending.length > 0) {
        const n = e.lockfilePending.length;
        println(
          io.stdout,
          `  ${c.yellow('!')} lockfile not written by watch (${n} change${n === 1 ? '' : 's'}: ${e.lockfilePending.slice(0, 3).join('; ')}${n > 3 ? '; …' : ''}); run \`policyc build\` to record the numbers`,
        );
      }
    } else if (e.kind === 'failed') {
      const errors = e.diagnostics.filter((d) => d.severity === 'error').length;
      println(
        io.stdout,
        `${c.dim(time())} ${c.red('✖')} ${c.bold(e.set)}: ${errors} error${errors === 1 ? '' : 's'} in ${ms}; the last good output stays in place`,
      );
    } else {
      println(
        io.stdout,
        `${c.dim(time())} ${c.red('✖')} ${c.bold(e.set)}: policyc failed (${CODES.PC999.name}): ${e.message}; still watching`,
      );
    }
  };
  const { startWatch } = await import('../../watch.js');
  const handle = startWatch({
    path: options.path,
    out: options.out,
    locked: options.locked,
    onEvent,
    onProblem: (ds) => {
      problems = true;
      printDiagnostics(io, io.stdout, options.format, ds, new Map(), c);
    },
  });
  await handle.ready;
  if (problems) {
    await handle.close();
    return EXIT.usage;
  }
  println(io.stdout, c.dim(`Watching ${options.path} for changes (Ctrl-C to stop)…`));
  const until =
    options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  await until;
  await handle.close();
  return EXIT.ok;
}

export const registerWatch: RegisterCommand = (program, { io, run }) => {
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
};
