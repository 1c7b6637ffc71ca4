/*
 * tools.h: the handlers of the /mcp endpoint's tools.  Their definitions
 * (names, scopes, schemas, annotations) are in one table, in ../mcp.c.
 */
#ifndef TOOLS_H
#define TOOLS_H

#include "mcp.h"

/* tools/echo.c */
struct json_object	*tool_echo(struct mcp_call *, struct json_object *);
/* tools/whoami.c */
struct json_object	*tool_whoami(struct mcp_call *, struct json_object *);
/* tools/usage.c */
struct json_object	*tool_get_usage(struct mcp_call *,
			    struct json_object *);

#endif /* TOOLS_H */
