import type { Diagnostics } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import { closest } from '../diagnostics/suggest.js';
import { noAccess, ruleAccess, unionAccess } from '../model/collections.js';
import { grantNames, levelGiven } from '../language/grant-gives.js';
import { foldTitle } from '../language/title-fold.js';
import { LevelMap } from '../model/level-map.js';
import type {
  CollectionAccess,
  CollectionRule,
  GrantInfo,
  GrantTarget,
  RetiredRoleInfo,
  RoleInfo,
} from '../model/model.js';
import type { GrantDecl, PolicySetDecl, RoleDecl } from '../validate/documents.js';
import { type ResolvedCatalog, reportCycles } from './catalog.js';
import { Namespace } from './names.js';

export interface ResolvedRoles {
  readonly roles: readonly RoleInfo[];
  /** Roles the lockfile knows that the set no longer defines, with the references still naming them. */
  readonly formerRoles: FormerRoles;
  readonly roleNames: Namespace<RoleDecl>;
  readonly retired: ReadonlyMap<string, RetiredRoleInfo>;
  readonly defaultRole: string | undefined;
  readonly ownerRole: string | undefined;
}

interface RoleDraft {
  readonly decl: RoleDecl;
  readonly inherits: string[];
  readonly grants: GrantInfo[];
  readonly rules: Map<string, CollectionRule>;
}

/**
 * Roles the lockfile has numbered that the set no longer defines, renames nor retires: deleted
 * roles whose users have nowhere to go. References to them are collected rather than reported
 * one by one, so that the fix (name a role to transfer to) is said once, first, whether or not
 * the users were already reassigned.
 */
export class FormerRoles {
  private readonly refs = new Map<string, { span: Span; context: string }[]>();
  /** Each former role's name, with where the lockfile numbers it (when known). */
  private readonly numbered: ReadonlyMap<string, Span | undefined>;
  constructor(numbered: ReadonlyMap<string, Span | undefined>) {
    this.numbered = numbered;
    for (const n of numbered.keys()) this.refs.set(n, []);
  }

  has(name: string): boolean {
    return this.numbered.has(name);
  }

  /** Records a reference to a deleted role (an assignment, an inherits entry). */
  refer(name: string, span: Span, context: string): void {
    this.refs.get(name)?.push({ span, context });
  }

