/*
 * serve.c: fuzzes the whole front door of an endpoint: mcp_serve() on an
 * in-memory request whose body is the input after its first byte, and
 * whose headers that byte chooses (protocol version, Accept, method,
 * Content-Type, one of two live sessions, Mcp-Method and Mcp-Name taken
 * from the body).  The endpoint has a tool with every schema keyword the
 * validator knows, one that logs and reports progress, a resource, a
 * template and a prompt with completion; the store is a private SQLite
 * file.
 *
 * Every answer must be a status line the transport documents, a JSON
 * body exactly one JSON value, and every SSE event's data one JSON
 * message; nothing may crash or leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "../memio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct json_object *
echo(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	return mcp_result_structured(json_object_get(args));
}

static struct json_object *
chatty(struct mcp_call *c, struct json_object *args)
{
	(void)args;
	mcp_call_log(c, MCP_LEVEL_INFO, "fuzz", "working");
	mcp_call_progress(c, 1, 2, "half");
	return mcp_result_text("done");
}

static struct json_object *
res_read(struct mcp_call *c, const char *uri)
{
	(void)c;
	return mcp_contents_text(uri, "text/plain", "static");
}

static struct json_object *
tmpl_read(struct mcp_call *c, const char *uri, struct json_object *vars)
{
	const char	*id = mcp_json_str(vars, "id");

	(void)c;
	if (id == NULL || strcmp(id, "missing") == 0)
		return NULL;
	return mcp_contents_text(uri, "text/plain", id);
}

static struct json_object *
greet(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*a = json_object_new_array();
	const char		*who = mcp_json_str(args, "name");
	char			 text[300];

	(void)c;
	snprintf(text, sizeof(text), "Hello, %s", who ? who : "you");
	mcp_json_append(a, mcp_message("user", mcp_content_text(text)));
	return a;
}

static struct json_object *
complete(const char *arg, const char *value)
{
	static const char *const names[] = { "ada", "alan", "grace" };
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	if (strcmp(arg, "name") == 0)
		for (i = 0; i < 3; i++)
			if (strncmp(names[i], value, strlen(value)) == 0)
				mcp_json_append(a,
				    json_object_new_string(names[i]));
	return a;
}

static const char schema[] = "{\"type\":\"object\","
    "\"$defs\":{\"id\":{\"type\":\"string\",\"pattern\":\"^org_[a-z0-9]+$\"}},"
    "\"properties\":{\"id\":{\"$ref\":\"#/$defs/id\"},"
    "\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100},"
    "\"s\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":8},"
    "\"e\":{\"enum\":[\"a\",1,null]},\"c\":{\"const\":{\"a\":1}},"
    "\"a\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},"
    "\"minItems\":1,\"maxItems\":4,\"uniqueItems\":true},"
    "\"o\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"object\","
    "\"additionalProperties\":{\"type\":\"boolean\"}}]}},"
    "\"required\":[\"id\"],\"additionalProperties\":false}";

static const struct mcp_tool tools[] = {
	{ "echo", "Echo", "Returns its arguments", "", schema, NULL,
	  MCP_HINT_READONLY, 0, echo },
	{ "chatty", "Chatty", "Logs and reports progress", "", NULL, NULL,
	  MCP_HINT_READONLY, 0, chatty },
};
static const struct mcp_resource resources[] = {
	{ "fuzz://static", "static", "Static", "A fixed text", "text/plain",
	  "", res_read },
};
static const struct mcp_resource_template templates[] = {
	{ "fuzz://items/{id}", "item", "Item", "An item", "text/plain", "",
	  tmpl_read },
};
static const struct mcp_prompt_arg greet_args[] = {
	{ "name", "Who", 1 },
	{ NULL, NULL, 0 },
};
static const struct mcp_prompt prompts[] = {
	{ "greet", "Greet", "Says hello", greet_args, greet, complete },
};
static const struct mcp_endpoint ep = {
	"fuzz", "Fuzz", "0", NULL, tools, 2, resources, 1, templates, 1,
	prompts, 1, NULL
};

static struct mcp_server	 srv;
static struct mcp_store		*st;
static char			 sid[2][80];	/* 2025-03-26, 2025-11-25 */

