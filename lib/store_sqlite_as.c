/*
 * store_sqlite_as.c: the embedded store's operations for the
 * authorization server's people: users, grants, signed-in browsers,
 * authorization codes, token families and refresh tokens (migration 8's
 * tables).  Each bound named in store.h is kept here, in the
 * transaction that could pass it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

#define TEXT(st, i, v)	sqlite3_bind_text((st), (i), (v), -1, SQLITE_STATIC)

/* --- Codes --- */

/* Codes are kept ten minutes past expiry, so that a late replay is seen. */
static const char code_prune_sql[] =
    "DELETE FROM auth_codes WHERE expires < ?1 - 600 OR hash IN (SELECT hash "
    "FROM auth_codes WHERE user = ?2 ORDER BY created DESC, hash "
    "LIMIT -1 OFFSET ?3)";
static const char code_put_sql[] =
    "INSERT INTO auth_codes (hash, family, client, user, workspace, "
    "redirect_uri, challenge, resource, scopes, created, expires) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char code_get_sql[] =
    "SELECT family, client, user, workspace, redirect_uri, challenge, "
    "resource, scopes, created, expires, used FROM auth_codes "
    "WHERE hash = ?1";
static const char code_use_sql[] =
    "UPDATE auth_codes SET used = ?2 WHERE hash = ?1";

/* Used at 1 (1970): outside any window, so presenting it is a replay. */
static const char rt_orphan_sql[] =
    "UPDATE refresh_tokens SET used = 1 WHERE parent = ?1 AND hash <> ?2 "
    "AND used = 0";

/* Runs sql (?1, ?2 the two texts) in the caller's transaction. */
static enum mcp_err
rt_mark(struct mcp_store *p, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt	*st;

	if ((st = sqlite_prep(p, sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, a);
	if (b != NULL)
		TEXT(st, 2, b);
	return sqlite_exec(p, st);
}

/*
 * The end of a take: the row found (or not) was read in the transaction
 * begun by the caller; marks it used at now unless it is another
 * client's (PARAMS), used already (CONFLICT), or missing or expired
 * (NOTFOUND), and ends the transaction (those change nothing).  For a
 * refresh token, parent is the token it replaced ("" for none): the
 * other tokens that one gave are marked used long ago with it.
 */
static enum mcp_err
take_end(struct mcp_store *p, enum mcp_err e, const char *use_sql,
    const char *hash, int64_t expires, int64_t used, int mine, int64_t now,
    const char *parent, const char *what)
{
	sqlite3_stmt	*st;

	/* A replay is one even past expiry, while the row is kept. */
	if (e == MCP_OK && !mine)
		e = MCP_ERR_PARAMS;
	else if (e == MCP_OK && used != 0)
		e = MCP_ERR_CONFLICT;
	else if (e == MCP_OK && expires < now)
		e = MCP_ERR_NOTFOUND;
	if (e == MCP_OK) {
		if ((st = sqlite_prep(p, use_sql)) == NULL)
			e = MCP_ERR_STORE;
		else {
			TEXT(st, 1, hash);
			sqlite3_bind_int64(st, 2, now);
			e = sqlite_exec(p, st);
		}
		if (e == MCP_OK && parent != NULL && parent[0] != '\0')
			e = rt_mark(p, rt_orphan_sql, parent, hash);
	}
	return sqlite_tx_end(p, e == MCP_ERR_STORE ? e : MCP_OK, what) ==
	    MCP_OK ? e : MCP_ERR_STORE;
}

enum mcp_err
sqlite_code_put(struct mcp_store *p, const struct mcp_code *c)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "code_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, code_prune_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		sqlite3_bind_int64(st, 1, c->created);
		TEXT(st, 2, c->user);
		/* The new one makes MCP_CODES_PER_USER. */
		sqlite3_bind_int(st, 3, MCP_CODES_PER_USER - 1);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, code_put_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, c->hash);
		TEXT(st, 2, c->family);
		TEXT(st, 3, c->client);
		TEXT(st, 4, c->user);
		TEXT(st, 5, c->workspace);
		TEXT(st, 6, c->redirect_uri);
		TEXT(st, 7, c->challenge);
		TEXT(st, 8, c->resource);
		TEXT(st, 9, c->scopes);
		sqlite3_bind_int64(st, 10, c->created);
		sqlite3_bind_int64(st, 11, c->expires);
		e = sqlite_exec(p, st);
	}
	return sqlite_tx_end(p, e, "code_put commit");
}

