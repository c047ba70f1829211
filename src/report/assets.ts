/*
 * The report page's inline style sheet and script. Both are embedded verbatim (the page loads
 * nothing), and the page's Content-Security-Policy allows exactly these two by their hashes.
 * The matrix is plain HTML: the script only filters what is already there, and pages through
 * the matrix of a set too large to write out as a table.
 */

/** The page's CSS: screen, keyboard focus, and print. */
export const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #d5dae3; --bg: #fff; --head: #f3f5f9;
  --l0: #e3f0ff; --l1: #b9d8ff; --l2: #7fb2f5; --full: #8fc79a;
  --gain: #1a7f37; --lose: #c62828; --esc: #b00020; --focus: #1f6feb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
a { color: #0b57d0; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: 6px 10px; z-index: 10; }
.skip:focus { left: 8px; }
header.page { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); }
header.page h1 { margin: 0 0 4px; font-size: 22px; }
header.page p { margin: 2px 0; color: var(--muted); }
nav.toc { padding: 6px 24px; border-bottom: 1px solid var(--line); background: var(--head); }
nav.toc a { margin-right: 14px; }
main { padding: 8px 24px 40px; }
h2 { font-size: 20px; margin: 28px 0 4px; }
[id] { scroll-margin-top: 80px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
.controls { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; padding: 8px 24px; background: #fbfcfe; border-bottom: 1px solid var(--line); }
.controls[hidden] { display: none; }
.controls label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.controls label.check { flex-direction: row; align-items: center; gap: 6px; font-size: 14px; color: var(--fg); }
.controls input[type=search], .controls select { font: inherit; padding: 4px 6px; min-width: 12em; border: 1px solid #aab3c2; border-radius: 4px; }
.controls output { font-size: 12px; color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin: 6px 0 10px; padding: 0; list-style: none; }
.legend .lv { display: inline-block; min-width: 3.2em; text-align: center; border: 1px solid var(--line); }
.scroll { overflow: auto; max-height: 78vh; border: 1px solid var(--line); }
table { border-collapse: separate; border-spacing: 0; }
.matrix th, .matrix td { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 2px 6px; }
.matrix thead th { position: sticky; top: 0; z-index: 2; background: var(--head); vertical-align: bottom; font-weight: 600; font-size: 12px; min-width: 5.5em; max-width: 9em; }
.matrix thead th code { display: block; font-weight: 400; color: var(--muted); overflow-wrap: anywhere; }
.matrix thead th.corner { left: 0; z-index: 3; text-align: left; min-width: 18em; }
.matrix tbody th { position: sticky; left: 0; z-index: 1; background: #fff; text-align: left; font-weight: 400; min-width: 18em; max-width: 26em; }
.matrix tbody th .title { color: var(--muted); margin-left: 6px; }
.matrix tr.cat th { background: var(--head); font-weight: 600; font-size: 13px; padding-top: 6px; }
.matrix td { text-align: center; white-space: nowrap; font-size: 12px; min-width: 5.5em; }
.lv0 { background: var(--l0); } .lv1 { background: var(--l1); } .lv2 { background: var(--l2); } .full { background: var(--full); }
td .via { font-size: 10px; color: #243b63; margin-left: 2px; vertical-align: super; }
.mark { display: inline-block; font-size: 10px; line-height: 14px; padding: 0 4px; margin-left: 4px; border-radius: 7px; border: 1px solid; vertical-align: 1px; }
.mark.sensitive { color: #8a4b00; border-color: #e0a44b; background: #fff6e5; }
.mark.self { color: #4a3a8a; border-color: #a99be0; background: #f3f0ff; }
.mark.removed, .mark.lost { color: var(--lose); border-color: var(--lose); }
.mark.added, .mark.gained { color: var(--gain); border-color: var(--gain); }
.mark.changed { color: #6b5800; border-color: #c8b100; }
.mark.esc { color: #fff; background: var(--esc); border-color: var(--esc); }
td.ch { font-weight: 700; }
td.ch-gained, td.ch-widened { box-shadow: inset 0 0 0 2px var(--gain); }
td.ch-lost, td.ch-narrowed { box-shadow: inset 0 0 0 2px var(--lose); background: #fde8e8; }
td.esc { box-shadow: inset 0 0 0 3px var(--esc); background: #ffd7dc; color: #5c0010; }
tr.esc > th { box-shadow: inset 4px 0 0 var(--esc); }
th.esc { box-shadow: inset 0 -4px 0 var(--esc); }
td del { color: var(--lose); }
.changes { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 12px 0; background: #fbfcfe; }
.changes.alarm { border-color: var(--esc); background: #fff3f4; }
.changes h2 { margin-top: 0; }
.changes ol { margin: 6px 0; padding-left: 22px; }
.changes li { margin: 3px 0; }
.advice { font-weight: 600; }
.advice.bad { color: var(--esc); }
.plain th, .plain td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
.plain thead th { background: var(--head); position: sticky; top: 0; }
.plain td.changed { box-shadow: inset 3px 0 0 #c8b100; }
.plain tr.esc td:first-child { box-shadow: inset 4px 0 0 var(--esc); }
details > summary { cursor: pointer; }
.graph { max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.graph rect { fill: #f3f7ff; stroke: #5477b8; }
.graph .default rect { fill: #eef8ef; stroke: #3b8a4b; }
.graph .owner rect { fill: #fff6e5; stroke: #c98a1a; }
.graph .added rect { stroke: var(--gain); stroke-width: 3; }
.graph .changed rect { stroke: #c8b100; stroke-width: 3; }
.graph .esc rect { stroke: var(--esc); stroke-width: 3; }
.graph text { font: 12px system-ui, sans-serif; fill: #1d2330; }
.graph text.key { font: 10px ui-monospace, monospace; fill: #5b6475; }
.graph line { stroke: #7a8699; stroke-width: 1.5; }
.pager { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 6px 0; }
.pager button { font: inherit; padding: 3px 10px; }
.hidden, [data-off] { display: none !important; }
@media print {
  .controls, nav.toc, .skip, .pager { display: none !important; }
  body { font-size: 10px; }
  main, header.page { padding: 0; }
  .scroll { overflow: visible; max-height: none; border: 0; }
  .matrix thead th, .matrix tbody th, .plain thead th { position: static; }
  tr { break-inside: avoid; }
  section.set { break-before: page; }
  section.set:first-of-type { break-before: auto; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;

/**
 * The page's script: filters (text, role, category, user, "changed only") and the pager of large
 * matrices. Plain ES2020, no dependencies; every element it needs is found by data attributes.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var controls = document.getElementById('controls');
  if (!controls) return;
  controls.hidden = false;
  var q = document.getElementById('f-text');
  var role = document.getElementById('f-role');
  var cat = document.getElementById('f-cat');
  var user = document.getElementById('f-user');
  var changed = document.getElementById('f-changed');
  var out = document.getElementById('f-count');
  var big = [];

  function norm(s) { return (s || '').toLowerCase(); }

  function applyMatrix(table) {
    var text = norm(q.value).trim();
    var wantRole = role.value;
    var wantCat = cat.value;
    var onlyChanged = !!(changed && changed.checked);
    var shown = 0, total = 0;
    var cols = table.querySelectorAll('thead th[data-role]');
    var keep = [];
    for (var i = 0; i < cols.length; i++) {
      var on = !wantRole || cols[i].getAttribute('data-role') === wantRole;
      keep.push(on);
      if (on) cols[i].removeAttribute('data-off'); else cols[i].setAttribute('data-off', '');
    }
    var hasRole = keep.indexOf(true) >= 0;
    var groups = table.tBodies;
    for (var g = 0; g < groups.length; g++) {
      var body = groups[g];
      var catOn = !wantCat || body.getAttribute('data-cat') === wantCat;
      var visible = 0;
      var rows = body.querySelectorAll('tr[data-perm]');
      for (var r = 0; r < rows.length; r++) {
        var tr = rows[r];
        total++;
        var on = catOn && (!text || norm(tr.getAttribute('data-text')).indexOf(text) >= 0) && (!onlyChanged || tr.classList.contains('changed'));
        if (!hasRole) on = false;
        if (on) { tr.removeAttribute('data-off'); visible++; shown++; } else tr.setAttribute('data-off', '');
        var cells = tr.cells;
        for (var c = 1; c < cells.length; c++) {
          if (keep[c - 1]) cells[c].removeAttribute('data-off'); else cells[c].setAttribute('data-off', '');
        }
      }
      var head = body.querySelector('tr.cat');
      if (head) { if (visible) head.removeAttribute('data-off'); else head.setAttribute('data-off', ''); }
    }
    return [shown, total];
  }

  function applyRows(selector, needle, attr) {
    var onlyChanged = !!(changed && changed.checked);
    var rows = document.querySelectorAll(selector);
    for (var i = 0; i < rows.length; i++) {
      var tr = rows[i];
      var on = (!needle || norm(tr.getAttribute(attr)).indexOf(needle) >= 0) && (!onlyChanged || tr.classList.contains('changed'));
      if (on) tr.removeAttribute('data-off'); else tr.setAttribute('data-off', '');
    }
  }

  function apply() {
    var shown = 0, total = 0;
    var tables = document.querySelectorAll('table.matrix[data-static]');
    for (var t = 0; t < tables.length; t++) { var n = applyMatrix(tables[t]); shown += n[0]; total += n[1]; }
    applyRows('tr[data-user]', norm(user.value).trim(), 'data-text');
    var wantRole = role.value;
    var crs = document.querySelectorAll('tr[data-crole]');
    for (var i = 0; i < crs.length; i++) {
      var on = (!wantRole || crs[i].getAttribute('data-crole') === wantRole) && (!(changed && changed.checked) || crs[i].classList.contains('changed'));
      if (on) crs[i].removeAttribute('data-off'); else crs[i].setAttribute('data-off', '');
    }
    for (var b = 0; b < big.length; b++) { var m = big[b].render(true); shown += m[0]; total += m[1]; }
    out.value = shown + ' of ' + total + ' permission rows shown';
  }

  [q, role, cat, user, changed].forEach(function (el) { if (el) el.addEventListener('input', apply); });
  controls.addEventListener('submit', function (e) { e.preventDefault(); });

  // Large sets: the matrix is data, drawn a page at a time.
  var blobs = document.querySelectorAll('script[type="application/json"][data-matrix]');
  for (var k = 0; k < blobs.length; k++) big.push(pager(blobs[k]));

  function pager(blob) {
    var d = JSON.parse(blob.textContent);
    var host = document.getElementById(blob.getAttribute('data-matrix'));
    var table = host.querySelector('table');
    var info = host.querySelector('[data-page-info]');
    var ROWS = d.pageRows, COLS = d.pageCols;
    var state = { r: 0, c: 0, rows: null, cols: null };
    function buttons(name, fn) { var b = host.querySelector('[data-page="' + name + '"]'); b.disabled = false; b.addEventListener('click', fn); return b; }
    function filter() {
      var text = norm(q.value).trim(), wantCat = cat.value, wantRole = role.value;
      var rows = [];
      for (var i = 0; i < d.rows.length; i++) {
        var row = d.rows[i];
        if (wantCat && d.categories[row[2]][0] !== wantCat) continue;
        if (text && norm(row[0] + ' ' + row[1] + ' ' + d.categories[row[2]][1]).indexOf(text) < 0) continue;
        rows.push(i);
      }
      var cols = [];
      for (var j = 0; j < d.roles.length; j++) if (!wantRole || d.roles[j][0] === wantRole) cols.push(j);
      state.rows = rows; state.cols = cols;
    }
    function cell(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
    function render(reset) {
      if (reset) { filter(); state.r = 0; state.c = 0; }
      var rows = state.rows.slice(state.r, state.r + ROWS), cols = state.cols.slice(state.c, state.c + COLS);
      var thead = document.createElement('thead'), hr = document.createElement('tr');
      var corner = cell('th', 'Permission', 'corner'); corner.scope = 'col'; hr.appendChild(corner);
      cols.forEach(function (j) { var th = cell('th', d.roles[j][1]); th.scope = 'col'; th.appendChild(cell('code', d.roles[j][0])); hr.appendChild(th); });
      thead.appendChild(hr);
      var tbody = document.createElement('tbody');
      rows.forEach(function (i) {
        var row = d.rows[i], tr = document.createElement('tr');
        var th = cell('th'); th.scope = 'row'; th.appendChild(cell('code', row[0])); th.appendChild(cell('span', row[1], 'title'));
        if (row[3] & 1) th.appendChild(cell('span', 'sensitive', 'mark sensitive'));
        if (row[3] & 2) th.appendChild(cell('span', 'self', 'mark self'));
        tr.appendChild(th);
        var levels = d.levels[i];
        cols.forEach(function (j) {
          var ch = levels.charAt(j), td;
          if (ch === '.') td = cell('td', '');
          else if (ch === 'F') td = cell('td', '\\u2713', 'full');
          else { var lv = ch.charCodeAt(0) - 48; td = cell('td', d.scopes[lv], 'lv' + Math.min(2, Math.round(2 * lv / Math.max(1, d.scopes.length - 1)))); }
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      table.replaceChildren(thead, tbody);
      info.textContent = 'permissions ' + (rows.length ? state.r + 1 : 0) + '\\u2013' + (state.r + rows.length) + ' of ' + state.rows.length +
        ' \\u00b7 roles ' + (cols.length ? state.c + 1 : 0) + '\\u2013' + (state.c + cols.length) + ' of ' + state.cols.length;
      prevR.disabled = state.r === 0; nextR.disabled = state.r + ROWS >= state.rows.length;
      prevC.disabled = state.c === 0; nextC.disabled = state.c + COLS >= state.cols.length;
      return [state.cols.length ? state.rows.length : 0, d.rows.length];
    }
    var prevR = buttons('rows-prev', function () { state.r = Math.max(0, state.r - ROWS); render(false); });
    var nextR = buttons('rows-next', function () { state.r += ROWS; render(false); });
    var prevC = buttons('cols-prev', function () { state.c = Math.max(0, state.c - COLS); render(false); });
    var nextC = buttons('cols-next', function () { state.c += COLS; render(false); });
    filter();
    return { render: render };
  }
  apply();
})();
`;
