// Watching in a real browser (Debian's chromium, playwright-core): a webhook added on the
// webhooks page (its secret shown once, copied), events delivered to a receiver in this
// file that verifies every signature with the `standardwebhooks` npm package (the reference
// library, not domainscan's code), the deliveries shown on the page, the domain page's
// event timeline and the events page, and the webhook removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { startServe } from './serve.js';

const artifacts = process.env.DOMAINSCAN_TEST_ARTIFACTS || join(tmpdir(), 'domainscan-screenshots');
mkdirSync(artifacts, { recursive: true });

let server;
let base;
let browser;
let receiver;
let secret = null;
const received = [];  // {id, valid, event}

// A receiver as its users would write it: verify, then take the event.
function startReceiver() {
  return new Promise((resolve) => {
    const r = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        let event = null;
        try {
          event = new Webhook(secret).verify(body, req.headers);
        } catch (e) {
          received.push({ id: req.headers['webhook-id'], valid: false, error: e.message });
          res.writeHead(400).end();
          return;
        }
        received.push({ id: req.headers['webhook-id'], valid: true, event });
        res.writeHead(204).end();
      });
    });
    r.listen(0, '127.0.0.1', () => resolve(r));
  });
}

async function until(what, fn, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  server = await startServe();
  base = server.base;
  receiver = await startReceiver();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (receiver) receiver.close();
});

test('a webhook added on the page gets signed events, and the pages show them', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));

  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  await page.getByText('No webhooks yet.').waitFor();
  // A receiver on a private address is refused with the API's reason.
  await page.getByLabel('Receiver URL').fill('http://10.0.0.1/hook');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByRole('alert').filter({ hasText: 'private' }).waitFor();

  const { port } = receiver.address();
  await page.getByLabel('Receiver URL').fill(`http://127.0.0.1:${port}/domainscan`);
  await page.getByLabel('all events').uncheck();
  await page.getByLabel('certificate.expiring').check();
  await page.getByLabel('registration.expiring').check();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const shown = page.locator('#webhook-secret');
  await shown.waitFor();
  secret = await shown.inputValue();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  await page.getByRole('button', { name: 'Copy secret' }).click();
  await page.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  const card = page.locator('section.webhook');
  await card.getByText('certificate.expiring, registration.expiring').waitFor();
  await page.screenshot({ path: join(artifacts, 'w1-webhooks.png'), fullPage: true });
  // Shown once: not in the list, not after a reload.
  const listed = await (await fetch(`${base}/api/v1/webhooks`)).text();
  assert.ok(!listed.includes(secret));
  await page.reload();
  await card.waitFor();
  assert.equal(await page.locator('#webhook-secret').count(), 0);

  // soon.web.test's certificate and registration end in 10 days: two events, delivered.
  const added = await fetch(`${base}/api/v1/domains`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ domain: 'soon.web.test' }) });
  assert.equal(added.status, 202);
  await until('two deliveries', () => received.length >= 2);
  assert.deepEqual(received.map((r) => r.valid), [true, true], JSON.stringify(received));
  assert.deepEqual(received.map((r) => r.event.type).sort(), ['certificate.expiring', 'registration.expiring']);
  for (const r of received) {
    assert.equal(r.event.id, r.id);
    assert.equal(r.event.domain, 'soon.web.test');
    assert.equal(r.event.data.threshold, 14);
  }

  // The page shows them delivered.
  await until('the deliveries shown delivered', async () => {
    await page.reload();
    await card.locator('table.deliveries').waitFor();
    return (await card.locator('table.deliveries .badge-delivered').count()) === 2;
  });
  await page.screenshot({ path: join(artifacts, 'w2-deliveries.png'), fullPage: true });

  // The domain page's timeline, and the events page.
  await page.goto(`${base}/#/domains/soon.web.test`);
  const timeline = page.locator('#events');
  await timeline.getByText('Certificate expiring').waitFor();
  await timeline.getByText('Registration expiring').waitFor();
  assert.match(await timeline.innerText(), /10 days left \(threshold 14 days\)|9 days left \(threshold 14 days\)/);
  await page.screenshot({ path: join(artifacts, 'w3-timeline.png'), fullPage: true });
  await page.getByRole('link', { name: 'Events' }).click();
  await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
  // The heading comes before the list (fetched after): wait for the list, then count it.
  await page.locator('.events .event').nth(1).waitFor();
  assert.equal(await page.locator('.events .event').count(), 2);
  await page.getByLabel('Type').selectOption('registration.expiring');
  await page.waitForFunction(() => location.hash === '#/events?type=registration.expiring');
  await page.locator('.event-certificate-expiring').waitFor({ state: 'detached' });
  await page.locator('.event-registration-expiring').waitFor();
  assert.equal(await page.locator('.events .event').count(), 1);
  await page.locator('.events .event').getByRole('link', { name: 'soon.web.test' }).waitFor();

  // Removed: gone from the page and the API.
  await page.goto(`${base}/#/webhooks`);
  page.once('dialog', (d) => d.accept());
  await page.locator('section.webhook').getByRole('button', { name: 'Remove webhook' }).click();
  await page.getByText('No webhooks yet.').waitFor();
  assert.deepEqual((await (await fetch(`${base}/api/v1/webhooks`)).json()).items, []);
  await context.close();
});
