// external-cc.mjs BASE ISSUER WORKSPACE: the TypeScript SDK 1.x client's
// ClientCredentialsProvider against a third-party provider (ISSUER, from
// tests/js/external-op.mjs).  It starts with no token: discovery goes
// from /mcp's 401 to our RFC 9728 metadata, which names ISSUER, to its
// OpenID metadata and token endpoint (client_credentials with the RFC
// 8707 resource).  whoami shows the provider as issuer and the
// workspace from its claim; a token without wks:read gets the 403 of the
// protected resource for get_usage.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';

const [base, issuer, workspace] = process.argv.slice(2);
const mcp = new URL(`${base}/mcp`);

const prm = await (await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).json();
assert.equal(prm.resource, mcp.href);
assert.deepEqual(prm.authorization_servers, [issuer]);

const connect = async (scope) => {
	const authProvider = new ClientCredentialsProvider({ clientId: 'ext-cc',
	    clientSecret: 'ext-cc-secret', scope });
	const client = new Client({ name: 'mcp-fcgi-external-cc', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(mcp, { authProvider }));
	return [client, authProvider];
};

const [client, p] = await connect('wks:read env:read');
const tok = p.tokens();
assert.equal(tok.token_type, 'Bearer');
assert.equal(tok.scope, 'wks:read env:read');
const who = await client.callTool({ name: 'whoami', arguments: {} });
assert.equal(who.structuredContent.issuer, issuer);
assert.equal(who.structuredContent.subject, 'ext-cc');
assert.equal(who.structuredContent.client_id, 'ext-cc');
assert.equal(who.structuredContent.workspace, workspace);
assert.deepEqual(who.structuredContent.scopes, ['wks:read', 'env:read']);
const r = await client.callTool({ name: 'get_usage', arguments: { hours: 1 } });
assert.notEqual(r.isError, true);
assert.ok(Array.isArray(r.structuredContent.tools));
const envs = await client.callTool({ name: 'list_environments', arguments: {} });
assert.notEqual(envs.isError, true);
await client.close();

const [narrow] = await connect('env:read');
await assert.rejects(narrow.callTool({ name: 'get_usage', arguments: {} }),
    (e) => /403|insufficient|scope/i.test(String(e)));
await narrow.close();
console.log('external-cc ok: discovery from the 401, provider token, whoami, scoped call, 403');
