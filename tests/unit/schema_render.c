/*
 * schema_render.c: the migrations of store_schema.c, rendered for both
 * engines.
 *
 * SQLite: each migration renders, byte for byte, to the text SQLite
 * stores have always run (its SHA-256 below, taken from the migrations
 * as they stood in store_sqlite.c), and the twelve run in order on a
 * new database.
 *
 * PostgreSQL (MCP_TEST_PG, a libpq URL of an empty database; skipped
 * without): eight threads open the store at once and the migrations run
 * once, each recorded in schema_version; the schema reached has the
 * fingerprint below, that of the schema store_pg.c used to create in
 * one piece; a store already at the last version (schema_version
 * holding only it, as that code left it) is left as it is.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "extern.h"
#include "store_schema.h"
#include "tap.h"

#define THREADS	8

/* SHA-256 of SQLite's text of each migration, 1 to SCHEMA_VERSION. */
static const char *const frozen[] = {
	"becd9a001b0caee7af3df92039e6571150806715526e04f72a81d0973855bed9",
	"185b3a563a826f6f7163460147455038cc3b51424cc9df7559750cbffc1b9ce7",
	"efbccbe234b26ee72e9f606f21137e150e4512ccddb19ff75f94c2f9e05bdd15",
	"b7e42b5b2d620e59c1297b3e1b5506faf0d383977169de579575643cea06a808",
	"0126f6c7b0e7f0c72f0ca36e2cc1fdb82d882ee0e45314c506b78947822727c6",
	"36ec18b5ade5e24ffde25e34acfc860df466f5d951b7bbbecfd2bc3ccefb8e93",
	"7efcbec8bc1833831ab9af894f56db7cd1ffd06d2be8fd15731f299a84d508a8",
	"1dba924e904d0ec9c06088d95a4572f50a00dbbb1112e355312f072aef0b87f8",
	"597071bff1ed64062cb435afdcbb583a483ae4684344d6bff36e6a9b77ab8d05",
	"1c3d4ed803f5572b623e0dfb097dbb941abdc9520a271a3724160c235688b640",
	"79650e99fee51e6a6741351a4f3d8027c1ac66272561ac1f7d8800f1aea1b34c",
	"36dde13ca3e386ac710f2f7d8706a056327b94207602cc2bd11567c4145ba80f",
};
#define FROZEN	((int)(sizeof(frozen) / sizeof(frozen[0])))

/*
 * The PostgreSQL schema at SCHEMA_VERSION, as PostgreSQL describes it:
 * every column (type, nullability, default, identity), index,
 * constraint, trigger, function and sequence, sorted; md5 of the lines.
 * Column order is left out: no statement depends on it.
 */
#define PG_SCHEMA_MD5	"121b388a5a545eed9b3f0d23d7948b87"
static const char fingerprint[] =
    "SELECT md5(string_agg(x, E'\\n' ORDER BY x COLLATE \"C\")), "
    "string_agg(x, E'\\n' ORDER BY x COLLATE \"C\") FROM ("
    "SELECT format('col %s.%s %s %s %s %s', table_name, column_name, "
    "data_type, is_nullable, column_default, is_identity) "
    "FROM information_schema.columns WHERE table_schema = 'public' "
    "UNION ALL SELECT 'idx ' || indexdef FROM pg_indexes "
    "WHERE schemaname = 'public' "
    "UNION ALL SELECT format('con %s %s %s', conrelid::regclass, conname, "
    "pg_get_constraintdef(oid)) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace "
    "UNION ALL SELECT 'trg ' || pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE NOT tgisinternal "
    "UNION ALL SELECT 'fn ' || pg_get_functiondef(oid) FROM pg_proc "
    "WHERE pronamespace = 'public'::regnamespace "
    "UNION ALL SELECT format('seq %s %s', sequencename, data_type) "
    "FROM pg_sequences WHERE schemaname = 'public') AS s (x)";

