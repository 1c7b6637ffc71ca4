/*
 * store.h: the shared state every process of an endpoint sees: sessions,
 * answers to server-to-client requests, cancellations, subscriptions; and
 * for auth the clients and keys of the built-in authorization server,
 * revocations and the audit trail.
 *
 * One `struct mcp_store` is one connection, owned by one thread.  The
 * engine behind it is chosen by mcp_store_open() from the configuration;
 * SQLite (lib/store_sqlite.c) is the embedded default.  Every call returns
 * MCP_OK or an error of the table in extern.h; MCP_ERR_STORE means the
 * engine failed or stayed busy past its timeout, and is retryable.
 */
#ifndef MCP_STORE_H
#define MCP_STORE_H

#include <stdint.h>

#define MCP_SESSION_ID_LEN	64	/* hex digits of 32 random bytes */
#define MCP_SECRET_LEN		32	/* bytes of a server key */
#define MCP_TASKS_PER_OWNER	16
#define MCP_TASKS_KEPT_PER_OWNER 64
#define MCP_TASK_ROWS		10000
#define MCP_TASK_RESULT_MAX	(1024 * 1024)
/* Seals requestState (lib/seal.c, lib/input.c). */
#define MCP_SECRET_STATE	"request_state"

/*
 * Every table has a bound, so that no caller, authenticated or not, can
 * grow the store without limit:
 *
 *   sessions        max_sessions_per_subject per token subject (least
 *                   recently used evicted), idle ones expire after
 *                   session_idle_seconds; auth = none has no subject and
 *                   only the idle expiry
 *   pending         one row per server-to-client request in flight, gone
 *                   when answered or after request_timeout_seconds, and
 *                   with its session
 *   cancelled       MCP_CANCEL_PER_SESSION per session, MCP_CANCEL_ROWS in
 *                   all (oldest dropped), kept MCP_CANCEL_KEEP_MIN seconds
 *                   or request_timeout_seconds if longer
 *   subscriptions   MCP_SUBS_MAX per session, gone with the session
 *   notices         at most one per subscribed URI (the message names
 *                   only the URI), taken by the session's next stream,
 *                   gone with the session
 *   streams         SSE streams of a session, MCP_STREAMS_PER_SESSION
 *                   each (oldest dropped), none untouched for
 *                   MCP_EVENT_KEEP seconds but the session's listener,
 *                   gone with the session
 *   events          their events, for Last-Event-ID: a stream's newest
 *                   MCP_EVENTS_PER_STREAM, a session's newest
 *                   MCP_EVENTS_PER_SESSION (so one subject keeps at most
 *                   max_sessions_per_subject times that), none older
 *                   than MCP_EVENT_KEEP seconds, MCP_EVENT_ROWS in all
 *                   (oldest dropped), gone with their stream
 *   clients         made by the operator (mcpctl client add), or by
 *                   registration: client_registrations_per_address
 *                   per source address in each client_auth_window_seconds
 *                   and MCP_DCR_ROWS registered or fetched (metadata
 *                   documents) in all (then the oldest never used makes
 *                   room); a registered client never used is dropped
 *                   after a day, a document an hour after its fetch
 *   registration_tokens  made by the operator; none expired or used up
 *                   past the next one made
 *   users, grants   users made by the operator (mcpctl user add);
 *                   MCP_GRANTS_PER_USER grants each (oldest dropped)
 *   web_sessions    MCP_WEBSESS_PER_USER per user (oldest dropped), none
 *                   past its expiry
 *   auth_codes      made only for a signed-in user, MCP_CODES_PER_USER
 *                   each (oldest dropped); none ten minutes past its
 *                   expiry (60 s)
 *   token_families  MCP_FAMILIES_PER_GRANT live ones per user and client
 *                   (oldest revoked), none past its end, revoked ones
 *                   kept only while their access tokens may live
 *   refresh_tokens  MCP_REFRESH_PER_FAMILY per family (oldest dropped),
 *                   gone with their family
 *   auth_failures   one row per (client id, address) and per address
 *                   (an IPv6 one by its /64), MCP_FAIL_ROWS in all
 *                   (oldest window dropped), none whose window ended
 *   signing_keys    made by the operator (mcpctl init, key rotate) only
 *   secrets         one per purpose the server names (MCP_SECRET_*)
 *   tasks           MCP_TASKS_PER_OWNER live (working, input_required)
 *                   and MCP_TASKS_KEPT_PER_OWNER in all per caller and
 *                   endpoint (its oldest finished one dropped), none
 *                   past its ttl_ms, MCP_TASK_ROWS in all (the oldest
 *                   finished one dropped; a live one never is), each
 *                   result at most MCP_TASK_RESULT_MAX bytes
 *   audit           one row per authenticated request, kept
 *                   audit_retention_days
 *   audit_anon      requests refused before authentication, one row per
 *                   minute, address, method, outcome and status with a
 *                   count, kept MCP_ANON_KEEP_DAYS, MCP_ANON_ROWS in all
 *   workspaces      made by the operator (mcpctl workspace add) only
 *   environments, org_templates, organizations
 *                   written by token holders with write scopes, within
 *                   their workspace; at most workspace_max_* each per
 *                   workspace, counted in workspace_usage (triggers)
 *   workspace_usage one row per workspace and kind of object
 */
