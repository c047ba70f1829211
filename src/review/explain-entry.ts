import { coveringEntry } from '../language/nearest-ancestor.js';
import { ruleAccess } from '../model/collections.js';
import type { CollectionInfo, CollectionRule, Model } from '../model/model.js';
import { entryAllowed, rolesAccess } from './effective-access.js';
import { inheritancePaths, type ReviewSubject, subjectRoles } from './grant-routes.js';

/*
 * `explain` and `who-can` for collection entries (instance-level access): may a subject use
 * `connectors:salesforce/actions/delete-record`, and which rule of which role says so. Roles
 * combine by union, so an entry is allowed when any rule of a role the subject holds (or
 * inherits) allows it; the rules are evaluated with the model's own collection semantics
 * (model/collections.ts), never restated here.
 */

/** A collection entry asked about. */
export interface EntryRef {
  readonly collection: CollectionInfo;
  /** The entry's `/`-separated path (a known entry of the catalog). */
  readonly path: string;
}

/** One declared collection rule of a role the subject holds or inherits. */
export interface EntryRoute {
  /** Inheritance path: the subject's role first, the role that declares the rule last. */
  readonly roles: readonly string[];
  readonly rule: CollectionRule;
  readonly allows: boolean;
  /** The listed entry that covers the asked one (itself or an ancestor), for `allow` and `except` rules. */
  readonly covering: string | undefined;
}

export interface EntryExplanation {
  readonly model: Model;
  readonly subject: ReviewSubject;
  readonly entry: EntryRef;
  readonly allowed: boolean;
  /** Rules that allow the entry (when allowed), or every rule that does not (when not). Nearest role first. */
  readonly routes: readonly EntryRoute[];
  /** Roles of the set that may use the entry. */
  readonly grantedBy: readonly string[];
}

/** Every rule on the entry's collection of the roles `roles` hold or inherit, nearest role first. */
export function entryRoutes(model: Model, roles: readonly string[], entry: EntryRef): EntryRoute[] {
  const out: EntryRoute[] = [];
  const paths = [...inheritancePaths(model, roles)].sort((a, b) => a[1].length - b[1].length);
  for (const [name, path] of paths) {
    const rule = model.roleIndex.get(name)?.collectionRules.get(entry.collection.name);
    if (!rule) continue;
    const allows = entryAllowed(entry.collection, ruleAccess(entry.collection, rule.mode, rule.entries), entry.path);
    out.push({
      roles: path,
      rule,
      allows,
      covering: rule.mode === 'all' ? undefined : coveringEntry(entry.path, (e) => rule.entries.includes(e)),
    });
  }
  return out;
}

/** The answer to "may SUBJECT use ENTRY?", with the rules that decide it. */
export function explainEntry(model: Model, subject: ReviewSubject, entry: EntryRef): EntryExplanation {
  const roles = subjectRoles(subject);
  const access = rolesAccess(model, roles).collections.get(entry.collection.name);
  const allowed = access !== undefined && entryAllowed(entry.collection, access, entry.path);
  const routes = entryRoutes(model, roles, entry).filter((r) => r.allows === allowed);
  return { model, subject, entry, allowed, routes, grantedBy: whoCanUse(model, entry).roles.map((r) => r.role) };
}

/** Roles and users that may use an entry; each role with the nearest rule that allows it. */
export function whoCanUse(
  model: Model,
  entry: EntryRef,
): {
  roles: { role: string; title: string; route: EntryRoute | undefined }[];
  users: { user: string; title: string | undefined; through: string[] }[];
} {
  const allowedFor = (role: string) => {
    const access = model.roleIndex.get(role)?.collections.get(entry.collection.name);
    return access !== undefined && entryAllowed(entry.collection, access, entry.path);
  };
  const roles = model.roles
    .filter((r) => allowedFor(r.name))
    .map((r) => ({ role: r.name, title: r.title, route: entryRoutes(model, [r.name], entry).find((x) => x.allows) }));
  const users = model.users
    .map((u) => ({ user: u.name, title: u.title, through: u.roles.filter(allowedFor) }))
    .filter((u) => u.through.length > 0);
  return { roles, users };
}
