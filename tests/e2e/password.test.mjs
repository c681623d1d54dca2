// password.test.mjs: "Forgot password?" (spec 1.1 C): the same answer for
// any address, the e-mailed link, setting a new password, the sessions and
// tokens that end with it, and links that work once.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	BASE_URL,
	Client,
	apiToken,
	assertEnvelope,
	assertNoMail,
	extractLink,
	fieldError,
	flashOf,
	formError,
	inputValue,
	newPassword,
	pathOf,
	signup,
	uniqueEmail,
	waitForMail,
} from './helpers.mjs';

const SUBJECT = 'Reset your Parley password';
const INVALID = 'This link is invalid or has expired.';

/** Ask for a link through the form; returns the response. */
async function forgot(email, client = new Client()) {
	const page = await client.get('/password/forgot');
	assert.equal(page.status, 200);
	assert.ok(page.csrf);
	return client.postForm('/password/forgot', { csrf: page.csrf, email });
}

/** Ask for a link and return it (the path and query) from the e-mail. */
async function resetLink(email, skip = []) {
	const r = await forgot(email);
	assert.equal(r.status, 200);
	const mail = await waitForMail(email, { subject: SUBJECT, skip });
	const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
	assert.ok(link, `a reset link in: ${mail.text}`);
	return { path: pathOf(link), mail };
}

function tokenOf(path) {
	return new URL(path, BASE_URL).searchParams.get('token');
}

test('forgot-password answers the same for any address; only an account gets the e-mail', async () => {
	const u = await signup();
	const nobody = uniqueEmail('nobody');
	const a = await forgot(u.email);
	const b = await forgot(nobody);
	assert.equal(a.status, 200);
	assert.equal(b.status, a.status);
	assert.match(a.text, /If an account exists for that address/);
	const norm = (t) => t.replace(/value="[A-Za-z0-9_-]{43}"/g, 'value=""');
	assert.equal(norm(b.text), norm(a.text), 'the same page for both');

	const ja = await new Client().postJSON('/api/auth/password/forgot', { email: u.email });
	const jb = await new Client().postJSON('/api/auth/password/forgot', { email: nobody });
	assert.equal(ja.status, 200);
	assert.deepEqual(jb.json, ja.json);
	assert.deepEqual(ja.json, { success: true, data: { sent: true } });

	const mail = await waitForMail(u.email, { subject: SUBJECT });
	assert.match(mail.text, /one hour/);
	assert.ok(extractLink(mail.text, `${BASE_URL}/password/reset?token=`));
	await assertNoMail(nobody, { ms: 2500 });
});

test('forgot-password refuses a malformed address beside the field', async () => {
	const r = await forgot('not-an-address');
	assert.equal(r.status, 400);
	assert.match(fieldError(r.text, 'email'), /valid e-mail/);
	assert.equal(inputValue(r.text, 'email'), 'not-an-address');
	const e = await new Client().postJSON('/api/auth/password/forgot', {});
	assertEnvelope(e, 400, { field: 'email' });
});

test('the e-mailed link sets a new password and signs out every session of the user', async () => {
	const u = await signup();
	// Sessions and tokens from before the reset.
	const browser = new Client();
	await browser.login(u.email, u.password);
	const phone = new Client();
	await phone.login(u.email, u.password);
	const token = await apiToken(u.email, u.password);
	assert.equal((await browser.get('/')).status, 200);

	const { path } = await resetLink(u.email);
	const c = new Client();
	const form = await c.get(path);
	assert.equal(form.status, 200);
	assert.match(form.text, /Set a new password/);
	assert.ok(!form.text.includes(INVALID));
	assert.equal(inputValue(form.text, 'token'), tokenOf(path), 'the token rides along in the form');
	assert.match(form.text, /<input[^>]*name="password"/);
	assert.match(form.text, /<input[^>]*name="password_confirm"/);

	// A mismatch is refused and does not use up the link.
	const pw = newPassword();
	const bad = await c.postForm('/password/reset', { csrf: form.csrf, token: tokenOf(path), password: pw, password_confirm: pw + 'x' });
	assert.equal(bad.status, 400);
	assert.match(fieldError(bad.text, 'password_confirm'), /do not match/);
	assert.equal(inputValue(bad.text, 'token'), tokenOf(path));
	const short = await c.postForm('/password/reset', { csrf: bad.csrf, token: tokenOf(path), password: 'abcde', password_confirm: 'abcde' });
	assert.equal(short.status, 400);
	assert.match(fieldError(short.text, 'password'), /at least 6/);

	const r = await c.postForm('/password/reset', { csrf: short.csrf, token: tokenOf(path), password: pw, password_confirm: pw });
	assert.equal(r.status, 303, formError(r.text) || r.text.slice(0, 200));
	assert.equal(r.location, '/login');
	const login = await c.get('/login');
	assert.equal(flashOf(login.text), 'Your new password is set. Please sign in.');
	assert.equal(c.cookie('pl_session'), undefined, 'a reset does not sign in by itself');

	// The old password no longer works; the new one does.
	const old = await new Client().postJSON('/api/auth/login', { email: u.email, password: u.password });
	assert.equal(old.status, 401);
	await new Client().login(u.email, pw);

	// Every session from before is signed out, and the old token refused.
	for (const s of [browser, phone]) {
		const home = await s.get('/');
		assert.equal(home.status, 303);
		assert.equal(home.location, '/login');
	}
	const me = await new Client().get('/api/auth/me', { bearer: token });
	assertEnvelope(me, 401);
});

