/*
 * jsondoc.c: a request body as a tree of nodes in one arena.
 *
 * A json-c object costs an allocation and a zeroed sixteen-entry hash
 * table, and a tools/call used to build nine of them from its body only
 * to read four members; the nodes here are bump-allocated from a buffer
 * inside the document (3 KB holds a typical request, so most requests
 * allocate nothing) and freed together.  Lookups scan a container's
 * members in order, keeping the last of a name as json-c does; the scan
 * is linear in the members, and each layer looks up a handful of names.
 *
 * mcp_jdoc_copy() builds the json-c tree json-c's tokener would build
 * from the same text (tests/fuzz/json.c compares them), so code that has
 * not moved to nodes gets what it always got.
 */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define CHUNK_MIN	(16 * 1024)
#define CHUNK_MAX	(1024 * 1024)
#define ALIGN		(sizeof(void *))

struct mcp_jchunk {
	struct mcp_jchunk	*next;
	_Alignas(16) char	 mem[];
};

void *
mcp_jdoc_alloc(struct mcp_jdoc *d, size_t n)
{
	struct mcp_jchunk	*ch;
	size_t			 size;
	void			*p;

	if (n > SIZE_MAX - ALIGN)
		return NULL;
	n = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (n > d->left) {
		if (d->grow < CHUNK_MIN)
			d->grow = CHUNK_MIN;
		size = n > d->grow ? n : d->grow;
		if (size > SIZE_MAX - sizeof(*ch) ||
		    (ch = malloc(sizeof(*ch) + size)) == NULL)
			return NULL;
		ch->next = d->chunks;
		d->chunks = ch;
		d->p = ch->mem;
		d->left = size;
		if (d->grow < CHUNK_MAX)
			d->grow *= 2;
	}
	p = d->p;
	d->p += n;
	d->left -= n;
	return p;
}

/* Puts every copy mcp_jdoc_json() made at or under v. */
static void
put_copies(struct mcp_jv *v)
{
	struct mcp_jv	*m;

	json_object_put(v->json);
	v->json = NULL;
	for (m = v->first; m != NULL; m = m->next)
		put_copies(m);
}

void
mcp_jdoc_free(struct mcp_jdoc *d)
{
	struct mcp_jchunk	*ch;
	size_t			 i;

	/* A request copies a few nodes: those are known, else walk. */
	if (d->copies <= sizeof(d->copied) / sizeof(d->copied[0]))
		for (i = 0; i < d->copies; i++) {
			json_object_put(d->copied[i]->json);
			d->copied[i]->json = NULL;
		}
	else if (d->root != NULL)
		put_copies(d->root);
	while ((ch = d->chunks) != NULL) {
		d->chunks = ch->next;
		free(ch);
	}
	d->root = NULL;
	d->copies = 0;
	d->p = d->inline_;
	d->left = sizeof(d->inline_);
}

static locale_t		 c_locale;
static pthread_once_t	 c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* A number's text as json-c holds it. */
static struct json_object *
number(const struct mcp_jv *v)
{
	unsigned long long	 u;
	double			 dv;
	char			*end;

	if (v->type == MCP_JDOUBLE) {
		pthread_once(&c_locale_once, c_locale_init);
		dv = c_locale != (locale_t)0 ? strtod_l(v->s, &end, c_locale) :
		    strtod(v->s, &end);
		return json_object_new_double_s(dv, v->s);
	}
	/* json-c clamps what does not fit in 64 bits; so do we. */
	errno = 0;
	if (v->s[0] == '-')
		return json_object_new_int64(strtoll(v->s, &end, 10));
	u = strtoull(v->s, &end, 10);
	if (u <= INT64_MAX)
		return json_object_new_int64((int64_t)u);
	return json_object_new_uint64(u);
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

struct json_object *
mcp_jdoc_copy(const struct mcp_jv *v, int *nomem)
{
	struct json_object	*o = NULL, *m;
	const struct mcp_jv	*e;
	int			 fail = 0;

	if (v == NULL)
		return NULL;
	if (v->json != NULL)
		return json_object_get(v->json);
	switch (v->type) {
	case MCP_JNULL:
		return NULL;
	case MCP_JFALSE:
	case MCP_JTRUE:
		o = json_object_new_boolean(v->type == MCP_JTRUE);
		break;
	case MCP_JINT:
	case MCP_JDOUBLE:
		o = number(v);
		break;
	case MCP_JSTRING:
		o = v->len <= INT32_MAX ?
		    json_object_new_string_len(v->s, (int)v->len) : NULL;
		break;
	case MCP_JOBJECT:
	case MCP_JARRAY:
		o = v->type == MCP_JOBJECT ? json_object_new_object() :
		    json_object_new_array();
		for (e = v->first; o != NULL && e != NULL; e = e->next) {
			m = mcp_jdoc_copy(e, &fail);
			if (fail || (v->type == MCP_JOBJECT ?
			    add(o, e->key, m) : json_object_array_add(o, m)) !=
			    0) {
				json_object_put(m);
				json_object_put(o);
				o = NULL;
			}
		}
		break;
	}
	if (o == NULL && nomem != NULL)
		*nomem = 1;
	return o;
}

struct json_object *
mcp_jdoc_json(struct mcp_jdoc *d, struct mcp_jv *v, int *nomem)
{
	if (v == NULL || v->json != NULL || v->type == MCP_JNULL)
		return v != NULL ? v->json : NULL;
	if ((v->json = mcp_jdoc_copy(v, nomem)) != NULL) {
		if (d->copies < sizeof(d->copied) / sizeof(d->copied[0]))
			d->copied[d->copies] = v;
		d->copies++;
	}
	return v->json;
}

struct mcp_jv *
mcp_jv_get(const struct mcp_jv *o, const char *key)
{
	struct mcp_jv	*m, *found = NULL;

	if (o == NULL || o->type != MCP_JOBJECT)
		return NULL;
	for (m = o->first; m != NULL; m = m->next)
		if (m->key[0] == key[0] && strcmp(m->key, key) == 0)
			found = m;
	return found;
}

struct mcp_jv *
mcp_jv_obj(const struct mcp_jv *o, const char *key)
{
	struct mcp_jv	*v = mcp_jv_get(o, key);

	return v != NULL && v->type == MCP_JOBJECT ? v : NULL;
}

const char *
mcp_jv_str(const struct mcp_jv *o, const char *key)
{
	struct mcp_jv	*v = mcp_jv_get(o, key);

	return v != NULL && v->type == MCP_JSTRING &&
	    memchr(v->s, '\0', v->len) == NULL ? v->s : NULL;
}

int
mcp_jv_isid(const struct mcp_jv *v)
{
	if (v == NULL)
		return 0;
	if (v->type == MCP_JSTRING)
		return v->len <= MCP_ID_MAX && memchr(v->s, '\0', v->len) ==
		    NULL;
	return v->type == MCP_JINT;
}
