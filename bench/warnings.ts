/**
 * `check` on a file with many warnings (issue 15: 20,000 warnings in one file took 52.9 s in the
 * human format and 4.4 s as JSON; the target is linear): a synthetic set whose one role file
 * yields W warnings (PC505: each of W grants gives nothing its parent does not already give), at
 * W = 5,000, 10,000 and 20,000, each checked with `--format human` and `--format json`, and the
 * fitted growth exponent of each format (time ∝ W^k; 1 is linear).
 *
 *   node --import tsx bench/warnings.ts [--quick] [--json <file>]
 *
 * Runs the CLI as users do (bin/policyc.js, so the bundle when it is built), `--no-cache`, output
 * to a pipe the bench drains (as a terminal or CI log would), user CPU and wall time per run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, fmt, growthExponent, median, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(HERE, '.out', 'warnings');

/** The warning counts measured; the largest is the issue's row. */
export const SIZES = [5000, 10000, 20000] as const;
const FORMATS = ['human', 'json'] as const;
/** Resources (one permission each) per catalog file. */
const CHUNK = 5000;
type Format = (typeof FORMATS)[number];

/**
 * The files of a set named `name` whose role file `roles/redundant.yaml` yields exactly
 * `warnings` warnings, all PC505: the owner role `base` grants `"*"`, and `redundant` inherits
 * it and grants each of the catalog's `warnings` permissions again. The set has no errors.
 */
export function warningSet(name: string, warnings: number): Record<string, string> {
  const id = (i: number) => `r${String(i).padStart(5, '0')}:view`;
  // A policy file holds at most 1 MiB: the catalog is split into files of CHUNK resources each.
  const catalogs: Record<string, string> = {};
  for (let from = 0; from < warnings; from += CHUNK) {
    const to = Math.min(warnings, from + CHUNK);
    const range = Array.from({ length: to - from }, (_, k) => from + k);
    catalogs[`catalog-${String(from / CHUNK).padStart(2, '0')}.yaml`] = `${[
      'apiVersion: policyc/v1',
      'kind: Catalog',
      'metadata: { name: catalog }',
      'spec:',
      ...(from === 0 ? ['  actions:', '    - { name: view }'] : []),
      '  resources:',
      ...range.map((i) => `    - { name: r${String(i).padStart(5, '0')}, title: Resource ${i} }`),
      '  permissions:',
      ...range.map((i) => `    - { id: "${id(i)}", title: View resource ${i} }`),
    ].join('\n')}\n`;
  }
  const role = (roleName: string, lines: readonly string[]) =>
    [
      'apiVersion: policyc/v1',
      'kind: Role',
      `metadata: { name: ${roleName} }`,
      'spec:',
      `  title: ${roleName === 'base' ? 'Base' : 'Redundant'}`,
      `  description: The ${roleName} role.`,
      ...lines,
      '',
    ].join('\n');
  return {
    'policyset.yaml': [
      'apiVersion: policyc/v1',
      'kind: PolicySet',
      `metadata: { name: ${name} }`,
      'spec:',
      '  version: 1.0.0',
      '  ownerRole: base',
      '',
    ].join('\n'),
    ...catalogs,
    'roles/base.yaml': role('base', ['  grants:', '    - "*"']),
    'roles/redundant.yaml': role('redundant', [
      '  inherits: [base]',
      '  grants:',
      ...Array.from({ length: warnings }, (_, i) => `    - ${id(i)}`),
    ]),
  };
}

export interface WarningsRun {
  readonly warnings: number;
  readonly format: Format;
  /** Warnings the run reported (read from its JSON output, or counted in its human output). */
  readonly reported: number;
  readonly wallMs: readonly number[];
  readonly userMs: readonly number[];
  readonly outputBytes: number;
}

export interface WarningsResults {
  readonly quick: boolean;
  readonly node: string;
  readonly rounds: number;
  readonly runs: readonly WarningsRun[];
  /**
   * Time ∝ W^k per format, fitted over the sizes: `k` on the median user CPU time (what the
   * verdict uses: on a shared machine, wall time also counts the other jobs), `kWall` on the median wall.
   */
  readonly exponents: readonly { format: Format; k: number; kWall: number }[];
}

