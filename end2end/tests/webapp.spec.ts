// The web app against the real server and pipeline: a user adds a monitor of a local
// target this test controls, watches it go down and recover without reloading, reads
// the chart and the paged checks, tests a webhook channel; a user is kept out of the
// admin pages; an admin changes a role. Screenshots go to end2end/screenshots/.
import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { adminEmail, adminPassword } from '../admin';

const screenshots = path.join(__dirname, '..', 'screenshots');
const password = 'correct horse battery';
const userEmail = `webapp-${Date.now()}@example.org`;

test.describe.configure({ mode: 'serial' });

// The site the monitor checks: answers 200 or 503, as the test says.
let targetStatus = 200;
const target = http.createServer((_req, res) => {
  res.writeHead(targetStatus, { 'content-type': 'text/plain' });
  res.end(targetStatus === 200 ? 'ok' : 'unavailable');
});
// A webhook receiver: /ok accepts, anything else fails with 500.
const hooks: { path: string; signature: string | undefined }[] = [];
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    hooks.push({ path: req.url ?? '', signature: req.headers['webhook-signature'] as string | undefined });
    res.writeHead(req.url === '/ok' ? 200 : 500);
    res.end();
  });
});

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return (server.address() as AddressInfo).port;
}

// A TLS server presenting a self-signed certificate for 127.0.0.2, valid 30 days (openssl
// makes it: Node cannot), for the TLS monitor.
function selfSigned(): { key: string; cert: string } {
  const pem = execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '30', '-subj', '/CN=e2e.runstate.test', '-addext', 'subjectAltName=IP:127.0.0.2',
    '-keyout', '-', '-out', '-',
  ]).toString();
  const block = (label: string) => pem.match(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----`))![0];
  return { key: block('PRIVATE KEY'), cert: block('CERTIFICATE') };
}
const tlsServer = https.createServer(selfSigned(), (_req, res) => res.end('ok'));
// An RDAP registry (RFC 9083) knowing one domain, which expires in 20 days.
const expires = new Date(Date.now() + (20 * 24 + 1) * 3600 * 1000).toISOString();
const registry = http.createServer((req, res) => {
  if (req.url !== '/rdap/domain/example.test') {
    res.writeHead(404, { 'content-type': 'application/rdap+json' });
    res.end('{"errorCode": 404}');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/rdap+json' });
  res.end(JSON.stringify({
    objectClassName: 'domain', ldhName: 'EXAMPLE.TEST',
    events: [{ eventAction: 'expiration', eventDate: expires }],
    status: ['active'],
    entities: [{ roles: ['registrar'], vcardArray: ['vcard', [['fn', {}, 'text', 'E2E Registrar']]] }],
    nameservers: [{ ldhName: 'ns1.example.test' }],
  }));
});

let targetPort = 0;
let receiverPort = 0;
let tlsPort = 0;
let registryPort = 0;
let monitorUrl = '';

test.beforeAll(async () => {
  targetPort = await listen(target);
  receiverPort = await listen(receiver);
  tlsPort = await listen(tlsServer);
  registryPort = await listen(registry);
});

test.afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
  await new Promise((resolve) => receiver.close(resolve));
  await new Promise((resolve) => tlsServer.close(resolve));
  await new Promise((resolve) => registry.close(resolve));
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

async function signIn(page: Page, email: string, secret: string) {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test('a monitor goes down and recovers live, with chart, checks and incident', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  // Sign up: the dashboard is the landing page, empty at first.
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(userEmail);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('empty')).toContainText('no monitors yet');

  // Add an HTTP monitor checked every second, down after one failure.
  await hydrated(page);
  await page.getByRole('link', { name: 'Add monitor' }).click();
  await expect(page.getByRole('heading', { name: 'Add a monitor' })).toBeVisible();
  await page.getByLabel('Name').fill('Local target');
  await page.getByLabel('URL').fill(`http://127.0.0.2:${targetPort}/health`);
  await page.getByLabel('Interval (seconds)').fill('0');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  // The server's rule shows beside the field.
  await expect(page.locator('#monitor-interval-error')).toContainText('between 1 and 86400');
  await page.screenshot({ path: path.join(screenshots, 'monitor-form.png'), fullPage: true });
  await page.getByLabel('Interval (seconds)').fill('1');
  await page.getByLabel('Failures before down').fill('1');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/[0-9a-f-]{36}$/);
  monitorUrl = page.url();
  await expect(page.getByTestId('toast').first()).toContainText('Monitor created');

  // Everything below happens without a reload: the marker would be gone after one.
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  const status = page.locator('.monitor-summary [data-testid="status"]');
  await expect(status).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
  await expect(status).toHaveText('Up');

  targetStatus = 503;
  await expect(status).toHaveAttribute('data-status', 'down', { timeout: 20_000 });
  await expect(status).toHaveText('Down');
  const incident = page.getByTestId('incident').first();
  await expect(incident).toHaveAttribute('data-state', 'open', { timeout: 20_000 });
  await expect(incident).toContainText('Incident #1');

  targetStatus = 200;
  await expect(status).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
  await expect(incident).toHaveAttribute('data-state', 'resolved', { timeout: 20_000 });
  await expect(incident.getByTestId('incident-duration')).toHaveText(/^(\d+m )?\d+s$/);
  await incident.getByText('Timeline').click();
  await expect(incident.locator('.timeline li').first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

  // The chart: ECharts drew a canvas, and the option it was given had points.
  await page.getByRole('button', { name: '1h', exact: true }).click();
  const chart = page.getByTestId('response-chart');
  await expect(chart.locator('canvas')).toHaveCount(1);
  await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
  // HTTP checks are measured by phase: stacked in the chart, listed per check.
  await expect.poll(async () => Number(await chart.getAttribute('data-phases'))).toBeGreaterThan(0);
  await expect(page.getByTestId('check-phases').first()).toContainText(/dns \d+ · connect \d+ · ttfb \d+/);
  await page.screenshot({ path: path.join(screenshots, 'monitor.png'), fullPage: true });

  // Checks come ten to a page; the next page holds older ones.
  const rows = page.getByTestId('check-row');
  await expect(page.getByRole('link', { name: 'Older checks →' })).toBeVisible({ timeout: 20_000 });
  const newest = await rows.first().locator('time').getAttribute('datetime');
  await page.getByRole('link', { name: 'Older checks →' }).click();
  await expect(page).toHaveURL(/\?before=/);
  await expect(page.getByRole('link', { name: '← Newest checks' })).toBeVisible();
  const older = await rows.first().locator('time').getAttribute('datetime');
  expect(Date.parse(older ?? '')).toBeLessThan(Date.parse(newest ?? ''));

  // Edit keeps the settings the form does not show; pause and resume.
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Interval (seconds)')).toHaveValue('1');
  await page.getByLabel('Name').fill('Local target (edited)');
  await page.getByLabel('Tags').fill('Prod, EU  west');
  // Request options fold away until one is set; accepting invalid certificates warns on the page.
  await page.getByTestId('request-options').locator('summary').click();
  await page.getByLabel('HTTP version').selectOption('http1');
  await page.getByLabel('Accept invalid certificates').check();
  // So do the certificate's thresholds and change notices.
  await page.getByTestId('certificate-options').locator('summary').click();
  await page.getByLabel('Warn at days left').fill('3, 30');
  await page.getByLabel('Notify when the site presents another certificate').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('monitor-name')).toHaveText('Local target (edited)');
  await expect(page.getByTestId('monitor-warning')).toContainText('Invalid certificates are accepted');
  await expect(page.locator('.monitor-summary .tag')).toHaveText(['eu west', 'prod']);
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByTestId('certificate-options')).toHaveAttribute('open', '');
  await expect(page.getByLabel('Warn at days left')).toHaveValue('30, 3');
  await expect(page.getByLabel('Tags')).toHaveValue('eu west, prod');
  await expect(page.getByLabel('Notify when the site presents another certificate')).toBeChecked();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('monitor-name')).toHaveText('Local target (edited)');
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toHaveAttribute('data-status', 'paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(status).toHaveAttribute('data-status', 'up', { timeout: 20_000 });

  // The dashboard: status as text and colour, response time, uptime, sparkline.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  const row = page.getByTestId('monitor-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('status')).toHaveText('Up');
  await expect(row).toContainText(' ms');
  await expect(row).toContainText('%');
  await expect(row.locator('svg.sparkline polyline')).toHaveCount(1);
  await expect(page.getByTestId('count-up')).toContainText('Up 1');
  await page.getByLabel('Search').fill('no such monitor');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('empty')).toContainText('No monitor matches');
  await page.getByLabel('Search').fill('local');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(row).toHaveCount(1);
  // Tags show as chips; a chip filters the dashboard by its tag.
  await expect(row.locator('.tag')).toHaveText(['eu west', 'prod']);
  await row.getByRole('link', { name: 'prod', exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\?tag=prod$/);
  await expect(row).toHaveCount(1);
  await page.getByLabel('Tag', { exact: true }).fill('staging');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('empty')).toContainText('No monitor matches');
  await page.getByLabel('Tag', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(row).toHaveCount(1);
  await page.screenshot({ path: path.join(screenshots, 'dashboard.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 }); // a phone: rows become cards
  await expect(row.getByTestId('status')).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'dashboard-phone.png'), fullPage: true });
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('a webhook channel shows its test outcome; a TCP monitor notifying it is deleted', async ({ page }) => {
  await signIn(page, userEmail, password);
  await page.getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByTestId('empty')).toContainText('No channels yet');

  await page.getByLabel('Name').fill('Receiver');
  await page.getByLabel('Webhook URL').fill(`http://127.0.0.2:${receiverPort}/ok`);
  await page.getByRole('button', { name: 'Add channel' }).click();
  await expect(page.getByTestId('new-secret')).toContainText('whsec_');
  const channel = page.getByTestId('channel').filter({ hasText: 'Receiver' });
  await channel.getByRole('button', { name: 'Send test' }).click();
  await expect(channel.getByTestId('test-outcome')).toContainText('Delivered (status 200)');
  expect(hooks.some((h) => h.path === '/ok' && h.signature?.startsWith('v1,'))).toBe(true);

  // Point it somewhere that fails: the outcome says so.
  await channel.getByRole('button', { name: 'Edit' }).click();
  await channel.getByLabel('New URL').fill(`http://127.0.0.2:${receiverPort}/broken`);
  await channel.getByRole('button', { name: 'Save channel' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'saved' })).toBeVisible();
  await channel.getByRole('button', { name: 'Send test' }).click();
  await expect(channel.getByTestId('test-outcome')).toContainText('Not delivered (status 500)');
  await page.screenshot({ path: path.join(screenshots, 'channels.png'), fullPage: true });

  // A TCP monitor of the receiver's port, deleted after a confirmation.
  await page.goto('/monitors/new');
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('tcp');
  await page.getByLabel('Host').fill('127.0.0.2');
  await page.getByLabel('Port').fill(String(receiverPort));
  await page.getByLabel('Receiver (webhook)').check();
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.getByTestId('monitor-name')).toHaveText(`127.0.0.2:${receiverPort}`);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('toast').filter({ hasText: 'Monitor deleted' })).toBeVisible();
  await expect(page.getByTestId('monitor-row')).toHaveCount(1);
});

