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
/*
 * The isError result for a string argument holding U+0000, or NULL when
 * none does.  Names and ids are kept as C strings, which would end at
 * it: such a name is refused, never stored cut.
 */
struct json_object	*tool_nul_error(struct json_object *args);
/* The isError result for a name over MCP_NAME_MAX bytes. */
struct json_object	*tool_name_error(const char *name);
/*
 * Lists page like list_organizations: page_size 1..TOOL_PAGE_MAX (the
 * schema's bounds), TOOL_PAGE_DEFAULT when absent, and an opaque cursor
 * "<created_ms>.<id>" that the schema's pattern checks.
 */
#define TOOL_PAGE_DEFAULT	50
#define TOOL_PAGE_MAX		100
/* The page args ask for; its after_id points into id[idsz]. */
void			 tool_page(struct json_object *args,
			    struct mcp_page *, char *id, size_t idsz);
/*
 * next_cursor after n items whose last was (ms, id): a string when the
 * page is full (it may have a successor: the next call tells), else NULL,
 * which json-c writes as null.
 */
struct json_object	*tool_next_cursor(const struct mcp_page *, int n,
			    long long ms, const char *id);
/*
 * The isError result for a create over the workspace's quota: how many
 * `what` it holds and what to do about it (hint, a whole sentence).
 */
struct json_object	*tool_quota_error(const char *what, int max,
			    const char *hint);
/* An isError result telling the agent what to do about e. */
struct json_object	*tool_data_error(enum mcp_data e, const char *what,
			    const char *id, const char *list_tool);
/*
 * The URIs of the endpoint's resources.  Each is relative to the caller's
 * workspace: another workspace's object is "not found".
 */
#define URI_WORKSPACE	"mcp-fcgi://workspace"
#define URI_ENVS	"mcp-fcgi://environments"
#define URI_ENV		"mcp-fcgi://environments/"	/* + id */
#define URI_ORG		"mcp-fcgi://organizations/"	/* + id */
#define URI_TPLS	"mcp-fcgi://org-templates"
#define URI_TPL		"mcp-fcgi://org-templates/"	/* + id */

/* Tells subscribers of the formatted URI that it changed (best effort). */
void			 tool_notify(struct mcp_call *, const char *fmt, ...)
			    __attribute__((format(printf, 2, 3)));
/* tools/import.c */
struct json_object	*tool_import_organizations(struct mcp_call *,
			    struct json_object *);
/* tools/workspaces.c */
struct json_object	*tool_workspace_json(const struct mcp_workspace *);
struct json_object	*tool_get_workspace(struct mcp_call *,
			    struct json_object *);
struct json_object	*tool_update_workspace(struct mcp_call *,
			    struct json_object *);
/* tools/environments.c */
struct json_object	*tool_env_json(const struct mcp_environment *);
/*
 * One page of the workspace's environments, {"environments":[...],
 * "next_cursor":...}; NULL with *e set on failure.
 */
struct json_object	*tool_envs_json(struct mcp_call *,
			    const struct mcp_page *, enum mcp_data *e);
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
struct json_object	*tool_org_json(const struct mcp_org *);
struct json_object	*tool_tpl_json(const struct mcp_template *);
/* The same of its templates, {"templates":[...],"next_cursor":...}. */
struct json_object	*tool_tpls_json(struct mcp_call *,
			    const struct mcp_page *, enum mcp_data *e);
/* The ids of every organization of an environment; NULL on failure. */
struct json_object	*tool_org_ids(struct mcp_call *, const char *env);
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

/* tools/resources.c: the readers of the resources declared in ../mcp.c */
struct json_object	*res_workspace(struct mcp_call *, const char *);
struct json_object	*res_environments(struct mcp_call *, const char *);
struct json_object	*res_org_templates(struct mcp_call *, const char *);
struct json_object	*res_environment(struct mcp_call *, const char *,
			    struct json_object *);
struct json_object	*res_organization(struct mcp_call *, const char *,
			    struct json_object *);
struct json_object	*res_org_template(struct mcp_call *, const char *,
			    struct json_object *);

#endif /* TOOLS_H */
