/*
 * organizations.c: organizations (in environments) and organization
 * templates (default settings applied when an organization is created
 * from one), all in the caller's workspace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools.h"


struct json_object *
tool_org_json(const struct mcp_org *o)
{
	struct json_object	*j = json_object_new_object();

	json_object_object_add(j, "id", json_object_new_string(o->id));
	json_object_object_add(j, "environment_id",
	    json_object_new_string(o->environment));
	json_object_object_add(j, "name", json_object_new_string(o->name));
	json_object_object_add(j, "external_id", o->external_id[0] ?
	    json_object_new_string(o->external_id) : NULL);
	json_object_object_add(j, "metadata", mcp_data_object(o->metadata));
	json_object_object_add(j, "template_id", o->template_id[0] ?
	    json_object_new_string(o->template_id) : NULL);
	json_object_object_add(j, "created_at", tool_time(o->created_ms));
	json_object_object_add(j, "updated_at", tool_time(o->updated_ms));
	return j;
}

/* Serializes a metadata/settings object into out; -1 if too large. */
static int
serialize(struct json_object *obj, char *out, size_t outsz, size_t *len)
{
	const char	*t = json_object_to_json_string_ext(obj,
			    JSON_C_TO_STRING_PLAIN);

	*len = strlen(t);
	if (*len >= outsz)
		return -1;
	memcpy(out, t, *len + 1);
	return 0;
}

/* A page of organizations or templates as it is read. */
struct page {
	struct json_object	*list;
	long long		 last_ms;
	char			 last_id[32];
	int			 n;
};

static void
add_org(void *arg, const struct mcp_org *o)
{
	struct page	*p = arg;

	json_object_array_add(p->list, tool_org_json(o));
	p->last_ms = o->created_ms;
	snprintf(p->last_id, sizeof(p->last_id), "%s", o->id);
	p->n++;
}

struct json_object *
tool_list_organizations(struct mcp_call *c, struct json_object *args)
{
	struct mcp_org_query	 q;
	struct mcp_page		 pg;
	struct json_object	*out, *v;
	struct page		 p;
	char			 id[40];
	enum mcp_data		 e;

	if ((v = tool_nul_error(args)) != NULL)
		return v;
	memset(&q, 0, sizeof(q));
	memset(&p, 0, sizeof(p));
	tool_page(args, &pg, id, sizeof(id));
	q.environment = tool_arg(args, "environment_id");
	q.name_prefix = tool_arg(args, "name_prefix");
	q.limit = pg.limit;
	q.after_ms = pg.after_ms;
	q.after_id = pg.after_id;
	p.list = json_object_new_array();
	if ((e = mcp_org_list(c, &q, add_org, &p)) != MCP_DATA_OK) {
		json_object_put(p.list);
		return tool_data_error(e, "organization", "", "whoami");
	}
	out = json_object_new_object();
	json_object_object_add(out, "organizations", p.list);
	json_object_object_add(out, "next_cursor", tool_next_cursor(&pg, p.n,
	    p.last_ms, p.last_id));
	return mcp_result_structured(out);
}

struct json_object *
tool_get_organization(struct mcp_call *c, struct json_object *args)
{
	struct mcp_org		*o;
	struct json_object	*r;
	const char		*id = tool_arg(args, "organization_id");
	enum mcp_data		 e;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((e = mcp_org_get(c, id, o)) != MCP_DATA_OK)
		r = tool_data_error(e, "organization", id,
		    "list_organizations");
	else
		r = mcp_result_structured(tool_org_json(o));
	free(o);
	return r;
}

