/* A placeholder the engine's area work replaces. */
#include "store_pg.h"

enum mcp_err
pg_stream_open(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_event_add(struct mcp_store * a0, const char * a1, const char * a2, int a3, int64_t a4, int64_t * a5)
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
pg_stream_get(struct mcp_store * a0, const char * a1, char a2[MCP_SESSION_ID_LEN + 1], int64_t * a3, int64_t * a4, int * a5)
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
pg_event_replay(struct mcp_store * a0, const char * a1, int64_t a2, int a3, mcp_event_cb a4, void * a5)
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
pg_event_scan(struct mcp_store * a0, int64_t a1, int a2, mcp_event_cb a3, void * a4)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	(void)a4;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_event_top(struct mcp_store * a0, int64_t * a1)
{
	(void)a0;
	(void)a1;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_listener_claim(struct mcp_store * a0, const char * a1, const char * a2, const char * a3, int64_t a4, int64_t a5, int a6)
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
pg_listener_beat(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}

enum mcp_err
pg_listener_close(struct mcp_store * a0, const char * a1, const char * a2, int64_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return MCP_ERR_STORE;
}
