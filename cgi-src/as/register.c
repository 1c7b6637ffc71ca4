/*
 * register.c: see register.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "clients.h"
#include "register.h"
#include "scopes.h"
#include "web.h"


/* RFC 7591 §3.2.2: the error answer. */
static void
meta_error(struct mcp_req *r, const char *error, const char *desc)
{
	as_oauth_error(r, 400, error, desc);
}

/* Reads the JSON body (1 to MCP_CLIENT_META_MAX bytes); NULL: answered. */
static struct json_object *
read_body(struct mcp_req *r, char *buf)
{
	struct json_object	*o;
	const char		*ct, *cl;
	size_t			 want = 0, i;
	long			 n;
	enum mcp_err		 e;

	ct = mcp_http_param(r, "CONTENT_TYPE");
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';')) {
		meta_error(r, "invalid_client_metadata", "Content-Type must "
		    "be application/json");
		return NULL;
	}
	cl = mcp_http_param(r, "CONTENT_LENGTH");
	for (i = 0; cl != NULL && cl[i] != '\0' && i < 8; i++)
		want = isdigit((unsigned char)cl[i]) ? want * 10 +
		    (size_t)(cl[i] - '0') : MCP_CLIENT_META_MAX + 1;
	if (cl == NULL || want == 0 || want > MCP_CLIENT_META_MAX) {
		as_oauth_error(r, want > MCP_CLIENT_META_MAX ? 413 : 400,
		    "invalid_client_metadata", "the metadata must be 1 to "
		    "8192 bytes of JSON");
		return NULL;
	}
	for (i = 0; i < want; i += (size_t)n)
		if ((n = r->io->read(r->io, buf + i, want - i)) <= 0) {
			meta_error(r, "invalid_client_metadata", "body shorter "
			    "than Content-Length");
			return NULL;
		}
	buf[want] = '\0';
	o = mcp_json_parse(buf, want, 8, &e);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		meta_error(r, "invalid_client_metadata", "the body must be a "
		    "JSON object");
		return NULL;
	}
	return o;
}

/*
 * client_registration = token: the hex SHA-256 of the initial access
 * token (RFC 7591 §3) the request carries, if it is a live one; else
 * -1 with the 401 sent.
 */
static int
initial_token(struct mcp_req *r, struct as_ctx *ctx, char h[65])
{
	const char	*auth = mcp_http_param(r, "HTTP_AUTHORIZATION");
	enum mcp_err	 e;

	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 ||
	    strlen(auth + 7) > 128) {
		mcp_buf_puts(&r->hdr, "WWW-Authenticate: Bearer "
		    "realm=\"mcp-fcgi registration\"\r\n");
		as_oauth_error(r, 401, "invalid_token", "registration needs an "
		    "initial access token from the operator");
		return -1;
	}
	as_sha256_hex(auth + 7, h);
	if ((e = ctx->st->ops->regtoken_use(ctx->st, h, (int64_t)time(NULL),
	    1)) == MCP_ERR_NOTFOUND) {
		mcp_buf_puts(&r->hdr, "WWW-Authenticate: Bearer "
		    "realm=\"mcp-fcgi registration\", error=\"invalid_token\"\r\n");
		as_oauth_error(r, 401, "invalid_token", "the initial access "
		    "token is unknown, expired or used up");
		return -1;
	}
	if (e != MCP_OK) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		return -1;
	}
	return 0;
}

