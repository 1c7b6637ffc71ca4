/*
 * err.c: the one table that turns an internal error into what a client
 * sees: an HTTP status, a JSON-RPC code and a public message.  Details
 * stay in the log.
 */
#include "extern.h"

static const struct mcp_errinfo table[MCP_ERR__MAX] = {
	[MCP_OK] =		{ 200, 0, "OK" },
	[MCP_ERR_NOMEM] =	{ 500, -32603, "Internal error" },
	[MCP_ERR_INTERNAL] =	{ 500, -32603, "Internal error" },
	[MCP_ERR_STORE] =	{ 503, -32603,
	    "Temporarily unavailable, retry the request" },
	[MCP_ERR_PARSE] =	{ 400, -32700, "Parse error: invalid JSON" },
	[MCP_ERR_DEPTH] =	{ 400, -32700,
	    "Parse error: JSON nested too deeply" },
	[MCP_ERR_UTF8] =	{ 400, -32700,
	    "Parse error: body is not valid UTF-8" },
	[MCP_ERR_INVALID] =	{ 400, -32600,
	    "Invalid Request: not a JSON-RPC 2.0 message" },
	[MCP_ERR_BATCH] =	{ 400, -32600,
	    "Invalid Request: batches are only allowed in protocol "
	    "version 2025-03-26" },
	[MCP_ERR_METHOD] =	{ 200, -32601, "Method not found" },
	[MCP_ERR_PARAMS] =	{ 200, -32602, "Invalid params" },
	[MCP_ERR_NOSESSION] =	{ 400, -32600,
	    "Bad Request: Mcp-Session-Id header is required" },
	[MCP_ERR_SESSION] =	{ 404, -32001, "Session not found" },
	[MCP_ERR_VERSION] =	{ 400, -32600,
	    "Bad Request: unsupported MCP-Protocol-Version" },
	[MCP_ERR_MODERNVER] =	{ 400, -32022, "Unsupported protocol version" },
	[MCP_ERR_HEADER] =	{ 400, -32020,
	    "Header mismatch" },
	[MCP_ERR_ORIGIN] =	{ 403, -32600, "Forbidden: Origin not allowed" },
	[MCP_ERR_HTTPMETHOD] =	{ 405, -32600, "Method Not Allowed" },
	[MCP_ERR_ACCEPT] =	{ 406, -32600,
	    "Not Acceptable: Accept must list application/json and "
	    "text/event-stream" },
	[MCP_ERR_TOOBIG] =	{ 413, -32600, "Payload Too Large" },
	[MCP_ERR_CTYPE] =	{ 415, -32600,
	    "Unsupported Media Type: Content-Type must be application/json" },
	[MCP_ERR_TRUNCATED] =	{ 400, -32700,
	    "Parse error: body shorter than Content-Length" },
	[MCP_ERR_NOTINIT] =	{ 400, -32600,
	    "Invalid Request: initialize must be sent alone" },
	[MCP_ERR_UNAUTH] =	{ 401, -32040,
	    "Unauthorized: a valid bearer token is required" },
	[MCP_ERR_TOKENREQ] =	{ 400, -32040,
	    "Bad Request: send the access token in the Authorization "
	    "header only" },
	[MCP_ERR_SCOPE] =	{ 403, -32041,
	    "Forbidden: the access token lacks a required scope" },
	[MCP_ERR_NOTFOUND] =	{ 404, -32600, "Not Found" },
	[MCP_ERR_CONFLICT] =	{ 409, -32600, "Conflict" },
	[MCP_ERR_NOTEMPTY] =	{ 409, -32600, "Not empty" },
	[MCP_ERR_NULNAME] =	{ 400, -32600,
	    "Invalid Request: a member name holds U+0000" },
	/* JSON-RPC 2.0 §6: an invalid batch gets one error, not an array. */
	[MCP_ERR_BATCHLEN] =	{ 400, -32600,
	    "Invalid Request: a batch may hold at most max_batch_messages "
	    "messages (error.data)" },
	/*
	 * A response like any other (200), standing for one the client must
	 * ask for in smaller parts.
	 */
	[MCP_ERR_ANSWER] =	{ 200, -32603,
	    "Answer too large: ask for less (use paging)" },
	[MCP_ERR_QUOTA] =	{ 409, -32600, "Quota reached" },
	[MCP_ERR_BUSY] =	{ 429, -32043,
	    "Too many requests in flight for this caller" },
	[MCP_ERR_STREAMS] =	{ 503, -32603,
	    "Too many open streams: retry later" },
	[MCP_ERR_SUBSTREAMS] =	{ 429, -32043,
	    "Too many open streams for this caller" },
	[MCP_ERR_LISTENING] =	{ 409, -32600,
	    "Conflict: the session's GET stream is open already" },
	[MCP_ERR_RESUME] =	{ 400, -32600,
	    "Bad Request: Last-Event-ID names no stream of this session "
	    "that can be resumed" },
	[MCP_ERR_META] =	{ 400, -32602,
	    "Invalid params: params._meta must hold "
	    "io.modelcontextprotocol/protocolVersion and "
	    "io.modelcontextprotocol/clientCapabilities" },
	[MCP_ERR_NOSTREAM] =	{ 405, -32600,
	    "Method Not Allowed: this endpoint offers no GET stream" },
	[MCP_ERR_CAPABILITY] =	{ 400, -32021,
	    "Missing required client capability" },
};

const struct mcp_errinfo *
mcp_err_info(enum mcp_err e)
{
	if (e < 0 || e >= MCP_ERR__MAX)
		e = MCP_ERR_INTERNAL;
	return &table[e];
}
