/*
 * schema.c: the JSON Schema validator, one check per keyword and per
 * rejection, with the exact message an agent sees.
 */
#include <string.h>

#include "extern.h"
#include "tap.h"

static struct json_object *
J(const char *s)
{
	enum mcp_err	 e;

	/* A boolean schema: json-c parses "true" fine at top level. */
	return mcp_json_parse(s, strlen(s), 64, &e);
}

/* Validates; returns the error text ("" when valid). */
static const char *
check(const char *schema, const char *inst)
{
	static char		 err[512];
	struct json_object	*s = J(schema), *i = J(inst);

	err[0] = '\0';
	/* json-c represents JSON null as NULL. */
	if (s == NULL || (i == NULL && strcmp(inst, "null") != 0))
		snprintf(err, sizeof(err), "bad test JSON");
	else if (mcp_schema_validate(s, i, err, sizeof(err)) == 0)
		err[0] = '\0';
	json_object_put(s);
	json_object_put(i);
	return err;
}

#define PASS(s, i)	ok(*check(s, i) == '\0', "valid: %s against %s", i, s)
#define FAIL(s, i, m)	ok(strcmp(check(s, i), m) == 0, "%s -> %s (got %s)", \
			    i, m, check(s, i))

int
main(void)
{
	char	 err[256];
	struct json_object *s, *i;

	PASS("{\"type\":\"string\"}", "\"x\"");
	FAIL("{\"type\":\"string\"}", "5", "arguments: must be of type string, not integer");
	PASS("{\"type\":\"integer\"}", "30.0");
	FAIL("{\"type\":\"integer\"}", "30.5", "arguments: must be of type integer, not number");
	PASS("{\"type\":\"number\"}", "3");
	PASS("{\"type\":[\"string\",\"null\"]}", "null");
	FAIL("{\"type\":[\"string\",\"null\"]}", "true", "arguments: must be of type [\"string\",\"null\"], not boolean");
	FAIL("{\"enum\":[\"a\",\"b\"]}", "\"c\"", "arguments: must be one of [\"a\",\"b\"]");
	PASS("{\"enum\":[1,\"b\"]}", "1.0");
	FAIL("{\"const\":{\"a\":[1]}}", "{\"a\":[2]}", "arguments: must be {\"a\":[1]}");
	PASS("{\"const\":{\"a\":[1]}}", "{\"a\":[1]}");
	FAIL("{\"required\":[\"a\"]}", "{}", "arguments: required property \"a\" is missing");
	FAIL("{\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false}",
	    "{\"b\":1}", "arguments: property \"b\" is not allowed (additionalProperties is false)");
	FAIL("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"b\":\"x\"}",
	    "arguments.b: must be of type integer, not string");
	FAIL("{\"pattern\":\"^org_[A-Za-z0-9]+$\"}", "\"org_\"", "arguments: must match the pattern ^org_[A-Za-z0-9]+$");
	PASS("{\"pattern\":\"^org_[A-Za-z0-9]+$\"}", "\"org_9aZ\"");
	FAIL("{\"minLength\":2}", "\"\xc3\xa9\"", "arguments: must be at least 2 characters long");
	PASS("{\"maxLength\":1}", "\"\xc3\xa9\"");
	FAIL("{\"maxLength\":1}", "\"ab\"", "arguments: must be at most 1 characters long");
	FAIL("{\"minimum\":1}", "0", "arguments: must be >= 1");
	FAIL("{\"maximum\":1.5}", "2", "arguments: must be <= 1.5");
	FAIL("{\"exclusiveMinimum\":0}", "0", "arguments: must be > 0");
	FAIL("{\"exclusiveMaximum\":10}", "10", "arguments: must be < 10");
	FAIL("{\"multipleOf\":3}", "10", "arguments: must be a multiple of 3");
	PASS("{\"multipleOf\":0.1}", "0.3");
	FAIL("{\"items\":{\"type\":\"integer\"}}", "[1,\"x\"]", "arguments[1]: must be of type integer, not string");
	FAIL("{\"minItems\":2}", "[1]", "arguments: must have at least 2 items");
	FAIL("{\"maxItems\":1}", "[1,2]", "arguments: must have at most 1 items");
	FAIL("{\"uniqueItems\":true}", "[1,2,1]", "arguments: items 0 and 2 are equal (uniqueItems)");
	FAIL("{\"prefixItems\":[{\"type\":\"string\"}]}", "[1]", "arguments[0]: must be of type string, not integer");
	FAIL("{\"$defs\":{\"id\":{\"type\":\"string\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/id\"}}}",
	    "{\"a\":1}", "arguments.a: must be of type string, not integer");
	FAIL("{\"properties\":{\"a\":{\"$ref\":\"#/$defs/none\"}}}", "{\"a\":1}", "arguments.a: unresolvable $ref #/$defs/none");
	FAIL("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "true", "arguments: must match at least one schema in anyOf");
	PASS("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "1");
	FAIL("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", "1", "arguments: must match exactly one schema in oneOf (matched 2)");
	FAIL("{\"allOf\":[{\"minimum\":1},{\"maximum\":2}]}", "3", "arguments: must be <= 2");
	FAIL("{\"not\":{\"type\":\"null\"}}", "null", "arguments: must not match the schema in \"not\"");
	FAIL("{\"minProperties\":1}", "{}", "arguments: must have at least 1 properties");
	FAIL("{\"properties\":{\"a\":{\"properties\":{\"b\":{\"items\":{\"const\":1}}}}}}",
	    "{\"a\":{\"b\":[1,1,2]}}", "arguments.a.b[2]: must be 1");
	FAIL("false", "1", "arguments: no value is allowed here");
	PASS("true", "1");

	/* Registration-time checks. */
	s = J("{\"type\":\"object\",\"unevaluatedProperties\":false}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1 && strcmp(err, "keyword \"unevaluatedProperties\" is not supported by the validator") == 0,
	    "unsupported keyword refused at registration: %s", err);
	json_object_put(s);
	s = J("{\"if\":{\"patternProperties\":{}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1 && strcmp(err, "keyword \"patternProperties\" is not supported by the validator") == 0,
	    "keywords inside if are checked too: %s", err);
	json_object_put(s);
	s = J("{\"else\":{\"properties\":{\"a\":{\"pattern\":\"(\"}}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1, "patterns inside else are compiled at registration");
	json_object_put(s);
	s = J("{\"properties\":{\"a\":{\"$ref\":\"#/$defs/nope\"}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1 && strcmp(err, "$ref #/$defs/nope resolves to nothing (or to an $anchor given twice)") == 0,
	    "a $ref to nothing refused at registration: %s", err);
	json_object_put(s);
	s = J("{\"$defs\":{\"a\":{\"$anchor\":\"x\"},\"b\":{\"$anchor\":\"x\"}},\"$ref\":\"#x\"}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1, "a $ref to an $anchor given twice refused");
	json_object_put(s);
	s = J("{\"$defs\":{\"a\":{\"$anchor\":\"1x\"}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1 && strncmp(err, "$anchor must be a plain name", 28) == 0,
	    "a malformed $anchor refused: %s", err);
	json_object_put(s);
	/* An $anchor's name inside data is not an anchor. */
	s = J("{\"examples\":[{\"$anchor\":\"x\"}],\"$ref\":\"#x\"}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1, "an $anchor in examples is data");
	json_object_put(s);

	/* if/then/else, and $ref to an $anchor. */
#define COND "{\"if\":{\"properties\":{\"k\":{\"const\":\"p\"}},\"required\":[\"k\"]}," \
	"\"then\":{\"required\":[\"phone\"]},\"else\":{\"required\":[\"email\"]}}"
	FAIL(COND, "{\"k\":\"p\"}", "arguments: required property \"phone\" is missing");
	PASS(COND, "{\"k\":\"p\",\"phone\":\"1\"}");
	FAIL(COND, "{\"k\":\"q\",\"phone\":\"1\"}", "arguments: required property \"email\" is missing");
	PASS(COND, "{\"email\":\"e\"}");
	PASS("{\"then\":false,\"else\":false}", "1");
	PASS("{\"if\":true,\"else\":false}", "1");
	FAIL("{\"if\":true,\"then\":{\"type\":\"string\"}}", "1", "arguments: must be of type string, not integer");
	FAIL("{\"if\":false,\"else\":{\"minimum\":5}}", "1", "arguments: must be >= 5");
#define ANCH "{\"$defs\":{\"n\":{\"$anchor\":\"num\",\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#num\"}}}"
	PASS(ANCH, "{\"a\":1}");
	FAIL(ANCH, "{\"a\":\"x\"}", "arguments.a: must be of type integer, not string");
	/* A branch that failed deep inside leaves no path behind. */
	FAIL("{\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\"}}},{\"required\":[\"b\"]}]}", "{\"a\":1}",
	    "arguments: must match at least one schema in anyOf");
	s = J("{\"properties\":{\"a\":{\"pattern\":\"(\"}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == -1, "bad pattern refused at registration");
	json_object_put(s);
	/* A pattern compiled at registration is the one calls use. */
	s = J("{\"properties\":{\"a\":{\"pattern\":\"^first$\"}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == 0, "a first pattern");
	json_object_put(s);
	s = J("{\"properties\":{\"id\":{\"pattern\":\"^cmp_[0-9]+$\"}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == 0, "pattern compiled");
	i = J("{\"id\":\"cmp_42\"}");
	ok(mcp_schema_validate(s, i, err, sizeof(err)) == 0,
	    "compiled pattern accepts");
	json_object_put(i);
	i = J("{\"id\":\"cmp_x\"}");
	ok(mcp_schema_validate(s, i, err, sizeof(err)) == -1 &&
	    strcmp(err, "arguments.id: must match the pattern ^cmp_[0-9]+$") ==
	    0, "compiled pattern rejects: %s", err);
	json_object_put(i);
	json_object_put(s);
	s = J("{\"type\":\"object\",\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"properties\":{\"a\":{\"type\":\"string\",\"examples\":[\"x\"]}}}");
	ok(mcp_schema_check(s, err, sizeof(err)) == 0, "annotations accepted");
	json_object_put(s);
	/*
	 * Every keyword the validator enforces and every annotation, written
	 * out here rather than taken from schema.c's lists, so that one
	 * dropped from them is caught.
	 */
	s = J("{\"$schema\":\"x\",\"$id\":\"urn:x\",\"$comment\":\"c\","
	    "\"$defs\":{\"d\":true},\"definitions\":{\"e\":true},"
	    "\"$anchor\":\"a\",\"title\":\"t\",\"description\":\"d\","
	    "\"default\":1,\"examples\":[1],\"deprecated\":false,"
	    "\"readOnly\":false,\"writeOnly\":false,\"format\":\"f\","
	    "\"contentMediaType\":\"text/plain\",\"contentEncoding\":\"base64\","
	    "\"enumNames\":[\"A\"],\"$ref\":\"#/$defs/d\",\"type\":\"object\","
	    "\"const\":1,\"enum\":[1],\"properties\":{},\"required\":[],"
	    "\"additionalProperties\":true,\"minProperties\":0,"
	    "\"maxProperties\":9,\"pattern\":\"x\",\"minLength\":0,"
	    "\"maxLength\":9,\"minimum\":0,\"maximum\":9,"
	    "\"exclusiveMinimum\":-1,\"exclusiveMaximum\":10,"
	    "\"multipleOf\":1,\"items\":true,\"prefixItems\":[true],"
	    "\"minItems\":0,\"maxItems\":9,\"uniqueItems\":false,"
	    "\"allOf\":[true],\"anyOf\":[true],\"oneOf\":[true],"
	    "\"not\":false,\"if\":true,\"then\":true,\"else\":true,"
	    "\"x-mcp-header\":\"H\"}");
	ok(mcp_schema_check(s, err, sizeof(err)) == 0,
	    "every supported keyword accepted: %s", err);
	json_object_put(s);
	return done();
}
