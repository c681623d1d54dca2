// The Twilio section and the sub-accounts, end to end against the local
// Twilio (tests/twilio/double.mjs behind Prism): the platform's credentials
// are checked with Twilio before they are stored (sealed, never shown), a
// registration makes exactly one sub-account through the worker, blocking
// the business suspends it and unblocking reactivates it, and a Twilio that
// answers 503, or a worker killed mid-call, still leaves exactly one.
//
// The double is shared with other test files: failure rules here only match
// requests carrying this file's own FriendlyName or the main account's fetch.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
	ADMIN_EMAIL, ADMIN_PASSWORD, Client, PARLEY_VAR, apiToken, assertEnvelope, rand, signedIn, signup, sleep, sql,
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

let sup; // the super admin, bearer
let superBrowser; // the super admin, signed in through the form

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
const accountsNamed = async (prefix) =>
	(await double('GET', '/__double/state')).accounts.filter((a) => a.friendly_name.startsWith(prefix));

async function waitFor(what, fn, ms = 30000) {
	const until = Date.now() + ms;
	let last;
	while (Date.now() < until) {
		last = await fn();
		if (last) return last;
		await sleep(250);
	}
	assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** The business's row in the Twilio section's list (searched by e-mail). */
async function rowOf(email) {
	const r = await sup.get(`/api/twilio?q=${encodeURIComponent(email)}`);
	assert.equal(r.status, 200, r.text);
	return r.json.data.items.find((i) => i.admin_email === email);
}

const regexpQuote = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A business whose admin's name is unique to this test: its sub-account's
 * FriendlyName starts with it. */
async function business(tag) {
	const first = `Tw${tag}`;
	const last = `Case${rand(6)}`;
	const u = await signup({ first_name: first, last_name: last });
	return { ...u, name: `${first} ${last}` };
}

/** Make the business's queued Twilio steps due now (the backoff's wait
 * passes), so a test need not sit through 30 s doublings. */
function dueNow(tenantId) {
	sql(`UPDATE outbox SET next_attempt_at = UTC_TIMESTAMP() WHERE kind = 'twilio' AND status = 'pending' AND recipient = 'tenant:${Number(tenantId)}'`);
}

function tenantOf(userId) {
	return Number(sql(`SELECT tenant_id FROM users WHERE id = ${Number(userId)}`)[0][0]);
}

before(async () => {
	assert.ok(ADMIN_PASSWORD, 'the super admin password');
	assert.match(MAIN_SID || '', /^AC[0-9a-f]{32}$/, 'the double main account (var/twilio-double.txt or TWILIO_ACCOUNT_SID)');
	sup = new Client();
	sup.bearer = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
	superBrowser = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD);
});

test('only the super admin reaches the Twilio section', async () => {
	const u = await business('Role');
	const admin = new Client();
	admin.bearer = await apiToken(u.email, u.password);
	assertEnvelope(await admin.get('/api/twilio'), 403);
	assertEnvelope(await admin.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN }), 403);
	assertEnvelope(await new Client().get('/api/twilio'), 401);
});

