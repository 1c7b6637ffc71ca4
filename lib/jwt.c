/*
 * jwt.c: compact JWS (RFC 7515) access tokens, taken apart and their
 * signatures checked with OpenSSL.  libjwt 1.10.2 is not used here: it
 * trusts the token's own "alg", checks no claims, rejects "at+jwt" and
 * re-parses the key on every call (SPEC-NOTES).  The claims are checked by
 * auth.c; this file only answers "is this well-formed, and did this key
 * sign it with this algorithm".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "extern.h"

#define MAX_PART	8192	/* decoded header or payload */

void
mcp_jwt_free(struct mcp_jwt *t)
{
	json_object_put(t->header);
	json_object_put(t->claims);
	t->header = t->claims = NULL;
}

static struct json_object *
part(const char *p, size_t n, const char *what, const char **why)
{
	unsigned char		 buf[MAX_PART];
	struct json_object	*o;
	enum mcp_err		 e;
	long			 len;

	if ((len = mcp_b64url_dec(buf, sizeof(buf), p, n)) < 0) {
		*why = what[0] == 'h' ? "header is not base64url" :
		    "payload is not base64url";
		return NULL;
	}
	if ((o = mcp_json_parse((char *)buf, (size_t)len, 8, &e)) == NULL) {
		*why = what[0] == 'h' ? "header is not JSON" :
		    "payload is not JSON";
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*why = what[0] == 'h' ? "header is not a JSON object" :
		    "payload is not a JSON object";
		return NULL;
	}
	return o;
}

int
mcp_jwt_parse(const char *tok, size_t len, struct mcp_jwt *t,
    const char **why)
{
	const char	*d1, *d2, *typ;
	long		 n;

	memset(t, 0, sizeof(*t));
	if ((d1 = memchr(tok, '.', len)) == NULL ||
	    (d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok))) == NULL ||
	    memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)) != NULL) {
		*why = "not three dot-separated parts";
		return -1;
	}
	if (d1 == tok || d2 == d1 + 1) {
		*why = "empty header or payload";
		return -1;
	}
	if ((t->header = part(tok, (size_t)(d1 - tok), "header", why)) ==
	    NULL)
		return -1;
	if ((t->claims = part(d1 + 1, (size_t)(d2 - d1 - 1), "payload",
	    why)) == NULL)
		goto bad;
	n = mcp_b64url_dec(t->sig, sizeof(t->sig), d2 + 1,
	    len - (size_t)(d2 + 1 - tok));
	if (n <= 0) {
		*why = n == 0 ? "empty signature" :
		    "signature is not base64url";
		goto bad;
	}
	t->siglen = (size_t)n;
	t->input = tok;
	t->inputlen = (size_t)(d2 - tok);
	if ((t->alg = mcp_json_str(t->header, "alg")) == NULL) {
		*why = "header has no alg";
		goto bad;
	}
	/* "none" and anything we do not implement are simply unknown. */
	if ((t->algbit = mcp_alg_parse(t->alg)) == 0) {
		*why = "alg not supported";
		goto bad;
	}
	if (mcp_json_has(t->header, "kid") &&
	    (t->kid = mcp_json_str(t->header, "kid")) == NULL) {
		*why = "kid is not a string";
		goto bad;
	}
	/* RFC 9068 §2.1 "at+jwt"; RFC 7519 "JWT"; media type forms too. */
	if (mcp_json_has(t->header, "typ")) {
		typ = mcp_json_str(t->header, "typ");
		if (typ != NULL && strncasecmp(typ, "application/", 12) == 0)
			typ += 12;
		if (typ == NULL || (strcasecmp(typ, "JWT") != 0 &&
		    strcasecmp(typ, "at+jwt") != 0)) {
			*why = "typ is neither JWT nor at+jwt";
			goto bad;
		}
	}
	/* We understand no extension header, so any "crit" is unknown. */
	if (mcp_json_has(t->header, "crit")) {
		*why = "crit names an extension we do not understand";
		goto bad;
	}
	return 0;
bad:
	mcp_jwt_free(t);
	return -1;
}

/*
 * OpenSSL 3 looks a digest up in its provider tables on every use of
 * EVP_sha256() and friends; fetched once here, they are used as is.
 */
