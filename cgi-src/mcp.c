/*
 * mcp.c: the /mcp endpoint.  Every tool it exposes is declared here, in
 * one table: name, title, description, required scopes, input and output
 * schema, annotations and handler; its resources and resource templates
 * likewise, below the tools.
 */
#include "mcp.h"
#include "tools/tools.h"

/* Shared schema pieces of the reference application. */
#define ENV_ID \
	"\"environment_id\":{\"type\":\"string\"," \
	"\"pattern\":\"^env_[A-Za-z0-9]+$\",\"maxLength\":31," \
	"\"description\":\"An environment id from list_environments\"," \
	"\"examples\":[\"env_4f1c2a9b0d3e5f6a7b8c\"]}"
/*
 * The same, mirrored in the Mcp-Param-Environment-Id header on
 * 2026-07-28 (SEP-2243), for a proxy that routes by environment.
 */
#define ENV_ID_ROUTED \
	"\"environment_id\":{\"type\":\"string\"," \
	"\"x-mcp-header\":\"Environment-Id\"," \
	"\"pattern\":\"^env_[A-Za-z0-9]+$\",\"maxLength\":31," \
	"\"description\":\"An environment id from list_environments\"," \
	"\"examples\":[\"env_4f1c2a9b0d3e5f6a7b8c\"]}"
#define NAME(what) \
	"\"name\":{\"type\":\"string\",\"minLength\":1," \
	"\"maxLength\":128,\"description\":\"Display name of the " what \
	"\",\"examples\":[\"Production EU\"]}"
#define ENV_TYPE \
	"\"type\":{\"type\":\"string\",\"enum\":[\"development\"," \
	"\"staging\",\"production\"],\"description\":\"What the " \
	"environment is for\"}"
#define STAMPS \
	"\"created_at\":{\"type\":\"string\"}," \
	"\"updated_at\":{\"type\":\"string\"}"
#define ENV_OBJ \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":" \
	"\"string\"},\"name\":{\"type\":\"string\"}," ENV_TYPE "," \
	STAMPS "},\"required\":[\"id\",\"name\",\"type\"," \
	"\"created_at\",\"updated_at\"]}"
#define ORG_ID \
	"\"organization_id\":{\"type\":\"string\"," \
	"\"pattern\":\"^org_[A-Za-z0-9]+$\",\"maxLength\":31," \
	"\"description\":\"An organization id from list_organizations\"," \
	"\"examples\":[\"org_9a8b7c6d5e4f3a2b1c0d\"]}"
#define TPL_ID \
	"\"template_id\":{\"type\":\"string\"," \
	"\"pattern\":\"^tpl_[A-Za-z0-9]+$\",\"maxLength\":31," \
	"\"description\":\"A template id from list_org_templates; its " \
	"settings become the organization's default metadata\"," \
	"\"examples\":[\"tpl_0a1b2c3d4e5f6a7b8c9d\"]}"
#define EXT_ID(min) \
	"\"external_id\":{\"type\":\"string\",\"maxLength\":128," \
	"\"pattern\":\"^[A-Za-z0-9._:-]" min "$\",\"description\":" \
	"\"Your own id for it, unique per environment\"," \
	"\"examples\":[\"crm-4711\"]}"
#define METADATA(what) \
	"\"" what "\":{\"type\":\"object\",\"maxProperties\":64," \
	"\"description\":\"A small JSON object (at most 4096 bytes)\"," \
	"\"examples\":[{\"plan\":\"enterprise\"}]}"
#define ORG_OBJ \
	"{\"type\":\"object\",\"properties\":{" \
	"\"id\":{\"type\":\"string\"}," \
	"\"environment_id\":{\"type\":\"string\"}," \
	"\"name\":{\"type\":\"string\"}," \
	"\"external_id\":{\"type\":[\"string\",\"null\"]}," \
	"\"metadata\":{\"type\":\"object\"}," \
	"\"template_id\":{\"type\":[\"string\",\"null\"]}," STAMPS "}," \
	"\"required\":[\"id\",\"environment_id\",\"name\"," \
	"\"external_id\",\"metadata\",\"template_id\",\"created_at\"," \
	"\"updated_at\"]}"
#define TPL_OBJ \
	"{\"type\":\"object\",\"properties\":{" \
	"\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
	"\"settings\":{\"type\":\"object\"}," STAMPS "}," \
	"\"required\":[\"id\",\"name\",\"settings\",\"created_at\"," \
	"\"updated_at\"]}"
