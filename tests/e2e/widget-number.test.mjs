// A widget's Twilio number (the Request button, 2.6j), end to end against
// the local Twilio: the request marks the widget pending and the worker buys
// a number in the business's own sub-account (the area code's, or any US
// local number) with Parley's webhook URLs; no number in the area code,
// Twilio's own error, and an outage followed by recovery each end as the
// page says; a purchase whose answer was lost is adopted, never bought
// twice; another business's widget is a plain 404.
//
// The double is shared with other test files: failure rules here match only
// this file's widgets' FriendlyName ("Parley widget ID") or sub-account.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
	ADMIN_EMAIL, ADMIN_PASSWORD, BASE_URL, Client, PARLEY_VAR, apiToken, assertEnvelope, csrfOf, flashOf, signedIn,
	signup, sleep, sql,
} from './helpers.mjs';

function fromVar() {
	const read = (f) => {
		try {
			return fs.readFileSync(path.join(PARLEY_VAR, f), 'utf8');
		} catch {
			return '';
		}
	};
	const kv = (text, k) => (new RegExp(`^${k}=(.*)$`, 'm').exec(text) || [])[1];
	return {
		doublePort: kv(read('ports'), 'SAVED_TWILIO_DOUBLE_PORT') || '8089',
		sid: kv(read('twilio-double.txt'), 'TWILIO_ACCOUNT_SID'),
		token: kv(read('twilio-double.txt'), 'TWILIO_AUTH_TOKEN'),
	};
}
const saved = fromVar();
const DOUBLE = process.env.TWILIO_DOUBLE_URL || `http://127.0.0.1:${saved.doublePort}`;
const MAIN_SID = process.env.TWILIO_ACCOUNT_SID || saved.sid;
const MAIN_TOKEN = process.env.TWILIO_AUTH_TOKEN || saved.token;

let sup;

async function double(method, p, body) {
	const r = await fetch(DOUBLE + p, {
		method,
		headers: body ? { 'Content-Type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	});
	assert.ok(r.ok, `double ${method} ${p}: ${r.status}`);
	return r.status === 204 ? null : r.json();
}
const failRule = (rule) => double('POST', '/__double/fail', rule);
const numbersNamed = async (name) => (await double('GET', '/__double/state')).numbers.filter((n) => n.friendly_name === name);

async function waitFor(what, fn, ms = 30000) {
	const until = Date.now() + ms;
	let last;
	while (Date.now() < until) {
		last = await fn();
		if (last) return last;
		await sleep(200);
	}
	assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Make the widget's queued purchase due now (the backoff's wait passes). */
function dueNow(wid) {
	sql(`UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP() WHERE kind = 'twilio' AND status = 'pending' AND recipient = 'widget:${Number(wid)}'`);
}

/** A business with an active sub-account, a department and an API client. */
async function business() {
	const u = await signup();
	const c = new Client();
	c.bearer = await apiToken(u.email, u.password);
	const tid = Number(sql(`SELECT tenant_id FROM users WHERE id = ${Number(u.id)}`)[0][0]);
	await waitFor('the sub-account', () => sql(`SELECT status FROM twilio_subaccounts WHERE tenant_id = ${tid}`)[0]?.[0] === 'active');
	const d = await c.postJSON('/api/departments', { name: 'Sales' });
	assert.equal(d.status, 201, d.text);
	return { ...u, api: c, tid, dept: d.json.data.id };
}

async function widget(b, fields = {}) {
	const r = await b.api.postJSON('/api/widgets', {
		website_url: 'https://shop.example/', time_zone: 'America/New_York', department_ids: [b.dept],
		days: ['mon', 'tue', 'wed', 'thu', 'fri'], open_from: '09:00', open_to: '17:00', ...fields,
	});
	assert.equal(r.status, 201, r.text);
	return r.json.data;
}

const get = async (b, id) => {
	const r = await b.api.get(`/api/widgets/${id}`);
	assert.equal(r.status, 200, r.text);
	return r.json.data;
};
/** The Request button, through the API: 200 and the widget pending. */
async function requested(b, id) {
	const r = await b.api.postJSON(`/api/widgets/${id}/number`, {});
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.data.number_status, 'pending');
	return r.json.data;
}
const settled = (b, id) => waitFor(`widget ${id}'s number`, async () => {
	const w = await get(b, id);
	return w.number_status !== 'pending' && w;
});

before(async () => {
	sup = new Client();
	sup.bearer = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
	const p = await sup.get('/api/twilio');
	assert.equal(p.status, 200, p.text);
	if (p.json.data.platform === null) {
		const r = await sup.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN });
		assert.equal(r.status, 200, r.text);
	}
});

