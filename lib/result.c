/*
 * result.c: builders for CallToolResult, content blocks, resource
 * contents and prompt messages (MCP "server/tools", "server/resources").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

struct json_object *
mcp_content_text(const char *text)
{
	struct json_object	*c;

	if ((c = json_object_new_object()) == NULL)
		return NULL;
	mcp_json_set(c, "type", json_object_new_string("text"));
	if (mcp_json_set(c, "text", json_object_new_string(text)) == -1) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

static struct json_object *
media(const char *type, const char *b64, const char *mime)
{
	struct json_object	*c;

	if ((c = json_object_new_object()) == NULL)
		return NULL;
	if (mcp_json_set(c, "type", json_object_new_string(type)) == -1 ||
	    mcp_json_set(c, "data", json_object_new_string(b64)) == -1 ||
	    mcp_json_set(c, "mimeType", json_object_new_string(mime)) == -1) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

struct json_object *
mcp_result_new(void)
{
	struct json_object	*r;

	if ((r = json_object_new_object()) == NULL)
		return NULL;
	if (mcp_json_set(r, "content", json_object_new_array()) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

/* Appends block to r's content, made first if r has none. */
static int
add(struct json_object *r, struct json_object *block)
{
	if (block == NULL)
		return -1;
	if (!mcp_json_has(r, "content") &&
	    mcp_json_set(r, "content", json_object_new_array()) == -1) {
		json_object_put(block);
		return -1;
	}
	return mcp_json_append(mcp_json_arr(r, "content"), block);
}

int
mcp_result_add_text(struct json_object *r, const char *text)
{
	return add(r, mcp_content_text(text));
}

int
mcp_result_add_image(struct json_object *r, const char *b64,
    const char *mime)
{
	return add(r, media("image", b64, mime));
}

int
mcp_result_add_audio(struct json_object *r, const char *b64,
    const char *mime)
{
	return add(r, media("audio", b64, mime));
}

static struct json_object *
text_contents(const char *uri, const char *mime, const char *text)
{
	struct json_object	*c;

	if ((c = json_object_new_object()) == NULL)
		return NULL;
	if (mcp_json_set(c, "uri", json_object_new_string(uri)) == -1 ||
	    mcp_json_set(c, "mimeType", json_object_new_string(mime)) == -1 ||
	    mcp_json_set(c, "text", json_object_new_string(text)) == -1) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

int
mcp_result_add_resource(struct json_object *r, const char *uri,
    const char *mime, const char *text)
{
	struct json_object	*c, *res;

	if ((res = text_contents(uri, mime, text)) == NULL)
		return -1;
	if ((c = json_object_new_object()) == NULL) {
		json_object_put(res);
		return -1;
	}
	mcp_json_set(c, "type", json_object_new_string("resource"));
	if (mcp_json_set(c, "resource", res) == -1) {
		json_object_put(c);
		return -1;
	}
	return add(r, c);
}

struct json_object *
mcp_result_text(const char *text)
{
	struct json_object	*r;

	if ((r = mcp_result_new()) == NULL)
		return NULL;
	if (mcp_result_add_text(r, text) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
mcp_result_errorf(const char *fmt, ...)
{
	struct json_object	*r;
	va_list			 ap;
	char			 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mcp_utf8_cut(msg);
	if ((r = mcp_result_text(msg)) == NULL)
		return NULL;
	if (mcp_json_set(r, "isError", json_object_new_boolean(1)) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

struct json_object *
mcp_result_structured(struct json_object *sc)
{
	struct json_object	*r;

	if (sc == NULL || (r = json_object_new_object()) == NULL) {
		json_object_put(sc);
		return NULL;
	}
	if (mcp_json_set(r, "structuredContent", sc) == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

/* A result of structuredContent alone: its text block is still to make. */
static struct json_object *
mirrored(struct json_object *res)
{
	struct json_object	*sc;

	if (mcp_json_has(res, "content") ||
	    !mcp_json_get(res, "structuredContent", &sc))
		return NULL;
	return sc;
}

/*
 * The text block first, then every member as it is, structuredContent
 * from the text already written for the block: the bytes
 * mcp_json_write() gives for mcp_result_complete()'s object.
 */
int
mcp_result_write(struct mcp_buf *b, struct json_object *res)
{
	static const char	 head[] =
	    "{\"content\":[{\"type\":\"text\",\"text\":";
	struct json_object	*sc;
	struct mcp_buf		 t = { 0 };
	int			 rc = -1;

	if ((sc = mirrored(res)) == NULL)
		return mcp_json_write(b, res);
	/* Its text goes into b too: b's limit is t's (lib/extern.h). */
	t.max = b->max;
	if (mcp_json_write(&t, sc) == -1) {
		b->over |= t.over;
		goto out;
	}
	if (mcp_buf_add(b, head, sizeof(head) - 1) == -1 ||
	    mcp_json_write_string(b, t.p, t.len) == -1 ||
	    mcp_buf_add(b, "}]", 2) == -1)
		goto out;
	json_object_object_foreach(res, k, v) {
		if (mcp_buf_add(b, ",", 1) == -1 ||
		    mcp_json_write_string(b, k, strlen(k)) == -1 ||
		    mcp_buf_add(b, ":", 1) == -1 ||
		    (v == sc ? mcp_buf_add(b, t.p, t.len) :
		    mcp_json_write(b, v)) == -1)
			goto out;
	}
	rc = mcp_buf_add(b, "}", 1);
out:
	mcp_buf_free(&t);
	return rc;
}

struct json_object *
mcp_result_complete(struct json_object *res)
{
	struct json_object	*sc, *r;
	struct mcp_buf		 t = { 0 };

	if ((sc = mirrored(res)) == NULL)
		return res;
	if (mcp_json_write(&t, sc) == -1 ||
	    (r = mcp_result_text(t.p)) == NULL) {
		mcp_buf_free(&t);
		json_object_put(res);
		return NULL;
	}
	mcp_buf_free(&t);
	json_object_object_foreach(res, k, v)
		if (mcp_json_set_key(r, k, json_object_get(v)) == -1) {
			json_object_put(r);
			r = NULL;
			break;
		}
	json_object_put(res);
	return r;
}

struct json_object *
mcp_contents_text(const char *uri, const char *mime, const char *text)
{
	struct json_object	*a;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	if (mcp_json_append(a, text_contents(uri, mime, text)) == -1 ||
	    json_object_array_length(a) != 1) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

struct json_object *
mcp_contents_blob(const char *uri, const char *mime, const char *b64)
{
	struct json_object	*a, *c;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	if ((c = json_object_new_object()) == NULL) {
		json_object_put(a);
		return NULL;
	}
	mcp_json_set(c, "uri", json_object_new_string(uri));
	mcp_json_set(c, "mimeType", json_object_new_string(mime));
	mcp_json_set(c, "blob", json_object_new_string(b64));
	if (mcp_json_append(a, c) == -1) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

struct json_object *
mcp_message(const char *role, struct json_object *content)
{
	struct json_object	*m;

	if (content == NULL || (m = json_object_new_object()) == NULL) {
		json_object_put(content);
		return NULL;
	}
	mcp_json_set(m, "role", json_object_new_string(role));
	if (mcp_json_set(m, "content", content) == -1) {
		json_object_put(m);
		return NULL;
	}
	return m;
}