enum mcp_err
sqlite_code_take(struct mcp_store *p, const char *hash, const char *client,
    int64_t now, struct mcp_code *c)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((e = sqlite_tx_begin(p, "code_take begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, code_get_sql)) == NULL)
		return take_end(p, MCP_ERR_STORE, NULL, hash, 0, 0, 0, now,
		    NULL, "code_take commit");
	TEXT(st, 1, hash);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(c->hash, sizeof(c->hash), "%s", hash);
		sqlite_copy_col(st, 0, c->family, sizeof(c->family));
		sqlite_copy_col(st, 1, c->client, sizeof(c->client));
		sqlite_copy_col(st, 2, c->user, sizeof(c->user));
		sqlite_copy_col(st, 3, c->workspace, sizeof(c->workspace));
		sqlite_copy_col(st, 4, c->redirect_uri,
		    sizeof(c->redirect_uri));
		sqlite_copy_col(st, 5, c->challenge, sizeof(c->challenge));
		sqlite_copy_col(st, 6, c->resource, sizeof(c->resource));
		sqlite_copy_col(st, 7, c->scopes, sizeof(c->scopes));
		c->created = sqlite3_column_int64(st, 8);
		c->expires = sqlite3_column_int64(st, 9);
		c->used = sqlite3_column_int64(st, 10);
	}
	sqlite_done(st);
	e = rc == SQLITE_ROW ? MCP_OK : rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    sqlite_error(p, "code_take");
	return take_end(p, e, code_use_sql, hash, c->expires, c->used,
	    strcmp(c->client, client) == 0, now, NULL, "code_take commit");
}

/* --- Token families and refresh tokens --- */

static const char fam_prune_sql[] =
    "DELETE FROM token_families WHERE expires < ?2 OR (revoked > 0 AND "
    "revoked < ?2)";
static const char fam_put_sql[] =
    "INSERT INTO token_families (id, client, user, workspace, scopes, "
    "resource, created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char fam_cap_sql[] =
    "UPDATE token_families SET revoked = ?4 WHERE id IN (SELECT id FROM "
    "token_families WHERE user = ?1 AND client = ?2 AND revoked = 0 AND "
    "id <> ?5 ORDER BY created DESC, id LIMIT -1 OFFSET ?3)";
static const char fam_get_sql[] =
    "SELECT client, user, workspace, scopes, resource, created, expires, "
    "revoked FROM token_families WHERE id = ?1";
static const char fam_revoke_one_sql[] =
    "UPDATE token_families SET revoked = ?2 WHERE id = ?1 AND revoked = 0";
static const char fam_revoke_user_sql[] =
    "UPDATE token_families SET revoked = ?3 WHERE user = ?1 AND "
    "(?2 IS NULL OR client = ?2) AND revoked = 0";
static const char fam_drop_refresh_sql[] =
    "DELETE FROM refresh_tokens WHERE family IN (SELECT id FROM "
    "token_families WHERE revoked = ?1)";

enum mcp_err
sqlite_family_put(struct mcp_store *p, const struct mcp_family *f,
    int64_t now, int keep_revoked)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "family_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, fam_prune_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, now - keep_revoked);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, fam_put_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, f->id);
		TEXT(st, 2, f->client);
		TEXT(st, 3, f->user);
		TEXT(st, 4, f->workspace);
		TEXT(st, 5, f->scopes);
		TEXT(st, 6, f->resource);
		sqlite3_bind_int64(st, 7, f->created);
		sqlite3_bind_int64(st, 8, f->expires);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, fam_cap_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, f->user);
		TEXT(st, 2, f->client);
		sqlite3_bind_int(st, 3, MCP_FAMILIES_PER_GRANT - 1);
		sqlite3_bind_int64(st, 4, now);
		TEXT(st, 5, f->id);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, fam_drop_refresh_sql)) ==
	    NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		sqlite3_bind_int64(st, 1, now);
		e = sqlite_exec(p, st);
	}
	return sqlite_tx_end(p, e, "family_put commit");
}

