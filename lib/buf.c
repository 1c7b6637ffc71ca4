/*
 * buf.c: a growable, always NUL-terminated byte buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

static int
grow(struct mcp_buf *b, size_t need)
{
	size_t	 cap;
	char	*p;

	if (need < b->len || need == SIZE_MAX)
		return -1;
	if (need + 1 <= b->cap)
		return 0;
	if (b->max != 0 && need > b->max) {
		b->over = 1;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < need + 1) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	if ((p = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* mcp_buf_room() when the buffer must grow first. */
int
mcp_buf_grow(struct mcp_buf *b, size_t n)
{
	if (n > SIZE_MAX - b->len - 1)
		return -1;
	return grow(b, b->len + n);
}

char *
mcp_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return end;
}

int
mcp_hexval(unsigned char x)
{
	if (x >= '0' && x <= '9')
		return x - '0';
	if (x >= 'a' && x <= 'f')
		return x - 'a' + 10;
	if (x >= 'A' && x <= 'F')
		return x - 'A' + 10;
	return -1;
}

size_t
mcp_strlcpy(char *dst, const char *src, size_t sz)
{
	size_t	 n = strlen(src);

	if (sz > 0) {
		memcpy(dst, src, n < sz ? n : sz - 1);
		dst[n < sz ? n : sz - 1] = '\0';
		if (n >= sz)
			mcp_utf8_cut(dst);
	}
	return n;
}

int
mcp_buf_add(struct mcp_buf *b, const void *data, size_t len)
{
	if (mcp_buf_room(b, len) == -1)
		return -1;
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int
mcp_buf_puts(struct mcp_buf *b, const char *s)
{
	return mcp_buf_add(b, s, strlen(s));
}

int
mcp_buf_printf(struct mcp_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, b->len + (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	b->len += (size_t)n;
	return 0;
}

void
mcp_buf_reset(struct mcp_buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->p[0] = '\0';
}

void
mcp_buf_free(struct mcp_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
