/*
 * input.c: asking the client for input from inside a request.
 *
 * Up to 2025-11-25 the server sends the client a request (elicitation,
 * sampling, roots) on the call's SSE stream and waits for its answer
 * (lib/call.c).  From 2026-07-28 (multi round-trip requests) it answers
 * instead with an InputRequiredResult naming what it needs; the client
 * retries the same request with inputResponses, and with the requestState
 * the server gave it.  No process keeps anything between the rounds: what
 * a handler needs to remember travels in requestState, sealed (lib/seal.c)
 * and bound to the caller, the endpoint, the method, the name and a
 * digest of the arguments, with an expiry, so that the state is useless
 * to anyone else, for any other request, or later.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "extern.h"

#define STATE_PURPOSE	"mcp-fcgi requestState 1"

const char	 MCP_INPUT_PENDING[] = "input required from the client";

const char *
mcp_input_cap(const char *method)
{
	if (strcmp(method, "sampling/createMessage") == 0)
		return "sampling";
	if (strcmp(method, "elicitation/create") == 0)
		return "elicitation";
	if (strcmp(method, "roots/list") == 0)
		return "roots";
	return NULL;
}

/* --- A digest of the arguments that does not depend on member order --- */

static int
cmpkey(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
feed(EVP_MD_CTX *ctx, const void *p, size_t n)
{
	return EVP_DigestUpdate(ctx, p, n) == 1 ? 0 : -1;
}

static int
feed_str(EVP_MD_CTX *ctx, char tag, const char *s, size_t n)
{
	char	 head[32];
	int	 k;

	k = snprintf(head, sizeof(head), "%c%zu:", tag, n);
	return feed(ctx, head, (size_t)k) == -1 ? -1 : feed(ctx, s, n);
}

/* A container's tag and member count. */
static int
feed_count(EVP_MD_CTX *ctx, char tag, size_t n)
{
	char	 head[32];
	int	 k;

	k = snprintf(head, sizeof(head), "%c%zu:", tag, n);
	return feed(ctx, head, (size_t)k);
}

static int
digest(EVP_MD_CTX *ctx, struct json_object *v, int depth)
{
	const char	**keys;
	const char	 *t;
	size_t		  n, i;
	int		  rc = 0;

	if (depth > 64)
		return -1;
	switch (json_object_get_type(v)) {
	case json_type_null:
		return feed(ctx, "n", 1);
	case json_type_boolean:
		return feed(ctx, json_object_get_boolean(v) ? "t" : "f", 1);
	case json_type_int:
	case json_type_double:
		t = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		return feed_str(ctx, 'd', t, strlen(t));
	case json_type_string:
		return feed_str(ctx, 's', json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
	case json_type_array:
		n = json_object_array_length(v);
		if (feed_count(ctx, '[', n) == -1)
			return -1;
		for (i = 0; i < n && rc == 0; i++)
			rc = digest(ctx, json_object_array_get_idx(v, i),
			    depth + 1);
		return rc;
	case json_type_object:
		n = (size_t)json_object_object_length(v);
		if ((keys = calloc(n + 1, sizeof(*keys))) == NULL)
			return -1;
		i = 0;
		json_object_object_foreach(v, k, val) {
			(void)val;
			if (i < n)
				keys[i++] = k;
		}
		qsort(keys, i, sizeof(*keys), cmpkey);
		rc = feed_count(ctx, '{', i);
		for (n = 0; n < i && rc == 0; n++)
			if ((rc = feed_str(ctx, 'k', keys[n],
			    strlen(keys[n]))) == 0)
				rc = digest(ctx, json_object_object_get(v,
				    keys[n]), depth + 1);
		free(keys);
		return rc;
	}
	return -1;
}

/* The request's identity: method, name and arguments, as 64 hex digits. */
static int
request_digest(const char *method, const char *name, struct json_object *args,
    char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char	 h[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;
	EVP_MD_CTX	*ctx;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    feed_str(ctx, 'm', method, strlen(method)) == 0 &&
	    feed_str(ctx, 'n', name, strlen(name)) == 0 &&
	    digest(ctx, args, 0) == 0 &&
	    EVP_DigestFinal_ex(ctx, h, &n) == 1 && n >= 32) {
		for (i = 0; i < 32; i++) {
			out[2 * i] = hex[h[i] >> 4];
			out[2 * i + 1] = hex[h[i] & 0xf];
		}
		out[64] = '\0';
		rc = 0;
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

/*
 * The round's digest, made when a state is read or sealed (most calls
 * carry none and need none): NULL if it cannot be made.
 */
static const char *
round_digest(struct mcp_call *c)
{
	if (c->rdigest[0] == '\0' && request_digest(c->rmethod, c->rname,
	    c->rargs, c->rdigest) == -1) {
		c->rdigest[0] = '\0';
		return NULL;
	}
	return c->rdigest;
}

/* Who the state belongs to: the token's issuer and subject, and client. */
static void
principal(const struct mcp_req *r, char owner[65], const char **client)
{
	mcp_guard_owner(r, owner, 65);
	*client = r->authed ? r->who.client_id : "";
}

/* --- The front door of a round --- */

int
mcp_input_open(struct mcp_call *c, const char *method, const char *name,
    struct json_object *args, struct json_object *params, char *why,
    size_t whysz)
{
	struct mcp_req		*r = c->req;
	struct json_object	*resp = NULL, *st, *payload = NULL, *x;
	unsigned char		*buf = NULL;
	const char		*text, *client;
	char			 owner[65];
	long			 n;
	enum mcp_err		 e;

	c->rmethod = method;
	c->rname = name;
	c->rargs = args;
	c->rdigest[0] = '\0';
	if (mcp_json_get(params, "inputResponses", &resp)) {
		if (!json_object_is_type(resp, json_type_object)) {
			snprintf(why, whysz, "inputResponses must be an "
			    "object");
			return -1;
		}
		if (json_object_object_length(resp) > MCP_INPUT_MAX) {
			snprintf(why, whysz, "inputResponses may hold at most "
			    "%d answers", MCP_INPUT_MAX);
			return -1;
		}
		json_object_object_foreach(resp, k, v) {
			if (!json_object_is_type(v, json_type_object)) {
				snprintf(why, whysz, "inputResponses.%.64s "
				    "must be an object", k);
				return -1;
			}
		}
		c->responses = json_object_get(resp);
	}
	if (!mcp_json_get(params, "requestState", &st))
		return 0;
	/* One answer for every state we cannot use: nothing to probe. */
	snprintf(why, whysz, "requestState is not valid for this request");
	if ((text = json_object_get_string(st)) == NULL ||
	    !json_object_is_type(st, json_type_string) ||
	    !r->srv->state_key_ok ||
	    (buf = malloc(MCP_SEAL_MAX + 1)) == NULL)
		goto bad;
	if ((n = mcp_unseal(r->srv->state_key, STATE_PURPOSE, text, buf,
	    MCP_SEAL_MAX)) == -1) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "requestState refused: "
		    "it does not open under our key (altered or foreign)");
		goto bad;
	}
	buf[n] = '\0';
	if ((payload = mcp_json_parse((char *)buf, (size_t)n,
	    r->srv->cfg.max_depth, &e)) == NULL)
		goto bad;
	principal(r, owner, &client);
	if (mcp_json_str(payload, "o") == NULL ||
	    strcmp(mcp_json_str(payload, "o"), owner) != 0 ||
	    mcp_json_str(payload, "c") == NULL ||
	    strcmp(mcp_json_str(payload, "c"), client) != 0) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "requestState refused: "
		    "made for another caller");
		goto bad;
	}
	if (round_digest(c) == NULL) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "requestState refused: "
		    "the arguments cannot be digested");
		goto bad;
	}
	if (mcp_json_str(payload, "r") == NULL ||
	    strcmp(mcp_json_str(payload, "r"), c->rdigest) != 0 ||
	    mcp_json_str(payload, "p") == NULL ||
	    strcmp(mcp_json_str(payload, "p"), r->srv->reg.ep->name) != 0) {
		mcp_logx(MCP_LEVEL_WARNING, r->rid, "requestState refused: "
		    "made for another request (method, name or arguments)");
		goto bad;
	}
	mcp_json_get(payload, "e", &x);
	if (!json_object_is_type(x, json_type_int) ||
	    json_object_get_int64(x) < (int64_t)time(NULL)) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "requestState refused: "
		    "expired");
		goto bad;
	}
	if (mcp_json_get(payload, "s", &x) && x != NULL)
		c->state = json_object_get(x);
	json_object_put(payload);
	OPENSSL_cleanse(buf, MCP_SEAL_MAX + 1);
	free(buf);
	return 0;
