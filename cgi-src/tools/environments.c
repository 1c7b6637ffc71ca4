/*
 * environments.c: the environments of the caller's workspace
 * (development, staging, production), which hold organizations.
 */
#include <stdio.h>
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

struct page {
	struct json_object	*list;
	long long		 last_ms;
	char			 last_id[32];
	int			 n;
};

static void
add_env(void *arg, const struct mcp_environment *e)
{
	struct page	*p = arg;

	json_object_array_add(p->list, tool_env_json(e));
	p->last_ms = e->created_ms;
	snprintf(p->last_id, sizeof(p->last_id), "%s", e->id);
	p->n++;
}

struct json_object *
tool_envs_json(struct mcp_call *c, const struct mcp_page *pg,
    enum mcp_data *e)
{
	struct json_object	*out;
	struct page		 p;

	memset(&p, 0, sizeof(p));
	p.list = json_object_new_array();
	if ((*e = mcp_env_list(c, pg, add_env, &p)) != MCP_DATA_OK) {
		json_object_put(p.list);
		return NULL;
	}
	out = json_object_new_object();
	json_object_object_add(out, "environments", p.list);
	json_object_object_add(out, "next_cursor", tool_next_cursor(pg, p.n,
	    p.last_ms, p.last_id));
	return out;
}

struct json_object *
tool_list_environments(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out;
	struct mcp_page		 pg;
	char			 id[40];
	enum mcp_data		 e;

	tool_page(args, &pg, id, sizeof(id));
	if ((out = tool_envs_json(c, &pg, &e)) == NULL)
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
	struct mcp_quota	 q;
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
	if (e == MCP_DATA_QUOTA) {
		mcp_data_quota(c, &q);
		return tool_quota_error("environments", q.environments,
		    "Delete one you no longer need (delete_environment), or "
		    "reuse one (update_environment), then try again.");
	}
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

#define CONFIRM_KEY	"confirm_delete"

/*
 * On 2026-07-28, a client that can show a form (elicitation) is asked to
 * confirm a forced delete that takes organizations along.  The question
 * names how many; requestState remembers that number, so a confirmation
 * counts only as the answer to a question this server asked, about as
 * many organizations as the environment still holds.  Returns 1 to go
 * on, 0 with *out the answer (not confirmed, or the input-required result
 * asking), -1 on failure.
 */
static int
confirmed(struct mcp_call *c, const char *id, size_t n,
    struct json_object **out)
{
	struct mcp_environment	 env;
	struct json_object	*p, *s, *props, *f, *req, *res, *st, *v;
	const char		*err, *a;
	char			 msg[512];
	int			 ok;

	*out = NULL;
	if (n == 0 || strcmp(mcp_call_version(c), MCP_V20260728) < 0 ||
	    !mcp_call_declared(c, "elicitation"))
		return 1;
	if (mcp_env_get(c, id, &env) != MCP_DATA_OK)
		return 1;		/* the delete reports it */
	snprintf(msg, sizeof(msg), "Delete environment \"%s\" (%s) and the "
	    "%zu organization%s it holds? This cannot be undone.", env.name,
	    id, n, n == 1 ? "" : "s");
	p = json_object_new_object();
	s = json_object_new_object();
	props = json_object_new_object();
	f = json_object_new_object();
	req = json_object_new_array();
	json_object_object_add(f, "type", json_object_new_string("boolean"));
	json_object_object_add(f, "title", json_object_new_string(
	    "Delete them"));
	json_object_object_add(props, "confirm", f);
	json_object_object_add(s, "type", json_object_new_string("object"));
	json_object_object_add(s, "properties", props);
	json_object_array_add(req, json_object_new_string("confirm"));
	json_object_object_add(s, "required", req);
	json_object_object_add(p, "message", json_object_new_string(msg));
	json_object_object_add(p, "requestedSchema", s);
	st = mcp_call_state(c);
	res = mcp_call_input(c, CONFIRM_KEY, "elicitation/create",
	    json_object_get(p), 0, &err);
	if (res != NULL && (st == NULL || !json_object_object_get_ex(st,
	    "organizations", &v) || json_object_get_int64(v) != (int64_t)n)) {
		/* Not the answer to this question: ask it. */
		json_object_put(res);
		res = NULL;
		err = mcp_call_ask(c, CONFIRM_KEY, "elicitation/create",
		    json_object_get(p)) == 0 ? MCP_INPUT_PENDING : NULL;
	}
	json_object_put(p);
	if (res == NULL) {
		if (err != MCP_INPUT_PENDING)
			return -1;
		st = json_object_new_object();
		json_object_object_add(st, "organizations",
		    json_object_new_int64((int64_t)n));
		if (mcp_call_state_set(c, st) == -1 ||
		    (*out = mcp_call_input_required(c)) == NULL)
			return -1;
		return 0;
	}
	a = json_object_get_string(json_object_object_get(res, "action"));
	ok = a != NULL && strcmp(a, "accept") == 0 &&
	    json_object_get_boolean(json_object_object_get(
	    json_object_object_get(res, "content"), "confirm"));
	json_object_put(res);
	if (ok)
		return 1;
	*out = mcp_result_errorf("Environment %s was not deleted: the "
	    "deletion was not confirmed.", id);
	return *out != NULL ? 0 : -1;
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
	if (gone != NULL) {
		switch (confirmed(c, id, json_object_array_length(gone), &out)) {
		case 1:
			break;
		case 0:
			json_object_put(gone);
			return out;
		default:
			json_object_put(gone);
			return NULL;
		}
	}
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