#define MCP_CANCEL_PER_SESSION	64
#define MCP_CANCEL_ROWS		16384
#define MCP_CANCEL_KEEP_MIN	600	/* seconds */
#define MCP_CANCEL_ID_MAX	256	/* bytes of a cancelled request id */
#define MCP_FAIL_ROWS		10000
#define MCP_ANON_ROWS		100000
#define MCP_ANON_KEEP_DAYS	7
#define MCP_DCR_ROWS		10000
#define MCP_WEBSESS_PER_USER	8
#define MCP_CODES_PER_USER	16
#define MCP_GRANTS_PER_USER	64
#define MCP_FAMILIES_PER_GRANT	16
#define MCP_REFRESH_PER_FAMILY	8
#define MCP_STREAMS_PER_SESSION	64
#define MCP_EVENTS_PER_STREAM	1000
#define MCP_EVENTS_PER_SESSION	2000
#define MCP_EVENT_KEEP		300	/* seconds */
#define MCP_EVENT_ROWS		1000000
/* Change notices go to a closed listener's events this long. */
#define MCP_LISTENER_GRACE	60	/* seconds */
/* A held listener beats this often; three missed, another may claim. */
#define MCP_LISTENER_BEAT	5	/* seconds */
#define MCP_XSTR(x)	MCP_STR(x)
#define MCP_STR(x)	#x
/* Longest client capabilities an initialize may store (JSON bytes). */
#define MCP_CAPS_MAX		4096

struct mcp_session {
	char		id[MCP_SESSION_ID_LEN + 1];
	char		version[16];	/* negotiated revision */
	char		owner[256];	/* identity that created it; "" if none */
	int		log_level;	/* -1 when logging/setLevel never came */
	char		caps[MCP_CAPS_MAX + 1]; /* client capabilities, JSON */
	int64_t		created;
	int64_t		seen;
	int		subscribed;	/* 1 if it holds a subscription */
	int		notices;	/* 1 if notices wait for it */
	char		listener[17];	/* its GET stream, "" if none yet */
	int		listener_open;	/* 1 while a process holds it */
	int64_t		listener_seen;	/* the holder's last beat */
	int		legacy;		/* MCP_SESSION_SSE or _LISTEN, else 0 */
};
/* Sessions no Mcp-Session-Id may name: each lives with its stream. */
#define MCP_SESSION_SSE		1	/* made by GET /sse (2024-11-05) */
#define MCP_SESSION_LISTEN	2	/* a subscriptions/listen */

#define MCP_STREAM_ID_LEN	16	/* hex digits */

/* One event of an SSE stream, as kept for Last-Event-ID. */
struct mcp_event {
	int64_t		 id;		/* store-wide order of insertion */
	const char	*stream;
	int64_t		 seq;		/* its place in the stream */
	const char	*data;		/* JSON text; NULL: the priming event */
	int		 last;		/* the stream ends with it */
};
/* Valid during the call only; return 0 to go on, -1 to stop. */
typedef int	(*mcp_event_cb)(void *, const struct mcp_event *);

/* Most resources/subscribe one session may hold. */
#define MCP_SUBS_MAX	256

/* A JSON-RPC notification waiting for its session's next stream. */
struct mcp_notice {
	int64_t		 seq;
	char		*message;	/* JSON text, malloc'd */
};
void	mcp_notices_free(struct mcp_notice *, size_t);

/*
 * A client of the built-in authorization server.  Its id is at most
 * MCP_CLIENT_ID_MAX bytes: a metadata-document client's id is the https
 * URL of its document.  The defaults of a client the operator made are
 * kind "admin", auth_method "client_secret_basic" (which also allows
 * client_secret_post), redirect_uris "[]", grant_types
 * "client_credentials", app_type "web", metadata "{}".
 */
