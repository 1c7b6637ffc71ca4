/*
 * audit.c: the trail of every request to a protected endpoint: when, the
 * request id, who (issuer, subject, client), what (JSON-RPC method, tool,
 * the scopes it required), the outcome, the HTTP status and the latency.
 * Never the token.  One JSON line per request to audit_log (a single
 * write(2) on an O_APPEND descriptor, so lines of concurrent processes do
 * not interleave) and one row in the store, so that "who called what, how
 * often, and what failed" is one query (`mcpctl audit`).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

void
mcp_audit_request(struct mcp_req *r)
{
	struct mcp_audit	 a;
	struct json_object	*o;
	struct timespec		 t1;
	const char		*line;
	struct mcp_buf		 b = { 0 };

	clock_gettime(CLOCK_REALTIME, &t1);
	memset(&a, 0, sizeof(a));
	a.ts_ms = (int64_t)r->t0.tv_sec * 1000 + r->t0.tv_nsec / 1000000;
	a.rid = r->rid;
	a.iss = r->authed ? r->who.iss : "";
	a.sub = r->authed ? r->who.sub : "";
	a.client_id = r->authed ? r->who.client_id : "";
	a.workspace = r->authed ? r->who.workspace : "";
	a.method = r->rpc[0] != '\0' ? r->rpc :
	    or_empty(mcp_http_param(r, "REQUEST_METHOD"));
	a.tool = r->tool;
	a.scopes = or_empty(r->need);
	a.status = r->status;
	a.outcome = r->outcome != NULL ? r->outcome :
	    r->status < 400 ? "ok" : "error";
	a.latency_us = ((int64_t)t1.tv_sec - r->t0.tv_sec) * 1000000 +
	    (t1.tv_nsec - r->t0.tv_nsec) / 1000;
	if (r->srv->audit_fd != -1 && (o = json_object_new_object()) != NULL) {
		mcp_json_set(o, "ts_ms", json_object_new_int64(a.ts_ms));
		mcp_json_set(o, "rid", json_object_new_string(a.rid));
		mcp_json_set(o, "iss", json_object_new_string(a.iss));
		mcp_json_set(o, "sub", json_object_new_string(a.sub));
		mcp_json_set(o, "client_id",
		    json_object_new_string(a.client_id));
		mcp_json_set(o, "workspace",
		    json_object_new_string(a.workspace));
		mcp_json_set(o, "method", json_object_new_string(a.method));
		mcp_json_set(o, "tool", json_object_new_string(a.tool));
		mcp_json_set(o, "scopes", json_object_new_string(a.scopes));
		mcp_json_set(o, "outcome", json_object_new_string(a.outcome));
		mcp_json_set(o, "status", json_object_new_int(a.status));
		mcp_json_set(o, "latency_us",
		    json_object_new_int64(a.latency_us));
		line = json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		if (mcp_buf_puts(&b, line) == 0 && mcp_buf_add(&b, "\n",
		    1) == 0 && write(r->srv->audit_fd, b.p, b.len) !=
		    (ssize_t)b.len)
			mcp_logx(MCP_LEVEL_ERROR, r->rid, "audit_log: %s",
			    strerror(errno));
		mcp_buf_free(&b);
		json_object_put(o);
	}
	if (r->store->ops->audit_add(r->store, &a) != MCP_OK)
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "audit row lost");
}
