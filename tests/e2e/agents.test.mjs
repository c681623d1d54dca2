// agents.test.mjs: agents and supervisors (spec 1.5, 2.4, issue 3): an admin
// creates agents in its own departments, the super admin picks the admin
// first (two steps, no JavaScript); the invitation link sets the password;
// e-mail unique and never editable; every bad field named; supervisors keep
// users.role in sync; blocking refuses the agent's sessions and sign-in;
// another tenant's agents and departments are answered as missing ones;
// agents refused; every write audited.
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

/** A department of tenant made with SQL; returns its id. */
function sqlDept(tenant, name, active = 1) {
	sql(`INSERT INTO departments (tenant_id, name, active) VALUES (${tenant}, '${name}', ${active})`);
	return Number(sql(`SELECT id FROM departments WHERE tenant_id = ${tenant} AND name = '${name}'`)[0][0]);
}

/** An admin with its own tenant (company set), two active departments and
 * an inactive one, an API client and a signed-in browser. */
async function newAdmin() {
	const u = await signup();
	const company = `Acme ${rand(6)}`;
	const tenant = Number(sql(`SELECT tenant_id FROM users WHERE id = ${Number(u.id)}`)[0][0]);
	sql(`UPDATE tenants SET company = '${company}' WHERE id = ${tenant}`);
	const depts = {
		sales: sqlDept(tenant, `Sales ${rand(4)}`),
		support: sqlDept(tenant, `Support ${rand(4)}`),
		closed: sqlDept(tenant, `Closed ${rand(4)}`, 0),
	};
	const api = new Client();
	api.bearer = await apiToken(u.email, u.password);
	const web = await signedIn(u.email, u.password);
	return { ...u, tenant, company, depts, api, web };
}

function agentFields(depts, extra = {}) {
	return {
		first_name: 'Agnes',
		last_name: `Agent${rand(5)}`,
		email: uniqueEmail('agent'),
		phone: '+44 20 7946 0958',
		department_ids: depts,
		...extra,
	};
}

/** A form body with repeated keys for lists. */
function formPairs(fields) {
	const pairs = [];
	for (const [k, v] of Object.entries(fields)) {
		if (Array.isArray(v)) for (const x of v) pairs.push([k, String(x)]);
		else pairs.push([k, String(v)]);
	}
	return pairs;
}

function userCount(email) {
	return Number(sql(`SELECT COUNT(*) FROM users WHERE email = '${email}'`)[0][0]);
}

function roleOf(id) {
	return sql(`SELECT role FROM users WHERE id = ${Number(id)}`)[0][0];
}

/** Set the password through the invitation e-mail's link; returns it. */
async function acceptInvite(email) {
	const mail = await waitForMail(email, { subject: 'Your Parley account' });
	const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
	assert.ok(link, `an invitation link in: ${mail.text}`);
	const c = new Client();
	const form = await c.get(pathOf(link));
	assert.equal(form.status, 200);
	const pw = newPassword();
	const r = await c.postForm('/password/reset', {
		csrf: form.csrf,
		token: inputValue(form.text, 'token'),
		password: pw,
		password_confirm: pw,
	});
	assert.equal(r.status, 303, r.text.slice(0, 300));
	return { pw, mail };
}

let A, B, superWeb, superApi;

before(async () => {
	[A, B] = await Promise.all([newAdmin(), newAdmin()]);
	superWeb = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	superApi = new Client();
	superApi.bearer = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
});

// --- creating ----------------------------------------------------------------