function writeSet(warnings: number): string {
  const name = `warnings-${warnings}`;
  const dir = path.join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(warningSet(name, warnings))) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** One `policyc check` run: wall and user CPU ms, and what it printed. */
function checkOnce(dir: string, format: Format): { wallMs: number; userMs: number; out: string } {
  const t = process.hrtime.bigint();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%U', process.execPath, 'bin/policyc.js', 'check', dir, '--format', format, '--no-cache'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1024 ** 3, env: { ...process.env, NO_COLOR: '1' } },
  );
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  // Warnings only: the exit status is 0 (1 would mean an error in the set, which it must not have).
  if (r.status !== 0) throw new Error(`policyc check ${dir} --format ${format} failed (exit ${r.status ?? r.signal})`);
  const user = /([\d.]+)\s*$/.exec(r.stderr.trimEnd());
  return { wallMs, userMs: user ? Number(user[1]) * 1000 : Number.NaN, out: `${r.stdout}${r.stderr}` };
}

function countReported(out: string, format: Format): number {
  if (format === 'human') return out.match(/^warning\[PC505\]/gm)?.length ?? 0;
  return out.match(/"code":\s*"PC505"/g)?.length ?? 0;
}

export function runWarningsBench(
  quick: boolean,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): WarningsResults {
  const rounds = quick ? 1 : 3;
  const sizes = quick ? SIZES.slice(0, 2) : SIZES;
  const runs: WarningsRun[] = [];
  for (const w of sizes) {
    const dir = writeSet(w);
    for (const format of FORMATS) {
      const wallMs: number[] = [];
      const userMs: number[] = [];
      let reported = 0;
      let outputBytes = 0;
      for (let i = 0; i < rounds; i++) {
        const r = checkOnce(dir, format);
        wallMs.push(r.wallMs);
        userMs.push(r.userMs);
        reported = countReported(r.out, format);
        outputBytes = Buffer.byteLength(r.out);
      }
      if (reported !== w) throw new Error(`expected ${w} warnings from ${dir}, the ${format} output has ${reported}`);
      log(`  ${w} warnings, ${format}: ${fmt(median(wallMs))} ms wall, ${fmt(median(userMs))} ms user`);
      runs.push({ warnings: w, format, reported, wallMs, userMs, outputBytes });
    }
  }
  const exponentOf = (format: Format, measure: (r: WarningsRun) => readonly number[]) =>
    growthExponent(runs.filter((r) => r.format === format).map((r) => ({ x: r.warnings, y: median(measure(r)) })));
  const exponents = FORMATS.map((format) => ({
    format,
    k: exponentOf(format, (r) => r.userMs),
    kWall: exponentOf(format, (r) => r.wallMs),
  }));
  for (const e of exponents) log(`  growth, ${e.format}: user CPU ∝ W^${fmt(e.k)}, wall ∝ W^${fmt(e.kWall)}`);
  return { quick, node: process.version, rounds, runs, exponents };
}

export function warningsMarkdown(r: WarningsResults): string {
  const rows = r.runs.map((x) => [
    x.warnings.toLocaleString('en-US'),
    x.format,
    `${fmt(median(x.wallMs) / 1000)} s`,
    `${fmt(median(x.userMs) / 1000)} s`,
    `${fmt(median(x.wallMs) / x.warnings)} ms`,
    `${fmt(x.outputBytes / 1024 ** 2)} MiB`,
  ]);
  return [
    `\`policyc check <set> --format human|json --no-cache\` on a set whose one role file yields W warnings (PC505, bench/warnings.ts); Node ${r.node}; median of ${r.rounds} run${r.rounds === 1 ? '' : 's'} each, whole process, output to a pipe.`,
    '',
    table(['warnings', 'format', 'wall', 'user CPU', 'wall per warning', 'output'], rows, [
      'r',
      'l',
      'r',
      'r',
      'r',
      'r',
    ]),
    '',
    `Growth (time ∝ W^k): ${r.exponents.map((e) => `${e.format} k = ${fmt(e.k)} on user CPU, ${fmt(e.kWall)} on wall`).join('; ')}. User CPU is the measure: on a shared machine the wall time also counts the other jobs.`,
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const results = runWarningsBench(args.includes('--quick'));
  const json = argValue(args, '--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  process.stdout.write(`${warningsMarkdown(results)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
