// contacts.test.mjs: the contact lists (spec 1.9, 2.9, 3.5): an agent adds,
// sees, edits its own contacts and their (empty) chat history; bad input is
// named and changes nothing; a known e-mail associates the existing contact,
// and the agent sees only its own card of it (what it typed: never another
// agent's fields nor who else holds the contact); the super admin and an
// admin pick an agent first and see the company record; other tenants and
// other agents get 404; every write is audited.
//
// The agents resource is written in parallel, so the agents here are made
// with root SQL and get their passwords through the real forgot-password
// flow.
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

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** An agent of admin's tenant, with a password set through the reset link. */
async function makeAgent(adminId, first = 'Agent') {
	const email = uniqueEmail('agent');
	const last = `Contacts${rand(6)}`;
	sql(
		`INSERT INTO users (tenant_id, role, email, first_name, last_name)` +
			` SELECT tenant_id, 'agent', ${q(email)}, ${q(first)}, ${q(last)} FROM users WHERE id = ${Number(adminId)}`,
	);
	const [[id]] = sql(`SELECT id FROM users WHERE email = ${q(email)}`);
	const c = new Client();
	const page = await c.get('/password/forgot');
	const r = await c.postForm('/password/forgot', { csrf: page.csrf, email });
	assert.equal(r.status, 200);
	const mail = await waitForMail(email, { subject: 'Reset your Parley password' });
	const link = extractLink(mail.text, `${BASE_URL}/password/reset?token=`);
	assert.ok(link, 'a reset link');
	const password = newPassword();
	const token = new URL(link).searchParams.get('token');
	const set = await new Client().postJSON('/api/auth/password/reset', { token, password });
	assert.equal(set.status, 200, set.text);
	return { id: Number(id), email, first_name: first, last_name: last, password };
}

/** A signed-in API caller: bearer token. */
async function bearer(email, password) {
	const c = new Client();
	c.bearer = await apiToken(email, password);
	return c;
}

let admin, agentA, agentB, apiA, apiB, webA, apiAdmin, other, apiOther, apiSuper;

before(async () => {
	admin = await signup({ first_name: 'Contact', last_name: `Admin${rand(4)}` });
	[agentA, agentB] = await Promise.all([makeAgent(admin.id, 'Alice'), makeAgent(admin.id, 'Bob')]);
	[apiA, apiB, webA, apiAdmin] = await Promise.all([
		bearer(agentA.email, agentA.password),
		bearer(agentB.email, agentB.password),
		signedIn(agentA.email, agentA.password),
		bearer(admin.email, admin.password),
	]);
	other = await signup({ first_name: 'Other', last_name: `Tenant${rand(4)}` });
	apiOther = await bearer(other.email, other.password);
	apiSuper = await bearer(ADMIN_EMAIL, ADMIN_PASSWORD);
});

function contact(fields = {}) {
	return {
		name: `Carol ${rand(6)}`,
		email: uniqueEmail('contact'),
		phone: `+44 20 7946 ${String(1000 + Math.floor(Math.random() * 8999))}`,
		website: 'https://www.example.com/pricing?plan=pro#top',
		...fields,
	};
}

async function apiCreate(client, fields) {
	const r = await client.postJSON('/api/contacts', fields);
	assert.ok(r.status === 201 || r.status === 200, `create: ${r.status} ${r.text}`);
	return r.json.data;
}

function ids(r) {
	return r.json.data.items.map((c) => c.id);
}

