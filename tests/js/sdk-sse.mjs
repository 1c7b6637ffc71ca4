// sdk-sse.mjs URL TOKEN WORKSPACE: the TypeScript SDK 1.x's
// SSEClientTransport (the 2024-11-05 HTTP+SSE transport) against URL
// (.../sse) with a bearer token on the stream and on every POST: it
// initializes, lists the tools, calls whoami (the token's workspace)
// and a tool its token lacks the scope for (the 403 of the POST).
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

const [url, token, workspace] = process.argv.slice(2);
const auth = { Authorization: `Bearer ${token}` };
const transport = new SSEClientTransport(new URL(url), {
	requestInit: { headers: auth },
	eventSourceInit: {
		fetch: (u, init) => fetch(u, { ...init,
		    headers: { ...init?.headers, ...auth } }),
	},
});
const client = new Client({ name: 'sdk-sse', version: '1.0.0' });
await client.connect(transport);
const { tools } = await client.listTools();
assert.ok(tools.some((t) => t.name === 'whoami'));
const who = await client.callTool({ name: 'whoami', arguments: {} });
assert.equal(who.structuredContent.workspace, workspace);
await assert.rejects(client.callTool({ name: 'create_environment',
    arguments: { name: 'x', type: 'development' } }), /403/);
await client.close();
console.log(`sdk1-sse ok: ${tools.length} tools, whoami, 403 on a POST`);
