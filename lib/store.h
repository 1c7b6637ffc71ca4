/*
 * store.h: the shared state every process of an endpoint sees: sessions,
 * answers to server-to-client requests, cancellations, subscriptions.
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

struct mcp_session {
	char		id[MCP_SESSION_ID_LEN + 1];
	char		version[16];	/* negotiated revision */
	char		owner[256];	/* identity that created it; "" if none */
	int		log_level;	/* -1 when logging/setLevel never came */
	char		caps[2048];	/* client capabilities, JSON text */
	int64_t		created;
	int64_t		seen;
};

struct mcp_store;

struct mcp_store_ops {
	void		(*close)(struct mcp_store *);
	enum mcp_err	(*session_put)(struct mcp_store *,
			    const struct mcp_session *);
	/* MCP_ERR_SESSION when missing or idle since before `idle_before`. */
	enum mcp_err	(*session_get)(struct mcp_store *, const char *id,
			    int64_t idle_before, struct mcp_session *);
	enum mcp_err	(*session_touch)(struct mcp_store *, const char *id,
			    int64_t now);
	enum mcp_err	(*session_level)(struct mcp_store *, const char *id,
			    int level);
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
	enum mcp_err	(*cancel_add)(struct mcp_store *, const char *sid,
			    const char *rid, int64_t now);
	/* 1 if cancelled, 0 if not, -1 on error. */
	int		(*cancelled)(struct mcp_store *, const char *sid,
			    const char *rid);
	enum mcp_err	(*subscribe)(struct mcp_store *, const char *sid,
			    const char *uri, int on);
};

struct mcp_store {
	const struct mcp_store_ops	*ops;
};

/*
 * Opens a connection to the store at path, creating and migrating the
 * schema on first use.  Returns NULL and writes err on failure.  Close
 * with store->ops->close(store).
 */
struct mcp_store	*mcp_store_open(const char *path, char *err,
			    size_t errsz);

#endif /* MCP_STORE_H */
