/**
 * Compiler scaling: build time, peak memory and generated size of synthetic sets
 * (bench/synthetic.ts) of 50×300, 500×2,000 and 2,000×5,000 roles × permissions with 3 scopes,
 * cold (fresh process, no lockfile, no output) and warm (the same build again: lockfile and
 * output present); the fitted growth exponent; and where the time of the largest build goes
 * (a CPU profile of one more build, self time by pipeline stage).
 *
 *   node --import tsx bench/scale.ts [--quick] [--json <file>]
 *
 * Builds run the real CLI (`policyc build <set> --out <dir>`) in a child process under
 * `/usr/bin/time -f "%e %M"` (wall seconds, peak RSS). The CLI is compiled from the current src/
 * into bench/.out/pkg/ (so the shared dist/ is left alone); if src/ does not compile, the
 * repository's dist/ is used and the results say so. Either way the launcher runs the unbundled
 * entry (dist/cli/main.js), not the esbuild bundle bin/policyc.js loads: a CPU profile then names
 * each module's file, which the stage summary needs (in the bundle every frame is a chunk), and a
 * large build's time does not depend on how the CLI was packaged (start-up is < 0.1 s of it).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSyntheticSet } from './synthetic.js';
import { argValue, fmt, fmtBytes, fmtMs, growthExponent, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(HERE, '.out');

export interface ScaleCase {
  readonly shape: 'flat' | 'hierarchical';
  readonly roles: number;
  readonly permissions: number;
}

export interface BuildRun {
  readonly ok: boolean;
  /** Wall-clock seconds of the whole process (node start to exit). */
  readonly wallS: number;
  /** Peak resident set size, bytes. */
  readonly maxRssBytes: number;
  /** The CLI's own "Built … in N ms" (discovery, compile and writes, without node's start-up). */
  readonly internalMs?: number;
  readonly message?: string;
}

export interface ScaleResult extends ScaleCase {
  readonly yamlBytes: number;
  readonly yamlFiles: number;
  readonly cold: BuildRun;
  /** The same build again, answered from the build cache. Not run for the larger sets of a --quick run. */
  readonly warm: BuildRun | undefined;
  /** The same build again with `--no-cache`: parsed, resolved and emitted again (what every warm build was before the cache). */
  readonly warmNoCache?: BuildRun | undefined;
  readonly indexBytes: number;
  readonly manifestBytes: number;
  readonly lockfileBytes: number;
  /** Characters of the base64 literal of the access table (ACCESS). */
  readonly accessTableBytes: number;
  /** Characters of every bit-table literal (access, self-restricted, collections). */
  readonly allTablesBytes: number;
  /** R · P · 3 / 8: the raw bit count of the access table, in bytes. */
  readonly rawBytes: number;
}

export interface ProfileSummary {
  readonly set: string;
  readonly totalMs: number;
  readonly stages: readonly { stage: string; ms: number; share: number }[];
  readonly top: readonly { fn: string; ms: number; share: number }[];
}

export interface ScaleResults {
  readonly quick: boolean;
  readonly cli: string;
  readonly cases: readonly ScaleResult[];
  readonly exponents: readonly { shape: string; measure: string; k: number }[];
  readonly profile?: ProfileSummary;
  readonly tuning?: TuningResult;
}

/**
 * The largest flat set built cold with Node's default young generation and with a larger one
 * (`--max-semi-space-size`, settable by users through NODE_OPTIONS), interleaved in one run.
 */
export interface TuningResult {
  readonly set: string;
  readonly flag: string;
  readonly rounds: number;
  readonly plain: readonly BuildRun[];
  readonly tuned: readonly BuildRun[];
}

export const FULL_CASES: readonly ScaleCase[] = [
  { shape: 'flat', roles: 50, permissions: 300 },
  { shape: 'flat', roles: 500, permissions: 2000 },
  { shape: 'flat', roles: 2000, permissions: 5000 },
  { shape: 'hierarchical', roles: 50, permissions: 300 },
  { shape: 'hierarchical', roles: 500, permissions: 2000 },
  { shape: 'hierarchical', roles: 2000, permissions: 5000 },
];
export const QUICK_CASES: readonly ScaleCase[] = FULL_CASES.filter((c) => c.shape === 'flat' && c.roles < 2000);