bad:
	json_object_put(payload);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, MCP_SEAL_MAX + 1);
		free(buf);
	}
	json_object_put(c->responses);
	c->responses = NULL;
	return -1;
}

void
mcp_input_close(struct mcp_call *c)
{
	json_object_put(c->responses);
	json_object_put(c->state);
	json_object_put(c->asked);
	json_object_put(c->next);
	c->responses = c->state = c->asked = c->next = NULL;
}

/* --- What a handler calls --- */

/* 1 if the client declared cap (2026-07-28: in this request's _meta). */
static int
declared(struct mcp_call *c, const char *cap)
{
	struct mcp_req	*r = c->req;
	enum mcp_err	 e;

	if (r->modern)
		return mcp_jv_obj(r->mcaps, cap) != NULL;
	if (r->caps == NULL && r->has_sess)
		r->caps = mcp_json_parse(r->sess.caps, strlen(r->sess.caps),
		    r->srv->cfg.max_depth, &e);
	return mcp_json_obj(r->caps, cap) != NULL;
}

int
mcp_call_require(struct mcp_call *c, const char *cap)
{
	if (declared(c, cap))
		return 0;
	c->missing = cap;
	return -1;
}

/* A property of an elicitation's requested schema holds a value of its type. */
static int
typed(struct json_object *prop, struct json_object *v)
{
	const char	*t = mcp_json_str(prop, "type");

	if (t == NULL)
		return 1;
	if (strcmp(t, "string") == 0)
		return json_object_is_type(v, json_type_string);
	if (strcmp(t, "boolean") == 0)
		return json_object_is_type(v, json_type_boolean);
	if (strcmp(t, "integer") == 0)
		return json_object_is_type(v, json_type_int);
	if (strcmp(t, "number") == 0)
		return json_object_is_type(v, json_type_int) ||
		    json_object_is_type(v, json_type_double);
	if (strcmp(t, "array") == 0)
		return json_object_is_type(v, json_type_array);
	return 1;
}

