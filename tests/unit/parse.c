/*
 * parse.c: the front-door parsers: JSON (strict, depth, UTF-8, one value),
 * the JSON-RPC envelope, Accept, Origin, cursors and URI templates.
 */
#include <stdio.h>
#include <string.h>

#include "extern.h"
#include "tap.h"

static enum mcp_err
parse(const char *s, int depth)
{
	struct json_object	*o;
	enum mcp_err		 e;

	o = mcp_json_parse(s, strlen(s), depth, &e);
	json_object_put(o);
	return e;
}

/* The tree built from s, serialized; "" when s does not parse. */
static const char *
tree(const char *s)
{
	static char		 out[512];
	struct json_object	*o;
	enum mcp_err		 e;

	out[0] = '\0';
	if ((o = mcp_json_parse(s, strlen(s), 8, &e)) != NULL)
		snprintf(out, sizeof(out), "%s", json_object_to_json_string_ext(
		    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

static enum mcp_err
env(const char *s, enum mcp_msg_kind *k)
{
	struct mcp_jdoc		 d;
	struct mcp_msg		 m;
	enum mcp_err		 e;

	if ((e = mcp_jdoc_read(&d, s, strlen(s), 16)) == MCP_OK &&
	    (e = mcp_rpc_check(&d, d.root, &m)) == MCP_OK)
		*k = m.kind;
	mcp_jdoc_free(&d);
	return e;
}

/*
 * Reads t into a document (freed by the next call) and checks it into
 * *m: the view mcp_rpc_check() hands on, or NULL when t is refused.
 */
static const struct mcp_msg *
viewed(const char *t, struct mcp_msg *m)
{
	static struct mcp_jdoc	 d;

	mcp_jdoc_free(&d);
	if (mcp_jdoc_read(&d, t, strlen(t), 16) != MCP_OK ||
	    mcp_rpc_check(&d, d.root, m) != MCP_OK || m->o != d.root ||
	    m->doc != &d)
		return NULL;
	return m;
}

/* The members mcp_rpc_check() hands on, for each kind of message. */
static void
view(void)
{
	const struct mcp_msg	*v;
	struct mcp_msg		 m;

	v = viewed("{\"params\":{\"name\":\"echo\",\"_meta\":"
	    "{\"progressToken\":3}},\"id\":7,\"method\":\"tools/call\","
	    "\"jsonrpc\":\"2.0\"}", &m);
	ok(v != NULL && v->kind == MCP_MSG_REQUEST &&
	    strcmp(v->method, "tools/call") == 0 &&
	    json_object_get_int(v->id) == 7 &&
	    strcmp(mcp_jv_str(v->params, "name"), "echo") == 0 &&
	    mcp_jv_get(v->meta, "progressToken") != NULL, "view of a request: "
	    "method, id, params, _meta, whatever the member order");
	v = viewed("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\","
	    "\"id\":\"last\",\"method\":\"b\",\"params\":[],"
	    "\"params\":{\"x\":1}}", &m);
	ok(v != NULL && strcmp(v->method, "b") == 0 &&
	    strcmp(json_object_get_string(v->id), "last") == 0 &&
	    v->params != NULL && v->params->type == MCP_JOBJECT,
	    "view of a request with repeated members: the last of each, "
	    "as json-c keeps them");
	v = viewed("{\"jsonrpc\":\"2.0\",\"method\":\"n\","
	    "\"params\":{\"_meta\":5}}", &m);
	ok(v != NULL && v->kind == MCP_MSG_NOTIFICATION && v->id == NULL &&
	    v->params != NULL && v->meta == NULL,
	    "view of a notification: no id; a _meta that is no object is none");
	v = viewed("{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":{}}", &m);
	ok(v != NULL && v->kind == MCP_MSG_RESPONSE && v->method == NULL &&
	    v->params == NULL && v->meta == NULL &&
	    strcmp(json_object_get_string(v->id), "s") == 0,
	    "view of a response: its id, no method or params");
	viewed("[]", &m);		/* frees the last message */
	viewed("[]", &m);
}

/*
 * Each kind of byte the reader's string loop must stop at, in each of
 * twenty places in a string.
 */
static void
lanes(void)
{
	struct mcp_jdoc	 d;
	char		 in[64], want[64];
	size_t		 k, bad = 0;

	for (k = 0; k < 20; k++) {
		/* An escaped quote at k: decoded. */
		snprintf(in, sizeof(in), "[\"%.*s\\\"%.*s\"]", (int)k,
		    "aaaaaaaaaaaaaaaaaaaa", (int)(19 - k), "bbbbbbbbbbbbbbbbbbbb");
		snprintf(want, sizeof(want), "%.*s\"%.*s", (int)k,
		    "aaaaaaaaaaaaaaaaaaaa", (int)(19 - k), "bbbbbbbbbbbbbbbbbbbb");
		if (mcp_jdoc_read(&d, in, strlen(in), 4) != MCP_OK ||
		    strcmp(d.root->first->s, want) != 0)
			bad++;
		mcp_jdoc_free(&d);
		/* A raw control character, a bad byte, a valid sequence. */
		memset(in, 'a', 24);
		in[0] = '"';
		in[23] = '"';
		in[1 + k] = '\x1f';
		if (mcp_json_syntax(in, 24, 4) != MCP_ERR_PARSE)
			bad++;
		in[1 + k] = '\xff';
		if (mcp_json_syntax(in, 24, 4) != MCP_ERR_UTF8)
			bad++;
		in[1 + k] = '\xc3';
		in[2 + k] = '\xa9';
		if (mcp_json_syntax(in, 24, 4) != MCP_OK)
			bad++;
		/* The closing quote at k: what follows is trailing garbage. */
		in[2 + k] = 'a';
		in[1 + k] = '"';
		if (mcp_json_syntax(in, 24, 4) != MCP_ERR_PARSE ||
		    mcp_json_syntax(in, 2 + k, 4) != MCP_OK)
			bad++;
	}
	ok(bad == 0, "every byte the reader stops at, in each of 20 places "
	    "(%zu wrong)", bad);
}

/* The document the request path reads a body into (lib/jsondoc.c). */
static void
doc(void)
{
	struct mcp_jdoc		 d;
	struct mcp_jv		*v, *e;
	struct json_object	*j, *k;
	struct mcp_buf		 b = { 0 };
	const char		*t;
	size_t			 i, n;
	int			 nomem = 0;

	t = "{\"a\":1,\"b\":{\"c\":\"x\"},\"a\":\"two\",\"n\":null,"
	    "\"k\":true,\"z\":\"a\\u0000b\"}";
	ok(mcp_jdoc_read(&d, t, strlen(t), 8) == MCP_OK &&
	    d.root->type == MCP_JOBJECT, "a document: an object node");
	ok((v = mcp_jv_get(d.root, "a")) != NULL && v->type == MCP_JSTRING &&
	    strcmp(v->s, "two") == 0 && v->len == 3,
	    "a repeated name: the last value, as json-c keeps it");
	ok((v = mcp_jv_get(d.root, "n")) != NULL && v->type == MCP_JNULL &&
	    mcp_jv_get(d.root, "absent") == NULL,
	    "a member that is null is present; an absent one is not");
	ok(mcp_jv_obj(d.root, "b") != NULL && mcp_jv_obj(d.root, "a") ==
	    NULL && mcp_jv_str(d.root, "b") == NULL &&
	    strcmp(mcp_jv_str(mcp_jv_obj(d.root, "b"), "c"), "x") == 0,
	    "typed lookups: NULL for another type");
	ok((v = mcp_jv_get(d.root, "z")) != NULL && v->type == MCP_JSTRING &&
	    v->len == 3 && memcmp(v->s, "a\0b", 4) == 0 &&
	    mcp_jv_str(d.root, "z") == NULL,
	    "a value holding U+0000: kept whole, but no C string of it");
	ok(mcp_jv_get(mcp_jv_get(d.root, "a"), "x") == NULL &&
	    mcp_jv_get(NULL, "x") == NULL, "lookups in a non-object: NULL");
	v = mcp_jv_obj(d.root, "b");
	j = mcp_jdoc_json(&d, v, &nomem);
	ok(j != NULL && !nomem && mcp_jdoc_json(&d, v, &nomem) == j &&
	    strcmp(mcp_json_str(j, "c"), "x") == 0,
	    "a node's json-c copy is made once and kept");
	ok(mcp_jdoc_json(&d, mcp_jv_get(d.root, "n"), &nomem) == NULL &&
	    !nomem, "null's copy is NULL, and no failure");
	k = mcp_jdoc_json(&d, d.root, &nomem);
	ok(k != NULL && mcp_json_obj(k, "b") == j &&
	    strcmp(mcp_json_str(k, "a"), "two") == 0 &&
	    json_object_object_length(k) == 5,
	    "the whole copy shares what was copied before");
	mcp_jdoc_free(&d);	/* puts both copies (ASan: once each) */
	/* More copies than the document lists: found by a walk. */
	t = "{\"a\":[1],\"b\":[2],\"c\":[3],\"d\":[4],\"e\":[5],\"f\":[6],"
	    "\"g\":[7],\"h\":[8],\"i\":[9],\"j\":{\"k\":[10]}}";
	n = 0;
	if (mcp_jdoc_read(&d, t, strlen(t), 8) == MCP_OK)
		for (e = d.root->first; e != NULL; e = e->next)
			n += mcp_jdoc_json(&d, e, NULL) != NULL;
	n += mcp_jdoc_json(&d, mcp_jv_get(mcp_jv_obj(d.root, "j"), "k"),
	    NULL) != NULL;
	ok(n == 11 && d.copies == 11, "eleven copies kept (%zu)", n);
	mcp_jdoc_free(&d);	/* ASan: each put once, none leaked */

	/* Past the inline buffer: chunks, every node kept. */
	mcp_buf_puts(&b, "[");
	for (i = 0; i < 20000; i++)
		mcp_buf_puts(&b, i == 0 ? "\"abcdefgh\"" : ",\"abcdefgh\"");
	mcp_buf_puts(&b, "]");
	ok(mcp_jdoc_read(&d, b.p, b.len, 8) == MCP_OK &&
	    d.chunks != NULL, "a large document takes chunks");
	for (n = 0, e = d.root->first; e != NULL; e = e->next)
		n += e->type == MCP_JSTRING && strcmp(e->s, "abcdefgh") == 0;
	ok(n == 20000, "... and holds every element (%zu)", n);
	mcp_jdoc_free(&d);
	/* A failure after chunks were taken: all freed (ASan: no leak). */
	b.len--;
	mcp_buf_puts(&b, ",x]");
	ok(mcp_jdoc_read(&d, b.p, b.len, 8) == MCP_ERR_PARSE,
	    "a document that fails late");
	mcp_jdoc_free(&d);
	mcp_buf_free(&b);
	{
		/* Decoded in the caller's buffer: escapes shorten in place. */
		char	 body[] = "{\"a\\u00e9b\":\"x\\ny\\u0041\",\"k\":"
		    "\"\\ud83d\\ude00z\\\\\",\"p\":\"plain\"}";

		ok(mcp_jdoc_read_in(&d, body, strlen(body), 8) == MCP_OK &&
		    (v = mcp_jv_get(d.root, "a\xc3\xa9" "b")) != NULL &&
		    strcmp(v->s, "x\nyA") == 0 && v->len == 4 &&
		    strcmp(mcp_jv_str(d.root, "k"), "\xf0\x9f\x98\x80z\\") == 0 &&
		    (v = mcp_jv_get(d.root, "p")) != NULL &&
		    v->s > body && v->s < body + sizeof(body) &&
		    strcmp(v->s, "plain") == 0,
		    "strings decoded where they were written, in the buffer");
		mcp_jdoc_free(&d);
	}
	ok(mcp_jdoc_read(&d, "null", 4, 8) == MCP_OK &&
	    d.root->type == MCP_JNULL && mcp_jdoc_copy(d.root, NULL) == NULL,
	    "a top-level null is a node; its copy is NULL");
	mcp_jdoc_free(&d);
}

/* A response written without its envelope object: the same bytes. */
static int
reply_same(struct json_object *id, struct json_object *result,
    struct json_object *error, int tool, const char *want)
{
	struct mcp_reply	 rp = { id, result, error, tool };
	struct mcp_buf		 a = { 0 }, b = { 0 };
	struct json_object	*m;
	int			 same;

	if (mcp_reply_write(&a, &rp) == -1 ||
	    (m = mcp_reply_message(&rp)) == NULL ||
	    rp.result != NULL || rp.error != NULL ||
	    mcp_json_write(&b, m) == -1)
		return 0;
	same = strcmp(a.p, b.p) == 0 && strcmp(a.p, want) == 0;
	json_object_put(m);
	mcp_buf_free(&a);
	mcp_buf_free(&b);
	return same;
}

static void
reply(void)
{
	struct json_object	*id = json_object_new_string("a\"b");
	struct json_object	*sc, *r;
	struct mcp_reply	 none = { id, NULL, NULL, 0 };

	ok(reply_same(id, mcp_result_text("hi"), NULL, 0,
	    "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"result\":{\"content\":"
	    "[{\"type\":\"text\",\"text\":\"hi\"}]}}"),
	    "a result's text is the envelope's, the id escaped");
	ok(reply_same(NULL, NULL, mcp_rpc_error_object(-32600, "Invalid "
	    "Request", NULL), 0, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
	    "{\"code\":-32600,\"message\":\"Invalid Request\"}}"),
	    "an error without an id: id null");
	ok(mcp_reply_message(&none) == NULL, "an empty reply is no message");

	/* A structured tool result: its text block made as it is written. */
	sc = json_object_new_object();
	json_object_object_add(sc, "t", json_object_new_string("q\"\n"));
	json_object_object_add(sc, "n", json_object_new_int(5));
	r = mcp_result_structured(sc);
	json_object_object_add(r, "resultType",
	    json_object_new_string("complete"));
	ok(reply_same(id, r, NULL, 1, "{\"jsonrpc\":\"2.0\",\"id\":"
	    "\"a\\\"b\",\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
	    "\"{\\\"t\\\":\\\"q\\\\\\\"\\\\n\\\",\\\"n\\\":5}\"}],"
	    "\"structuredContent\":{\"t\":\"q\\\"\\n\",\"n\":5},"
	    "\"resultType\":\"complete\"}}"), "a structured result: the "
	    "text block first, the same JSON as text, then its members");
	sc = json_object_new_object();
	json_object_object_add(sc, "n", json_object_new_int(1));
	r = mcp_result_structured(sc);
	mcp_result_add_text(r, "mine");
	ok(reply_same(id, r, NULL, 1, "{\"jsonrpc\":\"2.0\",\"id\":"
	    "\"a\\\"b\",\"result\":{\"structuredContent\":{\"n\":1},"
	    "\"content\":[{\"type\":\"text\",\"text\":\"mine\"}]}}"),
	    "a structured result with a block of its own: that block alone");
	ok(reply_same(id, mcp_result_text("x"), NULL, 1, "{\"jsonrpc\":"
	    "\"2.0\",\"id\":\"a\\\"b\",\"result\":{\"content\":[{\"type\":"
	    "\"text\",\"text\":\"x\"}]}}"), "a text tool result as it is");
	json_object_put(id);
}

/* An environment for mcp_http_param(), as libfcgi hands it over. */
static const char *const test_env[] = {
	"SERVER_NAME=x", "HTTP_COOKIE=c=1", "REQUEST_URI=/first",
	"REQUEST_URI=/second", "HTTP_MCP_NAME=echo", "NOEQUALS",
	"HTTP_ORIGINX=bad", "CONTENT_LENGTH=", "HTTP_X_OTHER=o", NULL
};
static int	 fallbacks;

static const char *const *
t_envp(struct mcp_io *io)
{
	(void)io;
	return test_env;
}

static const char *const	*envp_all;

static const char *const *
t_envp_all(struct mcp_io *io)
{
	(void)io;
	return envp_all;
}

/* Names outside the one-pass set still come from here. */
static const char *
t_param(struct mcp_io *io, const char *name)
{
	(void)io;
	fallbacks++;
	return strcmp(name, "HTTP_X_OTHER") == 0 ? "o" : NULL;
}

static struct json_object *
rd(struct mcp_call *c, const char *uri)
{
	(void)c;
	return mcp_contents_text(uri, "text/plain", "x");
}

static struct json_object *
rdt(struct mcp_call *c, const char *uri, struct json_object *vars)
{
	(void)vars;
	return rd(c, uri);
}

/* Template 0 fails only after binding {a}; template 1 serves the rest. */
static const struct mcp_resource res[] = {
	{ "x://orgs/all", "all", NULL, NULL, NULL, "org:read", rd },
};
static const struct mcp_resource_template tmpl[] = {
	{ "x://orgs/{a}-{b}/z", "pair", NULL, NULL, NULL, "org:read", rdt },
	{ "x://orgs/{id}", "one", NULL, NULL, NULL, NULL, rdt },
};
static const struct mcp_endpoint ep = {
	.name = "t", .version = "1",
	.resources = res, .nresources = 1,
	.templates = tmpl, .ntemplates = 2,
};

int
main(void)
{
	struct mcp_registry	 reg;
	struct mcp_resource_ref	 ref;
	char			 why[256];
	struct mcp_config	 c;
	struct json_object	*v;
	enum mcp_msg_kind	 k;
	char			 cur[64];
	size_t			 off;

	ok(parse("{\"a\":[1,2]}", 8) == MCP_OK, "object parses");
	ok(parse("{\"a\":1} \r\n", 8) == MCP_OK, "trailing white space is fine");
	ok(parse("{\"a\":1}x", 8) == MCP_ERR_PARSE, "trailing garbage");
	ok(parse("{\"a\":1}{}", 8) == MCP_ERR_PARSE, "two values");
	ok(parse("{'a':1}", 8) == MCP_ERR_PARSE, "single quotes (strict)");
	ok(parse("{\"a\":1,}", 8) == MCP_ERR_PARSE, "trailing comma (strict)");
	ok(parse("{\"a\":NaN}", 8) == MCP_ERR_PARSE, "NaN (strict)");
	ok(parse("[[[[[[[[[[1]]]]]]]]]]", 8) == MCP_ERR_DEPTH, "depth limit");
	ok(parse("{\"a\":\"\xff\"}", 8) == MCP_ERR_UTF8, "invalid UTF-8");
	ok(parse("{\"a\":\"\xc3\xa9\"}", 8) == MCP_OK, "valid UTF-8");
	ok(parse("", 8) == MCP_ERR_PARSE, "empty input");
	ok(parse("{\"a\":\"x\0\"}", 8) == MCP_ERR_PARSE, "truncated string");
	ok(parse("{\"a\":Infinity}", 8) == MCP_ERR_PARSE, "Infinity");
	ok(parse("[\"a\tb\"]", 8) == MCP_ERR_PARSE, "raw tab in a string");
	ok(parse("[01]", 8) == MCP_ERR_PARSE, "leading zero");
	ok(parse("[1.]", 8) == MCP_ERR_PARSE, "bare decimal point");
	ok(parse("[1e]", 8) == MCP_ERR_PARSE, "bare exponent");
	ok(parse("[\"\\x41\"]", 8) == MCP_ERR_PARSE, "bad escape");
	/* The tree is the one json-c's tokener builds (tests/fuzz/json.c). */
	ok(strcmp(tree("[\"\\u00e9\\ud83d\\ude00\\/\"]"),
	    "[\"\xc3\xa9\xf0\x9f\x98\x80/\"]") == 0, "escapes decoded, pairs joined");
	ok(strcmp(tree("[\"\\ud800x\\udc00\"]"),
	    "[\"\xef\xbf\xbdx\xef\xbf\xbd\"]") == 0, "lone surrogates become U+FFFD");
	ok(strcmp(tree("[1.50,2e3,-0,9223372036854775808,-99999999999999999999]"),
	    "[1.50,2e3,0,9223372036854775808,-9223372036854775808]") == 0,
	    "doubles as written, -0 an integer, 64-bit clamping");
	ok(strcmp(tree("{\"a\":1,\"b\":2,\"a\":3}"), "{\"a\":3,\"b\":2}") == 0,
	    "a repeated key keeps its place, the last value");
	ok(strcmp(tree("{\"k\":\"v\\u0000w\"}"), "{\"k\":\"v\\u0000w\"}") == 0,
	    "an escaped NUL inside a value is kept, the value whole");
	ok(parse("{\"k\\u0000x\":1}", 8) == MCP_ERR_NULNAME &&
	    mcp_json_syntax("{\"k\\u0000x\":1}", 13, 8) == MCP_ERR_NULNAME,
	    "an escaped NUL in a member name is refused (it would end it)");
	ok(parse("{\"a\":{\"\\ud800\\u0000\":1}}", 8) == MCP_ERR_NULNAME &&
	    parse("[{\"\\u0000\":1}]", 8) == MCP_ERR_NULNAME,
	    "also after a lone surrogate, and at any depth");
	ok(strcmp(tree("null"), "") == 0 && parse("null", 8) == MCP_ERR_INVALID,
	    "a top-level null is not a message");
	ok(parse("[\"\\u12g4\"]", 8) == MCP_ERR_PARSE, "bad \\u escape");
	ok(parse("[\"\xc0\xaf\"]", 8) == MCP_ERR_UTF8, "overlong UTF-8");
	ok(parse("[\"\xed\xa0\x80\"]", 8) == MCP_ERR_UTF8, "UTF-8 surrogate");
	ok(parse("[\"\xf4\x90\x80\x80\"]", 8) == MCP_ERR_UTF8, "above U+10FFFF");
	ok(parse("[\"\xf0\x9f\x98\x80\"]", 8) == MCP_OK, "4-byte UTF-8");
	ok(parse("-12.5e+3", 8) == MCP_OK, "top-level number");
	ok(parse("null", 8) == MCP_ERR_INVALID, "top-level null");
	ok(parse("[1,2", 8) == MCP_ERR_PARSE, "unclosed array");
	ok(parse("{\"a\" 1}", 8) == MCP_ERR_PARSE, "missing colon");
	ok(parse("{1:2}", 8) == MCP_ERR_PARSE, "non-string key");
	ok(parse("[tru]", 8) == MCP_ERR_PARSE, "short literal");
	ok(parse("[[[[[[[[1]]]]]]]]", 8) == MCP_OK, "exactly at the depth limit");

	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", &k) == MCP_OK && k == MCP_MSG_REQUEST, "request");
	ok(env("{\"jsonrpc\":\"2.0\",\"method\":\"n\"}", &k) == MCP_OK && k == MCP_MSG_NOTIFICATION, "notification");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}", &k) == MCP_OK && k == MCP_MSG_RESPONSE, "response");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":1,\"message\":\"m\"}}", &k) == MCP_OK && k == MCP_MSG_RESPONSE, "error response");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"p\"}", &k) == MCP_ERR_INVALID, "null id");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"p\"}", &k) == MCP_ERR_INVALID, "boolean id");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"p\"}", &k) == MCP_ERR_INVALID, "fractional id");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", &k) == MCP_ERR_INVALID, "empty method");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", &k) == MCP_ERR_INVALID, "numeric method");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\",\"params\":\"x\"}", &k) == MCP_ERR_INVALID, "string params");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\",\"result\":{}}", &k) == MCP_ERR_INVALID, "method and result");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1}", &k) == MCP_ERR_INVALID, "neither method nor result");
	ok(env("{\"jsonrpc\":\"2.0\",\"result\":{}}", &k) == MCP_ERR_INVALID, "response without id");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":5}", &k) == MCP_ERR_INVALID, "error not an object");
	ok(env("[1]", &k) == MCP_ERR_INVALID, "array is not one message");
	/* A member whose value is null is present (json-c holds NULL). */
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}", &k) == MCP_ERR_INVALID, "null method");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\",\"params\":null}", &k) == MCP_ERR_INVALID, "null params");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\",\"error\":null}", &k) == MCP_ERR_INVALID, "method and a null error");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", &k) == MCP_OK && k == MCP_MSG_RESPONSE, "a null result is a result");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":null}", &k) == MCP_ERR_INVALID, "result and a null error");
	ok(env("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":null}", &k) == MCP_ERR_INVALID, "a null error is no object");
	ok(env("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"p\"}", &k) == MCP_ERR_INVALID, "jsonrpc 1.0");
	ok(env("{\"id\":1,\"method\":\"p\"}", &k) == MCP_ERR_INVALID, "no jsonrpc");
	ok(env("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"p\"}", &k) == MCP_ERR_INVALID, "jsonrpc a number");
	view();
	lanes();
	doc();
	reply();

	ok(mcp_http_accepts("application/json, text/event-stream", "text/event-stream"), "accept list");
	ok(mcp_http_accepts("*/*", "application/json"), "accept */*");
	ok(mcp_http_accepts("text/*;q=0.5", "text/event-stream"), "accept text/*");
	ok(!mcp_http_accepts("text/*", "application/json"), "text/* is not json");
	ok(!mcp_http_accepts("application/json;q=0", "application/json"), "q=0 excludes");
	ok(!mcp_http_accepts("application/json; q=0.000", "application/json"), "q=0.000 excludes");
	ok(mcp_http_accepts("application/json;q=0.1", "application/json"), "q=0.1 accepts");
	ok(!mcp_http_accepts("application/json;Q=0", "application/json"), "Q=0 excludes too");
	ok(mcp_http_accepts("application/json;charset=UTF-8;Q=1", "application/json"), "Q=1 accepts");
	ok(mcp_http_accepts("application/json;aq=0", "application/json"), "aq=0 is another parameter");
	ok(!mcp_http_accepts("application/json;q=0, */*", "application/json"), "json;q=0 beats */*");
	ok(!mcp_http_accepts("*/*, text/*;q=0", "text/event-stream"), "text/*;q=0 beats */*");
	ok(mcp_http_accepts("text/*;q=0, text/event-stream", "text/event-stream"), "the exact type beats text/*;q=0");
	ok(mcp_http_accepts("*/*;q=0, application/json", "application/json"), "and */*;q=0");
	ok(mcp_http_accepts("application/json;q=0, */*", "text/event-stream"), "json;q=0 leaves the rest to */*");
	ok(!mcp_http_accepts("application/jsonx", "application/json"), "no prefix match");
	ok(!mcp_http_accepts(NULL, "application/json"), "no header");
	ok(mcp_url_is_loopback("http://127.0.0.1:8080/jwks"), "loopback with port");
	ok(mcp_url_is_loopback("http://LOCALHOST/jwks"), "localhost, any case");
	ok(mcp_url_is_loopback("http://[::1]:9/x?y"), "[::1] with port and query");
	ok(mcp_url_is_loopback("http://127.0.0.1"), "no path");
	ok(!mcp_url_is_loopback("http://127.0.0.1:80@keys.example/jwks"), "userinfo that looks like loopback: not loopback");
	ok(!mcp_url_is_loopback("http://localhost@keys.example/"), "userinfo localhost: not loopback");
	ok(!mcp_url_is_loopback("http://127.0.0.1.example/"), "a longer name: not loopback");
	ok(!mcp_url_is_loopback("http://localhost:80x/"), "a port that is not a number");
	ok(!mcp_url_is_loopback("http://127.0.0.1:/"), "an empty port");
	ok(!mcp_url_is_loopback("http://keys.example/127.0.0.1"), "loopback in the path only");

	mcp_config_defaults(&c);
	ok(mcp_config_origin_ok(&c, "http://localhost:6274"), "loopback any port");
	ok(mcp_config_origin_ok(&c, "http://127.0.0.1"), "loopback no port");
	ok(!mcp_config_origin_ok(&c, "http://localhost.evil.com"), "lookalike host");
	ok(!mcp_config_origin_ok(&c, "http://localhost:80x"), "junk port");
	ok(!mcp_config_origin_ok(&c, "null"), "opaque origin");
	ok(!mcp_config_origin_ok(&c, "http://localhost\r\nX-Evil: 1"), "CR LF in origin");
	ok(mcp_config_add_origin(&c, "*") == 0 &&
	    mcp_config_origin_ok(&c, "https://any.example"), "* allows any origin");
	ok(!mcp_config_origin_ok(&c, "https://any.example\r\nX-Evil: 1"), "* still refuses CR LF");
	ok(!mcp_config_origin_ok(&c, "https://a b"), "* still refuses a space");
	mcp_config_free(&c);

	mcp_cursor_make(250, cur, sizeof(cur));
	ok(mcp_cursor_parse(cur, &off) == 0 && off == 250, "cursor round trip (%s)", cur);
	ok(mcp_cursor_parse("", &off) == -1, "empty cursor");
	ok(mcp_cursor_parse("bzoxeA", &off) == -1, "cursor with junk (o:1x)");
	ok(mcp_cursor_parse("a/b", &off) == -1, "cursor with slash");
	ok(mcp_cursor_parse("bzotMQ", &off) == -1, "negative offset");

	v = json_object_new_object();
	ok(mcp_template_match("test://template/{id}/data", "test://template/123/data", v) &&
	    strcmp(json_object_get_string(json_object_object_get(v, "id")), "123") == 0, "template match");
	ok(!mcp_template_match("test://template/{id}/data", "test://template//data", NULL), "empty variable");
	ok(!mcp_template_match("test://template/{id}/data", "test://template/1/2/data", NULL), "variable with slash");
	ok(!mcp_template_match("test://template/{id}/data", "test://template/1/datax", NULL), "trailing text");
	ok(mcp_template_match("x://{a}-{b}", "x://p-q", NULL), "two variables");
	json_object_put(v);

	/* What serves a URI: a static resource first, then templates in order. */
	ok(mcp_registry_init(&reg, &ep, why, sizeof(why)) == 0, "registry");
	v = json_object_new_object();
	ok(mcp_registry_resource(&reg, "x://orgs/all", v, &ref) == 0 &&
	    ref.res == &res[0] && ref.tmpl == NULL &&
	    strcmp(ref.scopes, "org:read") == 0 &&
	    json_object_object_length(v) == 0, "a static URI beats a template");
	ok(mcp_registry_resource(&reg, "x://orgs/a-b", v, &ref) == 0 &&
	    ref.tmpl == &tmpl[1] && strcmp(ref.scopes, "") == 0 &&
	    json_object_object_length(v) == 1 &&
	    strcmp(json_object_get_string(json_object_object_get(v, "id")),
	    "a-b") == 0, "a failed template leaves no variables behind");
	ok(mcp_registry_resource(&reg, "x://nothing", NULL, &ref) == -1 &&
	    ref.name == NULL, "nothing serves it");
	json_object_put(v);
	mcp_registry_free(&reg);

	/* CGI variables: one pass over the environment; one given twice
	 * (nginx's way with a repeated header) is believed in neither copy. */
	{
		struct mcp_io	 io;
		struct mcp_req	 rq;

		memset(&io, 0, sizeof(io));
		memset(&rq, 0, sizeof(rq));
		io.param = t_param;
		io.envp = t_envp;
		rq.io = &io;
		ok(strcmp(mcp_http_param(&rq, "REQUEST_URI"), ",") == 0,
		    "a repeated variable reads as \",\"");
		ok(strcmp(mcp_http_param(&rq, "HTTP_MCP_NAME"), "echo") == 0,
		    "a header variable");
		ok(mcp_http_param(&rq, "HTTP_ORIGIN") == NULL,
		    "same length, other name (HTTP_COOKIE): not Origin");
		ok(strcmp(mcp_http_param(&rq, "CONTENT_LENGTH"), "") == 0,
		    "an empty value is present");
		ok(mcp_http_param(&rq, "HTTP_ACCEPT") == NULL && fallbacks == 0,
		    "a missing variable, without asking param()");
		ok(strcmp(mcp_http_param(&rq, "HTTP_X_OTHER"), "o") == 0 &&
		    fallbacks == 1, "any other name is asked of param()");
	}
	{
		/* Every variable of the one-pass set, among lighttpd's. */
		static const char *const all[] = {
			"GATEWAY_INTERFACE=CGI/1.1", "SERVER_NAME=s",
			"REMOTE_ADDR=r", "REDIRECT_STATUS=200",
			"REQUEST_URI=1", "SCRIPT_NAME=2", "HTTP_ACCEPT=3",
			"HTTP_ORIGIN=4", "QUERY_STRING=5", "CONTENT_TYPE=6",
			"HTTP_MCP_NAME=7", "REQUEST_METHOD=8",
			"CONTENT_LENGTH=9", "HTTP_MCP_METHOD=10",
			"HTTP_AUTHORIZATION=11", "HTTP_MCP_SESSION_ID=12",
			"HTTP_MCP_PROTOCOL_VERSION=13", "DOCUMENT_ROOT=d",
			"PATH_INFO=p", NULL
		};
		struct mcp_io	 io;
		struct mcp_req	 rq;
		const char	*got;
		char		 name[32];
		size_t		 i, bad = 0, eq;

		memset(&io, 0, sizeof(io));
		memset(&rq, 0, sizeof(rq));
		io.param = t_param;
		io.envp = t_envp_all;
		envp_all = all;
		rq.io = &io;
		fallbacks = 0;
		for (i = 4; i < 17; i++) {
			eq = strcspn(all[i], "=");
			snprintf(name, sizeof(name), "%.*s", (int)eq, all[i]);
			got = mcp_http_param(&rq, name);
			bad += got == NULL || strcmp(got, all[i] + eq + 1) != 0;
		}
		ok(bad == 0 && fallbacks == 0, "each of the thirteen variables "
		    "read in one pass is found (%zu wrong)", bad);
	}

	/* The serializer writes json-c's text (the fuzz target does more). */
	{
		const char	*in = "{\"a\":[1,-2,9223372036854775807,"
		    "18446744073709551615,1.50,true,null,{}],\"\\u0001\\n/\\\"\":"
		    "\"\\u00e9\\t\\u001f\",\"e\":[],\"d\":-0.0e1}";
		struct json_object	*o;
		struct mcp_buf		 b = { 0 };
		enum mcp_err		 pe;

		o = mcp_json_parse(in, strlen(in), 8, &pe);
		ok(o != NULL && mcp_json_write(&b, o) == 0 &&
		    strcmp(b.p, json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) ==
		    0, "serialized as json-c does");
		ok(b.p != NULL && strstr(b.p, "\"\\u0001\\n/\\\"\"") != NULL &&
		    strstr(b.p, "18446744073709551615") != NULL &&
		    strstr(b.p, "1.50") != NULL, "escapes, big integers, "
		    "numbers as written");
		mcp_buf_free(&b);
		json_object_put(o);
	}

	ok(mcp_err_info(MCP_ERR_SESSION)->http == 404 && mcp_err_info(MCP_ERR__MAX)->http == 500, "error table");
	{
		/*
		 * A buffer with max refuses to grow past it (over set), and
		 * a structured tool result stops there too: its text block
		 * is made in a buffer of its own, held to the same limit.
		 */
		struct mcp_buf		 b = { 0 };
		struct json_object	*sc, *sr;
		char			 big[5000];
		int			 rc;

		b.max = 1000;
		ok(mcp_buf_add(&b, big, 900) == 0 && !b.over,
		    "a buffer grows up to its max");
		ok(mcp_buf_add(&b, big, 200) == -1 && b.over && b.len == 900,
		    "and not past it: -1, over set, nothing added");
		mcp_buf_free(&b);
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		sc = json_object_new_object();
		json_object_object_add(sc, "text", json_object_new_string(big));
		sr = mcp_result_structured(sc);
		memset(&b, 0, sizeof(b));
		b.max = 4096;
		rc = mcp_result_write(&b, sr);
		ok(rc == -1 && b.over && b.len <= 4096, "a structured result "
		    "over the max stops early (%zu bytes written)", b.len);
		mcp_buf_free(&b);
		memset(&b, 0, sizeof(b));
		ok(mcp_result_write(&b, sr) == 0 && b.len > 10000,
		    "and is written whole without one");
		mcp_buf_free(&b);
		json_object_put(sr);
	}
	{
		/* Status lines, Content-Length and JSON integers share it. */
		char		 d[24], *end = d + sizeof(d);
		struct mcp_buf	 b = { 0 };

		ok(memcmp(mcp_digits(end, 0), "0", 1) == 0 &&
		    end - mcp_digits(end, 0) == 1, "0 is one digit");
		ok(end - mcp_digits(end, 200) == 3 &&
		    memcmp(end - 3, "200", 3) == 0, "200");
		ok(end - mcp_digits(end, UINT64_MAX) == 20 &&
		    memcmp(end - 20, "18446744073709551615", 20) == 0,
		    "the largest 64-bit value, 20 digits");
		ok(mcp_json_write_int(&b, INT64_MIN) == 0 && b.len == 20 &&
		    memcmp(b.p, "-9223372036854775808", 20) == 0,
		    "the smallest 64-bit integer, signed");
		mcp_buf_free(&b);
	}
	{
		/* Truncated text that reaches clients stays UTF-8. */
		static const char *const cases[][2] = {
			{ "", "" }, { "abc", "abc" },
			{ "ab\xc3", "ab" }, { "ab\xc3\xa9", "ab\xc3\xa9" },
			{ "a\xe2\x82", "a" }, { "a\xe2", "a" },
			{ "a\xe2\x82\xac", "a\xe2\x82\xac" },
			{ "a\xf0\x9f\x98", "a" }, { "\xf0\x9f", "" },
			{ "a\xf0\x9f\x98\x80", "a\xf0\x9f\x98\x80" },
			{ "\xc3\xa9\xc3", "\xc3\xa9" },
		};
		char	 s[16];
		size_t	 i, bad = 0;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			snprintf(s, sizeof(s), "%s", cases[i][0]);
			if (mcp_utf8_cut(s) != strlen(cases[i][1]) ||
			    strcmp(s, cases[i][1]) != 0)
				bad++;
		}
		ok(bad == 0, "mcp_utf8_cut drops only an incomplete last "
		    "sequence (%zu of %zu wrong)", bad, i);
		ok(mcp_strlcpy(s, "a\xc3\xa9", 3) == 3 && strcmp(s, "a") == 0,
		    "strlcpy does not split a character");
		ok(mcp_strlcpy(s, "a\xc3\xa9", 4) == 3 &&
		    strcmp(s, "a\xc3\xa9") == 0, "nor cut a whole one");
	}
	{
		/* Whatever a handler puts in a string, the answer is UTF-8. */
		static const char *const cases[][2] = {
			{ "a\xc3\xa9", "\"a\xc3\xa9\"" },
			{ "a\xffz", "\"a\xef\xbf\xbdz\"" },
			{ "a\xc3", "\"a\xef\xbf\xbd\"" },
			{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
			{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbd\"" },
			{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbd\xef\xbf\xbd\"" },
			{ "\"\xff\n", "\"\\\"\xef\xbf\xbd\\n\"" },
		};
		struct mcp_buf	 b = { 0 };
		size_t		 i, bad = 0;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			mcp_buf_reset(&b);
			if (mcp_json_write_string(&b, cases[i][0],
			    strlen(cases[i][0])) == -1 ||
			    b.len != strlen(cases[i][1]) ||
			    memcmp(b.p, cases[i][1], b.len) != 0)
				bad++;
		}
		ok(bad == 0, "invalid UTF-8 in a string is written as U+FFFD "
		    "(%zu of %zu wrong)", bad, i);
		mcp_buf_free(&b);
	}
	{
		/* A tool error of 1,022 bytes and a euro sign, cut at 1,023. */
		struct json_object	*r, *blk;
		char			 a[1023];
		const char		*t;

		memset(a, 'a', sizeof(a) - 1);
		a[sizeof(a) - 1] = '\0';
		r = mcp_result_errorf("%s\xe2\x82\xac", a);
		blk = json_object_array_get_idx(mcp_json_arr(r, "content"), 0);
		t = mcp_json_str(blk, "text");
		ok(t != NULL && strcmp(t, a) == 0, "a cut tool error message "
		    "ends before the split character");
		json_object_put(r);
	}
	/* CONTENT_LENGTH: digits only, 12 at most. */
	off = 7;
	ok(mcp_http_length("0", &off) == 0 && off == 0, "length 0");
	ok(mcp_http_length("999999999999", &off) == 0 &&
	    off == 999999999999ULL, "length of 12 digits");
	ok(mcp_http_length("1000000000000", &off) == -1, "13 digits refused");
	ok(mcp_http_length(NULL, &off) == -1 && mcp_http_length("", &off) ==
	    -1, "no length refused");
	ok(mcp_http_length("+5", &off) == -1 && mcp_http_length("-5", &off) ==
	    -1 && mcp_http_length(" 5", &off) == -1 &&
	    mcp_http_length("5 ", &off) == -1 && mcp_http_length("0x10", &off) ==
	    -1, "a sign, white space or hex refused");
	return done();
}
