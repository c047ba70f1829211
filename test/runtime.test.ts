import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  can,
  canUse,
  check,
  permissionNo,
  roleNo,
  scopeNo,
  storedRoles,
  subject,
  transferTarget,
  widestScope,
} from '../src/runtime/api.js';
import { decodeWords, isIndex } from '../src/runtime/bits.js';
import { Permission as P, Role as R, Scope as S } from '../src/runtime/data.js';
import { encodeWords } from '../src/emit/bitset.js';
import { badNumbers, HOSTILE_STRINGS, NON_NUMBERS } from './support/out-of-domain.js';
import { ROOT } from './support/sets.js';

/**
 * The generated modules' runtime (src/runtime), on its own: the example set of
 * src/runtime/data.ts (a retired role row, a retired permission bit, two words per row, scope
 * numbers out of level order, a collection in each mode).
 */
const loose = (f: unknown) => f as (...args: unknown[]) => unknown;

describe('can', () => {
  it('reads the grant at its level and every narrower one, through scope numbers out of level order', () => {
    expect(can(R.editor, P['docs:edit'], S.own)).toBe(true);
    expect(can(R.editor, P['docs:edit'], S.group)).toBe(true);
    expect(can(R.editor, P['docs:edit'], S.all)).toBe(false);
    expect(can(R.editor, P['docs:edit'])).toBe(false); // default: the widest
    expect(can(R.editor, P['docs:delete'], S.own)).toBe(true);
    expect(can(R.editor, P['docs:delete'], S.group)).toBe(false);
    expect(can(R.admin, P['billing:view'])).toBe(true); // second word
    expect(can(R.viewer, P['billing:view'])).toBe(false);
  });

  it('never applies a self-restricted permission to oneself', () => {
    expect(can(R.admin, P['users:deactivate'], S.all)).toBe(true);
    expect(can(R.admin, P['users:deactivate'], S.all, true)).toBe(false);
    expect(loose(can)(R.admin, P['users:deactivate'], S.all, 'yes')).toBe(false); // any truthy value
  });

  it('denies every number outside the domain: the retired row and bit, the count and past it, negatives, fractions, non-numbers', () => {
    expect(can(2 as typeof R.admin, P['docs:view'])).toBe(false); // the retired role's empty row
    expect(can(R.admin, 1 as (typeof P)['docs:view'])).toBe(false); // the retired permission's bit
    for (const bad of badNumbers(4)) expect(loose(can)(bad, P['docs:view']), String(bad)).toBe(false);
    for (const bad of [...badNumbers(36), 63, 64]) expect(loose(can)(R.admin, bad), String(bad)).toBe(false);
    for (const bad of badNumbers(3)) expect(loose(can)(R.admin, P['docs:view'], bad), String(bad)).toBe(false);
    expect(loose(can)(R.admin, P['docs:view'], null)).toBe(false);
  });
});

describe('widestScope', () => {
  it('answers the widest level held, by level and not by number, or undefined', () => {
    expect(widestScope(R.editor, P['docs:view'])).toBe(S.all);
    expect(widestScope(R.editor, P['docs:edit'])).toBe(S.group);
    expect(widestScope(R.editor, P['docs:delete'])).toBe(S.own);
    expect(widestScope(R.viewer, P['docs:edit'])).toBeUndefined();
    expect(subject([R.viewer, R.editor]).widestScope(P['docs:edit'])).toBe(S.group);
    for (const bad of badNumbers(4)) expect(loose(widestScope)(bad, P['docs:view'])).toBeUndefined();
  });
});

describe('subject', () => {
  it('combines roles once; an empty list holds the default role, unknown numbers hold nothing', () => {
    const s = subject([R.viewer, R.editor]);
    expect(s.can(P['docs:edit'], S.group)).toBe(true);
    expect(s.roles).toEqual([R.viewer, R.editor]);
    expect(subject([]).roles).toEqual([R.viewer]); // the default role
    expect(subject([]).can(P['docs:view'])).toBe(true);
    expect(subject([]).can(P['docs:edit'], S.own)).toBe(false);
    for (const bad of [...badNumbers(4), 2])
      expect(subject([bad as typeof R.viewer]).can(P['docs:view']), String(bad)).toBe(false);
    for (const notList of [undefined, null, 5, 'viewer', {}, { length: 1, 0: 0 }])
      expect((loose(subject)(notList) as ReturnType<typeof subject>).can(P['docs:view'])).toBe(false);
    for (const bad of [...badNumbers(36), 63]) expect(s.can(bad as (typeof P)['docs:view'])).toBe(false);
    for (const bad of badNumbers(3)) expect(s.can(P['docs:view'], bad as typeof S.all)).toBe(false);
  });
});

describe('check by ids', () => {
  it('reads ids, previous ids and the default role for an empty list', () => {
    expect(check('editor', 'docs:edit', 'group')).toBe(true);
    expect(check('reader', 'docs:read')).toBe(true); // previous ids of a role and a permission
    expect(check([], 'docs:view')).toBe(true); // the default role
    expect(check([], 'docs:edit', 'own')).toBe(false);
  });

  it('denies hostile strings and wrong types, never falling back to the default role', () => {
    for (const bad of [...HOSTILE_STRINGS, ...NON_NUMBERS.filter((v) => !(Array.isArray(v) && v.length === 0))]) {
      expect(loose(check)(bad, 'docs:view'), String(bad)).toBe(false);
      expect(loose(check)([bad], 'docs:view'), String(bad)).toBe(false);
      expect(loose(check)('admin', bad), String(bad)).toBe(false);
      if (bad !== undefined) expect(loose(check)('admin', 'docs:view', bad), String(bad)).toBe(false);
    }
  });
});