test('an admin creates an agent through the API in two departments; the invitation sets the password', async () => {
	const f = agentFields([A.depts.sales, A.depts.support]);
	const r = await A.api.postJSON('/api/agents', f);
	assert.equal(r.status, 201, r.text);
	const a = r.json.data;
	assert.equal(a.email, f.email);
	assert.equal(a.first_name, 'Agnes');
	assert.equal(a.last_name, f.last_name);
	assert.equal(a.phone, f.phone);
	assert.equal(a.admin_id, A.id);
	assert.equal(a.company, A.company);
	assert.equal(a.blocked, false);
	assert.equal(a.role, 'agent');
	assert.deepEqual([...a.department_ids].sort(), [A.depts.sales, A.depts.support].sort());
	assert.deepEqual(a.supervisor_of, []);
	assert.equal(a.departments.length, 2);
	assert.ok(a.departments.every((d) => typeof d.name === 'string' && d.name.length));
	assert.match(a.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(sql(`SELECT phone_e164 FROM users WHERE id = ${a.id}`)[0][0], '+442079460958');
	assert.equal(Number(sql(`SELECT COUNT(*) FROM department_agents WHERE user_id = ${a.id} AND tenant_id = ${A.tenant}`)[0][0]), 2);

	// The invitation: a single-use link that sets the password.
	const { pw, mail } = await acceptInvite(f.email);
	assert.match(mail.text, new RegExp(f.email.replace(/[.+]/g, '\\$&')));
	const agent = await signedIn(f.email, pw);
	const me = await agent.get('/api/auth/me');
	assert.equal(me.json.data.email ?? me.json.data.user?.email, f.email);
	const again = await new Client().get(pathOf(extractLink(mail.text, `${BASE_URL}/password/reset?token=`)));
	assert.ok(!again.text.includes('name="password_confirm"'), 'the link works once');

	// GET answers the same object.
	const g = await A.api.get(`/api/agents/${a.id}`);
	assert.equal(g.status, 200);
	assert.deepEqual(g.json.data, a);
});

test('an admin creates an agent through the HTML form with repeated department_ids', async () => {
	const page = await A.web.get('/agents/new');
	assert.equal(page.status, 200);
	assert.match(page.text, new RegExp(`name="department_ids" value="${A.depts.sales}"`));
	assert.match(page.text, new RegExp(`name="department_ids" value="${A.depts.support}"`));
	assert.doesNotMatch(page.text, new RegExp(`value="${A.depts.closed}"`), 'inactive departments are not offered');
	assert.doesNotMatch(page.text, new RegExp(`value="${B.depts.sales}"`), 'another tenant\'s departments are not offered');
	assert.doesNotMatch(page.text, /<select id="admin_id"/, 'an admin does not pick an admin');

	const f = agentFields([A.depts.sales, A.depts.support], { supervisor_of: [A.depts.support] });
	const r = await A.web.postForm('/agents', formPairs({ csrf: page.csrf, ...f }));
	assert.equal(r.status, 303, fieldError(r.text, 'department_ids') || r.text.slice(0, 400));
	const id = Number(/^\/agents\/(\d+)$/.exec(r.location)[1]);
	const show = await A.web.get(r.location);
	assert.equal(show.status, 200);
	assert.equal(flashOf(show.text), 'Saved.');
	assert.match(show.text, new RegExp(f.last_name));
	const g = await A.api.get(`/api/agents/${id}`);
	assert.deepEqual([...g.json.data.department_ids].sort(), [A.depts.sales, A.depts.support].sort());
	assert.deepEqual(g.json.data.supervisor_of, [A.depts.support]);
	assert.equal(roleOf(id), 'supervisor');
	await waitForMail(f.email, { subject: 'Your Parley account' });
});

test('the super admin picks the admin first, then its departments, without JavaScript', async () => {
	const step1 = await superWeb.get('/agents/new');
	assert.equal(step1.status, 200);
	assert.match(step1.text, /<form class="form" method="get" action="\/agents\/new">/);
	assert.match(step1.text, /<select id="admin_id" name="admin_id" required/);
	assert.match(step1.text, /<option value="\d+"/);
	assert.match(step1.text, />Continue</);
	assert.doesNotMatch(step1.text, /name="department_ids"/, 'no departments before an admin is chosen');

	const step2 = await superWeb.get(`/agents/new?admin_id=${A.id}`);
	assert.equal(step2.status, 200);
	assert.match(step2.text, new RegExp(`name="department_ids" value="${A.depts.sales}"`));
	assert.match(step2.text, new RegExp(`name="department_ids" value="${A.depts.support}"`));
	assert.doesNotMatch(step2.text, new RegExp(`value="${B.depts.sales}"`), 'only the chosen admin\'s departments');
	assert.doesNotMatch(step2.text, new RegExp(`value="${B.depts.support}"`));
	assert.equal(inputValue(step2.text, 'admin_id'), String(A.id));
	assert.match(step2.text, new RegExp(A.company));

	// The JSON twin of the form.
	const j = await superApi.get(`/api/agents/new?admin_id=${B.id}`);
	assert.equal(j.status, 200);
	assert.deepEqual(j.json.data.departments.map((d) => d.id).sort(), [B.depts.sales, B.depts.support].sort());

	// Not an admin, or no such user: 404.
	const agentId = (await A.api.postJSON('/api/agents', agentFields([A.depts.sales]))).json.data.id;
	for (const bad of [agentId, 999999999, 'x']) {
		const r = await superWeb.get(`/agents/new?admin_id=${bad}`);
		assert.equal(r.status, 404, `admin_id=${bad}`);
	}

	const f = agentFields([A.depts.support]);
	const r = await superWeb.postForm('/agents', formPairs({ csrf: step2.csrf, admin_id: A.id, ...f }));
	assert.equal(r.status, 303, r.text.slice(0, 400));
	const id = Number(/^\/agents\/(\d+)$/.exec(r.location)[1]);
	assert.equal(Number(sql(`SELECT tenant_id FROM users WHERE id = ${id}`)[0][0]), A.tenant);

	// The super admin must name the admin; the API too.
	const none = await superApi.postJSON('/api/agents', agentFields([A.depts.sales]));
	assertEnvelope(none, 400, { field: 'admin_id' });
	const notAdmin = await superApi.postJSON('/api/agents', { admin_id: agentId, ...agentFields([A.depts.sales]) });
	assertEnvelope(notAdmin, 404, { field: 'admin_id' });
	// A department of another admin than the one named: 404.
	const cross = await superApi.postJSON('/api/agents', { admin_id: A.id, ...agentFields([B.depts.sales]) });
	assertEnvelope(cross, 404, { field: 'department_ids' });
	const ok = await superApi.postJSON('/api/agents', { admin_id: B.id, ...agentFields([B.depts.sales]) });
	assert.equal(ok.status, 201, ok.text);
	assert.equal(ok.json.data.admin_id, B.id);
});

test('a duplicate e-mail is 409 naming email, and the form keeps what was typed', async () => {
	const f = agentFields([A.depts.sales]);
	assert.equal((await A.api.postJSON('/api/agents', f)).status, 201);
	const dup = await A.api.postJSON('/api/agents', { ...f, email: f.email.toUpperCase(), last_name: 'Other' });
	assertEnvelope(dup, 409, { field: 'email' });
	// Also against an admin's address.
	assertEnvelope(await A.api.postJSON('/api/agents', { ...f, email: B.email }), 409, { field: 'email' });
	const page = await A.web.get('/agents/new');
	const r = await A.web.postForm('/agents', formPairs({ csrf: page.csrf, ...f, last_name: 'Typed' }));
	assert.equal(r.status, 409);
	assert.match(fieldError(r.text, 'email'), /already exists/);
	assert.equal(inputValue(r.text, 'last_name'), 'Typed');
	assert.match(r.text, new RegExp(`name="department_ids" value="${A.depts.sales}"[^>]*checked`));
	assert.equal(userCount(f.email), 1);
});

test('every bad field is named and nothing is written', async () => {
	const cases = [
		[{ department_ids: [] }, 400, 'department_ids'],
		[{ department_ids: undefined }, 400, 'department_ids'],
		[{ department_ids: 'x' }, 400, 'department_ids'],
		[{ department_ids: ['1'] }, 400, 'department_ids'],
		[{ department_ids: [B.depts.sales] }, 404, 'department_ids'],
		[{ department_ids: [999999999] }, 404, 'department_ids'],
		[{ department_ids: [A.depts.closed] }, 404, 'department_ids'],
		[{ department_ids: [A.depts.sales], supervisor_of: [A.depts.support] }, 400, 'supervisor_of'],
		[{ phone: '12' }, 400, 'phone'],
		[{ phone: '' }, 400, 'phone'],
		[{ phone: undefined }, 400, 'phone'],
		[{ email: 'not-an-email' }, 400, 'email'],
		[{ first_name: '' }, 400, 'first_name'],
		[{ last_name: 'x'.repeat(81) }, 400, 'last_name'],
		[{ role: 'admin' }, 400, 'role'],
		[{ tenant_id: B.tenant }, 400, 'tenant_id'],
		[{ blocked: true }, 400, 'blocked'],
	];
	for (const [change, status, field] of cases) {
		const f = agentFields([A.depts.sales], change);
		for (const k of Object.keys(change)) if (change[k] === undefined) delete f[k];
		const r = await A.api.postJSON('/api/agents', f);
		assertEnvelope(r, status, { field });
		if (f.email) assert.equal(userCount(f.email), 0, `${JSON.stringify(change)} wrote nothing`);
	}
	// Another tenant's department id answers exactly as a missing one.
	const other = await A.api.postJSON('/api/agents', agentFields([B.depts.sales]));
	const missing = await A.api.postJSON('/api/agents', agentFields([999999999]));
	assert.deepEqual(other.json, missing.json);

	// Forms name the field beside it.
	const page = await A.web.get('/agents/new');
	const f = agentFields([], { phone: 'abc' });
	const r = await A.web.postForm('/agents', formPairs({ csrf: page.csrf, ...f }));
	assert.equal(r.status, 400);
	assert.ok(fieldError(r.text, 'department_ids'));
	assert.ok(fieldError(r.text, 'phone'));
	assert.equal(inputValue(r.text, 'email'), f.email);
	const sup = await A.web.postForm('/agents', formPairs({ csrf: page.csrf, ...agentFields([A.depts.sales], { supervisor_of: [A.depts.support] }) }));
	assert.equal(sup.status, 400);
	assert.ok(fieldError(sup.text, 'supervisor_of'));
	assert.match(sup.text, new RegExp(`name="supervisor_of" value="${A.depts.support}"[^>]*checked`));
});

test('updating: names, phone, departments and supervision; the e-mail never changes', async () => {
	const f = agentFields([A.depts.sales]);
	const a = (await A.api.postJSON('/api/agents', f)).json.data;
	assert.equal(roleOf(a.id), 'agent');

	// Supervisor of a department makes the role 'supervisor'.
	let r = await A.api.putJSON(`/api/agents/${a.id}`, { department_ids: [A.depts.sales, A.depts.support], supervisor_of: [A.depts.support] });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.data.supervisor_of, [A.depts.support]);
	assert.equal(r.json.data.role, 'supervisor');
	assert.equal(roleOf(a.id), 'supervisor');
	const g = await A.api.get(`/api/agents/${a.id}`);
	assert.deepEqual(g.json.data.supervisor_of, [A.depts.support]);
	assert.equal(g.json.data.first_name, f.first_name, 'JSON keeps what it does not send');

	// Leaving the department ends its supervision, and the role follows.
	r = await A.api.putJSON(`/api/agents/${a.id}`, { department_ids: [A.depts.sales] });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.data.supervisor_of, []);
	assert.equal(roleOf(a.id), 'agent');

	// The e-mail in the body is refused, naming it; so are unknown fields.
	assertEnvelope(await A.api.putJSON(`/api/agents/${a.id}`, { email: 'new@example.com' }), 400, { field: 'email' });
	assertEnvelope(await A.api.putJSON(`/api/agents/${a.id}`, { role: 'admin' }), 400, { field: 'role' });
	assertEnvelope(await A.api.putJSON(`/api/agents/${a.id}`, { phone: 'nope' }), 400, { field: 'phone' });
	assertEnvelope(await A.api.putJSON(`/api/agents/${a.id}`, { department_ids: [B.depts.sales] }), 404, { field: 'department_ids' });
	assertEnvelope(await A.api.putJSON(`/api/agents/${a.id}`, { supervisor_of: [A.depts.support] }), 400, { field: 'supervisor_of' });
	assert.equal(sql(`SELECT email FROM users WHERE id = ${a.id}`)[0][0], f.email);

	// The HTML edit form: prefilled, saves, and marks the supervisor.
	const edit = await A.web.get(`/agents/${a.id}/edit`);
	assert.equal(edit.status, 200);
	assert.equal(inputValue(edit.text, 'first_name'), f.first_name);
	assert.equal(inputValue(edit.text, 'phone'), f.phone);
	assert.equal(inputValue(edit.text, 'email'), undefined, 'no e-mail input when editing');
	assert.match(edit.text, new RegExp(`name="department_ids" value="${A.depts.sales}"[^>]*checked`));
	const s = await A.web.postForm(
		`/agents/${a.id}`,
		formPairs({ csrf: edit.csrf, first_name: 'Renamed', last_name: f.last_name, phone: '(212) 555-0100', department_ids: [A.depts.support], supervisor_of: [A.depts.support] }),
	);
	assert.equal(s.status, 303, s.text.slice(0, 400));
	const after = (await A.api.get(`/api/agents/${a.id}`)).json.data;
	assert.equal(after.first_name, 'Renamed');
	assert.deepEqual(after.department_ids, [A.depts.support]);
	assert.deepEqual(after.supervisor_of, [A.depts.support]);
	assert.equal(sql(`SELECT phone_e164 FROM users WHERE id = ${a.id}`)[0][0], '+12125550100');
	assert.equal(roleOf(a.id), 'supervisor');
	// A form with the e-mail is refused too.
	const e = await A.web.postForm(`/agents/${a.id}`, formPairs({ csrf: edit.csrf, email: 'x@example.com', first_name: 'A', last_name: 'B', phone: f.phone, department_ids: [A.depts.sales] }));
	assert.equal(e.status, 400);
	assert.match(fieldError(e.text, 'email'), /cannot be changed/);
});

