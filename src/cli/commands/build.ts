import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BuildCache, defaultCacheDir } from '../../cache/build-cache.js';
import { type SetReport, recordOf, reportOf, reportOfRecord } from '../../cache/set-report.js';
import { Diagnostics, diagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { toJson } from '../../diagnostics/render.js';
import { toSarif } from '../../diagnostics/sarif.js';
import { discoverSets } from '../../load/discover.js';
import { checkGeneratedConsistency } from '../../output/consistency.js';
import { WriteError, readText, writeFailure, writeFilesAtomic } from '../../output/write.js';
import { REPORT_FORMATS, type RegisterCommand, type ReportFormat, outputOptions } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { Progress } from '../progress.js';
import { formatSize, printDiagnostics } from '../report.js';

export interface BuildOptions {
  readonly path: string;
  readonly out: string;
  /** Compare with generated/ and the lockfiles instead of writing; stale files fail. */
  readonly check: boolean;
  readonly locked: boolean;
  readonly format: ReportFormat;
  readonly color: boolean | undefined;
  /** Replaces the writer's rename: fault-injection tests stop a build between two renames with it. */
  readonly rename?: (from: string, to: string) => void;
  /** Use the build cache (src/cache/build-cache.ts); `--no-cache` turns it off. Off when not given. */
  readonly cache?: boolean;
  /** The cache's folder; by default `node_modules/.cache/policyc` or `$XDG_CACHE_HOME/policyc`. */
  readonly cacheDir?: string;
}

interface SetResult {
  readonly compilation: SetReport;
  readonly written: string[];
  readonly unchanged: string[];
  readonly stale: string[];
  readonly extra: Diagnostic[];
  /** Why the set's output could not be written (nothing of it was). */
  writeError?: WriteError;
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
  // Loaded on demand: the emitter brings in ts-morph, which commands that do not build never need.
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
      const result: SetResult = {
        compilation: reportOfRecord(source, hit),
        written: [],
        unchanged: [],
        stale: [],
        extra: [],
      };
      // The generated files are byte for byte those of a build from these very inputs, which wrote
      // them from one lockfile: the consistency check would find what it found then (nothing).
      if (!options.check)
        result.unchanged.push(...(source.lockfile ? [source.lockfile.path] : []), ...hit.files.map((f) => f.path));
      results.push(result);
      report(result);
      continue;
    }
    // Loaded on demand: the emitter brings in ts-morph, which commands that do not build never need.
    const { compileSet, outputsInWriteOrder } = await import('../../compile.js');
    const compilation = compileSet(source, { outRoot: options.out, locked: options.locked });
    const result: SetResult = { compilation: reportOf(compilation), written: [], unchanged: [], stale: [], extra: [] };
    results.push(result);
    if (!compilation.ok) {
      report(result);
      continue;
    }
    const outputs = outputsInWriteOrder(compilation);
    const remember = (): void => {
      if (result.extra.some((d) => d.severity === 'error') || result.writeError) return;
      cache?.store(source, options.out, compilation.lockfile?.text, recordOf(compilation));
    };
    if (options.check) {
      result.extra.push(
        ...checkGeneratedConsistency(
          path.join(options.out, compilation.model!.name),
          compilation.analysis.lockfile?.lockfile,
        ),
      );
      for (const f of outputs) {
        if (readText(f.path) !== f.text) {
          result.stale.push(f.path);
          result.extra.push(
            diagnostic(
              'PC604',
              `${f.path} is ${readText(f.path) === undefined ? 'missing' : 'stale'}: it does not match the policies`,
              undefined,
              {
                hint: 'run `policyc build` and commit the result',
              },
            ),
          );
        }
      }
      if (result.stale.length === 0) remember();
      report(result);
      continue;
    }
    try {
      const w = writeFilesAtomic(outputs, options.rename ? { rename: options.rename } : {});
      result.written.push(...w.written);
      result.unchanged.push(...w.unchanged);
      remember();
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      result.writeError = error;
      result.extra.push(writeFailure(error));
    }
    report(result);
  }
  progress.clear();
  const elapsed = performance.now() - started;
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
          formatVersion: 1,
          ok: !failed,
          check: options.check,
          sets: results.map((r) => ({
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
          })),
        },
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
          cache?: boolean;
          format: ReportFormat;
          color?: boolean;
        },
      ) =>
        runBuild(io, {
          path,
          out: opts.out,
          check: opts.check === true,
          locked: opts.locked === true,
          cache: opts.cache !== false,
          format: opts.format,
          color: opts.color,
        }),
    ),
  );
};
