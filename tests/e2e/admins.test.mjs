// admins.test.mjs: the admins (spec 1.4), for the super admin only: create
// through the form and the API (the invitation e-mail sets a password),
// duplicates and every bad field named, unknown fields refused, update
// without the e-mail, the list's search, order and pages, block and unblock
// (the admin and its agents signed out, then back), the audit entries, and
// 403 for an admin or an agent on every route with nothing changed.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import {
	ADMIN_EMAIL,
	ADMIN_PASSWORD,
	BASE_URL,
	Client,
	PARLEY_ROOT,
	apiToken,
	assertEnvelope,
	extractLink,
	fieldError,
	flashOf,
	htmlEscape,
	inputValue,
	newPassword,
	pathOf,
	rand,
	signedIn,
	signup,
	uniqueEmail,
	waitForMail,
	sql,
} from './helpers.mjs';

const INVITE = 'Your Parley account';
const RESET = 'Reset your Parley password';
const KEYS = ['agent_count', 'blocked', 'company', 'created_at', 'created_label', 'email', 'first_name', 'id', 'last_name', 'phone'];

// --- set-up helpers --------------------------------------------------------

/** Only values the tests made themselves go into SQL text. */
function safe(s) {
	assert.match(String(s), /^[A-Za-z0-9@. _-]*$/, `unsafe for SQL: ${s}`);
	return String(s);
}

function api(token) {
	const c = new Client();
	c.bearer = token;
	return c;
}

let sup; // the super admin's API client (bearer)
let superBrowser; // the super admin signed in through the form
let superId;

before(async () => {
	assert.ok(ADMIN_PASSWORD, 'the super admin password (var/super-admin.txt or PARLEY_ADMIN_PASSWORD)');
	sup = api(await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD));
	superBrowser = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	const me = await sup.get('/api/auth/me');
	superId = me.json.data.id;
});

function fields(over = {}) {
	return {
		first_name: 'Ada',
		last_name: `Lovelace${rand(4)}`,
		email: uniqueEmail('admin'),
		company: `Analytical Engines ${rand(6)}`,
		phone: '+44 20 7946 0958',
		...over,
	};
}

/** Create an admin through POST /api/admins; returns the admin object. */
async function createAdmin(over = {}) {
	const f = fields(over);
	const r = await sup.postJSON('/api/admins', f);
	assert.equal(r.status, 201, `create ${f.email}: ${r.status} ${r.text}`);
	return r.json.data;
}

/** Follow the invitation e-mail's link to set a password; returns it. */
async function acceptInvite(email) {
	const mail = await waitForMail(email, { subject: INVITE });
	const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
	assert.ok(link, `a set-password link in: ${mail.text}`);
	const c = new Client();
	const form = await c.get(pathOf(link));
	assert.equal(form.status, 200);
	const pw = newPassword();
	const token = new URL(link).searchParams.get('token');
	const r = await c.postForm('/password/reset', { csrf: form.csrf, token, password: pw, password_confirm: pw });
	assert.equal(r.status, 303, `set password: ${r.status} ${r.text.slice(0, 300)}`);
	assert.equal(r.location, '/login');
	return { pw, mail };
}

/** Give a user a password through the forgot-password e-mail. */
async function setPasswordByMail(email) {
	const r = await new Client().postJSON('/api/auth/password/forgot', { email });
	assert.equal(r.status, 200, `forgot: ${r.text}`);
	const mail = await waitForMail(email, { subject: RESET });
	const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
	assert.ok(link, `a reset link in: ${mail.text}`);
	const pw = newPassword();
	const token = new URL(link).searchParams.get('token');
	const s = await new Client().postJSON('/api/auth/password/reset', { token, password: pw });
	assert.equal(s.status, 200, `reset: ${s.text}`);
	return pw;
}

function tenantOf(userId) {
	return Number(sql(`SELECT tenant_id FROM users WHERE id = ${Number(userId)}`)[0][0]);
}

/** An agent of the admin's tenant, made with SQL (the agents resource is
 * another's), with a password set through the e-mailed link. */
async function sqlAgent(adminId) {
	const email = uniqueEmail('agent');
	sql(
		`INSERT INTO users (tenant_id, role, email, first_name, last_name)` +
			` VALUES (${tenantOf(adminId)}, 'agent', '${safe(email)}', 'Agnes', 'Agent${rand(4)}')`,
	);
	const id = Number(sql(`SELECT id FROM users WHERE email = '${safe(email)}'`)[0][0]);
	return { id, email, password: await setPasswordByMail(email) };
}

