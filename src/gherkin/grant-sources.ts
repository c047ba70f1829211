import type { GrantInfo, Model, PermissionInfo } from '../model/model.js';
import { findRoutes, inheritancePaths } from '../review/grant-routes.js';

/**
 * Why a subject holds a permission, or why not: every declared grant that gives it (directly,
 * by a wildcard or by an implication), the inheritance path that brings the grant to the
 * subject, and the level it gives. Used in the messages of failed steps.
 */
interface GrantSource {
  /** The role whose document declares the grant. */
  readonly role: string;
  /** From one of the subject's roles down to `role`, through `inherits`. */
  readonly chain: readonly string[];
  /** The grant as written (`records:*: own`). */
  readonly grant: string;
  /** The level the grant gives for the permission (the widest level for unscoped ones). */
  readonly level: number;
  /** The implication that brings the permission (`create ⇒ view`), when it is not named directly. */
  readonly via: string | undefined;
}

/** Every role the subject holds, with the shortest inheritance path to it. */
export function ancestry(model: Model, roles: readonly string[]): Map<string, string[]> {
  return inheritancePaths(model, roles);
}

function grantText(model: Model, g: GrantInfo): string {
  return g.level === undefined ? g.text : `${g.text}: ${model.scopes[g.level]?.name ?? g.level}`;
}

/**
 * Every declared grant, among the subject's roles and their ancestors, that gives `p` at some
 * level: the routes `policyc explain` finds, the best one per grant.
 */
export function grantSources(model: Model, roles: readonly string[], p: PermissionInfo): GrantSource[] {
  const seen = new Set<GrantInfo>();
  const out: GrantSource[] = [];
  for (const route of findRoutes(model, roles, p)) {
    if (seen.has(route.grant)) continue;
    seen.add(route.grant);
    out.push({
      role: route.roles[route.roles.length - 1]!,
      chain: route.roles,
      grant: grantText(model, route.grant),
      level: route.level,
      via: route.implication.length > 0 ? route.implication.join(' ⇒ ') : undefined,
    });
  }
  return out;
}

/** A level for messages: the scope's name, or "" in a set without scopes. */
export function levelName(model: Model, level: number): string {
  return model.scopes[level]?.name ?? '';
}

/** One line per grant source: `sales-agent (inherited: team-lead → sales-agent) grants \`records:*: own\` → records:view at own`. */
export function describeSources(model: Model, p: PermissionInfo, sources: readonly GrantSource[]): string[] {
  return sources.map((s) => {
    const inherited = s.chain.length > 1 ? ` (inherited: ${s.chain.join(' → ')})` : '';
    const via = s.via ? ` (implied: ${s.via})` : '';
    const at = p.scoped ? ` at ${levelName(model, s.level)}` : '';
    return `${s.role}${inherited} grants \`${s.grant}\`${via} → ${p.id}${at}`;
  });
}

/** The roles considered, for "none of …" messages: `sales-agent, user (inherited: sales-agent → user)`. */
export function describeAncestry(model: Model, roles: readonly string[]): string {
  return [...ancestry(model, roles)]
    .map(([name, chain]) => (chain.length > 1 ? `${name} (inherited: ${chain.join(' → ')})` : name))
    .join(', ');
}
