/*
 * usage.c: calls, failures and latency per tool over a time window, read
 * from the audit trail, for the caller's workspace.
 */
#include <time.h>

#include "tools.h"

struct json_object *
tool_get_usage(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out, *tools, *v;
	struct timespec		 ts;
	long long		 hours = 24, now, since;

	if (json_object_object_get_ex(args, "hours", &v))
		hours = json_object_get_int64(v);
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	since = now - hours * 3600 * 1000;
	if ((tools = mcp_call_usage(c, since, now + 1)) == NULL)
		return mcp_result_errorf("The usage records could not be "
		    "read just now; try again in a few seconds.");
	out = json_object_new_object();
	json_object_object_add(out, "since_ms", json_object_new_int64(since));
	json_object_object_add(out, "until_ms", json_object_new_int64(now));
	json_object_object_add(out, "tools", tools);
	return mcp_result_structured(out);
}
