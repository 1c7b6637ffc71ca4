/*
 * auth.c: access-token verification for the protected resource.
 *
 * Per process: each trusted issuer's key set (parsed once, refreshed from
 * its JWKS when it ages out or a token names an unknown kid, at most once
 * per jwks_refresh_seconds), a bounded cache of tokens already verified
 * (keyed by SHA-256 of the token, never used past exp or after the
 * issuer's keys changed), and the list of revoked clients of the built-in
 * authorization server (read from the store, cached briefly).
 *
 * Order of checks: size, shape, header (alg we implement, typ, crit), iss
 * names a configured issuer, a key of that issuer pinned to alg (by kid),
 * the signature, then exp, nbf, iat, aud, sub, revocation.  Which check
 * failed goes to the log with the request id; the client only learns
 * "invalid_token".
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "extern.h"

struct issuer_rt {
	pthread_mutex_t		 lock;
	struct mcp_keyset	*keys;
	_Atomic time_t		 loaded;	/* when the keys were fetched */
	time_t			 tried;		/* last load attempt */
	time_t			 forced;	/* last forced refresh */
	int			 loading;	/* a thread is fetching */
	pthread_cond_t		 done;		/* signalled after a load */
	unsigned char		 digest[32];	/* of the document in use */
	_Atomic unsigned	 gen;		/* bumped when keys change */
};

struct tcache_ent {
	unsigned char		 hash[32];
	int			 used;
	unsigned		 gen;
	struct mcp_principal	 who;
};

struct mcp_auth {
	const struct mcp_authconf	*conf;
	char				 cache_dir[1024];
	struct issuer_rt		 is[MCP_MAX_ISSUERS];
	pthread_mutex_t			 tlock;
	struct tcache_ent		*tcache;
	size_t				 tsize;
	pthread_mutex_t			 rlock;
	char				**revoked;
	size_t				 nrevoked;
	time_t				 rloaded;
	int				 rvalid;
};

static int
read_file(const char *path, size_t max, struct mcp_buf *b, time_t *mtime)
{
	struct stat	 st;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	if (mtime != NULL)
		*mtime = st.st_mtime;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (b->len + (size_t)n > max ||
		    mcp_buf_add(b, chunk, (size_t)n) == -1) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	close(fd);
	return n < 0 ? -1 : 0;
}

/* --- Key sets --- */

/*
 * SHA-256 with a context kept per thread (no allocation per call).
 * Returns 0, or -1 (out is then unusable, e.g. as a cache key).
 */
static int
sha256(const void *p, size_t n, unsigned char out[32])
{
	static __thread EVP_MD_CTX	*ctx;
	unsigned int			 len = 32;

	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex2(ctx, mcp_sha(256), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, p, n) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != 32)
		return -1;
	return 0;
}

static void
cache_path(const struct mcp_auth *a, const char *url, char *out,
    size_t outsz)
{
	unsigned char	 h[32];
	char		 hex[33];
	size_t		 i;

	if (sha256(url, strlen(url), h) == -1)
		memset(h, 0, sizeof(h));	/* a name, not a key */
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(out, outsz, "%s/jwks-%s.json", a->cache_dir, hex);
}

/* Writes a fetched JWKS so that other processes (and CGI runs) reuse it. */
static void
cache_write(const struct mcp_auth *a, const char *url, const char *text,
    size_t len)
{
	char	 path[1100], tmp[1200];
	int	 fd;

	if (a->cache_dir[0] == '\0')
		return;
	cache_path(a, url, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%d.%lx", path, (int)getpid(),
	    (unsigned long)pthread_self());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks cache %s: %s", tmp,
		    strerror(errno));
		return;
	}
	if (write(fd, text, len) != (ssize_t)len || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
		mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks cache %s: %s", path,
		    strerror(errno));
		unlink(tmp);
	}
}

/*
 * Gets the document of issuer i into b.  A JWKS URL is read from the disk
 * cache when that copy is fresh enough (another process or an earlier CGI
 * run fetched it); otherwise fetched.  *when receives the fetch time.
 */
