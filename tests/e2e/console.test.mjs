// console.test.mjs: the chat engine as the console drives it, over real
// HTTP: a visitor's request offered to every agent of its department, the
// first accept winning a race (one 200, the rest 409 naming who took it),
// everyone's rejection telling the admin and offering it again, transfer to
// an agent (no Reject) and to a department, resolve, a supervisor's
// reassign and its 403, close, re-initiate from a contact, messages (a
// client id makes a retry return the first; a too long one is refused;
// HTML stays text), notes the visitor never sees, typing and read receipts
// both ways, and the page with its forms. Each party follows its own
// stream through /api/events (staff) or the conversation's events
// (visitor).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { Client, apiToken, assertEnvelope, htmlEscape, rand, signedIn, sql, uniqueEmail, waitForMail } from './helpers.mjs';
import { makeWidget } from './visitor-helpers.mjs';

const convOf = (e) => Number(e.data.conversation_id ?? e.data.id);

/** A staff member's /api/events, read from "now" on; events kept. */
class Stream {
	constructor(api) {
		this.api = api;
		this.events = [];
	}
	async open() {
		const r = await this.api.get('/api/events');
		assert.equal(r.status, 200, r.text);
		this.cursor = r.json.data.cursor;
		return this;
	}
	async pull(timeout = 1) {
		const r = await this.api.get(`/api/events?cursor=${encodeURIComponent(this.cursor)}&timeout=${timeout}`);
		assert.equal(r.status, 200, r.text);
		this.cursor = r.json.data.cursor;
		this.events.push(...r.json.data.events);
	}
	/** The first kept event matching, waiting up to ms for it. */
	async wait(pred, what, ms = 8000) {
		const end = Date.now() + ms;
		for (;;) {
			const e = this.events.find(pred);
			if (e) return e;
			if (Date.now() > end) assert.fail(`no ${what} within ${ms} ms; got ${JSON.stringify(this.events.map((x) => x.event))}`);
			await this.pull(1);
		}
	}
	has(pred) {
		return this.events.some(pred);
	}
}

/** The visitor's conversation stream. */
class VisitorStream extends Stream {
	constructor(c, w, conv) {
		super(c);
		this.w = w;
		this.conv = conv;
		this.cursor = conv.cursor;
	}
	async pull(timeout = 1) {
		const r = await this.api.get(
			`/api/w/${this.w.key}/conversations/${this.conv.conversation_id}/events?cursor=${encodeURIComponent(this.cursor)}&timeout=${timeout}`,
			{ headers: { 'X-Parley-Visitor': this.conv.token } },
		);
		assert.equal(r.status, 200, r.text);
		this.cursor = r.json.data.cursor;
		this.events.push(...r.json.data.events);
	}
}

let w, admin, A, B, C, X, S;

/** An agent of the widget's tenant (the admin's password), signed in for
 * the API (bearer) and for pages (cookie). */
async function makeAgent(first, depts, sup = []) {
	const email = uniqueEmail(`con-${first.toLowerCase()}`);
	const r = await w.api.postJSON('/api/agents', {
		first_name: first, last_name: `Con${rand(4)}`, email, phone: '+1 415 555 0100',
		department_ids: depts, ...(sup.length ? { supervisor_of: sup } : {}),
	});
	assert.equal(r.status, 201, r.text);
	const id = Number(r.json.data.id);
	const [[hash]] = sql(`SELECT password_hash FROM users WHERE id = ${Number(w.admin.id)}`);
	sql(`UPDATE users SET password_hash = '${hash}' WHERE id = ${id}`);
	const api = new Client();
	api.bearer = await apiToken(email, w.admin.password);
	const ev = await new Stream(api).open();
	return { id, email, first, name: `${first} ${r.json.data.last_name}`, api, ev };
}

