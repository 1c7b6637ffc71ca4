/*
 * store_pg_auth.c: the resource server's revocation list, the clients
 * the operator makes, failed client authentications, signing keys and
 * the server's own keys, on PostgreSQL.  The semantics are
 * store_sqlite.c's and store_sqlite_secret.c's.  Lists sort text
 * bytewise (COLLATE "C"), as SQLite does, whatever the database's
 * collation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store_pg.h"

#define CLIENT_COLS	"id, name, scopes, workspace, secret_hash, salt, " \
	"created, revoked, kind, auth_method, redirect_uris, grant_types, " \
	"app_type, metadata, expires, used"

static const char revoked_sql[] =
    "SELECT id FROM clients WHERE revoked > 0 UNION ALL "
    "SELECT id FROM token_families WHERE revoked > 0";
/* SQLite's INSERT OR REPLACE: clients has no other unique key. */
static const char client_put_sql[] =
    "INSERT INTO clients (" CLIENT_COLS ") VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (id) "
    "DO UPDATE SET name = excluded.name, scopes = excluded.scopes, "
    "workspace = excluded.workspace, secret_hash = excluded.secret_hash, "
    "salt = excluded.salt, created = excluded.created, revoked = "
    "excluded.revoked, kind = excluded.kind, auth_method = "
    "excluded.auth_method, redirect_uris = excluded.redirect_uris, "
    "grant_types = excluded.grant_types, app_type = excluded.app_type, "
    "metadata = excluded.metadata, expires = excluded.expires, used = "
    "excluded.used";
static const char client_get_sql[] =
    "SELECT " CLIENT_COLS " FROM clients WHERE id = $1";
static const char client_list_sql[] =
    "SELECT " CLIENT_COLS " FROM clients ORDER BY created, id COLLATE "
    "\"C\"";

/* A window that has ended starts again at $3 with one failure. */
static const char fail_add_sql[] =
    "INSERT INTO auth_failures AS f (client, addr, start, count) VALUES "
    "($1, $2, $3, 1) ON CONFLICT (client, addr) DO UPDATE SET "
    "start = CASE WHEN f.start <= $3::bigint - $4::bigint THEN $3 "
    "ELSE f.start END, "
    "count = CASE WHEN f.start <= $3::bigint - $4::bigint THEN 1 "
    "ELSE f.count + 1 END";
static const char fail_count_sql[] =
    "SELECT count, start FROM auth_failures WHERE client = $1 AND "
    "addr = $2 AND start > $3::bigint - $4::bigint";
static const char fail_prune_sql[] =
    "DELETE FROM auth_failures WHERE start <= $1";
/*
 * Oldest windows first, and of one age a pair before an address; then
 * by key, where SQLite goes by insertion (PostgreSQL keeps no order).
 */
static const char fail_trim_sql[] =
    "DELETE FROM auth_failures WHERE (client, addr) IN (SELECT client, "
    "addr FROM auth_failures ORDER BY start, client = '', client COLLATE "
    "\"C\", addr COLLATE \"C\" LIMIT greatest(0, (SELECT count(*) FROM "
    "auth_failures) - $1::bigint))";

static const char key_put_sql[] =
    "INSERT INTO signing_keys (kid, alg, created, retired) VALUES ($1, "
    "$2, $3, $4) ON CONFLICT (kid) DO UPDATE SET alg = excluded.alg, "
    "created = excluded.created, retired = excluded.retired";
static const char key_list_sql[] =
    "SELECT kid, alg, created, retired FROM signing_keys ORDER BY "
    "created DESC, kid COLLATE \"C\"";
static const char key_del_sql[] =
    "DELETE FROM signing_keys WHERE kid = $1";

/*
 * A key is made once, by whichever process of whichever host asks
 * first; the insert that loses the race changes nothing and the read
 * returns the winner's.  Read as hex, whatever bytea_output says.
 */
static const char secret_put_sql[] =
    "INSERT INTO secrets (name, value, created) VALUES ($1, $2, $3) "
    "ON CONFLICT (name) DO NOTHING";
static const char secret_get_sql[] =
    "SELECT encode(value, 'hex') FROM secrets WHERE name = $1";

/* The revoked clients and token families (malloc'd strings). */
enum mcp_err
pg_revoked_clients(struct mcp_store *p, char ***ids, size_t *n)
{
	PGresult	*r;
	char		**v = NULL;
	enum mcp_err	 e;
	int		 i, rows, oom = 0;

	*ids = NULL;
	*n = 0;
	if ((e = pg_run(p, revoked_sql, NULL, &r, "revoked_clients")) !=
	    MCP_OK)
		return e;
	if ((rows = PQntuples(r)) > 0 &&
	    (v = calloc(rows, sizeof(*v))) == NULL)
		oom = 1;
	for (i = 0; i < rows && !oom; i++)
		if ((v[i] = pg_dup(r, i, 0, &oom)) == NULL)
			oom = 1;
	PQclear(r);
	if (oom) {
		for (i = 0; v != NULL && i < rows; i++)
			free(v[i]);
		free(v);
		return MCP_ERR_NOMEM;
	}
	*ids = v;
	*n = (size_t)rows;
	return MCP_OK;
}

