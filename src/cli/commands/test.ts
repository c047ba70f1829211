import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Option } from 'commander';
import { analyzeSet } from '../../analyze.js';
import { defaultCacheDir } from '../../cache/build-cache.js';
import { Diagnostics } from '../../diagnostics/diagnostic.js';
import { discoverSets } from '../../load/discover.js';
import { escapeData, escapeProperty } from '../../diagnostics/render.js';
import {
  coverage,
  coverageCobertura,
  coverageJson,
  formatPercent,
  renderCoverage,
  type SetCoverage,
  setCoverage,
} from '../../gherkin/coverage.js';
import type { FailedStep } from '../../gherkin/run.js';
import type { RegisterCommand } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';

interface TestOptions {
  readonly paths: readonly string[];
  readonly policies: string;
  readonly formats: readonly string[];
  readonly minCoverage: number | undefined;
  readonly tags: string | undefined;
  readonly names: readonly string[];
  readonly failFast: boolean;
  readonly imports: readonly string[];
  readonly color: boolean | undefined;
  /** Where to write the coverage as JSON, and as Cobertura XML. */
  readonly coverageJson?: string | undefined;
  readonly coverageCobertura?: string | undefined;
  /** Keep the compiled modules of the sets and of the scenarios' changed copies in the build cache; `--no-cache` turns it off. */
  readonly cache?: boolean;
}

/** A stream cucumber can write to that forwards to the command's output. */
function forward(target: Io['stdout']): Writable {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      target.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  Object.assign(stream, { isTTY: target.isTTY === true });
  return stream;
}

/**
 * The coverage of the sets of the policies folder that the run's scenarios used (sets that do
 * not compile are skipped: the scenarios report them), each with the key the steps recorded it by.
 */
async function coverageOf(policies: string): Promise<Map<SetCoverage, string>> {
  const out = new Map<SetCoverage, string>();
  if (!existsSync(policies)) return out;
  const sources = await discoverSets(policies, new Diagnostics());
  for (const source of sources) {
    const key = path.resolve(source.dir);
    if (!coverage.touched(key)) continue;
    const model = analyzeSet(source).model;
    if (model) out.set(setCoverage(key, model, coverage), key);
  }
  return out;
}

