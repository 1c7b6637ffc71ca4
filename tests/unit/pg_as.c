/*
 * pg_as.c: the PostgreSQL store's authorization server operations
 * (lib/store_pg_as.c) against a real PostgreSQL, the database named by
 * MCP_TEST_PG (a libpq URL of an empty database; tests/pg.sh makes
 * one).  Without it the test says it skipped and passes.
 *
 * One sequence of calls runs on the SQLite store and on PostgreSQL: each
 * outcome is checked on both, and what each engine gave (rows listed,
 * rows kept after a bound) is written to a transcript that must be the
 * same for both.  Then, on PostgreSQL only, threads each with their own
 * connection race: a code redeemed at once by eight is given to one, a
 * refresh token presented at once by eight follows the rules of eight
 * presentations one after another, and the bounds hold.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_pg.h"
#include "store_sqlite.h"
#include "tap.h"

#define THREADS	8
#define T0	1700000000

struct eng {
	struct mcp_store	*st;
	int			 pg;
	const char		*name;
	char			 log[32768];
	size_t			 len;
};

static void
note(struct eng *e, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (e->len >= sizeof(e->log))
		return;
	va_start(ap, fmt);
	n = vsnprintf(e->log + e->len, sizeof(e->log) - e->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		e->len += (size_t)n < sizeof(e->log) - e->len ? (size_t)n :
		    sizeof(e->log) - e->len - 1;
}

/*
 * sql with one text parameter $1 (arg; NULL for none) on either engine:
 * "$1" is a parameter to SQLite too.  The first column of its rows,
 * joined by ',', into out; MCP_OK or the engine's error.
 */
static enum mcp_err
raw(struct eng *e, const char *sql, const char *arg, char *out, size_t sz)
{
	struct pg_args	 a;
	PGresult	*r;
	sqlite3_stmt	*s;
	size_t		 len = 0;
	int		 i, n, rc;
	enum mcp_err	 err;

	if (out != NULL)
		out[0] = '\0';
	if (e->pg) {
		memset(&a, 0, sizeof(a));
		if (arg != NULL)
			pg_text(&a, arg);
		if ((err = pg_run(e->st, sql, &a, &r, "test")) != MCP_OK)
			return err;
		n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
		for (i = 0; i < n && out != NULL; i++)
			len += snprintf(out + len, len < sz ? sz - len : 0,
			    "%s%s", i > 0 ? "," : "", PQgetvalue(r, i, 0));
		PQclear(r);
		return MCP_OK;
	}
	if ((s = sqlite_prep(e->st, sql)) == NULL)
		return MCP_ERR_STORE;
	if (arg != NULL)
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
	for (i = 0; (rc = sqlite3_step(s)) == SQLITE_ROW; i++)
		if (out != NULL)
			len += snprintf(out + len, len < sz ? sz - len : 0,
			    "%s%s", i > 0 ? "," : "",
			    sqlite3_column_text(s, 0) != NULL ?
			    (const char *)sqlite3_column_text(s, 0) : "");
	sqlite_done(s);
	return rc == SQLITE_DONE ? MCP_OK : MCP_ERR_STORE;
}

/* The integer sql gives (-1 on error). */
static long long
num(struct eng *e, const char *sql, const char *arg)
{
	char	 out[64];

	if (raw(e, sql, arg, out, sizeof(out)) != MCP_OK || out[0] == '\0')
		return -1;
	return strtoll(out, NULL, 10);
}

static const char q_codes_of[] =
    "SELECT hash FROM auth_codes WHERE \"user\" = $1 ORDER BY hash";
static const char q_code_n[] =
    "SELECT count(*) FROM auth_codes WHERE hash = $1";
static const char q_fam_live[] =
    "SELECT id FROM token_families WHERE \"user\" = $1 AND revoked = 0 "
    "ORDER BY id";
static const char q_fam_revoked[] =
    "SELECT id || ':' || revoked FROM token_families WHERE \"user\" = $1 "
    "AND revoked <> 0 ORDER BY id";
static const char q_fam_n[] =
    "SELECT count(*) FROM token_families WHERE id = $1";
static const char q_rt_of[] =
    "SELECT hash || ':' || used FROM refresh_tokens WHERE family = $1 "
    "ORDER BY hash";
static const char q_rt_n[] =
    "SELECT count(*) FROM refresh_tokens WHERE family = $1";
static const char q_ws_of[] =
    "SELECT hash FROM web_sessions WHERE \"user\" = $1 ORDER BY hash";
static const char q_ws_n[] =
    "SELECT count(*) FROM web_sessions WHERE hash = $1";
static const char q_grant_n[] =
    "SELECT count(*) FROM grants WHERE \"user\" = $1";
static const char q_grant_has[] =
    "SELECT count(*) FROM grants WHERE \"user\" = 'usr_g' AND client = $1";
static const char q_regtok_n[] =
    "SELECT count(*) FROM registration_tokens WHERE hash = $1";
static const char q_client[] =
    "SELECT name || ':' || kind || ':' || used FROM clients WHERE id = $1";
static const char q_client_n[] =
    "SELECT count(*) FROM clients WHERE kind IN ('dcr', 'cimd')";
