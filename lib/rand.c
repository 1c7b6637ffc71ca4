/*
 * rand.c: identifiers that must not be guessable come from OpenSSL's
 * CSPRNG.
 */
#include <stdint.h>

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

/*
 * Request ids only have to be distinct in the log, not unpredictable: a
 * per-thread xorshift generator seeded once from the CSPRNG, which spares
 * each request OpenSSL's locks.
 */
void
mcp_rand_rid(char *out)
{
	static __thread uint64_t	 x;
	static const char		 hex[] = "0123456789abcdef";
	int				 i;

	while (x == 0 && RAND_bytes((unsigned char *)&x, sizeof(x)) != 1)
		x = (uint64_t)(uintptr_t)&x;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	for (i = 0; i < 16; i++)
		out[i] = hex[(x >> (4 * i)) & 0x0f];
	out[16] = '\0';
}
