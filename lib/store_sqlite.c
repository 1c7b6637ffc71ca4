/*
 * store_sqlite.c: the embedded store.  One database file under var/ in WAL
 * mode, shared by every FastCGI process and thread of an endpoint; each
 * thread holds its own connection with its statements prepared once.
 * Parameters are always bound, never formatted into SQL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_schema.h"
#include "store_sqlite.h"

#define BUSY_MS		5000
#define WAL_CHECKPOINT	1000	/* pages, as SQLite's own default */

enum stmt {
	S_SESS_PUT,
	S_SESS_INIT,
	S_SESS_GET,
	S_SESS_TOUCH,
	S_SESS_LEVEL,
	S_SESS_DEL,
	S_SESS_EXPIRE,
	S_SESS_EVICT,
	S_PEND_ADD,
	S_PEND_ANSWER,
	S_PEND_TAKE,
	S_PEND_DROP,
	S_CANCEL_ADD,
	S_CANCELLED,
	S_CANCEL_PRUNE,
	S_CANCEL_TRIM,
	S_CANCEL_TRIM_ALL,
	S_SUB_ON,
	S_SUB_OFF,
	S_SUB_HAS,
	S_NOTICE_ADD,
	S_NOTICE_EVENT,
	S_NOTICE_HI,
	S_NOTICE_TAKE,
	S_REVOKED,
	S_CLIENT_PUT,
	S_CLIENT_GET,
	S_CLIENT_LIST,
	S_FAIL_ADD,
	S_FAIL_COUNT,
	S_FAIL_PRUNE,
	S_FAIL_TRIM,
	S_KEY_PUT,
	S_KEY_LIST,
	S_KEY_DEL,
	S_AUDIT_ADD,
	S_AUDIT_ADD_MANY,
	S_AUDIT_SUM,
	S_AUDIT_REFUSED,
	S_AUDIT_USAGE,
	S_AUDIT_PRUNE,
	S_ANON_ADD,
	S_ANON_PRUNE,
	S_ANON_TRIM,
	S_WS_PUT,
	S_WS_GET,
	S_WS_RENAME,
	S_ENV_LIST,
	S_ENV_GET,
	S_ENV_PUT,
	S_ENV_UPDATE,
	S_ENV_ORGS,
	S_ENV_DEL_ORGS,
	S_ENV_DEL,
	S_ORG_LIST,
	S_ORG_LIST_ENV,
	S_ORG_GET,
	S_ORG_PUT,
	S_ORG_UPDATE,
	S_ORG_DEL,
	S_TPL_LIST,
	S_TPL_GET,
	S_TPL_PUT,
	S__MAX
};

/*
 * Audit rows go in AUDIT_MANY to a statement when there are that many:
 * SQLite opens the table's and the two indexes' cursors once per
 * statement, and a 16-row INSERT costs 2.9 us a row where 16 single-row
 * ones cost 5.2 us (measured with the audit schema on the development
 * machine).  The flusher writes every request's row, so this is a
 * responder's CPU under load.
 */
#define AUDIT_MANY	16
#define AUDIT_COLS	12
#define AUDIT_INSERT	"INSERT INTO audit (ts_ms, rid, iss, sub, client_id, " \
	"method, tool, scopes, outcome, status, latency_us, workspace) VALUES "
#define AUDIT_ROW	"(?,?,?,?,?,?,?,?,?,?,?,?)"
#define AUDIT_ROWS4	AUDIT_ROW "," AUDIT_ROW "," AUDIT_ROW "," AUDIT_ROW
/* S_AUDIT_ADD_MANY below spells out four AUDIT_ROWS4. */
_Static_assert(AUDIT_MANY == 4 * 4, "S_AUDIT_ADD_MANY holds 16 rows");

#define CLIENT_COLS	"id, name, scopes, workspace, secret_hash, salt, " \
	"created, revoked, kind, auth_method, redirect_uris, grant_types, " \
	"app_type, metadata, expires, used"

