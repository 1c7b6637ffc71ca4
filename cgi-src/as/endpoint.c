/*
 * endpoint.c: the built-in authorization server's requests (the
 * responder is cgi-src/oauth.c), so that one box is a complete
 * deployment.  It answers:
 *
 *   GET/POST /oauth/authorize      sign-in and consent (as/authorize.c)
 *   POST /oauth/token              client_credentials, authorization_code
 *                                  (PKCE S256) and refresh_token grants
 *   POST /oauth/revoke             RFC 7009 revocation
 *   POST /oauth/register           RFC 7591 registration (as/register.c),
 *                                  when client_registration = open
 *   GET  /oauth/jwks               the signing keys (JWKS)
 *   GET  /.well-known/oauth-authorization-server   RFC 8414 metadata,
 *        also at /.well-known/openid-configuration
 *
 * and a JSON 404 for any other path it is given.  Clients authenticate
 * with client_secret_basic or client_secret_post (never both); a public
 * client (registered with token_endpoint_auth_method none) names itself
 * with client_id.  Every token answer carries Cache-Control: no-store;
 * every error is an RFC 6749 §5.2 object.  Failed client
 * authentications are counted in the store per (client id, source
 * address) and per source address, and refused with 429 past
 * client_auth_failures or addr_auth_failures within
 * client_auth_window_seconds: client ids are not secret, so counting per
 * id alone would let anyone lock any client out.  A request is audited
 * as authenticated only once its client is (lib/audit.c).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "authorize.h"
#include "clients.h"
#include "endpoint.h"
#include "grant.h"
#include "issuer.h"
#include "register.h"
#include "scopes.h"
#include "web.h"

/* --- The token endpoint --- */

enum who { WHO_OK, WHO_ANSWERED };

/* 401 invalid_client with a Basic challenge (RFC 6749 §5.2). */
static void
no_client(struct mcp_req *r, const char *desc)
{
	mcp_buf_puts(&r->hdr, "WWW-Authenticate: Basic realm=\"mcp-fcgi\", "
	    "charset=\"UTF-8\"\r\n");
	as_oauth_error(r, 401, "invalid_client", desc);
}

#define AUTH_REQUIRED	"client authentication required " \
			"(client_secret_basic or client_secret_post)"

/*
 * Authenticates the client of a token or revocation request: a secret
 * by client_secret_basic or client_secret_post (never both, RFC 6749
 * §2.3), or, for a public client (token_endpoint_auth_method none), its
 * client_id alone.  Answers the error itself.
 */
static enum who
client_of(struct mcp_req *r, struct as_ctx *ctx, const struct mcp_form *f,
    struct mcp_client *cl)
{
	const char	*auth, *pid, *psec;
	char		 id[128], secret[256], addr[80], err[256];
	int		 used_basic, retry;
	enum who	 rc = WHO_ANSWERED;

	secret[0] = '\0';
	auth = mcp_http_param(r, "HTTP_AUTHORIZATION");
	used_basic = auth != NULL && strncasecmp(auth, "Basic ", 6) == 0;
	pid = mcp_form_get(f, "client_id");
	psec = mcp_form_get(f, "client_secret");
	if (used_basic && psec != NULL) {
		as_oauth_error(r, 400, "invalid_request", "use either "
		    "client_secret_basic or client_secret_post, not both");
		return rc;
	}
	if (used_basic) {
		if (mcp_basic_credentials(auth, id, sizeof(id), secret,
		    sizeof(secret)) == -1) {
			no_client(r, "malformed Basic credentials");
			goto out;
		}
		if (pid != NULL && strcmp(pid, id) != 0) {
			as_oauth_error(r, 400, "invalid_request", "client_id "
			    "differs from the Basic credentials");
			goto out;
		}
	} else if (pid != NULL && psec != NULL && strlen(pid) < sizeof(id) &&
	    strlen(psec) < sizeof(secret)) {
		snprintf(id, sizeof(id), "%s", pid);
		snprintf(secret, sizeof(secret), "%s", psec);
	} else if (pid != NULL && psec == NULL) {
		/* A public client names itself; nothing to check but that. */
		snprintf(r->who.client_id, sizeof(r->who.client_id), "%.127s",
		    pid);
		as_addr(r, addr, sizeof(addr));
		memset(cl, 0, sizeof(*cl));
		switch (as_client_resolve(ctx, pid, addr, cl, err,
		    sizeof(err))) {
		case AS_CLIENT_OK:
			break;
		case AS_CLIENT_ERROR:
			as_oauth_error(r, 503, "temporarily_unavailable",
			    "try again");
			return rc;
		default:
			cl->auth_method[0] = '\0';	/* not a client */
			break;
		}
		if (strcmp(cl->auth_method, "none") != 0) {
			no_client(r, AUTH_REQUIRED);
			return rc;
		}
		return WHO_OK;
	} else {
		no_client(r, AUTH_REQUIRED);
		goto out;
	}
	snprintf(r->who.sub, sizeof(r->who.sub), "%s", id);
	snprintf(r->who.client_id, sizeof(r->who.client_id), "%s", id);
	as_addr(r, addr, sizeof(addr));
	switch (as_client_auth(ctx, id, secret, addr, cl, &retry)) {
	case AS_AUTH_OK:
		rc = WHO_OK;
		break;
	case AS_AUTH_LIMITED:
		/* RFC 9110 §10.2.3: when the window frees a slot. */
		mcp_buf_printf(&r->hdr, "Retry-After: %d\r\n", retry);
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "%s: failed client "
		    "authentications from %s past the limit", r->rpc, addr);
		as_oauth_error(r, 429, "temporarily_unavailable", "too many "
		    "failed client authentications; retry later");
		break;
	case AS_AUTH_BAD:
		if (used_basic)
			no_client(r, "client authentication failed");
		else
			as_oauth_error(r, 401, "invalid_client", "client "
			    "authentication failed");
		break;
	case AS_AUTH_ERROR:
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		break;
	}
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