static const char q_clients_clear[] = "DELETE FROM clients";
/* MCP_DCR_ROWS - 2 clients, all used, registered long ago. */
static const char q_clients_fill[] =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < " MCP_XSTR(MCP_DCR_ROWS) " - 2) INSERT INTO clients (id, "
    "name, scopes, secret_hash, salt, created, kind, used) SELECT "
    "'bulk_' || i, 'b', '', '', '', 1000 + i, 'dcr', 1 FROM n";

/*
 * tests/unit/store.c's refresh(), on each engine: a refresh token is
 * taken once; taken again within reuse seconds of its first use it is
 * given again, once (the window from the first use, never renewed; a
 * clock gone back is outside it); after that, or with reuse 0, it is a
 * replay.  Another client's presentation is refused and spends nothing.
 * Of the two pairs a token gave in its window, the first use of one
 * makes the other a replay.
 */
static void
refresh(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_family	 fam;
	char			 famid[40], sc[1024];
	const char		*h = "ab", *h2 = "cd";
	int64_t			 t = T0;
	int			 again = -1;

#define TAKE(hash, cl, when, reuse) \
	st->ops->refresh_take(st, hash, cl, when, reuse, famid, sc, &again)
	memset(&fam, 0, sizeof(fam));
	snprintf(fam.id, sizeof(fam.id), "fam_1");
	snprintf(fam.client, sizeof(fam.client), "cli_1");
	snprintf(fam.user, sizeof(fam.user), "usr_1");
	snprintf(fam.scopes, sizeof(fam.scopes), "wks:read");
	fam.created = t;
	fam.expires = t + 86400;
	ok(st->ops->family_put(st, &fam, t, 60) == MCP_OK &&
	    st->ops->refresh_put(st, h, fam.id, "", "wks:read", t, t + 3600) ==
	    MCP_OK && st->ops->refresh_put(st, h2, fam.id, "", "wks:read", t,
	    t + 3600) == MCP_OK, "%s: a family and two refresh tokens",
	    e->name);
	ok(TAKE(h, "cli_2", t, 10) == MCP_ERR_PARAMS,
	    "%s: another client's presentation: refused", e->name);
	ok(TAKE(h, "cli_1", t + 1, 10) == MCP_OK && again == 0 &&
	    strcmp(famid, "fam_1") == 0 && strcmp(sc, "wks:read") == 0,
	    "%s: its client's first use (after another's refusal)", e->name);
	ok(TAKE(h, "cli_1", t + 11, 10) == MCP_OK && again == 1,
	    "%s: again 10 s after the first use, within 10: given again",
	    e->name);
	ok(TAKE(h, "cli_1", t + 11, 10) == MCP_ERR_CONFLICT &&
	    strcmp(famid, "fam_1") == 0, "%s: a third time within the "
	    "window: a replay, its family named", e->name);
	ok(TAKE(h2, "cli_1", t, 0) == MCP_OK && TAKE(h2, "cli_1", t, 0) ==
	    MCP_ERR_CONFLICT, "%s: with reuse 0, a second use in the same "
	    "second is a replay", e->name);
	ok(TAKE("ef", "cli_1", t, 10) == MCP_ERR_NOTFOUND,
	    "%s: an unknown token: not found", e->name);

	/* Outside the window; a clock gone back. */
	ok(st->ops->refresh_put(st, "p1", fam.id, "", "wks:read", t, t +
	    3600) == MCP_OK && TAKE("p1", "cli_1", t + 100, 10) == MCP_OK &&
	    TAKE("p1", "cli_1", t + 111, 10) == MCP_ERR_CONFLICT,
	    "%s: 11 s after the first use: a replay", e->name);
	ok(st->ops->refresh_put(st, "p2", fam.id, "", "wks:read", t, t +
	    3600) == MCP_OK && TAKE("p2", "cli_1", t + 100, 10) == MCP_OK &&
	    TAKE("p2", "cli_1", t + 95, 10) == MCP_ERR_CONFLICT,
	    "%s: presented with the clock 5 s behind its first use: a replay",
	    e->name);

	/* Two pairs of one parent: the first use of one spends the other. */
	ok(st->ops->refresh_put(st, "c1", fam.id, "p3", "wks:read", t, t +
	    3600) == MCP_OK && st->ops->refresh_put(st, "c2", fam.id, "p3",
	    "wks:read", t, t + 3600) == MCP_OK && st->ops->refresh_put(st,
	    "x1", fam.id, "other", "wks:read", t, t + 3600) == MCP_OK,
	    "%s: two pairs of one parent, and a token of another parent",
	    e->name);
	ok(TAKE("c2", "cli_1", t + 50, 10) == MCP_OK && again == 0,
	    "%s: the pair carried on: taken", e->name);
	ok(TAKE("c1", "cli_1", t + 51, 10) == MCP_ERR_CONFLICT,
	    "%s: the other, presented after: a replay at once", e->name);
	ok(TAKE("x1", "cli_1", t + 52, 10) == MCP_OK,
	    "%s: a token of another parent: untouched", e->name);
#undef TAKE
}

/* More of refresh tokens: the bound, expiry, a revoked family. */
static void
refresh_more(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_family	 fam;
	char			 famid[40], sc[1024], h[24], out[1024];
	char			 want[128];
	int			 i, again, bad = 0;

	memset(&fam, 0, sizeof(fam));
	snprintf(fam.id, sizeof(fam.id), "fam_rt");
	snprintf(fam.client, sizeof(fam.client), "cli_rt");
	snprintf(fam.user, sizeof(fam.user), "usr_rt");
	fam.created = T0;
	fam.expires = T0 + 86400;
	ok(st->ops->family_put(st, &fam, T0, 60) == MCP_OK, "%s: a family",
	    e->name);
	/*
	 * Nine of one second, the first two used: of one second the used
	 * ones go first, the greatest hash first.
	 */
	for (i = 0; i < MCP_REFRESH_PER_FAMILY + 1; i++) {
		snprintf(h, sizeof(h), "r%d", i);
		if (st->ops->refresh_put(st, h, fam.id, "", "s", T0,
		    T0 + 3600) != MCP_OK)
			bad++;
		if (i < 2 && st->ops->refresh_take(st, h, "cli_rt", T0, 0,
		    famid, sc, &again) != MCP_OK)
			bad++;
	}
	raw(e, q_rt_of, fam.id, out, sizeof(out));
	snprintf(want, sizeof(want), "r0:%d,r2:0,r3:0,r4:0,r5:0,r6:0,r7:0,"
	    "r8:0", T0);
	ok(bad == 0 && strcmp(out, want) == 0, "%s: %d refresh tokens kept "
	    "of a family, a used one dropped (%s)", e->name,
	    MCP_REFRESH_PER_FAMILY, out);
	note(e, "rt cap: %s\n", out);
	/* Newer ones push out older ones, used or not. */
	for (i = 0; i < 3; i++) {
		snprintf(h, sizeof(h), "s%d", i);
		if (st->ops->refresh_put(st, h, fam.id, "", "s", T0 + 1 + i,
		    T0 + 3600) != MCP_OK)
			bad++;
	}
	raw(e, q_rt_of, fam.id, out, sizeof(out));
	ok(bad == 0 && strcmp(out, "r2:0,r3:0,r4:0,r5:0,r6:0,s0:0,s1:0,s2:0")
	    == 0, "%s: newer ones drop the oldest (%s)", e->name, out);
	note(e, "rt cap 2: %s\n", out);
	ok(st->ops->refresh_take(st, "s2", "cli_rt", T0 + 3601, 10, famid, sc,
	    &again) == MCP_ERR_NOTFOUND, "%s: an expired token: not found",
	    e->name);
	ok(st->ops->refresh_take(st, "s2", "cli_rt", T0 + 3600, 10, famid, sc,
	    &again) == MCP_OK && strcmp(famid, "fam_rt") == 0 &&
	    strcmp(sc, "s") == 0, "%s: at its expiry: taken", e->name);
	ok(st->ops->refresh_take(st, "s2", "cli_rt", T0 + 7200, 10, famid, sc,
	    &again) == MCP_ERR_CONFLICT, "%s: replayed past expiry: a replay",
	    e->name);
	ok(st->ops->refresh_put(st, "zz", "fam_none", "", "s", T0,
	    T0 + 3600) == MCP_ERR_STORE, "%s: of a family unknown: refused",
	    e->name);
	ok(st->ops->family_revoke(st, "fam_rt", NULL, NULL, T0 + 5) ==
	    MCP_OK && st->ops->refresh_take(st, "s1", "cli_rt", T0 + 6, 10,
	    famid, sc, &again) == MCP_ERR_NOTFOUND && num(e, q_rt_n,
	    "fam_rt") == 0, "%s: a revoked family's tokens are gone", e->name);
}

static void
code_fill(struct mcp_code *c, const char *hash, const char *user,
    int64_t created)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->hash, sizeof(c->hash), "%s", hash);
	snprintf(c->family, sizeof(c->family), "fam_of_%s", hash);
	snprintf(c->client, sizeof(c->client), "cli_c");
	snprintf(c->user, sizeof(c->user), "%s", user);
	snprintf(c->workspace, sizeof(c->workspace), "wks_1");
	snprintf(c->redirect_uri, sizeof(c->redirect_uri),
	    "https://client.example/cb");
	snprintf(c->challenge, sizeof(c->challenge), "E9Melhoa2Owv");
	snprintf(c->resource, sizeof(c->resource), "https://mcp.example/");
	snprintf(c->scopes, sizeof(c->scopes), "wks:read wks:write");
	c->created = created;
	c->expires = created + 60;
}

