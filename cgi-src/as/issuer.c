/*
 * issuer.c: see issuer.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "issuer.h"

#define RSA_BITS	2048
#define MAX_PEM		16384

static void
keys_dir(const struct as_ctx *c, char *out, size_t outsz)
{
	int	 l;

	if (c->cfg->auth.keys_dir != NULL) {
		snprintf(out, outsz, "%s", c->cfg->auth.keys_dir);
		return;
	}
	l = snprintf(out, outsz, "%s/keys", c->cfg->state_dir);
	if (l < 0 || (size_t)l >= outsz)
		out[0] = '\0';		/* refused by mkdir and open */
}

static int
key_path(const struct as_ctx *c, const char *kid, char *out, size_t outsz)
{
	char	 dir[1024];
	int	 n;

	keys_dir(c, dir, sizeof(dir));
	n = snprintf(out, outsz, "%s/%s.pem", dir, kid);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* --- Keys --- */

struct keylist {
	struct mcp_signkey	 k[64];
	size_t			 n;
};

static void
collect(void *arg, const struct mcp_signkey *k)
{
	struct keylist	*l = arg;

	if (l->n < sizeof(l->k) / sizeof(l->k[0]))
		l->k[l->n++] = *k;
}

static int
list_keys(struct as_ctx *c, struct keylist *l, char *err, size_t errsz)
{
	l->n = 0;
	if (c->st->ops->key_list(c->st, collect, l) != MCP_OK) {
		snprintf(err, errsz, "store: cannot list keys");
		return -1;
	}
	return 0;
}

static int
new_key(struct as_ctx *c, char *kid, size_t kidsz, char *err, size_t errsz)
{
	struct mcp_signkey	 k;
	EVP_PKEY		*pk;
	FILE			*f;
	char			 path[1200], hex[17];
	int			 fd;

	if (mcp_rand_hex(hex, 8) == -1) {
		snprintf(err, errsz, "no randomness");
		return -1;
	}
	memset(&k, 0, sizeof(k));
	snprintf(k.kid, sizeof(k.kid), "k-%s", hex);
	snprintf(k.alg, sizeof(k.alg), "RS256");
	k.created = (int64_t)time(NULL);
	if (key_path(c, k.kid, path, sizeof(path)) == -1) {
		snprintf(err, errsz, "keys_dir path too long");
		return -1;
	}
	if ((pk = EVP_RSA_gen(RSA_BITS)) == NULL) {
		snprintf(err, errsz, "RSA key generation failed");
		return -1;
	}
	/* The private key is readable by its owner only. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		EVP_PKEY_free(pk);
		return -1;
	}
	if (PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fclose(f) != 0) {
		snprintf(err, errsz, "%s: write failed", path);
		unlink(path);
		EVP_PKEY_free(pk);
		return -1;
	}
	EVP_PKEY_free(pk);
	if (c->st->ops->key_put(c->st, &k) != MCP_OK) {
		unlink(path);
		snprintf(err, errsz, "store: cannot record the key");
		return -1;
	}
	snprintf(kid, kidsz, "%s", k.kid);
	return 0;
}

int
as_init(struct as_ctx *c, int *created, char *err, size_t errsz)
{
	struct keylist	 l;
	char		 dir[1024], kid[64];
	size_t		 i;

	*created = 0;
	/*
	 * The default keys/ is in the state directory: an SQLite store's
	 * (which exists), or var/ beside the configuration for a PostgreSQL
	 * store, made here on the first init.
	 */
	if (c->cfg->auth.keys_dir == NULL && mkdir(c->cfg->state_dir,
	    0700) == -1 && errno != EEXIST) {
		snprintf(err, errsz, "%s: %s", c->cfg->state_dir,
		    strerror(errno));
		return -1;
	}
	keys_dir(c, dir, sizeof(dir));
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (list_keys(c, &l, err, errsz) == -1)
		return -1;
	for (i = 0; i < l.n; i++)
		if (l.k[i].retired == 0)
			return as_jwks_write(c, err, errsz);
	if (new_key(c, kid, sizeof(kid), err, errsz) == -1)
		return -1;
	*created = 1;
	return as_jwks_write(c, err, errsz);
}

/* Retired keys whose last tokens have expired are deleted. */
static void
prune(struct as_ctx *c, const struct keylist *l, int64_t now)
{
	char	 path[1200];
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if (l->k[i].retired == 0 || l->k[i].retired +
		    c->cfg->auth.token_ttl + 60 > now)
			continue;
		if (c->st->ops->key_delete(c->st, l->k[i].kid) == MCP_OK &&
		    key_path(c, l->k[i].kid, path, sizeof(path)) == 0)
			unlink(path);
	}
}

