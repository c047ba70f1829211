import { performance } from 'node:perf_hooks';
import { BuildCache, defaultCacheDir } from '../../cache/build-cache.js';
import { recordOf, reportOf, reportOfRecord, type SetReport } from '../../cache/set-report.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { Diagnostics } from '../../diagnostics/diagnostic.js';
import { type JsonDiagnostic, toJson } from '../../diagnostics/render.js';
import { toSarif } from '../../diagnostics/sarif.js';
import { discoverSets } from '../../load/discover.js';
import type { StageTiming } from '../../pipeline/run.js';
import type { WriteError } from '../../output/write.js';
import { REPORT_FORMATS, type RegisterCommand, type ReportFormat, outputOptions } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { Progress } from '../progress.js';
import { formatSize, printDiagnostics, printTimings } from '../check-report.js';

interface BuildOptions {
  readonly path: string;
  readonly out: string;
  /** Compare with generated/ and the lockfiles instead of writing; stale files fail. */
  readonly check: boolean;
  readonly locked: boolean;
  readonly format: ReportFormat;
  readonly color: boolean | undefined;
  /** Replaces the writer's rename: fault-injection tests stop a build between two renames with it. */
  readonly rename?: (from: string, to: string) => void;
  /** Print the time each pipeline stage took, per set, to stderr. */
  readonly timings?: boolean;
  /** Use the build cache (src/cache/build-cache.ts); `--no-cache` turns it off. Off when not given. */
  readonly cache?: boolean;
  /** The cache's folder; by default `node_modules/.cache/policyc` or `$XDG_CACHE_HOME/policyc`. */
  readonly cacheDir?: string;
}

/** One set's outcome: compiled now, or found in the build cache. */
interface SetResult {
  readonly compilation: SetReport;
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly stale: readonly string[];
  /** Findings about generated/ (stale, mixed or unwritable output), not about the policies. */
  readonly extra: readonly Diagnostic[];
  readonly writeError: WriteError | undefined;
  /** Empty for a set answered from the cache. */
  readonly timings: readonly StageTiming[];
}

/** Version of the shape of `policyc build --format json`; bumped on any incompatible change. */
export const BUILD_FORMAT_VERSION = 1;

/** One set in `policyc build --format json`. */
export interface BuildSetReport {
  readonly name: string;
  readonly dir: string;
  readonly ok: boolean;
  /** The generated content's hash (`sha256:…`); null when the set has errors. */
  readonly hash: string | null;
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** With --check: the files that do not match the policies. */
  readonly stale: readonly string[];
  readonly lockfileChanges: readonly string[];
  readonly diagnostics: readonly JsonDiagnostic[];
}

/** `policyc build --format json` (schemas/build-report-v1.schema.json). */
export interface BuildReport {
  readonly formatVersion: typeof BUILD_FORMAT_VERSION;
  readonly ok: boolean;
  /** True for `build --check`. */
  readonly check: boolean;
  readonly sets: readonly BuildSetReport[];
}

/**
 * `policyc build`: compile every set into generated/, or with --check report what is stale.
 * A set with errors writes nothing, so its last good output stays in place.
 */
