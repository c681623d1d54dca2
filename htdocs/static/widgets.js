// widgets.js: the widget page's "Copy snippet" button. The page works
// without it (the snippet is plain text to select); with it, one click puts
// the snippet on the clipboard. Loaded as a file: the CSP allows no inline
// script. The text copied is the element's textContent, never HTML.
'use strict';

(function () {
	function fallbackCopy(el) {
		var range = document.createRange();
		var sel = window.getSelection();
		range.selectNodeContents(el);
		sel.removeAllRanges();
		sel.addRange(range);
		var ok = false;
		try {
			ok = document.execCommand('copy');
		} catch (e) {
			ok = false;
		}
		return ok;
	}

	function setup(button) {
		var target = document.getElementById(button.getAttribute('data-copy'));
		var status = document.getElementById('copy-status');
		if (!target) return;
		function say(text) {
			if (status) status.textContent = text;
		}
		button.hidden = false;
		button.addEventListener('click', function () {
			var text = target.textContent;
			if (navigator.clipboard && window.isSecureContext) {
				navigator.clipboard.writeText(text).then(
					function () {
						say('Copied.');
					},
					function () {
						say(fallbackCopy(target) ? 'Copied.' : 'Select the snippet and copy it.');
					},
				);
			} else {
				say(fallbackCopy(target) ? 'Copied.' : 'Select the snippet and copy it.');
			}
		});
	}

	var buttons = document.querySelectorAll('[data-copy]');
	for (var i = 0; i < buttons.length; i++) setup(buttons[i]);
})();