enum mcp_err
sqlite_family_get(struct mcp_store *p, const char *id, struct mcp_family *f)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(f, 0, sizeof(*f));
	if ((st = sqlite_prep(p, fam_get_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(f->id, sizeof(f->id), "%s", id);
		sqlite_copy_col(st, 0, f->client, sizeof(f->client));
		sqlite_copy_col(st, 1, f->user, sizeof(f->user));
		sqlite_copy_col(st, 2, f->workspace, sizeof(f->workspace));
		sqlite_copy_col(st, 3, f->scopes, sizeof(f->scopes));
		sqlite_copy_col(st, 4, f->resource, sizeof(f->resource));
		f->created = sqlite3_column_int64(st, 5);
		f->expires = sqlite3_column_int64(st, 6);
		f->revoked = sqlite3_column_int64(st, 7);
	}
	sqlite_done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    sqlite_error(p, "family_get");
}

/* Revokes, then drops the refresh tokens of what was revoked at now. */
static enum mcp_err
family_revoke_tx(struct mcp_store *p, const char *family, const char *user,
    const char *client, int64_t now)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if (family != NULL) {
		if ((st = sqlite_prep(p, fam_revoke_one_sql)) == NULL)
			return MCP_ERR_STORE;
		TEXT(st, 1, family);
		sqlite3_bind_int64(st, 2, now);
	} else {
		if ((st = sqlite_prep(p, fam_revoke_user_sql)) == NULL)
			return MCP_ERR_STORE;
		TEXT(st, 1, user);
		if (client != NULL)
			TEXT(st, 2, client);
		sqlite3_bind_int64(st, 3, now);
	}
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, fam_drop_refresh_sql)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_int64(st, 1, now);
	return sqlite_exec(p, st);
}

enum mcp_err
sqlite_family_revoke(struct mcp_store *p, const char *family,
    const char *user, const char *client, int64_t now)
{
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "family_revoke begin")) != MCP_OK)
		return e;
	e = family_revoke_tx(p, family, user, client, now);
	return sqlite_tx_end(p, e, "family_revoke commit");
}

static const char rt_put_sql[] =
    "INSERT INTO refresh_tokens (hash, family, parent, scopes, created, "
    "expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char rt_cap_sql[] =
    "DELETE FROM refresh_tokens WHERE hash IN (SELECT hash FROM "
    "refresh_tokens WHERE family = ?1 AND hash <> ?3 ORDER BY created "
    "DESC, used = 0 DESC, hash LIMIT -1 OFFSET ?2)";
static const char rt_get_sql[] =
    "SELECT r.family, r.scopes, r.expires, r.used, f.client, r.parent, "
    "r.reissued FROM refresh_tokens r JOIN token_families f ON "
    "f.id = r.family WHERE r.hash = ?1";
static const char rt_use_sql[] =
    "UPDATE refresh_tokens SET used = ?2 WHERE hash = ?1";
static const char rt_again_sql[] =
    "UPDATE refresh_tokens SET reissued = 1 WHERE hash = ?1";

