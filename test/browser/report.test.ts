/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSet } from '../../bench/synthetic.js';
import { chromiumArgs, findChromium } from '../support/chromium.js';
import { runCli } from '../support/cli.js';
import { CHANGES } from '../support/diff-history.js';
import { ScratchRepo } from '../support/git-repo.js';
import { ROOT } from '../support/sets.js';

/*
 * `policyc report` pages opened in a real browser: Debian's Chromium, headless, driven by
 * playwright-core with the system executable. What a person sees is asserted: cells, filters,
 * highlighting, keyboard focus, print layout; and that the page requests nothing and logs no
 * error. Screenshots go to test/.artifacts/report/ (git-ignored; CI keeps the folder).
 */

const ARTIFACTS = path.join(ROOT, 'test/.artifacts/report');
const found = findChromium();
if ('missing' in found) console.warn(`browser tests skipped: ${found.missing}`);

let browser: Browser;
let work: string;
let repo: ScratchRepo;
const pages: { snapshot: string; change: string; crm: string; large: string } = {
  snapshot: '',
  change: '',
  crm: '',
  large: '',
};
let assertions = 0;

/** Everything a page did that it must not: requests beyond its own file, console errors, uncaught exceptions. */
interface Watch {
  readonly requests: string[];
  readonly errors: string[];
}

async function open(
  file: string,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ page: Page; context: BrowserContext; watch: Watch }> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1000 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const url = pathToFileURL(file).href;
  const watch: Watch = { requests: [], errors: [] };
  // Every request the page makes is intercepted: the document itself may load, anything else is recorded and aborted.
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    watch.requests.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => {
    if (r.url() !== url && !watch.requests.includes(r.url())) watch.requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watch.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, watch };
}

/** The text of the matrix cell (role, permission) of a set, as rendered. */
async function cell(page: Page, set: string, role: string, permission: string) {
  const section = page.locator(`section[data-set="${set}"]`);
  const column = await section
    .locator('table.matrix thead th[data-role]')
    .evaluateAll((ths, r) => ths.findIndex((th) => th.getAttribute('data-role') === r), role);
  expect(column).toBeGreaterThanOrEqual(0);
  return section.locator(`table.matrix tr[data-perm="${permission}"] > td`).nth(column);
}

async function visibleRows(page: Page, set: string): Promise<string[]> {
  return page
    .locator(`section[data-set="${set}"] table.matrix tr[data-perm]:visible`)
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-perm')!));
}

