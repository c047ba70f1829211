/// <reference lib="dom" />
/**
 * `policyc report` at scale: the page's file size for the shipped sets and a synthetic
 * 2,000 roles × 5,000 permissions set, the time to write it, and in headless Chromium (Debian's
 * `chromium`, driven by playwright-core) the time to first contentful paint, to the load event
 * (the script has run and drawn the first page of the matrix), and to page or filter the matrix.
 *
 *   node --import tsx bench/report.ts [--quick] [--json <file>] [--results]
 *
 * `--results` also writes the section into bench/RESULTS.md (replacing the previous one), for a
 * run of this bench alone; `npm run bench` writes it with the others.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs, findChromium } from '../test/support/chromium.js';
import { writeSyntheticSet } from './synthetic.js';
import { argValue, fmt, fmtBytes, median, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(HERE, '.out', 'report');
const CLI = path.join(ROOT, 'bin/policyc.js');
export const RESULTS_HEADING = '## 4. The report page (`policyc report`)';

export interface PageMeasure {
  readonly name: string;
  readonly roles: number;
  readonly permissions: number;
  readonly bytes: number;
  /** Wall time of `policyc report` (compile included). */
  readonly writeS: number;
  readonly firstPaintMs: readonly number[];
  readonly domContentLoadedMs: readonly number[];
  readonly loadMs: readonly number[];
  /** Time to draw the next page of a paged matrix, and to apply a text filter (script time). */
  readonly nextPageMs: number | null;
  readonly filterMs: number | null;
  readonly heapBytes: number | null;
}

export interface ReportResults {
  readonly chromium: string;
  readonly rounds: number;
  readonly pages: readonly PageMeasure[];
}

function writeReport(args: readonly string[], out: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, 'report', ...args, '-o', out], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`policyc report ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function runReportBench(
  quick: boolean,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<ReportResults> {
  const found = findChromium();
  if ('missing' in found) throw new Error(found.missing);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const size = quick ? { roles: 500, permissions: 2000 } : { roles: 2000, permissions: 5000 };
  const synthetic = writeSyntheticSet(path.join(OUT, 'synthetic'), 'large', { ...size, shape: 'hierarchical' });
  const cases = [
    { name: 'crm', roles: 9, permissions: 49, args: ['policies/crm'] },
    { name: 'platform', roles: 9, permissions: 154, args: ['policies/platform'] },
    { name: 'crm + platform', roles: 18, permissions: 203, args: ['policies'] },
    { name: `synthetic ${size.roles} × ${size.permissions}`, ...size, args: [synthetic] },
  ];
  const rounds = quick ? 2 : 5;
  const browser = await chromium.launch({
    executablePath: found.path,
    args: [...chromiumArgs(), '--enable-precise-memory-info'],
  });
  const pages: PageMeasure[] = [];
  try {
    for (const c of cases) {
      const file = path.join(OUT, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.html`);
      const writeS = writeReport(c.args, file);
      const bytes = statSync(file).size;
      log(`${c.name}: ${fmtBytes(bytes)} written in ${fmt(writeS)} s`);
      const firstPaintMs: number[] = [];
      const domContentLoadedMs: number[] = [];
      const loadMs: number[] = [];
      let nextPageMs: number | null = null;
      let filterMs: number | null = null;
      let heapBytes: number | null = null;
      for (let i = 0; i < rounds; i++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
        const page = await context.newPage();
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        // The paint entry may be recorded after the load event: wait for it (buffered), up to 10 s.
        // (A string, not a function: tsx would wrap a named inner function in a helper the page lacks.)
        const t = (await page.evaluate(`new Promise((resolve) => {
          const nav = performance.getEntriesByType('navigation')[0];
          const timer = setTimeout(() => resolve({ fcp: NaN, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd }), 10000);
          new PerformanceObserver((list) => {
            const entry = list.getEntriesByName('first-contentful-paint')[0];
            if (!entry) return;
            clearTimeout(timer);
            resolve({ fcp: entry.startTime, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd });
          }).observe({ type: 'paint', buffered: true });
        })`)) as { fcp: number; dcl: number; load: number };
        firstPaintMs.push(t.fcp);
        domContentLoadedMs.push(t.dcl);
        loadMs.push(t.load);
        if (i === 0) {
          nextPageMs = await page.evaluate(() => {
            const next = document.querySelector<HTMLButtonElement>('[data-page="rows-next"]');
            if (!next) return null;
            const t0 = performance.now();
            next.click();
            return performance.now() - t0;
          });
          filterMs = await page.evaluate(() => {
            const input = document.getElementById('f-text') as HTMLInputElement;
            const t0 = performance.now();
            input.value = 'view';
            input.dispatchEvent(new Event('input'));
            return performance.now() - t0;
          });
          heapBytes = await page.evaluate(
            () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
          );
        }
        await context.close();
      }
      log(`  first paint ${fmt(median(firstPaintMs))} ms, load ${fmt(median(loadMs))} ms (median of ${rounds})`);
      pages.push({
        name: c.name,
        roles: c.roles,
        permissions: c.permissions,
        bytes,
        writeS,
        firstPaintMs,
        domContentLoadedMs,
        loadMs,
        nextPageMs,
        filterMs,
        heapBytes,
      });
    }
  } finally {
    await browser.close();
  }
  const version = spawnSync(found.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { chromium: version, rounds, pages };
}

