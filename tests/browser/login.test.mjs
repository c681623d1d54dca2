// login.test.mjs: what people click, in headless Chromium (Debian's, driven
// by playwright-core): signing in, registering, a wrong password, and the
// forgotten-password round trip through the e-mailed link.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from './chromium.mjs';

import {
	ADMIN_EMAIL,
	ADMIN_PASSWORD,
	BASE_URL,
	PARLEY_ROOT,
	extractLink,
	newPassword,
	rand,
	signup,
	uniqueEmail,
	waitForMail,
} from '../e2e/helpers.mjs';

const SHOTS = join(PARLEY_ROOT, 'var', 'screenshots');
let browser;

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	browser = await launch();
});

after(async () => {
	await browser?.close();
});

// Fields by their ids (the labels carry a "*" mark); buttons and links by
// what they say.

/** A fresh context (no cookies) and page for one test. */
async function freshPage() {
	const context = await browser.newContext({ baseURL: BASE_URL });
	const page = await context.newPage();
	page.setDefaultTimeout(15000);
	return { context, page };
}

async function signIn(page, email, password) {
	await page.goto('/login');
	await page.locator('#email').fill(email);
	await page.locator('#password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the super admin signs in and sees the dashboard', async () => {
	assert.ok(ADMIN_PASSWORD, 'PARLEY_ADMIN_PASSWORD (or var/super-admin.txt) is needed');
	const { context, page } = await freshPage();
	try {
		await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
		await page.waitForURL(`${BASE_URL}/`);
		const heading = page.getByRole('heading', { level: 2 }).filter({ hasText: 'Welcome' });
		await heading.waitFor();
		const text = await heading.textContent();
		assert.match(text, /^Welcome, \S+/);
		const name = (await page.locator('.user-name').textContent()).trim();
		assert.ok(name.length > 0, 'the name in the top bar');
		assert.ok(text.includes(name.split(' ')[0]), `"${text}" greets ${name}`);
		await page.getByRole('link', { name: 'Profile' }).first().waitFor();
		await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });

		// And signs out again.
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(`${BASE_URL}/login`);
		await page.getByText('You have signed out.').waitFor();
	} finally {
		await context.close();
	}
});

test('a new admin registers through the form and lands on the dashboard', async () => {
	const { context, page } = await freshPage();
	try {
		await page.goto('/login');
		await page.getByRole('link', { name: 'Sign up' }).click();
		await page.waitForURL(`${BASE_URL}/signup`);
		const email = uniqueEmail('browser');
		const last = `Browser${rand(4)}`;
		const pw = newPassword();
		await page.locator('#first_name').fill('Radia');
		await page.locator('#last_name').fill(last);
		await page.locator('#phone').fill('+1 555 010 6060');
		await page.locator('#email').fill(email);
		await page.locator('#password').fill(pw);
		await page.locator('#password_confirm').fill(pw);
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL(`${BASE_URL}/`);
		await page.getByText('Welcome to Parley. Your account is ready.').waitFor();
		await page.getByRole('heading', { name: 'Welcome, Radia' }).waitFor();
		assert.equal((await page.locator('.user-name').textContent()).trim(), `Radia ${last}`);
		await page.screenshot({ path: join(SHOTS, 'dashboard-new-admin.png'), fullPage: true });
		const mail = await waitForMail(email, { subject: 'Welcome to Parley' });
		assert.ok(!mail.text.includes(pw));
	} finally {
		await context.close();
	}
});

test('a wrong password shows the error and keeps the e-mail', async () => {
	const u = await signup();
	const { context, page } = await freshPage();
	try {
		await signIn(page, u.email, 'certainly-wrong');
		const alert = page.getByRole('alert');
		await alert.waitFor();
		assert.match(await alert.textContent(), /Wrong e-mail or password\./);
		assert.equal(await page.locator('#email').inputValue(), u.email);
		assert.equal(await page.locator('#password').inputValue(), '', 'the password is not kept');
		assert.equal(new URL(page.url()).pathname, '/login');
		// Typing the right one now works.
		await page.locator('#password').fill(u.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL(`${BASE_URL}/`);
		await page.getByRole('heading', { name: `Welcome, ${u.first_name}` }).waitFor();
	} finally {
		await context.close();
	}
});

test('forgot password: the e-mailed link sets a new one, and it signs in', async () => {
	const u = await signup();
	const { context, page } = await freshPage();
	try {
		await page.goto('/login');
		await page.getByRole('link', { name: 'Forgot password?' }).click();
		await page.waitForURL(`${BASE_URL}/password/forgot`);
		await page.locator('#email').fill(u.email);
		await page.getByRole('button', { name: 'Send reset link' }).click();
		await page.getByText('If an account exists for that address').waitFor();

		const mail = await waitForMail(u.email, { subject: 'Reset your Parley password' });
		const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
		assert.ok(link, 'a link in the e-mail');
		await page.goto(link);
		await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
		const pw = newPassword();
		await page.locator('#password').fill(pw);
		await page.locator('#password_confirm').fill(pw);
		await page.getByRole('button', { name: 'Set new password' }).click();
		await page.waitForURL(`${BASE_URL}/login`);
		await page.getByText('Your new password is set. Please sign in.').waitFor();

		await signIn(page, u.email, pw);
		await page.waitForURL(`${BASE_URL}/`);
		await page.getByRole('heading', { name: `Welcome, ${u.first_name}` }).waitFor();

		// The link is spent.
		await page.goto(link);
		await page.getByText('This link is invalid or has expired.').waitFor();
	} finally {
		await context.close();
	}
});