function countUsers(email) {
	return Number(sql(`SELECT COUNT(*) FROM users WHERE email = '${safe(email.toLowerCase())}'`)[0][0]);
}

function countTenants(company) {
	return Number(sql(`SELECT COUNT(*) FROM tenants WHERE company = '${safe(company)}'`)[0][0]);
}

/** The audit entries of an admin's company, as the super admin reads them. */
async function auditOf(adminId) {
	const r = await sup.get(`/api/audit?admin_id=${adminId}&limit=100`);
	assert.equal(r.status, 200, r.text);
	return r.json.data.items.filter((e) => e.target_type === 'admin' && e.target_id === adminId);
}

function assertAdmin(a, f) {
	assert.deepEqual(Object.keys(a).sort(), KEYS);
	assert.equal(typeof a.id, 'number');
	assert.equal(a.first_name, f.first_name);
	assert.equal(a.last_name, f.last_name);
	assert.equal(a.email, f.email.toLowerCase());
	assert.equal(a.company, f.company);
	assert.equal(a.phone, f.phone);
	assert.equal(a.blocked, false);
	assert.equal(a.agent_count, 0);
	assert.match(a.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
}

// --- create ----------------------------------------------------------------

test('the super admin creates an admin through the form; the e-mailed link sets a password and the admin signs in', async () => {
	const f = fields();
	const page = await superBrowser.get('/admins/new');
	assert.equal(page.status, 200);
	for (const k of ['first_name', 'last_name', 'email', 'company', 'phone'])
		assert.match(page.text, new RegExp(`<label for="${k}"`), `a labelled ${k} field`);
	const r = await superBrowser.postForm('/admins', { csrf: page.csrf, ...f });
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const m = /^\/admins\/(\d+)$/.exec(r.location);
	assert.ok(m, `303 to the admin's page, got ${r.location}`);
	const id = Number(m[1]);

	const show = await superBrowser.get(r.location);
	assert.equal(show.status, 200);
	assert.equal(flashOf(show.text), 'Saved.');
	for (const v of [f.first_name, f.last_name, f.email, f.company, f.phone])
		assert.ok(show.text.includes(htmlEscape(v)), `the page shows ${v}`);
	assert.match(show.text, /Active/);
	assert.match(show.text, new RegExp(`action="/admins/${id}/block"`));
	assert.match(show.text, new RegExp(`href="/admins/${id}/edit"`));

	const j = await sup.get(`/api/admins/${id}`);
	assert.equal(j.status, 200);
	assertAdmin(j.json.data, f);

	// No password yet: the account cannot sign in before the link is used.
	const early = await new Client().postJSON('/api/auth/login', { email: f.email, password: 'anything-at-all' });
	assert.equal(early.status, 401);

	const { pw, mail } = await acceptInvite(f.email);
	assert.match(mail.text, /seven days/);
	assert.ok(mail.text.includes(f.email), 'the mail names the user id (the e-mail)');
	const admin = await signedIn(f.email, pw);
	const me = await admin.get('/api/auth/me');
	assert.equal(me.json.data.role, 'admin');
	assert.equal(me.json.data.id, id);
	// The link works once.
	const again = await new Client().postJSON('/api/auth/password/reset', {
		token: new URL(extractLink(mail.text, `${BASE_URL}/password/reset?token=`)).searchParams.get('token'),
		password: newPassword(),
	});
	assertEnvelope(again, 404);
});

test('POST /api/admins answers 201 with the admin; the e-mail is stored normalized', async () => {
	const f = fields({ email: uniqueEmail('Admin').replace('e2e', 'E2E') });
	const r = await sup.postJSON('/api/admins', f);
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.success, true);
	assertAdmin(r.json.data, f);
	const g = await sup.get(`/api/admins/${r.json.data.id}`);
	assert.deepEqual(g.json.data, r.json.data);
	await waitForMail(f.email.toLowerCase(), { subject: INVITE });
	// The phone is optional.
	const np = await sup.postJSON('/api/admins', fields({ phone: undefined }));
	assert.equal(np.status, 201, np.text);
	assert.equal(np.json.data.phone, '');
});

