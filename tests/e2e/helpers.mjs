// helpers.mjs: what the end-to-end tests share: the stack's addresses, a
// cookie-jar HTTP client on global fetch, MailDev helpers, and sign-up and
// sign-in shortcuts. Every test file makes its own users (unique e-mails),
// so the files run in any order and again on the same database.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PARLEY_ROOT =
	process.env.PARLEY_ROOT ||
	join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const MAIL_URL = (process.env.MAIL_URL || 'http://127.0.0.1:1080').replace(/\/$/, '');
// The stack's state directory: ./dev test runs its own (var/test-stack).
export const PARLEY_VAR = process.env.PARLEY_VAR || join(PARLEY_ROOT, 'var');
export const DB_SOCKET = process.env.PARLEY_DB_SOCKET || join(PARLEY_VAR, 'run', 'mysqld.sock');

/** Run SQL as root on the stack's database; rows as arrays of strings. For
 * set-ups and checks a page cannot show, never instead of the real path. */
export function sql(query) {
	const out = execFileSync(
		'mariadb',
		[`--socket=${DB_SOCKET}`, '-u', 'root', '--batch', '--skip-column-names', 'parley', '-e', query],
		{ encoding: 'utf8' },
	);
	return out
		.split('\n')
		.filter((l) => l.length)
		.map((l) => l.split('\t'));
}

function savedAdmin(name) {
	try {
		const t = readFileSync(join(PARLEY_VAR, 'super-admin.txt'), 'utf8');
		const m = t.match(new RegExp(`^${name}=(.*)$`, 'm'));
		return m ? m[1].trim() : undefined;
	} catch {
		return undefined;
	}
}

export const ADMIN_EMAIL =
	process.env.PARLEY_ADMIN_EMAIL || savedAdmin('PARLEY_ADMIN_EMAIL') || 'admin@parley.local';
export const ADMIN_PASSWORD =
	process.env.PARLEY_ADMIN_PASSWORD || savedAdmin('PARLEY_ADMIN_PASSWORD') || '';

// --- small utilities -------------------------------------------------------

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function rand(n = 8) {
	return randomBytes(n).toString('hex').slice(0, n);
}

/** A fresh address nobody has used: e2e-<random>@example.com. */
export function uniqueEmail(tag = '') {
	return `e2e-${tag ? tag + '-' : ''}${rand(12)}@example.com`;
}

/** A password that satisfies the rules (6+ characters). */
export function newPassword() {
	return `pw-${rand(10)}-Z9`;
}

/** HTML-escape as the server's templates do (& < > " '). */
export function htmlEscape(s) {
	return String(s)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;');
}

/** Decode the few entities the templates write. */
export function htmlUnescape(s) {
	return String(s)
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&#x27;/g, "'")
		.replace(/&amp;/g, '&');
}

/** The csrf hidden field of an HTML page (the first one), or undefined. */
export function csrfOf(html) {
	const m = /<input[^>]*name="csrf"[^>]*value="([^"]*)"/.exec(html || '');
	return m ? htmlUnescape(m[1]) : undefined;
}

/** The value attribute of the input named name, unescaped, or undefined. */
export function inputValue(html, name) {
	const re = new RegExp(`<input[^>]*name="${name}"[^>]*>`);
	const tag = re.exec(html || '');
	if (!tag) return undefined;
	const v = /\svalue="([^"]*)"/.exec(tag[0]);
	return v ? htmlUnescape(v[1]) : undefined;
}

/** The raw (still escaped) value attribute of the input named name. */
export function inputValueRaw(html, name) {
	const re = new RegExp(`<input[^>]*name="${name}"[^>]*>`);
	const tag = re.exec(html || '');
	if (!tag) return undefined;
	const v = /\svalue="([^"]*)"/.exec(tag[0]);
	return v ? v[1] : undefined;
}

/** The text of the error shown beside field (<p id="FIELD-error">). */
export function fieldError(html, field) {
	const m = new RegExp(`<p id="${field}-error"[^>]*>([^<]*)</p>`).exec(html || '');
	return m ? htmlUnescape(m[1]) : undefined;
}