static const char *const sql[S__MAX] = {
	/* ord: the owner's sessions in the order they were made. */
	[S_SESS_PUT] = "INSERT INTO sessions (id, version, owner, log_level, "
	    "caps, created, seen, ord, legacy) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?6, CASE WHEN ?3 = '' THEN 0 ELSE (SELECT coalesce(max(ord), 0) + "
	    "1 FROM sessions WHERE owner = ?3) END, ?7)",
	[S_SESS_INIT] = "UPDATE sessions SET version = ?2, caps = ?3 WHERE "
	    "id = ?1",
	[S_SESS_GET] = "SELECT version, owner, log_level, caps, created, seen, "
	    "EXISTS (SELECT 1 FROM subscriptions WHERE session = ?1), "
	    "EXISTS (SELECT 1 FROM notices WHERE session = ?1), "
	    "listener, listener_open, listener_seen, legacy "
	    "FROM sessions WHERE id = ?1 AND seen >= ?2",
	[S_SESS_TOUCH] = "UPDATE sessions SET seen = ?2 WHERE id = ?1",
	[S_SESS_LEVEL] = "UPDATE sessions SET log_level = ?2 WHERE id = ?1",
	[S_SESS_DEL] = "DELETE FROM sessions WHERE id = ?1",
	[S_SESS_EXPIRE] = "DELETE FROM sessions WHERE seen < ?1",
	/*
	 * Keeps the new session ?2 and the owner's ?3 - 1 most recently
	 * seen (to within transport.c's TOUCH_EVERY; made later first).
	 */
	[S_SESS_EVICT] = "DELETE FROM sessions WHERE owner = ?1 AND id IN "
	    "(SELECT id FROM sessions WHERE owner = ?1 ORDER BY id = ?2 DESC, "
	    "seen DESC, ord DESC LIMIT -1 OFFSET ?3)",
	[S_PEND_ADD] = "INSERT OR REPLACE INTO pending (session, rid, "
	    "created, answer) VALUES (?1, ?2, ?3, NULL)",
	[S_PEND_ANSWER] = "UPDATE pending SET answer = ?3 WHERE session = ?1 "
	    "AND rid = ?2 AND answer IS NULL",
	[S_PEND_TAKE] = "DELETE FROM pending WHERE session = ?1 AND rid = ?2 "
	    "AND answer IS NOT NULL RETURNING answer",
	[S_PEND_DROP] = "DELETE FROM pending WHERE session = ?1 AND rid = ?2",
	[S_CANCEL_ADD] = "INSERT OR IGNORE INTO cancelled (session, rid, "
	    "created) VALUES (?1, ?2, ?3)",
	[S_CANCELLED] = "SELECT 1 FROM cancelled WHERE session = ?1 AND "
	    "rid = ?2",
	[S_CANCEL_PRUNE] = "DELETE FROM cancelled WHERE created < ?1",
	/* seq grows with every insert: the lowest are the oldest. */
	[S_CANCEL_TRIM] = "DELETE FROM cancelled WHERE session = ?1 AND "
	    "seq <= (SELECT seq FROM cancelled WHERE session = ?1 ORDER BY "
	    "seq DESC LIMIT 1 OFFSET ?2)",
	[S_CANCEL_TRIM_ALL] = "DELETE FROM cancelled WHERE seq <= (SELECT "
	    "max(seq) FROM cancelled) - ?1",
	[S_SUB_ON] = "INSERT OR IGNORE INTO subscriptions (session, uri, "
	    "workspace) SELECT ?1, ?2, ?4 WHERE (SELECT count(*) FROM "
	    "subscriptions WHERE session = ?1) < ?3",
	[S_SUB_HAS] = "SELECT 1 FROM subscriptions WHERE session = ?1 AND "
	    "uri = ?2",
	/*
	 * One notice per subscriber and message: re-reading is enough.  A
	 * subscriber whose listener is live gets an event there instead
	 * (S_NOTICE_EVENT, S_NOTICE_HI): each change is one.
	 */
	[S_NOTICE_ADD] = "INSERT INTO notices (session, message, created) "
	    "SELECT s.session, ?2, ?3 FROM subscriptions s WHERE s.uri = ?1 "
	    "AND s.workspace = ?4 AND NOT EXISTS (SELECT 1 FROM notices n "
	    "WHERE n.session = s.session AND n.message = ?2) AND NOT EXISTS "
	    "(SELECT 1 FROM sessions se JOIN streams t ON t.id = se.listener "
	    "WHERE se.id = s.session AND se.listener_seen >= ?3 - "
	    MCP_XSTR(MCP_LISTENER_GRACE) ")",
	[S_NOTICE_EVENT] = "INSERT INTO events (stream, session, seq, data, "
	    "last, created) SELECT t.id, t.session, t.hi + 1, ?2, 0, ?3 FROM "
	    "subscriptions s "
	    "JOIN sessions se ON se.id = s.session JOIN streams t ON t.id = "
	    "se.listener WHERE s.uri = ?1 AND s.workspace = ?4 AND "
	    "se.listener_seen >= ?3 - " MCP_XSTR(MCP_LISTENER_GRACE),
	[S_NOTICE_HI] = "UPDATE streams SET hi = hi + 1, touched = ?3 WHERE "
	    "id IN (SELECT se.listener FROM subscriptions s JOIN sessions se "
	    "ON se.id = s.session WHERE s.uri = ?1 AND s.workspace = ?4 AND "
	    "se.listener_seen >= ?3 - " MCP_XSTR(MCP_LISTENER_GRACE) ")",
	[S_NOTICE_TAKE] = "DELETE FROM notices WHERE session = ?1 "
	    "RETURNING seq, message",
	[S_SUB_OFF] = "DELETE FROM subscriptions WHERE session = ?1 AND "
	    "uri = ?2",
	[S_REVOKED] = "SELECT id FROM clients WHERE revoked > 0 UNION ALL "
	    "SELECT id FROM token_families WHERE revoked > 0",
	[S_CLIENT_PUT] = "INSERT OR REPLACE INTO clients (" CLIENT_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15, ?16)",
	[S_CLIENT_GET] = "SELECT " CLIENT_COLS " FROM clients WHERE id = ?1",
	[S_CLIENT_LIST] = "SELECT " CLIENT_COLS " FROM clients ORDER BY "
	    "created, id",
	/* A window that has ended starts again at ?3 with one failure. */
	[S_FAIL_ADD] = "INSERT INTO auth_failures (client, addr, start, count) "
	    "VALUES (?1, ?2, ?3, 1) ON CONFLICT (client, addr) DO UPDATE SET "
	    "start = CASE WHEN start <= ?3 - ?4 THEN ?3 ELSE start END, "
	    "count = CASE WHEN start <= ?3 - ?4 THEN 1 ELSE count + 1 END",
	[S_FAIL_COUNT] = "SELECT count, start FROM auth_failures WHERE "
	    "client = ?1 AND addr = ?2 AND start > ?3 - ?4",
	[S_FAIL_PRUNE] = "DELETE FROM auth_failures WHERE start <= ?1",
	/* Oldest windows first, and of one age a pair before an address. */
	[S_FAIL_TRIM] = "DELETE FROM auth_failures WHERE rowid IN (SELECT "
	    "rowid FROM auth_failures ORDER BY start, client = '' LIMIT "
	    "max(0, (SELECT count(*) FROM auth_failures) - ?1))",
	[S_KEY_PUT] = "INSERT OR REPLACE INTO signing_keys (kid, alg, created, "
	    "retired) VALUES (?1, ?2, ?3, ?4)",
	[S_KEY_LIST] = "SELECT kid, alg, created, retired FROM signing_keys "
	    "ORDER BY created DESC, kid",
	[S_KEY_DEL] = "DELETE FROM signing_keys WHERE kid = ?1",
	[S_AUDIT_ADD] = AUDIT_INSERT AUDIT_ROW,
	[S_AUDIT_ADD_MANY] = AUDIT_INSERT AUDIT_ROWS4 "," AUDIT_ROWS4 ","
	    AUDIT_ROWS4 "," AUDIT_ROWS4,
	[S_AUDIT_PRUNE] = "DELETE FROM audit WHERE ts_ms < ?1",
	[S_ANON_ADD] = "INSERT INTO audit_anon (ts_ms, addr, method, outcome, "
	    "status, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT "
	    "(ts_ms, addr, method, outcome, status) DO UPDATE SET count = "
	    "count + ?6",
	[S_ANON_PRUNE] = "DELETE FROM audit_anon WHERE ts_ms < ?1",
	[S_AUDIT_REFUSED] = "SELECT addr, method, outcome, status, sum(count) "
	    "FROM audit_anon WHERE ts_ms >= ?1 GROUP BY 1, 2, 3, 4 ORDER BY 5 "
	    "DESC, 1",
	/* A new (minute, ...) gets a higher seq: the lowest are oldest. */
	[S_ANON_TRIM] = "DELETE FROM audit_anon WHERE seq <= (SELECT "
	    "max(seq) FROM audit_anon) - ?1",
	[S_WS_PUT] = "INSERT INTO workspaces (id, name, created_ms, "
	    "updated_ms) VALUES (?1, ?2, ?3, ?4)",
	[S_WS_GET] = "SELECT name, created_ms, updated_ms FROM workspaces "
	    "WHERE id = ?1",
	[S_WS_RENAME] = "UPDATE workspaces SET name = ?2, updated_ms = ?3 "
	    "WHERE id = ?1",
	/*
	 * A workspace's environments and templates are found by the
	 * (workspace, name) index and sorted: workspace_max_environments
	 * and workspace_max_templates bound that work.
	 */
	[S_ENV_LIST] = "SELECT id, name, type, created_ms, updated_ms FROM "
	    "environments WHERE workspace = ?1 AND (created_ms, id) > "
	    "(?2, ?3) ORDER BY created_ms, id LIMIT ?4",
	[S_ENV_GET] = "SELECT id, name, type, created_ms, updated_ms FROM "
	    "environments WHERE workspace = ?1 AND id = ?2",
	/*
	 * The quota (?7) is read and the row inserted in one statement, so
	 * concurrent writers cannot pass it together; workspace_usage holds
	 * the count (migration 7's triggers).
	 */
	[S_ENV_PUT] = "INSERT INTO environments (id, workspace, name, type, "
	    "created_ms, updated_ms) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE "
	    "coalesce((SELECT n FROM workspace_usage WHERE "
	    "workspace = ?2 AND kind = 'env'), 0) < ?7",
	[S_ENV_UPDATE] = "UPDATE environments SET name = ?3, type = ?4, "
	    "updated_ms = ?5 WHERE workspace = ?1 AND id = ?2",
	[S_ENV_ORGS] = "SELECT count(*) FROM organizations WHERE environment "
	    "= ?1",
	[S_ENV_DEL_ORGS] = "DELETE FROM organizations WHERE environment = ?1",
	[S_ENV_DEL] = "DELETE FROM environments WHERE workspace = ?1 AND "
	    "id = ?2",