test('Request buys a number in the area code, in the business\'s sub-account, pointed at Parley\'s webhooks', async () => {
	const b = await business();
	const w = await widget(b, { area_code: '415' });
	assert.equal(w.number_status, 'none');
	const r = await b.api.postJSON(`/api/widgets/${w.id}/number`, {});
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.data.number_status, 'pending');
	const done = await settled(b, w.id);
	assert.equal(done.number_status, 'active', JSON.stringify(done));
	assert.match(done.phone_number, /^\+1415\d{7}$/);
	assert.equal(done.number_error, '');

	const [n, ...more] = await numbersNamed(`Parley widget ${w.id}`);
	assert.equal(more.length, 0, 'one number');
	assert.equal(n.phone_number, done.phone_number);
	const sub = sql(`SELECT account_sid FROM twilio_subaccounts WHERE tenant_id = ${b.tid}`)[0][0];
	assert.equal(n.account_sid, sub, 'bought in the business\'s own sub-account');
	assert.equal(n.sms_url, `${BASE_URL}/api/webhooks/twilio/sms`);
	assert.equal(n.sms_method, 'POST');
	assert.equal(n.status_callback, `${BASE_URL}/api/webhooks/twilio/status`);

	// The Twilio section counts the business's numbers.
	const row = (await sup.get(`/api/twilio?q=${encodeURIComponent(b.email)}`)).json.data.items.find((i) => i.admin_email === b.email);
	assert.equal(row.numbers, 1);

	// Once it has one, another request is refused and buys nothing.
	const again = await b.api.postJSON(`/api/widgets/${w.id}/number`, {});
	assertEnvelope(again, 409);
	assert.match(again.json.error.message, /has a number/);
	assert.equal((await numbersNamed(`Parley widget ${w.id}`)).length, 1);

	// Audited: who asked, and what Parley bought.
	const audit = sql(`SELECT action FROM audit_log WHERE target_type = 'widget' AND target_id = ${w.id} ORDER BY id`).map((x) => x[0]);
	assert.ok(audit.includes('number_request') && audit.includes('number_buy'), audit.join());
});

test('without an area code any US local number; asking twice while pending buys one', async () => {
	const b = await business();
	const w = await widget(b);
	const [r1, r2] = await Promise.all([
		b.api.postJSON(`/api/widgets/${w.id}/number`, {}),
		b.api.postJSON(`/api/widgets/${w.id}/number`, {}),
	]);
	assert.equal(r1.status, 200, r1.text);
	assert.equal(r2.status, 200, r2.text);
	const done = await settled(b, w.id);
	assert.equal(done.number_status, 'active');
	assert.match(done.phone_number, /^\+1[2-9]\d{9}$/);
	assert.equal((await numbersNamed(`Parley widget ${w.id}`)).length, 1);
	assert.equal(Number(sql(`SELECT COUNT(*) FROM outbox WHERE recipient = 'widget:${w.id}'`)[0][0]), 1, 'one purchase queued');
});

test('no number in the area code: the reason, then a retry with another area code succeeds', async () => {
	const b = await business();
	const w = await widget(b, { area_code: '533' }); // the double has none in 533
	await requested(b, w.id);
	const failed = await settled(b, w.id);
	assert.equal(failed.number_status, 'failed');
	assert.match(failed.number_error, /No number available in 533/);
	assert.equal(failed.phone_number, null);

	const e = await b.api.putJSON(`/api/widgets/${w.id}`, { area_code: '650' });
	assert.equal(e.status, 200, e.text);
	await requested(b, w.id);
	const done = await settled(b, w.id);
	assert.equal(done.number_status, 'active');
	assert.match(done.phone_number, /^\+1650/);
	const audit = sql(`SELECT action FROM audit_log WHERE target_type = 'widget' AND target_id = ${w.id} ORDER BY id`).map((x) => x[0]);
	assert.ok(audit.includes('number_fail') && audit.includes('number_retry'), audit.join());
});

test('Twilio\'s own error is shown with its code and message', async () => {
	const b = await business();
	const w = await widget(b, { area_code: '510' });
	// The sub-account suspended at Twilio: its credentials no longer
	// authenticate (401, Twilio's code 20003).
	const sub = sql(`SELECT account_sid FROM twilio_subaccounts WHERE tenant_id = ${b.tid}`)[0][0];
	const auth = `Basic ${Buffer.from(`${MAIN_SID}:${MAIN_TOKEN}`).toString('base64')}`;
	const twilioUrl = process.env.TWILIO_URL || DOUBLE;
	const susp = await fetch(`${twilioUrl}/2010-04-01/Accounts/${sub}.json`, {
		method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Status=suspended',
	});
	assert.equal(susp.status, 200);
	try {
		await requested(b, w.id);
		const failed = await settled(b, w.id);
		assert.equal(failed.number_status, 'failed');
		assert.match(failed.number_error, /Twilio error 20003: Authenticate/);
	} finally {
		await fetch(`${twilioUrl}/2010-04-01/Accounts/${sub}.json`, {
			method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Status=active',
		});
	}
});

