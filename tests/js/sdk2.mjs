// sdk2.mjs URL MODE: the 2.x client (@modelcontextprotocol/client), which
// speaks 2026-07-28.  MODE "pin" insists on 2026-07-28; "auto" negotiates
// with server/discover.  Lists and calls tools, reads a resource, gets a
// prompt.  Exits non-zero on any mismatch.
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.argv[2]);
const mode = process.argv[3] === 'auto' ? { mode: 'auto' } : { mode: { pin: '2026-07-28' } };
const client = new Client({ name: 'mcp-fcgi-sdk2-test', version: '1.0.0' }, { versionNegotiation: mode });
const transport = new StreamableHTTPClientTransport(url);
await client.connect(transport);
assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');

const { tools } = await client.listTools();
assert.equal(tools.length, 33);

const text = await client.callTool({ name: 'test_simple_text', arguments: {} });
assert.deepEqual(text.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);

const err = await client.callTool({ name: 'test_error_handling', arguments: {} });
assert.equal(err.isError, true);

const res = await client.readResource({ uri: 'test://template/42/data' });
assert.deepEqual(JSON.parse(res.contents[0].text), { id: '42', templateTest: true, data: 'Data for ID: 42' });

const prompt = await client.getPrompt({ name: 'test_simple_prompt' });
assert.equal(prompt.messages[0].content.text, 'This is a simple prompt for testing.');

await client.close();
console.log(`sdk2 ok (${process.argv[3]}): 2026-07-28, 33 tools, calls, template resource, prompt`);