static void
codes(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_code		 c, got;
	char			 h[24], out[1024];
	enum mcp_err		 err;
	int			 i, bad = 0;

	code_fill(&c, "code1", "usr_c", T0);
	ok(st->ops->code_put(st, &c) == MCP_OK, "%s: a code", e->name);
	ok(st->ops->code_take(st, "code1", "cli_x", T0 + 1, &got) ==
	    MCP_ERR_PARAMS, "%s: another client's redemption: refused",
	    e->name);
	ok(st->ops->code_take(st, "code1", "cli_c", T0 + 2, &got) == MCP_OK &&
	    strcmp(got.hash, c.hash) == 0 && strcmp(got.family,
	    c.family) == 0 && strcmp(got.client, c.client) == 0 &&
	    strcmp(got.user, c.user) == 0 && strcmp(got.workspace,
	    c.workspace) == 0 && strcmp(got.redirect_uri,
	    c.redirect_uri) == 0 && strcmp(got.challenge, c.challenge) == 0 &&
	    strcmp(got.resource, c.resource) == 0 && strcmp(got.scopes,
	    c.scopes) == 0 && got.created == T0 && got.expires == T0 + 60 &&
	    got.used == 0, "%s: redeemed by its client, every field given",
	    e->name);
	ok(st->ops->code_take(st, "code1", "cli_c", T0 + 3, &got) ==
	    MCP_ERR_CONFLICT && strcmp(got.family, c.family) == 0 &&
	    got.used == T0 + 2, "%s: redeemed again: a replay, its family "
	    "and first use given", e->name);
	ok(st->ops->code_take(st, "code1", "cli_c", T0 + 500, &got) ==
	    MCP_ERR_CONFLICT, "%s: replayed past expiry: still a replay",
	    e->name);
	ok(st->ops->code_take(st, "nope", "cli_c", T0, &got) ==
	    MCP_ERR_NOTFOUND && got.hash[0] == '\0',
	    "%s: an unknown code: not found", e->name);
	code_fill(&c, "code2", "usr_c", T0);
	ok(st->ops->code_put(st, &c) == MCP_OK && st->ops->code_take(st,
	    "code2", "cli_c", T0 + 61, &got) == MCP_ERR_NOTFOUND &&
	    st->ops->code_take(st, "code2", "cli_c", T0 + 60, &got) == MCP_OK,
	    "%s: an expired code: not found, at its expiry: redeemed",
	    e->name);

	/* Ten minutes past expiry a code is dropped by the next code_put. */
	code_fill(&c, "code3", "usr_c2", T0 + 660);
	ok(st->ops->code_put(st, &c) == MCP_OK && num(e, q_code_n,
	    "code1") == 1 && num(e, q_code_n, "code2") == 1, "%s: kept ten "
	    "minutes past expiry", e->name);
	code_fill(&c, "code4", "usr_c2", T0 + 661);
	ok(st->ops->code_put(st, &c) == MCP_OK && num(e, q_code_n,
	    "code1") == 0 && num(e, q_code_n, "code2") == 0 && num(e,
	    q_code_n, "code3") == 1, "%s: dropped past that", e->name);

	/* A user's newest MCP_CODES_PER_USER; of one second, by hash. */
	for (i = 0; i < MCP_CODES_PER_USER + 3; i++) {
		snprintf(h, sizeof(h), "%c%02d", i % 2 ? 'b' : 'B', i);
		code_fill(&c, h, "usr_cap", i < 4 ? T0 + 700 : T0 + 700 + i);
		if (st->ops->code_put(st, &c) != MCP_OK)
			bad++;
	}
	raw(e, q_codes_of, "usr_cap", out, sizeof(out));
	ok(bad == 0 && num(e, "SELECT count(*) FROM auth_codes WHERE "
	    "\"user\" = $1", "usr_cap") == MCP_CODES_PER_USER &&
	    strstr(out, "B00") != NULL && strstr(out, "b01") == NULL &&
	    strstr(out, "B02") == NULL && strstr(out, "b03") == NULL,
	    "%s: %d codes kept of a user, the oldest dropped (%s)", e->name,
	    MCP_CODES_PER_USER, out);
	note(e, "code cap: %s\n", out);
	ok(num(e, q_code_n, "code4") == 1, "%s: another user's untouched",
	    e->name);
	/* SQLite says STORE, PostgreSQL CONFLICT; both change nothing. */
	code_fill(&c, "b05", "usr_cap", T0 + 800);
	err = st->ops->code_put(st, &c);
	ok(err == (e->pg ? MCP_ERR_CONFLICT : MCP_ERR_STORE) && num(e,
	    "SELECT count(*) FROM auth_codes WHERE \"user\" = $1",
	    "usr_cap") == MCP_CODES_PER_USER, "%s: a hash stored twice: "
	    "refused, nothing dropped", e->name);
}

static void
family_fill(struct mcp_family *f, const char *id, const char *user,
    const char *client, int64_t created)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	snprintf(f->client, sizeof(f->client), "%s", client);
	snprintf(f->user, sizeof(f->user), "%s", user);
	snprintf(f->workspace, sizeof(f->workspace), "wks_f");
	snprintf(f->scopes, sizeof(f->scopes), "wks:read");
	snprintf(f->resource, sizeof(f->resource), "https://mcp.example/");
	f->created = created;
	f->expires = created + 86400;
}