/*
 * The form of a token or revocation request and its client; 0, or -1
 * when the error is answered.
 */
static int
client_form(struct mcp_req *r, struct as_ctx *ctx, struct mcp_form *f,
    struct mcp_client *cl)
{
	const char	*why = "";

	if (as_read_form(r, f, &why) == -1) {
		as_oauth_error(r, 400, "invalid_request", why);
		return -1;
	}
	if (client_of(r, ctx, f, cl) != WHO_OK)
		return -1;
	r->authed = 1;
	return 0;
}

/* The client_credentials grant; needbuf holds the scopes for the audit. */
static void
client_credentials(struct mcp_req *r, struct as_ctx *ctx,
    const struct mcp_client *cl, const struct mcp_form *f, char *needbuf,
    size_t needsz)
{
	const struct mcp_authconf	*a = &r->srv->cfg.auth;
	const char			*scope, *res;
	char				 err[256], *tok;

	/* RFC 8707: a resource, if named, must be the one we issue for. */
	if ((res = mcp_form_get(f, "resource")) != NULL &&
	    strcmp(res, a->resource) != 0) {
		as_oauth_error(r, 400, "invalid_target", "resource must be the "
		    "MCP endpoint this server issues tokens for");
		return;
	}
	if ((scope = mcp_form_get(f, "scope")) == NULL)
		scope = cl->scopes;
	if (!as_scope_subset(scope, cl->scopes)) {
		as_oauth_error(r, 400, "invalid_scope", "scope goes beyond "
		    "what this client may be granted");
		return;
	}
	snprintf(needbuf, needsz, "%s", scope);
	r->need = needbuf;
	if ((tok = as_mint(ctx, cl, scope, a->token_ttl, err,
	    sizeof(err))) == NULL) {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "mint: %s", err);
		as_oauth_error(r, 500, "server_error", "could not issue a "
		    "token");
		return;
	}
	as_token_answer(r, tok, a->token_ttl, scope, NULL);
	OPENSSL_cleanse(tok, strlen(tok));
	free(tok);
}

/* needbuf: holds the granted scopes for the audit, after we return. */
static void
token(struct mcp_req *r, struct as_ctx *ctx, char *needbuf, size_t needsz)
{
	struct mcp_client	 cl;
	struct mcp_form		 f;
	const char		*gt;

	if (client_form(r, ctx, &f, &cl) == -1)
		goto out;
	if ((gt = mcp_form_get(&f, "grant_type")) == NULL) {
		as_oauth_error(r, 400, "invalid_request", "grant_type is "
		    "required");
		goto out;
	}
	if (strcmp(gt, "client_credentials") != 0 && strcmp(gt,
	    "authorization_code") != 0 && strcmp(gt, "refresh_token") != 0) {
		as_oauth_error(r, 400, "unsupported_grant_type", "the grant "
		    "types are client_credentials, authorization_code and "
		    "refresh_token");
		goto out;
	}
	if (!mcp_scope_has(cl.grant_types, gt, strlen(gt))) {
		as_oauth_error(r, 400, "unauthorized_client", "this client is "
		    "not registered for that grant type");
		goto out;
	}
	if (strcmp(gt, "client_credentials") == 0)
		client_credentials(r, ctx, &cl, &f, needbuf, needsz);
	else if (strcmp(gt, "authorization_code") == 0)
		as_grant_code(r, ctx, &cl, &f);
	else
		as_grant_refresh(r, ctx, &cl, &f);
out:
	mcp_form_clear(&f);
}

