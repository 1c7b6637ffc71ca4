/*
 * bounds.c: every table a caller can write to stays within the bound
 * store.h gives it, whatever the caller sends: failed client
 * authentications, sessions per owner, cancellations, counts of requests
 * refused before authentication.  Also the migration that introduced
 * those bounds, from a version 5 store holding old rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "extern.h"
#include "tap.h"

#define NOW	1700000000LL

static char	 dir[] = "/tmp/mcp-unit-bounds.XXXXXX";

static long long
scalar(const char *path, const char *q)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	long long	 v = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static void
rm(const char *path)
{
	char	 p[160];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static struct mcp_store *
open_at(const char *path)
{
	struct mcp_store	*st;
	char			 err[256];

	if ((st = mcp_store_open(path, err, sizeof(err))) == NULL)
		printf("# %s\n", err);
	return st;
}

/*
 * A version 5 store, as far as migrations 6 to 8 read it, with old rows:
 * migration 7 counts each workspace's objects, migration 8 gives clients
 * their registration columns.
 */
static void
migration(void)
{
	static const char	 v5[] =
	    "CREATE TABLE sessions (id TEXT PRIMARY KEY, version TEXT NOT "
	    "NULL, owner TEXT NOT NULL DEFAULT '', log_level INTEGER NOT NULL "
	    "DEFAULT -1, caps TEXT NOT NULL DEFAULT '{}', created INTEGER NOT "
	    "NULL, seen INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE TABLE cancelled (session TEXT NOT NULL REFERENCES "
	    "sessions (id) ON DELETE CASCADE, rid TEXT NOT NULL, created "
	    "INTEGER NOT NULL, PRIMARY KEY (session, rid)) WITHOUT ROWID;"
	    "CREATE TABLE auth_failures (client TEXT NOT NULL, ts INTEGER "
	    "NOT NULL);"
	    "INSERT INTO sessions VALUES ('s1', '2025-11-25', '', -1, '{}', "
	    "1, 1);"
	    "INSERT INTO cancelled VALUES ('s1', '\"short\"', 1);"
	    "INSERT INTO cancelled VALUES ('s1', printf('%.300c', 'x'), 1);"
	    "INSERT INTO auth_failures VALUES ('c', 1), ('c', 2);"
	    "CREATE TABLE environments (id TEXT, workspace TEXT);"
	    "CREATE TABLE org_templates (id TEXT, workspace TEXT);"
	    "CREATE TABLE organizations (id TEXT, workspace TEXT);"
	    "CREATE TABLE clients (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
	    "scopes TEXT NOT NULL, workspace TEXT NOT NULL DEFAULT '', "
	    "secret_hash TEXT NOT NULL, salt TEXT NOT NULL, created INTEGER "
	    "NOT NULL, revoked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	    "INSERT INTO clients VALUES ('cli_1', 'old', 'a b', '', 'h', "
	    "'s', 1, 0);"
	    "INSERT INTO environments VALUES ('e1', 'w1'), ('e2', 'w1'), "
	    "('e3', 'w2');"
	    "INSERT INTO organizations VALUES ('o1', 'w1'), ('o2', 'w1'), "
	    "('o3', 'w1');"
	    "PRAGMA user_version = 5;";
	struct mcp_store	*st;
	sqlite3			*db;
	char			 path[128];

	snprintf(path, sizeof(path), "%s/v5.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return;
	ok(sqlite3_exec(db, v5, NULL, NULL, NULL) == SQLITE_OK,
	    "a version 5 store");
	sqlite3_close(db);
	st = open_at(path);
	ok(st != NULL, "migrates to the current version");
	if (st == NULL)
		return;
	st->ops->close(st);
	ok(scalar(path, "SELECT count(*) FROM clients WHERE kind = 'admin' "
	    "AND auth_method = 'client_secret_basic' AND redirect_uris = "
	    "'[]' AND grant_types = 'client_credentials' AND scopes = 'a b'")
	    == 1, "a client made before registration keeps its row, with "
	    "an operator-made client's defaults");
	ok(scalar(path, "SELECT count(*) FROM cancelled") == 1,
	    "cancellations with ids over 256 bytes are dropped");
	ok(scalar(path, "SELECT seq FROM cancelled WHERE rid = '\"short\"'") >
	    0, "the others keep their id and get a seq");
	ok(scalar(path, "SELECT count(*) FROM auth_failures WHERE addr = ''")
	    == 0, "auth_failures has its new shape, old rows gone");
	ok(scalar(path, "SELECT n FROM workspace_usage WHERE workspace = "
	    "'w1' AND kind = 'env'") == 2 && scalar(path, "SELECT n FROM "
	    "workspace_usage WHERE workspace = 'w2' AND kind = 'env'") == 1,
	    "each workspace's environments counted");
	ok(scalar(path, "SELECT n FROM workspace_usage WHERE workspace = "
	    "'w1' AND kind = 'org'") == 3 && scalar(path, "SELECT count(*) "
	    "FROM workspace_usage WHERE kind = 'tpl'") == 0,
	    "and organizations; no rows for what a workspace has none of");
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		ok(sqlite3_exec(db, "INSERT INTO organizations VALUES ('o4', "
		    "'w2'); DELETE FROM organizations WHERE id = 'o1'", NULL,
		    NULL, NULL) == SQLITE_OK, "rows added and removed");
		sqlite3_close(db);
	}
	ok(scalar(path, "SELECT n FROM workspace_usage WHERE workspace = "
	    "'w1' AND kind = 'org'") == 2 && scalar(path, "SELECT n FROM "
	    "workspace_usage WHERE workspace = 'w2' AND kind = 'org'") == 1,
	    "the triggers keep the counts");
	rm(path);
}

static void
failures(struct mcp_store *st, const char *path)
{
	char		 id[32];
	int64_t		 start;
	int		 n, i, bad = 0;

	for (i = 0; i < 3; i++)
		if (st->ops->fail_add(st, "cli", "192.0.2.1", NOW + i, 300) !=
		    MCP_OK)
			bad++;
	ok(bad == 0, "three failures counted");
	st->ops->fail_count(st, "cli", "192.0.2.1", NOW + 10, 300, &n, &start);
	ok(n == 3 && start == NOW, "one row for the pair: 3 since its first "
	    "(%d, %lld)", n, (long long)start);
	st->ops->fail_count(st, "", "192.0.2.1", NOW + 10, 300, &n, &start);
	ok(n == 3, "and one for the address: 3 (%d)", n);
	st->ops->fail_count(st, "cli", "192.0.2.2", NOW + 10, 300, &n, &start);
	ok(n == 0, "another address has none (%d)", n);
	st->ops->fail_count(st, "cli", "192.0.2.1", NOW + 300, 300, &n, &start);
	ok(n == 0, "the window ends 300 s after its first failure (%d)", n);
	st->ops->fail_add(st, "cli", "192.0.2.1", NOW + 300, 300);
	st->ops->fail_count(st, "cli", "192.0.2.1", NOW + 301, 300, &n, &start);
	ok(n == 1 && start == NOW + 300, "a failure after it starts a new "
	    "window (%d, %lld)", n, (long long)start);
	ok(scalar(path, "SELECT count(*) FROM auth_failures") == 2,
	    "still one row per pair and per address");
	st->ops->fail_add(st, "", "192.0.2.3", NOW + 301, 300);
	ok(scalar(path, "SELECT count(*) FROM auth_failures WHERE addr = "
	    "'192.0.2.3'") == 1, "an empty client id counts for the address "
	    "only");
	st->ops->fail_add(st, "x", "192.0.2.9", NOW + 700, 300);
	ok(scalar(path, "SELECT count(*) FROM auth_failures WHERE addr != "
	    "'192.0.2.9'") == 0, "rows whose window ended are dropped");
	/* Many addresses, each under its limit: the total stays bounded. */
	for (i = 0; i < MCP_FAIL_ROWS; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		if (st->ops->fail_add(st, id, i % 2 ? "198.51.100.1" :
		    "198.51.100.2", NOW + 800, 300) != MCP_OK)
			bad++;
	}
	ok(bad == 0, "%d more failures counted", MCP_FAIL_ROWS);
	ok(scalar(path, "SELECT count(*) FROM auth_failures") ==
	    MCP_FAIL_ROWS, "at most MCP_FAIL_ROWS rows (%lld)",
	    scalar(path, "SELECT count(*) FROM auth_failures"));
	ok(scalar(path, "SELECT count FROM auth_failures WHERE client = '' "
	    "AND addr = '198.51.100.1'") == MCP_FAIL_ROWS / 2,
	    "pairs go before the addresses' own rows");
}

static void
sessions(struct mcp_store *st, const char *path)
{
	struct mcp_session	 s;
	int			 i, ev, total = 0;

	memset(&s, 0, sizeof(s));
	snprintf(s.version, sizeof(s.version), "2025-11-25");
	snprintf(s.owner, sizeof(s.owner), "owner-a");
	snprintf(s.caps, sizeof(s.caps), "{}");
	for (i = 0; i < 40; i++) {
		snprintf(s.id, sizeof(s.id), "a%063d", i);
		s.created = s.seen = NOW + i;
		if (st->ops->session_put(st, &s, 32, &ev) == MCP_OK)
			total += ev;
	}
	ok(scalar(path, "SELECT count(*) FROM sessions WHERE owner = "
	    "'owner-a'") == 32 && total == 8, "32 sessions for one owner, "
	    "8 evicted (%d)", total);
	ok(scalar(path, "SELECT count(*) FROM sessions WHERE owner = "
	    "'owner-a' AND seen < 1700000008") == 0, "the least recently "
	    "seen went");
	/* The same second: the new one is never the one evicted. */
	s.created = s.seen = NOW;
	snprintf(s.id, sizeof(s.id), "b%063d", 0);
	st->ops->session_put(st, &s, 32, &ev);
	ok(scalar(path, "SELECT count(*) FROM sessions WHERE id = "
	    "'b000000000000000000000000000000000000000000000000000000000000000"
	    "'") == 1 && ev == 1, "the new session stays, even when older "
	    "than the rest");
	/* Seen in the same second: the one made first goes first. */
	snprintf(s.owner, sizeof(s.owner), "owner-z");
	for (i = 0; i < 33; i++) {
		snprintf(s.id, sizeof(s.id), "z%063d", i);
		s.created = s.seen = NOW;
		st->ops->session_put(st, &s, 32, &ev);
	}
	ok(scalar(path, "SELECT count(*) FROM sessions WHERE owner = "
	    "'owner-z' AND id = 'z00000000000000000000000000000000000000000"
	    "0000000000000000000000'") == 0 && scalar(path, "SELECT count(*) "
	    "FROM sessions WHERE owner = 'owner-z'") == 32, "of sessions "
	    "seen in the same second, the first made is evicted");
	snprintf(s.owner, sizeof(s.owner), "%s", "");
	for (i = 0; i < 40; i++) {
		snprintf(s.id, sizeof(s.id), "c%063d", i);
		st->ops->session_put(st, &s, 32, &ev);
	}
	ok(scalar(path, "SELECT count(*) FROM sessions WHERE owner = ''") ==
	    40, "sessions without an owner (auth = none) are not capped");
}

static void
cancellations(struct mcp_store *st, const char *path)
{
	struct mcp_session	 s;
	char			 rid[32], q[160];
	int			 i, j, ev, bad = 0, nsess;

	memset(&s, 0, sizeof(s));
	snprintf(s.version, sizeof(s.version), "2025-11-25");
	snprintf(s.caps, sizeof(s.caps), "{}");
	nsess = MCP_CANCEL_ROWS / MCP_CANCEL_PER_SESSION + 8;
	for (i = 0; i < nsess; i++) {
		snprintf(s.id, sizeof(s.id), "k%063d", i);
		s.created = s.seen = NOW;
		st->ops->session_put(st, &s, 32, &ev);
		for (j = 0; j < MCP_CANCEL_PER_SESSION + (i == nsess - 1 ? 100 : 0);
		    j++) {
			snprintf(rid, sizeof(rid), "%d", j);
			if (st->ops->cancel_add(st, s.id, rid, NOW, NOW -
			    600) != MCP_OK)
				bad++;
		}
	}
	ok(bad == 0, "cancellations recorded");
	ok(scalar(path, "SELECT max(n) FROM (SELECT count(*) AS n FROM "
	    "cancelled GROUP BY session)") == MCP_CANCEL_PER_SESSION,
	    "at most MCP_CANCEL_PER_SESSION per session");
	snprintf(q, sizeof(q), "SELECT min(rid + 0) FROM cancelled WHERE "
	    "session = '%s'", s.id);
	ok(scalar(path, q) == 100, "a session keeps its newest (%lld)",
	    scalar(path, q));
	ok(scalar(path, "SELECT count(*) FROM cancelled") <= MCP_CANCEL_ROWS,
	    "at most MCP_CANCEL_ROWS in all (%lld)",
	    scalar(path, "SELECT count(*) FROM cancelled"));
	st->ops->cancel_add(st, s.id, "late", NOW + 601, NOW + 1);
	ok(scalar(path, "SELECT count(*) FROM cancelled") == 1,
	    "those made before the cut-off are dropped");
}

static void
anon(struct mcp_store *st, const char *path)
{
	static struct mcp_audit	 a[500];
	static char		 addr[500][32];
	const struct mcp_audit	*p[500];
	int			 i, k, bad = 0;

	for (i = 0; i < 500; i++) {
		a[i].ts_ms = NOW * 1000 + i;
		a[i].rid = "r";
		a[i].method = "POST";
		a[i].outcome = "no_token";
		a[i].status = 401;
		a[i].addr = "192.0.2.1";
		a[i].anon = 1;
		p[i] = &a[i];
	}
	ok(st->ops->audit_anon_add(st, p, 500) == MCP_OK, "500 refused "
	    "requests counted");
	ok(scalar(path, "SELECT count(*) FROM audit_anon") == 1,
	    "in one row");
	ok(scalar(path, "SELECT sum(count) FROM audit_anon") == 500,
	    "with a count of 500");
	/* Many addresses: the oldest rows go past MCP_ANON_ROWS. */
	for (k = 0; k < MCP_ANON_ROWS / 500 + 2; k++) {
		for (i = 0; i < 500; i++) {
			snprintf(addr[i], sizeof(addr[i]), "10.%d.%d.%d",
			    k / 256, k % 256, i);
			a[i].addr = addr[i];
			a[i].ts_ms = (NOW + 60 * k) * 1000;
		}
		if (st->ops->audit_anon_add(st, p, 500) != MCP_OK)
			bad++;
	}
	ok(bad == 0, "%d batches counted", k);
	ok(scalar(path, "SELECT count(*) FROM audit_anon") == MCP_ANON_ROWS,
	    "at most MCP_ANON_ROWS rows (%lld)",
	    scalar(path, "SELECT count(*) FROM audit_anon"));
	ok(scalar(path, "SELECT count(*) FROM audit_anon WHERE addr = "
	    "'192.0.2.1'") == 0, "the oldest went first");
	a[0].ts_ms = (NOW + 8 * 86400) * 1000;
	a[0].addr = "192.0.2.2";
	st->ops->audit_anon_add(st, p, 1);
	ok(scalar(path, "SELECT count(*) FROM audit_anon") == 1,
	    "rows over MCP_ANON_KEEP_DAYS old are dropped");
}

int
main(void)
{
	struct mcp_store	*st;
	char			 path[128];

	if (mkdtemp(dir) == NULL)
		return 1;
	migration();
	snprintf(path, sizeof(path), "%s/mcp.db", dir);
	if ((st = open_at(path)) == NULL) {
		ok(0, "the store opens");
		return done();
	}
	failures(st, path);
	sessions(st, path);
	cancellations(st, path);
	anon(st, path);
	st->ops->close(st);
	rm(path);
	rmdir(dir);
	return done();
}
