/*
 * pg_auth.c: the PostgreSQL store's revocation list, operator's
 * clients, failed client authentications, signing keys and server keys
 * (store_pg_auth.c) against a real PostgreSQL named by MCP_TEST_PG,
 * each call made on an SQLite store too with the same expectations
 * (pg_eng.h).  The failure counts and the server keys are also made
 * from eight threads at once, each with its connection: no failure is
 * lost, and every caller gets the one key the first made.  Without
 * MCP_TEST_PG the test says it skips, and passes.
 */
#include <pthread.h>

#include "pg_eng.h"

/* A field's new value, and nothing of its old (memcmp compares). */
#define SET(f, v) do {							\
	memset((f), 0, sizeof(f));					\
	snprintf((f), sizeof(f), "%s", (v));				\
} while (0)

static void
fill(struct mcp_client *c, const char *id, int64_t created)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->name, sizeof(c->name), "name of %s", id);
	snprintf(c->scopes, sizeof(c->scopes), "a b");
	snprintf(c->secret_hash, sizeof(c->secret_hash), "%064d", 7);
	snprintf(c->salt, sizeof(c->salt), "%032d", 3);
	c->created = created;
	snprintf(c->kind, sizeof(c->kind), "admin");
	snprintf(c->auth_method, sizeof(c->auth_method),
	    "client_secret_basic");
	snprintf(c->redirect_uris, sizeof(c->redirect_uris), "[]");
	snprintf(c->grant_types, sizeof(c->grant_types),
	    "client_credentials");
	snprintf(c->app_type, sizeof(c->app_type), "web");
	snprintf(c->metadata, sizeof(c->metadata), "{}");
}

static void
listed(void *arg, const struct mcp_client *c)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 512 - len, "%s%s", len > 0 ? "," : "", c->id);
}

static void
revoked(struct eng *e, char *out, size_t sz)
{
	char	**ids = NULL, *t;
	size_t	  n = 0, i, j, len = 0;

	out[0] = '\0';
	if (R(e, e->st->ops->revoked_clients(e->st, &ids, &n)) != MCP_OK) {
		snprintf(out, sz, "error");
		return;
	}
	for (i = 0; i < n; i++)		/* sorted, for the comparison */
		for (j = i + 1; j < n; j++)
			if (strcmp(ids[j], ids[i]) < 0) {
				t = ids[i];
				ids[i] = ids[j];
				ids[j] = t;
			}
	for (i = 0; i < n && len < sz; i++) {
		len += snprintf(out + len, sz - len, "%s%s", i > 0 ? "," : "",
		    ids[i]);
		free(ids[i]);
	}
	for (; i < n; i++)
		free(ids[i]);
	free(ids);
	recs(e, out);
}

static void
clients(struct eng *e)
{
	struct mcp_client	 c, g;
	char			 got[512];

	revoked(e, got, sizeof(got));
	OK(e, got[0] == '\0', "nothing revoked yet");
	fill(&c, "full", 200);
	SET(c.workspace, "ws-1");
	SET(c.kind, "dcr");
	SET(c.auth_method, "none");
	memset(c.redirect_uris, 'r', sizeof(c.redirect_uris) - 1);
	SET(c.grant_types, "authorization_code refresh_token");
	SET(c.app_type, "native");
	memset(c.metadata, 'm', sizeof(c.metadata) - 1);
	c.expires = 12345;
	c.used = 678;
	OK(e, R(e, e->st->ops->client_put(e->st, &c)) == MCP_OK,
	    "client_put");
	OK(e, R(e, e->st->ops->client_get(e->st, "full", &g)) == MCP_OK &&
	    memcmp(&c, &g, sizeof(c)) == 0, "client_get gives every field "
	    "back, the longest too");
	OK(e, R(e, e->st->ops->client_get(e->st, "nope", &g)) ==
	    MCP_ERR_NOTFOUND, "an unknown client: MCP_ERR_NOTFOUND");
	SET(c.name, "renamed");
	c.revoked = 5;
	OK(e, R(e, e->st->ops->client_put(e->st, &c)) == MCP_OK &&
	    R(e, e->st->ops->client_get(e->st, "full", &g)) == MCP_OK &&
	    memcmp(&c, &g, sizeof(c)) == 0 && QINT(e, "SELECT count(*) FROM "
	    "clients") == 1, "client_put again replaces it");
	fill(&c, "b-cli", 100);
	R(e, e->st->ops->client_put(e->st, &c));
	fill(&c, "a-cli", 100);
	R(e, e->st->ops->client_put(e->st, &c));
	fill(&c, "B-cli", 100);
	R(e, e->st->ops->client_put(e->st, &c));
	fill(&c, "z", 50);
	R(e, e->st->ops->client_put(e->st, &c));
	got[0] = '\0';
	OK(e, R(e, e->st->ops->client_list(e->st, listed, got)) == MCP_OK,
	    "client_list");
	recs(e, got);
	OK(e, strcmp(got, "z,B-cli,a-cli,b-cli,full") == 0, "oldest first, "
	    "then by id, bytewise (%s)", got);

	xsql(e, "INSERT INTO token_families (id, client, \"user\", "
	    "workspace, scopes, resource, created, expires, revoked) VALUES "
	    "('fam_1', 'z', 'u', '', '', '', 1, 2, 3), ('fam_2', 'z', 'u', "
	    "'', '', '', 1, 2, 0)");
	revoked(e, got, sizeof(got));
	OK(e, strcmp(got, "fam_1,full") == 0, "revoked_clients: revoked "
	    "clients and token families (%s)", got);
}

