/*
 * caller.c: what a running tool may learn about who called it: the
 * claims of the verified token, the tools it may call, and its usage as
 * the audit trail recorded it.
 */
#include <string.h>

#include "extern.h"

int
mcp_call_caller(const struct mcp_call *c, struct mcp_caller *who)
{
	const struct mcp_req	*r = c->req;

	memset(who, 0, sizeof(*who));
	if (!r->authed)
		return -1;
	who->issuer = r->who.iss;
	who->subject = r->who.sub;
	who->client_id = r->who.client_id;
	who->workspace = r->who.workspace;
	who->scopes = r->who.scope;
	who->expires = (long long)r->who.exp;
	return 0;
}

int
mcp_call_may(const struct mcp_call *c, const char *scopes)
{
	return mcp_guard_may(c->req, scopes);
}

struct json_object *
mcp_call_tools(const struct mcp_call *c)
{
	const struct mcp_registry	*reg = &c->req->srv->reg;
	struct json_object		*a = json_object_new_array();
	size_t				 i;

	for (i = 0; a != NULL && i < reg->ntools; i++)
		if (mcp_guard_may(c->req, reg->tools[i].def->scopes))
			mcp_json_append(a,
			    json_object_new_string(reg->tools[i].def->name));
	return a;
}

static void
usage_row(void *arg, const char *tool, int64_t calls, int64_t failures,
    int64_t mean_us, int64_t max_us)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "tool", json_object_new_string(tool));
	mcp_json_set(o, "calls", json_object_new_int64(calls));
	mcp_json_set(o, "failures", json_object_new_int64(failures));
	mcp_json_set(o, "mean_latency_us", json_object_new_int64(mean_us));
	mcp_json_set(o, "max_latency_us", json_object_new_int64(max_us));
	mcp_json_append(arg, o);
}

struct json_object *
mcp_call_usage(struct mcp_call *c, long long since_ms, long long until_ms)
{
	struct mcp_req		*r = c->req;
	struct mcp_usage_query	 q;
	struct json_object	*a;

	if (!r->authed)
		return NULL;
	memset(&q, 0, sizeof(q));
	q.since_ms = since_ms;
	q.until_ms = until_ms;
	q.workspace = r->who.workspace;
	q.iss = r->who.iss;
	q.sub = r->who.sub;
	if ((a = json_object_new_array()) == NULL)
		return NULL;
	if (r->store->ops->audit_usage(r->store, &q, usage_row, a) !=
	    MCP_OK) {
		json_object_put(a);
		return NULL;
	}
	return a;
}
