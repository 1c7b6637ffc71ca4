// sdk2-listen.mjs URL TOKEN_A TOKEN_B: the 2.x client's subscriptions/listen
// (2026-07-28).  Client A listens to its workspace document; client B (of
// the same workspace) renames the workspace; A hears
// notifications/resources/updated on the listen's stream, tagged with the
// listen's id.  Then A waits for the stream to break (the test kills the
// responders) and, as the revision asks, issues the listen again and hears
// the next change.  Each step is printed for the test to follow:
// "acknowledged N", "heard N", "closed WHY".
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from
    '@modelcontextprotocol/client';

const [url, tokenA, tokenB] = process.argv.slice(2);
const connect = async (token) => {
	const c = new Client({ name: 'sdk2-listen', version: '1.0.0' },
	    { versionNegotiation: { mode: { pin: '2026-07-28' } } });
	await c.connect(new StreamableHTTPClientTransport(new URL(url),
	    { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
	return c;
};
const a = await connect(tokenA);
const b = await connect(tokenB);
let heard = [];
a.setNotificationHandler('notifications/resources/updated',
    (n) => { heard.push(n.params); });
const until = async (cond, ms) => {
	for (let t = 0; t < ms && !cond(); t += 50)
		await new Promise((ok) => setTimeout(ok, 50));
	assert.ok(cond(), 'timed out');
};
const rename = (n) => b.callTool({ name: 'update_workspace',
    arguments: { name: `listen ${process.pid} ${n}` } });

for (const round of [1, 2]) {
	const sub = await a.listen({ toolsListChanged: true,
	    resourceSubscriptions: ['mcp-fcgi://workspace'] });
	// Our lists never change: only the resource is honoured.
	assert.deepEqual(sub.honoredFilter,
	    { resourceSubscriptions: ['mcp-fcgi://workspace'] });
	console.log(`acknowledged ${round}`);
	heard = [];
	const made = await rename(round);
	assert.notEqual(made.isError, true);
	await until(() => heard.length > 0, 5000);
	assert.equal(heard[0].uri, 'mcp-fcgi://workspace');
	console.log(`heard ${round}`);
	if (round === 1) {
		// The test breaks the stream; the client re-issues the listen.
		const why = await sub.closed;
		console.log(`closed ${why}`);
		assert.equal(why, 'remote');
	} else {
		await sub.close();
		console.log(`closed ${await sub.closed}`);
	}
}
await a.close();
await b.close();
console.log('sdk2-listen ok');
