import type { Colors } from '../../diagnostics/render.js';
import { printable } from '../../diagnostics/printable.js';
import { ANY_LEVEL, type AskedLevel, levelNeeded } from '../../language/asked-level.js';
import type { Model, PermissionInfo } from '../../model/model.js';
import { compactEntries } from '../effective-access.js';
import {
  type AccessReport,
  type Explanation,
  grantLabel,
  type Holder,
  type Route,
  type ReviewSubject,
  subjectName,
  subjectRoles,
  subjectTitle,
} from '../grant-routes.js';
import type { EntryExplanation, EntryRef, EntryRoute, whoCanUse } from '../explain-entry.js';
import { displayEntries } from './phrases.js';

/** Version of the JSON shapes of `explain`, `who-can` and `access`. */
export const EXPLAIN_FORMAT_VERSION = 1;

const safe = printable;

function level(model: Model, p: PermissionInfo, l: number | undefined): string | null {
  if (l === undefined) return null;
  return p.scoped ? (model.scopes[l]?.name ?? String(l)) : null;
}

function subjectLine(subject: ReviewSubject): string {
  const title = subjectTitle(subject);
  return `${subject.kind} ${subjectName(subject)}${title ? ` (${safe(title)})` : ''}`;
}

function permissionLine(model: Model, p: PermissionInfo): string {
  const category = model.categories.find((c) => c.name === p.category)?.title;
  return `${p.id} (${safe(p.title)}${category ? ` · ${safe(category)}` : ''})`;
}

/** "team-lead → sales-agent grants "records:*": own (every records action) — policies/crm/roles/sales-agent.yaml:13". */
export function routeText(model: Model, route: Route, c: Colors): string {
  const parts = [`${route.roles.join(' → ')} grants ${c.bold(safe(grantLabel(model, route.grant)))}`];
  if (route.wildcard === 'all') parts.push('(everything)');
  if (route.wildcard === 'resource' && route.grant.target.kind === 'resource')
    parts.push(`(every ${route.grant.target.resource} action)`);
  if (route.implication.length > 0) parts.push(`⇒ ${route.named} implies it (${route.implication.join(' ⇒ ')})`);
  return `${parts.join(' ')}  ${c.dim(`${route.grant.span.file}:${route.grant.span.line}`)}`;
}

function routeJson(model: Model, route: Route, p: PermissionInfo): Record<string, unknown> {
  return {
    roles: route.roles,
    grant: grantLabel(model, route.grant),
    file: route.grant.span.file,
    line: route.grant.span.line,
    column: route.grant.span.column,
    named: route.named,
    wildcard: route.wildcard ?? null,
    implication: route.implication,
    level: level(model, p, route.level),
  };
}

function subjectJson(subject: ReviewSubject): Record<string, unknown> {
  return subject.kind === 'role'
    ? { kind: 'role', name: subject.role.name, title: subject.role.title, roles: [subject.role.name], defaulted: false }
    : {
        kind: 'user',
        name: subject.user.name,
        title: subject.user.title ?? null,
        roles: subject.user.roles,
        defaulted: subject.user.defaulted,
      };
}

function permissionJson(model: Model, p: PermissionInfo): Record<string, unknown> {
  return {
    id: p.id,
    title: p.title,
    category: p.category ?? null,
    scoped: p.scoped,
    selfRestricted: p.selfRestricted,
    sensitive: p.sensitive,
    scopes: p.scoped ? model.scopes.map((s) => s.name) : [],
  };
}

// ---------------------------------------------------------------------------------------------
// explain

