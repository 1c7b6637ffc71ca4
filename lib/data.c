/*
 * data.c: the reference application's objects as tools see them.  Every
 * function here takes the workspace from the caller's verified token, so
 * a tool cannot reach into another workspace even by mistake; the store
 * (store.h) answers "not found" for any id outside it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "extern.h"

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The store's answer as tools see it.  A store failure is also recorded
 * in the call, so that a resource reader's NULL is not taken for "not
 * found" (lib/protocol.c answers it as the retryable error it is).
 */
static enum mcp_data
map(struct mcp_call *c, enum mcp_err e)
{
	switch (e) {
	case MCP_OK:
		return MCP_DATA_OK;
	case MCP_ERR_NOTFOUND:
		return MCP_DATA_NOTFOUND;
	case MCP_ERR_CONFLICT:
		return MCP_DATA_CONFLICT;
	case MCP_ERR_NOTEMPTY:
		return MCP_DATA_NOTEMPTY;
	case MCP_ERR_QUOTA:
		return MCP_DATA_QUOTA;
	default:
		c->store_failed = 1;
		return MCP_DATA_RETRY;
	}
}

/*
 * The caller's workspace id, or NULL when the token names none (or one
 * longer than any id we make, which can name no workspace of ours).
 */
static const char *
workspace(const struct mcp_call *c)
{
	const struct mcp_req	*r = c->req;
	size_t			 n = strlen(r->who.workspace);

	if (!r->authed || n == 0 || n >= sizeof(((struct mcp_workspace *)0)->id))
		return NULL;
	return r->who.workspace;
}

struct json_object *
mcp_data_object(const char *text)
{
	struct json_object	*o;
	enum mcp_err		 e;

	o = mcp_json_parse(text, strlen(text), MCP_JSON_DEPTH_MAX, &e);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

void
mcp_data_quota(const struct mcp_call *c, struct mcp_quota *q)
{
	const struct mcp_config	*cfg = &c->req->srv->cfg;

	q->environments = cfg->ws_max_envs;
	q->templates = cfg->ws_max_tpls;
	q->organizations = cfg->ws_max_orgs;
}

/*
 * prefix_ and 20 hex digits: the milliseconds since the epoch (11
 * digits, until the year 2527), then 36 random bits.  Ids made close in
 * time sort together, so a new row goes at the end of the stores'
 * indexes rather than at a random place in them: fewer pages written a
 * commit.  An id says when its object was made, as the object's
 * created_at does; what a caller may read is decided by its workspace,
 * never by knowing an id.
 */
int
mcp_data_id(const char *prefix, char *out, size_t outsz)
{
	struct timespec	 ts;
	char		 hex[11];
	int		 n;

	if (mcp_rand_hex(hex, 5) == -1 ||
	    clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return -1;
	n = snprintf(out, outsz, "%s_%011llx%.9s", prefix,
	    ((unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000) &
	    0xfffffffffffULL, hex);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

enum mcp_data
mcp_workspace_get(struct mcp_call *c, struct mcp_workspace *w)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->ws_get(c->req->store, ws, w));
}

enum mcp_data
mcp_workspace_rename(struct mcp_call *c, const char *name,
    struct mcp_workspace *w)
{
	const char	*ws = workspace(c);
	enum mcp_err	 e;

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	if (strlen(name) > MCP_NAME_MAX)
		return MCP_DATA_TOOLONG;
	if ((e = c->req->store->ops->ws_rename(c->req->store, ws, name,
	    now_ms())) != MCP_OK)
		return map(c, e);
	return map(c, c->req->store->ops->ws_get(c->req->store, ws, w));
}

enum mcp_data
mcp_env_list(struct mcp_call *c, const struct mcp_page *pg,
    void (*cb)(void *, const struct mcp_environment *), void *arg)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->env_list(c->req->store, ws, pg, cb,
	    arg));
}

enum mcp_data
mcp_env_get(struct mcp_call *c, const char *id, struct mcp_environment *e)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->env_get(c->req->store, ws, id, e));
}

enum mcp_data
mcp_env_create(struct mcp_call *c, struct mcp_environment *e)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	if (mcp_data_id("env", e->id, sizeof(e->id)) == -1)
		return MCP_DATA_RETRY;
	memcpy(e->workspace, ws, strlen(ws) + 1);	/* fits: workspace() */
	e->created_ms = e->updated_ms = now_ms();
	return map(c, c->req->store->ops->env_put(c->req->store, e,
	    c->req->srv->cfg.ws_max_envs));
}

