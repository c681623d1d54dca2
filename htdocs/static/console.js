// console.js: the agent console, live. The server renders the page so that
// it works without JavaScript (lists, the open chat, plain forms); this
// takes over: it reads /api/console (the lists and the cursor of
// /api/events as of before they were read), follows /api/events from
// there and applies each event (offer.new, offer.gone, chat.assigned,
// chat.removed, message.new, typing, read) to the lists and the open chat
// without a reload. Moves go to the /api/ twins with the page's CSRF token.
// Every piece of user text reaches the DOM through textContent.
'use strict';
(function () {
	var root = document.getElementById('console');
	if (!root) return;
	var $ = function (id) { return document.getElementById(id); };
	var csrf = root.getAttribute('data-csrf');
	var me = Number(root.getAttribute('data-me'));
	var supervises = root.getAttribute('data-supervises') === '1';
	var cursor = null;
	var offers = new Map(); // id -> chat
	var ongoing = new Map(); // id -> chat
	var agents = [];
	var depts = [];
	var open = null; // {id, chat, msgs: Map, steps: Map, gone: why}
	var typingTimer = null;
	var lastTyping = 0;
	var pollN = 0;

	// --- helpers -------------------------------------------------------
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined && text !== null) e.textContent = String(text);
		return e;
	}
	function api(method, path, body) {
		var h = { Accept: 'application/json' };
		if (method !== 'GET') h['X-CSRF-Token'] = csrf;
		if (body) h['Content-Type'] = 'application/json';
		return fetch('/api' + path, {
			method: method, headers: h, credentials: 'same-origin', cache: 'no-store',
			body: body ? JSON.stringify(body) : undefined
		}).then(function (r) {
			return r.json().catch(function () { return {}; }).then(function (j) {
				return { status: r.status, json: j, data: j.data, error: j.error };
			});
		});
	}
	function errText(r) {
		return (r.error && r.error.message) || 'Something went wrong; try again.';
	}
	function rid() {
		var b = new Uint8Array(12);
		crypto.getRandomValues(b);
		return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
	}
	function timeLabel(iso) {
		var d = new Date(iso);
		return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
	}
	var live = el('p', 'visually-hidden');
	live.setAttribute('aria-live', 'polite');
	root.appendChild(live);
	function say(t) { live.textContent = t; }

	// --- notifications: a short tone and, when allowed, a system one ------
	var audio = null;
	function beep() {
		try {
			audio = audio || new (window.AudioContext || window.webkitAudioContext)();
			var o = audio.createOscillator();
			var g = audio.createGain();
			o.frequency.value = 880;
			g.gain.setValueAtTime(0.08, audio.currentTime);
			g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
			o.connect(g);
			g.connect(audio.destination);
			o.start();
			o.stop(audio.currentTime + 0.35);
		} catch (e) { /* no sound: the list still shows it */ }
	}
	function notify(title, body, id) {
		if (!document.hidden && open && open.id === id) return;
		beep();
		if (document.hidden && window.Notification && Notification.permission === 'granted') {
			try {
				var n = new Notification(title, { body: body || '', tag: 'parley-' + id });
				n.onclick = function () { window.focus(); openChat(id); n.close(); };
			} catch (e) { /* some browsers refuse here */ }
		}
	}
	var tools = $('cs-tools');
	if (tools && window.Notification && Notification.permission === 'default') {
		var nb = el('button', 'btn btn-ghost btn-small', 'Turn on notifications');
		nb.type = 'button';
		nb.addEventListener('click', function () {
			if (audio === null) beep();
			Notification.requestPermission().then(function () { nb.remove(); });
		});
		tools.appendChild(nb);
	}

	// --- the lists -----------------------------------------------------
	function formBtn(label, cls, fn) {
		var b = el('button', 'btn btn-small ' + cls, label);
		b.type = 'button';
		b.addEventListener('click', fn);
		return b;
	}
	function itemLink(c, last) {
		var a = el('a', 'cs-open');
		a.href = '/conversations/' + Number(c.id);
		a.appendChild(el('span', 'cs-name', c.name || 'Visitor'));
		a.appendChild(el('span', 'cs-sub', c.website || ''));
		a.appendChild(el('span', 'cs-last', last || ''));
		a.addEventListener('click', function (ev) {
			if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
			ev.preventDefault();
			openChat(Number(c.id));
		});
		return a;
	}
	function renderLists() {
		var ul = $('cs-offers');
		ul.textContent = '';
		offers.forEach(function (c) {
			var li = el('li', 'cs-item cs-offer');
			li.setAttribute('data-id', String(Number(c.id)));
			if (open && open.id === Number(c.id)) li.classList.add('is-open');
			var a = itemLink(c, c.first_message);
			if (c.transferred_by_name) a.appendChild(el('span', 'cs-tag', 'Transferred by ' + c.transferred_by_name));
			li.appendChild(a);
			var act = el('div', 'cs-actions');
			act.appendChild(formBtn('Accept', 'btn-primary', function () { accept(Number(c.id)); }));
			if (c.can_reject) act.appendChild(formBtn('Reject', 'btn-ghost', function () { move(Number(c.id), 'reject', null, 'Request rejected.'); }));
			act.appendChild(formBtn('Transfer', 'btn-ghost', function () { transferDialog(Number(c.id)); }));
			li.appendChild(act);
			ul.appendChild(li);
		});
		$('cs-new-count').textContent = String(offers.size);
		$('cs-offers-empty').hidden = offers.size !== 0;

		ul = $('cs-ongoing');
		ul.textContent = '';
		var list = Array.from(ongoing.values());
		list.forEach(function (c) {
			var li = el('li', 'cs-item');
			li.setAttribute('data-id', String(Number(c.id)));
			if (open && open.id === Number(c.id)) li.classList.add('is-open');
			var a = itemLink(c, c.last_message);
			if (c.unread > 0) {
				var b = el('span', 'cs-unread', c.unread);
				b.setAttribute('aria-label', c.unread + ' unread');
				a.appendChild(b);
			}
			li.appendChild(a);
			ul.appendChild(li);
		});
		$('cs-ongoing-count').textContent = String(ongoing.size);
		$('cs-ongoing-empty').hidden = ongoing.size !== 0;
		var unread = list.reduce(function (n, c) { return n + (c.unread > 0 ? c.unread : 0); }, 0);
		document.title = (offers.size + unread ? '(' + (offers.size + unread) + ') ' : '') + 'Console · Parley';
	}
	// Newest activity first, as the server orders them.
	function bump(id) {
		var c = ongoing.get(id);
		if (!c) return;
		ongoing.delete(id);
		var rest = Array.from(ongoing.entries());
		ongoing.clear();
		ongoing.set(id, c);
		rest.forEach(function (e) { ongoing.set(e[0], e[1]); });
	}

	// --- the open chat -------------------------------------------------
	var pane = $('cs-chat');
	var side = $('cs-contact');

	function status(c) {
		if (c.status === 'new') return c.offered ? 'New request' : 'Waiting';
		if (c.status === 'ongoing') return c.holder ? 'Ongoing' : 'Ongoing with ' + (c.agent || 'another agent');
		return c.status === 'resolved' ? 'Resolved' : 'Closed';
	}
	function canSend() {
		return open && !open.gone && open.chat.status === 'ongoing' && open.chat.holder;
	}

	function renderPane() {
		pane.textContent = '';
		side.textContent = '';
		root.classList.toggle('console-open', !!open);
		if (!open) {
			var none = el('div', 'cs-none');
			none.appendChild(el('h2', 'cs-title', 'No conversation open'));
			none.appendChild(el('p', 'muted', 'Accept a new request or pick an ongoing chat.'));
			pane.appendChild(none);
			return;
		}
		var c = open.chat;
		var head = el('header', 'cs-head');
		var back = el('a', 'cs-back btn btn-ghost btn-small', '← Back');
		back.href = '/console';
		back.addEventListener('click', function (ev) { ev.preventDefault(); closePane(); });
		head.appendChild(back);
		var h = el('h2', 'cs-title', c.name || 'Visitor');
		h.id = 'cs-chat-h';
		h.tabIndex = -1;
		head.appendChild(h);
		head.appendChild(el('span', 'badge badge-info cs-status', status(c)));
		pane.appendChild(head);
		if (c.transferred_by_name && c.status === 'new')
			pane.appendChild(el('p', 'cs-transferred', 'Transferred by ' + c.transferred_by_name + (c.transfer_to ? ' to ' + c.transfer_to : '') + '.'));
		if (open.gone) pane.appendChild(el('p', 'notice notice-warn cs-gone', open.gone));

		var bar = el('div', 'cs-bar');
		if (!open.gone) {
			if (c.status === 'new' && c.offered) {
				bar.appendChild(formBtn('Accept', 'btn-primary', function () { accept(c.id); }));
				if (c.can_reject) bar.appendChild(formBtn('Reject', 'btn-ghost', function () { move(c.id, 'reject', null, 'Request rejected.'); }));
			}
			if ((c.status === 'new' && c.offered) || (c.status === 'ongoing' && c.holder))
				bar.appendChild(formBtn('Transfer', 'btn-ghost', function () { transferDialog(c.id); }));
			if (c.status === 'ongoing' && c.holder)
				bar.appendChild(formBtn('Resolve', 'btn-ghost', function () { move(c.id, 'resolve', null, 'Chat resolved.'); }));
			if (supervises && (c.status === 'new' || c.status === 'ongoing'))
				bar.appendChild(formBtn('Reassign', 'btn-ghost', function () { reassignDialog(c.id); }));
			if (supervises && c.status === 'new')
				bar.appendChild(formBtn('Close request', 'btn-warn', function () { move(c.id, 'close', null, 'Request closed.'); }));
		}
		var err = el('p', 'field-error cs-error');
		err.id = 'cs-error';
		err.hidden = true;
		err.setAttribute('role', 'alert');
		pane.appendChild(bar);
		pane.appendChild(err);

		var log = el('ol', 'cs-log');
		log.id = 'cs-log';
		log.setAttribute('aria-label', 'Messages');
		pane.appendChild(log);
		var typing = el('p', 'cs-typing');
		typing.id = 'cs-typing';
		typing.hidden = true;
		typing.setAttribute('aria-live', 'polite');
		pane.appendChild(typing);
		renderLog();
		pane.appendChild(composer(c));
		renderContact(c);
	}

	function renderLog() {
		var log = $('cs-log');
		if (!log || !open) return;
		log.textContent = '';
		var items = [];
		// "at" has the milliseconds: a message and a step of one second
		// keep their order. A live message without it sorts after them.
		open.msgs.forEach(function (m) { items.push({ t: m.at || m.created_at || '', k: 0, id: m.id, m: m }); });
		open.steps.forEach(function (s) { items.push({ t: s.at || s.created_at || '', k: 1, id: s.id, s: s }); });
		items.sort(function (a, b) { return a.t < b.t ? -1 : a.t > b.t ? 1 : a.k - b.k || a.id - b.id; });
		var lastMine = null;
		items.forEach(function (it) {
			if (it.s) {
				log.appendChild(el('li', 'cs-step', it.s.label || it.s.kind));
				return;
			}
			var m = it.m;
			var li = el('li', 'cs-msg cs-from-' + (m.sender === 'visitor' ? 'visitor' : m.sender === 'agent' ? 'agent' : 'system'));
			li.id = 'm' + Number(m.id);
			if (m.internal) li.classList.add('cs-note');
			if (m.user_id && Number(m.user_id) === me) li.classList.add('cs-mine');
			if (m.pending) li.classList.add('cs-sending');
			li.appendChild(el('span', 'cs-author', (m.author || (m.sender === 'visitor' ? open.chat.name || 'Visitor' : m.sender === 'agent' ? 'Agent' : 'Parley')) + (m.internal ? ' · internal note' : '')));
			li.appendChild(el('p', 'cs-body', m.body));
			var t = el('time', null, timeLabel(m.created_at));
			if (m.created_at) t.dateTime = m.created_at;
			li.appendChild(t);
			log.appendChild(li);
			if (m.sender === 'agent' && !m.internal && !m.pending) lastMine = { li: li, id: Number(m.id) };
		});
		if (lastMine && open.chat.visitor_read_id && Number(open.chat.visitor_read_id) >= lastMine.id)
			lastMine.li.appendChild(el('span', 'cs-seen', 'Seen'));
		log.scrollTop = log.scrollHeight;
	}

	function composer(c) {
		var f = el('form', 'cs-composer');
		f.id = 'cs-composer';
		var note = !canSend();
		var lab = el('label', 'visually-hidden', 'Message');
		lab.htmlFor = 'cs-body';
		var ta = el('textarea');
		ta.id = 'cs-body';
		ta.rows = 2;
		ta.maxLength = 4000;
		var tg = el('label', 'cs-note-toggle');
		var cb = el('input');
		cb.type = 'checkbox';
		cb.id = 'cs-note-mode';
		cb.checked = note;
		cb.disabled = !canSend();
		tg.appendChild(cb);
		tg.appendChild(document.createTextNode(' Internal note (staff only)'));
		var send = el('button', 'btn btn-primary btn-small', note ? 'Add note' : 'Send');
		send.type = 'submit';
		function mode() {
			f.classList.toggle('is-note', cb.checked);
			ta.placeholder = cb.checked ? 'Write an internal note: only staff see it' : 'Write a message (Enter sends, Shift+Enter for a new line)';
			send.textContent = cb.checked ? 'Add note' : 'Send';
		}
		cb.addEventListener('change', function () { mode(); ta.focus(); });
		mode();
		var errp = el('p', 'field-error');
		errp.id = 'cs-body-error';
		errp.hidden = true;
		f.appendChild(lab);
		f.appendChild(ta);
		f.appendChild(errp);
		var row = el('div', 'cs-compose-actions');
		row.appendChild(tg);
		row.appendChild(send);
		f.appendChild(row);
		ta.addEventListener('keydown', function (ev) {
			if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
				ev.preventDefault();
				f.requestSubmit();
			}
		});
		ta.addEventListener('input', function () {
			if (cb.checked || !canSend() || !ta.value) return;
			var now = Date.now();
			if (now - lastTyping < 3000) return;
			lastTyping = now;
			api('POST', '/conversations/' + c.id + '/typing');
		});
		f.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var text = ta.value.trim();
			if (!text || !open) return;
			sendMsg(c.id, text, cb.checked, errp, ta);
		});
		return f;
	}

	function sendMsg(id, text, note, errp, ta) {
		var cid = rid();
		var tmp = { id: 1e15 + Date.now(), sender: 'agent', user_id: me, author: 'You', body: text, internal: note, client_id: cid, created_at: new Date().toISOString(), pending: true };
		open.msgs.set('c:' + cid, tmp);
		ta.value = '';
		errp.hidden = true;
		ta.removeAttribute('aria-invalid');
		renderLog();
		var tries = 0;
		(function go() {
			api('POST', '/conversations/' + id + '/' + (note ? 'notes' : 'messages'), { client_id: cid, body: text }).then(function (r) {
				if (!open || open.id !== id) return;
				open.msgs.delete('c:' + cid);
				if (r.status === 200 || r.status === 201) {
					addMsg(r.data);
				} else {
					renderLog();
					ta.value = text;
					errp.textContent = errText(r);
					errp.hidden = false;
					ta.setAttribute('aria-invalid', 'true');
				}
			}, function () {
				// The same client id: a retry never doubles the message.
				if (++tries < 5) setTimeout(go, 1000 * tries);
				else { errp.textContent = 'Not sent: no connection.'; errp.hidden = false; }
			});
		})();
		lastTyping = 0;
	}

	function addMsg(m) {
		if (!open || Number(m.conversation_id) !== open.id) return false;
		if (m.client_id) open.msgs.delete('c:' + m.client_id);
		open.msgs.set(Number(m.id), m);
		renderLog();
		return true;
	}

	function renderContact(c) {
		side.appendChild(el('h2', 'cs-contact-name', c.name || 'Visitor'));
		var dl = el('dl', 'cs-facts');
		function row(k, v, href) {
			dl.appendChild(el('dt', null, k));
			var dd = el('dd');
			if (!v) dd.appendChild(el('span', 'muted', 'None'));
			else if (href) {
				var a = el('a', null, v);
				a.href = href;
				if (/^https?:/.test(href)) { a.rel = 'noopener noreferrer nofollow'; a.target = '_blank'; }
				dd.appendChild(a);
			} else dd.textContent = v;
			dl.appendChild(dd);
		}
		row('E-mail', c.email, c.email ? 'mailto:' + c.email : null);
		row('Phone', c.phone, c.phone ? 'tel:' + c.phone : null);
		row('Website', c.website, /^https?:\/\//.test(c.website || '') ? c.website : null);
		row('Department', c.department || 'Any');
		row('Channel', c.channel);
		row('Rejected', String(c.reject_count || 0) + ' times');
		side.appendChild(dl);
		side.appendChild(el('h3', 'cs-group', 'Past chats'));
		var past = open.past || [];
		if (!past.length) side.appendChild(el('p', 'muted', 'None.'));
		else {
			var ul = el('ul', 'cs-past');
			past.forEach(function (p) {
				var li = el('li');
				var a = el('a', null, p.started_at ? new Date(p.started_at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : 'Chat ' + p.id);
				a.href = '/conversations/' + Number(p.id);
				a.addEventListener('click', function (ev) { ev.preventDefault(); openChat(Number(p.id)); });
				li.appendChild(a);
				ul.appendChild(li);
			});
			side.appendChild(ul);
		}
		if (c.contact_id) {
			var p = el('p');
			var a = el('a', null, 'Contact page');
			a.href = '/contacts/' + Number(c.contact_id);
			p.appendChild(a);
			side.appendChild(p);
		}
	}

	function markRead() {
		if (!open || !open.chat.holder || open.chat.status !== 'ongoing' || document.hidden) return;
		var upto = 0;
		open.msgs.forEach(function (m) { if (m.sender === 'visitor' && Number(m.id) > upto && !m.pending) upto = Number(m.id); });
		if (!upto || upto <= (open.readUpto || 0)) return;
		open.readUpto = upto;
		var c = ongoing.get(open.id);
		if (c) { c.unread = 0; renderLists(); }
		api('POST', '/conversations/' + open.id + '/read', { upto: upto });
	}

	function openChat(id, noPush) {
		return api('GET', '/conversations/' + id).then(function (r) {
			if (r.status !== 200) { say(errText(r)); return; }
			open = { id: id, chat: r.data.chat, msgs: new Map(), steps: new Map(), past: r.data.past_chats || [], gone: null, readUpto: Number(r.data.chat.agent_read_id) || 0 };
			r.data.messages.forEach(function (m) { open.msgs.set(Number(m.id), m); });
			r.data.steps.forEach(function (s) { open.steps.set(Number(s.id), s); });
			if (!noPush && location.pathname !== '/conversations/' + id) history.pushState({ id: id }, '', '/conversations/' + id);
			renderPane();
			renderLists();
			markRead();
			var ta = $('cs-body');
			if (ta) ta.focus();
		});
	}
	function closePane() {
		open = null;
		if (location.pathname !== '/console') history.pushState({}, '', '/console');
		renderPane();
		renderLists();
		var first = document.querySelector('#cs-offers .cs-open, #cs-ongoing .cs-open');
		if (first) first.focus();
	}
	// Re-read the open chat (after a move), keeping its place.
	function refresh() { if (open) return openChat(open.id, true); }
	window.addEventListener('popstate', function () {
		var m = /^\/conversations\/(\d+)$/.exec(location.pathname);
		if (m) openChat(Number(m[1]), true);
		else { open = null; renderPane(); renderLists(); }
	});

	// --- moves ---------------------------------------------------------
	function showErr(t) {
		var p = $('cs-error');
		if (p) { p.textContent = t; p.hidden = false; }
		say(t);
	}
	function move(id, what, body, done) {
		return api('POST', '/conversations/' + id + '/' + what, body).then(function (r) {
			if (r.status === 200) {
				say(done);
				if (what === 'reject' || what === 'close') offers.delete(id);
				if (what === 'resolve' || what === 'transfer' || what === 'reassign') ongoing.delete(id);
				if (what === 'transfer') offers.delete(id);
				renderLists();
				if (open && open.id === id) {
					if (what === 'reassign') refresh();
					else closePane();
				}
				return r;
			}
			if (r.status === 409 || r.status === 404) offers.delete(id);
			renderLists();
			if (open && open.id === id) showErr(errText(r));
			else say(errText(r));
			return r;
		});
	}
	function accept(id) {
		return api('POST', '/conversations/' + id + '/accept').then(function (r) {
			if (r.status === 200) {
				var c = offers.get(id) || r.data;
				offers.delete(id);
				ongoing.set(id, r.data || c);
				bump(id);
				renderLists();
				say('Accepted: the chat is yours.');
				return openChat(id);
			}
			offers.delete(id);
			renderLists();
			if (open && open.id === id) { open.gone = errText(r); renderPane(); }
			else alertBox(errText(r));
		});
	}
	function alertBox(t) {
		var p = $('cs-flash');
		if (!p) {
			p = el('p', 'notice notice-error cs-flash');
			p.id = 'cs-flash';
			p.setAttribute('role', 'alert');
			root.parentNode.insertBefore(p, root);
		}
		p.textContent = t;
		p.hidden = false;
		setTimeout(function () { p.hidden = true; }, 8000);
	}

	// A small modal: <dialog> with a form, keyboard first (Escape cancels,
	// focus returns where it was).
	function dialog(title, build, submit) {
		var back = document.activeElement;
		var d = el('dialog', 'cs-dialog');
		var f = el('form', 'form');
		f.method = 'dialog';
		var h = el('h2', 'panel-title', title);
		f.appendChild(h);
		build(f);
		var err = el('p', 'field-error');
		err.hidden = true;
		f.appendChild(err);
		var row = el('div', 'form-actions');
		var ok = el('button', 'btn btn-primary btn-small', title);
		ok.type = 'submit';
		var no = el('button', 'btn btn-ghost btn-small', 'Cancel');
		no.type = 'button';
		no.addEventListener('click', function () { d.close(); });
		row.appendChild(ok);
		row.appendChild(no);
		f.appendChild(row);
		d.appendChild(f);
		f.addEventListener('submit', function (ev) {
			ev.preventDefault();
			submit(f).then(function (r) {
				if (r && r.status === 200) d.close();
				else if (r) { err.textContent = errText(r); err.hidden = false; }
			});
		});
		d.addEventListener('close', function () { d.remove(); if (back && back.isConnected) back.focus(); });
		document.body.appendChild(d);
		d.showModal();
		var first = f.querySelector('input, select');
		if (first) first.focus();
	}
	function select(name, label, list) {
		var wrap = el('div', 'field');
		var l = el('label', null, label);
		l.htmlFor = 'dlg-' + name;
		var s = el('select');
		s.id = 'dlg-' + name;
		s.name = name;
		list.forEach(function (o) {
			var op = el('option', null, o.name + (o.detail ? ' (' + o.detail + ')' : ''));
			op.value = String(o.id);
			s.appendChild(op);
		});
		wrap.appendChild(l);
		wrap.appendChild(s);
		return wrap;
	}
	function transferDialog(id) {
		dialog('Transfer', function (f) {
			var kinds = el('fieldset', 'cs-kinds');
			kinds.appendChild(el('legend', null, 'Transfer to'));
			[['agent', 'An agent'], ['department', 'A department']].forEach(function (k, i) {
				var l = el('label');
				var r = el('input');
				r.type = 'radio';
				r.name = 'kind';
				r.value = k[0];
				r.checked = i === 0;
				r.addEventListener('change', function () {
					f.querySelector('#dlg-to_agent_id').parentNode.hidden = r.value !== 'agent';
					f.querySelector('#dlg-to_department_id').parentNode.hidden = r.value !== 'department';
				});
				l.appendChild(r);
				l.appendChild(document.createTextNode(' ' + k[1]));
				kinds.appendChild(l);
			});
			f.appendChild(kinds);
			f.appendChild(select('to_agent_id', 'Agent', agents));
			var dsel = select('to_department_id', 'Department', depts);
			dsel.hidden = true;
			f.appendChild(dsel);
		}, function (f) {
			var kind = f.querySelector('input[name=kind]:checked').value;
			var body = kind === 'agent' ? { to_agent_id: Number(f.to_agent_id.value) } : { to_department_id: Number(f.to_department_id.value) };
			return move(id, 'transfer', body, 'Chat transferred.');
		});
	}
	function reassignDialog(id) {
		dialog('Reassign', function (f) {
			f.appendChild(select('agent_id', 'To agent', agents));
		}, function (f) {
			return move(id, 'reassign', { agent_id: Number(f.agent_id.value) }, 'Chat reassigned.');
		});
	}

	// --- events --------------------------------------------------------
	function onEvent(e) {
		var d = e.data || {};
		var id = Number(d.conversation_id || d.id);
		switch (e.event) {
		case 'offer.new':
			offers.set(id, d);
			renderLists();
			notify('New request from ' + (d.name || 'a visitor'), d.first_message || d.message || '', id);
			say('New request from ' + (d.name || 'a visitor') + '.');
			if (open && open.id === id) refresh();
			break;
		case 'offer.gone':
			offers.delete(id);
			renderLists();
			if (open && open.id === id && !ongoing.has(id)) {
				open.gone = d.why === 'taken' ? 'Already accepted by ' + (d.by || 'another agent') + '.' :
					d.why === 'closed' ? 'The request was closed' + (d.by ? ' by ' + d.by : '') + '.' :
					d.why === 'withdrawn' ? 'The visitor left.' : 'This request is no longer offered to you.';
				renderPane();
			}
			break;
		case 'chat.assigned':
			offers.delete(id);
			ongoing.set(id, d);
			bump(id);
			renderLists();
			if (!open || open.id !== id) notify('Chat with ' + (d.name || 'a visitor') + ' is yours', d.last_message || '', id);
			else refresh();
			break;
		case 'chat.removed':
			ongoing.delete(id);
			renderLists();
			if (open && open.id === id) {
				open.gone = d.why === 'resolved' ? 'This chat was resolved.' :
					d.why === 'reassigned' ? 'This chat was reassigned' + (d.by ? ' by ' + d.by : '') + '.' :
					'This chat was transferred.';
				open.chat.holder = false;
				renderPane();
			}
			break;
		case 'chat.ended':
			ongoing.delete(id);
			offers.delete(id);
			renderLists();
			if (open && open.id === id) {
				open.gone = 'The visitor ended the chat.';
				open.chat.status = 'closed';
				renderPane();
			}
			break;
		case 'message.new':
			if (open && open.id === id && addMsg(d)) {
				if (d.sender === 'visitor') { hideTyping(); markRead(); if (document.hidden) notify('Message from ' + (open.chat.name || 'the visitor'), d.body, id); }
			}
			var c = ongoing.get(id);
			if (c) {
				if (!d.internal) c.last_message = d.body;
				if (d.sender === 'visitor' && (!open || open.id !== id || document.hidden)) {
					c.unread = (c.unread || 0) + 1;
					if (!open || open.id !== id) notify('Message from ' + (c.name || 'a visitor'), d.body, id);
				}
				bump(id);
				renderLists();
			}
			break;
		case 'typing':
			if (open && open.id === id && d.side === 'visitor') showTyping();
			break;
		case 'read':
			if (open && open.id === id && d.side === 'visitor') {
				open.chat.visitor_read_id = Math.max(Number(open.chat.visitor_read_id) || 0, Number(d.upto) || 0);
				renderLog();
			}
			break;
		}
	}
	function showTyping() {
		var p = $('cs-typing');
		if (!p) return;
		p.textContent = (open.chat.name || 'The visitor') + ' is typing…';
		p.hidden = false;
		clearTimeout(typingTimer);
		typingTimer = setTimeout(hideTyping, 5000);
	}
	function hideTyping() {
		var p = $('cs-typing');
		if (p) p.hidden = true;
		clearTimeout(typingTimer);
	}
	document.addEventListener('visibilitychange', function () { if (!document.hidden) markRead(); });

	function poll(n, delay) {
		if (n !== pollN) return;
		fetch('/api/events?cursor=' + encodeURIComponent(cursor), { credentials: 'same-origin', cache: 'no-store' })
			.then(function (r) {
				if (r.status === 401) { location.href = '/login?next=/console'; return null; }
				if (r.status === 400) { setTimeout(start, 1000); return null; } // a cursor gone stale: read again
				if (!r.ok) throw new Error(String(r.status));
				return r.json();
			})
			.then(function (j) {
				if (!j || n !== pollN) return;
				j.data.events.forEach(function (e) { try { onEvent(e); } catch (x) { /* one bad event never stops the rest */ } });
				cursor = j.data.cursor;
				poll(n, 1000);
			})
			.catch(function () {
				setTimeout(function () { poll(n, Math.min(delay * 2, 30000)); }, delay);
			});
	}

	// One read: the lists and the cursor of the streams /api/events follows
	// (the same function picks them on both sides), taken before the lists
	// were read, so what changes in between arrives as an event, and
	// applying one twice is harmless.
	function start() {
		var n = ++pollN;
		return api('GET', '/console').then(function (r) {
			if (r.status !== 200) throw new Error(String(r.status));
			offers.clear();
			ongoing.clear();
			r.data.offers.forEach(function (c) { offers.set(Number(c.id), c); });
			r.data.ongoing.forEach(function (c) { ongoing.set(Number(c.id), c); });
			agents = r.data.agents || [];
			depts = r.data.departments || [];
			cursor = r.data.cursor;
			renderLists();
			root.setAttribute('data-ready', '1');
			poll(n, 1000);
		}).catch(function () {
			return new Promise(function (ok) { setTimeout(ok, 5000); }).then(start);
		});
	}

	start().then(function () {
		var openId = Number(root.getAttribute('data-open'));
		if (openId) return openChat(openId, true);
		renderPane();
	});
})();
