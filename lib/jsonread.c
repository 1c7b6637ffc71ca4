/*
 * jsonread.c: reading untrusted JSON.  One pass checks RFC 8259 syntax
 * and, when asked, builds the value as nodes of a document
 * (lib/jsondoc.c).
 *
 * json-c 0.16's JSON_TOKENER_STRICT still accepts single-quoted strings,
 * NaN, Infinity and raw control characters inside strings (measured), and
 * its tokener switches the thread's locale on every call, which showed in
 * profiles; so we read JSON ourselves.  The check refuses what RFC 8259
 * refuses, bounds nesting, and validates UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF).
 *
 * The nodes keep what json-c's tree would hold (tests/fuzz/json.c
 * compares the copy with json-c's own): every member in the order
 * written (lookups and the copy keep the last of a repeated name), a
 * string's decoded bytes, a number's text, and an escaped lone surrogate
 * as U+FFFD.  Strings are decoded in the text itself, each ended by a
 * NUL where its closing quote was, so a request's strings are never
 * copied; a string's length is kept beside it, since "\u0000" may be
 * inside.  A member name may not hold U+0000 (MCP_ERR_NULNAME): names
 * are looked up, and become json-c's keys, as C strings.
 */
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
	int			 nul;		/* the last string held U+0000 */
	struct mcp_jdoc		*doc;		/* where, when building */
	enum mcp_err		 err;
	/*
	 * Building decodes strings where they are written: base is the
	 * text as writable, and w where the current string's decoded
	 * bytes go once it has had an escape, never past p: an escape is
	 * longer than what it stands for.
	 */
	unsigned char		*base;
	unsigned char		*w;
};

static int	value(struct cur *, struct mcp_jv **);

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

/* The writable byte of the text at p. */
static unsigned char *
at(struct cur *c, const unsigned char *p)
{
	return c->base + (p - (const unsigned char *)c->base);
}

/* Writes code point cp as UTF-8 at c->w. */
static int
put_cp(struct cur *c, unsigned long cp)
{
	unsigned char	*u = c->w;
	size_t		 n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	c->w += n;
	return 0;
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
		if (hi == 0)
			c->nul = 1;
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

/* The first byte from p on that is not plain, or end. */
static const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
	while (end - p >= 4 && plain[p[0]] && plain[p[1]] && plain[p[2]] &&
	    plain[p[3]])
		p += 4;
	while (p < end && plain[*p])
		p++;
	return p;
}

/* Moves the bytes from run to c->p, which need no decoding, to c->w. */
static void
flush(struct cur *c, const unsigned char *run)
{
	size_t	 n = (size_t)(c->p - run);

	memmove(c->w, at(c, run), n);
	c->w += n;
}

/*
 * A string at c->p (its opening quote).  When building, *s and *n give
 * its decoded bytes, NUL-terminated where the text held the string: the
 * closing quote, or the end of what an escape made shorter, becomes the
 * NUL.  Nothing before c->p is read again.
 */
