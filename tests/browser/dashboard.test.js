// The dashboard in a real browser: Debian's chromium driven by playwright-core, against a
// `domainscan serve` this file starts on the scan test bed that tests/run-all.sh started
// (DNS, nginx with the test CA's certificates, RDAP and VirusTotal-shaped JSON). Each test
// does what a person does: add a domain, watch its scan finish without reloading, open its
// page, read its certificate's issuer and its grade, set a schedule, rescan, see a bad
// domain's reason. A screenshot of every page goes to $DOMAINSCAN_TEST_ARTIFACTS.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServe } from './serve.js';

const artifacts = process.env.DOMAINSCAN_TEST_ARTIFACTS || join(tmpdir(), 'domainscan-screenshots');
mkdirSync(artifacts, { recursive: true });

let server;
let base;
let browser;
const foreignRequests = [];
const openPages = [];

async function newPage(viewport = { width: 1200, height: 900 }) {
  const page = await browser.newPage({ viewport });
  openPages.push(page);
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  // Nothing but the project's own server: no fonts, scripts or data from other hosts.
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreignRequests.push(r.url());
  });
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

// The API's own error message for a request, to compare with what the page shows.
async function apiError(path, body) {
  const res = await fetch(base + path,
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()).error.message;
}

async function addThroughForm(page, domain, cron, timezone) {
  await page.goto(`${base}/`);
  await page.getByLabel('Domain', { exact: true }).fill(domain);
  if (cron) await page.getByLabel('Schedule (cron, optional)').fill(cron);
  if (timezone) await page.getByLabel('Time zone').fill(timezone);
  await page.getByRole('button', { name: 'Add and scan' }).click();
}