export async function runBuild(io: Io, options: BuildOptions): Promise<number> {
  const started = performance.now();
  const found = new Diagnostics();
  const sources = await discoverSets(options.path, found);
  const c = useColor(io, 'stdout', options.format === 'human' ? options.color : false);
  if (sources.length === 0) {
    if (options.format === 'sarif') println(io.stdout, JSON.stringify(toSarif(found.items), null, 2));
    else
      printDiagnostics(io, io.stdout, options.format === 'json' ? 'human' : options.format, found.items, new Map(), c);
    return EXIT.usage;
  }
  const results: SetResult[] = [];
  const cache = options.cache ? new BuildCache(options.cacheDir ?? defaultCacheDir(io.cwd)) : undefined;
  const progress = new Progress(io, options.format === 'human');
  // Each set is reported as soon as it is done (human and GitHub formats; JSON and SARIF are one document).
  const report = (r: SetResult): void => {
    if (options.format !== 'human' && options.format !== 'github') return;
    progress.clear();
    printDiagnostics(
      io,
      io.stdout,
      options.format,
      [...r.compilation.diagnostics, ...r.extra],
      r.compilation.sourceFiles,
      c,
    );
    if (options.format === 'human') printSetLine(io, r, options.check, c);
  };
  for (const [i, source] of sources.entries()) {
    const inputBytes = source.files.reduce((n, f) => n + (f.size ?? f.bytes.length), 0);
    progress.update(
      `${options.check ? 'checking' : 'building'} ${i + 1}/${sources.length}: ${source.name}`,
      inputBytes > LONG_SET_BYTES,
    );
    const hit = cache?.lookup(source, options.out);
    if (hit) {
      // The generated files are byte for byte those of a build from these very inputs, which wrote
      // them from one lockfile: the consistency check would find what it found then (nothing).
      const result: SetResult = {
        compilation: reportOfRecord(source, hit),
        written: [],
        unchanged: options.check
          ? []
          : [...(source.lockfile ? [source.lockfile.path] : []), ...hit.files.map((f) => f.path)],
        stale: [],
        extra: [],
        writeError: undefined,
        timings: [],
      };
      results.push(result);
      report(result);
      continue;
    }
    // Loaded on demand: the emitter brings in ts-morph, which commands that do not build never need.
    const { compileSet } = await import('../../compile.js');
    // Every stage, the last one (`write`) writing the files or, with --check, comparing them.
    const compilation = compileSet(source, {
      outRoot: options.out,
      locked: options.locked,
      write: {
        mode: options.check ? 'compare' : 'write',
        lockfile: true,
        ...(options.rename ? { rename: options.rename } : {}),
      },
    });
    const out = compilation.output;
    const result: SetResult = {
      compilation: reportOf(compilation),
      written: out.written,
      unchanged: out.unchanged,
      stale: out.stale,
      extra: out.diagnostics,
      writeError: out.writeError,
      timings: compilation.timings,
    };
    results.push(result);
    const clean = !out.diagnostics.some((d) => d.severity === 'error') && !out.writeError && out.stale.length === 0;
    if (compilation.ok && clean) cache?.store(source, options.out, compilation.lockfile?.text, recordOf(compilation));
    report(result);
  }
  progress.clear();
  const elapsed = performance.now() - started;
  if (options.timings) {
    const compiled = results.filter((r) => r.timings.length > 0);
    const cached = results.filter((r) => r.timings.length === 0).map((r) => r.compilation.name);
    if (compiled.length > 0)
      printTimings(
        io.stderr,
        compiled.map((r) => ({ name: r.compilation.name, timings: r.timings })),
      );
    if (cached.length > 0)
      println(io.stderr, `${cached.join(', ')}: answered from the build cache (--no-cache times every stage)`);
  }
  const failed = results.some((r) => !r.compilation.ok || r.extra.some((d) => d.severity === 'error'));

  if (options.format === 'sarif') {
    println(
      io.stdout,
      JSON.stringify(toSarif(results.flatMap((r) => [...r.compilation.diagnostics, ...r.extra])), null, 2),
    );
    return failed ? EXIT.policy : EXIT.ok;
  }
  if (options.format === 'json') {
    println(
      io.stdout,
      JSON.stringify(
        {
          formatVersion: BUILD_FORMAT_VERSION,
          ok: !failed,
          check: options.check,
          sets: results.map(
            (r): BuildSetReport => ({
              name: r.compilation.name,
              dir: r.compilation.dir,
              ok: r.compilation.ok && r.extra.length === 0,
              hash: r.compilation.hash ?? null,
              files: r.compilation.files.map((f) => ({ path: f.path, bytes: f.bytes })),
              written: r.written,
              unchanged: r.unchanged,
              stale: r.stale,
              lockfileChanges: r.compilation.changes,
              diagnostics: [...r.compilation.diagnostics, ...r.extra].map(toJson),
            }),
          ),
        } satisfies BuildReport,
        null,
        2,
      ),
    );
    return failed ? EXIT.policy : EXIT.ok;
  }
  if (options.format === 'github') return failed ? EXIT.policy : EXIT.ok;

  let bytes = 0;
  let fileCount = 0;
  for (const r of results) {
    if (!r.compilation.ok || r.writeError) continue;
    for (const f of r.compilation.files) bytes += f.bytes;
    fileCount += r.compilation.files.length;
  }
  const verb = options.check ? 'Checked' : 'Built';
  const failedSets = results.filter((r) => !r.compilation.ok || r.writeError).length;
  const sets = (n: number) => `${n} set${n === 1 ? '' : 's'}`;
  const done = failedSets === 0 ? sets(results.length) : `${results.length - failedSets} of ${sets(results.length)}`;
  println(
    io.stdout,
    `${verb} ${done} in ${Math.round(elapsed)} ms: ${fileCount} files, ${formatSize(bytes)}.${failedSets > 0 ? ` ${c.red(`${sets(failedSets)} failed.`)}` : ''}`,
  );
  if (options.check && failed && results.some((r) => r.stale.length > 0)) {
    println(
      io.stdout,
      c.dim('generated/ or a lockfile does not match the policies: run `policyc build` and commit the result.'),
    );
  }
  return failed ? EXIT.policy : EXIT.ok;
}