static int
load_doc(struct mcp_auth *a, size_t i, int force, time_t now,
    struct mcp_buf *b, time_t *when)
{
	const struct mcp_issuer	*is = &a->conf->issuers[i];
	struct stat		 st;
	char			 path[1100], mark[1200], err[256];
	time_t			 mt;
	int			 have, fd;

	if (is->jwks_file != NULL) {
		if (read_file(is->jwks_file, a->conf->jwks_max_bytes, b,
		    &mt) == -1) {
			mcp_logx(MCP_LEVEL_ERROR, NULL, "jwks_file %s: %s",
			    is->jwks_file, strerror(errno));
			return -1;
		}
		*when = now;
		return 0;
	}
	if (a->cache_dir[0] != '\0') {
		cache_path(a, is->jwks_url, path, sizeof(path));
		have = read_file(path, a->conf->jwks_max_bytes, b, &mt) == 0;
		/* Fetched (by any process) recently enough: use that copy. */
		if (have && !force && now - mt < a->conf->jwks_max_age &&
		    mt <= now) {
			*when = mt;
			return 0;
		}
		/*
		 * A forced refetch (unknown kid) is rate-limited across all
		 * processes by the time of the last attempt, kept as the
		 * mtime of a marker file, so that tokens with made-up kids
		 * cannot turn us into a load on the authorization server.
		 */
		snprintf(mark, sizeof(mark), "%s.tried", path);
		if (force && stat(mark, &st) == 0 &&
		    now - st.st_mtime < a->conf->jwks_refresh) {
			if (!have)
				return -1;
			*when = mt;
			return 0;
		}
		if ((fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC,
		    0644)) != -1) {
			futimens(fd, NULL);
			close(fd);
		}
		mcp_buf_reset(b);
	}
	if (mcp_http_fetch(is->jwks_url, a->conf->jwks_timeout,
	    a->conf->jwks_max_bytes, b, err, sizeof(err)) == -1) {
		mcp_logx(MCP_LEVEL_ERROR, NULL, "jwks_url %s: %s",
		    is->jwks_url, err);
		return -1;
	}
	cache_write(a, is->jwks_url, b->p, b->len);
	*when = now;
	return 0;
}

/*
 * (Re)loads issuer i's keys.  Called with its lock held; the fetch and
 * the parsing run without it, so that other threads keep verifying with
 * the current keys meanwhile (a fetch may take jwks_timeout_seconds), and
 * returns with the lock held again.
 */
static void
reload(struct mcp_auth *a, size_t i, int force, time_t now)
{
	const struct mcp_issuer	*is = &a->conf->issuers[i];
	struct issuer_rt	*rt = &a->is[i];
	struct mcp_keyset	*ks = NULL;
	struct mcp_buf		 b = { 0 };
	unsigned char		 d[32];
	char			 err[256];
	time_t			 when = now;
	int			 ok;

	rt->tried = now;
	rt->loading = 1;
	pthread_mutex_unlock(&rt->lock);
	if ((ok = load_doc(a, i, force, now, &b, &when) == 0)) {
		if (sha256(b.p, b.len, d) == -1)
			memset(d, 0xff, sizeof(d));	/* a new document */
		if ((ks = mcp_keyset_jwks(b.p, b.len, is->algs, err,
		    sizeof(err))) == NULL)
			mcp_logx(MCP_LEVEL_ERROR, NULL, "jwks of %s: %s",
			    is->iss, err);
	}
	mcp_buf_free(&b);
	pthread_mutex_lock(&rt->lock);
	if (ok && rt->keys != NULL && memcmp(d, rt->digest, 32) == 0)
		rt->loaded = when;	/* same document: keep the keys */
	else if (ks != NULL) {
		mcp_logx(MCP_LEVEL_INFO, NULL, "jwks of %s: %zu usable keys",
		    is->iss, ks->nkeys);
		mcp_keyset_put(rt->keys);
		rt->keys = ks;
		ks = NULL;
		rt->loaded = when;
		memcpy(rt->digest, d, 32);
		rt->gen++;
	}
	mcp_keyset_put(ks);
	rt->loading = 0;
	pthread_cond_broadcast(&rt->done);
}

/*
 * A reference to issuer i's current keys (NULL if none could be loaded)
 * and their generation.  force: a token named a kid we do not know.
 * While another thread reloads, the current keys are used; only when
 * there are none yet does a caller wait for that load.
 */