test('an agent adds a contact through the form and sees it', async () => {
	const f = contact({ name: 'Form Contact ' + rand(4) });
	const r = await webA.submit('/contacts/new', '/contacts', f);
	assert.equal(r.status, 303, r.text.slice(0, 300));
	assert.match(r.location, /^\/contacts\/\d+$/);
	const show = await webA.get(r.location);
	assert.equal(show.status, 200);
	assert.equal(flashOf(show.text), 'Saved.');
	assert.ok(show.text.includes(htmlEscape(f.name)));
	assert.ok(show.text.includes(htmlEscape(f.email)));
	assert.ok(show.text.includes('Never'), 'last connected: Never');
	const list = await webA.get('/contacts?q=' + encodeURIComponent(f.name));
	assert.equal(list.status, 200);
	assert.ok(list.text.includes(htmlEscape(f.name)));
	assert.match(list.text, /<form[^>]*role="search"/, 'a search box');
	assert.match(list.text, /href="\/contacts\?sort=email&amp;dir=asc/, 'sortable headers');
});

test('an agent adds a contact through the API; the object has the documented shape', async () => {
	const f = contact();
	const r = await apiA.postJSON('/api/contacts', f);
	assert.equal(r.status, 201, r.text);
	const c = r.json.data;
	// An agent sees its own card: no agent_ids (who else holds it).
	assert.deepEqual(Object.keys(c).sort(), [
		'created_at',
		'email',
		'id',
		'last_connected_at',
		'name',
		'phone',
		'website',
	]);
	assert.equal(c.name, f.name);
	assert.equal(c.email, f.email.toLowerCase());
	assert.equal(c.phone, f.phone);
	assert.equal(c.website, f.website);
	assert.equal(c.last_connected_at, null);
	assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	const g = await apiA.get(`/api/contacts/${c.id}`);
	assert.equal(g.status, 200);
	assert.deepEqual(g.json.data, c);
	// The admin sees the company record, and its owners.
	const ga = await apiAdmin.get(`/api/contacts/${c.id}`);
	assert.equal(ga.status, 200);
	assert.deepEqual(ga.json.data.agent_ids, [agentA.id]);
	assert.equal(ga.json.data.name, f.name);
	// Phone only is enough; e-mail only too.
	const p = await apiA.postJSON('/api/contacts', { name: 'Phone Only', phone: `+1 415 555 ${1000 + Math.floor(Math.random() * 8999)}` });
	assert.equal(p.status, 201, p.text);
	assert.equal(p.json.data.email, '');
	const e = await apiA.postJSON('/api/contacts', { name: 'Mail Only', email: uniqueEmail('mo') });
	assert.equal(e.status, 201, e.text);
	assert.equal(e.json.data.phone, '');
});

test('each agent sees only its own contacts', async () => {
	const a = await apiCreate(apiA, contact({ name: 'Only A ' + rand(4) }));
	const b = await apiCreate(apiB, contact({ name: 'Only B ' + rand(4) }));
	const la = await apiA.get('/api/contacts?limit=100');
	const lb = await apiB.get('/api/contacts?limit=100');
	assert.equal(la.status, 200);
	assert.ok(ids(la).includes(a.id));
	assert.ok(!ids(la).includes(b.id));
	assert.ok(ids(lb).includes(b.id));
	assert.ok(!ids(lb).includes(a.id));
	assert.ok('next' in la.json.data);
	// Searching is a prefix of the name, or of the e-mail when it holds an @.
	const s = await apiA.get('/api/contacts?q=' + encodeURIComponent(a.name.slice(0, 9)));
	assert.ok(ids(s).includes(a.id));
	const s2 = await apiA.get('/api/contacts?q=' + encodeURIComponent(a.email.slice(0, a.email.indexOf('@') + 2)));
	assert.ok(ids(s2).includes(a.id));
});

test('an agent asking for another agent’s contact or list gets 404', async () => {
	const b = await apiCreate(apiB, contact());
	const missing = await apiA.get('/api/contacts/999999999999');
	const r = await apiA.get(`/api/contacts/${b.id}`);
	assertEnvelope(r, 404, { code: 'not_found' });
	assert.deepEqual(r.json, missing.json, 'the same body as a missing id');
	assertEnvelope(await apiA.putJSON(`/api/contacts/${b.id}`, { name: 'Taken', email: uniqueEmail() }), 404);
	assertEnvelope(await apiA.get(`/api/contacts/${b.id}/history`), 404);
	assertEnvelope(await apiA.get(`/api/contacts?agent_id=${agentB.id}`), 404);
	const page = await webA.get(`/contacts/${b.id}`);
	assert.equal(page.status, 404);
	assert.ok(!page.text.includes(htmlEscape(b.name)));
	// An agent may not name an agent in the body.
	assertEnvelope(await apiA.postJSON('/api/contacts', { ...contact(), agent_id: agentB.id }), 400, {
		field: 'agent_id',
	});
	const still = await apiAdmin.get(`/api/contacts/${b.id}`);
	assert.deepEqual(still.json.data.agent_ids, [agentB.id]);
});

test('an agent edits a contact (form and API)', async () => {
	const c = await apiCreate(apiA, contact());
	const edit = await webA.get(`/contacts/${c.id}/edit`);
	assert.equal(edit.status, 200);
	assert.equal(inputValue(edit.text, 'name'), c.name);
	assert.equal(inputValue(edit.text, 'email'), c.email);
	const name = 'Edited ' + rand(5);
	const r = await webA.postForm(`/contacts/${c.id}`, {
		csrf: edit.csrf,
		name,
		email: c.email,
		phone: '',
		website: 'http://shop.example.org:8080/a/b',
	});
	assert.equal(r.status, 303, r.text.slice(0, 400));
	assert.equal(r.location, `/contacts/${c.id}`);
	const g = await apiA.get(`/api/contacts/${c.id}`);
	assert.equal(g.json.data.name, name);
	assert.equal(g.json.data.phone, '');
	assert.equal(g.json.data.website, 'http://shop.example.org:8080/a/b');
	// The list follows the new name (it sorts by it).
	const l = await apiA.get('/api/contacts?q=' + encodeURIComponent(name));
	assert.deepEqual(ids(l), [c.id]);
	const p = await apiA.putJSON(`/api/contacts/${c.id}`, { name: 'Put ' + name, phone: '+1 212 555 0199' });
	assert.equal(p.status, 200, p.text);
	assert.equal(p.json.data.name, 'Put ' + name);
	assert.equal(p.json.data.email, '');
	assert.equal(p.json.data.phone, '+1 212 555 0199');
});

test('chat history: an honest empty state', async () => {
	const c = await apiCreate(apiA, contact());
	const page = await webA.get(`/contacts/${c.id}/history`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes('No chats with this contact yet'));
	const j = await apiA.get(`/api/contacts/${c.id}/history`);
	assert.equal(j.status, 200);
	assert.deepEqual(j.json.data.items, []);
	assert.equal(j.json.data.next, null);
	assert.equal(j.json.data.contact.id, c.id);
});

test('bad input names the field and changes nothing', async () => {
	const tag = 'Bad' + rand(6);
	const cases = [
		[{ email: uniqueEmail() }, 'name'],
		[{ name: tag }, 'email'],
		[{ name: tag, email: 'not-an-address' }, 'email'],
		[{ name: tag, phone: '12ab' }, 'phone'],
		[{ name: tag, email: uniqueEmail(), website: 'javascript:alert(1)' }, 'website'],
		[{ name: tag, email: uniqueEmail(), website: 'https://exa mple.com/' }, 'website'],
		[{ name: tag, email: uniqueEmail(), website: 'https://user@evil.example.com/' }, 'website'],
		[{ name: tag, email: uniqueEmail(), website: 'ftp://example.com/' }, 'website'],
		[{ name: tag, email: uniqueEmail(), website: 'https://' }, 'website'],
		[{ name: tag, email: uniqueEmail(), website: 'https://example.com/' + 'a'.repeat(2040) }, 'website'],
		[{ name: tag + 'x'.repeat(160), email: uniqueEmail() }, 'name'],
		[{ name: tag, email: uniqueEmail(), tenant_id: 1 }, 'tenant_id'],
		[{ name: tag, email: uniqueEmail(), role: 'admin' }, 'role'],
		[{ name: 7, email: uniqueEmail() }, 'name'],
	];
	for (const [body, field] of cases) {
		const r = await apiA.postJSON('/api/contacts', body);
		assertEnvelope(r, 400, { code: 'invalid', field });
	}
	// The form shows the error beside the field and keeps what was typed.
	const page = await webA.get('/contacts/new');
	const r = await webA.postForm('/contacts', { csrf: page.csrf, name: tag, email: 'x@', phone: '', website: 'javascript:alert(1)' });
	assert.equal(r.status, 400);
	assert.match(fieldError(r.text, 'email'), /e-mail/i);
	assert.match(fieldError(r.text, 'website'), /http/);
	assert.equal(inputValue(r.text, 'name'), tag);
	assert.equal(inputValue(r.text, 'website'), 'javascript:alert(1)');
	assert.match(r.text, /id="website"[^>]*aria-invalid="true"/);
	const [[n]] = sql(`SELECT COUNT(*) FROM contacts WHERE name LIKE ${q(tag + '%')}`);
	assert.equal(n, '0', 'nothing was written');
	// A duplicate on the company record is a conflict, also named (an
	// admin's edit; an agent's edits change its own card and never conflict,
	// see the next test).
	const one = await apiCreate(apiA, contact());
	const two = await apiCreate(apiA, contact());
	const d = await apiAdmin.putJSON(`/api/contacts/${two.id}`, { name: two.name, email: one.email.toUpperCase() });
	assertEnvelope(d, 409, { field: 'email' });
	const same = await apiAdmin.get(`/api/contacts/${two.id}`);
	assert.equal(same.json.data.email, two.email);
});

/** The company record of a contact, straight from the database. */
function record(id) {
	const [[name, email, phone, website]] = sql(`SELECT name, email, phone, website FROM contacts WHERE id = ${Number(id)}`);
	return { name, email, phone, website };
}

test('a known e-mail or phone associates the existing contact; the agent sees only what it typed', async () => {
	const c = await apiCreate(apiA, contact());
	const before = record(c.id);
	const typed = { name: 'Someone Else', email: c.email.toUpperCase(), website: 'https://other.example.net/' };
	const r = await apiB.postJSON('/api/contacts', typed);
	// The same answer as for a person new to the company: 201, B's card.
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.data.id, c.id, 'one contact per person');
	assert.deepEqual(r.json.data, {
		id: c.id,
		name: 'Someone Else',
		email: c.email.toLowerCase(),
		phone: '',
		website: 'https://other.example.net/',
		last_connected_at: null,
		created_at: r.json.data.created_at,
	});
	assert.ok(!('agent_ids' in r.json.data), 'no owners shown to an agent');
	assert.ok(!r.text.includes(c.phone) && !r.text.includes(c.name), 'nothing of A’s card');
	const fresh = await apiB.postJSON('/api/contacts', contact());
	assert.equal(fresh.status, 201);
	assert.deepEqual(Object.keys(fresh.json.data).sort(), Object.keys(r.json.data).sort(), 'same shape known or not');
	// Every later read by B is its card: by id, page, list, edit form.
	const g = await apiB.get(`/api/contacts/${c.id}`);
	assert.equal(g.status, 200);
	assert.deepEqual(g.json.data, r.json.data);
	const webB = await signedIn(agentB.email, agentB.password);
	for (const path of [`/contacts/${c.id}`, `/contacts/${c.id}/edit`, `/contacts/${c.id}/history`, '/contacts?limit=100']) {
		const p = await webB.get(path);
		assert.equal(p.status, 200, path);
		assert.ok(!p.text.includes(htmlEscape(c.name)), `A's name in ${path}`);
		assert.ok(!p.text.includes(htmlEscape(c.phone)), `A's phone in ${path}`);
	}
	const lb = await apiB.get('/api/contacts?limit=100&sort=created&dir=desc');
	const item = lb.json.data.items.find((x) => x.id === c.id);
	assert.equal(item.name, 'Someone Else');
	assert.ok(!('agent_ids' in item));
	const h = await apiB.get(`/api/contacts/${c.id}/history`);
	assert.deepEqual(h.json.data.contact, r.json.data);
	// By phone, typed differently (the E.164 form matches).
	const p = await apiCreate(apiA, contact({ email: '', phone: '+1 (646) 555-0' + (100 + Math.floor(Math.random() * 899)) }));
	const digits = p.phone.replace(/[^0-9]/g, '').slice(1);
	const r2 = await apiB.postJSON('/api/contacts', { name: 'Phone Twin', phone: digits });
	assert.equal(r2.status, 201, r2.text);
	assert.equal(r2.json.data.id, p.id);
	assert.equal(r2.json.data.name, 'Phone Twin');
	assert.equal(r2.json.data.phone, digits);
	assert.equal(r2.json.data.website, '', 'not A’s website');
	assert.ok(!('agent_ids' in r2.json.data));
	// Again: B gets its card back unchanged, created = false; no new contact.
	const r3 = await apiB.postJSON('/api/contacts', { name: 'Again', email: c.email, phone: '+1 212 555 0100' });
	assert.equal(r3.status, 200, r3.text);
	assert.deepEqual(r3.json.data, r.json.data);
	const [[n]] = sql(`SELECT COUNT(*) FROM contacts WHERE email = ${q(c.email)}`);
	assert.equal(n, '1');
	assert.deepEqual(record(c.id), before, 'the company record is unchanged');
});

