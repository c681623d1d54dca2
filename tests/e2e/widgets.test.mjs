// widgets.test.mjs: widgets, the staff side (spec 1.7 and 2.6): an admin
// manages its own, the super admin picks the admin first and sees every
// company; every field's bad input is named and saves nothing; the logo is
// checked by its bytes (a PNG named .svg is fine, an SVG or HTML named .png
// is not, nor too big a file or too big a picture) and served back with its
// checked type, nosniff and a sandbox; another tenant's widget and logo are
// a plain 404; the list's counters, search, sort and paging; the snippet.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
	fieldError,
	flashOf,
	htmlEscape,
	htmlUnescape,
	inputValue,
	rand,
	signedIn,
	signup,
	sql,
} from './helpers.mjs';

const SEEDS = join(PARLEY_ROOT, 'tests', 'fuzz', 'seeds', 'image');
const PNG = readFileSync(join(SEEDS, 'png16.png'));
const JPEG = readFileSync(join(SEEDS, 'jpeg16.jpg'));
const WEBP = readFileSync(join(SEEDS, 'vp8x.webp'));

// --- images -----------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** PNG with its IHDR's size replaced (a valid CRC: only the size is wrong). */
function pngSized(w, h) {
	const p = Buffer.from(PNG);
	p.writeUInt32BE(w, 16);
	p.writeUInt32BE(h, 20);
	p.writeUInt32BE(crc32(p.subarray(12, 29)), 29);
	return p;
}

/** PNG with a valid ancillary chunk of n bytes after IHDR. */
function pngPadded(n) {
	const chunk = Buffer.alloc(n + 12, 0x61);
	chunk.writeUInt32BE(n, 0);
	chunk.write('tEXt', 4, 'latin1');
	chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + n)), 8 + n);
	return Buffer.concat([PNG.subarray(0, 33), chunk, PNG.subarray(33)]);
}

const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

// --- set-up helpers --------------------------------------------------------

function api(token) {
	const c = new Client();
	c.bearer = token;
	return c;
}

/** An admin with its own tenant (company set), two departments, a browser. */
async function newAdmin() {
	const u = await signup();
	const tenant = Number(sql(`SELECT tenant_id FROM users WHERE id = ${Number(u.id)}`)[0][0]);
	const company = `Widgets Co ${rand(6)}`;
	sql(`UPDATE tenants SET company = '${company}' WHERE id = ${tenant}`);
	const token = await apiToken(u.email, u.password);
	const c = api(token);
	const depts = {};
	for (const name of ['Sales', 'Support']) {
		const r = await c.postJSON('/api/departments', { name: `${name} ${rand(5)}` });
		assert.equal(r.status, 201, r.text);
		depts[name.toLowerCase()] = r.json.data.id;
	}
	return { ...u, tenant, company, token, api: c, depts };
}

function count(tenant) {
	return Number(sql(`SELECT COUNT(*) FROM widgets WHERE tenant_id = ${tenant}`)[0][0]);
}

function audits(id) {
	return sql(`SELECT action FROM audit_log WHERE target_type = 'widget' AND target_id = ${Number(id)} ORDER BY id`).map(
		(r) => r[0],
	);
}

/** A multipart body of fields (arrays repeat) and an optional logo. */
function multipart(fields, logo) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) {
		if (v === undefined) continue;
		for (const x of Array.isArray(v) ? v : [v]) fd.append(k, String(x));
	}
	if (logo) fd.append('logo', new Blob([logo.bytes], { type: logo.type || 'application/octet-stream' }), logo.name);
	return fd;
}

function fieldsFor(admin, over = {}) {
	return {
		website_url: `https://shop-${rand(8)}.example.com/`,
		details: 'Our main shop',
		time_zone: 'America/New_York',
		area_code: '415',
		days: ['mon', 'tue', 'wed', 'thu', 'fri'],
		open_from: '09:00',
		open_to: '17:00',
		department_ids: [admin.depts.sales],
		...over,
	};
}

