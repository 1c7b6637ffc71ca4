/*
 * guard.c: fuzzes the protected resource's front door and what stands
 * behind it: mcp_serve() of the /mcp endpoint itself (cgi-src/mcp.c: the
 * reference application's scoped tools and resources) with auth = bearer
 * (one HS256 issuer whose secret is known here), on an in-memory request
 * whose Authorization header is the input's first line and whose body
 * is the rest.  The store holds workspace wks_fuzz with environment
 * env_fuzz; the seeds hold valid tokens of that workspace, so mutation
 * starts from accepted calls and insufficient scopes as well as from
 * refusals.
 *
 * Every answer must have a documented status; a 401 must carry the
 * Bearer challenge with our metadata URL and a 403 insufficient_scope;
 * a JSON body must be one JSON value; and neither the answer nor the log
 * (at debug level, captured in memory) may contain the token sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "extern.h"
#include "../memio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define SECRET	"0123456789abcdef0123456789abcdef"
#define BASE	"http://127.0.0.1:8080"

/* The /mcp endpoint itself: its tool table and the reference application. */
int	mcp_endpoint_main(int, char *[]);
#define main	mcp_endpoint_main
#include "../../cgi-src/mcp.c"
#undef main

static struct mcp_server	 srv;
static struct mcp_store		*st;
static char			 dir[] = "/tmp/mcp-fuzz-guard.XXXXXX";
static char			 authz[8300];

static void
cleanup(void)
{
	static const char *const files[] = { "secret", "mcp-fcgi.conf",
	    NULL };

	memio_rmstore(dir, files);
}

/* (Re)creates environment env_fuzz, which an input may have deleted. */
static void
seed_env(void)
{
	struct mcp_environment	 env;

	if (st->ops->env_get(st, "wks_fuzz", "env_fuzz", &env) == MCP_OK)
		return;
	memset(&env, 0, sizeof(env));
	memcpy(env.id, "env_fuzz", 9);
	memcpy(env.workspace, "wks_fuzz", 9);
	memcpy(env.name, "fuzz", 5);
	memcpy(env.type, "staging", 8);
	if (st->ops->env_put(st, &env, INT64_MAX) != MCP_OK)
		abort();
}

static void
init(void)
{
	struct mcp_workspace	 w;
	FILE			*f;
	char			 path[64], why[1024];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/secret", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs(SECRET "\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/mcp-fcgi.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "store_path = %s/mcp.db\nlog_level = emergency\n"
	    "auth = bearer\nresource = " BASE "/mcp\n"
	    "revocation_cache_seconds = 0\n"
	    "[issuer]\nissuer = https://hs.test\nhs256_secret_file = "
	    "secret\nalgorithms = HS256\nleeway_seconds = 30\n", dir);
	fclose(f);
	mcp_config_defaults(&srv.cfg);
	srv.serve = mcp_serve;
	srv.audit_fd = -1;
	why[0] = '\0';
	if (mcp_config_load(&srv.cfg, path, why, sizeof(why)) == -1 ||
	    mcp_registry_init(&srv.reg, &endpoint, why, sizeof(why)) == -1 ||
	    mcp_guard_init(&srv, why, sizeof(why)) == -1 ||
	    (st = mcp_store_open(srv.cfg.store_path, why, sizeof(why))) ==
	    NULL) {
		fprintf(stderr, "fuzz guard: %s\n", why);
		abort();
	}
	/* The seeds' workspace. */
	memset(&w, 0, sizeof(w));
	memcpy(w.id, "wks_fuzz", 9);
	memcpy(w.name, "fuzz", 5);
	if (st->ops->ws_put(st, &w) != MCP_OK)
		abort();
	seed_env();
	/* Every line the guard can log, so that none may hold the token. */
	mcp_log_setlevel(MCP_LEVEL_DEBUG);
}

/* What one request logged, captured in memory. */
static char	*log_text;
static size_t	 log_len;