struct json_object *
tool_create_organization(struct mcp_call *c, struct json_object *args)
{
	struct mcp_template	 t;
	struct mcp_quota	 q;
	struct mcp_org		*o;
	struct json_object	*meta = NULL, *given, *r = NULL;
	const char		*env = tool_arg(args, "environment_id");
	const char		*name = tool_arg(args, "name");
	const char		*ext = tool_arg(args, "external_id");
	const char		*tpl = tool_arg(args, "template_id");
	size_t			 len;
	enum mcp_data		 e;

	if ((r = tool_nul_error(args)) != NULL)
		return r;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	/* The schema bounds ids and external ids; names are checked here. */
	if (tool_copy(o->environment, sizeof(o->environment), env) == -1 ||
	    (ext != NULL && tool_copy(o->external_id, sizeof(o->external_id),
	    ext) == -1)) {
		r = mcp_result_errorf("environment_id or external_id is too "
		    "long.");
		goto out;
	}
	if (tool_copy(o->name, sizeof(o->name), name) == -1) {
		r = tool_name_error(name);
		goto out;
	}
	/* A template's settings are the defaults; given metadata wins. */
	if (tpl != NULL) {
		if ((e = mcp_tpl_get(c, tpl, &t)) != MCP_DATA_OK ||
		    tool_copy(o->template_id, sizeof(o->template_id), tpl) ==
		    -1) {
			r = tool_data_error(e != MCP_DATA_OK ? e :
			    MCP_DATA_NOTFOUND, "template", tpl,
			    "list_org_templates");
			goto out;
		}
		meta = mcp_data_object(t.settings);
	} else
		meta = json_object_new_object();
	if (json_object_object_get_ex(args, "metadata", &given)) {
		json_object_object_foreach(given, k, v)
			json_object_object_add(meta, k, json_object_get(v));
	}
	if (serialize(meta, o->metadata, sizeof(o->metadata), &len) == -1) {
		r = mcp_result_errorf("metadata is %zu bytes as JSON (with the "
		    "template's defaults); the limit is %d. Store less.", len,
		    MCP_META_MAX);
		goto out;
	}
	if ((e = mcp_org_create(c, o)) == MCP_DATA_CONFLICT)
		r = mcp_result_errorf("An organization with external_id \"%s\" "
		    "already exists in environment %s. Find it with "
		    "list_organizations, or choose another external_id.",
		    ext != NULL ? ext : "", env);
	else if (e == MCP_DATA_QUOTA) {
		mcp_data_quota(c, &q);
		r = tool_quota_error("organizations", q.organizations,
		    "Delete ones you no longer need (delete_organization), "
		    "then try again.");
	} else if (e != MCP_DATA_OK)
		r = tool_data_error(e, "environment", env,
		    "list_environments");
	else
		r = mcp_result_structured(tool_org_json(o));
out:
	json_object_put(meta);
	free(o);
	return r;
}

struct json_object *
tool_update_organization(struct mcp_call *c, struct json_object *args)
{
	struct mcp_org		*o;
	struct json_object	*meta, *r;
	const char		*id = tool_arg(args, "organization_id");
	const char		*name = tool_arg(args, "name");
	const char		*ext = tool_arg(args, "external_id");
	size_t			 len;
	enum mcp_data		 e;

	if ((r = tool_nul_error(args)) != NULL)
		return r;
	meta = json_object_object_get(args, "metadata");
	if (name == NULL && ext == NULL && meta == NULL)
		return mcp_result_errorf("Nothing to change: give name, "
		    "external_id, metadata or several.");
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((e = mcp_org_get(c, id, o)) != MCP_DATA_OK) {
		r = tool_data_error(e, "organization", id,
		    "list_organizations");
		goto out;
	}
	if (name != NULL && tool_copy(o->name, sizeof(o->name), name) == -1) {
		r = tool_name_error(name);
		goto out;
	}
	/* "" removes it; the schema bounds it to 128 ASCII bytes. */
	if (ext != NULL && tool_copy(o->external_id, sizeof(o->external_id),
	    ext) == -1) {
		r = mcp_result_errorf("external_id is too long.");
		goto out;
	}
	if (meta != NULL && serialize(meta, o->metadata, sizeof(o->metadata),
	    &len) == -1) {
		r = mcp_result_errorf("metadata is %zu bytes as JSON; the "
		    "limit is %d. Store less.", len, MCP_META_MAX);
		goto out;
	}
	if ((e = mcp_org_update(c, o)) == MCP_DATA_CONFLICT)
		r = mcp_result_errorf("An organization with external_id \"%s\" "
		    "already exists in environment %s. Choose another "
		    "external_id.", o->external_id, o->environment);
	else if (e != MCP_DATA_OK)
		r = tool_data_error(e, "organization", id,
		    "list_organizations");
	else {
		tool_notify(c, URI_ORG "%s", id);
		r = mcp_result_structured(tool_org_json(o));
	}
out:
	free(o);
	return r;
}

struct json_object *
tool_delete_organization(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out;
	const char		*id = tool_arg(args, "organization_id");
	enum mcp_data		 e;

	if ((e = mcp_org_delete(c, id)) != MCP_DATA_OK)
		return tool_data_error(e, "organization", id,
		    "list_organizations");
	tool_notify(c, URI_ORG "%s", id);
	out = json_object_new_object();
	json_object_object_add(out, "deleted", json_object_new_string(id));
	return mcp_result_structured(out);
}

