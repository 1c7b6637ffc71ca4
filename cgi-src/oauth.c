/*
 * oauth.c: the built-in authorization server, so that one box is a
 * complete deployment.  One responder answers:
 *
 *   POST /oauth/token                         client_credentials grant
 *   GET  /oauth/jwks                          the signing keys (JWKS)
 *   GET  /.well-known/oauth-authorization-server   RFC 8414 metadata
 *
 * and a JSON 404 for any other path it is given.  The grant follows
 * RFC 6749 §4.4 as OAuth 2.1 profiles it: the client authenticates with
 * client_secret_basic or client_secret_post (never both), may narrow
 * its scopes, and may name the resource (RFC 8707), which must be ours.
 * Every answer carries Cache-Control: no-store; every error is an RFC 6749
 * §5.2 object.  Failed client authentications are counted in the store
 * per (client id, source address) and per source address, and refused
 * with 429 past client_auth_failures or addr_auth_failures within
 * client_auth_window_seconds: client ids are not secret, so counting per
 * id alone would let anyone lock any client out.  A request is audited as
 * authenticated only once its client is (lib/audit.c).
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

#include "extern.h"
#include "as/issuer.h"

/* --- Answers --- */

static void
no_store(struct mcp_req *r)
{
	mcp_buf_puts(&r->hdr, "Cache-Control: no-store\r\nPragma: no-cache\r\n");
}

static void
oauth_error(struct mcp_req *r, int status, const char *error,
    const char *desc)
{
	struct json_object	*o = json_object_new_object();

	r->outcome = error;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "token endpoint: %s: %s", error,
	    desc);
	mcp_json_set(o, "error", json_object_new_string(error));
	if (desc != NULL)
		mcp_json_set(o, "error_description",
		    json_object_new_string(desc));
	no_store(r);
	mcp_http_value(r, status, o);
	json_object_put(o);
}

/* --- Client authentication --- */

/*
 * The source address failures are counted against: REMOTE_ADDR, except
 * that an IPv6 address counts by its /64, the block one host or site is
 * usually given (else one host could step through 2^64 addresses).
 */
static void
throttle_addr(struct mcp_req *r, char *out, size_t outsz)
{
	struct in6_addr	 a6;
	const char	*addr;

	if ((addr = mcp_http_param(r, "REMOTE_ADDR")) == NULL)
		addr = "";
	mcp_strlcpy(out, addr, outsz);
	if (strchr(addr, ':') == NULL || inet_pton(AF_INET6, addr, &a6) != 1 ||
	    IN6_IS_ADDR_V4MAPPED(&a6))
		return;
	memset(a6.s6_addr + 8, 0, 8);
	if (inet_ntop(AF_INET6, &a6, out, (socklen_t)outsz) == NULL)
		mcp_strlcpy(out, addr, outsz);
}

