/*
 * jsonread.c: reading untrusted JSON.  One pass checks RFC 8259 syntax
 * and, when asked, builds the json-c tree.
 *
 * json-c 0.16's JSON_TOKENER_STRICT still accepts single-quoted strings,
 * NaN, Infinity and raw control characters inside strings (measured), and
 * its tokener switches the thread's locale on every call, which showed in
 * profiles; so we read JSON ourselves and only build with json-c.  The
 * check refuses what RFC 8259 refuses, bounds nesting, and validates UTF-8
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
 *
 * The tree is the one json-c's tokener would build from the same text
 * (tests/fuzz/json.c compares them): duplicate keys keep the last value
 * in the first key's place, a key is cut at an escaped NUL, integers
 * beyond 64 bits are clamped (positive ones above INT64_MAX are uint64),
 * a number with a fraction or exponent is a double that serializes as
 * written, and an escaped lone surrogate becomes U+FFFD.
 */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

struct cur {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 depth;
	int			 max;
	int			 build;		/* build the tree, not only check */
	enum mcp_err		 err;
	struct mcp_buf		 scratch;	/* decoded strings, numbers */
};

static int	value(struct cur *, struct json_object **);

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
bad(struct cur *c, enum mcp_err e)
{
	if (c->err == MCP_OK)
		c->err = e;
	return -1;
}

/* One UTF-8 sequence starting at c->p (a byte >= 0x80). */
static int
utf8(struct cur *c)
{
	size_t	 n;

	if ((n = mcp_utf8_seq(c->p, (size_t)(c->end - c->p))) == 0)
		return bad(c, MCP_ERR_UTF8);
	c->p += n;
	return 0;
}

/* Four hex digits after "\u"; -1 (a parse error) if they are not. */
static long
hex4(struct cur *c)
{
	long	 v = 0;
	int	 i, h;

	for (i = 0; i < 4; i++) {
		if (c->p >= c->end || (h = mcp_hexval(*c->p)) < 0)
			return bad(c, MCP_ERR_PARSE);
		v = (v << 4) | h;
		c->p++;
	}
	return v;
}

/* Appends code point cp to the scratch buffer as UTF-8. */
static int
put_cp(struct cur *c, unsigned long cp)
{
	char	 u[4];
	size_t	 n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return mcp_buf_add(&c->scratch, u, n) == -1 ?
	    bad(c, MCP_ERR_NOMEM) : 0;
}

/*
 * "\u" escape(s) after the 'u': one code point, a surrogate pair joined;
 * a lone surrogate is U+FFFD, and a high one followed by another high one
 * leaves that one to pair with what follows.
 */
static int
escape_u(struct cur *c)
{
	long	 hi, lo;

	if ((hi = hex4(c)) < 0)
		return -1;
	for (;;) {
		if (hi < 0xd800 || hi > 0xdfff)
			return c->build ? put_cp(c, (unsigned long)hi) : 0;
		if (hi > 0xdbff || c->end - c->p < 2 || c->p[0] != '\\' ||
		    c->p[1] != 'u')
			return c->build ? put_cp(c, 0xfffd) : 0;
		c->p += 2;
		if ((lo = hex4(c)) < 0)
			return -1;
		if (lo >= 0xdc00 && lo <= 0xdfff)
			return c->build ? put_cp(c, 0x10000 +
			    (((unsigned long)hi - 0xd800) << 10) +
			    ((unsigned long)lo - 0xdc00)) : 0;
		if (c->build && put_cp(c, 0xfffd) == -1)
			return -1;
		hi = lo;
	}
}

/* The byte a one-letter escape stands for (RFC 8259 §7), or -1. */
static int
unescape(unsigned char e)
{
	switch (e) {
	case '"': case '\\': case '/':
		return e;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return -1;
	}
}

/* Bytes a string holds as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
	['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/*
 * A string at c->p (its opening quote).  When building, *s and *n give
 * its decoded bytes: in the input itself when it holds no escape, else in
 * c->scratch (valid until the next string or number).
 */