describe.skipIf('missing' in found)('policyc report in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(path.join(tmpdir(), 'policyc-report-'));
    pages.snapshot = path.join(ARTIFACTS, 'shipped-sets.html');
    pages.crm = path.join(ARTIFACTS, 'crm.html');
    pages.change = path.join(ARTIFACTS, 'change.html');
    pages.large = path.join(work, 'large.html');
    expect((await runCli(['report', '-o', pages.snapshot])).code).toBe(0);
    expect((await runCli(['report', 'policies/crm', '-o', pages.crm])).code).toBe(0);

    // A pull request: Team Leads update every group's records (an escalation); Support Agents see campaigns.
    repo = new ScratchRepo();
    repo.checkout('change', true);
    CHANGES.widenScope(repo);
    CHANGES.addPermission(repo);
    repo.commit('widen team-lead, support-agent sees campaigns', 'pr');
    const r = await repo.run(['report', 'base', 'pr', '-o', pages.change]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    // A set too large for a static table: 300 roles × 500 permissions, paged.
    const policies = writeSyntheticSet(work, 'large', { roles: 300, permissions: 500, users: 50, seed: 7 });
    expect((await runCli(['report', policies, '-o', pages.large])).code).toBe(0);

    browser = await chromium.launch({ executablePath: (found as { path: string }).path, args: chromiumArgs() });
  });

  afterEach(() => {
    assertions += expect.getState().assertionCalls;
  });

  afterAll(async () => {
    await browser?.close();
    repo?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
    console.info(`browser tests: ${assertions} assertions`);
  });

  it('the harness sees requests: a page with an image from the network is caught (control)', async () => {
    const context = await browser.newContext();
    const seen: string[] = [];
    await context.route('**/*', (route) => {
      seen.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.setContent('<img src="http://example.invalid/pixel.png">');
    await page.waitForTimeout(200);
    expect(seen).toContain('http://example.invalid/pixel.png');
    await context.close();
  });

  it('shows the matrix of both shipped sets: (team-lead, records:update) is group, directly granted', async () => {
    const { page, context, watch } = await open(pages.snapshot);
    const c = await cell(page, 'crm', 'team-lead', 'records:update');
    await expect.poll(() => c.innerText()).toBe('group');
    expect(await c.getAttribute('title')).toContain('grant records:update: group');
    expect(await c.getAttribute('class')).toContain('lv1');
    const inherited = await cell(page, 'crm', 'team-lead', 'records:delete');
    expect(await inherited.innerText()).toMatch(/^own/);
    expect(await inherited.getAttribute('title')).toContain('inherited from sales-agent');
    const implied = await cell(page, 'platform', 'automation-builder', 'agents:view');
    expect(await implied.getAttribute('title')).toContain('implies it: create ⇒ view');
    expect(await page.locator('section[data-set="crm"] tr[data-perm="users:deactivate"] .mark.self').count()).toBe(1);
    expect(await page.locator('section[data-set="crm"] tr[data-perm="roles:configure"] .mark.sensitive').count()).toBe(
      1,
    );
    expect(await visibleRows(page, 'crm')).toHaveLength(49);
    expect(await visibleRows(page, 'platform')).toHaveLength(154);
    // Collections, users (default role applied) and the role graph are on the page.
    expect(
      await page.locator('section[data-set="platform"] tr[data-crole="integration-engineer"]').first().innerText(),
    ).toContain('all except listed');
    expect(await page.locator('section[data-set="crm"] tr[data-user="frank"]').innerText()).toContain('default role');
    expect(await page.locator('section[data-set="crm"] svg.graph g').count()).toBe(9);
    await page.screenshot({ path: path.join(ARTIFACTS, 'shipped-sets.png') });
    await page.locator('section[data-set="platform"]').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.getElementById('set-1-matrix-h')!.scrollIntoView());
    await page.screenshot({ path: path.join(ARTIFACTS, 'platform.png') });
    await page.setViewportSize({ width: 1400, height: 5400 });
    await page.locator('section[data-set="platform"]').screenshot({ path: path.join(ARTIFACTS, 'platform-whole.png') });
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('one set on its own, whole page', async () => {
    const { page, context, watch } = await open(pages.crm);
    expect(await page.locator('section.set').count()).toBe(1);
    expect(await (await cell(page, 'crm', 'team-lead', 'records:update')).innerText()).toBe('group');
    // Tall enough for the matrix's scroll box (78 % of the viewport) to hold every row.
    await page.setViewportSize({ width: 1400, height: 2400 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'crm.png'), fullPage: true });
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('reads without JavaScript: the matrix is plain HTML, the filters stay hidden', async () => {
    const { page, context, watch } = await open(pages.snapshot, { javaScriptEnabled: false });
    expect(await (await cell(page, 'crm', 'team-lead', 'records:update')).innerText()).toBe('group');
    expect(await page.locator('#controls').isVisible()).toBe(false);
    expect(await visibleRows(page, 'crm')).toHaveLength(49);
    expect(watch.requests).toEqual([]);
    await context.close();
  });

  it('filters by permission text, role and category, and says how many rows are shown', async () => {
    const { page, context, watch } = await open(pages.snapshot);
    await page.locator('#f-text').fill('deactivate');
    expect(await visibleRows(page, 'crm')).toEqual(['users:deactivate']);
    await expect.poll(() => page.locator('#f-count').innerText()).toMatch(/^1 of 203 /);
    await page.locator('#f-text').fill('');
    await page.locator('#f-role').selectOption('team-lead');
    const headers = await page
      .locator('section[data-set="crm"] table.matrix thead th[data-role]:visible')
      .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-role')));
    expect(headers).toEqual(['team-lead']);
    expect(await page.locator('section[data-set="crm"] tr[data-perm="records:update"] > td:visible').count()).toBe(1);
    // A role the platform set does not have: its rows are hidden rather than shown without columns.
    expect(await visibleRows(page, 'platform')).toEqual([]);
    await page.locator('#f-role').selectOption('');
    await page.locator('#f-cat').selectOption('crm-modules');
    expect(await visibleRows(page, 'crm')).toEqual([
      'records:view',
      'records:create',
      'records:update',
      'records:delete',
    ]);
    await page.locator('#f-cat').selectOption('');
    await page.locator('#f-user').fill('frank');
    expect(await page.locator('section[data-set="crm"] tr[data-user]:visible').count()).toBe(1);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('is keyboard accessible: a skip link first, then the filters, each labelled', async () => {
    const { page, context } = await open(pages.snapshot);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the report');
    expect(await page.locator('.skip').isVisible()).toBe(true);
    const order: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
    }
    expect(order).toEqual(expect.arrayContaining(['f-text', 'f-role', 'f-cat', 'f-user']));
    for (const id of ['f-text', 'f-role', 'f-cat', 'f-user'])
      expect(await page.locator(`#${id}`).evaluate((el) => (el as HTMLInputElement).labels?.length ?? 0)).toBe(1);
    // Typing into the focused search field filters.
    await page.locator('#f-text').focus();
    await page.keyboard.type('roles:configure');
    expect(await visibleRows(page, 'crm')).toEqual(['roles:configure']);
    // The matrix scrolls by keyboard: its region takes focus.
    expect(await page.locator('section[data-set="crm"] .scroll[role="region"]').first().getAttribute('tabindex')).toBe(
      '0',
    );
    await context.close();
  });

  it('prints: no filters, no scroll box, sticky headers released', async () => {
    const { page, context } = await open(pages.snapshot);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#controls').isVisible()).toBe(false);
    const scroll = page.locator('section[data-set="crm"] .scroll').first();
    expect(await scroll.evaluate((el) => getComputedStyle(el).overflow)).toBe('visible');
    expect(
      await page
        .locator('section[data-set="crm"] table.matrix thead th')
        .first()
        .evaluate((el) => getComputedStyle(el).position),
    ).toBe('static');
    await context.close();
  });

  it('change mode: escalations first and highlighted, "changed only" hides unchanged rows', async () => {
    const { page, context, watch } = await open(pages.change);
    // The summary comes before the sets, escalations first in it.
    const summary = page.locator('#changes');
    expect(await summary.locator('ol.escalations li').allInnerTexts()).toEqual([
      'role team-lead (Team Lead) widens records:update (Update) from group to all',
    ]);
    expect(await page.locator('main > *').first().getAttribute('id')).toBe('changes');
    expect(await summary.innerText()).toContain('calls for a minor bump (1.1.0)');

    const escalated = await cell(page, 'crm', 'team-lead', 'records:update');
    expect(await escalated.getAttribute('class')).toContain('esc');
    expect(await escalated.innerText()).toMatch(/⚠▲\s*group\s*all/);
    expect(await escalated.evaluate((el) => getComputedStyle(el).boxShadow)).not.toBe('none');
    expect(await escalated.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 215, 220)');
    const gained = await cell(page, 'crm', 'support-agent', 'campaigns:view');
    expect(await gained.getAttribute('class')).toContain('ch-gained');
    expect(await gained.getAttribute('class')).not.toContain('esc');
    expect(await page.locator('section[data-set="crm"] th[data-role="team-lead"] .mark.esc').count()).toBe(1);
    // The escalation links to its row.
    await summary.locator('ol.escalations a').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#set-0-r\d+$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'change-escalation.png') });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'change.png') });

    expect(await visibleRows(page, 'crm')).toHaveLength(49);
    await page.locator('#f-changed').check();
    expect((await visibleRows(page, 'crm')).sort()).toEqual(['campaigns:view', 'records:update']);
    expect(await visibleRows(page, 'platform')).toEqual([]);
    expect(await page.locator('section[data-set="crm"] tr[data-perm="records:view"]').isVisible()).toBe(false);
    expect(
      (
        await page
          .locator('section[data-set="crm"] tr[data-user]:visible')
          .evaluateAll((trs) => trs.map((t) => t.getAttribute('data-user')))
      ).sort(),
    ).toEqual(['bob', 'ivan', 'mallory']);
    await page.evaluate(() => document.getElementById('set-0-matrix-h')!.scrollIntoView());
    await page.screenshot({ path: path.join(ARTIFACTS, 'change-changed-only.png') });
    await page.locator('#f-changed').uncheck();
    expect(await visibleRows(page, 'crm')).toHaveLength(49);
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('a large set is paged: the first page is static, the pager walks rows and roles and follows the filters', async () => {
    const html = readFileSync(pages.large, 'utf8');
    expect(html).toContain('data-matrix=');
    const { page, context, watch } = await open(pages.large);
    const info = page.locator('[data-page-info]');
    expect(await info.innerText()).toBe('permissions 1–100 of 500 · roles 1–40 of 300');
    expect(await page.locator('#f-count').innerText()).toBe('500 of 500 permission rows shown');
    expect(await page.locator('#set-0-pages table.matrix tbody tr').count()).toBe(100);
    await page.locator('[data-page="rows-next"]').click();
    expect(await info.innerText()).toBe('permissions 101–200 of 500 · roles 1–40 of 300');
    await page.locator('[data-page="cols-next"]').click();
    expect(await info.innerText()).toBe('permissions 101–200 of 500 · roles 41–80 of 300');
    expect(await page.locator('#set-0-pages table.matrix thead th').nth(1).locator('code').innerText()).toBe(
      'role-00040',
    );
    await page.locator('#f-text').fill('r00003:');
    expect(await info.innerText()).toBe('permissions 1–5 of 5 · roles 1–40 of 300');
    expect(await page.locator('#f-count').innerText()).toBe('5 of 500 permission rows shown');
    await page.locator('#f-role').selectOption('role-00123');
    expect(await info.innerText()).toBe('permissions 1–5 of 5 · roles 1–1 of 1');
    expect(await page.locator('[data-page="rows-next"]').isDisabled()).toBe(true);
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    await context.close();
  });
});
