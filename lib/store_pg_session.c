/* A placeholder the engine's area work replaces. */
#include "store_pg.h"

enum mcp_err
pg_session_put(struct mcp_store * a0, const struct mcp_session * a1, int a2, int * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_session_get(struct mcp_store * a0, const char * a1, int64_t a2, struct mcp_session * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_session_touch(struct mcp_store * a0, const char * a1, int64_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_session_level(struct mcp_store * a0, const char * a1, int a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_session_init(struct mcp_store * a0, const char * a1, const char * a2, const char * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_session_delete(struct mcp_store * a0, const char * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_session_expire(struct mcp_store * a0, int64_t a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_pending_add(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_pending_answer(struct mcp_store * a0, const char * a1, const char * a2, const char * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_pending_take(struct mcp_store * a0, const char * a1, const char * a2, char ** a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_pending_drop(struct mcp_store * a0, const char * a1, const char * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_cancel_add(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, int64_t a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

int
pg_cancelled(struct mcp_store * a0, const char * a1, const char * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return -1;
}

enum mcp_err
pg_subscribe(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_notice_add(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int64_t a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_notice_take(struct mcp_store * a0, const char * a1, struct mcp_notice ** a2, size_t * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}
