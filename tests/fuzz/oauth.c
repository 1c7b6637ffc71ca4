/*
 * oauth.c: fuzzes the built-in authorization server's front door
 * (as_serve(), cgi-src/as/endpoint.c) on in-memory requests over a
 * private store holding a signing key, a workspace, a person signed in
 * in one browser (whose cookie inputs may send) and a public client.  The first byte picks the endpoint and method and
 * which of Origin, a CSRF cookie, Basic credentials and a wrong
 * Content-Type are sent; the rest is the body (or the query string).
 *
 * Every answer must carry a status the endpoints document; a JSON
 * answer must be JSON; a redirect may only go to a URI a client could
 * register (https, loopback http, a private-use scheme); a page must not
 * hold markup the input sent; a cookie set must be one of ours with a
 * value we made.  Metadata documents are off (no network here).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../memio.h"
#include "../../cgi-src/as/endpoint.h"
#include "../../cgi-src/as/issuer.h"
#include "../../cgi-src/as/users.h"
#include "../../cgi-src/as/web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CSRF	"Q3NyZi10b2tlbi1vZi10aGUtZnV6ei10YXJnZXQtMDE"	/* 43 */
#define SIGNIN	"U2lnbmVkLWluLWJyb3dzZXItb2YtdGhlLWZ1enoteHg"	/* alice's */

static struct mcp_server	 srv;
static struct mcp_store		*st;
static char			 dir[] = "/tmp/mcp-fuzz-oauth.XXXXXX";
static char			 keys[1100];

static void
cleanup(void)
{
	struct dirent	*d;
	DIR		*k;
	char		 path[1400];

	/* keys/ holds the signing key, named by its kid. */
	if ((k = opendir(keys)) != NULL) {
		while ((d = readdir(k)) != NULL)
			if (d->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", keys,
				    d->d_name);
				unlink(path);
			}
		closedir(k);
	}
	rmdir(keys);
	memio_rmstore(dir, NULL);
}

static void
init(void)
{
	struct as_ctx		 ctx;
	struct mcp_workspace	 w;
	struct mcp_client	 cl;
	struct mcp_user		 u;
	char			 why[256], h[65];
	int			 created;

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	mcp_config_defaults(&srv.cfg);
	snprintf(srv.cfg.store_path, sizeof(srv.cfg.store_path),
	    "%s/mcp.db", dir);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	srv.cfg.auth.as_issuer = strdup("https://as.test");
	srv.cfg.auth.resource = strdup("https://as.test/mcp");
	srv.cfg.auth.keys_dir = strdup(keys);
	srv.cfg.auth.workspace_claim = strdup("workspace");
	srv.cfg.auth.cimd = 0;
	srv.serve = as_serve;
	srv.audit_fd = -1;
	mcp_log_setlevel(MCP_LEVEL_EMERGENCY);
	if ((st = mcp_store_open(srv.cfg.store_path, why, sizeof(why))) ==
	    NULL) {
		fprintf(stderr, "fuzz oauth: %s\n", why);
		abort();
	}
	ctx.cfg = &srv.cfg;
	ctx.st = st;
	memset(&w, 0, sizeof(w));
	snprintf(w.id, sizeof(w.id), "wks_00000000000000000001");
	snprintf(w.name, sizeof(w.name), "fuzz");
	memset(&cl, 0, sizeof(cl));
	as_client_defaults(&cl);
	snprintf(cl.id, sizeof(cl.id), "cli_fuzz");
	snprintf(cl.name, sizeof(cl.name), "fuzz app");
	snprintf(cl.scopes, sizeof(cl.scopes), "wks:read env:read");
	snprintf(cl.kind, sizeof(cl.kind), "dcr");
	snprintf(cl.auth_method, sizeof(cl.auth_method), "none");
	snprintf(cl.grant_types, sizeof(cl.grant_types),
	    "authorization_code refresh_token");
	snprintf(cl.redirect_uris, sizeof(cl.redirect_uris),
	    "[\"http://127.0.0.1/cb\"]");
	cl.created = (int64_t)time(NULL);
	if (as_init(&ctx, &created, why, sizeof(why)) == -1 ||
	    st->ops->ws_put(st, &w) != MCP_OK ||
	    st->ops->client_put(st, &cl) != MCP_OK ||
	    as_user_add(&ctx, "alice", w.id, "wks:read", "correct-horse-battery",
	    &u, why, sizeof(why)) == -1) {
		fprintf(stderr, "fuzz oauth: %s\n", why);
		abort();
	}
	/* A browser where alice signed in: inputs can reach consent. */
	as_sha256_hex(SIGNIN, h);
	if (st->ops->websess_put(st, h, u.id, (int64_t)time(NULL),
	    (int64_t)time(NULL) + 86400 * 365) != MCP_OK) {
		fprintf(stderr, "fuzz oauth: %s\n", why);
		abort();
	}
}