static int
string(struct cur *c, const char **s, size_t *n)
{
	const unsigned char	*start, *run;
	int			 esc = 0, ch;

	start = run = ++c->p;		/* past the opening quote */
	if (c->build)
		c->scratch.len = 0;
	while (c->p < c->end) {
		/* Most of a string is printable ASCII: skip it in one loop. */
		while (plain[*c->p] && ++c->p < c->end)
			continue;
		if (c->p >= c->end)
			break;
		if (*c->p == '"') {
			if (c->build) {
				if (esc) {
					if (mcp_buf_add(&c->scratch,
					    (const char *)run,
					    (size_t)(c->p - run)) == -1)
						return bad(c, MCP_ERR_NOMEM);
					*s = c->scratch.p != NULL ?
					    c->scratch.p : "";
					*n = c->scratch.len;
				} else {
					*s = (const char *)start;
					*n = (size_t)(c->p - start);
				}
			}
			c->p++;
			return 0;
		}
		if (*c->p < 0x20)
			return bad(c, MCP_ERR_PARSE);
		if (*c->p >= 0x80) {
			if (utf8(c) == -1)
				return -1;
			continue;
		}
		if (*c->p != '\\') {
			c->p++;
			continue;
		}
		/* An escape: flush the plain run before it. */
		if (c->build && mcp_buf_add(&c->scratch, (const char *)run,
		    (size_t)(c->p - run)) == -1)
			return bad(c, MCP_ERR_NOMEM);
		esc = 1;
		if (++c->p >= c->end)
			break;
		if (*c->p == 'u') {
			c->p++;
			if (escape_u(c) == -1)
				return -1;
		} else if ((ch = unescape(*c->p++)) < 0)
			return bad(c, MCP_ERR_PARSE);
		else if (c->build && put_cp(c, (unsigned long)ch) == -1)
			return -1;
		run = c->p;
	}
	return bad(c, MCP_ERR_PARSE);
}

static int
digits(struct cur *c)
{
	const unsigned char	*s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > s ? 0 : -1;
}

