/*
 * common.c: what the reference application's tools share: timestamps as
 * RFC 3339 text, errors an agent can act on, change notices.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools.h"

struct json_object *
tool_time(long long ms)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	char		 buf[40], out[48];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s.%03lldZ", buf, ms % 1000);
	return json_object_new_string(out);
}

const char *
tool_arg(struct json_object *args, const char *key)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(args, key, &v))
		return NULL;
	return json_object_get_string(v);
}

int
tool_copy(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = strlen(src);

	if (n >= dstsz)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

struct json_object *
tool_nul_error(struct json_object *args)
{
	struct json_object_iter	 it;
	const char		*s;

	json_object_object_foreachC(args, it) {
		if (!json_object_is_type(it.val, json_type_string))
			continue;
		s = json_object_get_string(it.val);
		if (strlen(s) != (size_t)json_object_get_string_len(it.val))
			return mcp_result_errorf("The argument %s holds the "
			    "character U+0000, which names and ids cannot "
			    "hold. Leave it out.", it.key);
	}
	return NULL;
}

struct json_object *
tool_name_error(const char *name)
{
	return mcp_result_errorf("The name is %zu bytes in UTF-8; the limit "
	    "is %d bytes. Use a shorter name.", strlen(name), MCP_NAME_MAX);
}

void
tool_page(struct json_object *args, struct mcp_page *pg, char *id,
    size_t idsz)
{
	struct json_object	*v;
	const char		*cur = tool_arg(args, "cursor");
	char			*dot;

	memset(pg, 0, sizeof(*pg));
	pg->limit = TOOL_PAGE_DEFAULT;
	if (json_object_object_get_ex(args, "page_size", &v))
		pg->limit = json_object_get_int(v);	/* schema: 1..100 */
	if (cur != NULL) {
		/* Schema: digits "." id; ours to parse, opaque to agents. */
		pg->after_ms = strtoll(cur, &dot, 10);
		snprintf(id, idsz, "%s", dot + (*dot == '.'));
		pg->after_id = id;
	}
}

struct json_object *
tool_next_cursor(const struct mcp_page *pg, int n, long long ms,
    const char *id)
{
	char	 cur[64];

	if (n < pg->limit)
		return NULL;
	snprintf(cur, sizeof(cur), "%lld.%s", ms, id);
	return json_object_new_string(cur);
}

struct json_object *
tool_quota_error(const char *what, int max, const char *hint)
{
	return mcp_result_errorf("Quota reached: your workspace already "
	    "holds %d %s, the most it may. %s", max, what, hint);
}

struct json_object *
tool_data_error(enum mcp_data e, const char *what, const char *id,
    const char *list_tool)
{
	switch (e) {
	case MCP_DATA_NOTFOUND:
		return mcp_result_errorf("No %s %s in your workspace. Call %s "
		    "to see the ids you can use.", what, id, list_tool);
	case MCP_DATA_NOWORKSPACE:
		return mcp_result_errorf("Your access token names no "
		    "workspace, so there is no %s to work with. Use a token "
		    "of a client that belongs to a workspace.", what);
	case MCP_DATA_TOOLONG:
		return mcp_result_errorf("A name is over %d bytes in UTF-8. "
		    "Use a shorter name.", MCP_NAME_MAX);
	case MCP_DATA_RETRY:
		return mcp_result_errorf("The store was busy and nothing was "
		    "changed. Retry the same call in a moment.");
	default:
		return mcp_result_errorf("The %s could not be changed.", what);
	}
}

void
tool_notify(struct mcp_call *c, const char *fmt, ...)
{
	va_list	 ap;
	char	 uri[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(uri, sizeof(uri), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(uri))
		(void)mcp_call_resource_updated(c, uri);	/* logs failure */
}
