/*
 * stream_session.c: sessions that live exactly as long as their stream:
 * the one GET /sse makes (2024-11-05) and the one a subscriptions/listen
 * keeps its subscriptions in (2026-07-28).  Neither can be named with
 * Mcp-Session-Id; the stream thread deletes it when the stream ends.
 */
#include <string.h>
#include <time.h>

#include "extern.h"

enum mcp_err
mcp_stream_session(struct mcp_req *r, int kind, const char *version,
    struct mcp_stream_spec *sp)
{
	struct mcp_session	 s;
	enum mcp_err		 e;
	int			 evicted;
	time_t			 now = time(NULL);

	memset(&s, 0, sizeof(s));
	if (mcp_rand_hex(s.id, MCP_SESSION_ID_LEN / 2) == -1 ||
	    mcp_rand_hex(sp->stream, MCP_STREAM_ID_LEN / 2) == -1 ||
	    mcp_rand_hex(sp->holder, 8) == -1)
		return MCP_ERR_INTERNAL;
	mcp_strlcpy(s.version, version, sizeof(s.version));
	mcp_strlcpy(s.owner, sp->subject, sizeof(s.owner));
	mcp_strlcpy(s.caps, "{}", sizeof(s.caps));
	s.log_level = -1;
	s.legacy = kind;
	s.created = s.seen = (int64_t)now;
	r->store->ops->session_expire(r->store,
	    (int64_t)now - r->srv->cfg.session_idle);
	if ((e = r->store->ops->session_put(r->store, &s,
	    r->srv->cfg.max_sessions, &evicted)) != MCP_OK)
		return e;
	if (evicted > 0)
		mcp_logx(MCP_LEVEL_NOTICE, r->rid, "%d least recently used "
		    "session(s) of this subject evicted "
		    "(max_sessions_per_subject)", evicted);
	if ((e = r->store->ops->listener_claim(r->store, s.id, sp->stream,
	    sp->holder, (int64_t)now, 0, 1)) != MCP_OK ||
	    (e = r->store->ops->stream_open(r->store, sp->stream, s.id,
	    (int64_t)now)) != MCP_OK) {
		r->store->ops->session_delete(r->store, s.id);
		return e;
	}
	mcp_strlcpy(sp->sid, s.id, sizeof(sp->sid));
	mcp_strlcpy(sp->rid, r->rid, sizeof(sp->rid));
	sp->ends_session = 1;
	return MCP_OK;
}