static struct mcp_keyset *
keys(struct mcp_auth *a, size_t i, int force, time_t now, unsigned *gen)
{
	const struct mcp_issuer	*is = &a->conf->issuers[i];
	struct issuer_rt	*rt = &a->is[i];
	struct mcp_keyset	*ks;

	pthread_mutex_lock(&rt->lock);
	while (rt->keys == NULL && rt->loading)
		pthread_cond_wait(&rt->done, &rt->lock);
	if ((is->jwks_url != NULL || is->jwks_file != NULL) &&
	    !rt->loading) {
		if (rt->keys == NULL && now - rt->tried >= 1)
			reload(a, i, 0, now);
		else if (rt->keys != NULL &&
		    now - rt->loaded >= a->conf->jwks_max_age &&
		    now - rt->tried >= 1)
			reload(a, i, 0, now);
		else if (force && now - rt->forced >= a->conf->jwks_refresh) {
			rt->forced = now;
			reload(a, i, 1, now);
		}
	}
	ks = mcp_keyset_get(rt->keys);
	*gen = rt->gen;
	pthread_mutex_unlock(&rt->lock);
	return ks;
}

/* Static sources are read at start so that mistakes stop the process. */
static int
static_keys(struct mcp_auth *a, size_t i, char *err, size_t errsz)
{
	const struct mcp_issuer	*is = &a->conf->issuers[i];
	struct mcp_buf		 b = { 0 };
	char			 why[200];
	int			 rc = -1;

	if (is->pem_file == NULL && is->secret_file == NULL)
		return 0;
	if (read_file(is->pem_file ? is->pem_file : is->secret_file, 65536,
	    &b, NULL) == -1) {
		snprintf(err, errsz, "issuer %s: %s: %s", is->iss,
		    is->pem_file ? is->pem_file : is->secret_file,
		    strerror(errno));
		goto out;
	}
	if (is->pem_file != NULL)
		a->is[i].keys = mcp_keyset_pem(b.p, b.len, is->algs, why,
		    sizeof(why));
	else {
		/* The file's bytes are the secret; a final newline is not. */
		while (b.len > 0 && (b.p[b.len - 1] == '\n' ||
		    b.p[b.len - 1] == '\r'))
			b.len--;
		if (b.len < 32) {
			snprintf(err, errsz, "issuer %s: an HS256 secret must "
			    "be at least 32 bytes", is->iss);
			goto out;
		}
		a->is[i].keys = mcp_keyset_secret((unsigned char *)b.p,
		    b.len);
		snprintf(why, sizeof(why), "out of memory");
	}
	if (a->is[i].keys == NULL) {
		snprintf(err, errsz, "issuer %s: %s", is->iss, why);
		goto out;
	}
	rc = 0;
out:
	if (b.p != NULL)
		OPENSSL_cleanse(b.p, b.cap);
	mcp_buf_free(&b);
	return rc;
}

struct mcp_auth *
mcp_auth_new(const struct mcp_config *cfg, char *err, size_t errsz)
{
	struct mcp_auth	*a;
	size_t		 i;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->conf = &cfg->auth;
	pthread_mutex_init(&a->tlock, NULL);
	pthread_mutex_init(&a->rlock, NULL);
	for (i = 0; i < MCP_MAX_ISSUERS; i++) {
		pthread_mutex_init(&a->is[i].lock, NULL);
		pthread_cond_init(&a->is[i].done, NULL);
	}
	if (cfg->auth.jwks_cache_dir != NULL)
		snprintf(a->cache_dir, sizeof(a->cache_dir), "%s",
		    cfg->auth.jwks_cache_dir);
	else {
		/* Next to the store, which is ours to write. */
		snprintf(a->cache_dir, sizeof(a->cache_dir), "%s",
		    cfg->state_dir);
	}
	if (cfg->auth.cache_entries > 0) {
		a->tsize = (size_t)cfg->auth.cache_entries;
		if ((a->tcache = calloc(a->tsize, sizeof(*a->tcache))) ==
		    NULL) {
			mcp_auth_free(a);
			return NULL;
		}
	}
	for (i = 0; i < cfg->auth.nissuers; i++)
		if (static_keys(a, i, err, errsz) == -1) {
			mcp_auth_free(a);
			return NULL;
		}
	return a;
}

