// visitor-helpers.mjs: a business with a widget, for the visitor's tests
// (e2e, browser and bench). The widget row is inserted with SQL, in this one
// function, until the staff API for widgets lands; then only this changes.
import { randomBytes } from 'node:crypto';

import { rand, signup, sql } from './helpers.mjs';

/** A new business (signed up) with a widget: returns {key, id, tenant,
 * depts: [{id, name}], admin}. Open all day every day unless hours say
 * otherwise; departments are active unless named in inactive. */
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
} = {}) {
	const a = admin || (await signup());
	const [[tenant]] = sql(`SELECT tenant_id FROM users WHERE id = ${Number(a.id)}`);
	const key = randomBytes(16).toString('base64url');
	sql(
		`INSERT INTO widgets (tenant_id, public_key, website_url, website_origin, time_zone, days, open_from, open_to, active${phone ? ', number_status, phone_number' : ''}) VALUES (${tenant}, '${key}', '${origin}/', '${origin}', '${zone}', ${days}, ${from}, ${to}, ${active}${phone ? `, 'active', '${phone}'` : ''})`,
	);
	const [[id]] = sql(`SELECT id FROM widgets WHERE public_key = '${key}'`);
	const depts = [];
	for (const name of [...departments, ...inactive]) {
		const n = `${name} ${rand(4)}`;
		sql(`INSERT INTO departments (tenant_id, name, active) VALUES (${tenant}, '${n}', ${inactive.includes(name) ? 0 : 1})`);
		const [[did]] = sql(`SELECT id FROM departments WHERE tenant_id = ${tenant} AND name = '${n}'`);
		sql(`INSERT INTO widget_departments (tenant_id, widget_id, department_id) VALUES (${tenant}, ${id}, ${did})`);
		if (!inactive.includes(name)) depts.push({ id: Number(did), name: n });
	}
	return { key, id: Number(id), tenant: Number(tenant), depts, admin: a };
}

