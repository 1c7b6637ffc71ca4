/*
 * jsonx.c: json-c wrappers that close its traps (see STYLE.md): typed
 * getters that never coerce, a setter that always consumes its value, and
 * a parser that is strict, UTF-8 checked, depth-limited and requires the
 * whole buffer to be one value.
 */
#include <string.h>

#include "extern.h"

struct json_object *
mcp_json_parse(const char *buf, size_t len, int depth, enum mcp_err *err)
{
	struct json_object	*o;

	if ((*err = mcp_json_read(buf, len, depth, &o)) != MCP_OK)
		return NULL;
	/* json-c has no object for a top-level null. */
	if (o == NULL)
		*err = MCP_ERR_INVALID;
	return o;
}

int
mcp_json_set_key(struct json_object *o, const char *key,
    struct json_object *val)
{
	if (o == NULL || json_object_object_add(o, key, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

int
mcp_json_set_lit(struct json_object *o, const char *literal,
    struct json_object *val)
{
	if (o == NULL || json_object_object_add_ex(o, literal, val,
	    JSON_C_OBJECT_ADD_CONSTANT_KEY) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

int
mcp_json_append(struct json_object *a, struct json_object *val)
{
	if (a == NULL || json_object_array_add(a, val) != 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

/*
 * Objects of a JSON-RPC message have a handful of members: comparing the
 * keys in order is several times cheaper than json-c's seeded hash, which
 * is kept for larger objects (where it bounds the cost of crafted keys).
 */
#define SCAN_MAX	8

int
mcp_json_get(struct json_object *o, const char *key, struct json_object **v)
{
	struct lh_table	*t;
	struct lh_entry	*e;
	const char	*k;

	if (v != NULL)
		*v = NULL;
	if (o == NULL || !json_object_is_type(o, json_type_object))
		return 0;
	t = json_object_get_object(o);
	if (t->count > SCAN_MAX)
		return json_object_object_get_ex(o, key, v);
	for (e = t->head; e != NULL; e = e->next) {
		k = lh_entry_k(e);
		if (k[0] == key[0] && strcmp(k, key) == 0) {
			if (v != NULL)
				*v = (struct json_object *)lh_entry_v(e);
			return 1;
		}
	}
	return 0;
}

static struct json_object *
typed(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object	*v;

	if (!mcp_json_get(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

struct json_object *
mcp_json_obj(struct json_object *o, const char *key)
{
	return typed(o, key, json_type_object);
}

struct json_object *
mcp_json_arr(struct json_object *o, const char *key)
{
	return typed(o, key, json_type_array);
}

const char *
mcp_json_str(struct json_object *o, const char *key)
{
	struct json_object	*v;

	const char		*s;

	if ((v = typed(o, key, json_type_string)) == NULL)
		return NULL;
	s = json_object_get_string(v);
	if (memchr(s, '\0', (size_t)json_object_get_string_len(v)) != NULL)
		return NULL;
	return s;
}

int
mcp_json_has(struct json_object *o, const char *key)
{
	return mcp_json_get(o, key, NULL);
}

const char *
mcp_json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}
