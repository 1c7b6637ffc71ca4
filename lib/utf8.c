/*
 * utf8.c: UTF-8 as RFC 3629 defines it (no overlong forms, no surrogates,
 * nothing past U+10FFFF), for the JSON reader that refuses anything else
 * and for the writers that must never send anything else.
 */
#include <string.h>

#include "extern.h"

size_t
mcp_utf8_seq(const unsigned char *s, size_t left)
{
	unsigned int	 cp, min;
	size_t		 n, i;

	if (left == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t
mcp_utf8_cut(char *s)
{
	unsigned char	 c;
	size_t		 n = strlen(s), i, need;

	/* Back over at most three continuation bytes to a lead byte. */
	for (i = n; i > 0 && n - i < 4; i--) {
		c = (unsigned char)s[i - 1];
		if ((c & 0xc0) == 0x80)
			continue;
		need = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
		    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (need != 0 && n - (i - 1) < need)
			s[n = i - 1] = '\0';
		return n;
	}
	return n;
}
