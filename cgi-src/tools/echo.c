/*
 * echo.c: returns its input.  The cheapest useful tool, which makes it the
 * one the benchmark calls to measure protocol cost alone.
 */
#include "tools.h"

struct json_object *
tool_echo(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out, *text;

	(void)c;
	text = json_object_object_get(args, "text");
	if ((out = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(out, "text", json_object_get(text));
	return mcp_result_structured(out);
}
