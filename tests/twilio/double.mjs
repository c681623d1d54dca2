#!/usr/bin/env node
// tests/twilio/double.mjs: a small stateful stand-in for Twilio's REST API
// 2010-04-01, for the parts Parley uses, so that tests and `./dev up` never
// need a Twilio account. Prism (`prism proxy --errors`) runs in front of it
// and checks every request and answer against Twilio's own OpenAPI
// description; webhooks are signed with Twilio's own `twilio` package.
//
//   node tests/twilio/double.mjs [--host 127.0.0.1] [--port 8089]
//       [--account-sid AC...] [--auth-token HEX] [--credentials-file FILE]
//       [--state-file FILE] [--callback-delay-ms 150]
//
// Environment instead of flags: TWILIO_DOUBLE_HOST, TWILIO_DOUBLE_PORT,
// TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_DOUBLE_STATE,
// TWILIO_DOUBLE_CALLBACK_DELAY_MS. A credentials file holds the lines
// TWILIO_ACCOUNT_SID=AC... and TWILIO_AUTH_TOKEN=... (./dev keeps one in
// var/twilio-double.txt, so the token is in no command line). Without a SID
// and token it makes up a main account and prints them. With a state file, accounts and numbers survive a
// restart (messages and logs do not).
//
// Twilio's side (Basic auth with an account SID and its auth token):
//   GET  /2010-04-01/Accounts.json                 FriendlyName, Status filters
//   POST /2010-04-01/Accounts.json                 create a sub-account
//   GET  /2010-04-01/Accounts/{AC}.json            fetch (validates credentials)
//   POST /2010-04-01/Accounts/{AC}.json            FriendlyName, Status
//   GET  .../Accounts/{AC}/AvailablePhoneNumbers/US/Local.json?AreaCode=NNN
//   GET, POST .../IncomingPhoneNumbers.json        list; buy (PhoneNumber|AreaCode)
//   GET, POST, DELETE .../IncomingPhoneNumbers/{PN}.json
//   GET, POST .../Messages.json                    list; send
//   GET  .../Messages/{SM}.json
//
// The double's own side, /__double/ (not Twilio's; JSON or form bodies):
//   GET    /__double/health                 {ok, account_sid}
//   POST   /__double/reset                  forget everything but the main account
//   GET    /__double/state                  accounts (no tokens), numbers, messages
//   GET    /__double/requests[?since=N]     the requests received (no tokens)
//   DELETE /__double/requests
//   GET    /__double/webhooks[?since=N]     the webhooks it sent, with the answers
//   POST   /__double/fail                   {status, count, path, retry_after,
//                                           delay_ms, drop}: see failRule below
//   GET, DELETE /__double/fail
//   POST   /__double/outcome                {to, status: delivered|undelivered|
//                                           failed, error_code}; DELETE clears
//   POST   /__double/config                 {callback_delay_ms}
//   POST   /__double/inbound                {to, from, body, num_media}: post a
//                                           signed SMS webhook to the number's SmsUrl
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';

export const API = '/2010-04-01';
const MORE_INFO = 'https://www.twilio.com/docs/errors/';

// Twilio's documented test ("magic") numbers.
export const MAGIC = {
	buyUnavailable: '+15005550000', // 21422
	buyInvalid: '+15005550001', // 21421
	buyValid: '+15005550006',
	areaNone: '533', // 21452
	fromInvalid: '+15005550001', // 21212
	fromNotOwned: '+15005550007', // 21606
	fromQueueFull: '+15005550008', // 21611
	fromValid: '+15005550006',
	toInvalid: '+15005550001', // 21211
	toUnroutable: '+15005550002', // 21612
	toNoPermission: '+15005550003', // 21408
	toBlocked: '+15005550004', // 21610
	toNotMobile: '+15005550009', // 21614
};

const hex = (n) => crypto.randomBytes(n).toString('hex');
const newSid = (prefix) => prefix + hex(16);
const E164 = /^\+[1-9][0-9]{6,14}$/;

// RFC 2822, as Twilio writes it: "Wed, 18 Aug 2010 20:01:40 +0000".
export function rfc2822(d = new Date()) {
	return d.toUTCString().replace(/GMT$/, '+0000');
}

export class TwilioError extends Error {
	constructor(status, code, message, extra = {}) {
		super(message);
		this.status = status;
		this.code = code;
		this.extra = extra;
	}
	body() {
		return { code: this.code, message: this.message, more_info: MORE_INFO + this.code, status: this.status, ...this.extra };
	}
}
const err = (status, code, message, extra) => new TwilioError(status, code, message, extra);
const notFound = (p) => err(404, 20404, `The requested resource ${p} was not found`);
const authError = () => err(401, 20003, 'Authenticate');

