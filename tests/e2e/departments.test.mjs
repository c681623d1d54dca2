// departments.test.mjs: departments (spec 1.6 and 2.5): an admin manages its
// own, the super admin picks the admin first; names unique per tenant; bad
// fields named; another tenant's department answered as a missing one;
// agents refused; every write audited; the number of agents counted.
import assert from 'node:assert/strict';
import { join } from 'node:path';
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
	formError,
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

// --- set-up helpers --------------------------------------------------------

/** An admin with its own tenant (company set), an API token and a browser. */
async function newAdmin(company = `Acme ${rand(6)}`) {
	const u = await signup();
	const tenant = Number(sql(`SELECT tenant_id FROM users WHERE id = ${Number(u.id)}`)[0][0]);
	sql(`UPDATE tenants SET company = '${company}' WHERE id = ${tenant}`);
	const token = await apiToken(u.email, u.password);
	return { ...u, tenant, company, token };
}

/** An API client for a bearer token. */
function api(token) {
	const c = new Client();
	c.bearer = token;
	return c;
}

/** A user of role in tenant made with SQL (no password yet); returns its id. */
function sqlUser(tenant, role, email, first = 'Agnes', last = `Agent${rand(4)}`) {
	sql(
		`INSERT INTO users (tenant_id, role, email, first_name, last_name)` +
			` VALUES (${tenant}, '${role}', '${email}', '${first}', '${last}')`,
	);
	return Number(sql(`SELECT id FROM users WHERE email = '${email}'`)[0][0]);
}

/** Give a user a password through the forgot-password e-mail. */
async function setPasswordByMail(email) {
	const pw = newPassword();
	const r = await new Client().postJSON('/api/auth/password/forgot', { email });
	assert.equal(r.status, 200, `forgot: ${r.text}`);
	const mail = await waitForMail(email, { subject: 'Reset your Parley password' });
	const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
	assert.ok(link, `a reset link in: ${mail.text}`);
	const token = new URL(pathOf(link), BASE_URL).searchParams.get('token');
	const s = await new Client().postJSON('/api/auth/password/reset', { token, password: pw });
	assert.equal(s.status, 200, `reset: ${s.text}`);
	return pw;
}

function auditActions(id) {
	return sql(
		`SELECT action, COALESCE(tenant_id, 0) FROM audit_log` +
			` WHERE target_type = 'department' AND target_id = ${Number(id)} ORDER BY id`,
	);
}

function deptCount(tenant) {
	return Number(sql(`SELECT COUNT(*) FROM departments WHERE tenant_id = ${tenant}`)[0][0]);
}

async function create(token, body) {
	const r = await api(token).postJSON('/api/departments', body);
	assert.equal(r.status, 201, `create ${JSON.stringify(body)}: ${r.status} ${r.text}`);
	return r.json.data;
}

let A; // an admin
let B; // another admin, another tenant

before(async () => {
	A = await newAdmin();
	B = await newAdmin();
});

// --- an admin's own departments --------------------------------------------

