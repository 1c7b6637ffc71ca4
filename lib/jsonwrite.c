/*
 * jsonwrite.c: compact serialization of a json-c value into an mcp_buf.
 * The text is byte for byte what json_object_to_json_string_ext() gives
 * with JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE (the fuzz
 * target tests/fuzz/json.c compares the two on every input), without
 * json-c's print buffer kept in every object and its many small appends:
 * a tools/call answer is serialized once per request, and json-c's
 * serializer was an eighth of the request's instructions.
 */
#include <inttypes.h>
#include <string.h>

#include "extern.h"

#define FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Bytes written for each input byte of a string: 1, 2 (\n) or 6 (\u00XX). */
static const unsigned char width[256] = {
	6, 6, 6, 6, 6, 6, 6, 6, 2, 2, 2, 6, 2, 2, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* n bytes that fit (mcp_buf_room() was asked for them). */
static void
put(struct mcp_buf *b, const char *p, size_t n)
{
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/*
 * mcp_buf_add() without its NUL after every piece (mcp_json_write() ends
 * the text once): 2% of a tools/call's instructions in callgrind.
 */
static int
text(struct mcp_buf *b, const char *p, size_t n)
{
	if (mcp_buf_room(b, n) == -1)
		return -1;
	put(b, p, n);
	return 0;
}

/*
 * s with every byte that does not begin a valid UTF-8 sequence replaced
 * by U+FFFD, written as a JSON string.  Only text a handler built wrongly
 * gets here: what came through the reader is valid.
 */
static int
write_repaired(struct mcp_buf *b, const unsigned char *p, size_t n)
{
	struct mcp_buf	 t = { 0 };
	size_t		 i, k;
	int		 rc;

	for (i = 0; i < n; i += k)
		if ((k = mcp_utf8_seq(p + i, n - i)) == 0) {
			k = 1;
			if (mcp_buf_add(&t, "\xef\xbf\xbd", 3) == -1)
				break;
		} else if (mcp_buf_add(&t, p + i, k) == -1)
			break;
	rc = i < n ? -1 : mcp_json_write_string(b, t.p != NULL ? t.p : "",
	    t.len);
	mcp_buf_free(&t);
	return rc;
}

/*
 * s as a JSON string: sized first, then written in one reservation.  The
 * answer is always UTF-8 (RFC 8259 8.1), whatever a handler put in s.
 */
int
mcp_json_write_string(struct mcp_buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, k, out = 2;
	unsigned char		 hi = 0;
	char			*w, c;

	for (i = 0; i < n; i++) {
		out += width[p[i]];
		hi |= p[i];
	}
	if (hi & 0x80)
		for (i = 0; i < n; i += k)
			if ((k = mcp_utf8_seq(p + i, n - i)) == 0)
				return write_repaired(b, p, n);
	if (out < n || mcp_buf_room(b, out) == -1)
		return -1;
	w = b->p + b->len;
	*w++ = '"';
	if (out == n + 2) {
		memcpy(w, s, n);
		w += n;
	} else
		for (i = 0; i < n; i++) {
			if (width[p[i]] == 1) {
				*w++ = (char)p[i];
				continue;
			}
			*w++ = '\\';
			switch (p[i]) {
			case '"':  c = '"';  break;
			case '\\': c = '\\'; break;
			case '\b': c = 'b';  break;
			case '\f': c = 'f';  break;
			case '\n': c = 'n';  break;
			case '\r': c = 'r';  break;
			case '\t': c = 't';  break;
			default:
				memcpy(w, "u00", 3);
				w[3] = hex[p[i] >> 4];
				w[4] = hex[p[i] & 0xf];
				w += 5;
				continue;
			}
			*w++ = c;
		}
	*w++ = '"';
	b->len = (size_t)(w - b->p);
	return 0;
}

int
mcp_json_write_int(struct mcp_buf *b, int64_t v)
{
	char		 num[24], *p, *end = num + sizeof(num);

	if (v < 0) {
		p = mcp_digits(end, (uint64_t)0 - (uint64_t)v);
		*--p = '-';
	} else
		p = mcp_digits(end, (uint64_t)v);
	return text(b, p, (size_t)(end - p));
}

static int
integer(struct mcp_buf *b, struct json_object *o)
{
	char		 num[24], *p, *end = num + sizeof(num);
	int64_t		 v = json_object_get_int64(o);

	/* json-c keeps integers above INT64_MAX as unsigned. */
	if (v != INT64_MAX)
		return mcp_json_write_int(b, v);
	p = mcp_digits(end, json_object_get_uint64(o));
	return text(b, p, (size_t)(end - p));
}

static int
value(struct mcp_buf *b, struct json_object *o)
{
	struct lh_entry	*e;
	const char	*k;
	size_t		 i, n;

	switch (json_object_get_type(o)) {
	case json_type_null:
		return text(b, "null", 4);
	case json_type_boolean:
		return json_object_get_boolean(o) ? text(b, "true", 4) :
		    text(b, "false", 5);
	case json_type_int:
		return integer(b, o);
	case json_type_double:
		/* Its source text, or json-c's own formatting: json-c's. */
		return mcp_buf_puts(b, json_object_to_json_string_ext(o,
		    FLAGS));
	case json_type_string:
		return mcp_json_write_string(b, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (text(b, i == 0 ? "[" : ",", 1) == -1 ||
			    value(b, json_object_array_get_idx(o, i)) == -1)
				return -1;
		return text(b, n == 0 ? "[]" : "]", n == 0 ? 2 : 1);
	case json_type_object:
		e = json_object_get_object(o)->head;
		if (e == NULL)
			return text(b, "{}", 2);
		for (; e != NULL; e = e->next) {
			k = lh_entry_k(e);
			if (text(b, e->prev == NULL ? "{" : ",", 1) == -1 ||
			    mcp_json_write_string(b, k, strlen(k)) == -1 ||
			    text(b, ":", 1) == -1 ||
			    value(b, (struct json_object *)lh_entry_v(e)) == -1)
				return -1;
		}
		return text(b, "}", 1);
	}
	return -1;
}

int
mcp_json_write(struct mcp_buf *b, struct json_object *o)
{
	if (value(b, o) == -1)
		return -1;
	b->p[b->len] = '\0';
	return 0;
}
