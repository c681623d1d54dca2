// visitor.test.mjs: the widget as its visitors see it, over real HTTP:
// the configuration, starting a chat (every bad input refused with its
// field, nothing stored), the contact matched and not duplicated with its
// last connection set, idempotent sends, the long-poll delivering the
// conversation's events in order, a wrong token or another widget's id and
// an inactive widget answering 404, rate limits answering 429, and a
// closed widget taking a left message. Widgets are made with SQL in one
// helper (makeWidget) until the staff API for widgets lands.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomInt } from 'node:crypto';
import { test } from 'node:test';

import { BASE_URL, Client, PARLEY_ROOT, assertEnvelope, sql, sleep, uniqueEmail } from './helpers.mjs';
import { makeWidget } from './visitor-helpers.mjs';

const visitor = () => new Client();
const person = (over = {}) => ({ name: 'Vera Visitor', email: uniqueEmail('vis'), phone: '+1 212 555 0142', ...over });

async function start(c, w, body) {
	return c.postJSON(`/api/w/${w.key}/conversations`, body);
}

function counts(w) {
	const [[convs]] = sql(`SELECT COUNT(*) FROM conversations WHERE widget_id = ${w.id}`);
	const [[contacts]] = sql(`SELECT COUNT(*) FROM contacts WHERE tenant_id = ${w.tenant}`);
	return { convs: Number(convs), contacts: Number(contacts) };
}

test('config: name, departments, open now, number; inactive or unknown 404', async () => {
	const phone = `+1212${randomInt(1000000, 9999999)}`;
	const w = await makeWidget({ departments: ['Sales', 'Billing'], inactive: ['Old'], phone });
	const r = await visitor().get(`/api/w/${w.key}`);
	assert.equal(r.status, 200, r.text);
	const d = r.json.data;
	assert.equal(d.key, w.key);
	assert.equal(d.open, true);
	assert.equal(d.closed_message, null);
	assert.deepEqual(d.departments.map((x) => x.id).sort(), w.depts.map((x) => x.id).sort());
	assert.equal(d.phone_number, phone);
	assert.equal(d.phone_label, `(212) ${phone.slice(5, 8)}-${phone.slice(8)}`);
	assert.equal(d.logo_url, null);
	const page = await visitor().get(`/w/${w.key}`);
	assert.equal(page.status, 200);
	assert.match(page.headers.get('content-security-policy'), /frame-ancestors https:\/\/shop\.example\.com(;|$)/);
	assert.equal(page.headers.get('x-frame-options'), null);
	assert.equal(page.headers.get('set-cookie'), null, 'the framed page sets no cookie');
	// The loader's question from the widget's own site may be read there,
	// and only there.
	const own = await visitor().get(`/api/w/${w.key}`, { headers: { Origin: 'https://shop.example.com' } });
	assert.equal(own.headers.get('access-control-allow-origin'), 'https://shop.example.com');
	assert.match(own.headers.get('vary') || '', /Origin/);
	const elsewhere = await visitor().get(`/api/w/${w.key}`, { headers: { Origin: 'https://evil.example' } });
	assert.equal(elsewhere.status, 200);
	assert.equal(elsewhere.headers.get('access-control-allow-origin'), null);
	assert.match(page.text, /or text us at/);
	assert.match(page.text, /<script src="\/static\/w\.js"/);

	const off = await makeWidget({ active: 0 });
	assertEnvelope(await visitor().get(`/api/w/${off.key}`), 404);
	assert.equal((await visitor().get(`/w/${off.key}`)).status, 404);
	assert.match((await visitor().get(`/w/${off.key}`)).headers.get('content-security-policy'), /frame-ancestors 'none'/);
	assertEnvelope(await visitor().postJSON(`/api/w/${off.key}/conversations`, person({ department_id: off.depts[0].id })), 404);
	assertEnvelope(await visitor().postJSON(`/api/w/${off.key}/messages`, person({ message: 'x' })), 404);
	assertEnvelope(await visitor().get('/api/w/AAAAAAAAAAAAAAAAAAAAAA'), 404);
	assertEnvelope(await visitor().get("/api/w/'%20OR%201=1"), 404);
	assert.equal((await visitor().get(`/w/${off.key}/logo`)).status, 404);
});

