// dashboard.js: the admin dashboard's waiting requests, live. The page is
// filled on the server with the cursor of the streams /api/events follows
// as it was before the list was read; this follows /api/events from there
// (the browser's session cookie authenticates it), adds a row for each
// "request.new" it does not show yet and removes one on "request.closed".
'use strict';
(function () {
	var sec = document.getElementById('waiting');
	if (!sec) return;
	var rows = document.getElementById('waiting-rows');
	var cursor = sec.getAttribute('data-cursor');

	function when(t) {
		var d = new Date(t.dateTime);
		if (!isNaN(d)) t.textContent = d.toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
	}
	rows.querySelectorAll('time').forEach(when);
	function has(id) { return rows.querySelector('tr[data-id="' + Number(id) + '"]'); }
	function refresh() {
		var n = rows.children.length;
		document.getElementById('waiting-count').textContent = String(n);
		document.getElementById('waiting-table').hidden = n === 0;
		document.getElementById('waiting-empty').hidden = n !== 0;
	}
	function add(r) {
		if (has(r.conversation_id)) return;
		var tr = document.createElement('tr');
		tr.setAttribute('data-id', String(Number(r.conversation_id)));
		tr.className = 'is-new';
		[r.name, r.email, r.phone, r.website, r.department ? r.department.name : '', r.message].forEach(function (v) {
			var td = document.createElement('td');
			td.textContent = v || '';
			tr.appendChild(td);
		});
		var td = document.createElement('td');
		var t = document.createElement('time');
		t.dateTime = r.created_at || '';
		t.textContent = r.created_at || '';
		when(t);
		td.appendChild(t);
		tr.appendChild(td);
		rows.appendChild(tr);
		refresh();
		document.getElementById('waiting-live').textContent = 'New request from ' + (r.name || 'a visitor') + '.';
	}
	function remove(id) {
		var tr = has(id);
		if (tr) { tr.remove(); refresh(); }
	}
	function poll(delay) {
		fetch('/api/events?cursor=' + encodeURIComponent(cursor), { credentials: 'same-origin', cache: 'no-store' })
			.then(function (r) {
				if (r.status === 401) return null; // signed out: stop
				if (!r.ok) throw new Error(String(r.status));
				return r.json();
			})
			.then(function (j) {
				if (!j) return;
				j.data.events.forEach(function (e) {
					if (e.event === 'request.new') add(e.data);
					else if (e.event === 'request.closed') remove(e.data.conversation_id);
				});
				cursor = j.data.cursor;
				poll(1000);
			})
			.catch(function () {
				setTimeout(function () { poll(Math.min(delay * 2, 30000)); }, delay);
			});
	}
	poll(1000);
})();