export function explanationText(e: Explanation, c: Colors): string {
  const { model, permission: p } = e;
  const out: string[] = [];
  const asked =
    e.asked === undefined ? '' : e.asked === ANY_LEVEL ? ' at any level' : ` at ${model.scopes[e.asked]!.name}`;
  const verdict = e.allowed ? c.green(c.bold('✔ yes')) : c.red(c.bold('✖ no'));
  out.push(
    `${verdict}: ${subjectLine(e.subject)} ${e.allowed ? 'can' : 'cannot'} ${permissionLine(model, p)}${asked}  ${c.dim(`[${model.name}]`)}`,
  );
  if (e.subject.kind === 'user') {
    const u = e.subject.user;
    out.push(
      u.defaulted
        ? `  ${u.name} has no role assigned and gets the default role ${u.roles.join(', ')}`
        : `  ${u.name} holds ${u.roles.length === 0 ? 'no role' : `the role${u.roles.length === 1 ? '' : 's'} ${u.roles.join(', ')}`}`,
    );
  }
  const widest = model.levels - 1;
  if (e.allowed) {
    if (p.scoped) {
      const held = model.scopes[e.held!]!;
      const covers = model.scopes.slice(0, e.held! + 1).map((s) => s.name);
      out.push(
        `  held at ${c.bold(held.name)}${covers.length > 1 ? ` (covers ${covers.join(', ')})` : ''}${
          e.held! < widest
            ? `; not at ${model.scopes
                .slice(e.held! + 1)
                .map((s) => s.name)
                .join(', ')}`
            : ''
        }`,
      );
    }
    out.push('  because:');
    const shown = e.routes.slice(0, 6);
    for (const r of shown) out.push(`    ${routeText(model, r, c)}`);
    if (e.routes.length > shown.length)
      out.push(c.dim(`    and ${e.routes.length - shown.length} more grants that reach it`));
  } else if (e.nearest.length > 0) {
    const held = model.scopes[e.held!]!.name;
    const asked = typeof e.asked === 'number' ? model.scopes[e.asked]!.name : 'any level';
    out.push(`  has ${p.id} at ${c.bold(held)}, asked ${c.bold(asked)}:`);
    for (const r of e.nearest.slice(0, 6)) out.push(`    ${routeText(model, r, c)}`);
  } else {
    const roles = subjectRoles(e.subject);
    out.push(
      `  no grant of ${roles.length === 0 ? 'any role' : roles.join(', ')}, nor of a role ${roles.length === 1 ? 'it inherits' : 'they inherit'}, reaches ${p.id}`,
    );
    if (e.sameResource.length > 0) {
      out.push(
        `  holds on ${p.resource}: ${e.sameResource
          .map((s) => {
            const q = model.permissionIndex.get(s.id)!;
            const l = level(model, q, s.level);
            return `${s.id}${l ? ` at ${l}` : ''}`;
          })
          .join(', ')}`,
      );
    }
  }
  if (!e.allowed) {
    const by = e.grantedBy.map((g) => {
      const l = level(model, p, g.level);
      return `${g.role}${l ? ` (${l})` : ''}`;
    });
    out.push(`  roles that have it${asked}: ${by.length > 0 ? by.join(', ') : 'none'}`);
  }
  if (p.selfRestricted)
    out.push(`  ${c.yellow('note:')} ${p.id} is self-restricted: it never applies to the subject's own account`);
  if (p.sensitive && e.allowed) out.push(`  ${c.yellow('note:')} ${p.id} is sensitive: it manages access itself`);
  return `${out.join('\n')}\n`;
}

export function explanationJson(e: Explanation): Record<string, unknown> {
  const { model, permission: p } = e;
  return {
    formatVersion: EXPLAIN_FORMAT_VERSION,
    set: model.name,
    subject: subjectJson(e.subject),
    permission: permissionJson(model, p),
    scope: typeof e.asked === 'number' ? model.scopes[e.asked]!.name : null,
    allowed: e.allowed,
    held: e.held === undefined ? false : p.scoped ? model.scopes[e.held]!.name : true,
    routes: e.routes.map((r) => routeJson(model, r, p)),
    nearest: e.nearest.map((r) => routeJson(model, r, p)),
    sameResource: e.sameResource.map((s) => ({
      permission: s.id,
      level: level(model, model.permissionIndex.get(s.id)!, s.level),
    })),
    grantedBy: e.grantedBy.map((g) => ({ role: g.role, level: level(model, p, g.level) })),
  };
}

// ---------------------------------------------------------------------------------------------
// who-can

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - [...s].length));
}