test('an agent’s edit changes its own card only; A’s card and the company record stay; the admin sees both owners', async () => {
	const c = await apiCreate(apiA, contact());
	const before = record(c.id);
	const added = await apiB.postJSON('/api/contacts', { name: 'Bee Card', email: c.email });
	assert.equal(added.status, 201, added.text);
	const other = await apiCreate(apiA, contact());
	// B's edit: its card, even to an address another contact has (no 409:
	// that would tell B the other contact exists).
	const e = await apiB.putJSON(`/api/contacts/${c.id}`, {
		name: 'Bee Edited',
		email: other.email,
		phone: '+33 1 23 45 67 89',
		website: 'https://bee.example.org/',
	});
	assert.equal(e.status, 200, e.text);
	assert.equal(e.json.data.name, 'Bee Edited');
	assert.equal(e.json.data.email, other.email.toLowerCase());
	assert.ok(!('agent_ids' in e.json.data));
	const webB = await signedIn(agentB.email, agentB.password);
	const form = await webB.get(`/contacts/${c.id}/edit`);
	assert.equal(inputValue(form.text, 'name'), 'Bee Edited');
	assert.equal(inputValue(form.text, 'phone'), '+33 1 23 45 67 89');
	// A's card is what A typed.
	const a = await apiA.get(`/api/contacts/${c.id}`);
	assert.deepEqual(a.json.data, c);
	assert.deepEqual((await apiA.get(`/api/contacts/${other.id}`)).json.data, other);
	// The company record is unchanged; the admin sees it and both owners.
	assert.deepEqual(record(c.id), before);
	const ad = await apiAdmin.get(`/api/contacts/${c.id}`);
	assert.equal(ad.status, 200);
	assert.equal(ad.json.data.name, c.name);
	assert.equal(ad.json.data.email, c.email.toLowerCase());
	assert.equal(ad.json.data.phone, c.phone);
	assert.deepEqual(ad.json.data.agent_ids, [agentA.id, agentB.id].sort((x, y) => x - y));
	const sup = await apiSuper.get(`/api/contacts/${c.id}`);
	assert.deepEqual(sup.json.data.agent_ids, ad.json.data.agent_ids);
	// An admin's edit changes the record, not the agents' cards.
	const put = await apiAdmin.putJSON(`/api/contacts/${c.id}`, { name: 'Company Name', email: c.email, phone: c.phone });
	assert.equal(put.status, 200, put.text);
	assert.equal(record(c.id).name, 'Company Name');
	assert.equal((await apiA.get(`/api/contacts/${c.id}`)).json.data.name, c.name);
	assert.equal((await apiB.get(`/api/contacts/${c.id}`)).json.data.name, 'Bee Edited');
});

