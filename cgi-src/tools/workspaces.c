/*
 * workspaces.c: the caller's own workspace, read and renamed.
 */
#include <string.h>

#include "tools.h"

struct json_object *
tool_workspace_json(const struct mcp_workspace *w)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(w->id));
	json_object_object_add(o, "name", json_object_new_string(w->name));
	json_object_object_add(o, "created_at", tool_time(w->created_ms));
	json_object_object_add(o, "updated_at", tool_time(w->updated_ms));
	return o;
}

struct json_object *
tool_get_workspace(struct mcp_call *c, struct json_object *args)
{
	struct mcp_workspace	 w;
	enum mcp_data		 e;

	(void)args;
	if ((e = mcp_workspace_get(c, &w)) != MCP_DATA_OK)
		return tool_data_error(e, "workspace", "", "whoami");
	return mcp_result_structured(tool_workspace_json(&w));
}

struct json_object *
tool_update_workspace(struct mcp_call *c, struct json_object *args)
{
	struct mcp_workspace	 w;
	struct json_object	*nul;
	const char		*name;
	enum mcp_data		 e;

	if ((nul = tool_nul_error(args)) != NULL)
		return nul;
	name = json_object_get_string(json_object_object_get(args, "name"));
	if ((e = mcp_workspace_rename(c, name, &w)) != MCP_DATA_OK)
		return tool_data_error(e, "workspace", "", "whoami");
	tool_notify(c, URI_WORKSPACE);
	return mcp_result_structured(tool_workspace_json(&w));
}
