import { describe, expect, it } from 'vitest';
import { analyzeSet } from '../src/analyze.js';
import { compileSet } from '../src/compile.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { colors, renderHuman } from '../src/diagnostics/render.js';
import {
  LOCK_PATH,
  checkAndBuild,
  freshLockfile,
  tamperings,
  withLockfile,
  withNewPermission,
} from './support/tamper.js';

/**
 * Hostile repositories (issue 13): a lockfile changed by a pull request. Whatever its content,
 * `check` and `build` report the same positioned PC6xx errors, never crash (an exception here is
 * PC999 on the command line), and never write more than the set's size warrants.
 */

const fresh = freshLockfile();
const all = tamperings(fresh);
const where = (d: Diagnostic) =>
  `${d.code} ${d.span ? `${d.span.file}:${d.span.line}:${d.span.column}` : '-'} ${d.message}`;

describe('the issue’s reproductions', () => {
  it('next = 2,000,000,000 plus a new permission: PC603 at `next`, no internal error', () => {
    const doc = JSON.parse(fresh);
    doc.permissions.next = 2_000_000_000;
    const text = JSON.stringify(doc, null, 2);
    const c = compileSet(withNewPermission(text), { outRoot: 'generated' });
    expect(c.ok).toBe(false);
    expect(c.files).toEqual([]);
    const d = c.diagnostics.find((x) => x.code === 'PC603')!;
    expect(d.message).toContain('`permissions.next` is 2000000000');
    expect(text.slice(d.span!.offset, d.span!.endOffset)).toBe('2000000000');
  });

  it('one permission numbered 50,000,000: PC603 at the number, nothing emitted', () => {
    const doc = JSON.parse(fresh);
    const key = Object.keys(doc.permissions.active)[0]!;
    doc.permissions.active[key] = 50_000_000;
    doc.permissions.next = 50_000_001;
    const text = JSON.stringify(doc, null, 2);
    const c = compileSet(withLockfile(text), { outRoot: 'generated' });
    expect(c.files).toEqual([]);
    expect(c.diagnostics.map((x) => x.code)).toEqual(['PC603']);
  });

  it('a lockfile of another set: PC603 at `set` in check and in build', () => {
    const text = fresh.replace('"set": "shop"', '"set": "crm"');
    const { check, build } = checkAndBuild(withLockfile(text));
    expect(check.map(where)).toEqual(build.map(where));
    expect(check).toHaveLength(1);
    expect(check[0]!.message).toContain('lockfile of the set `crm`, not of `shop`');
    expect(text.slice(check[0]!.span!.offset, check[0]!.span!.endOffset)).toBe('"crm"');
  });

  it('a duplicate number: the message names both keys and points at the second', () => {
    const doc = JSON.parse(fresh);
    const [a, b] = Object.keys(doc.roles.active) as [string, string];
    doc.roles.active[b] = doc.roles.active[a];
    const text = JSON.stringify(doc, null, 2);
    const check = analyzeSet(withLockfile(text)).diagnostics;
    expect(check.map((d) => d.message)).toEqual([
      `lockfile is not valid: \`roles\`: number ${doc.roles.active[a]} is given to both \`${a}\` and \`${b}\``,
    ]);
    expect(check[0]!.span).toMatchObject({ file: LOCK_PATH });
    const frame = renderHuman(check[0]!, analyzeSet(withLockfile(text)).files, colors(false));
    expect(frame).toContain(`"${b}": ${doc.roles.active[a]}`);
  });
});

describe(`${all.length} tampered lockfiles`, () => {
  const normal = checkAndBuild(withLockfile(fresh)).bytes;

  it.each(all.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    const source = withLockfile(t.text);
    let result: ReturnType<typeof checkAndBuild>;
    try {
      result = checkAndBuild(source);
    } catch (error) {
      throw new Error(`internal error (PC999) on ${t.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { check, build, bytes } = result;
    // check reports exactly what build reports.
    expect(check.map(where)).toEqual(build.map(where));
    const errors = build.filter((d) => d.severity === 'error');
    if (t.mustFail) expect(errors.length, 'a tampering must be refused').toBeGreaterThan(0);
    for (const d of errors) {
      expect(d.code).toMatch(/^PC60[13]$/);
      // A role the lockfile names but the set lacks reads as a deleted role: PC601 stands where the
      // fix goes (the PolicySet's retiredRoles) and names the lockfile's line among its places.
      const places = [d.span?.file, ...(d.code === 'PC601' ? (d.related ?? []).map((r) => r.span?.file) : [])];
      expect(places).toContain(LOCK_PATH);
    }
    // Never more than a few times what the untampered lockfile gives (a gap is fine, gigabytes are not).
    expect(bytes).toBeLessThan(normal * 8 + 200_000);
    // Bounded output: at most a screenful of findings, each message short.
    expect(build.length).toBeLessThanOrEqual(11);
    for (const d of build) expect(d.message.length).toBeLessThan(400);
  });
});
