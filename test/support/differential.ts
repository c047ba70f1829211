import { ReferenceEvaluator } from '../../src/evaluate/reference.js';
import type { Model } from '../../src/model/model.js';

/** The parts of a generated module the differential tests call (typed loosely: each set has its own types). */
export interface GeneratedModule {
  Permission: Record<string, number>;
  Role: Record<string, number>;
  Scope: Record<string, number>;
  can(role: number, permission: number, scope?: number, targetIsSelf?: boolean): boolean;
  canUse(role: number, collection: string, entry: string): boolean;
  subject(roles: readonly number[]): {
    can(p: number, s?: number, self?: boolean): boolean;
    canUse(c: string, e: string): boolean;
  };
  check(roles: string | readonly string[], permission: string, scope?: string, self?: boolean): boolean;
  transferTarget(id: string): string | undefined;
  policySet: { name: string; version: string; hash: string };
}

export interface Mismatch {
  readonly question: string;
  readonly reference: boolean;
  readonly generated: boolean;
}

/**
 * Entry paths to ask about: every known entry; unknown children and grandchildren (whose nearest
 * known ancestor is the entry); an unknown sibling that shares the entry's name as a prefix
 * without being below it (`slackbot/x` is not under `slack`); unknown top-level entries.
 */
export function probeEntries(model: Model, collection: string): string[] {
  const c = model.collectionIndex.get(collection)!;
  const known = c.entries.map((e) => e.path);
  return [
    ...known,
    ...known.map((p) => `${p}/unknown-child`),
    ...known.map((p) => `${p}/unknown-child/grandchild`),
    ...known.map((p) => `${p}x/unknown-child`),
    'unknown-top',
    'unknown-top/child',
  ];
}

/**
 * Asks the generated module and the reference evaluator the same questions and returns every
 * disagreement: each role alone, every pair of roles and every user's roles (as a subject,
 * when asked for), every permission at
 * every scope and at the default scope, as self and not, and every collection entry probe.
 */
export function compareAll(
  model: Model,
  g: GeneratedModule,
  options: { pairs?: boolean; users?: boolean } = {},
): Mismatch[] {
  const ev = new ReferenceEvaluator(model);
  const out: Mismatch[] = [];
  const scopes: (string | undefined)[] = [undefined, ...model.scopes.map((s) => s.name)];
  const roleSets: string[][] = model.roles.map((r) => [r.name]);
  if (options.pairs !== false) {
    for (let i = 0; i < model.roles.length; i++)
      for (let j = i + 1; j < model.roles.length; j++) roleSets.push([model.roles[i]!.name, model.roles[j]!.name]);
  }
  // Users hold the role combinations that occur in practice (and the default role). A user
  // whose roles are a list already asked (one role, a pair, an earlier user's, in the same
  // order) adds no question: about one role list in six; a list in another order is asked.
  if (options.users) {
    const asked = new Set(roleSets.map((roles) => JSON.stringify(roles)));
    for (const u of model.users) {
      const key = JSON.stringify(u.roles);
      if (u.roles.length > 0 && !asked.has(key)) {
        asked.add(key);
        roleSets.push([...u.roles]);
      }
    }
  }
  const permissions = model.permissions.map((p) => ({ id: p.id, no: g.Permission[p.id]! }));
  const scopeNos = scopes.map((s) => (s === undefined ? undefined : g.Scope[s]));
  const selves = [{ self: false }, { self: true }] as const;
  const probes = model.collections.map((c) => ({ name: c.name, entries: probeEntries(model, c.name) }));
  for (const roles of roleSets) {
    const nums = roles.map((r) => g.Role[r]!);
    const subject = g.subject(nums);
    const alone = roles.length === 1;
    const push = (
      how: string,
      p: string,
      s: string | undefined,
      self: boolean,
      reference: boolean,
      generated: boolean,
    ) =>
      out.push({ question: `${how}(${roles.join('+')}, ${p}, ${s ?? 'default'}, self=${self})`, reference, generated });
    for (const p of permissions) {
      for (let k = 0; k < scopes.length; k++) {
        const s = scopes[k];
        const scopeNo = scopeNos[k];
        for (const options of selves) {
          const self = options.self;
          const reference = ev.allowed(roles, p.id, s, options);
          const viaSubject = subject.can(p.no, scopeNo, self);
          // Asked of `can` only for one role (a pair has no single role number): then it is the subject's answer.
          const viaRoles = alone ? g.can(nums[0]!, p.no, scopeNo, self) : viaSubject;
          const viaIds = g.check(roles, p.id, s, self);
          if (viaRoles !== reference) push('can', p.id, s, self, reference, viaRoles);
          if (viaSubject !== reference) push('subject', p.id, s, self, reference, viaSubject);
          if (viaIds !== reference) push('check', p.id, s, self, reference, viaIds);
        }
      }
    }
    for (const c of probes) {
      for (const entry of c.entries) {
        const reference = ev.collectionAllowed(roles, c.name, entry);
        const viaSubject = subject.canUse(c.name, entry);
        const viaRole = alone ? g.canUse(nums[0]!, c.name, entry) : viaSubject;
        if (viaRole !== reference)
          out.push({ question: `canUse(${roles.join('+')}, ${c.name}, ${entry})`, reference, generated: viaRole });
        if (viaSubject !== reference)
          out.push({
            question: `subject.canUse(${roles.join('+')}, ${c.name}, ${entry})`,
            reference,
            generated: viaSubject,
          });
      }
    }
  }
  return out;
}