void
mcp_auth_free(struct mcp_auth *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < MCP_MAX_ISSUERS; i++) {
		mcp_keyset_put(a->is[i].keys);
		pthread_mutex_destroy(&a->is[i].lock);
		pthread_cond_destroy(&a->is[i].done);
	}
	for (i = 0; i < a->nrevoked; i++)
		free(a->revoked[i]);
	free(a->revoked);
	free(a->tcache);
	pthread_mutex_destroy(&a->tlock);
	pthread_mutex_destroy(&a->rlock);
	free(a);
}

/* --- Claims --- */

/*
 * A NumericDate (RFC 7519 §2): seconds since the epoch as a JSON number,
 * an integer or not.  Range-checked before any arithmetic: a date before
 * the epoch, after the year 9999 or not finite is no date a token can
 * carry (and would overflow adding the leeway).  A fraction is rounded
 * towards refusal: down for exp, up for nbf and iat.  1 with *out,
 * 0 when absent, -1 when not a number, -2 when out of range.
 */
#define DATE_MAX	253402300799LL	/* 9999-12-31T23:59:59Z */

static int
numeric_date(struct json_object *c, const char *key, int up, int64_t *out)
{
	struct json_object	*v;
	double			 d;
	int64_t			 i;

	if (!mcp_json_get(c, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		/* json-c clamps what does not fit to INT64_MIN/MAX. */
		if ((i = json_object_get_int64(v)) < 0 || i > DATE_MAX)
			return -2;
		*out = i;
		return 1;
	}
	if (!json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	if (!isfinite(d) || d < 0 || d > (double)DATE_MAX)
		return -2;
	*out = (int64_t)(up ? ceil(d) : floor(d));
	return 1;
}

/* 1 if v is a string of exactly want's bytes (none after a U+0000). */
static int
str_is(struct json_object *v, const char *want)
{
	size_t	 n = strlen(want);

	return json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == n &&
	    memcmp(json_object_get_string(v), want, n) == 0;
}

static int
aud_ok(struct json_object *c, const char *want)
{
	struct json_object	*v;
	size_t			 i;

	if (!mcp_json_get(c, "aud", &v))
		return 0;
	if (json_object_is_type(v, json_type_string))
		return str_is(v, want);
	if (!json_object_is_type(v, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(v); i++)
		if (str_is(json_object_array_get_idx(v, i), want))
			return 1;
	return 0;
}

/* Appends one scope token to the principal's list, if it is sane. */
static void
add_scope(struct mcp_principal *p, const char *s, size_t n)
{
	size_t	 l = strlen(p->scope), i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)		/* RFC 6749 §3.3 scope-token chars */
		if ((unsigned char)s[i] < 0x21 || s[i] == '"' ||
		    s[i] == '\\' || (unsigned char)s[i] > 0x7e)
			return;
	if (l + n + 2 > sizeof(p->scope))
		return;
	if (l > 0)
		p->scope[l++] = ' ';
	memcpy(p->scope + l, s, n);
	p->scope[l + n] = '\0';
}

/* The scopes in claims list[0..n), each a string or an array. */
static void
scopes(char *const *list, size_t n, struct json_object *c,
    struct mcp_principal *p)
{
	struct json_object	*v, *e;
	const char		*s, *sp, *end;
	size_t			 i, j;

	/*
	 * Whole strings, U+0000 included: add_scope() drops a token that
	 * holds one, where a C string would have ended it early.
	 */
	for (i = 0; i < n; i++) {
		if (!mcp_json_get(c, list[i], &v))
			continue;
		if (json_object_is_type(v, json_type_string)) {
			s = json_object_get_string(v);
			end = s + json_object_get_string_len(v);
			while (s < end) {
				while (s < end && *s == ' ')
					s++;
				sp = s;
				while (sp < end && *sp != ' ')
					sp++;
				add_scope(p, s, (size_t)(sp - s));
				s = sp;
			}
		} else if (json_object_is_type(v, json_type_array)) {
			for (j = 0; j < json_object_array_length(v); j++) {
				e = json_object_array_get_idx(v, j);
				if (json_object_is_type(e, json_type_string))
					add_scope(p, json_object_get_string(e),
					    (size_t)json_object_get_string_len(
					    e));
			}
		}
	}
}

/* Copies a string claim; -1 if present but not a string or too long. */
static int
strclaim(struct json_object *c, const char *key, char *out, size_t outsz)
{
	struct json_object	*v;

	out[0] = '\0';
	if (!mcp_json_get(c, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) >= outsz ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v))
		return -1;
	memcpy(out, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v) + 1);
	return 1;
}

