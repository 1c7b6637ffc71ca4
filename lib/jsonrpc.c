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

/*
 * One pass over the message's members (a handful), then the rules: a
 * request or notification has a non-empty string method, params (if
 * any) an object, neither result nor error; a response exactly one of
 * result and error (an object); both kinds with an id have a valid one.
 * A member present with the value null counts as present (json-c keeps
 * null as a NULL value).
 */
enum mcp_err
mcp_rpc_check(struct json_object *o, struct mcp_msg *m)
{
	struct json_object	*ver = NULL, *method = NULL, *error = NULL;
	enum { ID = 1, METHOD = 2, PARAMS = 4, RESULT = 8, ERROR = 16 };
	unsigned int		 has = 0;

	memset(m, 0, sizeof(*m));
	if (!json_object_is_type(o, json_type_object))
		return MCP_ERR_INVALID;
	m->o = o;
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "jsonrpc") == 0)
			ver = val;
		else if (strcmp(key, "id") == 0) {
			has |= ID;
			m->id = val;
		} else if (strcmp(key, "method") == 0) {
			has |= METHOD;
			method = val;
		} else if (strcmp(key, "params") == 0) {
			has |= PARAMS;
			m->params = val;
		} else if (strcmp(key, "result") == 0)
			has |= RESULT;
		else if (strcmp(key, "error") == 0) {
			has |= ERROR;
			error = val;
		}
	}
	if (!json_object_is_type(ver, json_type_string) ||
	    strcmp(json_object_get_string(ver), "2.0") != 0)
		return MCP_ERR_INVALID;
	if (has & ID && !valid_id(m->id))
		return MCP_ERR_INVALID;
	if (has & METHOD) {
		if (!json_object_is_type(method, json_type_string) ||
		    json_object_get_string_len(method) == 0 ||
		    (has & PARAMS &&
		    !json_object_is_type(m->params, json_type_object)) ||
		    has & (RESULT | ERROR))
			return MCP_ERR_INVALID;
		m->method = json_object_get_string(method);
		m->meta = mcp_json_obj(m->params, "_meta");
		m->kind = has & ID ? MCP_MSG_REQUEST : MCP_MSG_NOTIFICATION;
		return MCP_OK;
	}
	/* A response: exactly one of result and error, and an id. */
	m->params = NULL;
	if (!(has & ID) || !(has & RESULT) == !(has & ERROR) ||
	    (has & ERROR && !json_object_is_type(error, json_type_object)))
		return MCP_ERR_INVALID;
	m->kind = MCP_MSG_RESPONSE;
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
