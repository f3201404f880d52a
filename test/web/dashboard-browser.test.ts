// The dashboard in a real browser (Debian's chromium through playwright-core): log in with a token,
// read each page's content, check keyboard navigation and WCAG A/AA rules (axe-core, including
// colour contrast), and save a screenshot of each page under test-output/dashboard/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { takeSnapshot } from '../../src/compliance/index.js';
import { createApp, startServer, type RunningServer } from '../../src/http/index.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createTestApp } from '../support/app.js';
import { RULES, seedFleet } from '../compliance/seed-fleet.js';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM
// library (it would change Node's fetch types), so the little they touch is declared here.
declare const document: { activeElement: { textContent: string | null; id: string } | null };
declare const window: unknown;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = process.env.TEST_OUTPUT_DIR ?? join('test-output', 'dashboard');

describe(
  'dashboard in a browser',
  {
    skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} missing (bash .ci/run installs chromium)`,
  },
  () => {
    let t: Awaited<ReturnType<typeof createTestApp>>;
    let server: RunningServer;
    let browser: Browser;
    let page: Page;

    const text = async (selector: string) =>
      ((await page.innerText(selector)) ?? '').replace(/\s+/g, ' ');
    const shot = (name: string) =>
      page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    async function accessibility(name: string) {
      await page.evaluate(axe.source);
      // The page's window and result types are the browser's, not this program's: the casts say them.
      /* eslint-disable @typescript-eslint/no-unnecessary-type-assertion */
      const result = (await page.evaluate(() =>
        (window as unknown as { axe: typeof axe }).axe.run(document as never, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        }),
      )) as axe.AxeResults;
      /* eslint-enable @typescript-eslint/no-unnecessary-type-assertion */
      assert.deepEqual(
        result.violations.map(
          (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
        [],
        `${name}: accessibility violations`,
      );
      assert.ok(result.passes.some((p) => p.id === 'color-contrast') || name === 'badge');
    }

    before(async () => {
      mkdirSync(OUT, { recursive: true });
      t = await createTestApp();
      await seedFleet(t.app, t.db, t.tokens.admin);
      await takeSnapshot(t.db); // today's burndown point, as the workers' schedule takes it
      server = await startServer(t.app, { port: 0, host: '127.0.0.1' });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await t?.close();
    });

    it('asks for a token, then shows the fleet overview', async () => {
      await page.goto(`${server.url}/`);
      assert.match(page.url(), /\/login\?next=%2F$/);
      await accessibility('login');
      await shot('login');
      await page.fill('#token', 'stg_not-a-token');
      await page.press('#token', 'Enter');
      await page.waitForURL(/failed=1/);
      assert.match((await page.textContent('[role=alert]')) ?? '', /unknown, revoked/);
      await page.fill('#token', t.tokens.read);
      await page.press('#token', 'Enter');
      await page.waitForURL(`${server.url}/`);
      const main = await text('main');
      assert.match(main, /Fleet compliance/);
      assert.match(main, /33\.3%\s*compliant on MUST rules \(1 of 3\)/);
      assert.match(main, /1\s*repositories overdue \(1 overdue rules\)/);
      assert.match(main, /on 1\.0\.0; 0 behind, 1 not adopted/);
      assert.ok(
        await page.$(`a[href="/rules/${RULES.health}"]`),
        'top failing rule links to its page',
      );
      assert.match((await page.textContent('svg[role=img] title')) ?? '', /Burndown of Fleet test/);
      await accessibility('overview');
      await shot('overview');
    });

    it('is usable with the keyboard: skip link first, then the navigation', async () => {
      await page.goto(`${server.url}/`);
      await page.keyboard.press('Tab');
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent),
        'Skip to content',
      );
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      await page.goto(`${server.url}/`);
      const order: string[] = [];
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab');
        order.push((await page.evaluate(() => document.activeElement?.textContent?.trim())) ?? '');
      }
      assert.deepEqual(order, ['Skip to content', 'steering', 'Fleet', 'Heat map', 'Rollouts']);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/rules\//);
    });

    it('shows the heat map with overdue cells', async () => {
      await page.goto(`${server.url}/heatmap?guideline=fleet`);
      const cell = await page.getAttribute(
        `tr:has(a[href="/repositories/acme/alpha"]) td[title^="${RULES.health}"]`,
        'title',
      );
      assert.equal(cell, `${RULES.health}: fail (overdue)`);
      const rows = await page.$$eval('table.heat tbody tr', (trs) => trs.length);
      assert.equal(rows, 4);
      await accessibility('heatmap');
      await shot('heatmap');
    });

    it('shows a rule page: who fails, evidence, waivers', async () => {
      await page.goto(`${server.url}/rules/${RULES.health}`);
      const main = await text('main');
      assert.match(main, /Failing repositories \(1\)/);
      assert.match(main, /acme\/alpha\s*fail \(overdue\)/);
      assert.match(main, /src\/app\.ts:3/);
      await accessibility('rule');
      await shot('rule');
    });

    it('shows a repository page with its badge and history', async () => {
      await page.goto(`${server.url}/repositories/acme/alpha`);
      const main = await text('main');
      assert.match(main, /Rules of fleet 1\.0\.0 \(not compliant, 1 overdue\)/);
      assert.match(main, /fail \(overdue\)/);
      const badgeWidth = await page.$eval(
        'img[alt="compliance badge"]',
        (img) => (img as unknown as { naturalWidth: number }).naturalWidth,
      );
      assert.ok(badgeWidth > 50, `badge rendered (${badgeWidth}px)`);
      await accessibility('repository');
      await shot('repository');
      await page.goto(`${server.url}/rollouts`);
      assert.match(await text('main'), /Rollout progress/);
      await shot('rollouts');
    });

    it('serves badges only to a session, a token, or when configured public', async () => {
      const anonymous = await request(t.app).get('/badge/acme/alpha.svg');
      assert.equal(anonymous.status, 401);
      const withToken = await request(t.app)
        .get('/badge/acme/alpha.svg')
        .set('authorization', `Bearer ${t.tokens.read}`);
      assert.equal(withToken.status, 200);
      assert.match(withToken.type, /svg/);
      assert.match(withToken.body.toString(), /steering: 1 overdue/);
      const bravo = await request(t.app)
        .get('/badge/acme/bravo.svg')
        .set('authorization', `Bearer ${t.tokens.read}`);
      assert.match(bravo.body.toString(), /steering: compliant/);
      const open = createApp({
        db: t.db,
        logger: silentLogger,
        metrics: createMetrics({ processMetrics: false }),
        compliance: { publicBadges: true, publicDashboard: true },
      });
      assert.equal((await request(open).get('/badge/acme/alpha.svg')).status, 200);
      const home = await request(open).get('/');
      assert.equal(home.status, 200);
      assert.match(home.text, /Fleet compliance/);
      assert.equal((await request(t.app).get('/')).status, 303);
    });
  },
);
