/*
 * schema.c: fuzzes argument validation: the input is the tool arguments,
 * checked against a schema using every keyword the validator supports.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char schema_text[] = "{\"type\":\"object\","
    "\"$defs\":{\"id\":{\"type\":\"string\",\"pattern\":\"^org_[A-Za-z0-9]+$\"}},"
    "\"properties\":{\"id\":{\"$ref\":\"#/$defs/id\"},"
    "\"n\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100,\"multipleOf\":5},"
    "\"x\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1},"
    "\"s\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":8},"
    "\"e\":{\"enum\":[\"a\",1,null,{\"k\":[1]}]},\"c\":{\"const\":{\"a\":1}},"
    "\"a\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,"
    "\"maxItems\":4,\"uniqueItems\":true,\"prefixItems\":[{\"const\":1}]},"
    "\"o\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"object\","
    "\"minProperties\":1,\"maxProperties\":2,"
    "\"additionalProperties\":{\"type\":\"boolean\"}}]},"
    "\"q\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]},"
    "\"z\":{\"not\":{\"type\":\"null\"},\"allOf\":[{\"type\":\"string\"}]}},"
    "\"required\":[\"id\"],\"additionalProperties\":false}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_object	*schema;
	struct json_object		*args;
	enum mcp_err			 e;
	char				 err[512];

	if (schema == NULL &&
	    (schema = mcp_json_parse(schema_text, strlen(schema_text), 64,
	    &e)) == NULL)
		abort();
	if ((args = mcp_json_parse((const char *)data, size, 64, &e)) == NULL)
		return 0;
	if (mcp_schema_validate(schema, args, err, sizeof(err)) == -1 &&
	    err[0] == '\0')
		abort();	/* a rejection must say why */
	json_object_put(args);
	return 0;
}
