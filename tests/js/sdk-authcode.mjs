// sdk-authcode.mjs PAGES BASE ISSUER WORKSPACE TTL OUTDIR USER PASSWORD SUB
// [DOC]: the TypeScript SDK 1.x authorization-code client, a person
// signing in with Chromium.  PAGES says whose sign-in and consent pages:
// "builtin" (ours, /oauth/authorize) or "external" (a third-party
// provider, tests/js/external-op.mjs).  SUB is the subject the tokens
// must carry.  With DOC, an https URL, the client is described by the
// Client ID Metadata Document there instead of registering: DOC is its
// client_id.
//
// The client starts with nothing: /mcp's 401 names our RFC 9728
// metadata, which names ISSUER; the SDK reads the provider's metadata,
// registers itself (RFC 7591, public client, loopback redirect), and asks
// for a code with PKCE S256 and the resource (RFC 8707).  Headless
// Debian Chromium (playwright-core) signs in as "alice" and consents; the
// code arrives at this script's loopback listener; the SDK redeems it and
// calls tools.  Then the access token (TTL seconds) expires: the next
// call's 401 makes the SDK use the rotated refresh token, and the call
// goes through.  Screenshots of the pages go to OUTDIR, named
// PAGES-signin.png and PAGES-consent.png.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { consent, launch } from './pages.mjs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const [mode, base, issuer, workspace, ttlArg, outdir, user, password, sub,
    doc] = process.argv.slice(2);
const mcp = new URL(`${base}/mcp`);
const ttl = Number(ttlArg);
const log = (...a) => console.log('sdk-authcode:', ...a);

// The refresh grants the SDK sends, with when each went and how each was
// answered (an HTTP status, or the error that ended it unanswered): its
// held GET stream and its next request may each refresh when the token
// expires.
const refreshes = [];
const answers = [];
const pending = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
	const body = init?.body;
	if (!(typeof body === 'string' ?
	    body.includes('grant_type=refresh_token') :
	    body instanceof URLSearchParams &&
	    body.get('grant_type') === 'refresh_token'))
		return realFetch(input, init);
	const t0 = Date.now();
	refreshes.push(t0);
	const p = realFetch(input, init);
	pending.push(p.then((r) => answers.push(`${r.status} in ${Date.now() - t0} ms`),
	    (e) => answers.push(e?.name ?? String(e))));
	return p;
};

// The redirect URI: a loopback listener (RFC 8252 §7.3).
let gotCode;
const codeP = new Promise((resolve) => { gotCode = resolve; });
const cb = http.createServer((req, res) => {
	const u = new URL(req.url, 'http://127.0.0.1');
	if (u.pathname !== '/callback') {
		res.writeHead(404).end();
		return;
	}
	res.writeHead(200, { 'Content-Type': 'text/plain' }).end('done');
	gotCode(u.searchParams);
});
await new Promise((r) => cb.listen(0, '127.0.0.1', r));
const redirectUrl = `http://127.0.0.1:${cb.address().port}/callback`;

const browser = await launch();

// The person: sign in on the pages, then allow; returns the redirect's
// parameters and the consent page's text.
const pages = [];
async function signIn(url) {
	const { origin, body } = await consent(browser, mode, url.href, user,
	    password, outdir, mode, (u) => u.href.startsWith(redirectUrl));
	pages.push(origin);
	return [await codeP, body];
}

let authUrl = null;
let browserStep = null;
const store = { client: undefined, tokens: undefined, verifier: undefined };
const saved = [];
const authProvider = {
	...(doc && { clientMetadataUrl: doc }),
	get redirectUrl() { return redirectUrl; },
	get clientMetadata() {
		return {
			client_name: `mcp-fcgi ${mode} test`,
			redirect_uris: [redirectUrl],
			grant_types: ['authorization_code', 'refresh_token'],
			response_types: ['code'],
			token_endpoint_auth_method: 'none',
			application_type: 'native',
		};
	},
	state: () => 'st-' + process.pid,
	clientInformation: () => store.client,
	saveClientInformation: (c) => { store.client = c; },
	tokens: () => store.tokens,
	saveTokens: (t) => { store.tokens = t; saved.push(t); },
	saveCodeVerifier: (v) => { store.verifier = v; },
	codeVerifier: () => store.verifier,
	redirectToAuthorization: async (url) => {
		authUrl = url;
		browserStep = signIn(url);
		await browserStep;
	},
};

