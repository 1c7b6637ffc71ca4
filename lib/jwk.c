/*
 * jwk.c: verification keys, parsed once into OpenSSL objects and kept.
 *
 * A key set comes from a JWKS document (RFC 7517), a PEM public key, or an
 * HS256 shared secret from the configuration.  Each key carries the set of
 * algorithms it may verify: those the issuer allows, narrowed by the key's
 * type and curve and by its own "alg" member.  A JWKS never supplies a
 * symmetric key, so an HMAC token can only ever be checked against the
 * configured secret (the HS256-with-public-key confusion of SPEC-NOTES
 * cannot happen).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "extern.h"

#define MIN_RSA_BITS	2048

static const struct {
	const char	*name;
	unsigned	 bit;
} algs[] = {
	{ "RS256", MCP_ALG_RS256 }, { "RS384", MCP_ALG_RS384 },
	{ "RS512", MCP_ALG_RS512 }, { "ES256", MCP_ALG_ES256 },
	{ "ES384", MCP_ALG_ES384 }, { "ES512", MCP_ALG_ES512 },
	{ "HS256", MCP_ALG_HS256 },
};

unsigned
mcp_alg_parse(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return 0;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, algs[i].name) == 0)
			return algs[i].bit;
	return 0;
}

const char *
mcp_alg_name(unsigned bit)
{
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].bit == bit)
			return algs[i].name;
	return "?";
}

static struct mcp_keyset *
keyset_new(size_t n)
{
	struct mcp_keyset	*ks;

	if ((ks = calloc(1, sizeof(*ks))) == NULL)
		return NULL;
	if (n > 0 && (ks->keys = calloc(n, sizeof(*ks->keys))) == NULL) {
		free(ks);
		return NULL;
	}
	atomic_init(&ks->refs, 1);
	return ks;
}

void
mcp_keyset_put(struct mcp_keyset *ks)
{
	size_t	 i, j;

	if (ks == NULL || atomic_fetch_sub(&ks->refs, 1) != 1)
		return;
	for (i = 0; i < ks->nkeys; i++) {
		for (j = 0; j < 3; j++)
			EVP_MD_CTX_free(ks->keys[i].ready[j]);
		EVP_PKEY_free(ks->keys[i].pkey);
		if (ks->keys[i].secret != NULL) {
			OPENSSL_cleanse(ks->keys[i].secret,
			    ks->keys[i].secretlen);
			free(ks->keys[i].secret);
		}
	}
	free(ks->keys);
	free(ks);
}

struct mcp_keyset *
mcp_keyset_get(struct mcp_keyset *ks)
{
	if (ks != NULL)
		atomic_fetch_add(&ks->refs, 1);
	return ks;
}

/* The algorithms an OpenSSL public key can verify, by type and curve. */
static unsigned
pkey_algs(EVP_PKEY *pk, char *why, size_t whysz)
{
	char	 group[64];
	size_t	 glen;

	if (EVP_PKEY_is_a(pk, "RSA")) {
		if (EVP_PKEY_get_bits(pk) < MIN_RSA_BITS) {
			snprintf(why, whysz, "RSA key of %d bits (at least "
			    "%d required)", EVP_PKEY_get_bits(pk),
			    MIN_RSA_BITS);
			return 0;
		}
		return MCP_ALG_RS256 | MCP_ALG_RS384 | MCP_ALG_RS512;
	}
	if (EVP_PKEY_is_a(pk, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(pk,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
		    &glen) != 1) {
			snprintf(why, whysz, "EC key without a named curve");
			return 0;
		}
		if (strcmp(group, "prime256v1") == 0)
			return MCP_ALG_ES256;
		if (strcmp(group, "secp384r1") == 0)
			return MCP_ALG_ES384;
		if (strcmp(group, "secp521r1") == 0)
			return MCP_ALG_ES512;
		snprintf(why, whysz, "EC curve %s is not P-256/384/521",
		    group);
		return 0;
	}
	snprintf(why, whysz, "key type is neither RSA nor EC");
	return 0;
}

/*
 * A JWK's string member: 1 with *out when it is a string, 0 when it is
 * absent, -1 when it is of another type or holds U+0000 (its C string
 * would say something else than the JSON does).
 */
static int
strmember(struct json_object *jwk, const char *name, const char **out)
{
	struct json_object	*v;

	*out = NULL;
	if (!mcp_json_get(jwk, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v))
		return -1;
	*out = json_object_get_string(v);
	return 1;
}

