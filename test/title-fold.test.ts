import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolvePermission, resolveRole } from '../src/gherkin/scenario-names.js';
import { type LoadedSet, loadSet } from '../src/gherkin/sets.js';
import { ASCII_HOMOGLYPHS, foldTitle, sameTitle } from '../src/language/title-fold.js';
import { findPermission, findSubject } from '../src/review/typed-names.js';
import { ROOT } from './support/sets.js';

/*
 * One rule for comparing titles (language/title-fold.ts): the command line (`policyc explain
 * "Sales Agent" …`) and a Gherkin step (`the role "Sales Agent"`) find the same role or
 * permission for any spelling of its title, look-alike characters included, or both refuse it.
 */

const POLICIES = path.join(ROOT, 'policies');
let sets: LoadedSet[];

beforeAll(async () => {
  sets = await Promise.all([loadSet(POLICIES, 'crm'), loadSet(POLICIES, 'platform')]);
});

/** Latin letters with a Cyrillic or Greek twin that reads the same. */
const TWINS: Record<string, string> = {
  a: 'а',
  c: 'с',
  e: 'е',
  o: 'о',
  p: 'р',
  x: 'х',
  y: 'у',
  A: 'Α',
  B: 'В',
  E: 'Е',
  H: 'Н',
  K: 'К',
  M: 'М',
  O: 'О',
  P: 'Р',
  T: 'Т',
};

/** One way of writing a character that a reader cannot tell from it (or a hostile one that they can). */
const spelling = (ch: string) =>
  fc.constantFrom(
    ch,
    ch.toUpperCase(),
    ch.toLowerCase(),
    TWINS[ch] ?? ch,
    `${ch}\u200b`,
    `\u202e${ch}`,
    ch === ' ' ? '  ' : ch,
    ch === ' ' ? '\u00a0' : ch,
    // Fullwidth forms fold to ASCII under NFKC.
    /[!-~]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch,
    ch === "'" ? '’' : ch,
    ch === 'l' ? 'I' : ch,
    ch === 'e' ? 'é' : ch,
  );

/** A title respelt character by character. */
const respelt = (title: string) => fc.tuple(...[...title].map(spelling)).map((parts) => parts.join(''));

/** What a lookup answers: the key found, or that it refused the name. */
function answer(lookup: () => { name: string }): string {
  try {
    return lookup().name;
  } catch {
    return '(refused)';
  }
}

describe('one folding of titles for the command line and the steps', () => {
  it("folds ASCII titles with the package's ASCII rows (kept in the code, so most runs never read its table)", () => {
    const table = createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>;
    const ascii = Object.fromEntries(Object.entries(table).filter(([k]) => k.codePointAt(0)! < 128));
    expect(ASCII_HOMOGLYPHS).toEqual(ascii);
    // An ASCII title folds as the whole table folds it.
    const withTable = (title: string) =>
      [...title.trim().replace(/\s+/g, ' ').toLowerCase()]
        .map((ch) => table[ch] ?? ch)
        .join('')
        .toLowerCase();
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (title) => {
        expect(foldTitle(title)).toBe(withTable(title));
      }),
    );
  });

  it('folds look-alikes, invisible characters, compatibility forms, case and spacing', () => {
    expect(foldTitle('Sаles  Agent\u200b')).toBe(foldTitle('sales agent'));
    expect(sameTitle('ＳＹＳＴＥＭ Owner', 'System Owner')).toBe(true);
    expect(sameTitle('It’s', "it's")).toBe(true);
    expect(sameTitle('Sales Agent', 'Sales Agents')).toBe(false);
  });

  it('finds a role by a respelt title the same way on the command line and in a step', () => {
    const cases = sets.flatMap((set, i) => set.model.roles.map((r) => [i, r.title] as const));
    fc.assert(
      fc.property(
        fc.constantFrom(...cases).chain(([i, title]) => fc.tuple(fc.constant(i), respelt(title))),
        ([i, written]) => {
          const set = sets[i]!;
          const cli = answer(() => {
            const { subject } = findSubject([{ name: set.name, model: set.model }], written);
            return { name: subject.kind === 'role' ? subject.role.name : `user ${subject.user.name}` };
          });
          const step = answer(() => resolveRole(set, written));
          expect(step, `"${written}"`).toBe(cli);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a permission by a respelt title the same way on the command line and in a step', () => {
    // Titles that name one permission only (others need a qualifier in a step, an id on the command line).
    const cases = sets.flatMap((set, i) =>
      set.model.permissions
        .filter((p) => set.model.permissions.filter((q) => sameTitle(q.title, p.title)).length === 1)
        .map((p) => [i, p.title] as const),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...cases).chain(([i, title]) => fc.tuple(fc.constant(i), respelt(title))),
        ([i, written]) => {
          const set = sets[i]!;
          const cli = answer(() => ({ name: findPermission({ name: set.name, model: set.model }, written).id }));
          const step = answer(() => ({ name: resolvePermission(set, written).id }));
          expect(step, `"${written}"`).toBe(cli);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('agrees on arbitrary strings too (both refuse what neither knows)', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.string({ unit: 'grapheme', maxLength: 24 }), (i, written) => {
        const set = sets[i]!;
        const cli = answer(() => ({ name: findPermission({ name: set.name, model: set.model }, written).id }));
        const step = answer(() => ({ name: resolvePermission(set, written).id }));
        expect(step, JSON.stringify(written)).toBe(cli);
      }),
      { numRuns: 12 },
    );
  });
});
