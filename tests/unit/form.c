/*
 * form.c: the token endpoint's parsers: urlencoded form bodies and Basic
 * client credentials (lib/form.c).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "extern.h"
#include "tap.h"

static struct mcp_form	f;
static const char	*why;

/* Parses the len bytes of s (len -1: strlen); 0 or -1. */
static int
form(const char *s, long len)
{
	size_t	 n = len < 0 ? strlen(s) : (size_t)len;

	why = NULL;
	memcpy(f.buf, s, n);
	return mcp_form_parse(&f, n, &why);
}

static int
is(const char *key, const char *want)
{
	const char	*v = mcp_form_get(&f, key);

	if (want == NULL)
		return v == NULL;
	return v != NULL && strcmp(v, want) == 0;
}

static int
decodes(const char *in, const char *want)
{
	char	 buf[128];

	snprintf(buf, sizeof(buf), "%s", in);
	if (mcp_urldecode(buf) == -1)
		return want == NULL;
	return want != NULL && strcmp(buf, want) == 0;
}

static char	id[32], secret[64];

/* Basic credentials of the raw bytes (standard base64, padded). */
static int
basic_raw(const char *prefix, const void *raw, size_t n, const char *suffix)
{
	char	 b64[1200], h[1300];

	EVP_EncodeBlock((unsigned char *)b64, raw, (int)n);
	snprintf(h, sizeof(h), "%s%s%s", prefix, b64, suffix);
	id[0] = secret[0] = '\0';
	return mcp_basic_credentials(h, id, sizeof(id), secret,
	    sizeof(secret));
}

static int
basic(const char *userpass)
{
	return basic_raw("Basic ", userpass, strlen(userpass), "");
}

static int
basic_header(const char *h)
{
	id[0] = secret[0] = '\0';
	return mcp_basic_credentials(h, id, sizeof(id), secret,
	    sizeof(secret));
}

/* Basic credentials "c:aaa..." of n bytes, with room for any secret. */
static int
long_basic(size_t n)
{
	char		 raw[600], b64[900], h[1000], sec[600];

	memset(raw, 'a', sizeof(raw));
	memcpy(raw, "c:", 2);
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)raw, (int)n);
	snprintf(h, sizeof(h), "Basic %s", b64);
	return mcp_basic_credentials(h, id, sizeof(id), sec, sizeof(sec));
}