before(async () => {
  server = await startServe();
  base = server.base;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

// Each test's pages are closed after it, as a person closes tabs: pages left open keep
// polling, and their connections count against the server's per-client limit
// (--max-connections-per-client), which a dozen open pages reach.
afterEach(async () => {
  for (const page of openPages.splice(0)) await page.close();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  assert.deepEqual(foreignRequests, [], 'the dashboard asked a host other than its own server');
});

test('a domain added through the form is scanned, and its page shows certificate and grade', async () => {
  const page = await newPage();
  await addThroughForm(page, 'Valid.Web.Test');
  await page.getByRole('status').filter({ hasText: 'valid.web.test added' }).waitFor();
  // The list shows the scan finishing, without a reload: the row gets its grade.
  const row = page.locator('tr[data-domain="valid.web.test"]');
  await row.getByLabel('grade B').waitFor({ timeout: 30000 });
  await screenshot(page, '1-domains');

  await row.getByRole('link', { name: 'valid.web.test' }).click();
  await page.getByRole('heading', { name: 'valid.web.test', level: 1 }).waitFor();
  const tls = page.locator('#check-tls .highlights');
  await tls.getByText('CN=domainscan test CA').waitFor();
  assert.match(await tls.innerText(), /Days left\s+\d+/);
  assert.equal(await page.locator('.summary').getByLabel('grade B').count(), 1);
  assert.equal(await page.locator('#score').innerText(), '80');
  // Findings come sorted by severity, each with its id.
  await page.getByText('email.dmarc_missing').waitFor();
  for (const id of ['dns', 'email', 'tls', 'http', 'rdap', 'reputation']) {
    assert.equal(await page.locator(`#check-${id}`).count(), 1, `the ${id} check is shown`);
  }
  await page.locator('#check-rdap .highlights').getByText('Test Registrar Inc.').waitFor();
  // HSTS is what people look for first on the HTTP card.
  assert.match(await page.locator('#check-http .highlights').innerText(),
    /HSTS\s+max-age 31536000 s \(365 days\), includeSubDomains, preload/);
  await screenshot(page, '2-domain');
});

test('a schedule is set, shown with its next run, changed and removed', async () => {
  const page = await newPage();
  await page.goto(`${base}/#/domains/valid.web.test`);
  await page.getByLabel('Cron expression').fill('61 * * * *');
  await page.getByRole('button', { name: 'Set schedule' }).click();
  const expected = await apiError('/api/v1/domains', { domain: 'valid.web.test', schedule: { cron: '61 * * * *' } });
  await page.getByRole('alert').filter({ hasText: expected }).waitFor();
  assert.equal(expected, 'minute 61 out of range 0-59');

  await page.getByLabel('Cron expression').fill('30 4 * * *');
  await page.locator('#schedule-timezone').fill('Europe/Berlin');
  await page.getByRole('button', { name: 'Set schedule' }).click();
  // The scheduler plans it; the page shows the next run when it has one.
  await page.locator('#next-run').filter({ hasNotText: 'being planned' }).waitFor({ timeout: 15000 });
  assert.match(await page.locator('#schedule').innerText(), /30 4 \* \* \* \(Europe\/Berlin\)/);
  await screenshot(page, '3-schedule');

  await page.getByRole('button', { name: 'Remove schedule' }).click();
  await page.getByText('No schedule: scanned only when asked.').waitFor();
});

// Opens valid.web.test's page and clicks "Rescan now": the page, its history rows, and how
// many there were before.
async function startRescan() {
  const page = await newPage();
  await page.goto(`${base}/#/domains/valid.web.test`);
  const rows = page.locator('#history tbody tr');
  await rows.first().waitFor();
  const before = await rows.count();
  await page.getByRole('button', { name: 'Rescan now' }).click();
  await page.getByText('Scan queued.').waitFor();
  return { page, rows, before };
}

test('rescan now queues a scan and the page shows it finishing', async () => {
  const { page, before } = await startRescan();
  await page.waitForFunction((n) => document.querySelectorAll('#history tbody tr').length === n + 1, before);
  // It finishes without a reload: the newest row completes, and the button comes back.
  await page.locator('#history tbody tr').first().getByText('completed').waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Rescan now' }).waitFor();
  assert.equal(await page.locator('#history tbody tr').first().locator('td').nth(1).innerText(), 'rescan');
  assert.equal(await page.locator('#history svg.chart circle').count(), before + 1);
});

test('what is being typed into the schedule form survives the page polling', async () => {
  const { page, rows, before } = await startRescan();
  const cron = page.getByLabel('Cron expression');
  await cron.click();
  await page.keyboard.type('15 2 *');
  // The page polls while the scan runs, and redraws when it finishes (a new history row):
  // the half-typed expression is still there, and still being typed.
  await page.waitForFunction((n) => document.querySelectorAll('#history tbody tr').length === n + 1, before);
  await rows.first().getByText('completed').waitFor({ timeout: 30000 });
  assert.equal(await cron.inputValue(), '15 2 *');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'schedule-cron');
  await page.keyboard.type(' * *');
  assert.equal(await cron.inputValue(), '15 2 * * *');
});

test('a malformed escape in the address shows the page, not a blank one', async () => {
  const page = await newPage();
  await page.goto(`${base}/#/domains/bad%E0%A4%A`);
  // The text taken as it is: the domain page for it, with the API's word on that name.
  await page.getByRole('heading', { name: 'bad%E0%A4%A' }).waitFor();
  await page.getByRole('alert').waitFor();
});

test('a bad domain shows its reason and can be re-checked', async () => {
  // missing.test does not resolve (NXDOMAIN) and the test bed's registry (rdap.web.test)
  // does not know it: not registered.
  const page = await newPage();
  await addThroughForm(page, 'missing.test');
  const row = page.locator('tr[data-domain="missing.test"]');
  await row.getByText('not_registered').waitFor({ timeout: 30000 });
  assert.match(await row.locator('.grade-none').getAttribute('title'), /no grade: the domain does not exist/);
  await row.getByRole('link', { name: 'missing.test' }).click();
  await page.locator('#bad-reason').filter({ hasText: 'not_registered' }).waitFor();
  assert.match(await page.locator('#bad-reason-text').innerText(), /the registry does not know it/);
  assert.match(await page.locator('#grade-reason').innerText(), /No grade: the domain does not exist \(NXDOMAIN\)/);
  await page.locator('#check-rdap .highlights').getByText('no: the registry does not know the name').waitFor();
  await screenshot(page, '4-bad-domain');
  const scans = page.locator('#history tbody tr');
  await page.getByRole('button', { name: 'Re-check' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 2);
  await scans.first().getByText('completed').waitFor({ timeout: 30000 });
  await page.locator('#bad-reason').filter({ hasText: 'not_registered' }).waitFor();
});

test('the list filters by status, and findings come most severe first', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.locator('tr[data-domain="missing.test"]').waitFor();
  await page.getByLabel('Show').selectOption('bad');
  await page.waitForFunction(() => location.hash === '#/?status=bad');
  // The page is drawn anew for the filter (the old rows go at once) and its table once the
  // filtered list has come: wait for both, the old rows to go and the new list to be there.
  await page.locator('tr[data-domain="valid.web.test"]').waitFor({ state: 'detached' });
  await page.locator('tr[data-domain="missing.test"]').waitFor();
  assert.deepEqual(await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.domain)),
    ['missing.test']);
  await page.getByLabel('Show').selectOption('ok');
  await page.locator('tr[data-domain="valid.web.test"]').waitFor();
  assert.equal(await page.locator('tr[data-domain="missing.test"]').count(), 0);

  // expired.web.test: a critical certificate finding, a critical reputation, then the rest.
  await addThroughForm(page, 'expired.web.test');
  await page.locator('tr[data-domain="expired.web.test"]').getByLabel('grade F').waitFor({ timeout: 30000 });
  await page.goto(`${base}/#/domains/expired.web.test`);
  await page.locator('.findings li').first().waitFor();
  const severities = await page.locator('.findings .sev').allInnerTexts();
  const rank = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFO: 4 };
  assert.ok(severities.length >= 3, severities.join());
  assert.deepEqual(severities, [...severities].sort((a, b) => rank[a] - rank[b]));
  assert.equal(severities[0], 'CRITICAL');
  await page.getByText('reputation.malicious').waitFor();
});

