// chromium.mjs: Debian's Chromium, headless, driven by playwright-core (never
// a downloaded browser), with the flags this machine needs: no sandbox as
// root, and no background networking (the network is closed here).
import { chromium } from 'playwright-core';

export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
			'--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync'],
	});
}
