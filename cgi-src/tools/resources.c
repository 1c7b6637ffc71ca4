/*
 * resources.c: the reference application's objects as read-only MCP
 * resources, JSON documents shaped like the tools' structured output.
 * Declared (URIs, scopes) in ../mcp.c; every read goes through the data
 * API, so it sees only the caller's workspace, and an object of another
 * workspace is NULL ("Resource not found") like one that never existed.
 */
#include <stdlib.h>
#include <string.h>

#include "tools.h"

/* One application/json content item holding obj (consumed). */
static struct json_object *
contents(const char *uri, struct json_object *obj)
{
	struct json_object	*c;

	if (obj == NULL)
		return NULL;
	c = mcp_contents_text(uri, "application/json",
	    json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
	json_object_put(obj);
	return c;
}

static const char *
var(struct json_object *vars, const char *name)
{
	return json_object_get_string(json_object_object_get(vars, name));
}

struct json_object *
res_workspace(struct mcp_call *c, const char *uri)
{
	struct mcp_workspace	 w;

	if (mcp_workspace_get(c, &w) != MCP_DATA_OK)
		return NULL;
	return contents(uri, tool_workspace_json(&w));
}

/*
 * The lists: their first page of TOOL_PAGE_MAX, exactly what the tool
 * answers with that page_size and no cursor; a next_cursor that is not
 * null continues with the tool.
 */
struct json_object *
res_environments(struct mcp_call *c, const char *uri)
{
	struct mcp_page	 pg = { .limit = TOOL_PAGE_MAX };
	enum mcp_data	 e;

	return contents(uri, tool_envs_json(c, &pg, &e));
}

struct json_object *
res_org_templates(struct mcp_call *c, const char *uri)
{
	struct mcp_page	 pg = { .limit = TOOL_PAGE_MAX };
	enum mcp_data	 e;

	return contents(uri, tool_tpls_json(c, &pg, &e));
}

struct json_object *
res_environment(struct mcp_call *c, const char *uri, struct json_object *v)
{
	struct mcp_environment	 e;

	if (mcp_env_get(c, var(v, "environment_id"), &e) != MCP_DATA_OK)
		return NULL;
	return contents(uri, tool_env_json(&e));
}

struct json_object *
res_organization(struct mcp_call *c, const char *uri, struct json_object *v)
{
	struct mcp_org		*o;
	struct json_object	*r = NULL;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if (mcp_org_get(c, var(v, "organization_id"), o) == MCP_DATA_OK)
		r = contents(uri, tool_org_json(o));
	free(o);
	return r;
}

struct json_object *
res_org_template(struct mcp_call *c, const char *uri, struct json_object *v)
{
	struct mcp_template	 t;

	if (mcp_tpl_get(c, var(v, "template_id"), &t) != MCP_DATA_OK)
		return NULL;
	return contents(uri, tool_tpl_json(&t));
}