test('an admin picks an agent, then sees, views and edits that agent’s contacts', async () => {
	const c = await apiCreate(apiA, contact({ name: 'Picked ' + rand(4) }));
	const web = await signedIn(admin.email, admin.password);
	const picker = await web.get('/contacts');
	assert.equal(picker.status, 200);
	assert.ok(picker.text.includes(htmlEscape(agentA.email)));
	assert.ok(picker.text.includes(htmlEscape(agentB.email)));
	assert.ok(picker.text.includes(`href="/contacts?agent_id=${agentA.id}"`));
	assert.ok(picker.text.includes('View contact list'));
	const pj = await apiAdmin.get('/api/contacts?q=' + encodeURIComponent(agentA.last_name));
	assert.deepEqual(ids(pj), [agentA.id]);
	assert.deepEqual(Object.keys(pj.json.data.items[0]).sort(), ['company', 'email', 'first_name', 'id', 'last_name']);
	const list = await web.get(`/contacts?agent_id=${agentA.id}`);
	assert.equal(list.status, 200);
	assert.ok(list.text.includes(htmlEscape(c.name)));
	assert.ok(list.text.includes(htmlEscape(agentA.last_name)));
	const lj = await apiAdmin.get(`/api/contacts?agent_id=${agentA.id}&limit=100`);
	assert.ok(ids(lj).includes(c.id));
	const lbj = await apiAdmin.get(`/api/contacts?agent_id=${agentB.id}&limit=100`);
	assert.ok(!ids(lbj).includes(c.id));
	assert.equal((await apiAdmin.get(`/api/contacts/${c.id}`)).status, 200);
	const put = await apiAdmin.putJSON(`/api/contacts/${c.id}`, { name: c.name + ' (admin)', email: c.email });
	assert.equal(put.status, 200, put.text);
	// An admin adds a contact for one of its agents.
	const add = await apiAdmin.postJSON('/api/contacts', { ...contact(), agent_id: agentB.id });
	assert.equal(add.status, 201, add.text);
	assert.deepEqual(add.json.data.agent_ids, [agentB.id]);
	assertEnvelope(await apiAdmin.postJSON('/api/contacts', contact()), 400, { field: 'agent_id' });
});

