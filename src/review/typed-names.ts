import type { Lockfile } from '../allocate/lockfile.js';
import { closest } from '../diagnostics/suggest.js';
import type { Model, PermissionInfo } from '../model/model.js';
import { ANY_LEVEL, type AskedLevel } from '../language/asked-level.js';
import { foldTitle } from '../language/title-fold.js';
import { foldKey } from '../resolve/names.js';
import type { EntryRef } from './explain-entry.js';
import type { ReviewSubject } from './grant-routes.js';
import { UsageError } from './sides.js';

/**
 * Resolving names typed on the command line: ids (keys), previous ids and titles, with
 * did-you-mean hints for near misses and `--set` hints when a name exists in several sets.
 */

export interface NamedSet {
  readonly name: string;
  readonly model: Model;
  /** The numbers the set uses (its lockfile after allocation), for what needs the generated module. */
  readonly numbering?: Lockfile | undefined;
}

/**
 * How well a name matched: a key beats a previous key beats a key with another case or
 * separators (`Team_Lead`; keys that differ only so are errors, so it is unambiguous) beats a
 * title. Lower is better.
 */
const TIER = { key: 0, alias: 1, folded: 2, title: 3 } as const;

interface Candidate<T> {
  readonly set: NamedSet;
  readonly value: T;
  readonly tier: number;
  readonly label: string;
}

function pick<T>(candidates: Candidate<T>[], input: string, what: string): Candidate<T> | undefined {
  if (candidates.length === 0) return undefined;
  const best = Math.min(...candidates.map((c) => c.tier));
  const top = candidates.filter((c) => c.tier === best);
  const sets = [...new Set(top.map((c) => c.set.name))];
  if (sets.length > 1) {
    throw new UsageError(
      'PC905',
      `\`${input}\` is ambiguous: ${top.map((c) => `${c.label} in ${c.set.name}`).join(', ')}`,
      `pick the set with ${sets.map((s) => `--set ${s}`).join(' or ')}`,
    );
  }
  if (top.length > 1) {
    throw new UsageError(
      'PC905',
      `\`${input}\` names several ${what}s in ${sets[0]}: ${top.map((c) => c.label).join(', ')}`,
      `use the id instead of the title`,
    );
  }
  return top[0];
}

/** A role or a user, by key, previous key or title (a role wins over a user of the same name). */
export function findSubject(sets: readonly NamedSet[], input: string): { set: NamedSet; subject: ReviewSubject } {
  const folded = foldTitle(input);
  const candidates: Candidate<ReviewSubject>[] = [];
  for (const set of sets) {
    const m = set.model;
    for (const role of m.roles) {
      const tier =
        role.name === input
          ? TIER.key
          : role.previousNames.includes(input)
            ? TIER.alias
            : foldKey(role.name) === foldKey(input)
              ? TIER.folded
              : foldTitle(role.title) === folded
                ? TIER.title
                : undefined;
      if (tier !== undefined)
        candidates.push({ set, value: { kind: 'role', role }, tier: tier * 2, label: `role \`${role.name}\`` });
    }
    for (const user of m.users) {
      const tier =
        user.name === input
          ? TIER.key
          : foldKey(user.name) === foldKey(input)
            ? TIER.folded
            : user.title !== undefined && foldTitle(user.title) === folded
              ? TIER.title
              : undefined;
      if (tier !== undefined)
        candidates.push({ set, value: { kind: 'user', user }, tier: tier * 2 + 1, label: `user \`${user.name}\`` });
    }
  }
  const found = pick(candidates, input, 'role or user');
  if (found) return { set: found.set, subject: found.value };
  const names = sets.flatMap((s) => [
    ...s.model.roles.flatMap((r) => [r.name, r.title]),
    ...s.model.users.flatMap((u) => [u.name, ...(u.title ? [u.title] : [])]),
  ]);
  const near = closest(input, names);
  throw new UsageError(
    'PC904',
    `no role or user \`${input}\` in ${sets.map((s) => s.name).join(', ') || 'the policy sets'}`,
    near !== undefined
      ? `did you mean \`${near}\`?`
      : `roles: ${sets.flatMap((s) => s.model.roles.map((r) => r.name)).join(', ')}`,
  );
}

function permissionCandidates(set: NamedSet, input: string): Candidate<PermissionInfo>[] {
  const folded = foldTitle(input);
  const out: Candidate<PermissionInfo>[] = [];
  for (const p of set.model.permissions) {
    const tier =
      p.id === input
        ? TIER.key
        : p.previousNames.includes(input)
          ? TIER.alias
          : foldKey(p.id) === foldKey(input)
            ? TIER.folded
            : foldTitle(p.title) === folded
              ? TIER.title
              : undefined;
    if (tier !== undefined) out.push({ set, value: p, tier, label: `\`${p.id}\` (${p.title})` });
  }
  return out;
}