/* Paging as list_organizations pages, for the ids of prefix ("env"). */
#define PAGE_ARGS(prefix) \
	"\"cursor\":{\"type\":\"string\"," \
	"\"pattern\":\"^[0-9]{1,15}[.]" prefix "_[A-Za-z0-9]+$\"," \
	"\"maxLength\":64,\"description\":\"next_cursor of " \
	"the previous page\"},\"page_size\":{\"type\":" \
	"\"integer\",\"minimum\":1,\"maximum\":100," \
	"\"examples\":[50]}"
#define NEXT_CURSOR \
	"\"next_cursor\":{\"type\":[\"string\",\"null\"]}"
#define NO_ARGS \
	"{\"type\":\"object\",\"properties\":{}," \
	"\"additionalProperties\":false}"

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
	{
		.name = "get_workspace",
		.title = "Get workspace",
		.description = "Returns your workspace (the one your token "
		    "belongs to): its id, name and timestamps. Environments, "
		    "organizations and templates all live inside it.",
		.scopes = "wks:read",
		.input_schema = NO_ARGS,
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":"
		    "\"string\"}," STAMPS "},\"required\":[\"id\",\"name\","
		    "\"created_at\",\"updated_at\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_get_workspace,
	},
	{
		.name = "update_workspace",
		.title = "Rename workspace",
		.description = "Renames your workspace and returns it. Only the "
		    "display name changes; ids stay the same.",
		.scopes = "wks:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    NAME("workspace") "},\"required\":[\"name\"],"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":"
		    "\"string\"}," STAMPS "},\"required\":[\"id\",\"name\","
		    "\"created_at\",\"updated_at\"]}",
		.hints = MCP_HINT_DESTRUCTIVE | MCP_HINT_IDEMPOTENT,
		.run = tool_update_workspace,
	},
	{
		.name = "list_environments",
		.title = "List environments",
		.description = "Lists the environments of your workspace "
		    "(development, staging, production), oldest first, a page "
		    "at a time (page_size, default 50, at most 100). Use it "
		    "to find the environment_id other tools ask for. When "
		    "next_cursor is not null, pass it as cursor to get the "
		    "next page.",
		.scopes = "env:read",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    PAGE_ARGS("env") "},\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"environments\":{\"type\":\"array\",\"items\":"
		    ENV_OBJ "}," NEXT_CURSOR "},\"required\":"
		    "[\"environments\",\"next_cursor\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_list_environments,
	},
	{
		.name = "get_environment",
		.title = "Get environment",
		.description = "Returns one environment of your workspace by "
		    "its id (env_...).",
		.scopes = "env:read",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ENV_ID "},\"required\":[\"environment_id\"],"
		    "\"additionalProperties\":false}",
		.output_schema = ENV_OBJ,
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_get_environment,
	},
	{
		.name = "create_environment",
		.title = "Create environment",
		.description = "Creates an environment in your workspace and "
		    "returns it with its new id. Names are unique within the "
		    "workspace.",
		.scopes = "env:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    NAME("environment") "," ENV_TYPE "},\"required\":"
		    "[\"name\",\"type\"],\"additionalProperties\":false}",
		.output_schema = ENV_OBJ,
		.hints = 0,
		.run = tool_create_environment,
	},
	{
		.name = "update_environment",
		.title = "Update environment",
		.description = "Changes an environment's name, type or both, "
		    "and returns it.",
		.scopes = "env:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ENV_ID "," NAME("environment") "," ENV_TYPE "},"
		    "\"required\":[\"environment_id\"],"
		    "\"additionalProperties\":false}",
		.output_schema = ENV_OBJ,
		.hints = MCP_HINT_DESTRUCTIVE | MCP_HINT_IDEMPOTENT,
		.run = tool_update_environment,
	},
	{
		.name = "delete_environment",
		.title = "Delete environment",
		.description = "Deletes an environment. It refuses while the "
		    "environment still holds organizations, unless force is "
		    "true, which deletes them with it; on 2026-07-28 a client "
		    "that can show a form is asked to confirm that first. "
		    "Returns what was deleted. This cannot be undone.",
		.scopes = "env:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ENV_ID ",\"force\":{\"type\":\"boolean\","
		    "\"description\":\"Also delete its organizations\","
		    "\"examples\":[false]}},"
		    "\"required\":[\"environment_id\"],"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"deleted\":{\"type\":\"string\"},"
		    "\"organizations_deleted\":{\"type\":\"integer\"}},"
		    "\"required\":[\"deleted\",\"organizations_deleted\"]}",
		.hints = MCP_HINT_DESTRUCTIVE | MCP_HINT_IDEMPOTENT,
		.run = tool_delete_environment,
	},
	{
		.name = "list_organizations",
		.title = "List organizations",
		.description = "Lists the organizations of your workspace, "
		    "oldest first, a page at a time (page_size, default 50, "
		    "at most 100). Narrow it with environment_id and a "
		    "name_prefix. When next_cursor is not null, pass it as "
		    "cursor to get the next page.",
		.scopes = "org:read",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ENV_ID_ROUTED ",\"name_prefix\":{\"type\":\"string\","
		    "\"minLength\":1,\"maxLength\":128,\"examples\":"
		    "[\"Acme\"]}," PAGE_ARGS("org") "},"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"organizations\":{\"type\":\"array\",\"items\":"
		    ORG_OBJ "}," NEXT_CURSOR "},\"required\":"
		    "[\"organizations\",\"next_cursor\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_list_organizations,
	},
	{
		.name = "get_organization",
		.title = "Get organization",
		.description = "Returns one organization of your workspace by "
		    "its id (org_...), with its metadata.",
		.scopes = "org:read",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ORG_ID "},\"required\":[\"organization_id\"],"
		    "\"additionalProperties\":false}",
		.output_schema = ORG_OBJ,
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_get_organization,
	},
	{
		.name = "create_organization",
		.title = "Create organization",
		.description = "Creates an organization in one of your "
		    "environments and returns it with its new id. Give a "
		    "template_id to start from a template's settings (your "
		    "metadata overrides them) and an external_id to find it "
		    "by your own id later.",
		.scopes = "org:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ENV_ID "," NAME("organization") "," EXT_ID("+") ","
		    METADATA("metadata") "," TPL_ID "},\"required\":"
		    "[\"environment_id\",\"name\"],"
		    "\"additionalProperties\":false}",
		.output_schema = ORG_OBJ,
		.hints = 0,
		.run = tool_create_organization,
	},
	{
		.name = "import_organizations",
		.title = "Import organizations",
		.description = "Creates many organizations in one of your "
		    "environments, batch_size at a time (default 25): each "
		    "batch is written whole or not at all. Send a "
		    "progressToken to hear how far it got after each batch; "
		    "cancel the request to stop it between batches. An item "
		    "whose external_id is taken is skipped and listed; the "
		    "workspace's quota stops the import. Returns the new ids "
		    "in the order of the list. A client with the tasks "
		    "extension gets an import of more than one batch as a "
		    "task.",
		.scopes = "org:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ENV_ID ",\"organizations\":{\"type\":\"array\","
		    "\"minItems\":1,\"maxItems\":1000,\"items\":{"
		    "\"type\":\"object\",\"properties\":{"
		    NAME("organization") "," EXT_ID("+") ","
		    METADATA("metadata") "},\"required\":[\"name\"],"
		    "\"additionalProperties\":false}},\"batch_size\":{"
		    "\"type\":\"integer\",\"minimum\":1,\"maximum\":100,"
		    "\"description\":\"Organizations per transaction\"}},"
		    "\"required\":[\"environment_id\",\"organizations\"],"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"total\":{\"type\":\"integer\"},"
		    "\"processed\":{\"type\":\"integer\"},"
		    "\"imported\":{\"type\":\"integer\"},"
		    "\"organization_ids\":{\"type\":\"array\",\"items\":{"
		    "\"type\":\"string\"}},\"skipped\":{\"type\":\"array\","
		    "\"items\":{\"type\":\"object\",\"properties\":{"
		    "\"index\":{\"type\":\"integer\"},\"reason\":{"
		    "\"type\":\"string\"}},\"required\":[\"index\","
		    "\"reason\"]}},\"stopped\":{\"type\":[\"string\","
		    "\"null\"]}},\"required\":[\"total\",\"processed\","
		    "\"imported\",\"organization_ids\",\"skipped\","
		    "\"stopped\"]}",
		.hints = 0,
		.flags = MCP_TOOL_TASKS,
		.run = tool_import_organizations,
	},
	{
		.name = "update_organization",
		.title = "Update organization",
		.description = "Changes an organization's name, external_id "
		    "(an empty string removes it) or metadata (replaced "
		    "whole), and returns it.",
		.scopes = "org:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ORG_ID "," NAME("organization") "," EXT_ID("*") ","
		    METADATA("metadata") "},\"required\":"
		    "[\"organization_id\"],\"additionalProperties\":false}",
		.output_schema = ORG_OBJ,
		.hints = MCP_HINT_DESTRUCTIVE | MCP_HINT_IDEMPOTENT,
		.run = tool_update_organization,
	},
	{
		.name = "delete_organization",
		.title = "Delete organization",
		.description = "Deletes an organization. This cannot be "
		    "undone.",
		.scopes = "org:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    ORG_ID "},\"required\":[\"organization_id\"],"
		    "\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"deleted\":{\"type\":\"string\"}},\"required\":"
		    "[\"deleted\"]}",
		.hints = MCP_HINT_DESTRUCTIVE | MCP_HINT_IDEMPOTENT,
		.run = tool_delete_organization,
	},
	{
		.name = "list_org_templates",
		.title = "List organization templates",
		.description = "Lists your workspace's organization templates: "
		    "named default settings that create_organization can "
		    "start from; oldest first, a page at a time (page_size, "
		    "default 50, at most 100). When next_cursor is not null, "
		    "pass it as cursor to get the next page.",
		.scopes = "org:read",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    PAGE_ARGS("tpl") "},\"additionalProperties\":false}",
		.output_schema = "{\"type\":\"object\",\"properties\":{"
		    "\"templates\":{\"type\":\"array\",\"items\":"
		    TPL_OBJ "}," NEXT_CURSOR "},\"required\":"
		    "[\"templates\",\"next_cursor\"]}",
		.hints = MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT,
		.run = tool_list_org_templates,
	},
	{
		.name = "create_org_template",
		.title = "Create organization template",
		.description = "Creates a named organization template whose "
		    "settings become the default metadata of organizations "
		    "created from it. Names are unique within the workspace.",
		.scopes = "org:write",
		.input_schema = "{\"type\":\"object\",\"properties\":{"
		    NAME("template") "," METADATA("settings") "},"
		    "\"required\":[\"name\"],\"additionalProperties\":false}",
		.output_schema = TPL_OBJ,
		.hints = 0,
		.run = tool_create_org_template,
	},
};

