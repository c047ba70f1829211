import { describe, expect, it } from 'vitest';
import { analyzeSet, type Analysis } from '../src/analyze.js';
import { CODES } from '../src/diagnostics/codes.js';
import { colors, renderGithub, renderHuman, toJson } from '../src/diagnostics/render.js';
import {
  type CorpusCase,
  type ExpectedDiagnostic,
  actualOf,
  analyzeCase,
  baseFiles,
  caseNames,
  loadCase,
  toSetSource,
} from './support/corpus.js';

/**
 * The bad-input corpus: every case in test/corpus/ runs through the front end and must produce
 * exactly the diagnostics its case.json lists (code, file, line, column and the source text the
 * span underlines), without throwing, and without a model when any of them is an error.
 */

const names = caseNames();
const cases: CorpusCase[] = names.map(loadCase);

/** The front-end codes the corpus must cover: every PC1xx–PC5xx code. */
const FRONT_END_CODES = Object.keys(CODES).filter((c) => /^PC[1-5]\d\d$/.test(c));

/** The parts of a diagnostic that identify it: what, and exactly where. */
const where = (d: ExpectedDiagnostic) => ({ code: d.code, file: d.file, line: d.line, column: d.column, text: d.text });
const asList = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

describe('the corpus base set', () => {
  it('is clean: no errors, no warnings, a model', () => {
    const analysis = analyzeSet(toSetSource(baseFiles()));
    expect(analysis.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(analysis.model).toBeDefined();
  });
});

describe('the corpus', () => {
  it('has at least 45 distinct broken inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    const inputs = cases.map(
      (c) =>
        JSON.stringify([...c.files].map(([f, b]) => [f, Buffer.from(b).toString('base64')])) +
        JSON.stringify(c.spec.symlinks ?? {}),
    );
    expect(new Set(inputs).size).toBe(cases.length);
  });

  it('covers every PC1xx–PC5xx code with at least one case', () => {
    const covered = new Set(cases.flatMap((c) => c.spec.expect.map((e) => e.code)));
    expect(FRONT_END_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('describes every case and expects at least one known code from it', () => {
    for (const c of cases) {
      expect(c.spec.description, c.name).toMatch(/\S/);
      expect(c.spec.expect.length, c.name).toBeGreaterThan(0);
      for (const e of c.spec.expect) expect(Object.keys(CODES), `${c.name}: ${e.code}`).toContain(e.code);
    }
  });
});

describe.each(cases.map((c) => [c.name, c] as const))('corpus case %s', (_name, c) => {
  it(c.spec.description, async () => {
    let analysis: Analysis;
    try {
      analysis = await analyzeCase(c);
    } catch (error) {
      throw new Error(
        `the front end crashed on ${c.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    const actual = analysis.diagnostics.map((d) => actualOf(d, analysis));

    // Exactly the expected diagnostics, in report order: none missing, none extra.
    expect(actual.map(where)).toEqual(c.spec.expect.map(where));

    c.spec.expect.forEach((e, i) => {
      const a = actual[i]!;
      for (const part of asList(e.message)) expect(a.message, `${c.name} #${i} message`).toContain(part);
      for (const part of asList(e.hint)) expect(a.hint ?? '', `${c.name} #${i} hint`).toContain(part);
      if (e.related) {
        expect(
          a.related?.map((r, j) => ({
            file: r.file,
            line: r.line,
            column: r.column,
            ...(e.related![j]?.message !== undefined ? { message: r.message } : {}),
          })),
          `${c.name} #${i} related`,
        ).toEqual(e.related);
      }
    });

    // Errors mean no model (no partial output); warnings alone still build one.
    const hasErrors = analysis.diagnostics.some((d) => d.severity === 'error');
    expect(analysis.model === undefined, `${c.name}: model built despite errors, or missing without them`).toBe(
      hasErrors,
    );

    // Every output format renders every diagnostic; the human form shows where it points.
    for (const d of analysis.diagnostics) {
      for (const enabled of [false, true]) {
        const human = renderHuman(d, analysis.files, colors(enabled));
        if (d.span) expect(human).toContain(`${d.span.file}:${d.span.line}:${d.span.column}`);
        if (!enabled && d.span && analysis.files.has(d.span.file) && d.span.endOffset > d.span.offset)
          expect(human).toMatch(/\|\s*\^/);
      }
      expect(renderGithub(d)).toMatch(/^::(error|warning) /);
      expect(JSON.parse(JSON.stringify(toJson(d)))).toMatchObject({ code: d.code, severity: d.severity });
    }
  });
});
