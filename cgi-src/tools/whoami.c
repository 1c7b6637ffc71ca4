/*
 * whoami.c: tells the caller what its token says and what it may do: the
 * first call an agent should make when unsure why another one failed.
 */
#include <time.h>

#include "tools.h"

struct json_object *
tool_whoami(struct mcp_call *c, struct json_object *args)
{
	struct mcp_caller	 who;
	struct json_object	*out, *scopes;
	const char		*p, *e;

	(void)args;
	if (mcp_call_caller(c, &who) == -1)
		return mcp_result_errorf("This endpoint runs without "
		    "authentication, so there is no caller identity.");
	out = json_object_new_object();
	json_object_object_add(out, "issuer",
	    json_object_new_string(who.issuer));
	json_object_object_add(out, "subject",
	    json_object_new_string(who.subject));
	json_object_object_add(out, "client_id",
	    json_object_new_string(who.client_id));
	json_object_object_add(out, "workspace",
	    json_object_new_string(who.workspace));
	scopes = json_object_new_array();
	for (p = who.scopes; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if (e > p)
			json_object_array_add(scopes,
			    json_object_new_string_len(p, (int)(e - p)));
	}
	json_object_object_add(out, "scopes", scopes);
	json_object_object_add(out, "expires_at",
	    json_object_new_int64(who.expires));
	json_object_object_add(out, "expires_in",
	    json_object_new_int64(who.expires - (long long)time(NULL)));
	json_object_object_add(out, "callable_tools", mcp_call_tools(c));
	return mcp_result_structured(out);
}
