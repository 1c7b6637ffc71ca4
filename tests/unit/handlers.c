/*
 * handlers.c: what a client gets when the code behind an endpoint fails:
 * a tool that returns nothing, a tool whose result breaks its own
 * outputSchema or lacks structuredContent, a prompt that returns nothing.
 * Each must answer JSON-RPC -32603 "Internal error" and nothing more,
 * while the log names the tool and the reason with the request id.
 * mcp_serve() runs on in-memory 2026-07-28 requests (tests/memio.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "../memio.h"
#include "tap.h"

static struct json_object *
nothing(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return NULL;
}

/* structuredContent {"n":"seven"} where the outputSchema wants a number. */
static struct json_object *
liar(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*o = json_object_new_object();

	(void)c;
	(void)args;
	json_object_object_add(o, "n", json_object_new_string("seven"));
	return mcp_result_structured(o);
}

static struct json_object *
textonly(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return mcp_result_text("no structure");
}

static struct json_object *
noprompt(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return NULL;
}

static const char out_schema[] = "{\"type\":\"object\",\"properties\":"
    "{\"n\":{\"type\":\"number\"}},\"required\":[\"n\"]}";

static const struct mcp_tool tools[] = {
	{ "nothing", NULL, "Returns nothing", "", NULL, NULL,
	  MCP_HINT_READONLY, 0, nothing },
	{ "liar", NULL, "Breaks its outputSchema", "", NULL, out_schema,
	  MCP_HINT_READONLY, 0, liar },
	{ "textonly", NULL, "No structuredContent", "", NULL, out_schema,
	  MCP_HINT_READONLY, 0, textonly },
};
static const struct mcp_prompt_arg no_args[] = {
	{ NULL, NULL, 0 },
};
static const struct mcp_prompt prompts[] = {
	{ "noprompt", NULL, "Returns nothing", no_args, noprompt, NULL },
};
static const struct mcp_endpoint ep = {
	"unit", "Unit", "0", NULL, tools, 3, NULL, 0, NULL, 0, prompts, 1, NULL
};

static struct mcp_server	 srv;
static struct mcp_store		*st;
static char			 dir[] = "/tmp/mcp-unit.XXXXXX";
static char			*log_text;
static size_t			 log_len;

/* One 2026-07-28 request of method with params; answer and log kept. */
static void
call(struct memio *m, const char *method, const char *params)
{
	static char		 body[1024];
	struct memenv		 ev;
	struct mcp_io		 io;
	FILE			*saved = stderr;

	snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":5,"
	    "\"method\":\"%s\",\"params\":{%s,\"_meta\":{\"io."
	    "modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io."
	    "modelcontextprotocol/clientCapabilities\":{}}}}", method, params);
	memset(m, 0, sizeof(*m));
	m->in = (const uint8_t *)body;
	m->inlen = strlen(body);
	m->keep = 1;
	memenv_modern_post(&ev, m);
	m->env = ev.env;
	memio_io(&io, m);
	free(log_text);
	log_text = NULL;
	/* Without a memory stream the log stays on fd 2 and logged() fails. */
	if ((stderr = open_memstream(&log_text, &log_len)) == NULL)
		stderr = saved;
	mcp_serve(&srv, &io, st);
	if (stderr != saved) {
		fclose(stderr);
		stderr = saved;
	}
	mcp_buf_add(&m->out, "", 1);	/* NUL-ended */
}

/*
 * 1 if the answer is exactly the -32603 error with id 5, status 200: the
 * request was received and answered; the failure is JSON-RPC's to report.
 */
static int
internal_error(const struct memio *m)
{
	const char	*body = strstr(m->out.p, "\r\n\r\n");

	return strncmp(m->out.p, "Status: 200", 11) == 0 && body != NULL &&
	    strcmp(body + 4, "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":"
	    "{\"code\":-32603,\"message\":\"Internal error\"}}") == 0;
}

/* 1 if one line of the log has the answer's request id and text. */
static int
logged(const struct memio *m, const char *text)
{
	const char	*h = strstr(m->out.p, "X-Request-Id: ");
	const char	*line, *end;
	char		 rid[64], want[128];

	if (h == NULL || sscanf(h + 14, "%63[0-9a-f]", rid) != 1 ||
	    log_text == NULL)
		return 0;
	snprintf(want, sizeof(want), "rid=%s ", rid);
	for (line = log_text; *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		h = strstr(line, want);
		if (h != NULL && h < end && (h = strstr(h, text)) != NULL &&
		    h + strlen(text) <= end)
			return 1;
		if (*end == '\0')
			break;
	}
	return 0;
}

int
main(void)
{
	struct memio	 m;
	char		 why[256];
	int		 rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	mcp_config_defaults(&srv.cfg);
	snprintf(srv.cfg.store_path, sizeof(srv.cfg.store_path), "%s/mcp.db",
	    dir);
	srv.serve = mcp_serve;
	srv.audit_fd = -1;
	if (mcp_registry_init(&srv.reg, &ep, why, sizeof(why)) == -1 ||
	    (st = mcp_store_open(srv.cfg.store_path, why, sizeof(why))) ==
	    NULL) {
		fprintf(stderr, "handlers: %s\n", why);
		return 1;
	}

	call(&m, "tools/call", "\"name\":\"nothing\",\"arguments\":{}");
	ok(internal_error(&m), "a tool that returns nothing: -32603 "
	    "Internal error and no more");
	ok(logged(&m, "tool nothing failed"), "the log names the tool, with "
	    "the request id");
	mcp_buf_free(&m.out);

	call(&m, "tools/call", "\"name\":\"liar\",\"arguments\":{}");
	ok(internal_error(&m), "a result that breaks its outputSchema: "
	    "-32603, the violation not shown");
	ok(strstr(m.out.p, "seven") == NULL && strstr(m.out.p, "number") ==
	    NULL, "neither the value nor the rule reaches the client");
	ok(logged(&m, "tool liar: result does not match its outputSchema: "),
	    "the log has the violation");
	mcp_buf_free(&m.out);

	call(&m, "tools/call", "\"name\":\"textonly\",\"arguments\":{}");
	ok(internal_error(&m), "an outputSchema and no structuredContent: "
	    "-32603");
	ok(logged(&m, "tool textonly: result does not match its "
	    "outputSchema: no structuredContent"), "the log says why");
	mcp_buf_free(&m.out);

	call(&m, "prompts/get", "\"name\":\"noprompt\"");
	ok(internal_error(&m), "a prompt that returns nothing: -32603");
	mcp_buf_free(&m.out);

	free(log_text);
	st->ops->close(st);
	mcp_registry_free(&srv.reg);
	rc = done();
	memio_rmstore(dir, NULL);
	return rc;
}
