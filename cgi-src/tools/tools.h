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

/* tools/common.c */
struct json_object	*tool_time(long long ms);
/* A string argument, or NULL when absent (the schema checked its type). */
const char		*tool_arg(struct json_object *, const char *key);
/* Copies src into dst[dstsz]; -1, copying nothing, if it does not fit. */
int			 tool_copy(char *dst, size_t dstsz, const char *src);
/* The isError result for a name over MCP_NAME_MAX bytes. */
struct json_object	*tool_name_error(const char *name);
/* An isError result telling the agent what to do about e. */
struct json_object	*tool_data_error(enum mcp_data e, const char *what,
			    const char *id, const char *list_tool);
/* tools/workspaces.c */
struct json_object	*tool_get_workspace(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_update_workspace(struct mcp_call *,
			    struct json_object *);
/* tools/environments.c */
struct json_object	*tool_list_environments(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_get_environment(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_create_environment(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_update_environment(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_delete_environment(struct mcp_call *,
			    struct json_object *);
/* tools/organizations.c */
struct json_object	*tool_list_organizations(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_get_organization(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_create_organization(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_update_organization(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_delete_organization(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_list_org_templates(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_create_org_template(struct mcp_call *,
			    struct json_object *);

#endif /* TOOLS_H */