test('the logo: uploaded by the admin, served to the visitor with the stored type, cached for a year at its version', async () => {
	const png = readFileSync(join(PARLEY_ROOT, 'tests', 'fuzz', 'seeds', 'image', 'png16.png'));
	const w = await makeWidget({ logo: { bytes: png, name: 'logo.png', type: 'image/png' } });
	const sha = createHash('sha256').update(png).digest('hex');
	const cfg = (await visitor().get(`/api/w/${w.key}`)).json.data;
	assert.equal(cfg.logo_url, `/w/${w.key}/logo?v=${sha.slice(0, 16)}`);
	const r = await fetch(`${BASE_URL}${cfg.logo_url}`);
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('content-type'), 'image/png');
	assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
	assert.deepEqual(Buffer.from(await r.arrayBuffer()), png);
	const old = await fetch(`${BASE_URL}/w/${w.key}/logo?v=0000000000000000`);
	assert.equal(old.headers.get('cache-control'), 'public, max-age=300');
	await old.arrayBuffer();
	// A type the logo module never stores is not served as it is.
	sql(`UPDATE widget_logos SET content_type = 'text/html' WHERE widget_id = ${w.id}`);
	assert.equal((await fetch(`${BASE_URL}${cfg.logo_url}`)).status, 404);
	const page = await visitor().get(`/w/${w.key}`);
	assert.match(page.text, /<img class="pw-logo" src="\/w\/[A-Za-z0-9_-]+\/logo\?v=[0-9a-f]{16}"/);
});

test('start: every bad input is named and nothing is stored', async () => {
	const w = await makeWidget({ departments: ['Sales', 'Billing'] });
	const before = counts(w);
	const cases = [
		[{ email: 'a@example.com' }, 'name'],
		[{ name: '', email: 'a@example.com', department_id: w.depts[0].id }, 'name'],
		[{ name: 'A', email: 'not-an-address', department_id: w.depts[0].id }, 'email'],
		[{ name: 'A', phone: '12ab', department_id: w.depts[0].id }, 'phone'],
		[{ name: 'A', department_id: w.depts[0].id }, 'email'],
		[{ name: 'A', email: 'a@example.com' }, 'department_id'],
		[{ name: 'A', email: 'a@example.com', department_id: 999999999 }, 'department_id'],
		[{ name: 'A', email: 'a@example.com', department_id: 'x' }, 'department_id'],
		[{ name: 'x'.repeat(161), email: 'a@example.com', department_id: w.depts[0].id }, 'name'],
		[{ name: 'A\u0001', email: 'a@example.com', department_id: w.depts[0].id }, 'name'],
		[{ name: 42, email: 'a@example.com', department_id: w.depts[0].id }, 'name'],
		[{ name: 'A', email: 'a@example.com', department_id: w.depts[0].id, role: 'admin' }, 'role'],
		[{ name: 'A', email: 'a@example.com', department_id: w.depts[0].id, message: 'y'.repeat(2001) }, 'message'],
		[{ name: 'A', email: 'a@example.com', department_id: w.depts[0].id, message: 'hi', client_id: 'bad id' }, 'client_id'],
		[{ name: 'A', email: 'a@example.com', department_id: w.depts[0].id, page_url: 'javascript:alert(1)' }, 'page_url'],
	];
	// Each from its own address: bad attempts count toward the limit.
	for (const [body, field] of cases) {
		const r = await start(visitor(), w, body);
		const e = assertEnvelope(r, 400, { field });
		assert.ok(e.fields[field].length > 3, `${field}: a message`);
	}
	const bad = await visitor().postJSON(`/api/w/${w.key}/conversations`, '{"name": "A", ');
	assertEnvelope(bad, 400);
	assert.deepEqual(counts(w), before, 'nothing stored');
});