static EVP_MD		*mds[3];
static pthread_once_t	 mds_once = PTHREAD_ONCE_INIT;

static void
fetch_mds(void)
{
	mds[0] = EVP_MD_fetch(NULL, "SHA256", NULL);
	mds[1] = EVP_MD_fetch(NULL, "SHA384", NULL);
	mds[2] = EVP_MD_fetch(NULL, "SHA512", NULL);
}

const EVP_MD *
mcp_sha(int bits)
{
	pthread_once(&mds_once, fetch_mds);
	switch (bits) {
	case 256:
		return mds[0] != NULL ? mds[0] : EVP_sha256();
	case 384:
		return mds[1] != NULL ? mds[1] : EVP_sha384();
	default:
		return mds[2] != NULL ? mds[2] : EVP_sha512();
	}
}

static const EVP_MD *
digest(unsigned alg)
{
	switch (alg) {
	case MCP_ALG_RS256:
	case MCP_ALG_ES256:
	case MCP_ALG_HS256:
		return mcp_sha(256);
	case MCP_ALG_RS384:
	case MCP_ALG_ES384:
		return mcp_sha(384);
	case MCP_ALG_RS512:
	case MCP_ALG_ES512:
		return mcp_sha(512);
	}
	return NULL;
}

/* JWS carries ECDSA signatures as r||s (RFC 7518 §3.4); OpenSSL wants DER. */
static int
ecdsa_der(const struct mcp_jwt *t, unsigned char *der, size_t dersz,
    size_t *derlen)
{
	ECDSA_SIG	*s;
	BIGNUM		*r, *ss;
	size_t		 half;
	unsigned char	*p = der;
	int		 n;

	switch (t->algbit) {
	case MCP_ALG_ES256: half = 32; break;
	case MCP_ALG_ES384: half = 48; break;
	default: half = 66; break;
	}
	if (t->siglen != 2 * half)
		return -1;
	r = BN_bin2bn(t->sig, (int)half, NULL);
	ss = BN_bin2bn(t->sig + half, (int)half, NULL);
	if (r == NULL || ss == NULL || (s = ECDSA_SIG_new()) == NULL) {
		BN_free(r);
		BN_free(ss);
		return -1;
	}
	ECDSA_SIG_set0(s, r, ss);
	n = i2d_ECDSA_SIG(s, NULL);
	if (n <= 0 || (size_t)n > dersz) {
		ECDSA_SIG_free(s);
		return -1;
	}
	n = i2d_ECDSA_SIG(s, &p);
	ECDSA_SIG_free(s);
	*derlen = (size_t)n;
	return n > 0 ? 0 : -1;
}

int
mcp_jwt_verify(const struct mcp_jwt *t, const struct mcp_key *k)
{
	EVP_MD_CTX		*ctx;
	const EVP_MD_CTX	*ready;
	const EVP_MD		*md = digest(t->algbit);
	const unsigned char	*sig = t->sig;
	unsigned char		 mac[EVP_MAX_MD_SIZE], der[160];
	size_t			 maclen = 0, siglen = t->siglen;
	int			 ok;

	/* The caller chose k for this alg; check again, it costs nothing. */
	if (md == NULL || (k->algs & t->algbit) == 0)
		return -1;
	if (t->algbit == MCP_ALG_HS256) {
		if (k->secret == NULL || EVP_Q_mac(NULL, "HMAC", NULL,
		    "SHA256", NULL, k->secret, k->secretlen,
		    (const unsigned char *)t->input, t->inputlen, mac,
		    sizeof(mac), &maclen) == NULL)
			return -1;
		return maclen == t->siglen &&
		    CRYPTO_memcmp(mac, t->sig, maclen) == 0 ? 0 : -1;
	}
	if (k->pkey == NULL)
		return -1;
	if (t->algbit & (MCP_ALG_ES256 | MCP_ALG_ES384 | MCP_ALG_ES512)) {
		if (ecdsa_der(t, der, sizeof(der), &siglen) == -1)
			return -1;
		sig = der;
	}
	ready = k->ready[md == mcp_sha(256) ? 0 : md == mcp_sha(384) ? 1 : 2];
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = (ready != NULL ? EVP_MD_CTX_copy_ex(ctx, ready) :
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, k->pkey)) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen,
	    (const unsigned char *)t->input, t->inputlen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}