/*
 * The answer has the shape of the method's result (ElicitResult,
 * CreateMessageResult, ListRootsResult); an accepted form also holds
 * every required field of the schema asked, each of its type.
 */
static int
answer_ok(const char *method, struct json_object *params,
    struct json_object *v, const char **why)
{
	struct json_object	*x, *schema, *props, *req, *f;
	const char		*s;
	size_t			 i, n;

	*why = "not the method's result";
	if (strcmp(method, "elicitation/create") == 0) {
		if ((s = mcp_json_str(v, "action")) == NULL)
			return 0;
		if (strcmp(s, "decline") == 0 || strcmp(s, "cancel") == 0)
			return 1;
		if (strcmp(s, "accept") != 0)
			return 0;
		schema = mcp_json_obj(params, "requestedSchema");
		if (schema == NULL)		/* a URL-mode elicitation */
			return 1;
		if ((x = mcp_json_obj(v, "content")) == NULL)
			return 0;
		*why = "the accepted content does not match the schema";
		props = mcp_json_obj(schema, "properties");
		json_object_object_foreach(x, k, val) {
			if ((f = mcp_json_obj(props, k)) != NULL &&
			    !typed(f, val))
				return 0;
		}
		mcp_json_get(schema, "required", &req);
		n = json_object_is_type(req, json_type_array) ?
		    json_object_array_length(req) : 0;
		for (i = 0; i < n; i++) {
			s = json_object_get_string(
			    json_object_array_get_idx(req, i));
			if (s == NULL || !mcp_json_has(x, s))
				return 0;
		}
		return 1;
	}
	if (strcmp(method, "sampling/createMessage") == 0)
		return (s = mcp_json_str(v, "role")) != NULL &&
		    strcmp(s, "assistant") == 0 &&
		    mcp_json_str(v, "model") != NULL &&
		    mcp_json_get(v, "content", &x) &&
		    (json_object_is_type(x, json_type_object) ||
		    json_object_is_type(x, json_type_array));
	if (strcmp(method, "roots/list") == 0) {
		if (!mcp_json_get(v, "roots", &x) ||
		    !json_object_is_type(x, json_type_array))
			return 0;
		n = json_object_array_length(x);
		for (i = 0; i < n; i++)
			if (mcp_json_str(json_object_array_get_idx(x, i),
			    "uri") == NULL)
				return 0;
		return 1;
	}
	return 0;
}