  /** Reports PC601 for each deleted role, at the PolicySet (where retiredRoles goes), with its remaining references. */
  report(at: Span, diagnostics: Diagnostics): void {
    for (const [name, refs] of [...this.refs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const still =
        refs.length > 0 ? `; it is still referenced ${refs.length === 1 ? 'once' : `${refs.length} times`}` : '';
      diagnostics.report(
        'PC601',
        `role \`${name}\` was removed, but the lockfile shows it existed: its users need a role to transfer to${still}`,
        at,
        {
          hint: `add it to the PolicySet: \`retiredRoles: [{ name: ${name}, transferTo: <role> }]\`, then replace the references with that role; or restore the role (if it was renamed, list \`${name}\` in the new role's metadata.previousNames)`,
          related: [
            ...refs.map((r) => ({ message: `still names \`${name}\`${r.context}`, span: r.span })),
            ...(this.numbered.get(name)
              ? [{ message: `the lockfile numbers \`${name}\` here`, span: this.numbered.get(name)! }]
              : []),
          ],
        },
      );
    }
  }
}

/** Resolves roles: names, titles, retirements, inheritance, grants and collection rules, then effective access. */
export function resolveRoles(
  set: PolicySetDecl,
  decls: readonly RoleDecl[],
  catalog: ResolvedCatalog,
  diagnostics: Diagnostics,
  lockfileRoles: ReadonlyMap<string, Span | undefined> = new Map(),
): ResolvedRoles {
  const roleNames = new Namespace<RoleDecl>('role', 'PC302', diagnostics);
  const titles = new Map<string, RoleDecl>();
  const active: RoleDecl[] = [];
  for (const decl of decls) {
    if (!roleNames.declare(decl.name, decl)) continue;
    active.push(decl);
    const folded = foldTitle(decl.title.value);
    const clash = titles.get(folded);
    if (clash) {
      const same = clash.title.value === decl.title.value;
      diagnostics.report(
        'PC402',
        same
          ? `roles \`${clash.name.value}\` and \`${decl.name.value}\` share the title "${decl.title.value}"`
          : `the title "${decl.title.value}" of role \`${decl.name.value}\` looks the same as "${clash.title.value}" of role \`${clash.name.value}\``,
        decl.title.span,
        {
          hint: same
            ? 'give each role a distinct title'
            : 'the titles differ only by case, spacing or look-alike characters (such as Cyrillic letters); give each role a distinct title',
          related: [{ message: 'the other title', span: clash.title.span }],
        },
      );
    } else {
      titles.set(folded, decl);
    }
    if (!decl.description || decl.description.trim() === '') {
      diagnostics.report('PC502', `role \`${decl.name.value}\` has no description`, decl.name.span, {
        hint: 'add spec.description: reviewers need to know what the role is for',
      });
    }
  }
  for (const decl of active) for (const old of decl.previousNames) roleNames.declarePrevious(old, decl.name.value);

  // Retired roles and their transfers.
  const retired = new Map<string, RetiredRoleInfo>();
  for (const r of set.retiredRoles) {
    const name = r.name.value;
    if (roleNames.has(name) || roleNames.successor(name) !== undefined) {
      const current = roleNames.has(name) ? name : roleNames.successor(name)!;
      diagnostics.report(
        'PC410',
        `retired role \`${name}\` is still defined${current !== name ? ` (renamed to \`${current}\`)` : ''}`,
        r.name.span,
        {
          hint: 'delete the role document, or remove it from retiredRoles',
          related: [{ message: 'defined here', span: roleNames.spanOf(current)! }],
        },
      );
      continue;
    }
    if (retired.has(name)) {
      diagnostics.report('PC401', `retired role \`${name}\` is listed twice`, r.name.span);
      continue;
    }
    const retiredTarget = set.retiredRoles.find((o) => o.name.value === r.transferTo.value);
    if (retiredTarget) {
      diagnostics.report(
        'PC410',
        `retired role \`${name}\` transfers its users to \`${r.transferTo.value}\`, which is retired too`,
        r.transferTo.span,
        {
          hint: `transfer them to an active role, such as \`${retiredTarget.transferTo.value}\``,
        },
      );
      continue;
    }
    const target = roleNames.resolve(r.transferTo, ` (transfer target of retired role \`${name}\`)`);
    if (target !== undefined) retired.set(name, { name, transferTo: target, reason: r.reason });
  }

  const formerRoles = new FormerRoles(
    // By name first: a span is looked up (a parse of the lockfile) only for a role that is gone.
    new Map(
      [...lockfileRoles.keys()]
        .filter((n) => !roleNames.has(n) && roleNames.successor(n) === undefined && !retired.has(n))
        .map((n) => [n, lockfileRoles.get(n)]),
    ),
  );
  const defaultRole = set.defaultRole
    ? resolveProtectedRole(roleNames, retired, formerRoles, set.defaultRole, 'defaultRole', diagnostics)
    : undefined;
  const ownerRole = set.ownerRole
    ? resolveProtectedRole(roleNames, retired, formerRoles, set.ownerRole, 'ownerRole', diagnostics)
    : undefined;

  // References inside each role.
  const targets = new Targets();
  const drafts = new Map<string, RoleDraft>();
  for (const decl of active) {
    const inherits: string[] = [];
    for (const ref of decl.inherits) {
      if (ref.value === decl.name.value) {
        diagnostics.report('PC416', `role \`${decl.name.value}\` inherits from itself`, ref.span, {
          hint: 'remove it from its own inherits list',
        });
        continue;
      }
      const parent = resolveRoleRef(
        roleNames,
        retired,
        ref.value,
        ref.span,
        ` (inherited by \`${decl.name.value}\`)`,
        diagnostics,
        formerRoles,
      );
      if (parent === undefined) continue;
      if (inherits.includes(parent)) {
        diagnostics.report('PC413', `role \`${decl.name.value}\` inherits \`${parent}\` twice`, ref.span, {
          hint: 'list each role once',
        });
        continue;
      }
      inherits.push(parent);
    }
    drafts.set(decl.name.value, {
      decl,
      inherits,
      grants: resolveGrants(decl, catalog, ownerRole, diagnostics, targets),
      rules: resolveCollectionRules(decl, catalog, diagnostics),
    });
  }

  const names = active.map((d) => d.name.value);
  const cyclic = reportCycles(
    names,
    (n) => drafts.get(n)?.inherits ?? [],
    (cycle) => {
      const from = drafts.get(cycle[0]!)!;
      const ref = from.decl.inherits.find((r) => r.value === cycle[1]) ?? from.decl.inherits[0];
      diagnostics.report('PC404', `inheritance cycle: ${cycle.join(' → ')}`, ref?.span ?? from.decl.name.span, {
        hint: 'inheritance must form a hierarchy; remove one of these inherits entries',
      });
    },
  );

  // Effective access, parents first.
  const levels = Math.max(1, catalog.scopes.length);
  const widest = levels - 1;
  const effective = new Map<string, LevelMap>();
  const access = new Map<string, Map<string, CollectionAccess>>();
  // Permissions by catalog position, and for each the positions its actions imply on its resource.
  const permissions = catalog.permissions;
  const ids = permissions.map((p) => p.id);
  const position = new Map(ids.map((id, i) => [id, i]));
  const scoped = catalog.permissions.map((p) => p.scoped);
  const closures = new Map(catalog.actions.map((a) => [a.name, a.closure]));
  const implied = catalog.permissions.map((p) =>
    (closures.get(p.action) ?? [])
      .map((a) => position.get(`${p.resource}:${a}`))
      .filter((i): i is number => i !== undefined),
  );
  const byResource = new Map(catalog.resources.map((r) => [r.name, r.permissions.map((id) => position.get(id)!)]));
  const allPositions = ids.map((_, i) => i);
  /**
   * What one grant gives, by position (the rule: language/grant-gives.ts): the permissions it
   * names and everything their actions imply on their resource, each at the level the rule says.
   * The indexes only narrow the candidates. `raise` raises `held` to what the grant gives;
   * `adds` says whether it gives anything above `inherited`. (Plain loops rather than a callback
   * per permission: a flat set has hundreds of thousands of grants.)
   */
  // Targets are shared by the grants naming the same thing (Targets): their candidates are found once.
  const candidates = new Map<GrantTarget, readonly number[]>();
  const candidatesOf = (t: GrantTarget): readonly number[] => {
    let c = candidates.get(t);
    if (c === undefined) {
      c =
        t.kind === 'all'
          ? allPositions
          : t.kind === 'resource'
            ? (byResource.get(t.resource) ?? [])
            : [position.get(t.permission)!];
      candidates.set(t, c);
    }
    return c;
  };
  const raise = (g: GrantInfo, held: Int16Array): void => {
    const t = g.target;
    for (const i of candidatesOf(t)) {
      const p = permissions[i]!;
      if (!grantNames(t, p)) continue;
      const l = levelGiven(g.level, p, widest);
      if (l > held[i]!) held[i] = l;
      for (const j of implied[i]!) {
        const lj = levelGiven(g.level, permissions[j]!, widest);
        if (lj > held[j]!) held[j] = lj;
      }
    }
  };
  const adds = (g: GrantInfo, inherited: Int16Array): boolean => {
    const t = g.target;
    for (const i of candidatesOf(t)) {
      const p = permissions[i]!;
      if (!grantNames(t, p)) continue;
      if (levelGiven(g.level, p, widest) > inherited[i]!) return true;
      for (const j of implied[i]!) if (levelGiven(g.level, permissions[j]!, widest) > inherited[j]!) return true;
    }
    return false;
  };
  const levelsOf = new Map<string, Int16Array>();
  const compute = (name: string): void => {
    if (effective.has(name)) return;
    const draft = drafts.get(name)!;
    const held = new Int16Array(ids.length).fill(-1);
    const colls = new Map<string, CollectionAccess>(catalog.collections.map((c) => [c.name, noAccess()]));
    if (!cyclic.has(name)) {
      // Inherited access is already closed under implication: merge it as it is.
      for (const parent of draft.inherits) {
        compute(parent);
        const theirs = levelsOf.get(parent)!;
        for (let i = 0; i < held.length; i++) if (theirs[i]! > held[i]!) held[i] = theirs[i]!;
        for (const c of catalog.collections)
          colls.set(c.name, unionAccess(c, colls.get(c.name)!, access.get(parent)!.get(c.name)!));
      }
      const inherited = draft.inherits.length > 0 ? held.slice() : undefined;
      for (const g of draft.grants) {
        if (inherited && g.target.kind === 'permission' && !adds(g, inherited))
          warnRedundant(draft, g, levelsOf, diagnostics);
        raise(g, held);
      }
      for (const [collection, rule] of draft.rules) {
        const c = catalog.collectionNames.get(collection)!;
        colls.set(collection, unionAccess(c, colls.get(collection)!, ruleAccess(c, rule.mode, rule.entries)));
      }
    }
    levelsOf.set(name, held);
    effective.set(name, new LevelMap(ids, position, held));
    access.set(name, colls);
  };
  for (const name of names) compute(name);

  // An unscoped grant whose action implies a scoped permission gives that one at the widest level,
  // which the grant never says: a reviewer reading `projects:create` does not see `projects:view: all`.
  if (catalog.scopes.length > 0) {
    const widestName = catalog.scopes[widest]!.name;
    for (const name of names) {
      const draft = drafts.get(name)!;
      // Most grants are `resource:*` or scoped: skip the role unless one unscoped permission is granted.
      if (!draft.grants.some((g) => g.target.kind === 'permission' && !scoped[position.get(g.target.permission)!]))
        continue;
      const explicitWidest = new Set(
        draft.grants
          .filter((g) => g.target.kind === 'permission' && (g.level ?? widest) === widest)
          .map((g) => (g.target as { permission: string }).permission),
      );
      for (const g of draft.grants) {
        if (g.target.kind !== 'permission') continue;
        const i = position.get(g.target.permission)!;
        if (scoped[i]) continue;
        for (const j of implied[i]!) {
          if (!scoped[j] || explicitWidest.has(ids[j]!)) continue;
          const from = catalog.permissions[i]!;
          diagnostics.report(
            'PC510',
            `\`${ids[i]}\` implies \`${ids[j]}\` (${from.action} ⇒ ${catalog.permissions[j]!.action}) at the widest level, \`${widestName}\`: \`${ids[i]}\` is unscoped, so the grant carries no level to what it implies`,
            g.span,
            {
              hint: `if \`${widestName}\` is intended, say so in role \`${name}\`: add \`- ${ids[j]}: ${widestName}\`; otherwise make \`${ids[i]}\` scoped in the catalog, so that the grant names a level (\`- ${ids[i]}: ${catalog.scopes[0]!.name}\`) and the implication keeps it`,
            },
          );
        }
      }
    }
  }

  // The owner role holds everything: the set's declared intent, which diff relies on (its gains are not escalations).
  // (Not when one of its grants is itself in error: that error says what is wrong.)
  const ownerDraft = ownerRole === undefined ? undefined : drafts.get(ownerRole);
  if (
    ownerRole !== undefined &&
    set.ownerRole &&
    ownerDraft &&
    ownerDraft.grants.length === ownerDraft.decl.grants.length &&
    !cyclic.has(ownerRole)
  ) {
    const held = levelsOf.get(ownerRole);
    const missing = held ? ids.filter((_, i) => held[i]! < widest) : [];
    if (missing.length > 0) {
      const list =
        missing
          .slice(0, 5)
          .map((id) => `\`${id}\``)
          .join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
      diagnostics.report(
        'PC610',
        `the owner role \`${ownerRole}\` does not hold every permission at the widest level: it lacks ${list}`,
        set.ownerRole.span,
        {
          hint: `grant \`"*"\` in role \`${ownerRole}\` (the owner role holds everything), or name the role that does in spec.ownerRole`,
          related: [{ message: 'the owner role', span: drafts.get(ownerRole)!.decl.name.span }],
        },
      );
    }
  }

  const roles: RoleInfo[] = active.map((decl) => {
    const draft = drafts.get(decl.name.value)!;
    return {
      name: decl.name.value,
      title: decl.title.value,
      description: decl.description,
      previousNames: decl.previousNames.map((n) => n.value),
      inherits: draft.inherits,
      grants: draft.grants,
      collectionRules: draft.rules,
      effective: effective.get(decl.name.value)!,
      collections: access.get(decl.name.value)!,
      span: decl.name.span,
    };
  });
  return { roles, roleNames, retired, defaultRole, ownerRole, formerRoles };
}

/** Resolves a role reference, explaining when it names a retired role or one that was removed. */
export function resolveRoleRef(
  roleNames: Namespace<RoleDecl>,
  retired: ReadonlyMap<string, RetiredRoleInfo>,
  name: string,
  span: Span,
  context: string,
  diagnostics: Diagnostics,
  formerRoles?: FormerRoles,
): string | undefined {
  const r = retired.get(name);
  if (r) {
    diagnostics.report('PC309', `role \`${name}\` is retired${context}`, span, {
      hint: `its users were transferred to \`${r.transferTo}\`; use that role instead`,
    });
    return undefined;
  }
  if (formerRoles?.has(name)) {
    // Reported once per role, with every reference, by FormerRoles.report.
    formerRoles.refer(name, span, context);
    return undefined;
  }
  return roleNames.resolve({ value: name, span }, context);
}

/**
 * Resolves spec.defaultRole or spec.ownerRole. The two roles the set protects cannot be retired
 * or deleted: PC611 says so, rather than the side effect of a dangling reference.
 */
function resolveProtectedRole(
  roleNames: Namespace<RoleDecl>,
  retired: ReadonlyMap<string, RetiredRoleInfo>,
  formerRoles: FormerRoles,
  ref: { readonly value: string; readonly span: Span },
  field: 'defaultRole' | 'ownerRole',
  diagnostics: Diagnostics,
): string | undefined {
  const what =
    field === 'defaultRole'
      ? 'the default role (what users without a role get)'
      : 'the owner role (the one role that holds everything)';
  const r = retired.get(ref.value);
  if (r || formerRoles.has(ref.value)) {
    diagnostics.report(
      'PC611',
      `role \`${ref.value}\` is ${what}, so it cannot be ${r ? 'retired' : 'deleted'}`,
      ref.span,
      {
        hint: r
          ? `keep the role, or first make another role ${field} (such as \`${r.transferTo}\`), then retire it`
          : `restore the role, or first name another role in spec.${field}, then delete it and list it in retiredRoles with the role its users transfer to`,
      },
    );
    return undefined;
  }
  return roleNames.resolve(ref, ` (${field})`);
}

/**
 * One target object per thing granted (`*`, each `resource:*`, each permission), shared by every
 * grant that names it: a flat set has hundreds of thousands of grants and a few thousand targets.
 * Two grants of a role name the same thing exactly when they share a target.
 */
class Targets {
  private readonly all: GrantTarget = { kind: 'all' };
  private readonly resources = new Map<string, GrantTarget>();
  private readonly permissions = new Map<string, GrantTarget>();

