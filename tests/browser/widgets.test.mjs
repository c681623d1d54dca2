// widgets.test.mjs: an admin's widget journey in headless Chromium (Debian's,
// driven by playwright-core): it creates a widget through the form with a
// logo upload, finds it in the list with its logo, opens its page, reads the
// embed snippet and copies it with the Copy button (the clipboard then holds
// exactly the snippet), and the Preview link opens /w/KEY in a new tab.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from './chromium.mjs';

import { BASE_URL, PARLEY_ROOT, apiToken, Client, rand, signup } from '../e2e/helpers.mjs';

const SHOTS = join(PARLEY_ROOT, 'var', 'screenshots');
const LOGO = join(PARLEY_ROOT, 'tests', 'fuzz', 'seeds', 'image', 'png16.png');
let browser;

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	browser = await launch();
});

after(async () => {
	await browser?.close();
});

test('an admin creates a widget with a logo, sees it listed, and copies its snippet', async () => {
	const admin = await signup();
	const api = new Client();
	api.bearer = await apiToken(admin.email, admin.password);
	const dept = `Helpdesk ${rand(5)}`;
	assert.equal((await api.postJSON('/api/departments', { name: dept })).status, 201);

	const context = await browser.newContext({ baseURL: BASE_URL });
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
	const page = await context.newPage();
	page.setDefaultTimeout(15000);
	await page.goto('/login');
	await page.locator('#email').fill(admin.email);
	await page.locator('#password').fill(admin.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${BASE_URL}/`);

	await page.getByRole('link', { name: 'Widgets', exact: true }).click();
	await page.waitForURL(`${BASE_URL}/widgets`);
	await page.getByRole('link', { name: 'New widget' }).first().click();
	const site = `https://browser-${rand(6)}.example.com/`;
	await page.getByLabel(dept).check();
	await page.locator('#website_url').fill(site);
	await page.locator('#details').fill('Made in the browser');
	await page.locator('#time_zone').selectOption('America/Denver');
	await page.locator('#area_code').fill('303');
	await page.getByLabel('Saturday').check();
	await page.locator('#open_from').fill('08:30');
	await page.locator('#open_to').fill('18:00');
	await page.locator('#logo').setInputFiles(LOGO);
	await page.getByRole('button', { name: 'Create widget' }).click();
	await page.waitForURL(/\/widgets\/\d+$/);
	const id = Number(/\/widgets\/(\d+)$/.exec(page.url())[1]);
	assert.match(await page.locator('.notice-ok').innerText(), /Widget created/);

	// The page: the logo shown (decoded by the browser), the snippet, the preview.
	const logo = page.locator('dd img.widget-logo');
	await logo.waitFor();
	assert.equal(await logo.evaluate((img) => img.complete && img.naturalWidth), 16, 'the logo decodes');
	const snippet = (await page.locator('#widget-snippet').innerText()).trim();
	const key = /data-parley-widget="([A-Za-z0-9_-]{22})"/.exec(snippet)?.[1];
	assert.ok(key, snippet);
	assert.equal(snippet, `<script async src="${BASE_URL}/static/widget.js" data-parley-widget="${key}"></script>`);
	assert.equal(await page.getByText('Mountain Time (Denver)').count() > 0, true);
	await page.screenshot({ path: join(SHOTS, 'widget-show.png'), fullPage: true });

	// Copy: the button (shown by widgets.js) puts exactly the snippet on the clipboard.
	const copy = page.getByRole('button', { name: 'Copy snippet' });
	await copy.click();
	await page.locator('#copy-status', { hasText: 'Copied.' }).waitFor();
	assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);

	// Preview opens /w/KEY in a new tab (the visitor side serves it).
	const preview = page.getByRole('link', { name: 'Preview' });
	assert.equal(await preview.getAttribute('href'), `${BASE_URL}/w/${key}`);
	assert.equal(await preview.getAttribute('target'), '_blank');

	// The list shows it with its logo and departments.
	await page.getByRole('link', { name: 'Back to widgets' }).click();
	await page.waitForURL(`${BASE_URL}/widgets`);
	const row = page.locator('tr', { has: page.locator(`a[href="/widgets/${id}"]`) }).first();
	assert.ok((await row.innerText()).includes(site));
	assert.ok((await row.innerText()).includes(dept));
	const thumb = row.locator('img.widget-logo');
	await thumb.waitFor();
	assert.equal(await thumb.evaluate((img) => img.complete && img.naturalWidth), 16, 'the list shows the logo');
	await page.screenshot({ path: join(SHOTS, 'widgets-list.png'), fullPage: true });
	await context.close();
});
