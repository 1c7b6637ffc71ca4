/*
 * environments.c: the environments of the caller's workspace
 * (development, staging, production), which hold organizations.
 */
#include <string.h>

#include "tools.h"

struct json_object *
tool_env_json(const struct mcp_environment *e)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(e->id));
	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "type", json_object_new_string(e->type));
	json_object_object_add(o, "created_at", tool_time(e->created_ms));
	json_object_object_add(o, "updated_at", tool_time(e->updated_ms));
	return o;
}

static void
add_env(void *arg, const struct mcp_environment *e)
{
	json_object_array_add(arg, tool_env_json(e));
}

struct json_object *
tool_envs_json(struct mcp_call *c, enum mcp_data *e)
{
	struct json_object	*out, *a = json_object_new_array();

	if ((*e = mcp_env_list(c, add_env, a)) != MCP_DATA_OK) {
		json_object_put(a);
		return NULL;
	}
	out = json_object_new_object();
	json_object_object_add(out, "environments", a);
	return out;
}

struct json_object *
tool_list_environments(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out;
	enum mcp_data		 e;

	(void)args;
	if ((out = tool_envs_json(c, &e)) == NULL)
		return tool_data_error(e, "environment", "", "whoami");
	return mcp_result_structured(out);
}

struct json_object *
tool_get_environment(struct mcp_call *c, struct json_object *args)
{
	struct mcp_environment	 env;
	const char		*id = tool_arg(args, "environment_id");
	enum mcp_data		 e;

	if ((e = mcp_env_get(c, id, &env)) != MCP_DATA_OK)
		return tool_data_error(e, "environment", id,
		    "list_environments");
	return mcp_result_structured(tool_env_json(&env));
}

struct json_object *
tool_create_environment(struct mcp_call *c, struct json_object *args)
{
	struct mcp_environment	 env;
	const char		*name = tool_arg(args, "name");
	const char		*type = tool_arg(args, "type");
	struct json_object	*nul;
	enum mcp_data		 e;

	if ((nul = tool_nul_error(args)) != NULL)
		return nul;
	memset(&env, 0, sizeof(env));
	if (tool_copy(env.name, sizeof(env.name), name) == -1)
		return tool_name_error(name);
	if (tool_copy(env.type, sizeof(env.type), type) == -1)
		return NULL;		/* the schema's enum allows no such type */
	if ((e = mcp_env_create(c, &env)) == MCP_DATA_CONFLICT)
		return mcp_result_errorf("An environment named \"%s\" already "
		    "exists in your workspace. Choose another name, or change "
		    "the existing one with update_environment.", name);
	if (e != MCP_DATA_OK)
		return tool_data_error(e, "environment", "", "whoami");
	tool_notify(c, URI_ENVS);
	return mcp_result_structured(tool_env_json(&env));
}

struct json_object *
tool_update_environment(struct mcp_call *c, struct json_object *args)
{
	struct mcp_environment	 env;
	const char		*id = tool_arg(args, "environment_id");
	const char		*name = tool_arg(args, "name");
	const char		*type = tool_arg(args, "type");
	struct json_object	*nul;
	enum mcp_data		 e;

	if ((nul = tool_nul_error(args)) != NULL)
		return nul;
	if (name == NULL && type == NULL)
		return mcp_result_errorf("Nothing to change: give name, type "
		    "or both.");
	e = mcp_env_update(c, id, name, type, &env);
	if (e == MCP_DATA_CONFLICT)
		return mcp_result_errorf("An environment named \"%s\" already "
		    "exists in your workspace. Choose another name.", name);
	if (e != MCP_DATA_OK)
		return tool_data_error(e, "environment", id,
		    "list_environments");
	tool_notify(c, URI_ENVS);
	tool_notify(c, URI_ENV "%s", id);
	return mcp_result_structured(tool_env_json(&env));
}

struct json_object *
tool_delete_environment(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out, *v, *gone = NULL;
	const char		*id = tool_arg(args, "environment_id");
	size_t			 i;
	long long		 orgs = 0;
	int			 force = 0;
	enum mcp_data		 e;

	if (json_object_object_get_ex(args, "force", &v))
		force = json_object_get_boolean(v);
	/*
	 * Whoever watches an organization it takes along hears of it (if
	 * listing fails, the delete below reports why).
	 */
	if (force)
		gone = tool_org_ids(c, id);
	e = mcp_env_delete(c, id, force, &orgs);
	if (e == MCP_DATA_NOTEMPTY)
		return mcp_result_errorf("Environment %s still holds %lld "
		    "organization%s. Delete them first, or call "
		    "delete_environment again with force: true to delete them "
		    "together with the environment.", id, orgs,
		    orgs == 1 ? "" : "s");
	if (e != MCP_DATA_OK) {
		json_object_put(gone);
		return tool_data_error(e, "environment", id,
		    "list_environments");
	}
	tool_notify(c, URI_ENVS);
	tool_notify(c, URI_ENV "%s", id);
	for (i = 0; gone != NULL && i < json_object_array_length(gone); i++)
		tool_notify(c, URI_ORG "%s", json_object_get_string(
		    json_object_array_get_idx(gone, i)));
	json_object_put(gone);
	out = json_object_new_object();
	json_object_object_add(out, "deleted", json_object_new_string(id));
	json_object_object_add(out, "organizations_deleted",
	    json_object_new_int64(orgs));
	return mcp_result_structured(out);
}