test('an admin creates, reads, lists, updates, deactivates and activates through the API', async () => {
	const c = api(A.token);
	const name = `Sales ${rand(6)}`;
	const r = await c.postJSON('/api/departments', { name, description: 'First line\nSecond line' });
	assert.equal(r.status, 201, r.text);
	const d = r.json.data;
	assert.deepEqual(Object.keys(d).sort(), [
		'active', 'admin_id', 'agent_count', 'company', 'created_at', 'created_on', 'description', 'id', 'name',
	]);
	assert.equal(d.name, name);
	assert.equal(d.description, 'First line\nSecond line');
	assert.equal(d.admin_id, A.id);
	assert.equal(d.company, A.company);
	assert.equal(d.active, true);
	assert.equal(d.agent_count, 0);
	assert.match(d.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

	// Passing one's own admin_id is fine.
	const own = await c.postJSON('/api/departments', { admin_id: A.id, name: `Own ${rand(6)}` });
	assert.equal(own.status, 201, own.text);

	const g = await c.get(`/api/departments/${d.id}`);
	assert.equal(g.status, 200);
	assert.equal(g.json.data.name, name);
	assert.deepEqual(g.json.data.agents, []);

	const list = await c.get('/api/departments');
	assert.equal(list.status, 200);
	assert.equal(list.json.success, true);
	assert.ok(Array.isArray(list.json.data.items));
	assert.ok('next' in list.json.data);
	const ids = list.json.data.items.map((x) => x.id);
	assert.ok(ids.includes(d.id) && ids.includes(own.json.data.id));
	for (const x of list.json.data.items) assert.equal(x.admin_id, A.id, 'only its own tenant');

	// A partial update changes only what is sent.
	const u = await c.putJSON(`/api/departments/${d.id}`, { name: `${name} EU` });
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.data.name, `${name} EU`);
	assert.equal(u.json.data.description, 'First line\nSecond line');
	const u2 = await c.putJSON(`/api/departments/${d.id}`, { description: '' });
	assert.equal(u2.status, 200, u2.text);
	assert.equal(u2.json.data.description, '');
	assert.equal(u2.json.data.name, `${name} EU`);

	const off = await c.postJSON(`/api/departments/${d.id}/deactivate`, {});
	assert.equal(off.status, 200, off.text);
	assert.equal(off.json.data.active, false);
	const again = await c.request('POST', `/api/departments/${d.id}/deactivate`);
	assert.equal(again.status, 200, 'deactivating twice is harmless');
	const on = await c.request('POST', `/api/departments/${d.id}/activate`);
	assert.equal(on.status, 200, on.text);
	assert.equal(on.json.data.active, true);

	// Audited in the admin's tenant; the repeated deactivate changed nothing.
	assert.deepEqual(auditActions(d.id), [
		['create', String(A.tenant)],
		['update', String(A.tenant)],
		['update', String(A.tenant)],
		['deactivate', String(A.tenant)],
		['activate', String(A.tenant)],
	]);
});