async function createJSON(admin, over = {}) {
	const r = await admin.api.postJSON('/api/widgets', fieldsFor(admin, over));
	assert.equal(r.status, 201, r.text);
	return r.json.data;
}

function postMultipart(client, path, fd, method = 'POST') {
	return client.request(method, path, { body: fd });
}

let A;
let B;
let SUPER;

before(async () => {
	A = await newAdmin();
	B = await newAdmin();
	SUPER = api(await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD));
});

// --- creating and reading ----------------------------------------------------

test('an admin creates a widget with a logo (multipart API); every field as saved; the snippet', async () => {
	const host = `Shop-${rand(6)}.Example.COM`;
	const fd = multipart(
		fieldsFor(A, {
			website_url: `HTTPS://${host}:443/Help?x=1`,
			department_ids: [A.depts.sales, A.depts.support],
			days: ['sun', 'sat'],
			open_from: '22:00',
			open_to: '06:00',
			time_zone: 'Pacific/Honolulu',
			area_code: '',
			details: 'Line one\nLine two',
		}),
		{ bytes: PNG, name: 'logo.png', type: 'image/png' },
	);
	const r = await postMultipart(A.api, '/api/widgets', fd);
	assert.equal(r.status, 201, r.text);
	const w = r.json.data;
	assert.equal(w.website_url, `https://${host.toLowerCase()}/Help?x=1`);
	assert.equal(w.website_origin, `https://${host.toLowerCase()}`);
	assert.equal(w.time_zone, 'Pacific/Honolulu');
	assert.match(w.time_zone_label, /Hawaii/);
	assert.equal(w.area_code, '');
	assert.deepEqual(w.days, ['sun', 'sat']);
	assert.equal(w.open_from, '22:00');
	assert.equal(w.open_to, '06:00');
	assert.equal(w.details, 'Line one\nLine two');
	assert.equal(w.active, true);
	assert.equal(w.admin_id, A.id);
	assert.equal(w.company, A.company);
	assert.equal(w.number_status, 'none');
	assert.equal(w.phone_number, null);
	assert.deepEqual(w.department_ids.sort(), [A.depts.sales, A.depts.support].sort());
	assert.match(w.public_key, /^[A-Za-z0-9_-]{22}$/);
	assert.equal(w.message_count, 0);
	assert.equal(w.snippet, `<script async src="${BASE_URL}/static/widget.js" data-parley-widget="${w.public_key}"></script>`);
	assert.equal(w.preview_url, `${BASE_URL}/w/${w.public_key}`);
	assert.equal(w.logo.content_type, 'image/png');
	assert.equal(w.logo.width, 16);
	assert.match(w.logo.url, new RegExp(`^/widgets/${w.id}/logo\\?v=[0-9a-f]{16}$`));
	// Stored as minutes and a day mask.
	assert.deepEqual(sql(`SELECT days, open_from, open_to FROM widgets WHERE id = ${w.id}`)[0], ['65', '1320', '360']);
	assert.deepEqual(audits(w.id), ['create']);

	// The logo: its bytes, its checked type, nosniff, a sandbox, cached for good.
	const web = await signedIn(A.email, A.password);
	const logo = await fetch(BASE_URL + w.logo.url, { headers: { Cookie: web.cookieHeader() } });
	assert.equal(logo.status, 200);
	assert.equal(logo.headers.get('content-type'), 'image/png');
	assert.equal(logo.headers.get('x-content-type-options'), 'nosniff');
	assert.match(logo.headers.get('content-security-policy'), /default-src 'none'.*sandbox/);
	assert.match(logo.headers.get('cache-control'), /max-age=31536000/);
	assert.deepEqual(Buffer.from(await logo.arrayBuffer()), PNG);
	// Another version's address is not cached for good.
	const stale = await web.get(`/widgets/${w.id}/logo?v=0000000000000000`);
	assert.equal(stale.status, 200);
	assert.match(stale.headers.get('cache-control'), /no-cache/);

	// The show page: every field, the logo, the snippet (escaped text), the preview.
	const show = await web.get(`/widgets/${w.id}`);
	assert.equal(show.status, 200);
	assert.ok(show.text.includes(htmlEscape(w.snippet)), 'the snippet as text');
	assert.ok(!show.text.includes(w.snippet), 'never as markup');
	assert.ok(show.text.includes(`href="${w.preview_url}" target="_blank"`), 'the preview link');
	assert.ok(show.text.includes(`src="${w.logo.url}"`), 'the logo');
	assert.match(show.text, /<script src="\/static\/widgets.js" defer><\/script>/);
	assert.match(show.text, /No number yet/);
	for (const s of ['Hawaii', '22:00 to 06:00 (next day)', 'Sun, Sat', 'Line one']) assert.ok(show.text.includes(s), s);
	// The copy script is served as JavaScript.
	const js = await fetch(`${BASE_URL}/static/widgets.js`);
	assert.equal(js.status, 200);
	assert.match(js.headers.get('content-type'), /javascript/);
});