test('start: the contact is matched by e-mail or phone, never duplicated, and its last connection set', async () => {
	const w = await makeWidget();
	const email = uniqueEmail('match');
	const r1 = await start(visitor(), w, person({ email, phone: '(212) 555-0177' }));
	assert.equal(r1.status, 201, r1.text);
	const d = r1.json.data;
	assert.equal(d.status, 'new');
	assert.match(d.token, /^[A-Za-z0-9_-]{43}$/);
	assert.equal(d.cursor, `conv-${d.conversation_id}.0`);
	const [[hash]] = sql(`SELECT visitor_token_hash FROM conversations WHERE id = ${d.conversation_id}`);
	assert.notEqual(hash, d.token, 'only the hash is stored');
	const [[contact, connected, website]] = sql(
		`SELECT c.id, c.last_connected_at IS NOT NULL, c.website FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE v.id = ${d.conversation_id}`,
	);
	assert.equal(connected, '1', 'last connected set');
	assert.equal(website, 'https://shop.example.com/');
	sql(`UPDATE contacts SET last_connected_at = '2020-01-01 00:00:00' WHERE id = ${contact}`);
	// The same e-mail in upper case, then the phone alone, typed otherwise.
	const r2 = await start(visitor(), w, person({ email: email.toUpperCase(), phone: '' }));
	assert.equal(r2.status, 201, r2.text);
	const r3 = await start(visitor(), w, { name: 'V', phone: '+1 212-555-0177' });
	assert.equal(r3.status, 201, r3.text);
	const rows = sql(
		`SELECT DISTINCT contact_id FROM conversations WHERE id IN (${d.conversation_id}, ${r2.json.data.conversation_id}, ${r3.json.data.conversation_id})`,
	);
	assert.deepEqual(rows, [[contact]], 'one contact');
	const [[n]] = sql(`SELECT COUNT(*) FROM contacts WHERE tenant_id = ${w.tenant} AND email = '${email}'`);
	assert.equal(n, '1');
	const [[later]] = sql(`SELECT last_connected_at > '2020-01-01' FROM contacts WHERE id = ${contact}`);
	assert.equal(later, '1', 'last connected updated');
	const [[msgs, waiting]] = sql(`SELECT message_count, waiting_count FROM widgets WHERE id = ${w.id}`);
	assert.deepEqual([msgs, waiting], ['0', '3']);
});

