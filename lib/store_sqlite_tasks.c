/*
 * store_sqlite_tasks.c: the embedded store's tasks (migration 11's
 * table).  A task is read and changed inside one write transaction
 * (task_edit), so a cancellation, an answer and the running process's
 * result cannot overwrite each other, whichever process each comes from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

#define TEXT(st, i, v)	sqlite3_bind_text((st), (i), (v), -1, SQLITE_STATIC)

static const char expire_sql[] =
    "DELETE FROM tasks WHERE created_ms + ttl_ms < ?1";
static const char live_sql[] =
    "SELECT count(*) FROM tasks WHERE endpoint = ?1 AND owner = ?2 AND "
    "status IN ('working', 'input_required')";
/* The owner's finished ones past its bound, oldest first. */
static const char kept_sql[] =
    "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE "
    "endpoint = ?1 AND owner = ?2 AND status NOT IN ('working', "
    "'input_required') ORDER BY created_ms DESC LIMIT -1 OFFSET "
    MCP_XSTR(MCP_TASKS_KEPT_PER_OWNER) ")";
/* Room for one more: the oldest finished ones anywhere. */
static const char room_sql[] =
    "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE status "
    "NOT IN ('working', 'input_required') ORDER BY created_ms LIMIT "
    "max(0, (SELECT count(*) FROM tasks) - " MCP_XSTR(MCP_TASK_ROWS)
    " + 1))";
static const char count_sql[] =
    "SELECT count(*) FROM tasks";
static const char put_sql[] =
    "INSERT INTO tasks (id, endpoint, owner, tool, status, message, "
    "created_ms, updated_ms, ttl_ms, poll_ms, holder, beat_ms, cancel, "
    "result, error, inputs, answers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const char get_sql[] =
    "SELECT id, endpoint, owner, tool, status, message, created_ms, "
    "updated_ms, ttl_ms, poll_ms, holder, beat_ms, cancel, result, error, "
    "inputs, answers FROM tasks WHERE id = ?1 AND endpoint = ?2 AND "
    "owner = ?3 AND created_ms + ttl_ms >= ?4";
static const char set_sql[] =
    "UPDATE tasks SET status = ?2, message = ?3, updated_ms = ?4, "
    "holder = ?5, beat_ms = ?6, cancel = ?7, result = ?8, error = ?9, "
    "inputs = ?10, answers = ?11 WHERE id = ?1";

void
mcp_task_clear(struct mcp_task *t)
{
	free(t->result);
	free(t->error);
	free(t->inputs);
	free(t->answers);
	t->result = t->error = t->inputs = t->answers = NULL;
}

static void
bind_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		TEXT(st, i, v);
}

static char *
col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char	*v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL ||
	    (v = sqlite3_column_text(st, col)) == NULL)
		return NULL;
	return strdup((const char *)v);
}