#define MCP_CLIENT_ID_MAX	255
#define MCP_CLIENT_META_MAX	8192	/* bytes of registered metadata */
struct mcp_client {
	char		id[MCP_CLIENT_ID_MAX + 1];
	char		name[128];
	char		scopes[1024];	/* the most it may be granted */
	char		workspace[128];	/* "" for none */
	char		secret_hash[65];	/* hex SHA-256 of salt||secret;
					   "" for a public client */
	char		salt[33];	/* hex */
	int64_t		created;
	int64_t		revoked;	/* 0 while active */
	char		kind[8];	/* "admin", "dcr" or "cimd" */
	char		auth_method[32];	/* "client_secret_basic",
					   "client_secret_post" or "none" */
	char		redirect_uris[4096];	/* JSON array of strings */
	char		grant_types[128];	/* space-separated */
	char		app_type[8];	/* "web" or "native" */
	char		metadata[MCP_CLIENT_META_MAX + 1]; /* JSON object */
	int64_t		expires;	/* cimd: cache ends; else 0 */
	int64_t		used;		/* last token issued (s), 0 never */
};

/*
 * An authorization code (the authorization code grant, OAuth 2.1 §4.1),
 * kept as the hex SHA-256 of the code.  family names the token family
 * its redemption starts: the access and refresh tokens issued from it
 * carry it (the access token's "sid" claim), so that a second
 * redemption, a revoked grant or a disabled user revokes them all.
 */
struct mcp_code {
	char		hash[65];
	char		family[40];
	char		client[MCP_CLIENT_ID_MAX + 1];
	char		user[64];	/* users.id */
	char		workspace[128];
	char		redirect_uri[2048];
	char		challenge[64];	/* S256 code_challenge */
	char		resource[512];
	char		scopes[1024];	/* granted */
	int64_t		created;
	int64_t		expires;
	int64_t		used;		/* 0 until redeemed */
};

/*
 * A person who signs in at the authorization endpoint: an account of
 * our own (pwhash an argon2id encoded hash) or one the web server
 * authenticates (external, no password).  Their tokens carry workspace.
 */
struct mcp_user {
	char		id[24];		/* "usr_" + 16 hex */
	char		name[128];	/* what they sign in with */
	char		workspace[128];
	char		scopes[1024];	/* the most they may grant a client */
	char		pwhash[160];
	int		external;
	int64_t		created;
	int64_t		disabled;	/* 0 while active */
};

/*
 * What one code redemption started: the access and refresh tokens a
 * client got for a user, renewed by refresh until expires (the longest
 * a sign-in lasts), or until revoked.
 */
struct mcp_family {
	char		id[40];		/* "fam_" + 32 hex: the tokens' sid */
	char		client[MCP_CLIENT_ID_MAX + 1];
	char		user[64];
	char		workspace[128];
	char		scopes[1024];	/* what refreshes may ask for */
	char		resource[512];
	int64_t		created;
	int64_t		expires;
	int64_t		revoked;	/* 0 while live */
};

typedef void	(*mcp_user_cb)(void *, const struct mcp_user *);
typedef void	(*mcp_grant_cb)(void *, const char *user, const char *client,
		    const char *scopes, int64_t updated);

/* A signing key of the built-in authorization server. */
struct mcp_signkey {
	char		kid[64];
	char		alg[8];
	int64_t		created;
	int64_t		retired;	/* 0 for the current key */
};

/* One audited request to a protected endpoint; never holds the token. */
struct mcp_audit {
	int64_t		 ts_ms;
	const char	*rid;
	const char	*iss;
	const char	*sub;
	const char	*client_id;
	const char	*method;	/* JSON-RPC method or HTTP method */
	const char	*tool;
	const char	*scopes;	/* required by the call */
	const char	*outcome;
	int		 status;	/* HTTP */
	int64_t		 latency_us;
	const char	*workspace;	/* the token's, or "" */
	const char	*addr;		/* REMOTE_ADDR, or "" */
	int		 anon;		/* refused before authentication */
};

/* Whose tool usage to report: a workspace, else one iss + sub. */
struct mcp_usage_query {
	int64_t		 since_ms;
	int64_t		 until_ms;
	const char	*workspace;
	const char	*iss;
	const char	*sub;
};

/* The reference application's objects (see lib/mcp.h, "Data"). */
struct mcp_workspace;
struct mcp_environment;
struct mcp_org;
struct mcp_org_query;
struct mcp_template;
struct mcp_page;

struct mcp_store;

typedef void	(*mcp_env_cb)(void *, const struct mcp_environment *);
typedef void	(*mcp_org_cb)(void *, const struct mcp_org *);
typedef void	(*mcp_tpl_cb)(void *, const struct mcp_template *);
typedef void	(*mcp_client_cb)(void *, const struct mcp_client *);
typedef void	(*mcp_signkey_cb)(void *, const struct mcp_signkey *);
/* One summary row: who, what, outcome, how many, mean latency. */
typedef void	(*mcp_audit_cb)(void *, const char *const cols[],
		    size_t ncols);