static void
serve(struct memio *m)
{
	static struct memenv	 ev;
	struct mcp_io		 io;
	FILE			*saved;

	memenv_modern_post(&ev, m);
	if (authz[0] != '\0')	/* up to 8 KB: longer than memenv keeps */
		memenv_add_raw(&ev, authz);
	m->env = ev.env;
	m->keep = 1;
	memio_io(&io, m);
	/* The log goes to memory (sanitizer reports still go to fd 2). */
	saved = stderr;
	if ((stderr = open_memstream(&log_text, &log_len)) == NULL)
		abort();
	mcp_serve(&srv, &io, st);
	fclose(stderr);
	stderr = saved;
}

/* 16 or more base64url characters with exactly two dots. */
static int
jwt_shaped(const char *t)
{
	size_t	 n, dots = 0;

	for (n = 0; t[n] != '\0'; n++)
		if (t[n] == '.')
			dots++;
		else if (!((t[n] >= 'a' && t[n] <= 'z') ||
		    (t[n] >= 'A' && t[n] <= 'Z') ||
		    (t[n] >= '0' && t[n] <= '9') || t[n] == '-' ||
		    t[n] == '_'))
			return 0;
	return n >= 16 && dots == 2;
}

static void
check(const struct memio *m, const char *token)
{
	static const char *const ok[] = { "200", "202", "400", "401", "403",
	    "404", "405", "406", "413", "415", "500", "503", NULL };
	struct json_object	*o;
	enum mcp_err		 e;
	const char		*p = m->out.p, *body, *h;

	body = memio_head(m, ok);
	h = strstr(p, "WWW-Authenticate: Bearer ");
	if (strncmp(p + 8, "401", 3) == 0 && (h == NULL || h > body ||
	    strstr(h, "resource_metadata=\"" BASE
	    "/.well-known/oauth-protected-resource/mcp\"") == NULL))
		abort();	/* a 401 without the challenge */
	if (strncmp(p + 8, "403", 3) == 0 && (h == NULL || h > body ||
	    strstr(h, "error=\"insufficient_scope\"") == NULL))
		abort();
	/*
	 * Never the token back, not even in an error, and never in the log.
	 * Only a JWT-shaped token that the body does not also hold (ids,
	 * methods and arguments are echoed and logged) can be told apart
	 * from text of the request's own.
	 */
	if (jwt_shaped(token) && memmem(m->in, m->inlen, token,
	    strlen(token)) == NULL && (memmem(p, m->out.len, token,
	    strlen(token)) != NULL || (log_text != NULL && memmem(log_text,
	    log_len, token, strlen(token)) != NULL)))
		abort();
	if (strstr(p, "Content-Type: application/json") != NULL &&
	    *body != '\0') {
		if ((o = mcp_json_parse(body, m->out.len -
		    (size_t)(body - p), 64, &e)) == NULL)
			abort();
		json_object_put(o);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memio	 m;
	const uint8_t	*nl;
	size_t		 hl;
	const char	*tok;

	if (st == NULL)
		init();
	if ((nl = memchr(data, '\n', size)) == NULL)
		return 0;
	hl = (size_t)(nl - data);
	if (hl > sizeof(authz) - 32 || memchr(data, '\0', hl) != NULL)
		return 0;
	authz[0] = '\0';
	if (hl > 0) {
		memcpy(authz, "HTTP_AUTHORIZATION=", 19);
		memcpy(authz + 19, data, hl);
		authz[19 + hl] = '\0';
	}
	tok = hl > 7 && strncasecmp(authz + 19, "Bearer ", 7) == 0 ?
	    authz + 19 + 7 : "";
	memset(&m, 0, sizeof(m));
	m.in = nl + 1;
	m.inlen = size - hl - 1;
	serve(&m);
	check(&m, tok);
	if (getenv("FUZZ_SERVE_SHOW") != NULL && log_text != NULL)
		fputs(log_text, stderr);
	mcp_buf_free(&m.out);
	free(log_text);
	log_text = NULL;
	seed_env();
	return 0;
}
