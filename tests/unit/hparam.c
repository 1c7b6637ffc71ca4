/*
 * hparam.c: the x-mcp-header marks a tool may carry (each mark the
 * revision forbids refused at registration, with the reason), and the
 * decoding of Mcp-Name / Mcp-Param-* values: strict base64 inside the
 * exact sentinel, anything else literal, control characters refused.
 * And a header that reaches us as two variables of one name (nginx) is
 * believed in neither copy.
 */
#include <string.h>

#include "extern.h"
#include "../memio.h"
#include "tap.h"

static struct json_object *
run(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return mcp_result_text("x");
}

/* Registers one tool with this input schema: 0 or -1, why filled. */
static int
reg(const char *schema, char *why, size_t whysz, struct mcp_registry *out)
{
	static struct mcp_tool		 t;
	static struct mcp_endpoint	 ep;
	struct mcp_registry		 r;

	memset(&t, 0, sizeof(t));
	t.name = "t";
	t.description = "d";
	t.scopes = "";
	t.input_schema = schema;
	t.run = run;
	memset(&ep, 0, sizeof(ep));
	ep.name = "e";
	ep.version = "1";
	ep.tools = &t;
	ep.ntools = 1;
	why[0] = '\0';
	if (mcp_registry_init(&r, &ep, why, whysz) == -1)
		return -1;
	if (out != NULL)
		*out = r;
	else
		mcp_registry_free(&r);
	return 0;
}

#define OBJ(props)	"{\"type\":\"object\",\"properties\":{" props "}}"

static int
refused(const char *schema, const char *reason)
{
	char	 why[256];

	if (reg(schema, why, sizeof(why), NULL) == 0)
		return 0;
	if (strstr(why, reason) == NULL) {
		printf("# refused for another reason: %s\n", why);
		return 0;
	}
	return 1;
}

/* mcp_hvalue_decode(v) is exactly want (NULL: refused). */
static int
decodes(const char *v, const char *want, size_t wantlen)
{
	char	 out[64];
	long	 n;

	n = mcp_hvalue_decode(v, out, sizeof(out));
	if (want == NULL)
		return n == -1;
	return n == (long)wantlen && memcmp(out, want, wantlen) == 0;
}

/* The value mcp_http_param() gives NAME among the variables env. */
static const char *
param(const char *const *env, const char *name)
{
	static struct mcp_io	 io;
	static struct memio	 m;
	static struct mcp_req	 r;

	memset(&m, 0, sizeof(m));
	m.env = env;
	memio_io(&io, &m);
	memset(&r, 0, sizeof(r));
	r.io = &io;
	return mcp_http_param(&r, name);
}

static void
twice(void)
{
	const char *const	one[] = { "HTTP_ORIGIN=https://a.example",
	    "HTTP_AUTHORIZATION=Bearer t", NULL };
	const char *const	two[] = { "HTTP_ORIGIN=https://a.example",
	    "HTTP_AUTHORIZATION=Bearer t", "HTTP_ORIGIN=https://evil.example",
	    "HTTP_AUTHORIZATION=Bearer u", "HTTP_ACCEPT=a", "HTTP_ACCEPT=a",
	    NULL };
	const char		*v;

	ok((v = param(one, "HTTP_ORIGIN")) != NULL &&
	    strcmp(v, "https://a.example") == 0, "one Origin is read");
	ok((v = param(two, "HTTP_ORIGIN")) != NULL && strcmp(v, ",") == 0,
	    "two Origins, ours first: neither is believed");
	ok((v = param(two, "HTTP_AUTHORIZATION")) != NULL &&
	    strcmp(v, ",") == 0, "two Authorizations: neither is believed");
	ok((v = param(two, "HTTP_ACCEPT")) != NULL && strcmp(v, ",") == 0,
	    "the same value twice: still two headers");
}

