import type { Numbering } from '../allocate/lockfile.js';
import type { Model } from '../model/model.js';

/**
 * The metadata both outputs carry (the module's `permissions`, `roles`, `scopes`… and the
 * manifest), built in one place so that they cannot disagree. `no` is the lockfile number;
 * the module types it, the manifest prints it as is.
 */
export function metadataFacts<N>(
  model: Model,
  numbering: Numbering,
  number: (n: number, kind: 'Permission' | 'Role' | 'Scope') => N,
) {
  return {
    scopes: model.scopes.map((s) => ({
      id: s.name,
      no: number(numbering.scopes.active.get(s.name)!, 'Scope'),
      title: s.title,
      description: s.description ?? null,
      level: s.level,
    })),
    categories: model.categories.map((c) => ({ id: c.name, title: c.title, description: c.description ?? null })),
    permissions: model.permissions.map((p) => ({
      id: p.id,
      no: number(numbering.permissions.active.get(p.id)!, 'Permission'),
      title: p.title,
      description: p.description ?? null,
      category: p.category ?? null,
      resource: p.resource,
      action: p.action,
      scoped: p.scoped,
      selfRestricted: p.selfRestricted,
      sensitive: p.sensitive,
      previousNames: p.previousNames,
    })),
    collections: model.collections.map((c) => ({
      id: c.name,
      title: c.title,
      description: c.description ?? null,
      modes: c.modes,
      entries: c.entries.map((e) => ({
        path: e.path,
        no: numbering.collections.get(c.name)!.active.get(e.path)!,
        title: e.title,
        parent: e.parent ?? null,
      })),
    })),
    users: model.users.map((u) => ({ id: u.name, title: u.title ?? null, roles: u.roles, defaulted: u.defaulted })),
  };
}