/** A set's YAML above this size is expected to take longer than the progress delay on its own. */
const LONG_SET_BYTES = 2 * 1024 * 1024;

/** The line that says what became of one set. */
function printSetLine(io: Io, r: SetResult, check: boolean, c: ReturnType<typeof useColor>): void {
  const comp = r.compilation;
  const name = c.bold(comp.name);
  if (!comp.ok) {
    const errors = comp.diagnostics.filter((d) => d.severity === 'error').length;
    println(
      io.stdout,
      `${c.red('✖')} ${name}: ${errors} error${errors === 1 ? '' : 's'}, nothing written${check ? '' : ' (the last good output stays in place)'}`,
    );
    return;
  }
  const m = comp.facts!;
  const sizes = comp.files.map((f) => `${f.name} ${formatSize(f.bytes)}`).join(', ');
  const facts = `${m.version}  ${m.permissions} permissions, ${m.roles} roles${m.scopes > 0 ? `, ${m.scopes} scopes` : ''}`;
  const dir = comp.files[0]!.path.replace(/\/[^/]+$/, '');
  if (r.writeError) {
    println(io.stdout, `${c.red('✖')} ${name}  ${facts} → ${dir}/  ${c.red(`not written (${r.writeError.reason})`)}`);
    return;
  }
  let status: string;
  if (check) status = r.stale.length > 0 ? c.red(`stale: ${r.stale.join(', ')}`) : c.green('up to date');
  else
    status =
      r.written.length > 0
        ? c.yellow(`wrote ${r.written.length} file${r.written.length === 1 ? '' : 's'}`)
        : c.dim('unchanged');
  println(
    io.stdout,
    `${r.stale.length > 0 ? c.red('✖') : c.green('✔')} ${name}  ${facts} → ${dir}/ (${sizes})  ${status}`,
  );
  const changes = comp.lockfileChanged && !check ? comp.changes : [];
  for (const change of changes.slice(0, 8)) println(io.stdout, c.dim(`    lockfile: ${change}`));
  if (changes.length > 8) println(io.stdout, c.dim(`    lockfile: … and ${changes.length - 8} more changes`));
}

export const registerBuild: RegisterCommand = (program, { io, run }) => {
  outputOptions(
    program
      .command('build')
      .description('compile policy sets into generated TypeScript modules and JSON manifests')
      .argument('[path]', 'a policy set folder, or a folder of sets', 'policies')
      .option('-o, --out <dir>', 'output folder; each set goes to <dir>/<set>/', 'generated')
      .option('--check', 'write nothing; exit 1 and list the files that are stale (for CI)')
      .option('--locked', 'fail instead of changing a lockfile (for CI)')
      .option('--timings', 'print the time each pipeline stage took, per set, to stderr')
      .option('--no-cache', 'compile every set again, without reading or writing the build cache'),
    REPORT_FORMATS,
  ).action(
    run(
      async (
        path: string,
        opts: {
          out: string;
          check?: boolean;
          locked?: boolean;
          format: ReportFormat;
          color?: boolean;
          timings?: boolean;
          cache?: boolean;
        },
      ) =>
        runBuild(io, {
          path,
          out: opts.out,
          check: opts.check === true,
          locked: opts.locked === true,
          format: opts.format,
          color: opts.color,
          timings: opts.timings === true,
          cache: opts.cache !== false,
        }),
    ),
  );
};