static void
failures(struct eng *e)
{
	int64_t	 start;
	int	 n, i, bad = 0;

	for (i = 0; i < 3; i++)
		if (R(e, e->st->ops->fail_add(e->st, "cli", "192.0.2.1",
		    NOW + i, 300)) != MCP_OK)
			bad++;
	OK(e, bad == 0, "three failures counted");
	R(e, e->st->ops->fail_count(e->st, "cli", "192.0.2.1", NOW + 10, 300,
	    &n, &start));
	OK(e, n == 3 && start == NOW, "one row for the pair: 3 since its "
	    "first (%d, %lld)", n, (long long)start);
	R(e, e->st->ops->fail_count(e->st, "", "192.0.2.1", NOW + 10, 300, &n,
	    &start));
	OK(e, n == 3, "and one for the address: 3 (%d)", n);
	R(e, e->st->ops->fail_count(e->st, "cli", "192.0.2.2", NOW + 10, 300,
	    &n, &start));
	OK(e, n == 0 && start == NOW + 10, "another address has none, "
	    "from now (%d)", n);
	R(e, e->st->ops->fail_count(e->st, "cli", "192.0.2.1", NOW + 300, 300,
	    &n, &start));
	OK(e, n == 0, "the window ends 300 s after its first failure (%d)",
	    n);
	R(e, e->st->ops->fail_add(e->st, "cli", "192.0.2.1", NOW + 300, 300));
	R(e, e->st->ops->fail_count(e->st, "cli", "192.0.2.1", NOW + 301, 300,
	    &n, &start));
	OK(e, n == 1 && start == NOW + 300, "a failure after it starts a new "
	    "window (%d, %lld)", n, (long long)start);
	OK(e, QINT(e, "SELECT count(*) FROM auth_failures") == 2,
	    "still one row per pair and per address");
	R(e, e->st->ops->fail_add(e->st, "", "192.0.2.3", NOW + 301, 300));
	OK(e, QINT(e, "SELECT count(*) FROM auth_failures WHERE addr = "
	    "'192.0.2.3'") == 1, "an empty client id counts for the address "
	    "only");
	R(e, e->st->ops->fail_add(e->st, "x", "192.0.2.9", NOW + 700, 300));
	OK(e, QINT(e, "SELECT count(*) FROM auth_failures WHERE addr != "
	    "'192.0.2.9'") == 0, "rows whose window ended are dropped");

	/* A full table; its oldest window goes first, a pair before. */
	xsql(e, "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 "
	    "FROM g WHERE i < %d) INSERT INTO auth_failures (client, addr, "
	    "start, count) SELECT 'tc' || CAST(i AS text), '198.51.100.1', "
	    "%lld, 1 FROM g ORDER BY i", MCP_FAIL_ROWS - 3, NOW + 1100);
	xsql(e, "INSERT INTO auth_failures (client, addr, start, count) "
	    "VALUES ('old', '198.51.100.5', %lld, 1), ('', '198.51.100.5', "
	    "%lld, 1)", NOW + 1099, NOW + 1099);
	OK(e, R(e, e->st->ops->fail_add(e->st, "", "198.51.100.7", NOW + 1100,
	    300)) == MCP_OK && QINT(e, "SELECT count(*) FROM auth_failures")
	    == MCP_FAIL_ROWS, "MCP_FAIL_ROWS in all, the window that ended "
	    "gone");
	OK(e, QINT(e, "SELECT count(*) FROM auth_failures WHERE client = "
	    "'old'") == 0 && QINT(e, "SELECT count(*) FROM auth_failures "
	    "WHERE client = '' AND addr = '198.51.100.5'") == 1, "of the "
	    "oldest, the pair went before the address");
	OK(e, R(e, e->st->ops->fail_add(e->st, "zz", "198.51.100.8",
	    NOW + 1100, 300)) == MCP_OK && QINT(e, "SELECT count(*) FROM "
	    "auth_failures") == MCP_FAIL_ROWS && QINT(e, "SELECT count(*) "
	    "FROM auth_failures WHERE addr = '198.51.100.5' OR client = "
	    "'tc0'") == 0 && QINT(e, "SELECT count(*) FROM auth_failures "
	    "WHERE client IN ('tc1', 'zz')") == 2, "then the address, then "
	    "the first pair of the next window");
}

