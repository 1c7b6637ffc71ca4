/* A placeholder the engine's area work replaces. */
#include "store_pg.h"

enum mcp_err
pg_audit_add(struct mcp_store * a0, const struct mcp_audit *const * a1, size_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_audit_anon_add(struct mcp_store * a0, const struct mcp_audit *const * a1, size_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_audit_summary(struct mcp_store * a0, int64_t a1, mcp_audit_cb a2, void * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_audit_refused(struct mcp_store * a0, int64_t a1, mcp_audit_cb a2, void * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_audit_prune(struct mcp_store * a0, int64_t a1, int64_t * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_audit_usage(struct mcp_store * a0, const struct mcp_usage_query * a1, mcp_usage_cb a2, void * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_ws_put(struct mcp_store * a0, const struct mcp_workspace * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_ws_get(struct mcp_store * a0, const char * a1, struct mcp_workspace * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_ws_rename(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_env_list(struct mcp_store * a0, const char * a1, const struct mcp_page * a2, mcp_env_cb a3, void * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_env_get(struct mcp_store * a0, const char * a1, const char * a2, struct mcp_environment * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_env_put(struct mcp_store * a0, const struct mcp_environment * a1, int64_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_env_update(struct mcp_store * a0, const struct mcp_environment * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_env_delete(struct mcp_store * a0, const char * a1, const char * a2, int a3, int64_t * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_org_list(struct mcp_store * a0, const char * a1, const struct mcp_org_query * a2, mcp_org_cb a3, void * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_org_get(struct mcp_store * a0, const char * a1, const char * a2, struct mcp_org * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_org_put(struct mcp_store * a0, const struct mcp_org * a1, int64_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_org_put_many(struct mcp_store * a0, const struct mcp_org * a1, size_t a2, int64_t a3, enum mcp_err * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_org_update(struct mcp_store * a0, const struct mcp_org * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_org_delete(struct mcp_store * a0, const char * a1, const char * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_tpl_list(struct mcp_store * a0, const char * a1, const struct mcp_page * a2, mcp_tpl_cb a3, void * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_tpl_get(struct mcp_store * a0, const char * a1, const char * a2, struct mcp_template * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_tpl_put(struct mcp_store * a0, const struct mcp_template * a1, int64_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_task_put(struct mcp_store * a0, const struct mcp_task * a1, int a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_task_get(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int64_t a4, struct mcp_task * a5)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	(void)a5;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_task_edit(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int64_t a4, mcp_task_fn a5, void * a6)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	(void)a5;
	(void)a6;
	return MCP_ERR_STORE;
}