#define ORG_COLS "id, environment, name, coalesce(external_id, ''), " \
	    "metadata, coalesce(template, ''), created_ms, updated_ms"
	/*
	 * Two statements, so that each walks its index (workspace or
	 * environment, then created_ms, id) from the cursor on; an
	 * "?2 IS NULL OR ..." filter would defeat the index.
	 */
	[S_ORG_LIST] = "SELECT " ORG_COLS " FROM organizations WHERE "
	    "workspace = ?1 AND (?3 IS NULL OR substr(name, 1, length(?3)) = "
	    "?3) AND (created_ms, id) > (?4, ?5) "
	    "ORDER BY created_ms, id LIMIT ?6",
	[S_ORG_LIST_ENV] = "SELECT " ORG_COLS " FROM organizations "
	    "INDEXED BY organizations_env WHERE "
	    "environment = ?2 AND workspace = ?1 AND (?3 IS NULL OR "
	    "substr(name, 1, length(?3)) = ?3) AND (created_ms, id) > "
	    "(?4, ?5) ORDER BY created_ms, id LIMIT ?6",
	[S_ORG_GET] = "SELECT " ORG_COLS " FROM organizations WHERE "
	    "workspace = ?1 AND id = ?2",
	[S_ORG_PUT] = "INSERT INTO organizations (id, workspace, environment, "
	    "name, external_id, metadata, template, created_ms, updated_ms) "
	    "SELECT ?1, ?2, ?3, ?4, nullif(?5, ''), ?6, nullif(?7, ''), ?8, "
	    "?9 WHERE coalesce((SELECT n FROM workspace_usage WHERE "
	    "workspace = ?2 AND kind = 'org'), 0) < ?10",
	[S_ORG_UPDATE] = "UPDATE organizations SET name = ?3, external_id = "
	    "nullif(?4, ''), metadata = ?5, updated_ms = ?6 WHERE "
	    "workspace = ?1 AND id = ?2",
	[S_ORG_DEL] = "DELETE FROM organizations WHERE workspace = ?1 AND "
	    "id = ?2",
	[S_TPL_LIST] = "SELECT id, name, settings, created_ms, updated_ms "
	    "FROM org_templates WHERE workspace = ?1 AND (created_ms, id) > "
	    "(?2, ?3) ORDER BY created_ms, id LIMIT ?4",
	[S_TPL_GET] = "SELECT id, name, settings, created_ms, updated_ms "
	    "FROM org_templates WHERE workspace = ?1 AND id = ?2",
	[S_TPL_PUT] = "INSERT INTO org_templates (id, workspace, name, "
	    "settings, created_ms, updated_ms) SELECT ?1, ?2, ?3, ?4, ?5, ?6 "
	    "WHERE coalesce((SELECT n FROM workspace_usage WHERE "
	    "workspace = ?2 AND kind = 'tpl'), 0) < ?7",
	[S_AUDIT_USAGE] = "SELECT tool, count(*), sum(status >= 400 OR "
	    "outcome != 'ok'), CAST(avg(latency_us) AS INTEGER), "
	    "max(latency_us) FROM audit WHERE ts_ms >= ?1 AND ts_ms < ?2 AND "
	    "method = 'tools/call' AND tool != '' AND CASE WHEN ?3 != '' "
	    "THEN workspace = ?3 ELSE iss = ?4 AND sub = ?5 END "
	    "GROUP BY tool ORDER BY tool",
	[S_AUDIT_SUM] = "SELECT sub, client_id, method, tool, outcome, status, "
	    "count(*), CAST(avg(latency_us) AS INTEGER) FROM audit "
	    "WHERE ts_ms >= ?1 GROUP BY 1, 2, 3, 4, 5, 6 UNION ALL "
	    "SELECT '', '', method, '', outcome, status, sum(count), 0 FROM "
	    "audit_anon WHERE ts_ms >= ?1 GROUP BY 3, 5, 6 ORDER BY 7 DESC",
};

struct sqlite_store {
	struct mcp_store	 base;	/* first: the public part */
	sqlite3			*db;
	struct sqlite_wlock	 wl;	/* the writers' turnstile */
	struct sqlite_group	*g;	/* the process's writers of the file */
	int			 ckpt;	/* the WAL is due a checkpoint */
	sqlite3_stmt		*st[S__MAX];
	struct {			/* the area files' statements */
		const char	*sql;
		sqlite3_stmt	*st;
	}			 x[SQLITE_XSTMT_MAX];
};

static sqlite3_stmt *
prep(struct sqlite_store *s, enum stmt i)
{
	if (s->st[i] == NULL && sqlite3_prepare_v3(s->db, sql[i], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite prepare: %s",
		    sqlite3_errmsg(s->db));
		return NULL;
	}
	return s->st[i];
}

static void
done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Runs a statement that returns no rows; MCP_OK or MCP_ERR_STORE. */
static enum mcp_err
exec_stmt(struct sqlite_store *s, sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite step: %s",
		    sqlite3_errmsg(s->db));
		return MCP_ERR_STORE;
	}
	return MCP_OK;
}

#define S(p)	((struct sqlite_store *)(p))

sqlite3_stmt *
sqlite_prep(struct mcp_store *p, const char *text)
{
	size_t	 i, h = ((uintptr_t)text >> 3) % SQLITE_XSTMT_MAX;

	for (i = 0; i < SQLITE_XSTMT_MAX; i++, h = (h + 1) %
	    SQLITE_XSTMT_MAX) {
		if (S(p)->x[h].sql == text)
			return S(p)->x[h].st;
		if (S(p)->x[h].sql == NULL)
			break;
	}
	if (i == SQLITE_XSTMT_MAX) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite prepare: more than "
		    "%d area statements", SQLITE_XSTMT_MAX);
		return NULL;
	}
	if (sqlite3_prepare_v3(S(p)->db, text, -1, SQLITE_PREPARE_PERSISTENT,
	    &S(p)->x[h].st, NULL) != SQLITE_OK) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite prepare: %s",
		    sqlite3_errmsg(S(p)->db));
		S(p)->x[h].st = NULL;
		return NULL;
	}
	S(p)->x[h].sql = text;
	return S(p)->x[h].st;
}

void
sqlite_done(sqlite3_stmt *st)
{
	done(st);
}

enum mcp_err
sqlite_exec(struct mcp_store *p, sqlite3_stmt *st)
{
	return exec_stmt(S(p), st);
}

int
sqlite_changes(struct mcp_store *p)
{
	return sqlite3_changes(S(p)->db);
}

static enum mcp_err	tx_begin(struct mcp_store *, const char *);
static enum mcp_err	tx_end(struct mcp_store *, enum mcp_err, const char *);
static enum mcp_err	tx_run(struct mcp_store *, sqlite_job_fn, void *,
			    const char *);

/*
 * The insert and the eviction in one transaction, so that concurrent
 * initializes of one subject never leave more than max_owned.
 */
static enum mcp_err
session_put(struct mcp_store *p, const struct mcp_session *x, int max_owned,
    int *evicted)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	*evicted = 0;
	/* Without an owner there is nothing to evict: one statement. */
	if (x->owner[0] != '\0' && (e = tx_begin(p, "session_put begin")) !=
	    MCP_OK)
		return e;
	if ((st = prep(S(p), S_SESS_PUT)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	sqlite3_bind_text(st, 1, x->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, x->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, x->owner, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, x->log_level);
	sqlite3_bind_text(st, 5, x->caps, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, x->created);
	sqlite3_bind_int(st, 7, x->legacy);
	if ((e = exec_stmt(S(p), st)) != MCP_OK || x->owner[0] == '\0')
		goto out;
	if ((st = prep(S(p), S_SESS_EVICT)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	sqlite3_bind_text(st, 1, x->owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, x->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, max_owned);
	if ((e = exec_stmt(S(p), st)) == MCP_OK)
		*evicted = sqlite3_changes(S(p)->db);
out:
	return x->owner[0] != '\0' ? tx_end(p, e, "session_put commit") : e;
}

static void
copy_col(sqlite3_stmt *st, int col, char *dst, size_t sz)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	snprintf(dst, sz, "%s", t != NULL ? (const char *)t : "");
}

void
sqlite_copy_col(sqlite3_stmt *st, int col, char *dst, size_t sz)
{
	copy_col(st, col, dst, sz);
}

static enum mcp_err
session_get(struct mcp_store *p, const char *id, int64_t idle_before,
    struct mcp_session *x)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_SESS_GET)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, idle_before);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(x, 0, sizeof(*x));
		snprintf(x->id, sizeof(x->id), "%s", id);
		copy_col(st, 0, x->version, sizeof(x->version));
		copy_col(st, 1, x->owner, sizeof(x->owner));
		x->log_level = sqlite3_column_int(st, 2);
		copy_col(st, 3, x->caps, sizeof(x->caps));
		x->created = sqlite3_column_int64(st, 4);
		x->seen = sqlite3_column_int64(st, 5);
		x->subscribed = sqlite3_column_int(st, 6);
		x->notices = sqlite3_column_int(st, 7);
		copy_col(st, 8, x->listener, sizeof(x->listener));
		x->listener_open = sqlite3_column_int(st, 9);
		x->listener_seen = sqlite3_column_int64(st, 10);
		x->legacy = sqlite3_column_int(st, 11);
	}
	done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	if (rc == SQLITE_DONE)
		return MCP_ERR_SESSION;
	mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite session_get: %s",
	    sqlite3_errmsg(S(p)->db));
	return MCP_ERR_STORE;
}

static enum mcp_err
bind_exec(struct mcp_store *p, enum stmt i, const char *a, const char *b,
    int64_t n, int use_n)
{
	sqlite3_stmt	*st;

	if ((st = prep(S(p), i)) == NULL)
		return MCP_ERR_STORE;
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (use_n)
		sqlite3_bind_int64(st, b != NULL ? 3 : (a != NULL ? 2 : 1), n);
	return exec_stmt(S(p), st);
}

static enum mcp_err
session_touch(struct mcp_store *p, const char *id, int64_t now)
{
	return bind_exec(p, S_SESS_TOUCH, id, NULL, now, 1);
}