int
as_key_rotate(struct as_ctx *c, char *kid, size_t kidsz, char *err,
    size_t errsz)
{
	struct keylist	 l;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;

	if (list_keys(c, &l, err, errsz) == -1)
		return -1;
	if (new_key(c, kid, kidsz, err, errsz) == -1)
		return -1;
	for (i = 0; i < l.n; i++)
		if (l.k[i].retired == 0) {
			l.k[i].retired = now;
			if (c->st->ops->key_put(c->st, &l.k[i]) != MCP_OK) {
				snprintf(err, errsz, "store: cannot retire "
				    "%s", l.k[i].kid);
				return -1;
			}
		}
	prune(c, &l, now);
	return as_jwks_write(c, err, errsz);
}

int
as_key_remove(struct as_ctx *c, const char *kid, char *err, size_t errsz)
{
	struct keylist	 l;
	char		 path[1200];
	size_t		 i;

	if (list_keys(c, &l, err, errsz) == -1)
		return -1;
	for (i = 0; i < l.n; i++)
		if (strcmp(l.k[i].kid, kid) == 0)
			break;
	if (i == l.n) {
		snprintf(err, errsz, "no key %s", kid);
		return -1;
	}
	if (l.k[i].retired == 0) {
		snprintf(err, errsz, "%s is the current key: rotate first",
		    kid);
		return -1;
	}
	if (c->st->ops->key_delete(c->st, kid) != MCP_OK) {
		snprintf(err, errsz, "store: cannot delete %s", kid);
		return -1;
	}
	if (key_path(c, kid, path, sizeof(path)) == 0)
		unlink(path);
	return as_jwks_write(c, err, errsz);
}

static EVP_PKEY *
load_private(struct as_ctx *c, const char *kid, char *pem, size_t pemsz,
    size_t *pemlen)
{
	EVP_PKEY	*pk;
	char		 path[1200];
	size_t		 n;
	FILE		*f;

	if (key_path(c, kid, path, sizeof(path)) == -1 ||
	    (f = fopen(path, "re")) == NULL)
		return NULL;
	n = fread(pem, 1, pemsz - 1, f);
	fclose(f);
	pem[n] = '\0';
	*pemlen = n;
	if ((f = fmemopen(pem, n, "r")) == NULL)
		return NULL;
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	return pk;
}

static struct json_object *
bn_member(EVP_PKEY *pk, const char *name)
{
	BIGNUM		*bn = NULL;
	unsigned char	 bin[1024];
	char		 b64[1400];
	int		 n;

	if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1)
		return NULL;
	n = BN_bn2bin(bn, bin);
	BN_free(bn);
	if (n <= 0 || mcp_b64url_enc(b64, sizeof(b64), bin, (size_t)n) == 0)
		return NULL;
	return json_object_new_string(b64);
}

