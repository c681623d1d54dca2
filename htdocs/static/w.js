// w.js: the visitor's chat inside the widget's iframe (/w/KEY): the
// pre-chat form, the department, the live chat over the long-poll, and the
// message left while the widget is closed. No cookies: the conversation's
// token lives in this origin's sessionStorage and travels in the
// X-Parley-Visitor header. Data reaches the DOM only through textContent.
'use strict';
(function () {
	var $ = function (id) { return document.getElementById(id); };
	var key = document.body.getAttribute('data-key');
	var api = '/api/w/' + encodeURIComponent(key);
	var store = 'parley:' + key;
	var conv = null; // {id, token, cursor}
	var seen = {}; // message ids shown
	var pending = {}; // client_id -> li of a message not yet confirmed
	var polling = 0;
	var lastTyping = 0; // when the visitor's typing was last told
	var typingTimer = null;
	var readUpto = 0; // the agent's messages this visitor has read
	var views = ['pw-start', 'pw-closed', 'pw-chat', 'pw-done'];

	function show(id, focus) {
		views.forEach(function (v) { $(v).hidden = v !== id; });
		if (focus) $(focus).focus();
	}
	function say(text) { $('pw-live').textContent = text; }

	function load() {
		try { return JSON.parse(sessionStorage.getItem(store)); } catch (e) { return null; }
	}
	function save() {
		try {
			if (conv) sessionStorage.setItem(store, JSON.stringify(conv));
			else sessionStorage.removeItem(store);
		} catch (e) { /* storage refused: the chat lasts as long as the page */ }
	}

	function call(method, path, body) {
		var h = { Accept: 'application/json' };
		if (body) h['Content-Type'] = 'application/json';
		if (conv) h['X-Parley-Visitor'] = conv.token;
		return fetch(api + path, {
			method: method, headers: h, credentials: 'omit', cache: 'no-store',
			body: body ? JSON.stringify(body) : undefined
		}).then(function (r) {
			return r.json().catch(function () { return {}; }).then(function (j) {
				return { status: r.status, json: j };
			});
		});
	}

	function rid() {
		var b = new Uint8Array(12);
		crypto.getRandomValues(b);
		return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
	}

	// Field errors beside their fields (prefix: "pw-" or "pw-l-").
	function errors(prefix, formErr, r) {
		var e = (r.json && r.json.error) || {};
		var f = e.fields || {};
		var named = false;
		document.querySelectorAll('[id^="' + prefix + '"][id$="-error"]').forEach(function (p) {
			if (p.id !== formErr) p.textContent = '';
		});
		Object.keys(f).forEach(function (k) {
			var p = $(prefix + k + '-error');
			var input = $(prefix + k);
			if (p) {
				p.textContent = f[k];
				named = true;
				if (input) input.setAttribute('aria-invalid', 'true');
			}
		});
		$(formErr).textContent = named ? '' : e.message || 'Something went wrong; try again.';
		var first = document.querySelector('[aria-invalid="true"]');
		if (first) first.focus();
		return f;
	}

	function clearInvalid(form) {
		form.querySelectorAll('[aria-invalid]').forEach(function (i) { i.removeAttribute('aria-invalid'); });
	}

	// What the visitor typed, checked as the server will (the server
	// checks again and names what it refuses).
	function check(prefix, v) {
		var f = {};
		if (!v.name) f.name = 'Name is required.';
		if (v.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) f.email = 'Enter a valid e-mail address.';
		if (v.phone && !/^\+?[\d\s().-]{7,32}$/.test(v.phone)) f.phone = 'Enter a valid phone number.';
		if (!v.email && !v.phone) f.email = 'Enter an e-mail address or a phone number.';
		return f;
	}

	function values(form) {
		var v = {};
		Array.prototype.forEach.call(form.elements, function (el) {
			if (!el.name || (el.type === 'radio' && !el.checked)) return;
			v[el.name] = el.value.trim();
		});
		return v;
	}

	function body(v) {
		var b = { name: v.name, email: v.email, phone: v.phone };
		if (v.department_id) b.department_id = Number(v.department_id);
		if (v.message) b.message = v.message;
		if (v.client_id) b.client_id = v.client_id;
		if (document.referrer && /^https?:/.test(document.referrer)) b.page_url = document.referrer.slice(0, 2000);
		return b;
	}

	// --- the pre-chat form ---------------------------------------------
	var startForm = $('pw-start-form');
	var several = document.querySelectorAll('#pw-step2 input[type=radio]').length > 1;

	startForm.addEventListener('submit', function (ev) {
		ev.preventDefault();
		clearInvalid(startForm);
		var v = values(startForm);
		var bad = check('pw-', v);
		if (Object.keys(bad).length) {
			errors('pw-', 'pw-start-error', { json: { error: { fields: bad } } });
			return;
		}
		if (several && $('pw-step2').hidden) {
			$('pw-start-error').textContent = '';
			$('pw-step1').hidden = true;
			$('pw-step2').hidden = false;
			$('pw-step2-h').focus();
			return;
		}
		if (several && !v.department_id) {
			errors('pw-', 'pw-start-error', { json: { error: { fields: { department_id: 'Choose a department.' } } } });
			return;
		}
		call('POST', '/conversations', body(v)).then(function (r) {
			if (r.status === 201) {
				// who: what the visitor typed, so a message after the end
				// can start the next request (4.1) without the form again.
				conv = { id: r.json.data.conversation_id, token: r.json.data.token, cursor: r.json.data.cursor,
					who: { name: v.name, email: v.email, phone: v.phone, department_id: v.department_id } };
				save();
				startChat(true);
				return;
			}
			var f = errors('pw-', 'pw-start-error', r);
			if (f.name || f.email || f.phone) {
				$('pw-step1').hidden = false;
				$('pw-step2').hidden = true;
				var first = document.querySelector('#pw-step1 [aria-invalid="true"]');
				if (first) first.focus();
			}
			if (r.status === 409) closedNow(r.json.error && r.json.error.message);
		}, function () {
			$('pw-start-error').textContent = 'No connection; try again.';
		});
	});
	$('pw-back').addEventListener('click', function () {
		$('pw-step2').hidden = true;
		$('pw-step1').hidden = false;
		$('pw-name').focus();
	});

	// The widget closed meanwhile: the leave-a-message form, keeping what
	// was typed.
	function closedNow(msg) {
		['name', 'email', 'phone'].forEach(function (k) { $('pw-l-' + k).value = $('pw-' + k).value; });
		if (msg) $('pw-closed-h').textContent = msg;
		show('pw-closed', 'pw-closed-h');
	}

	// --- leave a message -------------------------------------------------
	var leaveForm = $('pw-leave-form');
	leaveForm.addEventListener('submit', function (ev) {
		ev.preventDefault();
		clearInvalid(leaveForm);
		var v = values(leaveForm);
		var bad = check('pw-l-', v);
		if (!v.message) bad.message = 'Write your message.';
		if (Object.keys(bad).length) {
			errors('pw-l-', 'pw-leave-error', { json: { error: { fields: bad } } });
			return;
		}
		call('POST', '/messages', body(v)).then(function (r) {
			if (r.status === 201) {
				leaveForm.reset();
				$('pw-done-text').textContent = 'We have your message and will get back to you.';
				show('pw-done', 'pw-done-h');
				return;
			}
			errors('pw-l-', 'pw-leave-error', r);
		}, function () {
			$('pw-leave-error').textContent = 'No connection; try again.';
		});
	});

	// --- the chat ----------------------------------------------------------
	function line(sender, text, when, author) {
		var li = document.createElement('li');
		li.className = 'pw-msg pw-' + sender;
		var who = document.createElement('span');
		who.className = 'pw-who';
		who.textContent = sender === 'visitor' ? 'You' : sender === 'agent' ? author || 'Agent' : 'Parley';
		var p = document.createElement('p');
		p.textContent = text;
		li.appendChild(who);
		li.appendChild(p);
		if (when) {
			var t = document.createElement('time');
			t.dateTime = when;
			t.textContent = new Date(when).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
			li.appendChild(t);
		}
		$('pw-log').appendChild(li);
		li.scrollIntoView({ block: 'end' });
		return li;
	}

	function onMessage(m) {
		if (seen[m.id]) return;
		seen[m.id] = true;
		var li = m.client_id && pending[m.client_id];
		if (li) {
			li.classList.remove('pw-sending');
			li.setAttribute('data-id', String(Number(m.id)));
			delete pending[m.client_id];
			return;
		}
		li = line(m.sender, m.body, m.created_at, m.author);
		li.setAttribute('data-id', String(Number(m.id)));
		if (m.sender !== 'visitor') {
			$('pw-wait').hidden = true;
			typingOff();
			read();
		}
	}

	// The agent's side: who joined, that they type, what they have seen.
	function typingEl() {
		var p = $('pw-typing');
		if (!p) {
			p = document.createElement('p');
			p.id = 'pw-typing';
			p.className = 'pw-wait pw-typing';
			p.hidden = true;
			$('pw-log').parentNode.insertBefore(p, $('pw-send-form'));
		}
		return p;
	}
	function typingOn() {
		var p = typingEl();
		p.textContent = (agentName || 'The agent') + ' is typing…';
		p.hidden = false;
		clearTimeout(typingTimer);
		typingTimer = setTimeout(typingOff, 5000);
	}
	function typingOff() {
		clearTimeout(typingTimer);
		if ($('pw-typing')) $('pw-typing').hidden = true;
	}
	var agentName = '';
	function joined(d) {
		agentName = (d && d.agent) || '';
		$('pw-wait').hidden = true;
		// The log is a live region: the line is announced by itself.
		line('system', (agentName || 'An agent') + ' joined the chat.');
	}
	function seenUpto(upto) {
		var old = document.querySelector('#pw-log .pw-seen');
		var last = null;
		document.querySelectorAll('#pw-log .pw-visitor[data-id]').forEach(function (li) {
			if (Number(li.getAttribute('data-id')) <= upto) last = li;
		});
		if (!last) return;
		if (old) old.remove();
		var s = document.createElement('span');
		s.className = 'pw-seen';
		s.textContent = 'Seen';
		last.appendChild(s);
	}
	// Tell the agent what was read: the newest agent message, once shown.
	function read() {
		if (!conv || document.hidden) return;
		var upto = 0;
		document.querySelectorAll('#pw-log .pw-agent[data-id]').forEach(function (li) {
			upto = Math.max(upto, Number(li.getAttribute('data-id')));
		});
		if (!upto || upto <= readUpto) return;
		readUpto = upto;
		call('POST', '/conversations/' + conv.id + '/read', { upto: upto });
	}
	document.addEventListener('visibilitychange', read);

	// Who the visitor was in the chat that ended: a message written after
	// the end starts a new request as them (4.1).
	var after = null;

	function ended() {
		after = conv && conv.who ? conv.who : null;
		$('pw-send-form').hidden = !after;
		if (after) $('pw-body').placeholder = 'Write to start a new chat';
		$('pw-end').hidden = true;
		$('pw-wait').hidden = true;
		if (!document.querySelector('.pw-ended')) {
			var li = line('system', 'This chat has ended.');
			li.classList.add('pw-ended');
		}
		$('pw-restart').hidden = false;
		conv = null;
		save();
		say('The chat has ended.');
	}

	function poll(n) {
		if (!conv || polling !== n) return;
		var c = conv;
		call('GET', '/conversations/' + c.id + '/events?cursor=' + encodeURIComponent(c.cursor)).then(function (r) {
			if (c !== conv) return;
			if (r.status === 404) { conv = null; save(); show('pw-start', 'pw-start-h'); return; }
			if (r.status !== 200) { setTimeout(function () { poll(n); }, 3000); return; }
			r.json.data.events.forEach(function (e) {
				if (e.event === 'message.new') onMessage(e.data);
				else if (e.event === 'chat.ended') ended();
				else if (e.event === 'chat.joined') joined(e.data);
				else if (e.event === 'chat.transferred') line('system', 'Transferring you to ' + (e.data.to || 'another agent') + '…');
				else if (e.event === 'typing' && e.data.side === 'agent') typingOn();
				else if (e.event === 'read' && e.data.side === 'agent') seenUpto(Number(e.data.upto) || 0);
			});
			if (conv) {
				conv.cursor = r.json.data.cursor;
				save();
				poll(n);
			}
		}, function () {
			setTimeout(function () { poll(n); }, 3000);
		});
	}

	function startChat(fresh) {
		$('pw-log').textContent = '';
		seen = {};
		pending = {};
		readUpto = 0;
		agentName = '';
		$('pw-send-form').hidden = false;
		$('pw-end').hidden = false;
		$('pw-wait').hidden = false;
		// A resumed chat replays its history from the start of its stream.
		if (!fresh) conv.cursor = 'conv-' + conv.id + '.0';
		show('pw-chat', 'pw-body');
		say('Chat started. Someone will be with you shortly.');
		poll(++polling);
	}

	function send(cid, text, li, tries) {
		call('POST', '/conversations/' + conv.id + '/messages', { client_id: cid, body: text }).then(function (r) {
			if (r.status === 200 || r.status === 201) {
				$('pw-send-error').textContent = '';
				onMessage(r.json.data);
				return;
			}
			li.classList.add('pw-failed');
			$('pw-send-error').textContent = (r.json.error && r.json.error.message) || 'Not sent.';
			if (r.status === 409) ended();
		}, function () {
			// The same client id: a retry never duplicates.
			if (tries < 5) setTimeout(function () { send(cid, text, li, tries + 1); }, 1000 * (tries + 1));
			else { li.classList.add('pw-failed'); $('pw-send-error').textContent = 'Not sent: no connection.'; }
		});
	}

	$('pw-send-form').addEventListener('submit', function (ev) {
		ev.preventDefault();
		var text = $('pw-body').value.trim();
		if (text && !conv && after) { restart(text); return; }
		if (!text || !conv) return;
		var cid = rid();
		var li = line('visitor', text);
		li.classList.add('pw-sending');
		pending[cid] = li;
		lastTyping = 0;
		$('pw-body').value = '';
		send(cid, text, li, 0);
	});
	$('pw-body').addEventListener('input', function () {
		// At most one typing notice every 3 seconds.
		var now = Date.now();
		if (!conv || !$('pw-body').value || now - lastTyping < 3000) return;
		lastTyping = now;
		call('POST', '/conversations/' + conv.id + '/typing');
	});
	$('pw-body').addEventListener('keydown', function (ev) {
		if (ev.key === 'Enter' && !ev.shiftKey) {
			ev.preventDefault();
			$('pw-send-form').requestSubmit();
		}
	});
	$('pw-end').addEventListener('click', function () {
		if (!conv) return;
		call('POST', '/conversations/' + conv.id + '/end').then(function () { ended(); $('pw-restart').focus(); });
	});
	// A message after the end: a new request with the same details.
	function restart(text) {
		var v = {};
		Object.keys(after).forEach(function (k) { v[k] = after[k]; });
		v.message = text;
		v.client_id = rid();
		call('POST', '/conversations', body(v)).then(function (r) {
			if (r.status === 201) {
				$('pw-body').value = '';
				$('pw-body').placeholder = '';
				$('pw-restart').hidden = true;
				conv = { id: r.json.data.conversation_id, token: r.json.data.token, cursor: r.json.data.cursor, who: after };
				after = null;
				save();
				startChat(false); // replays the new chat, its first message included
				return;
			}
			$('pw-send-error').textContent = (r.json && r.json.error && r.json.error.message) || 'Not sent.';
		}, function () {
			$('pw-send-error').textContent = 'Not sent: no connection.';
		});
	}

	function again() {
		after = null;
		$('pw-body').placeholder = '';
		polling++;
		$('pw-restart').hidden = true;
		$('pw-step1').hidden = false;
		$('pw-step2').hidden = true;
		show('pw-start', 'pw-start-h');
	}
	$('pw-again').addEventListener('click', again);
	$('pw-restart').addEventListener('click', again);
	$('pw-x').addEventListener('click', function () {
		// The loader hides the frame; it listens to this origin only.
		if (window.parent !== window) window.parent.postMessage('parley:close', '*');
	});

	// A chat this tab already holds goes on where it was.
	conv = load();
	if (conv && conv.id && conv.token) startChat(false);
	else conv = null;
})();