  everything(): GrantTarget {
    return this.all;
  }

  resource(resource: string): GrantTarget {
    let t = this.resources.get(resource);
    if (!t) {
      t = { kind: 'resource', resource };
      this.resources.set(resource, t);
    }
    return t;
  }

  permission(permission: string): GrantTarget {
    let t = this.permissions.get(permission);
    if (!t) {
      t = { kind: 'permission', permission };
      this.permissions.set(permission, t);
    }
    return t;
  }
}

/** Parses and checks the grants a role declares. */
function resolveGrants(
  decl: RoleDecl,
  catalog: ResolvedCatalog,
  ownerRole: string | undefined,
  diagnostics: Diagnostics,
  targets: Targets,
): GrantInfo[] {
  const out: GrantInfo[] = [];
  const seen = new Map<GrantTarget, GrantDecl>();
  const role = decl.name.value;
  for (const g of decl.grants) {
    const target = parseTarget(g, catalog, diagnostics, targets);
    if (!target) continue;
    const first = seen.get(target);
    if (first) {
      const key = target.kind === 'all' ? '*' : target.kind === 'resource' ? `${target.resource}:*` : target.permission;
      diagnostics.report('PC413', `role \`${role}\` grants \`${key}\` twice`, g.target.span, {
        hint: 'keep one grant (with the widest level you mean)',
        related: [{ message: 'first granted here', span: first.span }],
      });
      continue;
    }
    seen.set(target, g);
    const level = checkGrantLevel(g, target, catalog, diagnostics);
    if (level === null) continue;
    if (target.kind === 'all' && role !== ownerRole) {
      diagnostics.report(
        'PC501',
        `role \`${role}\` grants everything (\`*\`) but is not the set's owner role`,
        g.target.span,
        {
          hint: ownerRole
            ? `only \`${ownerRole}\` (spec.ownerRole) is expected to hold everything; grant what this role needs instead`
            : 'name the role that holds everything in the PolicySet (spec.ownerRole), or grant what this role needs instead',
        },
      );
    }
    out.push(new ResolvedGrant(g.target.value, target, level, g));
  }
  return out;
}

/**
 * A grant of the model. Its span is the declaration's, found when first asked for (a diagnostic,
 * a review): a flat set has hundreds of thousands of grants and most never need their place.
 */
class ResolvedGrant implements GrantInfo {
  readonly text: string;
  readonly target: GrantTarget;
  readonly level: number | undefined;
  // A private name (not an own property): models compare deep-equal by what they say, not by the parse they came from.
  readonly #decl: GrantDecl;

