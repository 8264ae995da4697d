// The app shell: server rendering, hydration, the 404 page and the static assets.
import { expect, test } from '@playwright/test';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');

test('home page renders the app shell', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/RunState/);
  await expect(page.locator('nav').first()).toBeVisible();
  await page.screenshot({ path: path.join(screenshots, 'shell.png'), fullPage: true });
});

test('the page hydrates: the theme toggle works', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  // The app sets data-hydrated in an effect, which only runs once the wasm has hydrated.
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  expect(await theme()).toBe('light');
  await page.locator('[data-testid="theme-toggle"]').click();
  await expect.poll(theme).toBe('dark');
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('an unknown page is a 404 with a message', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByText('Page not found')).toBeVisible();
});

test('static assets are served', async ({ request }) => {
  for (const asset of ['/pkg/runstate.css', '/echarts.min.js', '/pkg/runstate.js', '/pkg/runstate_bg.wasm']) {
    const response = await request.get(asset);
    expect(response.status(), asset).toBe(200);
  }
  // instantiateStreaming needs this type; without it the browser falls back to a slower path.
  const wasm = await request.get('/pkg/runstate_bg.wasm');
  expect(wasm.headers()['content-type']).toBe('application/wasm');
});
