// auth.test.mjs: signing in and out through the HTML forms (spec 1.1):
// the form, the super admin's sign-in, wrong passwords, CSRF and Origin,
// sign-out, throttling, and the redirect of signed-out visitors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	ADMIN_EMAIL,
	ADMIN_PASSWORD,
	BASE_URL,
	Client,
	apiToken,
	formError,
	htmlEscape,
	inputValue,
	inputValueRaw,
	rand,
	signup,
	uniqueEmail,
} from './helpers.mjs';

const WRONG = 'Wrong e-mail or password.';

test('the sign-in form renders with a csrf field and links to reset and sign-up', async () => {
	const c = new Client();
	const r = await c.get('/login');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/html/);
	assert.ok(r.csrf && r.csrf.length >= 20, 'a csrf hidden field');
	assert.ok(c.cookie('pl_pre'), 'a pre-session cookie backs the csrf token');
	assert.equal(c.cookie('pl_session'), undefined);
	assert.match(r.text, /<form[^>]*method="post"[^>]*action="\/login"/);
	assert.match(r.text, /<input[^>]*name="email"/);
	assert.match(r.text, /<input[^>]*name="password"[^>]*type="password"/);
	assert.match(r.text, /href="\/password\/forgot"/);
	assert.match(r.text, /href="\/signup"/);
	assert.match(r.text, /<button[^>]*type="submit"[^>]*>Sign in<\/button>/);
});

test('the super admin signs in through the form and lands on the dashboard', async () => {
	assert.ok(ADMIN_PASSWORD, 'PARLEY_ADMIN_PASSWORD (or var/super-admin.txt) is needed');
	const me = await (async () => {
		const c = new Client();
		const tok = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD, c);
		const r = await c.get('/api/auth/me', { bearer: tok });
		assert.equal(r.status, 200);
		return r.json.data;
	})();
	assert.equal(me.role, 'super_admin');

	const c = new Client();
	const page = await c.get('/login');
	const r = await c.postForm('/login', { csrf: page.csrf, email: ADMIN_EMAIL, password: ADMIN_PASSWORD, next: '' });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/');
	assert.ok(c.cookie('pl_session'), 'a session cookie');
	const setCookie = r.headers.getSetCookie().find((s) => s.startsWith('pl_session='));
	assert.match(setCookie, /HttpOnly/i);
	assert.match(setCookie, /SameSite=Lax/i);

	const home = await c.get('/');
	assert.equal(home.status, 200);
	assert.match(home.text, new RegExp(`Welcome, ${htmlEscape(me.first_name)}`));
	assert.ok(home.text.includes(`${htmlEscape(me.first_name)} ${htmlEscape(me.last_name)}`), 'the name in the top bar');
	assert.match(home.text, /action="\/logout"/, 'a sign-out button');

	// Signed in, /login sends the user home instead of showing the form.
	const again = await c.get('/login');
	assert.equal(again.status, 303);
	assert.equal(again.location, '/');
});

test('e-mail addresses sign in case-insensitively', async () => {
	const u = await signup();
	const c = new Client();
	await c.login(u.email.toUpperCase(), u.password);
	const home = await c.get('/');
	assert.equal(home.status, 200);
	assert.match(home.text, /Welcome, Ada/);
});

test('a wrong password gets 401, the message, and the typed e-mail back, escaped', async () => {
	// ' and & are legal in the local part, and must be escaped in the page.
	const email = `o'neil&co-${rand(8)}@example.com`;
	const u = await signup({ email });
	const c = new Client();
	const page = await c.get('/login');
	const r = await c.postForm('/login', { csrf: page.csrf, email: u.email, password: 'not-the-password', next: '' });
	assert.equal(r.status, 401);
	assert.match(r.headers.get('content-type'), /^text\/html/);
	assert.equal(formError(r.text), WRONG);
	assert.equal(inputValue(r.text, 'email'), email, 'the e-mail is kept');
	assert.equal(inputValueRaw(r.text, 'email'), htmlEscape(email), 'and escaped');
	assert.ok(!r.text.includes(`value="${email}"`), 'never raw');
	assert.ok(!r.text.includes('not-the-password'), 'the password is never echoed');
	assert.equal(c.cookie('pl_session'), undefined, 'no session');
	assert.ok(r.csrf, 'the form comes back ready to retry');

	// The retry from the re-rendered form works.
	const ok = await c.postForm('/login', { csrf: r.csrf, email: u.email, password: u.password, next: '' });
	assert.equal(ok.status, 303);
});