test('JSON create and partial update; a form replaces every field; JPEG and WebP logos; remove the logo', async () => {
	const w = await createJSON(A);
	assert.equal(w.logo, null);
	const u = await A.api.putJSON(`/api/widgets/${w.id}`, { area_code: '212', days: ['mon'] });
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.data.area_code, '212');
	assert.deepEqual(u.json.data.days, ['mon']);
	assert.equal(u.json.data.website_url, w.website_url, 'kept');
	assert.deepEqual(u.json.data.department_ids, w.department_ids, 'kept');

	for (const [bytes, type] of [
		[JPEG, 'image/jpeg'],
		[WEBP, 'image/webp'],
	]) {
		const fd = multipart(fieldsFor(A, { website_url: w.website_url }), { bytes, name: 'x.bin' });
		const r = await postMultipart(A.api, `/api/widgets/${w.id}`, fd, 'PUT');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.data.logo.content_type, type);
		assert.equal(r.json.data.area_code, '415', 'multipart replaces every field');
	}
	// A form without a new file keeps the logo; logo_remove removes it.
	let r = await postMultipart(A.api, `/api/widgets/${w.id}`, multipart(fieldsFor(A, { website_url: w.website_url })), 'PUT');
	assert.equal(r.json.data.logo.content_type, 'image/webp');
	r = await A.api.putJSON(`/api/widgets/${w.id}`, { logo_remove: true });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.data.logo, null);
	assert.equal(Number(sql(`SELECT COUNT(*) FROM widget_logos WHERE widget_id = ${w.id}`)[0][0]), 0);
	assert.equal((await (await signedIn(A.email, A.password)).get(`/widgets/${w.id}/logo`)).status, 404);
});

// --- bad input ----------------------------------------------------------------

test('every bad field gets a clear error and saves nothing', async () => {
	const cases = [
		[{ website_url: 'javascript:alert(1)' }, 'website_url', /http/],
		[{ website_url: 'ftp://files.example.com/' }, 'website_url', /http/],
		[{ website_url: 'https://' }, 'website_url', /host/],
		[{ website_url: 'https:///path' }, 'website_url', /host/],
		[{ website_url: 'shop.example.com' }, 'website_url', /http/],
		[{ website_url: 'https://user:pw@shop.example.com/' }, 'website_url', /user name/],
		[{ website_url: 'https://shop.example.com:99999/' }, 'website_url', /port/],
		[{ website_url: '' }, 'website_url', /required/],
		[{ time_zone: 'Europe/Paris' }, 'time_zone', /United States/],
		[{ time_zone: '' }, 'time_zone', /time zone/i],
		[{ area_code: '123' }, 'area_code', /2 to 9/],
		[{ area_code: '911' }, 'area_code', /service/],
		[{ area_code: '41a' }, 'area_code', /three digits/],
		[{ days: [] }, 'days', /at least one/],
		[{ days: ['mon', 'someday'] }, 'days', /Sunday to Saturday/],
		[{ open_from: '25:00' }, 'open_from', /HH:MM/],
		[{ open_to: '5pm' }, 'open_to', /HH:MM/],
		[{ open_to: '' }, 'open_to', /required/],
		[{ department_ids: [] }, 'department_ids', /at least one/],
		[{ details: 'x'.repeat(1001) }, 'details', /1000/],
		[{ tenant_id: B.tenant }, 'tenant_id', /Unknown field/],
	];
	const before = count(A.tenant);
	for (const [change, field, msg] of cases) {
		const r = await A.api.postJSON('/api/widgets', fieldsFor(A, change));
		const e = assertEnvelope(r, 400, { field });
		assert.match(e.fields[field], msg, `${JSON.stringify(change)}: ${e.fields[field]}`);
	}
	// Another tenant's department: named, 404, as a missing one.
	const other = await A.api.postJSON('/api/widgets', fieldsFor(A, { department_ids: [B.depts.sales] }));
	assertEnvelope(other, 404, { field: 'department_ids' });
	const missing = await A.api.postJSON('/api/widgets', fieldsFor(A, { department_ids: [999999999] }));
	assert.deepEqual(other.json, missing.json);
	assert.equal(count(A.tenant), before, 'nothing saved');
	assert.equal(count(B.tenant), 0, 'nothing in B');
});

