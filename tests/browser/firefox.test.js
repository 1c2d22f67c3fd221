// The dashboard in Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi (the
// stock browser, no patched build): the main path a person takes. dashboard.test.js covers
// every page in Chromium; this checks that the same modules run in Firefox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startServe } from './serve.js';

const artifacts = process.env.DOMAINSCAN_TEST_ARTIFACTS || join(tmpdir(), 'domainscan-screenshots');
mkdirSync(artifacts, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'domainscan-firefox-'));

let server;
let browser;

before(async () => {
  server = await startServe();
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
    // No updates, telemetry or remote settings: the browser talks to the test server only.
    extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false, 'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
      'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false },
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(profile, { recursive: true, force: true });
});

test('in Firefox: add a domain, watch its scan finish, open its page', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(`${server.base}/`);
  await page.waitForSelector('#new-domain');
  await page.type('#new-domain', 'valid.web.test');
  await page.click('form.add button[type=submit]');
  // The row gets its grade when the scan finishes, without a reload.
  await page.waitForSelector('tr[data-domain="valid.web.test"] .grade-B', { timeout: 30000 });
  await page.screenshot({ path: join(artifacts, 'firefox-1-domains.png'), fullPage: true });

  await page.click('tr[data-domain="valid.web.test"] a');
  await page.waitForSelector('#check-tls .highlights');
  const tls = await page.$eval('#check-tls .highlights', (e) => e.textContent);
  assert.match(tls, /CN=domainscan test CA/);
  assert.equal(await page.$eval('#score', (e) => e.textContent), '80');
  await page.screenshot({ path: join(artifacts, 'firefox-2-domain.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
