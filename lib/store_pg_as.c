/* A placeholder the engine's area work replaces. */
#include "store_pg.h"

enum mcp_err
pg_client_register(struct mcp_store * a0, const struct mcp_client * a1, int64_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_regtoken_put(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, int64_t a4, int a5)
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
pg_regtoken_use(struct mcp_store * a0, const char * a1, int64_t a2, int a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_client_used(struct mcp_store * a0, const char * a1, int64_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_code_put(struct mcp_store * a0, const struct mcp_code * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_code_take(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, struct mcp_code * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_family_put(struct mcp_store * a0, const struct mcp_family * a1, int64_t a2, int a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_family_get(struct mcp_store * a0, const char * a1, struct mcp_family * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_family_revoke(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int64_t a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_refresh_put(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, const char * a4, int64_t a5, int64_t a6)
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

enum mcp_err
pg_refresh_take(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, int64_t a4, char a5[40], char a6[1024], int * a7)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	(void)a5;
	(void)a6;
	(void)a7;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_user_put(struct mcp_store * a0, const struct mcp_user * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_user_get(struct mcp_store * a0, const char * a1, int a2, struct mcp_user * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_user_list(struct mcp_store * a0, mcp_user_cb a1, void * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_websess_put(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, int64_t a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_websess_get(struct mcp_store * a0, const char * a1, int64_t a2, char a3[24])
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_grant_put(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int64_t a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_grant_list(struct mcp_store * a0, const char * a1, mcp_grant_cb a2, void * a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_grant_revoke(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}