char *
as_jwks(struct as_ctx *c, char *err, size_t errsz)
{
	struct json_object	*doc, *keys, *k;
	struct keylist		 l;
	EVP_PKEY		*pk;
	int64_t			 now = (int64_t)time(NULL);
	char			 pem[MAX_PEM], *out;
	size_t			 i, n;

	if (list_keys(c, &l, err, errsz) == -1)
		return NULL;
	keys = json_object_new_array();
	for (i = 0; i < l.n; i++) {
		/* A retired key stays while tokens it signed may live. */
		if (l.k[i].retired != 0 && l.k[i].retired +
		    c->cfg->auth.token_ttl + 60 <= now)
			continue;
		if ((pk = load_private(c, l.k[i].kid, pem, sizeof(pem),
		    &n)) == NULL) {
			mcp_logx(MCP_LEVEL_ERROR, NULL, "signing key %s "
			    "unreadable", l.k[i].kid);
			continue;
		}
		OPENSSL_cleanse(pem, sizeof(pem));
		k = json_object_new_object();
		mcp_json_set(k, "kty", json_object_new_string("RSA"));
		mcp_json_set(k, "kid", json_object_new_string(l.k[i].kid));
		mcp_json_set(k, "use", json_object_new_string("sig"));
		mcp_json_set(k, "alg", json_object_new_string(l.k[i].alg));
		mcp_json_set(k, "n", bn_member(pk, OSSL_PKEY_PARAM_RSA_N));
		mcp_json_set(k, "e", bn_member(pk, OSSL_PKEY_PARAM_RSA_E));
		EVP_PKEY_free(pk);
		mcp_json_append(keys, k);
	}
	doc = json_object_new_object();
	mcp_json_set(doc, "keys", keys);
	out = strdup(json_object_to_json_string_ext(doc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return out;
}

int
as_jwks_write(struct as_ctx *c, char *err, size_t errsz)
{
	char	 dir[1024], path[1100], tmp[1200], *doc;
	size_t	 len;
	int	 fd, ok;

	if ((doc = as_jwks(c, err, errsz)) == NULL)
		return -1;
	keys_dir(c, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/jwks.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	len = strlen(doc);
	ok = (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) != -1 && write(fd, doc, len) == (ssize_t)len &&
	    close(fd) == 0 && rename(tmp, path) == 0;
	free(doc);
	if (!ok) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* --- Clients --- */

static void
secret_hash(const char *salt, const char *secret, char out[65])
{
	unsigned char	 h[32];
	unsigned int	 n = 32, i;
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();

	memset(h, 0, sizeof(h));
	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, salt, strlen(salt)) == 1 &&
	    EVP_DigestUpdate(ctx, secret, strlen(secret)) == 1)
		EVP_DigestFinal_ex(ctx, h, &n);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* A new secret (shown once) and its salted hash in c. */
static int
new_secret(struct mcp_client *c, char secret[AS_SECRET_LEN + 1])
{
	unsigned char	 raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1 ||
	    mcp_rand_hex(c->salt, 16) == -1)
		return -1;
	mcp_b64url_enc(secret, AS_SECRET_LEN + 1, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	secret_hash(c->salt, secret, c->secret_hash);
	return 0;
}

int
as_client_secret(struct mcp_client *c, char secret[AS_SECRET_LEN + 1])
{
	return new_secret(c, secret);
}

/* RFC 6749 §3.3 scope-token characters, space-separated. */
static int
valid_scopes(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && ((unsigned char)*s < 0x21 ||
		    (unsigned char)*s > 0x7e || *s == '"' || *s == '\\'))
			return 0;
	return 1;
}

void
as_client_defaults(struct mcp_client *cl)
{
	snprintf(cl->kind, sizeof(cl->kind), "admin");
	snprintf(cl->auth_method, sizeof(cl->auth_method),
	    "client_secret_basic");
	snprintf(cl->redirect_uris, sizeof(cl->redirect_uris), "[]");
	snprintf(cl->grant_types, sizeof(cl->grant_types),
	    "client_credentials");
	snprintf(cl->app_type, sizeof(cl->app_type), "web");
	snprintf(cl->metadata, sizeof(cl->metadata), "{}");
}

int
as_client_add(struct as_ctx *c, const char *name, const char *scopes,
    const char *workspace, struct mcp_client *cl,
    char secret[AS_SECRET_LEN + 1], char *err, size_t errsz)
{
	char	 hex[17];

	memset(cl, 0, sizeof(*cl));
	if (*name == '\0' || strlen(name) >= sizeof(cl->name) ||
	    strlen(scopes) >= sizeof(cl->scopes) || !valid_scopes(scopes) ||
	    strlen(workspace) >= sizeof(cl->workspace)) {
		snprintf(err, errsz, "name (1-127 bytes), scopes (RFC 6749 "
		    "scope tokens) or workspace invalid");
		return -1;
	}
	if (mcp_rand_hex(hex, 8) == -1 || new_secret(cl, secret) == -1) {
		snprintf(err, errsz, "no randomness");
		return -1;
	}
	snprintf(cl->id, sizeof(cl->id), "cli_%s", hex);
	snprintf(cl->name, sizeof(cl->name), "%s", name);
	snprintf(cl->scopes, sizeof(cl->scopes), "%s", scopes);
	snprintf(cl->workspace, sizeof(cl->workspace), "%s", workspace);
	as_client_defaults(cl);
	cl->created = (int64_t)time(NULL);
	if (c->st->ops->client_put(c->st, cl) != MCP_OK) {
		snprintf(err, errsz, "store: cannot add the client");
		return -1;
	}
	return 0;
}

int
as_client_rotate(struct as_ctx *c, const char *id,
    char secret[AS_SECRET_LEN + 1], char *err, size_t errsz)
{
	struct mcp_client	 cl;

	if (c->st->ops->client_get(c->st, id, &cl) != MCP_OK) {
		snprintf(err, errsz, "no client %s", id);
		return -1;
	}
	if (cl.revoked != 0) {
		snprintf(err, errsz, "client %s is revoked", id);
		return -1;
	}
	if (new_secret(&cl, secret) == -1 ||
	    c->st->ops->client_put(c->st, &cl) != MCP_OK) {
		snprintf(err, errsz, "cannot store the new secret");
		return -1;
	}
	return 0;
}

int
as_client_revoke(struct as_ctx *c, const char *id, char *err, size_t errsz)
{
	struct mcp_client	 cl;

	if (c->st->ops->client_get(c->st, id, &cl) != MCP_OK) {
		snprintf(err, errsz, "no client %s", id);
		return -1;
	}
	if (cl.revoked == 0)
		cl.revoked = (int64_t)time(NULL);
	if (c->st->ops->client_put(c->st, &cl) != MCP_OK) {
		snprintf(err, errsz, "store: cannot revoke");
		return -1;
	}
	return 0;
}

enum as_auth
as_client_auth(struct as_ctx *c, const char *id, const char *secret,
    const char *addr, struct mcp_client *cl, int *retry)
{
	static const char	 dummy_salt[] = "00000000000000000000000000000000";
	const struct mcp_authconf *a = &c->cfg->auth;
	int64_t			 now = (int64_t)time(NULL), start, left = 0;
	enum mcp_err		 e;
	char			 h[65];
	int			 fails = 0, ok;

	*retry = 0;
	/* The address first: a sweep across client ids stops there. */
	if (c->st->ops->fail_count(c->st, "", addr, now, a->fail_window,
	    &fails, &start) != MCP_OK)
		return AS_AUTH_ERROR;
	if (fails >= a->addr_fail_max)
		left = start + a->fail_window - now;
	if (id[0] != '\0') {
		if (c->st->ops->fail_count(c->st, id, addr, now,
		    a->fail_window, &fails, &start) != MCP_OK)
			return AS_AUTH_ERROR;
		if (fails >= a->fail_max && start + a->fail_window - now > left)
			left = start + a->fail_window - now;
	}
	if (left > 0) {
		*retry = (int)left;
		return AS_AUTH_LIMITED;
	}
	e = c->st->ops->client_get(c->st, id, cl);
	if (e != MCP_OK && e != MCP_ERR_NOTFOUND)
		return AS_AUTH_ERROR;
	/* Hash even for an unknown id, so timing does not tell. */
	secret_hash(e == MCP_OK ? cl->salt : dummy_salt, secret, h);
	ok = e == MCP_OK && CRYPTO_memcmp(h, cl->secret_hash, 64) == 0 &&
	    cl->revoked == 0;
	OPENSSL_cleanse(h, sizeof(h));
	if (ok)
		return AS_AUTH_OK;
	if (c->st->ops->fail_add(c->st, id, addr, now, a->fail_window) !=
	    MCP_OK)
		return AS_AUTH_ERROR;
	return AS_AUTH_BAD;
}

int
as_scope_subset(const char *want, const char *allowed)
{
	const char	*p = want, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if (e > p && !mcp_scope_has(allowed, p, (size_t)(e - p)))
			return 0;
		p = e;
	}
	return 1;
}

/* --- Tokens --- */

/*
 * The compact form of a JWT: b64url(header) "." b64url(claims) "."
 * b64url(RS256 signature), RFC 7515 §7.1. The claims come from libjwt;
 * the header and the signature are ours, because libjwt 1.10 writes
 * "typ": "JWT" whatever is asked and RFC 9068 §2.1 requires "at+jwt".
 * Returns a string the caller frees, or NULL.
 */
static char *
compact(EVP_PKEY *pk, const char *kid, const char *claims)
{
	struct json_object	*h;
	EVP_MD_CTX		*ctx = NULL;
	unsigned char		 sig[1024];
	size_t			 siglen = sizeof(sig), hl, cl, cap, n;
	const char		*hs;
	char			*out = NULL;

	h = json_object_new_object();
	mcp_json_set(h, "alg", json_object_new_string("RS256"));
	mcp_json_set(h, "typ", json_object_new_string("at+jwt"));
	mcp_json_set(h, "kid", json_object_new_string(kid));
	hs = json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	hl = strlen(hs);
	cl = strlen(claims);
	cap = (hl + cl + sizeof(sig)) * 4 / 3 + 16;
	if ((out = malloc(cap)) == NULL)
		goto fail;
	n = mcp_b64url_enc(out, cap, hs, hl);
	out[n++] = '.';
	n += mcp_b64url_enc(out + n, cap - n, claims, cl);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pk) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)out, n) != 1)
		goto fail;
	out[n++] = '.';
	if (mcp_b64url_enc(out + n, cap - n, sig, siglen) == 0)
		goto fail;
	EVP_MD_CTX_free(ctx);
	json_object_put(h);
	return out;