test('an unknown e-mail gets the same answer as a wrong password', async () => {
	const u = await signup();
	const c = new Client();
	const page = await c.get('/login');
	const known = await c.postForm('/login', { csrf: page.csrf, email: u.email, password: 'wrong-password-1', next: '' });
	const nobody = uniqueEmail('nobody');
	const unknown = await c.postForm('/login', { csrf: page.csrf, email: nobody, password: 'wrong-password-1', next: '' });
	assert.equal(known.status, 401);
	assert.equal(unknown.status, 401);
	assert.equal(formError(unknown.text), WRONG);
	assert.equal(formError(known.text), formError(unknown.text));
	// The pages differ only by the e-mail that was typed.
	assert.equal(
		known.text.replaceAll(htmlEscape(u.email), 'X').replace(/value="[A-Za-z0-9_-]{43}"/g, ''),
		unknown.text.replaceAll(htmlEscape(nobody), 'X').replace(/value="[A-Za-z0-9_-]{43}"/g, ''),
	);
	assert.equal(c.cookie('pl_session'), undefined);

	// The JSON API answers the same for both.
	const a1 = await new Client().postJSON('/api/auth/login', { email: u.email, password: 'wrong-password-2' });
	const a2 = await new Client().postJSON('/api/auth/login', { email: nobody, password: 'wrong-password-2' });
	assert.equal(a1.status, 401);
	assert.equal(a2.status, 401);
	assert.deepEqual(a1.json, a2.json);
	assert.equal(a1.json.error.message, WRONG);
});

test('a form POST without the csrf field is refused with 403 and signs nobody in', async () => {
	const u = await signup();
	const c = new Client();
	await c.get('/login'); // has the pl_pre cookie, but sends no token
	const r = await c.postForm('/login', { email: u.email, password: u.password, next: '' });
	assert.equal(r.status, 403);
	assert.equal(c.cookie('pl_session'), undefined);
	assert.match(r.text, /expired or did not come from Parley/);

	// A token that is not the one for this visitor is refused too.
	const other = new Client();
	const otherPage = await other.get('/login');
	const r2 = await c.postForm('/login', { csrf: otherPage.csrf, email: u.email, password: u.password, next: '' });
	assert.equal(r2.status, 403);
	assert.equal(c.cookie('pl_session'), undefined);

	// And a token without the cookie it was made for.
	const bare = new Client();
	const r3 = await bare.postForm('/login', { csrf: otherPage.csrf, email: u.email, password: u.password, next: '' });
	assert.equal(r3.status, 403);
	assert.equal(bare.cookie('pl_session'), undefined);
});

test('a POST with a foreign Origin is refused with 403', async () => {
	const u = await signup();
	const c = new Client();
	const page = await c.get('/login');
	const fields = { csrf: page.csrf, email: u.email, password: u.password, next: '' };
	const r = await c.postForm('/login', fields, { headers: { Origin: 'https://evil.example' } });
	assert.equal(r.status, 403);
	assert.equal(c.cookie('pl_session'), undefined);
	assert.match(r.text, /Cross-site request refused/);

	// The same origin with another port is another origin.
	const port = new URL(BASE_URL).port || '80';
	const near = BASE_URL.replace(`:${port}`, `:${Number(port) + 1}`);
	const r2 = await c.postForm('/login', fields, { headers: { Origin: near } });
	assert.equal(r2.status, 403);

	// Its own origin is fine.
	const ok = await c.postForm('/login', fields, { headers: { Origin: BASE_URL } });
	assert.equal(ok.status, 303);
	assert.ok(c.cookie('pl_session'));

	// Signed in, a foreign-origin sign-out is refused and the session lives on.
	const home = await c.get('/');
	const out = await c.postForm('/logout', { csrf: home.csrf }, { headers: { Origin: 'https://evil.example' } });
	assert.equal(out.status, 403);
	assert.equal((await c.get('/')).status, 200);
});