async function visit(dept, message = 'Hello, I need help') {
	const c = new Client();
	const r = await c.postJSON(`/api/w/${w.key}/conversations`, {
		name: `Vera ${rand(4)}`, email: uniqueEmail('vis'), phone: '+1 212 555 0142', department_id: dept, message,
	});
	assert.equal(r.status, 201, r.text);
	const conv = r.json.data;
	const v = new VisitorStream(c, w, conv);
	v.id = Number(conv.conversation_id);
	v.h = { headers: { 'X-Parley-Visitor': conv.token } };
	v.post = (path, body) => c.postJSON(`/api/w/${w.key}/conversations/${v.id}${path}`, body || {}, v.h);
	return v;
}

const offerOf = (id) => (e) => e.event === 'offer.new' && convOf(e) === id;

/** A move by someone who does not hold the chat: refused, 403 when the
 * engine says so, or 404 when the caller may no longer see the chat (the
 * previous holder loses access at once). */
function refused(r) {
	assert.ok([403, 404].includes(r.status), `refused: ${r.status} ${r.text.slice(0, 200)}`);
	assert.equal(r.json.success, false);
}

before(async () => {
	w = await makeWidget({ departments: ['Sales', 'Support', 'Billing'] });
	const [sales, support, billing] = w.depts.map((d) => d.id);
	w.sales = sales;
	w.support = support;
	w.billing = billing;
	admin = { api: w.api, ev: await new Stream(w.api).open(), email: w.admin.email };
	A = await makeAgent('Ann', [sales]);
	B = await makeAgent('Bob', [sales]);
	S = await makeAgent('Sue', [sales], [sales]);
	C = await makeAgent('Cal', [support]);
	X = await makeAgent('Xia', [billing]);
});

test('offer to all of the department, first accept wins the race, the others see it go', async () => {
	const v = await visit(w.sales);
	for (const p of [A, B, S]) {
		const e = await p.ev.wait(offerOf(v.id), `${p.first}'s offer`);
		assert.equal(e.data.can_reject, true);
	}
	assert.ok(!C.ev.has(offerOf(v.id)), 'another department hears nothing');
	const inbox = await A.api.get('/api/console');
	assert.equal(inbox.status, 200, inbox.text);
	assert.ok(inbox.json.data.offers.some((c) => c.id === v.id && c.offered && c.can_reject));

	const rs = await Promise.all([A, B, S].map((p) => p.api.postJSON(`/api/conversations/${v.id}/accept`, {})));
	const ok = rs.filter((r) => r.status === 200);
	assert.equal(ok.length, 1, rs.map((r) => r.status).join(' '));
	for (const r of rs.filter((x) => x.status !== 200)) {
		assertEnvelope(r, 409);
		assert.match(r.json.error.message, /Already accepted by/);
	}
	const winner = [A, B, S][rs.indexOf(ok[0])];
	assert.equal(ok[0].json.data.status, 'ongoing');
	assert.equal(ok[0].json.data.holder, true);
	for (const p of [A, B, S].filter((x) => x !== winner)) {
		const gone = await p.ev.wait((e) => e.event === 'offer.gone' && convOf(e) === v.id, 'offer.gone');
		assert.equal(gone.data.why, 'taken');
		const l = await p.api.get('/api/console');
		assert.ok(!l.json.data.offers.some((c) => c.id === v.id), 'no longer offered');
	}
	await winner.ev.wait((e) => e.event === 'chat.assigned' && convOf(e) === v.id, 'chat.assigned');
	const j = await v.wait((e) => e.event === 'chat.joined', 'chat.joined');
	assert.equal(j.data.agent, winner.first);
	const mine = await winner.api.get('/api/console');
	assert.ok(mine.json.data.ongoing.some((c) => c.id === v.id));
	// Accepting again is a conflict, not a second holder.
	assertEnvelope(await winner.api.postJSON(`/api/conversations/${v.id}/accept`, {}), 409);
});