function formatFriendly(e164) { // +14155550100 -> (415) 555-0100
	const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
	return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

// A form body or query string as Twilio reads it: a raw "+" is a space,
// "%2B" a plus. A repeated name gives an array.
export function parseForm(text) {
	const out = {};
	for (const [k, v] of new URLSearchParams(text)) {
		if (k in out) out[k] = [].concat(out[k], v);
		else out[k] = v;
	}
	return out;
}

const one = (v) => (Array.isArray(v) ? v[0] : v);

export class Double {
	constructor({ accountSid, authToken, callbackDelayMs = 150, stateFile = null, log = () => {} } = {}) {
		this.mainSid = accountSid || newSid('AC');
		this.mainToken = authToken || hex(16);
		if (!/^AC[0-9a-f]{32}$/.test(this.mainSid)) throw new Error(`bad account SID ${this.mainSid}`);
		this.callbackDelayMs = callbackDelayMs;
		this.stateFile = stateFile;
		this.logLine = log;
		this.timers = new Set();
		this.reset();
		if (stateFile) this.load();
	}

	reset() {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		const now = rfc2822();
		this.accounts = new Map();
		this.accounts.set(this.mainSid, {
			sid: this.mainSid, auth_token: this.mainToken, friendly_name: 'Parley local main account',
			status: 'active', owner_account_sid: this.mainSid, type: 'Full', date_created: now, date_updated: now,
			created_ms: 0,
		});
		this.numbers = new Map(); // PN sid -> number
		this.messages = new Map(); // SM sid -> message
		this.requests = []; // {n, time, method, path, query, params, auth_sid, status}
		this.webhooks = []; // {n, kind, url, params, signature, status, response}
		this.rules = []; // failure switches
		this.outcomes = new Map(); // To -> {status, error_code}
		this.seq = 0;
		this.save();
	}

	// --- persistence (accounts and numbers only) ---
	save() {
		if (!this.stateFile) return;
		const data = { main: this.mainSid, accounts: [...this.accounts.values()], numbers: [...this.numbers.values()] };
		const tmp = `${this.stateFile}.tmp`;
		fs.writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
		fs.renameSync(tmp, this.stateFile);
	}
	load() {
		let data;
		try {
			data = JSON.parse(fs.readFileSync(this.stateFile, 'utf8'));
		} catch {
			return;
		}
		if (data.main !== this.mainSid) return; // another main account: start afresh
		for (const a of data.accounts || []) if (a.sid !== this.mainSid) this.accounts.set(a.sid, a);
		for (const n of data.numbers || []) this.numbers.set(n.sid, n);
	}

	// --- shapes, as the spec's examples and the live API write them ---
	accountJson(a) {
		const base = `${API}/Accounts/${a.sid}`;
		const sub = {};
		for (const [k, p] of [['addresses', 'Addresses'], ['conferences', 'Conferences'], ['signing_keys', 'SigningKeys'],
			['transcriptions', 'Transcriptions'], ['connect_apps', 'ConnectApps'], ['sip', 'SIP'],
			['authorized_connect_apps', 'AuthorizedConnectApps'], ['usage', 'Usage'], ['keys', 'Keys'],
			['applications', 'Applications'], ['recordings', 'Recordings'], ['short_codes', 'SMS/ShortCodes'],
			['calls', 'Calls'], ['notifications', 'Notifications'], ['incoming_phone_numbers', 'IncomingPhoneNumbers'],
			['queues', 'Queues'], ['messages', 'Messages'], ['outgoing_caller_ids', 'OutgoingCallerIds'],
			['available_phone_numbers', 'AvailablePhoneNumbers'], ['balance', 'Balance']]) {
			sub[k] = `${base}/${p}.json`;
		}
		return {
			auth_token: a.auth_token, date_created: a.date_created, date_updated: a.date_updated,
			friendly_name: a.friendly_name, owner_account_sid: a.owner_account_sid, sid: a.sid,
			status: a.status, subresource_uris: sub, type: a.type, uri: `${base}.json`,
		};
	}
	numberJson(n) {
		const uri = `${API}/Accounts/${n.account_sid}/IncomingPhoneNumbers/${n.sid}.json`;
		return {
			account_sid: n.account_sid, address_requirements: 'none', address_sid: null, api_version: '2010-04-01',
			beta: false, capabilities: { voice: true, sms: true, mms: true, fax: false },
			date_created: n.date_created, date_updated: n.date_updated, emergency_status: 'Inactive',
			emergency_address_sid: null, emergency_address_status: 'unregistered', friendly_name: n.friendly_name,
			identity_sid: null, origin: 'twilio', phone_number: n.phone_number, sid: n.sid, sms_application_sid: null,
			// Unset URLs: the live API writes "", which the spec's
			// `format: uri` refuses; null is allowed (nullable).
			sms_fallback_method: 'POST', sms_fallback_url: n.sms_fallback_url || null, sms_method: n.sms_method,
			sms_url: n.sms_url || null, status_callback: n.status_callback || null,
			status_callback_method: n.status_callback_method, trunk_sid: null, uri, voice_receive_mode: 'voice',
			voice_application_sid: null, voice_caller_id_lookup: false, voice_fallback_method: 'POST',
			voice_fallback_url: null, voice_method: 'POST', voice_url: null, bundle_sid: null, status: 'in-use',
			type: 'local', subresource_uris: { assigned_add_ons: uri.replace(/\.json$/, '/AssignedAddOns.json') },
		};
	}
	messageJson(m) {
		const uri = `${API}/Accounts/${m.account_sid}/Messages/${m.sid}.json`;
		return {
			account_sid: m.account_sid, api_version: '2010-04-01', body: m.body, date_created: m.date_created,
			date_sent: m.date_sent, date_updated: m.date_updated, direction: m.direction, error_code: m.error_code,
			error_message: m.error_message, from: m.from, messaging_service_sid: null, num_media: String(m.num_media),
			num_segments: String(m.num_segments), price: null, price_unit: 'USD', sid: m.sid, status: m.status,
			subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') }, to: m.to, uri,
		};
	}
	// A page of a list, as Twilio pages: relative URIs, PageSize and Page.
	page(basePath, query, key, items) {
		const size = Math.min(Math.max(parseInt(one(query.PageSize) || '50', 10) || 50, 1), 1000);
		const pageNo = Math.max(parseInt(one(query.Page) || '0', 10) || 0, 0);
		const keep = new URLSearchParams();
		for (const [k, v] of Object.entries(query)) {
			if (['Page', 'PageSize', 'PageToken'].includes(k)) continue;
			for (const x of [].concat(v)) keep.append(k, x);
		}
		const uriFor = (p) => {
			const q = new URLSearchParams(keep);
			q.set('PageSize', String(size));
			q.set('Page', String(p));
			return `${basePath}?${q}`;
		};
		const start = pageNo * size;
		const slice = items.slice(start, start + size);
		const more = items.length > start + size;
		return {
			end: start + Math.max(slice.length - 1, 0), first_page_uri: uriFor(0),
			next_page_uri: more ? uriFor(pageNo + 1) : null, page: pageNo, page_size: size,
			previous_page_uri: pageNo > 0 ? uriFor(pageNo - 1) : null, start, uri: uriFor(pageNo), [key]: slice,
		};
	}

	// --- who may do what ---
	authenticate(header) {
		const m = /^Basic\s+(\S+)$/i.exec(header || '');
		if (!m) throw err(401, 20003, 'Authenticate');
		const text = Buffer.from(m[1], 'base64').toString('utf8');
		const i = text.indexOf(':');
		const sid = i < 0 ? text : text.slice(0, i);
		const token = i < 0 ? '' : text.slice(i + 1);
		const a = this.accounts.get(sid);
		if (!a) throw authError();
		const good = Buffer.from(a.auth_token);
		const given = Buffer.from(token);
		if (good.length !== given.length || !crypto.timingSafeEqual(good, given)) throw authError();
		// A suspended or closed account's own credentials are refused.
		if (a.status !== 'active') throw authError();
		return a;
	}
	// The account in the path, as seen by the caller: itself, or one of
	// its sub-accounts when the caller is the main account.
	target(caller, sid, reqPath) {
		const a = this.accounts.get(sid);
		if (caller.sid === sid) return a;
		if (a && caller.sid === this.mainSid && a.owner_account_sid === this.mainSid) return a;
		if (!/^AC[0-9a-f]{32}$/.test(sid)) throw notFound(reqPath);
		throw authError(); // a sibling or the parent: Twilio says Authenticate
	}
	requireActive(a) {
		if (a.status !== 'active') throw err(401, 20005, 'Account not active');
	}

	// --- Twilio's routes ---
	handleApi(method, p, query, params, caller) {
		let m;
		if (p === `${API}/Accounts.json`) {
			if (method === 'GET') {
				let list = [...this.accounts.values()].filter((a) =>
					caller.sid === this.mainSid ? true : a.sid === caller.sid);
				if (query.FriendlyName !== undefined) list = list.filter((a) => a.friendly_name === one(query.FriendlyName));
				if (query.Status !== undefined) list = list.filter((a) => a.status === one(query.Status));
				list.sort((x, y) => x.created_ms - y.created_ms);
				return [200, this.page(p, query, 'accounts', list.map((a) => this.accountJson(a)))];
			}
			if (method === 'POST') {
				if (caller.sid !== this.mainSid) throw err(403, 20403, 'Subaccounts cannot create subaccounts');
				const now = new Date();
				const name = one(params.FriendlyName) ||
					`SubAccount Created at ${now.toISOString().slice(0, 16).replace('T', ' ')}`;
				if (name.length > 64) throw err(400, 21200, 'FriendlyName is too long (64 characters at most)');
				const a = {
					sid: newSid('AC'), auth_token: hex(16), friendly_name: name, status: 'active',
					owner_account_sid: this.mainSid, type: 'Full', date_created: rfc2822(now),
					date_updated: rfc2822(now), created_ms: now.getTime() + this.seq++ / 1000,
				};
				this.accounts.set(a.sid, a);
				this.save();
				return [201, this.accountJson(a)];
			}
			return null;
		}
		if ((m = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(p))) {
			const a = this.target(caller, m[1], p);
			if (method === 'GET') return [200, this.accountJson(a)];
			if (method === 'POST') {
				const status = one(params.Status);
				if (status !== undefined && status !== a.status) {
					if (caller.sid !== this.mainSid) throw err(403, 20403, "A subaccount's status can only be changed with the main account's credentials");
					if (a.sid === this.mainSid) throw err(400, 20001, 'The main account cannot be suspended or closed through the API');
					if (!['active', 'suspended', 'closed'].includes(status)) throw err(400, 20001, `Invalid Status: ${status}`);
					if (a.status === 'closed') throw err(400, 20001, 'A closed account cannot be reopened');
					a.status = status;
					if (status === 'closed') { // Twilio releases a closed account's numbers
						for (const n of [...this.numbers.values()]) if (n.account_sid === a.sid) this.numbers.delete(n.sid);
					}
				}
				const fn = one(params.FriendlyName);
				if (fn !== undefined) a.friendly_name = fn;
				a.date_updated = rfc2822();
				this.save();
				return [200, this.accountJson(a)];
			}
			return null;
		}
		m = /^\/2010-04-01\/Accounts\/([^/]+)\/(.+)$/.exec(p);
		if (!m) return null;
		const acct = this.target(caller, m[1], p);
		this.requireActive(acct);
		const rest = m[2];
		if ((m = /^AvailablePhoneNumbers\/([A-Z]{2})\/Local\.json$/.exec(rest)) && method === 'GET') {
			if (m[1] !== 'US') return [200, this.page(p, query, 'available_phone_numbers', [])];
			const area = one(query.AreaCode);
			const list = this.available(area).slice(0, Math.min(parseInt(one(query.PageSize) || '30', 10) || 30, 30));
			return [200, this.page(p, query, 'available_phone_numbers', list.map((n) => this.availableJson(n)))];
		}
		if (rest === 'IncomingPhoneNumbers.json') {
			if (method === 'GET') {
				let list = [...this.numbers.values()].filter((n) => n.account_sid === acct.sid);
				if (query.PhoneNumber !== undefined) list = list.filter((n) => n.phone_number === one(query.PhoneNumber));
				if (query.FriendlyName !== undefined) list = list.filter((n) => n.friendly_name === one(query.FriendlyName));
				return [200, this.page(p, query, 'incoming_phone_numbers', list.map((n) => this.numberJson(n)))];
			}
			if (method === 'POST') return [201, this.numberJson(this.buy(acct, params))];
			return null;
		}
		if ((m = /^IncomingPhoneNumbers\/([^/]+)\.json$/.exec(rest))) {
			const n = this.numbers.get(m[1]);
			if (!n || n.account_sid !== acct.sid) throw notFound(p);
			if (method === 'GET') return [200, this.numberJson(n)];
			if (method === 'POST') {
				const map = { SmsUrl: 'sms_url', SmsMethod: 'sms_method', SmsFallbackUrl: 'sms_fallback_url',
					StatusCallback: 'status_callback', StatusCallbackMethod: 'status_callback_method', FriendlyName: 'friendly_name' };
				for (const [k, f] of Object.entries(map)) if (params[k] !== undefined) n[f] = one(params[k]);
				// Moving a number to another account (AccountSid) is not modelled.
				n.date_updated = rfc2822();
				this.save();
				return [200, this.numberJson(n)];
			}
			if (method === 'DELETE') {
				this.numbers.delete(n.sid);
				this.save();
				return [204, null];
			}
			return null;
		}
		if (rest === 'Messages.json') {
			if (method === 'GET') {
				let list = [...this.messages.values()].filter((x) => x.account_sid === acct.sid);
				if (query.To !== undefined) list = list.filter((x) => x.to === one(query.To));
				if (query.From !== undefined) list = list.filter((x) => x.from === one(query.From));
				list.sort((x, y) => y.n - x.n); // newest first, as Twilio lists
				return [200, this.page(p, query, 'messages', list.map((x) => this.messageJson(x)))];
			}
			if (method === 'POST') return [201, this.messageJson(this.send(acct, params))];
			return null;
		}
		if ((m = /^Messages\/([^/]+)\.json$/.exec(rest)) && method === 'GET') {
			const x = this.messages.get(m[1]);
			if (!x || x.account_sid !== acct.sid) throw notFound(p);
			return [200, this.messageJson(x)];
		}
		return null;
	}

	// The pool: +1NNN5550100..+1NNN5550199 for any area code but 533 (none).
	available(area) {
		const codes = [];
		if (area !== undefined) {
			if (!/^[2-9][0-9]{2}$/.test(area)) throw err(400, 21451, `Invalid area code: ${area}`);
			if (area === MAGIC.areaNone) return [];
			codes.push(area);
		} else {
			codes.push('415', '510', '650');
		}
		const owned = new Set([...this.numbers.values()].map((n) => n.phone_number));
		const out = [];
		for (const ac of codes) {
			if (ac === '500') {
				if (!owned.has(MAGIC.buyValid)) out.push(MAGIC.buyValid);
				continue;
			}
			for (let i = 100; i < 200; i++) {
				const num = `+1${ac}555${String(i).padStart(4, '0')}`;
				if (!owned.has(num)) out.push(num);
			}
		}
		return out;
	}
	availableJson(num) {
		return {
			friendly_name: formatFriendly(num), phone_number: num, lata: '722', locality: 'Springfield',
			rate_center: 'SPRINGFIELD', latitude: '37.770000', longitude: '-122.420000', region: 'CA',
			postal_code: '94103', iso_country: 'US', address_requirements: 'none', beta: false,
			capabilities: { voice: true, sms: true, mms: true, fax: false },
		};
	}
	inPool(num) {
		if (num === MAGIC.buyValid) return true;
		const m = /^\+1([2-9][0-9]{2})555(\d{4})$/.exec(num);
		return !!m && m[1] !== MAGIC.areaNone && +m[2] >= 100 && +m[2] < 200;
	}
	buy(acct, params) {
		const phone = one(params.PhoneNumber);
		const area = one(params.AreaCode);
		let num;
		if (phone !== undefined) {
			if (phone === MAGIC.buyUnavailable) throw err(400, 21422, 'PhoneNumber Requested is not available');
			if (phone === MAGIC.buyInvalid || !E164.test(phone)) throw err(400, 21421, 'PhoneNumber is invalid');
			const taken = [...this.numbers.values()].some((n) => n.phone_number === phone);
			if (taken || !this.inPool(phone)) throw err(400, 21422, 'PhoneNumber Requested is not available');
			num = phone;
		} else if (area !== undefined) {
			if (area === MAGIC.areaNone) throw err(400, 21452, `No phone numbers found in area code ${area}`);
			num = this.available(area)[0];
			if (!num) throw err(400, 21452, `No phone numbers found in area code ${area}`);
		} else {
			throw err(400, 21450, 'A PhoneNumber or an AreaCode is required');
		}
		for (const k of ['SmsUrl', 'StatusCallback', 'SmsFallbackUrl']) {
			const u = one(params[k]);
			if (u !== undefined && u !== '' && !/^https?:\/\/[^\s]+$/.test(u)) throw err(400, 21402, `${k} is not a valid URL: ${u}`);
		}
		const now = rfc2822();
		const n = {
			sid: newSid('PN'), account_sid: acct.sid, phone_number: num,
			friendly_name: one(params.FriendlyName) || formatFriendly(num),
			sms_url: one(params.SmsUrl) || null, sms_method: (one(params.SmsMethod) || 'POST').toUpperCase(),
			sms_fallback_url: one(params.SmsFallbackUrl) || null,
			status_callback: one(params.StatusCallback) || null,
			status_callback_method: (one(params.StatusCallbackMethod) || 'POST').toUpperCase(),
			date_created: now, date_updated: now,
		};
		this.numbers.set(n.sid, n);
		this.save();
		return n;
	}

	send(acct, params) {
		const to = one(params.To);
		const from = one(params.From);
		const body = one(params.Body);
		const media = [].concat(params.MediaUrl || []);
		if (to === undefined || to === '') throw err(400, 21604, "A 'To' phone number is required.");
		if (!from && !params.MessagingServiceSid) throw err(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
		if ((body === undefined || body === '') && media.length === 0) throw err(400, 21602, 'Message body is required.');
		if (body !== undefined && body.length > 1600) throw err(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
		if (from === MAGIC.fromInvalid || (from && !E164.test(from))) throw err(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
		if (from === MAGIC.fromQueueFull) throw err(400, 21611, "This 'From' number has exceeded the maximum number of queued messages");
		const owns = [...this.numbers.values()].some((n) => n.account_sid === acct.sid && n.phone_number === from);
		if (from === MAGIC.fromNotOwned || (from !== MAGIC.fromValid && !owns)) throw err(400, 21606, "The 'From' phone number provided is not a valid, message-capable Twilio phone number for this destination.");
		if (to === MAGIC.toInvalid || !E164.test(to)) throw err(400, 21211, `Invalid 'To' Phone Number: ${to}`);
		if (to === MAGIC.toUnroutable) throw err(400, 21612, `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.`);
		if (to === MAGIC.toNoPermission) throw err(400, 21408, `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`);
		if (to === MAGIC.toBlocked) throw err(400, 21610, 'Attempt to send to unsubscribed recipient');
		if (to === MAGIC.toNotMobile) throw err(400, 21614, `'To' number ${to} is not a valid mobile number`);
		const cb = one(params.StatusCallback);
		if (cb !== undefined && cb !== '' && !/^https?:\/\/[^\s]+$/.test(cb)) throw err(400, 21609, `Invalid StatusCallback url: ${cb}`);
		const now = rfc2822();
		const text = body || '';
		const x = {
			n: ++this.seq, sid: newSid('SM'), account_sid: acct.sid, to, from, body: text,
			num_media: media.length, num_segments: Math.max(1, Math.ceil(text.length / 153)),
			direction: 'outbound-api', status: 'queued', error_code: null, error_message: null,
			date_created: now, date_updated: now, date_sent: null, status_callback: cb || null,
		};
		this.messages.set(x.sid, x);
		this.deliver(x);
		return x;
	}

	// queued -> sent -> delivered; or -> sent -> undelivered (ErrorCode);
	// or -> failed (ErrorCode), never sent. Each step is a signed
	// StatusCallback, as Twilio posts them.
	deliver(x) {
		const o = this.outcomes.get(x.to) || { status: 'delivered', error_code: null };
		const steps = o.status === 'failed' ? ['failed'] : ['sent', o.status];
		let delay = 0;
		for (const status of steps) {
			delay += this.callbackDelayMs;
			const t = setTimeout(() => {
				this.timers.delete(t);
				if (!this.messages.has(x.sid)) return;
				x.status = status;
				x.date_updated = rfc2822();
				if (status === 'sent') x.date_sent = x.date_updated;
				if (status === 'failed' || status === 'undelivered') {
					x.error_code = o.error_code || 30008;
					x.error_message = null; // Twilio leaves it null; the code says it
				}
				if (!x.status_callback) return;
				const params = {
					AccountSid: x.account_sid, ApiVersion: '2010-04-01', From: x.from, MessageSid: x.sid,
					MessageStatus: status, SmsSid: x.sid, SmsStatus: status, To: x.to,
				};
				if (x.error_code) params.ErrorCode = String(x.error_code);
				this.webhook('status', x.status_callback, 'POST', params, x.account_sid).catch(() => {});
			}, delay);
			this.timers.add(t);
		}
	}

	// Inject an inbound SMS: post the number's SmsUrl, signed with the token
	// of the account that owns the number.
	async inbound({ to, from, body = '', num_media: numMedia = 0 }) {
		const n = [...this.numbers.values()].find((x) => x.phone_number === to);
		if (!n) throw err(404, 20404, `No bought number ${to}`);
		if (!n.sms_url) throw err(400, 21606, `The number ${to} has no SmsUrl`);
		if (!from || !E164.test(from)) throw err(400, 21212, `Invalid From: ${from}`);
		const acct = this.accounts.get(n.account_sid);
		if (acct.status !== 'active') throw err(401, 20005, 'Account not active');
		const now = rfc2822();
		const x = {
			n: ++this.seq, sid: newSid('SM'), account_sid: n.account_sid, to, from, body: String(body),
			num_media: Number(numMedia) || 0, num_segments: Math.max(1, Math.ceil(String(body).length / 153)),
			direction: 'inbound', status: 'received', error_code: null, error_message: null,
			date_created: now, date_updated: now, date_sent: now, status_callback: null,
		};
		this.messages.set(x.sid, x);
		const params = {
			ToCountry: 'US', ToState: 'CA', SmsMessageSid: x.sid, NumMedia: String(x.num_media), ToCity: '',
			FromZip: '', SmsSid: x.sid, FromState: '', SmsStatus: 'received', FromCity: '', Body: x.body,
			FromCountry: 'US', To: to, ToZip: '', NumSegments: String(x.num_segments), MessageSid: x.sid,
			AccountSid: n.account_sid, From: from, ApiVersion: '2010-04-01',
		};
		const hook = await this.webhook('inbound', n.sms_url, n.sms_method, params, n.account_sid);
		return { message_sid: x.sid, account_sid: n.account_sid, ...hook };
	}

	async webhook(kind, url, method, params, accountSid) {
		const token = this.accounts.get(accountSid).auth_token;
		let target = url;
		let body;
		let signed;
		if (method === 'GET') { // Twilio puts the parameters in the query and signs the URL alone
			const u = new URL(url);
			for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
			target = u.toString();
			signed = twilio.getExpectedTwilioSignature(token, target, {});
		} else {
			body = new URLSearchParams(params).toString();
			signed = twilio.getExpectedTwilioSignature(token, url, params);
		}
		const rec = { n: ++this.seq, kind, url: target, method, params, signature: signed, status: null, response: null, error: null };
		this.webhooks.push(rec);
		if (this.webhooks.length > 2000) this.webhooks.shift();
		try {
			const res = await fetch(target, {
				method, body, redirect: 'manual', signal: AbortSignal.timeout(15000),
				headers: {
					'X-Twilio-Signature': signed, 'User-Agent': 'TwilioProxy/1.1', Accept: '*/*',
					...(body !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
				},
			});
			rec.status = res.status;
			rec.response = (await res.text()).slice(0, 4000);
		} catch (e) {
			rec.error = String(e && e.cause ? e.cause.code || e.cause.message : e.message);
		}
		this.logLine(`webhook ${kind} ${method} ${target} -> ${rec.status ?? rec.error}`);
		return { url: target, signature: signed, params, status: rec.status, response: rec.response, error: rec.error };
	}

	// --- failure switches ---
	// {status: 429|500|503|..., count: N (default 1; 0 = until cleared),
	//  path: a regular expression the path must match, retry_after: seconds
	//  (429, default 1), delay_ms: wait before answering, delay_after_ms: do
	//  the work, then wait before answering (a client killed meanwhile never
	//  learns of it), drop: true = do the work, then close the connection
	//  without an answer, param and param_re: only requests whose form or
	//  query parameter param matches the regular expression param_re}.
	//  Without a status, the request is served (delayed, or dropped after
	//  the work).
	addRule(spec) {
		const r = {
			status: spec.status !== undefined && spec.status !== '' ? Number(spec.status) : null,
			count: spec.count !== undefined && spec.count !== '' ? Number(spec.count) : 1,
			path: spec.path ? String(spec.path) : null,
			method: spec.method ? String(spec.method).toUpperCase() : null,
			retry_after: spec.retry_after !== undefined ? Number(spec.retry_after) : 1,
			delay_ms: Number(spec.delay_ms || 0),
			delay_after_ms: Number(spec.delay_after_ms || 0),
			param: spec.param ? String(spec.param) : null,
			param_re: spec.param_re ? String(spec.param_re) : null,
			drop: spec.drop === true || spec.drop === 'true' || spec.drop === '1',
			hits: 0,
		};
		if (r.path) new RegExp(r.path); // throws on a bad pattern
		if (r.param_re) new RegExp(r.param_re);
		if (r.status === null && !r.drop && !r.delay_ms && !r.delay_after_ms)
			throw new Error('a rule needs status, drop, delay_ms or delay_after_ms');
		this.rules.push(r);
		return r;
	}
	takeRule(method, p, params = {}) {
		for (const r of this.rules) {
			if (r.path && !new RegExp(r.path).test(p)) continue;
			if (r.method && r.method !== method) continue;
			if (r.param && !new RegExp(r.param_re || '').test(String(params[r.param] ?? ''))) continue;
			r.hits++;
			if (r.count > 0 && r.hits >= r.count) this.rules.splice(this.rules.indexOf(r), 1);
			return r;
		}
		return null;
	}

	stateJson() {
		return {
			main_account_sid: this.mainSid,
			accounts: [...this.accounts.values()].map(({ auth_token: _t, created_ms: _c, ...a }) => a),
			numbers: [...this.numbers.values()],
			messages: [...this.messages.values()].map(({ n: _n, ...x }) => x),
			outcomes: Object.fromEntries(this.outcomes),
			rules: this.rules,
			callback_delay_ms: this.callbackDelayMs,
		};
	}

	// --- the HTTP side ---
	listen(port, host = '127.0.0.1') {
		this.server = http.createServer((req, res) => {
			this.serve(req, res).catch((e) => {
				this.logLine(`error: ${e.stack || e}`);
				if (!res.headersSent) send(res, 500, { code: 20500, message: 'Internal Server Error', more_info: MORE_INFO + 20500, status: 500 });
			});
		});
		this.server.keepAliveTimeout = 5000;
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => resolve(this.server.address()));
		});
	}
	close() {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
	}

	async serve(req, res) {
		const u = new URL(req.url, 'http://double.invalid');
		const raw = await readBody(req);
		if (u.pathname.startsWith('/__double/')) return this.control(req.method, u, raw, req, res);
		const query = parseForm(u.search.slice(1));
		const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
		const params = req.method === 'POST' && type === 'application/x-www-form-urlencoded' ? parseForm(raw) : {};
		const entry = {
			n: ++this.seq, time: new Date().toISOString(), method: req.method, path: u.pathname, query, params,
			auth_sid: basicSid(req.headers.authorization), status: null,
		};
		this.requests.push(entry);
		if (this.requests.length > 5000) this.requests.shift();
		const rule = this.takeRule(req.method, u.pathname, { ...query, ...params });
		if (rule && rule.delay_ms) await sleep(rule.delay_ms);
		if (rule && rule.status !== null) {
			const e = rule.status === 429 ? err(429, 20429, 'Too Many Requests')
				: err(rule.status, rule.status === 503 ? 20503 : 20500, rule.status === 503 ? 'Service Unavailable' : 'Internal Server Error');
			entry.status = e.status;
			entry.injected = true;
			if (rule.drop) return req.socket.destroy();
			return send(res, e.status, e.body(), rule.status === 429 ? { 'Retry-After': String(rule.retry_after) } : {});
		}
		let status;
		let body;
		try {
			if (req.method === 'POST' && raw.length > 0 && type !== 'application/x-www-form-urlencoded') {
				throw err(415, 20415, 'Unsupported Media Type');
			}
			const caller = this.authenticate(req.headers.authorization);
			const out = this.handleApi(req.method, u.pathname, query, params, caller);
			if (!out) throw notFound(u.pathname);
			[status, body] = out;
		} catch (e) {
			if (!(e instanceof TwilioError)) throw e;
			[status, body] = [e.status, e.body()];
		}
		entry.status = status;
		if (rule && rule.delay_after_ms) await sleep(rule.delay_after_ms);
		if (rule && rule.drop) {
			entry.dropped = true;
			return req.socket.destroy();
		}
		const headers = status === 401 ? { 'WWW-Authenticate': 'Basic realm="Twilio API"' } : {};
		return send(res, status, body, headers);
	}

	async control(method, u, raw, req, res) {
		const p = u.pathname.slice('/__double'.length);
		let input = {};
		const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
		if (raw) {
			try {
				input = type === 'application/json' ? JSON.parse(raw) : parseForm(raw);
			} catch {
				return send(res, 400, { error: 'bad JSON' });
			}
		}
		const since = Number(u.searchParams.get('since') || 0);
		try {
			if (p === '/health' && method === 'GET') return send(res, 200, { ok: true, account_sid: this.mainSid });
			if (p === '/reset' && method === 'POST') {
				this.reset();
				return send(res, 200, { ok: true });
			}
			if (p === '/state' && method === 'GET') return send(res, 200, this.stateJson());
			if (p === '/requests' && method === 'GET') return send(res, 200, { requests: this.requests.filter((r) => r.n > since), seq: this.seq });
			if (p === '/requests' && method === 'DELETE') {
				this.requests = [];
				return send(res, 200, { ok: true, seq: this.seq });
			}
			if (p === '/webhooks' && method === 'GET') return send(res, 200, { webhooks: this.webhooks.filter((w) => w.n > since), seq: this.seq });
			if (p === '/fail' && method === 'POST') return send(res, 200, { rule: this.addRule(input), rules: this.rules });
			if (p === '/fail' && method === 'GET') return send(res, 200, { rules: this.rules });
			if (p === '/fail' && method === 'DELETE') {
				this.rules = [];
				return send(res, 200, { ok: true });
			}
			if (p === '/outcome' && method === 'POST') {
				const to = one(input.to ?? input.To);
				const status = one(input.status ?? input.Status) || 'delivered';
				if (!to || !['delivered', 'undelivered', 'failed'].includes(status)) {
					return send(res, 400, { error: 'want to and status delivered|undelivered|failed' });
				}
				const code = one(input.error_code ?? input.ErrorCode);
				this.outcomes.set(to, { status, error_code: status === 'delivered' ? null : Number(code || 30008) });
				return send(res, 200, { outcomes: Object.fromEntries(this.outcomes) });
			}
			if (p === '/outcome' && method === 'DELETE') {
				this.outcomes.clear();
				return send(res, 200, { ok: true });
			}
			if (p === '/config' && method === 'POST') {
				const d = one(input.callback_delay_ms);
				if (d !== undefined) this.callbackDelayMs = Math.max(0, Number(d));
				return send(res, 200, { callback_delay_ms: this.callbackDelayMs });
			}
			if (p === '/inbound' && method === 'POST') {
				const out = await this.inbound({
					to: one(input.to ?? input.To), from: one(input.from ?? input.From),
					body: one(input.body ?? input.Body) ?? '', num_media: one(input.num_media ?? input.NumMedia) ?? 0,
				});
				return send(res, 200, out);
			}
		} catch (e) {
			if (e instanceof TwilioError) return send(res, e.status, e.body());
			return send(res, 400, { error: String(e.message || e) });
		}
		return send(res, 404, { error: `no control endpoint ${method} ${u.pathname}` });
	}
}

function basicSid(header) {
	const m = /^Basic\s+(\S+)$/i.exec(header || '');
	if (!m) return null;
	const text = Buffer.from(m[1], 'base64').toString('utf8');
	return text.split(':')[0]; // the SID only; the token is never kept
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > 1 << 20) {
				reject(new Error('body too large'));
				req.destroy();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function send(res, status, body, headers = {}) {
	if (body === null || status === 204) {
		res.writeHead(status, headers);
		return res.end();
	}
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	return res.end(text);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
	const out = {};
	for (let i = 0; i < argv.length; i++) {
		const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
		if (!m) throw new Error(`unknown argument ${argv[i]}`);
		out[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
	}
	return out;
}

async function main() {
	const a = parseArgs(process.argv.slice(2));
	const env = process.env;
	const host = a.host || env.TWILIO_DOUBLE_HOST || '127.0.0.1';
	const port = Number(a.port || env.TWILIO_DOUBLE_PORT || 8089);
	const file = {};
	if (a['credentials-file']) {
		for (const line of fs.readFileSync(a['credentials-file'], 'utf8').split('\n')) {
			const m = /^\s*(TWILIO_ACCOUNT_SID|TWILIO_AUTH_TOKEN)=(\S*)\s*$/.exec(line);
			if (m) file[m[1]] = m[2];
		}
	}
	const sid = a['account-sid'] || file.TWILIO_ACCOUNT_SID || env.TWILIO_ACCOUNT_SID || '';
	const token = a['auth-token'] || file.TWILIO_AUTH_TOKEN || env.TWILIO_AUTH_TOKEN || '';
	const d = new Double({
		accountSid: sid, authToken: token,
		callbackDelayMs: Number(a['callback-delay-ms'] || env.TWILIO_DOUBLE_CALLBACK_DELAY_MS || 150),
		stateFile: a['state-file'] || env.TWILIO_DOUBLE_STATE || null,
		log: (line) => console.log(line),
	});
	await d.listen(port, host);
	console.log(`twilio double on http://${host}:${port}/ main account ${d.mainSid}` +
		(token ? ' (token as given)' : ` auth token ${d.mainToken}`));
	const stop = () => d.close().then(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((e) => {
		console.error(`double: ${e.message}`);
		process.exit(1);
	});
}