test('an outage: pending with the reason, then the number once Twilio is back', async () => {
	const b = await business();
	const w = await widget(b, { area_code: '650' });
	const sub = sql(`SELECT account_sid FROM twilio_subaccounts WHERE tenant_id = ${b.tid}`)[0][0];
	await failRule({ status: 503, count: 2, path: `/Accounts/${sub}/IncomingPhoneNumbers\\.json$`, method: 'GET' });
	await requested(b, w.id);
	const waiting = await waitFor('the first failure', async () => {
		const x = await get(b, w.id);
		return x.number_error !== '' && x;
	});
	assert.equal(waiting.number_status, 'pending');
	assert.match(waiting.number_error, /Twilio answered 503; trying again/);
	dueNow(w.id);
	await waitFor('the second failure', () => Number(sql(`SELECT attempts FROM outbox WHERE recipient = 'widget:${w.id}'`)[0][0]) >= 2);
	dueNow(w.id);
	const done = await settled(b, w.id);
	assert.equal(done.number_status, 'active');
	assert.equal(done.number_error, '');
	assert.equal((await numbersNamed(`Parley widget ${w.id}`)).length, 1);
});

test('a purchase whose answer is lost is found by name, not bought twice', async () => {
	const b = await business();
	const w = await widget(b, { area_code: '415' });
	const sub = sql(`SELECT account_sid FROM twilio_subaccounts WHERE tenant_id = ${b.tid}`)[0][0];
	// Twilio buys it, then the connection drops before the answer.
	await failRule({ drop: true, count: 1, path: `/Accounts/${sub}/IncomingPhoneNumbers\\.json$`, method: 'POST' });
	await requested(b, w.id);
	await waitFor('the lost answer', () => Number(sql(`SELECT attempts FROM outbox WHERE recipient = 'widget:${w.id}'`)[0][0]) >= 1 &&
		sql(`SELECT status FROM outbox WHERE recipient = 'widget:${w.id}'`)[0][0] === 'pending');
	assert.equal((await numbersNamed(`Parley widget ${w.id}`)).length, 1, 'Twilio bought it');
	dueNow(w.id);
	const done = await settled(b, w.id);
	assert.equal(done.number_status, 'active');
	const all = await numbersNamed(`Parley widget ${w.id}`);
	assert.equal(all.length, 1, 'still one number');
	assert.equal(done.phone_number, all[0].phone_number);
});

test('another business\'s widget is a plain 404; agents may not request', async () => {
	const a = await business();
	const other = await business();
	const w = await widget(a);
	assertEnvelope(await other.api.postJSON(`/api/widgets/${w.id}/number`, {}), 404);
	assert.equal((await get(a, w.id)).number_status, 'none', 'nothing changed');
	assertEnvelope(await a.api.postJSON('/api/widgets/999999999/number', {}), 404);
	// The super admin may request for any business.
	const s = await sup.postJSON(`/api/widgets/${w.id}/number`, {});
	assert.equal(s.status, 200, s.text);
	assert.equal((await settled(a, w.id)).number_status, 'active');
});

test('the page\'s Request button: pending, then the number on the widget\'s page', async () => {
	const b = await business();
	const w = await widget(b, { area_code: '510' });
	const page = await signedIn(b.email, b.password);
	const show = await page.get(`/widgets/${w.id}`);
	assert.equal(show.status, 200);
	assert.match(show.text, /Request a number/);
	const r = await page.postForm(`/widgets/${w.id}/number`, { csrf: csrfOf(show.text) });
	assert.equal(r.status, 303);
	const after = await page.get(r.headers.get('location'));
	assert.match(flashOf(after.text) || '', /number/i);
	await settled(b, w.id);
	const shown = await page.get(`/widgets/${w.id}`);
	const num = (await get(b, w.id)).phone_number;
	assert.ok(shown.text.includes(num), 'the number on the page');
	assert.doesNotMatch(shown.text, /Request a number/);
});

test('the Request button on the new widget form: saved, then its number bought (form and API)', async () => {
	const b = await business();
	const page = await signedIn(b.email, b.password);
	const form = await page.get('/widgets/new');
	assert.equal(form.status, 200);
	assert.match(form.text, /Create and request a number/);
	const site = `https://req-${Date.now()}.example/`;
	const r = await page.postForm('/widgets', {
		csrf: csrfOf(form.text), website_url: site, time_zone: 'America/Chicago', area_code: '650',
		days: 'mon', open_from: '09:00', open_to: '17:00', department_ids: String(b.dept), request_number: '1',
	});
	assert.equal(r.status, 303, r.text);
	const id = Number(/\/widgets\/(\d+)$/.exec(r.headers.get('location'))[1]);
	const shown = await page.get(`/widgets/${id}`);
	assert.match(shown.text, /Pending|\+1650/);
	const done = await settled(b, id);
	assert.equal(done.number_status, 'active');
	assert.match(done.phone_number, /^\+1650/);

	// The API's twin: request_number true.
	const c = await b.api.postJSON('/api/widgets', {
		website_url: 'https://req-api.example/', time_zone: 'America/Denver', department_ids: [b.dept],
		days: ['tue'], open_from: '08:00', open_to: '16:00', request_number: true,
	});
	assert.equal(c.status, 201, c.text);
	assert.equal(c.json.data.number_status, 'pending');
	assert.equal((await settled(b, c.json.data.id)).number_status, 'active');
	// Without it, no number is bought.
	const plain = await widget(b);
	assert.equal(plain.number_status, 'none');
});