/* {method, params}, params consumed; NULL when out of memory. */
static struct json_object *
ask_object(const char *method, struct json_object *params)
{
	struct json_object	*ask;

	if ((ask = json_object_new_object()) == NULL) {
		json_object_put(params);
		return NULL;
	}
	mcp_json_set(ask, "method", json_object_new_string(method));
	mcp_json_set(ask, "params", params != NULL ? params :
	    json_object_new_object());
	return ask;
}

/*
 * In a task: the answer to key from tasks/update, waiting for it; one
 * not of the method's shape is set aside and asked for again.
 */
static struct json_object *
task_input(struct mcp_call *c, const char *key, const char *method,
    struct json_object *params, int timeout_ms, const char **errstr)
{
	struct json_object	*ask, *v;
	const char		*why;
	char			 again[80];
	int			 n;

	if (!declared(c, mcp_input_cap(method))) {
		*errstr = "the client did not declare the capability";
		json_object_put(params);
		return NULL;
	}
	if ((ask = ask_object(method, json_object_get(params))) == NULL) {
		json_object_put(params);
		*errstr = "out of memory";
		return NULL;
	}
	snprintf(again, sizeof(again), "%s", key);
	for (n = 0; n < 3; n++) {
		if ((v = mcp_task_input(c, again, ask, 0, timeout_ms,
		    errstr)) == NULL)
			break;
		if (answer_ok(method, params, v, &why))
			break;
		mcp_logx(MCP_LEVEL_INFO, c->req->rid, "task answer %.64s: %s",
		    again, why);
		json_object_put(v);
		v = NULL;
		/* A key is never asked twice in a task: a new one. */
		snprintf(again, sizeof(again), "%.64s-%d", key, n + 2);
		*errstr = "no valid answer";
	}
	json_object_put(ask);
	json_object_put(params);
	return v;
}

struct json_object *
mcp_call_input(struct mcp_call *c, const char *key, const char *method,
    struct json_object *params, int timeout_ms, const char **errstr)
{
	struct mcp_req		*r = c->req;
	struct json_object	*v;
	const char		*cap, *dummy, *why;

	if (errstr == NULL)
		errstr = &dummy;
	*errstr = NULL;
	if (!r->modern)
		return mcp_call_request(c, method, params, timeout_ms, errstr);
	if ((cap = mcp_input_cap(method)) == NULL) {
		*errstr = "not a method the server may ask of the client";
		goto fail;
	}
	if (c->task)
		return task_input(c, key, method, params, timeout_ms, errstr);
	if (c->responses != NULL &&
	    (v = json_object_object_get(c->responses, key)) != NULL) {
		if (answer_ok(method, params, v, &why)) {
			json_object_put(params);
			return json_object_get(v);
		}
		/* Asked again, as for an answer not given (MRTR). */
		mcp_logx(MCP_LEVEL_INFO, r->rid, "inputResponses.%.64s: %s",
		    key, why);
	}
	if (!declared(c, cap)) {
		*errstr = "the client did not declare the capability";
		goto fail;
	}
	if (mcp_call_ask(c, key, method, params) == -1) {
		*errstr = "too many input requests in one round";
		return NULL;
	}
	*errstr = MCP_INPUT_PENDING;
	return NULL;
fail:
	json_object_put(params);
	return NULL;
}