static locale_t		 c_locale;
static pthread_once_t	 c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* The number text (NUL-terminated in scratch) as json-c would hold it. */
static struct json_object *
number_object(struct cur *c, const char *t, int dbl)
{
	long long		 i;
	unsigned long long	 u;
	double			 d;
	char			*end;

	if (dbl) {
		pthread_once(&c_locale_once, c_locale_init);
		d = c_locale != (locale_t)0 ? strtod_l(t, &end, c_locale) :
		    strtod(t, &end);
		return json_object_new_double_s(d, t);
	}
	/* json-c clamps what does not fit in 64 bits; so do we. */
	errno = 0;
	if (t[0] == '-') {
		i = strtoll(t, &end, 10);
		return json_object_new_int64(i);
	}
	u = strtoull(t, &end, 10);
	if (u <= INT64_MAX)
		return json_object_new_int64((int64_t)u);
	(void)c;
	return json_object_new_uint64(u);
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int
number(struct cur *c, struct json_object **out)
{
	const unsigned char	*s = c->p;
	int			 dbl = 0;

	if (*c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (digits(c) == -1)
		return bad(c, MCP_ERR_PARSE);
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		dbl = 1;
		if (digits(c) == -1)
			return bad(c, MCP_ERR_PARSE);
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		dbl = 1;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (digits(c) == -1)
			return bad(c, MCP_ERR_PARSE);
	}
	if (!c->build)
		return 0;
	c->scratch.len = 0;
	if (mcp_buf_add(&c->scratch, (const char *)s, (size_t)(c->p - s)) ==
	    -1 || (*out = number_object(c, c->scratch.p, dbl)) == NULL)
		return bad(c, MCP_ERR_NOMEM);
	return 0;
}

static int
literal(struct cur *c, const char *word)
{
	for (; *word != '\0'; word++, c->p++)
		if (c->p >= c->end || *c->p != (unsigned char)*word)
			return bad(c, MCP_ERR_PARSE);
	return 0;
}

/*
 * json_object_object_add() hashes the key twice (lookup, then insert);
 * a small object is searched in order instead, and a new key inserted
 * once.  A repeated key still replaces the earlier value, as in json-c.
 */
static int
add(struct json_object *o, const char *key, struct json_object *v)
{
	if (json_object_object_length(o) <= 8 && !mcp_json_get(o, key, NULL))
		return json_object_object_add_ex(o, key, v,
		    JSON_C_OBJECT_ADD_KEY_IS_NEW);
	return json_object_object_add(o, key, v);
}

/* Members or elements up to the closing bracket. */
static int
container(struct cur *c, unsigned char close, struct json_object **out)
{
	struct json_object	*o = NULL, *v;
	const char		*k;
	char			 kbuf[256], *key = NULL;
	size_t			 kn;

	if (++c->depth > c->max)
		return bad(c, MCP_ERR_DEPTH);
	if (c->build) {
		o = close == '}' ? json_object_new_object() :
		    json_object_new_array();
		if ((*out = o) == NULL)
			return bad(c, MCP_ERR_NOMEM);
	}
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	for (;;) {
		ws(c);
		if (close == '}') {
			if (c->p >= c->end || *c->p != '"' ||
			    string(c, &k, &kn) == -1)
				return bad(c, MCP_ERR_PARSE);
			if (c->build) {
				/*
				 * Keys are C strings in json-c: an escaped
				 * NUL ends one.  The scratch buffer is reused
				 * by the value, so the key is copied.
				 */
				if (kn < sizeof(kbuf))
					key = kbuf;
				else if ((key = malloc(kn + 1)) == NULL)
					return bad(c, MCP_ERR_NOMEM);
				memcpy(key, k, kn);
				key[kn] = '\0';
			}
			ws(c);
			if (c->p >= c->end || *c->p++ != ':') {
				if (key != kbuf)
					free(key);
				return bad(c, MCP_ERR_PARSE);
			}
		}
		v = NULL;
		if (value(c, c->build ? &v : NULL) == -1) {
			json_object_put(v);	/* a container, partly built */
			if (key != kbuf)
				free(key);
			return -1;
		}
		if (c->build) {
			if (close == '}') {
				if (add(o, key, v) != 0) {
					json_object_put(v);
					if (key != kbuf)
						free(key);
					return bad(c, MCP_ERR_NOMEM);
				}
				if (key != kbuf)
					free(key);
				key = NULL;
			} else if (json_object_array_add(o, v) != 0) {
				json_object_put(v);
				return bad(c, MCP_ERR_NOMEM);
			}
		}
		if (c->p >= c->end)
			return bad(c, MCP_ERR_PARSE);
		if (*c->p == ',') {
			c->p++;
			continue;
		}
		if (*c->p++ != close)
			return bad(c, MCP_ERR_PARSE);
		c->depth--;
		return 0;
	}
}

/* One value; *out (when building) receives it, NULL for null. */
static int
value(struct cur *c, struct json_object **out)
{
	const char	*s;
	size_t		 n;
	int		 rc;

	ws(c);
	if (c->p >= c->end)
		return bad(c, MCP_ERR_PARSE);
	switch (*c->p) {
	case '{':
		rc = container(c, '}', out);
		break;
	case '[':
		rc = container(c, ']', out);
		break;
	case '"':
		rc = string(c, &s, &n);
		if (rc == 0 && c->build && (n > INT32_MAX ||
		    (*out = json_object_new_string_len(s, (int)n)) == NULL))
			rc = bad(c, MCP_ERR_NOMEM);
		break;
	case 't':
		if ((rc = literal(c, "true")) == 0 && c->build &&
		    (*out = json_object_new_boolean(1)) == NULL)
			rc = bad(c, MCP_ERR_NOMEM);
		break;
	case 'f':
		if ((rc = literal(c, "false")) == 0 && c->build &&
		    (*out = json_object_new_boolean(0)) == NULL)
			rc = bad(c, MCP_ERR_NOMEM);
		break;
	case 'n':
		rc = literal(c, "null");
		break;
	default:
		if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
			rc = number(c, out);
		else
			rc = bad(c, MCP_ERR_PARSE);
	}
	if (rc == 0)
		ws(c);
	return rc;
}

static enum mcp_err
read_json(const char *buf, size_t len, int maxdepth, int build,
    struct json_object **out)
{
	struct cur		 c;
	struct json_object	*o = NULL;

	memset(&c, 0, sizeof(c));
	c.p = (const unsigned char *)buf;
	c.end = c.p + len;
	c.max = maxdepth;
	c.build = build;
	c.err = MCP_OK;
	if (value(&c, build ? &o : NULL) == 0 && c.p != c.end)
		bad(&c, MCP_ERR_PARSE);
	mcp_buf_free(&c.scratch);
	/* On failure the tree is partly built: container() hung it on o. */
	if (c.err != MCP_OK) {
		json_object_put(o);
		return c.err;
	}
	if (build)
		*out = o;
	return MCP_OK;
}

enum mcp_err
mcp_json_syntax(const char *buf, size_t len, int maxdepth)
{
	return read_json(buf, len, maxdepth, 0, NULL);
}

enum mcp_err
mcp_json_read(const char *buf, size_t len, int maxdepth,
    struct json_object **out)
{
	*out = NULL;
	return read_json(buf, len, maxdepth, 1, out);
}
