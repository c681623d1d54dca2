// chatlog.test.mjs: the message log (spec 2.8, 3.3) and the chat section
// (1.8, 2.7) over real HTTP: visitors start requests through the widget's
// API, the admin sees them under New at once; what the chat engine does
// next (offers, rejects, accepts, transfers, resolves, a note) is written
// with root SQL as the engine leaves it (the engine's own pages are tested
// with it), then every tab is read as the admin, two agents, another
// tenant's admin and the super admin; the history page escapes every byte;
// other tenants and unrelated agents get 404.
//
// The agents are made through /api/agents; their password is set with SQL
// (the invitation flow has its own test in agents.test.mjs).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import {
	ADMIN_EMAIL,
	ADMIN_PASSWORD,
	Client,
	apiToken,
	assertEnvelope,
	rand,
	signedIn,
	sql,
	uniqueEmail,
} from './helpers.mjs';
import { makeWidget } from './visitor-helpers.mjs';

let W, B, g1, g2, superApi, c1, c2, c3, c4;
const tag = rand(6);
const EVIL = '<script>alert(1)</script>';

/** An agent of admin a in dept, with a's password; {id, email, api}. */
async function agentOf(a, dept, first) {
	const email = uniqueEmail('agent');
	const r = await a.api.postJSON('/api/agents', {
		first_name: first,
		last_name: `Log${tag}`,
		email,
		phone: '+44 20 7946 0958',
		department_ids: [dept],
	});
	assert.equal(r.status, 201, r.text);
	const id = Number(r.json.data.id);
	sql(`UPDATE users u JOIN users a ON a.id = ${Number(a.id)} SET u.password_hash = a.password_hash WHERE u.id = ${id}`);
	const api = new Client();
	api.bearer = await apiToken(email, a.password);
	return { id, email, api, name: `${first} Log${tag}` };
}

async function start(name, message) {
	const r = await new Client().postJSON(`/api/w/${W.key}/conversations`, {
		name,
		email: uniqueEmail('vis'),
		phone: '+1 212 555 0142',
		department_id: W.depts[0].id,
		message,
	});
	assert.equal(r.status, 201, r.text);
	return Number(r.json.data.conversation_id);
}

/** The ids of a tab's page as c sees it. */
async function ids(c, path) {
	const r = await c.get(path);
	assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
	return r.json.data.items.map((x) => Number(x.id));
}

const ours = (list) => list.filter((id) => [c1, c2, c3, c4].includes(id));