test('sign-out ends the session on the server, not only in the browser', async () => {
	const u = await signup();
	const c = new Client();
	await c.login(u.email, u.password);
	const stolen = c.clone(); // the same cookie, kept elsewhere
	const home = await c.get('/');
	assert.equal(home.status, 200);

	const r = await c.postForm('/logout', { csrf: home.csrf });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/login');
	assert.equal(c.cookie('pl_session'), undefined, 'the cookie is cleared');
	const login = await c.get('/login');
	assert.equal(login.status, 200);
	assert.match(login.text, /You have signed out\./);

	const old = await stolen.get('/');
	assert.equal(old.status, 303, 'the old cookie no longer opens /');
	assert.equal(old.location, '/login');
	const api = await stolen.get('/api/auth/me');
	assert.equal(api.status, 401);
});

test('5 wrong passwords, then even the right one gets 429', async () => {
	const u = await signup();
	const c = new Client();
	let page = await c.get('/login');
	for (let i = 1; i <= 5; i++) {
		const r = await c.postForm('/login', { csrf: page.csrf, email: u.email, password: `wrong-${i}-xyz`, next: '' });
		assert.equal(r.status, 401, `attempt ${i}`);
		assert.equal(formError(r.text), WRONG);
	}
	const r = await c.postForm('/login', { csrf: page.csrf, email: u.email, password: u.password, next: '' });
	assert.equal(r.status, 429);
	assert.match(formError(r.text), /Too many attempts/);
	assert.equal(inputValue(r.text, 'email'), u.email);
	assert.equal(c.cookie('pl_session'), undefined, 'no session while throttled');

	// The throttle is per account: from another address, by the API too.
	const api = await new Client().postJSON('/api/auth/login', { email: u.email, password: u.password });
	assert.equal(api.status, 429);
	assert.equal(api.json.success, false);
	assert.equal(api.json.error.code, 'too_many_requests');

	// The e-mail's case does not get around it.
	const upper = await new Client().postJSON('/api/auth/login', { email: u.email.toUpperCase(), password: u.password });
	assert.equal(upper.status, 429);

	// Another account is not affected.
	const v = await signup();
	await new Client().login(v.email, v.password);
});

test('signed-out visitors are sent to the sign-in page', async () => {
	const c = new Client();
	const r = await c.get('/');
	assert.equal(r.status, 303);
	assert.equal(r.location, '/login');
	const p = await c.get('/profile');
	assert.equal(p.status, 303);
	assert.equal(p.location, '/login?next=/profile');
	// A cookie that is no session is no session.
	c.cookies.set('pl_session', 'A'.repeat(43));
	const r2 = await c.get('/');
	assert.equal(r2.status, 303);
	assert.equal(r2.location, '/login');
});

test('after sign-in the user goes back to "next", but only to a local path', async () => {
	const u = await signup();
	const c = new Client();
	const page = await c.get('/login?next=/profile');
	assert.equal(inputValue(page.text, 'next'), '/profile');
	const r = await c.postForm('/login', { csrf: page.csrf, email: u.email, password: u.password, next: '/profile' });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/profile');

	for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/a b']) {
		const d = new Client();
		const p = await d.get('/login');
		const r2 = await d.postForm('/login', { csrf: p.csrf, email: u.email, password: u.password, next });
		assert.equal(r2.status, 303, next);
		assert.equal(r2.location, '/', `next=${next} must not leave the site`);
	}
});