enum mcp_err
sqlite_refresh_put(struct mcp_store *p, const char *hash, const char *family,
    const char *parent, const char *scopes, int64_t now, int64_t expires)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "refresh_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, rt_put_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		TEXT(st, 1, hash);
		TEXT(st, 2, family);
		TEXT(st, 3, parent);
		TEXT(st, 4, scopes);
		sqlite3_bind_int64(st, 5, now);
		sqlite3_bind_int64(st, 6, expires);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, rt_cap_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, family);
		sqlite3_bind_int(st, 2, MCP_REFRESH_PER_FAMILY - 1);
		TEXT(st, 3, hash);
		e = sqlite_exec(p, st);
	}
	return sqlite_tx_end(p, e, "refresh_put commit");
}


/*
 * Rotation with a reuse window (store.h).  A first use marks the token
 * used and its siblings (the other pair its parent gave within the
 * window) used long ago, so that whichever of the two is not carried on
 * is a replay when presented.  A second presentation within reuse
 * seconds of the first, once, is given again (*again): it gets a pair
 * of its own, a sibling of the first's.
 */
enum mcp_err
sqlite_refresh_take(struct mcp_store *p, const char *hash, const char *client,
    int64_t now, int64_t reuse, char family[40], char scopes[1024],
    int *again)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	char		 parent[65] = "";
	int64_t		 expires = 0, used = 0;
	int		 rc, mine = 0, reissued = 0;

	family[0] = scopes[0] = '\0';
	*again = 0;
	if ((e = sqlite_tx_begin(p, "refresh_take begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, rt_get_sql)) == NULL)
		return sqlite_tx_end(p, MCP_ERR_STORE, "refresh_take");
	TEXT(st, 1, hash);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_copy_col(st, 0, family, 40);
		sqlite_copy_col(st, 1, scopes, 1024);
		expires = sqlite3_column_int64(st, 2);
		used = sqlite3_column_int64(st, 3);
		mine = sqlite3_column_text(st, 4) != NULL && strcmp((const char *)
		    sqlite3_column_text(st, 4), client) == 0;
		sqlite_copy_col(st, 5, parent, sizeof(parent));
		reissued = sqlite3_column_int(st, 6);
	}
	sqlite_done(st);
	e = rc == SQLITE_ROW ? MCP_OK : rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    sqlite_error(p, "refresh_take");
	/* Within the window of its first use (a clock gone back: not). */
	if (e == MCP_OK && mine && used > 1 && reuse > 0 && now >= used &&
	    now - used <= reuse && !reissued && expires >= now) {
		*again = 1;
		return sqlite_tx_end(p, rt_mark(p, rt_again_sql, hash, NULL),
		    "refresh_take commit");
	}
	return take_end(p, e, rt_use_sql, hash, expires, used, mine, now,
	    parent, "refresh_take commit");
}

/* --- Users --- */

static const char user_put_sql[] =
    "INSERT INTO users (id, name, workspace, scopes, pwhash, external, "
    "created, disabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (id) DO UPDATE SET name = ?2, workspace = ?3, "
    "scopes = ?4, pwhash = ?5, external = ?6, disabled = ?8";
static const char user_name_sql[] =
    "SELECT id, name, workspace, scopes, pwhash, external, created, "
    "disabled FROM users WHERE name = ?1";
static const char user_id_sql[] =
    "SELECT id, name, workspace, scopes, pwhash, external, created, "
    "disabled FROM users WHERE id = ?1";
static const char user_list_sql[] =
    "SELECT id, name, workspace, scopes, pwhash, external, created, "
    "disabled FROM users ORDER BY name";

static void
user_row(sqlite3_stmt *st, struct mcp_user *u)
{
	memset(u, 0, sizeof(*u));
	sqlite_copy_col(st, 0, u->id, sizeof(u->id));
	sqlite_copy_col(st, 1, u->name, sizeof(u->name));
	sqlite_copy_col(st, 2, u->workspace, sizeof(u->workspace));
	sqlite_copy_col(st, 3, u->scopes, sizeof(u->scopes));
	sqlite_copy_col(st, 4, u->pwhash, sizeof(u->pwhash));
	u->external = sqlite3_column_int(st, 5);
	u->created = sqlite3_column_int64(st, 6);
	u->disabled = sqlite3_column_int64(st, 7);
}

enum mcp_err
sqlite_user_put(struct mcp_store *p, const struct mcp_user *u)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqlite_prep(p, user_put_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, u->id);
	TEXT(st, 2, u->name);
	TEXT(st, 3, u->workspace);
	TEXT(st, 4, u->scopes);
	TEXT(st, 5, u->pwhash);
	sqlite3_bind_int(st, 6, u->external);
	sqlite3_bind_int64(st, 7, u->created);
	sqlite3_bind_int64(st, 8, u->disabled);
	rc = sqlite3_step(st);
	sqlite_done(st);
	if (rc == SQLITE_DONE)
		return MCP_OK;
	return rc == SQLITE_CONSTRAINT ? MCP_ERR_CONFLICT :
	    sqlite_error(p, "user_put");
}