static enum mcp_err
session_init(struct mcp_store *p, const char *id, const char *version,
    const char *caps)
{
	sqlite3_stmt	*st;

	if ((st = prep(S(p), S_SESS_INIT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, caps, -1, SQLITE_STATIC);
	return exec_stmt(S(p), st);
}

static enum mcp_err
session_level(struct mcp_store *p, const char *id, int level)
{
	return bind_exec(p, S_SESS_LEVEL, id, NULL, level, 1);
}

static enum mcp_err
session_delete(struct mcp_store *p, const char *id)
{
	enum mcp_err	 e;

	if ((e = bind_exec(p, S_SESS_DEL, id, NULL, 0, 0)) != MCP_OK)
		return e;
	return sqlite3_changes(S(p)->db) > 0 ? MCP_OK : MCP_ERR_SESSION;
}

static enum mcp_err
session_expire(struct mcp_store *p, int64_t before)
{
	return bind_exec(p, S_SESS_EXPIRE, NULL, NULL, before, 1);
}

static enum mcp_err
pending_add(struct mcp_store *p, const char *sid, const char *rid,
    int64_t now)
{
	return bind_exec(p, S_PEND_ADD, sid, rid, now, 1);
}

static enum mcp_err
pending_answer(struct mcp_store *p, const char *sid, const char *rid,
    const char *json)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((st = prep(S(p), S_PEND_ANSWER)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
	if ((e = exec_stmt(S(p), st)) != MCP_OK)
		return e;
	return sqlite3_changes(S(p)->db) > 0 ? MCP_OK : MCP_ERR_SESSION;
}

static enum mcp_err
pending_take(struct mcp_store *p, const char *sid, const char *rid,
    char **json)
{
	sqlite3_stmt		*st;
	const unsigned char	*t;
	int			 rc;

	*json = NULL;
	if ((st = prep(S(p), S_PEND_TAKE)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (t = sqlite3_column_text(st, 0)) != NULL)
		*json = strdup((const char *)t);
	/* Step to completion so that the DELETE is applied. */
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	done(st);
	if (rc != SQLITE_DONE) {
		free(*json);
		*json = NULL;
		return MCP_ERR_STORE;
	}
	return MCP_OK;
}

static enum mcp_err
pending_drop(struct mcp_store *p, const char *sid, const char *rid)
{
	return bind_exec(p, S_PEND_DROP, sid, rid, 0, 0);
}

/*
 * A cancellation matters only while its request can still be running
 * (the caller says since when); past that, and past the per-session and
 * total counts of store.h, the oldest are dropped, so that a client
 * sending many cannot grow the store.
 */
static enum mcp_err
cancel_add(struct mcp_store *p, const char *sid, const char *rid,
    int64_t now, int64_t before)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = tx_begin(p, "cancel_add begin")) != MCP_OK)
		return e;
	if ((e = bind_exec(p, S_CANCEL_PRUNE, NULL, NULL, before, 1)) !=
	    MCP_OK || (e = bind_exec(p, S_CANCEL_ADD, sid, rid, now, 1)) !=
	    MCP_OK)
		goto out;
	if ((st = prep(S(p), S_CANCEL_TRIM)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, MCP_CANCEL_PER_SESSION);
	if ((e = exec_stmt(S(p), st)) == MCP_OK)
		e = bind_exec(p, S_CANCEL_TRIM_ALL, NULL, NULL,
		    MCP_CANCEL_ROWS, 1);
out:
	return tx_end(p, e, "cancel_add commit");
}

static int
cancelled(struct mcp_store *p, const char *sid, const char *rid)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_CANCELLED)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

static enum mcp_err
step_error(struct mcp_store *p, const char *what)
{
	mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite %s: %s", what,
	    sqlite3_errmsg(S(p)->db));
	return MCP_ERR_STORE;
}

/* A write's result, and MCP_ERR_NOTFOUND when it touched no row. */
static enum mcp_err
changed(struct mcp_store *p, enum mcp_err e)
{
	if (e != MCP_OK)
		return e;
	return sqlite3_changes(S(p)->db) > 0 ? MCP_OK : MCP_ERR_NOTFOUND;
}

static enum mcp_err
subscribe(struct mcp_store *p, const char *sid, const char *uri,
    const char *workspace, int on)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc;

	if (!on)
		return bind_exec(p, S_SUB_OFF, sid, uri, 0, 0);
	if ((st = prep(S(p), S_SUB_ON)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uri, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, MCP_SUBS_MAX);
	sqlite3_bind_text(st, 4, workspace, -1, SQLITE_STATIC);
	if ((e = exec_stmt(S(p), st)) != MCP_OK ||
	    sqlite3_changes(S(p)->db) > 0)
		return e;
	/* Nothing inserted: already there, or the session is at its limit. */
	if ((st = prep(S(p), S_SUB_HAS)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uri, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_PARAMS :
	    step_error(p, "subscribe");
}

/* The events before the streams' high marks move: both read hi. */
static enum mcp_err
notice_add(struct mcp_store *p, const char *workspace, const char *uri,
    const char *message, int64_t now)
{
	static const enum stmt	 steps[] = { S_NOTICE_ADD, S_NOTICE_EVENT,
				    S_NOTICE_HI };
	sqlite3_stmt		*st;
	enum mcp_err		 e;
	size_t			 i;

	if ((e = tx_begin(p, "notice_add begin")) != MCP_OK)
		return e;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && e == MCP_OK;
	    i++) {
		if ((st = prep(S(p), steps[i])) == NULL) {
			e = MCP_ERR_STORE;
			break;
		}
		sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, message, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_text(st, 4, workspace, -1, SQLITE_STATIC);
		e = exec_stmt(S(p), st);
	}
	return tx_end(p, e, "notice_add commit");
}

static int
seqcmp(const void *a, const void *b)
{
	const struct mcp_notice	*x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static enum mcp_err
notice_take(struct mcp_store *p, const char *sid, struct mcp_notice **out,
    size_t *n)
{
	sqlite3_stmt		*st;
	struct mcp_notice	*v = NULL, *nv;
	const unsigned char	*t;
	size_t			 len = 0, cap = 0;
	int			 rc, bad = 0;

	*out = NULL;
	*n = 0;
	if ((st = prep(S(p), S_NOTICE_TAKE)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_STATIC);
	/* Copied out whole: no network write while the statement is open. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (bad)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				bad = 1;
				continue;
			}
			v = nv;
		}
		t = sqlite3_column_text(st, 1);
		v[len].seq = sqlite3_column_int64(st, 0);
		if ((v[len].message = strdup(t != NULL ?
		    (const char *)t : "")) == NULL) {
			bad = 1;
			continue;
		}
		len++;
	}
	done(st);
	if (rc != SQLITE_DONE || bad) {
		mcp_notices_free(v, len);
		return rc != SQLITE_DONE ? step_error(p, "notice_take") :
		    MCP_ERR_NOMEM;
	}
	/* RETURNING promises no order; notices go out as they were made. */
	if (len > 1)
		qsort(v, len, sizeof(*v), seqcmp);
	*out = v;
	*n = len;
	return MCP_OK;
}

/* --- Auth --- */

/*
 * Starts a write transaction: the turnstile first (store_sqlite_wlock.c),
 * then SQLite's write lock, taken now rather than at the first write.
 */
static enum mcp_err
tx_begin(struct mcp_store *p, const char *what)
{
	if (sqlite_wlock_take(&S(p)->wl, BUSY_MS) == -1) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "sqlite %s: the writers' "
		    "turnstile stayed held for %d ms", what, BUSY_MS);
		return MCP_ERR_STORE;
	}
	if (sqlite3_exec(S(p)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		sqlite_wlock_give(&S(p)->wl);
		return step_error(p, what);
	}
	return MCP_OK;
}

/* Commits when e is MCP_OK, else rolls back; returns the outcome. */
static enum mcp_err
tx_end(struct mcp_store *p, enum mcp_err e, const char *what)
{
	if (sqlite3_exec(S(p)->db, e == MCP_OK ? "COMMIT" : "ROLLBACK", NULL,
	    NULL, NULL) != SQLITE_OK && e == MCP_OK) {
		sqlite3_exec(S(p)->db, "ROLLBACK", NULL, NULL, NULL);
		e = step_error(p, what);
	}
	sqlite_wlock_give(&S(p)->wl);
	sqlite_checkpoint(S(p)->db, &S(p)->ckpt);
	return e;
}

/*
 * Runs fn(self, arg) as a job of the process's group commit
 * (store_sqlite_group.c): in a transaction on the process's writer
 * connection, perhaps on another thread, and returns once it is
 * committed or undone.
 */
static enum mcp_err
tx_run(struct mcp_store *p, sqlite_job_fn fn, void *arg, const char *what)
{
	return sqlite_group_run(S(p)->g, fn, arg, BUSY_MS, what);
}

enum mcp_err
sqlite_error(struct mcp_store *p, const char *what)
{
	return step_error(p, what);
}

enum mcp_err
sqlite_tx_begin(struct mcp_store *p, const char *what)
{
	return tx_begin(p, what);
}

enum mcp_err
sqlite_tx_end(struct mcp_store *p, enum mcp_err e, const char *what)
{
	return tx_end(p, e, what);
}

static enum mcp_err
revoked_clients(struct mcp_store *p, char ***ids, size_t *n)
{
	sqlite3_stmt	*st;
	char		**v = NULL, **nv;
	size_t		  k = 0, i;
	int		  rc;

	*ids = NULL;
	*n = 0;
	if ((st = prep(S(p), S_REVOKED)) == NULL)
		return MCP_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((nv = reallocarray(v, k + 1, sizeof(*v))) == NULL)
			break;
		v = nv;
		if ((v[k] = strdup((const char *)sqlite3_column_text(st,
		    0))) == NULL)
			break;
		k++;
	}
	done(st);
	if (rc != SQLITE_DONE) {
		for (i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return step_error(p, "revoked_clients");
	}
	*ids = v;
	*n = k;
	return MCP_OK;
}

static enum mcp_err
client_put(struct mcp_store *p, const struct mcp_client *c)
{
	sqlite3_stmt	*st;

	if ((st = prep(S(p), S_CLIENT_PUT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->scopes, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->secret_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->salt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, c->created);
	sqlite3_bind_int64(st, 8, c->revoked);
	sqlite3_bind_text(st, 9, c->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, c->auth_method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, c->redirect_uris, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, c->grant_types, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, c->app_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, c->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, c->expires);
	sqlite3_bind_int64(st, 16, c->used);
	return exec_stmt(S(p), st);
}

static void
client_row(sqlite3_stmt *st, struct mcp_client *c)
{
	memset(c, 0, sizeof(*c));
	copy_col(st, 0, c->id, sizeof(c->id));
	copy_col(st, 1, c->name, sizeof(c->name));
	copy_col(st, 2, c->scopes, sizeof(c->scopes));
	copy_col(st, 3, c->workspace, sizeof(c->workspace));
	copy_col(st, 4, c->secret_hash, sizeof(c->secret_hash));
	copy_col(st, 5, c->salt, sizeof(c->salt));
	c->created = sqlite3_column_int64(st, 6);
	c->revoked = sqlite3_column_int64(st, 7);
	copy_col(st, 8, c->kind, sizeof(c->kind));
	copy_col(st, 9, c->auth_method, sizeof(c->auth_method));
	copy_col(st, 10, c->redirect_uris, sizeof(c->redirect_uris));
	copy_col(st, 11, c->grant_types, sizeof(c->grant_types));
	copy_col(st, 12, c->app_type, sizeof(c->app_type));
	copy_col(st, 13, c->metadata, sizeof(c->metadata));
	c->expires = sqlite3_column_int64(st, 14);
	c->used = sqlite3_column_int64(st, 15);
}

static enum mcp_err
client_get(struct mcp_store *p, const char *id, struct mcp_client *c)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_CLIENT_GET)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		client_row(st, c);
	done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    step_error(p, "client_get");
}

static enum mcp_err
client_list(struct mcp_store *p, mcp_client_cb cb, void *arg)
{
	struct mcp_client	 c;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = prep(S(p), S_CLIENT_LIST)) == NULL)
		return MCP_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		client_row(st, &c);
		cb(arg, &c);
	}
	done(st);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "client_list");
}

