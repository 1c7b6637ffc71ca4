/*
 * registry.c: an endpoint's tools, resources and prompts, checked and
 * compiled once when the process starts.  A bad definition stops the
 * process with a message naming it, rather than surfacing at call time.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "extern.h"

#define NOARGS	"{\"type\":\"object\",\"additionalProperties\":false}"

/* MCP 2025-11-25 "Tool names": 1-128 of [A-Za-z0-9_.-]. */
static int
valid_name(const char *n)
{
	size_t	 i;

	if (n == NULL || *n == '\0' || strlen(n) > 128)
		return 0;
	for (i = 0; n[i] != '\0'; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '_' &&
		    n[i] != '-' && n[i] != '.')
			return 0;
	return 1;
}

static struct json_object *
parse_schema(const char *text, const char *tool, const char *which,
    char *err, size_t errsz)
{
	struct json_object	*s;
	enum mcp_err		 e;
	char			 why[256];

	s = mcp_json_parse(text, strlen(text), 64, &e);
	if (s == NULL) {
		snprintf(err, errsz, "tool %s: %s schema is not valid JSON",
		    tool, which);
		return NULL;
	}
	if (!json_object_is_type(s, json_type_object) ||
	    strcmp(mcp_json_str(s, "type") ? mcp_json_str(s, "type") : "",
	    "object") != 0) {
		snprintf(err, errsz, "tool %s: %s schema must have "
		    "\"type\": \"object\"", tool, which);
		json_object_put(s);
		return NULL;
	}
	if (mcp_schema_check(s, why, sizeof(why)) == -1) {
		snprintf(err, errsz, "tool %s: %s schema: %s", tool, which,
		    why);
		json_object_put(s);
		return NULL;
	}
	return s;
}

struct json_object *
mcp_scope_array(const char *scopes)
{
	struct json_object	*a;
	const char		*p, *e;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (p = scopes != NULL ? scopes : ""; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' '; e++)
			continue;
		mcp_json_append(a, json_object_new_string_len(p, (int)(e - p)));
	}
	return a;
}

/* The Tool object of tools/list, rendered once. */
static char *
render(const struct mcp_tool *t, struct json_object *in,
    struct json_object *out)
{
	struct json_object	*o, *ann, *meta, *copy = NULL;
	struct mcp_buf		 desc = { 0 };
	char			*text = NULL;
	unsigned int		 h = t->hints;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	mcp_json_set(o, "name", json_object_new_string(t->name));
	if (t->title != NULL)
		mcp_json_set(o, "title", json_object_new_string(t->title));
	if (t->scopes != NULL && *t->scopes != '\0') {
		/* Agents read descriptions: say what a call needs. */
		if (mcp_buf_printf(&desc, "%s%sRequires scope: %s.",
		    t->description != NULL ? t->description : "",
		    t->description != NULL && *t->description ? " " : "",
		    t->scopes) == -1)
			goto out;
		mcp_json_set(o, "description",
		    json_object_new_string(desc.p));
	} else
		mcp_json_set(o, "description", json_object_new_string(
		    t->description != NULL ? t->description : ""));
	if (json_object_deep_copy(in, &copy, NULL) != 0 ||
	    mcp_json_set(o, "inputSchema", copy) == -1)
		goto out;
	if (out != NULL) {
		copy = NULL;
		if (json_object_deep_copy(out, &copy, NULL) != 0 ||
		    mcp_json_set(o, "outputSchema", copy) == -1)
			goto out;
	}
	ann = json_object_new_object();
	if (t->title != NULL)
		mcp_json_set(ann, "title", json_object_new_string(t->title));
	mcp_json_set(ann, "readOnlyHint",
	    json_object_new_boolean(!!(h & MCP_HINT_READONLY)));
	mcp_json_set(ann, "destructiveHint",
	    json_object_new_boolean(!!(h & MCP_HINT_DESTRUCTIVE)));
	mcp_json_set(ann, "idempotentHint",
	    json_object_new_boolean(!!(h & MCP_HINT_IDEMPOTENT)));
	mcp_json_set(ann, "openWorldHint",
	    json_object_new_boolean(!!(h & MCP_HINT_OPENWORLD)));
	mcp_json_set(o, "annotations", ann);
	meta = json_object_new_object();
	mcp_json_set(meta, "mcp-fcgi/scopes", mcp_scope_array(t->scopes));
	mcp_json_set(o, "_meta", meta);
	text = strdup(mcp_json_text(o));
out:
	mcp_buf_free(&desc);
	json_object_put(o);
	return text;
}

