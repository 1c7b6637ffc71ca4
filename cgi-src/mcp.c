/*
 * mcp.c: the /mcp endpoint.  Every tool it exposes is declared here, in
 * one table: name, title, description, required scopes, input and output
 * schema, annotations and handler.
 */
#include "mcp.h"
#include "tools/tools.h"

static const struct mcp_tool tools[] = {
	{
		.name = "echo",
		.title = "Echo",
		.description = "Returns the text it is given, unchanged. Use "
		    "it to check that the server is reachable and that your "
		    "token works; it reads and changes nothing.",
		.scopes = "",
		.input_schema = "{\"type\":\"object\","
		    "\"properties\":{\"text\":{\"type\":\"string\","
		    "\"maxLength\":10000,\"description\":\"Text to return\","
		    "\"examples\":[\"hello\"]}},"
		    "\"required\":[\"text\"],\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\","
		    "\"properties\":{\"text\":{\"type\":\"string\"}},"
		    "\"required\":[\"text\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_echo,
	},
	{
		.name = "whoami",
		.title = "Who am I",
		.description = "Tells you who the server thinks you are: the "
		    "token's issuer, subject, client and workspace, the "
		    "scopes it grants, when it expires, and the tools you "
		    "may call with it. Call it first when another tool "
		    "answers 403 or \"not found\" unexpectedly.",
		.scopes = "",
		.input_schema = "{\"type\":\"object\",\"properties\":{},"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"issuer\":{\"type\":\"string\"},"
		    "\"subject\":{\"type\":\"string\"},"
		    "\"client_id\":{\"type\":\"string\"},"
		    "\"workspace\":{\"type\":\"string\"},"
		    "\"scopes\":{\"type\":\"array\",\"items\":{\"type\":"
		    "\"string\"}},"
		    "\"expires_at\":{\"type\":\"integer\"},"
		    "\"expires_in\":{\"type\":\"integer\"},"
		    "\"callable_tools\":{\"type\":\"array\",\"items\":{"
		    "\"type\":\"string\"}}},"
		    "\"required\":[\"issuer\",\"subject\",\"scopes\","
		    "\"expires_at\",\"callable_tools\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_whoami,
	},
	{
		.name = "get_usage",
		.title = "Get tool usage",
		.description = "Reports, per tool, how many calls your "
		    "workspace made over the last `hours` hours (default "
		    "24), how many failed (denied, invalid arguments or tool "
		    "errors) and their mean and maximum latency in "
		    "microseconds, from the server's audit trail. Use it to "
		    "see what an agent has been doing or why calls fail.",
		.scopes = "wks:read",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"hours\":{\"type\":\"integer\",\"minimum\":1,"
		    "\"maximum\":720,\"description\":\"Window size in hours "
		    "(default 24)\",\"examples\":[24]}},"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"since_ms\":{\"type\":\"integer\"},"
		    "\"until_ms\":{\"type\":\"integer\"},"
		    "\"tools\":{\"type\":\"array\",\"items\":{"
		    "\"type\":\"object\",\"properties\":{"
		    "\"tool\":{\"type\":\"string\"},"
		    "\"calls\":{\"type\":\"integer\"},"
		    "\"failures\":{\"type\":\"integer\"},"
		    "\"mean_latency_us\":{\"type\":\"integer\"},"
		    "\"max_latency_us\":{\"type\":\"integer\"}},"
		    "\"required\":[\"tool\",\"calls\",\"failures\"]}}},"
		    "\"required\":[\"since_ms\",\"until_ms\",\"tools\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_get_usage,
	},
};

static const struct mcp_endpoint endpoint = {
	.name = "mcp-fcgi",
	.title = "mcp-fcgi",
	.version = "0.1.0",
	.instructions = "Every request needs an OAuth access token. Tools "
	    "declare the scopes they need in _meta[\"mcp-fcgi/scopes\"] and "
	    "in their descriptions; call whoami to see what your token "
	    "grants.",
	.tools = tools,
	.ntools = sizeof(tools) / sizeof(tools[0]),
};

int
main(int argc, char *argv[])
{
	return mcp_main(&endpoint, argc, argv);
}