test('messages both ways: idempotent by client id, too long refused, HTML kept as text, notes staff only', async () => {
	const v = await visit(w.sales);
	await A.ev.wait(offerOf(v.id), 'offer');
	assert.equal((await A.api.postJSON(`/api/conversations/${v.id}/accept`, {})).status, 200);

	const html = '<b>bold</b> <script>alert(1)</script>';
	const vs = await v.post('/messages', { client_id: `v${rand(8)}`, body: html });
	assert.equal(vs.status, 201, vs.text);
	const got = await A.ev.wait((e) => e.event === 'message.new' && convOf(e) === v.id && e.data.body === html, 'the visitor\'s message');
	assert.equal(got.data.sender, 'visitor');

	const cid = `a${rand(10)}`;
	const s1 = await A.api.postJSON(`/api/conversations/${v.id}/messages`, { client_id: cid, body: 'Hi there' });
	assert.equal(s1.status, 201, s1.text);
	const s2 = await A.api.postJSON(`/api/conversations/${v.id}/messages`, { client_id: cid, body: 'Hi there' });
	assert.equal(s2.status, 200, s2.text);
	assert.equal(s2.json.data.id, s1.json.data.id, 'a retry returns the first');
	const seen = await v.wait((e) => e.event === 'message.new' && e.data.body === 'Hi there', 'the agent\'s message');
	assert.equal(seen.data.sender, 'agent');

	const long = await A.api.postJSON(`/api/conversations/${v.id}/messages`, { client_id: `l${rand(8)}`, body: 'x'.repeat(4001) });
	assertEnvelope(long, 400, { field: 'body' });
	assertEnvelope(await A.api.postJSON(`/api/conversations/${v.id}/messages`, { body: '' }), 400, { field: 'body' });
	assertEnvelope(await A.api.postJSON(`/api/conversations/${v.id}/messages`, { body: 'x', tenant_id: 1 }), 400);
	// Not the holder: B was offered it and may see it, but not write to the visitor.
	refused(await B.api.postJSON(`/api/conversations/${v.id}/messages`, { body: 'me too' }));

	const note = await A.api.postJSON(`/api/conversations/${v.id}/notes`, { client_id: `n${rand(8)}`, body: 'VIP customer, be nice' });
	assert.equal(note.status, 201, note.text);
	assert.equal(note.json.data.internal, true);

	const hist = await A.api.get(`/api/conversations/${v.id}`);
	assert.equal(hist.status, 200, hist.text);
	const bodies = hist.json.data.messages.map((m) => m.body);
	assert.ok(bodies.includes(html) && bodies.includes('Hi there') && bodies.includes('VIP customer, be nice'));
	assert.ok(hist.json.data.steps.some((s) => s.kind === 'accepted'), 'the timeline has the accept');
	assert.equal(bodies.filter((b) => b === 'Hi there').length, 1, 'sent once');

	// The page shows the HTML as text.
	const web = await signedIn(A.email, w.admin.password);
	const page = await web.get(`/conversations/${v.id}`);
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(htmlEscape(html)), 'escaped on the page');
	assert.ok(!page.text.includes('<script>alert(1)</script>'));
	assert.match(page.text, /internal note/);

	// The visitor never hears of the note.
	await v.pull(1);
	assert.ok(!v.events.some((e) => JSON.stringify(e).includes('VIP customer')), 'no note in the visitor\'s stream');
	const again = new VisitorStream(v.api, w, { ...v.conv, cursor: `conv-${v.id}.0` });
	await again.pull(1);
	assert.ok(!again.events.some((e) => JSON.stringify(e).includes('VIP customer')), 'nor in its replay');
});