test('a TLS monitor from the form shows the certificate the server sent, refused as self-signed', async ({ page }) => {
  await signIn(page, userEmail, password);
  await page.goto('/monitors/new');
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('tls');
  await page.getByLabel('Host').fill('127.0.0.2');
  await page.getByLabel('Port').fill(String(tlsPort));
  await expect(page.getByLabel('Warn at days left')).toHaveValue('14, 7, 1');
  await page.getByLabel('Interval (seconds)').fill('2');
  await page.getByLabel('Failures before down').fill('1');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.getByTestId('monitor-name')).toHaveText(`127.0.0.2:${tlsPort} certificate`);
  await expect(page.locator('.monitor-summary .target')).toContainText('TLS certificate');

  // Refused, and the page still says which certificate: it updates live.
  const status = page.locator('.monitor-summary [data-testid="status"]');
  await expect(status).toHaveAttribute('data-status', 'down', { timeout: 20_000 });
  await expect(page.getByTestId('last-error')).toContainText('the certificate is self-signed');
  const certificate = page.getByTestId('certificate');
  await expect(certificate).toContainText('CN=e2e.runstate.test');
  await expect(certificate.getByTestId('certificate-days')).toHaveText('29 days left');
  await expect(certificate.getByTestId('certificate-fingerprint')).toHaveText(/^[0-9a-f]{64}$/);
  await page.screenshot({ path: path.join(screenshots, 'monitor-tls.png'), fullPage: true });

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('a domain monitor from the form shows its registration, degraded within a month of expiry', async ({ page }) => {
  await signIn(page, userEmail, password);
  await page.goto('/monitors/new');
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('domain');
  await page.getByLabel('Domain', { exact: true }).fill('example.test');
  await expect(page.getByLabel('Warn at days left')).toHaveValue('30, 7, 1');
  await page.getByLabel('RDAP server').fill(`http://127.0.0.2:${registryPort}/rdap/`);
  await page.getByLabel('Interval (seconds)').fill('2');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.getByTestId('monitor-name')).toHaveText('example.test registration');

  const status = page.locator('.monitor-summary [data-testid="status"]');
  await expect(status).toHaveAttribute('data-status', 'degraded', { timeout: 20_000 });
  await expect(page.getByTestId('last-error')).toContainText('the registration expires in 20 days');
  const registration = page.getByTestId('registration');
  await expect(registration.getByTestId('registration-days')).toHaveText('20 days left');
  await expect(registration).toContainText('E2E Registrar');
  await expect(registration).toContainText('ns1.example.test');
  await page.screenshot({ path: path.join(screenshots, 'monitor-domain.png'), fullPage: true });

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('a ping monitor from the form is up with a round trip', async ({ page }) => {
  await signIn(page, userEmail, password);
  await page.goto('/monitors/new');
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('icmp');
  await page.getByLabel('Host').fill('127.0.0.2');
  await expect(page.getByLabel('Echo requests per check')).toHaveValue('3');
  await page.getByLabel('Interval (seconds)').fill('2');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.getByTestId('monitor-name')).toHaveText('ping 127.0.0.2');
  const status = page.locator('.monitor-summary [data-testid="status"]');
  await expect(status).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
  await expect(page.getByTestId('latest-ms')).toHaveText(/^\d+ ms$/);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('a user gets the 403 page on admin pages', async ({ page }) => {
  await signIn(page, userEmail, password);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
  for (const url of ['/admin', '/admin/users']) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(403);
    await expect(page.getByTestId('forbidden')).toContainText('Not allowed');
  }
});

test('an admin sees the overview, changes a role and signs out', async ({ page }) => {
  await signIn(page, adminEmail, adminPassword);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Admin overview' })).toBeVisible();
  await expect(page.getByTestId('queue-row')).toHaveCount(3);
  await expect(page.getByTestId('region-row').first()).toContainText('default');
  await expect(page.getByTestId('failure-row').first()).toContainText('Local target');
  await expect(page.getByTestId('monitor-row').filter({ hasText: userEmail })).toHaveCount(1);
  expect(Number(await page.getByTestId('checks-per-minute').textContent())).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(screenshots, 'admin.png'), fullPage: true });

  await page.getByRole('link', { name: 'Users' }).click();
  const user = page.getByTestId('user-row').filter({ hasText: userEmail });
  await expect(user.getByTestId('user-role')).toHaveText('USER');
  await expect(user).toContainText('1'); // one monitor
  await user.getByRole('button', { name: 'Make admin' }).click();
  await expect(user.getByTestId('user-role')).toHaveText('ADMIN');
  await expect(page.getByTestId('toast').filter({ hasText: 'is now ADMIN' })).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'admin-users.png'), fullPage: true });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin$/);
});
