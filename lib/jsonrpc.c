/*
 * jsonrpc.c: the JSON-RPC 2.0 envelope.  MCP narrows it: ids are strings
 * or integers, never null (MCP base protocol, "Requests"), and params,
 * when present, is an object.
 */
#include <string.h>

#include "extern.h"

static int
valid_id(struct json_object *id)
{
	return json_object_is_type(id, json_type_string) ||
	    json_object_is_type(id, json_type_int);
}

enum mcp_err
mcp_rpc_check(struct json_object *m, enum mcp_msg_kind *kind)
{
	struct json_object	*id = NULL, *v;
	const char		*ver;

	if (!json_object_is_type(m, json_type_object))
		return MCP_ERR_INVALID;
	if ((ver = mcp_json_str(m, "jsonrpc")) == NULL ||
	    strcmp(ver, "2.0") != 0)
		return MCP_ERR_INVALID;
	mcp_json_get(m, "id", &id);
	if (mcp_json_get(m, "method", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    json_object_get_string_len(v) == 0)
			return MCP_ERR_INVALID;
		if (mcp_json_get(m, "params", &v) &&
		    !json_object_is_type(v, json_type_object))
			return MCP_ERR_INVALID;
		if (mcp_json_has(m, "result") || mcp_json_has(m, "error"))
			return MCP_ERR_INVALID;
		if (!mcp_json_has(m, "id")) {
			*kind = MCP_MSG_NOTIFICATION;
			return MCP_OK;
		}
		if (!valid_id(id))
			return MCP_ERR_INVALID;
		*kind = MCP_MSG_REQUEST;
		return MCP_OK;
	}
	/* A response: exactly one of result and error, and a valid id. */
	if (mcp_json_has(m, "result") == mcp_json_has(m, "error"))
		return MCP_ERR_INVALID;
	if (id == NULL || !valid_id(id))
		return MCP_ERR_INVALID;
	if (mcp_json_has(m, "error") && mcp_json_obj(m, "error") == NULL)
		return MCP_ERR_INVALID;
	*kind = MCP_MSG_RESPONSE;
	return MCP_OK;
}

static struct json_object *
envelope(struct json_object *id)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (mcp_json_set(o, "jsonrpc", json_object_new_string("2.0")) == -1 ||
	    mcp_json_set(o, "id", json_object_get(id)) == -1) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *
mcp_rpc_result(struct json_object *id, struct json_object *result)
{
	struct json_object	*o;

	if (result == NULL || (o = envelope(id)) == NULL) {
		json_object_put(result);
		return NULL;
	}
	if (mcp_json_set(o, "result", result) == -1) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *
mcp_rpc_error(struct json_object *id, int code, const char *message,
    struct json_object *data)
{
	struct json_object	*o, *e;

	if ((o = envelope(id)) == NULL || (e = json_object_new_object()) ==
	    NULL) {
		json_object_put(o);
		json_object_put(data);
		return NULL;
	}
	mcp_json_set(e, "code", json_object_new_int(code));
	mcp_json_set(e, "message", json_object_new_string(message));
	if (data != NULL)
		mcp_json_set(e, "data", data);
	if (mcp_json_set(o, "error", e) == -1) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *
mcp_rpc_notification(const char *method, struct json_object *params)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL) {
		json_object_put(params);
		return NULL;
	}
	mcp_json_set(o, "jsonrpc", json_object_new_string("2.0"));
	mcp_json_set(o, "method", json_object_new_string(method));
	if (params != NULL && mcp_json_set(o, "params", params) == -1) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

const char *
mcp_rpc_idtext(struct json_object *id)
{
	return mcp_json_text(id);
}