enum mcp_err
sqlite_user_get(struct mcp_store *p, const char *key, int byid,
    struct mcp_user *u)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sqlite_prep(p, byid ? user_id_sql : user_name_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, key);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		user_row(st, u);
	sqlite_done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    sqlite_error(p, "user_get");
}

enum mcp_err
sqlite_user_list(struct mcp_store *p, mcp_user_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	struct mcp_user	 u;
	int		 rc;

	if ((st = sqlite_prep(p, user_list_sql)) == NULL)
		return MCP_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_row(st, &u);
		cb(arg, &u);
	}
	sqlite_done(st);
	return rc == SQLITE_DONE ? MCP_OK : sqlite_error(p, "user_list");
}

/* --- Signed-in browsers --- */

static const char ws_put_sql[] =
    "INSERT INTO web_sessions (hash, user, created, expires) VALUES "
    "(?1, ?2, ?3, ?4)";
/* The one just made is never the one dropped (a second holds many). */
static const char ws_prune_sql[] =
    "DELETE FROM web_sessions WHERE expires < ?1 OR hash IN (SELECT hash "
    "FROM web_sessions WHERE user = ?2 AND hash <> ?4 ORDER BY created "
    "DESC, hash LIMIT -1 OFFSET ?3)";
static const char ws_get_sql[] =
    "SELECT w.user FROM web_sessions w JOIN users u ON u.id = w.user "
    "WHERE w.hash = ?1 AND w.expires >= ?2 AND u.disabled = 0";

enum mcp_err
sqlite_websess_put(struct mcp_store *p, const char *hash, const char *user,
    int64_t now, int64_t expires)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "websess_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, ws_put_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		TEXT(st, 1, hash);
		TEXT(st, 2, user);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, expires);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, ws_prune_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		sqlite3_bind_int64(st, 1, now);
		TEXT(st, 2, user);
		sqlite3_bind_int(st, 3, MCP_WEBSESS_PER_USER - 1);
		TEXT(st, 4, hash);
		e = sqlite_exec(p, st);
	}
	return sqlite_tx_end(p, e, "websess_put commit");
}