/* needbuf: holds the granted scopes for the audit, after we return. */
static void
token(struct mcp_req *r, struct as_ctx *ctx, char *needbuf, size_t needsz)
{
	const struct mcp_authconf	*a = &r->srv->cfg.auth;
	struct mcp_client		 cl;
	struct mcp_form			 f;
	struct json_object		*o;
	const char			*ct, *auth, *why = "", *scope, *res;
	const char			*cl_len, *pid, *psec;
	char				 id[128], secret[256], *tok;
	char				 addr[INET6_ADDRSTRLEN + 1];
	char				 err[256];
	size_t				 want = 0, i;
	long				 n;
	int				 used_basic, retry;

	snprintf(r->rpc, sizeof(r->rpc), "oauth/token");
	ct = mcp_http_param(r, "CONTENT_TYPE");
	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded",
	    33) != 0 || (ct[33] != '\0' && ct[33] != ';')) {
		oauth_error(r, 400, "invalid_request", "Content-Type must be "
		    "application/x-www-form-urlencoded");
		return;
	}
	cl_len = mcp_http_param(r, "CONTENT_LENGTH");
	for (i = 0; cl_len != NULL && cl_len[i] != '\0' && i < 8; i++)
		want = isdigit((unsigned char)cl_len[i]) ?
		    want * 10 + (size_t)(cl_len[i] - '0') : MCP_FORM_MAX + 1;
	if (cl_len == NULL || want == 0 || want > MCP_FORM_MAX) {
		oauth_error(r, 400, "invalid_request", "the body must be 1 to "
		    "4096 bytes");
		return;
	}
	for (i = 0; i < want; i += (size_t)n)
		if ((n = r->io->read(r->io, f.buf + i, want - i)) <= 0) {
			oauth_error(r, 400, "invalid_request", "body shorter "
			    "than Content-Length");
			goto out;
		}
	if (mcp_form_parse(&f, want, &why) == -1) {
		oauth_error(r, 400, "invalid_request", why);
		goto out;
	}
	/* RFC 6749 §2.3: one client authentication method only. */
	auth = mcp_http_param(r, "HTTP_AUTHORIZATION");
	used_basic = auth != NULL && strncasecmp(auth, "Basic ", 6) == 0;
	pid = mcp_form_get(&f, "client_id");
	psec = mcp_form_get(&f, "client_secret");
	if (used_basic && psec != NULL) {
		oauth_error(r, 400, "invalid_request", "use either "
		    "client_secret_basic or client_secret_post, not both");
		goto out;
	}
	if (used_basic) {
		if (mcp_basic_credentials(auth, id, sizeof(id), secret,
		    sizeof(secret)) == -1) {
			mcp_buf_puts(&r->hdr, "WWW-Authenticate: Basic "
			    "realm=\"mcp-fcgi\", charset=\"UTF-8\"\r\n");
			oauth_error(r, 401, "invalid_client", "malformed "
			    "Basic credentials");
			goto out;
		}
		if (pid != NULL && strcmp(pid, id) != 0) {
			oauth_error(r, 400, "invalid_request", "client_id "
			    "differs from the Basic credentials");
			goto out;
		}
	} else if (pid != NULL && psec != NULL && strlen(pid) < sizeof(id) &&
	    strlen(psec) < sizeof(secret)) {
		snprintf(id, sizeof(id), "%s", pid);
		snprintf(secret, sizeof(secret), "%s", psec);
	} else {
		mcp_buf_puts(&r->hdr, "WWW-Authenticate: Basic "
		    "realm=\"mcp-fcgi\", charset=\"UTF-8\"\r\n");
		oauth_error(r, 401, "invalid_client", "client authentication "
		    "required (client_secret_basic or client_secret_post)");
		goto out;
	}
	snprintf(r->who.sub, sizeof(r->who.sub), "%s", id);
	snprintf(r->who.client_id, sizeof(r->who.client_id), "%s", id);
	throttle_addr(r, addr, sizeof(addr));
	switch (as_client_auth(ctx, id, secret, addr, &cl, &retry)) {
	case AS_AUTH_OK:
		r->authed = 1;
		break;
	case AS_AUTH_LIMITED:
		/* RFC 9110 §10.2.3: when the window frees a slot. */
		mcp_buf_printf(&r->hdr, "Retry-After: %d\r\n", retry);
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "token endpoint: failed "
		    "client authentications from %s past the limit", addr);
		oauth_error(r, 429, "temporarily_unavailable", "too many "
		    "failed client authentications; retry later");
		goto out;
	case AS_AUTH_BAD:
		if (used_basic)
			mcp_buf_puts(&r->hdr, "WWW-Authenticate: Basic "
			    "realm=\"mcp-fcgi\", charset=\"UTF-8\"\r\n");
		oauth_error(r, 401, "invalid_client", "client authentication "
		    "failed");
		goto out;
	case AS_AUTH_ERROR:
		oauth_error(r, 503, "temporarily_unavailable", "try again");
		goto out;
	}
	if (mcp_form_get(&f, "grant_type") == NULL) {
		oauth_error(r, 400, "invalid_request", "grant_type is "
		    "required");
		goto out;
	}
	if (strcmp(mcp_form_get(&f, "grant_type"), "client_credentials") != 0) {
		oauth_error(r, 400, "unsupported_grant_type", "only "
		    "client_credentials is supported");
		goto out;
	}
	/* RFC 8707: a resource, if named, must be the one we issue for. */
	if ((res = mcp_form_get(&f, "resource")) != NULL &&
	    strcmp(res, a->resource) != 0) {
		oauth_error(r, 400, "invalid_target", "resource must be the "
		    "MCP endpoint this server issues tokens for");
		goto out;
	}
	if ((scope = mcp_form_get(&f, "scope")) == NULL)
		scope = cl.scopes;
	if (!as_scope_subset(scope, cl.scopes)) {
		oauth_error(r, 400, "invalid_scope", "scope goes beyond what "
		    "this client may be granted");
		goto out;
	}
	snprintf(needbuf, needsz, "%s", scope);
	r->need = needbuf;
	if ((tok = as_mint(ctx, &cl, scope, a->token_ttl, err,
	    sizeof(err))) == NULL) {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "mint: %s", err);
		oauth_error(r, 500, "server_error", "could not issue a token");
		goto out;
	}
	o = json_object_new_object();
	mcp_json_set(o, "access_token", json_object_new_string(tok));
	mcp_json_set(o, "token_type", json_object_new_string("Bearer"));
	mcp_json_set(o, "expires_in", json_object_new_int(a->token_ttl));
	mcp_json_set(o, "scope", json_object_new_string(scope));
	r->outcome = "token_issued";
	no_store(r);
	mcp_http_value(r, 200, o);
	OPENSSL_cleanse(tok, strlen(tok));
	free(tok);
	json_object_put(o);
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	mcp_form_clear(&f);
}

