// conformance-as.mjs BASE USER PASSWORD OUTDIR: the official suite's
// authorization-server scenarios (conformance 0.2, "authorization")
// against our issuer BASE, every one of them run: metadata, and the
// authorization code grant with a client registered here (RFC 7591,
// public, the suite's loopback callback).  The suite prints the URL a
// person must open; headless Chromium opens it, signs in as USER and
// allows.  Exits non-zero unless the suite reports every scenario passed
// and none skipped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consent, launch } from './pages.mjs';

const [base, user, password, outdir] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.join(here, 'node_modules/conformance-next/dist/index.js');

const port = await new Promise((resolve) => {
	const s = net.createServer().listen(0, '127.0.0.1',
	    () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const reg = await fetch(`${base}/oauth/register`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_name: 'conformance suite',
	redirect_uris: [`http://127.0.0.1:${port}/callback`],
	token_endpoint_auth_method: 'none' }) });
assert.equal(reg.status, 201);
const { client_id: clientId } = await reg.json();

const run = spawn(process.execPath, [suite, 'authorization', '--url', base,
    '--client-id', clientId, '--resource', `${base}/mcp`, '--port',
    String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
let opened = false;
const browser = await launch();
let browsing = Promise.resolve();
run.stdout.on('data', (d) => {
	out += d;
	process.stdout.write(d);
	const m = out.match(/^(http\S+\/oauth\/authorize\?\S+)$/m);
	if (m && !opened) {
		opened = true;
		browsing = consent(browser, 'builtin', m[1], user, password,
		    outdir, 'conformance', (u) => u.pathname === '/callback');
	}
});
const code = await new Promise((r) => run.on('close', (c, sig) => { if (sig) console.log('suite killed by', sig); r(c); }));
await browsing;
await browser.close();
assert.ok(opened, 'the suite never asked for the browser step');
const total = out.match(/Total: (\d+) passed, (\d+) failed/);
assert.ok(total, `no summary (exit ${code})`);
assert.equal(total[2], '0');
assert.ok(!/0 passed, 0 failed/.test(out), 'a scenario ran no check');
assert.equal(code, 0);
console.log(`conformance-as ok: ${total[1]} passed, 0 failed`);
