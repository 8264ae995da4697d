// The account page: change the password (the other sessions end, this one stays) and end
// another session from the list.
import { Browser, expect, Page, test } from '@playwright/test';

const password = 'correct horse battery';
const newPassword = 'a brand new passphrase';

function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/// A fresh browser (its own cookie jar) signed in as `email`.
async function signedIn(browser: Browser, email: string, secret: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return page;
}

async function signUp(page: Page, email: string) {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test('ending another session signs that browser out', async ({ page, browser }) => {
  const email = uniqueEmail('sessions');
  await signUp(page, email);
  const other = await signedIn(browser, email, password);

  await page.goto('/account');
  await hydrated(page);
  const rows = page.getByTestId('session-row');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="session-row"][data-current="true"]')).toHaveCount(1);
  await page
    .locator('[data-testid="session-row"][data-current="false"]')
    .getByRole('button', { name: 'End this session' })
    .click();
  await expect(rows).toHaveCount(1);

  await other.goto('/account');
  await expect(other).toHaveURL(/\/signin$/);
});

test('changing the password keeps this session and ends the others', async ({ page, browser }) => {
  const email = uniqueEmail('password');
  await signUp(page, email);
  const other = await signedIn(browser, email, password);

  await page.goto('/account');
  await hydrated(page);
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#current_password-error')).toContainText('wrong');

  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed')).toBeVisible();
  await expect(page.getByTestId('session-row')).toHaveCount(1); // the list reloads

  await page.reload();
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await other.goto('/account');
  await expect(other).toHaveURL(/\/signin$/);
  const again = await signedIn(browser, email, newPassword);
  await again.goto('/account');
  await expect(again.getByTestId('account-email')).toHaveText(email);
});

test('an API token is made on the account page, shown once, works on the API and is revoked', async ({ page, request }) => {
  await signUp(page, uniqueEmail('tokens'));
  await page.goto('/account');
  await hydrated(page);
  await expect(page.getByTestId('no-tokens')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByLabel('Scope').selectOption('read');
  await page.getByRole('button', { name: 'Make token' }).click();
  const secret = (await page.getByTestId('new-token-secret').textContent()) ?? '';
  expect(secret).toMatch(/^rs_[A-Za-z0-9_-]{43}$/);
  const row = page.getByTestId('token-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('token-scope')).toHaveText('read');
  await expect(row).not.toContainText(secret);

  // The token reads the API; a read token cannot write.
  const auth = { Authorization: `Bearer ${secret}` };
  expect((await request.get('/api/v1/monitors', { headers: auth })).status()).toBe(200);
  const write = await request.post('/api/v1/monitors', {
    headers: auth,
    data: { kind: 'http', http: { url: 'https://example.org/' } },
  });
  expect(write.status()).toBe(403);
  await page.reload();
  await hydrated(page);
  // Used just now: the list says when, not "Never".
  await expect(row.locator('td[data-label="Last used"] time')).toHaveCount(1);

  await row.getByRole('button', { name: 'Revoke ci' }).click();
  await expect(page.getByTestId('no-tokens')).toBeVisible();
  expect((await request.get('/api/v1/monitors', { headers: auth })).status()).toBe(401);
});