test('blocking refuses the agent\'s sessions and sign-in; unblocking restores them', async () => {
	const f = agentFields([A.depts.sales]);
	const a = (await A.api.postJSON('/api/agents', f)).json.data;
	const { pw } = await acceptInvite(f.email);
	const browser = await signedIn(f.email, pw);
	const token = await apiToken(f.email, pw);
	assert.equal((await browser.get('/')).status, 200);

	const list = await A.web.get('/agents');
	const r = await A.web.postForm(`/agents/${a.id}/block`, { csrf: list.csrf, from: 'list' });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/agents');
	assert.equal(sql(`SELECT blocked FROM users WHERE id = ${a.id}`)[0][0], '1');
	assert.equal((await A.api.get(`/api/agents/${a.id}`)).json.data.blocked, true);

	const page = await browser.get('/profile');
	assert.equal(page.status, 303);
	assert.match(page.location, /^\/login/);
	const j = await new Client().get('/api/profile', { bearer: token });
	assert.equal(j.status, 401);
	const login = await new Client().postJSON('/api/auth/login', { email: f.email, password: pw });
	assert.notEqual(login.status, 200);
	assert.equal(login.json.success, false);

	const u = await A.api.postJSON(`/api/agents/${a.id}/unblock`, {});
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.data.blocked, false);
	const again = await signedIn(f.email, pw);
	assert.equal((await again.get('/profile')).status, 200);
	// The JSON twin of block, and extra fields refused.
	assertEnvelope(await A.api.postJSON(`/api/agents/${a.id}/block`, { why: 'x' }), 400, { field: 'why' });
	const b = await A.api.postJSON(`/api/agents/${a.id}/block`, {});
	assert.equal(b.json.data.blocked, true);
	assert.equal((await again.get('/profile')).status, 303);
});