static void
families(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_family	 f, got;
	char			 id[24], out[2048], want[128], famid[40];
	char			 sc[1024];
	int			 i, bad = 0, again;

	family_fill(&f, "fam_a", "usr_f", "cli_f", T0);
	ok(st->ops->family_put(st, &f, T0, 60) == MCP_OK &&
	    st->ops->family_get(st, "fam_a", &got) == MCP_OK &&
	    strcmp(got.id, f.id) == 0 && strcmp(got.client, f.client) == 0 &&
	    strcmp(got.user, f.user) == 0 && strcmp(got.workspace,
	    f.workspace) == 0 && strcmp(got.scopes, f.scopes) == 0 &&
	    strcmp(got.resource, f.resource) == 0 && got.created == T0 &&
	    got.expires == T0 + 86400 && got.revoked == 0,
	    "%s: a family stored and read back", e->name);
	ok(st->ops->family_get(st, "fam_zz", &got) == MCP_ERR_NOTFOUND &&
	    got.id[0] == '\0', "%s: an unknown family: not found", e->name);
	ok(st->ops->refresh_put(st, "rt_a", "fam_a", "", "s", T0,
	    T0 + 3600) == MCP_OK, "%s: a refresh token of it", e->name);

	/* Past MCP_FAMILIES_PER_GRANT of a user and client: oldest revoked. */
	for (i = 0; i < MCP_FAMILIES_PER_GRANT; i++) {
		snprintf(id, sizeof(id), "fam_%c%02d", i % 2 ? 'q' : 'Q', i);
		family_fill(&f, id, "usr_f", "cli_f", i < 3 ? T0 + 1 :
		    T0 + 1 + i);
		if (st->ops->family_put(st, &f, T0 + 1 + i, 60) != MCP_OK)
			bad++;
	}
	family_fill(&f, "fam_g", "usr_f", "cli_g", T0 + 20);
	if (st->ops->family_put(st, &f, T0 + 20, 60) != MCP_OK)
		bad++;
	raw(e, q_fam_revoked, "usr_f", out, sizeof(out));
	snprintf(want, sizeof(want), "fam_a:%d", T0 + MCP_FAMILIES_PER_GRANT);
	ok(bad == 0 && strcmp(out, want) == 0, "%s: the %dth family of a "
	    "user and client revokes the oldest, not another client's (%s)",
	    e->name, MCP_FAMILIES_PER_GRANT + 1, out);
	ok(num(e, q_rt_n, "fam_a") == 0 && st->ops->refresh_take(st,
	    "rt_a", "cli_f", T0 + 20, 0, famid, sc, &again) ==
	    MCP_ERR_NOTFOUND, "%s: its refresh tokens are dropped", e->name);
	family_fill(&f, "fam_q99", "usr_f", "cli_f", T0 + 1);
	if (st->ops->family_put(st, &f, T0 + 30, 60) != MCP_OK)
		bad++;
	raw(e, q_fam_revoked, "usr_f", out, sizeof(out));
	snprintf(want, sizeof(want), "fam_a:%d,fam_q01:%d",
	    T0 + MCP_FAMILIES_PER_GRANT, T0 + 30);
	ok(bad == 0 && strcmp(out, want) == 0, "%s: of one second, the "
	    "greatest id goes first (%s)", e->name, out);
	note(e, "fam cap: %s\n", out);
	raw(e, q_fam_live, "usr_f", out, sizeof(out));
	note(e, "fam live: %s\n", out);

	/* One revoked: its refresh tokens go; revoked again, unchanged. */
	ok(st->ops->refresh_put(st, "rt_q2", "fam_Q02", "", "s", T0,
	    T0 + 3600) == MCP_OK && st->ops->family_revoke(st, "fam_Q02",
	    NULL, NULL, T0 + 40) == MCP_OK && st->ops->family_get(st,
	    "fam_Q02", &got) == MCP_OK && got.revoked == T0 + 40 &&
	    num(e, q_rt_n, "fam_Q02") == 0, "%s: one family revoked, its "
	    "refresh tokens gone", e->name);
	ok(st->ops->family_revoke(st, "fam_Q02", NULL, NULL, T0 + 41) ==
	    MCP_OK && st->ops->family_get(st, "fam_Q02", &got) == MCP_OK &&
	    got.revoked == T0 + 40, "%s: revoked again: it keeps its time",
	    e->name);
	ok(st->ops->family_revoke(st, "fam_none", NULL, NULL, T0 + 41) ==
	    MCP_OK, "%s: an unknown one: nothing to do", e->name);
	/* A user's with one client, then all of theirs. */
	ok(st->ops->family_revoke(st, NULL, "usr_f", "cli_g", T0 + 42) ==
	    MCP_OK && st->ops->family_get(st, "fam_g", &got) == MCP_OK &&
	    got.revoked == T0 + 42 && num(e, "SELECT count(*) FROM "
	    "token_families WHERE \"user\" = $1 AND revoked = 0",
	    "usr_f") == MCP_FAMILIES_PER_GRANT - 1,
	    "%s: a user's families with one client revoked", e->name);
	family_fill(&f, "fam_o", "usr_o", "cli_f", T0);
	ok(st->ops->family_put(st, &f, T0 + 42, 60) == MCP_OK &&
	    st->ops->family_revoke(st, NULL, "usr_f", NULL, T0 + 43) ==
	    MCP_OK && num(e, "SELECT count(*) FROM token_families WHERE "
	    "\"user\" = $1 AND revoked = 0", "usr_f") == 0 &&
	    st->ops->family_get(st, "fam_o", &got) == MCP_OK &&
	    got.revoked == 0, "%s: all a user's families revoked, another "
	    "user's not", e->name);

	/*
	 * family_put() drops families revoked, or ended, more than
	 * keep_revoked seconds ago (with their tokens).
	 */
	family_fill(&f, "fam_end", "usr_e", "cli_e", T0);
	f.expires = T0 + 100;
	ok(st->ops->family_put(st, &f, T0 + 50, 60) == MCP_OK &&
	    st->ops->refresh_put(st, "rt_end", "fam_end", "", "s", T0 + 50,
	    T0 + 3600) == MCP_OK, "%s: a family ending soon", e->name);
	family_fill(&f, "fam_e2", "usr_e", "cli_e", T0 + 103);
	ok(st->ops->family_put(st, &f, T0 + 103, 60) == MCP_OK &&
	    num(e, q_fam_n, "fam_end") == 1 && num(e, q_fam_n,
	    "fam_Q00") == 1 && num(e, q_fam_n, "fam_a") == 0 && num(e,
	    q_fam_n, "fam_g") == 0, "%s: revoked more than keep_revoked "
	    "ago: dropped; less: kept, and one ended less", e->name);
	family_fill(&f, "fam_e3", "usr_e", "cli_e", T0 + 161);
	ok(st->ops->family_put(st, &f, T0 + 161, 60) == MCP_OK &&
	    num(e, q_fam_n, "fam_end") == 0 && num(e, q_fam_n,
	    "fam_Q00") == 0 && num(e, q_fam_n, "fam_e2") == 1 &&
	    num(e, "SELECT count(*) FROM refresh_tokens WHERE hash = $1",
	    "rt_end") == 0, "%s: ended more than keep_revoked ago: dropped, "
	    "with its refresh tokens", e->name);
	raw(e, "SELECT id FROM token_families ORDER BY id", NULL, out,
	    sizeof(out));
	note(e, "families: %s\n", out);
}

static void
user_fill(struct mcp_user *u, const char *id, const char *name)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", id);
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->workspace, sizeof(u->workspace), "wks_%s", name);
	snprintf(u->scopes, sizeof(u->scopes), "wks:read");
	snprintf(u->pwhash, sizeof(u->pwhash), "$argon2id$v=19$x");
	u->created = T0;
}

static void
user_cb(void *arg, const struct mcp_user *u)
{
	struct eng	*e = arg;

	note(e, "user %s %s %s %s %s %d %lld %lld\n", u->id, u->name,
	    u->workspace, u->scopes, u->pwhash, u->external,
	    (long long)u->created, (long long)u->disabled);
}

static void
users(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_user		 u, got;

	user_fill(&u, "usr_a", "alice");
	ok(st->ops->user_put(st, &u) == MCP_OK &&
	    st->ops->user_get(st, "alice", 0, &got) == MCP_OK &&
	    strcmp(got.id, "usr_a") == 0 && strcmp(got.workspace,
	    "wks_alice") == 0 && strcmp(got.pwhash, u.pwhash) == 0 &&
	    got.created == T0 && got.disabled == 0 && got.external == 0,
	    "%s: a user stored, read by name", e->name);
	ok(st->ops->user_get(st, "usr_a", 1, &got) == MCP_OK &&
	    strcmp(got.name, "alice") == 0, "%s: and by id", e->name);
	ok(st->ops->user_get(st, "usr_a", 0, &got) == MCP_ERR_NOTFOUND &&
	    st->ops->user_get(st, "alice", 1, &got) == MCP_ERR_NOTFOUND,
	    "%s: an id is no name, a name no id", e->name);
	user_fill(&u, "usr_a", "alicia");
	u.external = 1;
	u.disabled = T0 + 5;
	u.created = T0 + 99;
	ok(st->ops->user_put(st, &u) == MCP_OK &&
	    st->ops->user_get(st, "alicia", 0, &got) == MCP_OK &&
	    got.external == 1 && got.disabled == T0 + 5 &&
	    got.created == T0 && st->ops->user_get(st, "alice", 0, &got) ==
	    MCP_ERR_NOTFOUND, "%s: replaced by id (renamed, created kept)",
	    e->name);
	user_fill(&u, "usr_b", "alicia");
	ok(st->ops->user_put(st, &u) == MCP_ERR_CONFLICT &&
	    st->ops->user_get(st, "usr_b", 1, &got) == MCP_ERR_NOTFOUND,
	    "%s: another's name: conflict, nothing stored", e->name);
	user_fill(&u, "usr_b", "bob");
	ok(st->ops->user_put(st, &u) == MCP_OK, "%s: another user", e->name);
	user_fill(&u, "usr_z", "Zed");
	ok(st->ops->user_put(st, &u) == MCP_OK, "%s: and another", e->name);
	user_fill(&u, "usr_g", "gina");
	ok(st->ops->user_put(st, &u) == MCP_OK, "%s: and one with grants",
	    e->name);
	ok(st->ops->user_list(st, user_cb, e) == MCP_OK,
	    "%s: the users listed", e->name);
}