/* Counts one failure in the window of (client, addr). */
static enum mcp_err
fail_one(struct mcp_store *p, const char *client, const char *addr,
    int64_t now, int window)
{
	sqlite3_stmt	*st;

	if ((st = prep(S(p), S_FAIL_ADD)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, client, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, window);
	return exec_stmt(S(p), st);
}

static enum mcp_err
fail_add(struct mcp_store *p, const char *client, const char *addr,
    int64_t now, int window)
{
	enum mcp_err	 e;

	if ((e = tx_begin(p, "fail_add begin")) != MCP_OK)
		return e;
	if ((e = bind_exec(p, S_FAIL_PRUNE, NULL, NULL, now - window, 1)) ==
	    MCP_OK && (client[0] == '\0' || (e = fail_one(p, client, addr,
	    now, window)) == MCP_OK) && (e = fail_one(p, "", addr, now,
	    window)) == MCP_OK)
		e = bind_exec(p, S_FAIL_TRIM, NULL, NULL, MCP_FAIL_ROWS, 1);
	return tx_end(p, e, "fail_add commit");
}

static enum mcp_err
fail_count(struct mcp_store *p, const char *client, const char *addr,
    int64_t now, int window, int *n, int64_t *start)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	*start = now;
	if ((st = prep(S(p), S_FAIL_COUNT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, client, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, window);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		*start = sqlite3_column_int64(st, 1);
	}
	done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MCP_OK :
	    step_error(p, "fail_count");
}

static enum mcp_err
key_put(struct mcp_store *p, const struct mcp_signkey *k)
{
	sqlite3_stmt	*st;

	if ((st = prep(S(p), S_KEY_PUT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, k->kid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, k->alg, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, k->created);
	sqlite3_bind_int64(st, 4, k->retired);
	return exec_stmt(S(p), st);
}

static enum mcp_err
key_list(struct mcp_store *p, mcp_signkey_cb cb, void *arg)
{
	struct mcp_signkey	 k;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = prep(S(p), S_KEY_LIST)) == NULL)
		return MCP_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&k, 0, sizeof(k));
		copy_col(st, 0, k.kid, sizeof(k.kid));
		copy_col(st, 1, k.alg, sizeof(k.alg));
		k.created = sqlite3_column_int64(st, 2);
		k.retired = sqlite3_column_int64(st, 3);
		cb(arg, &k);
	}
	done(st);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "key_list");
}

static enum mcp_err
key_delete(struct mcp_store *p, const char *kid)
{
	return changed(p, bind_exec(p, S_KEY_DEL, kid, NULL, 0, 0));
}

/* Binds a's columns from parameter k + 1 on, in AUDIT_INSERT's order. */
static void
audit_bind(sqlite3_stmt *st, int k, const struct mcp_audit *a)
{
	sqlite3_bind_int64(st, k + 1, a->ts_ms);
	sqlite3_bind_text(st, k + 2, a->rid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, k + 3, a->iss ? a->iss : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, k + 4, a->sub ? a->sub : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, k + 5, a->client_id ? a->client_id : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, k + 6, a->method ? a->method : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, k + 7, a->tool ? a->tool : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, k + 8, a->scopes ? a->scopes : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, k + 9, a->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, k + 10, a->status);
	sqlite3_bind_int64(st, k + 11, a->latency_us);
	sqlite3_bind_text(st, k + 12, a->workspace ? a->workspace : "", -1,
	    SQLITE_STATIC);
}

static enum mcp_err
audit_add(struct mcp_store *p, const struct mcp_audit *const *a, size_t n)
{
	enum mcp_err	 e = MCP_OK;
	sqlite3_stmt	*st;
	size_t		 i = 0, j;

	if (n > 1 && (e = tx_begin(p, "audit begin")) != MCP_OK)
		return e;
	for (; n - i >= AUDIT_MANY && e == MCP_OK; i += AUDIT_MANY) {
		if ((st = prep(S(p), S_AUDIT_ADD_MANY)) == NULL) {
			e = MCP_ERR_STORE;
			break;
		}
		for (j = 0; j < AUDIT_MANY; j++)
			audit_bind(st, (int)j * AUDIT_COLS, a[i + j]);
		e = exec_stmt(S(p), st);
	}
	for (; i < n && e == MCP_OK; i++) {
		if ((st = prep(S(p), S_AUDIT_ADD)) == NULL) {
			e = MCP_ERR_STORE;
			break;
		}
		audit_bind(st, 0, a[i]);
		e = exec_stmt(S(p), st);
	}
	return n > 1 ? tx_end(p, e, "audit commit") : e;
}