fail:
	EVP_MD_CTX_free(ctx);
	json_object_put(h);
	free(out);
	return NULL;
}

/* sid: a person's token family, or NULL for a client's own token. */
static char *
mint(struct as_ctx *c, const char *sub, const char *client,
    const char *workspace, const char *scopes, const char *sid, int ttl,
    char *err, size_t errsz)
{
	const struct mcp_authconf	*a = &c->cfg->auth;
	struct keylist			 l;
	EVP_PKEY			*pk = NULL;
	jwt_t				*jwt = NULL;
	char				 pem[MAX_PEM], jti[33], *tok = NULL;
	char				*claims = NULL;
	size_t				 i, n = 0;
	time_t				 now = time(NULL);

	if (a->as_issuer == NULL || a->resource == NULL) {
		snprintf(err, errsz, "builtin_issuer and resource must be "
		    "configured");
		return NULL;
	}
	if (list_keys(c, &l, err, errsz) == -1)
		return NULL;
	for (i = 0; i < l.n; i++)
		if (l.k[i].retired == 0)
			break;
	if (i == l.n) {
		snprintf(err, errsz, "no signing key: run mcpctl init");
		return NULL;
	}
	if ((pk = load_private(c, l.k[i].kid, pem, sizeof(pem), &n)) ==
	    NULL) {
		snprintf(err, errsz, "signing key %s unreadable", l.k[i].kid);
		goto out;
	}
	if (mcp_rand_hex(jti, 16) == -1 || jwt_new(&jwt) != 0) {
		snprintf(err, errsz, "out of memory or randomness");
		goto out;
	}
	/* RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti. */
	if (jwt_add_grant(jwt, "iss", a->as_issuer) != 0 ||
	    jwt_add_grant(jwt, "sub", sub) != 0 ||
	    jwt_add_grant(jwt, "aud", a->resource) != 0 ||
	    jwt_add_grant(jwt, "client_id", client) != 0 ||
	    (sid != NULL && jwt_add_grant(jwt, "sid", sid) != 0) ||
	    jwt_add_grant(jwt, "scope", scopes) != 0 ||
	    jwt_add_grant(jwt, "jti", jti) != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)now + ttl) != 0 ||
	    (workspace[0] != '\0' && jwt_add_grant(jwt,
	    a->workspace_claim, workspace) != 0) ||
	    (claims = jwt_get_grants_json(jwt, NULL)) == NULL ||
	    (tok = compact(pk, l.k[i].kid, claims)) == NULL)
		snprintf(err, errsz, "signing failed");
out:
	OPENSSL_cleanse(pem, sizeof(pem));
	EVP_PKEY_free(pk);
	free(claims);
	jwt_free(jwt);
	return tok;
}

char *
as_mint(struct as_ctx *c, const struct mcp_client *cl, const char *scopes,
    int ttl, char *err, size_t errsz)
{
	return mint(c, cl->id, cl->id, cl->workspace, scopes, NULL, ttl, err,
	    errsz);
}

char *
as_mint_person(struct as_ctx *c, const struct mcp_family *f,
    const char *scopes, int ttl, char *err, size_t errsz)
{
	return mint(c, f->user, f->client, f->workspace, scopes, f->id, ttl,
	    err, errsz);
}