/* Decodes a base64url JWK member into a fresh buffer; NULL if bad. */
static unsigned char *
member(struct json_object *jwk, const char *name, size_t max, size_t *len)
{
	const char	*s;
	unsigned char	*out;
	long		 n;

	if (strmember(jwk, name, &s) != 1 || strlen(s) > max * 4 / 3 + 4)
		return NULL;
	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	if ((n = mcp_b64url_dec(out, strlen(s) + 1, s, strlen(s))) <= 0) {
		free(out);
		return NULL;
	}
	*len = (size_t)n;
	return out;
}

static EVP_PKEY *
fromdata(OSSL_PARAM_BLD *bld, const char *type)
{
	OSSL_PARAM	*params;
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pk = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		return NULL;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(ctx) == 1)
		if (EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY,
		    params) != 1)
			pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

static EVP_PKEY *
jwk_rsa(struct json_object *jwk)
{
	OSSL_PARAM_BLD	*bld;
	unsigned char	*n, *e;
	size_t		 nl = 0, el = 0;
	BIGNUM		*bn = NULL, *be = NULL;
	EVP_PKEY	*pk = NULL;

	n = member(jwk, "n", 1024, &nl);
	e = member(jwk, "e", 8, &el);
	if (n != NULL && e != NULL &&
	    (bn = BN_bin2bn(n, (int)nl, NULL)) != NULL &&
	    (be = BN_bin2bn(e, (int)el, NULL)) != NULL &&
	    (bld = OSSL_PARAM_BLD_new()) != NULL) {
		if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N,
		    bn) == 1 && OSSL_PARAM_BLD_push_BN(bld,
		    OSSL_PKEY_PARAM_RSA_E, be) == 1)
			pk = fromdata(bld, "RSA");
		OSSL_PARAM_BLD_free(bld);
	}
	BN_free(bn);
	BN_free(be);
	free(n);
	free(e);
	return pk;
}

static EVP_PKEY *
jwk_ec(struct json_object *jwk)
{
	static const struct {
		const char	*crv, *group;
		size_t		 len;
	} curves[] = {
		{ "P-256", "prime256v1", 32 },
		{ "P-384", "secp384r1", 48 },
		{ "P-521", "secp521r1", 66 },
	};
	OSSL_PARAM_BLD	*bld;
	const char	*crv;
	unsigned char	*x, *y, pt[1 + 2 * 66];
	size_t		 xl = 0, yl = 0, i;
	EVP_PKEY	*pk = NULL;

	if (strmember(jwk, "crv", &crv) != 1)
		return NULL;
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (strcmp(crv, curves[i].crv) == 0)
			break;
	if (i == sizeof(curves) / sizeof(curves[0]))
		return NULL;
	x = member(jwk, "x", 66, &xl);
	y = member(jwk, "y", 66, &yl);
	if (x != NULL && y != NULL && xl == curves[i].len &&
	    yl == curves[i].len && (bld = OSSL_PARAM_BLD_new()) != NULL) {
		pt[0] = 0x04;	/* uncompressed point */
		memcpy(pt + 1, x, xl);
		memcpy(pt + 1 + xl, y, yl);
		if (OSSL_PARAM_BLD_push_utf8_string(bld,
		    OSSL_PKEY_PARAM_GROUP_NAME, curves[i].group, 0) == 1 &&
		    OSSL_PARAM_BLD_push_octet_string(bld,
		    OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + xl + yl) == 1)
			pk = fromdata(bld, "EC");
		OSSL_PARAM_BLD_free(bld);
	}
	free(x);
	free(y);
	return pk;
}

/*
 * A key's kid as the warnings quote it: the issuer's text, cut after
 * KIDNAME_MAX bytes with "..." so that a broken JWKS cannot fill the log
 * line; "(no kid)" when it has none.  buf holds KIDNAME_MAX + 4 bytes.
 */
#define KIDNAME_MAX	48

static const char *
kidname(const char *kid, char *buf, size_t sz)
{
	if (kid == NULL)
		return "(no kid)";
	if (strlen(kid) <= KIDNAME_MAX)
		return kid;
	snprintf(buf, sz, "%.*s...", KIDNAME_MAX, kid);
	return buf;
}

