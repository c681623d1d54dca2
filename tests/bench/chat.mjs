// chat.mjs: end-to-end chat figures on a running stack (./dev bench runs
// it after visitor.mjs). It makes, through the staff API as an admin does,
// one business with a widget, a department of CHAT_AGENTS agents (the chats
// and the accept race) and one of CHAT_IDLE agents whose streams only get
// idle polls; the agents' passwords are the admin's (one SQL line each, as
// the e2e tests do; their phones are emptied by the same line so that the
// offers queue no SMS alerts) and each signs in for a bearer token. Then
// build/tests/bench/chat (tests/bench/chat.c) does the rest over HTTP and
// prints the figures: visitors start CHAT_CHATS chats that the agents
// accept, CHAT_POLLS parked polls, CHAT_SECS seconds of visitors' messages
// to their holders' polls (messages/s, latency, lost and duplicated), and
// CHAT_RACE requests each accepted by all the department's agents at once.
//
// For the run, as visitor.mjs does, the visitor executable gets raised rate
// limits (var/env/PARLEY_VISITOR_LIMITS), and the two long-poll executables
// (events, visitor) get enough threads for the parked polls plus the
// senders (their run scripts' "-t", CHAT_THREADS, default the polls + 1,500);
// both are put back and the services restarted at the end.
// Env: CHAT_CHATS (1000), CHAT_AGENTS (50), CHAT_IDLE (50), CHAT_POLLS
// (5000), CHAT_VISITOR_POLLS (1), CHAT_SECS (10), CHAT_RATE (0: as fast as
// answers come; else messages/s in all), CHAT_RACE (200), CHAT_THREADS,
// CHAT_WIDGETS (1: every chat on one website; N: chat i on the i % N-th
// website of the business, all served by the department), CHAT_ADDRS (1:
// each visitor from its own loopback address, 127.1.x.y, as real visitors;
// 0: all from 127.0.0.1).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { BASE_URL, DB_SOCKET, PARLEY_ROOT, PARLEY_VAR, apiToken, rand, signup, sleep, sql, uniqueEmail } from '../e2e/helpers.mjs';
import { makeWidget } from '../e2e/visitor-helpers.mjs';

const env = (k, d) => Number(process.env[k] ?? d);
const CHATS = env('CHAT_CHATS', 1000);
const AGENTS = env('CHAT_AGENTS', 50);
const IDLE = env('CHAT_IDLE', 50);
const POLLS = env('CHAT_POLLS', 5000);
const THREADS = env('CHAT_THREADS', POLLS + 1500);
const WIDGETS = env('CHAT_WIDGETS', 1);
const BUILD = process.env.PARLEY_BUILD_DIR || join(PARLEY_ROOT, 'build');
const BIN = join(BUILD, 'tests/bench/chat');
const LIMITS = join(PARLEY_VAR, 'env', 'PARLEY_VISITOR_LIMITS');
const SETUP = join(PARLEY_VAR, 'bench-chat.txt');
const SVCS = ['events', 'visitor'].map((n) => join(PARLEY_VAR, 'service', n));

if (!existsSync(BIN)) {
	console.error(`chat: ${BIN} is missing: make -C build first`);
	process.exit(1);
}

/** The pids to watch, "name:pid,pid;...": mysqld, nginx's workers, the
 * long-poll executables and the console. */
function pids() {
	const svPid = (n) => (execFileSync('sv', ['status', join(PARLEY_VAR, 'service', n)], { encoding: 'utf8' }).match(/\(pid (\d+)\)/) || [])[1];
	const master = readFileSync(join(PARLEY_VAR, 'run', 'nginx.pid'), 'utf8').trim();
	let workers = '';
	try {
		workers = execFileSync('pgrep', ['-P', master], { encoding: 'utf8' }).trim().split('\n').join(',');
	} catch {
		/* none */
	}
	return [
		`mysqld:${readFileSync(join(PARLEY_VAR, 'run', 'mysqld.pid'), 'utf8').trim()}`,
		`nginx:${workers}`,
		...['visitor', 'events', 'console', 'worker'].map((n) => `${n}:${svPid(n) || 0}`),
	].join(';');
}

function restart(svc) {
	execFileSync('sv', ['-w', '30', 'restart', svc], { stdio: 'ignore' });
}

async function ready(key) {
	for (let i = 0; i < 100; i++) {
		try {
			const r = await fetch(`${BASE_URL}/api/w/${key}`);
			if (r.status === 200) return;
		} catch {
			/* restarting */
		}
		await sleep(100);
	}
	throw new Error('the visitor executable did not come back');
}

