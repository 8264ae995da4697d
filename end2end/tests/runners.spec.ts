// A GitHub runner monitor in the browser: created with the form against a local GitHub
// API stand-in, its page lists the runners, and a runner going offline and coming back
// shows as outage #1, ongoing then resolved, without a reload.
import { expect, Page, test } from '@playwright/test';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');
const token = 'ghp_e2eStandInToken0123456789WXYZ';

// GitHub's runner listing for acme/api: three runners, one page, the documented shape.
const online = new Map([['build-1', true], ['build-2', true], ['deploy-1', true]]);
const github = http.createServer((req, res) => {
  if (req.headers.authorization !== `Bearer ${token}`) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Bad credentials', status: '401' }));
    return;
  }
  if (!req.url?.startsWith('/repos/acme/api/actions/runners')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found', status: '404' }));
    return;
  }
  const runners = [...online].map(([name, up], i) => ({
    id: i + 1,
    name,
    os: 'Linux',
    status: up ? 'online' : 'offline',
    busy: name === 'build-1',
    labels: [
      { id: 1, name: 'self-hosted', type: 'read-only' },
      { id: 2, name: name.startsWith('build') ? 'build' : 'deploy', type: 'custom' },
    ],
  }));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ total_count: runners.length, runners }));
});

let githubUrl = '';

test.beforeAll(async () => {
  await new Promise<void>((resolve) => github.listen(0, '127.0.0.2', resolve));
  githubUrl = `http://127.0.0.2:${(github.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => github.close(resolve));
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

test('a runner monitor lists its runners and shows an outage open and resolve live', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(`runners-${Date.now()}@example.org`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await hydrated(page);
  await page.getByRole('link', { name: 'Add monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/new$/);
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('github_runners');
  await page.getByLabel('Name', { exact: true }).fill('CI runners');
  await page.getByLabel('Owner').fill('acme');
  await page.getByLabel('Repository').fill('api');
  await page.getByLabel('API URL').fill(githubUrl);
  // Without a token the form says so beside the field.
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.locator('#monitor-github-token-error')).toContainText('Token is required');
  await page.getByLabel('Token').fill(token);
  await page.getByLabel('Interval (seconds)').fill('1');
  await page.getByLabel('Failures before down').fill('1');
  await page.getByLabel('Successes before up').fill('1');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/[0-9a-f-]{36}$/);
  await hydrated(page);

  // The runners table: every runner, status in words, busy, labels.
  const runners = page.getByTestId('runners');
  await expect(runners.getByTestId('runner-row')).toHaveCount(3);
  await expect(runners.getByRole('heading')).toHaveText('Runners · all 3 online');
  const build2 = runners.locator('[data-runner="build-2"]');
  await expect(build2.getByTestId('runner-status')).toHaveText('Online');
  await expect(runners.locator('[data-runner="build-1"]')).toContainText('Busy');
  await expect(build2).toContainText('self-hosted');
  await expect(build2).toContainText('None');

  // build-2 goes offline: outage #1, ongoing, appears without a reload.
  online.set('build-2', false);
  await expect(build2.getByTestId('runner-status')).toHaveText('Offline');
  await expect(runners.getByRole('heading')).toHaveText('Runners · 1 of 3 not online');
  const outage = build2.locator('[data-testid="outage"][data-number="1"]');
  await expect(outage).toHaveAttribute('data-state', 'open');
  await expect(outage).toContainText('Ongoing');
  await expect(page.getByTestId('status').first()).toHaveText('Down');
  await page.screenshot({ path: path.join(screenshots, 'runners.png'), fullPage: true });

  // Back online: the same outage, resolved; no second one.
  online.set('build-2', true);
  await expect(outage).toHaveAttribute('data-state', 'resolved');
  await expect(build2.getByTestId('outage')).toHaveCount(1);
  await expect(build2.getByTestId('runner-status')).toHaveText('Online');
  await expect(page.getByTestId('status').first()).toHaveText('Up');

  // The edit form keeps the token secret.
  await page.getByRole('link', { name: 'Edit' }).click();
  await hydrated(page);
  await expect(page.getByText('Stored: …WXYZ')).toBeVisible();
  await expect(page.getByLabel('Token')).toHaveValue('');

  // Deleted, so no later test sees it fail once the stand-in is gone.
  await page.getByRole('link', { name: 'Cancel' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(errors).toEqual([]);
});
