/*
 * jwt.c: fuzzes what an attacker controls in auth: the bearer token
 * (parsing, key selection, signature check against an HS256 key and an
 * RSA key) and a JWKS document (as fetched from a key server), and checks
 * that base64url decoding is the exact inverse of encoding.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mcp_keyset	*hs;
	const struct mcp_key		*k;
	struct mcp_keyset		*ks;
	struct mcp_jwt			 t;
	const char			*why;
	unsigned char			 raw[4096];
	char				*s, enc[6000];
	char				 err[256];
	long				 n;
	int				 known;

	if (hs == NULL)
		hs = mcp_keyset_secret((const unsigned char *)
		    "0123456789abcdef0123456789abcdef", 32);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mcp_jwt_parse(s, size, &t, &why) == 0) {
		if ((k = mcp_keyset_find(hs, t.kid, t.algbit, &known)) !=
		    NULL && mcp_jwt_verify(&t, k) == 0)
			abort();	/* nobody can forge the HMAC */
		mcp_jwt_free(&t);
	}
	if ((ks = mcp_keyset_jwks(s, size, MCP_ALG_RS256 | MCP_ALG_ES256 |
	    MCP_ALG_ES384 | MCP_ALG_ES512, err, sizeof(err))) != NULL)
		mcp_keyset_put(ks);
	if (size < 4000 && (n = mcp_b64url_dec(raw, sizeof(raw), s, size)) >=
	    0) {
		if (mcp_b64url_enc(enc, sizeof(enc), raw, (size_t)n) != size ||
		    memcmp(enc, s, size) != 0)
			abort();	/* one encoding per value */
	}
	free(s);
	return 0;
}