test('a duplicate e-mail is 409 naming email, and nothing is created', async () => {
	const a = await createAdmin();
	const f = fields({ email: a.email.toUpperCase() });
	const r = await sup.postJSON('/api/admins', f);
	assertEnvelope(r, 409, { code: 'conflict', field: 'email' });
	assert.equal(countUsers(a.email), 1);
	assert.equal(countTenants(f.company), 0, 'no tenant for the refused admin');

	// Any user's address is taken: the super admin's, too.
	const s = await sup.postJSON('/api/admins', fields({ email: ADMIN_EMAIL }));
	assertEnvelope(s, 409, { field: 'email' });

	// The form says it beside the field and keeps what was typed.
	const page = await superBrowser.get('/admins/new');
	const h = await superBrowser.postForm('/admins', { csrf: page.csrf, ...f });
	assert.equal(h.status, 409);
	assert.match(fieldError(h.text, 'email'), /already exists/);
	assert.equal(inputValue(h.text, 'email'), f.email);
	assert.equal(inputValue(h.text, 'company'), f.company);
	assert.equal(countTenants(f.company), 0);
});

test('each bad field is named and nothing is created', async () => {
	const cases = [
		[{ first_name: '' }, 'first_name', /required/],
		[{ first_name: undefined }, 'first_name', /required/],
		[{ first_name: 'x'.repeat(81) }, 'first_name', /too long/],
		[{ first_name: 42 }, 'first_name', /text/],
		[{ last_name: '   ' }, 'last_name', /required/],
		[{ last_name: 'x'.repeat(81) }, 'last_name', /too long/],
		[{ email: '' }, 'email', /required/],
		[{ email: 'not-an-address' }, 'email', /valid e-mail/],
		[{ email: 'a@b@example.com' }, 'email', /valid e-mail/],
		[{ company: '' }, 'company', /required/],
		[{ company: 'c'.repeat(121) }, 'company', /too long/],
		[{ company: 'bad\u0007bell' }, 'company', /control characters/],
		[{ phone: '12' }, 'phone', /phone number/],
		[{ phone: 'call me maybe' }, 'phone', /phone number/],
	];
	for (const [over, field, msg] of cases) {
		const f = fields(over);
		const r = await sup.postJSON('/api/admins', f);
		const e = assertEnvelope(r, 400, { code: 'invalid', field });
		assert.match(e.fields[field], msg, `${JSON.stringify(over).slice(0, 60)}: ${e.fields[field]}`);
		if (typeof f.email === 'string' && f.email.includes('@example.com'))
			assert.equal(countUsers(f.email), 0, `nothing created for ${JSON.stringify(over).slice(0, 60)}`);
	}

	// The form shows every error beside its field, and what was typed.
	const page = await superBrowser.get('/admins/new');
	const bad = { first_name: 'Ok', last_name: '', email: 'nope', company: '', phone: 'x1' };
	const h = await superBrowser.postForm('/admins', { csrf: page.csrf, ...bad });
	assert.equal(h.status, 400);
	assert.match(fieldError(h.text, 'last_name'), /required/);
	assert.match(fieldError(h.text, 'email'), /valid e-mail/);
	assert.match(fieldError(h.text, 'company'), /required/);
	assert.ok(fieldError(h.text, 'phone'));
	assert.equal(fieldError(h.text, 'first_name'), undefined);
	assert.equal(inputValue(h.text, 'first_name'), 'Ok');
	assert.equal(inputValue(h.text, 'email'), 'nope');
	assert.equal(inputValue(h.text, 'phone'), 'x1');
	assert.match(h.text, /id="email"[^>]*aria-invalid="true"/);
	assert.match(h.text, /aria-describedby="[^"]*email-error/);
});