/* Serves one request; the answer is left in m->out. */
static void
serve(struct memio *m, unsigned flags)
{
	static struct memenv	 ev;
	static const char *const versions[] = { NULL, MCP_V20250326,
	    MCP_V20251125, MCP_V20260728 };
	static const char *const methods[] = { "POST", "POST", "GET",
	    "DELETE" };
	struct mcp_io		 io;
	char			 num[32];

	memenv_reset(&ev);
	snprintf(num, sizeof(num), "%zu", m->inlen);
	memenv_add(&ev, "CONTENT_LENGTH", num);
	memenv_add(&ev, "CONTENT_TYPE", flags & 0x40 ? "text/plain" :
	    "application/json");
	memenv_add(&ev, "REQUEST_METHOD", methods[(flags >> 2) & 3]);
	memenv_add(&ev, "REQUEST_URI", "/mcp");
	memenv_add(&ev, "SCRIPT_NAME", "/mcp");
	memenv_add(&ev, "HTTP_ACCEPT", flags & 0x10 ? "application/json" :
	    "application/json, text/event-stream");
	if (versions[flags & 3] != NULL)
		memenv_add(&ev, "HTTP_MCP_PROTOCOL_VERSION",
		    versions[flags & 3]);
	if (flags & 0x20)	/* the session of that version */
		memenv_add(&ev, "HTTP_MCP_SESSION_ID",
		    sid[(flags & 3) == 1 ? 0 : 1]);
	if (flags & 0x80)
		memenv_add_mcp(&ev, m->in, m->inlen);
	m->env = ev.env;
	m->keep = 1;
	memio_io(&io, m);
	mcp_serve(&srv, &io, st);
}

static void
check(const struct memio *m)
{
	static const char *const ok[] = { "200", "202", "204", "400", "403",
	    "404", "405", "406", "413", "415", "500", "503", NULL };
	struct json_object	*o;
	enum mcp_err		 e;
	const char		*p = m->out.p, *body, *ct, *end;

	body = memio_head(m, ok);
	ct = strstr(p, "Content-Type: application/json");
	if (ct != NULL && ct < body && *body != '\0') {
		o = mcp_json_parse(body, m->out.len - (size_t)(body - p), 64,
		    &e);
		if (o == NULL)
			abort();	/* a JSON answer must be JSON */
		json_object_put(o);
	}
	ct = strstr(p, "Content-Type: text/event-stream");
	if (ct == NULL || ct > body)
		return;
	/* Every event's data is one JSON message (the priming event none). */
	for (p = body; (p = strstr(p, "data: ")) != NULL; p = end) {
		p += 6;
		end = strchr(p, '\n');
		if (end == NULL)
			abort();	/* an event cut short */
		if (end == p)
			continue;
		if ((o = mcp_json_parse(p, (size_t)(end - p), 64, &e)) ==
		    NULL)
			abort();
		json_object_put(o);
	}
}

/* Opens live session i (again, after an input deleted it). */
static void
new_session(int i)
{
	static const char *const hello[] = {
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-03-26\",\"capabilities\":"
	    "{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"0\"}}}",
	    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":"
	    "{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"0\"}}}" };
	struct memio		 m;
	const char		*h;

	memset(&m, 0, sizeof(m));
	m.in = (const uint8_t *)hello[i];
	m.inlen = strlen(hello[i]);
	serve(&m, i == 0 ? 0x01 : 0x02);
	sid[i][0] = '\0';
	if ((h = strstr(m.out.p, "Mcp-Session-Id: ")) != NULL)
		sscanf(h + 16, "%79[0-9a-f]", sid[i]);
	if (sid[i][0] == '\0') {
		fprintf(stderr, "initialize: %s\n", m.out.p);
		abort();
	}
	mcp_buf_free(&m.out);
}

static char	 dir[] = "/tmp/mcp-fuzz.XXXXXX";

static void
cleanup(void)
{
	memio_rmstore(dir, NULL);
}

static void
init(void)
{
	char		 why[256];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	mcp_config_defaults(&srv.cfg);
	snprintf(srv.cfg.store_path, sizeof(srv.cfg.store_path),
	    "%s/mcp.db", dir);
	srv.cfg.request_timeout = 1;
	srv.serve = mcp_serve;
	srv.audit_fd = -1;
	mcp_log_setlevel(MCP_LEVEL_EMERGENCY);
	if (mcp_registry_init(&srv.reg, &ep, why, sizeof(why)) == -1 ||
	    (st = mcp_store_open(srv.cfg.store_path, why, sizeof(why))) ==
	    NULL) {
		fprintf(stderr, "fuzz serve: %s\n", why);
		abort();
	}
	/* Live sessions for the inputs that ask for one. */
	new_session(0);
	new_session(1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct memio	 m;

	if (size == 0)
		return 0;
	if (st == NULL)
		init();
	memset(&m, 0, sizeof(m));
	m.in = data + 1;
	m.inlen = size - 1;
	serve(&m, data[0]);
	check(&m);
	mcp_buf_free(&m.out);
	if ((data[0] & 0x2c) == 0x2c)	/* DELETE with a session */
		new_session((data[0] & 3) == 1 ? 0 : 1);
	return 0;
}
