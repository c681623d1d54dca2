/* widget.js: Parley's chat loader for a customer's page. Paste
 *   <script async src="BASE/static/widget.js" data-parley-widget="KEY"></script>
 * When the widget is live on this site, it adds a launcher button and, when
 * opened, an iframe of BASE/w/KEY, a
 * page of Parley's own origin (only this site may frame it). It reads
 * nothing of the page, and the page cannot reach into the chat. */
(function (d, w) {
	var s = d.currentScript;
	if (!s || w.__parleyWidget) return;
	var key = s.getAttribute('data-parley-widget') || '';
	if (!/^[A-Za-z0-9_-]{22}$/.test(key)) return;
	w.__parleyWidget = 1;
	var base = s.src.replace(/\/static\/widget\.js(\?.*)?$/, '');
	var origin = new URL(base).origin;
	var box, frame, btn = d.createElement('button');
	var css = function (el, c) { el.style.cssText = c + ';box-sizing:border-box;z-index:2147483646;position:fixed'; };

	btn.type = 'button';
	btn.textContent = 'Chat with us';
	btn.setAttribute('aria-expanded', 'false');
	btn.setAttribute('aria-controls', 'parley-chat');
	css(btn, 'right:16px;bottom:16px;padding:12px 18px;border:0;border-radius:24px;font:600 15px system-ui,sans-serif;color:#fff;background:#1d4ed8;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25)');

	function toggle(open) {
		if (open && !box) {
			box = d.createElement('div');
			box.id = 'parley-chat';
			box.setAttribute('role', 'dialog');
			box.setAttribute('aria-label', 'Chat');
			css(box, 'right:16px;bottom:72px;width:370px;height:560px;max-width:calc(100vw - 16px);max-height:calc(100vh - 88px);border-radius:12px;overflow:hidden;background:#fff;box-shadow:0 12px 40px rgba(0,0,0,.3)');
			frame = d.createElement('iframe');
			frame.src = base + '/w/' + key;
			frame.title = 'Chat';
			frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms allow-popups');
			frame.style.cssText = 'border:0;width:100%;height:100%;display:block';
			box.appendChild(frame);
			d.body.appendChild(box);
		}
		if (box) box.style.display = open ? 'block' : 'none';
		btn.setAttribute('aria-expanded', open ? 'true' : 'false');
		btn.textContent = open ? 'Close chat' : 'Chat with us';
		if (open && frame) frame.focus();
		if (!open) btn.focus();
	}
	btn.addEventListener('click', function () { toggle(btn.getAttribute('aria-expanded') !== 'true'); });
	w.addEventListener('message', function (e) {
		if (frame && e.origin === origin && e.source === frame.contentWindow && e.data === 'parley:close') toggle(false);
	});
	function add() { d.body.appendChild(btn); }
	// Only a live widget, and only on its own site, shows a launcher: an
	// inactive or unknown widget (404), or another site (no CORS answer),
	// shows nothing.
	if (!w.fetch) return;
	w.fetch(base + '/api/w/' + key, { credentials: 'omit' }).then(function (r) {
		return r.ok ? r.json() : null;
	}).then(function (j) {
		if (!j || !j.success) return;
		if (d.body) add();
		else d.addEventListener('DOMContentLoaded', add);
	}, function () {});
})(document, window);