before(async () => {
	W = await makeWidget({ departments: ['Sales'] });
	B = await makeWidget({ departments: ['Other'] });
	const dept = W.depts[0].id;
	g1 = await agentOf(W.admin, dept, 'Gus');
	g2 = await agentOf(W.admin, dept, 'Gia');
	superApi = new Client();
	superApi.bearer = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
	c1 = await start(`Zoe ${tag}`, 'Hello there');
	c2 = await start(`Amy ${tag} ${EVIL}`, `<img src=x onerror=alert(1)> & "quotes"`);
	c3 = await start(`Ben ${tag}`, 'Need help');
	c4 = await start(`Cat ${tag}`, 'Thanks');
	// What the engine leaves (INSERT IGNORE: the engine may already have
	// offered round 1 itself).
	const t = W.tenant;
	sql(`INSERT IGNORE INTO offers (conversation_id, round, user_id, tenant_id, state) VALUES
	    (${c1}, 1, ${g1.id}, ${t}, 'open'), (${c1}, 1, ${g2.id}, ${t}, 'open'),
	    (${c2}, 1, ${g1.id}, ${t}, 'open'), (${c2}, 1, ${g2.id}, ${t}, 'open'),
	    (${c3}, 1, ${g1.id}, ${t}, 'open'), (${c4}, 1, ${g2.id}, ${t}, 'open')`);
	sql(`UPDATE offers SET state = 'rejected' WHERE conversation_id = ${c2} AND user_id = ${g1.id};
	    UPDATE conversations SET reject_count = 1 WHERE id = ${c2};
	    UPDATE offers SET state = 'taken' WHERE conversation_id = ${c3} AND user_id = ${g1.id};
	    UPDATE offers SET state = 'lost' WHERE conversation_id = ${c3} AND user_id <> ${g1.id};
	    UPDATE conversations SET status = 'new', round = 2, agent_id = ${g1.id}, accepted_at = UTC_TIMESTAMP(3),
	        transfer_count = 1, transferred_by = ${g1.id}, transfer_department_id = ${dept} WHERE id = ${c3};
	    INSERT INTO chat_steps (tenant_id, conversation_id, kind, round, by_user_id) VALUES (${t}, ${c3}, 'accepted', 1, ${g1.id});
	    INSERT INTO chat_steps (tenant_id, conversation_id, kind, round, by_user_id, to_department_id)
	        VALUES (${t}, ${c3}, 'transferred', 1, ${g1.id}, ${dept});
	    INSERT INTO messages (tenant_id, conversation_id, sender, sender_user_id, body, internal)
	        VALUES (${t}, ${c3}, 'agent', ${g1.id}, 'A <b>note</b> for staff', 1);
	    UPDATE offers SET state = 'taken' WHERE conversation_id = ${c4} AND user_id = ${g2.id};
	    UPDATE offers SET state = 'lost' WHERE conversation_id = ${c4} AND user_id <> ${g2.id};
	    UPDATE conversations SET status = 'resolved', agent_id = ${g2.id}, accepted_at = UTC_TIMESTAMP(3),
	        ended_at = UTC_TIMESTAMP(3), ended_by = 'agent' WHERE id = ${c4};
	    INSERT INTO chat_steps (tenant_id, conversation_id, kind, round, by_user_id) VALUES (${t}, ${c4}, 'accepted', 1, ${g2.id});
	    INSERT INTO chat_steps (tenant_id, conversation_id, kind, round, by_user_id) VALUES (${t}, ${c4}, 'resolved', 1, ${g2.id});`);
});

