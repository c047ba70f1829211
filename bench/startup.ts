/**
 * Start-up and Gherkin step speed (issue 15): each command's whole-process wall time as a ratio
 * to `node -e 0`, the two run in turn (A B A B …) so that each ratio pairs runs made moments
 * apart on this shared machine; `import 'policyc'`; `policyc test` on the shipped features in ms
 * per step; and, with --differential, the wall time of the differential test.
 *
 *   node --import tsx bench/startup.ts [--quick] [--root <checkout>] [--differential] [--json <file>]
 *                                      [--before <json>] [--results]
 *
 * `--root` measures another checkout (built, with node_modules) with this same script, and
 * `--json` keeps its figures; `--before <that json>` puts them beside this run's in the tables.
 * `--results` writes the section into bench/RESULTS.md (replacing the previous one).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, fmt, median, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_HEADING = '## 7. Start-up and Gherkin steps (issue 15)';

/** A command line measured against `node -e 0`, with the bound on the ratio. */
interface Probe {
  readonly name: string;
  readonly args: readonly string[];
  readonly bound: number;
}

function probes(out: string): Probe[] {
  return [
    { name: '`policyc check policies/crm`', args: ['bin/policyc.js', 'check', 'policies/crm'], bound: 2.5 },
    {
      name: '`policyc build policies/crm` (nothing changed)',
      args: ['bin/policyc.js', 'build', 'policies/crm', '-o', out],
      bound: 4,
    },
    {
      name: '`policyc explain system-owner users:view --set crm`',
      args: ['bin/policyc.js', 'explain', 'system-owner', 'users:view', '--set', 'crm'],
      bound: 2.5,
    },
    { name: '`policyc who-can users:view`', args: ['bin/policyc.js', 'who-can', 'users:view'], bound: 2.5 },
    {
      name: '`policyc access system-owner --set crm`',
      args: ['bin/policyc.js', 'access', 'system-owner', '--set', 'crm'],
      bound: 2.5,
    },
    { name: "`import 'policyc'`", args: ['--input-type=module', '-e', "await import('policyc');"], bound: Number.NaN },
  ];
}

export interface ProbeResult {
  readonly name: string;
  readonly bound: number;
  /** Wall ms of each run of the command, and of the `node -e 0` run paired with it. */
  readonly ms: readonly number[];
  readonly floorMs: readonly number[];
  readonly ratios: readonly number[];
}

/** One `policyc test` run: steps run, the time cucumber reports for executing them, and the process's wall time. */
export interface StepsRun {
  readonly count: number;
  readonly executingMs: number;
  readonly wallMs: number;
}

export interface StartupResults {
  readonly root: string;
  readonly node: string;
  readonly rounds: number;
  readonly probes: readonly ProbeResult[];
  /** `policyc test` on features/: steps run and the wall time cucumber reports for executing them. */
  readonly steps: StepsRun | null;
  /** The same with `--no-cache`: every module compiled again, as on a first run (absent in older results). */
  readonly stepsNoCache?: StepsRun | null;
  readonly differentialWallS: number | null;
}

function wallMs(root: string, args: readonly string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return ms;
}

function measureProbe(root: string, probe: Probe, rounds: number): ProbeResult {
  wallMs(root, probe.args); // warm-up: the file system cache, and the compile cache where Node has one
  wallMs(root, ['-e', '0']);
  const ms: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ms.push(wallMs(root, probe.args));
    floorMs.push(wallMs(root, ['-e', '0']));
  }
  return { name: probe.name, bound: probe.bound, ms, floorMs, ratios: ms.map((m, i) => m / floorMs[i]!) };
}

/** `policyc test` on the shipped features: cucumber's own summary gives the steps and their time. */
function measureSteps(root: string, flags: readonly string[] = []): StepsRun | null {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['bin/policyc.js', 'test', ...flags], { cwd: root, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const out = `${r.stdout}\n${r.stderr}`;
  const count = /(\d+) steps \(/.exec(out);
  const executing = /executing steps: (\d+)m([\d.]+)s/.exec(out);
  if (!count || !executing) return null;
  return {
    count: Number(count[1]),
    executingMs: (Number(executing[1]) * 60 + Number(executing[2])) * 1000,
    wallMs: wall,
  };
}

function measureDifferential(root: string): number | null {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/differential'], {
    cwd: root,
    stdio: 'ignore',
  });
  return r.status === 0 ? Number(process.hrtime.bigint() - t) / 1e9 : null;
}

function stepsRow(what: string, s: StepsRun | null | undefined, bs: StepsRun | null | undefined): string[] {
  return [
    what,
    (s
      ? `${s.count} steps in ${fmt(s.executingMs / 1000)} s: ${fmt(s.executingMs / s.count)} ms a step (${fmt(s.count / s.executingMs)} steps/ms); whole run ${fmt(s.wallMs / 1000)} s`
      : 'failed or not measured') +
      (bs ? `; before: ${fmt(bs.executingMs / bs.count)} ms a step, whole run ${fmt(bs.wallMs / 1000)} s` : ''),
    s ? (s.executingMs / s.count <= 5 ? '≤ 5 ms a step: met' : '≤ 5 ms a step: **missed**') : '',
  ];
}