/* One tool's calls, failures, mean and max latency (µs). */
typedef void	(*mcp_usage_cb)(void *, const char *tool, int64_t calls,
		    int64_t failures, int64_t mean_us, int64_t max_us);

/*
 * A task.  The JSON members are NULL when empty; a task read owns them
 * (mcp_task_clear() frees them).  Times are milliseconds since the epoch.
 */
struct mcp_task {
	char		 id[65];		/* 64 hex digits */
	char		 endpoint[64];
	char		 owner[65];		/* mcp_guard_owner(), "" unauthed */
	char		 tool[129];
	char		 status[16];		/* working, input_required,
						   completed, failed, cancelled */
	char		 message[256];		/* statusMessage, "" for none */
	int64_t		 created_ms;
	int64_t		 updated_ms;
	int64_t		 ttl_ms;
	int		 poll_ms;
	char		 holder[17];		/* the process running it */
	int64_t		 beat_ms;		/* when it last said so */
	int		 cancel;		/* tasks/cancel asked */
	char		*result;		/* CallToolResult, completed */
	char		*error;			/* JSON-RPC error, failed */
	char		*inputs;		/* outstanding inputRequests */
	char		*answers;		/* answers not yet taken */
};

/* What task_edit() runs on the task read: 1 to write it back, 0 not. */
typedef int	(*mcp_task_fn)(void *, struct mcp_task *);

void	mcp_task_clear(struct mcp_task *);

struct mcp_store_ops {
	void		(*close)(struct mcp_store *);
	/*
	 * Stores a new session; when its owner (not "") then holds more
	 * than max_owned, evicts the owner's least recently seen ones (with
	 * what hangs off them) in the same transaction.  *evicted: how many.
	 */
	enum mcp_err	(*session_put)(struct mcp_store *,
			    const struct mcp_session *, int max_owned,
			    int *evicted);
	/* MCP_ERR_SESSION when missing or idle since before `idle_before`. */
	enum mcp_err	(*session_get)(struct mcp_store *, const char *id,
			    int64_t idle_before, struct mcp_session *);
	enum mcp_err	(*session_touch)(struct mcp_store *, const char *id,
			    int64_t now);
	enum mcp_err	(*session_level)(struct mcp_store *, const char *id,
			    int level);
	/* A legacy session's initialize: its revision and capabilities. */
	enum mcp_err	(*session_init)(struct mcp_store *, const char *id,
			    const char *version, const char *caps);
	/* MCP_ERR_SESSION when there was no such session. */
	enum mcp_err	(*session_delete)(struct mcp_store *, const char *id);
	/* Drops sessions (and what hangs off them) idle since before. */
	enum mcp_err	(*session_expire)(struct mcp_store *, int64_t before);
	/* Records that request rid was sent to the client of session sid. */
	enum mcp_err	(*pending_add)(struct mcp_store *, const char *sid,
			    const char *rid, int64_t now);
	/* Stores the client's answer; MCP_ERR_SESSION if nothing waits. */
	enum mcp_err	(*pending_answer)(struct mcp_store *, const char *sid,
			    const char *rid, const char *json);
	/*
	 * Takes the answer if it has arrived: *json is a malloc'd string the
	 * caller frees, or NULL while still waiting.
	 */
	enum mcp_err	(*pending_take)(struct mcp_store *, const char *sid,
			    const char *rid, char **json);
	enum mcp_err	(*pending_drop)(struct mcp_store *, const char *sid,
			    const char *rid);
	/*
	 * Records that the client cancelled request rid of session sid;
	 * drops cancellations made before `before`, the session's oldest
	 * past MCP_CANCEL_PER_SESSION and everyone's past MCP_CANCEL_ROWS.
	 */
	enum mcp_err	(*cancel_add)(struct mcp_store *, const char *sid,
			    const char *rid, int64_t now, int64_t before);
	/* 1 if cancelled, 0 if not, -1 on error. */
	int		(*cancelled)(struct mcp_store *, const char *sid,
			    const char *rid);
	/*
	 * Subscribes session sid, whose caller is of workspace ("" for
	 * none), to uri; MCP_ERR_PARAMS when it holds MCP_SUBS_MAX already.
	 */
	enum mcp_err	(*subscribe)(struct mcp_store *, const char *sid,
			    const char *uri, const char *workspace, int on);
	/*
	 * Queues message for the sessions of workspace subscribed to uri:
	 * an event of the session's listener when it is open or closed less
	 * than MCP_LISTENER_GRACE ago, else a notice.
	 */
	enum mcp_err	(*notice_add)(struct mcp_store *,
			    const char *workspace, const char *uri,
			    const char *message, int64_t now);
	/*
	 * Takes (removes) what waits for session sid, oldest first; *out is
	 * freed with mcp_notices_free().
	 */
	enum mcp_err	(*notice_take)(struct mcp_store *, const char *sid,
			    struct mcp_notice **out, size_t *n);

