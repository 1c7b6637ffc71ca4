/*
 * headers.c: fuzzes the header-value parsers: Accept negotiation, Origin
 * matching, pagination cursors and URI template matching.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	free(s);
	return 0;
}
