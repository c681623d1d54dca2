// events-proof.test.mjs: the proof that event streams are exactly-once and
// in order under load: several publisher processes, many concurrent pollers
// that drop requests and reconnect, and a kill -9 of the long-poll
// executable in the middle (runit restarts it). Every poller must receive,
// for each of its streams and each publisher, i = 0..N-1 exactly once and in
// order, with the stream's seq growing by exactly 1 from event to event.
//
// Env: BASE_URL (http://127.0.0.1:8080), PARLEY_ROOT (the repository),
// PARLEY_BUILD_DIR (where tests/e2e/stream-check is; else build-san/, then
// build/), STREAM_CHECK (the publisher binary, overrides), PROOF_USERS (20),
// PROOF_COUNT (200 events per stream per publisher), PROOF_PUBLISHERS (4),
// PROOF_SLEEP_US (pause between publishes), PROOF_TIMEOUT_S (120).
// SPDX-License-Identifier: MIT
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const ROOT = process.env.PARLEY_ROOT ||
	resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The stack's state directory (./dev test runs its own: var/test-stack).
const VAR = process.env.PARLEY_VAR || join(ROOT, 'var');
const USERS = +(process.env.PROOF_USERS || 20);
const COUNT = +(process.env.PROOF_COUNT || 200);
const PUBLISHERS = +(process.env.PROOF_PUBLISHERS || 4);
const SLEEP_US = +(process.env.PROOF_SLEEP_US || 0);
const TIMEOUT_MS = 1000 * +(process.env.PROOF_TIMEOUT_S || 120);
const POLLERS_PER_USER = 2;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log('# proof:', ...a);

function streamCheckPath() {
	const cands = [];
	if (process.env.STREAM_CHECK) cands.push(process.env.STREAM_CHECK);
	if (process.env.PARLEY_BUILD_DIR)
		cands.push(join(process.env.PARLEY_BUILD_DIR, 'tests/e2e/stream-check'));
	cands.push(join(ROOT, 'build-san/tests/e2e/stream-check'));
	cands.push(join(ROOT, 'build/tests/e2e/stream-check'));
	for (const c of cands) if (existsSync(c)) return c;
	throw new Error(`stream-check not found (tried ${cands.join(', ')}); build it with make`);
}

// The stack's envdir (var/env, one file per variable), as chpst -e reads it.
function stackEnv() {
	const dir = join(VAR, 'env');
	const env = { ...process.env };
	for (const name of readdirSync(dir)) {
		const v = readFileSync(join(dir, name), 'utf8').split('\n')[0].replace(/[ \t]+$/, '');
		if (v === '') delete env[name];
		else env[name] = v;
	}
	return env;
}

