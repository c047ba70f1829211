/*
 * The rule for the level a question asks about a scoped permission. Naming no scope asks for the
 * widest level: the generated API's `can(role, permission)`, the reference evaluator,
 * `policyc explain` and `who-can` without --scope, and a Gherkin check without a scope phrase
 * all mean the same. Asking whether a permission is held at any level at all is said
 * explicitly: `--scope any` on the command line, "at any level" in a step. (The generated
 * runtime and the reference evaluator restate "no scope = the widest level" on purpose.)
 */

/** The word that asks for any level: `--scope any`. */
export const ANY_LEVEL = 'any';

/** A level asked: a level number, `'any'` (at any level, said explicitly), or undefined (no scope given: the widest). */
export type AskedLevel = number | typeof ANY_LEVEL | undefined;

/**
 * The level a subject must hold `permission` at to be allowed what was asked: the widest when
 * no scope is given, the narrowest for any level, else the one asked. An unscoped permission is
 * held whole (the tables record it at the widest level), so it needs the widest.
 */
export function levelNeeded(permission: { readonly scoped: boolean }, asked: AskedLevel, levels: number): number {
  const widest = Math.max(1, levels) - 1;
  if (!permission.scoped) return widest;
  if (asked === ANY_LEVEL) return 0;
  return asked ?? widest;
}

/** The asked level made explicit: the widest level when no scope was given, `'any'` or the level otherwise. */
export function askedExplicitly(asked: AskedLevel, levels: number): number | typeof ANY_LEVEL {
  return asked ?? Math.max(1, levels) - 1;
}
