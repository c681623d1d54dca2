// teams.test.mjs: the browser journeys, in headless Chromium (Debian's,
// driven by playwright-core), each step through the pages people use:
//   1. the super admin creates an admin, a department of that admin, and an
//      agent in that department;
//   2. the agent sets its password from the captured e-mail and signs in;
//   3. the admin blocks the agent, and the agent's next request is refused;
//   4. the super admin acts as the admin, and stops.
// The steps share what they created, so they run in order.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launch } from './chromium.mjs';

import {
	ADMIN_EMAIL,
	ADMIN_PASSWORD,
	BASE_URL,
	PARLEY_ROOT,
	extractLink,
	newPassword,
	rand,
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

async function actor() {
	const context = await browser.newContext({ baseURL: BASE_URL });
	const page = await context.newPage();
	page.setDefaultTimeout(15000);
	return page;
}

async function signIn(page, email, password) {
	await page.goto('/login');
	await page.locator('#email').fill(email);
	await page.locator('#password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${BASE_URL}/`);
}

/** Follow the e-mailed set-password link in page and choose password. */
async function setPasswordFromMail(page, email, password) {
	const mail = await waitForMail(email, { subject: 'Your Parley account', timeoutMs: 15000 });
	const link = extractLink(mail.text);
	assert.ok(link && link.includes('/password/reset?token='), `a set-password link in: ${mail.text}`);
	await page.goto(link);
	await page.locator('#password').fill(password);
	await page.locator('#password_confirm').fill(password);
	await page.getByRole('button', { name: 'Set new password' }).click();
	await page.waitForURL(`${BASE_URL}/login`);
}

describe('teams in the browser', () => {
	const tag = rand(6);
	const admin = { first: 'Grace', last: `Hopper${tag}`, email: uniqueEmail('br-admin'), pw: newPassword() };
	const agent = { first: 'Alan', last: `Turing${tag}`, email: uniqueEmail('br-agent'), pw: newPassword() };
	let superPage, adminPage, agentPage, adminId;

	test('the super admin creates an admin, a department and an agent', async () => {
		assert.ok(ADMIN_PASSWORD, 'PARLEY_ADMIN_PASSWORD (or var/super-admin.txt) is needed');
		superPage = await actor();
		const p = superPage;
		await signIn(p, ADMIN_EMAIL, ADMIN_PASSWORD);

		await p.getByRole('link', { name: 'Admins' }).first().click();
		await p.waitForURL(/\/admins$/);
		await p.goto('/admins/new');
		await p.locator('#first_name').fill(admin.first);
		await p.locator('#last_name').fill(admin.last);
		await p.locator('#email').fill(admin.email);
		await p.locator('#company').fill(`Hopper & Co ${tag}`);
		await p.locator('#phone').fill('+1 415 555 0142');
		await p.getByRole('button', { name: 'Create admin' }).click();
		await p.waitForURL(/\/admins\/\d+$/);
		adminId = new URL(p.url()).pathname.split('/').pop();
		await p.getByText(admin.email).first().waitFor();

		// From the admin's page (a platform may have thousands of admins:
		// the page names the admin, no list to scroll).
		await p.getByRole('link', { name: 'Add a department' }).click();
		await p.waitForURL(new RegExp(`/departments/new\\?admin_id=${adminId}$`));
		assert.equal(await p.locator('#admin_id').inputValue(), adminId);
		await p.locator('#name').fill(`Support ${tag}`);
		await p.locator('#description').fill('First line');
		await p.getByRole('button', { name: 'Create department' }).click();
		await p.waitForURL(/\/departments\/\d+$/);
		await p.getByText(`Support ${tag}`).first().waitFor();

		// The agent form: the admin first, then that admin's departments
		// (a plain GET round trip, no script needed).
		await p.goto(`/admins/${adminId}`);
		await p.getByRole('link', { name: 'Add an agent' }).click();
		await p.waitForURL(new RegExp(`/agents/new\\?admin_id=${adminId}$`));
		const depts = p.locator('input[name="department_ids"]');
		assert.equal(await depts.count(), 1, 'only the chosen admin\'s department is offered');
		await depts.first().check();
		await p.locator('#first_name').fill(agent.first);
		await p.locator('#last_name').fill(agent.last);
		await p.locator('#email').fill(agent.email);
		await p.locator('#phone').fill('+1 415 555 0143');
		await p.getByRole('button', { name: 'Create agent and send invitation' }).click();
		await p.waitForURL(/\/agents\/\d+$/);
		await p.getByText(`Support ${tag}`).first().waitFor();
		await p.screenshot({ path: join(SHOTS, 'agent-created.png'), fullPage: true });
	});

	test('the agent sets its password from the e-mail and signs in', async () => {
		agentPage = await actor();
		await setPasswordFromMail(agentPage, agent.email, agent.pw);
		await agentPage.getByText('Your new password is set. Please sign in.').waitFor();
		await signIn(agentPage, agent.email, agent.pw);
		await agentPage.getByRole('heading', { name: `Welcome, ${agent.first}` }).waitFor();
		// An agent's sidebar has no admin sections.
		assert.equal(await agentPage.getByRole('link', { name: 'Agents' }).count(), 0);
	});

	test('the admin blocks the agent, and the agent\'s next request is refused', async () => {
		adminPage = await actor();
		await setPasswordFromMail(adminPage, admin.email, admin.pw);
		await signIn(adminPage, admin.email, admin.pw);
		await adminPage.goto('/agents');
		await adminPage.getByRole('button', { name: `Block ${agent.first} ${agent.last}` }).click();
		await adminPage.getByRole('button', { name: `Unblock ${agent.first} ${agent.last}` }).waitFor();

		// The agent's open session is refused at its next request.
		await agentPage.goto('/profile');
		await agentPage.waitForURL(/\/login(\?|$)/);
		// And signing in again is refused too.
		await agentPage.goto('/login');
		await agentPage.locator('#email').fill(agent.email);
		await agentPage.locator('#password').fill(agent.pw);
		await agentPage.getByRole('button', { name: 'Sign in' }).click();
		const alert = agentPage.getByRole('alert');
		await alert.waitFor();
		assert.match(await alert.textContent(), /blocked/i);
		assert.equal(new URL(agentPage.url()).pathname, '/login');
	});

	test('the super admin acts as the admin, and stops', async () => {
		const p = superPage;
		await p.goto(`/admins?q=${encodeURIComponent(admin.last)}`);
		await p.getByRole('button', { name: `Act as ${admin.first} ${admin.last}` }).click();
		await p.waitForURL(`${BASE_URL}/`);
		const stop = p.getByRole('button', { name: `Stop acting as ${admin.first} ${admin.last}` });
		await stop.waitFor();
		assert.equal((await p.locator('.user-name').textContent()).trim(), `${admin.first} ${admin.last}`);
		// The admin's rights, never more: the super admin's section is gone.
		assert.equal(await p.getByRole('link', { name: 'Admins' }).count(), 0);
		const r = await p.goto('/admins');
		assert.equal(r.status(), 403);
		await p.screenshot({ path: join(SHOTS, 'acting-as-admin.png'), fullPage: true });

		await p.goto('/');
		await p.getByRole('button', { name: `Stop acting as ${admin.first} ${admin.last}` }).click();
		await p.waitForURL(`${BASE_URL}/`);
		await p.getByText('You are yourself again.').waitFor();
		assert.equal(await p.getByRole('button', { name: /Stop acting as/ }).count(), 0);
		await p.getByRole('link', { name: 'Admins' }).first().waitFor();
	});

	after(async () => {
		for (const p of [superPage, adminPage, agentPage]) await p?.context().close();
	});
});