test('tenant isolation: another tenant\'s agent is a missing one, in paths and bodies', async () => {
	const a = (await A.api.postJSON('/api/agents', agentFields([A.depts.sales]))).json.data;
	const before = sql(`SELECT first_name, blocked, role FROM users WHERE id = ${a.id}`)[0];
	for (const [who, other] of [[B, a.id]]) {
		const missing = await who.api.get('/api/agents/999999999');
		const g = await who.api.get(`/api/agents/${other}`);
		assertEnvelope(g, 404);
		assert.deepEqual(g.json, missing.json);
		assertEnvelope(await who.api.putJSON(`/api/agents/${other}`, { first_name: 'Hacked' }), 404);
		assertEnvelope(await who.api.postJSON(`/api/agents/${other}/block`, {}), 404);
		assertEnvelope(await who.api.get(`/api/agents/${other}/edit`), 404);
		assert.equal((await who.web.get(`/agents/${other}`)).status, 404);
		assert.equal((await who.web.get(`/agents/${other}/edit`)).status, 404);
		const page = await who.web.get('/agents');
		assert.equal((await who.web.postForm(`/agents/${other}/block`, { csrf: page.csrf })).status, 404);
		const list = await who.api.get('/api/agents?limit=100');
		assert.ok(!list.json.data.items.some((x) => x.id === other));
	}
	assert.deepEqual(sql(`SELECT first_name, blocked, role FROM users WHERE id = ${a.id}`)[0], before);
	// In the body: A's department or A's admin id from B.
	assertEnvelope(await B.api.postJSON('/api/agents', agentFields([A.depts.sales])), 404, { field: 'department_ids' });
	assertEnvelope(await B.api.postJSON('/api/agents', { admin_id: A.id, ...agentFields([B.depts.sales]) }), 404, { field: 'admin_id' });
	const bAgent = (await B.api.postJSON('/api/agents', agentFields([B.depts.sales]))).json.data;
	assertEnvelope(await B.api.putJSON(`/api/agents/${bAgent.id}`, { department_ids: [B.depts.sales, A.depts.support] }), 404, { field: 'department_ids' });
	// And the other way round.
	assertEnvelope(await A.api.get(`/api/agents/${bAgent.id}`), 404);
	assert.equal((await B.web.get(`/agents/new?admin_id=${A.id}`)).status, 404);
	// An admin is not an agent: its id is not found either.
	assertEnvelope(await A.api.get(`/api/agents/${A.id}`), 404);
});