/*
 * 1 if the JWK's "use" and "key_ops" (RFC 7517 §4.2, §4.3) allow
 * verifying signatures, 0 if they rule it out.  A "use" that is not a
 * string, or "key_ops" that is not an array, says nothing we can trust:
 * the key is not used (-1, with *why).  Elements of "key_ops" that are
 * not strings are passed over (one warning a key, however many); only a
 * "verify" element makes the key usable.
 */
static int
for_signatures(struct json_object *jwk, const char *kid, const char **why)
{
	struct json_object	*ops, *e;
	const char		*use;
	char			 name[KIDNAME_MAX + 4];
	size_t			 i, n, bad = 0;
	int			 verify = 0;

	if (strmember(jwk, "use", &use) == -1) {
		*why = "use is not a string";
		return -1;
	}
	if (use != NULL && strcmp(use, "sig") != 0)
		return 0;
	if (!mcp_json_get(jwk, "key_ops", &ops))
		return 1;
	if (!json_object_is_type(ops, json_type_array)) {
		*why = "key_ops is not an array";
		return -1;
	}
	n = json_object_array_length(ops);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(ops, i);
		if (!json_object_is_type(e, json_type_string) ||
		    strlen(json_object_get_string(e)) !=
		    (size_t)json_object_get_string_len(e))
			bad++;
		else if (strcmp(json_object_get_string(e), "verify") == 0)
			verify = 1;
	}
	if (bad > 0)
		mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks: key %s: key_ops "
		    "holds %zu non-string element%s, passed over",
		    kidname(kid, name, sizeof(name)), bad, bad > 1 ? "s" : "");
	return verify;
}

/* Sets up k->ready[] for the digests of the algorithms k allows. */
static void
prepare(struct mcp_key *k)
{
	static const unsigned	 by[3] = {
		MCP_ALG_RS256 | MCP_ALG_ES256,
		MCP_ALG_RS384 | MCP_ALG_ES384,
		MCP_ALG_RS512 | MCP_ALG_ES512,
	};
	int			 i;

	for (i = 0; i < 3; i++) {
		if (k->pkey == NULL || (k->algs & by[i]) == 0)
			continue;
		if ((k->ready[i] = EVP_MD_CTX_new()) != NULL &&
		    EVP_DigestVerifyInit(k->ready[i], NULL,
		    mcp_sha(256 + 128 * i), NULL, k->pkey) != 1) {
			EVP_MD_CTX_free(k->ready[i]);
			k->ready[i] = NULL;	/* verify sets up per call */
		}
	}
}

/* "(key N)" for a key whose kid cannot be quoted; buf as kidname()'s. */
static const char *
idxname(size_t i, char *buf, size_t sz)
{
	snprintf(buf, sz, "(key %zu)", i);
	return buf;
}