enum mcp_err
sqlite_websess_get(struct mcp_store *p, const char *hash, int64_t now,
    char user[24])
{
	sqlite3_stmt	*st;
	int		 rc;

	user[0] = '\0';
	if ((st = sqlite_prep(p, ws_get_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, hash);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sqlite_copy_col(st, 0, user, 24);
	sqlite_done(st);
	if (rc == SQLITE_ROW)
		return MCP_OK;
	return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
	    sqlite_error(p, "websess_get");
}

/* --- Grants --- */

static const char grant_put_sql[] =
    "INSERT INTO grants (user, client, scopes, created, updated) VALUES "
    "(?1, ?2, ?3, ?4, ?4) ON CONFLICT (user, client) DO UPDATE SET "
    "scopes = ?3, updated = ?4";
static const char grant_list_sql[] =
    "SELECT u.name, g.client, g.scopes, g.updated FROM grants g JOIN "
    "users u ON u.id = g.user WHERE ?1 IS NULL OR u.name = ?1 "
    "ORDER BY u.name, g.client";
static const char grant_cap_sql[] =
    "DELETE FROM grants WHERE user = ?1 AND client IN (SELECT client FROM "
    "grants WHERE user = ?1 AND client <> ?3 ORDER BY updated DESC, "
    "client LIMIT -1 OFFSET ?2)";
static const char grant_del_sql[] =
    "DELETE FROM grants WHERE user = ?1 AND client = ?2";
static const char grant_codes_sql[] =
    "DELETE FROM auth_codes WHERE user = ?1 AND client = ?2";

enum mcp_err
sqlite_grant_put(struct mcp_store *p, const char *user, const char *client,
    const char *scopes, int64_t now)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "grant_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, grant_put_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		TEXT(st, 1, user);
		TEXT(st, 2, client);
		TEXT(st, 3, scopes);
		sqlite3_bind_int64(st, 4, now);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, grant_cap_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, user);
		sqlite3_bind_int(st, 2, MCP_GRANTS_PER_USER - 1);
		TEXT(st, 3, client);
		e = sqlite_exec(p, st);
	}
	return sqlite_tx_end(p, e, "grant_put commit");
}

enum mcp_err
sqlite_grant_list(struct mcp_store *p, const char *user, mcp_grant_cb cb,
    void *arg)
{
	sqlite3_stmt	*st;
	char		 name[128], client[MCP_CLIENT_ID_MAX + 1], sc[1024];
	int		 rc;

	if ((st = sqlite_prep(p, grant_list_sql)) == NULL)
		return MCP_ERR_STORE;
	if (user != NULL)
		TEXT(st, 1, user);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_copy_col(st, 0, name, sizeof(name));
		sqlite_copy_col(st, 1, client, sizeof(client));
		sqlite_copy_col(st, 2, sc, sizeof(sc));
		cb(arg, name, client, sc, sqlite3_column_int64(st, 3));
	}
	sqlite_done(st);
	return rc == SQLITE_DONE ? MCP_OK : sqlite_error(p, "grant_list");
}

enum mcp_err
sqlite_grant_revoke(struct mcp_store *p, const char *user,
    const char *client, int64_t now)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "grant_revoke begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, grant_del_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		TEXT(st, 1, user);
		TEXT(st, 2, client);
		if ((e = sqlite_exec(p, st)) == MCP_OK &&
		    sqlite_changes(p) == 0)
			e = MCP_ERR_NOTFOUND;
	}
	/* Codes not yet redeemed would start new families. */
	if (e == MCP_OK && (st = sqlite_prep(p, grant_codes_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, user);
		TEXT(st, 2, client);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK)
		e = family_revoke_tx(p, NULL, user, client, now);
	return sqlite_tx_end(p, e, "grant_revoke commit");
}

/* --- Registered clients --- */

static const char dcr_prune_sql[] =
    "DELETE FROM clients WHERE (kind = 'dcr' AND used = 0 AND created < ?1)"
    " OR (kind = 'cimd' AND expires < ?2)";
/* When full: the oldest client that was never used makes room. */
static const char dcr_evict_sql[] =
    "DELETE FROM clients WHERE id = (SELECT id FROM clients WHERE kind IN "
    "('dcr', 'cimd') AND used = 0 AND id <> ?1 ORDER BY created, id "
    "LIMIT 1)";
static const char dcr_count_sql[] =
    "SELECT count(*) FROM clients WHERE kind IN ('dcr', 'cimd') AND "
    "id <> ?1";