static void
metadata(struct mcp_req *r)
{
	const struct mcp_authconf	*a = &r->srv->cfg.auth;
	struct json_object		*o, *v;
	char				 url[1200];

	o = json_object_new_object();
	mcp_json_set(o, "issuer", json_object_new_string(a->as_issuer));
	snprintf(url, sizeof(url), "%s/oauth/token", a->as_issuer);
	mcp_json_set(o, "token_endpoint", json_object_new_string(url));
	snprintf(url, sizeof(url), "%s/oauth/jwks", a->as_issuer);
	mcp_json_set(o, "jwks_uri", json_object_new_string(url));
	v = json_object_new_array();
	mcp_json_append(v, json_object_new_string("client_credentials"));
	mcp_json_set(o, "grant_types_supported", v);
	/* RFC 8414 requires the member; no redirect-based flow exists. */
	mcp_json_set(o, "response_types_supported", json_object_new_array());
	v = json_object_new_array();
	mcp_json_append(v, json_object_new_string("client_secret_basic"));
	mcp_json_append(v, json_object_new_string("client_secret_post"));
	mcp_json_set(o, "token_endpoint_auth_methods_supported", v);
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

static void
serve(struct mcp_server *srv, struct mcp_io *io, struct mcp_store *st)
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
	if (strcmp(path, "/oauth/token") == 0) {
		if (strcmp(m, "POST") != 0) {
			mcp_buf_puts(&r.hdr, "Allow: POST\r\n");
			oauth_error(&r, 405, "invalid_request", "use POST");
		} else
			token(&r, &ctx, need, sizeof(need));
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
	    strcmp(path, "/.well-known/oauth-authorization-server") != 0)
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

static const struct mcp_endpoint endpoint = {
	.name = "mcp-fcgi-oauth",
	.title = "mcp-fcgi authorization server",
	.version = "0.1.0",
};

int
main(int argc, char *argv[])
{
	return mcp_main_serve(&endpoint, serve, argc, argv);
}
