/*
 * json.c: fuzzes the body reader (lib/jsonread.c) and the JSON-RPC
 * envelope check, the first code an untrusted body reaches.
 * Differential: what the check accepts, json-c's own strict tokener must
 * parse into the same tree (compared as serialized text), and what the
 * check refuses, the reader must refuse with the same error.  Our
 * serializer (lib/jsonwrite.c) must write json-c's text for every tree.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*o, *ref;
	struct mcp_buf		 b = { 0 };
	struct mcp_msg		 msg;
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
	if (o != NULL)
		(void)mcp_rpc_check(o, &msg);
	if (mcp_json_write(&b, ref) == -1 || strcmp(b.p != NULL ? b.p :
	    "null", json_object_to_json_string_ext(ref, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE)) != 0)
		abort();	/* our text differs from json-c's */
	mcp_buf_free(&b);
	json_object_put(ref);
	json_object_put(o);
	return 0;
}
