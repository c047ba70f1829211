import type { GrantTarget } from '../model/model.js';

/*
 * The rule for what a grant gives: the permissions it names (an id names itself, `resource:*`
 * every permission of the resource, `*` every permission), and every permission their actions
 * imply on the same resource, each at the level written on the grant. The resolver computes the
 * roles' effective tables with it, and `explain`, `who-can`, `access` and the Gherkin steps
 * explain those tables with it (review/grant-routes.ts findRoutes). The reference evaluator restates
 * it on purpose (evaluate/reference.ts): it is the independent oracle the generated code is
 * tested against, so it shares no code with what it checks.
 */

/** What the rule needs to know of a permission. */
export interface GrantedPermission {
  readonly id: string;
  readonly resource: string;
  readonly scoped: boolean;
}

/** Whether a grant names `permission` directly: by its id, by `resource:*` of its resource, or by `*`. */
export function grantNames(target: GrantTarget, permission: GrantedPermission): boolean {
  switch (target.kind) {
    case 'all':
      return true;
    case 'resource':
      return target.resource === permission.resource;
    case 'permission':
      return target.permission === permission.id;
  }
}

/**
 * The level at which a grant gives `permission`, named or implied: the level written on the
 * grant when the permission is scoped (the widest when the grant names none: `*`, or an unscoped
 * permission whose action implies a scoped one); an unscoped permission is simply held, which
 * the tables record as the widest level.
 */
export function levelGiven(grantLevel: number | undefined, permission: GrantedPermission, widest: number): number {
  return permission.scoped ? (grantLevel ?? widest) : widest;
}
