// events.test.mjs: the long-poll endpoint, functionally: the cursor of
// "now", an empty wait, an event that wakes a parked poll, bad cursors and
// signed-out callers. (events-proof.test.mjs proves it under load.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Client, apiToken, assertEnvelope, newPassword, signedIn, signup } from './helpers.mjs';

async function poll(client, { cursor, timeout, bearer } = {}) {
	const q = new URLSearchParams();
	if (cursor !== undefined) q.set('cursor', cursor);
	if (timeout !== undefined) q.set('timeout', String(timeout));
	const t0 = Date.now();
	const r = await client.get(`/api/events${q.size ? '?' + q : ''}`, bearer ? { bearer } : {});
	return { r, ms: Date.now() - t0 };
}

async function changePassword(u, to) {
	const c = new Client();
	const tok = await apiToken(u.email, u.password, c);
	const r = await c.postJSON('/api/profile/password', { current_password: u.password, password: to, password_confirm: to }, { bearer: tok });
	assert.equal(r.status, 200, r.text);
	u.password = to;
}

test('without a cursor the answer is immediate: no events and the cursor of now', async () => {
	const u = await signup();
	const tok = await apiToken(u.email, u.password);
	const { r } = await poll(new Client(), { bearer: tok });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.success, true);
	assert.deepEqual(r.json.data.events, []);
	assert.equal(typeof r.json.data.cursor, 'string');
	assert.match(r.json.data.cursor, new RegExp(`(^|,)user-${u.id}\\.\\d+(,|$)`), 'the user follows their own stream');
	// A browser session may poll as well (a GET needs no CSRF token).
	const s = await signedIn(u.email, u.password);
	const b = await poll(s);
	assert.equal(b.r.status, 200);
	assert.equal(b.r.json.data.cursor, r.json.data.cursor);
});

test('with the cursor and timeout=1, nothing happens and the poll answers empty after the wait', async () => {
	const u = await signup();
	const tok = await apiToken(u.email, u.password);
	const c = new Client();
	const head = (await poll(c, { bearer: tok })).r.json.data.cursor;
	const { r, ms } = await poll(c, { cursor: head, timeout: 1, bearer: tok });
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.data.events, []);
	assert.equal(r.json.data.cursor, head, 'the cursor does not move without events');
	assert.ok(ms >= 500, `it waited (${ms} ms) instead of answering at once`);
	assert.ok(ms < 10000, `it answered (${ms} ms) soon after its 1 s timeout`);
	// timeout=0 answers at once.
	const z = await poll(c, { cursor: head, timeout: 0, bearer: tok });
	assert.equal(z.r.status, 200);
	assert.deepEqual(z.r.json.data.events, []);
});

test('a password change wakes a poll parked on the old cursor with PASSWORD_CHANGED', async () => {
	const u = await signup();
	const v = await signup(); // someone else, whose change must not show up
	const tok = await apiToken(u.email, u.password);
	const c = new Client();
	const head = (await poll(c, { bearer: tok })).r.json.data.cursor;
	const TIMEOUT = 20;

	const parked = poll(c, { cursor: head, timeout: TIMEOUT, bearer: tok });
	await new Promise((r) => setTimeout(r, 300)); // let it park
	await changePassword(v, newPassword());
	await changePassword(u, newPassword());
	const { r, ms } = await parked;

	assert.equal(r.status, 200, r.text);
	assert.ok(ms < TIMEOUT * 1000, `it arrived before the ${TIMEOUT} s timeout (${ms} ms)`);
	const evs = r.json.data.events;
	assert.ok(evs.length >= 1, 'an event');
	const e = evs.find((x) => x.event === 'PASSWORD_CHANGED');
	assert.ok(e, `PASSWORD_CHANGED among ${JSON.stringify(evs)}`);
	assert.equal(e.stream, `user-${u.id}`);
	assert.equal(e.data.user_id, u.id);
	assert.equal(typeof e.seq, 'number');
	assert.ok(!evs.some((x) => x.data && x.data.user_id === v.id), 'no event of another user');
	assert.notEqual(r.json.data.cursor, head, 'the cursor moved past the event');

	// Polling on from the new cursor does not repeat it.
	const tok2 = await apiToken(u.email, u.password);
	const next = await poll(c, { cursor: r.json.data.cursor, timeout: 0, bearer: tok2 });
	assert.equal(next.r.status, 200);
	assert.deepEqual(next.r.json.data.events, []);
	// From the old cursor it is still there (durable, read by cursor).
	const again = await poll(c, { cursor: head, timeout: 0, bearer: tok2 });
	assert.ok(again.r.json.data.events.some((x) => x.event === 'PASSWORD_CHANGED' && x.seq === e.seq));
});