test('the logo is checked by its content, not its name or type', async () => {
	const ok = await postMultipart(A.api, '/api/widgets', multipart(fieldsFor(A), { bytes: PNG, name: 'logo.svg', type: 'image/svg+xml' }));
	assert.equal(ok.status, 201, `a PNG named .svg is a PNG: ${ok.text}`);
	assert.equal(ok.json.data.logo.content_type, 'image/png');

	const before = count(A.tenant);
	const bad = [
		[SVG, 'logo.png', 'image/png', /markup/],
		[HTML, 'logo.png', 'image/png', /markup/],
		[Buffer.from('GIF89a\x10\x00\x10\x00'), 'logo.gif', 'image/gif', /not a PNG, JPEG or WebP/],
		[pngPadded(600 * 1024), 'big.png', 'image/png', /512 KiB/],
		[pngSized(100000, 100000), 'huge.png', 'image/png', /too large/],
		[pngSized(4, 4), 'tiny.png', 'image/png', /too small/],
		[PNG.subarray(0, 100), 'cut.png', 'image/png', /damaged/],
		[Buffer.alloc(0), 'empty.png', 'image/png', /empty/],
	];
	for (const [bytes, name, type, msg] of bad) {
		const r = await postMultipart(A.api, '/api/widgets', multipart(fieldsFor(A), { bytes, name, type }));
		const e = assertEnvelope(r, 400, { field: 'logo' });
		assert.match(e.fields.logo, msg, `${name}: ${e.fields.logo}`);
	}
	// Over the upload limit: nginx answers 413 before the executable.
	const huge = await postMultipart(A.api, '/api/widgets', multipart(fieldsFor(A), { bytes: Buffer.alloc(3 * 1024 * 1024), name: 'x.png' }));
	assert.equal(huge.status, 413);
	// Only "logo" may be a file.
	const fd = multipart(fieldsFor(A));
	fd.append('avatar', new Blob([PNG]), 'a.png');
	assertEnvelope(await postMultipart(A.api, '/api/widgets', fd), 400);
	assert.equal(count(A.tenant), before, 'nothing saved');

	// The form says it beside the field and keeps what was typed.
	const web = await signedIn(A.email, A.password);
	const page = await web.get('/widgets/new');
	assert.equal(page.status, 200);
	assert.match(page.text, /enctype="multipart\/form-data"/);
	const typed = fieldsFor(A, { details: 'kept <b>text</b>' });
	const r = await postMultipart(web, '/widgets', multipart({ csrf: page.csrf, ...typed }, { bytes: SVG, name: 'logo.png' }));
	assert.equal(r.status, 400);
	assert.match(fieldError(r.text, 'logo'), /markup/);
	assert.equal(inputValue(r.text, 'website_url'), typed.website_url);
	assert.ok(r.text.includes(`>${htmlEscape('kept <b>text</b>')}</textarea>`));
	assert.match(r.text, new RegExp(`name="department_ids" value="${A.depts.sales}" checked`));
	assert.doesNotMatch(r.text, new RegExp(`name="department_ids" value="${A.depts.support}" checked`));
	assert.match(r.text, /name="days" value="mon" checked/);
	assert.doesNotMatch(r.text, /name="days" value="sun" checked/);
	assert.equal(count(A.tenant), before);
});