test('the platform credentials: checked with Twilio, stored sealed, never shown, replaced only on purpose', async () => {
	const first = await sup.get('/api/twilio');
	assert.equal(first.status, 200);
	if (first.json.data.platform === null) {
		// Malformed: named, nothing asked of Twilio.
		assertEnvelope(await sup.postJSON('/api/twilio/credentials', { account_sid: 'AC123', auth_token: MAIN_TOKEN }), 400,
			{ field: 'account_sid' });
		// A wrong token: Twilio's own refusal, shown plainly.
		const wrong = await sup.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: 'f'.repeat(32) });
		assertEnvelope(wrong, 400);
		assert.match(wrong.json.error.message, /Twilio refused these credentials/);
		assert.match(wrong.json.error.message, /20003/, 'Twilio\'s code');
		// Twilio down: nothing stored.
		await failRule({ status: 503, count: 1, method: 'GET', path: `/Accounts/${MAIN_SID}\\.json$` });
		const down = await sup.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN });
		assertEnvelope(down, 503);
		assert.match(down.json.error.message, /Twilio answered 503/);
		assert.equal((await sup.get('/api/twilio')).json.data.platform, null, 'nothing stored after a failure');
		// Unknown fields are refused, the token never echoed.
		assertEnvelope(await sup.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN, role: 'x' }), 400,
			{ field: 'role' });
		// The good pair.
		const ok = await sup.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN });
		assert.equal(ok.status, 200, ok.text);
		assert.equal(ok.json.data.account_sid, `AC…${MAIN_SID.slice(-4)}`, 'the SID masked');
		assert.ok(!ok.text.includes(MAIN_TOKEN), 'the token is not in the answer');
	}
	// Not a second time: replacing is its own action.
	assertEnvelope(await sup.postJSON('/api/twilio/credentials', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN }), 409);
	const rep = await sup.postJSON('/api/twilio/credentials/replace', { account_sid: MAIN_SID, auth_token: MAIN_TOKEN });
	assert.equal(rep.status, 200, rep.text);

	// Sealed at rest: no token in the row, a versioned box.
	const [[sid, sealed]] = sql('SELECT account_sid, token_sealed FROM twilio_platform');
	assert.equal(sid, MAIN_SID);
	assert.ok(!sealed.includes(MAIN_TOKEN), 'no token in clear');
	assert.match(sealed, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
	// Never shown: the page and the API carry the masked SID only.
	const page = await superBrowser.get('/twilio');
	assert.equal(page.status, 200);
	assert.ok(!page.text.includes(MAIN_TOKEN) && !page.text.includes(MAIN_SID), 'neither token nor full SID on the page');
	assert.ok(page.text.includes(MAIN_SID.slice(-4)));
	const api = await sup.get('/api/twilio');
	assert.ok(!api.text.includes(MAIN_TOKEN) && !api.text.includes(MAIN_SID));
	// Audited, masked.
	const audit = await sup.get('/api/audit?limit=100');
	const entry = audit.json.data.items.find((e) => e.action === 'twilio_credentials_replace');
	assert.ok(entry, 'the replacement is in the audit log');
	assert.ok(!JSON.stringify(audit.json).includes(MAIN_TOKEN));
});

test('a registration makes exactly one sub-account; blocking suspends it, unblocking reactivates it; all audited', async () => {
	const u = await business('Life');
	const row = await waitFor('an active sub-account', async () => {
		const r = await rowOf(u.email);
		return r && r.status === 'active' && r.account_sid ? r : null;
	});
	const made = await accountsNamed(u.name);
	assert.equal(made.length, 1, 'exactly one sub-account at Twilio');
	assert.equal(made[0].owner_account_sid, MAIN_SID, 'under the platform account');
	assert.equal(row.account_sid, `AC…${made[0].sid.slice(-4)}`);
	assert.equal(made[0].status, 'active');
	// Its token is sealed to its row.
	const [[sealed]] = sql(`SELECT token_sealed FROM twilio_subaccounts WHERE tenant_id = ${tenantOf(u.id)}`);
	assert.match(sealed, /^v1\./);

	assert.equal((await sup.postJSON(`/api/admins/${u.id}/block`, {})).status, 200);
	await waitFor('suspended at Twilio', async () => (await accountsNamed(u.name))[0].status === 'suspended');
	assert.equal((await rowOf(u.email)).status, 'suspended');
	assert.equal((await sup.postJSON(`/api/admins/${u.id}/unblock`, {})).status, 200);
	await waitFor('active again at Twilio', async () => (await accountsNamed(u.name))[0].status === 'active');
	await waitFor('active again in the list', async () => (await rowOf(u.email)).status === 'active');
	assert.equal((await accountsNamed(u.name)).length, 1, 'still one');

	const log = await sup.get(`/api/audit?admin_id=${u.id}&limit=100`);
	const actions = log.json.data.items.map((e) => e.action);
	for (const a of ['signup', 'twilio_subaccount_create', 'block', 'twilio_subaccount_suspend', 'unblock', 'twilio_subaccount_reactivate'])
		assert.ok(actions.includes(a), `audit has ${a}: ${actions}`);
	const byParley = log.json.data.items.find((e) => e.action === 'twilio_subaccount_create');
	assert.equal(byParley.actor_name, 'Parley', 'the worker acts as Parley');
});