export function whoCanText(
  model: Model,
  p: PermissionInfo,
  asked: AskedLevel,
  holders: { roles: Holder[]; users: Holder[] },
  c: Colors,
): string {
  const out: string[] = [];
  const needed = model.scopes[levelNeeded(p, asked, model.levels)]?.name;
  const at = p.scoped ? (asked === ANY_LEVEL ? ' at any level' : ` at ${needed} or wider`) : '';
  out.push(`${c.bold(permissionLine(model, p))}${at}  ${c.dim(`[${model.name}]`)}`);
  if (p.sensitive) out.push(`${c.yellow('sensitive:')} it manages access itself`);
  if (p.selfRestricted) out.push(`${c.yellow('self-restricted:')} it never applies to the subject's own account`);
  out.push('');
  const nameWidth =
    Math.max(0, ...holders.roles.map((h) => h.name.length), ...holders.users.map((h) => h.name.length)) + 2;
  const levelWidth = p.scoped ? Math.max(...model.scopes.map((s) => s.name.length)) + 2 : 0;
  out.push(c.bold(`roles (${holders.roles.length})`));
  if (holders.roles.length === 0) out.push('  none');
  for (const h of holders.roles) {
    const l = level(model, p, h.level) ?? '';
    const how = h.route
      ? h.route.roles.length > 1
        ? `inherited from ${h.route.roles.slice(1).join(' → ')}: ${grantLabel(model, h.route.grant)}`
        : grantLabel(model, h.route.grant)
      : '';
    const implied =
      h.route && h.route.implication.length > 0 ? `, which implies it (${h.route.implication.join(' ⇒ ')})` : '';
    out.push(`  ${pad(h.name, nameWidth)}${p.scoped ? pad(l, levelWidth) : ''}${c.dim(safe(how + implied))}`);
  }
  out.push('');
  out.push(c.bold(`users (${holders.users.length})`));
  if (holders.users.length === 0) out.push('  none');
  for (const h of holders.users) {
    const l = level(model, p, h.level) ?? '';
    out.push(
      `  ${pad(h.name, nameWidth)}${p.scoped ? pad(l, levelWidth) : ''}${c.dim(`through ${h.through.join(', ')}`)}`,
    );
  }
  return `${out.join('\n')}\n`;
}