// --- pages -----------------------------------------------------------------

test('an admin does it all with forms: create, show, edit, list, deactivate, activate', async () => {
	const web = await signedIn(A.email, A.password);
	const home = await web.get('/');
	assert.match(home.text, /<a href="\/widgets"[^>]*>Widgets<\/a>/, 'in the sidebar');
	const page = await web.get('/widgets/new');
	assert.doesNotMatch(page.text, /<select[^>]*name="admin_id"/, 'an admin picks no admin');
	assert.match(page.text, /<option value="America\/Puerto_Rico">/);
	const f = fieldsFor(A, { department_ids: [A.depts.support] });
	const r = await postMultipart(web, '/widgets', multipart({ csrf: page.csrf, ...f }, { bytes: PNG, name: 'l.png' }));
	assert.equal(r.status, 303, r.text.slice(0, 300));
	const id = Number(/^\/widgets\/(\d+)$/.exec(r.location)[1]);
	const show = await web.get(r.location);
	assert.equal(flashOf(show.text), 'Widget created.');
	assert.ok(show.text.includes(f.website_url));

	const edit = await web.get(`/widgets/${id}/edit`);
	assert.equal(inputValue(edit.text, 'website_url'), f.website_url);
	assert.equal(inputValue(edit.text, 'open_from'), '09:00');
	assert.match(edit.text, /<option value="America\/New_York" selected>/);
	assert.match(edit.text, /name="logo_remove"/);
	const bad = await postMultipart(web, `/widgets/${id}`, multipart({ csrf: edit.csrf, ...f, open_to: '99:99' }));
	assert.equal(bad.status, 400);
	assert.match(fieldError(bad.text, 'open_to'), /HH:MM/);
	assert.equal(inputValue(bad.text, 'open_to'), '99:99');
	const good = await postMultipart(web, `/widgets/${id}`, multipart({ csrf: edit.csrf, ...f, area_code: '646' }));
	assert.equal(good.status, 303);
	assert.equal(sql(`SELECT area_code FROM widgets WHERE id = ${id}`)[0][0], '646');

	const list = await web.get('/widgets');
	assert.equal(list.status, 200);
	assert.ok(list.text.includes(`href="/widgets/${id}"`));
	assert.match(list.text, new RegExp(`src="/widgets/${id}/logo\\?v=[0-9a-f]{16}"`));
	const off = await web.postForm(`/widgets/${id}/deactivate`, { csrf: list.csrf, back: '/widgets?sort=created' });
	assert.equal(off.status, 303);
	assert.equal(off.location, '/widgets?sort=created');
	const again = await web.postForm(`/widgets/${id}/deactivate`, { csrf: list.csrf });
	assert.equal(again.status, 303);
	const on = await web.postForm(`/widgets/${id}/activate`, { csrf: list.csrf, back: 'https://evil.example/' });
	assert.equal(on.location, `/widgets/${id}`, 'a foreign back is ignored');
	assert.deepEqual(audits(id), ['create', 'update', 'deactivate', 'activate']);
});

// --- tenancy and roles ------------------------------------------------------------