/* Adds or replaces the client with c's id. */
enum mcp_err
pg_client_put(struct mcp_store *p, const struct mcp_client *c)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, c->id);
	pg_text(&a, c->name);
	pg_text(&a, c->scopes);
	pg_text(&a, c->workspace);
	pg_text(&a, c->secret_hash);
	pg_text(&a, c->salt);
	pg_int(&a, c->created);
	pg_int(&a, c->revoked);
	pg_text(&a, c->kind);
	pg_text(&a, c->auth_method);
	pg_text(&a, c->redirect_uris);
	pg_text(&a, c->grant_types);
	pg_text(&a, c->app_type);
	pg_text(&a, c->metadata);
	pg_int(&a, c->expires);
	pg_int(&a, c->used);
	return pg_run(p, client_put_sql, &a, NULL, "client_put");
}

static void
client_row(PGresult *r, int i, struct mcp_client *c)
{
	memset(c, 0, sizeof(*c));
	pg_copy(r, i, 0, c->id, sizeof(c->id));
	pg_copy(r, i, 1, c->name, sizeof(c->name));
	pg_copy(r, i, 2, c->scopes, sizeof(c->scopes));
	pg_copy(r, i, 3, c->workspace, sizeof(c->workspace));
	pg_copy(r, i, 4, c->secret_hash, sizeof(c->secret_hash));
	pg_copy(r, i, 5, c->salt, sizeof(c->salt));
	c->created = pg_int_at(r, i, 6);
	c->revoked = pg_int_at(r, i, 7);
	pg_copy(r, i, 8, c->kind, sizeof(c->kind));
	pg_copy(r, i, 9, c->auth_method, sizeof(c->auth_method));
	pg_copy(r, i, 10, c->redirect_uris, sizeof(c->redirect_uris));
	pg_copy(r, i, 11, c->grant_types, sizeof(c->grant_types));
	pg_copy(r, i, 12, c->app_type, sizeof(c->app_type));
	pg_copy(r, i, 13, c->metadata, sizeof(c->metadata));
	c->expires = pg_int_at(r, i, 14);
	c->used = pg_int_at(r, i, 15);
}

/* MCP_ERR_NOTFOUND when there is no such client. */
enum mcp_err
pg_client_get(struct mcp_store *p, const char *id, struct mcp_client *c)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;

	pg_text(&a, id);
	if ((e = pg_run(p, client_get_sql, &a, &r, "client_get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 0)
		e = MCP_ERR_NOTFOUND;
	else
		client_row(r, 0, c);
	PQclear(r);
	return e;
}

/* Oldest first; the rows are read whole before the first callback. */
enum mcp_err
pg_client_list(struct mcp_store *p, mcp_client_cb cb, void *arg)
{
	struct mcp_client	*c;
	PGresult		*r;
	enum mcp_err		 e;
	int			 i;

	if ((c = malloc(sizeof(*c))) == NULL)
		return MCP_ERR_NOMEM;
	if ((e = pg_run(p, client_list_sql, NULL, &r, "client_list")) ==
	    MCP_OK) {
		for (i = 0; i < PQntuples(r); i++) {
			client_row(r, i, c);
			cb(arg, c);
		}
		PQclear(r);
	}
	free(c);
	return e;
}

/* Counts one failure in the window of (client, addr). */
static enum mcp_err
fail_one(struct mcp_store *p, const char *client, const char *addr,
    int64_t now, int window)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, client);
	pg_text(&a, addr);
	pg_int(&a, now);
	pg_int(&a, window);
	return pg_run(p, fail_add_sql, &a, NULL, "fail_add");
}

struct fail {
	const char	*client, *addr;
	int64_t		 now;
	int		 window;
};

static enum mcp_err
fail_tx(struct mcp_store *p, void *arg)
{
	struct fail	*f = arg;
	struct pg_args	 a = { 0 };
	enum mcp_err	 e;

	pg_int(&a, f->now - f->window);
	if ((e = pg_run(p, fail_prune_sql, &a, NULL, "fail_add prune")) !=
	    MCP_OK)
		return e;
	if (f->client[0] != '\0' && (e = fail_one(p, f->client, f->addr,
	    f->now, f->window)) != MCP_OK)
		return e;
	if ((e = fail_one(p, "", f->addr, f->now, f->window)) != MCP_OK)
		return e;
	memset(&a, 0, sizeof(a));
	pg_int(&a, MCP_FAIL_ROWS);
	return pg_run(p, fail_trim_sql, &a, NULL, "fail_add trim");
}

/*
 * One failure for (client, addr) and for addr alone, the ended windows
 * dropped and the oldest past MCP_FAIL_ROWS, in one transaction.
 */