test('the super admin picks any tenant’s agent', async () => {
	const c = await apiCreate(apiA, contact());
	const pj = await apiSuper.get('/api/contacts?q=' + encodeURIComponent(agentA.last_name));
	assert.equal(pj.status, 200);
	assert.deepEqual(ids(pj), [agentA.id]);
	const lj = await apiSuper.get(`/api/contacts?agent_id=${agentA.id}&limit=100`);
	assert.ok(ids(lj).includes(c.id));
	assert.equal((await apiSuper.get(`/api/contacts/${c.id}`)).status, 200);
	const web = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	const page = await web.get(`/contacts?agent_id=${agentA.id}&q=` + encodeURIComponent(c.name));
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(htmlEscape(c.name)));
	// Not an agent: an admin's id is no agent.
	assertEnvelope(await apiSuper.get(`/api/contacts?agent_id=${admin.id}`), 404);
});

test('another tenant’s admin gets 404 for the contact and the agent, in path, query and body', async () => {
	const c = await apiCreate(apiA, contact());
	const missing = await apiOther.get('/api/contacts/999999999999');
	const r = await apiOther.get(`/api/contacts/${c.id}`);
	assertEnvelope(r, 404);
	assert.deepEqual(r.json, missing.json);
	assertEnvelope(await apiOther.get(`/api/contacts/${c.id}/history`), 404);
	assertEnvelope(await apiOther.putJSON(`/api/contacts/${c.id}`, { name: 'Stolen', email: uniqueEmail() }), 404);
	const la = await apiOther.get(`/api/contacts?agent_id=${agentA.id}`);
	const lm = await apiOther.get('/api/contacts?agent_id=999999999999');
	assertEnvelope(la, 404);
	assert.deepEqual(la.json, lm.json);
	assertEnvelope(await apiOther.postJSON('/api/contacts', { ...contact(), agent_id: agentA.id }), 404);
	const picker = await apiOther.get('/api/contacts?limit=100');
	assert.ok(!ids(picker).includes(agentA.id));
	const web = await signedIn(other.email, other.password);
	const page = await web.get(`/contacts/${c.id}`);
	assert.equal(page.status, 404);
	assert.ok(!page.text.includes(htmlEscape(c.name)));
	const g = await apiA.get(`/api/contacts/${c.id}`);
	assert.equal(g.json.data.name, c.name, 'unchanged');
});