test('Twilio answering 503, then 200, leaves exactly one sub-account, and the list says why it waits', async () => {
	const u = await business('Busy');
	await failRule({
		status: 503, count: 2, method: 'POST', path: '/Accounts\\.json$',
		param: 'FriendlyName', param_re: `^${regexpQuote(u.name)} \\(Parley`,
	});
	const tid = tenantOf(u.id);
	const waiting = await waitFor('the 503 to show', async () => {
		const r = await rowOf(u.email);
		return r && r.status === 'pending' && /Twilio answered 503/.test(r.last_error || '') ? r : null;
	});
	assert.match(waiting.status_text, /^pending, retrying in \d+ (s|min): Twilio answered 503$/);
	assert.ok(waiting.retry_in > 0);
	// Let the backoff pass, as often as needed.
	const row = await waitFor('active after the outage', async () => {
		dueNow(tid);
		const r = await rowOf(u.email);
		return r.status === 'active' ? r : null;
	}, 60000);
	const made = await accountsNamed(u.name);
	assert.equal(made.length, 1, 'exactly one sub-account');
	assert.equal(row.account_sid, `AC…${made[0].sid.slice(-4)}`);
	const reqs = (await double('GET', '/__double/requests')).requests || [];
	const posts = reqs.filter((q) => q.method === 'POST' && /\/Accounts\.json$/.test(q.path) &&
		(q.params.FriendlyName || '').startsWith(u.name));
	assert.equal(posts.filter((q) => q.injected).length, 2, 'two 503s were answered');
	assert.equal(posts.filter((q) => !q.injected).length, 1, 'one creation went through');
});

test('a worker killed with -9 mid-call leaves exactly one sub-account', async () => {
	const u = await business('Kill');
	// Twilio makes the account, then takes its time to answer.
	await failRule({
		delay_after_ms: 8000, count: 1, method: 'POST', path: '/Accounts\\.json$',
		param: 'FriendlyName', param_re: `^${regexpQuote(u.name)} \\(Parley`,
	});
	await waitFor('Twilio to have made it', async () => (await accountsNamed(u.name)).length === 1);
	const svc = path.join(PARLEY_VAR, 'service', 'worker');
	const pidOf = () => Number((/\(pid (\d+)\)/.exec(execFileSync('sv', ['status', svc], { encoding: 'utf8' })) || [])[1] || 0);
	const pid0 = pidOf();
	assert.ok(pid0 > 0, 'the worker runs under runit');
	process.kill(pid0, 'SIGKILL');
	await waitFor('runit to restart the worker', async () => {
		const p = pidOf();
		return p > 0 && p !== pid0;
	});
	const row = await waitFor('the sub-account recorded', async () => {
		const r = await rowOf(u.email);
		return r && r.status === 'active' ? r : null;
	}, 60000);
	const made = await accountsNamed(u.name);
	assert.equal(made.length, 1, 'exactly one sub-account at Twilio');
	assert.equal(row.account_sid, `AC…${made[0].sid.slice(-4)}`, 'the one Twilio made is the one recorded');
	const log = await sup.get(`/api/audit?admin_id=${u.id}&limit=100`);
	const create = log.json.data.items.find((e) => e.action === 'twilio_subaccount_create');
	assert.match(create.summary, /found after a retry/);
});

test('a refusal is a failed sub-account an operator can retry', async () => {
	const u = await business('Dead');
	await failRule({
		status: 400, count: 1, method: 'POST', path: '/Accounts\\.json$',
		param: 'FriendlyName', param_re: `^${regexpQuote(u.name)} \\(Parley`,
	});
	const failed = await waitFor('failed', async () => {
		const r = await rowOf(u.email);
		return r && r.status === 'failed' ? r : null;
	});
	assert.equal(failed.retryable, true);
	assert.match(failed.status_text, /^failed: /);
	const tid = tenantOf(u.id);
	// The HTML page offers the retry; the API does it.
	const page = await superBrowser.get(`/twilio?q=${encodeURIComponent(u.email)}`);
	assert.match(page.text, new RegExp(`action="/twilio/subaccounts/${tid}/retry"`));
	assertEnvelope(await sup.postJSON('/api/twilio/subaccounts/999999999/retry', {}), 404);
	assert.equal((await sup.postJSON(`/api/twilio/subaccounts/${tid}/retry`, {})).status, 200);
	await waitFor('active after the retry', async () => (await rowOf(u.email)).status === 'active');
	assert.equal((await accountsNamed(u.name)).length, 1);
	assertEnvelope(await sup.postJSON(`/api/twilio/subaccounts/${tid}/retry`, {}), 404, { code: 'not_found' });
});