test('the admin: each tab over its widgets, newest first, with the tab-specific columns', async () => {
	const api = W.admin.api;
	assert.deepEqual(ours(await ids(api, '/api/log')), [c3, c2, c1], 'new (the default tab)');
	assert.deepEqual(ours(await ids(api, '/api/log?tab=new&dir=asc')), [c1, c2, c3], 'oldest first');
	assert.deepEqual(ours(await ids(api, '/api/log?tab=rejected')), [c2]);
	assert.deepEqual(ours(await ids(api, '/api/log?tab=transferred')), [c3]);
	assert.deepEqual(ours(await ids(api, '/api/log?tab=accepted')), [c4, c3]);
	assert.deepEqual(ours(await ids(api, '/api/log?tab=resolved')), [c4]);
	assert.deepEqual(ours(await ids(api, '/api/log?tab=accepted&sort=name')), [c3, c4], 'by name');

	const rej = (await api.get('/api/log?tab=rejected')).json.data.items[0];
	assert.equal(rej.reject_count, 1);
	assert.equal(rej.name, `Amy ${tag} ${EVIL}`, 'the API keeps the text as typed');
	assert.equal(rej.website, 'https://shop.example.com/');
	assert.equal(rej.phone, '+1 212 555 0142');
	assert.equal(rej.history, `/log/${c2}`);
	assert.equal(rej.company, undefined, 'no company column for an admin');
	const tr = (await api.get('/api/log?tab=transferred')).json.data.items[0];
	assert.deepEqual(tr.transferred_to, { kind: 'department', name: W.depts[0].name });
	const res = (await api.get('/api/log?tab=resolved')).json.data.items[0];
	assert.match(res.resolved_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

	// Search: a name prefix, an e-mail prefix; SQL pattern characters are text.
	assert.deepEqual(await ids(api, `/api/log?q=${encodeURIComponent(`Zoe ${tag}`)}`), [c1]);
	assert.deepEqual(await ids(api, `/api/log?q=${encodeURIComponent('%')}`), []);
	assert.deepEqual(await ids(api, `/api/log?q=${encodeURIComponent("' OR 1=1 -- ")}`), []);
	// Paging: one row a page, and the next page.
	const p1 = (await api.get('/api/log?limit=1')).json.data;
	assert.equal(p1.items.length, 1);
	assert.ok(p1.next);
	const p2 = (await api.get(`/api/log?limit=1&next=${p1.next}`)).json.data;
	assert.notEqual(p2.items[0].id, p1.items[0].id);

	assertEnvelope(await api.get('/api/log?tab=deleted'), 400, { field: 'tab' });
	assertEnvelope(await api.get('/api/log?sort=phone'), 400, { field: 'sort' });
	assertEnvelope(await api.get('/api/log?admin_id=abc'), 404);
	assertEnvelope(await api.get(`/api/log?admin_id=${B.admin.id}`), 404, {});
});

test('an agent: its own offers, rejections, transfers, chats and resolutions', async () => {
	assert.deepEqual(ours(await ids(g1.api, '/api/log?tab=new')), [c1]);
	assert.deepEqual(ours(await ids(g1.api, '/api/log?tab=rejected')), [c2]);
	assert.deepEqual(ours(await ids(g1.api, '/api/log?tab=transferred')), [c3]);
	assert.deepEqual(ours(await ids(g1.api, '/api/log?tab=accepted')), [c3]);
	assert.deepEqual(ours(await ids(g1.api, '/api/log?tab=resolved')), []);
	assert.deepEqual(ours(await ids(g2.api, '/api/log?tab=new')), [c2, c1]);
	assert.deepEqual(ours(await ids(g2.api, '/api/log?tab=rejected')), []);
	assert.deepEqual(ours(await ids(g2.api, '/api/log?tab=accepted')), [c4]);
	assert.deepEqual(ours(await ids(g2.api, '/api/log?tab=resolved')), [c4]);
	const tr = (await g1.api.get('/api/log?tab=transferred')).json.data.items[0];
	assert.deepEqual(tr.transferred_to, { kind: 'department', name: W.depts[0].name });
	// Nothing of the rest of the tenant, and no filters beyond its own.
	assertEnvelope(await g1.api.get(`/api/log?admin_id=${W.admin.id}`), 404);
	assertEnvelope(await g1.api.get('/api/chats'), 403);
	assertEnvelope(await g1.api.get(`/api/chats/${g2.id}`), 403);
});

test('history: messages, the note marked, the timeline; only for who may see it', async () => {
	const h = await g1.api.get(`/api/log/${c3}`);
	assert.equal(h.status, 200, h.text);
	const d = h.json.data;
	assert.equal(d.conversation.id, c3);
	assert.deepEqual(d.messages.map((m) => [m.sender, m.internal]), [['visitor', false], ['agent', true]]);
	assert.equal(d.messages[0].body, 'Need help');
	assert.equal(d.messages[1].author, g1.name);
	// The engine's own first line (the round offered), then the fixture's.
	assert.deepEqual(d.steps.map((s) => s.kind), ['offered', 'accepted', 'transferred']);
	assert.equal(d.steps[2].to, W.depts[0].name);
	assert.equal(d.steps[2].by, g1.name);

	assert.equal((await W.admin.api.get(`/api/log/${c4}`)).status, 200, 'the admin: any of its tenant');
	assert.equal((await g2.api.get(`/api/log/${c1}`)).status, 200, 'offered');
	assertEnvelope(await g2.api.get(`/api/log/${c3}`), 404, {});
	assertEnvelope(await g1.api.get(`/api/log/${c4}`), 404, {});
	assertEnvelope(await B.admin.api.get(`/api/log/${c1}`), 404, {});
	assertEnvelope(await W.admin.api.get('/api/log/999999999999'), 404, {});
	assert.equal((await superApi.get(`/api/log/${c1}`)).status, 200, 'the super admin: any');
});

test('the history page escapes every byte; the log page shows the tab columns and sidebar', async () => {
	const web = await signedIn(W.admin.email, W.admin.password);
	const page = await web.get(`/log/${c2}`);
	assert.equal(page.status, 200);
	assert.ok(!page.text.includes(EVIL), 'no raw script from the name');
	assert.ok(!page.text.includes('<img src=x'), 'no raw tag from the message');
	assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the name as text');
	assert.ok(page.text.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;'), 'the message as text');
	const note = await web.get(`/log/${c3}`);
	assert.match(note.text, /chat-note/);
	assert.ok(note.text.includes('A &lt;b&gt;note&lt;/b&gt; for staff'));
	assert.match(note.text, />Note</);
	assert.match(note.text, /Transferred by [^<]* to /);

	const rej = await web.get('/log?tab=rejected');
	assert.equal(rej.status, 200);
	assert.match(rej.text, /No of time rejected/);
	assert.match(rej.text, /<a href="\/log"[^>]*>Message log<\/a>/, 'sidebar: Message log');
	assert.match(rej.text, /<a href="\/chats"[^>]*>Chats<\/a>/, 'sidebar: Chats');
	assert.ok(!rej.text.includes(EVIL));
	assert.match((await web.get('/log?tab=transferred')).text, /Transferred to/);
	assert.match((await web.get('/log?tab=accepted')).text, /<th scope="col">Status<\/th>/);
	assert.match((await web.get('/log?tab=resolved')).text, /<th scope="col">Resolved<\/th>/);
	const bad = await web.get('/log?tab=nope');
	assert.equal(bad.status, 400);

	const ag = await signedIn(g1.email, W.admin.password);
	const mine = await ag.get('/log');
	assert.equal(mine.status, 200);
	assert.match(mine.text, /<a href="\/log"[^>]*>Message log<\/a>/);
	assert.ok(!/<a href="\/chats"/.test(mine.text), 'no Chats for an agent');
});

test('the chat section: an admin picks its agent and reads its chats; other tenants get 404', async () => {
	const api = W.admin.api;
	const agents = (await api.get('/api/chats?limit=100')).json.data.items.map((a) => Number(a.id));
	assert.ok(agents.includes(g1.id) && agents.includes(g2.id));
	assert.deepEqual(ours(await ids(api, `/api/chats/${g1.id}`)), [c3], 'default tab: accepted');
	assert.deepEqual(ours(await ids(api, `/api/chats/${g2.id}?tab=resolved`)), [c4]);
	assert.deepEqual(ours(await ids(api, `/api/chats/${g1.id}?tab=rejected`)), [c2]);
	const page = await (await signedIn(W.admin.email, W.admin.password)).get(`/chats/${g1.id}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /Chats of Gus/);
	assertEnvelope(await B.admin.api.get(`/api/chats/${g1.id}`), 404, {});
	assert.ok(!(await B.admin.api.get('/api/chats?limit=100')).json.data.items.some((a) => Number(a.id) === g1.id));
	assert.deepEqual(ours(await ids(B.admin.api, '/api/log?tab=new')), [], 'another tenant sees none of ours');
	assert.deepEqual(ours(await ids(B.admin.api, '/api/log?tab=accepted')), []);
	assert.deepEqual(ours(await ids(superApi, `/api/chats/${g1.id}`)), [c3], 'the super admin too');
});

test('the super admin: every tenant with the company, or one admin\'s', async () => {
	const one = await ids(superApi, `/api/log?admin_id=${W.admin.id}`);
	assert.deepEqual(ours(one), [c3, c2, c1]);
	const r = await superApi.get(`/api/log?q=${encodeURIComponent(`Amy ${tag}`)}`);
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.data.items.map((x) => Number(x.id)), [c2]);
	assert.equal(typeof r.json.data.items[0].company, 'string');
	assert.equal(Number(r.json.data.items[0].tenant_id), W.tenant);
	assertEnvelope(await superApi.get('/api/log?sort=name'), 400, { field: 'sort' });
	assert.equal((await superApi.get(`/api/log?admin_id=${W.admin.id}&sort=name`)).status, 200);
	const web = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	// The sidebar's Console leads the operator, who holds no chats, here.
	const cons = await web.get('/console');
	assert.equal(cons.status, 303);
	assert.equal(cons.headers.get('location'), '/chats');
	const page = await web.get('/log?tab=rejected');
	assert.equal(page.status, 200);
	assert.match(page.text, /<th scope="col">Company<\/th>/);
});
