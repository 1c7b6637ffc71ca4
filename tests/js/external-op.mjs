// external-op.mjs PORT RESOURCE SCOPES [options]: a third-party OpenID
// provider for the external-issuer tests: panva's oidc-provider (OpenID
// Certified) on http://127.0.0.1:PORT, issuing RFC 9068 JWT access tokens
// (RS256) for one resource, RESOURCE, with SCOPES (space-separated: the
// resource server's scopes_supported).
//
//   --workspace W     the workspace claim's value (default wks_ext)
//   --claim NAME      the workspace claim's name (default workspace)
//   --ttl SECONDS     lifetime of tokens issued to people (default 600)
//   --other-aud URL   a second resource, for the static client only, so
//                     that a test can hold a genuine token of this
//                     provider made out to someone else
//
// Clients: "ext-cc" (client_secret_basic, secret "ext-cc-secret", the
// client_credentials grant), "ext-public" (public, PKCE, redirect
// http://127.0.0.1/callback on any port), and any client registered
// dynamically (RFC 7591, open).  Sign-in and consent are the provider's
// built-in development pages (any login name and password).  PKCE with
// S256 is required of every authorization request.  Refresh tokens are
// issued to every client allowed the refresh_token grant, rotated on use.
//
// Prints one JSON line {"issuer", "jwks_uri"} once listening; runs until
// killed (SIGTERM).
import * as crypto from 'node:crypto';
import Provider from 'oidc-provider';

const [port, resource, scopeList, ...rest] = process.argv.slice(2);
if (!port || !resource || !scopeList) {
	console.error('usage: external-op.mjs PORT RESOURCE SCOPES [options]');
	process.exit(2);
}
const opt = { workspace: 'wks_ext', claim: 'workspace', ttl: '600',
    'other-aud': null };
for (let i = 0; i < rest.length; i += 2) {
	const k = rest[i].replace(/^--/, '');
	if (!(k in opt) || rest[i + 1] === undefined) {
		console.error(`external-op.mjs: unknown option ${rest[i]}`);
		process.exit(2);
	}
	opt[k] = rest[i + 1];
}
const ttl = Number(opt.ttl);
const issuer = `http://127.0.0.1:${port}`;

// A fresh signing key per run: nothing to leak, nothing to rotate.
const { privateKey } = crypto.generateKeyPairSync('rsa',
    { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid:
    crypto.randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const jwtAt = (accessTokenTTL) => ({
	scope: scopeList,
	accessTokenFormat: 'jwt',
	accessTokenTTL,
	jwt: { sign: { alg: 'RS256' } },
});

const provider = new Provider(issuer, {
	jwks: { keys: [jwk] },
	cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
	scopes: ['openid', 'offline_access', ...scopeList.split(' ')],
	clients: [{
		client_id: 'ext-cc',
		client_secret: 'ext-cc-secret',
		grant_types: ['client_credentials'],
		response_types: [],
		redirect_uris: [],
		token_endpoint_auth_method: 'client_secret_basic',
		scope: scopeList,
	}, {
		client_id: 'ext-public',
		application_type: 'native',
		token_endpoint_auth_method: 'none',
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		redirect_uris: ['http://127.0.0.1/callback'],
	}],
	pkce: { required: () => true },
	features: {
		devInteractions: { enabled: true },
		clientCredentials: { enabled: true },
		registration: { enabled: true },
		revocation: { enabled: true },
		resourceIndicators: {
			enabled: true,
			// A request naming no resource gets ours: MCP clients
			// send it (RFC 8707), this only spares hand-made ones.
			defaultResource: async () => resource,
			useGrantedResource: async () => true,
			getResourceServerInfo: async (ctx, indicator, client) => {
				if (indicator === resource)
					return jwtAt(client.clientId === 'ext-cc' ?
					    600 : ttl);
				if (opt['other-aud'] !== null &&
				    indicator === opt['other-aud'] &&
				    client.clientId === 'ext-cc')
					return jwtAt(600);
				throw new Provider.errors.InvalidTarget();
			},
		},
	},
	// The workspace of whoever the token is for: a claim the resource
	// server reads (its configuration's workspace_claim).
	extraTokenClaims: async () => ({ [opt.claim]: opt.workspace }),
	issueRefreshToken: async (ctx, client) =>
	    client.grantTypeAllowed('refresh_token'),
	// Refresh tokens are not rotated here.  The TypeScript SDK 1.x,
	// once its access token expires, refreshes from its reconnecting
	// GET stream and from its next POST at once, with the same refresh
	// token; a provider rotating strictly (RFC 9700 §4.14.2) refuses
	// the second, whichever comes second, and the test would then judge
	// the SDK's race, not our resource server.  (Our own authorization
	// server allows that second use: refresh_token_reuse_seconds.)
	rotateRefreshToken: () => false,
	ttl: { AccessToken: ttl, ClientCredentials: 600 },
});
// Loopback redirect URIs of native clients may use any port (RFC 8252
// §7.3): oidc-provider already allows this for application_type native.

const server = provider.listen(Number(port), '127.0.0.1', () => {
	console.log(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