function permissionNotFound(sets: readonly NamedSet[], input: string): UsageError {
  const names = sets.flatMap((s) => s.model.permissions.flatMap((p) => [p.id, p.title]));
  const near = closest(input, names);
  const hint =
    near !== undefined
      ? `did you mean \`${near}\`?`
      : input.includes(':')
        ? `permissions of \`${input.split(':')[0]}\`: ${sets.flatMap((s) => s.model.permissions.filter((p) => p.resource === input.split(':')[0]).map((p) => p.id)).join(', ') || 'none'}`
        : 'permissions are named `resource:action` (`records:update`) or by title';
  return new UsageError(
    'PC904',
    `no permission \`${input}\` in ${sets.map((s) => s.name).join(', ') || 'the policy sets'}`,
    hint,
  );
}

/** A permission of one set, by id, previous id or title. */
export function findPermission(set: NamedSet, input: string): PermissionInfo {
  const found = pick(permissionCandidates(set, input), input, 'permission');
  if (found) return found.value;
  throw permissionNotFound([set], input);
}

/** A permission in any of the sets (who-can). */
export function findPermissionAnywhere(
  sets: readonly NamedSet[],
  input: string,
): { set: NamedSet; permission: PermissionInfo } {
  const found = pick(
    sets.flatMap((s) => permissionCandidates(s, input)),
    input,
    'permission',
  );
  if (found) return { set: found.set, permission: found.value };
  throw permissionNotFound(sets, input);
}

/**
 * A collection entry written `collection:path` (`connectors:slack`,
 * `connectors:salesforce/actions/delete-record`); the collection by name or title. Undefined
 * when the input names no collection of the set; a usage error when it names a collection but
 * no entry of it. Permissions are looked up first: a permission id wins over an entry.
 */
export function findEntry(set: NamedSet, input: string): EntryRef | undefined {
  const colon = input.indexOf(':');
  if (colon <= 0) return undefined;
  const name = input.slice(0, colon);
  const path = input.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  const collection =
    set.model.collectionIndex.get(name) ??
    set.model.collections.find((c) => foldKey(c.name) === foldKey(name) || foldTitle(c.title) === foldTitle(name));
  if (!collection) return undefined;
  if (collection.entryIndex.has(path)) return { collection, path };
  const near = closest(
    path,
    collection.entries.map((e) => e.path),
  );
  throw new UsageError(
    'PC904',
    `no entry \`${path}\` in the collection \`${collection.name}\` of ${set.name}`,
    near !== undefined
      ? `did you mean \`${collection.name}:${near}\`?`
      : `entries are paths such as \`${collection.name}:${collection.entries[0]?.path ?? 'app'}\`; an entry added to the catalog later follows its nearest known ancestor: ask about that one`,
  );
}

/** An entry in any of the sets (who-can), or undefined when no set has such a collection. */
export function findEntryAnywhere(
  sets: readonly NamedSet[],
  input: string,
): { set: NamedSet; entry: EntryRef } | undefined {
  const found: { set: NamedSet; entry: EntryRef }[] = [];
  let firstError: unknown;
  for (const set of sets) {
    try {
      const entry = findEntry(set, input);
      if (entry) found.push({ set, entry });
    } catch (error) {
      firstError ??= error;
    }
  }
  if (found.length > 1) {
    throw new UsageError(
      'PC905',
      `\`${input}\` is ambiguous: an entry in ${found.map((f) => f.set.name).join(', ')}`,
      `pick the set with ${found.map((f) => `--set ${f.set.name}`).join(' or ')}`,
    );
  }
  if (found.length === 1) return found[0];
  if (firstError) throw firstError;
  return undefined;
}

/** A scope level of a set, by name or title. */
export function findScope(model: Model, input: string): number {
  if (model.scopes.length === 0)
    throw new UsageError(
      'PC904',
      `the set \`${model.name}\` has no scopes, so --scope does not apply`,
      'leave out --scope',
    );
  const folded = foldTitle(input);
  const s = model.scopes.find((x) => x.name === input) ?? model.scopes.find((x) => foldTitle(x.title) === folded);
  if (s) return s.level;
  const near = closest(
    input,
    model.scopes.map((x) => x.name),
  );
  throw new UsageError(
    'PC904',
    `no scope \`${input}\` in ${model.name}`,
    near !== undefined
      ? `did you mean \`${near}\`? (scopes: ${model.scopes.map((x) => x.name).join(' < ')})`
      : `scopes, narrowest first: ${model.scopes.map((x) => x.name).join(' < ')}`,
  );
}

/**
 * The level `--scope` asks: a scope by name or title, or `any` (at any level; a scope the set
 * names `any` wins). Without --scope a question asks for the widest level (language/asked-level.ts).
 */
export function findAskedLevel(model: Model, input: string | undefined): AskedLevel {
  if (input === undefined) return undefined;
  if (input === ANY_LEVEL && !model.scopes.some((s) => s.name === ANY_LEVEL)) {
    if (model.scopes.length === 0) findScope(model, input);
    return ANY_LEVEL;
  }
  return findScope(model, input);
}

/** Restricts the sets to `--set NAME`. */
export function selectSet(sets: readonly NamedSet[], name: string | undefined, all: readonly string[]): NamedSet[] {
  if (name === undefined) return [...sets];
  const found = sets.filter((s) => s.name === name);
  if (found.length > 0) return found;
  const near = closest(name, all);
  throw new UsageError(
    'PC904',
    `no policy set \`${name}\``,
    near !== undefined ? `did you mean \`${near}\`?` : `sets: ${all.join(', ')}`,
  );
}
