import type { GrantInfo, Model, PermissionInfo } from '../model/model.js';

/**
 * Why a subject holds a permission, or why not: every declared grant that gives it (directly,
 * by a wildcard or by an implication), the inheritance path that brings the grant to the
 * subject, and the level it gives. Used in the messages of failed steps.
 */
export interface GrantSource {
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
  const out = new Map<string, string[]>();
  const queue: string[][] = roles.map((r) => [r]);
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const name = chain[chain.length - 1]!;
    if (out.has(name)) continue;
    out.set(name, chain);
    for (const parent of model.roleIndex.get(name)?.inherits ?? []) queue.push([...chain, parent]);
  }
  return out;
}

/** The shortest implication chain from action `from` to action `to` (both included), or undefined. */
function implicationChain(model: Model, from: string, to: string): string[] | undefined {
  const queue: string[][] = [[from]];
  const seen = new Set<string>([from]);
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const last = chain[chain.length - 1]!;
    for (const next of model.actions.find((a) => a.name === last)?.implies ?? []) {
      if (next === to) return [...chain, next];
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...chain, next]);
      }
    }
  }
  return undefined;
}

function grantText(model: Model, g: GrantInfo): string {
  return g.level === undefined ? g.text : `${g.text}: ${model.scopes[g.level]?.name ?? g.level}`;
}

/** Every declared grant, among the subject's roles and their ancestors, that gives `p` at some level. */
export function grantSources(model: Model, roles: readonly string[], p: PermissionInfo): GrantSource[] {
  const widest = model.levels - 1;
  const out: GrantSource[] = [];
  for (const [name, chain] of ancestry(model, roles)) {
    const role = model.roleIndex.get(name);
    if (!role) continue;
    for (const g of role.grants) {
      const named =
        g.target.kind === 'all'
          ? model.permissions.filter((q) => q.resource === p.resource)
          : g.target.kind === 'resource'
            ? g.target.resource === p.resource
              ? model.permissions.filter((q) => q.resource === p.resource)
              : []
            : model.permissions.filter((q) => q.id === (g.target as { permission: string }).permission && q.resource === p.resource);
      let best: GrantSource | undefined;
      for (const q of named) {
        const chainOfActions = q.id === p.id ? [] : implicationChain(model, q.action, p.action);
        if (chainOfActions === undefined) continue;
        const level = q.scoped ? (g.level ?? widest) : widest;
        const source: GrantSource = {
          role: name,
          chain,
          grant: grantText(model, g),
          level,
          via: chainOfActions.length > 0 ? chainOfActions.join(' ⇒ ') : undefined,
        };
        if (!best || level > best.level || (level === best.level && best.via !== undefined && source.via === undefined)) best = source;
      }
      if (best) out.push(best);
    }
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
  return [...ancestry(model, roles)].map(([name, chain]) => (chain.length > 1 ? `${name} (inherited: ${chain.join(' → ')})` : name)).join(', ');
}
