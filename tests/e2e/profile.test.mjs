// profile.test.mjs: one's own profile (spec 1.2): the e-mail shown but never
// changed, name and phone updates, the password change and the sessions and
// tokens it ends, through the form and the JSON API.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	Client,
	apiToken,
	assertEnvelope,
	fieldError,
	flashOf,
	formError,
	htmlEscape,
	inputValue,
	newPassword,
	signedIn,
	signup,
	uniqueEmail,
} from './helpers.mjs';

async function profileOf(email, password) {
	const c = new Client();
	const tok = await apiToken(email, password, c);
	const r = await c.get('/api/profile', { bearer: tok });
	assert.equal(r.status, 200, r.text);
	return r.json.data;
}

test('GET /profile shows the e-mail read-only and the editable fields filled in', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);
	const r = await c.get('/profile');
	assert.equal(r.status, 200);
	assert.match(r.text, new RegExp(`<p class="readonly"[^>]*>${htmlEscape(u.email)}</p>`));
	assert.match(r.text, /cannot be changed/);
	assert.ok(!/<input[^>]*name="email"/.test(r.text), 'no e-mail input to edit');
	for (const f of ['current_password', 'password', 'password_confirm'])
		assert.match(r.text, new RegExp(`<input[^>]*name="${f}"[^>]*type="password"`), f);
	assert.ok(r.csrf);
	assert.deepEqual(
		['first_name', 'last_name', 'phone'].map((f) => inputValue(r.text, f)),
		[u.first_name, u.last_name, u.phone],
		'the form shows the saved name and phone (see the report: GET /profile leaves them empty)',
	);
	// The form's values come from the account, not from the address bar.
	const q = await c.get('/profile?first_name=Mallory&phone=%2B1%20900%20555%200000');
	assert.equal(q.status, 200);
	assert.notEqual(inputValue(q.text, 'first_name'), 'Mallory', 'a link cannot prefill the profile form');
});

test('name and phone are updated through the form', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);
	const page = await c.get('/profile');
	const r = await c.postForm('/profile', {
		csrf: page.csrf,
		action: 'account',
		first_name: '  Dorothy ',
		last_name: 'Vaughan',
		phone: '(555) 010-9911',
	});
	assert.equal(r.status, 303, formError(r.text) || fieldError(r.text, 'phone') || r.text.slice(0, 200));
	assert.equal(r.location, '/profile');
	const p = await profileOf(u.email, u.password);
	assert.equal(p.first_name, 'Dorothy', 'saved, trimmed');
	assert.equal(p.last_name, 'Vaughan');
	assert.equal(p.phone, '(555) 010-9911');
	assert.equal(p.email, u.email);

	const after = await c.get('/profile');
	assert.equal(flashOf(after.text), 'Your profile was saved.');
	assert.ok(after.text.includes('Dorothy Vaughan'), 'the top bar shows the new name');
	// The flash shows once.
	const later = await c.get('/profile');
	assert.equal(flashOf(later.text), undefined);

	// The phone is optional on the profile: it can be cleared.
	const r2 = await c.postForm('/profile', { csrf: later.csrf, action: 'account', first_name: 'Dorothy', last_name: 'Vaughan', phone: '' });
	assert.equal(r2.status, 303);
	assert.equal((await profileOf(u.email, u.password)).phone, '');

	// And the form shows the saved values (see the report: it shows none).
	const r3 = await c.postForm('/profile', { csrf: later.csrf, action: 'account', first_name: 'Dorothy', last_name: 'Vaughan', phone: '(555) 010-9911' });
	assert.equal(r3.status, 303);
	const shown = await c.get('/profile');
	assert.deepEqual(
		['first_name', 'last_name', 'phone'].map((f) => inputValue(shown.text, f)),
		['Dorothy', 'Vaughan', '(555) 010-9911'],
		'GET /profile shows the saved name and phone in the form',
	);
});