export function reportMarkdown(r: ReportResults): string {
  return [
    `\`policyc report\` for the shipped sets and a synthetic set (hierarchical shape), opened ${r.rounds} times each in headless ${r.chromium} (playwright-core, a fresh context each time, viewport 1400 × 1000). A set above 100,000 cells is written as a paged matrix: the first page as static HTML, every level as one character per cell in an embedded JSON block, drawn ${100} × ${40} at a time by the page's script. "Write" is the wall time of the command, compile included. Times in the browser are from navigation start; medians (min–max).\n`,
    table(
      [
        'page',
        'roles × permissions',
        'file',
        'write',
        'first contentful paint',
        'DOMContentLoaded',
        'load (script done)',
        'next page',
        'filter',
        'JS heap',
      ],
      r.pages.map((p) => [
        p.name,
        `${p.roles.toLocaleString('en-US')} × ${p.permissions.toLocaleString('en-US')}`,
        fmtBytes(p.bytes),
        `${fmt(p.writeS)} s`,
        `${fmt(median(p.firstPaintMs))} ms (${fmt(Math.min(...p.firstPaintMs))}–${fmt(Math.max(...p.firstPaintMs))})`,
        `${fmt(median(p.domContentLoadedMs))} ms`,
        `${fmt(median(p.loadMs))} ms`,
        p.nextPageMs === null ? '—' : `${fmt(p.nextPageMs)} ms`,
        p.filterMs === null ? '—' : `${fmt(p.filterMs)} ms`,
        p.heapBytes === null ? '—' : fmtBytes(p.heapBytes),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}

/** Replaces (or appends) this bench's section of bench/RESULTS.md. */
function writeResultsSection(markdown: string, command: string): void {
  const file = path.join(HERE, 'RESULTS.md');
  const text = readFileSync(file, 'utf8');
  const section = `${RESULTS_HEADING}\n\nMeasured with \`${command}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${markdown}\n`;
  const at = text.indexOf(RESULTS_HEADING);
  if (at < 0) writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
  else {
    const next = text.indexOf('\n## ', at + RESULTS_HEADING.length);
    writeFileSync(file, `${text.slice(0, at)}${section}${next < 0 ? '' : text.slice(next)}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const results = await runReportBench(quick);
  const json = argValue(args, '--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  const markdown = reportMarkdown(results);
  if (args.includes('--results'))
    writeResultsSection(markdown, `node --import tsx bench/report.ts${quick ? ' --quick' : ''} --results`);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench/report.ts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