/*
 * RFC 7009 token revocation.  A refresh token of ours revokes its whole
 * family (another client's is refused, and left as it was); an access
 * token of an authenticated client revokes the family its "sid" names,
 * when it is that client's.  Anything else is answered 200 too (§2.2:
 * the client cannot tell an unknown token from a revoked one).
 */
static void
revoke(struct mcp_req *r, struct as_ctx *ctx)
{
	struct mcp_client	 cl;
	struct mcp_family	 fam;
	struct mcp_form		 f;
	struct mcp_jwt		 t;
	const char		*why = "", *tok;
	char			 h[65], famid[40], sc[1024];
	int64_t			 now = (int64_t)time(NULL);
	enum mcp_err		 e;
	int			 again;
	struct json_object	*v;

	famid[0] = '\0';
	if (client_form(r, ctx, &f, &cl) == -1)
		goto out;
	if ((tok = mcp_form_get(&f, "token")) == NULL) {
		as_oauth_error(r, 400, "invalid_request", "token is required");
		goto out;
	}
	if (strncmp(tok, "mcp_r_", 6) == 0) {
		as_sha256_hex(tok, h);
		e = ctx->st->ops->refresh_take(ctx->st, h, cl.id, now, 0,
		    famid, sc, &again);
		if (e == MCP_ERR_STORE) {
			as_oauth_error(r, 503, "temporarily_unavailable",
			    "try again");
			goto out;
		}
		if (e == MCP_ERR_PARAMS) {
			as_oauth_error(r, 400, "unauthorized_client", "the "
			    "token was issued to another client");
			goto out;
		}
	} else if (strcmp(cl.auth_method, "none") != 0 &&
	    mcp_jwt_parse(tok, strlen(tok), &t, &why) == 0) {
		/*
		 * An access token names its family in sid, unverified here,
		 * so only an authenticated client's own family is revoked:
		 * a public client's id proves nothing (it revokes with its
		 * refresh token).
		 */
		if (mcp_json_get(t.claims, "sid", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) < (int)sizeof(famid))
			memcpy(famid, json_object_get_string(v),
			    (size_t)json_object_get_string_len(v) + 1);
		mcp_jwt_free(&t);
	}
	if (famid[0] != '\0' && ctx->st->ops->family_get(ctx->st, famid,
	    &fam) == MCP_OK && strcmp(fam.client, cl.id) == 0) {
		if (ctx->st->ops->family_revoke(ctx->st, famid, NULL, NULL,
		    now) != MCP_OK) {
			as_oauth_error(r, 503, "temporarily_unavailable",
			    "try again");
			goto out;
		}
		r->outcome = "token_revoked";
	} else
		r->outcome = "token_unknown";
	as_no_store(r);
	mcp_http_json(r, 200, NULL);
out:
	mcp_form_clear(&f);
}

/* --- Documents --- */

static void
endpoint_url(struct json_object *o, const char *key, const char *issuer,
    const char *path)
{
	char	 url[1200];

	snprintf(url, sizeof(url), "%s%s", issuer, path);
	mcp_json_set_key(o, key, json_object_new_string(url));
}

/*
 * RFC 8414 metadata; the same document answers OpenID discovery's path
 * for clients that look there first (it holds no OpenID Connect claims:
 * we issue access tokens, not ID tokens).
 */
