/*
 * jwt.c: unit tests of base64url, JWS parsing, key pinning and signature
 * checks.  Keys are made here with OpenSSL; tokens are assembled by hand
 * so that each malformation is exact.  (The bats suite checks tokens made
 * by an independent implementation, python3-cryptography.)
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "extern.h"
#include "tap.h"

static void
b64(void)
{
	unsigned char	 out[64];
	char		 enc[64];

	ok(mcp_b64url_enc(enc, sizeof(enc), "\xfb\xff", 2) == 3 &&
	    strcmp(enc, "-_8") == 0, "encode uses the URL alphabet, no pad");
	ok(mcp_b64url_dec(out, sizeof(out), "-_8", 3) == 2 &&
	    memcmp(out, "\xfb\xff", 2) == 0, "decode round trip");
	ok(mcp_b64url_dec(out, sizeof(out), "QQ", 2) == 1 && out[0] == 'A',
	    "QQ is 'A'");
	ok(mcp_b64url_dec(out, sizeof(out), "QR", 2) == -1,
	    "non-zero leftover bits refused (one encoding per value)");
	ok(mcp_b64url_dec(out, sizeof(out), "QQ==", 4) == -1,
	    "padding refused");
	ok(mcp_b64url_dec(out, sizeof(out), "+/8A", 4) == -1,
	    "standard alphabet refused");
	ok(mcp_b64url_dec(out, sizeof(out), "QUJDR", 5) == -1,
	    "a length of 1 mod 4 refused");
	ok(mcp_b64url_dec(out, sizeof(out), "QU JD", 5) == -1,
	    "whitespace refused");
	ok(mcp_b64url_dec(out, 1, "QUJD", 4) == -1, "short output refused");
	ok(mcp_b64url_dec(out, sizeof(out), "", 0) == 0, "empty is empty");
}

/*
 * The decoder takes whole groups of four apart from the last two or
 * three characters: every length round-trips, and a byte outside the
 * alphabet is refused wherever it stands, in a group or in the tail.
 */
static void
b64_lengths(void)
{
	unsigned char	 in[48], out[48];
	char		 enc[80], bad[80];
	size_t		 n, i, len;
	int		 trips = 0, refused = 0, tries = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		len = mcp_b64url_enc(enc, sizeof(enc), in, n);
		if (mcp_b64url_dec(out, sizeof(out), enc, len) == (long)n &&
		    memcmp(in, out, n) == 0)
			trips++;
		for (i = 0; i < len; i++) {
			memcpy(bad, enc, len);
			bad[i] = i % 2 ? '=' : '+';
			tries++;
			if (mcp_b64url_dec(out, sizeof(out), bad, len) == -1)
				refused++;
		}
	}
	ok(trips == (int)sizeof(in) + 1, "lengths 0-48 round-trip (%d of %d)",
	    trips, (int)sizeof(in) + 1);
	ok(refused == tries, "a bad byte anywhere is refused (%d of %d)",
	    refused, tries);
}

/* header.payload (both JSON texts) + "." + sig, base64url-encoded. */
static char *
token(const char *hdr, const char *pay, const char *sig)
{
	static char	 t[4096];
	size_t		 n;

	n = mcp_b64url_enc(t, sizeof(t), hdr, strlen(hdr));
	t[n++] = '.';
	n += mcp_b64url_enc(t + n, sizeof(t) - n, pay, strlen(pay));
	t[n++] = '.';
	strcpy(t + n, sig);
	return t;
}

static int
parse(const char *tok, const char **why)
{
	struct mcp_jwt	 t;

	*why = "";
	if (mcp_jwt_parse(tok, strlen(tok), &t, why) == -1)
		return -1;
	mcp_jwt_free(&t);
	return 0;
}

