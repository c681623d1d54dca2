// visitor.mjs: figures for the widget's visitors, on a running stack
// (./dev bench runs it after the others):
//   1. the bytes a visitor's browser fetches for the widget, gzipped
//      (gzip -9 here; nginx may compress less or not at all): the loader
//      (widget.js), the iframe's page (/w/KEY), its script and its styles;
//   2. starts a second (POST /api/w/KEY/conversations: a contact upsert, a
//      conversation, two events) and sends a second (POST .../messages with
//      a new client id each: a message, counters, an event), each for
//      BENCH_SECS seconds from BENCH_CLIENTS concurrent keep-alive clients
//      (Node's fetch), spread over BENCH_WIDGETS widgets of one business,
//      each client on its own loopback address.
// The rate limits would stop a bench at once, so the visitor executable is
// restarted with PARLEY_VISITOR_LIMITS raised for the run (var/env) and
// restarted again without it at the end. Prints figures; asserts nothing.
// Env: BENCH_SECS (10), BENCH_CLIENTS (32), BENCH_WIDGETS (8).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { BASE_URL, Client, PARLEY_ROOT, PARLEY_VAR, signup, sleep } from '../e2e/helpers.mjs';
import { makeWidget } from '../e2e/visitor-helpers.mjs';

const SECS = Number(process.env.BENCH_SECS || 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 32);
const WIDGETS = Number(process.env.BENCH_WIDGETS || 8);
const LIMITS = join(PARLEY_VAR, 'env', 'PARLEY_VISITOR_LIMITS');
const SVC = join(PARLEY_VAR, 'service', 'visitor');

function restart() {
	execFileSync('sv', ['-w', '30', 'restart', SVC], { stdio: 'ignore' });
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

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function sizes(key) {
	const files = [
		['loader  /static/widget.js', readFileSync(join(PARLEY_ROOT, 'htdocs/static/widget.js'))],
		['page    /w/KEY', Buffer.from(await (await fetch(`${BASE_URL}/w/${key}`)).arrayBuffer())],
		['script  /static/w.js', readFileSync(join(PARLEY_ROOT, 'htdocs/static/w.js'))],
		['styles  /static/w.css', readFileSync(join(PARLEY_ROOT, 'htdocs/static/w.css'))],
	];
	let raw = 0;
	let gz = 0;
	console.log('widget bytes (gzip -9):');
	for (const [name, b] of files) {
		const z = gzipSync(b, { level: 9 }).length;
		raw += b.length;
		gz += z;
		console.log(`  ${name.padEnd(28)} ${kb(b.length).padStart(9)} -> ${kb(z).padStart(8)}`);
	}
	console.log(`  ${'loader + widget UI'.padEnd(28)} ${kb(raw).padStart(9)} -> ${kb(gz).padStart(8)} (budget 20 KB)`);
}

/** Run fn(client, i) in CLIENTS loops for SECS seconds; requests/s and
 * latency percentiles of the 2xx answers. */
async function load(name, fn) {
	const end = Date.now() + SECS * 1000;
	const lat = [];
	let errors = 0;
	const loops = [];
	for (let c = 0; c < CLIENTS; c++) {
		const client = new Client();
		loops.push(
			(async () => {
				for (let i = 0; Date.now() < end; i++) {
					const t0 = performance.now();
					const r = await fn(client, c, i);
					if (r.status >= 200 && r.status < 300) lat.push(performance.now() - t0);
					else errors++;
				}
			})(),
		);
	}
	const t0 = Date.now();
	await Promise.all(loops);
	const s = (Date.now() - t0) / 1000;
	lat.sort((a, b) => a - b);
	const p = (q) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(1) : '-');
	console.log(
		`  ${name.padEnd(8)} ${(lat.length / s).toFixed(0).padStart(6)} req/s  (${lat.length} ok, ${errors} failed in ${s.toFixed(1)} s; p50 ${p(0.5)} ms, p99 ${p(0.99)} ms)`,
	);
}

const admin = await signup();
const widgets = [];
for (let i = 0; i < WIDGETS; i++) widgets.push(await makeWidget({ admin }));
await sizes(widgets[0].key);

writeFileSync(LIMITS, '1000000,1000000,1000000,1000000\n');
try {
	restart();
	await ready(widgets[0].key);
	console.log(`visitor API, ${CLIENTS} clients, ${WIDGETS} widgets of one business, ${SECS} s each:`);
	await load('start', (c, n, i) => {
		const w = widgets[(n + i) % WIDGETS];
		return c.postJSON(`/api/w/${w.key}/conversations`, {
			name: 'Bench Visitor',
			email: `bench-${n}-${i % 500}@bench.parley.local`,
			department_id: w.depts[0].id,
		});
	});
	// One conversation per client, then sends with fresh client ids.
	const convs = [];
	for (let c = 0; c < CLIENTS; c++) {
		const w = widgets[c % WIDGETS];
		const r = await new Client().postJSON(`/api/w/${w.key}/conversations`, {
			name: 'Bench Sender',
			email: `bench-sender-${c}@bench.parley.local`,
			department_id: w.depts[0].id,
		});
		convs.push({ w, id: r.json.data.conversation_id, token: r.json.data.token });
	}
	const run = Date.now().toString(36);
	await load('send', (c, n, i) => {
		const v = convs[n];
		return c.postJSON(
			`/api/w/${v.w.key}/conversations/${v.id}/messages`,
			{ client_id: `b${run}-${i}`, body: 'A message of an ordinary length from the bench.' },
			{ headers: { 'X-Parley-Visitor': v.token } },
		);
	});
} finally {
	if (existsSync(LIMITS)) unlinkSync(LIMITS);
	restart();
	await ready(widgets[0].key);
}
