// api.test.mjs: the JSON API's contract: tokens, the error envelope, CSRF
// for cookie callers, routing errors, body limits, the security headers,
// and escaping of what users type.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	ADMIN_EMAIL,
	ADMIN_PASSWORD,
	Client,
	apiToken,
	assertEnvelope,
	htmlEscape,
	newPassword,
	signedIn,
	signup,
	uniqueEmail,
} from './helpers.mjs';

const B64URL = /^[A-Za-z0-9_-]+$/;

function b64urlJSON(part) {
	return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function b64url(obj) {
	return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

test('POST /api/auth/login answers a JWT, and GET /api/auth/me with it the user', async () => {
	const u = await signup();
	const c = new Client();
	const r = await c.postJSON('/api/auth/login', { email: u.email, password: u.password });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.success, true);
	assert.deepEqual(Object.keys(r.json.data), ['token']);
	const token = r.json.data.token;
	const parts = token.split('.');
	assert.equal(parts.length, 3, 'three parts');
	for (const p of parts) assert.match(p, B64URL, 'base64url without padding');
	const header = b64urlJSON(parts[0]);
	assert.notEqual(String(header.alg).toLowerCase(), 'none');
	const claims = b64urlJSON(parts[1]);
	assert.ok(claims.exp > Date.now() / 1000, 'not yet expired');
	assert.equal(c.cookie('pl_session'), undefined, 'the API login sets no session cookie');

	const me = await c.get('/api/auth/me', { bearer: token });
	assert.equal(me.status, 200, me.text);
	assert.equal(me.json.success, true);
	const { id, email, role, first_name, last_name, phone } = me.json.data;
	assert.deepEqual(
		{ id, email, role, first_name, last_name, phone },
		{ id: u.id, email: u.email, role: 'admin', first_name: u.first_name, last_name: u.last_name, phone: u.phone },
	);
	assert.equal(me.json.data.csrf_token, undefined, 'a bearer caller needs no csrf token');

	// Bearer callers need no CSRF token for unsafe calls either.
	const put = await c.putJSON('/api/profile', { first_name: 'Bea', last_name: u.last_name, phone: u.phone }, { bearer: token });
	assert.equal(put.status, 200, put.text);

	// Bad credentials and bad bodies get the envelope.
	assertEnvelope(await c.postJSON('/api/auth/login', { email: u.email, password: 'wrong-one' }), 401, { code: 'unauthorized' });
	assertEnvelope(await c.postJSON('/api/auth/login', { email: u.email }), 400, { field: 'password' });
	assertEnvelope(await c.postJSON('/api/auth/login', { email: 'nope', password: 'x' }), 400, { field: 'email' });
	assertEnvelope(await c.postJSON('/api/auth/login', { email: u.email, password: u.password, remember: true }), 400, {
		field: 'remember',
	});
});

test('the super admin gets a token too', async () => {
	const c = new Client();
	const tok = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD, c);
	const me = await c.get('/api/auth/me', { bearer: tok });
	assert.equal(me.status, 200);
	assert.equal(me.json.data.role, 'super_admin');
	assert.equal(me.json.data.email, ADMIN_EMAIL.toLowerCase());
});

test('tampered, unsigned, garbage or malformed tokens get 401 with the envelope', async () => {
	const u = await signup();
	const v = await signup();
	const token = await apiToken(u.email, u.password);
	const [h, p, s] = token.split('.');
	const claims = b64urlJSON(p);
	const flip = (str, i) => str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);

	const bad = {
		'a changed signature': `${h}.${p}.${flip(s, 5)}`,
		'no signature': `${h}.${p}.`,
		'another user in the payload': `${h}.${b64url({ ...claims, sub: v.id })}.${s}`,
		'a later expiry in the payload': `${h}.${b64url({ ...claims, exp: claims.exp + 86400 })}.${s}`,
		'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${p}.`,
		'alg none, with the old signature': `${b64url({ alg: 'none', typ: 'JWT' })}.${p}.${s}`,
		'alg HS512 claimed': `${b64url({ alg: 'HS512', typ: 'JWT' })}.${p}.${s}`,
		'two parts': `${h}.${p}`,
		'four parts': `${token}.${s}`,
		garbage: 'garbage',
		'an empty token': '',
		'padding added': `${h}=.${p}.${s}`,
	};
	for (const [what, t] of Object.entries(bad)) {
		const r = await new Client().get('/api/auth/me', { headers: { Authorization: `Bearer ${t}` } });
		assertEnvelope(r, 401, { code: 'unauthorized' });
		assert.ok(!r.text.includes(u.email), `${what}: nothing of the user leaks`);
	}
	for (const auth of [token, `Token ${token}`, `Basic ${Buffer.from(`${u.email}:${u.password}`).toString('base64')}`, 'Bearer']) {
		const r = await new Client().get('/api/auth/me', { headers: { Authorization: auth } });
		assertEnvelope(r, 401);
	}
	// The untouched token still works.
	assert.equal((await new Client().get('/api/auth/me', { bearer: token })).status, 200);
	// Signed out: 401 too.
	assertEnvelope(await new Client().get('/api/auth/me'), 401);
});

