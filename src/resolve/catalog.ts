import type { Diagnostics } from '../diagnostics/diagnostic.js';
import { narrowSpan } from '../diagnostics/span.js';
import { closest } from '../diagnostics/suggest.js';
import type {
  ActionInfo,
  CategoryInfo,
  CollectionInfo,
  EntryInfo,
  PermissionInfo,
  ResourceInfo,
  ScopeInfo,
} from '../model/model.js';
import type { CatalogDecl, Located, ScopeDecl } from '../validate/documents.js';
import { Namespace } from './names.js';

/** The resolved catalog of a set, with the namespaces later steps resolve references against. */
export interface ResolvedCatalog {
  readonly scopes: readonly ScopeInfo[];
  readonly actions: readonly ActionInfo[];
  readonly categories: readonly CategoryInfo[];
  readonly resources: readonly ResourceInfo[];
  readonly permissions: readonly PermissionInfo[];
  readonly collections: readonly CollectionInfo[];
  readonly scopeNames: Namespace<ScopeInfo>;
  readonly permissionNames: Namespace<PermissionInfo>;
  readonly resourceNames: Namespace<ResourceInfo>;
  readonly collectionNames: Namespace<CollectionInfo>;
  /** Permissions declared `scoped: true` in a set without scopes (reported as PC415), so grants naming a level for them are not reported again. */
  readonly scopedWithoutScopes: ReadonlySet<string>;
}

