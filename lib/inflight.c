/*
 * inflight.c: one subject may hold at most a share of a process's worker
 * threads (subject_max_share_percent of threads, at least one).  A caller
 * that keeps requests open (streams waiting for its own answers, clients
 * that do not read) then cannot take every thread from the others; its
 * request over the share gets 429 with Retry-After at once.
 *
 * The count is per process, in memory: a table with one entry per thread
 * (a thread serves one request at a time, so the table can never be
 * full), searched under one mutex.  A subject is the token's issuer and
 * "sub", compared exactly; the hash only skips other entries quickly.
 * Only JSON-RPC requests (and batches) are counted: a notification or a
 * client's answer to a waiting tool is answered 202 at once, and must
 * never be refused while that caller's tools wait for it.  Requests
 * without a verified token are not counted: they are answered 401 before
 * any work, and with auth = none (the conformance fixtures, the bench)
 * there is no subject at all; lighttpd's connection limits are what
 * bounds those.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

struct mcp_inflight_slot {
	uint64_t	 hash;
	size_t		 issuer;		/* cfg.auth.issuers index */
	int		 count;			/* 0: free */
	char		 sub[sizeof(((struct mcp_principal *)0)->sub)];
};

struct mcp_inflight {
	pthread_mutex_t			 lock;
	int				 limit;		/* per subject */
	int				 nslots;
	struct mcp_inflight_slot	*slots;
};

/* FNV-1a over the issuer index and sub. */
static uint64_t
subject_hash(size_t issuer, const char *sub)
{
	uint64_t	 h = 14695981039346656037ULL ^ (uint64_t)issuer;

	for (; *sub != '\0'; sub++) {
		h ^= (unsigned char)*sub;
		h *= 1099511628211ULL;
	}
	return h;
}

int
mcp_inflight_init(struct mcp_server *srv)
{
	struct mcp_inflight	*in;
	int			 limit;

	srv->inflight = NULL;
	limit = srv->cfg.threads * srv->cfg.subject_share / 100;
	if (limit < 1)
		limit = 1;
	if (srv->auth == NULL || limit >= srv->cfg.threads)
		return 0;		/* nothing to count */
	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (in->slots = calloc((size_t)srv->cfg.threads,
	    sizeof(*in->slots))) == NULL) {
		free(in);
		return -1;
	}
	pthread_mutex_init(&in->lock, NULL);
	in->limit = limit;
	in->nslots = srv->cfg.threads;
	srv->inflight = in;
	return 0;
}

int
mcp_inflight_enter(struct mcp_req *r, struct json_object *id)
{
	struct mcp_inflight		*in = r->srv->inflight;
	struct mcp_inflight_slot	*s, *free_slot = NULL;
	uint64_t			 h;
	int				 i, held = -1;

	if (in == NULL || !r->authed || r->slot != NULL)
		return 0;
	h = subject_hash(r->who.issuer, r->who.sub);
	pthread_mutex_lock(&in->lock);
	for (i = 0; i < in->nslots; i++) {
		s = &in->slots[i];
		if (s->count == 0) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (s->hash == h && s->issuer == r->who.issuer &&
		    strcmp(s->sub, r->who.sub) == 0)
			break;
	}
	if (i < in->nslots) {
		if (s->count < in->limit) {
			s->count++;
			r->slot = s;
		} else
			held = s->count;
	} else if (free_slot != NULL) {
		free_slot->hash = h;
		free_slot->issuer = r->who.issuer;
		mcp_strlcpy(free_slot->sub, r->who.sub, sizeof(free_slot->sub));
		free_slot->count = 1;
		r->slot = free_slot;
	}
	/* else: more requests than threads, which cannot be; let it pass. */
	pthread_mutex_unlock(&in->lock);
	if (held == -1)
		return 0;
	r->outcome = "too_many_in_flight";
	mcp_logx(MCP_LEVEL_WARNING, r->rid, "refused: the caller already "
	    "has %d requests in flight in this process (limit %d of %d "
	    "threads)", held, in->limit, r->srv->cfg.threads);
	mcp_buf_puts(&r->hdr, "Retry-After: 1\r\n");
	mcp_http_error(r, MCP_ERR_BUSY, id, NULL);
	return -1;
}

void
mcp_inflight_leave(struct mcp_req *r)
{
	struct mcp_inflight	*in = r->srv->inflight;

	if (in == NULL || r->slot == NULL)
		return;
	pthread_mutex_lock(&in->lock);
	r->slot->count--;
	pthread_mutex_unlock(&in->lock);
	r->slot = NULL;
}