test('invalid input gets the API\'s message, word for word', async () => {
  const page = await newPage();
  await addThroughForm(page, 'not a domain');
  const expected = await apiError('/api/v1/domains', { domain: 'not a domain' });
  await page.getByRole('alert').filter({ hasText: expected }).waitFor();
  await addThroughForm(page, 'example.test', '0 0 30 2 *');
  await page.getByRole('alert')
    .filter({ hasText: "the cron expression '0 0 30 2 *' names no date that exists (such as 30 February)" }).waitFor();
});

test('a scan page shows one scan in full with a link to its raw JSON', async () => {
  const page = await newPage();
  await page.goto(`${base}/#/scans/1`);
  await page.getByRole('heading', { name: 'Scan #1' }).waitFor();
  assert.equal(await page.locator('#raw-json').getAttribute('href'), '/api/v1/scans/1');
  await page.locator('#check-tls .highlights').getByText('CN=domainscan test CA').waitFor();
  const raw = await (await fetch(`${base}/api/v1/scans/1`)).json();
  assert.equal(raw.domain, 'valid.web.test');
  await screenshot(page, '5-scan');
});

test('phone width: one column, nothing wider than the screen; keyboard and labels work', async () => {
  const page = await newPage({ width: 375, height: 740 });
  await page.goto(`${base}/#/domains/valid.web.test`);
  await page.locator('#check-tls').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await screenshot(page, '6-phone');

  await page.goto(`${base}/`);
  // Every form control has a label.
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select')].filter((e) => e.labels.length === 0).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  // Keyboard only: Tab reaches the form, typing and Enter add the domain.
  for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement.id)) !== 'new-domain'; ++i) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-domain');
  await page.keyboard.type('plain.web.test');
  await page.keyboard.press('Enter');
  await page.locator('tr[data-domain="plain.web.test"]').waitFor();
});

test('the API reference is linked from every page and draws every operation of the document', async () => {
  const doc = await (await fetch(`${base}/api/v1/openapi.json`)).json();
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    ['get', 'post', 'put', 'patch', 'delete'].filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
  assert.ok(operations.length >= 26, `only ${operations.length} operations`);

  const page = await newPage();
  await page.goto(`${base}/#/events`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API reference' }).click();
  await page.getByRole('heading', { name: `domainscan API ${doc.info.version}`, level: 1 }).waitFor();
  const drawn = await page.locator('section.op').evaluateAll((els) => els.map((e) => e.dataset.operation));
  assert.deepEqual(drawn.sort(), operations.sort());

  // One operation in full: its scope, its parameters, its request example and its responses.
  const bulk = page.locator('section.op[data-operation="POST /api/v1/domains/bulk"]');
  assert.match(await bulk.innerText(), /A key with the write scope/);
  assert.match(await bulk.innerText(), /text\/plain/);
  const list = page.locator('section.op[data-operation="GET /api/v1/domains"]');
  assert.match(await list.locator('table.schema').first().innerText(), /limit[\s\S]*integer[\s\S]*from 1, to 500, default 50/);
  // Schemas open on demand, references resolved: the scan's checks down to the certificate.
  const scan = page.locator('section.op[data-operation="GET /api/v1/scans/{id}"]');
  await scan.locator('details > summary', { hasText: /^Scan$/ }).first().click();
  await scan.locator('details > summary', { hasText: /^Checks$/ }).first().click();
  await scan.locator('details > summary', { hasText: /^TlsCheck$/ }).first().click();
  const tls = scan.locator('details', { has: page.locator('summary', { hasText: /^TlsCheck$/ }) }).first();
  assert.match(await tls.innerText(), /hostname_match[\s\S]*boolean/);
  assert.match(await tls.innerText(), /fingerprint_sha256|certificate/);
  await screenshot(page, '8-api-reference');

  // The table of contents jumps to an operation.
  await page.getByRole('navigation', { name: 'Operations' }).getByRole('link', { name: /DELETE\s+\/api\/v1\/webhooks\/\{id\}$/ }).click();
  await page.locator('section.op[data-operation="DELETE /api/v1/webhooks/{id}"]').waitFor();
});