test('signed out: 401 for the API, sign-in for the pages', async () => {
	const c = new Client();
	assertEnvelope(await c.get('/api/contacts'), 401);
	const p = await c.get('/contacts');
	assert.equal(p.status, 303);
	assert.match(p.location, /^\/login\?next=\/contacts/);
});

test('contact text is escaped in the pages', async () => {
	const name = `<script>alert("x")</script> ${rand(4)}`;
	const c = await apiCreate(apiA, contact({ name }));
	for (const path of ['/contacts?sort=created&dir=desc', `/contacts/${c.id}`, `/contacts/${c.id}/edit`]) {
		const p = await webA.get(path);
		assert.equal(p.status, 200);
		assert.ok(!p.text.includes(name), `raw text in ${path}`);
		assert.ok(p.text.includes(htmlEscape(name)), `escaped text in ${path}`);
	}
});

test('creates, associations and updates are audited', async () => {
	const c = await apiCreate(apiA, contact());
	await apiB.postJSON('/api/contacts', { name: 'x', email: c.email });
	await apiA.putJSON(`/api/contacts/${c.id}`, { name: c.name + ' v2', email: c.email });
	const rows = sql(
		`SELECT action, actor_id, tenant_id FROM audit_log WHERE target_type = 'contact' AND target_id = ${c.id} ORDER BY id`,
	);
	assert.deepEqual(
		rows.map((r) => [r[0], Number(r[1])]),
		[
			['create', agentA.id],
			['associate', agentB.id],
			['update', agentA.id],
		],
	);
	const [[tid]] = sql(`SELECT tenant_id FROM users WHERE id = ${admin.id}`);
	assert.ok(rows.every((r) => r[2] === tid));
	const log = await apiAdmin.get('/api/audit?limit=100');
	assert.ok(log.json.data.items.some((e) => e.target_type === 'contact' && e.target_id === c.id && e.action === 'update'));
});
