/*
 * rand.c: identifiers that must not be guessable come from OpenSSL's
 * CSPRNG.
 */
#include <openssl/rand.h>

#include "extern.h"

int
mcp_rand_hex(char *out, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[64];
	size_t			 i;

	if (n > sizeof(b) || RAND_bytes(b, (int)n) != 1)
		return -1;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
	return 0;
}
