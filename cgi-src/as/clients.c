/*
 * clients.c: see clients.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clients.h"
#include "scopes.h"

#define REDIRECTS_MAX	8
#define REDIRECT_LEN	512
#define CIMD_CACHE	3600	/* seconds a fetched document is used */
#define CIMD_TIMEOUT	5	/* seconds */


/* --- Client metadata (RFC 7591 §2), registered or fetched --- */

static int
loopback_http(const char *u)
{
	static const char *const hosts[] = { "http://127.0.0.1",
	    "http://[::1]", "http://localhost" };
	const char	*p;
	size_t		 i, k;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		if (strncmp(u, hosts[i], strlen(hosts[i])) != 0)
			continue;
		/* The whole host: not localhost.example, not 127.0.0.1@x. */
		p = u + strlen(hosts[i]);
		if (*p == ':') {
			k = strspn(++p, "0123456789");
			if (k == 0 || k > 5)
				continue;
			p += k;
		}
		if (*p == '\0' || *p == '/' || *p == '?')
			return 1;
	}
	return 0;
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
	/* ASCII only: no look-alike hosts, nothing to reverse the text. */
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f ||
		    u[i] == '#' || u[i] == '"' || u[i] == '<' || u[i] == '>' ||
		    u[i] == '\\')
			return "a redirect URI must be an absolute ASCII URI "
			    "without a fragment";
	if (strncmp(u, "https://", 8) == 0 && u[8] != '\0' && u[8] != '/' &&
	    memchr(u + 8, '@', strcspn(u + 8, "/?")) == NULL)
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

/*
 * A name fit to show a person: valid UTF-8 (our JSON reader checked it)
 * without C0 or C1 controls and without the Unicode direction controls
 * that would reorder what the consent page shows (U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069).
 */
static int
plain_name(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] < 0xa0))
			return 0;
		if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x8e ||
		    p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
			return 0;
		if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9)
			return 0;
	}
	return 1;
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

const char *
as_client_metadata(struct json_object *o, struct mcp_client *cl,
    const char **code)
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
	    (strlen(s) >= sizeof(cl->name) || !plain_name(s))))
		return "client_name must be UTF-8 text of at most 127 bytes, "
		    "without control or direction characters";
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

/*
 * A client id that can name a metadata document (the MCP authorization
 * spec's Client ID Metadata Documents): https, a host, a path other than
 * "/", no userinfo, query, fragment or dot segments.
 */
static int
cimd_url(const char *u)
{
	const char	*host = u + 8, *path;
	size_t		 n = strlen(u);

	if (strncmp(u, "https://", 8) != 0 || n > MCP_CLIENT_ID_MAX)
		return 0;
	if ((path = strchr(host, '/')) == NULL || path == host ||
	    path[1] == '\0' || memchr(host, '@', (size_t)(path - host)) != NULL)
		return 0;
	for (n = 0; u[n] != '\0'; n++)
		if ((unsigned char)u[n] <= 0x20 || (unsigned char)u[n] >= 0x7f)
			return 0;
	if (strpbrk(u, "?#\\\"<>") != NULL || strstr(path, "/./") ||
	    strstr(path, "/../") || (n >= 2 && strcmp(u + n - 2, "/.") == 0) ||
	    (n >= 3 && strcmp(u + n - 3, "/..") == 0))
		return 0;
	return 1;
}

/* Fetches, checks and caches the metadata document at url. */
static enum as_client_res
cimd_fetch(struct as_ctx *c, const char *url, const char *addr,
    struct mcp_client *cl, char *err, size_t errsz)
{
	const struct mcp_authconf	*a = &c->cfg->auth;
	struct mcp_fetch_opts		 o;
	struct json_object		*doc, *v;
	struct mcp_buf			 b = { 0 };
	const char			*why, *code;
	char				 key[96], ferr[256];
	int64_t				 now = (int64_t)time(NULL), start;
	int				 n = 0;
	enum mcp_err			 e;