test('typing and read receipts both ways', async () => {
	const v = await visit(w.sales);
	await A.ev.wait(offerOf(v.id), 'offer');
	assert.equal((await A.api.postJSON(`/api/conversations/${v.id}/accept`, {})).status, 200);

	assert.equal((await v.post('/typing')).status, 200);
	const t = await A.ev.wait((e) => e.event === 'typing' && convOf(e) === v.id, 'the visitor typing');
	assert.equal(t.data.side, 'visitor');
	assert.equal((await A.api.postJSON(`/api/conversations/${v.id}/typing`, {})).status, 200);
	const t2 = await v.wait((e) => e.event === 'typing' && e.data.side === 'agent', 'the agent typing');
	assert.ok(t2);
	refused(await B.api.postJSON(`/api/conversations/${v.id}/typing`, {}));

	const m = await v.post('/messages', { client_id: `v${rand(8)}`, body: 'are you there?' });
	const a = await A.api.postJSON(`/api/conversations/${v.id}/messages`, { client_id: `a${rand(8)}`, body: 'yes' });
	assert.equal(a.status, 201);
	const before = (await A.api.get('/api/console')).json.data.ongoing.find((c) => c.id === v.id);
	assert.ok(before.unread >= 1, 'unread counted');
	const r = await A.api.postJSON(`/api/conversations/${v.id}/read`, { upto: m.json.data.id });
	assert.equal(r.status, 200, r.text);
	const rr = await v.wait((e) => e.event === 'read' && e.data.side === 'agent', 'the agent read');
	assert.ok(Number(rr.data.upto) >= m.json.data.id);
	const after = (await A.api.get('/api/console')).json.data.ongoing.find((c) => c.id === v.id);
	assert.equal(after.unread, 0);

	assert.equal((await v.post('/read', { upto: a.json.data.id })).status, 200);
	const vr = await A.ev.wait((e) => e.event === 'read' && convOf(e) === v.id && e.data.side === 'visitor', 'the visitor read');
	assert.ok(Number(vr.data.upto) >= a.json.data.id);
	const c = (await A.api.get(`/api/conversations/${v.id}`)).json.data.chat;
	assert.ok(c.visitor_read_id >= a.json.data.id);
	// A wrong token is 404, as for every conversation route.
	const bad = await v.api.postJSON(`/api/w/${w.key}/conversations/${v.id}/typing`, {}, { headers: { 'X-Parley-Visitor': 'nope' } });
	assertEnvelope(bad, 404);
	assertEnvelope(await v.post('/read', { upto: 'x' }), 400, { field: 'upto' });
});

test('rejected by all: the admin is told (stream and e-mail) and the request is offered again', async () => {
	const v = await visit(w.support);
	const e1 = await C.ev.wait(offerOf(v.id), 'offer');
	assert.equal((await C.api.postJSON(`/api/conversations/${v.id}/reject`, {})).status, 200);
	await admin.ev.wait((e) => e.event === 'request.rejected' && convOf(e) === v.id, 'request.rejected');
	await waitForMail(admin.email, { subject: /reject/i });
	const again = await C.ev.wait((e) => offerOf(v.id)(e) && e !== e1, 'the next round');
	assert.ok(again.data.round > e1.data.round || again.seq !== e1.seq);
	const c = (await C.api.get(`/api/conversations/${v.id}`)).json.data.chat;
	assert.equal(c.status, 'new');
	assert.ok(c.reject_count >= 1);
	assert.ok(c.round >= 2);
});

test('transfer to an agent (no Reject), then to a department; resolve', async () => {
	const v = await visit(w.sales);
	await A.ev.wait(offerOf(v.id), 'offer');
	assert.equal((await A.api.postJSON(`/api/conversations/${v.id}/accept`, {})).status, 200);
	assertEnvelope(await A.api.postJSON(`/api/conversations/${v.id}/transfer`, {}), 400);
	assertEnvelope(await A.api.postJSON(`/api/conversations/${v.id}/transfer`, { to_agent_id: B.id, to_department_id: w.support }), 400);
	const t = await A.api.postJSON(`/api/conversations/${v.id}/transfer`, { to_agent_id: B.id });
	assert.equal(t.status, 200, t.text);
	await A.ev.wait((e) => e.event === 'chat.removed' && convOf(e) === v.id, 'chat.removed');
	const o = await B.ev.wait((e) => offerOf(v.id)(e) && e.data.can_reject === false, 'the transfer offer');
	assert.ok(o.data.transferred_by_name || o.data.transferred_by);
	assertEnvelope(await B.api.postJSON(`/api/conversations/${v.id}/reject`, {}), 403);
	refused(await A.api.postJSON(`/api/conversations/${v.id}/messages`, { body: 'still mine?' }));
	assert.equal((await B.api.postJSON(`/api/conversations/${v.id}/accept`, {})).status, 200);

	const d = await B.api.postJSON(`/api/conversations/${v.id}/transfer`, { to_department_id: w.support });
	assert.equal(d.status, 200, d.text);
	const co = await C.ev.wait(offerOf(v.id), 'the department\'s offer');
	assert.equal(co.data.can_reject, true);
	const hist = await C.api.get(`/api/conversations/${v.id}`);
	assert.equal(hist.status, 200, 'the offered agent sees the history');
	assert.ok(hist.json.data.steps.filter((s) => s.kind === 'transferred').length >= 2);
	assert.equal((await C.api.postJSON(`/api/conversations/${v.id}/accept`, {})).status, 200);

	refused(await B.api.postJSON(`/api/conversations/${v.id}/resolve`, {}));
	const r = await C.api.postJSON(`/api/conversations/${v.id}/resolve`, {});
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.data.status, 'resolved');
	await admin.ev.wait((e) => e.event === 'chat.resolved' && convOf(e) === v.id, 'chat.resolved');
	await v.wait((e) => e.event === 'chat.ended', 'chat.ended');
	assertEnvelope(await C.api.postJSON(`/api/conversations/${v.id}/resolve`, {}), 409);
});