static enum mcp_tokres
claims(struct mcp_auth *a, size_t i, struct json_object *c, time_t now,
    struct mcp_principal *p, const char **why)
{
	const struct mcp_issuer	*is = &a->conf->issuers[i];
	int64_t			 t;
	int			 r;

	if ((r = numeric_date(c, "exp", 0, &p->exp)) != 1) {
		*why = r == 0 ? "no exp" : r == -1 ? "exp is not a number" :
		    "exp out of range (not a NumericDate)";
		return MCP_TOK_INVALID;
	}
	if ((int64_t)now >= p->exp + is->leeway) {
		*why = "expired";
		return MCP_TOK_INVALID;
	}
	if ((r = numeric_date(c, "nbf", 1, &t)) < 0) {
		*why = r == -1 ? "nbf is not a number" :
		    "nbf out of range (not a NumericDate)";
		return MCP_TOK_INVALID;
	}
	if (r == 1 && (int64_t)now + is->leeway < t) {
		*why = "not valid yet (nbf)";
		return MCP_TOK_INVALID;
	}
	if ((r = numeric_date(c, "iat", 1, &t)) < 0) {
		*why = r == -1 ? "iat is not a number" :
		    "iat out of range (not a NumericDate)";
		return MCP_TOK_INVALID;
	}
	if (r == 1 && (int64_t)now + is->leeway < t) {
		*why = "issued in the future (iat)";
		return MCP_TOK_INVALID;
	}
	if (!aud_ok(c, is->audience ? is->audience : a->conf->resource)) {
		*why = "aud does not name this resource";
		return MCP_TOK_INVALID;
	}
	if (strclaim(c, "sub", p->sub, sizeof(p->sub)) != 1 ||
	    p->sub[0] == '\0') {
		*why = "sub missing or not a string";
		return MCP_TOK_INVALID;
	}
	if (strclaim(c, "client_id", p->client_id,
	    sizeof(p->client_id)) == -1 ||
	    strclaim(c, is->workspace_claim != NULL ? is->workspace_claim :
	    a->conf->workspace_claim, p->workspace,
	    sizeof(p->workspace)) == -1) {
		*why = "client_id or workspace claim is not a short string";
		return MCP_TOK_INVALID;
	}
	if (p->client_id[0] == '\0' &&
	    strclaim(c, "azp", p->client_id, sizeof(p->client_id)) == -1) {
		*why = "azp is not a short string";
		return MCP_TOK_INVALID;
	}
	/* Ours names the token family; other issuers' sid is not read. */
	p->sid[0] = '\0';
	if (a->conf->as_issuer != NULL && strcmp(is->iss,
	    a->conf->as_issuer) == 0 && strclaim(c, "sid", p->sid,
	    sizeof(p->sid)) == -1) {
		*why = "sid is not a short string";
		return MCP_TOK_INVALID;
	}
	if (is->nscope_claims > 0)
		scopes(is->scope_claims, is->nscope_claims, c, p);
	else
		scopes(a->conf->scope_claims, a->conf->nscope_claims, c, p);
	p->issuer = i;
	p->iss = is->iss;
	return MCP_TOK_OK;
}

/* --- Revocation (clients of the built-in authorization server) --- */

