/*
 * store_pg_as.c: the shared store's operations for the authorization
 * server's people on PostgreSQL: registered clients, initial access
 * tokens, authorization codes, token families, refresh tokens, users,
 * signed-in browsers and grants.  The statements and rules are those of
 * store_sqlite_as.c, one for one; each bound named in store.h is kept
 * in the transaction that could pass it.
 *
 * SQLite's writers take turns; here whatever reads and then writes runs
 * in pg_tx() (SERIALIZABLE, run again on a serialization failure), so
 * that the rules hold for requests racing on several hosts: a code
 * redeemed twice at once is given to one and a replay to the other; a
 * refresh token presented concurrently is taken, given again and
 * refused exactly as if the presentations had come one after another.
 *
 * Differences of form only: "user" is quoted, SQLite's LIMIT -1 OFFSET
 * n is OFFSET n, and text ties are ordered COLLATE "C" (bytes, as
 * SQLite's BINARY), so that the oldest dropped is the same row on both
 * engines whatever the database's locale.  A row inserted twice (the
 * same hash or id) is MCP_ERR_CONFLICT here (pg_run()), where SQLite
 * answers MCP_ERR_STORE; hashes of random values never meet.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store_pg.h"

/* --- Codes --- */

/* Codes are kept ten minutes past expiry, so that a late replay is seen. */
static const char code_prune_sql[] =
    "DELETE FROM auth_codes WHERE expires < $1::bigint - 600 OR hash IN "
    "(SELECT hash FROM auth_codes WHERE \"user\" = $2 ORDER BY created "
    "DESC, hash COLLATE \"C\" OFFSET $3)";
static const char code_put_sql[] =
    "INSERT INTO auth_codes (hash, family, client, \"user\", workspace, "
    "redirect_uri, challenge, resource, scopes, created, expires) VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char code_get_sql[] =
    "SELECT family, client, \"user\", workspace, redirect_uri, challenge, "
    "resource, scopes, created, expires, used FROM auth_codes "
    "WHERE hash = $1";
static const char code_use_sql[] =
    "UPDATE auth_codes SET used = $2 WHERE hash = $1";

/* Used at 1 (1970): outside any window, so presenting it is a replay. */
static const char rt_orphan_sql[] =
    "UPDATE refresh_tokens SET used = 1 WHERE parent = $1 AND hash <> $2 "
    "AND used = 0";

/*
 * The end of a take, in the caller's transaction, once the row was read
 * (e is MCP_OK) or found missing: marks it used at now unless it is
 * another client's (PARAMS), used already (CONFLICT), or missing or
 * expired (NOTFOUND); those change nothing, and pg_tx() rolls back.
 * For a refresh token, parent is the token it replaced ("" for none):
 * the other tokens that one gave are marked used long ago with it.
 */
static enum mcp_err
take_end(struct mcp_store *p, enum mcp_err e, const char *use_sql,
    const char *hash, int64_t expires, int64_t used, int mine, int64_t now,
    const char *parent, const char *what)
{
	struct pg_args	 a;

	/* A replay is one even past expiry, while the row is kept. */
	if (e == MCP_OK && !mine)
		e = MCP_ERR_PARAMS;
	else if (e == MCP_OK && used != 0)
		e = MCP_ERR_CONFLICT;
	else if (e == MCP_OK && expires < now)
		e = MCP_ERR_NOTFOUND;
	if (e != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, hash);
	pg_int(&a, now);
	if ((e = pg_run(p, use_sql, &a, NULL, what)) != MCP_OK)
		return e;
	if (parent == NULL || parent[0] == '\0')
		return MCP_OK;
	memset(&a, 0, sizeof(a));
	pg_text(&a, parent);
	pg_text(&a, hash);
	return pg_run(p, rt_orphan_sql, &a, NULL, what);
}

static enum mcp_err
code_put_tx(struct mcp_store *p, void *arg)
{
	const struct mcp_code	*c = arg;
	struct pg_args		 a;
	enum mcp_err		 e;

	memset(&a, 0, sizeof(a));
	pg_int(&a, c->created);
	pg_text(&a, c->user);
	/* The new one makes MCP_CODES_PER_USER. */
	pg_int(&a, MCP_CODES_PER_USER - 1);
	if ((e = pg_run(p, code_prune_sql, &a, NULL, "code_put prune")) !=
	    MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, c->hash);
	pg_text(&a, c->family);
	pg_text(&a, c->client);
	pg_text(&a, c->user);
	pg_text(&a, c->workspace);
	pg_text(&a, c->redirect_uri);
	pg_text(&a, c->challenge);
	pg_text(&a, c->resource);
	pg_text(&a, c->scopes);
	pg_int(&a, c->created);
	pg_int(&a, c->expires);
	return pg_run(p, code_put_sql, &a, NULL, "code_put");
}