  constructor(text: string, target: GrantTarget, level: number | undefined, decl: GrantDecl) {
    this.text = text;
    this.target = target;
    this.level = level;
    this.#decl = decl;
  }

  get span(): Span {
    return this.#decl.span;
  }
}

/** Reads what a grant's text refers to; reports and returns undefined when it is malformed or unknown. */
function parseTarget(
  g: GrantDecl,
  catalog: ResolvedCatalog,
  diagnostics: Diagnostics,
  targets: Targets,
): GrantTarget | undefined {
  const text = g.target.value;
  if (text === '*') return targets.everything();
  const resourceWildcard = text.endsWith(':*') ? /^([^:*\s]+):\*$/.exec(text) : null;
  if (resourceWildcard) {
    const name = resourceWildcard[1]!;
    // A known resource needs no message: resolve (which builds one) only for the rest.
    const resource = catalog.resourceNames.has(name)
      ? name
      : catalog.resourceNames.resolve({ value: name, span: g.target.span }, ` in \`${text}\``);
    return resource === undefined ? undefined : targets.resource(resource);
  }
  if (text.includes('*')) {
    const [res, act] = text.split(':');
    let hint = 'a wildcard is `*` (everything) or `resource:*` (every action of one resource)';
    if (res === '*' && act && act !== '*')
      hint = `wildcards across resources are not supported; grant \`resource:${act}\` for each resource, or \`*\` for everything`;
    else if (/^\*+(:\*)*$/.test(text)) hint = 'did you mean `"*"` (everything)?';
    else if (res && !res.includes('*') && catalog.resourceNames.has(res))
      hint = `did you mean \`"${res}:*"\` (every action of ${res})?`;
    diagnostics.report('PC408', `\`${text}\` is not a valid wildcard`, g.target.span, { hint });
    return undefined;
  }
  if (!text.includes(':')) {
    const byTitle = catalog.permissions.find((p) => p.title.toLowerCase() === text.trim().toLowerCase());
    const hint = byTitle
      ? `"${text}" is the title of \`${byTitle.id}\`; grants use permission ids`
      : catalog.resourceNames.has(text)
        ? `a permission id is resource:action; did you mean \`"${text}:*"\` (every action of ${text})?`
        : 'a permission id is resource:action, such as `records:update`';
    diagnostics.report('PC301', `unknown permission \`${text}\``, g.target.span, { hint });
    return undefined;
  }
  const id = catalog.permissionNames.has(text)
    ? text
    : catalog.permissionNames.resolve(g.target, '', (ref) => unknownPermissionHint(ref, catalog));
  return id === undefined ? undefined : targets.permission(id);
}

/**
 * A hint for an unknown permission id: its title, a near miss of its action on a known resource,
 * a near miss of its resource, or the actions the resource has. Resource and action are
 * compared separately, so that `users:export` is not "corrected" to the unrelated `users:edit`.
 */
function unknownPermissionHint(ref: string, catalog: ResolvedCatalog): string | undefined {
  const byTitle = catalog.permissions.find((p) => p.title.toLowerCase() === ref.trim().toLowerCase());
  if (byTitle) return `"${ref}" is the title of \`${byTitle.id}\`; grants use permission ids`;
  const [resource, action] = ref.split(':') as [string, string];
  if (catalog.resourceNames.has(resource)) {
    const actions = catalog.resourceNames.get(resource)!.permissions.map((p) => p.split(':')[1]!);
    const near = closest(action, actions);
    if (near !== undefined) return `did you mean \`${resource}:${near}\`?`;
    return `\`${resource}\` has the actions ${actions.join(', ')}; \`${action}\` is not one of them`;
  }
  const res = closest(resource, catalog.resourceNames.keys());
  if (res !== undefined) {
    const id = `${res}:${action}`;
    if (catalog.permissionNames.has(id)) return `did you mean \`${id}\`?`;
    return `no resource \`${resource}\`; did you mean \`${res}\` (actions: ${catalog.resourceNames
      .get(res)!
      .permissions.map((p) => p.split(':')[1])
      .join(', ')})?`;
  }
  const suggestion = closest(ref, [...catalog.permissionNames.keys(), ...catalog.permissionNames.aliases().keys()]);
  if (suggestion) return `did you mean \`${catalog.permissionNames.successor(suggestion) ?? suggestion}\`?`;
  return `no resource \`${resource}\` in the catalog`;
}

/** The resources with a scoped permission, per catalog (asked once per `resource:*` grant). */
const scopedResourceSets = new WeakMap<ResolvedCatalog, ReadonlySet<string>>();

function scopedResources(catalog: ResolvedCatalog): ReadonlySet<string> {
  let set = scopedResourceSets.get(catalog);
  if (!set) {
    set = new Set(catalog.permissions.filter((p) => p.scoped).map((p) => p.resource));
    scopedResourceSets.set(catalog, set);
  }
  return set;
}

/**
 * The level a grant names, checked against its target: scoped permissions need one, unscoped
 * ones take none. Returns null after reporting a problem; undefined when no level applies.
 */
function checkGrantLevel(
  g: GrantDecl,
  target: GrantTarget,
  catalog: ResolvedCatalog,
  diagnostics: Diagnostics,
): number | undefined | null {
  const scoped =
    target.kind === 'permission'
      ? catalog.permissionNames.get(target.permission)!.scoped
      : target.kind === 'resource'
        ? scopedResources(catalog).has(target.resource)
        : false;
  const levelNames = () => catalog.scopes.map((s) => s.name).join(', ');
  if (target.kind === 'all' && g.level) {
    diagnostics.report('PC408', '`*` always grants the widest level and takes none', g.level.span, {
      hint: 'write `- "*"`; to grant less, grant the permissions or resources one by one',
    });
    return null;
  }
  if (!g.level) {
    if (!scoped) return undefined;
    const what =
      target.kind === 'permission'
        ? `\`${target.permission}\` is scoped`
        : `\`${g.target.value}\` includes scoped permissions`;
    diagnostics.report('PC406', `${what}: the grant must name a level`, g.target.span, {
      hint: `write \`- ${g.target.value.includes('*') ? `"${g.target.value}"` : g.target.value}: ${catalog.scopes[0]?.name ?? 'own'}\` (levels, narrowest first: ${levelNames()}); there is no default level`,
    });
    return null;
  }
  if (!scoped) {
    // Declared scoped in a set without scopes: already reported (PC415) where the cause is.
    const declaredScoped =
      target.kind === 'permission'
        ? catalog.scopedWithoutScopes.has(target.permission)
        : target.kind === 'resource' &&
          catalog.resourceNames.get(target.resource)!.permissions.some((p) => catalog.scopedWithoutScopes.has(p));
    if (declaredScoped) return null;
    const what =
      target.kind === 'permission'
        ? `permission \`${target.permission}\` is not scoped`
        : `resource \`${g.target.value.split(':')[0]}\` has no scoped permissions`;
    diagnostics.report('PC407', `${what}, so the grant cannot name a level`, g.level.span, {
      hint: `write \`- ${g.target.value.includes('*') ? `"${g.target.value}"` : g.target.value}\` without \`: ${g.level.value}\``,
    });
    return null;
  }
  const scope = catalog.scopeNames.has(g.level.value)
    ? g.level.value
    : catalog.scopeNames.resolve(g.level, ` in the grant of \`${g.target.value}\``);
  return scope === undefined ? null : catalog.scopeNames.get(scope)!.level;
}

/** Warns about a grant that gives nothing the role's parents do not already give. */
function warnRedundant(
  draft: RoleDraft,
  g: GrantInfo,
  levelsOf: ReadonlyMap<string, Int16Array>,
  diagnostics: Diagnostics,
): void {
  if (g.target.kind !== 'permission') return;
  const from = draft.inherits.find((p) => levelsOf.get(p)!.some((l) => l >= 0)) ?? draft.inherits[0];
  diagnostics.report(
    'PC505',
    `role \`${draft.decl.name.value}\` already has \`${g.target.permission}\` through \`${from}\``,
    g.span,
    {
      hint: 'remove this grant, or stop inheriting if the role should not have everything its parent has',
    },
  );
}

/** Checks the collection rules a role declares. */
function resolveCollectionRules(
  decl: RoleDecl,
  catalog: ResolvedCatalog,
  diagnostics: Diagnostics,
): Map<string, CollectionRule> {
  const rules = new Map<string, CollectionRule>();
  for (const c of decl.collections) {
    const name = catalog.collectionNames.resolve(c.collection, ` in role \`${decl.name.value}\``);
    if (name === undefined) continue;
    const collection = catalog.collectionNames.get(name)!;
    const mode = c.mode.value;
    if (!collection.modes.includes(mode)) {
      diagnostics.report('PC411', `collection \`${name}\` does not offer the mode \`${mode}\``, c.mode.span, {
        hint: `\`${name}\` offers: ${collection.modes.join(', ')}`,
      });
      continue;
    }
    const entries: string[] = [];
    if (mode === 'all') {
      if (c.entries && c.entries.length > 0) {
        diagnostics.report('PC412', 'mode `all` takes no entries', c.entries[0]!.span, {
          hint: 'remove the entries, or use mode `allow` (only these) or `except` (all but these)',
        });
        continue;
      }
    } else {
      if (!c.entries || c.entries.length === 0) {
        diagnostics.report('PC412', `mode \`${mode}\` needs entries`, c.mode.span, {
          hint:
            mode === 'allow'
              ? 'list the entries to allow; to allow none, remove the collection from the role'
              : 'list the entries to exclude; to allow everything, use mode `all`',
        });
        continue;
      }
      let ok = true;
      for (const e of c.entries) {
        if (!collection.entryIndex.has(e.value)) {
          const suggestion = closest(e.value, collection.entryIndex.keys());
          diagnostics.report('PC305', `unknown entry \`${e.value}\` in collection \`${name}\``, e.span, {
            hint: suggestion ? `did you mean \`${suggestion}\`?` : `declare it in the catalog's \`${name}\` entries`,
          });
          ok = false;
          continue;
        }
        if (entries.includes(e.value)) {
          diagnostics.report('PC413', `entry \`${e.value}\` is listed twice`, e.span, { hint: 'list each entry once' });
          continue;
        }
        entries.push(e.value);
      }
      if (!ok) continue;
    }
    rules.set(name, { mode, entries, span: c.mode.span });
  }
  return rules;
}