enum mcp_err
sqlite_task_put(struct mcp_store *p, const struct mcp_task *t, int max)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 live = 0;

	if ((e = sqlite_tx_begin(p, "task_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, expire_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "task_put expire");
	sqlite3_bind_int64(st, 1, t->created_ms);
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return sqlite_tx_end(p, e, "task_put expire");
	if ((st = sqlite_prep(p, live_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "task_put live");
	TEXT(st, 1, t->endpoint);
	TEXT(st, 2, t->owner);
	if (sqlite3_step(st) == SQLITE_ROW)
		live = sqlite3_column_int(st, 0);
	sqlite_done(st);
	if (live >= max)
		return sqlite_tx_end(p, MCP_ERR_BUSY, "task_put");
	if ((st = sqlite_prep(p, kept_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "task_put kept");
	TEXT(st, 1, t->endpoint);
	TEXT(st, 2, t->owner);
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return sqlite_tx_end(p, e, "task_put kept");
	if ((st = sqlite_prep(p, room_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "task_put room");
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return sqlite_tx_end(p, e, "task_put room");
	/* Every row a live task: none is dropped for a new one. */
	if ((st = sqlite_prep(p, count_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "task_put count");
	live = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		live = sqlite3_column_int(st, 0);
	sqlite_done(st);
	if (live >= MCP_TASK_ROWS)
		return sqlite_tx_end(p, MCP_ERR_BUSY, "task_put full");
	if ((st = sqlite_prep(p, put_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "task_put");
	TEXT(st, 1, t->id);
	TEXT(st, 2, t->endpoint);
	TEXT(st, 3, t->owner);
	TEXT(st, 4, t->tool);
	TEXT(st, 5, t->status);
	TEXT(st, 6, t->message);
	sqlite3_bind_int64(st, 7, t->created_ms);
	sqlite3_bind_int64(st, 8, t->updated_ms);
	sqlite3_bind_int64(st, 9, t->ttl_ms);
	sqlite3_bind_int(st, 10, t->poll_ms);
	TEXT(st, 11, t->holder);
	sqlite3_bind_int64(st, 12, t->beat_ms);
	sqlite3_bind_int(st, 13, t->cancel);
	bind_or_null(st, 14, t->result);
	bind_or_null(st, 15, t->error);
	bind_or_null(st, 16, t->inputs);
	bind_or_null(st, 17, t->answers);
	e = sqlite_exec(p, st);
	return sqlite_tx_end(p, e, "task_put");
}

/* Reads the task into *t: MCP_OK, MCP_ERR_NOTFOUND or MCP_ERR_STORE. */
static enum mcp_err
read_task(struct mcp_store *p, const char *endpoint, const char *owner,
    const char *id, int64_t now, struct mcp_task *t)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e = MCP_ERR_NOTFOUND;
	char		 key[sizeof(t->id)];
	int		 rc;

	/* id may be t->id itself. */
	snprintf(key, sizeof(key), "%s", id);
	memset(t, 0, sizeof(*t));
	if ((st = sqlite_prep(p, get_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, key);
	TEXT(st, 2, endpoint);
	TEXT(st, 3, owner);
	sqlite3_bind_int64(st, 4, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_copy_col(st, 0, t->id, sizeof(t->id));
		sqlite_copy_col(st, 1, t->endpoint, sizeof(t->endpoint));
		sqlite_copy_col(st, 2, t->owner, sizeof(t->owner));
		sqlite_copy_col(st, 3, t->tool, sizeof(t->tool));
		sqlite_copy_col(st, 4, t->status, sizeof(t->status));
		sqlite_copy_col(st, 5, t->message, sizeof(t->message));
		t->created_ms = sqlite3_column_int64(st, 6);
		t->updated_ms = sqlite3_column_int64(st, 7);
		t->ttl_ms = sqlite3_column_int64(st, 8);
		t->poll_ms = sqlite3_column_int(st, 9);
		sqlite_copy_col(st, 10, t->holder, sizeof(t->holder));
		t->beat_ms = sqlite3_column_int64(st, 11);
		t->cancel = sqlite3_column_int(st, 12);
		t->result = col_dup(st, 13);
		t->error = col_dup(st, 14);
		t->inputs = col_dup(st, 15);
		t->answers = col_dup(st, 16);
		e = MCP_OK;
	} else if (rc != SQLITE_DONE)
		e = sqlite_error(p, "task_get");
	sqlite_done(st);
	if (e != MCP_OK)
		mcp_task_clear(t);
	return e;
}

enum mcp_err
sqlite_task_get(struct mcp_store *p, const char *endpoint, const char *owner,
    const char *id, int64_t now, struct mcp_task *t)
{
	return read_task(p, endpoint, owner, id, now, t);
}

enum mcp_err
sqlite_task_edit(struct mcp_store *p, const char *endpoint, const char *owner,
    const char *id, int64_t now, mcp_task_fn fn, void *arg)
{
	struct mcp_task	 t;
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "task_edit begin")) != MCP_OK)
		return e;
	if ((e = read_task(p, endpoint, owner, id, now, &t)) != MCP_OK)
		return sqlite_tx_end(p, e, "task_edit read");
	if (fn(arg, &t) == 1) {
		if ((st = sqlite_prep(p, set_sql)) == NULL) {
			mcp_task_clear(&t);
			return sqlite_tx_end(p, MCP_ERR_STORE, "task_edit");
		}
		TEXT(st, 1, t.id);
		TEXT(st, 2, t.status);
		TEXT(st, 3, t.message);
		sqlite3_bind_int64(st, 4, t.updated_ms);
		TEXT(st, 5, t.holder);
		sqlite3_bind_int64(st, 6, t.beat_ms);
		sqlite3_bind_int(st, 7, t.cancel);
		bind_or_null(st, 8, t.result);
		bind_or_null(st, 9, t.error);
		bind_or_null(st, 10, t.inputs);
		bind_or_null(st, 11, t.answers);
		e = sqlite_exec(p, st);
	}
	mcp_task_clear(&t);
	return sqlite_tx_end(p, e, "task_edit");
}