/* One counter per minute: what was refused, from where, how often. */
static enum mcp_err
audit_anon_add(struct mcp_store *p, const struct mcp_audit *const *a,
    size_t n)
{
	enum mcp_err	 e;
	sqlite3_stmt	*st;
	size_t		 i;

	if (n == 0)
		return MCP_OK;
	if ((e = tx_begin(p, "audit_anon begin")) != MCP_OK)
		return e;
	for (i = 0; i < n && e == MCP_OK; i++) {
		if ((st = prep(S(p), S_ANON_ADD)) == NULL) {
			e = MCP_ERR_STORE;
			break;
		}
		sqlite3_bind_int64(st, 1, a[i]->ts_ms - a[i]->ts_ms % 60000);
		sqlite3_bind_text(st, 2, a[i]->addr ? a[i]->addr : "", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 3, a[i]->method ? a[i]->method : "", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 4, a[i]->outcome, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, a[i]->status);
		sqlite3_bind_int(st, 6, 1);
		e = exec_stmt(S(p), st);
	}
	if (e == MCP_OK && (e = bind_exec(p, S_ANON_PRUNE, NULL, NULL,
	    a[n - 1]->ts_ms - (int64_t)MCP_ANON_KEEP_DAYS * 86400 * 1000,
	    1)) == MCP_OK)
		e = bind_exec(p, S_ANON_TRIM, NULL, NULL, MCP_ANON_ROWS, 1);
	return tx_end(p, e, "audit_anon commit");
}

/* --- Workspaces and environments --- */

/* A failed step: a constraint is the caller's conflict, else the store. */
static enum mcp_err
step_result(struct mcp_store *p, int rc, const char *what)
{
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return MCP_OK;
	if ((sqlite3_extended_errcode(S(p)->db) & 0xff) == SQLITE_CONSTRAINT)
		return MCP_ERR_CONFLICT;
	return step_error(p, what);
}

/* An insert bounded by a quota: MCP_ERR_QUOTA when it added no row. */
static enum mcp_err
under_quota(struct mcp_store *p, enum mcp_err e)
{
	if (e != MCP_OK)
		return e;
	return sqlite3_changes(S(p)->db) > 0 ? MCP_OK : MCP_ERR_QUOTA;
}

/* Binds a page (lib/mcp.h) to parameters 2, 3 and 4. */
static void
bind_page(sqlite3_stmt *st, const struct mcp_page *pg)
{
	sqlite3_bind_int64(st, 2, pg->after_id != NULL ? pg->after_ms : -1);
	sqlite3_bind_text(st, 3, pg->after_id != NULL ? pg->after_id : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 4, pg->limit);
}

static enum mcp_err
ws_put(struct mcp_store *p, const struct mcp_workspace *w)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_WS_PUT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, w->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, w->created_ms);
	sqlite3_bind_int64(st, 4, w->updated_ms);
	rc = sqlite3_step(st);
	done(st);
	return step_result(p, rc, "ws_put");
}

static enum mcp_err
ws_get(struct mcp_store *p, const char *id, struct mcp_workspace *w)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_WS_GET)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(w, 0, sizeof(*w));
		snprintf(w->id, sizeof(w->id), "%s", id);
		copy_col(st, 0, w->name, sizeof(w->name));
		w->created_ms = sqlite3_column_int64(st, 1);
		w->updated_ms = sqlite3_column_int64(st, 2);
	}
	done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND : step_error(p, "ws_get");
}

static enum mcp_err
ws_rename(struct mcp_store *p, const char *id, const char *name,
    int64_t now_ms)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_WS_RENAME)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	rc = sqlite3_step(st);
	done(st);
	return changed(p, rc == SQLITE_DONE ? MCP_OK :
	    step_error(p, "ws_rename"));
}

/* Row readers: (statement, workspace, object to fill). */
typedef void	(*row_fn)(sqlite3_stmt *, const char *, void *);

static void
env_row(sqlite3_stmt *st, const char *ws, void *out)
{
	struct mcp_environment	*e = out;

	memset(e, 0, sizeof(*e));
	copy_col(st, 0, e->id, sizeof(e->id));
	snprintf(e->workspace, sizeof(e->workspace), "%s", ws);
	copy_col(st, 1, e->name, sizeof(e->name));
	copy_col(st, 2, e->type, sizeof(e->type));
	e->created_ms = sqlite3_column_int64(st, 3);
	e->updated_ms = sqlite3_column_int64(st, 4);
}

/*
 * Reads the one row statement i finds for (ws, id) into out (row NULL:
 * only whether it exists); an id of another workspace is
 * MCP_ERR_NOTFOUND like a missing one.
 */
static enum mcp_err
get_in_ws(struct mcp_store *p, enum stmt i, const char *ws, const char *id,
    row_fn row, void *out, const char *what)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), i)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && row != NULL)
		row(st, ws, out);
	done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND : step_error(p, what);
}

static enum mcp_err
env_list(struct mcp_store *p, const char *ws, const struct mcp_page *pg,
    mcp_env_cb cb, void *arg)
{
	struct mcp_environment	 e;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = prep(S(p), S_ENV_LIST)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
	bind_page(st, pg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		env_row(st, ws, &e);
		cb(arg, &e);
	}
	done(st);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "env_list");
}

static enum mcp_err
env_get(struct mcp_store *p, const char *ws, const char *id,
    struct mcp_environment *e)
{
	return get_in_ws(p, S_ENV_GET, ws, id, env_row, e, "env_get");
}

static enum mcp_err
env_put(struct mcp_store *p, const struct mcp_environment *e, int64_t max)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_ENV_PUT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, e->created_ms);
	sqlite3_bind_int64(st, 6, e->updated_ms);
	sqlite3_bind_int64(st, 7, max);
	rc = sqlite3_step(st);
	done(st);
	return under_quota(p, step_result(p, rc, "env_put"));
}

static enum mcp_err
env_update(struct mcp_store *p, const struct mcp_environment *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_ENV_UPDATE)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, e->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, e->updated_ms);
	rc = sqlite3_step(st);
	done(st);
	return changed(p, step_result(p, rc, "env_update"));
}

/* The count, the optional cascade and the delete in one transaction. */
static enum mcp_err
env_delete(struct mcp_store *p, const char *ws, const char *id, int force,
    int64_t *orgs)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc;

	*orgs = 0;
	if ((e = tx_begin(p, "env_delete begin")) != MCP_OK)
		return e;
	if ((e = get_in_ws(p, S_ENV_GET, ws, id, NULL, NULL,
	    "env_delete get")) != MCP_OK)
		goto out;
	if ((st = prep(S(p), S_ENV_ORGS)) == NULL) {
		e = MCP_ERR_STORE;
		goto out;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*orgs = sqlite3_column_int64(st, 0);
	done(st);
	if (rc != SQLITE_ROW) {
		e = step_error(p, "env_delete count");
		goto out;
	}
	if (*orgs > 0 && !force) {
		e = MCP_ERR_NOTEMPTY;
		goto out;
	}
	if ((e = bind_exec(p, S_ENV_DEL_ORGS, id, NULL, 0, 0)) == MCP_OK)
		e = bind_exec(p, S_ENV_DEL, ws, id, 0, 0);
out:
	return tx_end(p, e, "env_delete commit");
}

/* --- Organizations and templates --- */

static void
org_row(sqlite3_stmt *st, const char *ws, void *out)
{
	struct mcp_org	*o = out;

	memset(o, 0, sizeof(*o));
	copy_col(st, 0, o->id, sizeof(o->id));
	snprintf(o->workspace, sizeof(o->workspace), "%s", ws);
	copy_col(st, 1, o->environment, sizeof(o->environment));
	copy_col(st, 2, o->name, sizeof(o->name));
	copy_col(st, 3, o->external_id, sizeof(o->external_id));
	copy_col(st, 4, o->metadata, sizeof(o->metadata));
	copy_col(st, 5, o->template_id, sizeof(o->template_id));
	o->created_ms = sqlite3_column_int64(st, 6);
	o->updated_ms = sqlite3_column_int64(st, 7);
}

