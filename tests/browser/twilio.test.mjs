// twilio.test.mjs: the super admin's Twilio section in headless Chromium:
// from the sidebar, credentials that Twilio refuses are shown Twilio's own
// refusal and kept out, the right ones are saved (or, if another test saved
// them first, replaced) and only their masked SID is shown; a business that
// signs up then appears in the list with an active sub-account.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from './chromium.mjs';

import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE_URL, PARLEY_ROOT, PARLEY_VAR, rand, signup } from '../e2e/helpers.mjs';

const kv = (text, k) => (new RegExp(`^${k}=(.*)$`, 'm').exec(text) || [])[1];
const creds = (() => {
	let t = '';
	try {
		t = fs.readFileSync(path.join(PARLEY_VAR, 'twilio-double.txt'), 'utf8');
	} catch {
		/* the environment's */
	}
	return {
		sid: process.env.TWILIO_ACCOUNT_SID || kv(t, 'TWILIO_ACCOUNT_SID'),
		token: process.env.TWILIO_AUTH_TOKEN || kv(t, 'TWILIO_AUTH_TOKEN'),
	};
})();

let browser;

before(async () => {
	fs.mkdirSync(path.join(PARLEY_ROOT, 'var', 'screenshots'), { recursive: true });
	browser = await launch();
});

after(async () => {
	await browser?.close();
});

test('the super admin enters the Twilio credentials and follows a business\'s sub-account', async () => {
	const context = await browser.newContext({ baseURL: BASE_URL });
	const page = await context.newPage();
	page.setDefaultTimeout(20000);
	await page.goto('/login');
	await page.locator('#email').fill(ADMIN_EMAIL);
	await page.locator('#password').fill(ADMIN_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${BASE_URL}/`);

	await page.getByRole('link', { name: 'Twilio', exact: true }).click();
	await page.waitForURL(`${BASE_URL}/twilio`);
	await page.getByRole('heading', { name: 'Platform account' }).waitFor();

	// First time, or (when another test was first) the replacement form.
	const first = await page.getByRole('button', { name: 'Check with Twilio and save' }).count();
	const submit = first
		? page.getByRole('button', { name: 'Check with Twilio and save' })
		: page.getByRole('button', { name: 'Check with Twilio and replace' });
	if (!first) await page.getByText('Replace credentials').click();

	await page.locator('#account_sid').fill(creds.sid);
	await page.locator('#auth_token').fill('0'.repeat(32));
	await submit.click();
	await page.locator('.notice-error').getByText(/Twilio refused these credentials/).waitFor();
	assert.equal(await page.locator('#account_sid').inputValue(), creds.sid, 'the SID is kept');
	assert.equal(await page.locator('#auth_token').inputValue(), '', 'the token is never sent back');

	// A refused form comes back open, with the SID kept.
	await page.locator('#account_sid').fill(creds.sid);
	await page.locator('#auth_token').fill(creds.token);
	await (first
		? page.getByRole('button', { name: 'Check with Twilio and save' })
		: page.getByRole('button', { name: 'Check with Twilio and replace' })).click();
	await page.waitForURL(`${BASE_URL}/twilio`);
	await page.getByText(/The Twilio credentials (are saved|were replaced)/).waitFor();
	const html = await page.content();
	assert.ok(html.includes(`AC…${creds.sid.slice(-4)}`), 'the masked SID');
	assert.ok(!html.includes(creds.token) && !html.includes(creds.sid), 'neither the token nor the full SID');

	// A business signs up; its row becomes active.
	const last = `Browser${rand(6)}`;
	const u = await signup({ first_name: 'Tess', last_name: last });
	await page.locator('#q').fill(u.email);
	await page.getByRole('button', { name: 'Search' }).click();
	const row = page.locator('tbody tr', { hasText: u.email });
	for (let i = 0; i < 60; i++) {
		if ((await row.locator('[data-status="active"]').count()) > 0) break;
		await page.waitForTimeout(500);
		await page.reload();
	}
	await row.locator('[data-status="active"]').waitFor();
	assert.match(await row.innerText(), /AC…[0-9a-f]{4}/);
	await page.screenshot({ path: path.join(PARLEY_ROOT, 'var', 'screenshots', 'twilio.png'), fullPage: true });
	await context.close();
});