test('another tenant\'s widget and logo are a plain 404; an agent gets 403', async () => {
	const w = (await postMultipart(A.api, '/api/widgets', multipart(fieldsFor(A), { bytes: PNG, name: 'l.png' }))).json.data;
	const bWeb = await signedIn(B.email, B.password);
	const missing = 999999999;
	for (const p of [`/widgets/${w.id}`, `/widgets/${w.id}/edit`, `/widgets/${w.id}/logo`, w.logo.url]) {
		assert.equal((await bWeb.get(p)).status, 404, p);
	}
	assertEnvelope(await B.api.get(`/api/widgets/${w.id}`), 404, { code: 'not_found' });
	const other = await B.api.putJSON(`/api/widgets/${w.id}`, { area_code: '999' });
	const none = await B.api.putJSON(`/api/widgets/${missing}`, { area_code: '999' });
	assertEnvelope(other, 404);
	assert.deepEqual(other.json, none.json, 'the same answer as a missing one');
	assertEnvelope(await B.api.request('POST', `/api/widgets/${w.id}/deactivate`), 404);
	const page = await bWeb.get('/widgets');
	assert.equal((await bWeb.postForm(`/widgets/${w.id}/deactivate`, { csrf: page.csrf })).status, 404);
	const items = (await B.api.get('/api/widgets')).json.data.items;
	assert.ok(!items.some((x) => x.id === w.id), 'not in B\'s list');
	assert.deepEqual(sql(`SELECT active, area_code FROM widgets WHERE id = ${w.id}`)[0], ['1', '415']);

	// An agent of A: 403, and no Widgets in its sidebar.
	const email = `e2e-agent-${rand(10)}@example.com`;
	const ag = await A.api.postJSON('/api/agents', {
		first_name: 'Wanda', last_name: 'Agent', email, phone: '+1 415 555 0199', department_ids: [A.depts.sales],
	});
	assert.equal(ag.status, 201, ag.text);
	const hash = sql(`SELECT password_hash FROM users WHERE id = ${A.id}`)[0][0];
	sql(`UPDATE users SET password_hash = '${hash}' WHERE id = ${ag.json.data.id}`);
	const agent = await signedIn(email, A.password);
	assert.equal((await agent.get('/widgets')).status, 403);
	assert.equal((await agent.get(w.logo.url)).status, 403);
	assert.doesNotMatch((await agent.get('/')).text, /href="\/widgets"/);
	const tok = await apiToken(email, A.password);
	assertEnvelope(await api(tok).get('/api/widgets'), 403, { code: 'forbidden' });
	assertEnvelope(await api(tok).postJSON('/api/widgets', fieldsFor(A)), 403);
});

test('the super admin: every company in the list, must name the admin, that admin\'s departments only', async () => {
	const a = await createJSON(A);
	const b = await createJSON(B);
	const all = await SUPER.get('/api/widgets?sort=created&dir=desc&limit=100');
	assert.equal(all.status, 200);
	const ids = all.json.data.items.map((x) => x.id);
	assert.ok(ids.includes(a.id) && ids.includes(b.id), 'both tenants');
	const mine = await SUPER.get(`/api/widgets?admin_id=${B.id}&limit=100`);
	assert.ok(mine.json.data.items.every((x) => x.admin_id === B.id));
	assertEnvelope(await A.api.get(`/api/widgets?admin_id=${B.id}`), 404);

	assertEnvelope(await SUPER.postJSON('/api/widgets', fieldsFor(A)), 400, { field: 'admin_id' });
	assertEnvelope(await SUPER.postJSON('/api/widgets', { admin_id: A.id, ...fieldsFor(B) }), 404, { field: 'department_ids' });
	const r = await SUPER.postJSON('/api/widgets', { admin_id: A.id, ...fieldsFor(A) });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.data.admin_id, A.id);
	assert.equal(Number(sql(`SELECT tenant_id FROM widgets WHERE id = ${r.json.data.id}`)[0][0]), A.tenant);
	assertEnvelope(await SUPER.putJSON(`/api/widgets/${a.id}`, { admin_id: B.id }), 400, { field: 'admin_id' });

	// The pages: the company column, the two steps without JavaScript.
	const web = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
	const list = await web.get(`/widgets?q=${encodeURIComponent(new URL(b.website_url).host)}`);
	assert.ok(list.text.includes(htmlEscape(B.company)), 'the company column');
	const step1 = await web.get('/widgets/new');
	assert.match(step1.text, /<select id="admin_id" name="admin_id" required/);
	assert.doesNotMatch(step1.text, /name="website_url"/);
	const step2 = await web.get(`/widgets/new?admin_id=${A.id}`);
	assert.match(step2.text, new RegExp(`name="department_ids" value="${A.depts.sales}"`));
	assert.doesNotMatch(step2.text, new RegExp(`name="department_ids" value="${B.depts.sales}"`));
	const made = await postMultipart(web, '/widgets', multipart({ csrf: step2.csrf, admin_id: A.id, ...fieldsFor(A) }));
	assert.equal(made.status, 303, made.text.slice(0, 300));
});