test('a bad phone gets 400 beside the field, keeps what was typed, and saves nothing', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);
	const page = await c.get('/profile');
	const r = await c.postForm('/profile', {
		csrf: page.csrf,
		action: 'account',
		first_name: 'Mary',
		last_name: 'Jackson',
		phone: 'not a <phone>',
	});
	assert.equal(r.status, 400);
	assert.match(fieldError(r.text, 'phone'), /valid phone/);
	assert.match(r.text, /id="phone"[^>]*aria-invalid="true"/);
	assert.equal(inputValue(r.text, 'first_name'), 'Mary');
	assert.equal(inputValue(r.text, 'phone'), 'not a <phone>');
	assert.ok(r.text.includes('not a &lt;phone&gt;'), 'escaped');
	assert.match(r.text, new RegExp(`<p class="readonly"[^>]*>${htmlEscape(u.email)}</p>`), 'the e-mail is still shown');
	const p = await profileOf(u.email, u.password);
	assert.equal(p.first_name, u.first_name);
	assert.equal(p.phone, u.phone);

	// Names are checked too.
	const r2 = await c.postForm('/profile', { csrf: r.csrf, action: 'account', first_name: '', last_name: 'x'.repeat(81), phone: '' });
	assert.equal(r2.status, 400);
	assert.match(fieldError(r2.text, 'first_name'), /required/);
	assert.match(fieldError(r2.text, 'last_name'), /too long/);
});

test('the e-mail cannot be changed through the API', async () => {
	const u = await signup();
	const tok = await apiToken(u.email, u.password);
	const c = new Client();
	const other = uniqueEmail('changed');
	const r = await c.putJSON('/api/profile', { first_name: 'Eve', last_name: 'X', phone: '', email: other }, { bearer: tok });
	assertEnvelope(r, 400, { code: 'invalid', field: 'email' });
	const only = await c.putJSON('/api/profile', { email: other }, { bearer: tok });
	assertEnvelope(only, 400, { field: 'email' });
	const p = await profileOf(u.email, u.password);
	assert.equal(p.email, u.email);
	assert.equal(p.first_name, u.first_name, 'nothing else changed either');
	assert.equal((await new Client().postJSON('/api/auth/login', { email: other, password: u.password })).status, 401);
});

test('the e-mail cannot be changed through the form, and the page says why', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);
	const page = await c.get('/profile');
	const other = uniqueEmail('changed');
	const r = await c.postForm('/profile', {
		csrf: page.csrf,
		action: 'account',
		first_name: 'Eve',
		last_name: u.last_name,
		phone: u.phone,
		email: other,
	});
	assert.equal(r.status, 400);
	assert.match(r.text, new RegExp(`<p class="readonly"[^>]*>${htmlEscape(u.email)}</p>`));
	const p = await profileOf(u.email, u.password);
	assert.equal(p.email, u.email);
	assert.equal(p.first_name, u.first_name);
	// A 400 the user cannot see the reason of is a dead end (see the
	// report: lib/resp.c drops errors of fields the form has no place for).
	const shown = [formError(r.text), fieldError(r.text, 'first_name'), fieldError(r.text, 'phone')].filter(Boolean).join(' | ');
	assert.match(shown, /email|e-mail/i, `the page shows no error about the e-mail (shown: "${shown}")`);
});

test('changing the password: a wrong current one is refused; the right one ends the other sessions only', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);
	const other = await signedIn(u.email, u.password);
	const tok = await apiToken(u.email, u.password);
	const pw = newPassword();

	let page = await c.get('/profile');
	const wrong = await c.postForm('/profile', {
		csrf: page.csrf,
		action: 'password',
		current_password: 'not-my-password',
		password: pw,
		password_confirm: pw,
	});
	assert.equal(wrong.status, 400);
	assert.equal(fieldError(wrong.text, 'current_password'), 'The current password is not right.');
	assert.ok(!wrong.text.includes(pw) && !wrong.text.includes('not-my-password'), 'passwords are never echoed');
	const mismatch = await c.postForm('/profile', {
		csrf: wrong.csrf,
		action: 'password',
		current_password: u.password,
		password: pw,
		password_confirm: pw + '!',
	});
	assert.equal(mismatch.status, 400);
	assert.match(fieldError(mismatch.text, 'password_confirm'), /do not match/);
	assert.equal((await other.get('/')).status, 200, 'failed attempts end nothing');

	page = await c.get('/profile');
	const r = await c.postForm('/profile', {
		csrf: page.csrf,
		action: 'password',
		current_password: u.password,
		password: pw,
		password_confirm: pw,
	});
	assert.equal(r.status, 303, formError(r.text) || r.text.slice(0, 200));
	assert.equal(r.location, '/profile');
	const after = await c.get('/profile');
	assert.equal(after.status, 200, 'this session is kept');
	assert.equal(flashOf(after.text), 'Your password was changed. Other sessions were signed out.');

	const o = await other.get('/');
	assert.equal(o.status, 303, 'the other session is signed out');
	assert.equal(o.location, '/login');
	assertEnvelope(await new Client().get('/api/auth/me', { bearer: tok }), 401);

	assert.equal((await new Client().postJSON('/api/auth/login', { email: u.email, password: u.password })).status, 401);
	await signedIn(u.email, pw);
});

