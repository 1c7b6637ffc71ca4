/*
 * guard.c: the MCP endpoint as an OAuth 2.1 protected resource.
 *
 * Every request but a CORS preflight carries a bearer token in the
 * Authorization header (RFC 6750 §2.1; never the query string), verified
 * by auth.c before any protocol work.  The answers follow RFC 6750 §3 and
 * the MCP authorization spec: 401 with a Bearer challenge naming our
 * RFC 9728 metadata and the scopes (error="invalid_token" only when a
 * token was sent), 403 error="insufficient_scope" naming every scope the
 * call needs.  The metadata itself is public at
 * /.well-known/oauth-protected-resource and its path-suffixed form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "extern.h"

#define WELLKNOWN	"/.well-known/oauth-protected-resource"

int
mcp_scope_has(const char *list, const char *s, size_t n)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if ((size_t)(e - p) == n && n > 0 && memcmp(p, s, n) == 0)
			return 1;
		p = e;
	}
	return 0;
}

/* Appends each scope of add that list lacks; the result is malloc'd. */
static int
scope_union(char **list, const char *add)
{
	struct mcp_buf	 b = { 0 };
	const char	*p = add, *e;

	if (mcp_buf_puts(&b, *list != NULL ? *list : "") == -1)
		return -1;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if (e > p && !mcp_scope_has(b.p, p, (size_t)(e - p)) &&
		    ((b.len > 0 && mcp_buf_add(&b, " ", 1) == -1) ||
		    mcp_buf_add(&b, p, (size_t)(e - p)) == -1)) {
			mcp_buf_free(&b);
			return -1;
		}
		p = e;
	}
	free(*list);
	*list = b.p != NULL ? b.p : strdup("");
	return *list == NULL ? -1 : 0;
}

/*
 * RFC 9728 §3.1: the metadata of https://host/path?query lives at
 * https://host/.well-known/oauth-protected-resource/path?query: the
 * well-known path goes between the authority and the path and/or query,
 * and a slash right after the authority is dropped first.  prm_path is
 * the path alone, matched against request paths (whose query the caller
 * strips).  The configuration checked that resource is an http(s) URL
 * with a host and no fragment.
 */
static int
prm_urls(struct mcp_server *srv, const char *resource)
{
	const char	*host = strstr(resource, "://") + 3;
	size_t		 origin = (size_t)(host - resource) +
			    mcp_url_authority(host);
	const char	*rest = resource + origin;
	struct mcp_buf	 b = { 0 };

	if (rest[0] == '/' && (rest[1] == '\0' || rest[1] == '?'))
		rest++;
	if (mcp_buf_add(&b, resource, origin) == -1 ||
	    mcp_buf_puts(&b, WELLKNOWN) == -1 ||
	    mcp_buf_puts(&b, rest) == -1) {
		mcp_buf_free(&b);
		return -1;
	}
	srv->prm_url = b.p;
	srv->prm_path = strndup(b.p + origin, strlen(WELLKNOWN) +
	    strcspn(rest, "?"));
	return srv->prm_path == NULL ? -1 : 0;
}

/*
 * The one path the endpoint answers: its own when it names one, else
 * the path of the resource URL (tokens name that URL, so it is where
 * the endpoint is), "/" when that URL has none.  Without either, any.
 */
static int
own_path(struct mcp_server *srv, const char *resource)
{
	const char	*host, *rest;

	if (srv->reg.ep->path != NULL)
		srv->own_path = strdup(srv->reg.ep->path);
	else if (resource != NULL) {
		host = strstr(resource, "://") + 3;
		rest = host + mcp_url_authority(host);
		srv->own_path = rest[0] != '/' ? strdup("/") :
		    strndup(rest, strcspn(rest, "?"));
	} else
		return 0;
	return srv->own_path == NULL ? -1 : 0;
}

static const char *
or_none(const char *scopes)
{
	return scopes != NULL ? scopes : "";
}