enum mcp_err
pg_fail_add(struct mcp_store *p, const char *client, const char *addr,
    int64_t now, int window)
{
	struct fail	 f;

	f.client = client;
	f.addr = addr;
	f.now = now;
	f.window = window;
	return pg_tx(p, fail_tx, &f, "fail_add");
}

/* The failures of the current window and when it began (n = 0: now). */
enum mcp_err
pg_fail_count(struct mcp_store *p, const char *client, const char *addr,
    int64_t now, int window, int *n, int64_t *start)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;

	*n = 0;
	*start = now;
	pg_text(&a, client);
	pg_text(&a, addr);
	pg_int(&a, now);
	pg_int(&a, window);
	if ((e = pg_run(p, fail_count_sql, &a, &r, "fail_count")) != MCP_OK)
		return e;
	if (PQntuples(r) > 0) {
		*n = (int)pg_int_at(r, 0, 0);
		*start = pg_int_at(r, 0, 1);
	}
	PQclear(r);
	return MCP_OK;
}

/* Adds or replaces the key with k's kid. */
enum mcp_err
pg_key_put(struct mcp_store *p, const struct mcp_signkey *k)
{
	struct pg_args	 a = { 0 };

	pg_text(&a, k->kid);
	pg_text(&a, k->alg);
	pg_int(&a, k->created);
	pg_int(&a, k->retired);
	return pg_run(p, key_put_sql, &a, NULL, "key_put");
}

/* Newest first. */
enum mcp_err
pg_key_list(struct mcp_store *p, mcp_signkey_cb cb, void *arg)
{
	struct mcp_signkey	 k;
	PGresult		*r;
	enum mcp_err		 e;
	int			 i;

	if ((e = pg_run(p, key_list_sql, NULL, &r, "key_list")) != MCP_OK)
		return e;
	for (i = 0; i < PQntuples(r); i++) {
		memset(&k, 0, sizeof(k));
		pg_copy(r, i, 0, k.kid, sizeof(k.kid));
		pg_copy(r, i, 1, k.alg, sizeof(k.alg));
		k.created = pg_int_at(r, i, 2);
		k.retired = pg_int_at(r, i, 3);
		cb(arg, &k);
	}
	PQclear(r);
	return MCP_OK;
}

/* MCP_ERR_NOTFOUND when there is no such key. */
enum mcp_err
pg_key_delete(struct mcp_store *p, const char *kid)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	enum mcp_err	 e;

	pg_text(&a, kid);
	if ((e = pg_run(p, key_del_sql, &a, &r, "key_delete")) != MCP_OK)
		return e;
	e = pg_changed(r) > 0 ? MCP_OK : MCP_ERR_NOTFOUND;
	PQclear(r);
	return e;
}

static int
unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The key named name into out: MCP_ERR_NOTFOUND when there is none yet,
 * MCP_ERR_INTERNAL when the row is not MCP_SECRET_LEN bytes (not ours:
 * never used).
 */
static enum mcp_err
secret_get(struct mcp_store *p, const char *name, unsigned char *out)
{
	struct pg_args	 a = { 0 };
	PGresult	*r;
	const char	*h;
	enum mcp_err	 e;
	size_t		 i;
	int		 hi, lo;

	pg_text(&a, name);
	if ((e = pg_run(p, secret_get_sql, &a, &r, "secret get")) != MCP_OK)
		return e;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return MCP_ERR_NOTFOUND;
	}
	h = PQgetvalue(r, 0, 0);
	e = strlen(h) == 2 * MCP_SECRET_LEN ? MCP_OK : MCP_ERR_INTERNAL;
	for (i = 0; e == MCP_OK && i < MCP_SECRET_LEN; i++) {
		if ((hi = unhex(h[2 * i])) == -1 ||
		    (lo = unhex(h[2 * i + 1])) == -1)
			e = MCP_ERR_INTERNAL;
		else
			out[i] = (unsigned char)(hi << 4 | lo);
	}
	/* The hex copy libpq holds goes with the result. */
	OPENSSL_cleanse(PQgetvalue(r, 0, 0), strlen(h));
	PQclear(r);
	return e;
}

enum mcp_err
pg_secret(struct mcp_store *p, const char *name,
    unsigned char out[MCP_SECRET_LEN])
{
	struct pg_args	 a = { 0 };
	unsigned char	 fresh[MCP_SECRET_LEN];
	char		 hex[2 * MCP_SECRET_LEN + 3];
	enum mcp_err	 e;

	if ((e = secret_get(p, name, out)) != MCP_ERR_NOTFOUND)
		return e;
	if (RAND_bytes(fresh, sizeof(fresh)) != 1)
		return MCP_ERR_INTERNAL;
	pg_text(&a, name);
	pg_bytes(&a, fresh, sizeof(fresh), hex, sizeof(hex));
	pg_int(&a, (int64_t)time(NULL));
	e = pg_run(p, secret_put_sql, &a, NULL, "secret put");
	OPENSSL_cleanse(fresh, sizeof(fresh));
	OPENSSL_cleanse(hex, sizeof(hex));
	if (e != MCP_OK)
		return e;
	return secret_get(p, name, out);
}