static int
cmpstr(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * The revoked ids, read again from the store when older than ttl; with
 * rlock held.  0, or -1 when the store could not tell and the list is
 * too old to be believed (fail closed).
 */
static int
revocations(struct mcp_auth *a, struct mcp_store *st, time_t now, int ttl)
{
	char	**ids = NULL;
	size_t	  n = 0, i;

	if (a->rvalid && now - a->rloaded < ttl)
		return 0;
	if (st->ops->revoked_clients(st, &ids, &n) == MCP_OK) {
		for (i = 0; i < a->nrevoked; i++)
			free(a->revoked[i]);
		free(a->revoked);
		if (n > 1)
			qsort(ids, n, sizeof(*ids), cmpstr);
		a->revoked = ids;
		a->nrevoked = n;
		a->rloaded = now;
		a->rvalid = 1;
		return 0;
	}
	return !a->rvalid || now - a->rloaded > 4 * ttl + 5 ? -1 : 0;
}

/* 1 when id is listed revoked; with rlock held. */
static int
listed(const struct mcp_auth *a, const char *id)
{
	return a->nrevoked > 0 && bsearch(&id, a->revoked, a->nrevoked,
	    sizeof(*a->revoked), cmpstr) != NULL;
}

/* 1 revoked, 0 not, -1 the store could not tell (fail closed). */
static int
revoked(struct mcp_auth *a, struct mcp_store *st, const char *client,
    time_t now)
{
	int	 rc;

	pthread_mutex_lock(&a->rlock);
	if ((rc = revocations(a, st, now, a->conf->revocation_ttl)) == 0)
		rc = listed(a, client);
	pthread_mutex_unlock(&a->rlock);
	return rc;
}

/*
 * Held streams are looked at every second: the list is read again at
 * most once a second for them, even with revocation_cache_seconds 0.
 */
int
mcp_auth_revoked(struct mcp_auth *a, struct mcp_store *st, const char *client,
    const char *family)
{
	time_t	 now = time(NULL);
	int	 rc;

	if (a == NULL || client[0] == '\0')
		return 0;
	pthread_mutex_lock(&a->rlock);
	if ((rc = revocations(a, st, now, a->conf->revocation_ttl > 0 ?
	    a->conf->revocation_ttl : 1)) == 0)
		rc = listed(a, client) || (family[0] != '\0' &&
		    listed(a, family));
	pthread_mutex_unlock(&a->rlock);
	return rc;
}

/* --- The verified-token cache --- */

/* The cache slot of a token digest (direct-mapped). */
static size_t
slot(const struct mcp_auth *a, const unsigned char h[32])
{
	uint64_t	 v;

	memcpy(&v, h, sizeof(v));
	return (size_t)(v % a->tsize);
}

/* 1 if issuer i's keys come from a JWKS that can change. */
static int
dynamic(const struct mcp_auth *a, size_t i)
{
	return a->conf->issuers[i].jwks_url != NULL ||
	    a->conf->issuers[i].jwks_file != NULL;
}

static int
cache_get(struct mcp_auth *a, const unsigned char h[32], time_t now,
    struct mcp_principal *p)
{
	struct tcache_ent	*e;
	unsigned		 gen;
	int			 hit = 0;

	if (a->tsize == 0)
		return 0;
	pthread_mutex_lock(&a->tlock);
	e = &a->tcache[slot(a, h)];
	if (e->used && memcmp(e->hash, h, 32) == 0) {
		gen = atomic_load(&a->is[e->who.issuer].gen);
		/*
		 * Never past exp (leeway not extended), nor across new keys,
		 * nor once the keys are due for a refresh: the slow path
		 * refreshes them, so a key removed from the JWKS stops
		 * working everywhere within jwks_max_age_seconds.
		 */
		if ((int64_t)now < e->who.exp && e->gen == gen &&
		    (!dynamic(a, e->who.issuer) || now - atomic_load(
		    &a->is[e->who.issuer].loaded) < a->conf->jwks_max_age)) {
			*p = e->who;
			hit = 1;
		} else
			e->used = 0;
	}
	pthread_mutex_unlock(&a->tlock);
	return hit;
}

static void
cache_put(struct mcp_auth *a, const unsigned char h[32], unsigned gen,
    const struct mcp_principal *p)
{
	struct tcache_ent	*e;

	if (a->tsize == 0)
		return;
	pthread_mutex_lock(&a->tlock);
	e = &a->tcache[slot(a, h)];
	memcpy(e->hash, h, 32);
	e->gen = gen;
	e->who = *p;
	e->used = 1;
	pthread_mutex_unlock(&a->tlock);
}

/* --- Verification --- */

/* The characters of a JWS compact serialization: base64url and '.'. */
static const unsigned char tokchars[256] = {
	['-'] = 1, ['.'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

enum mcp_tokres
mcp_auth_verify(struct mcp_auth *a, struct mcp_store *st, const char *tok,
    size_t len, time_t now, struct mcp_principal *p, const char **why)
{
	const struct mcp_key	*k;
	struct mcp_keyset	*ks;
	struct mcp_jwt		 t;
	const char		*iss;
	enum mcp_tokres		 res = MCP_TOK_INVALID;
	unsigned char		 h[32];
	unsigned		 gen;
	size_t			 i;
	int			 known, rv, hashed;

	memset(p, 0, sizeof(*p));
	if (len == 0) {
		*why = "empty token";
		return MCP_TOK_INVALID;
	}
	if (len > a->conf->max_token) {
		*why = "token longer than max_token_bytes";
		return MCP_TOK_INVALID;
	}
	/*
	 * Only verified tokens enter the cache, so a hit (the same bytes,
	 * by SHA-256) has passed every check below, the character set too.
	 */
	hashed = sha256(tok, len, h) == 0;
	if (hashed && cache_get(a, h, now, p))
		goto revocation;
	for (i = 0; i < len; i++)
		if (!tokchars[(unsigned char)tok[i]]) {
			*why = "character outside base64url and '.'";
			return MCP_TOK_INVALID;
		}
	if (mcp_jwt_parse(tok, len, &t, why) == -1)
		return MCP_TOK_INVALID;
	/* Not a string, or holding U+0000: no issuer's name. */
	if ((iss = mcp_json_str(t.claims, "iss")) == NULL) {
		*why = mcp_json_has(t.claims, "iss") ? "iss is not a string "
		    "without U+0000" : "no iss";
		goto out;
	}
	for (i = 0; i < a->conf->nissuers; i++)
		if (strcmp(a->conf->issuers[i].iss, iss) == 0)
			break;
	if (i == a->conf->nissuers) {
		*why = "iss is not a trusted issuer";
		goto out;
	}
	if ((a->conf->issuers[i].algs & t.algbit) == 0) {
		*why = "alg not allowed for this issuer";
		goto out;
	}
	ks = keys(a, i, 0, now, &gen);
	k = mcp_keyset_find(ks, t.kid, t.algbit, &known);
	if (k == NULL && !known) {
		/* Perhaps a new key: refresh (rate-limited) and look again. */
		mcp_keyset_put(ks);
		ks = keys(a, i, 1, now, &gen);
		k = mcp_keyset_find(ks, t.kid, t.algbit, &known);
	}
	if (ks == NULL) {
		*why = "no keys could be loaded for the issuer";
		res = MCP_TOK_UNAVAILABLE;
		goto out;
	}
	if (k == NULL) {
		*why = known ? "alg not pinned for the key" : t.kid ?
		    "unknown kid" : "no kid and no single key for alg";
		mcp_keyset_put(ks);
		goto out;
	}
	rv = mcp_jwt_verify(&t, k);
	mcp_keyset_put(ks);
	if (rv == -1) {
		*why = "bad signature";
		goto out;
	}
	if ((res = claims(a, i, t.claims, now, p, why)) != MCP_TOK_OK)
		goto out;
	if (hashed)
		cache_put(a, h, gen, p);
	mcp_jwt_free(&t);
revocation:
	if (a->conf->as_issuer != NULL && p->client_id[0] != '\0' &&
	    strcmp(p->iss, a->conf->as_issuer) == 0) {
		if ((rv = revoked(a, st, p->client_id, now)) == -1) {
			*why = "revocation list unavailable";
			return MCP_TOK_UNAVAILABLE;
		}
		if (rv == 1) {
			*why = "client revoked";
			return MCP_TOK_INVALID;
		}
		/* A person's tokens: their family (sign-in) may be revoked. */
		if (p->sid[0] != '\0' && (rv = revoked(a, st, p->sid,
		    now)) != 0) {
			*why = rv == -1 ? "revocation list unavailable" :
			    "token family revoked";
			return rv == -1 ? MCP_TOK_UNAVAILABLE :
			    MCP_TOK_INVALID;
		}
	}
	return MCP_TOK_OK;
out:
	mcp_jwt_free(&t);
	return res;
}