static enum mcp_err
org_list(struct mcp_store *p, const char *ws, const struct mcp_org_query *q,
    mcp_org_cb cb, void *arg)
{
	struct mcp_org	*o;
	sqlite3_stmt	*st;
	int		 rc;

	if ((o = malloc(sizeof(*o))) == NULL)
		return MCP_ERR_NOMEM;
	if ((st = prep(S(p), q->environment != NULL ? S_ORG_LIST_ENV :
	    S_ORG_LIST)) == NULL) {
		free(o);
		return MCP_ERR_STORE;
	}
	sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
	if (q->environment != NULL)
		sqlite3_bind_text(st, 2, q->environment, -1, SQLITE_STATIC);
	if (q->name_prefix != NULL)
		sqlite3_bind_text(st, 3, q->name_prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, q->after_id != NULL ? q->after_ms : -1);
	sqlite3_bind_text(st, 5, q->after_id != NULL ? q->after_id : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 6, q->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		org_row(st, ws, o);
		cb(arg, o);
	}
	done(st);
	free(o);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "org_list");
}

static enum mcp_err
org_get(struct mcp_store *p, const char *ws, const char *id,
    struct mcp_org *o)
{
	return get_in_ws(p, S_ORG_GET, ws, id, org_row, o, "org_get");
}

/* One organization, in the caller's transaction. */
static enum mcp_err
org_insert(struct mcp_store *p, const struct mcp_org *o, int64_t max)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_ORG_PUT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, o->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->environment, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->external_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, o->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, o->template_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, o->created_ms);
	sqlite3_bind_int64(st, 9, o->updated_ms);
	sqlite3_bind_int64(st, 10, max);
	rc = sqlite3_step(st);
	done(st);
	return under_quota(p, step_result(p, rc, "org_put"));
}

/* The environment and template must be the caller's own. */
static enum mcp_err
org_refs(struct mcp_store *p, const struct mcp_org *o)
{
	enum mcp_err	 e;

	if ((e = get_in_ws(p, S_ENV_GET, o->workspace, o->environment, NULL,
	    NULL, "org_put env")) != MCP_OK)
		return e;
	if (o->template_id[0] != '\0')
		return get_in_ws(p, S_TPL_GET, o->workspace, o->template_id,
		    NULL, NULL, "org_put template");
	return MCP_OK;
}

struct org_put_job {
	const struct mcp_org	*o;
	int64_t			 max;
};

static enum mcp_err
org_put_job(void *self, void *arg)
{
	struct org_put_job	*j = arg;
	enum mcp_err		 e;

	if ((e = org_refs(self, j->o)) == MCP_OK)
		e = org_insert(self, j->o, j->max);
	return e;
}

static enum mcp_err
org_put(struct mcp_store *p, const struct mcp_org *o, int64_t max)
{
	struct org_put_job	 j = { o, max };

	return tx_run(p, org_put_job, &j, "org_put");
}

/*
 * A batch in one transaction: a taken external id skips its row, the
 * quota stops the batch there (the rows before it stay), anything else
 * undoes the whole batch.
 */
static enum mcp_err
org_put_many(struct mcp_store *p, const struct mcp_org *o, size_t n,
    int64_t max, enum mcp_err *out)
{
	enum mcp_err	 e;
	size_t		 i;

	for (i = 0; i < n; i++)
		out[i] = MCP_ERR_QUOTA;
	if (n == 0)
		return MCP_OK;
	if ((e = tx_begin(p, "org_put_many begin")) != MCP_OK)
		return e;
	/* Nothing written: the refusal itself is the answer. */
	if ((e = org_refs(p, &o[0])) != MCP_OK) {
		tx_end(p, e, "org_put_many refs");
		return e;
	}
	for (i = 0; i < n; i++) {
		out[i] = org_insert(p, &o[i], max);
		if (out[i] == MCP_ERR_QUOTA)
			break;
		if (out[i] != MCP_OK && out[i] != MCP_ERR_CONFLICT)
			return tx_end(p, out[i], "org_put_many");
	}
	return tx_end(p, MCP_OK, "org_put_many commit");
}

static enum mcp_err
org_update(struct mcp_store *p, const struct mcp_org *o)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_ORG_UPDATE)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, o->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->external_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, o->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, o->updated_ms);
	rc = sqlite3_step(st);
	done(st);
	return changed(p, step_result(p, rc, "org_update"));
}

static enum mcp_err
org_delete(struct mcp_store *p, const char *ws, const char *id)
{
	return changed(p, bind_exec(p, S_ORG_DEL, ws, id, 0, 0));
}

static void
tpl_row(sqlite3_stmt *st, const char *ws, void *out)
{
	struct mcp_template	*t = out;

	memset(t, 0, sizeof(*t));
	copy_col(st, 0, t->id, sizeof(t->id));
	snprintf(t->workspace, sizeof(t->workspace), "%s", ws);
	copy_col(st, 1, t->name, sizeof(t->name));
	copy_col(st, 2, t->settings, sizeof(t->settings));
	t->created_ms = sqlite3_column_int64(st, 3);
	t->updated_ms = sqlite3_column_int64(st, 4);
}

static enum mcp_err
tpl_list(struct mcp_store *p, const char *ws, const struct mcp_page *pg,
    mcp_tpl_cb cb, void *arg)
{
	struct mcp_template	*t;
	sqlite3_stmt		*st;
	int			 rc;

	if ((t = malloc(sizeof(*t))) == NULL)
		return MCP_ERR_NOMEM;
	if ((st = prep(S(p), S_TPL_LIST)) == NULL) {
		free(t);
		return MCP_ERR_STORE;
	}
	sqlite3_bind_text(st, 1, ws, -1, SQLITE_STATIC);
	bind_page(st, pg);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tpl_row(st, ws, t);
		cb(arg, t);
	}
	done(st);
	free(t);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "tpl_list");
}

static enum mcp_err
tpl_get(struct mcp_store *p, const char *ws, const char *id,
    struct mcp_template *t)
{
	return get_in_ws(p, S_TPL_GET, ws, id, tpl_row, t, "tpl_get");
}

static enum mcp_err
tpl_put(struct mcp_store *p, const struct mcp_template *t, int64_t max)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_TPL_PUT)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, t->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->settings, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t->created_ms);
	sqlite3_bind_int64(st, 6, t->updated_ms);
	sqlite3_bind_int64(st, 7, max);
	rc = sqlite3_step(st);
	done(st);
	return under_quota(p, step_result(p, rc, "tpl_put"));
}

static enum mcp_err
audit_prune(struct mcp_store *p, int64_t before_ms, int64_t *n)
{
	enum mcp_err	 e;
	int64_t		 anon_ms;

	if ((e = bind_exec(p, S_AUDIT_PRUNE, NULL, NULL, before_ms, 1)) !=
	    MCP_OK)
		return e;
	*n = sqlite3_changes(S(p)->db);
	/* Counts of refused requests: MCP_ANON_KEEP_DAYS at most. */
	anon_ms = ((int64_t)time(NULL) - (int64_t)MCP_ANON_KEEP_DAYS *
	    86400) * 1000;
	return bind_exec(p, S_ANON_PRUNE, NULL, NULL, anon_ms > before_ms ?
	    anon_ms : before_ms, 1);
}

static enum mcp_err
audit_usage(struct mcp_store *p, const struct mcp_usage_query *q,
    mcp_usage_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = prep(S(p), S_AUDIT_USAGE)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_int64(st, 1, q->since_ms);
	sqlite3_bind_int64(st, 2, q->until_ms);
	sqlite3_bind_text(st, 3, q->workspace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, q->iss, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, q->sub, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
	done(st);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "audit_usage");
}

