// pages.mjs: a person in headless Chromium (Debian's, driven by
// playwright-core) signing in and allowing access on an authorization
// server's pages, for the browser tests.  Each driver starts on the
// authorization URL, asserts on the pages' text and form fields (never
// on pixels), saves a screenshot of each page as OUTDIR/PREFIX-signin.png
// and PREFIX-consent.png, clicks Allow, and returns the consent page's
// text; the caller waits for the redirect where it lands.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

export const launch = () => chromium.launch({
	executablePath: '/usr/bin/chromium', headless: true,
	args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });

const shot = (page, outdir, name) => outdir &&
    page.screenshot({ path: path.join(outdir, `${name}.png`) });

// Ours (/oauth/authorize): the sign-in form, then the consent form.
async function builtin(page, user, password, outdir, prefix) {
	await page.waitForSelector('form[method="post"][action="/oauth/authorize"]');
	assert.equal(await page.getAttribute('input[name="password"]', 'type'),
	    'password');
	assert.equal((await page.$$('input[name="csrf"]')).length, 1);
	assert.match(await page.textContent('h1'), /Sign in/);
	await shot(page, outdir, `${prefix}-signin`);
	await page.fill('input[name="username"]', user);
	await page.fill('input[name="password"]', password);
	await Promise.all([page.waitForNavigation(),
	    page.click('button[type="submit"]')]);
	// Each scope a ticked box; allow and deny.
	assert.match(await page.textContent('h1'), /Allow access\?/);
	const boxes = await page.$$eval('input[type="checkbox"]',
	    (l) => l.map((e) => [e.value, e.checked]));
	assert.ok(boxes.length > 0 && boxes.every(([, c]) => c), 'boxes');
	assert.equal((await page.$$('button[name="decision"][value="deny"]')).length, 1);
	await shot(page, outdir, `${prefix}-consent`);
	const body = await page.textContent('body');
	await page.click('button[name="decision"][value="allow"]');
	return body;
}

// oidc-provider's own interaction pages (tests/js/external-op.mjs).
async function external(page, user, password, outdir, prefix) {
	await page.waitForSelector('input[name="login"]');
	await shot(page, outdir, `${prefix}-signin`);
	await page.fill('input[name="login"]', user);
	await page.fill('input[name="password"]', password);
	await Promise.all([page.waitForURL(/\/interaction\//),
	    page.click('button[type="submit"]')]);
	await page.waitForSelector('input[name="prompt"][value="consent"]',
	    { state: 'attached' });
	await shot(page, outdir, `${prefix}-consent`);
	const body = await page.textContent('body');
	await page.click('button[type="submit"]');
	return body;
}

export const drivers = { builtin, external };

// Opens url in a new page of browser, signs in with the KIND driver and
// allows; resolves with the consent text once the browser has gone on
// to a URL for which landed(url) is true (the client's redirect).
export async function consent(browser, kind, url, user, password, outdir,
    prefix, landed) {
	const page = await browser.newPage();
	try {
		await page.goto(url);
		const origin = new URL(page.url()).origin;
		const [, body] = await Promise.all([
		    page.waitForURL((u) => landed(u), { waitUntil: 'commit' }),
		    drivers[kind](page, user, password, outdir, prefix)]);
		return { origin, body };
	} finally {
		await page.close();
	}
}
