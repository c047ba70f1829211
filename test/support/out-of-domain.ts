import { ReferenceEvaluator } from '../../src/evaluate/reference.js';
import type { Model } from '../../src/model/model.js';

/**
 * Questions outside a generated module's compiled domain, for every exported function: numbers
 * at and past the count, negative, fractional, NaN, Infinity, 2³¹, 2³²−1, non-numbers from plain
 * JavaScript, hostile strings, scopes past the widest. The module must deny them (false) or answer
 * `undefined`, and never throw. Shared by test/fail-closed.test.ts, the differential test and
 * the counting script (test/support/count-out-of-domain.ts).
 */

/** The module's exports as plain JavaScript sees them: every argument is `unknown`. */
export interface LooseModule {
  readonly Permission: Record<string, number>;
  readonly Role: Record<string, number>;
  readonly Scope: Record<string, number>;
  can(...args: unknown[]): unknown;
  canUse(...args: unknown[]): unknown;
  subject(...args: unknown[]): {
    can(...args: unknown[]): unknown;
    canUse(...args: unknown[]): unknown;
    widestScope?(...args: unknown[]): unknown;
  };
  check(...args: unknown[]): unknown;
  permissionNo(...args: unknown[]): unknown;
  roleNo(...args: unknown[]): unknown;
  scopeNo(...args: unknown[]): unknown;
  transferTarget(...args: unknown[]): unknown;
  /** Added by issue 10; absent from older modules (then not asked). */
  widestScope?(...args: unknown[]): unknown;
  storedRoles?(...args: unknown[]): { subject: { can(...args: unknown[]): unknown }; unknown: readonly string[] };
}

/** What a question must answer: `false` (denied), `undefined` (no such id), or what the reference evaluator says (a well-formed unknown collection entry follows its rule). */
export type Expected = 'false' | 'undefined' | { readonly reference: boolean };

export interface Question {
  /** The exported function asked (`subject` for the methods of a subject). */
  readonly fn: string;
  /** The function and its arguments, printable (computed when read: only failures are printed). */
  readonly text: string;
  readonly ask: () => unknown;
  readonly expected: Expected;
}

/** A question's outcome: right, answered wrongly (a true/defined answer where it must deny), or threw. */
export interface Outcome {
  readonly question: Question;
  readonly answer?: unknown;
  readonly error?: string;
}

const LONG = 'a'.repeat(100_000);

/** Strings that are ids of no set: prototype keys, empty, blank, control characters, very long. */
export const HOSTILE_STRINGS: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '',
  ' ',
  '\u0000',
  'null',
  'undefined',
  '0',
  LONG,
];

/** Values that are not numbers, as plain JavaScript can pass them. */
export const NON_NUMBERS: readonly unknown[] = [
  '0',
  '1',
  '',
  true,
  false,
  null,
  [],
  [0],
  {},
  { valueOf: () => 0 },
  0n,
  1n,
  Symbol('x'),
  () => 0,
];

/** Numbers outside 0 … count−1 (count = the number of rows, bits or planes), plus the non-numbers. */
export function badNumbers(count: number): unknown[] {
  return [
    count,
    count + 1,
    -1,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 32 + 1,
    2 ** 53,
    0.5,
    Math.max(0, count - 1) + 0.5,
    NaN,
    Infinity,
    -Infinity,
    -(2 ** 31),
    ...NON_NUMBERS,
  ];
}