/** Compiles src/ into bench/.out/pkg (its own dist, package.json, schemas and src/runtime) and returns its launcher. */
export function prepareCli(log: (s: string) => void): { launcher: string; note: string } {
  const pkg = path.join(OUT, 'pkg');
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  // Skip the compile when src/ has not changed since the last one (same newest mtime and file count).
  const sources = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true, recursive: true }).filter((e) =>
    e.isFile(),
  );
  const stamp = `${LAUNCHER_VERSION} ${sources.length} ${Math.max(...sources.map((e) => statSync(path.join(e.parentPath, e.name)).mtimeMs))} ${statSync(path.join(ROOT, 'package.json')).mtimeMs}`;
  const stampFile = path.join(pkg, 'stamp');
  const launcher = path.join(pkg, 'bin', 'policyc.js');
  const note = 'src/ as of the run, compiled with tsc into bench/.out/pkg, run unbundled (dist/cli/main.js)';
  // The emitter copies the generated modules' runtime from src/runtime/*.ts (shipped with the package).
  mkdirSync(path.join(pkg, 'src'), { recursive: true });
  if (!existsSync(path.join(pkg, 'src', 'runtime')))
    symlinkSync(path.join(ROOT, 'src', 'runtime'), path.join(pkg, 'src', 'runtime'));
  if (existsSync(launcher) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)
    return { launcher, note };
  rmSync(path.join(pkg, 'dist'), { recursive: true, force: true });
  rmSync(stampFile, { force: true });
  const r = spawnSync(
    tsc,
    [
      '-p',
      path.join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      path.join(pkg, 'dist'),
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0 || !existsSync(path.join(pkg, 'dist', 'cli', 'main.js'))) {
    log(
      `src/ does not compile right now (${(r.stdout + r.stderr).split('\n').slice(0, 3).join(' ')}); using the repository's dist/`,
    );
    const fallback = path.join(OUT, 'repository-cli.mjs');
    writeFileSync(fallback, launcherSource(path.join(ROOT, 'dist', 'cli', 'main.js')));
    return {
      launcher: fallback,
      note: "the repository's dist/ (src/ did not compile at the time of the run), unbundled (dist/cli/main.js)",
    };
  }
  mkdirSync(path.join(pkg, 'bin'), { recursive: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
  writeFileSync(launcher, launcherSource(path.join(pkg, 'dist', 'cli', 'main.js')));
  if (!existsSync(path.join(pkg, 'schemas'))) symlinkSync(path.join(ROOT, 'schemas'), path.join(pkg, 'schemas'));
  writeFileSync(stampFile, stamp);
  return { launcher, note };
}

/** Changes when the launcher written into bench/.out/pkg changes, so that an older one is replaced. */
const LAUNCHER_VERSION = 'unbundled-1';

/** A launcher of the unbundled CLI entry `main` (what bin/policyc.js does for the bundle, compile cache included). */
function launcherSource(main: string): string {
  return [
    "import module from 'node:module';",
    'module.enableCompileCache?.();',
    `const { main } = await import(${JSON.stringify(pathToFileURL(main).href)});`,
    'process.exitCode = await main(process.argv.slice(2));',
    '',
  ].join('\n');
}

const HAS_TIME = existsSync('/usr/bin/time');

/** A larger young generation: fewer scavenges while the YAML parser allocates millions of short-lived nodes. */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=64';

/**
 * The builds' working folder: its own `node_modules/` makes it the home of the build and parse
 * caches (src/cache/build-cache.ts defaultCacheDir), apart from the checkout's, so that a cold
 * build starts with none (clearBuildCache) and a warm one finds what the build before it left.
 */
const BUILD_CWD = path.join(OUT, 'scale-cwd');

/** Deletes the builds' caches (safe at any time): the next build is cold in every sense. */
export function clearBuildCache(): void {
  rmSync(path.join(BUILD_CWD, 'node_modules'), { recursive: true, force: true });
  mkdirSync(path.join(BUILD_CWD, 'node_modules'), { recursive: true });
}

/** One `policyc build` in a fresh process, in BUILD_CWD. */
export function timedBuild(
  launcher: string,
  setDir: string,
  outDir: string,
  nodeFlags: readonly string[] = [],
  buildFlags: readonly string[] = [],
): BuildRun {
  const rss = path.join(OUT, 'maxrss.mjs');
  if (!HAS_TIME)
    writeFileSync(
      rss,
      "process.on('exit', () => process.stderr.write(`\\nmaxrss ${process.resourceUsage().maxRSS}\\n`));\n",
    );
  const args = [
    ...nodeFlags,
    ...(HAS_TIME ? [] : ['--import', rss]),
    launcher,
    'build',
    setDir,
    '--out',
    outDir,
    ...buildFlags,
  ];
  mkdirSync(path.join(BUILD_CWD, 'node_modules'), { recursive: true });
  const started = process.hrtime.bigint();
  const r = HAS_TIME
    ? spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], {
        cwd: BUILD_CWD,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      })
    : spawnSync(process.execPath, args, { cwd: BUILD_CWD, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  let wallS = wall;
  let maxRssBytes = Number.NaN;
  if (HAS_TIME) {
    const m = /^([\d.]+) (\d+)$/.exec(last.trim());
    if (m) {
      wallS = Number(m[1]);
      maxRssBytes = Number(m[2]) * 1024;
    }
  } else {
    const m = /^maxrss (\d+)$/.exec(last.trim());
    if (m) maxRssBytes = Number(m[1]) * 1024;
  }
  const built = /Built \d+ sets? in (\d+) ms/.exec(r.stdout);
  const ok = r.status === 0 && built !== null;
  return {
    ok,
    wallS,
    maxRssBytes,
    ...(built ? { internalMs: Number(built[1]) } : {}),
    ...(ok
      ? {}
      : { message: `exit ${r.status}: ${(r.stdout + r.stderr).split('\n').filter(Boolean).slice(0, 6).join(' / ')}` }),
  };
}

function dirBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.ya?ml$/.test(e.name)) continue;
    bytes += statSync(path.join(e.parentPath, e.name)).size;
    files++;
  }
  return { bytes, files };
}

