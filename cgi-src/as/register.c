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

#include "register.h"
#include "scopes.h"
#include "web.h"

#define REDIRECTS_MAX	8
#define REDIRECT_LEN	512

/* RFC 7591 §3.2.2: the error answer. */
static void
meta_error(struct mcp_req *r, const char *error, const char *desc)
{
	as_oauth_error(r, 400, error, desc);
}

static int
loopback_http(const char *u)
{
	return strncmp(u, "http://127.0.0.1", 16) == 0 ||
	    strncmp(u, "http://[::1]", 12) == 0 ||
	    strncmp(u, "http://localhost", 16) == 0;
}

/*
 * One redirect URI: absolute, no fragment, no control characters or
 * spaces.  web clients: https, or http to a loopback host (development);
 * native clients also a private-use scheme ("com.example.app:/cb").
 */
static const char *
check_redirect(const char *u, int native)
{
	const char	*colon;
	size_t		 i, n = strlen(u);

	if (n == 0 || n > REDIRECT_LEN)
		return "a redirect URI is 1 to 512 bytes";
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f ||
		    u[i] == '#' || u[i] == '"' || u[i] == '<' || u[i] == '>' ||
		    u[i] == '\\')
			return "a redirect URI must be an absolute URI without "
			    "a fragment";
	if (strncmp(u, "https://", 8) == 0 && u[8] != '\0' && u[8] != '/')
		return NULL;
	if (loopback_http(u))
		return NULL;
	colon = strchr(u, ':');
	if (native && colon != NULL && colon > u && strchr(u, '.') != NULL &&
	    strchr(u, '.') < colon && isalpha((unsigned char)u[0]) &&
	    strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-.") == (size_t)(colon - u) &&
	    strncasecmp(u, "http:", 5) != 0 && strncasecmp(u, "javascript:",
	    11) != 0 && strncasecmp(u, "data:", 5) != 0)
		return NULL;
	return native ? "a native client's redirect URI is https, http to "
	    "a loopback address, or a private-use scheme such as "
	    "com.example.app:/callback" : "a web client's redirect URI is "
	    "https (or http to a loopback address)";
}

/* A member that must be a string if present. */
static int
opt_string(struct json_object *o, const char *key, const char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (!mcp_json_get(o, key, &v) || json_object_is_type(v,
	    json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*out = json_object_get_string(v);
	return strlen(*out) == (size_t)json_object_get_string_len(v) ? 0 : -1;
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

/* Fills cl from the metadata; NULL, or why it is refused. */
static const char *
client_from(struct json_object *o, struct mcp_client *cl, const char **code)
{
	struct json_object	*v, *e, *uris;
	const char		*s, *why;
	size_t			 i, n;
	int			 native = 0, has_code = 0, has_rt = 0;

	*code = "invalid_client_metadata";
	if (opt_string(o, "application_type", &s) == -1 ||
	    (s != NULL && strcmp(s, "web") != 0 && strcmp(s, "native") != 0))
		return "application_type must be web or native";
	native = s != NULL && strcmp(s, "native") == 0;
	snprintf(cl->app_type, sizeof(cl->app_type), "%s", native ? "native" :
	    "web");
	if (opt_string(o, "token_endpoint_auth_method", &s) == -1 ||
	    (s != NULL && strcmp(s, "none") != 0 && strcmp(s,
	    "client_secret_basic") != 0 && strcmp(s,
	    "client_secret_post") != 0))
		return "token_endpoint_auth_method must be none, "
		    "client_secret_basic or client_secret_post";
	snprintf(cl->auth_method, sizeof(cl->auth_method), "%s", s != NULL ?
	    s : "client_secret_basic");
	if (opt_string(o, "client_name", &s) == -1 || (s != NULL &&
	    strlen(s) >= sizeof(cl->name)))
		return "client_name must be a string of at most 127 bytes";
	snprintf(cl->name, sizeof(cl->name), "%s", s != NULL && *s != '\0' ?
	    s : "Unnamed client");
	if (opt_string(o, "scope", &s) == -1 || (s != NULL &&
	    (strlen(s) >= sizeof(cl->scopes) || !as_scopes_known(s))))
		return "scope names a scope this server does not have";
	cl->scopes[0] = '\0';
	if (s != NULL)
		snprintf(cl->scopes, sizeof(cl->scopes), "%s", s);
	else
		for (i = 0; i < as_nscopes; i++)
			snprintf(cl->scopes + strlen(cl->scopes),
			    sizeof(cl->scopes) - strlen(cl->scopes), "%s%s",
			    i ? " " : "", as_scopes[i].name);
	if (mcp_json_get(o, "grant_types", &v)) {
		if (!json_object_is_type(v, json_type_array) ||
		    (n = json_object_array_length(v)) == 0 || n > 4)
			return "grant_types must be an array of 1 to 4 strings";
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v, i);
			s = json_object_is_type(e, json_type_string) ?
			    json_object_get_string(e) : "";
			if (strcmp(s, "authorization_code") == 0)
				has_code = 1;
			else if (strcmp(s, "refresh_token") == 0)
				has_rt = 1;
			else
				return "grant_types may hold only "
				    "authorization_code and refresh_token";
		}
	} else
		has_code = has_rt = 1;
	if (!has_code)
		return "grant_types must include authorization_code";
	snprintf(cl->grant_types, sizeof(cl->grant_types), "%s",
	    has_rt ? "authorization_code refresh_token" :
	    "authorization_code");
	if (mcp_json_get(o, "response_types", &v)) {
		if (!json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) != 1 ||
		    !json_object_is_type(json_object_array_get_idx(v, 0),
		    json_type_string) || strcmp(json_object_get_string(
		    json_object_array_get_idx(v, 0)), "code") != 0)
			return "response_types must be [\"code\"]";
	}
	*code = "invalid_redirect_uri";
	if (!mcp_json_get(o, "redirect_uris", &v) ||
	    !json_object_is_type(v, json_type_array) ||
	    (n = json_object_array_length(v)) == 0 || n > REDIRECTS_MAX)
		return "redirect_uris must be an array of 1 to 8 URIs";
	uris = json_object_new_array();
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string) ||
		    strlen(json_object_get_string(e)) !=
		    (size_t)json_object_get_string_len(e)) {
			json_object_put(uris);
			return "each redirect URI must be a string";
		}
		if ((why = check_redirect(json_object_get_string(e),
		    native)) != NULL) {
			json_object_put(uris);
			return why;
		}
		json_object_array_add(uris, json_object_get(e));
	}
	snprintf(cl->redirect_uris, sizeof(cl->redirect_uris), "%s",
	    json_object_to_json_string_ext(uris, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(uris);
	*code = NULL;
	return NULL;
}

void
as_register(struct mcp_req *r, struct as_ctx *ctx)
{
	const struct mcp_authconf	*a = &ctx->cfg->auth;
	struct mcp_client		 cl;
	struct json_object		*o, *out = NULL;
	const char			*why, *code;
	char				 addr[80], key[96], hex[17];
	char				 secret[AS_SECRET_LEN + 1];
	char				*buf = NULL;
	int64_t				 now = (int64_t)time(NULL), start;
	int				 n = 0;
	enum mcp_err			 e;

	snprintf(r->rpc, sizeof(r->rpc), "oauth/register");
	secret[0] = '\0';
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
	if ((why = client_from(o, &cl, &code)) != NULL) {
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
