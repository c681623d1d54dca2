// twilio-outbox.mjs: figures for the worker's Twilio calls against the local
// Twilio (Prism in front of the double), on a running stack (./dev bench):
//   1. throughput: N businesses' sub-accounts queued at once; the time from
//      the first claim to the last done, as sub-accounts/s and Twilio
//      calls/s (each creation is a lookup by name and a create);
//   2. recovery: M more queued while Twilio answers 503 to every account
//      call; after OUTAGE_S seconds the outage ends; the time from its end
//      until the last is done (the backoff's 30 s first step dominates).
// Prints figures; asserts nothing. Env: BENCH_SUBACCOUNTS (200),
// BENCH_OUTAGE_SUBACCOUNTS (50), BENCH_OUTAGE_S (20).
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Client, PARLEY_VAR, apiToken, sleep, sql } from '../e2e/helpers.mjs';

const N = Number(process.env.BENCH_SUBACCOUNTS || 200);
const M = Number(process.env.BENCH_OUTAGE_SUBACCOUNTS || 50);
const OUTAGE_S = Number(process.env.BENCH_OUTAGE_S || 20);
const read = (f) => fs.readFileSync(path.join(PARLEY_VAR, f), 'utf8');
const kv = (t, k) => (new RegExp(`^${k}=(.*)$`, 'm').exec(t) || [])[1];
const DOUBLE = `http://127.0.0.1:${kv(read('ports'), 'SAVED_TWILIO_DOUBLE_PORT')}`;
const creds = { sid: kv(read('twilio-double.txt'), 'TWILIO_ACCOUNT_SID'), token: kv(read('twilio-double.txt'), 'TWILIO_AUTH_TOKEN') };

async function double(method, p, body) {
	const r = await fetch(DOUBLE + p, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
	if (!r.ok) throw new Error(`double ${method} ${p}: ${r.status}`);
	return r.json();
}

/** Queue n businesses as a registration does (tenant, admin, sub-account
 * row, outbox item), in one statement each, and wake nobody: the worker
 * finds them within its 5 s look. Returns their tenant ids' range. */
function queue(n, tag) {
	const run = `${tag}${Date.now().toString(36)}`;
	sql(`INSERT INTO tenants (company) SELECT CONCAT('Bench ${run} ', seq) FROM seq_1_to_${n}`);
	const [[lo, hi]] = sql(`SELECT MIN(id), MAX(id) FROM tenants WHERE company LIKE 'Bench ${run} %'`);
	sql(`INSERT INTO users (tenant_id, role, email, first_name, last_name) SELECT id, 'admin', CONCAT('bench-', id, '-${run}@bench.parley.local'), 'Bench', id FROM tenants WHERE id BETWEEN ${lo} AND ${hi}`);
	sql(`INSERT INTO twilio_subaccounts (tenant_id, friendly_name) SELECT id, CONCAT(company, ' (Parley ', id, ')') FROM tenants WHERE id BETWEEN ${lo} AND ${hi}`);
	sql(`INSERT INTO outbox (kind, idem_key, recipient, payload) SELECT 'twilio', CONCAT('twilio:create:', id), CONCAT('tenant:', id), CONCAT('{"op":"create","tenant_id":', id, ',"intent":0}') FROM tenants WHERE id BETWEEN ${lo} AND ${hi}`);
	return [Number(lo), Number(hi)];
}

const done = ([lo, hi]) => Number(sql(`SELECT COUNT(*) FROM twilio_subaccounts WHERE tenant_id BETWEEN ${lo} AND ${hi} AND status = 'active'`)[0][0]);
const tried = ([lo, hi]) => Number(sql(`SELECT COUNT(*) FROM outbox WHERE kind = 'twilio' AND recipient IN (SELECT CONCAT('tenant:', id) FROM tenants WHERE id BETWEEN ${lo} AND ${hi}) AND attempts > 0`)[0][0]);

async function until(what, fn, ms) {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		if (await fn()) return Date.now();
		await sleep(50);
	}
	throw new Error(`timed out: ${what}`);
}

const sup = new Client();
sup.bearer = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
const tw = await sup.get('/api/twilio');
if (tw.json.data.platform === null) {
	const r = await sup.postJSON('/api/twilio/credentials', { account_sid: creds.sid, auth_token: creds.token });
	if (r.status !== 200) throw new Error(`credentials: ${r.status} ${r.text}`);
}

// 1. Throughput.
const a = queue(N, 't');
const t0 = await until('the first claim', () => tried(a) > 0, 20000);
const t1 = await until(`${N} sub-accounts`, () => done(a) === N, 600000);
const secs = (t1 - t0) / 1000;
console.log(`twilio outbox: ${N} sub-accounts in ${secs.toFixed(2)} s: ${(N / secs).toFixed(1)} sub-accounts/s, ${((2 * N) / secs).toFixed(1)} Twilio calls/s (lookup + create each, through Prism)`);

// 2. Recovery after an outage.
await double('POST', '/__double/fail', { status: 503, count: 0, path: '/Accounts\\.json$' });
const b = queue(M, 'o');
await until('every one to fail once', () => tried(b) === M, 60000);
await sleep(OUTAGE_S * 1000);
await double('DELETE', '/__double/fail');
const r0 = Date.now();
const r1 = await until(`${M} sub-accounts after the outage`, () => done(b) === M, 600000);
const made = (await double('GET', '/__double/state')).accounts.filter((x) => {
	const m = / \(Parley (\d+)\)$/.exec(x.friendly_name);
	return m && Number(m[1]) >= b[0] && Number(m[1]) <= b[1];
}).length;
console.log(`twilio outbox: after a ${OUTAGE_S} s outage (503 to every account call), all ${M} queued meanwhile done ${((r1 - r0) / 1000).toFixed(2)} s after Twilio came back (the backoff's first step is 30 s); sub-accounts at Twilio for them: ${made} (expected ${M})`);
