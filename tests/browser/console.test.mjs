// console.test.mjs: the agent console in headless Chromium. Two agents of
// one department in separate browser contexts and a visitor in the widget
// on a customer's page: the request appears live in both consoles, the
// first to accept gets it and it leaves the other's list; the visitor sees
// who joined; messages go both ways (Enter sends); each side sees the
// other typing; the agent sees "Seen" once the visitor read; a note stays
// staff only; the console works at phone width.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from './chromium.mjs';

import { BASE_URL, PARLEY_ROOT, rand, sql, uniqueEmail } from '../e2e/helpers.mjs';
import { makeWidget } from '../e2e/visitor-helpers.mjs';

const SHOTS = join(PARLEY_ROOT, 'var', 'screenshots');
let browser;
const servers = [];

function site() {
	const st = { key: '' };
	return new Promise((resolve) => {
		const s = createServer((req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>Our shop</h1>
<script async src="${BASE_URL}/static/widget.js" data-parley-widget="${st.key}"></script>
</body></html>`);
		});
		s.listen(0, '127.0.0.1', () => {
			servers.push(s);
			st.origin = `http://127.0.0.1:${s.address().port}`;
			resolve(st);
		});
	});
}

async function agent(w, first, dept) {
	const email = uniqueEmail(`bcon-${first.toLowerCase()}`);
	const last = `Console${rand(4)}`;
	const r = await w.api.postJSON('/api/agents', {
		first_name: first, last_name: last, email, phone: '+1 415 555 0100', department_ids: [dept],
	});
	assert.equal(r.status, 201, r.text);
	const [[hash]] = sql(`SELECT password_hash FROM users WHERE id = ${Number(w.admin.id)}`);
	sql(`UPDATE users SET password_hash = '${hash}' WHERE id = ${Number(r.json.data.id)}`);
	return { email, first, name: `${first} ${last}`, password: w.admin.password };
}

async function consoleOf(a, viewport = { width: 1280, height: 800 }) {
	const ctx = await browser.newContext({ baseURL: BASE_URL, viewport });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15000);
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(String(e)));
	await page.goto('/login');
	await page.locator('#email').fill(a.email);
	await page.locator('#password').fill(a.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(`${BASE_URL}/`);
	await page.goto('/console');
	await page.locator('#console[data-ready="1"]').waitFor();
	return page;
}

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	browser = await launch();
});

after(async () => {
	await browser?.close();
	for (const s of servers) s.close();
});