enum mcp_err
pg_code_put(struct mcp_store *p, const struct mcp_code *c)
{
	return pg_tx(p, code_put_tx, (void *)(uintptr_t)c, "code_put");
}

struct code_take {
	const char	*hash, *client;
	int64_t		 now;
	struct mcp_code	*c;
};

static enum mcp_err
code_take_tx(struct mcp_store *p, void *arg)
{
	struct code_take	*t = arg;
	struct mcp_code		*c = t->c;
	struct pg_args		 a;
	PGresult		*r;
	enum mcp_err		 e;

	memset(c, 0, sizeof(*c));
	memset(&a, 0, sizeof(a));
	pg_text(&a, t->hash);
	if ((e = pg_run(p, code_get_sql, &a, &r, "code_take")) != MCP_OK)
		return e;
	if (PQntuples(r) == 1) {
		snprintf(c->hash, sizeof(c->hash), "%s", t->hash);
		pg_copy(r, 0, 0, c->family, sizeof(c->family));
		pg_copy(r, 0, 1, c->client, sizeof(c->client));
		pg_copy(r, 0, 2, c->user, sizeof(c->user));
		pg_copy(r, 0, 3, c->workspace, sizeof(c->workspace));
		pg_copy(r, 0, 4, c->redirect_uri, sizeof(c->redirect_uri));
		pg_copy(r, 0, 5, c->challenge, sizeof(c->challenge));
		pg_copy(r, 0, 6, c->resource, sizeof(c->resource));
		pg_copy(r, 0, 7, c->scopes, sizeof(c->scopes));
		c->created = pg_int_at(r, 0, 8);
		c->expires = pg_int_at(r, 0, 9);
		c->used = pg_int_at(r, 0, 10);
	} else
		e = MCP_ERR_NOTFOUND;
	PQclear(r);
	return take_end(p, e, code_use_sql, t->hash, c->expires, c->used,
	    strcmp(c->client, t->client) == 0, t->now, NULL, "code_take use");
}

/*
 * Two redemptions at once both read the code unused; the second one's
 * mark fails to serialize, and run again it reads the code used: a
 * replay (CONFLICT, the code still given).
 */
enum mcp_err
pg_code_take(struct mcp_store *p, const char *hash, const char *client,
    int64_t now, struct mcp_code *c)
{
	struct code_take	 t;

	t.hash = hash;
	t.client = client;
	t.now = now;
	t.c = c;
	return pg_tx(p, code_take_tx, &t, "code_take");
}

/* --- Token families and refresh tokens --- */

/* $1 is now - keep_revoked, for both ends, as SQLite's ?2. */
static const char fam_prune_sql[] =
    "DELETE FROM token_families WHERE expires < $1 OR (revoked > 0 AND "
    "revoked < $1)";
static const char fam_put_sql[] =
    "INSERT INTO token_families (id, client, \"user\", workspace, scopes, "
    "resource, created, expires) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char fam_cap_sql[] =
    "UPDATE token_families SET revoked = $4 WHERE id IN (SELECT id FROM "
    "token_families WHERE \"user\" = $1 AND client = $2 AND revoked = 0 "
    "AND id <> $5 ORDER BY created DESC, id COLLATE \"C\" OFFSET $3)";
static const char fam_get_sql[] =
    "SELECT client, \"user\", workspace, scopes, resource, created, "
    "expires, revoked FROM token_families WHERE id = $1";
static const char fam_revoke_one_sql[] =
    "UPDATE token_families SET revoked = $2 WHERE id = $1 AND revoked = 0";
static const char fam_revoke_user_sql[] =
    "UPDATE token_families SET revoked = $3 WHERE \"user\" = $1 AND "
    "($2::text IS NULL OR client = $2) AND revoked = 0";
static const char fam_drop_refresh_sql[] =
    "DELETE FROM refresh_tokens WHERE family IN (SELECT id FROM "
    "token_families WHERE revoked = $1)";

struct family_put {
	const struct mcp_family	*f;
	int64_t			 now;
	int			 keep_revoked;
};