test('unknown fields are refused by name: role, tenant_id, and email on update', async () => {
	for (const extra of [{ role: 'super_admin' }, { tenant_id: 1 }, { password: 'x' }]) {
		const f = fields(extra);
		const r = await sup.postJSON('/api/admins', f);
		assertEnvelope(r, 400, { field: Object.keys(extra)[0] });
		assert.equal(countUsers(f.email), 0);
	}
	const page = await superBrowser.get('/admins/new');
	const hf = fields();
	const h = await superBrowser.postForm('/admins', { csrf: page.csrf, ...hf, role: 'super_admin' });
	assert.equal(h.status, 400);
	assert.equal(countUsers(hf.email), 0);

	const a = await createAdmin();
	const u = await sup.putJSON(`/api/admins/${a.id}`, {
		first_name: 'Changed',
		last_name: a.last_name,
		company: a.company,
		phone: a.phone,
		email: uniqueEmail('new'),
	});
	assertEnvelope(u, 400, { field: 'email' });
	const t = await sup.putJSON(`/api/admins/${a.id}`, {
		first_name: 'Changed',
		last_name: a.last_name,
		company: a.company,
		tenant_id: 1,
	});
	assertEnvelope(t, 400, { field: 'tenant_id' });
	const edit = await superBrowser.get(`/admins/${a.id}/edit`);
	const he = await superBrowser.postForm(`/admins/${a.id}`, {
		csrf: edit.csrf,
		first_name: 'Changed',
		last_name: a.last_name,
		company: a.company,
		phone: a.phone,
		email: uniqueEmail('new'),
	});
	assert.equal(he.status, 400);
	assert.match(fieldError(he.text, 'email'), /Unknown field "email"/);
	const after = await sup.get(`/api/admins/${a.id}`);
	assert.deepEqual(after.json.data, a, 'nothing changed');
});

// --- update ----------------------------------------------------------------

test('update: the edit form is filled in, saves names, company and phone; the e-mail stays', async () => {
	const a = await createAdmin();
	const edit = await superBrowser.get(`/admins/${a.id}/edit`);
	assert.equal(edit.status, 200);
	assert.equal(inputValue(edit.text, 'first_name'), a.first_name);
	assert.equal(inputValue(edit.text, 'last_name'), a.last_name);
	assert.equal(inputValue(edit.text, 'company'), a.company);
	assert.equal(inputValue(edit.text, 'phone'), a.phone);
	assert.ok(!/<input[^>]*name="email"/.test(edit.text), 'no e-mail input on edit');
	assert.ok(edit.text.includes(htmlEscape(a.email)), 'the e-mail is shown read-only');

	const company = `Renamed ${rand(6)}`;
	const r = await superBrowser.postForm(`/admins/${a.id}`, {
		csrf: edit.csrf,
		first_name: '  Augusta ',
		last_name: a.last_name,
		company,
		phone: '',
	});
	assert.equal(r.status, 303, r.text.slice(0, 300));
	assert.equal(r.location, `/admins/${a.id}`);
	const show = await superBrowser.get(r.location);
	assert.equal(flashOf(show.text), 'Saved.');
	const g = (await sup.get(`/api/admins/${a.id}`)).json.data;
	assert.equal(g.first_name, 'Augusta');
	assert.equal(g.company, company);
	assert.equal(g.phone, '');
	assert.equal(g.email, a.email);

	// A refused form comes back with what was typed, errors beside fields.
	const bad = await superBrowser.postForm(`/admins/${a.id}`, {
		csrf: show.csrf,
		first_name: '',
		last_name: 'Still',
		company: 'Typed Co',
		phone: 'nope',
	});
	assert.equal(bad.status, 400);
	assert.match(fieldError(bad.text, 'first_name'), /required/);
	assert.ok(fieldError(bad.text, 'phone'));
	assert.equal(inputValue(bad.text, 'last_name'), 'Still');
	assert.equal(inputValue(bad.text, 'company'), 'Typed Co');
	assert.deepEqual((await sup.get(`/api/admins/${a.id}`)).json.data, g, 'nothing changed');

	const p = await sup.putJSON(`/api/admins/${a.id}`, {
		first_name: 'Ada',
		last_name: 'Byron',
		company,
		phone: '(202) 555-0143',
	});
	assert.equal(p.status, 200, p.text);
	assert.equal(p.json.data.last_name, 'Byron');
	assert.equal(p.json.data.phone, '(202) 555-0143');
	assert.equal(p.json.data.email, a.email);
	const e = await sup.putJSON(`/api/admins/${a.id}`, { first_name: 'Ada', last_name: 'Byron' });
	assertEnvelope(e, 400, { field: 'company' });
});