test('two agents and a visitor: live offer, first accept, messages, typing, Seen', async () => {
	const shop = await site();
	const w = await makeWidget({ origin: shop.origin, departments: ['Sales'] });
	shop.key = w.key;
	const ann = await agent(w, 'Ann', w.depts[0].id);
	const bob = await agent(w, 'Bob', w.depts[0].id);
	const a = await consoleOf(ann);
	const b = await consoleOf(bob, { width: 390, height: 800 });

	// The visitor starts a chat from the shop's page.
	const vctx = await browser.newContext({ viewport: { width: 400, height: 740 } });
	const v = await vctx.newPage();
	v.setDefaultTimeout(15000);
	await v.goto(shop.origin);
	await v.getByRole('button', { name: 'Chat with us' }).click();
	const chat = v.frameLocator('iframe[title="Chat"]');
	const name = `Vic ${rand(5)}`;
	await chat.getByRole('textbox', { name: 'Name' }).fill(name);
	await chat.getByRole('textbox', { name: 'E-mail' }).fill(uniqueEmail('bvis'));
	await chat.getByRole('button', { name: 'Start chat' }).click();
	await chat.getByRole('log', { name: 'Messages' }).waitFor();
	await chat.locator('#pw-body').fill('<i>Hi</i>, I need a hand');
	await chat.locator('#pw-body').press('Enter');

	// Both consoles get the offer without a reload.
	const offerA = a.locator('#cs-offers .cs-item').filter({ hasText: name });
	const offerB = b.locator('#cs-offers .cs-item').filter({ hasText: name });
	await offerA.waitFor();
	await offerB.waitFor();
	assert.equal(await offerA.getByRole('button', { name: 'Reject' }).count(), 1);
	await a.screenshot({ path: join(SHOTS, 'console-offer.png') });

	// Ann accepts first; Bob's offer goes away.
	await offerA.getByRole('button', { name: 'Accept' }).click();
	await offerB.waitFor({ state: 'detached' });
	await a.locator('#cs-ongoing .cs-item').filter({ hasText: name }).waitFor();
	await a.locator('#cs-chat .cs-title').filter({ hasText: name }).waitFor();
	// The visitor's HTML is text.
	await a.locator('.cs-msg.cs-from-visitor .cs-body').filter({ hasText: '<i>Hi</i>, I need a hand' }).waitFor();
	assert.equal(await a.locator('.cs-msg i').count(), 0);
	await chat.locator('#pw-log').getByText(/Ann joined the chat/).waitFor();

	// The agent types: the visitor sees it; Enter sends.
	const box = a.locator('#cs-body');
	await box.focus();
	await box.pressSequentially('Happy to help', { delay: 20 });
	await chat.locator('#pw-typing').filter({ hasText: /typing/ }).waitFor();
	await box.press('Shift+Enter');
	await box.pressSequentially('what is up?');
	await box.press('Enter');
	await chat.locator('.pw-msg.pw-agent').filter({ hasText: 'what is up?' }).waitFor();
	assert.match(await chat.locator('.pw-msg.pw-agent .pw-who').first().textContent(), /Ann/);

	// The visitor saw it: Seen on the agent's side.
	await a.locator('.cs-seen').filter({ hasText: 'Seen' }).waitFor();

	// The visitor types and answers.
	await chat.locator('#pw-body').pressSequentially('My order is late', { delay: 20 });
	await a.locator('#cs-typing').filter({ hasText: /typing/ }).waitFor();
	await chat.locator('#pw-body').press('Enter');
	await a.locator('.cs-msg.cs-from-visitor').filter({ hasText: 'My order is late' }).waitFor();
	await chat.locator('.pw-msg.pw-visitor .pw-seen').waitFor();

	// A note: staff only.
	await a.locator('#cs-note-mode').check();
	await box.fill('Check the courier');
	await box.press('Enter');
	await a.locator('.cs-msg.cs-note').filter({ hasText: 'Check the courier' }).waitFor();
	await v.waitForTimeout(1500);
	assert.equal(await chat.getByText('Check the courier').count(), 0, 'the visitor never sees a note');
	await a.screenshot({ path: join(SHOTS, 'console-chat.png') });
	await b.screenshot({ path: join(SHOTS, 'console-phone.png') });

	// Transfer to Bob from the dialog, keyboard first: Bob's offer has no
	// Reject; Ann's chat leaves her list.
	await a.locator('.cs-bar').getByRole('button', { name: 'Transfer' }).click();
	const dlg = a.locator('dialog.cs-dialog');
	await dlg.waitFor();
	await dlg.getByLabel('Agent', { exact: true }).selectOption({ label: bob.name });
	await dlg.getByRole('button', { name: 'Transfer' }).click();
	await dlg.waitFor({ state: 'detached' });
	await a.locator('#cs-ongoing .cs-item').filter({ hasText: name }).waitFor({ state: 'detached' });
	const toBob = b.locator('#cs-offers .cs-item').filter({ hasText: name });
	await toBob.waitFor();
	await toBob.getByText(/Transferred by Ann/).waitFor();
	assert.equal(await toBob.getByRole('button', { name: 'Reject' }).count(), 0, 'no Reject on a transfer to an agent');
	await toBob.getByRole('button', { name: 'Accept' }).click();
	// On a phone the chat takes the screen, with a way back to the list.
	await b.locator('#cs-chat .cs-title').filter({ hasText: name }).waitFor();
	assert.equal(await b.locator('#cs-offers').isVisible(), false, 'one column at a time');
	await b.locator('.cs-msg.cs-from-visitor').filter({ hasText: 'My order is late' }).waitFor();
	await chat.locator('#pw-log').getByText(/Bob joined the chat/).waitFor();
	await b.screenshot({ path: join(SHOTS, 'console-phone-chat.png') });
	await b.getByRole('link', { name: '← Back' }).click();
	await b.locator('#cs-ongoing .cs-item').filter({ hasText: name }).waitFor();

	// Bob resolves; the visitor's next message is a new request (4.1),
	// offered to Ann as new, without the form again.
	await b.locator('#cs-ongoing .cs-item').filter({ hasText: name }).click();
	await b.locator('.cs-bar').getByRole('button', { name: 'Resolve' }).click();
	await chat.locator('#pw-log').getByText('This chat has ended.').waitFor();
	await chat.locator('#pw-body').fill('One more thing');
	await chat.locator('#pw-body').press('Enter');
	const again = a.locator('#cs-offers .cs-item').filter({ hasText: name });
	await again.waitFor();
	await again.getByText('One more thing').waitFor();
	await chat.locator('.pw-msg.pw-visitor').filter({ hasText: 'One more thing' }).waitFor();

	assert.deepEqual(a.errors, []);
	assert.deepEqual(b.errors, []);
});