void
as_register(struct mcp_req *r, struct as_ctx *ctx)
{
	const struct mcp_authconf	*a = &ctx->cfg->auth;
	struct mcp_client		 cl;
	struct json_object		*o, *out = NULL;
	const char			*why, *code;
	char				 addr[80], key[96], hex[17], tokh[65];
	char				 secret[AS_SECRET_LEN + 1];
	char				*buf = NULL;
	int64_t				 now = (int64_t)time(NULL), start;
	int				 n = 0;
	enum mcp_err			 e;

	snprintf(r->rpc, sizeof(r->rpc), "oauth/register");
	secret[0] = '\0';
	if (a->registration == 2 && initial_token(r, ctx, tokh) == -1)
		return;
	as_addr(r, addr, sizeof(addr));
	snprintf(key, sizeof(key), "dcr %s", addr);
	if (ctx->st->ops->fail_count(ctx->st, "", key, now, a->fail_window,
	    &n, &start) != MCP_OK) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		return;
	}
	if (n >= a->dcr_per_addr) {
		mcp_buf_printf(&r->hdr, "Retry-After: %lld\r\n",
		    (long long)(start + a->fail_window - now));
		as_oauth_error(r, 429, "temporarily_unavailable", "too many "
		    "registrations from this address; retry later");
		return;
	}
	if ((buf = malloc(MCP_CLIENT_META_MAX + 1)) == NULL) {
		as_oauth_error(r, 500, "server_error", "out of memory");
		return;
	}
	if ((o = read_body(r, buf)) == NULL)
		goto out;
	memset(&cl, 0, sizeof(cl));
	as_client_defaults(&cl);
	if ((why = as_client_metadata(o, &cl, &code)) != NULL) {
		meta_error(r, code, why);
		goto out;
	}
	snprintf(cl.kind, sizeof(cl.kind), "dcr");
	snprintf(cl.metadata, sizeof(cl.metadata), "%s", buf);
	cl.created = now;
	if (mcp_rand_hex(hex, 8) == -1 || (strcmp(cl.auth_method, "none") !=
	    0 && as_client_secret(&cl, secret) == -1)) {
		as_oauth_error(r, 500, "server_error", "no randomness");
		goto out;
	}
	snprintf(cl.id, sizeof(cl.id), "cli_%s", hex);
	/* The token's use is taken once the request is known good. */
	if (a->registration == 2 && (e = ctx->st->ops->regtoken_use(ctx->st,
	    tokh, now, 0)) != MCP_OK) {
		if (e == MCP_ERR_NOTFOUND)
			as_oauth_error(r, 401, "invalid_token", "the initial "
			    "access token is unknown, expired or used up");
		else
			as_oauth_error(r, 503, "temporarily_unavailable",
			    "try again");
		goto out;
	}
	if (ctx->st->ops->fail_add(ctx->st, "", key, now, a->fail_window) !=
	    MCP_OK || (e = ctx->st->ops->client_register(ctx->st, &cl,
	    now)) == MCP_ERR_STORE) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		goto out;
	}
	if (e == MCP_ERR_CONFLICT) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "registration: %d "
		    "registered clients, the limit", MCP_DCR_ROWS);
		mcp_buf_puts(&r->hdr, "Retry-After: 3600\r\n");
		as_oauth_error(r, 503, "temporarily_unavailable", "no more "
		    "clients can register now");
		goto out;
	}
	snprintf(r->who.client_id, sizeof(r->who.client_id), "%s", cl.id);
	out = json_object_new_object();
	mcp_json_set(out, "client_id", json_object_new_string(cl.id));
	mcp_json_set(out, "client_id_issued_at", json_object_new_int64(now));
	if (secret[0] != '\0') {
		mcp_json_set(out, "client_secret",
		    json_object_new_string(secret));
		mcp_json_set(out, "client_secret_expires_at",
		    json_object_new_int(0));
	}
	mcp_json_set(out, "client_name", json_object_new_string(cl.name));
	mcp_json_set(out, "redirect_uris", mcp_json_parse(cl.redirect_uris,
	    strlen(cl.redirect_uris), 4, &e));
	mcp_json_set(out, "token_endpoint_auth_method",
	    json_object_new_string(cl.auth_method));
	mcp_json_set(out, "grant_types", mcp_scope_array(cl.grant_types));
	mcp_json_set(out, "response_types", mcp_scope_array("code"));
	mcp_json_set(out, "application_type",
	    json_object_new_string(cl.app_type));
	mcp_json_set(out, "scope", json_object_new_string(cl.scopes));
	r->outcome = "client_registered";
	as_no_store(r);
	mcp_http_value(r, 201, out);
	json_object_put(out);
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	json_object_put(o);
	free(buf);
}
