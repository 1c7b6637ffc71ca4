/*
 * call.c: what a running tool may do besides returning a result: report
 * progress, log, ask the client something (sampling, elicitation), and
 * notice cancellation.
 *
 * A server-to-client request goes out on the tools/call's own SSE stream.
 * The client answers with a separate POST, which may reach another
 * FastCGI process; the answer meets the waiting handler through the store
 * (table "pending"), which this thread polls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

#define POLL_MS	10

void
mcp_nap(int ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

const char *
mcp_call_version(const struct mcp_call *c)
{
	return c->req->version;
}

int
mcp_call_cancelled(struct mcp_call *c)
{
	struct mcp_req	*r = c->req;

	/*
	 * A client that lost a kept stream has not cancelled (2025-11-25
	 * "Resumability"): what the call sends waits in the store.
	 */
	if (c->task)
		return mcp_task_cancelled(c);
	/* Stopped (CGI): nothing is kept for a resumption. */
	if (r->io->stopped != NULL && r->io->stopped(r->io)) {
		r->gone = 1;
		return c->cancelled = 1;
	}
	if (c->cancelled || (r->gone && !r->keep))
		return 1;
	if (r->has_sess && r->store->ops->cancelled(r->store, r->sess.id,
	    mcp_rpc_idtext(c->id)) == 1)
		c->cancelled = 1;
	return c->cancelled;
}

int
mcp_call_end_stream(struct mcp_call *c)
{
	struct mcp_req	*r = c->req;

	/* Resumed only by a GET, which a CGI run cannot hold. */
	if (!r->sse || !r->keep || r->io->end == NULL ||
	    r->io->handoff == NULL)
		return -1;
	if (!r->gone) {
		if (r->io->flush(r->io) == -1 || r->io->end(r->io) == -1)
			mcp_logx(MCP_LEVEL_INFO, r->rid, "stream %s: the "
			    "client had left", r->stream);
		r->gone = 1;
	}
	mcp_logx(MCP_LEVEL_INFO, r->rid, "stream %s ended by the tool, "
	    "to be resumed", r->stream);
	return 0;
}

void
mcp_call_trace(struct mcp_call *c, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mcp_logx(MCP_LEVEL_INFO, c->req->rid, "%s", line);
}

int
mcp_call_sleep(struct mcp_call *c, int ms)
{
	int	 step;

	while (ms > 0) {
		if (mcp_call_cancelled(c))
			return -1;
		step = ms < POLL_MS ? ms : POLL_MS;
		mcp_nap(step);
		ms -= step;
	}
	return mcp_call_cancelled(c) ? -1 : 0;
}

static int
notify(struct mcp_call *c, const char *method, struct json_object *params)
{
	struct json_object	*n;
	int			 rc;

	/* A task's answer has ended: what it would say goes nowhere. */
	if (!c->req->sse || c->task) {
		json_object_put(params);
		return 0;
	}
	if ((n = mcp_rpc_notification(method, params)) == NULL)
		return -1;
	rc = mcp_sse_send(c->req, n);
	json_object_put(n);
	return rc;
}

int
mcp_call_progress(struct mcp_call *c, double progress, double total,
    const char *message)
{
	struct json_object	*p, *tok = NULL;

	if (mcp_call_cancelled(c))
		return -1;
	if (c->progress == NULL)
		return 0;
	if ((p = json_object_new_object()) == NULL)
		return -1;
	/* The token is echoed exactly as the client sent it. */
	if (json_object_deep_copy(c->progress, &tok, NULL) != 0) {
		json_object_put(p);
		return -1;
	}
	mcp_json_set(p, "progressToken", tok);
	mcp_json_set(p, "progress", json_object_new_double(progress));
	if (total > 0)
		mcp_json_set(p, "total", json_object_new_double(total));
	if (message != NULL)
		mcp_json_set(p, "message", json_object_new_string(message));
	return notify(c, "notifications/progress", p);
}

int
mcp_call_log(struct mcp_call *c, enum mcp_level level, const char *logger,
    const char *text)
{
	struct json_object	*p;

	if (c->req->log_level < 0 || (int)level < c->req->log_level)
		return 0;
	if ((p = json_object_new_object()) == NULL)
		return -1;
	mcp_json_set(p, "level", json_object_new_string(mcp_level_name(level)));
	if (logger != NULL)
		mcp_json_set(p, "logger", json_object_new_string(logger));
	mcp_json_set(p, "data", json_object_new_string(text));
	return notify(c, "notifications/message", p);
}

