/*
 * mcpctl.c: administration of the built-in authorization server and the
 * audit trail, run by the operator on the server (it reads the same
 * configuration file as the responders: -f or $MCP_FCGI_CONFIG).
 *
 *   mcpctl init
 *   mcpctl workspace add --name N
 *   mcpctl client add --name N --scopes "a b" [--workspace W]
 *   mcpctl client list | revoke ID | rotate-secret ID
 *   mcpctl key rotate | list | remove KID
 *   mcpctl token --client ID [--scope "a b"] [--ttl SECONDS]
 *   mcpctl user add --name N --workspace W [--scopes "a b"] [--external]
 *   mcpctl user list | disable NAME | passwd NAME
 *   mcpctl grant list [--user NAME] | revoke --user NAME --client ID
 *   mcpctl registration-token add --name N [--uses N] [--ttl SECONDS]
 *   mcpctl audit [--since SECONDS]
 *   mcpctl audit refused [--since SECONDS]
 *   mcpctl audit prune
 *   mcpctl store copy SQLITE_FILE
 *
 * Output is JSON on standard output; errors go to standard error with a
 * non-zero exit status.  A client secret is printed once, when made.  A
 * user's password is read from the first line of standard input (never
 * from the command line, which other local users can see).
 * `audit` also counts requests refused before authentication (kept per
 * minute and address in the store, lib/audit.c): their rows have an
 * empty sub, client_id and tool; `audit refused` lists those per source
 * address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "extern.h"
#include "as/issuer.h"
#include "as/scopes.h"
#include "as/users.h"
#include "as/web.h"

/* One table copied by `store copy`: its row count. */
static void
copied_one(void *arg, const char *table, int64_t rows)
{
	json_object_object_add(arg, table, json_object_new_int64(rows));
}

static void
usage(void)
{
	fprintf(stderr, "usage: mcpctl [-f config] command ...\n"
	    "  init\n"
	    "  workspace add --name N\n"
	    "  client add --name N --scopes \"s1 s2\" [--workspace W]\n"
	    "  client list\n"
	    "  client revoke ID\n"
	    "  client rotate-secret ID\n"
	    "  key rotate | key list | key remove KID\n"
	    "  token --client ID [--scope \"s1 s2\"] [--ttl SECONDS]\n"
	    "  user add --name N --workspace W [--scopes \"s1 s2\"] "
	    "< password\n"
	    "  user add --name N --workspace W [--scopes \"s1 s2\"] "
	    "--external\n"
	    "  user list | user disable NAME | user passwd NAME < password\n"
	    "  grant list [--user NAME]\n"
	    "  grant revoke --user NAME --client ID\n"
	    "  registration-token add --name N [--uses N] [--ttl SECONDS]\n"
	    "  audit [--since SECONDS]\n"
	    "  audit refused [--since SECONDS]\n"
	    "  audit prune\n"
	    "  store copy SQLITE_FILE\n");
	exit(2);
}

static void
print(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* --name value style options after the command words. */
static const char *
opt(int argc, char *argv[], const char *name)
{
	int	 i;

	for (i = 0; i < argc - 1; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static struct json_object *
client_json(const struct mcp_client *c)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "client_id", json_object_new_string(c->id));
	mcp_json_set(o, "name", json_object_new_string(c->name));
	mcp_json_set(o, "scopes", json_object_new_string(c->scopes));
	mcp_json_set(o, "workspace", json_object_new_string(c->workspace));
	mcp_json_set(o, "created", json_object_new_int64(c->created));
	mcp_json_set(o, "revoked", json_object_new_int64(c->revoked));
	return o;
}

static void
list_one(void *arg, const struct mcp_client *c)
{
	mcp_json_append(arg, client_json(c));
}

static void
key_one(void *arg, const struct mcp_signkey *k)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "kid", json_object_new_string(k->kid));
	mcp_json_set(o, "alg", json_object_new_string(k->alg));
	mcp_json_set(o, "created", json_object_new_int64(k->created));
	mcp_json_set(o, "retired", json_object_new_int64(k->retired));
	mcp_json_append(arg, o);
}

/*
 * Appends to the array arg one object of a result row: the columns named
 * by names[0..nnames), those from first_int on as integers.
 */
static void
row_object(void *arg, const char *const col[], size_t n,
    const char *const names[], size_t nnames, size_t first_int)
{
	struct json_object	*o = json_object_new_object();
	size_t			 i;

	for (i = 0; i < n && i < nnames; i++)
		mcp_json_set_key(o, names[i], i >= first_int ?
		    json_object_new_int64(strtoll(col[i], NULL, 10)) :
		    json_object_new_string(col[i]));
	mcp_json_append(arg, o);
}