test('the JSON API: GET and PUT /api/profile and POST /api/profile/password with a bearer token', async () => {
	const u = await signup();
	const c = new Client();
	const tok = await apiToken(u.email, u.password, c);

	const g = await c.get('/api/profile', { bearer: tok });
	assert.equal(g.status, 200);
	assert.equal(g.json.success, true);
	const d = g.json.data;
	assert.equal(d.id, u.id);
	assert.equal(d.email, u.email);
	assert.equal(d.role, 'admin');
	assert.equal(d.first_name, u.first_name);
	assert.equal(d.last_name, u.last_name);
	assert.equal(d.phone, u.phone);
	assert.match(d.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

	const put = await c.putJSON('/api/profile', { first_name: 'Annie', last_name: 'Easley', phone: '+44 20 7946 0018' }, { bearer: tok });
	assert.equal(put.status, 200, put.text);
	assert.equal(put.json.data.first_name, 'Annie');
	assert.equal(put.json.data.last_name, 'Easley');
	assert.equal(put.json.data.phone, '+44 20 7946 0018');
	assert.equal(put.json.data.email, u.email);
	assert.equal((await c.get('/api/profile', { bearer: tok })).json.data.first_name, 'Annie');

	assertEnvelope(await c.putJSON('/api/profile', { first_name: 'A', last_name: 'B', phone: 'xyz' }, { bearer: tok }), 400, { field: 'phone' });
	assertEnvelope(await c.putJSON('/api/profile', { first_name: 7, last_name: 'B' }, { bearer: tok }), 400, { field: 'first_name' });

	// A cookie session from before the change, too.
	const browser = await signedIn(u.email, u.password);

	const pw = newPassword();
	const wrong = await c.postJSON('/api/profile/password', { current_password: 'nope-nope', password: pw, password_confirm: pw }, { bearer: tok });
	assertEnvelope(wrong, 400, { field: 'current_password' });
	const missing = await c.postJSON('/api/profile/password', { current_password: u.password, password: pw }, { bearer: tok });
	assertEnvelope(missing, 400, { field: 'password_confirm' });

	const ch = await c.postJSON('/api/profile/password', { current_password: u.password, password: pw, password_confirm: pw }, { bearer: tok });
	assert.equal(ch.status, 200, ch.text);
	assert.equal(ch.json.success, true);
	assert.equal(ch.json.data.changed, true);
	if (ch.json.data.token !== undefined) {
		// A bearer caller gets a fresh token to go on with.
		assert.notEqual(ch.json.data.token, tok);
		assert.equal((await c.get('/api/profile', { bearer: ch.json.data.token })).status, 200);
	}

	// The token issued before the change is refused from now on.
	const stale = await c.get('/api/profile', { bearer: tok });
	assertEnvelope(stale, 401);
	assertEnvelope(await c.get('/api/auth/me', { bearer: tok }), 401);
	assert.equal((await browser.get('/')).status, 303, 'the cookie session from before is signed out');

	const tok2 = await apiToken(u.email, pw);
	const g2 = await c.get('/api/profile', { bearer: tok2 });
	assert.equal(g2.status, 200);
	assert.equal(g2.json.data.first_name, 'Annie');
});

test('JSON calls with the session cookie need the X-CSRF-Token header', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);
	const body = { first_name: 'Hedy', last_name: 'Lamarr', phone: '' };
	const no = await c.putJSON('/api/profile', body);
	assertEnvelope(no, 403, { code: 'forbidden' });
	const wrong = await c.putJSON('/api/profile', body, { headers: { 'X-CSRF-Token': 'x'.repeat(43) } });
	assertEnvelope(wrong, 403);
	const csrf = await c.apiCsrf();
	const ok = await c.putJSON('/api/profile', body, { headers: { 'X-CSRF-Token': csrf } });
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.data.first_name, 'Hedy');
	const evil = await c.putJSON('/api/profile', body, { headers: { 'X-CSRF-Token': csrf, Origin: 'https://evil.example' } });
	assertEnvelope(evil, 403);
});
