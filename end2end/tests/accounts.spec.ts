// The browser session: sign-up, HttpOnly cookies, transparent refresh, sign-out,
// and the server's validation messages shown inline.
import { expect, Page, test } from '@playwright/test';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');
const password = 'correct horse battery';

function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

async function signUp(page: Page, email: string) {
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
}

test('sign up, stay signed in through HttpOnly cookies, sign out', async ({ page, context }) => {
  const email = uniqueEmail('cookie');
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/); // the landing page after sign-up
  await expect(page.locator('nav')).toContainText(email);
  await page.goto('/account');
  await expect(page.getByTestId('account-email')).toHaveText(email);

  const cookies = await context.cookies();
  for (const name of ['rs_access', 'rs_refresh']) {
    const cookie = cookies.find((c) => c.name === name);
    expect(cookie, name).toBeDefined();
    expect(cookie?.httpOnly, `${name} is HttpOnly`).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
  }
  expect(await page.evaluate(() => document.cookie)).not.toContain('rs_');

  // Still signed in after a reload, and after the access token is gone (as when it
  // expires): the refresh cookie renews the session without the user noticing.
  await page.reload();
  await expect(page.getByTestId('account-email')).toHaveText(email);
  await context.clearCookies({ name: 'rs_access' });
  await page.goto('/account');
  await expect(page.getByTestId('account-email')).toHaveText(email);
  expect((await context.cookies()).some((c) => c.name === 'rs_access')).toBe(true);
  await page.screenshot({ path: path.join(screenshots, 'account.png'), fullPage: true });

  await hydrated(page);
  await page.locator('section').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/signin$/);
  expect((await context.cookies()).some((c) => c.name === 'rs_refresh')).toBe(false);
});

test('sign-up shows the server validation beside the field', async ({ page, context }) => {
  const email = uniqueEmail('dup');
  await signUp(page, email);
  await expect(page).toHaveURL(/\/dashboard$/);
  await context.clearCookies();

  await signUp(page, email.toUpperCase());
  await expect(page.locator('#email-error')).toContainText('already exists');
  await expect(page).toHaveURL(/\/signup$/);
});

test('each server error lands beside the field it names', async ({ page }) => {
  // Values the browser accepts and the server refuses: the error names the field, and only
  // that field shows it (no guessing from the message's words).
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill('someone@localhost');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('#email-error')).toContainText('invalid email');
  await expect(page.locator('#password-error')).toHaveCount(0);

  await page.getByLabel('Email').fill(uniqueEmail('spaces'));
  await page.getByLabel('Password').fill('          ');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('#password-error')).toContainText('only spaces');
  await expect(page.locator('#email-error')).toHaveCount(0);
  await expect(page).toHaveURL(/\/signup$/);
});

test('a wrong password shows one clear message', async ({ page }) => {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByLabel('Email').fill(uniqueEmail('nobody'));
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('wrong email or password');
});