test('an id that is not an admin is 404, the same answer as a missing one', async () => {
	const a = await createAdmin();
	const agent = await sqlAgent(a.id);
	const missing = await sup.get('/api/admins/999999999');
	assertEnvelope(missing, 404, { code: 'not_found' });
	for (const id of [agent.id, superId, 0, 'abc', '99999999999999999999']) {
		const g = await sup.get(`/api/admins/${id}`);
		assertEnvelope(g, 404);
		assert.deepEqual(g.json, missing.json, `GET ${id}`);
		const p = await sup.putJSON(`/api/admins/${id}`, { first_name: 'X', last_name: 'Y', company: 'Z' });
		assertEnvelope(p, 404);
		const b = await sup.postJSON(`/api/admins/${id}/block`, {});
		assertEnvelope(b, 404);
		const u = await sup.postJSON(`/api/admins/${id}/unblock`, {});
		assertEnvelope(u, 404);
		const h = await superBrowser.get(`/admins/${id}`);
		assert.equal(h.status, 404);
		const he = await superBrowser.get(`/admins/${id}/edit`);
		assert.equal(he.status, 404);
		const hp = await superBrowser.postForm(`/admins/${id}/block`, { csrf: superBrowser.csrf });
		assert.equal(hp.status, 404);
	}
	// The agent was not touched.
	assert.deepEqual(sql(`SELECT first_name, blocked FROM users WHERE id = ${agent.id}`), [['Agnes', '0']]);
});

// --- list ------------------------------------------------------------------

