/* A placeholder the engine's area work replaces. */
#include "store_pg.h"

enum mcp_err
pg_revoked_clients(struct mcp_store * a0, char *** a1, size_t * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_client_put(struct mcp_store * a0, const struct mcp_client * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_client_get(struct mcp_store * a0, const char * a1, struct mcp_client * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_client_list(struct mcp_store * a0, mcp_client_cb a1, void * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_fail_add(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, int a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_fail_count(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3, int a4, int * a5, int64_t * a6)
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
pg_key_put(struct mcp_store * a0, const struct mcp_signkey * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_key_list(struct mcp_store * a0, mcp_signkey_cb a1, void * a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_key_delete(struct mcp_store * a0, const char * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_secret(struct mcp_store * a0, const char * a1, unsigned char a2[MCP_SECRET_LEN])
{
	(void)a0;
	(void)a1;
	(void)a2;
	return MCP_ERR_STORE;
}