const client = new Client({ name: 'mcp-fcgi-sdk-authcode', version: '1.0.0' });
let transport = new StreamableHTTPClientTransport(mcp, { authProvider });
await assert.rejects(client.connect(transport), UnauthorizedError);

// What the SDK asked the provider for.
assert.ok(authUrl, 'the SDK never sent the person to the provider');
assert.equal(authUrl.origin, issuer);
assert.equal(authUrl.searchParams.get('code_challenge_method'), 'S256');
assert.equal(authUrl.searchParams.get('resource'), mcp.href);
assert.equal(authUrl.searchParams.get('redirect_uri'), redirectUrl);
assert.ok(store.client?.client_id, 'no client registered');
if (doc) {
	assert.equal(store.client.client_id, doc);
	assert.equal(authUrl.searchParams.get('client_id'), doc);
} else
	assert.equal(store.client.token_endpoint_auth_method, 'none');
assert.deepEqual(pages, [issuer]);
const [params, consentText] = await browserStep;
assert.equal(params.get('state'), 'st-' + process.pid);
assert.equal(params.get('iss'), issuer);
assert.match(consentText, /wks:read/);
log('registered', store.client.client_id, 'scope', authUrl.searchParams.get('scope'));

await transport.finishAuth(params.get('code'));
const first = store.tokens;
assert.equal(first.token_type, 'Bearer');
assert.ok(first.refresh_token, 'no refresh token was issued');
assert.ok(first.expires_in <= ttl);
transport = new StreamableHTTPClientTransport(mcp, { authProvider });
await client.connect(transport);

const who = await client.callTool({ name: 'whoami', arguments: {} });
assert.equal(who.structuredContent.issuer, issuer);
assert.equal(who.structuredContent.subject, sub);
assert.equal(who.structuredContent.client_id, store.client.client_id);
assert.equal(who.structuredContent.workspace, workspace);
assert.deepEqual(who.structuredContent.scopes,
    authUrl.searchParams.get('scope').split(' '));
const usage = await client.callTool({ name: 'get_usage', arguments: { hours: 1 } });
assert.notEqual(usage.isError, true);
log('tool calls with the token ok');

// Past the access token's life: the 401 brings a refresh, then the call.
await new Promise((r) => setTimeout(r,
    (who.structuredContent.expires_in + 1) * 1000));
const again = await client.callTool({ name: 'whoami', arguments: {} });
assert.equal(again.structuredContent.subject, sub);
// The other refresh may still be under way when the call is answered:
// its answer, then the SDK's keeping of its tokens (2 s at most).
await Promise.all(pending);
for (let i = 0; i < 40 && saved.length < 1 + refreshes.length; i++)
	await new Promise((r) => setTimeout(r, 50));
log('refresh grants sent:', refreshes.length, refreshes.length > 1 ?
    `${refreshes[refreshes.length - 1] - refreshes[0]} ms apart` : '',
    'answered:', answers.join(' '), 'tokens saved:', saved.length);
assert.ok(refreshes.length >= 1, 'no refresh happened');
assert.ok(answers.every((a) => a.startsWith('200 ')),
    'a refresh was not granted');
assert.equal(saved.length, 1 + refreshes.length,
    'a granted refresh was not kept by the SDK');
assert.notEqual(store.tokens.access_token, first.access_token);
assert.ok(store.tokens.refresh_token);
// Ours rotates them; the external test provider does not (see
// external-op.mjs), so there the token may stay the same.
if (mode !== 'external')
	assert.notEqual(store.tokens.refresh_token, first.refresh_token,
	    'the refresh token was not rotated');
assert.ok(again.structuredContent.expires_at > who.structuredContent.expires_at);
await client.close();
await browser.close();
cb.close();
console.log('sdk-authcode ok: discovery, registration, browser sign-in and consent, code with PKCE, tools, refresh after expiry');
