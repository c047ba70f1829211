import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { renderHuman } from '../../diagnostics/render.js';
import { closest } from '../../diagnostics/suggest.js';
import { WriteError, writeFailure, writeFileAtomic } from '../../output/write.js';
import { renderHtml } from '../../report/html.js';
import { changeReport, type ReportData, snapshotReport } from '../../report/contents.js';
import { loadSides, type Side, UsageError } from '../../review/sides.js';
import { usageErrorExit, withSets } from '../workspace.js';
import type { RegisterCommand } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { VERSION } from '../version.js';
import { printSideErrors } from './diff.js';

interface ReportOptions {
  /** No argument: the sets of `path`. One folder: its sets. A revision, or two arguments: a change. */
  readonly args: readonly string[];
  readonly path: string;
  readonly set: string | undefined;
  /** The file to write; `-` writes to stdout. */
  readonly output: string;
  readonly color: boolean | undefined;
}

/** Whether `policyc report ARG` shows the sets of a folder (rather than a change since a revision). */
function isFolder(cwd: string, arg: string): boolean {
  const abs = path.resolve(cwd, arg);
  return existsSync(abs) && statSync(abs).isDirectory();
}

/**
 * `policyc report [PATH]` and `policyc report BASE [HEAD]`: one self-contained HTML page with the
 * access matrix of every set (and in change mode what changed, escalations first). Exit 0; 1 when
 * a set has errors (nothing is written); 2 for usage errors.
 */
async function runReport(io: Io, options: ReportOptions): Promise<number> {
  const c = useColor(io, 'stderr', options.color);
  const [first, second] = options.args;
  let data: ReportData | undefined;
  let status: number = EXIT.ok;
  if (second === undefined && (first === undefined || isFolder(io.cwd, first))) {
    const folder = first ?? options.path;
    status = await withSets(io, { path: folder, set: options.set, format: 'text', color: options.color }, (sets) => {
      data = snapshotReport(
        sets.map((s) => s.model),
        folder,
      );
      return EXIT.ok;
    });
  } else {
    try {
      const sides = await loadSides({ cwd: io.cwd, base: first, head: second, path: options.path });
      const names = [...new Set([...sides.base.sets, ...sides.head.sets].map((s) => s.name))];
      if (options.set !== undefined && !names.includes(options.set)) {
        const near = closest(options.set, names);
        throw new UsageError(
          'PC904',
          `no policy set \`${options.set}\` on either side`,
          near !== undefined ? `did you mean \`${near}\`?` : `sets: ${names.join(', ')}`,
        );
      }
      const only = (side: Side): Side =>
        options.set === undefined ? side : { ...side, sets: side.sets.filter((s) => s.name === options.set) };
      const base = only(sides.base);
      const head = only(sides.head);
      if (printSideErrors(io, [base, head], c)) {
        println(io.stderr, 'policyc report: fix the errors above first; no report was written');
        return EXIT.policy;
      }
      data = changeReport(base, head);
    } catch (error) {
      return usageErrorExit(io, error, c);
    }
  }
  if (!data) return status;

  const html = renderHtml(data, `policyc ${VERSION}`);
  if (options.output === '-') {
    io.stdout.write(html);
    return EXIT.ok;
  }
  const file = path.resolve(io.cwd, options.output);
  try {
    writeFileAtomic(file, html);
  } catch (error) {
    if (error instanceof WriteError) {
      println(io.stderr, renderHuman(writeFailure(error), new Map(), c));
      return EXIT.usage;
    }
    throw error;
  }
  const size = Buffer.byteLength(html);
  const what = data.mode === 'change' ? `change ${data.source}` : data.sets.map((s) => s.name).join(', ');
  println(
    io.stdout,
    `${useColor(io, 'stdout', options.color).green('✔')} ${options.output} (${(size / 1024).toFixed(1)} KiB): ${what}`,
  );
  return EXIT.ok;
}

export const registerReport: RegisterCommand = (program, { io, run }) => {
  program
    .command('report')
    .description(
      'write one self-contained HTML page: the access matrix of the sets, or the review of a change (with BASE)',
    )
    .argument(
      '[base]',
      'a folder of policy sets (default: --path), or a git revision or folder to compare with (change mode)',
    )
    .argument('[head]', 'change mode: the git revision or folder to compare (default: the working tree)')
    .option('-o, --output <file>', 'the HTML file to write (`-` for stdout)', 'policyc-report.html')
    .option(
      '--path <dir>',
      'the folder of the policy sets (in change mode: relative to the repository checkout)',
      'policies',
    )
    .option('--set <name>', 'only this policy set')
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .action(
      run(
        async (
          base: string | undefined,
          head: string | undefined,
          opts: { output: string; path: string; set?: string; color?: boolean },
        ) =>
          runReport(io, {
            args: [base, head].filter((a): a is string => a !== undefined),
            path: opts.path,
            set: opts.set,
            output: opts.output,
            color: opts.color,
          }),
      ),
    );
};
