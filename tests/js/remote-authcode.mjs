// remote-authcode.mjs PAGES BASE ISSUER USER PASSWORD OUTDIR SUB: the
// article's path, `npx mcp-remote BASE/mcp` with no header.  mcp-remote
// meets /mcp's 401, discovers the authorization server ISSUER (ours,
// PAGES "builtin", or a third-party provider, "external"), registers
// itself (RFC 7591) and prints the authorization URL it would open in a
// browser (BROWSER is /bin/true here, so nothing opens); headless
// Chromium opens that URL, signs in as USER and allows.  The code reaches
// mcp-remote's own loopback listener, it redeems it, and the stdio client
// behind it calls whoami, which must name ISSUER and SUB; once the
// access token has expired, whoami again, which mcp-remote must get
// through by refreshing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consent, launch } from './pages.mjs';

const [mode, base, issuer, user, password, outdir, sub] =
    process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const cfg = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-remote-'));
const remote = spawn(process.execPath,
    [path.join(here, 'node_modules/mcp-remote/dist/proxy.js'), `${base}/mcp`,
	'--transport', 'http-only'],
    { env: { ...process.env, MCP_REMOTE_CONFIG_DIR: cfg, BROWSER: '/bin/true' },
      stdio: ['pipe', 'pipe', 'pipe'] });
let err = '', out = '';
const lines = [];
let wake = () => {};
remote.stdout.on('data', (d) => {
	out += d;
	let i;
	while ((i = out.indexOf('\n')) >= 0) {
		lines.push(JSON.parse(out.slice(0, i)));
		out = out.slice(i + 1);
		wake();
	}
});
const answer = (id) => new Promise((resolve, reject) => {
	const t = setTimeout(() => reject(new Error(`no answer ${id}: ${err}`)), 30000);
	const look = () => {
		const m = lines.find((l) => l.id === id);
		if (m) { clearTimeout(t); resolve(m); } else wake = look;
	};
	look();
});
const authUrl = new Promise((resolve, reject) => {
	const t = setTimeout(() => reject(new Error(`no authorization URL: ${err}`)), 30000);
	remote.stderr.on('data', (d) => {
		err += d;
		const m = err.match(/(http\S+\?\S*code_challenge=\S+)/);
		if (m) { clearTimeout(t); resolve(m[1]); }
	});
});
const send = (m) => remote.stdin.write(JSON.stringify(m) + '\n');

const browser = await launch();
try {
	send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {
	    protocolVersion: '2025-06-18', capabilities: {},
	    clientInfo: { name: 'remote-authcode', version: '1' } } });
	const url = new URL(await authUrl);
	assert.equal(url.origin, issuer);
	assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
	assert.equal(url.searchParams.get('resource'), `${base}/mcp`);
	const back = new URL(url.searchParams.get('redirect_uri'));
	await consent(browser, mode, url.href, user, password, outdir,
	    `remote-${mode}`, (u) => u.origin === back.origin);
	const init = await answer(1);
	assert.ok(init.result?.protocolVersion, JSON.stringify(init));
	send({ jsonrpc: '2.0', method: 'notifications/initialized' });
	send({ jsonrpc: '2.0', id: 2, method: 'tools/call',
	    params: { name: 'whoami', arguments: {} } });
	const who = (await answer(2)).result.structuredContent;
	assert.equal(who.issuer, issuer);
	assert.equal(who.subject, sub);
	// The client mcp-remote registered and keeps in its config dir.
	const kept = (end) => fs.readdirSync(cfg, { recursive: true })
	    .filter((f) => String(f).endsWith(end))
	    .map((f) => JSON.parse(fs.readFileSync(path.join(cfg, String(f)))));
	assert.deepEqual(kept('_client_info.json').map((c) => c.client_id),
	    [who.client_id]);
	assert.ok(who.scopes.includes('wks:read'));
	// Past the access token's life, the next call makes mcp-remote
	// refresh (a new refresh token too: ours rotate).
	const [first] = kept('_tokens.json');
	assert.ok(first?.refresh_token, 'no refresh token kept');
	await new Promise((r) => setTimeout(r, (who.expires_in + 1) * 1000));
	send({ jsonrpc: '2.0', id: 3, method: 'tools/call',
	    params: { name: 'whoami', arguments: {} } });
	const again = (await answer(3)).result.structuredContent;
	assert.equal(again.subject, sub);
	assert.ok(again.expires_at > who.expires_at, 'the same token again');
	const [next] = kept('_tokens.json');
	assert.notEqual(next.access_token, first.access_token);
	console.log(`remote-authcode ok: ${who.client_id} for ${who.subject}, scopes ${who.scopes.join(' ')}; refreshed after expiry`);
} finally {
	remote.kill();
	await browser.close();
	fs.rmSync(cfg, { recursive: true, force: true });
}