static void
shapes(void)
{
	const char	*why;

	ok(parse(token("{\"alg\":\"RS256\"}", "{}", "c2ln"), &why) == 0,
	    "well-formed RS256 parses");
	ok(parse("a.b", &why) == -1 && strstr(why, "three") != NULL,
	    "two parts: %s", why);
	ok(parse("a.b.c.d", &why) == -1 && strstr(why, "three") != NULL,
	    "four parts: %s", why);
	ok(parse(token("{\"alg\":\"none\"}", "{}", ""), &why) == -1,
	    "alg none, empty signature: %s", why);
	ok(parse(token("{\"alg\":\"none\"}", "{}", "c2ln"), &why) == -1 &&
	    strcmp(why, "alg not supported") == 0, "alg none: %s", why);
	ok(parse(token("{\"alg\":\"PS256\"}", "{}", "c2ln"), &why) == -1,
	    "alg PS256 (not implemented): %s", why);
	ok(parse(token("{}", "{}", "c2ln"), &why) == -1 &&
	    strcmp(why, "header has no alg") == 0, "no alg: %s", why);
	ok(parse(token("{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}", "{}",
	    "c2ln"), &why) == 0, "typ at+jwt accepted");
	ok(parse(token("{\"alg\":\"RS256\",\"typ\":\"application/at+JWT\"}",
	    "{}", "c2ln"), &why) == 0, "typ application/at+JWT accepted");
	ok(parse(token("{\"alg\":\"RS256\",\"typ\":\"dpop+jwt\"}", "{}",
	    "c2ln"), &why) == -1, "typ dpop+jwt refused: %s", why);
	ok(parse(token("{\"alg\":\"RS256\",\"typ\":7}", "{}", "c2ln"),
	    &why) == -1, "typ not a string refused: %s", why);
	ok(parse(token("{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false}",
	    "{}", "c2ln"), &why) == -1 && strstr(why, "crit") != NULL,
	    "crit refused: %s", why);
	ok(parse(token("{\"alg\":\"RS256\",\"kid\":5}", "{}", "c2ln"),
	    &why) == -1, "numeric kid refused: %s", why);
	ok(parse(token("{\"alg\":\"RS256\"}", "[1]", "c2ln"), &why) == -1,
	    "payload not an object: %s", why);
	ok(parse(token("{\"alg\":\"RS256\"}", "{\"a\":NaN}", "c2ln"),
	    &why) == -1, "payload with NaN (not JSON): %s", why);
	ok(parse(token("{\"alg\":\"RS256\"", "{}", "c2ln"), &why) == -1,
	    "truncated header JSON: %s", why);
	ok(parse(token("{\"alg\":\"RS256\"}", "{}", "c2l"), &why) == -1,
	    "signature with non-zero leftover bits: %s", why);
}

/* A JWKS of one key made with OpenSSL, and tokens it signs. */
static EVP_PKEY	*priv;

static char *
jwks_for(EVP_PKEY *pk, const char *kid, const char *extra)
{
	static char	 doc[4096];
	BIGNUM		*n = NULL, *e = NULL;
	unsigned char	 nb[512], eb[8];
	char		 n64[700], e64[16];
	int		 nl, el;

	EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n);
	EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e);
	nl = BN_bn2bin(n, nb);
	el = BN_bn2bin(e, eb);
	mcp_b64url_enc(n64, sizeof(n64), nb, (size_t)nl);
	mcp_b64url_enc(e64, sizeof(e64), eb, (size_t)el);
	BN_free(n);
	BN_free(e);
	snprintf(doc, sizeof(doc), "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"%s\","
	    "\"n\":\"%s\",\"e\":\"%s\"%s},{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}",
	    kid, n64, e64, extra);
	return doc;
}

static char *
signed_token(const char *alg, const char *kid, const EVP_MD *md)
{
	static char	 t[4096];
	char		 hdr[512], s64[700];
	unsigned char	 sig[512];
	size_t		 siglen = sizeof(sig);
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();

	snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"kid\":\"%s\"}", alg,
	    kid);
	strcpy(t, token(hdr, "{\"sub\":\"x\"}", ""));
	t[strlen(t) - 1] = '\0';	/* drop the trailing '.' */
	EVP_DigestSignInit(ctx, NULL, md, NULL, priv);
	EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)t, strlen(t));
	EVP_MD_CTX_free(ctx);
	mcp_b64url_enc(s64, sizeof(s64), sig, siglen);
	strcat(t, ".");
	strcat(t, s64);
	return t;
}

