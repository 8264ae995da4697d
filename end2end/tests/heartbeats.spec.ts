// A heartbeat monitor from the UI: a user creates one (a field error shows beside its
// input first), reads its ping URL and snippets on the monitor's page, pings it with
// Playwright's request API as a cron job would, and sees the run appear live.
import { expect, Page, test } from '@playwright/test';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');
const password = 'correct horse battery';
const userEmail = `heartbeat-${Date.now()}@example.org`;

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

test('a heartbeat monitor shows its ping URL, and a ping becomes a run', async ({ page, request }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(userEmail);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await hydrated(page);
  await page.getByRole('link', { name: 'Add monitor' }).click();
  await expect(page.getByRole('heading', { name: 'Add a monitor' })).toBeVisible();
  await page.getByLabel('Kind').selectOption('heartbeat');
  await page.getByLabel('Name').fill('Nightly backup');
  await page.getByLabel('Every (seconds)').fill('10');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.locator('#monitor-hb-every-error')).toContainText('between 60 and');
  await page.getByLabel('Every (seconds)').fill('3600');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/[0-9a-f-]{36}$/);

  const url = page.getByTestId('ping-url');
  await expect(url).toHaveText(/\/ping\/[A-Za-z0-9_-]{32}$/);
  const pingUrl = (await url.textContent()) ?? '';
  await expect(page.getByText('curl -fsS -m 10 --retry 5 -o /dev/null').first()).toBeVisible();
  await expect(page.getByTestId('next-expected')).toContainText('UTC');

  // The job: a start, then its output and exit status 0.
  const rid = '6f1c3c1e-5d1b-4b8e-9a57-3f0c2a4e1d10';
  const start = await request.get(`${pingUrl}/start?rid=${rid}`);
  expect(start.status()).toBe(200);
  expect(await start.text()).toBe('OK');
  expect(start.headers()['ping-body-limit']).toBe('10240');
  const done = await request.post(`${pingUrl}/0?rid=${rid}`, { data: 'backup done: 42 files' });
  expect(done.status()).toBe(200);

  // The page polls: the run appears without a reload, finished well with its output.
  const runs = page.getByTestId('runs');
  await expect(runs.locator('tbody tr')).toHaveCount(1, { timeout: 20_000 });
  await expect(runs.locator('tbody tr').first()).toContainText('ok');
  await expect(runs.locator('tbody tr').first()).toContainText('backup done: 42 files');
  const status = page.locator('.monitor-summary [data-testid="status"]');
  await expect(status).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
  await page.screenshot({ path: path.join(screenshots, 'heartbeat.png'), fullPage: true });

  // A failing exit status takes it down, naming the status.
  await request.get(`${pingUrl}/3`);
  await expect(status).toHaveAttribute('data-status', 'down', { timeout: 20_000 });
  await expect(page.getByTestId('last-error')).toHaveText('exit status 3');
  // A success brings it back; down, it would be the newest failure on the admin's overview.
  await request.get(pingUrl);
  await expect(status).toHaveAttribute('data-status', 'up', { timeout: 20_000 });

  // The dashboard lists it like any other kind.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByTestId('monitor-row').filter({ hasText: 'Nightly backup' })).toHaveCount(1);
  expect(errors, 'uncaught errors in the page').toEqual([]);
});