static enum mcp_err
family_put_tx(struct mcp_store *p, void *arg)
{
	struct family_put	*x = arg;
	const struct mcp_family	*f = x->f;
	struct pg_args		 a;
	enum mcp_err		 e;

	memset(&a, 0, sizeof(a));
	pg_int(&a, x->now - x->keep_revoked);
	if ((e = pg_run(p, fam_prune_sql, &a, NULL, "family_put prune")) !=
	    MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, f->id);
	pg_text(&a, f->client);
	pg_text(&a, f->user);
	pg_text(&a, f->workspace);
	pg_text(&a, f->scopes);
	pg_text(&a, f->resource);
	pg_int(&a, f->created);
	pg_int(&a, f->expires);
	if ((e = pg_run(p, fam_put_sql, &a, NULL, "family_put")) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, f->user);
	pg_text(&a, f->client);
	pg_int(&a, MCP_FAMILIES_PER_GRANT - 1);
	pg_int(&a, x->now);
	pg_text(&a, f->id);
	if ((e = pg_run(p, fam_cap_sql, &a, NULL, "family_put cap")) !=
	    MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_int(&a, x->now);
	return pg_run(p, fam_drop_refresh_sql, &a, NULL, "family_put drop");
}

enum mcp_err
pg_family_put(struct mcp_store *p, const struct mcp_family *f, int64_t now,
    int keep_revoked)
{
	struct family_put	 x;

	x.f = f;
	x.now = now;
	x.keep_revoked = keep_revoked;
	return pg_tx(p, family_put_tx, &x, "family_put");
}

enum mcp_err
pg_family_get(struct mcp_store *p, const char *id, struct mcp_family *f)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	memset(f, 0, sizeof(*f));
	memset(&a, 0, sizeof(a));
	pg_text(&a, id);
	if ((e = pg_run(p, fam_get_sql, &a, &r, "family_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 1) {
		snprintf(f->id, sizeof(f->id), "%s", id);
		pg_copy(r, 0, 0, f->client, sizeof(f->client));
		pg_copy(r, 0, 1, f->user, sizeof(f->user));
		pg_copy(r, 0, 2, f->workspace, sizeof(f->workspace));
		pg_copy(r, 0, 3, f->scopes, sizeof(f->scopes));
		pg_copy(r, 0, 4, f->resource, sizeof(f->resource));
		f->created = pg_int_at(r, 0, 5);
		f->expires = pg_int_at(r, 0, 6);
		f->revoked = pg_int_at(r, 0, 7);
	} else
		e = MCP_ERR_NOTFOUND;
	PQclear(r);
	return e;
}

/*
 * Revokes, then drops the refresh tokens of what was revoked at now, in
 * the caller's transaction.
 */
static enum mcp_err
family_revoke_in(struct mcp_store *p, const char *family, const char *user,
    const char *client, int64_t now)
{
	struct pg_args	 a;
	enum mcp_err	 e;

	memset(&a, 0, sizeof(a));
	if (family != NULL) {
		pg_text(&a, family);
		pg_int(&a, now);
		e = pg_run(p, fam_revoke_one_sql, &a, NULL, "family_revoke");
	} else {
		pg_text(&a, user);
		pg_text(&a, client);
		pg_int(&a, now);
		e = pg_run(p, fam_revoke_user_sql, &a, NULL, "family_revoke");
	}
	if (e != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_int(&a, now);
	return pg_run(p, fam_drop_refresh_sql, &a, NULL,
	    "family_revoke drop");
}

struct family_revoke {
	const char	*family, *user, *client;
	int64_t		 now;
};

static enum mcp_err
family_revoke_tx(struct mcp_store *p, void *arg)
{
	struct family_revoke	*x = arg;

	return family_revoke_in(p, x->family, x->user, x->client, x->now);
}

enum mcp_err
pg_family_revoke(struct mcp_store *p, const char *family, const char *user,
    const char *client, int64_t now)
{
	struct family_revoke	 x;

	x.family = family;
	x.user = user;
	x.client = client;
	x.now = now;
	return pg_tx(p, family_revoke_tx, &x, "family_revoke");
}

static const char rt_put_sql[] =
    "INSERT INTO refresh_tokens (hash, family, parent, scopes, created, "
    "expires) VALUES ($1, $2, $3, $4, $5, $6)";
/* Unused ones outlive used ones of the same second (true sorts last). */
static const char rt_cap_sql[] =
    "DELETE FROM refresh_tokens WHERE hash IN (SELECT hash FROM "
    "refresh_tokens WHERE family = $1 AND hash <> $3 ORDER BY created "
    "DESC, used = 0 DESC, hash COLLATE \"C\" OFFSET $2)";
static const char rt_get_sql[] =
    "SELECT r.family, r.scopes, r.expires, r.used, f.client, r.parent, "
    "r.reissued FROM refresh_tokens r JOIN token_families f ON "
    "f.id = r.family WHERE r.hash = $1";
static const char rt_use_sql[] =
    "UPDATE refresh_tokens SET used = $2 WHERE hash = $1";
static const char rt_again_sql[] =
    "UPDATE refresh_tokens SET reissued = 1 WHERE hash = $1";
/*
 * The tokens one parent gave, locked in one order before any is
 * written: takers of two siblings at once would each mark its own and
 * then wait for the other's (a deadlock, found only after a second).
 * This way the second waits, then finds the first's mark and runs
 * again.
 */
static const char rt_lock_sql[] =
    "SELECT hash FROM refresh_tokens WHERE parent = $1 ORDER BY "
    "hash COLLATE \"C\" FOR UPDATE";

struct refresh_put {
	const char	*hash, *family, *parent, *scopes;
	int64_t		 now, expires;
};

static enum mcp_err
refresh_put_tx(struct mcp_store *p, void *arg)
{
	struct refresh_put	*x = arg;
	struct pg_args		 a;
	enum mcp_err		 e;

	memset(&a, 0, sizeof(a));
	pg_text(&a, x->hash);
	pg_text(&a, x->family);
	pg_text(&a, x->parent);
	pg_text(&a, x->scopes);
	pg_int(&a, x->now);
	pg_int(&a, x->expires);
	if ((e = pg_run(p, rt_put_sql, &a, NULL, "refresh_put")) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, x->family);
	pg_int(&a, MCP_REFRESH_PER_FAMILY - 1);
	pg_text(&a, x->hash);
	return pg_run(p, rt_cap_sql, &a, NULL, "refresh_put cap");
}

enum mcp_err
pg_refresh_put(struct mcp_store *p, const char *hash, const char *family,
    const char *parent, const char *scopes, int64_t now, int64_t expires)
{
	struct refresh_put	 x;

	x.hash = hash;
	x.family = family;
	x.parent = parent;
	x.scopes = scopes;
	x.now = now;
	x.expires = expires;
	return pg_tx(p, refresh_put_tx, &x, "refresh_put");
}

struct refresh_take {
	const char	*hash, *client;
	int64_t		 now, reuse;
	char		*family, *scopes;
	int		*again;
};

static enum mcp_err
refresh_take_tx(struct mcp_store *p, void *arg)
{
	struct refresh_take	*x = arg;
	struct pg_args		 a;
	PGresult		*r;
	enum mcp_err		 e;
	char			 parent[65] = "", client[MCP_CLIENT_ID_MAX + 1];
	int64_t			 expires = 0, used = 0, reissued = 0;
	int			 mine = 0;

	x->family[0] = x->scopes[0] = '\0';
	*x->again = 0;
	memset(&a, 0, sizeof(a));
	pg_text(&a, x->hash);
	if ((e = pg_run(p, rt_get_sql, &a, &r, "refresh_take")) != MCP_OK)
		return e;
	if (PQntuples(r) == 1) {
		pg_copy(r, 0, 0, x->family, 40);
		pg_copy(r, 0, 1, x->scopes, 1024);
		expires = pg_int_at(r, 0, 2);
		used = pg_int_at(r, 0, 3);
		pg_copy(r, 0, 4, client, sizeof(client));
		mine = !PQgetisnull(r, 0, 4) && strcmp(client, x->client) == 0;
		pg_copy(r, 0, 5, parent, sizeof(parent));
		reissued = pg_int_at(r, 0, 6);
	} else
		e = MCP_ERR_NOTFOUND;
	PQclear(r);
	if (e == MCP_OK && mine && parent[0] != '\0') {
		memset(&a, 0, sizeof(a));
		pg_text(&a, parent);
		if ((e = pg_run(p, rt_lock_sql, &a, NULL,
		    "refresh_take lock")) != MCP_OK)
			return e;
	}
	/* Within the window of its first use (a clock gone back: not). */
	if (e == MCP_OK && mine && used > 1 && x->reuse > 0 &&
	    x->now >= used && x->now - used <= x->reuse && !reissued &&
	    expires >= x->now) {
		*x->again = 1;
		memset(&a, 0, sizeof(a));
		pg_text(&a, x->hash);
		return pg_run(p, rt_again_sql, &a, NULL, "refresh_take again");
	}
	return take_end(p, e, rt_use_sql, x->hash, expires, used, mine,
	    x->now, parent, "refresh_take use");
}

/*
 * Rotation with a reuse window (store.h), as sqlite_refresh_take(): a
 * first use marks the token used and its siblings (the other pair its
 * parent gave within the window) used long ago, so that whichever of
 * the two is not carried on is a replay when presented.  A second
 * presentation within reuse seconds of the first, once, is given again
 * (*again).  Concurrent presentations serialize: of any number at once,
 * one is the first use, at most one is given again, the rest replays.
 */
enum mcp_err
pg_refresh_take(struct mcp_store *p, const char *hash, const char *client,
    int64_t now, int64_t reuse, char family[40], char scopes[1024],
    int *again)
{
	struct refresh_take	 x;

	x.hash = hash;
	x.client = client;
	x.now = now;
	x.reuse = reuse;
	x.family = family;
	x.scopes = scopes;
	x.again = again;
	return pg_tx(p, refresh_take_tx, &x, "refresh_take");
}

/* --- Users --- */

static const char user_put_sql[] =
    "INSERT INTO users (id, name, workspace, scopes, pwhash, external, "
    "created, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (id) DO UPDATE SET name = $2, workspace = $3, "
    "scopes = $4, pwhash = $5, external = $6, disabled = $8";
static const char user_name_sql[] =
    "SELECT id, name, workspace, scopes, pwhash, external, created, "
    "disabled FROM users WHERE name = $1";
static const char user_id_sql[] =
    "SELECT id, name, workspace, scopes, pwhash, external, created, "
    "disabled FROM users WHERE id = $1";
static const char user_list_sql[] =
    "SELECT id, name, workspace, scopes, pwhash, external, created, "
    "disabled FROM users ORDER BY name COLLATE \"C\"";

static void
user_row(PGresult *r, int i, struct mcp_user *u)
{
	memset(u, 0, sizeof(*u));
	pg_copy(r, i, 0, u->id, sizeof(u->id));
	pg_copy(r, i, 1, u->name, sizeof(u->name));
	pg_copy(r, i, 2, u->workspace, sizeof(u->workspace));
	pg_copy(r, i, 3, u->scopes, sizeof(u->scopes));
	pg_copy(r, i, 4, u->pwhash, sizeof(u->pwhash));
	u->external = (int)pg_int_at(r, i, 5);
	u->created = pg_int_at(r, i, 6);
	u->disabled = pg_int_at(r, i, 7);
}

/* One statement: a name another user holds is MCP_ERR_CONFLICT. */
enum mcp_err
pg_user_put(struct mcp_store *p, const struct mcp_user *u)
{
	struct pg_args	 a;

	memset(&a, 0, sizeof(a));
	pg_text(&a, u->id);
	pg_text(&a, u->name);
	pg_text(&a, u->workspace);
	pg_text(&a, u->scopes);
	pg_text(&a, u->pwhash);
	pg_int(&a, u->external);
	pg_int(&a, u->created);
	pg_int(&a, u->disabled);
	return pg_run(p, user_put_sql, &a, NULL, "user_put");
}

enum mcp_err
pg_user_get(struct mcp_store *p, const char *key, int byid,
    struct mcp_user *u)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	memset(&a, 0, sizeof(a));
	pg_text(&a, key);
	if ((e = pg_run(p, byid ? user_id_sql : user_name_sql, &a, &r,
	    "user_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 1)
		user_row(r, 0, u);
	else
		e = MCP_ERR_NOTFOUND;
	PQclear(r);
	return e;
}

enum mcp_err
pg_user_list(struct mcp_store *p, mcp_user_cb cb, void *arg)
{
	PGresult	*r;
	struct mcp_user	 u;
	enum mcp_err	 e;
	int		 i, n;

	if ((e = pg_run(p, user_list_sql, NULL, &r, "user_list")) != MCP_OK)
		return e;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		user_row(r, i, &u);
		cb(arg, &u);
	}
	PQclear(r);
	return MCP_OK;
}

/* --- Signed-in browsers --- */

static const char ws_put_sql[] =
    "INSERT INTO web_sessions (hash, \"user\", created, expires) VALUES "
    "($1, $2, $3, $4)";
/* The one just made is never the one dropped (a second holds many). */
static const char ws_prune_sql[] =
    "DELETE FROM web_sessions WHERE expires < $1 OR hash IN (SELECT hash "
    "FROM web_sessions WHERE \"user\" = $2 AND hash <> $4 ORDER BY "
    "created DESC, hash COLLATE \"C\" OFFSET $3)";
static const char ws_get_sql[] =
    "SELECT w.\"user\" FROM web_sessions w JOIN users u ON "
    "u.id = w.\"user\" WHERE w.hash = $1 AND w.expires >= $2 AND "
    "u.disabled = 0";

struct websess_put {
	const char	*hash, *user;
	int64_t		 now, expires;
};

static enum mcp_err
websess_put_tx(struct mcp_store *p, void *arg)
{
	struct websess_put	*x = arg;
	struct pg_args		 a;
	enum mcp_err		 e;

	memset(&a, 0, sizeof(a));
	pg_text(&a, x->hash);
	pg_text(&a, x->user);
	pg_int(&a, x->now);
	pg_int(&a, x->expires);
	if ((e = pg_run(p, ws_put_sql, &a, NULL, "websess_put")) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_int(&a, x->now);
	pg_text(&a, x->user);
	pg_int(&a, MCP_WEBSESS_PER_USER - 1);
	pg_text(&a, x->hash);
	return pg_run(p, ws_prune_sql, &a, NULL, "websess_put prune");
}

enum mcp_err
pg_websess_put(struct mcp_store *p, const char *hash, const char *user,
    int64_t now, int64_t expires)
{
	struct websess_put	 x;

	x.hash = hash;
	x.user = user;
	x.now = now;
	x.expires = expires;
	return pg_tx(p, websess_put_tx, &x, "websess_put");
}

enum mcp_err
pg_websess_get(struct mcp_store *p, const char *hash, int64_t now,
    char user[24])
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	user[0] = '\0';
	memset(&a, 0, sizeof(a));
	pg_text(&a, hash);
	pg_int(&a, now);
	if ((e = pg_run(p, ws_get_sql, &a, &r, "websess_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 1)
		pg_copy(r, 0, 0, user, 24);
	else
		e = MCP_ERR_NOTFOUND;
	PQclear(r);
	return e;
}

/* --- Grants --- */

static const char grant_put_sql[] =
    "INSERT INTO grants (\"user\", client, scopes, created, updated) "
    "VALUES ($1, $2, $3, $4, $4) ON CONFLICT (\"user\", client) DO UPDATE "
    "SET scopes = $3, updated = $4";
static const char grant_list_sql[] =
    "SELECT u.name, g.client, g.scopes, g.updated FROM grants g JOIN "
    "users u ON u.id = g.\"user\" WHERE $1::text IS NULL OR u.name = $1 "
    "ORDER BY u.name COLLATE \"C\", g.client COLLATE \"C\"";
static const char grant_cap_sql[] =
    "DELETE FROM grants WHERE \"user\" = $1 AND client IN (SELECT client "
    "FROM grants WHERE \"user\" = $1 AND client <> $3 ORDER BY updated "
    "DESC, client COLLATE \"C\" OFFSET $2)";
static const char grant_del_sql[] =
    "DELETE FROM grants WHERE \"user\" = $1 AND client = $2";
static const char grant_codes_sql[] =
    "DELETE FROM auth_codes WHERE \"user\" = $1 AND client = $2";

struct grant {
	const char	*user, *client, *scopes;
	int64_t		 now;
};

static enum mcp_err
grant_put_tx(struct mcp_store *p, void *arg)
{
	struct grant	*x = arg;
	struct pg_args	 a;
	enum mcp_err	 e;

	memset(&a, 0, sizeof(a));
	pg_text(&a, x->user);
	pg_text(&a, x->client);
	pg_text(&a, x->scopes);
	pg_int(&a, x->now);
	if ((e = pg_run(p, grant_put_sql, &a, NULL, "grant_put")) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, x->user);
	pg_int(&a, MCP_GRANTS_PER_USER - 1);
	pg_text(&a, x->client);
	return pg_run(p, grant_cap_sql, &a, NULL, "grant_put cap");
}

enum mcp_err
pg_grant_put(struct mcp_store *p, const char *user, const char *client,
    const char *scopes, int64_t now)
{
	struct grant	 x;

	x.user = user;
	x.client = client;
	x.scopes = scopes;
	x.now = now;
	return pg_tx(p, grant_put_tx, &x, "grant_put");
}

enum mcp_err
pg_grant_list(struct mcp_store *p, const char *user, mcp_grant_cb cb,
    void *arg)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;
	char		 name[128], client[MCP_CLIENT_ID_MAX + 1], sc[1024];
	int		 i, n;

	memset(&a, 0, sizeof(a));
	pg_text(&a, user);
	if ((e = pg_run(p, grant_list_sql, &a, &r, "grant_list")) != MCP_OK)
		return e;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		pg_copy(r, i, 0, name, sizeof(name));
		pg_copy(r, i, 1, client, sizeof(client));
		pg_copy(r, i, 2, sc, sizeof(sc));
		cb(arg, name, client, sc, pg_int_at(r, i, 3));
	}
	PQclear(r);
	return MCP_OK;
}

static enum mcp_err
grant_revoke_tx(struct mcp_store *p, void *arg)
{
	struct grant	*x = arg;
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;

	memset(&a, 0, sizeof(a));
	pg_text(&a, x->user);
	pg_text(&a, x->client);
	if ((e = pg_run(p, grant_del_sql, &a, &r, "grant_revoke")) != MCP_OK)
		return e;
	if (pg_changed(r) == 0)
		e = MCP_ERR_NOTFOUND;
	PQclear(r);
	if (e != MCP_OK)
		return e;
	/* Codes not yet redeemed would start new families. */
	if ((e = pg_run(p, grant_codes_sql, &a, NULL, "grant_revoke codes")) !=
	    MCP_OK)
		return e;
	return family_revoke_in(p, NULL, x->user, x->client, x->now);
}

enum mcp_err
pg_grant_revoke(struct mcp_store *p, const char *user, const char *client,
    int64_t now)
{
	struct grant	 x;

	x.user = user;
	x.client = client;
	x.scopes = NULL;
	x.now = now;
	return pg_tx(p, grant_revoke_tx, &x, "grant_revoke");
}

/* --- Registered clients --- */

static const char dcr_prune_sql[] =
    "DELETE FROM clients WHERE (kind = 'dcr' AND used = 0 AND created < $1)"
    " OR (kind = 'cimd' AND expires < $2)";
/* When full: the oldest client that was never used makes room. */
static const char dcr_evict_sql[] =
    "DELETE FROM clients WHERE id = (SELECT id FROM clients WHERE kind IN "
    "('dcr', 'cimd') AND used = 0 AND id <> $1 ORDER BY created, "
    "id COLLATE \"C\" LIMIT 1)";
static const char dcr_count_sql[] =
    "SELECT count(*) FROM clients WHERE kind IN ('dcr', 'cimd') AND "
    "id <> $1";
/*
 * SQLite's client_put() (INSERT OR REPLACE) in this transaction; the
 * clients table has no other unique key nor rows that refer to it, so
 * replacing every column is the same.  Its own statement rather than
 * ops->client_put(), which is another area's and may be a transaction.
 */
static const char dcr_put_sql[] =
    "INSERT INTO clients (id, name, scopes, workspace, secret_hash, salt, "
    "created, revoked, kind, auth_method, redirect_uris, grant_types, "
    "app_type, metadata, expires, used) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (id) DO "
    "UPDATE SET name = $2, scopes = $3, workspace = $4, secret_hash = $5, "
    "salt = $6, created = $7, revoked = $8, kind = $9, auth_method = $10, "
    "redirect_uris = $11, grant_types = $12, app_type = $13, "
    "metadata = $14, expires = $15, used = $16";

struct client_register {
	const struct mcp_client	*cl;
	int64_t			 now;
	int			 full;	/* none could make room */
};

static enum mcp_err
client_register_tx(struct mcp_store *p, void *arg)
{
	struct client_register	*x = arg;
	const struct mcp_client	*cl = x->cl;
	struct pg_args		 a;
	PGresult		*r;
	enum mcp_err		 e;
	int64_t			 n;

	x->full = 0;
	memset(&a, 0, sizeof(a));
	pg_int(&a, x->now - 86400);
	pg_int(&a, x->now);
	if ((e = pg_run(p, dcr_prune_sql, &a, NULL,
	    "client_register prune")) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, cl->id);
	if ((e = pg_run(p, dcr_count_sql, &a, &r, "client_register count")) !=
	    MCP_OK)
		return e;
	n = pg_int_at(r, 0, 0);
	PQclear(r);
	if (n >= MCP_DCR_ROWS) {
		if ((e = pg_run(p, dcr_evict_sql, &a, &r,
		    "client_register evict")) != MCP_OK)
			return e;
		n = pg_changed(r);
		PQclear(r);
		/* The prune is kept, as SQLite commits it. */
		if (n == 0) {
			x->full = 1;
			return MCP_OK;
		}
	}
	memset(&a, 0, sizeof(a));
	pg_text(&a, cl->id);
	pg_text(&a, cl->name);
	pg_text(&a, cl->scopes);
	pg_text(&a, cl->workspace);
	pg_text(&a, cl->secret_hash);
	pg_text(&a, cl->salt);
	pg_int(&a, cl->created);
	pg_int(&a, cl->revoked);
	pg_text(&a, cl->kind);
	pg_text(&a, cl->auth_method);
	pg_text(&a, cl->redirect_uris);
	pg_text(&a, cl->grant_types);
	pg_text(&a, cl->app_type);
	pg_text(&a, cl->metadata);
	pg_int(&a, cl->expires);
	pg_int(&a, cl->used);
	return pg_run(p, dcr_put_sql, &a, NULL, "client_register put");
}

/*
 * The count and the eviction in one transaction, so that registrations
 * racing on several hosts never leave more than MCP_DCR_ROWS.
 */
enum mcp_err
pg_client_register(struct mcp_store *p, const struct mcp_client *cl,
    int64_t now)
{
	struct client_register	 x;
	enum mcp_err		 e;

	x.cl = cl;
	x.now = now;
	x.full = 0;
	if ((e = pg_tx(p, client_register_tx, &x, "client_register")) !=
	    MCP_OK)
		return e;
	return x.full ? MCP_ERR_CONFLICT : MCP_OK;
}

static const char client_used_sql[] =
    "UPDATE clients SET used = $2 WHERE id = $1 AND used = 0";

enum mcp_err
pg_client_used(struct mcp_store *p, const char *id, int64_t now)
{
	struct pg_args	 a;

	memset(&a, 0, sizeof(a));
	pg_text(&a, id);
	pg_int(&a, now);
	return pg_run(p, client_used_sql, &a, NULL, "client_used");
}

/* --- Initial access tokens --- */

static const char regtok_prune_sql[] =
    "DELETE FROM registration_tokens WHERE expires < $1 OR uses_left <= 0";
static const char regtok_put_sql[] =
    "INSERT INTO registration_tokens (hash, name, created, expires, "
    "uses_left) VALUES ($1, $2, $3, $4, $5)";
static const char regtok_check_sql[] =
    "SELECT 1 FROM registration_tokens WHERE hash = $1 AND expires >= $2 "
    "AND uses_left > 0";
/* One statement: concurrent uses never take more than uses_left. */
static const char regtok_use_sql[] =
    "UPDATE registration_tokens SET uses_left = uses_left - 1 WHERE "
    "hash = $1 AND expires >= $2 AND uses_left > 0";

struct regtoken_put {
	const char	*hash, *name;
	int64_t		 now, expires;
	int		 uses;
};

static enum mcp_err
regtoken_put_tx(struct mcp_store *p, void *arg)
{
	struct regtoken_put	*x = arg;
	struct pg_args		 a;
	enum mcp_err		 e;

	memset(&a, 0, sizeof(a));
	pg_int(&a, x->now);
	if ((e = pg_run(p, regtok_prune_sql, &a, NULL,
	    "regtoken_put prune")) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_text(&a, x->hash);
	pg_text(&a, x->name);
	pg_int(&a, x->now);
	pg_int(&a, x->expires);
	pg_int(&a, x->uses);
	return pg_run(p, regtok_put_sql, &a, NULL, "regtoken_put");
}

enum mcp_err
pg_regtoken_put(struct mcp_store *p, const char *hash, const char *name,
    int64_t now, int64_t expires, int uses)
{
	struct regtoken_put	 x;

	x.hash = hash;
	x.name = name;
	x.now = now;
	x.expires = expires;
	x.uses = uses;
	return pg_tx(p, regtoken_put_tx, &x, "regtoken_put");
}

enum mcp_err
pg_regtoken_use(struct mcp_store *p, const char *hash, int64_t now,
    int check)
{
	struct pg_args	 a;
	PGresult	*r;
	enum mcp_err	 e;
	int64_t		 n;

	memset(&a, 0, sizeof(a));
	pg_text(&a, hash);
	pg_int(&a, now);
	if ((e = pg_run(p, check ? regtok_check_sql : regtok_use_sql, &a, &r,
	    check ? "regtoken_check" : "regtoken_use")) != MCP_OK)
		return e;
	n = check ? PQntuples(r) : pg_changed(r);
	PQclear(r);
	return n >= 1 ? MCP_OK : MCP_ERR_NOTFOUND;
}
