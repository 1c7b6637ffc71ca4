// sdk1.mjs URL: the official TypeScript SDK 1.x client (Streamable HTTP,
// 2025-11-25 with sessions) lists and calls fixture tools, reads a
// resource and gets a prompt.  Exits non-zero on any mismatch.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = new URL(process.argv[2]);
const client = new Client({ name: 'mcp-fcgi-sdk1-test', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(url);
await client.connect(transport);
assert.match(transport.sessionId, /^[0-9a-f]{64}$/);
assert.equal(client.getServerVersion().name, 'mcp-fcgi-conformance');

const { tools } = await client.listTools();
assert.equal(tools.length, 33);
assert.ok(tools.some((t) => t.name === 'test_image_content'));

const text = await client.callTool({ name: 'test_simple_text', arguments: {} });
assert.deepEqual(text.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);

const progress = [];
const slow = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined,
	{ onprogress: (p) => progress.push(p.progress) });
assert.deepEqual(progress, [0, 50, 100]);
assert.equal(slow.content[0].text, 'Progress tool completed');

const res = await client.readResource({ uri: 'test://static-text' });
assert.equal(res.contents[0].text, 'This is the content of the static text resource.');

const prompt = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x', arg2: 'y' } });
assert.equal(prompt.messages[0].content.text, "Prompt with arguments: arg1='x', arg2='y'");

await transport.terminateSession();
await client.close();
console.log('sdk1 ok: session, 33 tools, progress, resource, prompt, DELETE');
