// Status pages and maintenance windows from the UI: a user creates a page, adds a monitor
// under a public name, publishes it, and a visitor without a session reads it (and its
// badge) with the public name only; the user writes an incident and posts an update that the
// visitor then reads, the visitor subscribes with the page's form and the user sees them
// waiting; then the user creates a maintenance window and sees it listed with its occurrence.
import { expect, Page, test } from '@playwright/test';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');
const password = 'correct horse battery';
const stamp = Date.now();
const userEmail = `pages-${stamp}@example.org`;
const slug = `acme-${stamp}`;

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

test('a page made in the UI is published with a monitor under its public name', async ({ page, browser }) => {
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
  await page.getByLabel('Name').fill('billing-db-primary');
  await page.getByLabel('URL').fill('http://127.0.0.2:9/private-health');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/[0-9a-f-]{36}$/);
  const monitorUrl = page.url();

  await page.getByRole('link', { name: 'Status pages' }).click();
  await expect(page.getByRole('heading', { name: 'Status pages' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Title').fill('Acme status');
  await page.getByLabel('Address').fill('API'); // refused: upper case
  await page.getByRole('button', { name: 'Create page' }).click();
  await expect(page.locator('#page-slug-error')).toContainText('lower-case');
  await page.getByLabel('Address').fill(slug);
  await page.getByRole('button', { name: 'Create page' }).click();
  await page.getByRole('link', { name: 'Add components and publish it' }).click();
  await expect(page).toHaveURL(/\/status-pages\/[0-9a-f-]{36}$/);

  await hydrated(page);
  await page.getByLabel('Kind').selectOption('monitor');
  await page.getByLabel('Public name').fill('Billing');
  await page.getByLabel('Monitor (monitor components)').selectOption({ label: 'billing-db-primary' });
  await page.getByRole('button', { name: 'Add component' }).click();
  await expect(page.getByTestId('component')).toHaveCount(1);
  await expect(page.getByTestId('component')).toContainText('Billing');

  await page.getByLabel('Published (readable by anyone)').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('page-published')).toHaveText('published');
  const snippet = page.getByTestId('badge-snippet').first().locator('textarea').first();
  await expect(snippet).toHaveValue(new RegExp(`/api/v1/public/badges/${slug}/status\\.svg`));
  await page.screenshot({ path: path.join(screenshots, 'status-page-editor.png'), fullPage: true });

  // A visitor: a fresh context, no session.
  const visitor = await browser.newContext();
  const publicPage = await visitor.newPage();
  const response = await publicPage.goto(`/status/${slug}`);
  expect(response?.status()).toBe(200);
  await expect(publicPage.getByRole('heading', { level: 1 })).toHaveText('Acme status');
  await expect(publicPage.getByTestId('status-component').first()).toContainText('Billing');
  await expect(publicPage.getByTestId('status-banner')).toBeVisible();
  await expect(publicPage.getByRole('link', { name: 'Sign in' })).toHaveCount(0);
  const text = await publicPage.content();
  expect(text).not.toContain('billing-db-primary');
  expect(text).not.toContain('private-health');
  await publicPage.screenshot({ path: path.join(screenshots, 'status-page-public.png'), fullPage: true });
  const answer = await visitor.request.get(`/status/${slug}.json`);
  expect(JSON.parse(await answer.text()).data.components[0].name).toBe('Billing');
  const badge = await visitor.request.get(`/api/v1/public/badges/${slug}/status.svg`);
  expect(badge.status()).toBe(200);
  expect(await badge.text()).toContain('Acme status');

  // The owner writes an incident and posts an update; the visitor sees both.
  await hydrated(page);
  await page.locator('#incident-title').fill('Billing is slow');
  await page.getByLabel('First update (markdown)').fill('We are **looking** into it.');
  await page.getByRole('checkbox', { name: 'Billing' }).check();
  await page.getByRole('button', { name: 'Write incident' }).click();
  const incident = page.getByTestId('page-incident');
  await expect(incident).toHaveCount(1);
  await expect(incident).toContainText('Billing is slow');
  await incident.getByLabel('Post an update').selectOption('identified');
  await incident.getByLabel('New update (markdown)').fill('The cause is a slow disk.');
  await incident.getByRole('button', { name: 'Post update' }).click();
  await expect(page.getByTestId('page-incident-update')).toHaveCount(2);
  await publicPage.reload();
  await expect(publicPage.getByText('Billing is slow').first()).toBeVisible();
  await expect(publicPage.getByText('The cause is a slow disk.')).toBeVisible();
  await expect(publicPage.locator('strong', { hasText: 'looking' })).toBeVisible();

  // A visitor subscribes with the page's own form; the owner sees them waiting.
  await publicPage.getByPlaceholder('you@example.org').fill(`reader-${stamp}@example.org`);
  await publicPage.getByRole('button', { name: 'Subscribe' }).click();
  await expect(publicPage.getByTestId('subscribe-outcome')).toContainText('Check your mailbox');
  await visitor.close();
  await page.reload();
  await expect(page.getByTestId('subscriber-counts')).toContainText('0 active, 1 waiting');
  await expect(page.getByTestId('subscriber')).toContainText(`reader-${stamp}@example.org`);

  // A maintenance window over the monitor.
  await page.getByRole('link', { name: 'Maintenance' }).click();
  await expect(page.getByRole('heading', { name: 'Maintenance windows' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Title').fill('Database upgrade');
  await page.getByLabel('Kind').selectOption('one_off');
  await page.getByLabel('Starts (UTC)').fill('2030-01-05T10:00');
  await page.getByLabel(/^Ends \(UTC/).fill('2030-01-05T12:00');
  await page.getByLabel('billing-db-primary').check();
  await page.getByRole('button', { name: 'Add window' }).click();
  const window = page.getByTestId('maintenance-window');
  await expect(window).toHaveCount(1);
  await expect(window).toContainText('Database upgrade');
  await expect(window).toContainText('billing-db-primary');
  await expect(window).toContainText('2030-01-05 10:00 UTC – 2030-01-05 12:00 UTC');

  // Deleted: its target never answers, and a later test reads the newest failures.
  await page.goto(monitorUrl);
  await hydrated(page);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(errors, 'uncaught errors in the page').toEqual([]);
});