static void
audit_one(void *arg, const char *const col[], size_t n)
{
	static const char *const names[] = { "sub", "client_id", "method",
	    "tool", "outcome", "status", "count", "mean_latency_us" };

	row_object(arg, col, n, names, 8, 5);
}

static void
refused_one(void *arg, const char *const col[], size_t n)
{
	static const char *const names[] = { "addr", "method", "outcome",
	    "status", "count" };

	row_object(arg, col, n, names, 5, 3);
}

static int
with_secret(const struct mcp_client *c, const char *secret)
{
	struct json_object	*o = client_json(c);

	mcp_json_set(o, "client_secret", json_object_new_string(secret));
	print(o);
	return 0;
}

static int
client(struct as_ctx *ctx, int argc, char *argv[], char *err, size_t errsz)
{
	struct mcp_client	 c;
	struct json_object	*a;
	const char		*name, *scopes, *ws;
	char			 secret[AS_SECRET_LEN + 1];
	int			 rc;

	if (argc < 1)
		usage();
	if (strcmp(argv[0], "add") == 0) {
		name = opt(argc, argv, "--name");
		scopes = opt(argc, argv, "--scopes");
		ws = opt(argc, argv, "--workspace");
		if (name == NULL || scopes == NULL)
			usage();
		if (as_client_add(ctx, name, scopes, ws ? ws : "", &c, secret,
		    err, errsz) == -1)
			return -1;
		rc = with_secret(&c, secret);
		OPENSSL_cleanse(secret, sizeof(secret));
		return rc;
	}
	if (strcmp(argv[0], "list") == 0) {
		a = json_object_new_array();
		if (ctx->st->ops->client_list(ctx->st, list_one, a) !=
		    MCP_OK) {
			json_object_put(a);
			snprintf(err, errsz, "store: cannot list clients");
			return -1;
		}
		print(a);
		return 0;
	}
	if (argc < 2)
		usage();
	if (strcmp(argv[0], "revoke") == 0) {
		if (as_client_revoke(ctx, argv[1], err, errsz) == -1 ||
		    ctx->st->ops->client_get(ctx->st, argv[1], &c) != MCP_OK)
			return -1;
		print(client_json(&c));
		return 0;
	}
	if (strcmp(argv[0], "rotate-secret") == 0) {
		if (as_client_rotate(ctx, argv[1], secret, err, errsz) == -1 ||
		    ctx->st->ops->client_get(ctx->st, argv[1], &c) != MCP_OK)
			return -1;
		rc = with_secret(&c, secret);
		OPENSSL_cleanse(secret, sizeof(secret));
		return rc;
	}
	usage();
	return -1;
}

/* --- People --- */

static struct json_object *
user_json(const struct mcp_user *u)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "id", json_object_new_string(u->id));
	mcp_json_set(o, "name", json_object_new_string(u->name));
	mcp_json_set(o, "workspace", json_object_new_string(u->workspace));
	mcp_json_set(o, "scopes", json_object_new_string(u->scopes));
	mcp_json_set(o, "external", json_object_new_boolean(u->external));
	mcp_json_set(o, "created", json_object_new_int64(u->created));
	mcp_json_set(o, "disabled", json_object_new_int64(u->disabled));
	return o;
}

static void
user_one(void *arg, const struct mcp_user *u)
{
	mcp_json_append(arg, user_json(u));
}

static void
grant_one(void *arg, const char *user, const char *client,
    const char *scopes, int64_t updated)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "user", json_object_new_string(user));
	mcp_json_set(o, "client_id", json_object_new_string(client));
	mcp_json_set(o, "scopes", json_object_new_string(scopes));
	mcp_json_set(o, "updated", json_object_new_int64(updated));
	mcp_json_append(arg, o);
}