static void
metadata(struct mcp_req *r)
{
	const struct mcp_authconf	*a = &r->srv->cfg.auth;
	struct json_object		*o, *v;
	size_t				 i;

	o = json_object_new_object();
	mcp_json_set(o, "issuer", json_object_new_string(a->as_issuer));
	endpoint_url(o, "authorization_endpoint", a->as_issuer,
	    "/oauth/authorize");
	endpoint_url(o, "token_endpoint", a->as_issuer, "/oauth/token");
	if (a->registration)
		endpoint_url(o, "registration_endpoint", a->as_issuer,
		    "/oauth/register");
	endpoint_url(o, "revocation_endpoint", a->as_issuer, "/oauth/revoke");
	endpoint_url(o, "jwks_uri", a->as_issuer, "/oauth/jwks");
	v = json_object_new_array();
	for (i = 0; i < as_nscopes; i++)
		mcp_json_append(v, json_object_new_string(as_scopes[i].name));
	mcp_json_set(o, "scopes_supported", v);
	mcp_json_set(o, "response_types_supported", mcp_scope_array("code"));
	mcp_json_set(o, "response_modes_supported", mcp_scope_array("query"));
	mcp_json_set(o, "grant_types_supported", mcp_scope_array(
	    "authorization_code refresh_token client_credentials"));
	mcp_json_set(o, "code_challenge_methods_supported",
	    mcp_scope_array("S256"));
	mcp_json_set(o, "token_endpoint_auth_methods_supported",
	    mcp_scope_array("client_secret_basic client_secret_post none"));
	mcp_json_set(o, "revocation_endpoint_auth_methods_supported",
	    mcp_scope_array("client_secret_basic client_secret_post none"));
	mcp_json_set(o, "authorization_response_iss_parameter_supported",
	    json_object_new_boolean(1));
	mcp_json_set(o, "client_id_metadata_document_supported",
	    json_object_new_boolean(a->cimd));
	mcp_buf_puts(&r->hdr, "Cache-Control: public, max-age=3600\r\n");
	mcp_http_json(r, 200, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void
jwks(struct mcp_req *r, struct as_ctx *ctx)
{
	char	 err[256], *doc;

	if ((doc = as_jwks(ctx, err, sizeof(err))) == NULL) {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "jwks: %s", err);
		mcp_http_error(r, MCP_ERR_STORE, NULL, err);
		return;
	}
	/* Short: a rotation must reach resource servers quickly. */
	mcp_buf_puts(&r->hdr, "Cache-Control: public, max-age=60\r\n");
	mcp_http_json(r, 200, doc);
	free(doc);
}

void
as_serve(struct mcp_server *srv, struct mcp_io *io, struct mcp_store *st)
{
	struct mcp_req	 r;
	struct as_ctx	 ctx;
	const char	*u, *m;
	char		 path[256], need[1024];
	size_t		 n;

	memset(&r, 0, sizeof(r));
	r.srv = srv;
	r.io = io;
	r.store = st;
	clock_gettime(CLOCK_REALTIME, &r.t0);
	mcp_rand_rid(r.rid);
	ctx.cfg = &srv->cfg;
	ctx.st = st;
	if ((u = mcp_http_param(&r, "REQUEST_URI")) == NULL)
		u = "";
	n = strcspn(u, "?");
	snprintf(path, sizeof(path), "%.*s", (int)(n < 255 ? n : 255), u);
	if ((m = mcp_http_param(&r, "REQUEST_METHOD")) == NULL)
		m = "";
	if (srv->cfg.auth.as_issuer == NULL || srv->cfg.auth.resource ==
	    NULL) {
		mcp_logx(MCP_LEVEL_ERROR, r.rid, "builtin_issuer and "
		    "resource must be configured");
		mcp_http_error(&r, MCP_ERR_NOTFOUND, NULL, path);
		goto out;
	}
	if (strcmp(path, "/oauth/token") == 0 || strcmp(path,
	    "/oauth/revoke") == 0 || (strcmp(path, "/oauth/register") == 0 &&
	    srv->cfg.auth.registration)) {
		/* Called by clients' code, from any origin (no cookies). */
		r.origin = "*";
		snprintf(r.rpc, sizeof(r.rpc), "%.40s", path + 1);
		if (strcmp(m, "OPTIONS") == 0) {
			/* A browser's preflight: the CORS headers say it all. */
			mcp_http_json(&r, 204, NULL);
			goto out;
		}
		if (strcmp(m, "POST") != 0) {
			mcp_buf_puts(&r.hdr, "Allow: POST, OPTIONS\r\n");
			as_oauth_error(&r, 405, "invalid_request", "use POST");
		} else if (path[7] == 't')
			token(&r, &ctx, need, sizeof(need));
		else if (path[9] == 'v')
			revoke(&r, &ctx);
		else
			as_register(&r, &ctx);
		r.who.iss = srv->cfg.auth.as_issuer;
		mcp_audit_request(&r);
		goto out;
	}
	if (strcmp(path, "/oauth/authorize") == 0) {
		/* A page for people: never readable by other origins. */
		as_authorize(&r, &ctx);
		r.who.iss = srv->cfg.auth.as_issuer;
		mcp_audit_request(&r);
		goto out;
	}
	/*
	 * Public documents: readable from any origin, GET only.  Any other
	 * path is not found whatever the method (the web server hands over
	 * all of /oauth/).
	 */
	r.origin = "*";
	if (strcmp(path, "/oauth/jwks") != 0 &&
	    strcmp(path, "/.well-known/oauth-authorization-server") != 0 &&
	    strcmp(path, "/.well-known/openid-configuration") != 0)
		mcp_http_error(&r, MCP_ERR_NOTFOUND, NULL, path);
	else if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0)
		mcp_http_error(&r, MCP_ERR_HTTPMETHOD, NULL, m);
	else if (strcmp(path, "/oauth/jwks") == 0)
		jwks(&r, &ctx);
	else
		metadata(&r);
out:
	mcp_buf_free(&r.hdr);
}