int
mcp_call_ask(struct mcp_call *c, const char *key, const char *method,
    struct json_object *params)
{
	struct json_object	*ask, *v;
	const char		*cap, *err;

	if (c->task && c->req->modern && (cap = mcp_input_cap(method)) !=
	    NULL && declared(c, cap)) {
		if ((ask = ask_object(method, params)) == NULL)
			return -1;
		v = mcp_task_input(c, key, ask, 1, 0, &err);
		json_object_put(ask);
		json_object_put(v);
		return c->cancelled ? -1 : 0;
	}
	if (!c->req->modern || (cap = mcp_input_cap(method)) == NULL ||
	    !declared(c, cap) || (c->asked == NULL &&
	    (c->asked = json_object_new_object()) == NULL) ||
	    json_object_object_length(c->asked) >= MCP_INPUT_MAX ||
	    (ask = json_object_new_object()) == NULL) {
		json_object_put(params);
		return -1;
	}
	mcp_json_set(ask, "method", json_object_new_string(method));
	mcp_json_set(ask, "params", params != NULL ? params :
	    json_object_new_object());
	if (json_object_object_add(c->asked, key, ask) != 0) {
		json_object_put(ask);
		return -1;
	}
	return 0;
}

int
mcp_call_declared(struct mcp_call *c, const char *cap)
{
	return declared(c, cap);
}

int
mcp_call_input_pending(const struct mcp_call *c)
{
	return c->asked != NULL && json_object_object_length(c->asked) > 0;
}

struct json_object *
mcp_call_state(struct mcp_call *c)
{
	return c->state;
}

int
mcp_call_state_set(struct mcp_call *c, struct json_object *state)
{
	const char	*t;

	if (state == NULL || (t = json_object_to_json_string_ext(state,
	    JSON_C_TO_STRING_PLAIN)) == NULL || strlen(t) > MCP_STATE_MAX) {
		json_object_put(state);
		return -1;
	}
	json_object_put(c->next);
	c->next = state;
	return 0;
}

struct json_object *
mcp_call_input_required(struct mcp_call *c)
{
	struct mcp_req		*r = c->req;
	struct json_object	*res = NULL, *payload = NULL;
	const char		*client, *t;
	char			 owner[65], *sealed = NULL;

	if (!r->modern || c->rmethod == NULL ||
	    (!mcp_call_input_pending(c) && c->next == NULL)) {
		/* "at least one of inputRequests or requestState" */
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "input required, but "
		    "nothing asked and no state set (or not 2026-07-28)");
		return NULL;
	}
	if (c->next != NULL) {
		if (!r->srv->state_key_ok || round_digest(c) == NULL)
			return NULL;
		principal(r, owner, &client);
		if ((payload = json_object_new_object()) == NULL)
			return NULL;
		mcp_json_set(payload, "o", json_object_new_string(owner));
		mcp_json_set(payload, "c", json_object_new_string(client));
		mcp_json_set(payload, "r", json_object_new_string(c->rdigest));
		mcp_json_set(payload, "p", json_object_new_string(
		    r->srv->reg.ep->name));
		mcp_json_set(payload, "e", json_object_new_int64(
		    (int64_t)time(NULL) + r->srv->cfg.state_seconds));
		mcp_json_set(payload, "s", json_object_get(c->next));
		t = json_object_to_json_string_ext(payload,
		    JSON_C_TO_STRING_PLAIN);
		sealed = t != NULL ? mcp_seal(r->srv->state_key,
		    STATE_PURPOSE, t, strlen(t)) : NULL;
		json_object_put(payload);
		if (sealed == NULL)
			return NULL;
	}
	if ((res = json_object_new_object()) == NULL) {
		free(sealed);
		return NULL;
	}
	mcp_json_set(res, "resultType", json_object_new_string(
	    "input_required"));
	if (mcp_call_input_pending(c)) {
		mcp_json_set(res, "inputRequests", c->asked);
		c->asked = NULL;
	}
	if (sealed != NULL) {
		mcp_json_set(res, "requestState",
		    json_object_new_string(sealed));
		free(sealed);
	}
	c->input_required = 1;
	return res;
}
