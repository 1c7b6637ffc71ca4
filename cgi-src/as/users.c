/*
 * users.c: see users.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "scopes.h"
#include "users.h"

#define KDF_T	2
#define KDF_M	19456	/* KiB */
#define KDF_P	1

static int
hash_password(const char *password, char *out, size_t outsz)
{
	unsigned char	 salt[16];

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -1;
	return argon2id_hash_encoded(KDF_T, KDF_M, KDF_P, password,
	    strlen(password), salt, sizeof(salt), 32, out, outsz) ==
	    ARGON2_OK ? 0 : -1;
}

static int
valid_password(const char *pw, char *err, size_t errsz)
{
	size_t	 n = strlen(pw);

	if (n < AS_PASSWORD_MIN || n > AS_PASSWORD_MAX) {
		snprintf(err, errsz, "a password is %d to %d bytes",
		    AS_PASSWORD_MIN, AS_PASSWORD_MAX);
		return -1;
	}
	return 0;
}

/* Names: 1-64 bytes of letters, digits and . _ @ - (what people type). */
static int
valid_name(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") == n;
}

int
as_user_add(struct as_ctx *c, const char *name, const char *workspace,
    const char *scopes, const char *password, struct mcp_user *u,
    char *err, size_t errsz)
{
	struct mcp_workspace	 w;
	char			 hex[17];
	enum mcp_err		 e;

	memset(u, 0, sizeof(*u));
	if (!valid_name(name)) {
		snprintf(err, errsz, "a user name is 1-64 letters, digits "
		    "and . _ @ -");
		return -1;
	}
	if (!as_scopes_known(scopes) || strlen(scopes) >= sizeof(u->scopes)) {
		snprintf(err, errsz, "scopes must be among those the tools "
		    "name");
		return -1;
	}
	if (strlen(workspace) >= sizeof(u->workspace) ||
	    c->st->ops->ws_get(c->st, workspace, &w) != MCP_OK) {
		snprintf(err, errsz, "no workspace %.64s (mcpctl workspace "
		    "add)", workspace);
		return -1;
	}
	if (password != NULL && valid_password(password, err, errsz) == -1)
		return -1;
	if (mcp_rand_hex(hex, 8) == -1 || (password != NULL &&
	    hash_password(password, u->pwhash, sizeof(u->pwhash)) == -1)) {
		snprintf(err, errsz, "cannot hash the password");
		return -1;
	}
	u->external = password == NULL;
	snprintf(u->id, sizeof(u->id), "usr_%s", hex);
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->workspace, sizeof(u->workspace), "%s", workspace);
	snprintf(u->scopes, sizeof(u->scopes), "%s", scopes);
	u->created = (int64_t)time(NULL);
	if ((e = c->st->ops->user_put(c->st, u)) != MCP_OK) {
		snprintf(err, errsz, e == MCP_ERR_CONFLICT ? "a user named "
		    "%.64s exists" : "store: cannot add the user", name);
		return -1;
	}
	return 0;
}

int
as_user_external(struct as_ctx *c, const char *name, struct mcp_user *u)
{
	if (strlen(name) > 128 || c->st->ops->user_get(c->st, name, 0, u) !=
	    MCP_OK)
		return -1;
	return u->external && u->disabled == 0 ? 0 : -1;
}

int
as_user_passwd(struct as_ctx *c, const char *name, const char *password,
    char *err, size_t errsz)
{
	struct mcp_user	 u;

	if (c->st->ops->user_get(c->st, name, 0, &u) != MCP_OK || u.external) {
		snprintf(err, errsz, "no user %.64s with a password", name);
		return -1;
	}
	if (valid_password(password, err, errsz) == -1)
		return -1;
	if (hash_password(password, u.pwhash, sizeof(u.pwhash)) == -1 ||
	    c->st->ops->user_put(c->st, &u) != MCP_OK) {
		snprintf(err, errsz, "cannot store the password");
		return -1;
	}
	return 0;
}

int
as_user_disable(struct as_ctx *c, const char *name, char *err, size_t errsz)
{
	struct mcp_user	 u;
	int64_t		 now = (int64_t)time(NULL);

	if (c->st->ops->user_get(c->st, name, 0, &u) != MCP_OK) {
		snprintf(err, errsz, "no user %.64s", name);
		return -1;
	}
	if (u.disabled == 0)
		u.disabled = now;
	if (c->st->ops->user_put(c->st, &u) != MCP_OK ||
	    c->st->ops->family_revoke(c->st, NULL, u.id, NULL, now) !=
	    MCP_OK) {
		snprintf(err, errsz, "store: cannot disable");
		return -1;
	}
	return 0;
}

static char		dummy[160];	/* verified for unknown names */
static pthread_once_t	dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	if (hash_password("not a password of anyone", dummy,
	    sizeof(dummy)) == -1)
		dummy[0] = '\0';
}

enum as_auth
as_user_check(struct as_ctx *c, const char *name, const char *password,
    const char *addr, struct mcp_user *u, int *retry)
{
	const struct mcp_authconf *a = &c->cfg->auth;
	int64_t			 now = (int64_t)time(NULL), start, left = 0;
	enum mcp_err		 e;
	char			 key[140];
	int			 fails = 0, ok;

	*retry = 0;
	/* Accounts count apart from clients: "u:" never starts a client id. */
	snprintf(key, sizeof(key), "u:%.128s", name);
	if (c->st->ops->fail_count(c->st, "", addr, now, a->fail_window,
	    &fails, &start) != MCP_OK)
		return AS_AUTH_ERROR;
	if (fails >= a->addr_fail_max)
		left = start + a->fail_window - now;
	if (c->st->ops->fail_count(c->st, key, addr, now, a->fail_window,
	    &fails, &start) != MCP_OK)
		return AS_AUTH_ERROR;
	if (fails >= a->fail_max && start + a->fail_window - now > left)
		left = start + a->fail_window - now;
	if (left > 0) {
		*retry = (int)left;
		return AS_AUTH_LIMITED;
	}
	e = c->st->ops->user_get(c->st, name, 0, u);
	if (e != MCP_OK && e != MCP_ERR_NOTFOUND)
		return AS_AUTH_ERROR;
	/* An unknown name costs a verification too, so timing does not tell. */
	pthread_once(&dummy_once, dummy_init);
	if (dummy[0] == '\0')
		return AS_AUTH_ERROR;
	ok = argon2id_verify(e == MCP_OK && u->pwhash[0] != '\0' ?
	    u->pwhash : dummy, password, strlen(password)) == ARGON2_OK &&
	    e == MCP_OK && u->disabled == 0 && !u->external;
	if (ok)
		return AS_AUTH_OK;
	if (c->st->ops->fail_add(c->st, key, addr, now, a->fail_window) !=
	    MCP_OK)
		return AS_AUTH_ERROR;
	return AS_AUTH_BAD;
}
