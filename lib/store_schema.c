/*
 * store_schema.c: the store's migrations, once for both engines, and
 * the renderer that writes them in each engine's SQL.  store_schema.h
 * lists the tokens and says how to add a migration.
 *
 * Each migration is the concatenation of its steps, in order: steps for
 * both engines (ALL), and the few one engine has alone (SQLITE, PG).
 * SQLite's rendering of migrations 1 to 12 is, byte for byte, the text
 * it has always run (tests/unit/schema_render.c checks it): a store at
 * any version migrates as before.  PostgreSQL starts from an empty
 * database, so its rendering of the same steps, table rebuilds
 * included, yields the schema SQLite reached.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "store_schema.h"

#define SQLITE	(1 << SCHEMA_SQLITE)
#define PG	(1 << SCHEMA_PG)
#define ALL	(SQLITE | PG)

struct step {
	int		 version;	/* the migration it belongs to */
	int		 engines;	/* ALL, SQLITE or PG */
	const char	*sql;		/* statements, each ended by ; */
};

static const struct step steps[] = {
	/* 1: sessions and what they hold. */
	{ 1, ALL,
	"CREATE TABLE sessions ("
	"  id TEXT PRIMARY KEY,"
	"  version TEXT NOT NULL,"
	"  owner TEXT NOT NULL DEFAULT '',"
	"  log_level @int NOT NULL DEFAULT -1,"
	"  caps TEXT NOT NULL DEFAULT '{}',"
	"  created @int NOT NULL,"
	"  seen @int NOT NULL) @norowid;"
	"CREATE INDEX sessions_seen ON sessions (seen);"
	"CREATE TABLE pending ("
	"  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	"  rid TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  answer TEXT,"
	"  PRIMARY KEY (session, rid)) @norowid;"
	"CREATE TABLE cancelled ("
	"  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	"  rid TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  PRIMARY KEY (session, rid)) @norowid;"
	"CREATE TABLE subscriptions ("
	"  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	"  uri TEXT NOT NULL,"
	"  PRIMARY KEY (session, uri)) @norowid;" },
	/* 2: auth. */
	{ 2, ALL,
	"CREATE TABLE clients ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  workspace TEXT NOT NULL DEFAULT '',"
	"  secret_hash TEXT NOT NULL,"
	"  salt TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  revoked @int NOT NULL DEFAULT 0) @norowid;"
	"CREATE TABLE auth_failures ("
	"  client TEXT NOT NULL,"
	"  ts @int NOT NULL);"
	"CREATE INDEX auth_failures_client ON auth_failures (client, ts);"
	"CREATE TABLE signing_keys ("
	"  kid TEXT PRIMARY KEY,"
	"  alg TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  retired @int NOT NULL DEFAULT 0) @norowid;"
	"CREATE TABLE audit ("
	"  ts_ms @int NOT NULL,"
	"  rid TEXT NOT NULL,"
	"  iss TEXT NOT NULL DEFAULT '',"
	"  sub TEXT NOT NULL DEFAULT '',"
	"  client_id TEXT NOT NULL DEFAULT '',"
	"  method TEXT NOT NULL DEFAULT '',"
	"  tool TEXT NOT NULL DEFAULT '',"
	"  scopes TEXT NOT NULL DEFAULT '',"
	"  outcome TEXT NOT NULL,"
	"  status @int NOT NULL,"
	"  latency_us @int NOT NULL,"
	"  workspace TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX audit_ts ON audit (ts_ms);"
	"CREATE INDEX audit_workspace ON audit (workspace, ts_ms);" },
	/* 3: the reference application's objects. */
	{ 3, ALL,
	"CREATE TABLE workspaces ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  created_ms @int NOT NULL,"
	"  updated_ms @int NOT NULL) @norowid;"
	"CREATE TABLE environments ("
	"  id TEXT PRIMARY KEY,"
	"  workspace TEXT NOT NULL REFERENCES workspaces (id),"
	"  name TEXT NOT NULL,"
	"  type TEXT NOT NULL CHECK (type IN ('development', 'staging',"
	"    'production')),"
	"  created_ms @int NOT NULL,"
	"  updated_ms @int NOT NULL,"
	"  UNIQUE (workspace, name)) @norowid;"
	"CREATE TABLE org_templates ("
	"  id TEXT PRIMARY KEY,"
	"  workspace TEXT NOT NULL REFERENCES workspaces (id),"
	"  name TEXT NOT NULL,"
	"  settings TEXT NOT NULL DEFAULT '{}',"
	"  created_ms @int NOT NULL,"
	"  updated_ms @int NOT NULL,"
	"  UNIQUE (workspace, name)) @norowid;"
	"CREATE TABLE organizations ("
	"  id TEXT PRIMARY KEY,"
	"  workspace TEXT NOT NULL REFERENCES workspaces (id),"
	"  environment TEXT NOT NULL REFERENCES environments (id),"
	"  name TEXT NOT NULL,"
	"  external_id TEXT,"
	"  metadata TEXT NOT NULL DEFAULT '{}',"
	"  template TEXT REFERENCES org_templates (id),"
	"  created_ms @int NOT NULL,"
	"  updated_ms @int NOT NULL,"
	"  UNIQUE (environment, external_id)) @norowid;"
	"CREATE INDEX organizations_env ON organizations (environment,"
	"  created_ms, id);" },
	/* 4: paging through a workspace's organizations. */
	{ 4, ALL,
	"CREATE INDEX organizations_ws ON organizations (workspace,"
	"  created_ms, id);" },
	/*
	 * 5: change notices waiting for a subscriber's next stream.  A URI
	 * such as mcp-fcgi://workspace names a different resource in each
	 * workspace: a change notifies only subscribers of the same one.
	 */
	{ 5, ALL,
	"ALTER TABLE subscriptions ADD COLUMN workspace TEXT NOT NULL "
	"  DEFAULT '';"
	"CREATE INDEX subscriptions_uri ON subscriptions (uri, workspace);"
	"CREATE TABLE notices ("
	"  seq @serial,"
	"  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	"  message TEXT NOT NULL,"
	"  created @int NOT NULL);"
	"CREATE INDEX notices_session ON notices (session, seq);" },
	/*
	 * 6: bounds on what callers can make the store keep (store.h).
	 * Failed client authentications become one counted window per
	 * (client, address) and per address (client ''); cancellations get
	 * an insertion order, so that a session's oldest can be dropped;
	 * requests refused before authentication are counted per minute.
	 */
	{ 6, ALL,
	"DROP TABLE auth_failures;"
	"CREATE TABLE auth_failures ("
	"  client TEXT NOT NULL,"
	"  addr TEXT NOT NULL,"
	"  start @int NOT NULL,"
	"  count @int NOT NULL,"
	"  PRIMARY KEY (client, addr));"
	"CREATE INDEX auth_failures_start ON auth_failures (start);"
	"CREATE TABLE cancelled_seq ("
	"  seq @serial,"
	"  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	"  rid TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  UNIQUE (session, rid));"
	"INSERT INTO cancelled_seq (session, rid, created) SELECT session, "
	"  rid, created FROM cancelled WHERE @octets(rid) <= 256 "
	"  ORDER BY created;"
	"DROP TABLE cancelled;"
	"ALTER TABLE cancelled_seq RENAME TO cancelled;" },
	/*
	 * A renamed table keeps the names PostgreSQL gave its constraints
	 * and identity sequence: the rebuilt table takes back those of the
	 * one it replaces (SQLite names neither).
	 */
	{ 6, PG,
	"ALTER TABLE cancelled RENAME CONSTRAINT cancelled_seq_pkey"
	"  TO cancelled_pkey;"
	"ALTER TABLE cancelled RENAME CONSTRAINT cancelled_seq_session_rid_key"
	"  TO cancelled_session_rid_key;"
	"ALTER TABLE cancelled RENAME CONSTRAINT cancelled_seq_session_fkey"
	"  TO cancelled_session_fkey;"
	"ALTER SEQUENCE cancelled_seq_seq_seq RENAME TO cancelled_seq_seq;" },
	{ 6, ALL,
	"CREATE INDEX cancelled_session ON cancelled (session, seq);"
	"CREATE INDEX cancelled_created ON cancelled (created);"
	"ALTER TABLE sessions ADD COLUMN ord @int NOT NULL DEFAULT 0;"
	"CREATE INDEX sessions_owner ON sessions (owner, seen, ord);"
	"CREATE TABLE audit_anon ("
	"  seq @serial,"
	"  ts_ms @int NOT NULL,"
	"  addr TEXT NOT NULL,"
	"  method TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  status @int NOT NULL,"
	"  count @int NOT NULL,"
	"  UNIQUE (ts_ms, addr, method, outcome, status));" },
	/*
	 * 7: how many environments, templates and organizations each
	 * workspace holds, kept by triggers, so that a create checks its
	 * quota by reading one row instead of counting the workspace's.
	 */
	{ 7, ALL,
	"CREATE TABLE workspace_usage ("
	"  workspace TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  n @int NOT NULL,"
	"  PRIMARY KEY (workspace, kind)) @norowid;" },
	/* PostgreSQL's triggers call a function: the kind is its argument. */
	{ 7, PG,
	"CREATE FUNCTION usage_added() RETURNS trigger LANGUAGE plpgsql AS $$"
	"  BEGIN INSERT INTO workspace_usage VALUES (NEW.workspace,"
	"  TG_ARGV[0], 1) ON CONFLICT (workspace, kind) DO UPDATE SET"
	"  n = workspace_usage.n + 1; RETURN NULL; END $$;"
	"CREATE FUNCTION usage_removed() RETURNS trigger LANGUAGE plpgsql AS $$"
	"  BEGIN UPDATE workspace_usage SET n = n - 1 WHERE workspace ="
	"  OLD.workspace AND kind = TG_ARGV[0]; RETURN NULL; END $$;" },
	{ 7, ALL,
	"INSERT INTO workspace_usage SELECT workspace, 'env', count(*)"
	"  FROM environments GROUP BY workspace;" },
	{ 7, SQLITE,
	"CREATE TRIGGER environments_added AFTER INSERT ON environments"
	"  BEGIN INSERT INTO workspace_usage VALUES (NEW.workspace, 'env',"
	"  1) ON CONFLICT (workspace, kind) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER environments_removed AFTER DELETE ON environments"
	"  BEGIN UPDATE workspace_usage SET n = n - 1 WHERE workspace ="
	"  OLD.workspace AND kind = 'env'; END;" },
	{ 7, PG,
	"CREATE TRIGGER environments_added AFTER INSERT ON environments"
	"  FOR EACH ROW EXECUTE FUNCTION usage_added('env');"
	"CREATE TRIGGER environments_removed AFTER DELETE ON environments"
	"  FOR EACH ROW EXECUTE FUNCTION usage_removed('env');" },
	{ 7, ALL,
	"INSERT INTO workspace_usage SELECT workspace, 'tpl', count(*)"
	"  FROM org_templates GROUP BY workspace;" },
	{ 7, SQLITE,
	"CREATE TRIGGER org_templates_added AFTER INSERT ON org_templates"
	"  BEGIN INSERT INTO workspace_usage VALUES (NEW.workspace, 'tpl',"
	"  1) ON CONFLICT (workspace, kind) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER org_templates_removed AFTER DELETE ON org_templates"
	"  BEGIN UPDATE workspace_usage SET n = n - 1 WHERE workspace ="
	"  OLD.workspace AND kind = 'tpl'; END;" },
	{ 7, PG,
	"CREATE TRIGGER org_templates_added AFTER INSERT ON org_templates"
	"  FOR EACH ROW EXECUTE FUNCTION usage_added('tpl');"
	"CREATE TRIGGER org_templates_removed AFTER DELETE ON org_templates"
	"  FOR EACH ROW EXECUTE FUNCTION usage_removed('tpl');" },
	{ 7, ALL,
	"INSERT INTO workspace_usage SELECT workspace, 'org', count(*)"
	"  FROM organizations GROUP BY workspace;" },
	{ 7, SQLITE,
	"CREATE TRIGGER organizations_added AFTER INSERT ON organizations"
	"  BEGIN INSERT INTO workspace_usage VALUES (NEW.workspace, 'org',"
	"  1) ON CONFLICT (workspace, kind) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER organizations_removed AFTER DELETE ON organizations"
	"  BEGIN UPDATE workspace_usage SET n = n - 1 WHERE workspace ="
	"  OLD.workspace AND kind = 'org'; END;" },
	{ 7, PG,
	"CREATE TRIGGER organizations_added AFTER INSERT ON organizations"
	"  FOR EACH ROW EXECUTE FUNCTION usage_added('org');"
	"CREATE TRIGGER organizations_removed AFTER DELETE ON organizations"
	"  FOR EACH ROW EXECUTE FUNCTION usage_removed('org');" },
	/*
	 * 8: the authorization server for people.  Clients gain how they
	 * came (the operator, registration, a metadata document), how they
	 * authenticate, their redirect URIs and grant types; users sign in
	 * (or are named by the web server); grants remember what a user let
	 * a client have; codes, token families and refresh tokens carry the
	 * authorization code flow; registration tokens gate registration;
	 * a web session is a signed-in browser.  Secrets and tokens are kept
	 * only as hex SHA-256.
	 */
	{ 8, ALL,
	"ALTER TABLE clients ADD COLUMN kind TEXT NOT NULL DEFAULT 'admin';"
	"ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL"
	"  DEFAULT 'client_secret_basic';"
	"ALTER TABLE clients ADD COLUMN redirect_uris TEXT NOT NULL"
	"  DEFAULT '[]';"
	"ALTER TABLE clients ADD COLUMN grant_types TEXT NOT NULL"
	"  DEFAULT 'client_credentials';"
	"ALTER TABLE clients ADD COLUMN app_type TEXT NOT NULL DEFAULT 'web';"
	"ALTER TABLE clients ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';"
	"ALTER TABLE clients ADD COLUMN expires @int NOT NULL DEFAULT 0;"
	"ALTER TABLE clients ADD COLUMN used @int NOT NULL DEFAULT 0;"
	"CREATE INDEX clients_kind ON clients (kind, expires);"
	"CREATE TABLE users ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  workspace TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  pwhash TEXT NOT NULL DEFAULT '',"
	"  external @int NOT NULL DEFAULT 0,"
	"  created @int NOT NULL,"
	"  disabled @int NOT NULL DEFAULT 0) @norowid;"
	"CREATE TABLE grants ("
	"  @user TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	"  client TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  updated @int NOT NULL,"
	"  PRIMARY KEY (@user, client)) @norowid;"
	"CREATE INDEX grants_client ON grants (client);"
	"CREATE TABLE web_sessions ("
	"  hash TEXT PRIMARY KEY,"
	"  @user TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	"  created @int NOT NULL,"
	"  expires @int NOT NULL) @norowid;"
	"CREATE INDEX web_sessions_user ON web_sessions (@user, created);"
	"CREATE INDEX web_sessions_expires ON web_sessions (expires);"
	"CREATE TABLE token_families ("
	"  id TEXT PRIMARY KEY,"
	"  client TEXT NOT NULL,"
	"  @user TEXT NOT NULL,"
	"  workspace TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  resource TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  expires @int NOT NULL,"
	"  revoked @int NOT NULL DEFAULT 0) @norowid;"
	"CREATE INDEX token_families_user ON token_families (@user, client);"
	"CREATE INDEX token_families_client ON token_families (client);"
	"CREATE INDEX token_families_revoked ON token_families (revoked);"
	"CREATE INDEX token_families_expires ON token_families (expires);"
	"CREATE TABLE auth_codes ("
	"  hash TEXT PRIMARY KEY,"
	"  family TEXT NOT NULL,"
	"  client TEXT NOT NULL,"
	"  @user TEXT NOT NULL,"
	"  workspace TEXT NOT NULL,"
	"  redirect_uri TEXT NOT NULL,"
	"  challenge TEXT NOT NULL,"
	"  resource TEXT NOT NULL,"
	"  scopes TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  expires @int NOT NULL,"
	"  used @int NOT NULL DEFAULT 0) @norowid;"
	"CREATE INDEX auth_codes_expires ON auth_codes (expires);"
	"CREATE TABLE refresh_tokens ("
	"  hash TEXT PRIMARY KEY,"
	"  family TEXT NOT NULL REFERENCES token_families (id)"
	"    ON DELETE CASCADE,"
	"  scopes TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  expires @int NOT NULL,"
	"  used @int NOT NULL DEFAULT 0) @norowid;"
	"CREATE INDEX refresh_tokens_family ON refresh_tokens (family);"
	"CREATE TABLE registration_tokens ("
	"  hash TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  created @int NOT NULL,"
	"  expires @int NOT NULL,"
	"  uses_left @int NOT NULL) @norowid;" },
	/*
	 * 9: SSE streams and their events, kept for resumption
	 * (Last-Event-ID).  A stream belongs to a session; its events are
	 * numbered from 0 (the priming event, no data).  A session's
	 * listener is its GET stream (a legacy session's, made by GET /sse
	 * of the 2024-11-05 transport, carries all its answers): the holder
	 * (one process's claim)
	 * beats while it is open, and change notices go to its events while
	 * it is open or was closed less than MCP_LISTENER_GRACE ago.  The
	 * trigger keeps the bounds of store.h: each stream's newest
	 * MCP_EVENTS_PER_STREAM, each session's MCP_EVENTS_PER_SESSION,
	 * nothing older than MCP_EVENT_KEEP seconds, MCP_EVENT_ROWS in all.
	 */
	{ 9, ALL,
	"CREATE TABLE streams ("
	"  id TEXT PRIMARY KEY,"
	"  session TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
	"  hi @int NOT NULL,"
	"  created @int NOT NULL,"
	"  touched @int NOT NULL) @norowid;"
	"CREATE INDEX streams_session ON streams (session, touched);"
	"CREATE INDEX streams_touched ON streams (touched);"
	"CREATE TABLE events ("
	"  id @serial @autoinc,"
	"  stream TEXT NOT NULL REFERENCES streams (id) ON DELETE CASCADE,"
	"  session TEXT NOT NULL,"
	"  seq @int NOT NULL,"
	"  data TEXT,"
	"  last @int NOT NULL DEFAULT 0,"
	"  created @int NOT NULL,"
	"  UNIQUE (stream, seq));"
	"CREATE INDEX events_created ON events (created);"
	"CREATE INDEX events_session ON events (session, id);" },
	/*
	 * On PostgreSQL, event_add() in store_pg_events.c keeps these
	 * bounds itself, in the event writers' turn.
	 */
	{ 9, SQLITE,
	"CREATE TRIGGER events_bound AFTER INSERT ON events BEGIN"
	"  DELETE FROM events WHERE stream = NEW.stream AND seq <= NEW.seq - "
	MCP_XSTR(MCP_EVENTS_PER_STREAM) ";"
	"  DELETE FROM events WHERE session = NEW.session AND id <= (SELECT id"
	"    FROM events WHERE session = NEW.session ORDER BY id DESC LIMIT 1"
	"    OFFSET " MCP_XSTR(MCP_EVENTS_PER_SESSION) ");"
	"  DELETE FROM events WHERE created < NEW.created - "
	MCP_XSTR(MCP_EVENT_KEEP) ";"
	"  DELETE FROM events WHERE id <= NEW.id - "
	MCP_XSTR(MCP_EVENT_ROWS) ";"
	"  END;" },
	{ 9, ALL,
	"ALTER TABLE sessions ADD COLUMN listener TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE sessions ADD COLUMN holder TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE sessions ADD COLUMN listener_open @int NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN listener_seen @int NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN legacy @int NOT NULL DEFAULT 0;" },
	/*
	 * 10: keys the server keeps for itself, one row per purpose, made
	 * by the first process that needs one (store_sqlite_secret.c).
	 */
	{ 10, ALL,
	"CREATE TABLE secrets ("
	"  name TEXT PRIMARY KEY,"
	"  value @blob NOT NULL,"
	"  created @int NOT NULL) @norowid;" },
	/*
	 * 11: tasks (the 2026-07-28 tasks extension), each its caller's
	 * (owner) at one endpoint.  The process running one (holder) beats
	 * while it works.  store_sqlite_tasks.c keeps the bounds of store.h
	 * when it adds one.
	 */
	{ 11, ALL,
	"CREATE TABLE tasks ("
	"  id TEXT PRIMARY KEY,"
	"  endpoint TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  tool TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  message TEXT NOT NULL DEFAULT '',"
	"  created_ms @int NOT NULL,"
	"  updated_ms @int NOT NULL,"
	"  ttl_ms @int NOT NULL,"
	"  poll_ms @int NOT NULL,"
	"  holder TEXT NOT NULL,"
	"  beat_ms @int NOT NULL,"
	"  cancel @int NOT NULL DEFAULT 0,"
	"  result TEXT,"
	"  error TEXT,"
	"  inputs TEXT,"
	"  answers TEXT) @norowid;"
	"CREATE INDEX tasks_owner ON tasks (endpoint, owner, status);"
	"CREATE INDEX tasks_created ON tasks (created_ms);" },
	/*
	 * 12: a refresh token's lineage: the token it replaced (parent,
	 * its digest; "" when a code gave it) and whether it was given a
	 * second pair within refresh_token_reuse_seconds (reissued).
	 */
	{ 12, ALL,
	"ALTER TABLE refresh_tokens ADD COLUMN parent TEXT NOT NULL "
	"  DEFAULT '';"
	"ALTER TABLE refresh_tokens ADD COLUMN reissued @int NOT NULL "
	"  DEFAULT 0;"
	"CREATE INDEX refresh_tokens_parent ON refresh_tokens (parent);" },
};

