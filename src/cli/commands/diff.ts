import { InvalidArgumentError, Option } from 'commander';
import { type Colors, renderHuman } from '../../diagnostics/render.js';
import { loadSides, type Side } from '../../review/sides.js';
import { readStoredDefinitions } from '../../review/stored-roles.js';
import { type CustomRoleReview, customRoleReviewJson, reviewCustomRoles } from '../../review/custom-roles-diff.js';
import { renderCustomRoleReviewMarkdown, renderCustomRoleReviewText } from '../../review/render/custom-roles-review.js';
import { renderMarkdown } from '../../review/render/diff-markdown.js';
import { buildReport, type Gate, GATES, trippedGates } from '../../review/diff-report.js';
import { renderText } from '../../review/render/diff-text.js';
import type { RegisterCommand } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { usageErrorExit } from '../workspace.js';

type DiffFormat = 'text' | 'markdown' | 'json';
const DIFF_FORMATS: readonly DiffFormat[] = ['text', 'markdown', 'json'];

interface DiffOptions {
  readonly base: string | undefined;
  readonly head: string | undefined;
  readonly path: string;
  readonly format: DiffFormat;
  readonly failOn: readonly Gate[];
  readonly color: boolean | undefined;
  /** A JSON file or folder of stored run-time role definitions to review on both sides. */
  readonly customRoles?: string | undefined;
}

/**
 * `policyc diff [BASE] [HEAD]`: what changes in effective access between two versions of the
 * policy sets. Exit 0, or 1 when a set does not compile on either side or a `--fail-on` gate
 * matches; 2 for usage errors (a bad revision, no repository, no sets).
 */
async function runDiff(io: Io, options: DiffOptions): Promise<number> {
  const errColors = useColor(io, 'stderr', options.color);
  let sides;
  let custom: CustomRoleReview | undefined;
  try {
    sides = await loadSides({ cwd: io.cwd, base: options.base, head: options.head, path: options.path });
    if (options.customRoles !== undefined)
      custom = reviewCustomRoles(readStoredDefinitions(io.cwd, options.customRoles), sides.base, sides.head);
  } catch (error) {
    return usageErrorExit(io, error, errColors);
  }
  const { base, head } = sides;

  // Sets that do not compile: their errors, with code frames, on stderr (the report says which).
  const failed = printSideErrors(io, [base, head], errColors);

  for (const d of custom?.diagnostics ?? [])
    if (d.severity === 'error') println(io.stderr, renderHuman(d, custom!.files, errColors));

  const report = buildReport(base, head);
  if (options.format === 'json')
    io.stdout.write(
      `${JSON.stringify(custom ? { ...report, customRoles: customRoleReviewJson(custom) } : report, null, 2)}\n`,
    );
  else if (options.format === 'markdown')
    io.stdout.write(renderMarkdown(report) + (custom ? renderCustomRoleReviewMarkdown(custom) : ''));
  else {
    const colors = useColor(io, 'stdout', options.color);
    io.stdout.write(renderText(report, colors) + (custom ? renderCustomRoleReviewText(custom, colors) : ''));
  }

  const tripped = trippedGates(report, options.failOn);
  for (const t of tripped) println(io.stderr, `policyc diff: --fail-on ${t.gate}: ${t.because}`);
  // A stored definition HEAD rejects is one the application could no longer load.
  const rejected = (custom?.rejected ?? 0) > 0 || (custom?.diagnostics.some((d) => d.code === 'PC701') ?? false);
  return failed || tripped.length > 0 || rejected ? EXIT.policy : EXIT.ok;
}

/** Prints the errors of every set that does not compile on either side, with code frames; true when there were any. */
export function printSideErrors(io: Io, sides: readonly Side[], errColors: Colors): boolean {
  let failed = false;
  for (const side of sides) {
    for (const set of side.sets) {
      if (set.errors.length === 0) continue;
      failed = true;
      println(
        io.stderr,
        errColors.bold(
          `${set.name} at ${side.revision ? `${side.label} (${side.revision.slice(0, 7)})` : side.label}: ${set.errors.length} error${set.errors.length === 1 ? '' : 's'}`,
        ),
      );
      for (const d of set.errors) {
        println(io.stderr, renderHuman(d, set.analysis.files, errColors));
        println(io.stderr);
      }
    }
  }
  return failed;
}

function parseGates(value: string, previous: Gate[] = []): Gate[] {
  const out = [...previous];
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(GATES as readonly string[]).includes(part))
      throw new InvalidArgumentError(`expected ${GATES.join(', ')} (comma-separated), got "${part}"`);
    if (!out.includes(part as Gate)) out.push(part as Gate);
  }
  return out;
}

export const registerDiff: RegisterCommand = (program, { io, run }) => {
  program
    .command('diff')
    .description('compare the effective access of two versions of the policy sets (git revisions or folders)')
    .argument('[base]', 'git revision or folder (default: the merge base of HEAD with the default branch)')
    .argument('[head]', 'git revision or folder (default: the working tree)')
    .option('--path <dir>', 'the policies folder, relative to the repository checkout', 'policies')
    .addOption(new Option('--format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .option(
      '--fail-on <gates>',
      `exit 1 when the change has any of: ${GATES.join(', ')} (comma-separated or repeated)`,
      parseGates,
    )
    .option(
      '--custom-roles <path>',
      'a JSON file or folder of stored run-time role definitions: what each gains and loses',
    )
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .action(
      run(
        async (
          base: string | undefined,
          head: string | undefined,
          opts: { path: string; format: DiffFormat; failOn?: Gate[]; color?: boolean; customRoles?: string },
        ) =>
          runDiff(io, {
            base,
            head,
            path: opts.path,
            format: opts.format,
            failOn: opts.failOn ?? [],
            color: opts.color,
            customRoles: opts.customRoles,
          }),
      ),
    );
};