	/*
	 * SSE streams.  stream_open() records stream for session sid with
	 * its priming event (seq 0); drops the session's streams untouched
	 * for MCP_EVENT_KEEP seconds (not its listener) and its oldest past
	 * MCP_STREAMS_PER_SESSION.  Opening a known stream again does
	 * nothing.
	 */
	enum mcp_err	(*stream_open)(struct mcp_store *, const char *stream,
			    const char *sid, int64_t now);
	/*
	 * Appends an event (data: JSON text; last: the stream ends with it)
	 * and gives its place; MCP_ERR_NOTFOUND when the stream is gone.
	 */
	enum mcp_err	(*event_add)(struct mcp_store *, const char *stream,
			    const char *data, int last, int64_t now,
			    int64_t *seq);
	/*
	 * A stream's session, its highest seq, its lowest still kept (hi +
	 * 1 when none is) and whether its last event (an answer) came;
	 * MCP_ERR_NOTFOUND when the stream is unknown.
	 */
	enum mcp_err	(*stream_get)(struct mcp_store *, const char *stream,
			    char sid[MCP_SESSION_ID_LEN + 1], int64_t *lo,
			    int64_t *hi, int *done);
	/* A stream's events after seq `after`, in order, at most limit. */
	enum mcp_err	(*event_replay)(struct mcp_store *, const char *stream,
			    int64_t after, int limit, mcp_event_cb, void *);
	/* Every stream's events with id > after, in order, at most limit. */
	enum mcp_err	(*event_scan)(struct mcp_store *, int64_t after,
			    int limit, mcp_event_cb, void *);
	/* The highest event id given so far (0 before the first). */
	enum mcp_err	(*event_top)(struct mcp_store *, int64_t *id);
	/*
	 * A session's listener (its GET stream).  listener_claim() makes
	 * stream the listener, held by holder (a random claim), open at
	 * now: MCP_ERR_CONFLICT when another holder's is open and beat since
	 * stale_before, unless takeover (the client resumes that very
	 * stream); MCP_ERR_SESSION when the session is gone.
	 * listener_beat() says the holder still has it (and the session is
	 * in use): MCP_ERR_NOTFOUND once another holder took it or the
	 * session is gone.  listener_close() marks it closed at now.
	 */
	enum mcp_err	(*listener_claim)(struct mcp_store *, const char *sid,
			    const char *stream, const char *holder, int64_t now,
			    int64_t stale_before, int takeover);
	enum mcp_err	(*listener_beat)(struct mcp_store *, const char *sid,
			    const char *holder, int64_t now);
	enum mcp_err	(*listener_close)(struct mcp_store *, const char *sid,
			    const char *holder, int64_t now);

