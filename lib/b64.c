/*
 * b64.c: base64url without padding (RFC 4648 §5, as JWS uses it, RFC 7515
 * §2).  The decoder is strict: only the URL-safe alphabet, no padding, no
 * whitespace, and the unused bits of the last character must be zero, so
 * that each byte string has exactly one encoding (a signature cannot be
 * altered without changing what it decodes to).
 */
#include <stddef.h>
#include <stdint.h>

#include "extern.h"

static const char	 alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
mcp_b64url_enc(char *out, size_t outsz, const void *in, size_t n)
{
	const unsigned char	*p = in;
	size_t			 o = 0, i;
	uint32_t		 v;

	if (outsz == 0 || outsz - 1 < (n / 3) * 4 + ((n % 3) ? n % 3 + 1 : 0))
		return 0;
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		out[o++] = alpha[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)p[i] << 16;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

/* Value of each byte in the URL-safe alphabet, or -1. */
static const signed char dec[256] = {
	['A'] = 0, ['B'] = 1, ['C'] = 2, ['D'] = 3, ['E'] = 4, ['F'] = 5,
	['G'] = 6, ['H'] = 7, ['I'] = 8, ['J'] = 9, ['K'] = 10, ['L'] = 11,
	['M'] = 12, ['N'] = 13, ['O'] = 14, ['P'] = 15, ['Q'] = 16, ['R'] = 17,
	['S'] = 18, ['T'] = 19, ['U'] = 20, ['V'] = 21, ['W'] = 22, ['X'] = 23,
	['Y'] = 24, ['Z'] = 25, ['a'] = 26, ['b'] = 27, ['c'] = 28, ['d'] = 29,
	['e'] = 30, ['f'] = 31, ['g'] = 32, ['h'] = 33, ['i'] = 34, ['j'] = 35,
	['k'] = 36, ['l'] = 37, ['m'] = 38, ['n'] = 39, ['o'] = 40, ['p'] = 41,
	['q'] = 42, ['r'] = 43, ['s'] = 44, ['t'] = 45, ['u'] = 46, ['v'] = 47,
	['w'] = 48, ['x'] = 49, ['y'] = 50, ['z'] = 51, ['0'] = 52, ['1'] = 53,
	['2'] = 54, ['3'] = 55, ['4'] = 56, ['5'] = 57, ['6'] = 58, ['7'] = 59,
	['8'] = 60, ['9'] = 61, ['-'] = 62, ['_'] = 63,
};

/* dec[] leaves unlisted bytes 0; 'A' is the only listed 0. */
static int
val(unsigned char c)
{
	return dec[c] != 0 || c == 'A' ? dec[c] : -1;
}

long
mcp_b64url_dec(unsigned char *out, size_t outsz, const char *in, size_t n)
{
	size_t		 o = 0, i;
	uint32_t	 acc = 0;
	int		 bits = 0, a, b, c, d;

	if (n % 4 == 1)
		return -1;
	if (outsz < n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0))
		return -1;
	/* Whole groups of four characters: three bytes each. */
	for (i = 0; i + 4 <= n; i += 4) {
		a = val((unsigned char)in[i]);
		b = val((unsigned char)in[i + 1]);
		c = val((unsigned char)in[i + 2]);
		d = val((unsigned char)in[i + 3]);
		if ((a | b | c | d) < 0)
			return -1;
		acc = (uint32_t)a << 18 | (uint32_t)b << 12 |
		    (uint32_t)c << 6 | (uint32_t)d;
		out[o++] = (unsigned char)(acc >> 16);
		out[o++] = (unsigned char)(acc >> 8);
		out[o++] = (unsigned char)acc;
	}
	/* The final two or three, a bit at a time. */
	acc = 0;
	for (; i < n; i++) {
		if ((d = val((unsigned char)in[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits of a final partial group must be zero. */
	if (acc != 0)
		return -1;
	return (long)o;
}
