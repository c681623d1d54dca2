// widget-embed.test.mjs: the widget on a customer's page, in headless
// Chromium. A small Node server on another origin (another port) serves a
// page with the embed snippet; a visitor opens the launcher, is told what is
// wrong with the form, fills it, starts a chat and sends a message, at 360
// px wide; the request appears live on the admin's dashboard (a second
// page, signed in). A page on a third origin embeds the same snippet and
// the widget's frame-ancestors keeps the chat out of it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { launch } from './chromium.mjs';

import { BASE_URL, PARLEY_ROOT, sql, uniqueEmail } from '../e2e/helpers.mjs';
import { makeWidget } from '../e2e/visitor-helpers.mjs';

const SHOTS = join(PARLEY_ROOT, 'var', 'screenshots');
let browser;
const servers = [];

/** A customer's site on its own port: the snippet (for the key set
 * later, once the widget names this origin) on an ordinary page. */
function site() {
	const st = { key: '' };
	return new Promise((resolve) => {
		const s = createServer((req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>Our shop</h1><p>Welcome.</p>
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

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	browser = await launch();
});

after(async () => {
	await browser?.close();
	for (const s of servers) s.close();
});

test('a visitor chats from a customer page; the admin sees the request live; a third origin cannot frame it', async () => {
	const shopSite = await site();
	const thirdSite = await site();
	const w = await makeWidget({ origin: shopSite.origin });
	shopSite.key = thirdSite.key = w.key;
	const shop = shopSite.origin;
	const third = thirdSite.origin;

	// The admin's dashboard, open first.
	const adminCtx = await browser.newContext({ baseURL: BASE_URL });
	const admin = await adminCtx.newPage();
	admin.setDefaultTimeout(15000);
	await admin.goto('/login');
	await admin.locator('#email').fill(w.admin.email);
	await admin.locator('#password').fill(w.admin.password);
	await admin.getByRole('button', { name: 'Sign in' }).click();
	await admin.waitForURL(`${BASE_URL}/`);
	await admin.getByRole('heading', { name: /Waiting requests/ }).waitFor();
	await admin.getByText('No one is waiting.').waitFor();

	// The visitor, on a phone-sized screen.
	const ctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
	const page = await ctx.newPage();
	page.setDefaultTimeout(15000);
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.goto(shop);
	const launcher = page.getByRole('button', { name: 'Chat with us' });
	await launcher.click();
	const iframe = page.locator('iframe[title="Chat"]');
	await iframe.waitFor();
	const box = await iframe.boundingBox();
	assert.ok(box.width <= 360 && box.x >= 0, `the chat fits 360 px: ${JSON.stringify(box)}`);
	const chat = page.frameLocator('iframe[title="Chat"]');
	await chat.getByRole('heading', { name: 'Chat with us' }).waitFor();

	// Nothing typed: the errors beside the fields.
	await chat.getByRole('button', { name: 'Start chat' }).click();
	await chat.locator('#pw-name-error').getByText('Name is required.').waitFor();
	assert.equal(await chat.locator('#pw-name').getAttribute('aria-invalid'), 'true');
	await chat.locator('#pw-email').fill('not-an-address');
	await chat.getByRole('button', { name: 'Start chat' }).click();
	await chat.locator('#pw-email-error').getByText('Enter a valid e-mail address.').waitFor();

	const email = uniqueEmail('browser-visitor');
	const name = `Browser Visitor ${Date.now()}`;
	await chat.getByRole('textbox', { name: 'Name' }).fill(name);
	await chat.getByRole('textbox', { name: 'E-mail' }).fill(email);
	await chat.getByRole('textbox', { name: 'Phone' }).fill('(212) 555-0123');
	await chat.getByRole('button', { name: 'Start chat' }).click();
	await chat.getByRole('log', { name: 'Messages' }).waitFor();
	// Keyboard only: the composer has the focus; Enter sends.
	await chat.locator('#pw-body').fill('Hello from the shop page');
	await chat.locator('#pw-body').press('Enter');
	const mine = chat.locator('.pw-msg.pw-visitor').filter({ hasText: 'Hello from the shop page' });
	await mine.waitFor();
	await chat.locator('.pw-msg.pw-visitor:not(.pw-sending)').first().waitFor();
	await page.screenshot({ path: join(SHOTS, 'widget-chat-360.png') });

	// Stored, and the admin sees the request without reloading.
	const [[id, status, body]] = sql(
		`SELECT c.id, c.status, m.body FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.widget_id = ${w.id} AND c.visitor_email = '${email}'`,
	);
	assert.equal(status, 'new');
	assert.equal(body, 'Hello from the shop page');
	const row = admin.locator(`#waiting-rows tr[data-id="${id}"]`);
	await row.waitFor();
	assert.match(await row.textContent(), new RegExp(name));
	assert.equal((await admin.locator('#waiting-count').textContent()).trim(), '1');
	await admin.screenshot({ path: join(SHOTS, 'dashboard-waiting.png'), fullPage: true });

	// Closing the chat from inside hides it; the launcher comes back.
	await chat.getByRole('button', { name: 'Close the chat window' }).click();
	await page.getByRole('button', { name: 'Chat with us' }).waitFor();
	assert.deepEqual(errors, []);

	// A third origin: the loader shows nothing there (the widget's answer
	// is for its own site only), and a frame of the widget put there by
	// hand is refused (frame-ancestors): the chat never loads in it.
	const other = await ctx.newPage();
	const blocked = [];
	other.on('console', (m) => blocked.push(m.text()));
	await other.goto(third);
	await other.waitForTimeout(1500);
	assert.equal(await other.getByRole('button', { name: 'Chat with us' }).count(), 0, 'no launcher on a third origin');
	await other.evaluate((src) => {
		const f = document.createElement('iframe');
		f.title = 'Chat';
		f.src = src;
		document.body.appendChild(f);
	}, `${BASE_URL}/w/${w.key}`);
	const handle = await other.locator('iframe[title="Chat"]').elementHandle();
	await other.waitForTimeout(1500);
	const frame = await handle.contentFrame();
	const inside = frame ? await frame.locator('#pw-name').count() : 0;
	assert.equal(inside, 0, 'the widget did not load in the third origin');
	assert.ok(
		blocked.some((t) => /frame-ancestors/.test(t)),
		`Chromium reports the refusal: ${blocked.join(' | ')}`,
	);

	// An inactive widget shows nothing, even on its own site.
	const offSite = await site();
	const off = await makeWidget({ origin: offSite.origin, active: 0 });
	offSite.key = off.key;
	const offPage = await ctx.newPage();
	await offPage.goto(offSite.origin);
	await offPage.waitForTimeout(1500);
	assert.equal(await offPage.getByRole('button', { name: 'Chat with us' }).count(), 0, 'no launcher for an inactive widget');
	await ctx.close();
	await adminCtx.close();
});