int
mcp_registry_init(struct mcp_registry *r, const struct mcp_endpoint *ep,
    char *err, size_t errsz)
{
	const struct mcp_tool	*t;
	struct mcp_tool_rt	*rt;
	size_t			 i, j;
	char			 why[256];

	memset(r, 0, sizeof(*r));
	r->ep = ep;
	if (ep->ntools > 0 &&
	    (r->tools = calloc(ep->ntools, sizeof(*r->tools))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < ep->ntools; i++) {
		t = &ep->tools[i];
		rt = &r->tools[i];
		r->ntools++;
		rt->def = t;
		if (!valid_name(t->name) || t->run == NULL) {
			snprintf(err, errsz, "tool %zu: invalid name or no "
			    "handler", i);
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (strcmp(ep->tools[j].name, t->name) == 0) {
				snprintf(err, errsz, "tool %s: defined twice",
				    t->name);
				goto fail;
			}
		if ((rt->input = parse_schema(t->input_schema != NULL ?
		    t->input_schema : NOARGS, t->name, "input", err,
		    errsz)) == NULL)
			goto fail;
		if (t->output_schema != NULL && (rt->output =
		    parse_schema(t->output_schema, t->name, "output", err,
		    errsz)) == NULL)
			goto fail;
		if (mcp_hparams_compile(rt, why, sizeof(why)) == -1) {
			snprintf(err, errsz, "tool %s: input schema: %s",
			    t->name, why);
			goto fail;
		}
		if ((rt->listing = render(t, rt->input, rt->output)) == NULL) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
	}
	for (i = 0; i < ep->nprompts; i++)
		if (!valid_name(ep->prompts[i].name) ||
		    ep->prompts[i].get == NULL) {
			snprintf(err, errsz, "prompt %zu: invalid name or no "
			    "handler", i);
			goto fail;
		}
	for (i = 0; i < ep->nresources; i++)
		if (ep->resources[i].uri == NULL ||
		    ep->resources[i].name == NULL ||
		    ep->resources[i].read == NULL) {
			snprintf(err, errsz, "resource %zu: uri, name and "
			    "reader are required", i);
			goto fail;
		}
	for (i = 0; i < ep->ntemplates; i++)
		if (ep->templates[i].uri_template == NULL ||
		    ep->templates[i].name == NULL ||
		    ep->templates[i].read == NULL) {
			snprintf(err, errsz, "resource template %zu: "
			    "uriTemplate, name and reader are required", i);
			goto fail;
		}
	return 0;
fail:
	mcp_registry_free(r);
	return -1;
}

void
mcp_registry_free(struct mcp_registry *r)
{
	size_t	 i;

	for (i = 0; i < r->ntools; i++) {
		json_object_put(r->tools[i].input);
		json_object_put(r->tools[i].output);
		free(r->tools[i].listing);
	}
	free(r->tools);
	r->tools = NULL;
	r->ntools = 0;
}

const struct mcp_tool_rt *
mcp_registry_tool(const struct mcp_registry *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->ntools; i++)
		if (r->tools[i].def->name[0] == name[0] &&
		    strcmp(r->tools[i].def->name, name) == 0)
			return &r->tools[i];
	return NULL;
}

const struct mcp_prompt *
mcp_registry_prompt(const struct mcp_registry *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->ep->nprompts; i++)
		if (strcmp(r->ep->prompts[i].name, name) == 0)
			return &r->ep->prompts[i];
	return NULL;
}