test('the list searches by prefix, sorts by name, e-mail, company and created, and pages', async () => {
	// A unique prefix in each searchable column, made in a known order.
	// Letters only (digits would change the sort), and as unique as the
	// hex: each digit becomes a letter of its own, so runs never collide.
	const P = `Zq${rand(8).replace(/\d/g, (d) => 'ghijklmnop'[d])}`;
	const p = P.toLowerCase();
	const specs = [
		['C', 'mia', 'd', 'Beta'],
		['A', 'liv', 'b', 'Epsilon'],
		['E', 'kai', 'e', 'Alpha'],
		['B', 'noa', 'a', 'Delta'],
		['D', 'ida', 'c', 'Gamma'],
	];
	const made = [];
	for (const [ln, fn, em, co] of specs)
		made.push(
			await createAdmin({
				last_name: `${P}${ln}`,
				first_name: `${P}${fn}`,
				email: `${p}-${em}-${rand(4)}@example.com`,
				company: `${P} ${co}`,
			}),
		);
	const names = (r) => r.json.data.items.map((a) => a.last_name.slice(P.length));
	const q = encodeURIComponent(P);

	// By name, two at a time: A B, C D, E; then no next.
	let r = await sup.get(`/api/admins?q=${q}&sort=name&limit=2`);
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(names(r), ['A', 'B']);
	assert.equal(typeof r.json.data.next, 'string');
	r = await sup.get(`/api/admins?q=${q}&sort=name&limit=2&next=${r.json.data.next}`);
	assert.deepEqual(names(r), ['C', 'D']);
	r = await sup.get(`/api/admins?q=${q}&sort=name&limit=2&next=${r.json.data.next}`);
	assert.deepEqual(names(r), ['E']);
	assert.equal(r.json.data.next, null);

	r = await sup.get(`/api/admins?q=${q}&sort=name&dir=desc`);
	assert.deepEqual(names(r), ['E', 'D', 'C', 'B', 'A']);
	r = await sup.get(`/api/admins?q=${q}&sort=email`);
	assert.deepEqual(names(r), ['B', 'A', 'D', 'C', 'E']);
	r = await sup.get(`/api/admins?q=${q}&sort=company&dir=desc`);
	assert.deepEqual(names(r), ['D', 'A', 'B', 'C', 'E']); // Gamma, Epsilon, Delta, Beta, Alpha
	r = await sup.get(`/api/admins?q=${q}&sort=created`);
	assert.deepEqual(names(r), ['C', 'A', 'E', 'B', 'D']);
	r = await sup.get(`/api/admins?q=${q}&sort=created&dir=desc`);
	assert.deepEqual(names(r), ['D', 'B', 'E', 'A', 'C']);

	// Each searchable column: last name, first name, e-mail, company.
	for (const [term, want] of [
		[`${P}D`, ['D']],
		[`${P}ka`, ['E']],
		[`${p}-a-`, ['B']],
		[`${P} Gam`, ['D']],
		[P.toUpperCase(), ['A', 'B', 'C', 'D', 'E']],
	]) {
		r = await sup.get(`/api/admins?q=${encodeURIComponent(term)}`);
		assert.equal(r.status, 200);
		assert.deepEqual(names(r), want, `q=${term}`);
	}
	// LIKE's wildcards are plain characters; a middle part is no prefix.
	for (const term of [`${P}%`, `${P}_`, `%${P}`, P.slice(2)]) {
		r = await sup.get(`/api/admins?q=${encodeURIComponent(term)}`);
		assert.equal(r.status, 200);
		assert.deepEqual(r.json.data.items, [], `q=${term}`);
	}
	// The whole list (no search) pages too, each item an admin.
	r = await sup.get('/api/admins?sort=created&dir=desc&limit=3');
	assert.equal(r.json.data.items.length, 3);
	for (const a of r.json.data.items) assert.deepEqual(Object.keys(a).sort(), KEYS);

	// Bad list parameters are named.
	assertEnvelope(await sup.get('/api/admins?sort=password'), 400, { field: 'sort' });
	assertEnvelope(await sup.get('/api/admins?dir=up'), 400, { field: 'dir' });
	assertEnvelope(await sup.get('/api/admins?limit=0'), 400, { field: 'limit' });
	assertEnvelope(await sup.get('/api/admins?limit=101'), 400, { field: 'limit' });
	assertEnvelope(await sup.get('/api/admins?next=o99999999'), 400, { field: 'next' });
	assertEnvelope(await sup.get(`/api/admins?q=${'q'.repeat(101)}`), 400, { field: 'q' });

	// The page: a search box, sortable headers, pages, and row actions as
	// POST forms with the CSRF field.
	const h = await superBrowser.get(`/admins?q=${q}&limit=2`);
	assert.equal(h.status, 200);
	assert.equal(inputValue(h.text, 'q'), P);
	for (const s of ['name', 'email', 'company', 'created'])
		assert.match(h.text, new RegExp(`<th scope="col" aria-sort="[a-z]+"><a href="/admins\\?sort=${s}&amp;dir=`), `a ${s} header link`);
	assert.match(h.text, /aria-sort="ascending"><a href="\/admins\?sort=name&amp;dir=desc/);
	const nextHref = /<a class="btn btn-ghost btn-small" href="([^"]+)" rel="next">/.exec(h.text);
	assert.ok(nextHref, 'a next link');
	const h2 = await superBrowser.get(nextHref[1].replace(/&amp;/g, '&'));
	assert.equal(h2.status, 200);
	assert.ok(h2.text.includes(htmlEscape(`${P}C`)) && h2.text.includes(htmlEscape(`${P}D`)));
	assert.match(h2.text, /rel="prev"/);
	const b = made[1]; // A
	for (const act of ['block'])
		assert.match(h.text, new RegExp(`<form method="post" action="/admins/${b.id}/${act}">\\s*<input type="hidden" name="csrf" value="[^"]+">`));
	assert.match(h.text, new RegExp(`<form method="post" action="/emulate">\\s*<input type="hidden" name="csrf" value="[^"]+">\\s*<input type="hidden" name="user_id" value="${b.id}">`));
	assert.match(h.text, new RegExp(`href="/admins/${b.id}"`));
	assert.match(h.text, new RegExp(`href="/admins/${b.id}/edit"`));
	for (const col of ['Name', 'E-mail', 'Company', 'Phone', 'Status', 'Created']) assert.match(h.text, new RegExp(`>${col}( <|<)`));
	// Every row shows the date its admin was created, as the admin's own page does.
	const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
	const dateLabel = (iso) => {
		const d = new Date(iso);
		return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
	};
	const dates = [...h.text.matchAll(/<td class="cell-meta"><time datetime="([^"]+)">([^<]*)<\/time><\/td>/g)];
	assert.equal(dates.length, 2, 'a created date cell in each of the two rows');
	for (const [, iso, shown] of dates) assert.equal(shown, dateLabel(iso), `the row created at ${iso} shows its date`);

	// A row's block form comes back to the same list page.
	const back = /name="back" value="([^"]*)"/.exec(h.text)[1].replace(/&amp;/g, '&');
	const blk = await superBrowser.postForm(`/admins/${b.id}/block`, { csrf: h.csrf, back });
	assert.equal(blk.status, 303);
	assert.equal(blk.location, back);
	const after = await superBrowser.get(blk.location);
	assert.match(after.text, new RegExp(`action="/admins/${b.id}/unblock"`));
	const unb = await superBrowser.postForm(`/admins/${b.id}/unblock`, { csrf: after.csrf, back: 'https://evil.example/' });
	assert.equal(unb.status, 303);
	assert.equal(unb.location, `/admins/${b.id}`, 'a foreign back is ignored');

	const none = await superBrowser.get(`/admins?q=${q}zzz`);
	assert.match(none.text, /No admin matches/);
});