/* Serves one request; the answer is left in m->out. */
static void
serve(struct memio *m, unsigned flags, char *query)
{
	static struct memenv	 ev;
	static const char *const paths[] = { "/oauth/token", "/oauth/revoke",
	    "/oauth/register", "/oauth/authorize", "/oauth/authorize",
	    "/.well-known/oauth-authorization-server", "/oauth/token",
	    "/oauth/jwks" };
	static const char *const methods[] = { "POST", "POST", "POST", "GET",
	    "POST", "GET", "OPTIONS", "GET" };
	struct mcp_io		 io;
	char			 num[32];
	unsigned		 k = flags & 7;

	memenv_reset(&ev);
	snprintf(num, sizeof(num), "%zu", m->inlen);
	memenv_add(&ev, "CONTENT_LENGTH", num);
	memenv_add(&ev, "CONTENT_TYPE", flags & 0x40 ? "text/plain" :
	    k == 2 ? "application/json" :
	    "application/x-www-form-urlencoded");
	memenv_add(&ev, "REQUEST_METHOD", methods[k]);
	memenv_add(&ev, "REQUEST_URI", paths[k]);
	memenv_add(&ev, "REMOTE_ADDR", "192.0.2.1");
	if (flags & 0x08)
		memenv_add(&ev, "HTTP_ORIGIN", "https://as.test");
	if (flags & 0x10)
		memenv_add(&ev, "HTTP_COOKIE", "__Host-mcp_csrf=" CSRF
		    "; __Host-mcp_signin=" SIGNIN);
	if (flags & 0x20)	/* "cli_fuzz:x" */
		memenv_add(&ev, "HTTP_AUTHORIZATION", "Basic Y2xpX2Z1eno6eA==");
	if (k == 3) {
		memenv_add_raw(&ev, query);
		m->inlen = 0;
	}
	m->env = ev.env;
	m->keep = 1;
	memio_io(&io, m);
	as_serve(&srv, &io, st);
}

/* The value of header name (case-blind) in the block before body, or NULL. */
static const char *
header(const char *p, const char *body, const char *name)
{
	size_t	 n = strlen(name);

	for (; p != NULL && p < body; p = strstr(p, "\r\n"), p = p ? p + 2 :
	    NULL)
		if (strncasecmp(p, name, n) == 0)
			return p + n;
	return NULL;
}

static int
redirect_ok(const char *v)
{
	const char	*colon = strchr(v, ':');

	if (strncmp(v, "https://", 8) == 0 || strncmp(v, "http://127.0.0.1",
	    16) == 0 || strncmp(v, "http://[::1]", 12) == 0 ||
	    strncmp(v, "http://localhost", 16) == 0)
		return 1;
	/* A native client's private-use scheme: letters, then a dot. */
	return colon != NULL && isalpha((unsigned char)*v) &&
	    memchr(v, '.', (size_t)(colon - v)) != NULL &&
	    strncasecmp(v, "javascript:", 11) != 0 &&
	    strncasecmp(v, "data:", 5) != 0 && strncasecmp(v, "http:", 5) != 0;
}

static void
check(const struct memio *m)
{
	static const char *const ok[] = { "200", "201", "204", "302", "400",
	    "401", "403", "404", "405", "413", "429", "500", "503", NULL };
	struct json_object	*o;
	enum mcp_err		 e;
	const char		*p = m->out.p, *body, *v;
	size_t			 n;

	body = memio_head(m, ok);
	if ((v = header(p, body, "Content-Type: application/json")) != NULL &&
	    *body != '\0') {
		if ((o = mcp_json_parse(body, m->out.len - (size_t)(body - p),
		    64, &e)) == NULL)
			abort();
		json_object_put(o);
	}
	if ((v = header(p, body, "Location: ")) != NULL &&
	    (strncmp(p + 8, "302", 3) != 0 || !redirect_ok(v)))
		abort();
	if (header(p, body, "Content-Type: text/html") != NULL)
		for (v = body; (v = strchr(v, '<')) != NULL; v++) {
			n = strspn(v + 1, "/abcdefghijklmnopqrstuvwxyz!0123456789");
			/* Our tags only: the input's are escaped. */
			if (strncasecmp(v + 1, "script", 6) == 0 ||
			    strncasecmp(v + 1, "img", 3) == 0 ||
			    strncasecmp(v + 1, "iframe", 6) == 0 || n == 0)
				abort();
		}
	for (v = p; (v = strstr(v, "Set-Cookie: ")) != NULL && v < body;
	    v++) {
		v += 12;
		/* The issuer is https: __Host- cookies. */
		if (strncmp(v, "__Host-", 7) != 0)
			abort();
		v += 7;
		if (strncmp(v, "mcp_csrf=", 9) == 0)
			v += 9;
		else if (strncmp(v, "mcp_signin=", 11) == 0)
			v += 11;
		else
			abort();
		if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_") != 43 || v[43] != ';')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memio	 m;
	char		*query;
	size_t		 n;

	if (size == 0)
		return 0;
	if (st == NULL)
		init();
	/* A query string is a C string: up to the first NUL. */
	n = strnlen((const char *)data + 1, size - 1);
	if ((query = malloc(n + 14)) == NULL)
		abort();
	memcpy(query, "QUERY_STRING=", 13);
	memcpy(query + 13, data + 1, n);
	query[13 + n] = '\0';
	memset(&m, 0, sizeof(m));
	m.in = data + 1;
	m.inlen = size - 1;
	serve(&m, data[0], query);
	check(&m);
	mcp_buf_free(&m.out);
	free(query);
	return 0;
}