test('a supervisor reassigns within its departments only; admins and supervisors close', async () => {
	const v = await visit(w.sales);
	await A.ev.wait(offerOf(v.id), 'offer');
	assert.equal((await A.api.postJSON(`/api/conversations/${v.id}/accept`, {})).status, 200);
	assertEnvelope(await A.api.postJSON(`/api/conversations/${v.id}/reassign`, { agent_id: B.id }), 403);
	const no = await S.api.postJSON(`/api/conversations/${v.id}/reassign`, { agent_id: X.id });
	assertEnvelope(no, 403);
	assert.equal(no.json.error.message, "Agent doesn't belong to you.");
	const ok = await S.api.postJSON(`/api/conversations/${v.id}/reassign`, { agent_id: B.id });
	assert.equal(ok.status, 200, ok.text);
	await A.ev.wait((e) => e.event === 'chat.removed' && convOf(e) === v.id, 'chat.removed');
	await B.ev.wait((e) => e.event === 'chat.assigned' && convOf(e) === v.id, 'chat.assigned');
	refused(await A.api.postJSON(`/api/conversations/${v.id}/messages`, { body: 'x' }));
	assert.equal((await B.api.postJSON(`/api/conversations/${v.id}/messages`, { body: 'Bob here' })).status, 201);
	// The admin may reassign anywhere in its tenant.
	assert.equal((await admin.api.postJSON(`/api/conversations/${v.id}/reassign`, { agent_id: A.id })).status, 200);

	const n = await visit(w.sales);
	await A.ev.wait(offerOf(n.id), 'offer');
	assertEnvelope(await A.api.postJSON(`/api/conversations/${n.id}/close`, {}), 403);
	const cl = await S.api.postJSON(`/api/conversations/${n.id}/close`, {});
	assert.equal(cl.status, 200, cl.text);
	assert.equal(cl.json.data.status, 'closed');
	await A.ev.wait((e) => e.event === 'offer.gone' && convOf(e) === n.id, 'offer.gone');
	assertEnvelope(await S.api.postJSON(`/api/conversations/${n.id}/close`, {}), 409);
});

test('re-initiate from a contact; another tenant\'s chat is 404', async () => {
	const ct = await A.api.postJSON('/api/contacts', { name: 'Rita Return', email: uniqueEmail('rita') });
	assert.equal(ct.status, 201, ct.text);
	const r = await A.api.postJSON('/api/conversations', { contact_id: ct.json.data.id, widget_id: w.id, message: 'Following up' });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.data.status, 'ongoing');
	assert.equal(r.json.data.holder, true);
	assert.equal(r.json.data.started_by, 'agent');
	assertEnvelope(await A.api.postJSON('/api/conversations', { contact_id: ct.json.data.id }), 400, { field: 'widget_id' });
	const other = await makeWidget();
	assertEnvelope(await A.api.postJSON('/api/conversations', { contact_id: ct.json.data.id, widget_id: other.id }), 400);
	assertEnvelope(await other.api.get(`/api/conversations/${r.json.data.id}`), 404);
	assertEnvelope(await C.api.get(`/api/conversations/${r.json.data.id}`), 404);
	const h = await A.api.get(`/api/contacts/${ct.json.data.id}/history`);
	assert.ok(h.json.data.items.some((x) => x.id === r.json.data.id), 'in the contact\'s history');
});