int
mcp_registry_resource(const struct mcp_registry *r, const char *uri,
    struct json_object *vars, struct mcp_resource_ref *out)
{
	const struct mcp_endpoint	*ep = r->ep;
	size_t				 i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < ep->nresources; i++)
		if (strcmp(ep->resources[i].uri, uri) == 0) {
			out->res = &ep->resources[i];
			out->name = out->res->name;
			out->scopes = out->res->scopes;
			break;
		}
	for (i = 0; out->res == NULL && i < ep->ntemplates; i++)
		if (mcp_template_match(ep->templates[i].uri_template, uri,
		    NULL)) {
			/* Again for the variables: a failed try leaves some. */
			if (vars != NULL)
				mcp_template_match(
				    ep->templates[i].uri_template, uri, vars);
			out->tmpl = &ep->templates[i];
			out->name = out->tmpl->name;
			out->scopes = out->tmpl->scopes;
		}
	if (out->scopes == NULL)
		out->scopes = "";
	return out->name != NULL ? 0 : -1;
}

/*
 * RFC 6570 level 1: each {var} matches one or more characters up to the
 * next literal character of the template, never a '/'.
 */
int
mcp_template_match(const char *t, const char *u, struct json_object *vars)
{
	const char	*close, *start;
	char		 name[64];
	size_t		 n;

	while (*t != '\0') {
		if (*t != '{') {
			if (*t++ != *u++)
				return 0;
			continue;
		}
		if ((close = strchr(t, '}')) == NULL ||
		    (n = (size_t)(close - t - 1)) == 0 || n >= sizeof(name))
			return 0;
		memcpy(name, t + 1, n);
		name[n] = '\0';
		t = close + 1;
		for (start = u; *u != '\0' && *u != '/' && *u != *t; u++)
			continue;
		if (u == start)
			return 0;
		if (vars != NULL)
			mcp_json_set_key(vars, name, json_object_new_string_len(
			    start, (int)(u - start)));
	}
	return *u == '\0';
}

void
mcp_cursor_make(size_t offset, char *out, size_t outsz)
{
	char		 raw[32];
	unsigned char	 enc[64];
	int		 n, i;

	n = snprintf(raw, sizeof(raw), "o:%zu", offset);
	n = EVP_EncodeBlock(enc, (unsigned char *)raw, n);
	/* base64url, unpadded (RFC 4648 §5). */
	for (i = 0; i < n; i++) {
		if (enc[i] == '+')
			enc[i] = '-';
		else if (enc[i] == '/')
			enc[i] = '_';
		else if (enc[i] == '=')
			break;
	}
	enc[i] = '\0';
	snprintf(out, outsz, "%s", enc);
}

int
mcp_cursor_parse(const char *c, size_t *offset)
{
	unsigned char	 in[64], out[64];
	size_t		 n, i;
	int		 m;
	unsigned long	 v;
	char		*end;

	n = strlen(c);
	if (n == 0 || n > 40)
		return -1;
	for (i = 0; i < n; i++) {
		if (c[i] == '-')
			in[i] = '+';
		else if (c[i] == '_')
			in[i] = '/';
		else if (isalnum((unsigned char)c[i]))
			in[i] = (unsigned char)c[i];
		else
			return -1;
	}
	while (n % 4 != 0)
		in[n++] = '=';
	in[n] = '\0';
	if ((m = EVP_DecodeBlock(out, in, (int)n)) < 3)
		return -1;
	out[m] = '\0';
	/* EVP_DecodeBlock counts padding as NUL bytes: stop at the first. */
	if (out[0] != 'o' || out[1] != ':' || !isdigit(out[2]))
		return -1;
	v = strtoul((char *)out + 2, &end, 10);
	if (*end != '\0' || v > 1000000)
		return -1;
	*offset = v;
	return 0;
}
