// visitor-helpers.mjs: a business with a widget, for the visitor's tests
// (e2e, browser and bench), made the way an admin makes one: departments and
// the widget through the staff API (/api/departments, /api/widgets, a logo
// as multipart). Only a phone number is written with SQL, as the worker
// records a bought one (buying goes through the local Twilio and has its
// own test, widget-number.test.mjs).
import assert from 'node:assert/strict';

import { Client, apiToken, rand, signup, sql } from './helpers.mjs';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A new business (signed up) with a widget: returns {key, id, tenant,
 * depts: [{id, name}], admin, api}. Open all day every day unless hours say
 * otherwise (days: the bitmask, bit 0 Sunday; from and to: minutes);
 * departments are active unless named in inactive; logo: {bytes, name,
 * type} to upload with it. */
export async function makeWidget({
	days = 127,
	from = 0,
	to = 0,
	active = 1,
	zone = 'America/New_York',
	departments = ['Sales'],
	inactive = [],
	origin = 'https://shop.example.com',
	phone = null,
	admin = null,
	logo = null,
} = {}) {
	const a = admin || (await signup());
	const api = a.api || new Client();
	if (!api.bearer) api.bearer = await apiToken(a.email, a.password);
	a.api = api;
	const [[tenant]] = sql(`SELECT tenant_id FROM users WHERE id = ${Number(a.id)}`);
	const all = [];
	for (const name of [...departments, ...inactive]) {
		const n = `${name} ${rand(4)}`;
		const r = await api.postJSON('/api/departments', { name: n });
		assert.equal(r.status, 201, r.text);
		all.push({ id: r.json.data.id, name: n, inactive: inactive.includes(name) });
	}
	const fd = new FormData();
	const fields = {
		website_url: `${origin}/`, time_zone: zone, open_from: hhmm(from), open_to: hhmm(to),
		days: DAY_NAMES.filter((_, i) => days & (1 << i)), department_ids: all.map((d) => d.id),
	};
	for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, String(x));
	if (logo) fd.append('logo', new Blob([logo.bytes], { type: logo.type || 'application/octet-stream' }), logo.name);
	const w = await api.request('POST', '/api/widgets', { body: fd });
	assert.equal(w.status, 201, w.text);
	const { id, public_key: key } = w.json.data;
	for (const d of all.filter((x) => x.inactive)) {
		const r = await api.postJSON(`/api/departments/${d.id}/deactivate`, {});
		assert.equal(r.status, 200, r.text);
	}
	if (!active) {
		const r = await api.postJSON(`/api/widgets/${id}/deactivate`, {});
		assert.equal(r.status, 200, r.text);
	}
	if (phone) sql(`UPDATE widgets SET number_status = 'active', phone_number = '${phone}' WHERE id = ${Number(id)}`);
	const depts = all.filter((d) => !d.inactive).map(({ id: did, name }) => ({ id: Number(did), name }));
	return { key, id: Number(id), tenant: Number(tenant), depts, admin: a, api };
}