/* Statement i's rows since since_ms, ncols text columns each, to cb. */
static enum mcp_err
audit_rows(struct mcp_store *p, enum stmt i, int ncols, int64_t since_ms,
    mcp_audit_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	const char	*cols[8];
	int		 rc, k;

	if ((st = prep(S(p), i)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_int64(st, 1, since_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (k = 0; k < ncols && k < 8; k++) {
			cols[k] = (const char *)sqlite3_column_text(st, k);
			if (cols[k] == NULL)
				cols[k] = "";
		}
		cb(arg, cols, (size_t)k);
	}
	done(st);
	return rc == SQLITE_DONE ? MCP_OK : step_error(p, "audit query");
}

static enum mcp_err
audit_summary(struct mcp_store *p, int64_t since_ms, mcp_audit_cb cb,
    void *arg)
{
	return audit_rows(p, S_AUDIT_SUM, 8, since_ms, cb, arg);
}

static enum mcp_err
audit_refused(struct mcp_store *p, int64_t since_ms, mcp_audit_cb cb,
    void *arg)
{
	return audit_rows(p, S_AUDIT_REFUSED, 5, since_ms, cb, arg);
}

static void
store_close(struct mcp_store *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < S__MAX; i++)
		sqlite3_finalize(S(p)->st[i]);
	for (i = 0; i < SQLITE_XSTMT_MAX; i++)
		sqlite3_finalize(S(p)->x[i].st);
	sqlite3_close(S(p)->db);
	sqlite_wlock_close(&S(p)->wl);
	sqlite_group_put(S(p)->g);
	free(p);
}

/* SQLite has no wake-ups: the streams thread polls event_scan. */
static int
events_fd(struct mcp_store *p)
{
	(void)p;
	return -1;
}

static void
events_woken(struct mcp_store *p)
{
	(void)p;
}

static const struct mcp_store_ops ops = {
	.close = store_close,
	.events_fd = events_fd,
	.events_woken = events_woken,
	.session_put = session_put,
	.session_get = session_get,
	.session_touch = session_touch,
	.session_level = session_level,
	.session_delete = session_delete,
	.session_expire = session_expire,
	.pending_add = pending_add,
	.pending_answer = pending_answer,
	.pending_take = pending_take,
	.pending_drop = pending_drop,
	.cancel_add = cancel_add,
	.cancelled = cancelled,
	.subscribe = subscribe,
	.session_init = session_init,
	.notice_add = notice_add,
	.notice_take = notice_take,
	.stream_open = sqlite_stream_open,
	.event_add = sqlite_event_add,
	.stream_get = sqlite_stream_get,
	.event_replay = sqlite_event_replay,
	.event_scan = sqlite_event_scan,
	.event_top = sqlite_event_top,
	.listener_claim = sqlite_listener_claim,
	.listener_beat = sqlite_listener_beat,
	.listener_close = sqlite_listener_close,
	.revoked_clients = revoked_clients,
	.client_put = client_put,
	.client_get = client_get,
	.client_list = client_list,
	.client_register = sqlite_client_register,
	.client_used = sqlite_client_used,
	.regtoken_put = sqlite_regtoken_put,
	.regtoken_use = sqlite_regtoken_use,
	.code_put = sqlite_code_put,
	.code_take = sqlite_code_take,
	.family_put = sqlite_family_put,
	.family_get = sqlite_family_get,
	.family_revoke = sqlite_family_revoke,
	.refresh_put = sqlite_refresh_put,
	.refresh_take = sqlite_refresh_take,
	.user_put = sqlite_user_put,
	.user_get = sqlite_user_get,
	.user_list = sqlite_user_list,
	.websess_put = sqlite_websess_put,
	.websess_get = sqlite_websess_get,
	.grant_put = sqlite_grant_put,
	.grant_list = sqlite_grant_list,
	.grant_revoke = sqlite_grant_revoke,
	.fail_add = fail_add,
	.fail_count = fail_count,
	.key_put = key_put,
	.key_list = key_list,
	.key_delete = key_delete,
	.audit_add = audit_add,
	.audit_anon_add = audit_anon_add,
	.audit_summary = audit_summary,
	.audit_refused = audit_refused,
	.audit_usage = audit_usage,
	.audit_prune = audit_prune,
	.ws_put = ws_put,
	.ws_get = ws_get,
	.ws_rename = ws_rename,
	.env_list = env_list,
	.env_get = env_get,
	.env_put = env_put,
	.env_update = env_update,
	.env_delete = env_delete,
	.org_list = org_list,
	.org_get = org_get,
	.org_put = org_put,
	.org_put_many = org_put_many,
	.org_update = org_update,
	.org_delete = org_delete,
	.tpl_list = tpl_list,
	.tpl_get = tpl_get,
	.tpl_put = tpl_put,
	.secret = sqlite_secret,
	.task_put = sqlite_task_put,
	.task_get = sqlite_task_get,
	.task_edit = sqlite_task_edit,
};

/* The schema version the store records (0 for a new file). */
static int
schema_version(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 v = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/*
 * Brings the schema to SCHEMA_VERSION, applying the migrations of
 * store_schema.c in one transaction.  A store already there is only
 * read: a process (a CGI request's, say) starts while another holds the
 * write lock, and what it then writes meets the busy timeout like any
 * write.  Otherwise the version is read again under the write lock,
 * since another process may have migrated meanwhile.
 */
static int
migrate(sqlite3 *db, char *err, size_t errsz)
{
	char		*msg = NULL, *text;
	int		 v, i, rc;

	if (schema_version(db) == SCHEMA_VERSION)
		return 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	v = schema_version(db);
	if (v > SCHEMA_VERSION) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, errsz, "store schema version %d is newer than "
		    "this program (%d)", v, SCHEMA_VERSION);
		return -1;
	}
	for (i = v + 1; i <= SCHEMA_VERSION; i++) {
		if ((text = schema_render(SCHEMA_SQLITE, i)) == NULL) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			snprintf(err, errsz, "store migration %d: out of "
			    "memory", i);
			return -1;
		}
		rc = sqlite3_exec(db, text, NULL, NULL, &msg);
		free(text);
		if (rc != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	if (v < SCHEMA_VERSION) {
		char	 q[64];

		snprintf(q, sizeof(q), "PRAGMA user_version = %d",
		    SCHEMA_VERSION);
		if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errsz, "store migration: %s",
	    msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

/*
 * SQLite's own checkpoints run inside the COMMIT that fills the WAL past
 * WAL_CHECKPOINT pages: inside the turnstile, when the commit ends a
 * transaction, where every writer of every process would wait for its
 * fsync.  This hook replaces them: a commit outside the turnstile (a
 * single statement) checkpoints at once, as SQLite would; one inside
 * only notes that one is due, and sqlite_checkpoint() runs it once the
 * turnstile is given.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct sqlite_store	*s = arg;

	(void)name;
	if (pages < WAL_CHECKPOINT)
		return SQLITE_OK;
	s->ckpt = 1;
	if (!s->wl.held)
		sqlite_checkpoint(db, &s->ckpt);
	return SQLITE_OK;
}

void
sqlite_checkpoint(sqlite3 *db, int *due)
{
	if (!*due)
		return;
	*due = 0;
	/* PASSIVE: writers go on; another checkpoint under way is enough. */
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
	    NULL);
}

static int	writer_open(const char *, struct sqlite_lead *, char *,
		    size_t);
static void	writer_close(void *);

/* What a connection leads the group with. */
static struct sqlite_lead
lead_of(struct sqlite_store *s)
{
	return (struct sqlite_lead){ s->db, &s->wl, &s->ckpt, s };
}

/* A connection to path, migrated; the group's writer when !grouped. */
static struct sqlite_store *
store_open(const char *path, int grouped, char *err, size_t errsz)
{
	struct sqlite_store	*s;
	struct sqlite_lead	 own;
	char			*msg = NULL;
	int			 fd;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->base.ops = &ops;
	/*
	 * The file holds every tenant's data, session ids and the audit
	 * trail: created here 0600 (SQLite would make it 0644), and SQLite
	 * gives its -wal and -shm files the database file's mode.  Only a
	 * new file is touched: closing a descriptor of a file this process
	 * has open in SQLite would drop that connection's POSIX locks.
	 */
	if (strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) != -1)
			close(fd);
		else if (errno != EEXIST) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	if (sqlite_wlock_open(&s->wl, path, BUSY_MS, err, errsz) == -1)
		goto fail;
	sqlite3_busy_handler(s->db, sqlite_wlock_busy, &s->wl);
	sqlite3_wal_hook(s->db, wal_hook, s);
	if (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON;", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, msg);
		sqlite3_free(msg);
		goto fail;
	}
	if (migrate(s->db, err, errsz) == -1)
		goto fail;
	own = lead_of(s);
	if (grouped && (s->g = sqlite_group_get(path, &own, writer_open,
	    writer_close, err, errsz)) == NULL)
		goto fail;
	return s;
fail:
	store_close(&s->base);
	return NULL;
}

static int
writer_open(const char *path, struct sqlite_lead *w, char *err, size_t errsz)
{
	struct sqlite_store	*s;

	if ((s = store_open(path, 0, err, errsz)) == NULL)
		return -1;
	*w = lead_of(s);
	return 0;
}

static void
writer_close(void *self)
{
	store_close(self);
}

struct mcp_store *
sqlite_store_open(const char *path, char *err, size_t errsz)
{
	struct sqlite_store	*s;

	return (s = store_open(path, 1, err, errsz)) != NULL ? &s->base :
	    NULL;
}