int
mcp_guard_init(struct mcp_server *srv, char *err, size_t errsz)
{
	const struct mcp_authconf	*a = &srv->cfg.auth;
	const struct mcp_endpoint	*ep = srv->reg.ep;
	struct json_object		*doc, *as;
	size_t				 i;

	srv->audit_fd = -1;
	/* Every scope a tool, resource or template declares. */
	if (scope_union(&srv->scopes_all, "") == -1)
		return -1;
	for (i = 0; i < srv->reg.ntools; i++)
		if (scope_union(&srv->scopes_all,
		    or_none(srv->reg.tools[i].def->scopes)) == -1)
			return -1;
	for (i = 0; i < ep->nresources; i++)
		if (scope_union(&srv->scopes_all,
		    or_none(ep->resources[i].scopes)) == -1)
			return -1;
	for (i = 0; i < ep->ntemplates; i++)
		if (scope_union(&srv->scopes_all,
		    or_none(ep->templates[i].scopes)) == -1)
			return -1;
	if (own_path(srv, a->required ? a->resource : NULL) == -1 ||
	    mcp_legacy_paths(srv) == -1)
		return -1;
	if (!a->required)
		return 0;
	if (prm_urls(srv, a->resource) == -1)
		return -1;
	doc = json_object_new_object();
	mcp_json_set(doc, "resource", json_object_new_string(a->resource));
	as = json_object_new_array();
	for (i = 0; i < a->nservers; i++)
		mcp_json_append(as, json_object_new_string(a->servers[i]));
	mcp_json_set(doc, "authorization_servers", as);
	mcp_json_set(doc, "scopes_supported", mcp_scope_array(srv->scopes_all));
	as = json_object_new_array();
	mcp_json_append(as, json_object_new_string("header"));
	mcp_json_set(doc, "bearer_methods_supported", as);
	if (a->resource_doc != NULL)
		mcp_json_set(doc, "resource_documentation",
		    json_object_new_string(a->resource_doc));
	mcp_json_set(doc, "resource_name",
	    json_object_new_string(srv->reg.ep->title != NULL ?
	    srv->reg.ep->title : srv->reg.ep->name));
	srv->prm_doc = strdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	if (srv->prm_doc == NULL)
		return -1;
	if ((srv->auth = mcp_auth_new(&srv->cfg, err, errsz)) == NULL)
		return -1;
	return 0;
}

void
mcp_guard_free(struct mcp_server *srv)
{
	mcp_auth_free(srv->auth);
	free(srv->prm_url);
	free(srv->prm_path);
	free(srv->prm_doc);
	free(srv->scopes_all);
	free(srv->own_path);
	free(srv->sse_path);
	free(srv->msg_path);
	srv->auth = NULL;
	srv->prm_url = srv->prm_path = srv->prm_doc = srv->scopes_all = NULL;
	srv->own_path = NULL;
	srv->sse_path = srv->msg_path = NULL;
}

/*
 * The Bearer challenge.  error is NULL when no token was presented
 * (RFC 6750 §3.1); scope is what the request needs, or every scope.
 */
static void
challenge(struct mcp_req *r, const char *error, const char *scope)
{
	mcp_buf_printf(&r->hdr, "WWW-Authenticate: Bearer "
	    "resource_metadata=\"%s\"", r->srv->prm_url);
	if (scope != NULL && *scope != '\0')
		mcp_buf_printf(&r->hdr, ", scope=\"%s\"", scope);
	if (error != NULL)
		mcp_buf_printf(&r->hdr, ", error=\"%s\"", error);
	mcp_buf_puts(&r->hdr, "\r\n");
}

/* 1 if the query string carries an access token (RFC 6750 §2.3). */
static int
token_in_query(const char *q)
{
	const char	*p;

	for (p = q; p != NULL && *p != '\0'; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (strncmp(p, "access_token=", 13) == 0 ||
		    strcmp(p, "access_token") == 0)
			return 1;
	}
	return 0;
}

/*
 * The JSON-RPC id of a refused POST's body, so that its error names it
 * (JSON-RPC 2.0 §5: null only when it cannot be told).  Read only for a
 * JSON body of at most ID_BODY_MAX bytes: a caller without a token
 * makes us read no more than that.  A new reference, or NULL.
 */
#define ID_BODY_MAX	16384
static struct json_object *
body_id(struct mcp_req *r)
{
	const char		*m = mcp_http_param(r, "REQUEST_METHOD");
	const char		*cl = mcp_http_param(r, "CONTENT_LENGTH");
	struct mcp_buf		 b = { 0 };
	struct mcp_jdoc		 d;
	struct mcp_jv		*v;
	struct json_object	*id = NULL;
	char			 why[64];

	if (m == NULL || strcmp(m, "POST") != 0 || cl == NULL ||
	    strtoul(cl, NULL, 10) > ID_BODY_MAX ||
	    !mcp_tx_json_ctype(mcp_http_param(r, "CONTENT_TYPE")) ||
	    mcp_tx_body(r, &b, why, sizeof(why)) != MCP_OK) {
		mcp_buf_free(&b);
		return NULL;
	}
	if (mcp_jdoc_read_in(&d, b.p, b.len, r->srv->cfg.max_depth) ==
	    MCP_OK && d.root->type == MCP_JOBJECT &&
	    mcp_jv_isid(v = mcp_jv_get(d.root, "id")))
		id = json_object_get(mcp_jdoc_json(&d, v, NULL));
	mcp_jdoc_free(&d);
	mcp_buf_free(&b);
	return id;
}

