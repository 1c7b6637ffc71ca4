/*
 * json.c: fuzzes the body parser (our RFC 8259 check, then json-c) and the
 * JSON-RPC envelope check, the first code an untrusted body reaches.
 * Differential: what the check accepts, json-c must parse.
 */
#include <stdlib.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*o;
	enum mcp_msg_kind	 kind;
	enum mcp_err		 e, syn;

	syn = mcp_json_syntax((const char *)data, size, 64);
	o = mcp_json_parse((const char *)data, size, 64, &e);
	if (syn == MCP_OK && o == NULL && e != MCP_ERR_INVALID)
		abort();	/* accepted by the check, refused by json-c */
	if (syn != MCP_OK && o != NULL)
		abort();
	if (o != NULL) {
		(void)mcp_rpc_check(o, &kind);
		(void)mcp_json_text(o);
	}
	json_object_put(o);
	return 0;
}