describe('ids to numbers and stored roles', () => {
  it('answers undefined for anything that is not an id', () => {
    for (const bad of [...HOSTILE_STRINGS, ...NON_NUMBERS]) {
      expect(loose(permissionNo)(bad)).toBeUndefined();
      expect(loose(roleNo)(bad)).toBeUndefined();
      expect(loose(scopeNo)(bad)).toBeUndefined();
      expect(loose(transferTarget)(bad)).toBeUndefined();
    }
    expect(roleNo('reader')).toBe(R.viewer);
    expect(transferTarget('intern')).toBe('viewer');
    expect(transferTarget('reader')).toBe('viewer');
  });

  it('turns stored ids into a subject: renamed and retired ids move, unknown ones are reported', () => {
    const read = storedRoles(['editor', 'reader', 'intern', '__proto__', 'editor', 'gone']);
    expect(read.roles).toEqual(['editor', 'viewer']);
    expect(read.moved).toEqual([
      { from: 'reader', to: 'viewer', reason: 'renamed' },
      { from: 'intern', to: 'viewer', reason: 'retired' },
    ]);
    expect(read.unknown).toEqual(['__proto__', 'gone']);
    expect(read.subject.can(P['docs:edit'], S.group)).toBe(true);
    expect(storedRoles([]).subject.roles).toEqual([R.viewer]); // no roles: the default role
    expect(storedRoles(['gone']).subject.can(P['docs:view'])).toBe(false); // only unknown ids: nothing
    expect(storedRoles(['gone']).subject.roles).toEqual([]);
    expect(loose(storedRoles)(null)).toMatchObject({ roles: [], unknown: [] });
  });
});

describe('canUse', () => {
  it('reads known entries and lets unknown ones follow their nearest known ancestor', () => {
    expect(canUse(R.viewer, 'connectors', 'slack/actions/send')).toBe(true);
    expect(canUse(R.viewer, 'connectors', 'slack')).toBe(false);
    expect(canUse(R.viewer, 'connectors', 'slack/actions/send/x')).toBe(true);
    expect(canUse(R.viewer, 'connectors', 'zendesk')).toBe(false);
    expect(canUse(R.editor, 'connectors', 'jira')).toBe(false);
    expect(canUse(R.editor, 'connectors', 'zendesk')).toBe(true);
    expect(canUse(R.editor, 'connectors', 'jira/x')).toBe(false);
    expect(canUse(R.admin, 'connectors', 'zendesk/actions/new')).toBe(true);
  });

  it('denies strings that are not paths, wrong types, unknown collections and bad role numbers', () => {
    for (const entry of [
      '',
      '/',
      '//',
      'zendesk/',
      '/zendesk',
      'zendesk//x',
      'slack/',
      ...NON_NUMBERS.filter((v) => typeof v !== 'string'),
    ]) {
      expect(loose(canUse)(R.admin, 'connectors', entry), String(entry)).toBe(false);
      expect(subject([R.admin]).canUse('connectors', entry as string), String(entry)).toBe(false);
    }
    for (const c of HOSTILE_STRINGS) expect(loose(canUse)(R.admin, c, 'slack')).toBe(false);
    for (const bad of [...badNumbers(4), 2]) expect(loose(canUse)(bad, 'connectors', 'slack')).toBe(false);
  });
});

describe('bits', () => {
  it('decodes what the emitter encodes', () => {
    const words = Uint32Array.of(0, 1, 0xffffffff, 0x80000000, 12345678);
    expect(decodeWords(encodeWords(words), words.length)).toEqual(words);
  });

  it('takes only exact whole numbers in range as indexes', () => {
    expect([0, 1, 2].map((n) => isIndex(n, 3))).toEqual([true, true, true]);
    for (const bad of badNumbers(3)) expect(isIndex(bad, 3), String(bad)).toBe(false);
  });
});

describe('the data contract', () => {
  it('every name the runtime reads from src/runtime/data.ts is declared by each generated module', () => {
    const contract = readFileSync(path.join(ROOT, 'src/runtime/data.ts'), 'utf8');
    const names = [...contract.matchAll(/^export (?:const|type|interface) ([A-Za-z_]+)/gm)].map((m) => m[1]!);
    expect(names).toEqual(
      expect.arrayContaining([
        'ACCESS',
        'ROWS',
        'BITS',
        'PLANES',
        'SCOPE_ORDER',
        'DEFAULT_ROLE',
        'COLLECTIONS',
        'RoleNo',
      ]),
    );
    for (const set of ['crm', 'platform']) {
      const module = readFileSync(path.join(ROOT, 'generated', set, 'index.ts'), 'utf8');
      const missing = names.filter(
        (n) => !new RegExp(`^(?:export )?(?:const|type|interface) ${n}\\b`, 'm').test(module),
      );
      expect(missing, set).toEqual([]);
      expect(module).not.toMatch(/^import /m);
    }
  });
});