/* A refusal before the token was accepted: its error names the id. */
static void
refuse(struct mcp_req *r, enum mcp_err e, const char *why)
{
	struct json_object	*id = body_id(r);

	mcp_http_error(r, e, id, why);
	json_object_put(id);
}

int
mcp_guard_request(struct mcp_req *r)
{
	const char	*h, *tok, *why = NULL;
	size_t		 n;
	enum mcp_tokres	 res;

	if (r->srv->auth == NULL)
		return 0;
	if (token_in_query(mcp_http_param(r, "QUERY_STRING"))) {
		r->outcome = "token_in_query";
		challenge(r, "invalid_request", r->srv->scopes_all);
		refuse(r, MCP_ERR_TOKENREQ, "access_token in the query string "
		    "(RFC 6750 2.3 is not supported)");
		return -1;
	}
	h = mcp_http_param(r, "HTTP_AUTHORIZATION");
	if (h == NULL || *h == '\0') {
		r->outcome = "no_token";
		challenge(r, NULL, r->srv->scopes_all);
		refuse(r, MCP_ERR_UNAUTH, "no Authorization");
		return -1;
	}
	/* RFC 6750 §2.1: "Bearer" 1*SP b64token; the scheme is caseless. */
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' &&
	    h[6] != '\0')) {
		r->outcome = "not_bearer";
		challenge(r, NULL, r->srv->scopes_all);
		refuse(r, MCP_ERR_UNAUTH, "Authorization scheme is not "
		    "Bearer");
		return -1;
	}
	for (tok = h + 6; *tok == ' '; tok++)
		;
	n = strlen(tok);
	while (n > 0 && tok[n - 1] == ' ')
		n--;
	res = mcp_auth_verify(r->srv->auth, r->store, tok, n, time(NULL),
	    &r->who, &why);
	if (res == MCP_TOK_UNAVAILABLE) {
		r->outcome = "auth_unavailable";
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "token not verifiable: %s",
		    why);
		refuse(r, MCP_ERR_STORE, why);
		return -1;
	}
	if (res != MCP_TOK_OK) {
		r->outcome = "invalid_token";
		challenge(r, "invalid_token", r->srv->scopes_all);
		refuse(r, MCP_ERR_UNAUTH, why);
		return -1;
	}
	r->authed = 1;
	return 0;
}

/* Writes the scopes of need that the caller lacks into out. */
static int
missing(const struct mcp_req *r, const char *need, struct mcp_buf *out)
{
	const char	*p = need, *e;
	int		 lack = 0;

	while (p != NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if (e > p && !mcp_scope_has(r->who.scope, p,
		    (size_t)(e - p))) {
			lack = 1;
			if (out != NULL) {
				if (out->len > 0)
					mcp_buf_add(out, " ", 1);
				mcp_buf_add(out, p, (size_t)(e - p));
			}
		}
		p = e;
	}
	return lack;
}

void
mcp_guard_owner(const struct mcp_req *r, char *out, size_t outsz)
{
	unsigned char	 h[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;
	EVP_MD_CTX	*ctx;

	out[0] = '\0';
	if (!r->authed || outsz < 65 || (ctx = EVP_MD_CTX_new()) == NULL)
		return;
	/* NUL-separated: claims never hold a NUL (auth.c refuses them). */
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, r->who.iss, strlen(r->who.iss) + 1) == 1 &&
	    EVP_DigestUpdate(ctx, r->who.sub, strlen(r->who.sub) + 1) == 1 &&
	    EVP_DigestFinal_ex(ctx, h, &n) == 1)
		for (i = 0; i < n && i < 32; i++)
			snprintf(out + 2 * i, 3, "%02x", h[i]);
	EVP_MD_CTX_free(ctx);
}

void
mcp_guard_stream(const struct mcp_req *r, struct mcp_stream_spec *sp)
{
	const char	*as = r->srv->cfg.auth.as_issuer;

	mcp_guard_owner(r, sp->subject, sizeof(sp->subject));
	sp->expires = r->authed ? r->who.exp : 0;
	sp->client[0] = sp->family[0] = '\0';
	/* As auth.c checks a request's: the built-in server's tokens. */
	if (r->authed && as != NULL && r->who.iss != NULL &&
	    strcmp(r->who.iss, as) == 0) {
		mcp_strlcpy(sp->client, r->who.client_id, sizeof(sp->client));
		mcp_strlcpy(sp->family, r->who.sid, sizeof(sp->family));
	}
}

int
mcp_guard_may(const struct mcp_req *r, const char *scopes)
{
	if (r->srv->auth == NULL || !r->authed)
		return 1;
	return !missing(r, scopes, NULL);
}