test('the page without JavaScript: lists, CSRF-checked forms, errors shown', async () => {
	const v = await visit(w.sales);
	await A.ev.wait(offerOf(v.id), 'offer');
	const web = await signedIn(A.email, w.admin.password);
	const page = await web.get('/console');
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(`action="/conversations/${v.id}/accept"`));
	assert.equal((await web.postForm(`/conversations/${v.id}/accept`, {})).status, 403, 'no CSRF token');
	const acc = await web.postForm(`/conversations/${v.id}/accept`, { csrf: page.csrf });
	assert.equal(acc.status, 303);
	assert.equal(acc.headers.get('location'), `/conversations/${v.id}`);
	const send = await web.postForm(`/conversations/${v.id}/messages`, { csrf: page.csrf, body: 'From the form' });
	assert.equal(send.status, 303);
	const long = await web.postForm(`/conversations/${v.id}/messages`, { csrf: page.csrf, body: 'y'.repeat(4001) });
	assert.equal(long.status, 400);
	assert.match(long.text, /field-error/);
	const again = await web.postForm(`/conversations/${v.id}/accept`, { csrf: page.csrf });
	assert.equal(again.status, 409);
	assert.match(again.text, /notice-error/);
	assert.equal((await web.get('/api/console')).status, 200);
});

test('contacts: Start chat on a contact, and a new contact with a website and a first message', async () => {
	const web = await signedIn(A.email, w.admin.password);
	const form = await web.get('/contacts/new');
	assert.equal(form.status, 200);
	assert.ok(form.text.includes(`<option value="${w.id}">`), 'the website picker offers the agent\'s widget');
	const other = await makeWidget();
	assert.ok(!form.text.includes(`<option value="${other.id}">`), 'and no other');
	const email = uniqueEmail('newct');
	const noSite = await web.postForm('/contacts', { csrf: form.csrf, name: 'Nora New', email, message: 'Hello Nora' });
	assert.equal(noSite.status, 400);
	assert.match(noSite.text, /Choose the website to send the message through/);
	const made = await web.postForm('/contacts', { csrf: form.csrf, name: 'Nora New', email, widget_id: String(w.id), message: 'Hello <Nora>' });
	assert.equal(made.status, 303, made.text.slice(0, 300));
	const m = /^\/conversations\/(\d+)$/.exec(made.headers.get('location'));
	assert.ok(m, made.headers.get('location'));
	const chat = await A.api.get(`/api/conversations/${m[1]}`);
	assert.equal(chat.json.data.chat.status, 'ongoing');
	assert.equal(chat.json.data.chat.holder, true);
	assert.ok(chat.json.data.messages.some((x) => x.body === 'Hello <Nora>' && x.sender === 'agent'));

	// Start chat from the contact's page.
	const cid = chat.json.data.chat.contact_id;
	const page = await web.get(`/contacts/${cid}`);
	assert.equal(page.status, 200);
	assert.match(page.text, /action="\/conversations"/);
	const st = await web.postForm('/conversations', { csrf: page.csrf, contact_id: String(cid), widget_id: String(w.id), message: '' });
	assert.equal(st.status, 303);
	assert.match(st.headers.get('location'), /^\/conversations\/\d+$/);
	const hist = await web.get(`/contacts/${cid}/history`);
	assert.equal(hist.status, 200);
	assert.ok(hist.text.includes(`href="${made.headers.get('location')}"`), 'the chat in the contact\'s history');
});