test('"Act as" from the list acts as the admin', async () => {
	const a = await createAdmin();
	const b = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	const page = await b.get(`/admins?q=${encodeURIComponent(a.last_name)}`);
	assert.match(page.text, new RegExp(`name="user_id" value="${a.id}"`));
	const r = await b.postForm('/emulate', { csrf: page.csrf, user_id: String(a.id) });
	assert.equal(r.status, 303, r.text.slice(0, 200));
	const me = await b.get('/api/auth/me');
	assert.equal(me.json.data.id, a.id);
	assert.equal(me.json.data.role, 'admin');
	assert.equal(me.json.data.acting_user_id, superId);
	// While acting as an admin, the admins' pages are out of reach.
	assert.equal((await b.get('/admins')).status, 403);
	const home = await b.get('/');
	const stop = await b.postForm('/emulate/stop', { csrf: home.csrf });
	assert.equal(stop.status, 303);
});

// --- block and unblock -----------------------------------------------------

test('blocking signs the admin and its agents out and keeps them out; unblocking lets them in again', async () => {
	const f = fields();
	const cr = await sup.postJSON('/api/admins', f);
	assert.equal(cr.status, 201);
	const a = cr.json.data;
	const { pw } = await acceptInvite(f.email);
	const agent = await sqlAgent(a.id);
	assert.equal((await sup.get(`/api/admins/${a.id}`)).json.data.agent_count, 1);

	const adminBrowser = await signedIn(f.email, pw);
	const agentBrowser = await signedIn(agent.email, agent.password);
	const agentToken = await apiToken(agent.email, agent.password);
	const adminToken = await apiToken(f.email, pw);
	assert.equal((await adminBrowser.get('/')).status, 200);
	assert.equal((await agentBrowser.get('/')).status, 200);

	// Block through the page's form.
	const show = await superBrowser.get(`/admins/${a.id}`);
	const r = await superBrowser.postForm(`/admins/${a.id}/block`, { csrf: show.csrf });
	assert.equal(r.status, 303);
	assert.equal(r.location, `/admins/${a.id}`);
	const blockedPage = await superBrowser.get(r.location);
	assert.match(blockedPage.text, /Blocked/);
	assert.match(blockedPage.text, new RegExp(`action="/admins/${a.id}/unblock"`));
	assert.ok(!new RegExp(`name="user_id" value="${a.id}"`).test(blockedPage.text), 'no "Act as" for a blocked admin');
	assert.equal((await sup.get(`/api/admins/${a.id}`)).json.data.blocked, true);

	// Their sessions are refused at the next request, their tokens too.
	for (const c of [adminBrowser, agentBrowser]) {
		const home = await c.get('/');
		assert.equal(home.status, 303);
		assert.equal(home.location, '/login');
	}
	assertEnvelope(await new Client().get('/api/auth/me', { bearer: agentToken }), 401);
	assertEnvelope(await new Client().get('/api/auth/me', { bearer: adminToken }), 401);
	// And they cannot sign in.
	for (const [email, password] of [
		[f.email, pw],
		[agent.email, agent.password],
	]) {
		const s = await new Client().postJSON('/api/auth/login', { email, password });
		assertEnvelope(s, 403);
		assert.match(s.json.error.message, /blocked/);
	}

	// Blocking again changes nothing and is not recorded twice.
	const again = await sup.postJSON(`/api/admins/${a.id}/block`, {});
	assert.equal(again.status, 200);
	assert.equal(again.json.data.blocked, true);
	assertEnvelope(await sup.postJSON(`/api/admins/${a.id}/block`, { blocked: true }), 400, { field: 'blocked' });

	// Unblock through the API: both sign in again.
	const u = await sup.postJSON(`/api/admins/${a.id}/unblock`, {});
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.data.blocked, false);
	const back = await signedIn(f.email, pw);
	assert.equal((await back.get('/admins')).status, 403);
	assert.equal((await back.get('/')).status, 200);
	const agentBack = await signedIn(agent.email, agent.password);
	assert.equal((await agentBack.get('/')).status, 200);

	const entries = await auditOf(a.id);
	assert.equal(entries.filter((e) => e.action === 'block').length, 1);
	assert.equal(entries.filter((e) => e.action === 'unblock').length, 1);
});