static int
verify(struct mcp_keyset *ks, const char *tok, int *known)
{
	const struct mcp_key	*k;
	struct mcp_jwt		 t;
	const char		*why;
	int			 rc = -1;

	*known = 0;
	if (mcp_jwt_parse(tok, strlen(tok), &t, &why) == -1)
		return -2;
	if ((k = mcp_keyset_find(ks, t.kid, t.algbit, known)) != NULL)
		rc = mcp_jwt_verify(&t, k);
	mcp_jwt_free(&t);
	return rc;
}

static void	ignored_reason(void);
static void	long_kids(void);
static void	wrong_types(void);

static void
keys(void)
{
	struct mcp_keyset	*ks, *rs512;
	char			 err[256], *doc, *t, *h;
	int			 known;

	priv = EVP_RSA_gen(2048);
	doc = jwks_for(priv, "k1", "");
	ks = mcp_keyset_jwks(doc, strlen(doc), MCP_ALG_RS256 | MCP_ALG_ES256,
	    err, sizeof(err));
	ok(ks != NULL && ks->nkeys == 1, "JWKS: the RSA key, not the oct one");
	ok(ks != NULL && ks->keys[0].algs == MCP_ALG_RS256,
	    "the key is pinned to the allowed RSA algorithm only");
	ok(verify(ks, signed_token("RS256", "k1", EVP_sha256()), &known) == 0,
	    "RS256 signature verifies");
	t = signed_token("RS256", "k1", EVP_sha256());
	h = strrchr(t, '.') + 5;
	*h = *h == 'A' ? 'B' : 'A';
	ok(verify(ks, t, &known) == -1, "a changed signature fails");
	ok(verify(ks, signed_token("RS512", "k1", EVP_sha512()), &known) ==
	    -1 && known == 1, "RS512 on an RS256-pinned key is refused");
	ok(verify(ks, signed_token("HS256", "k1", EVP_sha256()), &known) ==
	    -1, "HS256 never finds a key in a JWKS");
	ok(verify(ks, signed_token("RS256", "k2", EVP_sha256()), &known) ==
	    -1 && known == 0, "unknown kid: not known (caller may refresh)");
	doc = jwks_for(priv, "k1", ",\"alg\":\"RS512\"");
	rs512 = mcp_keyset_jwks(doc, strlen(doc), MCP_ALG_RS256 |
	    MCP_ALG_RS512, err, sizeof(err));
	ok(rs512 != NULL && rs512->keys[0].algs == MCP_ALG_RS512,
	    "the JWK's own alg narrows the pin");
	ok(verify(rs512, signed_token("RS256", "k1", EVP_sha256()), &known) ==
	    -1, "RS256 refused where the JWK says RS512");
	ok(verify(rs512, signed_token("RS512", "k1", EVP_sha512()), &known) ==
	    0, "RS512 accepted there");
	doc = jwks_for(priv, "k1", ",\"use\":\"enc\"");
	mcp_keyset_put(rs512);
	rs512 = mcp_keyset_jwks(doc, strlen(doc), MCP_ALG_RS256, err,
	    sizeof(err));
	ok(rs512 != NULL && rs512->nkeys == 0, "a use=enc key is ignored");
	ok(mcp_keyset_jwks("{\"keys\":{}}", 11, MCP_ALG_RS256, err,
	    sizeof(err)) == NULL, "keys not an array: refused");
	mcp_keyset_put(rs512);
	mcp_keyset_put(ks);
	long_kids();
	wrong_types();
	EVP_PKEY_free(priv);
	ignored_reason();
}

/* The warnings mcp_keyset_jwks() logs for doc, into log (NUL-ended). */
static void
jwks_log(const char *doc, unsigned allowed, char *log, size_t logsz)
{
	struct mcp_keyset	*ks;
	FILE			*saved = stderr;
	char			*text = NULL, err[256];
	size_t			 len = 0;

	log[0] = '\0';
	if ((stderr = open_memstream(&text, &len)) == NULL) {
		stderr = saved;
		return;
	}
	ks = mcp_keyset_jwks(doc, strlen(doc), allowed, err, sizeof(err));
	fclose(stderr);
	stderr = saved;
	mcp_keyset_put(ks);
	snprintf(log, logsz, "%s", text != NULL ? text : "");
	free(text);
}

