/*
 * store_sqlite_secret.c: the embedded store's keys the server keeps for
 * itself (migration 10's table).  A key is made once, by whichever
 * process asks first; the insert that loses the race changes nothing and
 * the read returns the winner's.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store_sqlite.h"

static const char put_sql[] =
    "INSERT INTO secrets (name, value, created) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (name) DO NOTHING";
static const char get_sql[] =
    "SELECT value FROM secrets WHERE name = ?1";

static enum mcp_err
get(struct mcp_store *p, const char *name, unsigned char *out)
{
	sqlite3_stmt	*st;
	enum mcp_err	 e = MCP_ERR_NOTFOUND;
	int		 rc;

	if ((st = sqlite_prep(p, get_sql)) == NULL)
		return MCP_ERR_STORE;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) == MCP_SECRET_LEN) {
			memcpy(out, sqlite3_column_blob(st, 0),
			    MCP_SECRET_LEN);
			e = MCP_OK;
		} else
			e = MCP_ERR_INTERNAL;	/* not ours: never used */
	} else if (rc != SQLITE_DONE)
		e = sqlite_error(p, "secret get");
	sqlite_done(st);
	return e;
}

enum mcp_err
sqlite_secret(struct mcp_store *p, const char *name,
    unsigned char out[MCP_SECRET_LEN])
{
	sqlite3_stmt	*st;
	unsigned char	 fresh[MCP_SECRET_LEN];
	enum mcp_err	 e;

	if ((e = get(p, name, out)) != MCP_ERR_NOTFOUND)
		return e;
	if (RAND_bytes(fresh, sizeof(fresh)) != 1)
		return MCP_ERR_INTERNAL;
	if ((st = sqlite_prep(p, put_sql)) == NULL) {
		OPENSSL_cleanse(fresh, sizeof(fresh));
		return MCP_ERR_STORE;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, fresh, sizeof(fresh), SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	e = sqlite_exec(p, st);
	OPENSSL_cleanse(fresh, sizeof(fresh));
	if (e != MCP_OK)
		return e;
	return get(p, name, out);
}