	/* Auth: the resource server's revocation list (malloc'd strings). */
	enum mcp_err	(*revoked_clients)(struct mcp_store *, char ***ids,
			    size_t *n);
	/* The built-in authorization server's clients. */
	enum mcp_err	(*client_put)(struct mcp_store *,
			    const struct mcp_client *);
	/* MCP_ERR_NOTFOUND when there is no such client. */
	enum mcp_err	(*client_get)(struct mcp_store *, const char *id,
			    struct mcp_client *);
	enum mcp_err	(*client_list)(struct mcp_store *, mcp_client_cb,
			    void *);
	/*
	 * Adds (or replaces) a registered client (RFC 7591) or a fetched
	 * metadata document's, after dropping registered ones never used a
	 * day after registering and documents past their cache time; when
	 * MCP_DCR_ROWS others exist, the oldest never used makes room, and
	 * without one: MCP_ERR_CONFLICT.
	 */
	enum mcp_err	(*client_register)(struct mcp_store *,
			    const struct mcp_client *, int64_t now);
	/*
	 * Initial access tokens for registration (RFC 7591 §3), by the hex
	 * SHA-256 of the token: regtoken_put() stores one (and drops those
	 * expired or used up); regtoken_use() takes one use of a live one,
	 * with check only looks: MCP_ERR_NOTFOUND when none is left.
	 */
	enum mcp_err	(*regtoken_put)(struct mcp_store *, const char *hash,
			    const char *name, int64_t now, int64_t expires,
			    int uses);
	enum mcp_err	(*regtoken_use)(struct mcp_store *, const char *hash,
			    int64_t now, int check);
	/* Marks a client used (kept past a day), once. */
	enum mcp_err	(*client_used)(struct mcp_store *, const char *id,
			    int64_t now);
	/*
	 * Failed client authentications, counted in fixed windows of
	 * `window` seconds per (client, addr) and per addr (client ""; no
	 * client has an empty id).  fail_add() counts one for both (for the
	 * address alone when client is ""), and drops rows whose window
	 * ended and the oldest past MCP_FAIL_ROWS.
	 */
	enum mcp_err	(*fail_add)(struct mcp_store *, const char *client,
			    const char *addr, int64_t now, int window);
	/* The failures in the current window and when it began (n = 0). */
	enum mcp_err	(*fail_count)(struct mcp_store *, const char *client,
			    const char *addr, int64_t now, int window, int *n,
			    int64_t *start);
	/*
	 * The authorization code flow.  code_put() stores a new code (and
	 * drops codes ten minutes past expiry and the user's oldest past
	 * MCP_CODES_PER_USER).  code_take() marks the code with hash as
	 * used at now and gives it: MCP_ERR_PARAMS when it was issued to
	 * another client than client (nothing changed), MCP_ERR_CONFLICT
	 * (the code still given, for its family) when it was used before,
	 * MCP_ERR_NOTFOUND when there is none or it expired.
	 */
	enum mcp_err	(*code_put)(struct mcp_store *,
			    const struct mcp_code *);
	enum mcp_err	(*code_take)(struct mcp_store *, const char *hash,
			    const char *client, int64_t now, struct mcp_code *);
	/*
	 * Stores a new token family; drops families (with their refresh
	 * tokens) that ended before now or were revoked keep_revoked
	 * seconds ago (their access tokens have expired: the resource
	 * servers need not know them any more), and revokes the user's
	 * oldest families with the same client past MCP_FAMILIES_PER_GRANT.
	 */
	enum mcp_err	(*family_put)(struct mcp_store *,
			    const struct mcp_family *, int64_t now,
			    int keep_revoked);
	/* MCP_ERR_NOTFOUND when there is no such family. */
	enum mcp_err	(*family_get)(struct mcp_store *, const char *id,
			    struct mcp_family *);
	/*
	 * Revokes token families at now: the one named family when it is
	 * not NULL, else those of user (and of client, when not NULL).
	 * Their refresh tokens stop at once, their access tokens once the
	 * resource servers reload revoked_clients(), which lists revoked
	 * families that have not ended beside revoked clients.
	 */
	enum mcp_err	(*family_revoke)(struct mcp_store *,
			    const char *family, const char *user,
			    const char *client, int64_t now);
	/*
	 * Refresh tokens, by the hex SHA-256 of the token.  refresh_put()
	 * stores one of family, given in place of parent ("" when a code
	 * gave it), and keeps the family's newest MCP_REFRESH_PER_FAMILY.
	 * refresh_take() marks one of client's used and gives its family
	 * and scopes: MCP_ERR_PARAMS (nothing changed) when it is another
	 * client's, MCP_ERR_CONFLICT when used before (a replay: the
	 * caller revokes the family), MCP_ERR_NOTFOUND when unknown or
	 * expired.  With reuse above 0, a second presentation within reuse
	 * seconds of the first, once, is given again with *again set (a
	 * client's concurrent refreshes each get a pair); the first use of
	 * any token marks the other tokens its parent gave used, so that
	 * presenting the pair not carried on is a replay.
	 */
	enum mcp_err	(*refresh_put)(struct mcp_store *, const char *hash,
			    const char *family, const char *parent,
			    const char *scopes, int64_t now, int64_t expires);
	enum mcp_err	(*refresh_take)(struct mcp_store *, const char *hash,
			    const char *client, int64_t now, int64_t reuse,
			    char family[40], char scopes[1024], int *again);
	/* People.  user_put() inserts or replaces; a taken name: CONFLICT. */
	enum mcp_err	(*user_put)(struct mcp_store *, const struct mcp_user *);
	/* By name, or by id when byid; MCP_ERR_NOTFOUND when none. */
	enum mcp_err	(*user_get)(struct mcp_store *, const char *key,
			    int byid, struct mcp_user *);
	enum mcp_err	(*user_list)(struct mcp_store *, mcp_user_cb, void *);
	/*
	 * Signed-in browsers, by the hex SHA-256 of the cookie: put() keeps
	 * a user's newest MCP_WEBSESS_PER_USER and drops expired ones; get()
	 * gives the user id of a live one (NOTFOUND otherwise).
	 */
	enum mcp_err	(*websess_put)(struct mcp_store *, const char *hash,
			    const char *user, int64_t now, int64_t expires);
	enum mcp_err	(*websess_get)(struct mcp_store *, const char *hash,
			    int64_t now, char user[24]);
	/*
	 * What a user let a client have (replacing what was there); a
	 * user's oldest past MCP_GRANTS_PER_USER are dropped.
	 */
	enum mcp_err	(*grant_put)(struct mcp_store *, const char *user,
			    const char *client, const char *scopes, int64_t now);
	/* Every grant, or those of one user name (NULL: all). */
	enum mcp_err	(*grant_list)(struct mcp_store *, const char *user,
			    mcp_grant_cb, void *);
	/*
	 * Forgets a grant, drops its codes not yet redeemed and revokes its
	 * families; NOTFOUND when none.
	 */
	enum mcp_err	(*grant_revoke)(struct mcp_store *, const char *user,
			    const char *client, int64_t now);
	enum mcp_err	(*key_put)(struct mcp_store *,
			    const struct mcp_signkey *);
	/* Newest first. */
	enum mcp_err	(*key_list)(struct mcp_store *, mcp_signkey_cb, void *);
	enum mcp_err	(*key_delete)(struct mcp_store *, const char *kid);
	/* Appends n rows in one transaction. */
	enum mcp_err	(*audit_add)(struct mcp_store *,
			    const struct mcp_audit *const *, size_t n);
	/*
	 * Counts n requests refused before authentication in audit_anon,
	 * per minute, addr, method, outcome and status, in one transaction;
	 * drops rows past MCP_ANON_KEEP_DAYS and the oldest past
	 * MCP_ANON_ROWS.
	 */
	enum mcp_err	(*audit_anon_add)(struct mcp_store *,
			    const struct mcp_audit *const *, size_t n);
	/*
	 * Requests since `since_ms` grouped by subject, client, method, tool
	 * and outcome: cols are sub, client_id, method, tool, outcome,
	 * status, count, mean latency (µs).  Requests refused before
	 * authentication (audit_anon) come with empty sub, client_id and
	 * tool and a mean latency of 0.
	 */
	enum mcp_err	(*audit_summary)(struct mcp_store *, int64_t since_ms,
			    mcp_audit_cb, void *);
	/*
	 * Requests refused before authentication since `since_ms`, most
	 * first: cols are addr, method, outcome, status, count.
	 */
	enum mcp_err	(*audit_refused)(struct mcp_store *, int64_t since_ms,
			    mcp_audit_cb, void *);
	/*
	 * Deletes audit rows older than before_ms (*n gets how many), and
	 * audit_anon rows older than that or MCP_ANON_KEEP_DAYS.
	 */
	enum mcp_err	(*audit_prune)(struct mcp_store *, int64_t before_ms,
			    int64_t *n);
	/*
	 * Workspaces and environments.  Every call names the workspace it
	 * works in; an id of another workspace is MCP_ERR_NOTFOUND, exactly
	 * like one that does not exist.
	 */
	enum mcp_err	(*ws_put)(struct mcp_store *,
			    const struct mcp_workspace *);
	enum mcp_err	(*ws_get)(struct mcp_store *, const char *id,
			    struct mcp_workspace *);
	enum mcp_err	(*ws_rename)(struct mcp_store *, const char *id,
			    const char *name, int64_t now_ms);
	/* One page (lib/mcp.h) of ws's environments. */
	enum mcp_err	(*env_list)(struct mcp_store *, const char *ws,
			    const struct mcp_page *, mcp_env_cb, void *);
	enum mcp_err	(*env_get)(struct mcp_store *, const char *ws,
			    const char *id, struct mcp_environment *);
	/*
	 * MCP_ERR_CONFLICT: the name is taken in this workspace;
	 * MCP_ERR_QUOTA: the workspace holds max environments already
	 * (counted and inserted in one statement).
	 */
	enum mcp_err	(*env_put)(struct mcp_store *,
			    const struct mcp_environment *, int64_t max);
	enum mcp_err	(*env_update)(struct mcp_store *,
			    const struct mcp_environment *);
	/*
	 * MCP_ERR_NOTEMPTY when organizations exist and !force; with force
	 * they go too, in the same transaction.  *orgs: how many.
	 */
	enum mcp_err	(*env_delete)(struct mcp_store *, const char *ws,
			    const char *id, int force, int64_t *orgs);
	/* Organizations and templates, likewise scoped to ws. */
	enum mcp_err	(*org_list)(struct mcp_store *, const char *ws,
			    const struct mcp_org_query *, mcp_org_cb, void *);
	enum mcp_err	(*org_get)(struct mcp_store *, const char *ws,
			    const char *id, struct mcp_org *);
	/*
	 * In one transaction: the environment (and template, if any) must
	 * be ws's (else MCP_ERR_NOTFOUND); CONFLICT for a taken external id;
	 * QUOTA when the workspace holds max organizations already.
	 */
	enum mcp_err	(*org_put)(struct mcp_store *, const struct mcp_org *,
			    int64_t max);
	/*
	 * n organizations of one environment (and workspace) in one
	 * transaction; out[i] is each one's outcome: MCP_OK, CONFLICT (a
	 * taken external id: skipped) or QUOTA (it and those after it not
	 * made).  The call's own error (the environment not ws's: NOTFOUND;
	 * the store) leaves nothing written.
	 */
	enum mcp_err	(*org_put_many)(struct mcp_store *,
			    const struct mcp_org *, size_t n, int64_t max,
			    enum mcp_err *out);
	enum mcp_err	(*org_update)(struct mcp_store *,
			    const struct mcp_org *);
	enum mcp_err	(*org_delete)(struct mcp_store *, const char *ws,
			    const char *id);
	enum mcp_err	(*tpl_list)(struct mcp_store *, const char *ws,
			    const struct mcp_page *, mcp_tpl_cb, void *);
	enum mcp_err	(*tpl_get)(struct mcp_store *, const char *ws,
			    const char *id, struct mcp_template *);
	/* Likewise CONFLICT for a taken name, QUOTA past max. */
	enum mcp_err	(*tpl_put)(struct mcp_store *,
			    const struct mcp_template *, int64_t max);
	/*
	 * The server's own key for purpose name (MCP_SECRET_*): read, or
	 * made from MCP_SECRET_LEN random bytes by the first caller, so that
	 * every process (and every host of a shared store) holds the same.
	 */
	enum mcp_err	(*secret)(struct mcp_store *, const char *name,
			    unsigned char out[MCP_SECRET_LEN]);
	/*
	 * Tasks (2026-07-28 tasks extension).  task_put() first drops the
	 * expired ones; MCP_ERR_BUSY when the owner already has max live
	 * ones, or the store MCP_TASK_ROWS live ones.  task_get() reads one of (endpoint, owner): another owner's
	 * is MCP_ERR_NOTFOUND, like one that does not exist or expired.
	 * task_edit() reads it likewise and hands it to fn inside one write
	 * transaction; when fn returns 1 the task is written back.  The
	 * strings of a task read are the caller's (mcp_task_clear()).
	 */
	enum mcp_err	(*task_put)(struct mcp_store *, const struct mcp_task *,
			    int max);
	enum mcp_err	(*task_get)(struct mcp_store *, const char *endpoint,
			    const char *owner, const char *id, int64_t now_ms,
			    struct mcp_task *);
	enum mcp_err	(*task_edit)(struct mcp_store *, const char *endpoint,
			    const char *owner, const char *id, int64_t now_ms,
			    mcp_task_fn, void *);
	/* tools/call usage per tool, from the audit trail. */
	enum mcp_err	(*audit_usage)(struct mcp_store *,
			    const struct mcp_usage_query *, mcp_usage_cb,
			    void *);
	/*
	 * Wake-ups for new events: a descriptor that becomes readable when
	 * any process of any host added an event (-1: the engine has none,
	 * and the caller polls event_scan), and what to call when it did,
	 * before the next event_scan.
	 */
	int		(*events_fd)(struct mcp_store *);
	void		(*events_woken)(struct mcp_store *);
};