/** Prints an argument for a question's text (symbols, bigints and very long strings included). */
function show(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `"${v.slice(0, 10)}…" (${v.length} chars)` : JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol' || typeof v === 'function') return String(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** A question whose text is printed only when read (a class: thousands are built per module, few are printed). */
class OutOfDomainQuestion implements Question {
  readonly fn: string;
  readonly ask: () => unknown;
  readonly expected: Expected;
  private readonly args: readonly unknown[];

  constructor(fn: string, args: readonly unknown[], ask: () => unknown, expected: Expected) {
    this.fn = fn;
    this.args = args;
    this.ask = ask;
    this.expected = expected;
  }

  get text(): string {
    return `${this.fn}(${this.args.map(show).join(', ')})`;
  }
}

/** Builds every out-of-domain question for one generated module and the model it was compiled from. */
export function outOfDomainQuestions(model: Model, g: LooseModule, options: { sample?: boolean } = {}): Question[] {
  const ev = new ReferenceEvaluator(model);
  const qs: Question[] = [];
  const q = (fn: string, args: readonly unknown[], ask: () => unknown, expected: Expected = 'false') =>
    qs.push(new OutOfDomainQuestion(fn, args, ask, expected));
  // A sample keeps the differential test's cost flat: one good partner per bad argument instead of all, and a shorter long string.
  const hostile = options.sample ? HOSTILE_STRINGS.map((h) => (h === LONG ? LONG.slice(0, 2000) : h)) : HOSTILE_STRINGS;
  const roleNos = Object.values(g.Role);
  const permNos = Object.values(g.Permission);
  const scopeNos = Object.values(g.Scope);
  const count = (nos: number[]) => (nos.length === 0 ? 0 : Math.max(...nos) + 1);
  const badRoles = badNumbers(count(roleNos)).filter((n) => !roleNos.includes(n as number));
  // Past the count, and past the last word of a row (which reads the next role's row).
  const badPerms = [
    ...new Set([...badNumbers(count(permNos)), ...badNumbers(32 * Math.ceil(count(permNos) / 32))]),
  ].filter((n) => !permNos.includes(n as number));
  const badScopes = badNumbers(Math.max(1, count(scopeNos))).filter(
    (n) => !scopeNos.includes(n as number) && !(scopeNos.length === 0 && n === 0),
  );
  const pick = <T>(xs: readonly T[]): readonly T[] => (options.sample && xs.length > 1 ? [xs[xs.length - 1]!] : xs);
  const goodRoles = pick(roleNos);
  const goodPerms = pick(permNos);
  const goodScopes: (number | undefined)[] = [undefined, ...pick(scopeNos)];
  const permIds = pick(model.permissions.map((p) => p.id));
  const roleIds = pick(model.roles.map((r) => r.name));
  const scopeIds: (string | undefined)[] = [undefined, ...pick(model.scopes.map((s) => s.name))];
  // `[]` is no bad id list: it is a user with no roles (the default role).
  const notIds = (known: readonly string[]) =>
    [...hostile, ...NON_NUMBERS.filter((v) => typeof v !== 'string' && !(Array.isArray(v) && v.length === 0))].filter(
      (s) => !known.includes(s as string),
    );
  const badRoleIds = notIds([...model.roles.map((r) => r.name), ...model.roleAliases.keys()]);
  const badPermIds = notIds([...model.permissions.map((p) => p.id), ...model.permissionAliases.keys()]);
  const badScopeIds = notIds(model.scopes.map((s) => s.name));

  // can(role, permission, scope?, self?)
  for (const r of badRoles)
    for (const p of goodPerms) for (const s of goodScopes) q('can', [r, p, s], () => g.can(r, p, s));
  for (const r of goodRoles)
    for (const p of badPerms) for (const s of goodScopes) q('can', [r, p, s], () => g.can(r, p, s));
  for (const r of goodRoles)
    for (const p of goodPerms) for (const s of badScopes) q('can', [r, p, s], () => g.can(r, p, s));

  // subject(roles).can / .canUse / .widest: a subject of unknown numbers holds nothing (the default role is for the empty list only).
  const badRoleLists: unknown[] = [
    ...badRoles.map((r) => [r]),
    5,
    'admin',
    null,
    undefined,
    {},
    { length: 1, 0: 0 },
    new Set(roleNos),
  ];
  // One subject per role list, made when a question first needs it: a subject is what a caller
  // makes once and asks many times, so each question is asked of it as it would be.
  for (const list of badRoleLists) {
    const of = once(() => g.subject(list));
    for (const p of goodPerms) for (const s of goodScopes) q('subject', [list, '.can', p, s], () => of().can(p, s));
  }
  const subjectOfRole = new Map(goodRoles.map((r) => [r, once(() => g.subject([r]))]));
  for (const r of goodRoles) {
    const of = subjectOfRole.get(r)!;
    for (const p of badPerms) for (const s of goodScopes) q('subject', [[r], '.can', p, s], () => of().can(p, s));
    for (const p of goodPerms) for (const s of badScopes) q('subject', [[r], '.can', p, s], () => of().can(p, s));
  }

  // check(roles, permission, scope?, self?) by ids.
  const badRoleArgs: unknown[] = [...badRoleIds, ...badRoleIds.map((r) => [r]), { length: 1, 0: roleIds[0] }];
  for (const r of badRoleArgs)
    for (const p of permIds) for (const s of scopeIds) q('check', [r, p, s], () => g.check(r, p, s));
  for (const r of roleIds) for (const p of badPermIds) q('check', [r, p], () => g.check(r, p));
  for (const r of roleIds)
    for (const p of permIds)
      for (const s of badScopeIds) if (s !== undefined) q('check', [r, p, s], () => g.check(r, p, s));

  // Ids to numbers and transfers: undefined for anything that is not an id.
  for (const id of badPermIds) q('permissionNo', [id], () => g.permissionNo(id), 'undefined');
  for (const id of badRoleIds) q('roleNo', [id], () => g.roleNo(id), 'undefined');
  for (const id of badScopeIds) q('scopeNo', [id], () => g.scopeNo(id), 'undefined');
  const retired = model.retiredRoles.map((r) => r.name);
  for (const id of badRoleIds.filter((r) => !retired.includes(r as string)))
    q('transferTarget', [id], () => g.transferTarget(id), 'undefined');

  // widestScope(role, permission) and subject.widestScope(permission): undefined (holds none).
  if (g.widestScope) {
    const widest = g.widestScope;
    for (const r of badRoles) for (const p of goodPerms) q('widestScope', [r, p], () => widest(r, p), 'undefined');
    for (const r of goodRoles) for (const p of badPerms) q('widestScope', [r, p], () => widest(r, p), 'undefined');
    for (const p of badPerms)
      q('subject', [[goodRoles[0]], '.widestScope', p], () => g.subject([goodRoles[0]]).widestScope!(p), 'undefined');
  }

  // storedRoles(ids): unknown strings are reported and give nothing.
  if (g.storedRoles) {
    const stored = g.storedRoles;
    // A retired role's id is no unknown id: it follows its transfer.
    for (const bad of [
      ...badRoleIds.filter((r) => !retired.includes(r as string)).map((r) => [r]),
      5,
      null,
      undefined,
      'admin',
      {},
    ]) {
      for (const p of goodPerms)
        for (const s of goodScopes) q('storedRoles', [bad, '.subject.can', p, s], () => stored(bad).subject.can(p, s));
    }
  }

  // canUse(role, collection, entry) and subject.canUse.
  const badCollections = notIds(model.collections.map((c) => c.name));
  for (const c of model.collections) {
    const entries = pick(c.entries.map((e) => e.path));
    for (const r of badRoles) for (const e of entries) q('canUse', [r, c.name, e], () => g.canUse(r, c.name, e));
    for (const r of goodRoles) {
      // Not strings, or not paths (an empty segment): denied.
      const malformed: unknown[] = [
        ...NON_NUMBERS.filter((v) => typeof v !== 'string'),
        0,
        NaN,
        '',
        '/',
        '//',
        ...entries.flatMap((e) => [`${e}/`, `/${e}`, `${e}//x`]),
      ];
      for (const e of malformed) {
        q('canUse', [r, c.name, e], () => g.canUse(r, c.name, e));
        q('subject', [[r], '.canUse', c.name, e], () => subjectOfRole.get(r)!().canUse(c.name, e));
      }
      // Hostile but well-formed paths are unknown entries: they follow the documented rule.
      const name = model.roles.find((x) => g.Role[x.name] === r)?.name;
      for (const e of hostile.filter((s) => s !== '' && !s.includes('/') && s.trim() === s && !s.includes('\u0000'))) {
        const reference = name === undefined ? false : ev.collectionAllowed([name], c.name, e);
        q('canUse', [r, c.name, e], () => g.canUse(r, c.name, e), { reference });
      }
    }
  }
  for (const r of goodRoles) for (const c of badCollections) q('canUse', [r, c, 'x'], () => g.canUse(r, c, 'x'));
  for (const c of badCollections)
    q('subject', [[goodRoles[0]], '.canUse', c, 'x'], () => g.subject([goodRoles[0]]).canUse(c, 'x'));
  return qs;
}

/** `make`'s value, made on the first call (a call that throws makes nothing: the next call tries again). */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** Asks every question; returns the wrong outcomes (a true or defined answer where the module must deny, or a throw). */
export function askAll(questions: readonly Question[]): Outcome[] {
  const wrong: Outcome[] = [];
  for (const question of questions) {
    let answer: unknown;
    try {
      answer = question.ask();
    } catch (e) {
      wrong.push({ question, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      continue;
    }
    const want = question.expected;
    const right =
      want === 'false' ? answer === false : want === 'undefined' ? answer === undefined : answer === want.reference;
    if (!right) wrong.push({ question, answer });
  }
  return wrong;
}
