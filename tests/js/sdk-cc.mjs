// sdk-cc.mjs SDK BASE ISSUER WORKSPACE CLIENT_ID SECRET: the TypeScript
// SDK's ClientCredentialsProvider (SDK "1": @modelcontextprotocol/sdk,
// "2": @modelcontextprotocol/client) against the authorization server
// ISSUER: ours, or a third-party provider (tests/js/external-op.mjs).
// It starts with no token: discovery goes from /mcp's 401 to our RFC
// 9728 metadata, which names ISSUER, to its metadata and token endpoint
// (client_credentials with the RFC 8707 resource).  whoami shows ISSUER
// and the client's workspace; a token without wks:read gets the 403 of
// the protected resource for get_usage.  The 2.x provider asks for the
// scopes of the 401's challenge (every scope of the resource) whatever
// it was given, so its token holds what the client may have, and the
// narrow case is the 1.x provider's alone.
import assert from 'node:assert/strict';

const [sdk, base, issuer, workspace, clientId, clientSecret] =
    process.argv.slice(2);
const mcp = new URL(`${base}/mcp`);
const { Client, StreamableHTTPClientTransport, ClientCredentialsProvider } =
    sdk === '2' ? await import('@modelcontextprotocol/client') : {
	...await import('@modelcontextprotocol/sdk/client/index.js'),
	...await import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
	...await import('@modelcontextprotocol/sdk/client/auth-extensions.js'),
    };

const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json();
assert.equal(prm.resource, mcp.href);
assert.deepEqual(prm.authorization_servers, [issuer]);

const connect = async (scope) => {
	const authProvider = new ClientCredentialsProvider({ clientId,
	    clientSecret, scope, ...(sdk === '2' && { expectedIssuer: issuer }) });
	const client = new Client({ name: `mcp-fcgi-sdk${sdk}-cc`, version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(mcp, { authProvider }));
	return [client, authProvider];
};

const [client, p] = await connect('wks:read env:read');
const tok = p.tokens();
assert.equal(tok.token_type, 'Bearer');
const want = sdk === '2' ? tok.scope.split(' ') : ['wks:read', 'env:read'];
assert.equal(tok.scope, want.join(' '));
assert.ok(want.includes('wks:read') && want.includes('env:read'));
const who = await client.callTool({ name: 'whoami', arguments: {} });
assert.equal(who.structuredContent.issuer, issuer);
assert.equal(who.structuredContent.subject, clientId);
assert.equal(who.structuredContent.client_id, clientId);
assert.equal(who.structuredContent.workspace, workspace);
assert.deepEqual(who.structuredContent.scopes, want);
const r = await client.callTool({ name: 'get_usage', arguments: { hours: 1 } });
assert.notEqual(r.isError, true);
assert.ok(Array.isArray(r.structuredContent.tools));
const envs = await client.callTool({ name: 'list_environments', arguments: {} });
assert.notEqual(envs.isError, true);
await client.close();

if (sdk === '1') {
	const [narrow] = await connect('env:read');
	await assert.rejects(narrow.callTool({ name: 'get_usage', arguments: {} }),
	    (e) => /403|insufficient|scope/i.test(String(e)));
	await narrow.close();
}
console.log(`sdk${sdk}-cc ok: discovery from the 401, token from ${issuer}, whoami, scoped call, 403`);
