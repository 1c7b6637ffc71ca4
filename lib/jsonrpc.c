/*
 * jsonrpc.c: the JSON-RPC 2.0 envelope.  MCP narrows it: ids are strings
 * or integers, never null (MCP base protocol, "Requests"), and params,
 * when present, is an object.
 */
#include <string.h>

#include "extern.h"

/*
 * One pass over the message's members (a handful), then the rules: a
 * request or notification has a non-empty string method, params (if
 * any) an object, neither result nor error; a response exactly one of
 * result and error (an object); both kinds with an id have a valid one.
 * A member present with the value null counts as present; of a repeated
 * member the last counts, as everywhere (mcp_jv_get()).  Strings that
 * name something (the version, the method, a string id) hold no U+0000,
 * and an id at most MCP_ID_MAX bytes.
 */
enum mcp_err
mcp_rpc_check(struct mcp_jdoc *d, struct mcp_jv *o, struct mcp_msg *m)
{
	struct mcp_jv	*k, *ver = NULL, *method = NULL, *error = NULL;
	struct mcp_jv	*id = NULL;
	enum { ID = 1, METHOD = 2, PARAMS = 4, RESULT = 8, ERROR = 16 };
	unsigned int	 has = 0;
	int		 nomem = 0;

	memset(m, 0, sizeof(*m));
	if (o == NULL || o->type != MCP_JOBJECT)
		return MCP_ERR_INVALID;
	m->doc = d;
	m->o = o;
	/* By first letter: a member is compared with one name at most. */
	for (k = o->first; k != NULL; k = k->next) {
		switch (k->key[0]) {
		case 'j':
			if (strcmp(k->key, "jsonrpc") == 0)
				ver = k;
			break;
		case 'i':
			if (strcmp(k->key, "id") == 0) {
				has |= ID;
				id = k;
			}
			break;
		case 'm':
			if (strcmp(k->key, "method") == 0) {
				has |= METHOD;
				method = k;
			}
			break;
		case 'p':
			if (strcmp(k->key, "params") == 0) {
				has |= PARAMS;
				m->params = k;
			}
			break;
		case 'r':
			if (strcmp(k->key, "result") == 0)
				has |= RESULT;
			break;
		case 'e':
			if (strcmp(k->key, "error") == 0) {
				has |= ERROR;
				error = k;
			}
			break;
		}
	}
	if (ver == NULL || ver->type != MCP_JSTRING || ver->len != 3 ||
	    strcmp(ver->s, "2.0") != 0)
		return MCP_ERR_INVALID;
	if (has & ID) {
		if (!mcp_jv_isid(id))
			return MCP_ERR_INVALID;
		if ((m->id = mcp_jdoc_json(d, id, &nomem)) == NULL)
			return MCP_ERR_NOMEM;
	}
	if (has & METHOD) {
		if (method->type != MCP_JSTRING || method->len == 0 ||
		    memchr(method->s, '\0', method->len) != NULL ||
		    (has & PARAMS && m->params->type != MCP_JOBJECT) ||
		    has & (RESULT | ERROR))
			return MCP_ERR_INVALID;
		m->method = method->s;
		m->meta = mcp_jv_obj(m->params, "_meta");
		m->kind = has & ID ? MCP_MSG_REQUEST : MCP_MSG_NOTIFICATION;
		return MCP_OK;
	}
	/* A response: exactly one of result and error, and an id. */
	m->params = NULL;
	if (!(has & ID) || !(has & RESULT) == !(has & ERROR) ||
	    (has & ERROR && error->type != MCP_JOBJECT))
		return MCP_ERR_INVALID;
	m->kind = MCP_MSG_RESPONSE;
	return MCP_OK;
}

struct json_object *
mcp_msg_json(const struct mcp_msg *m, struct mcp_jv *v, int *nomem)
{
	return mcp_jdoc_json(m->doc, v, nomem);
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

/* The members in envelope()'s order: what json-c's text would be. */
int
mcp_reply_write(struct mcp_buf *b, const struct mcp_reply *rp)
{
	static const char	 head[] = "{\"jsonrpc\":\"2.0\",\"id\":";

	if (mcp_buf_add(b, head, sizeof(head) - 1) == -1 ||
	    mcp_json_write(b, rp->id) == -1 ||
	    mcp_buf_puts(b, rp->result != NULL ? ",\"result\":" :
	    ",\"error\":") == -1 ||
	    (rp->result != NULL && rp->tool ? mcp_result_write(b, rp->result) :
	    mcp_json_write(b, rp->result != NULL ? rp->result : rp->error)) ==
	    -1 || mcp_buf_add(b, "}", 1) == -1)
		return -1;
	return 0;
}

struct json_object *
mcp_reply_message(struct mcp_reply *rp)
{
	struct json_object	*o, *v;
	int			 is_result = rp->result != NULL;

	if ((v = is_result ? rp->result : rp->error) == NULL)
		return NULL;		/* nothing to send */
	rp->result = rp->error = NULL;
	if (is_result && rp->tool && (v = mcp_result_complete(v)) == NULL)
		return NULL;
	if ((o = envelope(rp->id)) == NULL) {
		json_object_put(v);
		return NULL;
	}
	/* mcp_json_set() takes v whatever it returns. */
	if ((is_result ? mcp_json_set(o, "result", v) :
	    mcp_json_set(o, "error", v)) == -1) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

void
mcp_reply_clear(struct mcp_reply *rp)
{
	json_object_put(rp->result);
	json_object_put(rp->error);
	rp->result = rp->error = NULL;
}

struct json_object *
mcp_rpc_error_object(int code, const char *message, struct json_object *data)
{
	struct json_object	*e;

	if ((e = json_object_new_object()) == NULL) {
		json_object_put(data);
		return NULL;
	}
	if (mcp_json_set(e, "code", json_object_new_int(code)) == -1 ||
	    mcp_json_set(e, "message", json_object_new_string(message)) == -1) {
		json_object_put(data);
		json_object_put(e);
		return NULL;
	}
	/* mcp_json_set() takes data whatever it returns. */
	if (data != NULL && mcp_json_set(e, "data", data) == -1) {
		json_object_put(e);
		return NULL;
	}
	return e;
}

struct json_object *
mcp_rpc_error(struct json_object *id, int code, const char *message,
    struct json_object *data)
{
	struct mcp_reply	 rp = { .id = id };

	if ((rp.error = mcp_rpc_error_object(code, message, data)) == NULL)
		return NULL;
	return mcp_reply_message(&rp);
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
