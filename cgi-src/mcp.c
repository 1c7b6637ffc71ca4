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
};

static const struct mcp_endpoint endpoint = {
	.name = "mcp-fcgi",
	.title = "mcp-fcgi",
	.version = "0.1.0",
	.instructions = "Tools declare the OAuth scopes they need in "
	    "_meta[\"mcp-fcgi/scopes\"].",
	.tools = tools,
	.ntools = sizeof(tools) / sizeof(tools[0]),
};

int
main(int argc, char *argv[])
{
	return mcp_main(&endpoint, argc, argv);
}