enum mcp_err
sqlite_client_register(struct mcp_store *p, const struct mcp_client *cl,
    int64_t now)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc, n = 0;

	if ((e = sqlite_tx_begin(p, "client_register begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, dcr_prune_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		sqlite3_bind_int64(st, 1, now - 86400);
		sqlite3_bind_int64(st, 2, now);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, dcr_count_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, cl->id);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite_done(st);
		if (rc != SQLITE_ROW)
			e = sqlite_error(p, "client_register count");
		else if (n >= MCP_DCR_ROWS &&
		    (st = sqlite_prep(p, dcr_evict_sql)) == NULL)
			e = MCP_ERR_STORE;
		else if (n >= MCP_DCR_ROWS) {
			TEXT(st, 1, cl->id);
			if ((e = sqlite_exec(p, st)) == MCP_OK &&
			    sqlite_changes(p) == 0)
				e = MCP_ERR_CONFLICT;
		}
	}
	if (e == MCP_OK)
		e = p->ops->client_put(p, cl);
	if (e == MCP_ERR_CONFLICT) {
		sqlite_tx_end(p, MCP_OK, "client_register commit");
		return e;
	}
	return sqlite_tx_end(p, e, "client_register commit");
}

static const char client_used_sql[] =
    "UPDATE clients SET used = ?2 WHERE id = ?1 AND used = 0";

enum mcp_err
sqlite_client_used(struct mcp_store *p, const char *id, int64_t now)
{
	sqlite3_stmt	*st;

	if ((st = sqlite_prep(p, client_used_sql)) == NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return sqlite_exec(p, st);
}

/* --- Initial access tokens --- */

static const char regtok_prune_sql[] =
    "DELETE FROM registration_tokens WHERE expires < ?1 OR uses_left <= 0";
static const char regtok_put_sql[] =
    "INSERT INTO registration_tokens (hash, name, created, expires, "
    "uses_left) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char regtok_check_sql[] =
    "SELECT 1 FROM registration_tokens WHERE hash = ?1 AND expires >= ?2 "
    "AND uses_left > 0";
static const char regtok_use_sql[] =
    "UPDATE registration_tokens SET uses_left = uses_left - 1 WHERE "
    "hash = ?1 AND expires >= ?2 AND uses_left > 0";

enum mcp_err
sqlite_regtoken_put(struct mcp_store *p, const char *hash, const char *name,
    int64_t now, int64_t expires, int uses)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;

	if ((e = sqlite_tx_begin(p, "regtoken_put begin")) != MCP_OK)
		return e;
	if ((st = sqlite_prep(p, regtok_prune_sql)) == NULL)
		e = MCP_ERR_STORE;
	else {
		sqlite3_bind_int64(st, 1, now);
		e = sqlite_exec(p, st);
	}
	if (e == MCP_OK && (st = sqlite_prep(p, regtok_put_sql)) == NULL)
		e = MCP_ERR_STORE;
	else if (e == MCP_OK) {
		TEXT(st, 1, hash);
		TEXT(st, 2, name);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, expires);
		sqlite3_bind_int(st, 5, uses);
		e = sqlite_exec(p, st);
	}
	return sqlite_tx_end(p, e, "regtoken_put commit");
}

enum mcp_err
sqlite_regtoken_use(struct mcp_store *p, const char *hash, int64_t now,
    int check)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e;
	int		 rc;

	if ((st = sqlite_prep(p, check ? regtok_check_sql : regtok_use_sql)) ==
	    NULL)
		return MCP_ERR_STORE;
	TEXT(st, 1, hash);
	sqlite3_bind_int64(st, 2, now);
	if (check) {
		rc = sqlite3_step(st);
		sqlite_done(st);
		if (rc == SQLITE_ROW)
			return MCP_OK;
		return rc == SQLITE_DONE ? MCP_ERR_NOTFOUND :
		    sqlite_error(p, "regtoken_check");
	}
	if ((e = sqlite_exec(p, st)) != MCP_OK)
		return e;
	return sqlite_changes(p) == 1 ? MCP_OK : MCP_ERR_NOTFOUND;
}