/** Writes a report file, creating its folder; a usage error (exit 2) when it cannot. */
function writeReport(io: Io, file: string, text: string): boolean {
  try {
    const target = path.resolve(io.cwd, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    return true;
  } catch (error) {
    println(io.stderr, `policyc test: cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** A failed step as a GitHub Actions error annotation on the feature file's line. */
function githubAnnotation(io: Io, f: FailedStep): string {
  const file = path.relative(io.cwd, path.resolve(io.cwd, f.uri)).split(path.sep).join('/');
  const props = [
    `file=${escapeProperty(file)}`,
    ...(f.line === undefined ? [] : [`line=${f.line}`]),
    `title=${escapeProperty(`Scenario: ${f.scenario}`)}`,
  ];
  return `::error ${props.join(',')}::${escapeData(`${f.keyword} ${f.text}\n${f.message}`)}`;
}

/**
 * `policyc test [paths…]`: runs the features (default features/) with the step library
 * preloaded, prints cucumber's progress and summary, then the policy coverage of every set.
 * Exit 0 when every scenario passed (and coverage reached --min-coverage), 1 otherwise, 2 on
 * usage errors.
 */
async function runTest(io: Io, options: TestOptions): Promise<number> {
  const c = useColor(io, 'stdout', options.color);
  const paths = options.paths.length > 0 ? options.paths : ['features'];
  for (const p of paths) {
    const absolute = path.resolve(io.cwd, p.replace(/:\d+(?::\d+)*$/, ''));
    if (!existsSync(absolute)) {
      println(io.stderr, `policyc test: no such file or folder: ${p}`);
      return EXIT.usage;
    }
  }
  if (
    options.minCoverage !== undefined &&
    (!Number.isFinite(options.minCoverage) || options.minCoverage < 0 || options.minCoverage > 100)
  ) {
    println(io.stderr, 'policyc test: --min-coverage takes a percentage from 0 to 100');
    return EXIT.usage;
  }
  const policies = path.resolve(io.cwd, options.policies);
  // `github` is policyc's own format (annotations for failed scenarios), not a cucumber formatter.
  const github = options.formats.includes('github');
  const formats = options.formats.filter((f) => f !== 'github');
  let result;
  try {
    // Loaded on demand: cucumber and the step library are only needed to run features.
    const { runFeatures } = await import('../../gherkin/run.js');
    result = await runFeatures({
      cwd: io.cwd,
      paths,
      policies,
      formats: github && formats.length === 0 ? ['progress'] : formats,
      tags: options.tags,
      names: options.names,
      failFast: options.failFast,
      imports: options.imports,
      colors: c.isColorSupported,
      stdout: forward(io.stdout),
      stderr: forward(io.stderr),
      env: io.env,
      cacheDir: options.cache === false ? undefined : path.join(defaultCacheDir(io.cwd), 'steps'),
    });
  } catch (error) {
    println(io.stderr, `policyc test: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.usage;
  }

  if (result.undefinedSteps.length > 0) {
    println(io.stdout);
    const n = result.undefinedSteps.length;
    println(
      io.stdout,
      c.red(
        `${n} step${n === 1 ? ' matches' : 's match'} no phrase of the step library (see README, "Gherkin steps"):`,
      ),
    );
    const { suggestStep } = await import('../../gherkin/step-suggestion.js');
    for (const u of result.undefinedSteps) {
      const where = `${u.uri}${u.line === undefined ? '' : `:${u.line}`}`;
      const suggestion = suggestStep(u.text);
      println(io.stdout, `  ${where}  ${u.keyword} ${u.text}`);
      println(
        io.stdout,
        suggestion
          ? `    did you mean: ${c.green(suggestion.example)}  (${suggestion.phrase})`
          : '    no similar phrase',
      );
    }
  }
  if (result.scenarios === 0) {
    // A feature that does not parse is reported by cucumber; otherwise say why nothing ran.
    if (result.success)
      println(io.stdout, c.red(`No scenarios found in ${paths.join(', ')}: a test run that tests nothing fails.`));
    return EXIT.policy;
  }

  if (github) for (const f of result.failedSteps) println(io.stdout, githubAnnotation(io, f));

  const keys = await coverageOf(policies);
  const report = [...keys.keys()];
  if (options.coverageJson !== undefined && !writeReport(io, options.coverageJson, coverageJson(report)))
    return EXIT.usage;
  if (
    options.coverageCobertura !== undefined &&
    !writeReport(io, options.coverageCobertura, coverageCobertura(report, coverage, keys, io.cwd))
  )
    return EXIT.usage;
  let belowMinimum = false;
  if (report.length > 0) {
    println(io.stdout);
    println(io.stdout, renderCoverage(report, c));
    if (options.minCoverage !== undefined) {
      const low = report.filter((r) => r.percent < options.minCoverage!);
      for (const r of low)
        println(
          io.stdout,
          c.red(
            `Policy coverage of ${r.set} is ${formatPercent(r.percent)}, below --min-coverage ${options.minCoverage} %.`,
          ),
        );
      belowMinimum = low.length > 0;
    }
  }
  return result.success && !belowMinimum ? EXIT.ok : EXIT.policy;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const registerTest: RegisterCommand = (program, { io, run }) => {
  program
    .command('test')
    .description(
      'run the Gherkin features with the policyc steps, then report the policy coverage of the sets they used',
    )
    .argument('[paths...]', 'feature files or folders (default: features)')
    .option('--policies <dir>', 'the folder of the policy sets', 'policies')
    .option(
      '-f, --format <format>',
      "formatter, repeatable: progress (default), summary, html:<file>, junit:<file>, json:<file>, message:<file> (cucumber's), github (annotations for failed steps)",
      collect,
      [],
    )
    .addOption(
      new Option(
        '--min-coverage <percent>',
        'fail when the policy coverage of a set the scenarios used is below this percentage',
      ).argParser(Number),
    )
    .option('--coverage-json <file>', 'write the policy coverage as JSON')
    .option(
      '--coverage-cobertura <file>',
      'write the policy coverage as Cobertura XML (a line per grant of each role file)',
    )
    .option('--tags <expression>', 'only scenarios matching this tag expression')
    .option('--name <regexp>', 'only scenarios whose name matches, repeatable', collect, [])
    .option('--fail-fast', 'stop at the first failing scenario')
    .option('--import <file>', 'a support file of your own (extra steps, hooks), repeatable', collect, [])
    .option('--color', 'force colour output')
    .option('--no-color', 'disable colour output')
    .option(
      '--no-cache',
      "compile every set and changed copy again, without reading or writing the build cache's steps folder",
    )
    .action(
      run(
        async (
          paths: string[],
          opts: {
            policies: string;
            format: string[];
            minCoverage?: number;
            tags?: string;
            name: string[];
            failFast?: boolean;
            import: string[];
            color?: boolean;
            coverageJson?: string;
            coverageCobertura?: string;
            cache?: boolean;
          },
        ) =>
          runTest(io, {
            paths,
            policies: opts.policies,
            formats: opts.format,
            minCoverage: opts.minCoverage,
            tags: opts.tags,
            names: opts.name,
            failFast: opts.failFast === true,
            imports: opts.import,
            color: opts.color,
            coverageJson: opts.coverageJson,
            coverageCobertura: opts.coverageCobertura,
            cache: opts.cache !== false,
          }),
      ),
    );
};
