import { performance } from 'node:perf_hooks';
import type { Compilation } from '../../compile.js';
import { Diagnostics } from '../../diagnostics/diagnostic.js';
import { type JsonDiagnostic, toJson } from '../../diagnostics/render.js';
import { toSarif } from '../../diagnostics/sarif.js';
import { discoverSets } from '../../load/discover.js';
import { REPORT_FORMATS, type RegisterCommand, type ReportFormat, outputOptions } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';
import { formatSize, printDiagnostics, printTimings } from '../report.js';

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
  // Loaded on demand: the emitter brings in ts-morph, which commands that do not build never need.
  const { compileSet } = await import('../../compile.js');
  // Every stage, the last one (`write`) writing the files or, with --check, comparing them.
  const results: Compilation[] = sources.map((source) =>
    compileSet(source, {
      outRoot: options.out,
      locked: options.locked,
      write: {
        mode: options.check ? 'compare' : 'write',
        lockfile: true,
        ...(options.rename ? { rename: options.rename } : {}),
      },
    }),
  );
  const elapsed = performance.now() - started;
  if (options.timings)
    printTimings(
      io.stderr,
      results.map((r) => ({ name: r.model?.name ?? r.analysis.source.name, timings: r.timings })),
    );
  const failed = results.some((r) => !r.ok || r.output.diagnostics.some((d) => d.severity === 'error'));

  if (options.format === 'sarif') {
    println(
      io.stdout,
      JSON.stringify(toSarif(results.flatMap((r) => [...r.diagnostics, ...r.output.diagnostics])), null, 2),
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
              name: r.model?.name ?? r.analysis.source.name,
              dir: r.analysis.source.dir,
              ok: r.ok && r.output.diagnostics.length === 0,
              hash: r.hash ?? null,
              files: r.files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.text) })),
              written: r.output.written,
              unchanged: r.output.unchanged,
              stale: r.output.stale,
              lockfileChanges: r.allocation?.changes ?? [],
              diagnostics: [...r.diagnostics, ...r.output.diagnostics].map(toJson),
            }),
          ),
        } satisfies BuildReport,
        null,
        2,
      ),
    );
    return failed ? EXIT.policy : EXIT.ok;
  }

  for (const r of results) {
    printDiagnostics(io, io.stdout, options.format, [...r.diagnostics, ...r.output.diagnostics], r.analysis.files, c);
  }
  if (options.format === 'github') return failed ? EXIT.policy : EXIT.ok;

  let bytes = 0;
  let fileCount = 0;
  for (const comp of results) {
    const r = comp.output;
    const name = c.bold(comp.model?.name ?? comp.analysis.source.name);
    if (!comp.ok) {
      const errors = comp.diagnostics.filter((d) => d.severity === 'error').length;
      println(
        io.stdout,
        `${c.red('✖')} ${name}: ${errors} error${errors === 1 ? '' : 's'}, nothing written${options.check ? '' : ' (the last good output stays in place)'}`,
      );
      continue;
    }
    const m = comp.model!;
    const sizes = comp.files.map((f) => `${f.name} ${formatSize(Buffer.byteLength(f.text))}`).join(', ');
    const facts = `${m.version}  ${m.permissions.length} permissions, ${m.roles.length} roles${m.scopes.length > 0 ? `, ${m.scopes.length} scopes` : ''}`;
    const dir = comp.files[0]!.path.replace(/\/[^/]+$/, '');
    if (r.writeError) {
      println(io.stdout, `${c.red('✖')} ${name}  ${facts} → ${dir}/  ${c.red(`not written (${r.writeError.reason})`)}`);
      continue;
    }
    for (const f of comp.files) bytes += Buffer.byteLength(f.text);
    fileCount += comp.files.length;
    let status: string;
    if (options.check) status = r.stale.length > 0 ? c.red(`stale: ${r.stale.join(', ')}`) : c.green('up to date');
    else
      status =
        r.written.length > 0
          ? c.yellow(`wrote ${r.written.length} file${r.written.length === 1 ? '' : 's'}`)
          : c.dim('unchanged');
    println(
      io.stdout,
      `${r.stale.length > 0 ? c.red('✖') : c.green('✔')} ${name}  ${facts} → ${dir}/ (${sizes})  ${status}`,
    );
    for (const change of comp.lockfileChanged && !options.check ? (comp.allocation?.changes ?? []).slice(0, 8) : [])
      println(io.stdout, c.dim(`    lockfile: ${change}`));
    if (comp.lockfileChanged && !options.check && (comp.allocation?.changes.length ?? 0) > 8)
      println(io.stdout, c.dim(`    lockfile: … and ${comp.allocation!.changes.length - 8} more changes`));
  }
  const verb = options.check ? 'Checked' : 'Built';
  const failedSets = results.filter((r) => !r.ok || r.output.writeError).length;
  const sets = (n: number) => `${n} set${n === 1 ? '' : 's'}`;
  const done = failedSets === 0 ? sets(results.length) : `${results.length - failedSets} of ${sets(results.length)}`;
  println(
    io.stdout,
    `${verb} ${done} in ${Math.round(elapsed)} ms: ${fileCount} files, ${formatSize(bytes)}.${failedSets > 0 ? ` ${c.red(`${sets(failedSets)} failed.`)}` : ''}`,
  );
  if (options.check && failed && results.some((r) => r.output.stale.length > 0)) {
    println(
      io.stdout,
      c.dim('generated/ or a lockfile does not match the policies: run `policyc build` and commit the result.'),
    );
  }
  return failed ? EXIT.policy : EXIT.ok;
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
      .option('--timings', 'print the time each pipeline stage took, per set, to stderr'),
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
        }),
    ),
  );
};
