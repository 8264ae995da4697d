// An HTTP monitor's assertions in the browser: a JSON API stand-in on 127.0.0.2, a monitor
// created with the form and a JSON-path assertion added as a row (a bad path first: the
// form names the row under the list), listed on the monitor's page; the API's `$.status`
// flips and the monitor turns degraded with the assertion's message, without a reload.
import { expect, Page, test } from '@playwright/test';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');

let status = 'ok';
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status, version: '1.4.2' }));
});
let target = '';

test.beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  target = `http://127.0.0.2:${(server.address() as AddressInfo).port}/health`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

test('an HTTP monitor with a JSON-path assertion is listed and degrades when it fails', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(`assert-${Date.now()}@example.org`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await hydrated(page);
  await page.getByRole('link', { name: 'Add monitor' }).click();
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('http');
  await page.getByLabel('URL').fill(target);
  await page.getByTestId('add-assertion').click();
  const row = page.getByTestId('assertion-row').first();
  await row.getByLabel('Source').selectOption('json_path');
  // Not an RFC 9535 path: the error names the row, under the list.
  await row.getByLabel('JSON path').fill('status');
  await row.getByLabel('Check', { exact: true }).selectOption('equals');
  await row.getByLabel('Target').fill('ok');
  await row.getByLabel('On failure').selectOption('degrade');
  await page.getByLabel('Interval (seconds)').fill('1');
  await page.getByLabel('Failures before down').fill('1');
  await page.getByLabel('Successes before up').fill('1');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.locator('#monitor-assertions-error')).toContainText('Assertion 1 path is not an RFC 9535 JSON path');
  await row.getByLabel('JSON path').fill('$.status');
  await page.screenshot({ path: path.join(screenshots, 'assertions-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/[0-9a-f-]{36}$/);
  await hydrated(page);

  const listed = page.getByTestId('assertions');
  await expect(listed).toContainText('json_path $.status equals "ok" (degrade)');
  await expect(page.getByTestId('status').first()).toHaveText('Up');

  status = 'degraded';
  await expect(page.getByTestId('status').first()).toHaveText('Degraded');
  await expect(page.getByText('json $.status is "degraded", expected "ok"').first()).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'assertions.png'), fullPage: true });

  // The form shows the stored row when editing.
  await page.getByRole('link', { name: 'Edit' }).click();
  await hydrated(page);
  await expect(page.getByTestId('assertion-row').first().getByLabel('JSON path')).toHaveValue('$.status');

  // Deleted, so no later test sees it fail once the stand-in is gone.
  await page.goBack();
  await hydrated(page);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(errors).toEqual([]);
});
