// A `domainscan serve` of the browser tests' own: a fresh SQLite file, a free port, the scan
// test bed that tests/run-all.sh started (its addresses come in DOMAINSCAN_TEST_*).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with \`make test\``);
  return v;
}

// Runs `domainscan ARGS...` to its end; returns its stdout (throws if it fails).
export function domainscan(args) {
  const r = spawnSync(env('DOMAINSCAN_BINARY'), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`domainscan ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// Resolves with {base, stop} once the server listens. options.extraArgs: more flags;
// options.prepare(db): runs first, with the server's database URL (e.g. to create a key).
export function startServe(options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'domainscan-browser-'));
  const db = `sqlite:${join(dataDir, 'domainscan.db')}`;
  if (options.prepare) options.prepare(db);
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db,
    '--allow-suffix', 'test', '--allow-target', '127.0.0.0/8', '--dns-server', env('DOMAINSCAN_TEST_DNS_SERVER'),
    '--ca-file', env('DOMAINSCAN_TEST_CA_FILE'), '--trust-anchor-file', 'none', '--check-timeout', '3s',
    '--rdap-url', 'http://rdap.web.test/', '--virustotal-key', 'vt-test-key', '--virustotal-url', 'http://vt.web.test',
    '--virustotal-rate', '600',  // the default 4 a minute would skip most of these scans' reputation
    '--rescan-cooldown', '0s',  // "rescan now" right after a scan queues one
    ...(options.extraArgs || [])];
  const serve = spawn(env('DOMAINSCAN_BINARY'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const stop = async () => {
    if (serve.exitCode === null) {
      const exited = new Promise((resolve) => serve.on('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 30000);
    serve.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1], stop });
      }
    });
    serve.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${log}`)));
  });
}