function caseName(c: ScaleCase): string {
  return `${c.shape === 'flat' ? 'f' : 'h'}${c.roles}x${c.permissions}`;
}

function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

export function runCase(launcher: string, c: ScaleCase, log: (s: string) => void, warmToo = true): ScaleResult {
  const name = caseName(c);
  const base = path.join(OUT, 'scale', name);
  rmSync(base, { recursive: true, force: true });
  const policies = writeSyntheticSet(base, name, {
    roles: c.roles,
    permissions: c.permissions,
    shape: c.shape,
    seed: 42,
  });
  const setDir = path.join(policies, name);
  const outDir = path.join(base, 'generated');
  const { bytes: yamlBytes, files: yamlFiles } = dirBytes(setDir);
  log(`  ${name}: ${fmtBytes(yamlBytes)} of YAML in ${yamlFiles} files; cold build…`);
  clearBuildCache();
  const cold = timedBuild(launcher, setDir, outDir);
  log(`    cold ${fmt(cold.wallS)} s, ${fmtBytes(cold.maxRssBytes)}${cold.ok ? '' : ` FAILED ${cold.message}`}`);
  const warm = warmToo ? timedBuild(launcher, setDir, outDir) : undefined;
  if (warm)
    log(`    warm ${fmt(warm.wallS)} s, ${fmtBytes(warm.maxRssBytes)}${warm.ok ? '' : ` FAILED ${warm.message}`}`);
  const warmNoCache = warmToo ? timedBuild(launcher, setDir, outDir, [], ['--no-cache']) : undefined;
  if (warmNoCache)
    log(
      `    warm --no-cache ${fmt(warmNoCache.wallS)} s, ${fmtBytes(warmNoCache.maxRssBytes)}${warmNoCache.ok ? '' : ` FAILED ${warmNoCache.message}`}`,
    );
  const index = path.join(outDir, name, 'index.ts');
  const text = existsSync(index) ? readFileSync(index, 'utf8') : '';
  const access = /const ACCESS = decodeWords\("([^"]*)"/.exec(text)?.[1]?.length ?? 0;
  let tables = 0;
  for (const m of text.matchAll(/decodeWords\("([^"]*)"/g)) tables += m[1]!.length;
  return {
    ...c,
    yamlBytes,
    yamlFiles,
    cold,
    warm,
    warmNoCache,
    indexBytes: fileSize(index),
    manifestBytes: fileSize(path.join(outDir, name, 'manifest.json')),
    lockfileBytes: fileSize(path.join(setDir, 'policyc.lock.json')),
    accessTableBytes: access,
    allTablesBytes: tables,
    rawBytes: (c.roles * c.permissions * 3) / 8,
  };
}