test('agents and supervisors are refused every route, and nothing changes', async () => {
	const f = agentFields([A.depts.sales], { supervisor_of: [A.depts.sales] });
	const a = (await A.api.postJSON('/api/agents', f)).json.data;
	const { pw } = await acceptInvite(f.email);
	const web = await signedIn(f.email, pw);
	const api = new Client();
	api.bearer = await apiToken(f.email, pw);
	const home = await web.get('/');
	const n = Number(sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${A.tenant}`)[0][0]);
	const g = agentFields([A.depts.sales]);
	assert.equal((await web.postForm('/agents', formPairs({ csrf: home.csrf, ...g }))).status, 403);
	assertEnvelope(await api.postJSON('/api/agents', g), 403);
	assert.equal((await web.get('/agents')).status, 403);
	assertEnvelope(await api.get('/api/agents'), 403);
	assertEnvelope(await api.get(`/api/agents/${a.id}`), 403);
	assertEnvelope(await api.putJSON(`/api/agents/${a.id}`, { first_name: 'Self' }), 403);
	assertEnvelope(await api.postJSON(`/api/agents/${a.id}/block`, {}), 403);
	assert.equal((await web.postForm(`/agents/${a.id}/block`, { csrf: home.csrf })).status, 403);
	assert.equal(Number(sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${A.tenant}`)[0][0]), n);
	assert.equal(userCount(g.email), 0);
	assert.equal(sql(`SELECT blocked FROM users WHERE id = ${a.id}`)[0][0], '0');
});