static void
websess(struct eng *e)
{
	struct mcp_store	*st = e->st;
	char			 user[24], h[24], out[512];
	int			 i, bad = 0;

	ok(st->ops->websess_put(st, "w_1", "usr_b", T0, T0 + 100) == MCP_OK &&
	    st->ops->websess_get(st, "w_1", T0 + 100, user) == MCP_OK &&
	    strcmp(user, "usr_b") == 0, "%s: a browser signed in", e->name);
	ok(st->ops->websess_get(st, "w_1", T0 + 101, user) ==
	    MCP_ERR_NOTFOUND && user[0] == '\0', "%s: past its expiry: not "
	    "found", e->name);
	ok(st->ops->websess_get(st, "w_x", T0, user) == MCP_ERR_NOTFOUND,
	    "%s: an unknown one: not found", e->name);
	ok(st->ops->websess_put(st, "w_n", "usr_none", T0, T0 + 100) ==
	    MCP_ERR_STORE, "%s: of a user unknown: refused", e->name);
	ok(st->ops->websess_put(st, "w_a", "usr_a", T0, T0 + 9999) == MCP_OK &&
	    st->ops->websess_get(st, "w_a", T0, user) == MCP_ERR_NOTFOUND,
	    "%s: of a disabled user: not found", e->name);
	/* Expired ones go with the next put; a user's newest eight kept. */
	for (i = 0; i < MCP_WEBSESS_PER_USER + 2; i++) {
		snprintf(h, sizeof(h), "w%c%d", i % 2 ? 'b' : 'B', i);
		if (st->ops->websess_put(st, h, "usr_b", i < 4 ? T0 + 200 :
		    T0 + 200 + i, T0 + 1000) != MCP_OK)
			bad++;
	}
	raw(e, q_ws_of, "usr_b", out, sizeof(out));
	ok(bad == 0 && num(e, q_ws_n, "w_1") == 0 &&
	    strcmp(out, "wB0,wB2,wB4,wB6,wB8,wb5,wb7,wb9") == 0,
	    "%s: expired dropped, %d kept of a user, the oldest dropped (%s)",
	    e->name, MCP_WEBSESS_PER_USER, out);
	note(e, "websess: %s\n", out);
	ok(num(e, q_ws_n, "w_a") == 1, "%s: another user's untouched",
	    e->name);
}

static void
grant_cb(void *arg, const char *user, const char *client,
    const char *scopes, int64_t updated)
{
	struct eng	*e = arg;

	note(e, "grant %s %s %s %lld\n", user, client, scopes,
	    (long long)updated);
}

static void
grants(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_family	 f, got;
	struct mcp_code		 c, cg;
	char			 cl[24], famid[40], sc[1024];
	int			 i, again, bad = 0;

	ok(st->ops->grant_put(st, "usr_b", "cli_1", "wks:read", T0) ==
	    MCP_OK && st->ops->grant_put(st, "usr_b", "cli_1",
	    "wks:read wks:write", T0 + 5) == MCP_OK &&
	    st->ops->grant_put(st, "usr_z", "cli_1", "wks:read", T0 + 6) ==
	    MCP_OK && st->ops->grant_put(st, "usr_b", "cli_0", "x", T0 + 7) ==
	    MCP_OK, "%s: grants stored, one replaced", e->name);
	ok(st->ops->grant_put(st, "usr_none", "cli_1", "x", T0) ==
	    MCP_ERR_STORE, "%s: of a user unknown: refused", e->name);
	note(e, "grants of all:\n");
	ok(st->ops->grant_list(st, NULL, grant_cb, e) == MCP_OK,
	    "%s: all grants listed", e->name);
	note(e, "grants of bob:\n");
	ok(st->ops->grant_list(st, "bob", grant_cb, e) == MCP_OK,
	    "%s: one user's listed", e->name);
	note(e, "grants of nobody:\n");
	ok(st->ops->grant_list(st, "nobody", grant_cb, e) == MCP_OK,
	    "%s: an unknown user's: none", e->name);
	ok(num(e, "SELECT created FROM grants WHERE \"user\" = 'usr_b' AND "
	    "client = $1", "cli_1") == T0, "%s: a grant replaced keeps its "
	    "creation", e->name);

	/* A user's newest MCP_GRANTS_PER_USER; of one second, by client. */
	for (i = 0; i < MCP_GRANTS_PER_USER + 2; i++) {
		snprintf(cl, sizeof(cl), "c%c%02d", i % 2 ? 'g' : 'G', i);
		if (st->ops->grant_put(st, "usr_g", cl, "s", i < 4 ? T0 :
		    T0 + i) != MCP_OK)
			bad++;
	}
	ok(bad == 0 && num(e, q_grant_n, "usr_g") == MCP_GRANTS_PER_USER &&
	    num(e, q_grant_has, "cg01") == 0 && num(e, q_grant_has,
	    "cg03") == 0 && num(e, q_grant_has, "cG00") == 1 && num(e,
	    q_grant_has, "cG02") == 1 && num(e, q_grant_n, "usr_b") == 2,
	    "%s: %d grants kept of a user, the oldest dropped", e->name,
	    MCP_GRANTS_PER_USER);
	ok(st->ops->grant_put(st, "usr_g", "cG00", "s", T0 + 100) == MCP_OK &&
	    num(e, q_grant_n, "usr_g") == MCP_GRANTS_PER_USER &&
	    st->ops->grant_put(st, "usr_g", "cNEW", "s", T0 + 101) ==
	    MCP_OK && num(e, q_grant_has, "cG00") == 1 && num(e,
	    q_grant_has, "cG02") == 0, "%s: one renewed is of the newest",
	    e->name);

	/* Revoked: its codes and families go, another client's stay. */
	code_fill(&c, "gc1", "usr_b", T0 + 1000);
	snprintf(c.client, sizeof(c.client), "cli_1");
	code_fill(&cg, "gc2", "usr_b", T0 + 1000);
	snprintf(cg.client, sizeof(cg.client), "cli_0");
	family_fill(&f, "fam_gr1", "usr_b", "cli_1", T0 + 1000);
	ok(st->ops->code_put(st, &c) == MCP_OK && st->ops->code_put(st,
	    &cg) == MCP_OK && st->ops->family_put(st, &f, T0 + 1000, 60) ==
	    MCP_OK && st->ops->refresh_put(st, "rt_gr1", "fam_gr1", "", "s",
	    T0 + 1000, T0 + 5000) == MCP_OK && (family_fill(&f, "fam_gr0",
	    "usr_b", "cli_0", T0 + 1000), st->ops->family_put(st, &f,
	    T0 + 1000, 60)) == MCP_OK, "%s: codes and families of two "
	    "grants", e->name);
	ok(st->ops->grant_revoke(st, "usr_b", "cli_1", T0 + 1001) == MCP_OK &&
	    num(e, q_code_n, "gc1") == 0 && num(e, q_code_n, "gc2") == 1 &&
	    st->ops->family_get(st, "fam_gr1", &got) == MCP_OK &&
	    got.revoked == T0 + 1001 && st->ops->refresh_take(st, "rt_gr1",
	    "cli_1", T0 + 1002, 0, famid, sc, &again) == MCP_ERR_NOTFOUND &&
	    st->ops->family_get(st, "fam_gr0", &got) == MCP_OK &&
	    got.revoked == 0, "%s: a grant revoked: its codes gone, its "
	    "families revoked, another's untouched", e->name);
	ok(st->ops->grant_revoke(st, "usr_b", "cli_1", T0 + 1002) ==
	    MCP_ERR_NOTFOUND, "%s: revoked again: not found", e->name);
	ok(st->ops->grant_revoke(st, "usr_none", "cli_1", T0 + 1002) ==
	    MCP_ERR_NOTFOUND, "%s: an unknown user's: not found", e->name);
	note(e, "grants after:\n");
	st->ops->grant_list(st, "bob", grant_cb, e);
}