static struct json_object *
await_answer(struct mcp_call *c, const char *rid, int timeout_ms,
    const char **errstr)
{
	struct mcp_req		*r = c->req;
	struct json_object	*ans, *res = NULL;
	enum mcp_err		 e;
	char			*json;
	int			 waited = 0, since_ping = 0;

	for (;;) {
		json = NULL;
		e = r->store->ops->pending_take(r->store, r->sess.id, rid,
		    &json);
		if (e != MCP_OK) {
			*errstr = "store unavailable";
			return NULL;
		}
		if (json != NULL)
			break;
		if (waited >= timeout_ms) {
			*errstr = "the client did not answer in time";
			return NULL;
		}
		if (mcp_call_sleep(c, POLL_MS) == -1) {
			*errstr = "cancelled";
			return NULL;
		}
		waited += POLL_MS;
		since_ping += POLL_MS;
		/* A comment now and then keeps proxies from timing out. */
		if (since_ping >= r->srv->cfg.keepalive * 1000) {
			since_ping = 0;
			if (mcp_sse_comment(r, "waiting for client") == -1) {
				*errstr = "the client went away";
				return NULL;
			}
		}
	}
	ans = mcp_json_parse(json, strlen(json), r->srv->cfg.max_depth, &e);
	free(json);
	if (ans == NULL) {
		*errstr = "unreadable answer";
		return NULL;
	}
	if (mcp_json_obj(ans, "result") != NULL)
		json_object_deep_copy(mcp_json_obj(ans, "result"), &res, NULL);
	else
		*errstr = "the client answered with an error";
	json_object_put(ans);
	return res;
}

struct json_object *
mcp_call_request(struct mcp_call *c, const char *method,
    struct json_object *params, int timeout_ms, const char **errstr)
{
	struct mcp_req		*r = c->req;
	struct json_object	*msg = NULL, *id = NULL, *res = NULL;
	const char		*cap, *dummy, *rid;
	char			 hex[33], idstr[40];
	enum mcp_err		 e;

	if (errstr == NULL)
		errstr = &dummy;
	*errstr = NULL;
	if (!r->has_sess || !r->sse) {
		*errstr = "server-to-client requests need a session and an "
		    "SSE response";
		goto out;
	}
	/* Session capabilities are parsed only here, when first needed. */
	if (r->caps == NULL && r->has_sess)
		r->caps = mcp_json_parse(r->sess.caps, strlen(r->sess.caps),
		    r->srv->cfg.max_depth, &e);
	if ((cap = mcp_input_cap(method)) != NULL &&
	    mcp_json_obj(r->caps, cap) == NULL) {
		*errstr = "the client did not declare the capability";
		goto out;
	}
	if (mcp_rand_hex(hex, 12) == -1)
		goto out;
	snprintf(idstr, sizeof(idstr), "s2c-%s", hex);
	if ((id = json_object_new_string(idstr)) == NULL ||
	    (msg = json_object_new_object()) == NULL)
		goto out;
	mcp_json_set(msg, "jsonrpc", json_object_new_string("2.0"));
	mcp_json_set(msg, "id", json_object_get(id));
	mcp_json_set(msg, "method", json_object_new_string(method));
	if (params != NULL) {
		mcp_json_set(msg, "params", params);
		params = NULL;
	}
	rid = mcp_rpc_idtext(id);
	/* Record the wait before the client can possibly answer. */
	if (r->store->ops->pending_add(r->store, r->sess.id, rid,
	    (int64_t)time(NULL)) != MCP_OK) {
		*errstr = "store unavailable";
		goto out;
	}
	if (mcp_sse_send(r, msg) == -1) {
		*errstr = "the client went away";
		r->store->ops->pending_drop(r->store, r->sess.id, rid);
		goto out;
	}
	mcp_logx(MCP_LEVEL_INFO, r->rid, "sent %s %s to the client", method,
	    rid);
	if ((res = await_answer(c, rid, timeout_ms, errstr)) == NULL)
		r->store->ops->pending_drop(r->store, r->sess.id, rid);
out:
	if (res == NULL && *errstr == NULL)
		*errstr = "internal error";
	json_object_put(params);
	json_object_put(msg);
	json_object_put(id);
	return res;
}
