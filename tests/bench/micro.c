/*
 * micro.c: the protocol work alone.  Runs mcp_serve() on an in-memory
 * request (no sockets, no web server) N times and prints nanoseconds per
 * request, so that protocol cost can be told apart from the FastCGI round
 * trip that `make bench` measures.  Uses a stateless 2026-07-28 tools/call
 * of an echo tool; the store is opened but not queried on that path.
 *
 * bench-micro N [CONFIG TOKEN]: with a configuration file (one with auth,
 * such as the bench's mcp-fcgi.conf) and a token its issuer signed, each
 * request carries the token and goes through what /mcp does with it: the
 * verified-token cache, the revocation list, the scope check and the audit
 * trail (whose flusher thread runs as in a responder, writing its rows
 * into the store the configuration names).  It stops if the first call
 * is not answered 200, so a refused token is never what is timed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <err.h>

#include "extern.h"
#include "../memio.h"

static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
    "\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":"
    "\"hi\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
    "\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";

/*
 * The variables lighttpd 1.4 passes a FastCGI responder for this request,
 * in its order, so that finding one costs what it costs behind lighttpd.
 */
static char	 clen[32];
static char	*authz;
static const char *env[] = {
	clen, "CONTENT_TYPE=application/json", "SERVER_SOFTWARE=lighttpd",
	"SERVER_NAME=127.0.0.1", "GATEWAY_INTERFACE=CGI/1.1",
	"REQUEST_SCHEME=http", "SERVER_PORT=8080", "SERVER_ADDR=127.0.0.1",
	"REMOTE_PORT=41234", "REMOTE_ADDR=127.0.0.1", "SCRIPT_NAME=/mcp",
	"PATH_INFO=", "SCRIPT_FILENAME=/srv/www/mcp", "DOCUMENT_ROOT=/srv/www",
	"REQUEST_URI=/mcp", "QUERY_STRING=", "REQUEST_METHOD=POST",
	"REDIRECT_STATUS=200", "SERVER_PROTOCOL=HTTP/1.1",
	"HTTP_HOST=127.0.0.1:8080",
	"HTTP_ACCEPT=application/json, text/event-stream",
	"HTTP_MCP_PROTOCOL_VERSION=2026-07-28", "HTTP_MCP_METHOD=tools/call",
	"HTTP_MCP_NAME=echo", "HTTP_USER_AGENT=wrk", NULL, NULL
};

static struct json_object *
echo(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*o = json_object_new_object();

	(void)c;
	json_object_object_add(o, "text",
	    json_object_get(json_object_object_get(args, "text")));
	return mcp_result_structured(o);
}

static const struct mcp_tool tools[] = {
	{ "echo", "Echo", "Echo", "", "{\"type\":\"object\",\"properties\":"
	  "{\"text\":{\"type\":\"string\",\"maxLength\":10000}},"
	  "\"required\":[\"text\"],\"additionalProperties\":false}",
	  "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
	  "\"required\":[\"text\"]}", MCP_HINT_READONLY, 0, echo },
};

/* The same tool with the scope /mcp's echo requires. */
static struct mcp_tool scoped[] = {
	{ "echo", "Echo", "Echo", "wks:read", NULL, NULL, MCP_HINT_READONLY,
	  0, echo },
};

static struct mcp_endpoint ep = {
	"micro", NULL, "0", NULL, tools, 1, NULL, 0, NULL, 0, NULL, 0, NULL
};

int
main(int argc, char *argv[])
{
	static struct mcp_server	 srv;
	struct mcp_store		*st;
	struct mcp_io			 io;
	struct memio			 m;
	struct timespec			 a, b;
	char				 why[256];
	char				 dir[] = "/tmp/mcp-micro.XXXXXX";
	long				 i, n = argc > 1 ? atol(argv[1]) : 200000;

	/* A private directory: a fixed /tmp path could be planted. */
	if (mkdtemp(dir) == NULL)
		err(1, "mkdtemp");
	mcp_config_defaults(&srv.cfg);
	snprintf(srv.cfg.store_path, sizeof(srv.cfg.store_path), "%s/mcp.db",
	    dir);
	srv.serve = mcp_serve;
	srv.audit_fd = -1;
	if (argc > 3) {
		if (mcp_config_load(&srv.cfg, argv[2], why, sizeof(why)) == -1)
			errx(1, "%s: %s", argv[2], why);
		if (asprintf(&authz, "HTTP_AUTHORIZATION=Bearer %s",
		    argv[3]) == -1)
			err(1, "asprintf");
		env[sizeof(env) / sizeof(env[0]) - 2] = authz;
		scoped[0].input_schema = tools[0].input_schema;
		scoped[0].output_schema = tools[0].output_schema;
		ep.tools = scoped;
	}
	mcp_log_setlevel(MCP_LEVEL_WARNING);
	if (mcp_registry_init(&srv.reg, &ep, why, sizeof(why)) == -1 ||
	    (st = mcp_store_open(srv.cfg.store_path, why, sizeof(why))) == NULL)
		errx(1, "%s", why);
	if (argc > 3) {
		why[0] = '\0';
		if (mcp_fetch_init() == -1 ||
		    mcp_guard_init(&srv, why, sizeof(why)) == -1)
			errx(1, "auth: %s", why);
		/* The per-caller count of requests in flight, as served. */
		if (mcp_inflight_init(&srv) == -1)
			errx(1, "out of memory");
		if (srv.cfg.auth.audit_log != NULL && (srv.audit_fd =
		    open(srv.cfg.auth.audit_log, O_WRONLY | O_APPEND |
		    O_CREAT | O_CLOEXEC, 0640)) == -1)
			err(1, "%s", srv.cfg.auth.audit_log);
		if (mcp_audit_start(&srv, why, sizeof(why)) == -1)
			errx(1, "audit: %s", why);
	}
	snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%zu", sizeof(body) - 1);
	memio_io(&io, &m);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		m.env = (const char *const *)env;
		m.in = (const uint8_t *)body;
		m.inlen = sizeof(body) - 1;
		mcp_serve(&srv, &io, st);
		/* A refused token would time the 401 instead. */
		if (i == 0 && strncmp(m.status, "Status: 200", 11) != 0)
			errx(1, "the call was not answered 200: %s", m.status);
	}
	mcp_audit_stop();
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("protocol work%s: %.0f ns per tools/call (%ld requests, %zu "
	    "bytes out each)\n", argc > 3 ? " with the token" : "",
	    ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n, n,
	    m.outlen);
	st->ops->close(st);
	mcp_registry_free(&srv.reg);
	memio_rmstore(dir, NULL);
	return 0;
}