/** The text of the form-level notice (role="alert"), if any. */
export function formError(html) {
	const m = /role="alert">(?:<svg[\s\S]*?<\/svg>)?<p>([\s\S]*?)<\/p>/.exec(html || '');
	return m ? htmlUnescape(m[1]) : undefined;
}

/** The flash notice's text (role="status"), if any. */
export function flashOf(html) {
	const m = /class="notice notice-ok" role="status">(?:<svg[\s\S]*?<\/svg>)?<p>([\s\S]*?)<\/p>/.exec(
		html || '',
	);
	return m ? htmlUnescape(m[1]) : undefined;
}

// --- the HTTP client -------------------------------------------------------

/*
 * Sign-in failures are also throttled per client address (20 per 15 minutes,
 * lib/user.h). Every test, and every re-run, comes from 127.0.0.1, so a few
 * runs of the wrong-password tests would lock every sign-in out. Each Client
 * therefore connects from its own loopback address (127.x.y.z reaches the
 * 127.0.0.1 listener on Linux), through an Agent of the undici that backs
 * global fetch. Without it, clients share 127.0.0.1.
 */
let AgentClass;
function agentFor(localAddress) {
	if (!localAddress) return undefined;
	if (AgentClass === undefined) {
		const d = globalThis[Symbol.for('undici.globalDispatcher.1')];
		AgentClass = d && typeof d.constructor === 'function' ? d.constructor : null;
	}
	return AgentClass ? new AgentClass({ localAddress }) : undefined;
}

