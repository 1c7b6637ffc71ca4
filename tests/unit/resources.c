/*
 * resources.c: resources/read through the protocol layer with a store
 * that can be told to fail, for the answers a real SQLite store cannot be
 * made to give on demand: a reader that meets a store failure answers the
 * retryable -32603 (MCP_ERR_STORE, HTTP 503), never "Resource not found";
 * a missing object is -32002; a found one its contents.
 */
#include <string.h>

#include "extern.h"
#include "tap.h"

static enum mcp_err	 answer;	/* what env_get says next */

static enum mcp_err
env_get(struct mcp_store *st, const char *ws, const char *id,
    struct mcp_environment *e)
{
	(void)st;
	if (answer == MCP_OK) {
		memset(e, 0, sizeof(*e));
		snprintf(e->id, sizeof(e->id), "%s", id);
		snprintf(e->workspace, sizeof(e->workspace), "%s", ws);
		snprintf(e->name, sizeof(e->name), "n");
	}
	return answer;
}

static struct json_object *
rd_env(struct mcp_call *c, const char *uri, struct json_object *vars)
{
	struct mcp_environment	 e;
	const char		*id;

	id = json_object_get_string(json_object_object_get(vars, "id"));
	if (mcp_env_get(c, id, &e) != MCP_DATA_OK)
		return NULL;
	return mcp_contents_text(uri, "text/plain", e.name);
}

static const struct mcp_resource_template tmpl[] = {
	{ "t://env/{id}", "env", NULL, NULL, NULL, "env:read", rd_env },
};
static const struct mcp_endpoint ep = {
	.name = "t", .version = "1", .templates = tmpl, .ntemplates = 1,
};

/* resources/read of uri: the response, *e the transport error. */
static struct json_object *
read_uri(struct mcp_req *r, const char *uri, enum mcp_err *e)
{
	struct json_object	*msg, *p, *res = NULL;
	struct mcp_jdoc		 d;
	struct mcp_msg		 m;
	struct mcp_reply	 rp;
	const char		*t;

	msg = json_object_new_object();
	p = json_object_new_object();
	json_object_object_add(msg, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(msg, "id", json_object_new_int(1));
	json_object_object_add(msg, "method",
	    json_object_new_string("resources/read"));
	json_object_object_add(p, "uri", json_object_new_string(uri));
	json_object_object_add(msg, "params", p);
	t = mcp_json_text(msg);
	if (mcp_jdoc_read(&d, t, strlen(t), 16) == MCP_OK &&
	    mcp_rpc_check(&d, d.root, &m) == MCP_OK) {
		mcp_proto_request(r, &m, &rp, e);
		res = mcp_reply_message(&rp);
	}
	mcp_jdoc_free(&d);
	json_object_put(msg);
	return res;
}

static int
code(struct json_object *res)
{
	struct json_object	*err = json_object_object_get(res, "error");

	return err == NULL ? 0 :
	    json_object_get_int(json_object_object_get(err, "code"));
}

int
main(void)
{
	static struct mcp_server	 srv;
	struct mcp_store_ops		 ops;
	struct mcp_store		 st;
	struct mcp_req			 r;
	struct json_object		*res, *c;
	enum mcp_err			 e;
	char				 why[256];

	mcp_log_setlevel(MCP_LEVEL_CRITICAL);
	mcp_config_defaults(&srv.cfg);
	ok(mcp_registry_init(&srv.reg, &ep, why, sizeof(why)) == 0,
	    "registry");
	memset(&ops, 0, sizeof(ops));
	ops.env_get = env_get;
	st.ops = &ops;
	memset(&r, 0, sizeof(r));
	r.srv = &srv;
	r.store = &st;
	r.authed = 1;
	snprintf(r.who.workspace, sizeof(r.who.workspace), "wks_a");

	answer = MCP_OK;
	res = read_uri(&r, "t://env/env_1", &e);
	c = json_object_array_get_idx(json_object_object_get(
	    json_object_object_get(res, "result"), "contents"), 0);
	ok(e == MCP_OK && c != NULL && strcmp(json_object_get_string(
	    json_object_object_get(c, "text")), "n") == 0, "found: contents");
	json_object_put(res);

	answer = MCP_ERR_NOTFOUND;
	res = read_uri(&r, "t://env/env_2", &e);
	ok(e == MCP_OK && code(res) == -32002, "missing: -32002");
	json_object_put(res);

	answer = MCP_ERR_STORE;
	res = read_uri(&r, "t://env/env_3", &e);
	ok(e == MCP_ERR_STORE && code(res) == -32603 &&
	    mcp_err_info(e)->http == 503,
	    "store failure: retryable -32603 (503), not -32002");
	json_object_put(res);

	/* The same failure once more does not stick to the next read. */
	answer = MCP_ERR_NOTFOUND;
	res = read_uri(&r, "t://env/env_4", &e);
	ok(e == MCP_OK && code(res) == -32002, "failure does not linger");
	json_object_put(res);

	/* No workspace in the token: not found, not a store failure. */
	r.who.workspace[0] = '\0';
	answer = MCP_ERR_STORE;
	res = read_uri(&r, "t://env/env_5", &e);
	ok(e == MCP_OK && code(res) == -32002, "no workspace: -32002");
	json_object_put(res);

	mcp_registry_free(&srv.reg);
	return done();
}
