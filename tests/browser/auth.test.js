// The dashboard on a server that requires API keys (Debian's chromium, playwright-core): it
// asks for a key, refuses a wrong one with the server's reason, keeps a good one for the
// tab's session only (sessionStorage, sent as a bearer token) and forgets it when asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServe, domainscan } from './serve.js';

let server;
let browser;
let key;

before(async () => {
  server = await startServe({
    extraArgs: ['--auth', 'required'],
    prepare: (db) => { key = domainscan(['keys', 'create', '--name', 'browser', '--scope', 'write', '--db', db]).trim(); },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a server that requires keys: the dashboard asks for one, uses it, and forgets it', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => assert.fail(`page error: ${e.message}`));
  const sent = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/')) sent.push(r.headers().authorization || ''); });

  await page.goto(`${server.base}/`);
  await page.getByRole('heading', { name: 'API key needed' }).waitFor();
  assert.equal(await page.locator('#forget-key').isVisible(), false);

  // A wrong key: the server's reason.
  await page.getByLabel('API key', { exact: true }).fill('ds_wrong');
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.getByRole('alert').filter({ hasText: 'The key was not accepted: the API key is not valid' }).waitFor();

  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.getByText('No domains yet: add one above.').waitFor();
  assert.equal(await page.locator('#auth form').count(), 0);
  assert.ok(sent.includes(`Bearer ${key}`));
  // In this tab's sessionStorage, nowhere that outlives it.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('domainscan.apiKey')), key);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.equal((await context.cookies()).length, 0);

  // The key works for what its scope allows: adding a domain.
  await page.getByLabel('Domain', { exact: true }).fill('missing.test');
  await page.getByRole('button', { name: 'Add and scan' }).click();
  await page.getByRole('status').filter({ hasText: 'missing.test added' }).waitFor();

  // A new tab of another session knows nothing of it.
  const other = await (await browser.newContext()).newPage();
  await other.goto(`${server.base}/`);
  await other.getByRole('heading', { name: 'API key needed' }).waitFor();
  await other.context().close();

  await page.getByRole('button', { name: 'Forget API key' }).click();
  await page.getByRole('heading', { name: 'API key needed' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('domainscan.apiKey')), null);
  await context.close();
});