static void
listkeys(void *arg, const struct mcp_signkey *k)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 512 - len, "%s%s:%s:%lld:%lld", len > 0 ? "," :
	    "", k->kid, k->alg, (long long)k->created, (long long)k->retired);
}

static void
keys(struct eng *e)
{
	struct mcp_signkey	 k;
	char			 got[512];

	memset(&k, 0, sizeof(k));
	snprintf(k.alg, sizeof(k.alg), "ES256");
	snprintf(k.kid, sizeof(k.kid), "k1");
	k.created = 10;
	OK(e, R(e, e->st->ops->key_put(e->st, &k)) == MCP_OK, "key_put");
	snprintf(k.kid, sizeof(k.kid), "k2");
	k.created = 20;
	R(e, e->st->ops->key_put(e->st, &k));
	snprintf(k.kid, sizeof(k.kid), "k0");
	R(e, e->st->ops->key_put(e->st, &k));
	snprintf(k.kid, sizeof(k.kid), "K9");
	R(e, e->st->ops->key_put(e->st, &k));
	snprintf(k.kid, sizeof(k.kid), "k1");
	snprintf(k.alg, sizeof(k.alg), "EdDSA");
	k.created = 10;
	k.retired = 30;
	OK(e, R(e, e->st->ops->key_put(e->st, &k)) == MCP_OK, "key_put "
	    "again replaces");
	got[0] = '\0';
	OK(e, R(e, e->st->ops->key_list(e->st, listkeys, got)) == MCP_OK,
	    "key_list");
	recs(e, got);
	OK(e, strcmp(got, "K9:ES256:20:0,k0:ES256:20:0,k2:ES256:20:0,"
	    "k1:EdDSA:10:30") == 0, "newest first, then by kid, bytewise "
	    "(%s)", got);
	OK(e, R(e, e->st->ops->key_delete(e->st, "k2")) == MCP_OK,
	    "key_delete");
	OK(e, R(e, e->st->ops->key_delete(e->st, "k2")) == MCP_ERR_NOTFOUND,
	    "again: MCP_ERR_NOTFOUND");
	got[0] = '\0';
	R(e, e->st->ops->key_list(e->st, listkeys, got));
	OK(e, strstr(got, "k2") == NULL && QINT(e, "SELECT count(*) FROM "
	    "signing_keys") == 3, "it is gone, the others stay");
}

static void
secrets(struct eng *e)
{
	struct mcp_store	*other;
	unsigned char		 a[MCP_SECRET_LEN], b[MCP_SECRET_LEN];
	unsigned char		 c[MCP_SECRET_LEN], zero[MCP_SECRET_LEN];
	char			 err[256];

	memset(zero, 0, sizeof(zero));
	OK(e, R(e, e->st->ops->secret(e->st, MCP_SECRET_STATE, a)) ==
	    MCP_OK && memcmp(a, zero, sizeof(a)) != 0, "secret: made");
	OK(e, QINT(e, e->pg != NULL ? "SELECT octet_length(value) FROM "
	    "secrets WHERE name = '%s'" : "SELECT length(value) FROM secrets "
	    "WHERE name = '%s'", MCP_SECRET_STATE) == MCP_SECRET_LEN,
	    "and kept, MCP_SECRET_LEN bytes");
	OK(e, R(e, e->st->ops->secret(e->st, MCP_SECRET_STATE, b)) ==
	    MCP_OK && memcmp(a, b, sizeof(a)) == 0, "read again: the same");
	if ((other = mcp_store_open(e->path, err, sizeof(err))) != NULL) {
		memset(b, 0, sizeof(b));
		OK(e, R(e, other->ops->secret(other, MCP_SECRET_STATE, b)) ==
		    MCP_OK && memcmp(a, b, sizeof(a)) == 0, "another "
		    "connection reads the same");
		other->ops->close(other);
	} else
		OK(e, 0, "another connection: %s", err);
	OK(e, R(e, e->st->ops->secret(e->st, "another", c)) == MCP_OK &&
	    memcmp(a, c, sizeof(a)) != 0, "another purpose: another key");
	xsql(e, e->pg != NULL ? "INSERT INTO secrets (name, value, created) "
	    "VALUES ('short', '\\x0102030405'::bytea, 1)" : "INSERT INTO "
	    "secrets (name, value, created) VALUES ('short', X'0102030405', "
	    "1)");
	OK(e, R(e, e->st->ops->secret(e->st, "short", c)) ==
	    MCP_ERR_INTERNAL, "a row that is not MCP_SECRET_LEN bytes: "
	    "MCP_ERR_INTERNAL");
}