test('send: a retry never duplicates; the long-poll delivers the events in order', async () => {
	const w = await makeWidget();
	const c = visitor();
	const r = await start(c, w, person({ message: 'First', client_id: 'c-0' }));
	assert.equal(r.status, 201, r.text);
	const { conversation_id: id, token, cursor } = r.json.data;
	assert.equal(cursor, `conv-${id}.1`);
	const h = { headers: { 'X-Parley-Visitor': token } };
	const base = `/api/w/${w.key}/conversations/${id}`;

	// A poll parked from the start's cursor gets what comes next.
	const parked = c.get(`${base}/events?cursor=${cursor}`, h);
	await new Promise((res) => setTimeout(res, 300));
	const s1 = await c.postJSON(`${base}/messages`, { client_id: 'c-1', body: 'Second' }, h);
	assert.equal(s1.status, 201, s1.text);
	const p = await parked;
	assert.equal(p.status, 200, p.text);
	assert.deepEqual(p.json.data.events.map((e) => [e.event, e.data.body]), [['message.new', 'Second']]);
	assert.equal(p.json.data.cursor, `conv-${id}.2`);

	const again = await c.postJSON(`${base}/messages`, { client_id: 'c-1', body: 'Second' }, h);
	assert.equal(again.status, 200, 'the same message again');
	assert.equal(again.json.data.id, s1.json.data.id);
	for (let i = 2; i <= 5; i++) assert.equal((await c.postJSON(`${base}/messages`, { client_id: `c-${i}`, body: `M${i}` }, h)).status, 201);
	const [[n]] = sql(`SELECT COUNT(*) FROM messages WHERE conversation_id = ${id}`);
	assert.equal(n, '6');
	const [[wm]] = sql(`SELECT message_count FROM widgets WHERE id = ${w.id}`);
	assert.equal(wm, '6');

	// Everything from the start, in order; then nothing after the head.
	const all = await c.get(`${base}/events?cursor=conv-${id}.0`, h);
	assert.deepEqual(all.json.data.events.map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
	assert.deepEqual(all.json.data.events.map((e) => e.data.body), ['First', 'Second', 'M2', 'M3', 'M4', 'M5']);
	assert.ok(all.json.data.events.every((e) => e.event === 'message.new' && e.data.sender === 'visitor'));
	const none = await c.get(`${base}/events?cursor=${all.json.data.cursor}&timeout=1`, h);
	assert.deepEqual(none.json.data.events, []);
	const head = await c.get(`${base}/events`, h);
	assert.equal(head.json.data.cursor, `conv-${id}.6`);
	assertEnvelope(await c.get(`${base}/events?cursor=nonsense`, h), 400, { field: 'cursor' });

	// Bad sends.
	assertEnvelope(await c.postJSON(`${base}/messages`, { client_id: 'c-9', body: '' }, h), 400, { field: 'body' });
	assertEnvelope(await c.postJSON(`${base}/messages`, { body: 'x' }, h), 400, { field: 'client_id' });
	assertEnvelope(await c.postJSON(`${base}/messages`, { client_id: 'c-9', body: 'x', extra: 1 }, h), 400, { field: 'extra' });

	// The end: withdrawn, announced, and no more sends.
	const end = await c.postJSON(`${base}/end`, {}, h);
	assert.equal(end.status, 200, end.text);
	assert.equal(end.json.data.status, 'closed');
	const after = await c.get(`${base}/events?cursor=${all.json.data.cursor}`, h);
	assert.deepEqual(after.json.data.events.map((e) => e.event), ['chat.ended']);
	assertEnvelope(await c.postJSON(`${base}/messages`, { client_id: 'c-10', body: 'late' }, h), 409);
	const [[waiting]] = sql(`SELECT waiting_count FROM widgets WHERE id = ${w.id}`);
	assert.equal(waiting, '0');
});

test('one visitor never reads another conversation: wrong token or another widget is 404', async () => {
	const w = await makeWidget();
	const w2 = await makeWidget();
	const a = await start(visitor(), w, person());
	const b = await start(visitor(), w, person());
	const { conversation_id: id, token } = a.json.data;
	const other = b.json.data.token;
	const base = `/api/w/${w.key}/conversations/${id}`;
	const c = visitor();
	for (const t of [other, '', 'x', token.slice(0, 42) + (token[42] === 'A' ? 'B' : 'A')]) {
		const h = { headers: t ? { 'X-Parley-Visitor': t } : {} };
		assertEnvelope(await c.get(`${base}/events?cursor=conv-${id}.0`, h), 404);
		assertEnvelope(await c.postJSON(`${base}/messages`, { client_id: 'z', body: 'x' }, h), 404);
		assertEnvelope(await c.postJSON(`${base}/end`, {}, h), 404);
	}
	const h = { headers: { 'X-Parley-Visitor': token } };
	assertEnvelope(await c.get(`/api/w/${w2.key}/conversations/${id}/events?cursor=conv-${id}.0`, h), 404);
	assertEnvelope(await c.postJSON(`/api/w/${w2.key}/conversations/${id}/messages`, { client_id: 'z', body: 'x' }, h), 404);
	// A cursor naming another stream reads nothing of it.
	const r = await c.get(`${base}/events?cursor=conv-${b.json.data.conversation_id}.0&timeout=0`, h);
	assert.equal(r.status, 200);
	assert.ok(r.json.data.events.every((e) => e.stream === `conv-${id}`));
	// Deactivated: 404 on everything, even with the right token.
	sql(`UPDATE widgets SET active = 0 WHERE id = ${w.id}`);
	assertEnvelope(await c.get(`${base}/events?cursor=conv-${id}.0`, h), 404);
	assertEnvelope(await c.postJSON(`${base}/messages`, { client_id: 'z', body: 'x' }, h), 404);
});

// The limits count per calendar minute (as the server's clock, which is this
// machine's): a phase that must fit in one window starts early in a minute.
async function freshWindow() {
	const into = Date.now() % 60000;
	if (into > 40000) await sleep(60000 - into + 200);
}

test('rate limits: starts and sends per address, starts per widget, with a clear 429', async () => {
	const w = await makeWidget();
	const c = visitor();
	let r;
	await freshWindow();
	for (let i = 0; i < 10; i++) {
		r = await start(c, w, person());
		assert.equal(r.status, 201, `start ${i}: ${r.text}`);
	}
	r = await start(c, w, person());
	const e = assertEnvelope(r, 429, { code: r.json.error.code });
	assert.match(e.message, /Too many requests from this address; wait a minute/);
	// Another address is still welcome.
	assert.equal((await start(visitor(), w, person())).status, 201);

	// Sends: 120 a minute from one address.
	const s = await start(visitor(), w, person());
	const h = { headers: { 'X-Parley-Visitor': s.json.data.token } };
	const sender = visitor();
	await freshWindow();
	const base = `/api/w/${w.key}/conversations/${s.json.data.conversation_id}/messages`;
	const codes = [];
	for (let i = 0; i < 121; i++) codes.push((await sender.postJSON(base, { client_id: `r${i}`, body: 'x' }, h)).status);
	assert.equal(codes.filter((x) => x === 201).length, 120);
	assert.equal(codes[120], 429);

	// Starts per widget: 300 a minute, whatever the addresses.
	const w2 = await makeWidget();
	const many = [];
	for (let i = 0; i < 40; i++) many.push(visitor());
	let created = 0;
	let limited;
	await freshWindow();
	for (let round = 0; round < 8 && !limited; round++) {
		const rs = await Promise.all(many.map((v) => start(v, w2, { name: 'Flood', email: 'flood@example.com' })));
		created += rs.filter((x) => x.status === 201).length;
		limited = rs.find((x) => x.status === 429);
	}
	assert.ok(limited, 'the widget limit answers 429');
	assert.match(limited.json.error.message, /very busy/);
	assert.equal(created, 300);
});

test('closed hours: no chat, the next opening, and a message left becomes a request', async () => {
	// Open one minute a week, Sunday 3:00 AM Eastern: closed now, almost surely.
	const w = await makeWidget({ days: 1, from: 180, to: 181, departments: ['Sales', 'Support'] });
	const cfg = (await visitor().get(`/api/w/${w.key}`)).json.data;
	if (cfg.open) return; // the one minute of the week it is open
	assert.match(cfg.closed_message, /^We're closed, back (today|tomorrow|Sunday|next Sunday) 3:00 AM Eastern\.$/);
	assert.match(cfg.next_open_at, /^\d{4}-\d\d-\d\dT0[78]:00:00Z$/);
	const page = await visitor().get(`/w/${w.key}`);
	assert.ok(page.text.includes(cfg.closed_message.replace(/'/g, '&#39;')), 'the page says it');
	const r = await start(visitor(), w, person({ department_id: w.depts[0].id }));
	const e = assertEnvelope(r, 409);
	assert.equal(e.message, cfg.closed_message);

	const c = visitor();
	assertEnvelope(await c.postJSON(`/api/w/${w.key}/messages`, person({ department_id: w.depts[1].id })), 400, { field: 'message' });
	const left = await c.postJSON(`/api/w/${w.key}/messages`, person({ department_id: w.depts[1].id, message: 'Call me back' }));
	assert.equal(left.status, 201, left.text);
	assert.equal(left.json.data.channel, 'message');
	assert.equal(left.json.data.token, undefined);
	const [[channel, status, dept, body]] = sql(
		`SELECT c.channel, c.status, c.department_id, m.body FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.id = ${left.json.data.conversation_id}`,
	);
	assert.deepEqual([channel, status, Number(dept), body], ['message', 'new', w.depts[1].id, 'Call me back']);
	const [[ev]] = sql(`SELECT data FROM events WHERE skey = 'tenant-${w.tenant}' AND name = 'request.new' ORDER BY seq DESC LIMIT 1`);
	const d = JSON.parse(ev);
	assert.equal(d.conversation_id, left.json.data.conversation_id);
	assert.equal(d.channel, 'message');
	assert.equal(d.message, 'Call me back');
	assert.equal(d.website, 'https://shop.example.com/');
	assert.equal(d.department.id, w.depts[1].id);
});

test('the admin sees waiting requests on the dashboard, and request.new on /api/events', async () => {
	const w = await makeWidget();
	const admin = new Client();
	await admin.login(w.admin.email, w.admin.password);
	const first = await admin.get('/api/events');
	const cur = first.json.data.cursor;
	const r = await start(visitor(), w, person({ name: 'Dash Board', message: 'Hello admin' }));
	assert.equal(r.status, 201);
	const ev = await admin.get(`/api/events?cursor=${encodeURIComponent(cur)}&timeout=5`);
	const got = ev.json.data.events.find((e) => e.event === 'request.new');
	assert.ok(got, ev.text);
	assert.equal(got.data.name, 'Dash Board');
	assert.equal(got.data.message, 'Hello admin');
	assert.equal(got.data.phone, '+12125550142');
	const page = await admin.get('/');
	assert.match(page.text, /Waiting requests/);
	assert.match(page.text, /Dash Board/);
	assert.match(page.text, /data-cursor="user-\d+\.\d+,tenant-\d+\.\d+"/);
});