static void
regtokens(struct eng *e)
{
	struct mcp_store	*st = e->st;

	ok(st->ops->regtoken_put(st, "it1", "ci", T0, T0 + 100, 2) == MCP_OK,
	    "%s: an initial access token of two uses", e->name);
	ok(st->ops->regtoken_use(st, "it1", T0, 1) == MCP_OK &&
	    st->ops->regtoken_use(st, "it1", T0, 1) == MCP_OK,
	    "%s: looked at twice", e->name);
	ok(st->ops->regtoken_use(st, "it1", T0, 0) == MCP_OK &&
	    st->ops->regtoken_use(st, "it1", T0 + 100, 0) == MCP_OK,
	    "%s: used twice (the last at its expiry)", e->name);
	ok(st->ops->regtoken_use(st, "it1", T0, 0) == MCP_ERR_NOTFOUND &&
	    st->ops->regtoken_use(st, "it1", T0, 1) == MCP_ERR_NOTFOUND,
	    "%s: used up: not found, looked at or used", e->name);
	ok(st->ops->regtoken_use(st, "itx", T0, 0) == MCP_ERR_NOTFOUND &&
	    st->ops->regtoken_use(st, "itx", T0, 1) == MCP_ERR_NOTFOUND,
	    "%s: unknown: not found", e->name);
	ok(num(e, q_regtok_n, "it1") == 1, "%s: kept used up until the next "
	    "one is made", e->name);
	ok(st->ops->regtoken_put(st, "it2", "ci", T0, T0 + 100, 5) ==
	    MCP_OK && num(e, q_regtok_n, "it1") == 0, "%s: the next one "
	    "drops it", e->name);
	ok(st->ops->regtoken_use(st, "it2", T0 + 101, 1) ==
	    MCP_ERR_NOTFOUND && st->ops->regtoken_use(st, "it2", T0 + 101,
	    0) == MCP_ERR_NOTFOUND && num(e, q_regtok_n, "it2") == 1,
	    "%s: expired: not found", e->name);
	ok(st->ops->regtoken_put(st, "it3", "ci", T0 + 101, T0 + 200, 1) ==
	    MCP_OK && num(e, q_regtok_n, "it2") == 0 &&
	    st->ops->regtoken_use(st, "it3", T0 + 101, 0) == MCP_OK,
	    "%s: the next one made drops the expired", e->name);
}

static void
client_fill(struct mcp_client *c, const char *id, const char *kind,
    int64_t created)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->name, sizeof(c->name), "n_%s", id);
	snprintf(c->scopes, sizeof(c->scopes), "wks:read");
	snprintf(c->kind, sizeof(c->kind), "%s", kind);
	snprintf(c->auth_method, sizeof(c->auth_method), "none");
	snprintf(c->redirect_uris, sizeof(c->redirect_uris),
	    "[\"https://c.example/cb\"]");
	snprintf(c->grant_types, sizeof(c->grant_types),
	    "authorization_code refresh_token");
	snprintf(c->app_type, sizeof(c->app_type), "web");
	snprintf(c->metadata, sizeof(c->metadata), "{}");
	c->created = created;
	if (strcmp(kind, "cimd") == 0)
		c->expires = created + 3600;
}

static void
clients(struct eng *e)
{
	struct mcp_store	*st = e->st;
	struct mcp_client	 c;
	char			 out[256];
	int64_t			 t = T0 + 200000;

	raw(e, q_clients_clear, NULL, NULL, 0);
	client_fill(&c, "dcr_1", "dcr", t);
	ok(st->ops->client_register(st, &c, t) == MCP_OK &&
	    raw(e, q_client, "dcr_1", out, sizeof(out)) == MCP_OK &&
	    strcmp(out, "n_dcr_1:dcr:0") == 0, "%s: a client registered (%s)",
	    e->name, out);
	snprintf(c.name, sizeof(c.name), "renamed");
	ok(st->ops->client_register(st, &c, t) == MCP_OK &&
	    raw(e, q_client, "dcr_1", out, sizeof(out)) == MCP_OK &&
	    strcmp(out, "renamed:dcr:0") == 0 && num(e, q_client_n, NULL) ==
	    1, "%s: registered again: replaced", e->name);
	ok(st->ops->client_used(st, "dcr_1", t + 5) == MCP_OK &&
	    st->ops->client_used(st, "dcr_1", t + 9) == MCP_OK &&
	    num(e, "SELECT used FROM clients WHERE id = $1", "dcr_1") ==
	    t + 5, "%s: marked used once", e->name);
	ok(st->ops->client_used(st, "dcr_none", t) == MCP_OK,
	    "%s: an unknown one marked: nothing to do", e->name);
	client_fill(&c, "dcr_2", "dcr", t);
	ok(st->ops->client_register(st, &c, t) == MCP_OK, "%s: one never "
	    "used", e->name);
	client_fill(&c, "cimd_1", "cimd", t);
	ok(st->ops->client_register(st, &c, t) == MCP_OK, "%s: a metadata "
	    "document", e->name);
	client_fill(&c, "dcr_3", "dcr", t + 3600);
	ok(st->ops->client_register(st, &c, t + 3600) == MCP_OK &&
	    num(e, q_client_n, NULL) == 4, "%s: within an hour all are kept",
	    e->name);
	client_fill(&c, "dcr_4", "dcr", t + 3601);
	ok(st->ops->client_register(st, &c, t + 3601) == MCP_OK &&
	    num(e, "SELECT count(*) FROM clients WHERE id = $1",
	    "cimd_1") == 0, "%s: a document past its cache time dropped",
	    e->name);
	client_fill(&c, "dcr_5", "dcr", t + 86401);
	ok(st->ops->client_register(st, &c, t + 86401) == MCP_OK &&
	    num(e, "SELECT count(*) FROM clients WHERE id = $1",
	    "dcr_2") == 0 && num(e, "SELECT count(*) FROM clients WHERE "
	    "id = $1", "dcr_1") == 1 && num(e, q_client_n, NULL) == 4,
	    "%s: a day on, one never used dropped, a used one kept", e->name);

	/* Full: the oldest never used makes room, else CONFLICT. */
	raw(e, q_clients_clear, NULL, NULL, 0);
	client_fill(&c, "admin_1", "admin", 0);
	ok(raw(e, q_clients_fill, NULL, NULL, 0) == MCP_OK &&
	    st->ops->client_register(st, &c, t) == MCP_OK &&
	    num(e, q_client_n, NULL) == MCP_DCR_ROWS - 2,
	    "%s: %d used clients, an operator's besides", e->name,
	    MCP_DCR_ROWS - 2);
	client_fill(&c, "spare_b", "dcr", t - 20);
	ok(st->ops->client_register(st, &c, t - 20) == MCP_OK &&
	    (client_fill(&c, "spare_a", "cimd", t - 20),
	    st->ops->client_register(st, &c, t - 20)) == MCP_OK &&
	    num(e, q_client_n, NULL) == MCP_DCR_ROWS,
	    "%s: two never used fill it", e->name);
	client_fill(&c, "new_1", "dcr", t);
	ok(st->ops->client_register(st, &c, t) == MCP_OK &&
	    num(e, q_client_n, NULL) == MCP_DCR_ROWS &&
	    raw(e, q_client, "spare_a", out, sizeof(out)) == MCP_OK &&
	    out[0] == '\0' && raw(e, q_client, "spare_b", out,
	    sizeof(out)) == MCP_OK && out[0] != '\0',
	    "%s: full, the oldest never used (of one second, by id) made "
	    "room", e->name);
	ok(st->ops->client_used(st, "spare_b", t) == MCP_OK &&
	    st->ops->client_used(st, "new_1", t) == MCP_OK, "%s: the rest "
	    "used", e->name);
	client_fill(&c, "new_2", "dcr", t);
	ok(st->ops->client_register(st, &c, t) == MCP_ERR_CONFLICT &&
	    raw(e, q_client, "new_2", out, sizeof(out)) == MCP_OK &&
	    out[0] == '\0' && num(e, q_client_n, NULL) == MCP_DCR_ROWS,
	    "%s: full of used ones: conflict, nothing stored", e->name);
	client_fill(&c, "new_1", "dcr", t);
	snprintf(c.name, sizeof(c.name), "again");
	ok(st->ops->client_register(st, &c, t) == MCP_OK &&
	    raw(e, q_client, "new_1", out, sizeof(out)) == MCP_OK &&
	    strcmp(out, "again:dcr:0") == 0, "%s: full, one registered "
	    "again is replaced", e->name);
	client_fill(&c, "new_3", "dcr", t + 90000);
	ok(st->ops->client_used(st, "new_1", t) == MCP_OK &&
	    st->ops->client_register(st, &c, t + 90000) ==
	    MCP_ERR_CONFLICT && num(e, q_client_n, NULL) == MCP_DCR_ROWS,
	    "%s: a day on, used ones are still not dropped", e->name);
	raw(e, q_clients_clear, NULL, NULL, 0);
}

