// bench-peer.mjs PORT JWKS_FILE ISSUER AUDIENCE: the benchmark's peer, an
// MCP server on the official TypeScript SDK 1.x doing what our /mcp does
// for the bench: its stateless Streamable HTTP mode (a server and
// transport per request, as the SDK documents), a bearer token verified
// with jose (RS256 pinned, iss, aud, exp) on every request, and the same
// `echo` tool with the same input and output schemas.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const [port, jwksFile, issuer, audience] = process.argv.slice(2);
const jwks = createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));

function server() {
	const s = new McpServer({ name: 'sdk-peer', version: '1.0.0' });
	s.registerTool('echo', {
		title: 'Echo',
		description: 'Returns the text it is given, unchanged.',
		inputSchema: { text: z.string().max(10000) },
		outputSchema: { text: z.string() },
		annotations: { readOnlyHint: true, idempotentHint: true },
	}, async ({ text }) => ({
		content: [{ type: 'text', text: JSON.stringify({ text }) }],
		structuredContent: { text },
	}));
	return s;
}

function deny(res, status) {
	res.writeHead(status, { 'Content-Type': 'application/json',
	    'WWW-Authenticate': 'Bearer error="invalid_token"' });
	res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Unauthorized"}}');
}

async function handle(req, res) {
	const h = req.headers.authorization ?? '';
	if (!h.startsWith('Bearer '))
		return deny(res, 401);
	try {
		await jwtVerify(h.slice(7), jwks, { issuer, audience,
		    algorithms: ['RS256'], clockTolerance: 30 });
	} catch {
		return deny(res, 401);
	}
	const chunks = [];
	for await (const c of req)
		chunks.push(c);
	let body;
	try {
		body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		res.writeHead(400).end();
		return;
	}
	const s = server();
	const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined,
	    enableJsonResponse: true });
	res.on('close', () => { t.close(); s.close(); });
	await s.connect(t);
	await t.handleRequest(req, res, body);
}

// A client that goes away mid-request (wrk stopping) must not take the
// process down.
http.createServer((req, res) => {
	handle(req, res).catch(() => res.destroy());
}).listen(Number(port), '127.0.0.1', () => console.log(`peer on ${port}`));
