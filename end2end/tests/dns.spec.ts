// A DNS monitor in the browser: created with the form against a DNS stand-in on
// 127.0.0.2 (UDP, the wire format written here by hand: A records only), its page shows
// the last answer and the baseline; a changed answer takes the monitor down and
// "Accept current answer" makes it the baseline, and the monitor recovers, without a reload.
import { expect, Page, test } from '@playwright/test';
import * as dgram from 'node:dgram';
import * as path from 'node:path';

const screenshots = path.join(__dirname, '..', 'screenshots');

// The A records the stand-in serves for every name it is asked about.
let addresses = ['192.0.2.1'];
const server = dgram.createSocket('udp4');

// Answers a query: the header with QR, AA and RD copied, the question, one A record per
// address (the name as a pointer to the question's), no additional records.
server.on('message', (query, from) => {
  if (query.length < 12) return;
  let end = 12;
  while (end < query.length && query[end] !== 0) end += query[end] + 1;
  const question = query.subarray(12, end + 5); // name, its terminating 0, type, class
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  header[2] = 0x84 | (query[2] & 0x01); // response, authoritative, RD as asked
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((address) => {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the question's name
    record.writeUInt16BE(1, 2); // A
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(60, 6);
    record.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => (record[12 + i] = Number(octet)));
    return record;
  });
  server.send(Buffer.concat([header, question, ...answers]), from.port, from.address);
});

let resolver = '';

test.beforeAll(async () => {
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.2', resolve));
  resolver = `127.0.0.2:${server.address().port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

test('a DNS monitor alerts on a changed answer until it is accepted', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Email').fill(`dns-${Date.now()}@example.org`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  await hydrated(page);
  await page.getByRole('link', { name: 'Add monitor' }).click();
  await hydrated(page);
  await page.getByLabel('Kind').selectOption('dns');
  await page.getByLabel('Name to look up').fill('api.example.test');
  await page.getByLabel('Record type').selectOption('A');
  await page.getByLabel('Resolver').selectOption('custom');
  // A server that is not an address: the form says so beside the field.
  await page.getByLabel('Servers').fill('ns.example.test');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page.locator('#monitor-dns-resolvers-error')).toContainText('is not ip or ip:port');
  await page.getByLabel('Servers').fill(resolver);
  await page.getByLabel('Check the answer').selectOption('matches');
  await page.getByLabel('Expected').fill('^192\\.0\\.2\\.');
  await page.getByLabel('Alert when the answer changes').check();
  await page.getByLabel('Interval (seconds)').fill('1');
  await page.getByLabel('Failures before down').fill('1');
  await page.getByLabel('Successes before up').fill('1');
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await expect(page).toHaveURL(/\/monitors\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.getByTestId('monitor-name')).toHaveText('api.example.test A');

  // The first answer passes and becomes the baseline.
  const answers = page.getByTestId('dns-answers');
  await expect(page.getByTestId('status').first()).toHaveText('Up');
  await expect(answers.getByTestId('dns-baseline')).toContainText('192.0.2.1');
  await expect(answers.getByRole('button', { name: 'Accept current answer' })).toHaveCount(0);

  // The answer changes: down, both answers shown, the button offered.
  addresses = ['192.0.2.7'];
  await expect(page.getByTestId('status').first()).toHaveText('Down');
  await expect(answers.getByTestId('dns-last')).toContainText('192.0.2.7');
  await expect(answers.getByTestId('dns-baseline')).toContainText('192.0.2.1');
  await page.screenshot({ path: path.join(screenshots, 'dns.png'), fullPage: true });
  await answers.getByRole('button', { name: 'Accept current answer' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'accepted as the baseline' })).toBeVisible();
  await expect(answers.getByTestId('dns-baseline')).toContainText('192.0.2.7');
  await expect(page.getByTestId('status').first()).toHaveText('Up');

  // Deleted, so no later test sees it fail once the stand-in is gone.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  expect(errors).toEqual([]);
});