test('a malformed cursor or timeout gets 400', async () => {
	const u = await signup();
	const tok = await apiToken(u.email, u.password);
	const c = new Client();
	for (const cursor of ['garbage', `user-${u.id}`, `user-${u.id}.`, `user-${u.id}.x`, `USER-${u.id}.1`, `user-${u.id}.-1`, `user-${u.id}.1;drop`, `user-${u.id}.99999999999999999999`, 'a.1,'.repeat(300)]) {
		const { r } = await poll(c, { cursor, timeout: 0, bearer: tok });
		assertEnvelope(r, 400, { code: 'invalid' });
	}
	for (const timeout of ['abc', '-1', '26', '1.5', '99999999999999999999']) {
		const { r } = await poll(c, { timeout, bearer: tok });
		assertEnvelope(r, 400, { field: 'timeout' });
	}
});

test('signed-out callers get 401', async () => {
	const c = new Client();
	assertEnvelope((await poll(c)).r, 401, { code: 'unauthorized' });
	assertEnvelope((await poll(c, { cursor: 'user-1.0', timeout: 1 })).r, 401);
	assertEnvelope((await poll(c, { bearer: 'garbage' })).r, 401);
});

// The long-poll executable keeps bearer identities in memory between polls;
// a change that matters must still refuse the very next poll.
test('after a password change the old token is refused by the next poll', async () => {
	const u = await signup();
	const old = await apiToken(u.email, u.password);
	const c = new Client();
	for (let i = 0; i < 2; i++) {
		const { r } = await poll(c, { bearer: old, timeout: 0, cursor: '' });
		assert.equal(r.status, 200, r.text);
	}
	await changePassword(u, newPassword());
	const { r } = await poll(c, { bearer: old, timeout: 0, cursor: '' });
	assertEnvelope(r, 401, { code: 'unauthorized' });
	const fresh = await apiToken(u.email, u.password);
	assert.equal((await poll(c, { bearer: fresh, timeout: 0, cursor: '' })).r.status, 200);
});

test('when the super admin blocks a company, its admin\'s next poll is refused; unblocking restores it', async () => {
	const u = await signup();
	const tok = await apiToken(u.email, u.password);
	const { ADMIN_EMAIL, ADMIN_PASSWORD } = await import('./helpers.mjs');
	const sup = await apiToken(ADMIN_EMAIL, ADMIN_PASSWORD);
	const c = new Client();
	assert.equal((await poll(c, { bearer: tok, timeout: 0, cursor: '' })).r.status, 200);
	let r = await c.postJSON(`/api/admins/${u.id}/block`, {}, { bearer: sup });
	assert.equal(r.status, 200, r.text);
	assertEnvelope((await poll(c, { bearer: tok, timeout: 0, cursor: '' })).r, 401, { code: 'unauthorized' });
	r = await c.postJSON(`/api/admins/${u.id}/unblock`, {}, { bearer: sup });
	assert.equal(r.status, 200, r.text);
	assert.equal((await poll(c, { bearer: tok, timeout: 0, cursor: '' })).r.status, 200);
});