/** count agents of the department, the admin's password, bearer tokens. */
async function agents(w, dept, count, tag) {
	const [[hash]] = sql(`SELECT password_hash FROM users WHERE id = ${Number(w.admin.id)}`);
	const out = [];
	for (let i = 0; i < count; i++) {
		const r = await w.api.postJSON('/api/agents', {
			first_name: `${tag}${i}`, last_name: `Bench${rand(4)}`, email: uniqueEmail(`chat-${tag}`),
			phone: '+1 415 555 0100', department_ids: [dept],
		});
		if (r.status !== 201) throw new Error(`agent: ${r.status} ${r.text}`);
		out.push(Number(r.json.data.id));
	}
	// The admin's password; no phone, so that 1,000 requests offered to 50
	// agents queue no 50,000 SMS alerts for the worker during the run.
	sql(`UPDATE users SET password_hash = '${hash}', phone = '', phone_e164 = '' WHERE id IN (${out.join(',')})`);
	const [emails] = [sql(`SELECT id, email FROM users WHERE id IN (${out.join(',')})`)];
	const tokens = [];
	for (let i = 0; i < emails.length; i += 8)
		tokens.push(...(await Promise.all(emails.slice(i, i + 8).map(([id, e]) => apiToken(e, w.admin.password).then((t) => [id, t])))));
	return tokens;
}

const t0 = Date.now();
const admin = await signup();
const w = await makeWidget({ admin, departments: ['Chat', 'Idle'] });
const [chatDept, idleDept] = w.depts.map((d) => d.id);
// More websites of the business served by the same department (chat i on
// widget i % CHAT_WIDGETS), as makeWidget makes one.
const keys = [w.key];
for (let i = 1; i < WIDGETS; i++) {
	const fd = new FormData();
	fd.append('website_url', `https://shop${i}.example.com/`);
	fd.append('time_zone', 'America/New_York');
	fd.append('open_from', '00:00');
	fd.append('open_to', '00:00');
	for (const d of ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']) fd.append('days', d);
	fd.append('department_ids', String(chatDept));
	const r = await w.api.request('POST', '/api/widgets', { body: fd });
	if (r.status !== 201) throw new Error(`widget: ${r.status} ${r.text}`);
	keys.push(r.json.data.public_key);
}
const busy = await agents(w, chatDept, AGENTS, 'Chat');
const idle = IDLE > 0 ? await agents(w, idleDept, IDLE, 'Idle') : [];
writeFileSync(
	SETUP,
	[...keys.map((k) => `key ${k}`), `dept ${chatDept}`, ...busy.map(([id, t]) => `agent ${id} ${t}`), ...idle.map(([id, t]) => `idle ${id} ${t}`)].join('\n') + '\n',
	{ mode: 0o600 },
);
console.log(`chat bench: a business, ${AGENTS} + ${IDLE} agents signed in, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const saved = SVCS.map((s) => readFileSync(join(s, 'run'), 'utf8'));
let rc = 1;
try {
	writeFileSync(LIMITS, '1000000,1000000,1000000,1000000\n');
	SVCS.forEach((s, i) => {
		writeFileSync(join(s, 'run'), saved[i].replace(/ -t [0-9]+/, ` -t ${THREADS}`));
		restart(s);
	});
	await ready(w.key);
	console.log(`events and visitor: ${THREADS} threads each for the run; visitor rate limits raised`);
	const r = spawnSync(
		BIN,
		[
			'--port', new URL(BASE_URL).port || '80', '--setup', SETUP,
			'--chats', String(CHATS), '--polls', String(POLLS),
			'--visitor-polls', String(env('CHAT_VISITOR_POLLS', 1)), '--secs', String(env('CHAT_SECS', 10)),
			'--rate', String(env('CHAT_RATE', 0)), '--race', String(env('CHAT_RACE', 200)),
			'--addrs', String(env('CHAT_ADDRS', 1)), '--watch', pids(), '--db-socket', DB_SOCKET,
		],
		{ stdio: 'inherit' },
	);
	rc = r.status ?? 1;
} finally {
	if (existsSync(LIMITS)) unlinkSync(LIMITS);
	if (existsSync(SETUP)) unlinkSync(SETUP);
	SVCS.forEach((s, i) => {
		writeFileSync(join(s, 'run'), saved[i]);
		restart(s);
	});
	await ready(w.key);
}
process.exit(rc);
