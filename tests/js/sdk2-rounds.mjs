// sdk2-rounds.mjs URL TOKEN ENV_ID: the 2.x client pinned to 2026-07-28
// against /mcp.  delete_environment with force on an environment that holds
// organizations answers an input-required result; the client's own
// multi-round-trip driver shows the form to its elicitation handler (which
// confirms) and retries with the answer and the requestState, and the
// environment is deleted.  Then import_organizations of more than one
// batch, called through the official tasks extension client
// (@modelcontextprotocol/ext-tasks), comes back as a task, which that
// client follows to its result.  Its raw path for task traffic (which the
// SDK's codecs refuse) is a plain fetch here, as the package asks of a
// host.  Exits non-zero on any mismatch.
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from
    '@modelcontextprotocol/client';
import { createTaskSessionFromClient, resultFromTaskOutcome } from
    '@modelcontextprotocol/ext-tasks/client';

const TASKS = 'io.modelcontextprotocol/tasks';
const [url, token, env] = process.argv.slice(2);
const client = new Client({ name: 'sdk2-rounds', version: '1.0.0' }, {
	versionNegotiation: { mode: { pin: '2026-07-28' } },
	capabilities: { elicitation: { form: {} } },
});
const asked = [];
client.setRequestHandler('elicitation/create', async (req) => {
	asked.push(req.params.message);
	return { action: 'accept', content: { confirm: true } };
});
await client.connect(new StreamableHTTPClientTransport(new URL(url),
    { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');

// A second environment, to import into; the first is deleted.
const made = await client.callTool({ name: 'create_environment',
    arguments: { name: `rounds ${process.pid}`, type: 'staging' } });
const target = made.structuredContent.id;

const del = await client.callTool({ name: 'delete_environment',
    arguments: { environment_id: env, force: true } });
assert.equal(asked.length, 1, 'one form shown');
assert.match(asked[0], /and the 2 organizations it holds\? This cannot be undone\.$/);
assert.deepEqual(del.structuredContent,
    { deleted: env, organizations_deleted: 2 });
console.log('input-required round: confirmed and deleted');

const caps = { elicitation: { form: {} }, extensions: { [TASKS]: {} } };
// The package hands over {method, params}: the host numbers it and sends
// it with the revision's headers.
let nextId = 1000;
const rawDispatch = async (req, options) => {
	const request = { jsonrpc: '2.0', id: nextId++, ...req };
	const p = request.params ?? {};
	const name = p.name ?? p.uri ?? p.taskId;
	const res = await fetch(url, { method: 'POST', signal: options?.signal,
	    headers: { 'Content-Type': 'application/json',
		Accept: 'application/json, text/event-stream',
		'MCP-Protocol-Version': '2026-07-28',
		'Mcp-Method': request.method,
		...(name !== undefined && { 'Mcp-Name': name }),
		Authorization: `Bearer ${token}` },
	    body: JSON.stringify(request) });
	const text = await res.text();
	if (!(res.headers.get('content-type') ?? '').startsWith(
	    'text/event-stream'))
		return JSON.parse(text);
	const data = text.split('\n').filter((l) => l.startsWith('data: '))
	    .map((l) => JSON.parse(l.slice(6)));
	return data.find((m) => m.id === request.id);
};
const session = createTaskSessionFromClient(client, {
	endpointId: 'mcp-fcgi-rounds', rawDispatch,
	v2RequestFraming: { protocolVersion: '2026-07-28',
	    clientInfo: { name: 'sdk2-rounds', version: '1.0.0' },
	    clientCapabilities: caps } });
const orgs = Array.from({ length: 60 }, (_, i) => ({ name: `imp ${i}` }));
const execution = await session.callTool('import_organizations',
    { environment_id: target, organizations: orgs, batch_size: 10 });
const { outcome } = await execution.settle();
console.log(`outcome ${JSON.stringify(outcome).slice(0, 200)}`);
const result = resultFromTaskOutcome(outcome);
assert.equal(result.structuredContent.imported, 60);
assert.equal(result.structuredContent.organization_ids.length, 60);
console.log('task completed: 60 imported');
await session.close();
await client.close();
console.log('sdk2-rounds ok');