int
mcp_guard_need(const struct mcp_req *r, const struct mcp_msg *msg,
    struct mcp_need *need)
{
	const struct mcp_tool_rt	*t;
	struct mcp_resource_ref		 ref;
	const struct mcp_jv		*p = msg->params;
	const char			*m = msg->method;
	const char			*s;

	memset(need, 0, sizeof(*need));
	if (m == NULL)
		return -1;
	if (strcmp(m, "tools/call") == 0) {
		if ((s = mcp_jv_str(p, "name")) == NULL ||
		    (t = mcp_registry_tool(&r->srv->reg, s)) == NULL)
			return -1;	/* protocol.c answers "Unknown tool" */
		need->kind = "tool";
		need->name = t->def->name;
		need->scopes = or_none(t->def->scopes);
		return 0;
	}
	/*
	 * Unsubscribing needs nothing: it only ever takes away.  2026-07-28
	 * has no resources/subscribe: protocol.c answers it as unknown.
	 */
	if (strcmp(m, "resources/read") != 0 &&
	    (strcmp(m, "resources/subscribe") != 0 || r->modern))
		return -1;
	if ((s = mcp_jv_str(p, "uri")) == NULL ||
	    mcp_registry_resource(&r->srv->reg, s, NULL, &ref) == -1)
		return -1;	/* protocol.c answers -32002 */
	need->kind = "resource";
	need->name = s;
	need->scopes = ref.scopes;
	return 0;
}

/* error.data of a scope refusal: what was asked, its scopes, those missing. */
static struct json_object *
scope_data(const struct mcp_need *need, const char *lack)
{
	struct json_object	*data = json_object_new_object();

	mcp_json_set_key(data, need->kind, json_object_new_string(need->name));
	mcp_json_set(data, "required", mcp_scope_array(need->scopes));
	mcp_json_set(data, "missing", mcp_scope_array(lack));
	return data;
}

int
mcp_guard_scopes(struct mcp_req *r, const struct mcp_need *need,
    struct json_object *id)
{
	struct mcp_buf		 lack = { 0 };

	r->need = need->scopes;
	if (r->srv->auth == NULL || !r->authed ||
	    !missing(r, need->scopes, &lack))
		return 0;
	r->outcome = "insufficient_scope";
	/* MCP authorization: scope lists everything the call needs. */
	challenge(r, "insufficient_scope", need->scopes);
	mcp_http_error_data(r, MCP_ERR_SCOPE, id, lack.p,
	    scope_data(need, lack.p));
	mcp_buf_free(&lack);
	return -1;
}

struct json_object *
mcp_guard_scopes_error(struct mcp_req *r, const struct mcp_need *need,
    struct json_object *id)
{
	const struct mcp_errinfo	*ei = mcp_err_info(MCP_ERR_SCOPE);
	struct json_object		*err;
	struct mcp_buf			 lack = { 0 };

	if (r->srv->auth == NULL || !r->authed ||
	    !missing(r, need->scopes, &lack))
		return NULL;
	r->outcome = "insufficient_scope";
	mcp_logx(MCP_LEVEL_INFO, r->rid, "batched %s %s lacks %s",
	    need->kind, need->name, lack.p);
	err = mcp_rpc_error(id, ei->code, ei->message,
	    scope_data(need, lack.p));
	mcp_buf_free(&lack);
	return err;
}

void
mcp_guard_wellknown(struct mcp_req *r, const char *path)
{
	const char	*m = mcp_http_param(r, "REQUEST_METHOD");
	size_t		 n = strlen(WELLKNOWN);

	r->outcome = "metadata";
	if (r->srv->prm_doc != NULL && strncmp(path, WELLKNOWN, n) == 0 &&
	    (path[n] == '\0' || strcmp(path, r->srv->prm_path) == 0)) {
		if (m != NULL && strcmp(m, "OPTIONS") == 0) {
			mcp_buf_puts(&r->hdr, "Access-Control-Max-Age: "
			    "86400\r\n");
			mcp_http_begin(r, 204, NULL);
			return;
		}
		if (m == NULL || (strcmp(m, "GET") != 0 &&
		    strcmp(m, "HEAD") != 0)) {
			mcp_http_error(r, MCP_ERR_HTTPMETHOD, NULL, m);
			return;
		}
		/* Public and cacheable: it changes with the configuration. */
		mcp_buf_puts(&r->hdr, "Cache-Control: public, "
		    "max-age=3600\r\n");
		mcp_http_json(r, 200, r->srv->prm_doc);
		return;
	}
	r->outcome = "not_found";
	mcp_http_error(r, MCP_ERR_NOTFOUND, NULL, path);
}
