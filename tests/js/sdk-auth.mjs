// sdk-auth.mjs BASE CLIENT_ID CLIENT_SECRET: the seed article's path.
// Obtain an access token with the client credentials grant from the
// built-in authorization server (RFC 6749 §4.4, client_secret_basic,
// RFC 8707 resource), then the official TypeScript SDK 1.x client lists
// the tools and calls a scoped one with it over Streamable HTTP.  A token
// lacking the scope gets the 403 of the protected resource.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const [base, id, secret] = process.argv.slice(2);
const mcp = new URL(`${base}/mcp`);

async function token(scope) {
	const body = new URLSearchParams({ grant_type: 'client_credentials',
	    resource: mcp.href, scope });
	const r = await fetch(`${base}/oauth/token`, { method: 'POST', body,
	    headers: { Authorization: 'Basic ' +
	    Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64') } });
	assert.equal(r.status, 200);
	assert.equal(r.headers.get('cache-control'), 'no-store');
	const t = await r.json();
	assert.equal(t.token_type, 'Bearer');
	assert.equal(t.scope, scope);
	return t.access_token;
}

// Discovery first, as a standards-aware agent would.
const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json();
assert.equal(prm.resource, mcp.href);
assert.deepEqual(prm.authorization_servers, [base]);
assert.ok(prm.scopes_supported.includes('wks:read'));

const connect = async (tok) => {
	const client = new Client({ name: 'mcp-fcgi-auth-test', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(mcp,
	    { requestInit: { headers: { Authorization: `Bearer ${tok}` } } });
	await client.connect(transport);
	return client;
};

const client = await connect(await token('wks:read env:read'));
const { tools } = await client.listTools();
assert.deepEqual(tools.map((t) => t.name).slice(0, 3), ['echo', 'whoami', 'get_usage']);
assert.equal(tools.length, 18);
const usage = tools.find((t) => t.name === 'get_usage');
assert.deepEqual(usage._meta['mcp-fcgi/scopes'], ['wks:read']);
assert.match(usage.description, /Requires scope: wks:read\./);

const r = await client.callTool({ name: 'get_usage', arguments: { hours: 1 } });
assert.notEqual(r.isError, true);
assert.ok(Array.isArray(r.structuredContent.tools));
const who = await client.callTool({ name: 'whoami', arguments: {} });
assert.equal(who.structuredContent.client_id, id);
assert.deepEqual(who.structuredContent.scopes, ['wks:read', 'env:read']);
await client.close();

// The same tool with a token narrowed to env:read: HTTP 403.
const narrow = await connect(await token('env:read'));
await assert.rejects(narrow.callTool({ name: 'get_usage', arguments: {} }),
    (e) => /403|insufficient|scope/i.test(String(e)));
await narrow.close();

// Resources: read one, subscribe, and hear of the change a call makes.
const w = await connect(await token('wks:read env:read env:write'));
const { resources } = await w.listResources();
assert.deepEqual(resources.map((x) => x.uri), ['mcp-fcgi://workspace',
    'mcp-fcgi://environments', 'mcp-fcgi://org-templates']);
const doc = await w.readResource({ uri: 'mcp-fcgi://workspace' });
assert.equal(JSON.parse(doc.contents[0].text).id,
    who.structuredContent.workspace);
const heard = [];
w.setNotificationHandler(ResourceUpdatedNotificationSchema,
    (n) => { heard.push(n.params.uri); });
await w.subscribeResource({ uri: 'mcp-fcgi://environments' });
const made = await w.callTool({ name: 'create_environment',
    arguments: { name: `sdk-${process.pid}`, type: 'development' } });
assert.notEqual(made.isError, true);
// The SDK holds the session's GET stream: the notice comes there, as the
// change is made (within the stream thread's poll of the store).
for (let i = 0; i < 40 && heard.length === 0; i++)
	await new Promise((ok) => setTimeout(ok, 50));
assert.deepEqual(heard, ['mcp-fcgi://environments']);
await assert.rejects(w.readResource({ uri: 'mcp-fcgi://org-templates' }),
    (e) => /403|insufficient|scope/i.test(String(e)));
await w.close();
console.log('sdk-auth ok: token, discovery, tools/list, scoped call, 403, resources, subscription');