struct json_object *
tool_tpl_json(const struct mcp_template *t)
{
	struct json_object	*j = json_object_new_object();

	json_object_object_add(j, "id", json_object_new_string(t->id));
	json_object_object_add(j, "name", json_object_new_string(t->name));
	json_object_object_add(j, "settings", mcp_data_object(t->settings));
	json_object_object_add(j, "created_at", tool_time(t->created_ms));
	json_object_object_add(j, "updated_at", tool_time(t->updated_ms));
	return j;
}

static void
add_tpl(void *arg, const struct mcp_template *t)
{
	struct page	*p = arg;

	json_object_array_add(p->list, tool_tpl_json(t));
	p->last_ms = t->created_ms;
	snprintf(p->last_id, sizeof(p->last_id), "%s", t->id);
	p->n++;
}

struct json_object *
tool_tpls_json(struct mcp_call *c, const struct mcp_page *pg,
    enum mcp_data *e)
{
	struct json_object	*out;
	struct page		 p;

	memset(&p, 0, sizeof(p));
	p.list = json_object_new_array();
	if ((*e = mcp_tpl_list(c, pg, add_tpl, &p)) != MCP_DATA_OK) {
		json_object_put(p.list);
		return NULL;
	}
	out = json_object_new_object();
	json_object_object_add(out, "templates", p.list);
	json_object_object_add(out, "next_cursor", tool_next_cursor(pg, p.n,
	    p.last_ms, p.last_id));
	return out;
}

struct json_object *
tool_list_org_templates(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*out;
	struct mcp_page		 pg;
	char			 id[40];
	enum mcp_data		 e;

	tool_page(args, &pg, id, sizeof(id));
	if ((out = tool_tpls_json(c, &pg, &e)) == NULL)
		return tool_data_error(e, "template", "", "whoami");
	return mcp_result_structured(out);
}

struct json_object *
tool_create_org_template(struct mcp_call *c, struct json_object *args)
{
	struct mcp_template	 t;
	struct mcp_quota	 q;
	struct json_object	*set;
	const char		*name = tool_arg(args, "name");
	struct json_object	*nul;
	size_t			 len;
	enum mcp_data		 e;

	if ((nul = tool_nul_error(args)) != NULL)
		return nul;
	memset(&t, 0, sizeof(t));
	if (tool_copy(t.name, sizeof(t.name), name) == -1)
		return tool_name_error(name);
	set = json_object_object_get(args, "settings");
	if (set == NULL)
		snprintf(t.settings, sizeof(t.settings), "{}");
	else if (serialize(set, t.settings, sizeof(t.settings), &len) == -1)
		return mcp_result_errorf("settings is %zu bytes as JSON; the "
		    "limit is %d. Store less.", len, MCP_META_MAX);
	if ((e = mcp_tpl_create(c, &t)) == MCP_DATA_CONFLICT)
		return mcp_result_errorf("A template named \"%s\" already "
		    "exists in your workspace. Choose another name, or use the "
		    "existing one (list_org_templates).", name);
	if (e == MCP_DATA_QUOTA) {
		mcp_data_quota(c, &q);
		return tool_quota_error("organization templates", q.templates,
		    "Templates cannot be deleted with these tools: reuse an "
		    "existing one (list_org_templates) instead.");
	}
	if (e != MCP_DATA_OK)
		return tool_data_error(e, "template", "", "whoami");
	tool_notify(c, URI_TPLS);
	return mcp_result_structured(tool_tpl_json(&t));
}

struct ids {
	struct json_object	*ids;
	long long		 last_ms;
	char			 last_id[32];
	int			 n;
};

static void
add_id(void *arg, const struct mcp_org *o)
{
	struct ids	*p = arg;

	json_object_array_add(p->ids, json_object_new_string(o->id));
	p->last_ms = o->created_ms;
	snprintf(p->last_id, sizeof(p->last_id), "%s", o->id);
	p->n++;
}

struct json_object *
tool_org_ids(struct mcp_call *c, const char *env)
{
	struct mcp_org_query	 q;
	struct ids		 p;

	memset(&q, 0, sizeof(q));
	memset(&p, 0, sizeof(p));
	q.environment = env;
	q.limit = 100;
	p.ids = json_object_new_array();
	do {
		p.n = 0;
		if (mcp_org_list(c, &q, add_id, &p) != MCP_DATA_OK) {
			json_object_put(p.ids);
			return NULL;
		}
		q.after_ms = p.last_ms;
		q.after_id = p.last_id;
	} while (p.n == q.limit);
	return p.ids;
}