export function whoCanJson(
  model: Model,
  p: PermissionInfo,
  asked: AskedLevel,
  holders: { roles: Holder[]; users: Holder[] },
): Record<string, unknown> {
  return {
    formatVersion: EXPLAIN_FORMAT_VERSION,
    set: model.name,
    permission: permissionJson(model, p),
    scope: asked === ANY_LEVEL || !p.scoped ? null : model.scopes[levelNeeded(p, asked, model.levels)]!.name,
    roles: holders.roles.map((h) => ({
      role: h.name,
      title: h.title ?? null,
      level: level(model, p, h.level),
      route: h.route ? routeJson(model, h.route, p) : null,
    })),
    users: holders.users.map((h) => ({
      user: h.name,
      title: h.title ?? null,
      level: level(model, p, h.level),
      through: h.through,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// access

export function accessText(a: AccessReport, c: Colors): string {
  const { model } = a;
  const out: string[] = [];
  out.push(`${c.bold(subjectLine(a.subject))}  ${c.dim(`[${model.name}]`)}`);
  if (a.subject.kind === 'user') {
    const u = a.subject.user;
    out.push(`roles: ${u.roles.join(', ') || 'none'}${u.defaulted ? ' (the default role: none assigned)' : ''}`);
  } else {
    const users = model.users
      .filter((u) => u.roles.includes(a.subject.kind === 'role' ? a.subject.role.name : ''))
      .map((u) => u.name);
    if (users.length > 0) out.push(`users: ${users.join(', ')}`);
  }
  const inherited = a.roles.filter((r) => r.path.length > 1);
  if (inherited.length > 0)
    out.push(
      `inherits: ${inherited.map((r) => `${r.role}${r.path.length > 2 ? ` (through ${r.path.slice(1, -1).join(' → ')})` : ''}`).join(', ')}`,
    );
  out.push(`${a.count} of ${model.permissions.length} permissions`);
  const idWidth = Math.max(0, ...a.categories.flatMap((cat) => cat.permissions.map((x) => x.permission.id.length))) + 2;
  const levelWidth = model.scopes.length > 0 ? Math.max(...model.scopes.map((s) => s.name.length)) + 2 : 0;
  for (const cat of a.categories) {
    out.push('', c.bold(safe(cat.title)));
    for (const x of cat.permissions) {
      const l = level(model, x.permission, x.level) ?? '';
      const flags = [
        x.permission.sensitive ? 'sensitive' : '',
        x.permission.selfRestricted ? 'not on self' : '',
      ].filter(Boolean);
      const from =
        x.route && (x.route.roles.length > 1 || a.subject.kind === 'user')
          ? c.dim(`  from ${x.route.roles[x.route.roles.length - 1]}`)
          : '';
      out.push(
        `  ${pad(x.permission.id, idWidth)}${levelWidth > 0 ? pad(l, levelWidth) : ''}${safe(x.permission.title)}${flags.length > 0 ? c.yellow(` [${flags.join(', ')}]`) : ''}${from}`,
      );
    }
  }
  if (model.collections.length > 0) {
    out.push('', c.bold('Collections'));
    for (const col of model.collections) {
      const acc = a.access.collections.get(col.name)!;
      out.push(`  ${safe(col.title)}: ${collectionText(col, acc)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function collectionText(
  col: Parameters<typeof compactEntries>[0],
  acc: {
    mode: string;
    entries: readonly string[];
    allowed: ReadonlySet<string>;
    unknownTop: boolean;
    unknownUnder: ReadonlySet<string>;
  },
): string {
  const total = col.entries.length;
  if (acc.mode === 'all') return `all (${total} of ${total} entries, and entries added later)`;
  if (acc.mode === 'allow' && acc.allowed.size === 0) return 'none';
  const shown = displayEntries(acc.mode === 'allow' ? compactEntries(col, acc.allowed) : acc.entries);
  const later = acc.unknownTop ? ', and entries added later' : '';
  return `${acc.mode === 'allow' ? 'only' : 'all except'} ${shown.join(', ')} (${acc.allowed.size} of ${total} entries${later})`;
}

export function accessJson(a: AccessReport): Record<string, unknown> {
  const { model } = a;
  return {
    formatVersion: EXPLAIN_FORMAT_VERSION,
    set: model.name,
    subject: subjectJson(a.subject),
    inherits: a.roles.filter((r) => r.path.length > 1).map((r) => ({ role: r.role, path: r.path })),
    categories: a.categories.map((cat) => ({
      category: cat.category ?? null,
      title: cat.title,
      permissions: cat.permissions.map((x) => ({
        id: x.permission.id,
        title: x.permission.title,
        level: level(model, x.permission, x.level),
        sensitive: x.permission.sensitive,
        selfRestricted: x.permission.selfRestricted,
        from: x.route ? x.route.roles[x.route.roles.length - 1] : null,
        grant: x.route ? grantLabel(model, x.route.grant) : null,
      })),
    })),
    collections: model.collections.map((col) => {
      const acc = a.access.collections.get(col.name)!;
      return {
        collection: col.name,
        mode: acc.mode === 'allow' && acc.allowed.size === 0 && !acc.unknownTop ? 'none' : acc.mode,
        entries: acc.entries,
        allowed: [...acc.allowed],
        unknownTop: acc.unknownTop,
      };
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// collection entries (explain, who-can)

function entryLine(e: EntryRef): string {
  const info = e.collection.entryIndex.get(e.path);
  return `${e.collection.name}:${e.path} (${safe(info?.title ?? e.path)} · ${safe(e.collection.title)})`;
}

/** A collection rule as it reads in YAML, with what decides the entry: `connectors: allow [salesforce] (covers salesforce/actions/delete-record)`. */
function entryRouteText(e: EntryRef, r: EntryRoute): string {
  const rule = r.rule.mode === 'all' ? 'all' : `${r.rule.mode} [${r.rule.entries.join(', ')}]`;
  const why =
    r.rule.mode === 'all'
      ? 'every entry'
      : r.covering === undefined
        ? r.rule.mode === 'allow'
          ? 'not listed'
          : 'not excepted'
        : r.covering === e.path
          ? r.rule.mode === 'allow'
            ? 'listed'
            : 'excepted'
          : `${r.rule.mode === 'allow' ? 'listed' : 'excepted'} through ${r.covering}`;
  return `${r.roles.join(' → ')}: ${e.collection.name}: ${rule} (${why})`;
}

function entryRouteJson(r: EntryRoute): Record<string, unknown> {
  return {
    roles: r.roles,
    mode: r.rule.mode,
    entries: r.rule.entries,
    covering: r.covering ?? null,
    allows: r.allows,
    file: r.rule.span.file,
    line: r.rule.span.line,
    column: r.rule.span.column,
  };
}

export function entryExplanationText(x: EntryExplanation, c: Colors): string {
  const out: string[] = [];
  const verdict = x.allowed ? c.green(c.bold('✔ yes')) : c.red(c.bold('✖ no'));
  out.push(
    `${verdict}: ${subjectLine(x.subject)} ${x.allowed ? 'can' : 'cannot'} use ${entryLine(x.entry)}  ${c.dim(`[${x.model.name}]`)}`,
  );
  if (x.subject.kind === 'user') {
    const u = x.subject.user;
    out.push(
      u.defaulted
        ? `  ${u.name} has no role assigned and gets the default role ${u.roles.join(', ')}`
        : `  ${u.name} holds ${u.roles.length === 0 ? 'no role' : `the role${u.roles.length === 1 ? '' : 's'} ${u.roles.join(', ')}`}`,
    );
  }
  if (x.routes.length > 0) {
    out.push(x.allowed ? '  because:' : '  the rules of its roles:');
    for (const r of x.routes)
      out.push(`    ${entryRouteText(x.entry, r)}  ${c.dim(`${r.rule.span.file}:${r.rule.span.line}`)}`);
  } else if (!x.allowed) {
    const roles = subjectRoles(x.subject);
    out.push(
      `  no rule for ${x.entry.collection.name} in ${roles.length === 0 ? 'any role' : roles.join(', ')}, nor in a role ${roles.length === 1 ? 'it inherits' : 'they inherit'}`,
    );
  }
  if (!x.allowed) out.push(`  roles that can use it: ${x.grantedBy.length > 0 ? x.grantedBy.join(', ') : 'none'}`);
  return `${out.join('\n')}\n`;
}

export function entryExplanationJson(x: EntryExplanation): Record<string, unknown> {
  const info = x.entry.collection.entryIndex.get(x.entry.path);
  return {
    formatVersion: EXPLAIN_FORMAT_VERSION,
    set: x.model.name,
    subject: subjectJson(x.subject),
    entry: { collection: x.entry.collection.name, path: x.entry.path, title: info?.title ?? null },
    allowed: x.allowed,
    routes: x.routes.map(entryRouteJson),
    grantedBy: x.grantedBy.map((role) => ({ role })),
  };
}

export function whoCanEntryText(model: Model, e: EntryRef, holders: ReturnType<typeof whoCanUse>, c: Colors): string {
  const out: string[] = [`${c.bold(entryLine(e))}  ${c.dim(`[${model.name}]`)}`, ''];
  const nameWidth =
    Math.max(0, ...holders.roles.map((h) => h.role.length), ...holders.users.map((h) => h.user.length)) + 2;
  out.push(c.bold(`roles (${holders.roles.length})`));
  if (holders.roles.length === 0) out.push('  none');
  for (const h of holders.roles)
    out.push(`  ${pad(h.role, nameWidth)}${c.dim(h.route ? safe(entryRouteText(e, h.route)) : '')}`);
  out.push('', c.bold(`users (${holders.users.length})`));
  if (holders.users.length === 0) out.push('  none');
  for (const h of holders.users) out.push(`  ${pad(h.user, nameWidth)}${c.dim(`through ${h.through.join(', ')}`)}`);
  return `${out.join('\n')}\n`;
}

export function whoCanEntryJson(
  model: Model,
  e: EntryRef,
  holders: ReturnType<typeof whoCanUse>,
): Record<string, unknown> {
  return {
    formatVersion: EXPLAIN_FORMAT_VERSION,
    set: model.name,
    entry: { collection: e.collection.name, path: e.path, title: e.collection.entryIndex.get(e.path)?.title ?? null },
    roles: holders.roles.map((h) => ({
      role: h.role,
      title: h.title,
      route: h.route ? entryRouteJson(h.route) : null,
    })),
    users: holders.users.map((h) => ({ user: h.user, title: h.title ?? null, through: h.through })),
  };
}
