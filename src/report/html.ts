import { createHash } from 'node:crypto';
import type { Escalation } from '../review/diff.js';
import { STYLE, SCRIPT } from './assets.js';
import type { CellChange, CollectionView, MatrixCell, MatrixRow, RoleColumn, SetView, UserView } from './views.js';
import { NODE_HEIGHT, NODE_WIDTH } from './graph.js';
import type { ReportData } from './contents.js';

/*
 * Renders the report as one self-contained HTML page: inline CSS, inline SVG, one small inline
 * script, no request of any kind (the Content-Security-Policy forbids every load). The matrix is
 * static HTML, readable with scripts off and when printed; the script only filters it. A set
 * too large to write out cell by cell embeds its levels as data and shows a page at a time.
 * Deterministic: the same data gives the same bytes (no dates, no random ids).
 */

/** Rows and columns per page of a large matrix. */
const PAGE_ROWS = 100;
const PAGE_COLS = 40;

/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escapes a sentence of the diff, showing its `ticked` names as code. */
function prose(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function hash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** A JSON value safe inside `<script type="application/json">`: no `</script`, no `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const VIA_MARK: Record<string, [string, string]> = {
  inherited: ['i', 'inherited'],
  implied: ['⇒', 'implied'],
  wildcard: ['*', 'wildcard'],
};

const CHANGE_MARK: Record<CellChange['kind'], string> = { gained: '+', lost: '−', widened: '▲', narrowed: '▼' };

/** The colour class of a level: by its place among the set's scopes; unscoped permissions are held in full. */
function levelClass(view: SetView, row: { scoped: boolean }, level: number): string {
  if (level < 0) return '';
  if (!row.scoped || view.scopes.length === 0) return 'full';
  return `lv${Math.min(2, Math.round((2 * level) / Math.max(1, view.scopes.length - 1)))}`;
}

function levelText(view: SetView, row: { scoped: boolean }, level: number): string {
  if (level < 0) return '';
  return row.scoped ? (view.scopes[level] ?? String(level)) : '✓';
}

/** What a cell says when hovered (and to assistive technology): the level and how it is reached. */
function cellTitle(view: SetView, role: RoleColumn, row: MatrixRow, cell: MatrixCell): string {
  const parts: string[] = [];
  if (cell.level >= 0) {
    parts.push(
      `${role.name} holds ${row.id}${row.scoped ? ` at ${cell.levelName ?? levelText(view, row, cell.level)}` : ''}`,
    );
    if (cell.grant) {
      let how = `grant ${cell.grant}`;
      if (cell.via === 'implied') how += ` (implies it: ${cell.implication.join(' ⇒ ')})`;
      if (cell.via === 'wildcard') how += ' (wildcard)';
      if (cell.inheritedFrom)
        how += `, inherited from ${cell.inheritedFrom}${cell.path.length > 2 ? ` via ${cell.path.slice(1, -1).join(' → ')}` : ''}`;
      parts.push(how);
      if (cell.at) parts.push(cell.at);
    }
  } else parts.push(`${role.name} does not hold ${row.id}`);
  if (cell.change) parts.push(changeWords(cell.change));
  if (row.selfRestricted && cell.level >= 0) parts.push('never for oneself (self-restricted)');
  return parts.join(' · ');
}

function changeWords(c: CellChange): string {
  const what =
    c.kind === 'gained'
      ? `gained${c.to ? ` at ${c.to}` : ''}`
      : c.kind === 'lost'
        ? `lost${c.from ? ` (was ${c.from})` : ''}`
        : `${c.kind} from ${c.from ?? 'held'} to ${c.to ?? 'held'}`;
  return `${c.escalation ? 'ESCALATION: ' : ''}${what}`;
}

function cellHtml(view: SetView, role: RoleColumn, row: MatrixRow, cell: MatrixCell): string {
  const classes = [levelClass(view, row, cell.level)];
  let body = esc(levelText(view, row, cell.level));
  const via = cell.inheritedFrom ? 'inherited' : cell.via && cell.via !== 'direct' ? cell.via : undefined;
  if (via) body += `<span class="via" aria-hidden="true">${VIA_MARK[via]![0]}</span>`;
  if (cell.inheritedFrom && cell.via && cell.via !== 'direct')
    body += `<span class="via" aria-hidden="true">${VIA_MARK[cell.via]![0]}</span>`;
  const c = cell.change;
  if (c) {
    classes.push('ch', `ch-${c.kind}`);
    if (c.escalation) classes.push('esc');
    const mark = `${c.escalation ? '⚠' : ''}${CHANGE_MARK[c.kind]}`;
    if (c.kind === 'lost') body = `${mark} <del>${esc(c.from ?? '✓')}</del>`;
    else if (c.kind === 'gained') body = `${mark} ${body}`;
    else body = `${mark} <del>${esc(c.from ?? '')}</del> ${body}`;
  }
  return `<td class="${classes.filter(Boolean).join(' ')}" title="${esc(cellTitle(view, role, row, cell))}">${body}</td>`;
}

function marks(row: { sensitive: boolean; selfRestricted: boolean }): string {
  return (
    (row.sensitive ? '<span class="mark sensitive" title="sensitive: manages access itself">sensitive</span>' : '') +
    (row.selfRestricted ? '<span class="mark self" title="self-restricted: never applies to oneself">self</span>' : '')
  );
}

function statusMark(status: string | null, escalated = false): string {
  return (
    (status ? `<span class="mark ${status}">${status}</span>` : '') +
    (escalated ? '<span class="mark esc">escalation</span>' : '')
  );
}

function roleHeader(role: RoleColumn, extra = ''): string {
  const classes = [role.status ? `st-${role.status}` : '', role.escalated ? 'esc' : ''].filter(Boolean).join(' ');
  const title = [
    role.description ?? '',
    role.users.length > 0 ? `users: ${role.users.join(', ')}` : 'no users',
    role.inherits.length > 0 ? `inherits ${role.inherits.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const notes = [role.isDefault ? 'default' : '', role.isOwner ? 'owner' : ''].filter(Boolean);
  return `<th scope="col" data-role="${esc(role.name)}"${classes ? ` class="${classes}"` : ''} title="${esc(title)}">${esc(role.title)}<code>${esc(role.name)}</code>${notes.length > 0 ? `<span class="muted">${notes.join(', ')}</span>` : ''}${statusMark(role.status, role.escalated)}${extra}</th>`;
}

function rowSearchText(group: string, row: MatrixRow): string {
  return `${row.id} ${row.title} ${group}${row.sensitive ? ' sensitive' : ''}${row.selfRestricted ? ' self-restricted' : ''}`;
}

/** The id of a permission's row: its position, since ids may hold any character. */
function rowAnchor(view: SetView, setId: string, permission: string): string | undefined {
  const at = view.categories.flatMap((g) => g.rows).findIndex((r) => r.id === permission);
  return at < 0 || !view.detailed ? undefined : `${setId}-r${at}`;
}

/** The full matrix as a static table (sets up to DETAIL_CELL_LIMIT cells). */
function staticMatrix(view: SetView, id: string): string {
  let position = 0;
  const out: string[] = [];
  out.push(`<div class="scroll" role="region" aria-label="Access matrix of ${esc(view.name)}" tabindex="0">`);
  out.push(
    `<table class="matrix" data-static id="${id}-matrix"><caption class="hidden">Permissions of ${esc(view.name)} by role</caption>`,
  );
  out.push(
    `<thead><tr><th scope="col" class="corner">Permission</th>${view.roles.map((r) => roleHeader(r)).join('')}</tr></thead>`,
  );
  for (const group of view.categories) {
    out.push(
      `<tbody data-cat="${esc(group.name ?? '')}"><tr class="cat"><th scope="rowgroup" colspan="${view.roles.length + 1}">${esc(group.title)}</th></tr>`,
    );
    for (const row of group.rows) {
      const classes = [row.changed ? 'changed' : '', row.escalated ? 'esc' : ''].filter(Boolean).join(' ');
      const cells = row.cells!.map((cell, i) => cellHtml(view, view.roles[i]!, row, cell)).join('');
      out.push(
        `<tr id="${id}-r${position++}" data-perm="${esc(row.id)}" data-text="${esc(rowSearchText(group.title, row))}"${classes ? ` class="${classes}"` : ''}>` +
          `<th scope="row" title="${esc(row.description ?? '')}"><code>${esc(row.id)}</code><span class="title">${esc(row.title)}</span>${marks(row)}${statusMark(row.status)}${row.escalated ? '<span class="mark esc">escalation</span>' : ''}</th>${cells}</tr>`,
      );
    }
    out.push('</tbody>');
  }
  out.push('</table></div>');
  return out.join('\n');
}

/** A large matrix: the first page as static HTML, every level as data for the pager. */
function pagedMatrix(view: SetView, id: string): string {
  const rows = view.categories.flatMap((g, gi) => g.rows.map((r) => ({ r, gi })));
  const first = rows.slice(0, PAGE_ROWS);
  const cols = view.roles.slice(0, PAGE_COLS);
  const out: string[] = [];
  out.push(`<div id="${id}-pages">`);
  out.push(
    `<p class="muted">${rows.length.toLocaleString('en-US')} permissions × ${view.roles.length.toLocaleString('en-US')} roles: shown ${PAGE_ROWS} × ${PAGE_COLS} at a time. ` +
      'Without scripts only the first page shows; <code>policyc access ROLE</code> and <code>policyc explain ROLE PERMISSION</code> give any cell, with its route.</p>',
  );
  out.push(
    `<div class="pager"><button type="button" data-page="rows-prev" disabled>◀ permissions</button><button type="button" data-page="rows-next" disabled>permissions ▶</button>` +
      `<button type="button" data-page="cols-prev" disabled>◀ roles</button><button type="button" data-page="cols-next" disabled>roles ▶</button>` +
      `<output data-page-info>permissions 1–${first.length} of ${rows.length} · roles 1–${cols.length} of ${view.roles.length}</output></div>`,
  );
  out.push(
    `<div class="scroll" role="region" aria-label="Access matrix of ${esc(view.name)}" tabindex="0"><table class="matrix">`,
  );
  out.push(
    `<thead><tr><th scope="col" class="corner">Permission</th>${cols.map((r) => roleHeader(r)).join('')}</tr></thead><tbody>`,
  );
  for (const { r } of first) {
    const cells = cols
      .map((_, i) => `<td class="${levelClass(view, r, r.levels[i]!)}">${esc(levelText(view, r, r.levels[i]!))}</td>`)
      .join('');
    out.push(
      `<tr><th scope="row"><code>${esc(r.id)}</code><span class="title">${esc(r.title)}</span>${marks(r)}</th>${cells}</tr>`,
    );
  }
  out.push('</tbody></table></div></div>');
  const data = {
    pageRows: PAGE_ROWS,
    pageCols: PAGE_COLS,
    scopes: view.scopes,
    categories: view.categories.map((g) => [g.name ?? '', g.title]),
    roles: view.roles.map((r) => [r.name, r.title]),
    rows: rows.map(({ r, gi }) => [r.id, r.title, gi, (r.sensitive ? 1 : 0) | (r.selfRestricted ? 2 : 0)]),
    levels: rows.map(({ r }) =>
      r.levels
        .map((l) => (l < 0 ? '.' : r.scoped && view.scopes.length > 0 ? String.fromCharCode(48 + l) : 'F'))
        .join(''),
    ),
  };
  out.push(`<script type="application/json" data-matrix="${id}-pages">${scriptJson(data)}</script>`);
  return out.join('\n');
}

function legend(view: SetView, change: boolean): string {
  const items = [
    ...view.scopes.map(
      (s, i) =>
        `<li><span class="lv ${levelClass(view, { scoped: true }, i)}">${esc(s)}</span> held at ${esc(s)}${i > 0 ? ' (and narrower)' : ''}</li>`,
    ),
    '<li><span class="lv full">✓</span> held (unscoped)</li>',
    view.detailed
      ? '<li><b>i</b> inherited</li><li><b>⇒</b> implied by another action</li><li><b>*</b> through a wildcard</li>'
      : '',
    '<li><span class="mark sensitive">sensitive</span> manages access</li><li><span class="mark self">self</span> never for oneself</li>',
  ];
  if (change)
    items.push(
      '<li><b>+</b> gained</li><li><b>−</b> lost</li><li><b>▲</b> widened</li><li><b>▼</b> narrowed</li><li><span class="mark esc">⚠ escalation</span></li>',
    );
  return `<ul class="legend" aria-label="Legend">${items.join('')}</ul>`;
}

function collectionsHtml(view: SetView, collections: readonly CollectionView[]): string {
  if (collections.length === 0) return '';
  const out: string[] = [`<h3 id="${esc(view.name)}-collections">Collections</h3>`];
  for (const c of collections) {
    out.push(
      `<h4>${esc(c.title)} <code>${esc(c.name)}</code> <span class="muted">modes ${esc(c.modes.join(', '))}, ${c.entries.length} entries</span></h4>`,
    );
    if (c.description) out.push(`<p class="muted">${esc(c.description)}</p>`);
    out.push(
      '<table class="plain"><thead><tr><th scope="col">Role</th><th scope="col">Mode</th><th scope="col">Entries</th><th scope="col">An entry added after the build</th></tr></thead><tbody>',
    );
    for (const r of c.roles) {
      const classes = [r.change ? 'changed' : '', r.escalated ? 'esc' : ''].filter(Boolean).join(' ');
      const change = r.change
        ? `<br><span class="mark changed">changed</span> ${esc(r.change.from.mode)} → ${esc(r.change.to.mode)}${r.change.gained.length > 0 ? `; gains ${esc(r.change.gained.join(', '))}` : ''}${r.change.lost.length > 0 ? `; loses ${esc(r.change.lost.join(', '))}` : ''}`
        : '';
      const entries =
        r.mode === 'all'
          ? 'every entry'
          : r.mode === 'none'
            ? '—'
            : r.entries.map((e) => `<code>${esc(e)}</code>`).join(', ');
      const list = r.unknown.entries.map((e) => `<code>${esc(e)}</code>`).join(', ');
      const unknown = {
        anywhere: 'allowed anywhere',
        'except-below': `allowed, except below ${list}`,
        'only-below': `allowed only below ${list}`,
        denied: 'denied',
      }[r.unknown.rule];
      out.push(
        `<tr data-crole="${esc(r.role)}"${classes ? ` class="${classes}"` : ''}><td><code>${esc(r.role)}</code>${r.escalated ? '<span class="mark esc">escalation</span>' : ''}</td><td>${esc(r.mode === 'allow' ? 'only listed' : r.mode === 'except' ? 'all except listed' : r.mode)}${change}</td><td>${entries}</td><td>${unknown}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  return out.join('\n');
}

function userHtml(u: UserView, withCollections: boolean): string {
  const classes = [u.change ? 'changed' : '', u.escalated ? 'esc' : ''].filter(Boolean).join(' ');
  const roles =
    u.roles.map((r) => `<code>${esc(r)}</code>`).join(', ') +
    (u.defaulted ? ' <span class="muted">(default role: no role assigned)</span>' : '');
  const access =
    u.access.length > 0
      ? `<details><summary>${u.held} permission${u.held === 1 ? '' : 's'}</summary>${u.access
          .map(
            (c) =>
              `<p><b>${esc(c.category)}</b>: ${c.permissions.map((p) => `<code>${esc(p.id)}</code>${p.level ? ` ${esc(p.level)}` : ''}`).join(', ')}</p>`,
          )
          .join('')}</details>`
      : `${u.held} permission${u.held === 1 ? '' : 's'}`;
  const collections = u.collections.map((c) => `<div><b>${esc(c.collection)}</b>: ${esc(c.summary)}</div>`).join('');
  let change = '';
  if (u.change) {
    const d = u.change.access.permissions.map(
      (p) =>
        `${CHANGE_MARK[p.change]}&nbsp;<code>${esc(p.permission)}</code>${p.from || p.to ? ` ${esc([p.from, p.to].filter(Boolean).join(' → '))}` : ''}`,
    );
    const roleChange =
      u.change.rolesFrom.join(',') !== u.change.rolesTo.join(',')
        ? `roles ${esc(u.change.rolesFrom.join(', ') || '—')} → ${esc(u.change.rolesTo.join(', ') || '—')}; `
        : '';
    change = `<div><span class="mark changed">${esc(u.change.status)}</span> ${roleChange}${d.join(', ')}</div>`;
  }
  const text = `${u.name} ${u.title ?? ''} ${u.roles.join(' ')}`;
  return `<tr data-user="${esc(u.name)}" data-text="${esc(text)}"${classes ? ` class="${classes}"` : ''}><td><code>${esc(u.name)}</code>${u.escalated ? '<span class="mark esc">escalation</span>' : ''}<br><span class="muted">${esc(u.title ?? '')}</span></td><td>${roles}</td><td>${access}${change}</td>${withCollections ? `<td>${collections}</td>` : ''}</tr>`;
}

function graphSvg(view: SetView): string {
  const g = view.graph;
  if (!g.drawn) {
    const inheriting = view.roles.filter((r) => r.inherits.length > 0);
    return `<p class="muted">${view.roles.length} roles: too many to draw; ${inheriting.length} inherit from others.</p><details><summary>Inheritance as a list</summary><ul>${inheriting
      .map(
        (r) =>
          `<li><code>${esc(r.name)}</code> inherits ${r.inherits.map((p) => `<code>${esc(p)}</code>`).join(', ')}</li>`,
      )
      .join('')}</ul></details>`;
  }
  const at = new Map(g.nodes.map((n) => [n.name, n]));
  const column = new Map(view.roles.map((r) => [r.name, r]));
  const lines = g.edges
    .map((e) => {
      const a = at.get(e.from);
      const b = at.get(e.to);
      if (!a || !b) return '';
      return `<line x1="${a.x + NODE_WIDTH / 2}" y1="${a.y}" x2="${b.x + NODE_WIDTH / 2}" y2="${b.y + NODE_HEIGHT}" marker-end="url(#arrow-${esc(view.name)})"><title>${esc(e.from)} inherits ${esc(e.to)}</title></line>`;
    })
    .join('');
  const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const nodes = g.nodes
    .map((n) => {
      const r = column.get(n.name);
      const classes = [
        r?.isDefault ? 'default' : '',
        r?.isOwner ? 'owner' : '',
        r?.status ?? '',
        r?.escalated ? 'esc' : '',
      ]
        .filter(Boolean)
        .join(' ');
      return `<g${classes ? ` class="${classes}"` : ''}><title>${esc(n.title)} (${esc(n.name)})${r && r.users.length > 0 ? `: ${esc(r.users.join(', '))}` : ''}</title><rect x="${n.x}" y="${n.y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/><text x="${n.x + NODE_WIDTH / 2}" y="${n.y + 16}" text-anchor="middle">${esc(short(n.title, 24))}</text><text class="key" x="${n.x + NODE_WIDTH / 2}" y="${n.y + 31}" text-anchor="middle">${esc(short(n.name, 28))}</text></g>`;
    })
    .join('');
  return (
    `<svg class="graph" role="img" aria-labelledby="${esc(view.name)}-graph-title" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${esc(view.name)}-graph-title">Role inheritance of ${esc(view.name)}: each arrow points from a role to the role it inherits</title>` +
    `<defs><marker id="arrow-${esc(view.name)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7a8699"/></marker></defs>` +
    `${lines}${nodes}</svg>` +
    `<p class="muted">Arrows point from a role to the role it inherits (parents above). Green: the default role; amber: the owner role.${view.change ? ' Thick border: green added, yellow changed, red escalation.' : ''}</p>`
  );
}

function escalationItem(e: Escalation, anchor: string | undefined): string {
  const text = prose(e.message);
  return `<li>${anchor ? `<a href="#${anchor}">${text}</a>` : text}</li>`;
}

function setSection(view: SetView, index: number, change: boolean): string {
  const id = `set-${index}`;
  const out: string[] = [`<section class="set" id="${id}" data-set="${esc(view.name)}" aria-labelledby="${id}-h">`];
  const setStatus = view.change
    ? statusMark(view.change.status === 'unchanged' || view.change.status === 'changed' ? null : view.change.status)
    : '';
  out.push(
    `<h2 id="${id}-h">${esc(view.title ?? view.name)} <code>${esc(view.name)}</code> <span class="muted">${esc(view.change?.baseVersion && view.change.baseVersion !== view.version ? `${view.change.baseVersion} → ${view.version}` : view.version)}</span>${setStatus}</h2>`,
  );
  const facts = [
    `${view.permissionCount} permissions in ${view.categories.length} categories`,
    `${view.roles.length} roles`,
    `${view.users.length} users`,
    view.scopes.length > 0 ? `scopes ${view.scopes.join(' < ')}` : 'no scopes',
    view.defaultRole ? `default role ${view.defaultRole}` : '',
    view.ownerRole ? `owner role ${view.ownerRole}` : '',
  ].filter(Boolean);
  out.push(`<p class="muted">${esc(facts.join(' · '))}</p>`);
  if (view.description) out.push(`<p>${esc(view.description)}</p>`);
  if (view.change) {
    const v = view.change.version;
    out.push(
      `<p class="advice${v && !v.ok ? ' bad' : ''}">${prose(view.change.status === 'unchanged' ? 'No change to effective access.' : (view.change.advice ?? `set ${view.change.status}`))}</p>`,
    );
    if (view.change.status !== 'unchanged')
      out.push(
        `<p class="muted">${view.change.changedCells} changed cell${view.change.changedCells === 1 ? '' : 's'} · ${view.change.escalations.length} escalation${view.change.escalations.length === 1 ? '' : 's'}</p>`,
      );
  }
  out.push(`<h3 id="${id}-matrix-h">Access matrix</h3>`);
  out.push(legend(view, change));
  out.push(view.detailed ? staticMatrix(view, id) : pagedMatrix(view, id));
  out.push(collectionsHtml(view, view.collections));
  out.push(`<h3 id="${id}-users">Users</h3>`);
  if (view.users.length === 0) out.push('<p class="muted">No users assigned.</p>');
  else {
    out.push(
      `<div class="scroll" role="region" aria-label="Users of ${esc(view.name)}" tabindex="0"><table class="plain users"><thead><tr><th scope="col">User</th><th scope="col">Roles</th><th scope="col">Effective access</th>${view.collections.length > 0 ? '<th scope="col">Collections</th>' : ''}</tr></thead><tbody>`,
    );
    for (const u of view.users) out.push(userHtml(u, view.collections.length > 0));
    out.push('</tbody></table></div>');
  }
  out.push(`<h3 id="${id}-graph">Role graph</h3>`);
  out.push(graphSvg(view));
  out.push('</section>');
  return out.join('\n');
}

function controlsHtml(data: ReportData): string {
  const roles = [...new Set(data.sets.flatMap((s) => s.roles.map((r) => r.name)))];
  const categories = new Map<string, string>();
  for (const s of data.sets)
    for (const g of s.categories) if (!categories.has(g.name ?? '')) categories.set(g.name ?? '', g.title);
  return (
    '<form class="controls" id="controls" hidden role="search" aria-label="Filter the report">' +
    '<label>Permission<input type="search" id="f-text" placeholder="id, title or category"></label>' +
    `<label>Role<select id="f-role"><option value="">all roles</option>${roles.map((r) => `<option value="${esc(r)}">${esc(r)}</option>`).join('')}</select></label>` +
    `<label>Category<select id="f-cat"><option value="">all categories</option>${[...categories].map(([k, t]) => `<option value="${esc(k)}">${esc(t)}</option>`).join('')}</select></label>` +
    '<label>User<input type="search" id="f-user" placeholder="name or role"></label>' +
    (data.mode === 'change' ? '<label class="check"><input type="checkbox" id="f-changed"> changed only</label>' : '') +
    '<output id="f-count" aria-live="polite"></output></form>'
  );
}

function changeSummary(data: ReportData): string {
  const c = data.change!;
  const out: string[] = [
    `<section class="changes${c.escalations.length > 0 ? ' alarm' : ''}" id="changes" aria-labelledby="changes-h">`,
  ];
  out.push(`<h2 id="changes-h">${c.escalations.length > 0 ? '⚠ ' : ''}${esc(c.headline)}</h2>`);
  if (c.escalations.length > 0) {
    out.push(`<h3>Escalations</h3><ol class="escalations">`);
    for (const e of c.escalations) {
      const set = data.sets.findIndex((s) => s.name === e.set);
      const row = set >= 0 && e.permission ? rowAnchor(data.sets[set]!, `set-${set}`, e.permission) : undefined;
      out.push(escalationItem(e, row ?? (set >= 0 ? `set-${set}` : undefined)));
    }
    out.push('</ol>');
  }
  const advice = data.sets.filter((s) => s.change && s.change.status !== 'unchanged');
  if (advice.length > 0) {
    out.push('<h3>Versions</h3><ul>');
    for (const s of advice)
      out.push(
        `<li class="advice${s.change!.version && !s.change!.version.ok ? ' bad' : ''}"><code>${esc(s.name)}</code>: ${prose(s.change!.advice ?? s.change!.status)}</li>`,
      );
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** The whole page. */
export function renderHtml(data: ReportData, generator: string): string {
  const change = data.mode === 'change';
  const title = change
    ? `policyc report: ${data.source}`
    : `policyc report: ${data.sets.map((s) => s.name).join(', ')}`;
  const csp = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const toc = data.sets.map((s, i) => `<a href="#set-${i}">${esc(s.title ?? s.name)}</a>`).join('');
  const body = [
    '<a class="skip" href="#main">Skip to the report</a>',
    `<header class="page"><h1>${change ? 'Access change review' : 'Access matrix'}</h1><p>${esc(change ? data.source : `policy sets in ${data.source}`)}</p><p>Generated by ${esc(generator)}. This page loads nothing: it works offline, from a CI artifact or an e-mail attachment.</p></header>`,
    `<nav class="toc" aria-label="Sets">${change ? '<a href="#changes">Changes</a>' : ''}${toc}</nav>`,
    controlsHtml(data),
    '<main id="main">',
    change ? changeSummary(data) : '',
    ...data.sets.map((s, i) => setSection(s, i, change)),
    '</main>',
  ];
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="referrer" content="no-referrer">\n' +
    `<title>${esc(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body${change ? ' class="change"' : ''}>\n${body.filter(Boolean).join('\n')}\n<script>${SCRIPT}</script>\n</body>\n</html>\n`
  );
}