// The pid of the running events executable (runit's view, else pgrep).
function eventsPid() {
	const svc = join(VAR, 'service/events');
	try {
		const st = execFileSync('sv', ['status', svc],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
		const m = /^run: [^;]*\(pid (\d+)\)/.exec(st);
		if (m) return +m[1];
	} catch { /* fall through */ }
	try {
		const out = execFileSync('pgrep',
			['-f', '--', `cgi-bin/events -s ${join(VAR, 'run/events.sock')}`],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
		const pids = out.split(/\s+/).filter(Boolean).map(Number);
		if (pids.length > 0) return pids[0];
	} catch { /* none */ }
	return 0;
}

async function api(method, path, body, token) {
	const headers = { Accept: 'application/json' };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (token) headers.Authorization = `Bearer ${token}`;
	const r = await fetch(BASE + path, {
		method, headers, body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(30000),
	});
	const text = await r.text();
	let json = null;
	try { json = JSON.parse(text); } catch { /* keep text */ }
	return { status: r.status, json, text };
}

async function makeUser(n) {
	const email = `e2e-proof-${randomBytes(6).toString('hex')}-${n}@example.com`;
	const password = `pw-${randomBytes(8).toString('hex')}`;
	const s = await api('POST', '/api/auth/signup', {
		first_name: 'Proof', last_name: `User${n}`, phone: '+1 555 010 0000',
		email, password, password_confirm: password,
	});
	assert.equal(s.status, 201, `signup ${email}: ${s.status} ${s.text}`);
	const l = await api('POST', '/api/auth/login', { email, password });
	assert.equal(l.status, 200, `login ${email}: ${l.status} ${l.text}`);
	const token = l.json?.data?.token;
	assert.ok(token, `login ${email}: no token in ${l.text}`);
	return { id: s.json.data.id, email, token };
}

// Run fn over items with at most k at a time.
async function pool(items, k, fn) {
	const out = new Array(items.length);
	let next = 0;
	await Promise.all(Array.from({ length: k }, async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	}));
	return out;
}

function parseCursor(c) {
	const m = new Map();
	for (const pair of c.split(',')) {
		const dot = pair.lastIndexOf('.');
		m.set(pair.slice(0, dot), BigInt(pair.slice(dot + 1)));
	}
	return m;
}

// One poller: keeps its cursor, drops some requests mid-wait and reconnects
// with the same cursor, retries after errors, and checks each event as it
// arrives. Violations are collected, not thrown, so all are reported.
class Poller {
	constructor(user, name, tags) {
		this.user = user;
		this.name = name;
		this.tags = tags;
		this.cursor = null;
		this.streams = [];
		this.seq = new Map();     // stream -> last seq seen
		this.lastI = new Map();   // `${stream} ${tag}` -> last i seen
		this.got = 0;
		this.errors = [];
		this.stats = { polls: 0, aborted: 0, retried: 0, empty: 0, http: {} };
		this.stopped = false;
		this.ctl = null;
	}

	bad(msg) {
		if (this.errors.length < 20) this.errors.push(`${this.name}: ${msg}`);
	}

	async start() {
		for (;;) {
			const r = await api('GET', '/api/events', undefined, this.user.token);
			if (r.status === 200) {
				this.cursor = r.json.data.cursor;
				assert.deepEqual(r.json.data.events, [], 'a cursor-less poll returns no events');
				break;
			}
			await sleep(100);
		}
		for (const [s, q] of parseCursor(this.cursor)) {
			this.streams.push(s);
			this.seq.set(s, q);
			for (const t of this.tags) this.lastI.set(`${s} ${t}`, -1);
		}
	}

	expected() {
		return this.streams.length * this.tags.length * COUNT;
	}

	done() {
		return this.got >= this.expected();
	}

	onEvents(events, cursor) {
		for (const e of events) {
			const s = e.stream;
			if (!this.seq.has(s)) {
				this.bad(`event on a stream not followed: ${JSON.stringify(e)}`);
				continue;
			}
			const seq = BigInt(e.seq);
			const want = this.seq.get(s) + 1n;
			if (seq !== want)
				this.bad(`${s}: seq ${seq} after ${want - 1n} (${seq < want ? 'repeat' : 'gap'})`);
			this.seq.set(s, seq);
			if (e.event !== 'TEST' || typeof e.data?.tag !== 'string' ||
			    !Number.isInteger(e.data?.i)) {
				this.bad(`${s}: unexpected event ${JSON.stringify(e)}`);
				continue;
			}
			const k = `${s} ${e.data.tag}`;
			if (!this.lastI.has(k)) {
				this.bad(`${s}: unknown tag ${e.data.tag}`);
				continue;
			}
			const last = this.lastI.get(k);
			if (e.data.i !== last + 1)
				this.bad(`${k}: i=${e.data.i} after i=${last} (${e.data.i <= last ? 'duplicate or reorder' : 'missing'})`);
			if (e.data.i > last) this.lastI.set(k, e.data.i);
			this.got++;
		}
		// The new cursor must point exactly at the last event of each stream.
		for (const [s, q] of parseCursor(cursor))
			if (this.seq.has(s) && q !== this.seq.get(s))
				this.bad(`cursor ${cursor} says ${s}.${q}, last seen ${this.seq.get(s)}`);
		this.cursor = cursor;
	}

	async run() {
		while (!this.stopped) {
			const ctl = new AbortController();
			this.ctl = ctl;
			// About one request in five is dropped mid-wait; some ask a
			// short timeout so polls also end empty.
			let timer = null;
			if (Math.random() < 0.2)
				timer = setTimeout(() => ctl.abort(), Math.floor(Math.random() * 1500));
			const tmo = this.done() || Math.random() < 0.2 ? '&timeout=1' : '';
			const url = `${BASE}/api/events?cursor=${encodeURIComponent(this.cursor)}${tmo}`;
			this.stats.polls++;
			try {
				const r = await fetch(url, {
					headers: { Authorization: `Bearer ${this.user.token}`, Accept: 'application/json' },
					signal: ctl.signal,
				});
				const text = await r.text();
				this.stats.http[r.status] = (this.stats.http[r.status] || 0) + 1;
				if (r.status === 200) {
					const j = JSON.parse(text);
					if (j.data.events.length === 0) this.stats.empty++;
					this.onEvents(j.data.events, j.data.cursor);
				} else if ([502, 503, 504].includes(r.status)) {
					this.stats.retried++;
					await sleep(100);
				} else {
					this.bad(`HTTP ${r.status}: ${text.slice(0, 200)}`);
					await sleep(100);
				}
			} catch (err) {
				if (ctl.signal.aborted) {
					this.stats.aborted++;
				} else {
					this.stats.retried++;
					await sleep(100);
				}
			} finally {
				if (timer) clearTimeout(timer);
			}
		}
	}

	stop() {
		this.stopped = true;
		this.ctl?.abort();
	}
}

function runPublisher(bin, env, streams, tag) {
	const child = spawn(bin, ['--streams', streams.join(','), '--count', String(COUNT),
		'--tag', tag, ...(SLEEP_US ? ['--sleep-us', String(SLEEP_US)] : [])],
	{ env, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '', err = '';
	child.stdout.on('data', (d) => { out += d; });
	child.stderr.on('data', (d) => { err += d; });
	const done = new Promise((res) => {
		child.on('close', (code, sig) => res({ tag, code, sig, out, err }));
		child.on('error', (e) => res({ tag, code: -1, sig: null, out, err: String(e) }));
	});
	return { child, done, running: () => child.exitCode === null && child.signalCode === null };
}

test('events: exactly once and in order under concurrent publishers, reconnects and a restart',
	{ timeout: TIMEOUT_MS + 30000 }, async (t) => {
		const bin = streamCheckPath();
		const env = stackEnv();
		const deadline = Date.now() + TIMEOUT_MS;
		const publishers = [];
		let pollers = [];

		t.after(() => {
			for (const p of pollers) p.stop();
			for (const p of publishers) if (p.running()) p.child.kill('SIGKILL');
		});

		const t0 = Date.now();
		const users = await pool(Array.from({ length: USERS }, (_, i) => i), 4, makeUser);
		log(`${users.length} users signed up and signed in in ${Date.now() - t0} ms`);

		const tags = Array.from({ length: PUBLISHERS }, (_, i) => `P${i + 1}`);
		for (const u of users)
			for (let k = 0; k < POLLERS_PER_USER; k++)
				pollers.push(new Poller(u, `user ${u.id} poller ${k}`, tags));
		await Promise.all(pollers.map((p) => p.start()));
		const streams = [...new Set(pollers.flatMap((p) => p.streams))];
		assert.equal(streams.length, 2 * USERS, `streams followed: ${streams.join(',')}`);
		const expected = pollers.reduce((s, p) => s + p.expected(), 0);
		log(`${pollers.length} pollers on ${streams.length} streams; ${expected} deliveries expected`);

		const running = pollers.map((p) => p.run());

		// Publishers: every stream of every user, interleaved, each with
		// its own tag, each stream list in a different order.
		for (let i = 0; i < PUBLISHERS; i++) {
			const order = streams.slice();
			for (let j = 0; j < i; j++) order.push(order.shift());
			publishers.push(runPublisher(bin, env, i % 2 ? order.reverse() : order, tags[i]));
		}

		// Kill the long-poll executable with kill -9 once a quarter of the
		// deliveries arrived (or when the publishers are done).
		const pid0 = eventsPid();
		assert.ok(pid0 > 0, 'events is running under runit (sv status var/service/events)');
		const received = () => pollers.reduce((s, p) => s + p.got, 0);
		while (received() < expected / 4 && publishers.some((p) => p.running()) &&
		    Date.now() < deadline)
			await sleep(20);
		const pubRunning = publishers.filter((p) => p.running()).length;
		log(`kill -9 events (pid ${pid0}) at ${received()}/${expected} delivered, ` +
			`${pubRunning}/${PUBLISHERS} publishers running`);
		process.kill(pid0, 'SIGKILL');
		let pid1 = 0;
		const killedAt = Date.now();
		while (Date.now() - killedAt < 20000) {
			pid1 = eventsPid();
			if (pid1 > 0 && pid1 !== pid0) break;
			await sleep(50);
		}
		assert.ok(pid1 > 0 && pid1 !== pid0, `runit restarted events (pid ${pid0} -> ${pid1})`);
		log(`events restarted as pid ${pid1} after ${Date.now() - killedAt} ms`);

		const results = await Promise.all(publishers.map((p) => p.done));
		for (const r of results) {
			assert.equal(r.code, 0, `publisher ${r.tag} exited ${r.code} ${r.sig ?? ''}: ${r.err}`);
			assert.equal(r.out.trim(), `published ${COUNT * streams.length}`, `publisher ${r.tag}`);
		}
		log(`publishers done in ${Date.now() - t0} ms since start`);

		while (pollers.some((p) => !p.done()) && Date.now() < deadline)
			await sleep(50);
		const late = pollers.filter((p) => !p.done());
		// Pollers that have everything keep polling (timeout=1): for a
		// moment more, nothing may come (no repeat after the last event).
		await sleep(2500);
		for (const p of pollers) p.stop();
		await Promise.all(running);

		const st = pollers.reduce((a, p) => {
			a.polls += p.stats.polls; a.aborted += p.stats.aborted;
			a.retried += p.stats.retried; a.empty += p.stats.empty;
			for (const [k, v] of Object.entries(p.stats.http)) a.http[k] = (a.http[k] || 0) + v;
			return a;
		}, { polls: 0, aborted: 0, retried: 0, empty: 0, http: {} });
		log(`${received()}/${expected} delivered in ${Date.now() - t0} ms; ` +
			`polls ${st.polls}, aborted ${st.aborted}, retried ${st.retried}, ` +
			`empty ${st.empty}, statuses ${JSON.stringify(st.http)}`);

		const errors = pollers.flatMap((p) => p.errors);
		assert.deepEqual(errors, [], 'no repeat, gap or reorder');
		for (const p of late)
			assert.fail(`${p.name}: ${p.got}/${p.expected()} delivered before the deadline; ` +
				`last i: ${JSON.stringify(Object.fromEntries(p.lastI))}`);
		for (const p of pollers) {
			for (const [k, last] of p.lastI)
				assert.equal(last, COUNT - 1, `${p.name}: ${k} ended at i=${last}`);
			assert.equal(p.got, p.expected(), `${p.name}: deliveries`);
		}
		assert.ok(st.retried > 0, 'the restart was seen by pollers (502 or refused)');
		assert.ok(st.aborted > 0, 'some polls were dropped and resumed');
	});