int
main(void)
{
	struct mcp_registry	 r;
	char			 why[256];

	ok(reg(OBJ("\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
	    "\"b\":{\"type\":\"object\",\"properties\":{\"c\":{\"type\":"
	    "\"integer\",\"x-mcp-header\":\"Shard-No\"}}},"
	    "\"d\":{\"type\":\"boolean\",\"x-mcp-header\":\"dry\"}"),
	    why, sizeof(why), &r) == 0 && r.tools[0].nhparams == 3,
	    "string, nested integer and boolean marks register: %s", why);
	if (r.tools != NULL) {
		ok(strcmp(r.tools[0].hparams[1].env,
		    "HTTP_MCP_PARAM_SHARD_NO") == 0 &&
		    r.tools[0].hparams[1].depth == 2 &&
		    strcmp(r.tools[0].hparams[1].path[1], "c") == 0,
		    "a mark's CGI variable and path");
		mcp_registry_free(&r);
	}
	ok(refused(OBJ("\"a\":{\"type\":\"number\",\"x-mcp-header\":\"N\"}"),
	    "only on a string, integer or boolean"), "a number is refused");
	ok(refused(OBJ("\"a\":{\"x-mcp-header\":\"N\"}"),
	    "only on a string, integer or boolean"), "no type is refused");
	ok(refused(OBJ("\"a\":{\"type\":\"string\",\"x-mcp-header\":\"\"}"),
	    "1 to 64 characters"), "an empty name is refused");
	ok(refused(OBJ("\"a\":{\"type\":\"string\",\"x-mcp-header\":"
	    "\"A_B\"}"), "only letters, digits and '-'"),
	    "'_' is refused (a CGI variable cannot tell it from '-')");
	ok(refused(OBJ("\"a\":{\"type\":\"string\",\"x-mcp-header\":"
	    "\"A B\"}"), "only letters, digits and '-'"), "a space is refused");
	ok(refused(OBJ("\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Id\"},"
	    "\"b\":{\"type\":\"string\",\"x-mcp-header\":\"ID\"}"),
	    "twice"), "names equal ignoring case are refused");
	ok(refused(OBJ("\"a\":{\"type\":\"string\",\"x-mcp-header\":3}"),
	    "must be a string"), "a mark that is not a string is refused");
	ok(refused("{\"type\":\"object\",\"x-mcp-header\":\"Root\"}",
	    "on a property"), "the root cannot be marked");
	ok(refused(OBJ("\"a\":{\"type\":\"array\",\"items\":{\"type\":"
	    "\"string\",\"x-mcp-header\":\"I\"}}"), "under \"items\""),
	    "a mark under items is refused");
	ok(refused("{\"type\":\"object\",\"anyOf\":[{\"properties\":{\"a\":"
	    "{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}]}",
	    "under \"anyOf\""), "a mark under anyOf is refused");
	ok(refused("{\"type\":\"object\",\"$defs\":{\"x\":{\"type\":"
	    "\"string\",\"x-mcp-header\":\"X\"}}}", "under \"$defs\""),
	    "a mark in $defs is refused");
	ok(refused(OBJ("\"a\":{\"type\":\"object\",\"properties\":{\"b\":{"
	    "\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"object\","
	    "\"properties\":{\"d\":{\"type\":\"object\",\"properties\":{\"e\":"
	    "{\"type\":\"string\",\"x-mcp-header\":\"E\"}}}}}}}}}"),
	    "deeper than 4"), "a mark five properties deep is refused");

	ok(decodes("Hello", "Hello", 5), "a plain value is itself");
	ok(decodes("=?base64?SGVsbG8=?=", "Hello", 5), "base64 decoded");
	ok(decodes("=?base64?" "?=", "", 0), "empty base64 is the empty string");
	ok(decodes("=?base64?aMOpbGxv?=", "h\xc3\xa9llo", 6),
	    "base64 of UTF-8");
	ok(decodes("=?base64?AGE=?=", "\0a", 2), "a NUL decoded stays");
	ok(decodes("=?base64?SGVsbG8?=", NULL, 0), "missing padding refused");
	ok(decodes("=?base64?SGVs!!!bG8=?=", NULL, 0), "bad characters refused");
	ok(decodes("=?base64?SGVsbG9=?=", NULL, 0), "non-zero pad bits refused");
	ok(decodes("=?base64?SG=sbG8=?=", NULL, 0), "'=' inside refused");
	ok(decodes("=?base64?SGVs bG8=?=", NULL, 0), "a space inside refused");
	ok(decodes("=?base64?SGVsbG8==?=", NULL, 0), "extra padding refused");
	ok(decodes("=?base64?SGVsbG8=", "=?base64?SGVsbG8=", 17),
	    "no suffix: literal");
	ok(decodes("SGVsbG8=?=", "SGVsbG8=?=", 10), "no prefix: literal");
	ok(decodes("=?BASE64?SGVsbG8=?=", "=?BASE64?SGVsbG8=?=", 19),
	    "an upper-case sentinel is literal");
	ok(decodes("a\tb", "a\tb", 3), "a tab is a field value character");
	ok(decodes("a\001b", NULL, 0), "a control character is refused");
	ok(decodes("a\177b", NULL, 0), "DEL is refused");
	ok(decodes("caf\xc3\xa9", NULL, 0), "a raw non-ASCII byte is refused");
	twice();
	return done();
}