struct mcp_keyset *
mcp_keyset_jwks(const char *text, size_t len, unsigned allowed, char *err,
    size_t errsz)
{
	struct mcp_keyset	*ks;
	struct json_object	*doc, *keys, *jwk;
	struct mcp_key		*k;
	const char		*kty, *kid, *alg, *bad;
	enum mcp_err		 e;
	char			 why[128], name[KIDNAME_MAX + 4];
	size_t			 i, n;

	if ((doc = mcp_json_parse(text, len, 8, &e)) == NULL ||
	    (keys = mcp_json_arr(doc, "keys")) == NULL) {
		snprintf(err, errsz, "not a JWKS document (no \"keys\" "
		    "array)");
		json_object_put(doc);
		return NULL;
	}
	n = json_object_array_length(keys);
	if (n > MCP_MAX_KEYS)
		n = MCP_MAX_KEYS;
	if ((ks = keyset_new(n)) == NULL) {
		json_object_put(doc);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		/* Set only when the key type itself rules the key out. */
		why[0] = '\0';
		jwk = json_object_array_get_idx(keys, i);
		k = &ks->keys[ks->nkeys];
		/*
		 * A member of the wrong type is never read as absent: a kid,
		 * alg or use we cannot read would leave the key wider than
		 * its issuer wrote it, so the key is not used at all.
		 */
		bad = kty = kid = alg = NULL;
		if (!json_object_is_type(jwk, json_type_object))
			bad = "not a JSON object";
		else if (strmember(jwk, "kid", &kid) == -1)
			bad = "kid is not a string";
		else if (strmember(jwk, "kty", &kty) == -1)
			bad = "kty is not a string";
		else if (strmember(jwk, "alg", &alg) == -1)
			bad = "alg is not a string";
		if (bad == NULL && kty != NULL &&
		    for_signatures(jwk, kid, &bad) == 0)
			continue;
		if (bad != NULL) {
			mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks: key %s: %s, "
			    "ignored", kid != NULL ? kidname(kid, name,
			    sizeof(name)) : idxname(i, name, sizeof(name)),
			    bad);
			continue;
		}
		if (kty == NULL)
			continue;
		/*
		 * A kid cut to fit would never match the token's: refuse the
		 * key by name instead of answering its tokens "unknown kid".
		 */
		if (kid != NULL && strlen(kid) >= sizeof(k->kid)) {
			mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks: key %s: kid "
			    "longer than %zu bytes, ignored",
			    kidname(kid, name, sizeof(name)),
			    sizeof(k->kid) - 1);
			continue;
		}
		if (strcmp(kty, "RSA") == 0)
			k->pkey = jwk_rsa(jwk);
		else if (strcmp(kty, "EC") == 0)
			k->pkey = jwk_ec(jwk);
		else
			continue;	/* "oct" and others: never from a JWKS */
		if (k->pkey == NULL) {
			mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks: key %s: bad "
			    "%s parameters, ignored",
			    kidname(kid, name, sizeof(name)), kty);
			continue;
		}
		k->algs = pkey_algs(k->pkey, why, sizeof(why)) & allowed;
		if (alg != NULL)
			k->algs &= mcp_alg_parse(alg);
		if (k->algs == 0) {
			mcp_logx(MCP_LEVEL_WARNING, NULL, "jwks: key %s: no "
			    "allowed algorithm%s%s, ignored",
			    kidname(kid, name, sizeof(name)), *why ? ": " : "",
			    why);
			EVP_PKEY_free(k->pkey);
			k->pkey = NULL;
			continue;
		}
		if (kid != NULL)
			snprintf(k->kid, sizeof(k->kid), "%s", kid);
		prepare(k);
		ks->nkeys++;
	}
	json_object_put(doc);
	return ks;
}

struct mcp_keyset *
mcp_keyset_pem(const char *pem, size_t len, unsigned allowed, char *err,
    size_t errsz)
{
	struct mcp_keyset	*ks;
	BIO			*bio;
	EVP_PKEY		*pk;
	char			 why[128] = "";
	unsigned		 a;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return NULL;
	pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (pk == NULL) {
		snprintf(err, errsz, "not a PEM public key");
		return NULL;
	}
	if ((a = pkey_algs(pk, why, sizeof(why)) & allowed) == 0) {
		snprintf(err, errsz, "%s", *why ? why :
		    "the key cannot verify any allowed algorithm");
		EVP_PKEY_free(pk);
		return NULL;
	}
	if ((ks = keyset_new(1)) == NULL) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	ks->keys[0].pkey = pk;
	ks->keys[0].algs = a;
	prepare(&ks->keys[0]);
	ks->nkeys = 1;
	return ks;
}

struct mcp_keyset *
mcp_keyset_secret(const unsigned char *secret, size_t len)
{
	struct mcp_keyset	*ks;

	if ((ks = keyset_new(1)) == NULL)
		return NULL;
	if ((ks->keys[0].secret = malloc(len)) == NULL) {
		mcp_keyset_put(ks);
		return NULL;
	}
	memcpy(ks->keys[0].secret, secret, len);
	ks->keys[0].secretlen = len;
	ks->keys[0].algs = MCP_ALG_HS256;
	ks->nkeys = 1;
	return ks;
}

const struct mcp_key *
mcp_keyset_find(const struct mcp_keyset *ks, const char *kid, unsigned alg,
    int *kid_known)
{
	const struct mcp_key	*found = NULL;
	size_t			 i, matches = 0;

	*kid_known = 0;
	if (ks == NULL)
		return NULL;
	for (i = 0; i < ks->nkeys; i++) {
		if (kid != NULL) {
			if (strcmp(ks->keys[i].kid, kid) != 0)
				continue;
			*kid_known = 1;
			/* The algorithm is pinned per key. */
			return (ks->keys[i].algs & alg) ? &ks->keys[i] : NULL;
		}
		if (ks->keys[i].algs & alg) {
			found = &ks->keys[i];
			matches++;
		}
	}
	/* No kid: only when exactly one key could have signed it. */
	if (kid == NULL) {
		*kid_known = matches > 0;
		return matches == 1 ? found : NULL;
	}
	return NULL;
}