test('the list: search by prefix, sort, pages, the super admin\'s filter, and actions as POST forms', async () => {
	const tag = `Zq${rand(6)}`;
	const made = [];
	for (const i of [3, 1, 2]) {
		const r = await A.api.postJSON('/api/agents', agentFields([A.depts.sales], { last_name: `${tag}${i}`, email: uniqueEmail(`l${i}`) }));
		made.push(r.json.data);
	}
	const asc = await A.api.get(`/api/agents?q=${tag}&sort=name`);
	assert.equal(asc.status, 200);
	assert.deepEqual(asc.json.data.items.map((x) => x.last_name), [`${tag}1`, `${tag}2`, `${tag}3`]);
	const desc = await A.api.get(`/api/agents?q=${tag.toLowerCase()}&sort=name&dir=desc`);
	assert.deepEqual(desc.json.data.items.map((x) => x.last_name), [`${tag}3`, `${tag}2`, `${tag}1`]);
	const byEmail = await A.api.get(`/api/agents?q=${encodeURIComponent(made[0].email.slice(0, 12))}&sort=email`);
	assert.ok(byEmail.json.data.items.some((x) => x.id === made[0].id));
	const created = await A.api.get(`/api/agents?q=${tag}&sort=created&dir=desc`);
	assert.equal(created.json.data.items[0].id, made[2].id);
	const p1 = await A.api.get(`/api/agents?q=${tag}&limit=2`);
	assert.equal(p1.json.data.items.length, 2);
	assert.ok(p1.json.data.next);
	const p2 = await A.api.get(`/api/agents?q=${tag}&limit=2&next=${p1.json.data.next}`);
	assert.deepEqual(p2.json.data.items.map((x) => x.last_name), [`${tag}3`]);
	assert.equal(p2.json.data.next, null);
	// LIKE metacharacters are literal.
	assert.equal((await A.api.get('/api/agents?q=%25')).json.data.items.length, 0);
	assertEnvelope(await A.api.get('/api/agents?sort=password'), 400, { field: 'sort' });

	// The HTML page: columns, sort links, search box, POST actions with csrf.
	const page = await A.web.get(`/agents?q=${tag}`);
	assert.equal(page.status, 200);
	for (const h of ['First name', 'Last name', 'Company', 'E-mail', 'Phone', 'Departments', 'Supervisor of', 'Status'])
		assert.match(page.text, new RegExp(`>${h}`));
	assert.match(page.text, /<input id="q" name="q" type="search"/);
	assert.match(page.text, /href="\/agents\?sort=email&amp;dir=asc&amp;q=/);
	assert.match(page.text, new RegExp(`<form method="post" action="/agents/${made[0].id}/block">\\s*<input type="hidden" name="csrf"`));
	assert.match(page.text, new RegExp(`<form method="post" action="/emulate">\\s*<input type="hidden" name="csrf" value="[^"]+">\\s*<input type="hidden" name="user_id" value="${made[0].id}">`));
	assert.match(page.text, new RegExp(A.company));

	// The super admin sees every tenant, or one admin's with ?admin_id=.
	const all = await superApi.get(`/api/agents?q=${tag}`);
	assert.equal(all.json.data.items.length, 3);
	const onlyB = await superApi.get(`/api/agents?q=${tag}&admin_id=${B.id}`);
	assert.equal(onlyB.json.data.items.length, 0);
	const onlyA = await superApi.get(`/api/agents?q=${tag}&admin_id=${A.id}`);
	assert.equal(onlyA.json.data.items.length, 3);
	assertEnvelope(await A.api.get(`/api/agents?admin_id=${B.id}`), 404);
	const sp = await superWeb.get(`/agents?admin_id=${A.id}`);
	assert.equal(sp.status, 200);
	assert.match(sp.text, new RegExp(`<option value="${A.id}" selected`));

	// Act as: the admin emulates its agent through the list's form.
	const act = await A.web.clone().postForm('/emulate', { csrf: page.csrf, user_id: made[0].id });
	assert.equal(act.status, 303, act.text.slice(0, 300));
});

test('every write is audited', async () => {
	const a = (await A.api.postJSON('/api/agents', agentFields([A.depts.sales]))).json.data;
	await A.api.putJSON(`/api/agents/${a.id}`, { first_name: 'Audited' });
	await A.api.postJSON(`/api/agents/${a.id}/block`, {});
	await A.api.postJSON(`/api/agents/${a.id}/unblock`, {});
	const r = await A.api.get('/api/audit?limit=100');
	assert.equal(r.status, 200, r.text);
	const mine = r.json.data.items.filter((e) => e.target_type === 'agent' && e.target_id === a.id);
	assert.deepEqual(mine.map((e) => e.action).sort(), ['block', 'create', 'unblock', 'update']);
	assert.ok(mine.every((e) => e.actor_id === A.id && e.tenant_id === A.tenant));
	// The other tenant does not see them.
	const other = await B.api.get('/api/audit?limit=100');
	assert.ok(!other.json.data.items.some((e) => e.target_type === 'agent' && e.target_id === a.id));
});
