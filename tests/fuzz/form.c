/*
 * form.c: fuzzes the token endpoint's parsers (lib/form.c): the input as
 * a urlencoded body, and as the value of an Authorization: Basic header.
 * Whatever parses must hold the documented limits and must parse to the
 * same result again after being encoded back.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Percent-encodes every byte but the unreserved ones. */
static size_t
enc(char *out, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 n = 0;
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return n;
}

static void
form(const uint8_t *data, size_t size)
{
	static struct mcp_form	 f, g;
	static char		 again[3 * MCP_FORM_MAX + 64];
	const char		*why;
	size_t			 i, j, n = 0;

	if (size > MCP_FORM_MAX)
		size = MCP_FORM_MAX;
	memcpy(f.buf, data, size);
	if (mcp_form_parse(&f, size, &why) == -1) {
		if (why == NULL || *why == '\0')
			abort();	/* every refusal says why */
		return;
	}
	if (f.n > MCP_FORM_PARAMS)
		abort();
	for (i = 0; i < f.n; i++) {
		if (*f.key[i] == '\0' || *f.val[i] == '\0')
			abort();	/* empty ones are left out */
		for (j = 0; j < i; j++)
			if (strcmp(f.key[i], f.key[j]) == 0)
				abort();	/* repeats are refused */
		if (mcp_form_get(&f, f.key[i]) != f.val[i])
			abort();
	}
	/* Encoded back, the pairs parse to themselves. */
	for (i = 0; i < f.n; i++) {
		n += enc(again + n, f.key[i]);
		again[n++] = '=';
		n += enc(again + n, f.val[i]);
		again[n++] = '&';
	}
	if (n > MCP_FORM_MAX)
		return;
	memcpy(g.buf, again, n);
	if (mcp_form_parse(&g, n, &why) == -1 || g.n != f.n)
		abort();
	for (i = 0; i < f.n; i++)
		if (strcmp(g.key[i], f.key[i]) != 0 ||
		    strcmp(g.val[i], f.val[i]) != 0)
			abort();
}

static void
basic(const uint8_t *data, size_t size)
{
	char	 id[64], secret[128], id2[64], secret2[128];
	char	 raw[3 * (sizeof(id) + sizeof(secret)) + 2];
	char	 b64[2 * sizeof(raw)];
	char	 h[sizeof(b64) + 8];
	size_t	 n;

	_Static_assert(sizeof(h) > 6 + MCP_BASIC_MAX + 32, "h holds the input");

	if (size > MCP_BASIC_MAX + 32)
		size = MCP_BASIC_MAX + 32;
	memcpy(h, "Basic ", 6);
	memcpy(h + 6, data, size);
	h[6 + size] = '\0';
	if (mcp_basic_credentials(h, id, sizeof(id), secret,
	    sizeof(secret)) == -1)
		return;
	if (id[0] == '\0' || strlen(id) >= sizeof(id) ||
	    strlen(secret) >= sizeof(secret))
		abort();
	n = enc(raw, id);
	raw[n++] = ':';
	n += enc(raw + n, secret);
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)raw, (int)n);
	if (strlen(b64) > MCP_BASIC_MAX)
		return;
	snprintf(h, sizeof(h), "Basic %s", b64);
	if (mcp_basic_credentials(h, id2, sizeof(id2), secret2,
	    sizeof(secret2)) == -1 || strcmp(id, id2) != 0 ||
	    strcmp(secret, secret2) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	form(data, size);
	basic(data, size);
	return 0;
}