/** Title-case fallback for an action or scope without a title: `deploy-pause` → `Deploy pause`. */
export function humanize(key: string): string {
  const words = key.replace(/[-_.]+/g, ' ').trim();
  return words.length > 0 ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/** For a key a catalog entry refers to but no catalog declares: a near miss, or where to declare it. */
function declareHint(key: string, list: 'resources' | 'actions', known: readonly string[]): string {
  const near = closest(key, known);
  if (near !== undefined) return `did you mean \`${near}\`?`;
  return `declare it in the \`${list}\` of a Catalog${known.length > 0 ? ` (declared: ${known.join(', ')})` : ''}`;
}

/** Merges the set's Catalog documents and checks every name and reference in them. */
export function resolveCatalog(
  scopeDecls: readonly ScopeDecl[],
  catalogs: readonly CatalogDecl[],
  diagnostics: Diagnostics,
): ResolvedCatalog {
  // Scopes, narrowest first.
  const scopeNames = new Namespace<ScopeInfo>('scope', 'PC303', diagnostics);
  const scopes: ScopeInfo[] = [];
  for (const s of scopeDecls) {
    const info: ScopeInfo = {
      name: s.name.value,
      title: s.title ?? humanize(s.name.value),
      description: s.description,
      level: scopes.length,
      phrases: s.phrases,
    };
    if (scopeNames.declare(s.name, info)) scopes.push(info);
  }

  // Actions and their implications.
  const actionNames = new Namespace<{
    name: string;
    title: string;
    description: string | undefined;
    implies: Located<string>[];
  }>('action', 'PC307', diagnostics);
  const actionOrder: string[] = [];
  for (const c of catalogs) {
    for (const a of c.actions) {
      if (
        actionNames.declare(a.name, {
          name: a.name.value,
          title: a.title ?? humanize(a.name.value),
          description: a.description,
          implies: [...a.implies],
        })
      ) {
        actionOrder.push(a.name.value);
      }
    }
  }
  const implies = new Map<string, string[]>();
  for (const name of actionOrder) {
    const a = actionNames.get(name)!;
    const targets: string[] = [];
    for (const ref of a.implies) {
      if (ref.value === name) {
        diagnostics.report('PC405', `action \`${name}\` implies itself`, ref.span, {
          hint: 'remove it from its own implies list',
        });
        continue;
      }
      const target = actionNames.resolve(ref, ` in the implications of \`${name}\``);
      if (target !== undefined && !targets.includes(target)) targets.push(target);
    }
    implies.set(name, targets);
  }
  const cyclic = reportCycles(
    actionOrder,
    (n) => implies.get(n) ?? [],
    (cycle) => {
      const first = actionNames.get(cycle[0]!)!;
      const ref = first.implies.find((r) => r.value === cycle[1]) ?? first.implies[0];
      diagnostics.report(
        'PC405',
        `implication cycle: ${cycle.join(' → ')}`,
        ref?.span ?? actionNames.spanOf(cycle[0]!),
        {
          hint: 'implications must be acyclic; remove one of these implies entries',
        },
      );
    },
  );
  const actions: ActionInfo[] = actionOrder.map((name) => {
    const a = actionNames.get(name)!;
    return {
      name,
      title: a.title,
      description: a.description,
      implies: implies.get(name) ?? [],
      closure: cyclic.has(name) ? [] : closure(name, implies),
    };
  });

  // Categories.
  const categoryNames = new Namespace<CategoryInfo>('category', 'PC308', diagnostics);
  const categories: CategoryInfo[] = [];
  for (const c of catalogs) {
    for (const cat of c.categories) {
      const info = { name: cat.name.value, title: cat.title, description: cat.description };
      if (categoryNames.declare(cat.name, info)) categories.push(info);
    }
  }

  // Resources.
  const resourceNames = new Namespace<ResourceInfo>('resource', 'PC306', diagnostics);
  const resourcePermissions = new Map<string, string[]>();
  const resourceDecls: {
    name: string;
    title: string;
    description: string | undefined;
    category: string | undefined;
  }[] = [];
  for (const c of catalogs) {
    for (const r of c.resources) {
      const category = r.category
        ? categoryNames.resolve(r.category, ` (category of resource \`${r.name.value}\`)`)
        : undefined;
      const info = {
        name: r.name.value,
        title: r.title,
        description: r.description,
        category,
        permissions: [] as string[],
      };
      if (resourceNames.declare(r.name, info)) {
        resourceDecls.push(info);
        resourcePermissions.set(info.name, info.permissions);
      }
    }
  }

  // Permissions.
  const permissionNames = new Namespace<PermissionInfo>('permission', 'PC301', diagnostics);
  const permissions: PermissionInfo[] = [];
  const scopedWithoutScopes = new Set<string>();
  for (const c of catalogs) {
    for (const p of c.permissions) {
      const [resourceKey, actionKey] = p.id.value.split(':') as [string, string];
      const resource = resourceNames.has(resourceKey)
        ? resourceKey
        : resourceNames.resolve(
            { value: resourceKey, span: narrowSpan(p.id.span, p.id.value, 0, resourceKey.length) },
            ` in permission \`${p.id.value}\``,
            (k) => declareHint(k, 'resources', resourceNames.keys()),
          );
      const action = actionNames.has(actionKey)
        ? actionKey
        : actionNames.resolve(
            {
              value: actionKey,
              span: narrowSpan(p.id.span, p.id.value, resourceKey.length + 1, p.id.value.length),
            },
            ` in permission \`${p.id.value}\``,
            (k) => declareHint(k, 'actions', actionNames.keys()),
          );
      if (p.scoped && scopes.length === 0) {
        scopedWithoutScopes.add(p.id.value);
        diagnostics.report(
          'PC415',
          `permission \`${p.id.value}\` is scoped but the set declares no scopes`,
          p.id.span,
          {
            hint: 'declare scopes in the PolicySet (narrowest first), or remove `scoped: true`',
          },
        );
      }
      const explicitCategory = p.category
        ? categoryNames.resolve(p.category, ` (category of permission \`${p.id.value}\`)`)
        : undefined;
      if (resource === undefined || action === undefined) continue;
      const info: PermissionInfo = {
        id: p.id.value,
        resource,
        action,
        title: p.title.value,
        description: p.description,
        category: explicitCategory ?? resourceNames.get(resource)?.category,
        scoped: p.scoped && scopes.length > 0,
        selfRestricted: p.selfRestricted,
        sensitive: p.sensitive,
        previousNames: p.previousNames.map((n) => n.value),
        span: p.id.span,
      };
      if (permissionNames.declare(p.id, info)) {
        permissions.push(info);
        resourcePermissions.get(resource)!.push(info.id);
      }
    }
  }
  for (const c of catalogs)
    for (const p of c.permissions) for (const old of p.previousNames) permissionNames.declarePrevious(old, p.id.value);
  if (scopes.length > 0 && permissions.length > 0 && !permissions.some((p) => p.scoped)) {
    diagnostics.report('PC506', 'the set declares scopes but no permission is scoped', scopeDecls[0]!.name.span, {
      hint: 'mark the permissions that take a level with `scoped: true`, or remove the scopes',
    });
  }
  const resources: ResourceInfo[] = resourceDecls.map((r) => ({
    ...r,
    permissions: resourcePermissions.get(r.name) ?? [],
  }));

  // Collections.
  const collectionNames = new Namespace<CollectionInfo>('collection', 'PC304', diagnostics);
  const collections: CollectionInfo[] = [];
  for (const c of catalogs) {
    for (const coll of c.collections) {
      const entries: EntryInfo[] = [];
      const index = new Map<string, EntryInfo>();
      const declared = new Map<string, Located<string>>();
      for (const e of coll.entries) {
        const path = e.path.value;
        const first = declared.get(path);
        if (first) {
          diagnostics.report('PC401', `duplicate entry \`${path}\` in collection \`${coll.name.value}\``, e.path.span, {
            hint: 'list each entry once',
            related: [{ message: 'first listed here', span: first.span }],
          });
          continue;
        }
        declared.set(path, e.path);
        const segments = path.split('/');
        for (let i = 1; i <= segments.length; i++) {
          const p = segments.slice(0, i).join('/');
          const parent = i > 1 ? segments.slice(0, i - 1).join('/') : undefined;
          const existing = index.get(p);
          if (i === segments.length) {
            const info: EntryInfo = {
              path: p,
              title: e.title ?? segments[i - 1]!,
              description: e.description,
              parent,
              implicit: false,
            };
            if (existing) entries[entries.indexOf(existing)] = info;
            else entries.push(info);
            index.set(p, info);
          } else if (!existing) {
            const info: EntryInfo = {
              path: p,
              title: segments[i - 1]!,
              description: undefined,
              parent,
              implicit: true,
            };
            entries.push(info);
            index.set(p, info);
          }
        }
      }
      const subtree = new Map<string, string[]>(entries.map((e) => [e.path, [] as string[]]));
      for (const e of entries) {
        for (let p: string | undefined = e.path; p !== undefined; p = index.get(p)!.parent)
          subtree.get(p)!.push(e.path);
      }
      const info: CollectionInfo = {
        name: coll.name.value,
        title: coll.title,
        description: coll.description,
        modes: coll.modes,
        noun: coll.noun ?? coll.name.value.toLowerCase().replace(/s$/, ''),
        plural: coll.plural ?? (coll.noun === undefined ? coll.name.value.toLowerCase() : `${coll.noun}s`),
        kinds: coll.kinds.map((k) => ({ name: k.name, plural: k.plural ?? `${k.name}s`, path: k.path })),
        entries,
        entryIndex: index,
        subtree,
      };
      if (collectionNames.declare(coll.name, info)) collections.push(info);
    }
  }

  return {
    scopes,
    actions,
    categories,
    resources,
    permissions,
    collections,
    scopeNames,
    permissionNames,
    resourceNames,
    collectionNames,
    scopedWithoutScopes,
  };
}

/** Every node reachable from `start` (excluding itself), depth-first in declaration order. */
function closure(start: string, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const seen = new Set<string>([start]);
  const out: string[] = [];
  const visit = (n: string) => {
    for (const m of edges.get(n) ?? []) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push(m);
      visit(m);
    }
  };
  visit(start);
  return out;
}

/**
 * Finds cycles in a directed graph and reports each once, as the list of its nodes with the
 * first repeated at the end. Returns the nodes that lie on or lead into a cycle.
 */
export function reportCycles(
  nodes: readonly string[],
  edges: (node: string) => readonly string[],
  report: (cycle: string[]) => void,
): Set<string> {
  const state = new Map<string, 'active' | 'done'>();
  const tainted = new Set<string>();
  const reported = new Set<string>();
  const stack: string[] = [];
  const visit = (n: string): boolean => {
    const s = state.get(n);
    if (s === 'done') return tainted.has(n);
    if (s === 'active') {
      const cycle = [...stack.slice(stack.indexOf(n)), n];
      const key = [...cycle.slice(0, -1)].sort().join('\0');
      if (!reported.has(key)) {
        reported.add(key);
        report(cycle);
      }
      return true;
    }
    state.set(n, 'active');
    stack.push(n);
    let bad = false;
    for (const m of edges(n)) if (visit(m)) bad = true;
    stack.pop();
    state.set(n, 'done');
    if (bad) tainted.add(n);
    return bad;
  };
  for (const n of nodes) visit(n);
  return tainted;
}
