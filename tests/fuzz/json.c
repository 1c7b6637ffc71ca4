/*
 * json.c: fuzzes the body reader (lib/jsonread.c), the document it
 * reads into (lib/jsondoc.c) and the JSON-RPC envelope check, the first
 * code an untrusted body reaches.  Differential: what the check accepts,
 * json-c's own strict tokener must parse into the same tree as the
 * document's copy (compared as serialized text), and each top-level
 * member the document's lookup finds must be json-c's; what the check
 * refuses, the reader must refuse with the same error.  Our serializer
 * (lib/jsonwrite.c) must write json-c's text for every tree.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* json-c's tokener on text our check accepted: the reference tree. */
static struct json_object *
reference(const uint8_t *data, size_t size, int *ok)
{
	struct json_tokener	*tok;
	struct json_object	*o;

	if ((tok = json_tokener_new_ex(65)) == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (o == NULL && json_tokener_get_error(tok) == json_tokener_continue)
		o = json_tokener_parse_ex(tok, "", 1);
	*ok = json_tokener_get_error(tok) == json_tokener_success;
	json_tokener_free(tok);
	return o;
}

/* Both texts of a json-c value, compared. */
static int
same(struct json_object *a, struct json_object *b)
{
	char	*t;
	int	 eq;

	if (a == NULL || b == NULL)
		return a == b;
	if ((t = strdup(json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN))) == NULL)
		abort();
	eq = strcmp(t, json_object_to_json_string_ext(b,
	    JSON_C_TO_STRING_PLAIN)) == 0;
	free(t);
	return eq;
}

/*
 * Every member of the top-level object as the document's lookup finds
 * it (copied) and as json-c's own tree holds it: the same value.
 */
static void
lookups(struct mcp_jdoc *d, struct json_object *ref)
{
	struct json_object	*c;
	struct mcp_jv		*m, *v;
	int			 nomem = 0;

	if (d->root->type != MCP_JOBJECT)
		return;
	for (m = d->root->first; m != NULL; m = m->next) {
		v = mcp_jv_get(d->root, m->key);
		if (v == NULL || strcmp(v->key, m->key) != 0)
			abort();	/* a member the lookup misses */
		c = mcp_jdoc_json(d, v, &nomem);
		if (!nomem && !same(c, json_object_object_get(ref, m->key)))
			abort();	/* a different member value */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*o, *ref;
	struct mcp_buf		 b = { 0 };
	struct mcp_msg		 msg;
	struct mcp_jdoc		 d;
	enum mcp_err		 e, syn;
	int			 ok;

	syn = mcp_json_syntax((const char *)data, size, 64);
	e = mcp_json_read((const char *)data, size, 64, &o);
	if (e != syn && e != MCP_ERR_NOMEM)
		abort();	/* the check and the reader disagree */
	if (syn != MCP_OK) {
		if (o != NULL)
			abort();
		return 0;
	}
	ref = reference(data, size, &ok);
	if (!ok)
		abort();	/* accepted by us, refused by json-c */
	if ((o == NULL) != (ref == NULL) || (o != NULL && strcmp(
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	    json_object_to_json_string_ext(ref, JSON_C_TO_STRING_PLAIN)) != 0))
		abort();	/* a different tree */
	if (mcp_jdoc_read(&d, (const char *)data, size, 64) == MCP_OK) {
		lookups(&d, ref);
		if (mcp_rpc_check(&d, d.root, &msg) == MCP_OK &&
		    msg.params != NULL)
			(void)mcp_msg_json(&msg, msg.params, NULL);
	}
	mcp_jdoc_free(&d);
	if (mcp_json_write(&b, ref) == -1 || strcmp(b.p != NULL ? b.p :
	    "null", json_object_to_json_string_ext(ref, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE)) != 0)
		abort();	/* our text differs from json-c's */
	mcp_buf_free(&b);
	json_object_put(ref);
	json_object_put(o);
	return 0;
}
