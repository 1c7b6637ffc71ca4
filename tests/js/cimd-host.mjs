// cimd-host.mjs CERT KEY: an https server on 127.0.0.1 (an ephemeral
// port, printed as {"base": "https://127.0.0.1:PORT"}) serving Client ID
// Metadata Documents for the tests: /client.json (a good public client
// whose redirect URIs are the loopback /callback on any port and
// http://127.0.0.1:9/cb), /other.json (its client_id names another URL),
// /moved.json (a 302 to /client.json), /big.json (over 8 KB),
// /secret.json (a confidential client), /client-N.json (good ones).
import * as fs from 'node:fs';
import * as https from 'node:https';

const [cert, key] = process.argv.slice(2);
let base;
const doc = (id, extra = {}) => JSON.stringify({ client_id: id,
    client_name: 'CIMD test client', client_uri: 'https://example.com/',
    redirect_uris: ['http://127.0.0.1/callback', 'http://127.0.0.1:9/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'], token_endpoint_auth_method: 'none', ...extra });
const server = https.createServer({ cert: fs.readFileSync(cert),
    key: fs.readFileSync(key) }, (req, res) => {
	const json = (body) => res.writeHead(200,
	    { 'Content-Type': 'application/json' }).end(body);
	const p = req.url;
	if (p === '/client.json' || /^\/client-\d+\.json$/.test(p))
		json(doc(base + p));
	else if (p === '/other.json')
		json(doc(base + '/client.json'));
	else if (p === '/moved.json')
		res.writeHead(302, { Location: '/client.json' }).end();
	else if (p === '/big.json')
		json(doc(base + p, { pad: 'a'.repeat(9000) }));
	else if (p === '/secret.json')
		json(doc(base + p, { token_endpoint_auth_method: 'client_secret_basic' }));
	else
		res.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => {
	base = `https://127.0.0.1:${server.address().port}`;
	console.log(JSON.stringify({ base }));
});