enum mcp_data
mcp_env_update(struct mcp_call *c, const char *id, const char *name,
    const char *type, struct mcp_environment *e)
{
	const char	*ws = workspace(c);
	enum mcp_err	 r;

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	if ((name != NULL && strlen(name) >= sizeof(e->name)) ||
	    (type != NULL && strlen(type) >= sizeof(e->type)))
		return MCP_DATA_TOOLONG;
	if ((r = c->req->store->ops->env_get(c->req->store, ws, id, e)) !=
	    MCP_OK)
		return map(c, r);
	if (name != NULL)
		memcpy(e->name, name, strlen(name) + 1);
	if (type != NULL)
		memcpy(e->type, type, strlen(type) + 1);
	e->updated_ms = now_ms();
	return map(c, c->req->store->ops->env_update(c->req->store, e));
}

enum mcp_data
mcp_env_delete(struct mcp_call *c, const char *id, int force,
    long long *orgs)
{
	const char	*ws = workspace(c);
	int64_t		 n = 0;
	enum mcp_err	 e;

	*orgs = 0;
	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	e = c->req->store->ops->env_delete(c->req->store, ws, id, force, &n);
	*orgs = (long long)n;
	return map(c, e);
}

enum mcp_data
mcp_org_list(struct mcp_call *c, const struct mcp_org_query *q,
    void (*cb)(void *, const struct mcp_org *), void *arg)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->org_list(c->req->store, ws, q, cb,
	    arg));
}

enum mcp_data
mcp_org_get(struct mcp_call *c, const char *id, struct mcp_org *o)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->org_get(c->req->store, ws, id, o));
}

enum mcp_data
mcp_org_create(struct mcp_call *c, struct mcp_org *o)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	if (mcp_data_id("org", o->id, sizeof(o->id)) == -1)
		return MCP_DATA_RETRY;
	memcpy(o->workspace, ws, strlen(ws) + 1);	/* fits: workspace() */
	o->created_ms = o->updated_ms = now_ms();
	return map(c, c->req->store->ops->org_put(c->req->store, o,
	    c->req->srv->cfg.ws_max_orgs));
}

enum mcp_data
mcp_org_create_many(struct mcp_call *c, struct mcp_org *o, size_t n,
    enum mcp_data *out)
{
	enum mcp_err	 e[MCP_ORG_BATCH_MAX];
	const char	*ws = workspace(c);
	long long	 now = now_ms();
	size_t		 i;
	enum mcp_data	 d;

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	if (n > MCP_ORG_BATCH_MAX)
		return MCP_DATA_RETRY;
	for (i = 0; i < n; i++) {
		if (mcp_data_id("org", o[i].id, sizeof(o[i].id)) == -1)
			return MCP_DATA_RETRY;
		memcpy(o[i].workspace, ws, strlen(ws) + 1);
		o[i].created_ms = o[i].updated_ms = now;
	}
	if ((d = map(c, c->req->store->ops->org_put_many(c->req->store, o, n,
	    c->req->srv->cfg.ws_max_orgs, e))) != MCP_DATA_OK)
		return d;
	for (i = 0; i < n; i++)
		out[i] = map(c, e[i]);
	return MCP_DATA_OK;
}

enum mcp_data
mcp_org_update(struct mcp_call *c, struct mcp_org *o)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	memcpy(o->workspace, ws, strlen(ws) + 1);
	o->updated_ms = now_ms();
	return map(c, c->req->store->ops->org_update(c->req->store, o));
}

enum mcp_data
mcp_org_delete(struct mcp_call *c, const char *id)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->org_delete(c->req->store, ws, id));
}

enum mcp_data
mcp_tpl_list(struct mcp_call *c, const struct mcp_page *pg,
    void (*cb)(void *, const struct mcp_template *), void *arg)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->tpl_list(c->req->store, ws, pg, cb,
	    arg));
}

enum mcp_data
mcp_tpl_get(struct mcp_call *c, const char *id, struct mcp_template *t)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	return map(c, c->req->store->ops->tpl_get(c->req->store, ws, id, t));
}

enum mcp_data
mcp_tpl_create(struct mcp_call *c, struct mcp_template *t)
{
	const char	*ws = workspace(c);

	if (ws == NULL)
		return MCP_DATA_NOWORKSPACE;
	if (mcp_data_id("tpl", t->id, sizeof(t->id)) == -1)
		return MCP_DATA_RETRY;
	memcpy(t->workspace, ws, strlen(ws) + 1);
	t->created_ms = t->updated_ms = now_ms();
	return map(c, c->req->store->ops->tpl_put(c->req->store, t,
	    c->req->srv->cfg.ws_max_tpls));
}