// --- audit -----------------------------------------------------------------

test('create, update, block and unblock are in the audit log', async () => {
	const a = await createAdmin();
	assert.equal((await sup.putJSON(`/api/admins/${a.id}`, { first_name: 'Audited', last_name: a.last_name, company: a.company })).status, 200);
	assert.equal((await sup.postJSON(`/api/admins/${a.id}/block`, {})).status, 200);
	assert.equal((await sup.postJSON(`/api/admins/${a.id}/unblock`, {})).status, 200);
	const entries = await auditOf(a.id);
	assert.deepEqual(
		entries.map((e) => e.action),
		['unblock', 'block', 'update', 'create'],
		'newest first',
	);
	for (const e of entries) {
		assert.equal(e.actor_id, superId);
		assert.equal(e.actor_email, ADMIN_EMAIL);
		assert.equal(e.company, a.company);
		assert.ok(e.summary.includes(a.email), e.summary);
	}
});

// --- roles -----------------------------------------------------------------

test('an admin or an agent gets 403 on every /admins route, HTML and JSON, and nothing changes', async () => {
	const target = await createAdmin();
	const other = await signup();
	const agent = await sqlAgent(other.id);
	const victimEmail = uniqueEmail('never');
	const body = { first_name: 'Mallory', last_name: 'Evil', company: 'Evil Co', phone: '' };

	for (const [who, email, password] of [
		['admin', other.email, other.password],
		['agent', agent.email, agent.password],
	]) {
		const b = await signedIn(email, password);
		const home = await b.get('/');
		assert.equal(home.status, 200);
		const csrf = home.csrf;
		const t = api(await apiToken(email, password));
		const html = [
			['GET', '/admins'],
			['GET', '/admins/new'],
			['POST', '/admins', { ...body, email: victimEmail }],
			['GET', `/admins/${target.id}`],
			['GET', `/admins/${target.id}/edit`],
			['POST', `/admins/${target.id}`, body],
			['POST', `/admins/${target.id}/block`, {}],
			['POST', `/admins/${target.id}/unblock`, {}],
		];
		for (const [m, path, f] of html) {
			const r = m === 'GET' ? await b.get(path) : await b.postForm(path, { csrf, ...f });
			assert.equal(r.status, 403, `${who} ${m} ${path}: ${r.status}`);
			assert.match(r.headers.get('content-type'), /text\/html/);
		}
		const json = [
			['GET', '/api/admins'],
			['POST', '/api/admins', { ...body, email: victimEmail }],
			['GET', `/api/admins/${target.id}`],
			['PUT', `/api/admins/${target.id}`, body],
			['POST', `/api/admins/${target.id}/block`, {}],
			['POST', `/api/admins/${target.id}/unblock`, {}],
		];
		for (const [m, path, f] of json) {
			for (const c of [t, b]) {
				const opts = c === b ? { headers: { 'X-CSRF-Token': await b.apiCsrf() } } : {};
				const r =
					m === 'GET' ? await c.get(path) : m === 'PUT' ? await c.putJSON(path, f, opts) : await c.postJSON(path, f, opts);
				assertEnvelope(r, 403, { code: 'forbidden' });
			}
		}
	}
	assert.equal(countUsers(victimEmail), 0, 'no admin was created');
	assert.deepEqual((await sup.get(`/api/admins/${target.id}`)).json.data, target, 'the admin did not change');
	assert.deepEqual(await auditOf(target.id).then((e) => e.map((x) => x.action)), ['create']);
});

test('signed out: pages go to sign-in, the API answers 401', async () => {
	const c = new Client();
	const r = await c.get('/admins');
	assert.equal(r.status, 303);
	assert.equal(r.location, '/login?next=/admins');
	assertEnvelope(await c.get('/api/admins'), 401);
	assertEnvelope(await c.postJSON('/api/admins', fields()), 401);
});
