/*
 * conformance.c: the fixture endpoint the official MCP conformance suite
 * (@modelcontextprotocol/conformance) expects, at /conformance/mcp.  It is
 * enabled in the test configuration and by `make run FIXTURES=1`, never in
 * the production snippets.  Names and texts are the suite's; see
 * shared/docs/CONFORMANCE-FIXTURES.md.
 */
#include <stdio.h>
#include <string.h>

#include "mcp.h"
#include "fixtures/fixtures.h"

#define PNG "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
#define WAV "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="

/* Milliseconds between a slow fixture's steps; long enough to measure. */
#define STEP_MS	250

static struct json_object *
simple_text(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return mcp_result_text("This is a simple text response for testing.");
}

static struct json_object *
image(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*r = mcp_result_new();

	(void)c;
	(void)args;
	if (mcp_result_add_image(r, PNG, "image/png") == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

static struct json_object *
audio(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*r = mcp_result_new();

	(void)c;
	(void)args;
	if (mcp_result_add_audio(r, WAV, "audio/wav") == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

static struct json_object *
embedded(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*r = mcp_result_new();

	(void)c;
	(void)args;
	if (mcp_result_add_resource(r, "test://embedded-resource",
	    "text/plain", "This is an embedded resource content.") == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

static struct json_object *
mixed(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*r = mcp_result_new();

	(void)c;
	(void)args;
	if (mcp_result_add_text(r, "Multiple content types test:") == -1 ||
	    mcp_result_add_image(r, PNG, "image/png") == -1 ||
	    mcp_result_add_resource(r, "test://mixed-content-resource",
	    "application/json", "{\"test\":\"data\",\"value\":123}") == -1) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

static struct json_object *
with_logging(struct mcp_call *c, struct json_object *args)
{
	static const char *const steps[] = {
		"Tool execution started", "Tool processing data",
		"Tool execution completed"
	};
	size_t	 i;

	(void)args;
	for (i = 0; i < 3; i++) {
		if (i > 0 && mcp_call_sleep(c, 50) == -1)
			return NULL;
		mcp_call_log(c, MCP_LEVEL_INFO, "conformance", steps[i]);
	}
	return mcp_result_text("Tool with logging executed successfully");
}

/* Logs only as far as the request's logLevel lets it (2026-07-28). */
static struct json_object *
logging_tool(struct mcp_call *c, struct json_object *args)
{
	(void)args;
	mcp_call_log(c, MCP_LEVEL_INFO, "conformance", "logging tool ran");
	mcp_call_log(c, MCP_LEVEL_ERROR, "conformance", "an error, logged");
	return mcp_result_text("Logged at info and error, where allowed");
}

static struct json_object *
error_handling(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return mcp_result_errorf("This tool intentionally returns an error "
	    "for testing");
}

static struct json_object *
with_progress(struct mcp_call *c, struct json_object *args)
{
	(void)args;
	if (mcp_call_progress(c, 0, 100, "started") == -1 ||
	    mcp_call_sleep(c, STEP_MS) == -1 ||
	    mcp_call_progress(c, 50, 100, "halfway") == -1 ||
	    mcp_call_sleep(c, STEP_MS) == -1 ||
	    mcp_call_progress(c, 100, 100, "done") == -1)
		return NULL;
	return mcp_result_text("Progress tool completed");
}

/*
 * SSE polling (SEP-1699): the stream ends after its priming event, the
 * work goes on, and the answer reaches the client on its GET with
 * Last-Event-ID.
 */
static struct json_object *
reconnection(struct mcp_call *c, struct json_object *args)
{
	(void)args;
	if (mcp_call_end_stream(c) == -1)
		return mcp_result_errorf("This call's stream cannot be "
		    "resumed: it needs a session and a FastCGI process");
	if (mcp_call_sleep(c, STEP_MS) == -1)
		return NULL;
	return mcp_result_text("Reconnection test completed");
}

static struct json_object *
sampling(struct mcp_call *c, struct json_object *args)
{
	struct json_object	*p, *msgs, *m, *res;
	const char		*err, *text;
	char			 out[4096];

	p = json_object_new_object();
	msgs = json_object_new_array();
	m = json_object_new_object();
	json_object_object_add(m, "role", json_object_new_string("user"));
	json_object_object_add(m, "content", mcp_content_text(
	    json_object_get_string(json_object_object_get(args, "prompt"))));
	json_object_array_add(msgs, m);
	json_object_object_add(p, "messages", msgs);
	json_object_object_add(p, "maxTokens", json_object_new_int(100));
	if ((res = mcp_call_input(c, "sampling", "sampling/createMessage", p,
	    60000, &err)) == NULL)
		return err == MCP_INPUT_PENDING ?
		    mcp_call_input_required(c) :
		    mcp_result_errorf("Sampling failed: %s", err);
	text = json_object_get_string(json_object_object_get(
	    json_object_object_get(res, "content"), "text"));
	snprintf(out, sizeof(out), "LLM response: %s",
	    text != NULL ? text : "");
	json_object_put(res);
	return mcp_result_text(out);
}

static struct json_object *
elicit(struct mcp_call *c, const char *message, const char *schema)
{
	struct json_object	*p, *res;
	const char		*err;
	char			 out[4096];

	p = json_object_new_object();
	json_object_object_add(p, "message", json_object_new_string(message));
	json_object_object_add(p, "requestedSchema",
	    json_tokener_parse(schema));
	if ((res = mcp_call_input(c, "elicitation", "elicitation/create", p,
	    60000, &err)) == NULL)
		return err == MCP_INPUT_PENDING ?
		    mcp_call_input_required(c) :
		    mcp_result_errorf("Elicitation failed: %s", err);
	snprintf(out, sizeof(out), "User response: action=%s, content=%s",
	    json_object_get_string(json_object_object_get(res, "action")),
	    json_object_to_json_string_ext(json_object_object_get(res,
	    "content"), JSON_C_TO_STRING_PLAIN));
	json_object_put(res);
	return mcp_result_text(out);
}

static struct json_object *
elicitation(struct mcp_call *c, struct json_object *args)
{
	return elicit(c, json_object_get_string(json_object_object_get(args,
	    "message")),
	    "{\"type\":\"object\",\"properties\":{"
	    "\"username\":{\"type\":\"string\",\"description\":\"Your username\"},"
	    "\"email\":{\"type\":\"string\",\"description\":\"Your email\"}},"
	    "\"required\":[\"username\",\"email\"]}");
}

static struct json_object *
elicitation_defaults(struct mcp_call *c, struct json_object *args)
{
	(void)args;
	return elicit(c, "Please review and update the form fields with "
	    "defaults",
	    "{\"type\":\"object\",\"properties\":{"
	    "\"name\":{\"type\":\"string\",\"description\":\"User name\","
	    "\"default\":\"John Doe\"},"
	    "\"age\":{\"type\":\"integer\",\"description\":\"User age\","
	    "\"default\":30},"
	    "\"score\":{\"type\":\"number\",\"description\":\"User score\","
	    "\"default\":95.5},"
	    "\"status\":{\"type\":\"string\",\"description\":\"User status\","
	    "\"enum\":[\"active\",\"inactive\",\"pending\"],"
	    "\"default\":\"active\"},"
	    "\"verified\":{\"type\":\"boolean\",\"description\":"
	    "\"Verification status\",\"default\":true}},\"required\":[]}");
}

static struct json_object *
elicitation_enums(struct mcp_call *c, struct json_object *args)
{
	(void)args;
	return elicit(c, "Please select options from the enum fields",
	    "{\"type\":\"object\",\"properties\":{"
	    "\"untitledSingle\":{\"type\":\"string\",\"description\":"
	    "\"Select one option\",\"enum\":[\"option1\",\"option2\","
	    "\"option3\"]},"
	    "\"titledSingle\":{\"type\":\"string\",\"description\":"
	    "\"Select one option with titles\",\"oneOf\":["
	    "{\"const\":\"value1\",\"title\":\"First Option\"},"
	    "{\"const\":\"value2\",\"title\":\"Second Option\"},"
	    "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"
	    "\"legacyEnum\":{\"type\":\"string\",\"description\":"
	    "\"Select one option (legacy)\",\"enum\":[\"opt1\",\"opt2\","
	    "\"opt3\"],\"enumNames\":[\"Option One\",\"Option Two\","
	    "\"Option Three\"]},"
	    "\"untitledMulti\":{\"type\":\"array\",\"description\":"
	    "\"Select multiple options\",\"minItems\":1,\"maxItems\":3,"
	    "\"items\":{\"type\":\"string\",\"enum\":[\"option1\","
	    "\"option2\",\"option3\"]}},"
	    "\"titledMulti\":{\"type\":\"array\",\"description\":"
	    "\"Select multiple options with titles\",\"minItems\":1,"
	    "\"maxItems\":3,\"items\":{\"anyOf\":["
	    "{\"const\":\"value1\",\"title\":\"First Choice\"},"
	    "{\"const\":\"value2\",\"title\":\"Second Choice\"},"
	    "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}},"
	    "\"required\":[]}");
}

/* SEP-2243: its argument mirrored in the Mcp-Param-Value header. */
static struct json_object *
custom_header(struct mcp_call *c, struct json_object *args)
{
	char	 text[4200];

	(void)c;
	snprintf(text, sizeof(text), "value: %s", json_object_get_string(
	    json_object_object_get(args, "value")));
	return mcp_result_text(text);
}

static struct json_object *
schema_tool(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	return mcp_result_text(json_object_to_json_string_ext(args,
	    JSON_C_TO_STRING_PLAIN));
}

#define PROMPT_ARG(n)	"{\"type\":\"object\",\"properties\":{\"" n \
	"\":{\"type\":\"string\"}},\"required\":[\"" n "\"]}"

static const struct mcp_tool tools[] = {
	{ "test_simple_text", NULL, "Tests simple text content response", "",
	  NULL, NULL, MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0,
	  simple_text },
	{ "test_image_content", NULL, "Tests image content response", "",
	  NULL, NULL, MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, image },
	{ "test_audio_content", NULL, "Tests audio content response", "",
	  NULL, NULL, MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, audio },
	{ "test_embedded_resource", NULL, "Tests embedded resource content "
	  "response", "", NULL, NULL,
	  MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, embedded },
	{ "test_multiple_content_types", NULL, "Tests response with multiple "
	  "content types (text, image, resource)", "", NULL, NULL,
	  MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, mixed },
	{ "test_tool_with_logging", NULL, "Tests tool that emits log messages "
	  "during execution", "", NULL, NULL, MCP_HINT_READONLY, 0,
	  with_logging },
	{ "test_error_handling", NULL, "Tests error response handling", "",
	  NULL, NULL, MCP_HINT_READONLY, 0, error_handling },
	{ "test_tool_with_progress", NULL, "Tests tool that reports progress "
	  "notifications", "", NULL, NULL, MCP_HINT_READONLY, 0,
	  with_progress },
	{ "test_reconnection", NULL, "Tests SSE polling: closes the stream "
	  "before answering, the answer comes on a resumed stream", "", NULL,
	  NULL, MCP_HINT_READONLY, MCP_TOOL_STREAMS, reconnection },
	{ "test_sampling", NULL, "Tests server-initiated sampling (LLM "
	  "completion request)", "", PROMPT_ARG("prompt"), NULL, 0,
	  MCP_TOOL_STREAMS, sampling },
	{ "test_elicitation", NULL, "Tests server-initiated elicitation "
	  "(user input request)", "", PROMPT_ARG("message"), NULL, 0,
	  MCP_TOOL_STREAMS, elicitation },
	{ "test_elicitation_sep1034_defaults", NULL, "Tests elicitation with "
	  "default values per SEP-1034", "", NULL, NULL, 0, MCP_TOOL_STREAMS,
	  elicitation_defaults },
	{ "test_elicitation_sep1330_enums", NULL, "Tests elicitation with "
	  "enum schema improvements per SEP-1330", "", NULL, NULL, 0,
	  MCP_TOOL_STREAMS, elicitation_enums },
	{ "json_schema_2020_12_tool", NULL, "Tool with JSON Schema 2020-12 "
	  "features", "",
	  "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
	  "\"type\":\"object\",\"$defs\":{\"address\":{"
	  "\"$anchor\":\"addressDef\",\"type\":\"object\","
	  "\"properties\":{\"street\":{\"type\":\"string\"},"
	  "\"city\":{\"type\":\"string\"}}}},"
	  "\"properties\":{\"name\":{\"type\":\"string\"},"
	  "\"address\":{\"$ref\":\"#/$defs/address\"},"
	  "\"contactMethod\":{\"type\":\"string\",\"enum\":[\"phone\","
	  "\"email\"]},\"phone\":{\"type\":\"string\"},"
	  "\"email\":{\"type\":\"string\"}},"
	  "\"allOf\":[{\"anyOf\":[{\"required\":[\"phone\"]},"
	  "{\"required\":[\"email\"]}]}],"
	  "\"if\":{\"properties\":{\"contactMethod\":{\"const\":"
	  "\"phone\"}},\"required\":[\"contactMethod\"]},"
	  "\"then\":{\"required\":[\"phone\"]},"
	  "\"else\":{\"required\":[\"email\"]},"
	  "\"additionalProperties\":false}", NULL,
	  MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, schema_tool },
	{ "test_logging_tool", NULL, "Logs at info and error, only as the "
	  "request's log level allows", "", NULL, NULL, MCP_HINT_READONLY, 0,
	  logging_tool },
	{ "test_missing_capability", NULL, "Needs the client's sampling "
	  "capability: refused with -32021 without it", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_missing_capability },
	{ "test_streaming_elicitation", NULL, "Logs, then asks for the "
	  "user's name", "", NULL, NULL, MCP_HINT_READONLY, MCP_TOOL_STREAMS,
	  fx_streaming_elicitation },
	{ "test_input_required_result_elicitation", NULL, "Asks the user's "
	  "name (key user_name) and greets them", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_ir_elicitation },
	{ "test_input_required_result_sampling", NULL, "Asks the model "
	  "(key capital_question)", "", NULL, NULL, MCP_HINT_READONLY,
	  MCP_TOOL_STREAMS, fx_ir_sampling },
	{ "test_input_required_result_list_roots", NULL, "Asks the client's "
	  "roots (key client_roots)", "", NULL, NULL, MCP_HINT_READONLY,
	  MCP_TOOL_STREAMS, fx_ir_roots },
	{ "test_input_required_result_request_state", NULL, "Asks for a "
	  "confirmation and counts it only with its requestState", "", NULL,
	  NULL, MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_ir_state },
	{ "test_input_required_result_multiple_inputs", NULL, "Asks for a "
	  "name, a greeting and the roots in one round", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_ir_multiple },
	{ "test_input_required_result_multi_round", NULL, "Asks for a name, "
	  "then a colour, keeping the name in requestState", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_ir_multi_round },
	{ "test_input_required_result_tampered_state", NULL, "Asks for a "
	  "confirmation with a sealed requestState", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_ir_state },
	{ "greet", NULL, "Greets name at once", "",
	  "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":"
	  "\"string\",\"maxLength\":256}},\"required\":[\"name\"]}", NULL,
	  MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, fx_greet },
	{ "slow_compute", NULL, "Waits seconds, as a task when the client "
	  "can hold one", "",
	  "{\"type\":\"object\",\"properties\":{\"seconds\":{\"type\":"
	  "\"integer\",\"minimum\":0,\"maximum\":120},\"label\":{\"type\":"
	  "\"string\",\"maxLength\":256}},\"required\":[\"seconds\"]}",
	  NULL, MCP_HINT_READONLY, MCP_TOOL_TASKS, fx_slow_compute },
	{ "failing_job", NULL, "A task that ends in a tool error", "", NULL,
	  NULL, MCP_HINT_READONLY, MCP_TOOL_TASKS, fx_failing_job },
	{ "protocol_error_job", NULL, "A task that fails", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_TASKS, fx_protocol_error_job },
	{ "confirm_delete", NULL, "A task that asks to confirm first", "",
	  "{\"type\":\"object\",\"properties\":{\"filename\":{\"type\":"
	  "\"string\",\"maxLength\":256}}}", NULL, MCP_HINT_DESTRUCTIVE,
	  MCP_TOOL_TASKS, fx_confirm_delete },
	{ "multi_input", NULL, "A task that asks two things at once", "",
	  NULL, NULL, MCP_HINT_READONLY, MCP_TOOL_TASKS, fx_multi_input },
	{ "test_tool_with_task", NULL, "Asks a name, then greets as a task",
	  "", NULL, NULL, MCP_HINT_READONLY, MCP_TOOL_TASKS,
	  fx_tool_with_task },
	{ "test_custom_header", NULL, "Echoes its value, which the client "
	  "mirrors in the Mcp-Param-Value header", "",
	  "{\"type\":\"object\",\"properties\":{\"value\":{\"type\":"
	  "\"string\",\"x-mcp-header\":\"Value\",\"maxLength\":4096},"
	  "\"count\":{\"type\":\"integer\",\"x-mcp-header\":\"Count\"},"
	  "\"flag\":{\"type\":\"boolean\",\"x-mcp-header\":\"Flag\"}},"
	  "\"required\":[\"value\"],\"additionalProperties\":false}", NULL,
	  MCP_HINT_READONLY | MCP_HINT_IDEMPOTENT, 0, custom_header },
	{ "test_input_required_result_capabilities", NULL, "Asks only what "
	  "the client declared it can answer", "", NULL, NULL,
	  MCP_HINT_READONLY, MCP_TOOL_STREAMS, fx_ir_capabilities },
};

static struct json_object *
read_static_text(struct mcp_call *c, const char *uri)
{
	(void)c;
	return mcp_contents_text(uri, "text/plain",
	    "This is the content of the static text resource.");
}

static struct json_object *
read_static_binary(struct mcp_call *c, const char *uri)
{
	(void)c;
	return mcp_contents_blob(uri, "image/png", PNG);
}

static struct json_object *
read_watched(struct mcp_call *c, const char *uri)
{
	(void)c;
	return mcp_contents_text(uri, "text/plain",
	    "This resource is watched for changes.");
}

static const struct mcp_resource resources[] = {
	{ "test://static-text", "Static Text Resource", NULL,
	  "A static text resource for testing", "text/plain", NULL,
	  read_static_text },
	{ "test://static-binary", "Static Binary Resource", NULL,
	  "A static binary resource (image) for testing", "image/png", NULL,
	  read_static_binary },
	{ "test://watched-resource", "Watched Resource", NULL,
	  "A resource for subscription tests", "text/plain", NULL,
	  read_watched },
};

static struct json_object *
read_template(struct mcp_call *call, const char *uri,
    struct json_object *vars)
{
	struct json_object	*o, *c;
	const char		*id;
	char			 data[256];

	(void)call;
	id = json_object_get_string(json_object_object_get(vars, "id"));
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "templateTest", json_object_new_boolean(1));
	snprintf(data, sizeof(data), "Data for ID: %s", id);
	json_object_object_add(o, "data", json_object_new_string(data));
	c = mcp_contents_text(uri, "application/json",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return c;
}

static const struct mcp_resource_template templates[] = {
	{ "test://template/{id}/data", "Resource Template", NULL,
	  "A resource template with an id parameter", "application/json",
	  NULL, read_template },
};

static struct json_object *
one_message(struct json_object *content)
{
	struct json_object	*a = json_object_new_array();

	json_object_array_add(a, mcp_message("user", content));
	return a;
}

static struct json_object *
simple_prompt(struct mcp_call *c, struct json_object *args)
{
	(void)c;
	(void)args;
	return one_message(mcp_content_text(
	    "This is a simple prompt for testing."));
}

static struct json_object *
args_prompt(struct mcp_call *c, struct json_object *args)
{
	char	 text[1024];

	(void)c;
	snprintf(text, sizeof(text), "Prompt with arguments: arg1='%s', "
	    "arg2='%s'",
	    json_object_get_string(json_object_object_get(args, "arg1")),
	    json_object_get_string(json_object_object_get(args, "arg2")));
	return one_message(mcp_content_text(text));
}

static struct json_object *
args_complete(const char *arg, const char *value)
{
	static const char *const words[] = { "paris", "park", "party",
	    "test", "testing", "tested" };
	struct json_object	*a = json_object_new_array();
	size_t			 i;

	(void)arg;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(words[i], value, strlen(value)) == 0)
			json_object_array_add(a,
			    json_object_new_string(words[i]));
	return a;
}

static struct json_object *
embedded_prompt(struct mcp_call *call, struct json_object *args)
{
	struct json_object	*a, *c, *res;
	const char		*uri;

	(void)call;
	uri = json_object_get_string(json_object_object_get(args,
	    "resourceUri"));
	res = json_object_new_object();
	json_object_object_add(res, "uri", json_object_new_string(uri));
	json_object_object_add(res, "mimeType",
	    json_object_new_string("text/plain"));
	json_object_object_add(res, "text", json_object_new_string(
	    "Embedded resource content for testing."));
	c = json_object_new_object();
	json_object_object_add(c, "type", json_object_new_string("resource"));
	json_object_object_add(c, "resource", res);
	a = json_object_new_array();
	json_object_array_add(a, mcp_message("user", c));
	json_object_array_add(a, mcp_message("user", mcp_content_text(
	    "Please process the embedded resource above.")));
	return a;
}

static struct json_object *
image_prompt(struct mcp_call *call, struct json_object *args)
{
	struct json_object	*a, *c;

	(void)call;
	(void)args;
	c = json_object_new_object();
	json_object_object_add(c, "type", json_object_new_string("image"));
	json_object_object_add(c, "data", json_object_new_string(PNG));
	json_object_object_add(c, "mimeType",
	    json_object_new_string("image/png"));
	a = json_object_new_array();
	json_object_array_add(a, mcp_message("user", c));
	json_object_array_add(a, mcp_message("user", mcp_content_text(
	    "Please analyze the image above.")));
	return a;
}

static const struct mcp_prompt_arg args_args[] = {
	{ "arg1", "First test argument", 1 },
	{ "arg2", "Second test argument", 1 },
	{ NULL, NULL, 0 }
};

static const struct mcp_prompt_arg embedded_args[] = {
	{ "resourceUri", "URI of the resource to embed", 1 },
	{ NULL, NULL, 0 }
};

static const struct mcp_prompt prompts[] = {
	{ "test_simple_prompt", NULL, "A simple prompt without arguments",
	  NULL, simple_prompt, NULL },
	{ "test_prompt_with_arguments", NULL, "A prompt with required "
	  "arguments", args_args, args_prompt, args_complete },
	{ "test_prompt_with_embedded_resource", NULL, "A prompt that "
	  "includes an embedded resource", embedded_args, embedded_prompt,
	  NULL },
	{ "test_prompt_with_image", NULL, "A prompt that includes image "
	  "content", NULL, image_prompt, NULL },
	{ "test_input_required_result_prompt", NULL, "A prompt that asks the "
	  "user for its context first", NULL, fx_ir_prompt, NULL },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct mcp_endpoint endpoint = {
	"mcp-fcgi-conformance", "mcp-fcgi conformance fixtures", "0.1.0",
	"Fixture server for the MCP conformance suite.",
	tools, NELEM(tools), resources, NELEM(resources),
	templates, NELEM(templates), prompts, NELEM(prompts),
	"/conformance/mcp",	/* where etc/lighttpd.conf.in serves it */
};

int
main(int argc, char *argv[])
{
	return mcp_main(&endpoint, argc, argv);
}
