// Playwright drives Debian's chromium (Playwright's own browser download cannot work here)
// against the real `runstate` binary, which this config starts and stops itself.
//
// scripts/test.sh sets the RUNSTATE_E2E_* variables; run by hand, the defaults below use
// the debug binary from `cargo build -p server` and the site from scripts/build-site.sh:
//   npx playwright test --config end2end/playwright.config.ts
import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adminEmail, adminPassword } from './admin';

const root = path.resolve(__dirname, '..');
const port = Number(process.env.RUNSTATE_E2E_PORT ?? 3123);
const baseURL = `http://127.0.0.1:${port}`;
const bin =
  process.env.RUNSTATE_E2E_BIN ??
  path.join(process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache/runstate/target'), 'debug/runstate');
const siteRoot = process.env.RUNSTATE_E2E_SITE_ROOT ?? path.join(root, 'target/site');

// A fresh, empty data dir per run. The config is evaluated again in each worker process;
// storing the path in the environment (which workers inherit) makes them all agree on one.
if (!process.env.RUNSTATE_E2E_DATA_DIR) {
  process.env.RUNSTATE_E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'runstate-e2e-'));
  process.env.RUNSTATE_E2E_DATA_DIR_OWNED = '1'; // removed by global-teardown.ts
}
const dataDir = process.env.RUNSTATE_E2E_DATA_DIR;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  globalTeardown: './global-teardown.ts',
  workers: 1, // 2 cores, and one server with one database
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL,
    colorScheme: 'light', // the theme test expects the light default
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Without the background-networking flags Chromium floods the closed network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--disable-domain-reliability',
      ],
    },
  },
  webServer: {
    // Embedded mode (SQLite, in-process queues): unset any database or Redis URL that
    // happens to be in the caller's environment.
    command: `exec env -u DATABASE_URL -u REDIS_URL -u LEPTOS_SITE_ROOT '${bin}' all`,
    cwd: root,
    env: {
      RUNSTATE_BIND: `127.0.0.1:${port}`,
      RUNSTATE_DATA_DIR: dataDir,
      RUNSTATE_SITE_ROOT: siteRoot,
      // The tests' stand-ins listen on 127.0.0.2, the one address the guard allows here:
      // a path that skipped the guard's checks would not be caught with all of loopback allowed.
      RUNSTATE_ALLOW_TARGETS: '127.0.0.2/32',
      // A mail server nobody answers at: status page subscriptions by email are taken (and
      // their confirmation mails retried) as on a server that sends mail.
      RUNSTATE_SMTP_URL: 'smtp://127.0.0.2:2525',
      RUNSTATE_SMTP_FROM: 'RunState <runstate@example.org>',
      // The tests check every second; users may not by default (30 s).
      RUNSTATE_MIN_INTERVAL: '1',
      // The admin the admin-console tests sign in as (end2end/tests/webapp.spec.ts).
      RUNSTATE_ADMIN_EMAIL: adminEmail,
      RUNSTATE_ADMIN_PASSWORD: adminPassword,
    },
    url: `${baseURL}/healthz`,
    reuseExistingServer: false, // fail clearly if something else holds the port
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
