/*
 * jsoncheck.c: an RFC 8259 syntax check run on every untrusted body
 * before json-c sees it.  json-c 0.16's JSON_TOKENER_STRICT still accepts
 * single-quoted strings, NaN, Infinity and raw control characters inside
 * strings (measured); this check refuses them, bounds nesting, and
 * validates UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF).
 */
#include "extern.h"

struct cur {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 depth;
	int			 max;
	enum mcp_err		 err;
};

static int	value(struct cur *);

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

static int
ishex(unsigned char x)
{
	return (x >= '0' && x <= '9') || (x >= 'a' && x <= 'f') ||
	    (x >= 'A' && x <= 'F');
}

/* One UTF-8 sequence starting at c->p (a byte >= 0x80). */
static int
utf8(struct cur *c)
{
	const unsigned char	*s = c->p;
	unsigned int		 cp, min;
	size_t			 n, i;

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
		return bad(c, MCP_ERR_UTF8);
	if ((size_t)(c->end - s) < n)
		return bad(c, MCP_ERR_UTF8);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return bad(c, MCP_ERR_UTF8);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return bad(c, MCP_ERR_UTF8);
	c->p += n;
	return 0;
}

static int
string(struct cur *c)
{
	int	 i;

	c->p++;				/* the opening quote */
	while (c->p < c->end) {
		if (*c->p == '"') {
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
		if (*c->p++ != '\\')
			continue;
		if (c->p >= c->end)
			break;
		switch (*c->p++) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			break;
		case 'u':
			for (i = 0; i < 4; i++)
				if (c->p >= c->end || !ishex(*c->p++))
					return bad(c, MCP_ERR_PARSE);
			break;
		default:
			return bad(c, MCP_ERR_PARSE);
		}
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

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int
number(struct cur *c)
{
	if (*c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (digits(c) == -1)
		return bad(c, MCP_ERR_PARSE);
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (digits(c) == -1)
			return bad(c, MCP_ERR_PARSE);
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (digits(c) == -1)
			return bad(c, MCP_ERR_PARSE);
	}
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

/* Members or elements up to the closing bracket. */
static int
container(struct cur *c, unsigned char close)
{
	if (++c->depth > c->max)
		return bad(c, MCP_ERR_DEPTH);
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
			if (c->p >= c->end || *c->p != '"' || string(c) == -1)
				return bad(c, MCP_ERR_PARSE);
			ws(c);
			if (c->p >= c->end || *c->p++ != ':')
				return bad(c, MCP_ERR_PARSE);
		}
		if (value(c) == -1)
			return -1;
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

static int
value(struct cur *c)
{
	int	 rc;

	ws(c);
	if (c->p >= c->end)
		return bad(c, MCP_ERR_PARSE);
	switch (*c->p) {
	case '{':
		rc = container(c, '}');
		break;
	case '[':
		rc = container(c, ']');
		break;
	case '"':
		rc = string(c);
		break;
	case 't':
		rc = literal(c, "true");
		break;
	case 'f':
		rc = literal(c, "false");
		break;
	case 'n':
		rc = literal(c, "null");
		break;
	default:
		if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
			rc = number(c);
		else
			rc = bad(c, MCP_ERR_PARSE);
	}
	if (rc == 0)
		ws(c);
	return rc;
}

enum mcp_err
mcp_json_syntax(const char *buf, size_t len, int maxdepth)
{
	struct cur	 c;

	c.p = (const unsigned char *)buf;
	c.end = c.p + len;
	c.depth = 0;
	c.max = maxdepth;
	c.err = MCP_OK;
	if (value(&c) == -1)
		return c.err;
	if (c.p != c.end)
		return MCP_ERR_PARSE;
	return MCP_OK;
}
