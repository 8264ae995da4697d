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