/* A token's expansions, SQLite's then PostgreSQL's. */
struct token {
	const char	*name;
	const char	*sql[2];
	const char	*after[2];	/* after its argument; NULL: none */
};

static const struct token tokens[] = {
	{ "int", { "INTEGER", "bigint" }, { NULL, NULL } },
	{ "serial", { "INTEGER PRIMARY KEY",
	    "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
	    { NULL, NULL } },
	{ "autoinc", { "AUTOINCREMENT", "" }, { NULL, NULL } },
	{ "norowid", { "WITHOUT ROWID", "" }, { NULL, NULL } },
	{ "blob", { "BLOB", "bytea" }, { NULL, NULL } },
	{ "user", { "user", "\"user\"" }, { NULL, NULL } },
	{ "octets", { "length(CAST(", "octet_length(" },
	    { " AS BLOB))", ")" } },
};

/* The text being rendered; buf NULL while only its length is counted. */
struct out {
	char	*buf;
	size_t	 len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->buf != NULL)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static const struct token *
token(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (strlen(tokens[i].name) == n &&
		    strncmp(tokens[i].name, name, n) == 0)
			return &tokens[i];
	return NULL;
}

/* Appends sql with its tokens expanded for e; -1 on a token unknown. */
static int
expand(struct out *o, const char *sql, enum schema_engine e)
{
	const struct token	*t;
	const char		*at, *arg = NULL;
	size_t			 n, argn = 0;

	while ((at = strchr(sql, '@')) != NULL) {
		n = strspn(at + 1, "abcdefghijklmnopqrstuvwxyz");
		if ((t = token(at + 1, n)) == NULL)
			return -1;
		if (t->after[e] != NULL) {
			if (at[1 + n] != '(')
				return -1;
			arg = at + 2 + n;
			argn = strcspn(arg, ")");
			if (arg[argn] != ')')
				return -1;
		}
		/* Nothing in its place: the space before it goes too. */
		if (t->sql[e][0] == '\0' && at > sql && at[-1] == ' ')
			put(o, sql, (size_t)(at - sql) - 1);
		else
			put(o, sql, (size_t)(at - sql));
		put(o, t->sql[e], strlen(t->sql[e]));
		sql = at + 1 + n;
		if (t->after[e] != NULL) {
			put(o, arg, argn);
			put(o, t->after[e], strlen(t->after[e]));
			sql = arg + argn + 1;
		}
	}
	put(o, sql, strlen(sql));
	return 0;
}

static int
render(struct out *o, enum schema_engine e, int v)
{
	size_t	 i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].version == v && (steps[i].engines & (1 << e)) &&
		    expand(o, steps[i].sql, e) == -1)
			return -1;
	return 0;
}

char *
schema_render(enum schema_engine e, int v)
{
	struct out	 o = { NULL, 0 };

	if ((e != SCHEMA_SQLITE && e != SCHEMA_PG) || v < 1 ||
	    v > SCHEMA_VERSION || render(&o, e, v) == -1)
		return NULL;
	if ((o.buf = malloc(o.len + 1)) == NULL)
		return NULL;
	o.len = 0;
	(void)render(&o, e, v);
	o.buf[o.len] = '\0';
	return o.buf;
}