/* The first line of standard input, without its newline; -1 if none. */
static int
read_password(char *buf, size_t bufsz, char *err, size_t errsz)
{
	size_t	 n;

	if (fgets(buf, (int)bufsz, stdin) == NULL) {
		snprintf(err, errsz, "give the password on standard input");
		return -1;
	}
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == bufsz - 1) {
		snprintf(err, errsz, "the password is too long");
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

static int
user(struct as_ctx *ctx, int argc, char *argv[], char *err, size_t errsz)
{
	struct mcp_user		 u;
	struct json_object	*a;
	const char		*name, *ws, *scopes;
	char			 pw[AS_PASSWORD_MAX + 2], all[1024];
	size_t			 i;
	int			 rc = -1;

	if (argc < 1)
		usage();
	if (strcmp(argv[0], "list") == 0) {
		a = json_object_new_array();
		if (ctx->st->ops->user_list(ctx->st, user_one, a) != MCP_OK) {
			json_object_put(a);
			snprintf(err, errsz, "store: cannot list users");
			return -1;
		}
		print(a);
		return 0;
	}
	if (strcmp(argv[0], "add") == 0) {
		name = opt(argc, argv, "--name");
		ws = opt(argc, argv, "--workspace");
		if ((scopes = opt(argc, argv, "--scopes")) == NULL) {
			all[0] = '\0';
			for (i = 0; i < as_nscopes; i++)
				snprintf(all + strlen(all), sizeof(all) -
				    strlen(all), "%s%s", i ? " " : "",
				    as_scopes[i].name);
			scopes = all;
		}
		if (name == NULL || ws == NULL)
			usage();
		/* --external: the web server authenticates them. */
		for (i = 0; i < (size_t)argc; i++)
			if (strcmp(argv[i], "--external") == 0)
				break;
		if ((i < (size_t)argc || read_password(pw, sizeof(pw), err,
		    errsz) == 0) && (rc = as_user_add(ctx, name, ws, scopes,
		    i < (size_t)argc ? NULL : pw, &u, err, errsz)) == 0)
			print(user_json(&u));
		OPENSSL_cleanse(pw, sizeof(pw));
		return rc;
	}
	if (argc < 2)
		usage();
	if (strcmp(argv[0], "disable") == 0)
		rc = as_user_disable(ctx, argv[1], err, errsz);
	else if (strcmp(argv[0], "passwd") == 0) {
		if (read_password(pw, sizeof(pw), err, errsz) == 0)
			rc = as_user_passwd(ctx, argv[1], pw, err, errsz);
		OPENSSL_cleanse(pw, sizeof(pw));
	} else
		usage();
	if (rc == 0 && ctx->st->ops->user_get(ctx->st, argv[1], 0, &u) ==
	    MCP_OK)
		print(user_json(&u));
	return rc;
}

static int
grant(struct as_ctx *ctx, int argc, char *argv[], char *err, size_t errsz)
{
	struct mcp_user		 u;
	struct json_object	*a;
	const char		*name = opt(argc, argv, "--user");
	const char		*client = opt(argc, argv, "--client");
	enum mcp_err		 e;

	if (argc >= 1 && strcmp(argv[0], "list") == 0) {
		a = json_object_new_array();
		if (ctx->st->ops->grant_list(ctx->st, name, grant_one, a) !=
		    MCP_OK) {
			json_object_put(a);
			snprintf(err, errsz, "store: cannot list grants");
			return -1;
		}
		print(a);
		return 0;
	}
	if (argc < 1 || strcmp(argv[0], "revoke") != 0 || name == NULL ||
	    client == NULL)
		usage();
	if (ctx->st->ops->user_get(ctx->st, name, 0, &u) != MCP_OK) {
		snprintf(err, errsz, "no user %.64s", name);
		return -1;
	}
	if ((e = ctx->st->ops->grant_revoke(ctx->st, u.id, client,
	    (int64_t)time(NULL))) != MCP_OK) {
		snprintf(err, errsz, e == MCP_ERR_NOTFOUND ? "no grant of "
		    "%.64s to that client" : "store: cannot revoke", name);
		return -1;
	}
	a = json_object_new_object();
	mcp_json_set(a, "user", json_object_new_string(name));
	mcp_json_set(a, "client_id", json_object_new_string(client));
	mcp_json_set(a, "revoked", json_object_new_boolean(1));
	print(a);
	return 0;
}

/*
 * An initial access token for client_registration = token (RFC 7591
 * §3): shown once, kept as its SHA-256.
 */
static int
regtoken(struct as_ctx *ctx, int argc, char *argv[], char *err,
    size_t errsz)
{
	struct json_object	*o;
	const char		*name = opt(argc, argv, "--name");
	const char		*uses_s = opt(argc, argv, "--uses");
	const char		*ttl_s = opt(argc, argv, "--ttl");
	char			 tok[64], h[65];
	long			 uses = 1, ttl = 86400;
	int64_t			 now = (int64_t)time(NULL);

	if (argc < 1 || strcmp(argv[0], "add") != 0 || name == NULL)
		usage();
	if ((uses_s != NULL && ((uses = strtol(uses_s, NULL, 10)) < 1 ||
	    uses > 1000)) || (ttl_s != NULL && ((ttl = strtol(ttl_s, NULL,
	    10)) < 60 || ttl > 30 * 86400)) || strlen(name) > 127) {
		snprintf(err, errsz, "--uses 1 to 1000, --ttl 60 to 2592000 "
		    "seconds, --name at most 127 bytes");
		return -1;
	}
	if (as_random_token("mcp_i_", tok, sizeof(tok)) == -1) {
		snprintf(err, errsz, "no randomness");
		return -1;
	}
	as_sha256_hex(tok, h);
	if (ctx->st->ops->regtoken_put(ctx->st, h, name, now, now + ttl,
	    (int)uses) != MCP_OK) {
		snprintf(err, errsz, "store: cannot keep the token");
		return -1;
	}
	o = json_object_new_object();
	mcp_json_set(o, "initial_access_token", json_object_new_string(tok));
	mcp_json_set(o, "name", json_object_new_string(name));
	mcp_json_set(o, "uses", json_object_new_int64(uses));
	mcp_json_set(o, "expires", json_object_new_int64(now + ttl));
	print(o);
	OPENSSL_cleanse(tok, sizeof(tok));
	return 0;
}

static int
key(struct as_ctx *ctx, int argc, char *argv[], char *err, size_t errsz)
{
	struct json_object	*a;
	char			 kid[64];

	if (argc < 1)
		usage();
	if (strcmp(argv[0], "rotate") == 0) {
		if (as_key_rotate(ctx, kid, sizeof(kid), err, errsz) == -1)
			return -1;
		a = json_object_new_object();
		mcp_json_set(a, "kid", json_object_new_string(kid));
		print(a);
		return 0;
	}
	if (strcmp(argv[0], "remove") == 0 && argc >= 2) {
		if (as_key_remove(ctx, argv[1], err, errsz) == -1)
			return -1;
		a = json_object_new_object();
		mcp_json_set(a, "removed", json_object_new_string(argv[1]));
		print(a);
		return 0;
	}
	if (strcmp(argv[0], "list") == 0) {
		a = json_object_new_array();
		if (ctx->st->ops->key_list(ctx->st, key_one, a) != MCP_OK) {
			json_object_put(a);
			snprintf(err, errsz, "store: cannot list keys");
			return -1;
		}
		print(a);
		return 0;
	}
	usage();
	return -1;
}

static int
token(struct as_ctx *ctx, int argc, char *argv[], char *err, size_t errsz)
{
	struct mcp_client	 c;
	struct json_object	*o;
	const char		*id = opt(argc, argv, "--client");
	const char		*scope = opt(argc, argv, "--scope");
	const char		*ttls = opt(argc, argv, "--ttl");
	char			*tok;
	long			 ttl = ctx->cfg->auth.token_ttl;

	if (id == NULL)
		usage();
	if (ttls != NULL && ((ttl = strtol(ttls, NULL, 10)) < 1 ||
	    ttl > 86400)) {
		snprintf(err, errsz, "--ttl: 1 to 86400 seconds");
		return -1;
	}
	if (ctx->st->ops->client_get(ctx->st, id, &c) != MCP_OK ||
	    c.revoked != 0) {
		snprintf(err, errsz, "no active client %s", id);
		return -1;
	}
	if (scope == NULL)
		scope = c.scopes;
	if (!as_scope_subset(scope, c.scopes)) {
		snprintf(err, errsz, "--scope goes beyond the client's "
		    "scopes (%.200s)", c.scopes);
		return -1;
	}
	if ((tok = as_mint(ctx, &c, scope, (int)ttl, err, errsz)) == NULL)
		return -1;
	o = json_object_new_object();
	mcp_json_set(o, "access_token", json_object_new_string(tok));
	mcp_json_set(o, "token_type", json_object_new_string("Bearer"));
	mcp_json_set(o, "expires_in", json_object_new_int64(ttl));
	mcp_json_set(o, "scope", json_object_new_string(scope));
	print(o);
	free(tok);
	return 0;
}

static int
workspace(struct as_ctx *ctx, int argc, char *argv[], char *err,
    size_t errsz)
{
	struct mcp_workspace	 w;
	struct json_object	*o;
	const char		*name = opt(argc, argv, "--name");

	if (argc < 1 || strcmp(argv[0], "add") != 0 || name == NULL)
		usage();
	memset(&w, 0, sizeof(w));
	if (*name == '\0' || strlen(name) > MCP_NAME_MAX) {
		snprintf(err, errsz, "--name: 1 to %d bytes", MCP_NAME_MAX);
		return -1;
	}
	if (mcp_data_id("wks", w.id, sizeof(w.id)) == -1) {
		snprintf(err, errsz, "no randomness");
		return -1;
	}
	memcpy(w.name, name, strlen(name) + 1);
	w.created_ms = w.updated_ms = (long long)time(NULL) * 1000;
	if (ctx->st->ops->ws_put(ctx->st, &w) != MCP_OK) {
		snprintf(err, errsz, "store: cannot add the workspace");
		return -1;
	}
	o = json_object_new_object();
	mcp_json_set(o, "id", json_object_new_string(w.id));
	mcp_json_set(o, "name", json_object_new_string(w.name));
	print(o);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct mcp_config	 cfg;
	struct as_ctx		 ctx;
	struct json_object	*a;
	const char		*path = getenv("MCP_FCGI_CONFIG"), *since;
	char			 err[1024] = "";
	int64_t			 pruned = 0;
	int			 c, rc = -1, created, refused;

	while ((c = getopt(argc, argv, "+f:")) != -1)
		switch (c) {
		case 'f':
			path = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1 || path == NULL)
		usage();
	mcp_config_defaults(&cfg);
	if (mcp_config_load(&cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "mcpctl: %s\n", err);
		return 1;
	}
	mcp_log_setlevel(MCP_LEVEL_WARNING);
	ctx.cfg = &cfg;
	if ((ctx.st = mcp_store_open(cfg.store_path, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "mcpctl: store: %s\n", err);
		return 1;
	}
	if (strcmp(argv[0], "init") == 0) {
		if ((rc = as_init(&ctx, &created, err, sizeof(err))) == 0) {
			a = json_object_new_object();
			mcp_json_set(a, "store", json_object_new_string(
			    cfg.store_path));
			mcp_json_set(a, "signing_key_created",
			    json_object_new_boolean(created));
			print(a);
		}
	} else if (strcmp(argv[0], "workspace") == 0)
		rc = workspace(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "client") == 0)
		rc = client(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "user") == 0)
		rc = user(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "grant") == 0)
		rc = grant(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "registration-token") == 0)
		rc = regtoken(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "key") == 0)
		rc = key(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "token") == 0)
		rc = token(&ctx, argc - 1, argv + 1, err, sizeof(err));
	else if (strcmp(argv[0], "audit") == 0 && argc > 1 &&
	    strcmp(argv[1], "prune") == 0) {
		/* Also done hourly by the responders; this is for cron. */
		if (ctx.st->ops->audit_prune(ctx.st, ((int64_t)time(NULL) -
		    (int64_t)cfg.auth.audit_days * 86400) * 1000, &pruned) !=
		    MCP_OK)
			snprintf(err, sizeof(err), "store: prune failed");
		else {
			a = json_object_new_object();
			mcp_json_set(a, "pruned", json_object_new_int64(pruned));
			mcp_json_set(a, "retention_days",
			    json_object_new_int(cfg.auth.audit_days));
			print(a);
			rc = 0;
		}
	} else if (strcmp(argv[0], "store") == 0 && argc == 3 &&
	    strcmp(argv[1], "copy") == 0) {
		a = json_object_new_object();
		if ((rc = mcp_store_copy(argv[2], cfg.store_path, copied_one,
		    a, err, sizeof(err))) == 0) {
			struct json_object	*o = json_object_new_object();

			mcp_json_set(o, "copied", a);
			print(o);
		} else
			json_object_put(a);
	} else if (strcmp(argv[0], "audit") == 0) {
		since = opt(argc - 1, argv + 1, "--since");
		a = json_object_new_array();
		refused = argc > 1 && strcmp(argv[1], "refused") == 0;
		if ((refused ? ctx.st->ops->audit_refused :
		    ctx.st->ops->audit_summary)(ctx.st, ((int64_t)time(NULL) -
		    (since ? strtoll(since, NULL, 10) : 86400)) * 1000,
		    refused ? refused_one : audit_one, a) != MCP_OK) {
			json_object_put(a);
			snprintf(err, sizeof(err), "store: audit query "
			    "failed");
		} else {
			print(a);
			rc = 0;
		}
	} else
		usage();
	if (rc == -1)
		fprintf(stderr, "mcpctl: %s\n", *err ? err : "failed");
	ctx.st->ops->close(ctx.st);
	mcp_config_free(&cfg);
	return rc == 0 ? 0 : 1;
}