static int
string(struct cur *c, const char **s, size_t *n)
{
	const unsigned char	*start, *run;
	int			 ch;

	start = run = ++c->p;		/* past the opening quote */
	c->w = NULL;			/* no escape yet */
	c->nul = 0;
	while (c->p < c->end) {
		/*
		 * Most of a string is printable ASCII: skip it in one loop,
		 * on a local pointer (c->p would be stored on every byte:
		 * the table's char loads may alias it).
		 */
		c->p = skip_plain(c->p, c->end);
		if (c->p >= c->end)
			break;
		if (*c->p == '"') {
			if (c->build) {
				if (c->w != NULL)
					flush(c, run);
				else
					c->w = at(c, c->p);
				*c->w = '\0';
				*s = (const char *)at(c, start);
				*n = (size_t)(c->w - at(c, start));
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
		/* An escape: what came before it moves up to c->w. */
		if (c->build) {
			if (c->w != NULL)
				flush(c, run);
			else
				c->w = at(c, c->p);
		}
		if (++c->p >= c->end)
			break;
		if (*c->p == 'u') {
			c->p++;
			if (escape_u(c) == -1)
				return -1;
		} else if ((ch = unescape(*c->p++)) < 0)
			return bad(c, MCP_ERR_PARSE);
		else if (c->build)
			*c->w++ = (unsigned char)ch;
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

/* A node of type t, NULL (the error set) when out of memory. */
static struct mcp_jv *
node(struct cur *c, enum mcp_jtype t)
{
	struct mcp_jv	*v;

	if ((v = mcp_jdoc_alloc(c->doc, sizeof(*v))) == NULL) {
		bad(c, MCP_ERR_NOMEM);
		return NULL;
	}
	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

/* s[n] copied into the document, NUL-terminated; NULL when out of memory. */
static const char *
keep(struct cur *c, const char *s, size_t n)
{
	char	*p;

	if (n == SIZE_MAX || (p = mcp_jdoc_alloc(c->doc, n + 1)) == NULL) {
		bad(c, MCP_ERR_NOMEM);
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A node of type t holding s[n] (NUL-terminated), into *out. */
static int
leaf(struct cur *c, enum mcp_jtype t, const char *s, size_t n,
    struct mcp_jv **out)
{
	struct mcp_jv	*v;

	if ((v = node(c, t)) == NULL)
		return -1;
	v->s = s;
	v->len = n;
	*out = v;
	return 0;
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int
number(struct cur *c, struct mcp_jv **out)
{
	const unsigned char	*s = c->p;
	const char		*t;
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
	/* What follows a number is still to read: its text is copied. */
	if ((t = keep(c, (const char *)s, (size_t)(c->p - s))) == NULL)
		return -1;
	return leaf(c, dbl ? MCP_JDOUBLE : MCP_JINT, t, (size_t)(c->p - s),
	    out);
}

static int
literal(struct cur *c, const char *word)
{
	for (; *word != '\0'; word++, c->p++)
		if (c->p >= c->end || *c->p != (unsigned char)*word)
			return bad(c, MCP_ERR_PARSE);
	return 0;
}

/* Members or elements up to the closing bracket. */
static int
container(struct cur *c, unsigned char close, struct mcp_jv **out)
{
	struct mcp_jv	*o = NULL, *v, **tail = NULL;
	const char	*k = NULL;
	size_t		 kn;

	if (++c->depth > c->max)
		return bad(c, MCP_ERR_DEPTH);
	if (c->build) {
		if ((o = node(c, close == '}' ? MCP_JOBJECT :
		    MCP_JARRAY)) == NULL)
			return -1;
		*out = o;
		tail = &o->first;
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
			if (c->nul)
				return bad(c, MCP_ERR_NULNAME);
			ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return bad(c, MCP_ERR_PARSE);
		}
		if (value(c, c->build ? &v : NULL) == -1)
			return -1;
		if (c->build) {
			v->key = k;	/* NULL in an array */
			*tail = v;
			tail = &v->next;
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

/* A literal's node, when building. */
static int
word(struct cur *c, const char *w, enum mcp_jtype t, struct mcp_jv **out)
{
	if (literal(c, w) == -1)
		return -1;
	if (c->build && (*out = node(c, t)) == NULL)
		return -1;
	return 0;
}

/* One value; *out (when building) receives its node. */
static int
value(struct cur *c, struct mcp_jv **out)
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
		if (rc == 0 && c->build)
			rc = leaf(c, MCP_JSTRING, s, n, out);
		break;
	case 't':
		rc = word(c, "true", MCP_JTRUE, out);
		break;
	case 'f':
		rc = word(c, "false", MCP_JFALSE, out);
		break;
	case 'n':
		rc = word(c, "null", MCP_JNULL, out);
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

/* The check; building into d (when not NULL) decodes in buf, writable. */
static enum mcp_err
read_json(const char *buf, size_t len, int maxdepth, struct mcp_jdoc *d)
{
	struct cur	 c;
	struct mcp_jv	*root = NULL;

	memset(&c, 0, sizeof(c));
	c.p = (const unsigned char *)buf;
	c.end = c.p + len;
	c.max = maxdepth;
	c.build = d != NULL;
	c.doc = d;
	c.err = MCP_OK;
	if (d != NULL)
		c.base = (unsigned char *)(uintptr_t)buf;
	if (value(&c, d != NULL ? &root : NULL) == 0 && c.p != c.end)
		bad(&c, MCP_ERR_PARSE);
	/* On failure the nodes made so far go with the document. */
	if (d != NULL && c.err == MCP_OK)
		d->root = root;
	return c.err;
}

enum mcp_err
mcp_json_syntax(const char *buf, size_t len, int maxdepth)
{
	return read_json(buf, len, maxdepth, NULL);
}

static void
jdoc_init(struct mcp_jdoc *d)
{
	d->root = NULL;
	d->chunks = NULL;
	d->copies = 0;
	d->grow = 0;
	d->p = d->inline_;
	d->left = sizeof(d->inline_);
}

enum mcp_err
mcp_jdoc_read_in(struct mcp_jdoc *d, char *buf, size_t len, int maxdepth)
{
	jdoc_init(d);
	return read_json(buf, len, maxdepth, d);
}

enum mcp_err
mcp_jdoc_read(struct mcp_jdoc *d, const char *buf, size_t len, int maxdepth)
{
	char	*copy;

	jdoc_init(d);
	if ((copy = mcp_jdoc_alloc(d, len > 0 ? len : 1)) == NULL)
		return MCP_ERR_NOMEM;
	memcpy(copy, buf, len);
	return read_json(copy, len, maxdepth, d);
}

enum mcp_err
mcp_json_read(const char *buf, size_t len, int maxdepth,
    struct json_object **out)
{
	struct mcp_jdoc	 d;
	enum mcp_err	 e;
	int		 nomem = 0;

	*out = NULL;
	if ((e = mcp_jdoc_read(&d, buf, len, maxdepth)) == MCP_OK) {
		*out = mcp_jdoc_copy(d.root, &nomem);
		if (nomem) {
			json_object_put(*out);
			*out = NULL;
			e = MCP_ERR_NOMEM;
		}
	}
	mcp_jdoc_free(&d);
	return e;
}