struct mcp_store {
	const struct mcp_store_ops	*ops;
};

/*
 * Opens a connection to the store at path, creating and migrating the
 * schema on first use.  Returns NULL and writes err on failure.  Close
 * with store->ops->close(store).  A path that mcp_store_is_pg() accepts
 * is a PostgreSQL database (lib/store_pg.c), anything else an SQLite
 * file (lib/store_sqlite.c).
 */
struct mcp_store	*mcp_store_open(const char *path, char *err,
			    size_t errsz);
/* 1 for a postgresql:// or postgres:// URL or a libpq "key=value" string. */
int			 mcp_store_is_pg(const char *path);

/* A PostgreSQL path must parse and hold no password; 0, or -1 with why. */
int			 mcp_store_check(const char *path, char *why,
			    size_t whysz);

/*
 * Copies the SQLite store at from into the empty PostgreSQL store to, in
 * one transaction (lib/store_copy.c); cb hears each table's row count.
 * 0, or -1 with err (nothing copied).
 */
typedef void		(*mcp_copy_cb)(void *, const char *table,
			    int64_t rows);
int			 mcp_store_copy(const char *from, const char *to,
			    mcp_copy_cb, void *, char *err, size_t errsz);

/* The engines' own opens, for mcp_store_open() alone. */
struct mcp_store	*sqlite_store_open(const char *, char *, size_t);
struct mcp_store	*pg_store_open(const char *, char *, size_t);

#endif /* MCP_STORE_H */