/* --- Eight at once, each with its connection. --- */

struct worker {
	const char		*path;
	pthread_barrier_t	*bar;
	int			 n, fail;
	unsigned char		 key[MCP_SECRET_LEN];
};

static void *
work(void *arg)
{
	struct worker		*w = arg;
	struct mcp_store	*st;
	struct mcp_client	 c;
	char			 err[256];
	int			 i;

	st = mcp_store_open(w->path, err, sizeof(err));
	pthread_barrier_wait(w->bar);
	if (st == NULL) {
		w->fail++;
		pthread_barrier_wait(w->bar);
		return NULL;
	}
	if (st->ops->secret(st, "raced", w->key) != MCP_OK)
		w->fail++;
	pthread_barrier_wait(w->bar);
	for (i = 0; i < 10; i++) {
		if (st->ops->fail_add(st, "cc", "203.0.113.9", NOW + 5000,
		    300) != MCP_OK)
			w->fail++;
		fill(&c, "same", NOW + w->n);
		if (st->ops->client_put(st, &c) != MCP_OK)
			w->fail++;
	}
	st->ops->close(st);
	return NULL;
}

static void
concurrent(struct eng *e)
{
	pthread_barrier_t	 bar;
	pthread_t		 t[THREADS];
	struct worker		 w[THREADS];
	int			 i, fail = 0, differ = 0;

	pthread_barrier_init(&bar, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].path = e->path;
		w[i].bar = &bar;
		w[i].n = i;
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		fail += w[i].fail;
		if (memcmp(w[i].key, w[0].key, MCP_SECRET_LEN) != 0)
			differ++;
	}
	pthread_barrier_destroy(&bar);
	OK(e, fail == 0, "%d at once: no call failed (%d)", THREADS, fail);
	OK(e, differ == 0 && QINT(e, "SELECT count(*) FROM secrets WHERE "
	    "name = 'raced'") == 1, "a key asked for by all at once: one, "
	    "the same for all");
	OK(e, QINT(e, "SELECT count FROM auth_failures WHERE client = 'cc'") ==
	    THREADS * 10 && QINT(e, "SELECT count FROM auth_failures WHERE "
	    "client = '' AND addr = '203.0.113.9'") == THREADS * 10,
	    "failures counted at once: none lost");
	OK(e, QINT(e, "SELECT count(*) FROM clients WHERE id = 'same'") == 1,
	    "one client put by all at once: one row");
}

int
main(void)
{
	static struct eng	 eng[2];
	const char		*url = getenv("MCP_TEST_PG");
	char			 dir[] = "/tmp/pg_auth.XXXXXX", path[128];
	size_t			 i;

	if (url == NULL || *url == '\0') {
		printf("# pg_auth: MCP_TEST_PG unset: no PostgreSQL to test "
		    "against, skipped\n");
		printf("1..0 # SKIP MCP_TEST_PG unset\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/mcp.db", dir);
	if (eng_open(&eng[0], "pg", url) == -1 ||
	    eng_open(&eng[1], "sqlite", path) == -1) {
		ok(0, "both stores open");
		return done();
	}
	if (QINT(&eng[0], "SELECT (SELECT count(*) FROM clients) + (SELECT "
	    "count(*) FROM auth_failures) + (SELECT count(*) FROM "
	    "signing_keys) + (SELECT count(*) FROM secrets)") != 0) {
		printf("Bail out! MCP_TEST_PG names a database that is not "
		    "empty\n");
		return 1;
	}
	for (i = 0; i < 2; i++) {
		clients(&eng[i]);
		failures(&eng[i]);
		keys(&eng[i]);
		secrets(&eng[i]);
		concurrent(&eng[i]);
	}
	eng_compare(&eng[0], &eng[1]);
	eng_close(&eng[0]);
	eng_close(&eng[1]);
	eng_rmdir(dir);
	return done();
}