test('an admin does it all with forms: create, show, edit, list, deactivate, activate', async () => {
	const b = await signedIn(A.email, A.password);
	const name = `Support <b>${rand(6)}</b>`;

	const form = await b.get('/departments/new');
	assert.equal(form.status, 200);
	assert.ok(form.csrf);
	assert.doesNotMatch(form.text, /<select[^>]*name="admin_id"/, 'an admin picks no admin');
	assert.match(form.text, new RegExp(htmlEscape(`${A.first_name} ${A.last_name}`)), 'its own name is shown');

	const r = await b.postForm('/departments', { csrf: form.csrf, name, description: 'Handles tickets\nand chats' });
	assert.equal(r.status, 303, r.text);
	const m = /^\/departments\/(\d+)$/.exec(r.location);
	assert.ok(m, `redirect to the department: ${r.location}`);
	const id = Number(m[1]);

	const show = await b.get(r.location);
	assert.equal(show.status, 200);
	assert.equal(flashOf(show.text), 'Saved.');
	assert.ok(show.text.includes(htmlEscape(name)), 'the name, escaped');
	assert.ok(!show.text.includes(name), 'never raw');
	assert.match(show.text, /No agents yet/);

	const edit = await b.get(`/departments/${id}/edit`);
	assert.equal(edit.status, 200);
	assert.equal(inputValue(edit.text, 'name'), name, 'the form shows the saved name');
	assert.match(edit.text, /<textarea[^>]*name="description"[^>]*>Handles tickets\nand chats<\/textarea>/);

	// A bad edit comes back with what was typed and the error beside it.
	const bad = await b.postForm(`/departments/${id}`, { csrf: edit.csrf, name: '', description: 'kept text' });
	assert.equal(bad.status, 400);
	assert.equal(fieldError(bad.text, 'name'), 'Department name is required.');
	assert.match(bad.text, /aria-describedby="name-error"/);
	assert.match(bad.text, />kept text<\/textarea>/);

	const renamed = `Helpdesk ${rand(6)}`;
	const e = await b.postForm(`/departments/${id}`, { csrf: edit.csrf, name: renamed, description: 'New words' });
	assert.equal(e.status, 303, e.text);
	assert.equal(e.location, `/departments/${id}`);

	const list = await b.get(`/departments?q=${encodeURIComponent(renamed)}`);
	assert.equal(list.status, 200);
	assert.ok(list.text.includes(renamed));
	assert.match(list.text, /<input[^>]*name="q"/, 'a search box');
	assert.match(list.text, /href="\/departments\?sort=name&amp;dir=desc/, 'sortable headers');
	assert.match(list.text, /href="\/departments\?sort=agents/);
	assert.match(list.text, /href="\/departments\?sort=created/);
	assert.doesNotMatch(list.text, /<th scope="col">Company<\/th>/, 'no company column for an admin');
	assert.match(list.text, /dept-status-on">Active/);

	// Deactivate from the list: a POST form with csrf, back to the list.
	const back = `/departments?q=${encodeURIComponent(renamed)}`;
	const off = await b.postForm(`/departments/${id}/deactivate`, { csrf: list.csrf, back });
	assert.equal(off.status, 303, off.text);
	assert.equal(off.location, back);
	const after = await b.get(back);
	assert.match(after.text, /dept-status-off">Inactive/);
	assert.match(after.text, new RegExp(`action="/departments/${id}/activate"`));

	// A "back" that leaves /departments is not followed.
	const on = await b.postForm(`/departments/${id}/activate`, { csrf: after.csrf, back: '//evil.example/x' });
	assert.equal(on.status, 303);
	assert.equal(on.location, `/departments/${id}`);
	const j = await api(A.token).get(`/api/departments/${id}`);
	assert.equal(j.json.data.active, true);
	assert.equal(j.json.data.name, renamed);
	assert.equal(j.json.data.description, 'New words');

	// A GET never changes anything.
	const g = await b.get(`/departments/${id}/deactivate`);
	assert.equal(g.status, 405);

	assert.deepEqual(
		auditActions(id).map((x) => x[0]),
		['create', 'update', 'deactivate', 'activate'],
	);
});

test('lists search by name prefix, sort and page', async () => {
	const a = await newAdmin();
	const c = api(a.token);
	const tag = rand(5);
	for (const n of ['Alpha', 'Bravo', 'Charlie', 'Delta']) await create(a.token, { name: `${tag} ${n}` });
	await create(a.token, { name: `Other ${rand(5)}` });

	const q = await c.get(`/api/departments?q=${tag}&sort=name&dir=desc`);
	assert.equal(q.status, 200, q.text);
	assert.deepEqual(
		q.json.data.items.map((x) => x.name),
		['Delta', 'Charlie', 'Bravo', 'Alpha'].map((n) => `${tag} ${n}`),
	);
	// The prefix is literal: LIKE's wildcards are plain characters.
	const wild = await c.get(`/api/departments?q=${encodeURIComponent('%')}`);
	assert.equal(wild.json.data.items.length, 0);

	const p1 = await c.get(`/api/departments?q=${tag}&limit=3`);
	assert.equal(p1.json.data.items.length, 3);
	assert.equal(typeof p1.json.data.next, 'string');
	const p2 = await c.get(`/api/departments?q=${tag}&limit=3&next=${p1.json.data.next}`);
	assert.equal(p2.json.data.items.length, 1);
	assert.equal(p2.json.data.next, null);

	const created = await c.get('/api/departments?sort=created&dir=desc');
	assert.equal(created.json.data.items[0].name.startsWith('Other'), true, 'newest first');

	const html = await (await signedIn(a.email, a.password)).get(`/departments?q=${tag}&limit=3`);
	assert.match(html.text, /rel="next"/, 'a next link');

	for (const bad of ['sort=evil', 'dir=up', 'limit=0', 'next=zz']) {
		const r = await c.get(`/api/departments?${bad}`);
		assertEnvelope(r, 400, { field: bad.split('=')[0] });
	}
});

// --- bad input -------------------------------------------------------------

test('bad fields are refused, named, and change nothing', async () => {
	const c = api(A.token);
	const n0 = deptCount(A.tenant);
	const cases = [
		[{ description: 'no name' }, 'name'],
		[{ name: '   ' }, 'name'],
		[{ name: 'x'.repeat(81) }, 'name'],
		[{ name: 'bell\u0007ring' }, 'name'],
		[{ name: 'two\nlines' }, 'name'],
		[{ name: 42 }, 'name'],
		[{ name: 'ok name', description: 'y'.repeat(1001) }, 'description'],
		[{ name: 'ok name', description: 'esc\u001b' }, 'description'],
		[{ name: 'ok name', tenant_id: B.tenant }, 'tenant_id'],
		[{ name: 'ok name', active: false }, 'active'],
		[{ name: 'ok name', agent_count: 5 }, 'agent_count'],
		[{ name: 'ok name', admin_id: 'abc' }, 'admin_id'],
	];
	for (const [body, field] of cases) {
		const r = await c.postJSON('/api/departments', body);
		const e = assertEnvelope(r, 400, { code: 'invalid', field });
		assert.ok(e.message.length > 0);
	}
	// 80 characters (not bytes) is the limit.
	const ok = await c.postJSON('/api/departments', { name: 'é'.repeat(79) + rand(1) });
	assert.equal(ok.status, 201, ok.text);
	assert.equal(deptCount(A.tenant), n0 + 1, 'only the good one was written');

	const d = ok.json.data;
	for (const [body, field] of [
		[{ name: '' }, 'name'],
		[{ name: 'z'.repeat(81) }, 'name'],
		[{ tenant_id: B.tenant }, 'tenant_id'],
		[{ active: false }, 'active'],
		[{ description: 'q'.repeat(1001) }, 'description'],
	]) {
		const r = await c.putJSON(`/api/departments/${d.id}`, body);
		assertEnvelope(r, 400, { field });
	}
	const g = await c.get(`/api/departments/${d.id}`);
	assert.equal(g.json.data.name, d.name);
	assert.equal(g.json.data.active, true);
	assert.equal(auditActions(d.id).length, 1, 'only the create was audited');

	// The form names the field and keeps what was typed.
	const b = await signedIn(A.email, A.password);
	const form = await b.get('/departments/new');
	const r = await b.postForm('/departments', { csrf: form.csrf, name: 'x'.repeat(81), description: 'typed <text>' });
	assert.equal(r.status, 400);
	assert.equal(fieldError(r.text, 'name'), 'Department name: at most 80 characters.');
	assert.equal(inputValue(r.text, 'name'), 'x'.repeat(81));
	assert.ok(r.text.includes('typed &lt;text&gt;</textarea>'));
	const extra = await b.postForm('/departments', { csrf: form.csrf, name: 'fine', tenant_id: String(B.tenant) });
	assert.equal(extra.status, 400);
	assert.equal(formError(extra.text), 'Unknown field "tenant_id".');
	assert.equal(deptCount(A.tenant), n0 + 1);
});

test('a name is unique within a tenant, whatever its case, but not across tenants', async () => {
	const name = `Billing ${rand(6)}`;
	const first = await create(A.token, { name });
	const dup = await api(A.token).postJSON('/api/departments', { name: name.toUpperCase() });
	const e = assertEnvelope(dup, 409, { code: 'conflict', field: 'name' });
	assert.match(e.message, /already exists/);

	const other = await create(B.token, { name });
	assert.equal(other.name, name);
	assert.notEqual(other.id, first.id);

	// Renaming onto a taken name is refused too, and changes nothing.
	const second = await create(A.token, { name: `${name} 2` });
	const r = await api(A.token).putJSON(`/api/departments/${second.id}`, { name });
	assertEnvelope(r, 409, { field: 'name' });
	assert.equal((await api(A.token).get(`/api/departments/${second.id}`)).json.data.name, `${name} 2`);

	// The form shows it beside the field.
	const b = await signedIn(A.email, A.password);
	const form = await b.get('/departments/new');
	const h = await b.postForm('/departments', { csrf: form.csrf, name, description: '' });
	assert.equal(h.status, 409);
	assert.match(fieldError(h.text, 'name'), /already exists/);
	assert.equal(inputValue(h.text, 'name'), name);
});

// --- tenant isolation ------------------------------------------------------

test("another tenant's department is answered exactly as a missing one", async () => {
	const theirs = await create(B.token, { name: `Secret ${rand(6)}`, description: 'B only' });
	const missing = 9007199254740;
	const c = api(A.token);

	const pairs = [
		['GET', (id) => c.get(`/api/departments/${id}`)],
		['PUT', (id) => c.putJSON(`/api/departments/${id}`, { name: 'Taken over' })],
		['activate', (id) => c.request('POST', `/api/departments/${id}/activate`)],
		['deactivate', (id) => c.request('POST', `/api/departments/${id}/deactivate`)],
	];
	for (const [what, call] of pairs) {
		const r1 = await call(theirs.id);
		const r2 = await call(missing);
		assertEnvelope(r1, 404, { code: 'not_found' });
		assert.equal(r1.text, r2.text, `${what}: the same body as a missing id`);
		assert.ok(!r1.text.includes('Secret'), 'no data');
	}

	const b = await signedIn(A.email, A.password);
	for (const path of [`/departments/${theirs.id}`, `/departments/${theirs.id}/edit`]) {
		const r = await b.get(path);
		assert.equal(r.status, 404, path);
		assert.ok(!r.text.includes('Secret'));
	}
	const list = await b.get('/departments');
	const post = await b.postForm(`/departments/${theirs.id}/deactivate`, { csrf: list.csrf });
	assert.equal(post.status, 404);
	const edit = await b.postForm(`/departments/${theirs.id}`, { csrf: list.csrf, name: 'Mine now', description: '' });
	assert.equal(edit.status, 404);

	// Naming B as the admin, in a body or a filter: 404 as well.
	const n0 = deptCount(B.tenant);
	const viaBody = await c.postJSON('/api/departments', { admin_id: B.id, name: `Sneaky ${rand(4)}` });
	assertEnvelope(viaBody, 404);
	const viaNobody = await c.postJSON('/api/departments', { admin_id: missing, name: `Sneaky ${rand(4)}` });
	assert.equal(viaBody.text, viaNobody.text);
	const form = await b.postForm('/departments', { csrf: list.csrf, admin_id: String(B.id), name: 'Sneaky' });
	assert.equal(form.status, 404);
	assertEnvelope(await c.get(`/api/departments?admin_id=${B.id}`), 404);
	assert.equal(deptCount(B.tenant), n0);

	// B's department is untouched and A's list never shows it.
	const g = await api(B.token).get(`/api/departments/${theirs.id}`);
	assert.equal(g.json.data.name, theirs.name);
	assert.equal(g.json.data.active, true);
	assert.deepEqual(auditActions(theirs.id).map((x) => x[0]), ['create']);
	const all = await c.get(`/api/departments?q=${encodeURIComponent(theirs.name)}`);
	assert.deepEqual(all.json.data.items, []);
});

// --- the super admin -------------------------------------------------------

test('the super admin picks the admin, sees the company column and every tenant', async () => {
	assert.ok(ADMIN_PASSWORD, 'the super admin password (var/super-admin.txt)');
	const sa = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	const st = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
	const c = api(st);

	const form = await sa.get(`/departments/new?admin_id=${A.id}`);
	assert.equal(form.status, 200);
	assert.match(form.text, /<select id="admin_id" name="admin_id"/);
	assert.match(form.text, new RegExp(`<option value="${A.id}" selected>`), 'the chosen admin is preselected');
	assert.ok(form.text.includes(htmlEscape(A.company)));

	// Without an admin: the field is named.
	const none = await sa.postForm('/departments', { csrf: form.csrf, admin_id: '', name: 'Nobody' });
	assert.equal(none.status, 400);
	assert.match(fieldError(none.text, 'admin_id'), /admin/);

	const name = `Onboarding ${rand(6)}`;
	const r = await sa.postForm('/departments', { csrf: form.csrf, admin_id: String(A.id), name, description: '' });
	assert.equal(r.status, 303, r.text);
	const id = Number(/\/departments\/(\d+)$/.exec(r.location)[1]);
	const seen = await api(A.token).get(`/api/departments/${id}`);
	assert.equal(seen.status, 200, 'it belongs to the admin chosen');
	assert.equal(seen.json.data.admin_id, A.id);
	assert.deepEqual(auditActions(id), [['create', String(A.tenant)]]);

	const viaApi = await c.postJSON('/api/departments', { admin_id: B.id, name });
	assert.equal(viaApi.status, 201, 'the same name in another tenant');
	assert.equal(viaApi.json.data.company, B.company);
	assertEnvelope(await c.postJSON('/api/departments', { name: 'No admin' }), 400, { field: 'admin_id' });
	// An id that is not an admin: the super admin's own, an unknown one.
	const superId = Number(sql(`SELECT id FROM users WHERE role = 'super_admin' LIMIT 1`)[0][0]);
	assertEnvelope(await c.postJSON('/api/departments', { admin_id: superId, name: 'X' }), 404);
	assertEnvelope(await c.postJSON('/api/departments', { admin_id: 9007199254740, name: 'X' }), 404);

	// A department never moves to another admin.
	assertEnvelope(await c.putJSON(`/api/departments/${id}`, { admin_id: B.id }), 400, { field: 'admin_id' });
	const ok = await c.putJSON(`/api/departments/${id}`, { admin_id: A.id, description: 'by the super admin' });
	assert.equal(ok.status, 200, ok.text);

	// The list: every tenant, or one admin's; the company column.
	const list = await sa.get(`/departments?q=${encodeURIComponent(name)}`);
	assert.equal(list.status, 200);
	assert.match(list.text, /<th scope="col">Company<\/th>/);
	assert.ok(list.text.includes(htmlEscape(A.company)));
	assert.ok(list.text.includes(htmlEscape(B.company)));
	const onlyA = await c.get(`/api/departments?admin_id=${A.id}&q=${encodeURIComponent(name)}`);
	assert.deepEqual(onlyA.json.data.items.map((x) => x.id), [id]);
	const both = await c.get(`/api/departments?q=${encodeURIComponent(name)}`);
	assert.equal(both.json.data.items.length, 2);
	for (const s of ['name', 'created', 'agents'])
		for (const dir of ['asc', 'desc']) {
			const x = await c.get(`/api/departments?sort=${s}&dir=${dir}&limit=5`);
			assert.equal(x.status, 200, `${s} ${dir}: ${x.text}`);
		}
	assertEnvelope(await c.get(`/api/departments?admin_id=${superId}`), 404);

	// The super admin's edit page shows the admin, not a picker.
	const edit = await sa.get(`/departments/${id}/edit`);
	assert.equal(edit.status, 200);
	assert.doesNotMatch(edit.text, /<select[^>]*name="admin_id"/);
	assert.ok(edit.text.includes(htmlEscape(A.company)));

	// A deactivate by the super admin is audited in the admin's tenant.
	const off = await c.request('POST', `/api/departments/${id}/deactivate`);
	assert.equal(off.status, 200);
	assert.deepEqual(auditActions(id).map((x) => x.join(':')), [
		`create:${A.tenant}`,
		`update:${A.tenant}`,
		`deactivate:${A.tenant}`,
	]);
});

// --- agents: refused everywhere, counted everywhere ------------------------

test('an agent gets 403 on every route, HTML and JSON, and nothing changes', async () => {
	const d = await create(A.token, { name: `Guarded ${rand(6)}` });
	const email = uniqueEmail('agent');
	sqlUser(A.tenant, 'agent', email);
	const pw = await setPasswordByMail(email);
	const token = await apiToken(email, pw);
	const c = api(token);
	const b = await signedIn(email, pw);
	const home = await b.get('/');
	assert.equal(home.status, 200);
	const csrf = home.csrf;

	const json = [
		() => c.get('/api/departments'),
		() => c.postJSON('/api/departments', { name: 'Agent made' }),
		() => c.get(`/api/departments/${d.id}`),
		() => c.putJSON(`/api/departments/${d.id}`, { name: 'Agent renamed' }),
		() => c.request('POST', `/api/departments/${d.id}/activate`),
		() => c.request('POST', `/api/departments/${d.id}/deactivate`),
	];
	for (const call of json) assertEnvelope(await call(), 403, { code: 'forbidden' });
	const html = [
		() => b.get('/departments'),
		() => b.get('/departments/new'),
		() => b.get(`/departments/${d.id}`),
		() => b.get(`/departments/${d.id}/edit`),
		() => b.postForm('/departments', { csrf, name: 'Agent made' }),
		() => b.postForm(`/departments/${d.id}`, { csrf, name: 'Agent renamed' }),
		() => b.postForm(`/departments/${d.id}/activate`, { csrf }),
		() => b.postForm(`/departments/${d.id}/deactivate`, { csrf }),
	];
	for (const call of html) {
		const r = await call();
		assert.equal(r.status, 403, r.text.slice(0, 200));
		assert.match(r.headers.get('content-type'), /text\/html/);
	}
	const g = await api(A.token).get(`/api/departments/${d.id}`);
	assert.equal(g.json.data.name, d.name);
	assert.equal(g.json.data.active, true);
	assert.equal(Number(sql(`SELECT COUNT(*) FROM departments WHERE name LIKE 'Agent %' AND tenant_id = ${A.tenant}`)[0][0]), 0);
	assert.deepEqual(auditActions(d.id).map((x) => x[0]), ['create']);
});

test('agent_count counts department_agents; the page lists them; sorting by agents ranks', async () => {
	const a = await newAdmin();
	const tag = rand(5);
	const none = await create(a.token, { name: `${tag} none` });
	const two = await create(a.token, { name: `${tag} two` });
	const three = await create(a.token, { name: `${tag} three` });
	const users = [];
	for (let i = 0; i < 3; i++) users.push(sqlUser(a.tenant, 'agent', uniqueEmail('da'), `Ag${i}`, `Zed${i}`));
	const add = (dept, user, sup = 0) =>
		sql(
			`INSERT INTO department_agents (tenant_id, department_id, user_id, supervisor)` +
				` VALUES (${a.tenant}, ${dept}, ${user}, ${sup})`,
		);
	add(two.id, users[0], 1);
	add(two.id, users[1]);
	add(three.id, users[0]);
	add(three.id, users[1]);
	add(three.id, users[2], 1);

	const c = api(a.token);
	const list = await c.get(`/api/departments?q=${tag}&sort=agents&dir=desc`);
	assert.equal(list.status, 200, list.text);
	assert.deepEqual(
		list.json.data.items.map((x) => [x.id, x.agent_count]),
		[[three.id, 3], [two.id, 2], [none.id, 0]],
	);
	const asc = await c.get(`/api/departments?q=${tag}&sort=agents`);
	assert.deepEqual(asc.json.data.items.map((x) => x.agent_count), [0, 2, 3]);

	const g = await c.get(`/api/departments/${two.id}`);
	assert.equal(g.json.data.agent_count, 2);
	assert.deepEqual(
		g.json.data.agents.map((x) => [x.id, x.supervisor]),
		[[users[0], true], [users[1], false]],
	);
	assert.ok(g.json.data.agents[0].email.includes('@'));

	const b = await signedIn(a.email, a.password);
	const page = await b.get(`/departments/${two.id}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes('Ag0 Zed0') && page.text.includes('Ag1 Zed1'));
	assert.match(page.text, /dept-status-on">Yes</);
	assert.match(page.text, /dept-none">No</);
	const html = await b.get(`/departments?q=${tag}&sort=agents&dir=desc`);
	assert.match(html.text, /<td class="dept-num">3<\/td>/);

	// Deactivating keeps the count.
	const off = await c.request('POST', `/api/departments/${none.id}/deactivate`);
	assert.equal(off.status, 200);
	assert.equal(off.json.data.agent_count, 0);
});