/* --- Concurrency, on PostgreSQL --- */

enum kind {
	K_CODE_TAKE, K_RT_TAKE, K_REGTOK, K_FAM_PUT, K_CODE_PUT, K_WS_PUT,
	K_GRANT_PUT, K_RT_PUT, K_REGISTER
};

struct job {
	const char		*url;
	pthread_barrier_t	*bar;
	enum kind		 kind;
	int			 idx;
	const char		*hash;
	int64_t			 reuse;
	enum mcp_err		 e;
	int			 again, bad;
	char			 fam[40];
};

static void *
worker(void *arg)
{
	struct job		*j = arg;
	struct mcp_store	*st;
	struct mcp_code		 c;
	struct mcp_family	 f;
	struct mcp_client	 cl;
	char			 err[256], id[40], sc[1024];
	int			 i;

	j->e = MCP_ERR_STORE;
	j->bad = 0;
	st = mcp_store_open(j->url, err, sizeof(err));
	pthread_barrier_wait(j->bar);
	if (st == NULL)
		return NULL;
	switch (j->kind) {
	case K_CODE_TAKE:
		j->e = st->ops->code_take(st, j->hash, "cli_c", T0 + 1, &c);
		snprintf(j->fam, sizeof(j->fam), "%s", c.family);
		break;
	case K_RT_TAKE:
		j->e = st->ops->refresh_take(st, j->hash, "cli_k", T0 + 1,
		    j->reuse, j->fam, sc, &j->again);
		break;
	case K_REGTOK:
		j->e = st->ops->regtoken_use(st, "kit", T0, 0);
		break;
	case K_FAM_PUT:
		for (i = 0; i < 4; i++) {
			snprintf(id, sizeof(id), "kf_%d_%d", j->idx, i);
			family_fill(&f, id, "usr_k", "cli_k", T0 + i);
			if (st->ops->family_put(st, &f, T0 + i, 60) != MCP_OK)
				j->bad++;
		}
		break;
	case K_CODE_PUT:
		for (i = 0; i < 4; i++) {
			snprintf(id, sizeof(id), "kc_%d_%d", j->idx, i);
			code_fill(&c, id, "usr_kc", T0 + i);
			if (st->ops->code_put(st, &c) != MCP_OK)
				j->bad++;
		}
		break;
	case K_WS_PUT:
		for (i = 0; i < 2; i++) {
			snprintf(id, sizeof(id), "kw_%d_%d", j->idx, i);
			if (st->ops->websess_put(st, id, "usr_z", T0 + i,
			    T0 + 1000) != MCP_OK)
				j->bad++;
		}
		break;
	case K_GRANT_PUT:
		for (i = 0; i < 10; i++) {
			snprintf(id, sizeof(id), "kg_%d_%d", j->idx, i);
			if (st->ops->grant_put(st, "usr_z", id, "s",
			    T0 + i) != MCP_OK)
				j->bad++;
		}
		break;
	case K_RT_PUT:
		for (i = 0; i < 2; i++) {
			snprintf(id, sizeof(id), "kr_%d_%d", j->idx, i);
			if (st->ops->refresh_put(st, id, "fam_kr", "", "s",
			    T0 + i, T0 + 1000) != MCP_OK)
				j->bad++;
		}
		break;
	case K_REGISTER:
		snprintf(id, sizeof(id), "kreg_%d", j->idx);
		client_fill(&cl, id, "dcr", T0 + 200000);
		cl.used = j->reuse;	/* used: none of them makes room */
		j->e = st->ops->client_register(st, &cl, T0 + 200000);
		break;
	}
	st->ops->close(st);
	return NULL;
}