// --- the list ---------------------------------------------------------------

test('the list: counters, number status, search by website and phone, sort, paging', async () => {
	const C = await newAdmin();
	const ws = [];
	for (const [i, host] of ['alpha', 'bravo', 'charlie'].entries()) {
		const w = await createJSON(C, { website_url: `https://${host}-${rand(4)}.example.org/` });
		ws.push(w);
		sql(`UPDATE widgets SET message_count = ${(i + 1) * 10}, ongoing_count = ${i + 1}, resolved_count = ${i + 5} WHERE id = ${w.id}`);
	}
	const phone = `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`;
	sql(`UPDATE widgets SET number_status = 'active', phone_number = '${phone}' WHERE id = ${ws[0].id}`);
	sql(`UPDATE widgets SET number_status = 'failed', number_error = 'No number in 415' WHERE id = ${ws[1].id}`);
	sql(`UPDATE widgets SET number_status = 'pending' WHERE id = ${ws[2].id}`);

	const l = await C.api.get('/api/widgets?sort=messages&dir=desc');
	assert.deepEqual(l.json.data.items.map((x) => x.id), [ws[2].id, ws[1].id, ws[0].id]);
	const top = l.json.data.items[0];
	assert.equal(top.message_count, 30);
	assert.equal(top.ongoing_count, 3);
	assert.equal(top.resolved_count, 7);
	assert.equal(top.number_status, 'pending');
	assert.equal((await C.api.get('/api/widgets?sort=website')).json.data.items[0].id, ws[0].id);

	// Paging: one at a time, the next cursor, no repeats.
	const seen = [];
	let next = '';
	for (let i = 0; i < 4 && next !== null; i++) {
		const p = await C.api.get(`/api/widgets?limit=1&sort=created${next ? `&next=${next}` : ''}`);
		assert.equal(p.status, 200, p.text);
		seen.push(...p.json.data.items.map((x) => x.id));
		next = p.json.data.next;
	}
	assert.deepEqual(seen, ws.map((w) => w.id));
	assertEnvelope(await C.api.get('/api/widgets?sort=nope'), 400, { field: 'sort' });

	// Search: the host (with or without its scheme), the phone number.
	const h = new URL(ws[1].website_url).host;
	for (const q of [h, `https://${h}`, h.slice(0, 8), h.toUpperCase()]) {
		const s = await C.api.get(`/api/widgets?q=${encodeURIComponent(q)}`);
		assert.deepEqual(s.json.data.items.map((x) => x.id), [ws[1].id], q);
	}
	for (const q of [phone, phone.slice(2, 8), `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}`]) {
		const s = await C.api.get(`/api/widgets?q=${encodeURIComponent(q)}`);
		assert.deepEqual(s.json.data.items.map((x) => x.id), [ws[0].id], q);
	}
	assert.equal((await C.api.get('/api/widgets?q=zzz-nothing')).json.data.items.length, 0);

	// The page: number column, counters, toggles.
	const web = await signedIn(C.email, C.password);
	const page = await web.get('/widgets?sort=messages&dir=desc');
	assert.ok(page.text.includes(phone));
	assert.match(page.text, /badge-pending">Pending</);
	assert.match(page.text, /badge-failed">Failed</);
	assert.match(page.text, /<td class="dept-num">30<\/td>/);
	assert.match(page.text, new RegExp(`action="/widgets/${ws[0].id}/deactivate"`));
	const show = await web.get(`/widgets/${ws[1].id}`);
	assert.ok(show.text.includes('No number in 415'), 'the failure\'s reason');
	const show0 = await web.get(`/widgets/${ws[0].id}`);
	assert.ok(show0.text.includes(phone));
	assert.ok(htmlUnescape(show0.text).includes(ws[0].public_key));
});