	/* A fetch costs us time: counted like a registration. */
	snprintf(key, sizeof(key), "dcr %s", addr);
	if (c->st->ops->fail_count(c->st, "", key, now, a->fail_window, &n,
	    &start) != MCP_OK || c->st->ops->fail_add(c->st, "", key, now,
	    a->fail_window) != MCP_OK)
		return AS_CLIENT_ERROR;
	if (n >= a->dcr_per_addr) {
		snprintf(err, errsz, "Too many new clients from your address; "
		    "try again in a few minutes.");
		return AS_CLIENT_INVALID;
	}
	memset(&o, 0, sizeof(o));
	o.timeout = CIMD_TIMEOUT;
	o.max = MCP_CLIENT_META_MAX;
	o.allow_private = a->cimd_private;
	o.ca_file = a->cimd_ca_file;
	if (mcp_http_fetch_public(url, &o, &b, ferr, sizeof(ferr)) == -1) {
		mcp_logx(MCP_LEVEL_INFO, NULL, "client metadata document %s: "
		    "%s", url, ferr);
		/* What the fetch met stays in the log: no probing through us. */
		snprintf(err, errsz, "The client's metadata document could not "
		    "be fetched.");
		mcp_buf_free(&b);
		return AS_CLIENT_INVALID;
	}
	doc = mcp_json_parse(b.p, b.len, 8, &e);
	mcp_buf_free(&b);
	if (doc == NULL || !json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		snprintf(err, errsz, "The client's metadata document is not a "
		    "JSON object.");
		return AS_CLIENT_INVALID;
	}
	memset(cl, 0, sizeof(*cl));
	as_client_defaults(cl);
	if (!mcp_json_get(doc, "client_id", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), url) != 0)
		why = "its client_id is not the URL it was fetched from";
	else if ((why = as_client_metadata(doc, cl, &code)) == NULL &&
	    strcmp(cl->auth_method, "none") != 0)
		why = "token_endpoint_auth_method must be none";
	if (why == NULL)
		snprintf(cl->metadata, sizeof(cl->metadata), "%s",
		    json_object_to_json_string_ext(doc,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	if (why != NULL) {
		mcp_logx(MCP_LEVEL_INFO, NULL, "client metadata document %s: "
		    "%s", url, why);
		snprintf(err, errsz, "The client's metadata document is "
		    "refused: %s.", why);
		return AS_CLIENT_INVALID;
	}
	snprintf(cl->id, sizeof(cl->id), "%s", url);
	snprintf(cl->kind, sizeof(cl->kind), "cimd");
	cl->created = now;
	cl->expires = now + CIMD_CACHE;
	switch (c->st->ops->client_register(c->st, cl, now)) {
	case MCP_OK:
		return AS_CLIENT_OK;
	case MCP_ERR_CONFLICT:
		snprintf(err, errsz, "No more clients can be accepted now; try "
		    "again later.");
		return AS_CLIENT_INVALID;
	default:
		return AS_CLIENT_ERROR;
	}
}

enum as_client_res
as_client_resolve(struct as_ctx *c, const char *client_id, const char *addr,
    struct mcp_client *cl, char *err, size_t errsz)
{
	enum mcp_err	 e;
	int		 doc;

	if (errsz > 0)
		err[0] = '\0';
	if (*client_id == '\0' || strlen(client_id) > MCP_CLIENT_ID_MAX)
		return AS_CLIENT_UNKNOWN;
	doc = c->cfg->auth.cimd && cimd_url(client_id);
	e = c->st->ops->client_get(c->st, client_id, cl);
	if (e == MCP_OK && doc && strcmp(cl->kind, "cimd") == 0 &&
	    cl->expires <= (int64_t)time(NULL))
		return cimd_fetch(c, client_id, addr, cl, err, errsz);
	if (e == MCP_ERR_NOTFOUND && doc)
		return cimd_fetch(c, client_id, addr, cl, err, errsz);
	if (e == MCP_ERR_NOTFOUND)
		return AS_CLIENT_UNKNOWN;
	if (e != MCP_OK)
		return AS_CLIENT_ERROR;
	return cl->revoked != 0 ? AS_CLIENT_UNKNOWN : AS_CLIENT_OK;
}

/*
 * The part of an http loopback URI after its port: "http://127.0.0.1"
 * or "http://[::1]", an optional ":port", then the rest (NULL if uri is
 * not such a URI).
 */
static const char *
loopback_rest(const char *uri, size_t *hostlen)
{
	static const char *const hosts[] = { "http://127.0.0.1",
	    "http://[::1]" };
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		n = strlen(hosts[i]);
		if (strncmp(uri, hosts[i], n) != 0)
			continue;
		p = uri + n;
		if (*p == ':') {
			p++;
			if (strspn(p, "0123456789") == 0 ||
			    strspn(p, "0123456789") > 5)
				return NULL;
			p += strspn(p, "0123456789");
		}
		if (*p != '\0' && *p != '/' && *p != '?')
			return NULL;
		*hostlen = n;
		return p;
	}
	return NULL;
}

static int
one_match(const char *reg, const char *uri)
{
	const char	*ra, *ua;
	size_t		 rn, un;

	if (strcmp(reg, uri) == 0)
		return 1;
	if ((ra = loopback_rest(reg, &rn)) == NULL ||
	    (ua = loopback_rest(uri, &un)) == NULL)
		return 0;
	return rn == un && strncmp(reg, uri, rn) == 0 && strcmp(ra, ua) == 0;
}

int
as_redirect_match(const struct mcp_client *cl, const char *uri)
{
	struct json_object	*a, *v;
	enum mcp_err		 e;
	size_t			 i, n;
	int			 ok = 0;

	a = mcp_json_parse(cl->redirect_uris, strlen(cl->redirect_uris), 4,
	    &e);
	if (a == NULL || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return 0;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n && !ok; i++) {
		v = json_object_array_get_idx(a, i);
		if (json_object_is_type(v, json_type_string) &&
		    one_match(json_object_get_string(v), uri))
			ok = 1;
	}
	json_object_put(a);
	return ok;
}