test('a JSON call with the session cookie needs X-CSRF-Token; with it, it works', async () => {
	const u = await signup();
	const c = await signedIn(u.email, u.password);

	const me = await c.get('/api/auth/me');
	assert.equal(me.status, 200);
	const csrf = me.json.data.csrf_token;
	assert.match(csrf, B64URL);

	const no = await c.postJSON('/api/auth/logout', {});
	assertEnvelope(no, 403, { code: 'forbidden' });
	assert.equal((await c.get('/')).status, 200, 'still signed in');

	const wrong = await c.postJSON('/api/auth/logout', {}, { headers: { 'X-CSRF-Token': csrf.slice(1) + 'A' } });
	assertEnvelope(wrong, 403);

	// Another visitor's token is not this session's.
	const other = await signedIn(u.email, u.password);
	const otherCsrf = (await other.get('/api/auth/me')).json.data.csrf_token;
	assert.notEqual(otherCsrf, csrf);
	assertEnvelope(await c.postJSON('/api/auth/logout', {}, { headers: { 'X-CSRF-Token': otherCsrf } }), 403);

	const ok = await c.postJSON('/api/auth/logout', {}, { headers: { 'X-CSRF-Token': csrf } });
	assert.equal(ok.status, 200, ok.text);
	assert.deepEqual(ok.json, { success: true, data: { signed_out: true } });
	assert.equal((await c.get('/')).status, 303, 'signed out');
	assert.equal((await other.get('/')).status, 200, 'only that session');
});

test('unknown routes get 404, wrong methods 405 with Allow', async () => {
	const c = new Client();
	for (const path of ['/api/auth/nope', '/api/nope', '/api/profile/nope', '/api/auth/me/x']) {
		const r = await c.get(path);
		assertEnvelope(r, 404);
		assert.equal(r.json.error.code, 'not_found', path);
	}
	const html = await c.get('/no-such-page');
	assert.equal(html.status, 404);
	assert.match(html.headers.get('content-type'), /text\/html/);

	const cases = [
		['GET', '/api/auth/login', ['POST']],
		['DELETE', '/api/profile', ['GET', 'PUT']],
		['PUT', '/api/auth/signup', ['POST']],
		['GET', '/api/profile/password', ['POST']],
		['POST', '/api/auth/me', ['GET']],
		['PUT', '/login', ['GET', 'POST']],
		['DELETE', '/profile', ['GET', 'POST']],
	];
	for (const [method, path, allow] of cases) {
		const r = await c.request(method, path, method === 'GET' ? {} : { headers: { 'Content-Type': 'application/json' }, body: '{}' });
		assert.equal(r.status, 405, `${method} ${path}: ${r.status}`);
		const got = (r.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean).sort();
		for (const m of allow) assert.ok(got.includes(m), `${method} ${path}: Allow "${r.headers.get('allow')}" lacks ${m}`);
		assert.ok(!got.includes(method), `${method} ${path}: Allow names the refused method`);
		if (path.startsWith('/api/')) assertEnvelope(r, 405, { code: 'method_not_allowed' });
	}
});

test('a body over 64 KiB gets 413; one of exactly 64 KiB is read', async () => {
	const email = uniqueEmail('big');
	const base = { first_name: 'Big', last_name: 'Body', phone: '+1 555 010 2222', email, password: newPassword() };
	const json = JSON.stringify(base);
	const over = json.slice(0, -1) + ' '.repeat(64 * 1024 + 1 - json.length) + '}';
	assert.equal(Buffer.byteLength(over), 64 * 1024 + 1);
	const r = await new Client().request('POST', '/api/auth/signup', { headers: { 'Content-Type': 'application/json' }, body: over });
	assert.equal(r.status, 413);

	const form = new URLSearchParams({ email, password: 'x'.repeat(70 * 1024) }).toString();
	const r2 = await new Client().request('POST', '/login', {
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: form,
	});
	assert.equal(r2.status, 413);

	// Exactly at the limit it is parsed: the account is made.
	const exact = json.slice(0, -1) + ' '.repeat(64 * 1024 - json.length) + '}';
	assert.equal(Buffer.byteLength(exact), 64 * 1024);
	const ok = await new Client().request('POST', '/api/auth/signup', { headers: { 'Content-Type': 'application/json' }, body: exact });
	assert.equal(ok.status, 201, ok.text.slice(0, 300));
	assert.equal(ok.json.data.email, email);
});

/** What is missing of the headers every answer must carry. */
function headerProblems(r) {
	const out = [];
	const h = (n) => r.headers.get(n) || '';
	if (!/no-store/.test(h('cache-control'))) out.push(`Cache-Control "${h('cache-control')}"`);
	if (r.status >= 300 && r.status < 400 && !r.text) return out; // an empty redirect has nothing to sniff or frame
	if (h('x-content-type-options').toLowerCase() !== 'nosniff') out.push('no X-Content-Type-Options: nosniff');
	if (!/frame-ancestors 'none'/.test(h('content-security-policy'))) out.push('no CSP frame-ancestors \'none\'');
	return out;
}