test('a reset link works once', async () => {
	const u = await signup();
	const { path } = await resetLink(u.email);
	const c = new Client();
	const form = await c.get(path);
	const pw1 = newPassword();
	const r1 = await c.postForm('/password/reset', { csrf: form.csrf, token: tokenOf(path), password: pw1, password_confirm: pw1 });
	assert.equal(r1.status, 303);

	// Opening it again shows the notice, not the form.
	const again = await c.get(path);
	assert.ok([200, 404].includes(again.status), `GET a used link: ${again.status}`);
	assert.ok(again.text.includes(INVALID));
	assert.ok(!/<input[^>]*name="password"/.test(again.text), 'no form for a used link');
	assert.match(again.text, /href="\/password\/forgot"/, 'a way to ask for a new one');

	// Posting it again (a kept form, or a replay) gets 404 and changes nothing.
	const pw2 = newPassword();
	const r2 = await c.postForm('/password/reset', { csrf: again.csrf || form.csrf, token: tokenOf(path), password: pw2, password_confirm: pw2 });
	assert.equal(r2.status, 404);
	assert.ok(r2.text.includes(INVALID));
	const j = await new Client().postJSON('/api/auth/password/reset', { token: tokenOf(path), password: pw2 });
	assertEnvelope(j, 404, { code: 'not_found' });
	assert.equal(j.json.error.message, INVALID);

	assert.equal((await new Client().postJSON('/api/auth/login', { email: u.email, password: pw2 })).status, 401);
	assert.equal((await new Client().postJSON('/api/auth/login', { email: u.email, password: pw1 })).status, 200);
});

test('using one link ends the other links sent before it', async () => {
	const u = await signup();
	const first = await resetLink(u.email);
	const second = await resetLink(u.email, [first.mail.id]);
	assert.notEqual(tokenOf(first.path), tokenOf(second.path));
	const pw = newPassword();
	const r = await new Client().postJSON('/api/auth/password/reset', { token: tokenOf(second.path), password: pw });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json, { success: true, data: { reset: true } });
	const stale = await new Client().get(first.path);
	assert.ok(stale.text.includes(INVALID), 'the earlier link is dead too');
});

test('a garbage or unknown token shows the invalid notice', async () => {
	const unknown = 'A'.repeat(43);
	for (const q of ['?token=garbage', '', '?token=', `?token=${unknown}`, '?token=%27%20OR%201%3D1--', `?token=${'x'.repeat(500)}`]) {
		const r = await new Client().get(`/password/reset${q}`);
		assert.ok([200, 404].includes(r.status), `${q}: ${r.status}`);
		assert.ok(r.text.includes(INVALID), `${q}: the notice`);
		assert.ok(!/<input[^>]*name="password"/.test(r.text), `${q}: no form`);
	}
	const c = new Client();
	const page = await c.get('/password/forgot'); // the notice has no form: a csrf from elsewhere
	const pw = newPassword();
	const r = await c.postForm('/password/reset', { csrf: page.csrf, token: unknown, password: pw, password_confirm: pw });
	assert.equal(r.status, 404);
	assert.ok(r.text.includes(INVALID));
	const j = await new Client().postJSON('/api/auth/password/reset', { token: 'garbage', password: pw });
	assertEnvelope(j, 404);
});
