import type { Diagnostics } from '../diagnostics/diagnostic.js';
import type { Span } from '../diagnostics/span.js';
import type { Model, UserInfo } from '../model/model.js';
import type { AssignmentsDecl, CatalogDecl, Declaration, PolicySetDecl, RoleDecl } from '../validate/documents.js';
import { resolveCatalog } from './catalog.js';
import { Namespace } from './names.js';
import { resolveRoleRef, resolveRoles } from './roles.js';

/**
 * Resolves the declarations of one set into its model. Returns undefined when any error was
 * reported: a model is only built from a set without errors.
 *
 * The order matters: the PolicySet gives the scopes the catalog needs; the catalog gives the
 * permissions and collections roles refer to; roles give what assignments refer to.
 */
export function resolveSet(
  setName: string,
  setDir: string,
  declarations: readonly Declaration[],
  diagnostics: Diagnostics,
  lockfileRoles: ReadonlyMap<string, Span | undefined> = new Map(),
): Model | undefined {
  const sets = declarations.filter((d): d is PolicySetDecl => d.kind === 'PolicySet');
  if (sets.length !== 1) {
    if (sets.length === 0) {
      // No span: the problem is the folder as a whole, not a place in one of its files.
      diagnostics.report('PC409', `the policy set in ${setDir} has no PolicySet document`, undefined, {
        hint: 'add a file (for example policyset.yaml) with `kind: PolicySet`, the set name, its version and scopes',
      });
    } else {
      for (const extra of sets.slice(1)) {
        diagnostics.report('PC409', `policy set \`${setName}\` has more than one PolicySet document`, extra.span, {
          hint: 'keep one PolicySet per folder',
          related: [{ message: 'the first one', span: sets[0]!.span }],
        });
      }
    }
    return undefined;
  }
  const set = sets[0]!;
  if (set.name.value !== setName) {
    diagnostics.report(
      'PC417',
      `the PolicySet is named \`${set.name.value}\` but its folder is \`${setName}\``,
      set.name.span,
      {
        hint: `rename the folder or set metadata.name to \`${setName}\`: the name decides generated/${setName}/`,
      },
    );
  }

  for (const previous of set.previousNames) {
    if (previous.value === set.name.value) {
      diagnostics.report(
        'PC414',
        `policy set \`${set.name.value}\` lists its own name as a previous name`,
        previous.span,
        {
          hint: 'previousNames holds the names the set had before a rename; remove this one',
        },
      );
    }
  }

  const catalog = resolveCatalog(
    set.scopes,
    declarations.filter((d): d is CatalogDecl => d.kind === 'Catalog'),
    diagnostics,
  );
  const roles = resolveRoles(
    set,
    declarations.filter((d): d is RoleDecl => d.kind === 'Role'),
    catalog,
    diagnostics,
    lockfileRoles,
  );

  // Assignments.
  const userNames = new Namespace<UserInfo>('user', 'PC302', diagnostics);
  const users: UserInfo[] = [];
  for (const doc of declarations.filter((d): d is AssignmentsDecl => d.kind === 'Assignments')) {
    for (const u of doc.users) {
      const assigned: string[] = [];
      for (const ref of u.roles) {
        const role = resolveRoleRef(
          roles.roleNames,
          roles.retired,
          ref.value,
          ref.span,
          ` (assigned to \`${u.name.value}\`)`,
          diagnostics,
          roles.formerRoles,
        );
        if (role === undefined) continue;
        if (assigned.includes(role)) {
          diagnostics.report('PC413', `user \`${u.name.value}\` is assigned \`${role}\` twice`, ref.span, {
            hint: 'list each role once',
          });
          continue;
        }
        assigned.push(role);
      }
      const defaulted = u.roles.length === 0 && roles.defaultRole !== undefined;
      const info: UserInfo = {
        name: u.name.value,
        title: u.title,
        roles: defaulted ? [roles.defaultRole!] : assigned,
        defaulted,
        span: u.name.span,
      };
      if (userNames.declare(u.name, info)) users.push(info);
    }
  }

  // After every reference was resolved: each deleted role's references are listed with it.
  roles.formerRoles.report(set.name.span, diagnostics);

  if (diagnostics.hasErrors) return undefined;

  const byName = <T extends { name: string }>(items: readonly T[]) => new Map(items.map((i) => [i.name, i]));
  return {
    name: set.name.value,
    previousNames: set.previousNames.map((n) => n.value),
    title: set.title,
    description: set.description,
    version: set.version.value,
    scopes: catalog.scopes,
    levels: Math.max(1, catalog.scopes.length),
    defaultRole: roles.defaultRole,
    ownerRole: roles.ownerRole,
    actions: catalog.actions,
    categories: catalog.categories,
    resources: catalog.resources,
    permissions: catalog.permissions,
    collections: catalog.collections,
    roles: roles.roles,
    retiredRoles: [...roles.retired.values()],
    users,
    permissionIndex: new Map(catalog.permissions.map((p) => [p.id, p])),
    roleIndex: byName(roles.roles),
    collectionIndex: byName(catalog.collections),
    userIndex: byName(users),
    roleAliases: roles.roleNames.aliases(),
    permissionAliases: catalog.permissionNames.aliases(),
  };
}