int
main(void)
{
	char	 big[MCP_FORM_MAX + 2], many[512];
	int	 i;

	/* urldecode */
	ok(decodes("a+b%20c", "a b c"), "'+' and %%20 are spaces");
	ok(decodes("%41%2b%2B%7e", "A++~"), "hex digits in either case");
	ok(decodes("%e2%82%AC", "\xe2\x82\xac"), "bytes pass through");
	ok(decodes("%00", NULL), "%%00 refused");
	ok(decodes("%zz", NULL), "%%zz refused");
	ok(decodes("%4", NULL), "a short escape refused");
	ok(decodes("ab%", NULL), "a trailing %% refused");
	ok(decodes("%G1", NULL), "a non-hex first digit refused");

	/* form bodies */
	ok(form("grant_type=client_credentials&scope=env%3Aread+org%3Aread",
	    -1) == 0 && f.n == 2 && is("grant_type", "client_credentials") &&
	    is("scope", "env:read org:read"), "a body of two parameters");
	ok(form("&&a=1&&b=2&", -1) == 0 && f.n == 2 && is("a", "1") &&
	    is("b", "2"), "empty segments are skipped");
	ok(form("scope=&a=1", -1) == 0 && f.n == 1 && is("scope", NULL),
	    "a parameter without a value counts as omitted (RFC 6749 3.1)");
	ok(form("flag&a=1", -1) == 0 && is("flag", NULL) && is("a", "1"),
	    "a bare name has no value: omitted");
	ok(form("=x&a=1", -1) == 0 && f.n == 1, "a nameless one is ignored");
	ok(form("scope=&scope=a", -1) == 0 && is("scope", "a"),
	    "an omitted parameter does not count as a repeat");
	ok(form("a=b=c", -1) == 0 && is("a", "b=c"),
	    "the first '=' splits name and value");
	ok(form("a%3Db=c", -1) == 0 && is("a=b", "c"),
	    "names are decoded too");
	ok(form("a=1&a=2", -1) == -1 && strcmp(why, "a parameter is "
	    "repeated") == 0, "a repeated parameter refused");
	ok(form("a=1&%61=2", -1) == -1 && strcmp(why, "a parameter is "
	    "repeated") == 0, "a repeat spelled differently is still one");
	ok(form("a=%zz", -1) == -1 && strcmp(why, "malformed "
	    "percent-encoding") == 0, "a bad escape in a value refused");
	ok(form("%zz=1", -1) == -1, "a bad escape in a name refused");
	ok(form("a=1\0b=2", 7) == -1 && strcmp(why, "NUL byte in the body") ==
	    0, "a NUL byte refused");
	many[0] = '\0';
	for (i = 0; i < MCP_FORM_PARAMS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "p%d=%d&", i, i);
	ok(form(many, -1) == 0 && f.n == MCP_FORM_PARAMS && is("p15", "15"),
	    "%d parameters accepted", MCP_FORM_PARAMS);
	strcat(many, "one=more");
	ok(form(many, -1) == -1 && strcmp(why, "too many parameters") == 0,
	    "one more refused");
	memset(big, 'a', sizeof(big));
	big[0] = 'x';
	big[1] = '=';
	ok(form(big, MCP_FORM_MAX) == 0 && strlen(mcp_form_get(&f, "x")) ==
	    MCP_FORM_MAX - 2, "a body of MCP_FORM_MAX bytes");
	ok(mcp_form_parse(&f, MCP_FORM_MAX + 1, &why) == -1,
	    "a longer one refused");
	form("client_secret=s3cret", -1);
	mcp_form_clear(&f);
	ok(f.n == 0 && memchr(f.buf, 's', sizeof(f.buf)) == NULL,
	    "clearing wipes the body");

	/* Basic credentials */
	ok(basic("client:s3cret") == 0 && strcmp(id, "client") == 0 &&
	    strcmp(secret, "s3cret") == 0, "id and secret");
	ok(basic("client:se:cr:et") == 0 && strcmp(secret, "se:cr:et") == 0,
	    "the first colon splits");
	ok(basic("a%3Ab:c%2Bd+e") == 0 && strcmp(id, "a:b") == 0 &&
	    strcmp(secret, "c+d e") == 0, "both parts are urldecoded "
	    "(RFC 6749 2.3.1)");
	ok(basic("client:") == 0 && secret[0] == '\0',
	    "an empty secret parses (and then fails authentication)");
	ok(basic(":s3cret") == -1, "an empty id refused");
	ok(basic("client") == -1, "no colon refused");
	ok(basic("cl%00ient:x") == -1, "an encoded NUL refused");
	ok(basic_raw("Basic ", "cl\0ient:x", 10, "") == -1,
	    "a raw NUL refused");
	ok(basic_raw("basic ", "c:s", 3, "") == 0 && strcmp(id, "c") == 0,
	    "the scheme is case-insensitive");
	ok(basic_raw("BASIC    ", "c:s", 3, "  ") == 0,
	    "spaces around the credentials");
	ok(basic_raw("Basic", "c:s", 3, "") == -1,
	    "no space after the scheme refused");
	ok(basic_raw("Bearer ", "c:s", 3, "") == -1, "another scheme refused");
	ok(basic_raw("Basic ", "c:s", 3, "x") == -1,
	    "characters after the padding refused");
	ok(basic_header("Basic YzpzMQ") == 0 && strcmp(secret, "s1") == 0,
	    "padding may be left out");
	ok(basic_header("Basic YzpzMQ==") == 0, "right padding");
	ok(basic_header("Basic YzpzMQ=") == -1, "short padding refused");
	ok(basic_header("Basic YzpzMQ===") == -1, "long padding refused");
	ok(basic_header("Basic YzpzMTI=") == 0 && strcmp(secret, "s12") == 0,
	    "one '=' when one is due");
	ok(basic_header("Basic YzpzMTIz=") == -1,
	    "padding on a whole group refused");
	/* "c:?>" is Yzo/Pg in standard base64 and Yzo_Pg in base64url. */
	ok(basic_header("Basic Yzo/Pg==") == 0 && strcmp(secret, "?>") == 0,
	    "'/' of the standard alphabet");
	ok(basic_header("Basic Yzo_Pg==") == -1,
	    "'_' of base64url refused");
	ok(basic_header("Basic YzpzM!==") == -1, "a stray byte refused");
	ok(basic_header("Basic ") == -1, "no credentials refused");
	memset(big, 'a', sizeof(big));
	big[sizeof(id)] = ':';
	ok(basic_raw("Basic ", big, sizeof(id) + 2, "") == -1,
	    "an id as long as its buffer refused");
	ok(basic_raw("Basic ", big + 1, sizeof(id) + 1, "") == 0 &&
	    strlen(id) == sizeof(id) - 1, "one byte shorter accepted");
	memset(big, 'a', sizeof(big));
	memcpy(big, "c:", 2);
	ok(basic_raw("Basic ", big, 2 + sizeof(secret), "") == -1,
	    "a secret as long as its buffer refused");
	ok(basic_raw("Basic ", big, 2 + sizeof(secret) - 1, "") == 0 &&
	    strlen(secret) == sizeof(secret) - 1, "one byte shorter accepted");
	ok(long_basic(384) == 0, "%d base64 characters accepted",
	    MCP_BASIC_MAX);
	ok(long_basic(387) == -1, "more refused");
	return done();
}