static void
sha256_hex(const char *s, char hex[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;

	hex[0] = '\0';
	if (EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* Whether word stands in s as a word of its own, unquoted. */
static int
bare(const char *s, const char *word)
{
	const char	*p;
	size_t		 n = strlen(word);

	for (p = s; (p = strstr(p, word)) != NULL; p += n)
		if ((p == s || (p[-1] != '"' && p[-1] != '_' &&
		    (p[-1] < 'a' || p[-1] > 'z'))) &&
		    p[n] != '"' && p[n] != '_' && (p[n] < 'a' || p[n] > 'z'))
			return 1;
	return 0;
}

static void
test_sqlite(void)
{
	sqlite3		*db;
	char		*s, *msg, hex[65];
	int		 v, ran = 1;

	ok(FROZEN == SCHEMA_VERSION, "a frozen SHA-256 for each of the %d "
	    "migrations (have %d)", SCHEMA_VERSION, FROZEN);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		ran = 0;
	for (v = 1; v <= SCHEMA_VERSION; v++) {
		s = schema_render(SCHEMA_SQLITE, v);
		ok(s != NULL, "sqlite %d renders", v);
		if (s == NULL)
			continue;
		sha256_hex(s, hex);
		if (v <= FROZEN)
			ok(strcmp(hex, frozen[v - 1]) == 0, "sqlite %d: the "
			    "text run since it was released (%zu bytes, "
			    "sha256 %s)", v, strlen(s), hex);
		else
			ok(0, "sqlite %d: no frozen SHA-256: add \"%s\" once "
			    "it is final", v, hex);
		msg = NULL;
		if (ran && sqlite3_exec(db, s, NULL, NULL, &msg) != SQLITE_OK) {
			printf("# sqlite %d: %s\n", v, msg);
			ran = 0;
		}
		sqlite3_free(msg);
		free(s);
	}
	ok(ran, "sqlite: 1 to %d run in order on a new database",
	    SCHEMA_VERSION);
	sqlite3_close(db);
}

/* What PostgreSQL's text must not hold, and must. */
static void
test_pg_text(void)
{
	const char *const	 never[] = { "@", "INTEGER", "BLOB",
	    "AUTOINCREMENT", "ROWID", "CAST(", "; END;",
	    "events_bound", NULL };
	char			*s;
	size_t			 i;
	int			 v, found;

	for (v = 1; v <= SCHEMA_VERSION; v++) {
		s = schema_render(SCHEMA_PG, v);
		ok(s != NULL, "pg %d renders", v);
		if (s == NULL)
			continue;
		for (i = 0, found = 0; never[i] != NULL; i++)
			if (strstr(s, never[i]) != NULL) {
				printf("# pg %d holds %s\n", v, never[i]);
				found = 1;
			}
		ok(!found && !bare(s, "user"), "pg %d: in PostgreSQL's "
		    "words alone, \"user\" quoted", v);
		if (v == 8)
			ok(strstr(s, "\"user\" TEXT NOT NULL") != NULL,
			    "pg 8: \"user\" columns");
		if (v == 6)
			ok(strstr(s, "octet_length(rid) <= 256") != NULL &&
			    strstr(s, "seq bigint GENERATED BY DEFAULT AS "
			    "IDENTITY PRIMARY KEY,") != NULL, "pg 6: "
			    "octet_length, identity column");
		free(s);
	}
	ok(schema_render(SCHEMA_SQLITE, 0) == NULL &&
	    schema_render(SCHEMA_PG, SCHEMA_VERSION + 1) == NULL,
	    "no migration 0 or %d", SCHEMA_VERSION + 1);
}

static void *
opener(void *arg)
{
	struct mcp_store	*st;
	char			 err[256];

	if ((st = mcp_store_open(arg, err, sizeof(err))) == NULL) {
		printf("# open: %s\n", err);
		return arg;
	}
	st->ops->close(st);
	return NULL;
}

/* The first column of q's first row ("" when none), into buf. */
static const char *
q1(PGconn *c, const char *q, char *buf, size_t sz)
{
	PGresult	*r = PQexec(c, q);

	buf[0] = '\0';
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
		snprintf(buf, sz, "%s", PQgetvalue(r, 0, 0));
	else if (PQresultStatus(r) != PGRES_TUPLES_OK)
		printf("# %s", PQresultErrorMessage(r));
	PQclear(r);
	return buf;
}

static const char versions_sql[] = "SELECT string_agg(version::text, ',' "
    "ORDER BY version) FROM schema_version";

static void
test_pg(const char *url)
{
	pthread_t	 t[THREADS];
	PGconn		*c;
	PGresult	*r;
	char		 want[256], buf[256], md5[64];
	void		*res;
	int		 i, failed = 0, len;

	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, opener, (void *)url) != 0)
			failed = 1;
	for (i = 0; i < THREADS; i++) {
		res = NULL;
		if (pthread_join(t[i], &res) != 0 || res != NULL)
			failed = 1;
	}
	ok(!failed, "pg: %d threads open a new store at once", THREADS);

	c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		ok(0, "pg: connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return;
	}
	want[0] = '\0';
	for (i = 1; i <= SCHEMA_VERSION; i++) {
		len = (int)strlen(want);
		snprintf(want + len, sizeof(want) - (size_t)len, "%s%d",
		    i > 1 ? "," : "", i);
	}
	ok(strcmp(q1(c, versions_sql, buf, sizeof(buf)), want) == 0,
	    "pg: each migration ran once and is recorded (%s)", buf);

	r = PQexec(c, fingerprint);
	md5[0] = '\0';
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(md5, sizeof(md5), "%s", PQgetvalue(r, 0, 0));
	ok(strcmp(md5, PG_SCHEMA_MD5) == 0, "pg: the schema reached is "
	    "the one expected (md5 %s)", md5);
	if (strcmp(md5, PG_SCHEMA_MD5) != 0 &&
	    PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		printf("# %s\n", PQgetvalue(r, 0, 1));
	PQclear(r);
	ok(strcmp(q1(c, "SELECT string_agg(conname, ',' ORDER BY conname) "
	    "FROM pg_constraint WHERE conrelid = 'cancelled'::regclass",
	    buf, sizeof(buf)), "cancelled_pkey,cancelled_session_fkey,"
	    "cancelled_session_rid_key") == 0 && strcmp(q1(c,
	    "SELECT pg_get_serial_sequence('cancelled', 'seq')", buf,
	    sizeof(buf)), "public.cancelled_seq_seq") == 0,
	    "pg: the rebuilt cancelled has the names of a table made so");
	ok(strcmp(q1(c, "SELECT count(*) FROM pg_trigger WHERE NOT "
	    "tgisinternal", buf, sizeof(buf)), "6") == 0, "pg: the six "
	    "workspace_usage triggers, no events trigger");

	/* As the code that made version 12 in one piece left it. */
	snprintf(buf, sizeof(buf), "DELETE FROM schema_version WHERE "
	    "version < %d", SCHEMA_VERSION);
	r = PQexec(c, buf);
	PQclear(r);
	failed = opener((void *)url) != NULL;
	snprintf(want, sizeof(want), "%d", SCHEMA_VERSION);
	ok(!failed && strcmp(q1(c, versions_sql, buf, sizeof(buf)),
	    want) == 0 && strcmp(q1(c, fingerprint, md5, sizeof(md5)),
	    PG_SCHEMA_MD5) == 0, "pg: a store at 12 is left as it is");
	PQfinish(c);
}

int
main(void)
{
	const char	*url = getenv("MCP_TEST_PG");

	test_sqlite();
	test_pg_text();
	if (url == NULL || *url == '\0')
		ok(1, "# SKIP MCP_TEST_PG unset: PostgreSQL not migrated");
	else
		test_pg(url);
	return done();
}