/** Pipeline stage of a profile frame, by the file it is in. */
function stageOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)' || fn === '(idle)' || fn === '(root)') return 'V8/native (program, idle)';
  if (/node_modules\/yaml\//.test(url) || /\/(dist|src)\/load\/yaml\.[jt]s/.test(url))
    return 'parse (yaml + load/yaml)';
  if (/\/(dist|src)\/load\//.test(url)) return 'read and decode (load/)';
  if (/node_modules\/ajv|\/(dist|src)\/validate\//.test(url)) return 'validate (ajv + validate/)';
  if (/\/(dist|src)\/(resolve|model)\/|\/(dist|src)\/analyze\.[jt]s|unhomoglyph|fastest-levenshtein/.test(url))
    return 'resolve (resolve/, model/, name checks)';
  if (/\/(dist|src)\/allocate\//.test(url)) return 'allocate (lockfile)';
  if (/\/(dist|src)\/emit\/|ts-morph|typescript|code-block-writer/.test(url)) return 'emit (emit/, ts-morph)';
  if (/\/(dist|src)\/diagnostics\//.test(url)) return 'diagnostics';
  if (/\/(dist|src)\/(output|cli)\/|\/(dist|src)\/(compile|watch)\.[jt]s/.test(url)) return 'CLI, watch and writes';
  if (/chokidar|readdirp|tinyglobby|fdir|picomatch/.test(url))
    return 'file watching and discovery (chokidar, tinyglobby)';
  // The esbuild bundle (bin/policyc.js) names chunks, not modules: the launcher above runs the
  // unbundled entry so that this never happens; say so rather than hide the time in "other".
  if (/\/dist\/bundle\//.test(url)) return 'CLI bundle (dist/bundle: not attributable; profile dist/cli/main.js)';
  if (url.startsWith('node:') || url === '') return 'node internals (fs, module loading, JSON, …)';
  return 'other';
}

export function summariseProfile(file: string | object, set: string): ProfileSummary {
  const p = (typeof file === 'string' ? JSON.parse(readFileSync(file, 'utf8')) : file) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const stages = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id);
    // Idle time (waiting for the file system or a timer) is not work, and the inspector's own
    // dispatch (an in-process profile) is the profiler's: both are left out of the shares.
    if (
      !n ||
      n.callFrame.functionName === '(idle)' ||
      (n.callFrame.functionName === 'dispatch' && n.callFrame.url === '')
    )
      return;
    const { functionName, url, lineNumber } = n.callFrame;
    const stage = stageOf(url, functionName);
    stages.set(stage, (stages.get(stage) ?? 0) + dt);
    const where = url
      .replace(/^file:\/\/.*?\/(node_modules|dist|src)\//, '$1/')
      .replace(/[?#].*$/, '')
      .replace(/^file:\/\/.*\//, '');
    const key = `${functionName || '(anonymous)'} (${where || 'native'}${url ? `:${lineNumber + 1}` : ''})`;
    fns.set(key, (fns.get(key) ?? 0) + dt);
    total += dt;
  });
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    set,
    totalMs: total,
    stages: sorted(stages).map(([stage, ms]) => ({ stage, ms, share: ms / total })),
    top: sorted(fns)
      .slice(0, 15)
      .map(([fn, ms]) => ({ fn, ms, share: ms / total })),
  };
}

/** The fastest wall time of the runs that succeeded (interference from other jobs only ever adds time). */
export function bestWall(runs: readonly BuildRun[]): number {
  return Math.min(...runs.filter((r) => r.ok).map((r) => r.wallS));
}

/** Cold builds of a case without and with `flag`, interleaved (the case's set must exist, from runCase). */
export function tuningCase(launcher: string, c: ScaleCase, flag: string, rounds: number): TuningResult {
  const name = caseName(c);
  const base = path.join(OUT, 'scale', name);
  const setDir = path.join(base, 'policies', name);
  const outDir = path.join(base, 'generated-tuning');
  const cold = (flags: readonly string[]) => {
    rmSync(path.join(setDir, 'policyc.lock.json'), { force: true });
    rmSync(outDir, { recursive: true, force: true });
    clearBuildCache();
    return timedBuild(launcher, setDir, outDir, flags);
  };
  const plain: BuildRun[] = [];
  const tuned: BuildRun[] = [];
  for (let i = 0; i < rounds; i++) {
    plain.push(cold([]));
    tuned.push(cold([flag]));
  }
  // Leave the set as runCase left it (with its lockfile) for whatever runs next.
  cold([]);
  return { set: `${c.roles} × ${c.permissions} (${c.shape})`, flag, rounds, plain, tuned };
}

/** One more cold build of a case under --cpu-prof; self time by stage. */
export function profileCase(launcher: string, c: ScaleCase): ProfileSummary | undefined {
  const name = caseName(c);
  const base = path.join(OUT, 'scale', name);
  const setDir = path.join(base, 'policies', name);
  const outDir = path.join(base, 'generated-prof');
  const profDir = path.join(OUT, 'profiles');
  rmSync(path.join(setDir, 'policyc.lock.json'), { force: true });
  rmSync(outDir, { recursive: true, force: true });
  rmSync(profDir, { recursive: true, force: true });
  clearBuildCache();
  const run = timedBuild(launcher, setDir, outDir, ['--cpu-prof', '--cpu-prof-dir', profDir]);
  if (!run.ok || !existsSync(profDir)) return undefined;
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  return file
    ? summariseProfile(path.join(profDir, file), `${c.roles} × ${c.permissions} (${c.shape}), cold`)
    : undefined;
}

export function runScale(
  quick: boolean,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): ScaleResults {
  const { launcher, note } = prepareCli(log);
  const cases: ScaleResult[] = [];
  // A --quick run builds the larger set cold only, to stay within a minute.
  for (const c of quick ? QUICK_CASES : FULL_CASES)
    cases.push(runCase(launcher, c, log, !quick || c === QUICK_CASES[0]));
  const exponents: { shape: string; measure: string; k: number }[] = [];
  for (const shape of ['flat', 'hierarchical'] as const) {
    const cs = cases.filter((c) => c.shape === shape && c.cold.ok);
    if (cs.length < 2) continue;
    exponents.push({
      shape,
      measure: 'cold wall time',
      k: growthExponent(cs.map((c) => ({ x: c.roles * c.permissions, y: c.cold.wallS }))),
    });
    exponents.push({
      shape,
      measure: 'cold in-CLI time',
      k: growthExponent(cs.map((c) => ({ x: c.roles * c.permissions, y: c.cold.internalMs ?? Number.NaN }))),
    });
    const ws = cs.filter((c) => c.warm?.ok);
    if (ws.length >= 2)
      exponents.push({
        shape,
        measure: 'warm wall time',
        k: growthExponent(ws.map((c) => ({ x: c.roles * c.permissions, y: c.warm!.wallS }))),
      });
    exponents.push({
      shape,
      measure: 'cold peak RSS',
      k: growthExponent(cs.map((c) => ({ x: c.roles * c.permissions, y: c.cold.maxRssBytes }))),
    });
    // The fit over all sizes is flattened by the fixed cost of a build (start-up, a ts-morph
    // project): the slope between the two largest sizes is the marginal growth.
    if (cs.length >= 3) {
      const top = [...cs].sort((a, b) => a.roles * a.permissions - b.roles * b.permissions).slice(-2);
      exponents.push({
        shape,
        measure: 'cold in-CLI time, two largest sizes',
        k: growthExponent(top.map((c) => ({ x: c.roles * c.permissions, y: c.cold.internalMs ?? Number.NaN }))),
      });
    }
  }
  for (const e of exponents) log(`  growth ${e.shape}, ${e.measure}: ∝ (R·P)^${fmt(e.k)}`);
  let profile: ProfileSummary | undefined;
  if (!quick) {
    const largest = cases
      .filter((c) => c.shape === 'flat')
      .sort((a, b) => b.roles * b.permissions - a.roles * a.permissions)[0];
    if (largest) {
      log(`  profiling one more cold build of ${largest.roles} × ${largest.permissions}…`);
      profile = profileCase(launcher, largest);
    }
  }
  let tuning: TuningResult | undefined;
  if (!quick) {
    const largest = cases
      .filter((c) => c.shape === 'flat')
      .sort((a, b) => b.roles * b.permissions - a.roles * a.permissions)[0];
    if (largest) {
      log(`  cold builds of ${largest.roles} × ${largest.permissions} with and without ${SEMI_SPACE_FLAG}…`);
      tuning = tuningCase(launcher, largest, SEMI_SPACE_FLAG, 3);
      log(`    best of 3: ${fmt(bestWall(tuning.plain))} s → ${fmt(bestWall(tuning.tuned))} s`);
    }
  }
  return { quick, cli: note, cases, exponents, ...(profile ? { profile } : {}), ...(tuning ? { tuning } : {}) };
}

export function scaleMarkdown(s: ScaleResults): string {
  const out: string[] = [];
  out.push(
    `CLI: ${s.cli}. Each build is \`policyc build <set> --out <dir>\` in a fresh process under \`/usr/bin/time -f "%e %M"\`: wall time from process start to exit and peak RSS. "In CLI" is the build command's own elapsed time (without node start-up and module loading). Cold: no lockfile, no output and an empty cache folder (the builds run in bench/.out/scale-cwd, whose \`node_modules/.cache/policyc\` holds the build and parse caches; a cold build fills them). Warm: the same build again (lockfile and output present, nothing to write), answered from the build cache; warm \`--no-cache\`: once more without the cache (parsed, resolved and emitted again, as every warm build was before the cache).\n`,
  );
  out.push(
    table(
      [
        'set (roles × permissions × 3 scopes)',
        'shape',
        'YAML',
        'cold wall',
        'cold in CLI',
        'cold peak RSS',
        'warm wall',
        'warm in CLI',
        'warm peak RSS',
        'warm --no-cache wall',
        'warm --no-cache in CLI',
      ],
      s.cases.map((c) => [
        `${c.roles.toLocaleString('en-US')} × ${c.permissions.toLocaleString('en-US')}`,
        c.shape,
        `${fmtBytes(c.yamlBytes)} (${c.yamlFiles} files)`,
        c.cold.ok ? `${fmt(c.cold.wallS)} s` : `failed: ${c.cold.message}`,
        fmtMs(c.cold.internalMs),
        fmtBytes(c.cold.maxRssBytes),
        !c.warm ? 'not run' : c.warm.ok ? `${fmt(c.warm.wallS)} s` : `failed: ${c.warm.message}`,
        fmtMs(c.warm?.internalMs),
        fmtBytes(c.warm?.maxRssBytes),
        !c.warmNoCache
          ? 'not run'
          : c.warmNoCache.ok
            ? `${fmt(c.warmNoCache.wallS)} s`
            : `failed: ${c.warmNoCache.message}`,
        fmtMs(c.warmNoCache?.internalMs),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('\nFitted growth (least squares on log-log over the sizes above; time ∝ (R·P)^k):\n');
  out.push(
    table(
      ['shape', 'measure', 'k'],
      s.exponents.map((e) => [e.shape, e.measure, fmt(e.k)]),
      ['l', 'l', 'r'],
    ),
  );
  out.push(
    '\nGenerated size. Raw bits = R·P·3/8 bytes (one bit per role, permission and scope). The access table is a base64 literal of 32-bit words (4/3 of its bytes, rows padded to whole words).\n',
  );
  out.push(
    table(
      [
        'set',
        'shape',
        'raw bits',
        'access table literal',
        'table ÷ raw',
        'index.ts',
        'index.ts − tables (metadata)',
        'metadata per role+permission',
        'index.ts ÷ raw',
        'manifest.json',
        'lockfile',
      ],
      s.cases.map((c) => [
        `${c.roles} × ${c.permissions}`,
        c.shape,
        fmtBytes(c.rawBytes),
        fmtBytes(c.accessTableBytes),
        fmt(c.accessTableBytes / c.rawBytes),
        fmtBytes(c.indexBytes),
        fmtBytes(c.indexBytes - c.allTablesBytes),
        `${fmt((c.indexBytes - c.allTablesBytes) / (c.roles + c.permissions))} B`,
        fmt(c.indexBytes / c.rawBytes),
        fmtBytes(c.manifestBytes),
        fmtBytes(c.lockfileBytes),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  if (s.profile) {
    out.push(
      `\nWhere the time goes: CPU profile (\`node --cpu-prof\`) of one more cold build of ${s.profile.set}, ${fmtMs(s.profile.totalMs)} sampled; self time by pipeline stage (by source file) and the top functions.\n`,
    );
    out.push(
      table(
        ['stage', 'self time', 'share'],
        s.profile.stages.map((x) => [x.stage, fmtMs(x.ms), `${fmt(x.share * 100)} %`]),
        ['l', 'r', 'r'],
      ),
    );
    out.push('');
    out.push(
      table(
        ['function (file:line)', 'self time', 'share'],
        s.profile.top.map((x) => [`\`${x.fn}\``, fmtMs(x.ms), `${fmt(x.share * 100)} %`]),
        ['l', 'r', 'r'],
      ),
    );
  }
  if (s.tuning) {
    const t = s.tuning;
    const peak = (runs: readonly BuildRun[]) => Math.max(...runs.filter((r) => r.ok).map((r) => r.maxRssBytes));
    const row = (label: string, runs: readonly BuildRun[]) => [
      label,
      runs.map((r) => (r.ok ? `${fmt(r.wallS)} s` : 'failed')).join(', '),
      `${fmt(bestWall(runs))} s`,
      fmtBytes(peak(runs)),
    ];
    out.push(
      `\nYoung-generation size: does a larger young generation (fewer scavenges while the \`yaml\` parser allocates its short-lived nodes) shorten the build of the largest set? ${t.rounds} cold builds of ${t.set} with Node's defaults and with \`${t.flag}\` (which users can pass as \`NODE_OPTIONS=${t.flag}\`), interleaved. Best of ${t.rounds}, flag ÷ defaults: × ${fmt(bestWall(t.tuned) / bestWall(t.plain))} (below 1 is faster). On this shared machine the spread between runs of one setting is often wider than the difference between settings.\n`,
    );
    out.push(
      table(
        ['node flags', 'cold wall, each run', 'best', 'peak RSS (max)'],
        [row('(defaults)', t.plain), row(`\`${t.flag}\``, t.tuned)],
        ['l', 'l', 'r', 'r'],
      ),
    );
  }
  return out.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const results = runScale(quick);
  const json = argValue(args, '--json') ?? path.join(OUT, 'scale.json');
  mkdirSync(path.dirname(json), { recursive: true });
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${scaleMarkdown(results)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