/* Runs THREADS jobs of kind at once; hashes[i] (or hash) for job i. */
static void
race(const char *url, struct job *j, enum kind kind, const char *hash,
    const char *const *hashes, int64_t reuse)
{
	pthread_barrier_t	 bar;
	pthread_t		 t[THREADS];
	int			 i;

	pthread_barrier_init(&bar, NULL, THREADS);
	for (i = 0; i < THREADS; i++) {
		memset(&j[i], 0, sizeof(j[i]));
		j[i].url = url;
		j[i].bar = &bar;
		j[i].kind = kind;
		j[i].idx = i;
		j[i].hash = hashes != NULL ? hashes[i] : hash;
		j[i].reuse = reuse;
		j[i].again = -1;
		pthread_create(&t[i], NULL, worker, &j[i]);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
}

/* How many jobs ended in e (and again, when it is not -1). */
static int
count(const struct job *j, enum mcp_err e, int again)
{
	int	 i, n = 0;

	for (i = 0; i < THREADS; i++)
		n += j[i].e == e && (again == -1 || j[i].again == again);
	return n;
}

static int
bads(const struct job *j)
{
	int	 i, n = 0;

	for (i = 0; i < THREADS; i++)
		n += j[i].bad;
	return n;
}

static void
concurrency(struct eng *e, const char *url)
{
	struct mcp_store	*st = e->st;
	struct job		 j[THREADS];
	struct mcp_code		 c;
	struct mcp_family	 f;
	static const char *const sibs[THREADS] = { "ks0", "ks1", "ks2",
	    "ks3", "ks0", "ks1", "ks2", "ks3" };
	char			 out[256];
	int			 i, winner = -1, second = -1;

	code_fill(&c, "kcode", "usr_k", T0);
	ok(st->ops->code_put(st, &c) == MCP_OK, "a code to race for");
	race(url, j, K_CODE_TAKE, "kcode", NULL, 0);
	ok(count(j, MCP_OK, -1) == 1 && count(j, MCP_ERR_CONFLICT, -1) ==
	    THREADS - 1 && strcmp(j[0].fam, "fam_of_kcode") == 0,
	    "%d redeem one code at once: one has it, %d replays", THREADS,
	    THREADS - 1);

	family_fill(&f, "fam_k", "usr_k", "cli_k", T0);
	ok(st->ops->family_put(st, &f, T0, 60) == MCP_OK &&
	    st->ops->refresh_put(st, "kt0", "fam_k", "", "s", T0, T0 + 100) ==
	    MCP_OK && st->ops->refresh_put(st, "kt1", "fam_k", "", "s", T0,
	    T0 + 100) == MCP_OK, "refresh tokens to race for");
	race(url, j, K_RT_TAKE, "kt0", NULL, 0);
	ok(count(j, MCP_OK, 0) == 1 && count(j, MCP_ERR_CONFLICT, -1) ==
	    THREADS - 1, "%d present one refresh token at once, no reuse: "
	    "one takes it, %d replays", THREADS, THREADS - 1);
	race(url, j, K_RT_TAKE, "kt1", NULL, 10);
	ok(count(j, MCP_OK, 0) == 1 && count(j, MCP_OK, 1) == 1 &&
	    count(j, MCP_ERR_CONFLICT, -1) == THREADS - 2 &&
	    strcmp(j[0].fam, "fam_k") == 0, "%d at once within a reuse "
	    "window: one first use, one given again, %d replays", THREADS,
	    THREADS - 2);

	/* Siblings of one parent, each presented twice, at once. */
	for (i = 0; i < 4; i++)
		if (st->ops->refresh_put(st, sibs[i], "fam_k", "kp", "s", T0,
		    T0 + 100) != MCP_OK)
			break;
	ok(i == 4, "four tokens of one parent");
	race(url, j, K_RT_TAKE, NULL, sibs, 10);
	for (i = 0; i < THREADS; i++)
		if (j[i].e == MCP_OK && j[i].again == 0)
			winner = i;
		else if (j[i].e == MCP_OK && j[i].again == 1)
			second = i;
	ok(count(j, MCP_OK, 0) == 1 && count(j, MCP_OK, 1) == 1 &&
	    count(j, MCP_ERR_CONFLICT, -1) == THREADS - 2 && winner != -1 &&
	    second != -1 && strcmp(sibs[winner], sibs[second]) == 0,
	    "of siblings presented at once, one is carried on (and given "
	    "again once), the others are replays");

	ok(st->ops->regtoken_put(st, "kit", "k", T0, T0 + 100, 3) == MCP_OK,
	    "an initial access token of three uses");
	race(url, j, K_REGTOK, NULL, NULL, 0);
	ok(count(j, MCP_OK, -1) == 3 && count(j, MCP_ERR_NOTFOUND, -1) ==
	    THREADS - 3, "%d use it at once: three do", THREADS);

	race(url, j, K_FAM_PUT, NULL, NULL, 0);
	ok(bads(j) == 0 && num(e, "SELECT count(*) FROM token_families "
	    "WHERE \"user\" = $1 AND client = 'cli_k' AND revoked = 0",
	    "usr_k") == MCP_FAMILIES_PER_GRANT, "%d threads make %d "
	    "families of one grant: %d live", THREADS, THREADS * 4,
	    MCP_FAMILIES_PER_GRANT);
	race(url, j, K_CODE_PUT, NULL, NULL, 0);
	ok(bads(j) == 0 && num(e, "SELECT count(*) FROM auth_codes WHERE "
	    "\"user\" = $1", "usr_kc") == MCP_CODES_PER_USER, "%d threads "
	    "make %d codes of one user: %d kept", THREADS, THREADS * 4,
	    MCP_CODES_PER_USER);
	race(url, j, K_WS_PUT, NULL, NULL, 0);
	ok(bads(j) == 0 && num(e, "SELECT count(*) FROM web_sessions WHERE "
	    "\"user\" = $1", "usr_z") == MCP_WEBSESS_PER_USER, "%d threads "
	    "sign one user in %d times: %d kept", THREADS, THREADS * 2,
	    MCP_WEBSESS_PER_USER);
	race(url, j, K_GRANT_PUT, NULL, NULL, 0);
	ok(bads(j) == 0 && num(e, q_grant_n, "usr_z") == MCP_GRANTS_PER_USER,
	    "%d threads make %d grants of one user: %d kept", THREADS,
	    THREADS * 10, MCP_GRANTS_PER_USER);
	family_fill(&f, "fam_kr", "usr_kr", "cli_k", T0);
	ok(st->ops->family_put(st, &f, T0, 60) == MCP_OK, "a family");
	race(url, j, K_RT_PUT, NULL, NULL, 0);
	ok(bads(j) == 0 && num(e, "SELECT count(*) FROM refresh_tokens "
	    "WHERE family = $1", "fam_kr") == MCP_REFRESH_PER_FAMILY,
	    "%d threads make %d refresh tokens of one family: %d kept",
	    THREADS, THREADS * 2, MCP_REFRESH_PER_FAMILY);

	/*
	 * Four places left, the rest used: of eight used ones registering
	 * at once, four are stored.  Of eight never used, all are (each
	 * one past the four making room), and four are left.
	 */
	raw(e, q_clients_clear, NULL, NULL, 0);
	ok(raw(e, q_clients_fill, NULL, NULL, 0) == MCP_OK &&
	    raw(e, "DELETE FROM clients WHERE id IN ('bulk_1', 'bulk_2')",
	    NULL, NULL, 0) == MCP_OK && num(e, q_client_n, NULL) ==
	    MCP_DCR_ROWS - 4, "%d used clients", MCP_DCR_ROWS - 4);
	race(url, j, K_REGISTER, NULL, NULL, 1);
	ok(count(j, MCP_OK, -1) == 4 && count(j, MCP_ERR_CONFLICT, -1) ==
	    THREADS - 4 && num(e, q_client_n, NULL) == MCP_DCR_ROWS,
	    "%d register at once with four places left: four do, %d "
	    "conflict", THREADS, THREADS - 4);
	raw(e, "DELETE FROM clients WHERE id LIKE 'kreg%'", NULL, NULL, 0);
	race(url, j, K_REGISTER, NULL, NULL, 0);
	raw(e, "SELECT count(*) FROM clients WHERE id LIKE 'kreg%'", NULL,
	    out, sizeof(out));
	ok(count(j, MCP_OK, -1) == THREADS && num(e, q_client_n, NULL) ==
	    MCP_DCR_ROWS && strcmp(out, "4") == 0, "%d never used register "
	    "at once: each is stored, %s kept, never more than %d",
	    THREADS, out, MCP_DCR_ROWS);
	raw(e, q_clients_clear, NULL, NULL, 0);
}

static void
sequence(struct eng *e)
{
	refresh(e);
	refresh_more(e);
	codes(e);
	families(e);
	users(e);
	websess(e);
	grants(e);
	regtokens(e);
	clients(e);
}

int
main(void)
{
	static struct eng	 sq, pg;
	const char		*url;
	char			 dir[] = "/tmp/mcp-unit-pg-as.XXXXXX";
	char			 path[128], err[256] = "";
	size_t			 i;

	if ((url = getenv("MCP_TEST_PG")) == NULL || *url == '\0') {
		/* The comment line shows in make unit's summary too. */
		printf("# SKIP pg_as: MCP_TEST_PG unset (a libpq URL of an "
		    "empty database: tests/pg.sh db DIR NAME)\n"
		    "1..0 # SKIP MCP_TEST_PG unset\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/mcp.db", dir);
	sq.st = mcp_store_open(path, err, sizeof(err));
	ok(sq.st != NULL, "the SQLite store opens (%s)", err);
	pg.st = mcp_store_open(url, err, sizeof(err));
	ok(pg.st != NULL, "the PostgreSQL store opens (%s)", err);
	if (sq.st == NULL || pg.st == NULL)
		return done();
	sq.name = "sqlite";
	pg.name = "pg";
	pg.pg = 1;
	if (num(&pg, "SELECT (SELECT count(*) FROM users) + (SELECT "
	    "count(*) FROM token_families)", NULL) != 0) {
		printf("Bail out! MCP_TEST_PG names a database that is not "
		    "empty\n");
		return 1;
	}
	sequence(&sq);
	sequence(&pg);
	for (i = 0; i < sq.len && i < pg.len && sq.log[i] == pg.log[i]; i++)
		continue;
	ok(sq.len > 0 && sq.len == pg.len && i == sq.len, "both engines kept "
	    "and listed the same rows (%zu bytes)", sq.len);
	if (i != sq.len || sq.len != pg.len)
		printf("# sqlite from %zu: %.200s\n# pg from %zu: %.200s\n",
		    i, sq.log + i, i, pg.log + i);
	concurrency(&pg, url);
	sq.st->ops->close(sq.st);
	pg.st->ops->close(pg.st);
	unlink(path);
	return done();
}