/*
 * Fills the stack below the caller with 'X', so that a buffer read before
 * it is written shows up in what the next call produces.
 */
static void __attribute__((noinline))
dirty_stack(void)
{
	char	 junk[32768];

	memset(junk, 'X', sizeof(junk));
	__asm__ volatile("" : : "r"(junk) : "memory");
}

/*
 * Why a key is ignored: the key type's reason when it has one, none when
 * only the JWK's alg or the allowed set rules it out (the reason buffer
 * of an earlier, rejected key must not leak into that message).
 */
static void
ignored_reason(void)
{
	EVP_PKEY	*small, *big;
	char		 log[2048], doc[8192];

	small = EVP_RSA_gen(1024);
	big = EVP_RSA_gen(2048);
	snprintf(doc, sizeof(doc), "%s", jwks_for(small, "s1", ""));
	jwks_log(doc, MCP_ALG_RS256, log, sizeof(log));
	ok(strstr(log, "jwks: key s1: no allowed algorithm: RSA key of 1024 "
	    "bits (at least 2048 required), ignored\n") != NULL,
	    "a 1024-bit RSA key is ignored with its reason");
	snprintf(doc, sizeof(doc), "%s", jwks_for(big, "b1",
	    ",\"alg\":\"ES256\""));
	dirty_stack();
	jwks_log(doc, MCP_ALG_RS256 | MCP_ALG_ES256, log, sizeof(log));
	ok(strstr(log, "jwks: key b1: no allowed algorithm, ignored\n") !=
	    NULL, "an RSA key whose alg says ES256: ignored, no stale reason");
	snprintf(doc, sizeof(doc), "%s", jwks_for(big, "b2", ""));
	dirty_stack();
	jwks_log(doc, MCP_ALG_ES256, log, sizeof(log));
	ok(strstr(log, "jwks: key b2: no allowed algorithm, ignored\n") !=
	    NULL, "an RSA key where only ES256 is allowed: likewise");
	EVP_PKEY_free(small);
	EVP_PKEY_free(big);
}

/*
 * A kid of 127 bytes is kept whole and its tokens verify; a longer one
 * would not fit, so the key is ignored by name (cut to 48 bytes and
 * "..." in the log) rather than kept under a kid no token can match.
 */
static void
long_kids(void)
{
	struct mcp_keyset	*ks;
	char			 kid[200], doc[4096], log[2048], want[256], err[256];
	int			 known;

	memset(kid, 'k', 127);
	kid[127] = '\0';
	snprintf(doc, sizeof(doc), "%s", jwks_for(priv, kid, ""));
	ks = mcp_keyset_jwks(doc, strlen(doc), MCP_ALG_RS256, err,
	    sizeof(err));
	ok(ks != NULL && ks->nkeys == 1 && strcmp(ks->keys[0].kid, kid) == 0,
	    "a 127-byte kid is kept whole");
	ok(verify(ks, signed_token("RS256", kid, EVP_sha256()), &known) == 0,
	    "and its token verifies");
	mcp_keyset_put(ks);
	memset(kid, 'k', 128);
	kid[128] = '\0';
	snprintf(doc, sizeof(doc), "%s", jwks_for(priv, kid, ""));
	jwks_log(doc, MCP_ALG_RS256, log, sizeof(log));
	snprintf(want, sizeof(want), "jwks: key %.48s...: kid longer than 127 "
	    "bytes, ignored\n", kid);
	ok(strstr(log, want) != NULL, "a 128-byte kid: the key is ignored, "
	    "its kid cut in the log");
	ks = mcp_keyset_jwks(doc, strlen(doc), MCP_ALG_RS256, err,
	    sizeof(err));
	ok(ks != NULL && ks->nkeys == 0, "and the set holds no key");
	mcp_keyset_put(ks);
	/* Other warnings quote a long kid cut the same way. */
	memset(kid, 'q', 100);
	kid[100] = '\0';
	snprintf(doc, sizeof(doc), "%s", jwks_for(priv, kid,
	    ",\"alg\":\"ES256\""));
	jwks_log(doc, MCP_ALG_RS256, log, sizeof(log));
	snprintf(want, sizeof(want), "jwks: key %.48s...: no allowed "
	    "algorithm, ignored\n", kid);
	ok(strstr(log, want) != NULL, "a 100-byte kid in a warning: cut at 48");
}