export function randomLoopback() {
	return `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
}

async function warmFetch() {
	// The global dispatcher exists once fetch has been used.
	if (!globalThis[Symbol.for('undici.globalDispatcher.1')]) {
		try {
			await fetch(`${BASE_URL}/static/`, { redirect: 'manual' }).then((r) => r.arrayBuffer());
		} catch {
			/* the first real request will say what is wrong */
		}
	}
}

/**
 * A response: status, headers (a Headers), text, json (parsed when the body is
 * JSON), location (of a redirect) and csrf (of an HTML page).
 */
export class Client {
	constructor({ base = BASE_URL, localAddress = randomLoopback(), origin } = {}) {
		this.base = base;
		this.localAddress = localAddress;
		this.origin = origin; // sent on every non-GET when set
		this.cookies = new Map();
		this.csrf = undefined; // from the last HTML page
		this.bearer = undefined;
		this.dispatcher = undefined;
		this.ready = false;
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	cookie(name) {
		return this.cookies.get(name);
	}

	/** A new client with the same cookies (another tab of one browser). */
	clone() {
		const c = new Client({ base: this.base, localAddress: this.localAddress, origin: this.origin });
		c.cookies = new Map(this.cookies);
		c.csrf = this.csrf;
		return c;
	}

	keep(res) {
		for (const sc of res.headers.getSetCookie()) {
			const [pair, ...attrs] = sc.split(';');
			const eq = pair.indexOf('=');
			if (eq < 0) continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const maxAge = attrs
				.map((a) => a.trim().match(/^max-age=(-?\d+)$/i))
				.find(Boolean);
			if (value === '' || (maxAge && Number(maxAge[1]) <= 0)) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}

	/**
	 * request(method, path, {headers, body, bearer, noCookies})
	 * body is sent as is (a string or Buffer); see postForm/postJSON.
	 */
	async request(method, path, opts = {}) {
		if (!this.ready) {
			await warmFetch();
			this.dispatcher = agentFor(this.localAddress);
			this.ready = true;
		}
		const headers = { ...(opts.headers || {}) };
		if (!opts.noCookies && this.cookies.size && !('Cookie' in headers))
			headers.Cookie = this.cookieHeader();
		const bearer = opts.bearer !== undefined ? opts.bearer : this.bearer;
		if (bearer && !('Authorization' in headers)) headers.Authorization = `Bearer ${bearer}`;
		if (this.origin && method !== 'GET' && !('Origin' in headers)) headers.Origin = this.origin;
		const init = { method, headers, redirect: 'manual' };
		if (opts.body !== undefined) init.body = opts.body;
		if (this.dispatcher) init.dispatcher = this.dispatcher;
		if (opts.signal) init.signal = opts.signal;
		const url = path.startsWith('http') ? path : this.base + path;
		const res = await fetch(url, init);
		const text = await res.text();
		if (!opts.noCookies) this.keep(res);
		let json;
		if ((res.headers.get('content-type') || '').includes('json')) {
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
		}
		const out = {
			status: res.status,
			headers: res.headers,
			text,
			json,
			location: res.headers.get('location'),
			csrf: undefined,
		};
		if ((res.headers.get('content-type') || '').includes('text/html')) {
			out.csrf = csrfOf(text);
			if (out.csrf) this.csrf = out.csrf;
		}
		return out;
	}

	get(path, opts = {}) {
		return this.request('GET', path, opts);
	}

	/** fields: an object, an array of [k, v] pairs, or a raw urlencoded string. */
	postForm(path, fields, opts = {}) {
		let body;
		if (typeof fields === 'string') body = fields;
		else body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
		return this.request(opts.method || 'POST', path, {
			...opts,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) },
			body,
		});
	}

	/** obj: a value to JSON.stringify, or a raw string sent as is. */
	postJSON(path, obj, opts = {}) {
		const body = typeof obj === 'string' ? obj : JSON.stringify(obj);
		return this.request(opts.method || 'POST', path, {
			...opts,
			headers: { 'Content-Type': 'application/json', ...(opts.headers || {}) },
			body,
		});
	}

	putJSON(path, obj, opts = {}) {
		return this.postJSON(path, obj, { ...opts, method: 'PUT' });
	}

	/** GET path, then POST the form there with its csrf field added. */
	async submit(getPath, postPath, fields, opts = {}) {
		const page = await this.get(getPath);
		assert.equal(page.status, 200, `GET ${getPath}: ${page.status}`);
		assert.ok(page.csrf, `GET ${getPath} has no csrf field`);
		return this.postForm(postPath, { csrf: page.csrf, ...fields }, opts);
	}

	/** Sign in through the form; asserts the 303 to / (or next). */
	async login(email, password) {
		const r = await this.submit('/login', '/login', { email, password, next: '' });
		assert.equal(r.status, 303, `sign-in of ${email}: ${r.status} ${formError(r.text) || ''}`);
		assert.ok(this.cookie('pl_session'), 'sign-in set no pl_session cookie');
		return r;
	}

	/** The CSRF token for JSON calls with the session cookie. */
	async apiCsrf() {
		const r = await this.get('/api/auth/me', { bearer: null });
		assert.equal(r.status, 200, `GET /api/auth/me: ${r.status} ${r.text}`);
		return r.json.data.csrf_token;
	}
}

// --- accounts --------------------------------------------------------------

/**
 * Register an admin through POST /api/auth/signup; returns the user as the
 * API answered, plus password.
 */
export async function signup(fields = {}) {
	const user = {
		first_name: 'Ada',
		last_name: `Tester${rand(4)}`,
		phone: '+1 555 010 ' + String(randomInt(1000, 9999)),
		email: uniqueEmail(),
		password: newPassword(),
		...fields,
	};
	let r = await new Client().postJSON('/api/auth/signup', user);
	// Setup only: a gateway error (the stack busy with someone's load test)
	// is retried once with a fresh address, when the caller did not pick one.
	if ([502, 503, 504].includes(r.status) && !fields.email) {
		user.email = uniqueEmail();
		r = await new Client().postJSON('/api/auth/signup', user);
	}
	assert.equal(r.status, 201, `signup ${user.email}: ${r.status} ${r.text}`);
	return { ...r.json.data, password: user.password };
}

/** A bearer token from POST /api/auth/login. */
export async function apiToken(email, password, client = new Client()) {
	const r = await client.postJSON('/api/auth/login', { email, password });
	assert.equal(r.status, 200, `API sign-in of ${email}: ${r.status} ${r.text}`);
	assert.equal(r.json.success, true);
	return r.json.data.token;
}

/** A new client signed in through the form. */
export async function signedIn(email, password) {
	const c = new Client();
	await c.login(email, password);
	return c;
}

/** Assert the JSON error envelope; returns its error object. */
export function assertEnvelope(r, status, { code, field } = {}) {
	assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
	assert.match(r.headers.get('content-type') || '', /application\/json/);
	assert.ok(r.json, `not JSON: ${r.text.slice(0, 200)}`);
	assert.equal(r.json.success, false);
	assert.equal(typeof r.json.error, 'object');
	assert.equal(typeof r.json.error.code, 'string');
	assert.equal(typeof r.json.error.message, 'string');
	assert.ok(r.json.error.message.length > 0);
	if (code) assert.equal(r.json.error.code, code);
	if (field) {
		assert.equal(r.json.error.field, field, `error.field: ${JSON.stringify(r.json.error)}`);
		assert.ok(r.json.error.fields && r.json.error.fields[field], 'error.fields names the field');
	}
	return r.json.error;
}

// --- mail (MailDev) --------------------------------------------------------

function toAddresses(m) {
	return (m.to || []).map((t) => String(t.address || '').toLowerCase());
}

/** The messages MailDev holds to address (newest last). */
export async function mailsTo(address) {
	const r = await fetch(`${MAIL_URL}/email`);
	assert.equal(r.status, 200, `MailDev GET /email: ${r.status}`);
	const all = await r.json();
	const a = address.toLowerCase();
	return all.filter((m) => toAddresses(m).includes(a));
}

/**
 * Wait (up to timeoutMs) for a message to address whose subject matches
 * (a string or RegExp; any when omitted) and that is not in skip (ids).
 * Returns {id, subject, text, html, message}.
 */
export async function waitForMail(address, { subject, timeoutMs = 10000, skip = [] } = {}) {
	const deadline = Date.now() + timeoutMs;
	const ok = (m) =>
		!skip.includes(m.id) &&
		(subject === undefined ||
			(subject instanceof RegExp ? subject.test(m.subject) : m.subject === subject));
	for (;;) {
		const found = (await mailsTo(address)).filter(ok);
		if (found.length) {
			const m = found[found.length - 1];
			return { id: m.id, subject: m.subject, text: mailText(m), html: m.html, message: m };
		}
		if (Date.now() > deadline)
			assert.fail(`no mail to ${address}${subject ? ` (subject ${subject})` : ''} within ${timeoutMs} ms`);
		await sleep(200);
	}
}

function mailText(m) {
	if (typeof m.text === 'string' && m.text.length) return m.text;
	if (typeof m.html === 'string') return htmlUnescape(m.html.replace(/<[^>]+>/g, ''));
	return '';
}

/** The raw source of a message (headers and body as sent). */
export async function mailSource(id) {
	const r = await fetch(`${MAIL_URL}/email/${encodeURIComponent(id)}/source`);
	assert.equal(r.status, 200);
	return r.text();
}

/** The first link in text that starts with prefix (default: BASE_URL). */
export function extractLink(text, prefix = BASE_URL) {
	const esc = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const m = new RegExp(`${esc}[^\\s<>"']*`).exec(text || '');
	return m ? m[0] : undefined;
}

/** Assert nothing arrives to address (matching subject) within ms. */
export async function assertNoMail(address, { subject, ms = 3000 } = {}) {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		const found = (await mailsTo(address)).filter(
			(m) => subject === undefined || (subject instanceof RegExp ? subject.test(m.subject) : m.subject === subject),
		);
		assert.equal(found.length, 0, `unexpected mail to ${address}: ${found.map((m) => m.subject).join(', ')}`);
		await sleep(250);
	}
}

/** The path and query of a full URL on the base. */
export function pathOf(url) {
	const u = new URL(url);
	return u.pathname + u.search;
}
