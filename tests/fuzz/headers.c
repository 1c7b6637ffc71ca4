/*
 * headers.c: fuzzes the header-value parsers: Accept negotiation, Origin
 * matching, pagination cursors and URI template matching; and the CGI
 * variable reader, on the input split into lines as an environment,
 * against a plain search (a variable of the reader's table given twice
 * reads as ",").
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NENV	64

static const char	*env[NENV + 1];

static const char *const *
fuzz_envp(struct mcp_io *io)
{
	(void)io;
	return env;
}

/* The first "name=" line, as FCGX_GetParam() finds it. */
static const char *
fuzz_param(struct mcp_io *io, const char *name)
{
	size_t	 i, n = strlen(name);

	(void)io;
	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/* What mcp_http_param() must give for a name of its table: the one
 * value, "," for a name given twice or more, or NULL. */
static const char *
fuzz_tabled(const char *name)
{
	const char	*v = NULL;
	size_t		 i, n = strlen(name);

	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=') {
			if (v != NULL)
				return ",";
			v = env[i] + n + 1;
		}
	return v;
}

/* mcp_http_param() must find what the plain search finds. */
static void
variables(char *s)
{
	static const char *const names[] = {
		"REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "QUERY_STRING",
		"CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_ACCEPT", "HTTP_ORIGIN",
		"HTTP_AUTHORIZATION", "HTTP_MCP_PROTOCOL_VERSION",
		"HTTP_MCP_SESSION_ID", "HTTP_MCP_METHOD", "HTTP_MCP_NAME",
		"HTTP_COOKIE", "REQUEST", NULL
	};
	struct mcp_io	 io;
	struct mcp_req	 r;
	const char	*got, *want;
	size_t		 i, n = 0;
	char		*line;

	while (n < NENV && (line = strsep(&s, "\n")) != NULL)
		env[n++] = line;
	env[n] = NULL;
	memset(&io, 0, sizeof(io));
	memset(&r, 0, sizeof(r));
	io.param = fuzz_param;
	io.envp = fuzz_envp;
	r.io = &io;
	for (i = 0; names[i] != NULL; i++) {
		got = mcp_http_param(&r, names[i]);
		/* Names outside its table: the first wins. */
		want = strcmp(names[i], "HTTP_COOKIE") == 0 ||
		    strcmp(names[i], "REQUEST") == 0 ?
		    fuzz_param(&io, names[i]) : fuzz_tabled(names[i]);
		if ((got == NULL) != (want == NULL) ||
		    (got != NULL && strcmp(got, want) != 0))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mcp_config	 cfg;
	static int			 init;
	struct json_object		*vars;
	char				*s, cur[64];
	size_t				 off;

	if (!init) {
		mcp_config_defaults(&cfg);
		init = 1;
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)mcp_http_accepts(s, "text/event-stream");
	(void)mcp_http_accepts(s, "application/json");
	(void)mcp_config_origin_ok(&cfg, s);
	if (mcp_cursor_parse(s, &off) == 0) {
		/* A cursor we accept must round-trip to the same offset. */
		mcp_cursor_make(off, cur, sizeof(cur));
		if (mcp_cursor_parse(cur, &off) != 0)
			abort();
	}
	vars = json_object_new_object();
	(void)mcp_template_match("test://template/{id}/data", s, vars);
	(void)mcp_template_match("x://{a}-{b}", s, vars);
	json_object_put(vars);
	variables(s);		/* last: it cuts s into lines */
	free(s);
	return 0;
}