test('every response carries nosniff, a CSP with frame-ancestors \'none\', and Cache-Control: no-store', async () => {
	const u = await signup();
	const signed = await signedIn(u.email, u.password);
	const tok = await apiToken(u.email, u.password);
	const anon = new Client();
	const page = await anon.get('/login');
	const big = 'x'.repeat(65 * 1024);
	const checks = {
		'GET /login': page,
		'GET / signed out (303)': await anon.get('/'),
		'POST /login wrong (401 HTML)': await anon.postForm('/login', { csrf: page.csrf, email: u.email, password: 'nope-nope', next: '' }),
		'POST /login no csrf (403 HTML)': await anon.postForm('/login', { email: u.email, password: 'x' }),
		'POST /login signed in (303)': await new Client().postForm('/login', { csrf: page.csrf, email: u.email, password: u.password }, {
			headers: { Cookie: `pl_pre=${anon.cookie('pl_pre')}` },
		}),
		'GET / (dashboard)': await signed.get('/'),
		'GET /profile': await signed.get('/profile'),
		'GET /api/auth/me (bearer)': await anon.get('/api/auth/me', { bearer: tok }),
		'GET /api/auth/me (401)': await anon.get('/api/auth/me'),
		'GET /api/profile (bearer)': await anon.get('/api/profile', { bearer: tok }),
		'GET /api/events (bearer)': await anon.get('/api/events', { bearer: tok }),
		'GET /api/events (401)': await anon.get('/api/events'),
		'GET /api/auth/nope (404, app)': await anon.get('/api/auth/nope'),
		'GET /api/auth/login (405)': await anon.get('/api/auth/login'),
		'GET /password/reset?token=x': await anon.get('/password/reset?token=x'),
		'GET /api/nope (404, nginx)': await anon.get('/api/nope'),
		'GET /no-such-page (404, nginx)': await anon.get('/no-such-page'),
		'POST /api/auth/signup over 64 KiB (413)': await anon.request('POST', '/api/auth/signup', {
			headers: { 'Content-Type': 'application/json' },
			body: `{"first_name":"${big}"}`,
		}),
	};
	const problems = [];
	for (const [what, r] of Object.entries(checks)) {
		const p = headerProblems(r);
		if (p.length) problems.push(`${what} [${r.status}]: ${p.join('; ')}`);
	}
	assert.deepEqual(problems, [], `responses without the security headers:\n  ${problems.join('\n  ')}`);
});

test('a <script> in a name comes back escaped: as text in HTML, as \\u003c in JSON', async () => {
	const first = '<script>alert(1)</script>';
	const last = '"><img src=x onerror=alert(2)>&';
	const email = uniqueEmail('xss');
	const password = newPassword();
	const c = new Client();
	const r = await c.postJSON('/api/auth/signup', { first_name: first, last_name: last, phone: '+1 555 010 3333', email, password });
	assert.equal(r.status, 201, r.text);
	assert.ok(!r.text.includes('<'), 'no raw < in JSON');
	assert.ok(!r.text.includes('>'), 'no raw > in JSON');
	assert.ok(r.text.includes('\\u003cscript\\u003e'), 'written as \\u003c');
	assert.equal(r.json.data.first_name, first, 'the value itself is intact');
	assert.equal(r.json.data.last_name, last);

	const tok = await apiToken(email, password);
	const me = await c.get('/api/auth/me', { bearer: tok });
	assert.ok(me.text.includes('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e'));
	assert.ok(!/<script|<img/.test(me.text));
	assert.equal(me.json.data.first_name, first);

	const s = await signedIn(email, password);
	for (const path of ['/', '/profile']) {
		const page = await s.get(path);
		assert.equal(page.status, 200);
		assert.ok(!page.text.includes('<script>alert(1)'), `${path}: no raw script tag`);
		assert.ok(!page.text.includes('<img src=x'), `${path}: no raw img tag`);
		assert.ok(page.text.includes(htmlEscape(first)), `${path}: shown as text`);
		// No script element but Parley's own files (the dashboard's).
		const scripts = page.text.match(/<script\b[^>]*>/gi) || [];
		assert.ok(
			scripts.every((t) => /^<script src="\/static\/[a-z-]+\.js" defer>$/.test(t)),
			`${path}: no script element but ours: ${scripts.join(' ')}`,
		);
	}
	// A form that comes back with what was typed keeps it inside the attribute.
	const page = await s.get('/profile');
	const back = await s.postForm('/profile', { csrf: page.csrf, action: 'account', first_name: first, last_name: last, phone: 'x' });
	assert.equal(back.status, 400);
	assert.ok(back.text.includes(`value="${htmlEscape(last)}"`), 'an attribute value cannot be broken out of');
	assert.ok(!/<script|<img/i.test(back.text));
});