/*
 * The same objects, read-only, as resources: JSON documents shaped like
 * the matching tool's structured output.  Subscribers hear of changes the
 * tools make (notifications/resources/updated).
 */
static const struct mcp_resource resources[] = {
	{ URI_WORKSPACE, "workspace", "Your workspace",
	  "The workspace your token belongs to: id, name, timestamps.",
	  "application/json", "wks:read", res_workspace },
	{ URI_ENVS, "environments", "Environments",
	  "The environments of your workspace, oldest first: the first 100, "
	  "as list_environments gives them with page_size 100; when "
	  "next_cursor is not null, list_environments continues from it.",
	  "application/json", "env:read", res_environments },
	{ URI_TPLS, "org-templates", "Organization templates",
	  "The organization templates of your workspace, oldest first: the "
	  "first 100, as list_org_templates gives them with page_size 100; "
	  "when next_cursor is not null, list_org_templates continues from "
	  "it.", "application/json", "org:read", res_org_templates },
};

static const struct mcp_resource_template templates[] = {
	{ URI_ENV "{environment_id}", "environment", "Environment",
	  "One environment of your workspace, by id (env_...).",
	  "application/json", "env:read", res_environment },
	{ URI_ORG "{organization_id}", "organization", "Organization",
	  "One organization of your workspace, by id (org_...): "
	  "environment, name, external id, metadata, template.",
	  "application/json", "org:read", res_organization },
	{ URI_TPL "{template_id}", "org-template", "Organization template",
	  "One organization template of your workspace, by id (tpl_...).",
	  "application/json", "org:read", res_org_template },
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
	.resources = resources,
	.nresources = sizeof(resources) / sizeof(resources[0]),
	.templates = templates,
	.ntemplates = sizeof(templates) / sizeof(templates[0]),
};

int
main(int argc, char *argv[])
{
	return mcp_main(&endpoint, argc, argv);
}
