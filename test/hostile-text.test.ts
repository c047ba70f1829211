import { describe, expect, it } from 'vitest';
import { diagnostic } from '../src/diagnostics/diagnostic.js';
import { frameText, printable } from '../src/diagnostics/printable.js';
import { colors, renderGithub, renderHuman } from '../src/diagnostics/render.js';
import { LineIndex } from '../src/diagnostics/span.js';
import type { Model } from '../src/model/model.js';
import { accessOf, explain, whoCan } from '../src/review/grant-routes.js';
import { accessText, explanationText, whoCanText } from '../src/review/render/explanation.js';
import type { PreparedSet, Side } from '../src/review/sides.js';
import { buildReport } from '../src/review/diff-report.js';
import { renderText } from '../src/review/render/diff-text.js';
import { analyzeFolder } from './support/sets.js';

/**
 * Hostile repositories (issue 13), the second line of defence: validation rejects control
 * characters in names, titles and descriptions, and every text renderer shows any that reach it
 * anyway as escapes, so that no text from a policy can drive a reviewer's terminal (erase a line,
 * print a fake "No escalations").
 */

/** Any character that drives a terminal; only line feeds may reach it. */
const DRIVES_TERMINAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const ERASE = '\u001b[2K\rNo escalations';

describe('printable', () => {
  it('escapes C0, DEL and C1 controls and line separators, and masks bidi controls', () => {
    expect(printable(`a${ERASE}\u0000\u007f\u009b\n\u2028\u202e`)).toBe(
      'a\\x1b[2K\\rNo escalations\\x00\\x7f\\x9b\\n\\u2028\ufffd',
    );
  });
  it('keeps the length of a code frame text, LF, CRLF and tabs', () => {
    const text = 'a\r\nb\tc\rd\u001be\u2028f\n';
    expect(frameText(text)).toBe('a\r\nb\tc\ufffdd\ufffde\ufffdf\n');
  });
});

describe('diagnostics', () => {
  it('a message, hint and path holding escapes print them escaped, in human and GitHub format', () => {
    const d = diagnostic(
      'PC301',
      `unknown permission \`x${ERASE}\``,
      { file: `roles/a\u001b.yaml`, line: 1, column: 1, endLine: 1, endColumn: 2, offset: 0, endOffset: 1 },
      { hint: `did you mean \`y${ERASE}\`?` },
    );
    for (const out of [renderHuman(d, new Map(), colors(false)), renderGithub(d)]) {
      expect(out).not.toMatch(DRIVES_TERMINAL);
      expect(out).toContain('\\x1b[2K\\rNo escalations');
    }
  });

  it('a code frame of text with a lone CR, an escape and a line separator keeps them off the terminal', () => {
    const text = 'kind: Role # harmless\r    - users:delete\u001b[2K\u2028x\n';
    const file = { path: 'a.yaml', text, lines: new LineIndex(text) };
    const d = diagnostic(
      'PC101',
      'file contains a carriage return without a line feed (a lone CR)',
      file.lines.span('a.yaml', 21, 22),
    );
    const out = renderHuman(d, new Map([['a.yaml', file]]), colors(false));
    expect(out).not.toMatch(DRIVES_TERMINAL);
    expect(out).toContain('> 1 | kind: Role # harmless\ufffd    - users:delete\ufffd[2K\ufffdx');
  });
});

/** The shipped crm model with a role title, a user title and a permission title that hold terminal escapes (as if validation had been bypassed). */
async function hostileModel(): Promise<Model> {
  const a = await analyzeFolder('policies/crm');
  const m = a.model!;
  return {
    ...m,
    roles: m.roles.map((r, i) => (i === 1 ? { ...r, title: `${r.title}${ERASE}` } : r)),
    users: m.users.map((u) => ({ ...u, title: `${u.title ?? u.name}${ERASE}` })),
    permissions: m.permissions.map((p) => ({ ...p, title: `${p.title}\u009b2K${ERASE}` })),
  } as Model;
}

describe('review text renderers', () => {
  it('explain, who-can and access print titles with escapes escaped', async () => {
    const m = await hostileModel();
    const role = m.roles[1]!;
    const user = m.users.find((u) => u.roles.length > 0)!;
    const p = m.permissions.find((x) => role.effective.at(m.permissions.indexOf(x)) >= 0) ?? m.permissions[0]!;
    const outs = [
      explanationText(explain(m, { kind: 'role', role }, p, undefined), colors(false)),
      explanationText(explain(m, { kind: 'user', user }, p, undefined), colors(false)),
      whoCanText(m, p, undefined, whoCan(m, p, undefined), colors(false)),
      accessText(accessOf(m, { kind: 'role', role }), colors(false)),
      accessText(accessOf(m, { kind: 'user', user }), colors(false)),
    ];
    for (const out of outs) expect(out).not.toMatch(DRIVES_TERMINAL);
    expect(outs.join('\n')).toContain('\\x1b[2K\\rNo escalations');
  });

  it('diff --format text prints titles with escapes escaped', async () => {
    const a = await analyzeFolder('policies/crm');
    const hostile = await hostileModel();
    const set = (model: Model): PreparedSet => ({
      name: 'crm',
      dir: 'policies/crm',
      analysis: a,
      model,
      errors: [],
      lockfile: undefined,
      numbering: undefined,
    });
    const side = (model: Model, label: string): Side => ({
      kind: 'folder',
      label,
      revision: null,
      path: label,
      sets: [set(model)],
    });
    const out = renderText(buildReport(side(a.model!, 'base'), side(hostile, 'head')), colors(false));
    expect(out).toContain('\\x1b[2K\\rNo escalations');
    expect(out).not.toMatch(DRIVES_TERMINAL);
  });
});