/* The number of keys mcp_keyset_jwks() keeps from doc (-1: refused). */
static int
nkeys(const char *doc)
{
	struct mcp_keyset	*ks;
	char			 err[256];
	int			 n;

	if ((ks = mcp_keyset_jwks(doc, strlen(doc), MCP_ALG_RS256, err,
	    sizeof(err))) == NULL)
		return -1;
	n = (int)ks->nkeys;
	mcp_keyset_put(ks);
	return n;
}

/*
 * JWK members of the wrong type never crash the parser and never widen
 * a key: kid, kty, alg and use that are not strings, or key_ops that is
 * not an array, leave the key out with a warning; an element of key_ops
 * that is not a string is passed over, and the key is kept only when
 * another element says "verify".  (The second key of jwks_for()'s set is
 * an "oct" one, never kept.)
 */
static void
wrong_types(void)
{
	static const struct {
		const char	*extra, *log;
		int		 keys;
	} t[] = {
		{ ",\"key_ops\":[null]", "key k1: key_ops holds 1 non-string "
		    "element, passed over", 0 },
		{ ",\"key_ops\":[null,\"verify\"]", "key k1: key_ops holds 1 "
		    "non-string element, passed over", 1 },
		{ ",\"key_ops\":[{},3,[\"verify\"]]", "key_ops holds 3 "
		    "non-string elements, passed over", 0 },
		{ ",\"key_ops\":[\"verify\\u0000x\"]", "key_ops holds 1 "
		    "non-string element", 0 },
		{ ",\"key_ops\":[\"sign\"]", "", 0 },
		{ ",\"key_ops\":\"verify\"", "key k1: key_ops is not an "
		    "array, ignored", 0 },
		{ ",\"key_ops\":null", "key k1: key_ops is not an array, "
		    "ignored", 0 },
		{ ",\"use\":null", "key k1: use is not a string, ignored", 0 },
		{ ",\"use\":[\"sig\"]", "key k1: use is not a string", 0 },
		{ ",\"use\":\"enc\\u0000\"", "key k1: use is not a string",
		    0 },
		{ ",\"alg\":null", "key k1: alg is not a string, ignored", 0 },
		{ ",\"alg\":[\"RS256\"]", "key k1: alg is not a string", 0 },
		{ ",\"kid\":7", "key (key 0): kid is not a string, ignored", 0 },
		{ ",\"kid\":\"k1\\u0000x\"", "key (key 0): kid is not a "
		    "string", 0 },
		{ ",\"kty\":{\"RSA\":1}", "key k1: kty is not a string, "
		    "ignored", 0 },
		{ ",\"n\":null", "key k1: bad RSA parameters, ignored", 0 },
		{ ",\"e\":[1]", "key k1: bad RSA parameters, ignored", 0 },
		{ ",\"use\":\"sig\",\"key_ops\":[\"verify\"]", "", 1 },
	};
	char		 doc[8192], log[2048];
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(doc, sizeof(doc), "%s", jwks_for(priv, "k1",
		    t[i].extra));
		jwks_log(doc, MCP_ALG_RS256, log, sizeof(log));
		n = nkeys(doc);
		ok(n == t[i].keys && strstr(log, t[i].log) != NULL,
		    "JWK with %s: %d key(s), log \"%s\"", t[i].extra, n,
		    t[i].log);
	}
	ok(nkeys("{\"keys\":[null,5,\"k\",[]]}") == 0,
	    "keys that are not objects: none kept");
	jwks_log("{\"keys\":[null]}", MCP_ALG_RS256, log, sizeof(log));
	ok(strstr(log, "jwks: key (key 0): not a JSON object, ignored") !=
	    NULL, "and a warning names each by its index");
}

int
main(void)
{
	b64();
	b64_lengths();
	shapes();
	keys();
	return done();
}