export function runStartupBench(root: string, quick: boolean, differential: boolean): StartupResults {
  const rounds = quick ? 3 : 10;
  const out = path.join(HERE, '.out', 'startup', 'generated');
  mkdirSync(out, { recursive: true });
  const results: ProbeResult[] = [];
  for (const probe of probes(out)) {
    process.stderr.write(`${probe.name} … `);
    const r = measureProbe(root, probe, rounds);
    process.stderr.write(`${fmt(median(r.ratios))}×\n`);
    results.push(r);
  }
  const perStep = (run: StepsRun | null) => (run ? `${fmt(run.executingMs / run.count)} ms a step\n` : 'failed\n');
  process.stderr.write('policyc test --no-cache (as a first run) … ');
  const stepsNoCache = measureSteps(root, ['--no-cache']);
  process.stderr.write(perStep(stepsNoCache));
  process.stderr.write('policyc test (from the steps cache) … ');
  measureSteps(root); // fills the cache of compiled modules, if this checkout has none yet
  const steps = measureSteps(root);
  process.stderr.write(perStep(steps));
  return {
    root,
    node: process.version,
    rounds,
    probes: results,
    steps,
    stepsNoCache,
    differentialWallS: differential ? measureDifferential(root) : null,
  };
}

export function startupMarkdown(r: StartupResults, before?: StartupResults): string {
  const verdict = (ratio: number, bound: number) =>
    Number.isNaN(bound) ? '' : ratio <= bound ? `≤ ${bound}×: met` : `≤ ${bound}×: **missed**`;
  const rows = r.probes.map((p) => {
    const ratio = median(p.ratios);
    const b = before?.probes.find((x) => x.name === p.name);
    return [
      p.name,
      ...(before ? [b ? `${fmt(median(b.ratios))}×` : 'n/a'] : []),
      `${fmt(ratio)}× (${fmt(Math.min(...p.ratios))}–${fmt(Math.max(...p.ratios))})`,
      `${fmt(median(p.ms))} ms`,
      `${fmt(median(p.floorMs))} ms`,
      verdict(ratio, p.bound),
    ];
  });
  const s = r.steps;
  const bs = before?.steps;
  return [
    `Node ${r.node}; ${r.rounds} paired rounds per command after one warm-up; ratio = the command's wall time over the \`node -e 0\` run right after it (median, and min–max).`,
    '',
    before ? `Before: ${before.root}, measured by this script just before (same machine, same rounds).` : '',
    '',
    table(
      [
        'command',
        ...(before ? ['before'] : []),
        before ? 'after' : '× `node -e 0`',
        'wall (median)',
        '`node -e 0`',
        'target',
      ],
      rows,
      ['l', ...(before ? (['r'] as const) : []), 'r', 'r', 'r', 'l'],
    ),
    '',
    table(
      ['what', 'measured', 'target'],
      [
        stepsRow(
          '`policyc test` on features/, compiled modules from the steps cache (executing steps, as cucumber reports it)',
          s,
          bs,
        ),
        stepsRow(
          'the same with `--no-cache` (every module compiled again, as on a first run)',
          r.stepsNoCache,
          before?.stepsNoCache,
        ),
        [
          'differential test (`vitest run test/differential`), wall',
          (r.differentialWallS === null
            ? 'not measured (run with `--differential`)'
            : `${fmt(r.differentialWallS)} s`) +
            (before?.differentialWallS ? `; before: ${fmt(before.differentialWallS)} s` : ''),
          r.differentialWallS === null ? '' : r.differentialWallS <= 120 ? '≤ 2 min: met' : '≤ 2 min: **missed**',
        ],
      ],
      ['l', 'l', 'l'],
    ),
  ].join('\n');
}

/** Replaces (or appends) this bench's section of bench/RESULTS.md. */
function writeSection(markdown: string, command: string): void {
  const file = path.join(HERE, 'RESULTS.md');
  const text = readFileSync(file, 'utf8');
  const section = `${RESULTS_HEADING}\n\nMeasured with \`${command}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${markdown}\n`;
  const at = text.indexOf(RESULTS_HEADING);
  const next = at < 0 ? -1 : text.indexOf('\n## ', at + RESULTS_HEADING.length);
  writeFileSync(
    file,
    at < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, at)}${section}${next < 0 ? '' : text.slice(next)}`,
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const root = path.resolve(argValue(args, '--root') ?? path.resolve(HERE, '..'));
  const results = runStartupBench(root, quick, args.includes('--differential'));
  const json = argValue(args, '--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  const beforeFile = argValue(args, '--before');
  const before = beforeFile ? (JSON.parse(readFileSync(beforeFile, 'utf8')) as StartupResults) : undefined;
  const markdown = startupMarkdown(results, before);
  if (args.includes('--results'))
    writeSection(markdown, `node --import tsx bench/startup.ts${quick ? ' --quick' : ''} --results`);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
