/*
 * hparam.c: tool parameters mirrored in HTTP headers (2026-07-28,
 * SEP-2243).  A property of a tool's input schema marked
 * "x-mcp-header": "Name" is sent by the client, on tools/call, in the
 * header Mcp-Param-Name too, so that a proxy can route on it without
 * reading the body.  The server checks that the two agree.
 *
 * At registration a tool's marks are checked as the revision requires of
 * them (a name of RFC 9110 token characters, here only letters, digits
 * and '-', since a CGI variable name keeps no other; unique ignoring case;
 * on a string, integer or boolean property reachable from the root by
 * "properties" alone) and compiled into the paths and CGI variable names
 * read per request.  A request agrees when every marked value present in
 * the arguments has its header, equal after decoding, and no header
 * stands for a value that is absent.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define PREFIX		"=?base64?"
#define SUFFIX		"?="

/* --- Registration --- */

static int
add(struct mcp_tool_rt *t, const char *const *path, int depth,
    const char *name, const char *type, char *err, size_t errsz)
{
	struct mcp_hparam	*h;
	size_t			 i, n = strlen(name);
	int			 k;

	if (n == 0 || n > MCP_HPARAM_NAME_MAX) {
		snprintf(err, errsz, "x-mcp-header must be 1 to %d "
		    "characters", MCP_HPARAM_NAME_MAX);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-') {
			snprintf(err, errsz, "x-mcp-header \"%s\": only "
			    "letters, digits and '-'", name);
			return -1;
		}
	if (type == NULL || (strcmp(type, "string") != 0 &&
	    strcmp(type, "integer") != 0 && strcmp(type, "boolean") != 0)) {
		snprintf(err, errsz, "x-mcp-header \"%s\": only on a string, "
		    "integer or boolean property", name);
		return -1;
	}
	if (t->nhparams == MCP_HPARAMS_MAX) {
		snprintf(err, errsz, "more than %d x-mcp-header marks",
		    MCP_HPARAMS_MAX);
		return -1;
	}
	h = &t->hparams[t->nhparams];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	k = snprintf(h->env, sizeof(h->env), "HTTP_MCP_PARAM_");
	for (i = 0; i < n; i++)
		h->env[k + i] = name[i] == '-' ? '_' :
		    (char)toupper((unsigned char)name[i]);
	h->env[k + n] = '\0';
	for (i = 0; i < t->nhparams; i++)
		if (strcmp(t->hparams[i].env, h->env) == 0) {
			snprintf(err, errsz, "x-mcp-header \"%s\" twice "
			    "(names are compared ignoring case)", name);
			return -1;
		}
	h->type = type[0];		/* 's', 'i' or 'b' */
	h->depth = depth;
	for (k = 0; k < depth; k++)
		h->path[k] = path[k];
	t->nhparams++;
	return 0;
}

/* Any mark at all below s (where none may be). */
static int
marked(struct json_object *s, int depth)
{
	size_t	 i, n;

	if (depth > 64)
		return 1;
	if (json_object_is_type(s, json_type_array)) {
		n = json_object_array_length(s);
		for (i = 0; i < n; i++)
			if (marked(json_object_array_get_idx(s, i), depth + 1))
				return 1;
		return 0;
	}
	if (!json_object_is_type(s, json_type_object))
		return 0;
	json_object_object_foreach(s, k, v) {
		if (strcmp(k, "x-mcp-header") == 0 || marked(v, depth + 1))
			return 1;
	}
	return 0;
}

static int
walk(struct mcp_tool_rt *t, struct json_object *s, const char **path,
    int depth, char *err, size_t errsz)
{
	struct json_object	*mark;

	if (!json_object_is_type(s, json_type_object))
		return 0;
	if (json_object_object_get_ex(s, "x-mcp-header", &mark)) {
		if (depth == 0 || !json_object_is_type(mark,
		    json_type_string)) {
			snprintf(err, errsz, "x-mcp-header must be a string, "
			    "on a property");
			return -1;
		}
		if (add(t, path, depth, json_object_get_string(mark),
		    mcp_json_str(s, "type"), err, errsz) == -1)
			return -1;
	}
	json_object_object_foreach(s, k, v) {
		if (strcmp(k, "properties") == 0 &&
		    json_object_is_type(v, json_type_object)) {
			if (depth == MCP_HPARAM_DEPTH) {
				if (!marked(v, 0))
					continue;
				snprintf(err, errsz, "x-mcp-header nested "
				    "deeper than %d properties",
				    MCP_HPARAM_DEPTH);
				return -1;
			}
			json_object_object_foreach(v, pk, ps) {
				path[depth] = pk;
				if (walk(t, ps, path, depth + 1, err,
				    errsz) == -1)
					return -1;
			}
		} else if (strcmp(k, "x-mcp-header") != 0 && marked(v, 0)) {
			snprintf(err, errsz, "x-mcp-header under \"%s\": only "
			    "properties reached through \"properties\" from "
			    "the root may be marked", k);
			return -1;
		}
	}
	return 0;
}

int
mcp_hparams_compile(struct mcp_tool_rt *t, char *err, size_t errsz)
{
	const char	*path[MCP_HPARAM_DEPTH];

	t->nhparams = 0;
	return walk(t, t->input, path, 0, err, errsz);
}

/* --- Per request --- */

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * RFC 4648 §4 base64, strictly: whole groups of four, '=' padding only at
 * the end, no other character, pad bits zero.  The byte count, or -1.
 */
static long
b64_strict(const char *in, size_t n, char *out, size_t outsz)
{
	size_t		 i, o = 0, pad = 0;
	unsigned long	 acc;
	int		 j, v;

	if (n % 4 != 0 || n / 4 * 3 > outsz)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad = n > 1 && in[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n; i += 4) {
		acc = 0;
		for (j = 0; j < 4; j++) {
			if (i + j >= n - pad && in[i + j] == '=')
				v = 0;
			else if ((v = b64val((unsigned char)in[i + j])) < 0)
				return -1;
			acc = acc << 6 | (unsigned long)v;
		}
		out[o++] = (char)(acc >> 16);
		out[o++] = (char)(acc >> 8);
		out[o++] = (char)acc;
	}
	if (pad > 0) {
		/* The pad bits of the last group are zero. */
		v = b64val((unsigned char)in[n - pad - 1]);
		if ((pad == 1 && (v & 0x3) != 0) || (pad == 2 && (v & 0xf) != 0))
			return -1;
		o -= pad;
	}
	return (long)o;
}

long
mcp_hvalue_decode(const char *v, char *out, size_t outsz)
{
	size_t	 n = strlen(v), i, pl = strlen(PREFIX), sl = strlen(SUFFIX);

	for (i = 0; i < n; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
		    (unsigned char)v[i] >= 0x7f)
			return -1;	/* not a field value's characters */
	if (n >= pl + sl && strncmp(v, PREFIX, pl) == 0 &&
	    strcmp(v + n - sl, SUFFIX) == 0)
		return b64_strict(v + pl, n - pl - sl, out, outsz);
	if (n >= outsz)
		return -1;
	memcpy(out, v, n);
	return (long)n;
}

/* The header's decoded value equals the body's value of type h->type. */
static int
agrees(const struct mcp_hparam *h, const char *d, size_t dn,
    const struct mcp_jv *v)
{
	char	 num[64], *end;
	double	 a, b;
	size_t	 i;

	switch (h->type) {
	case 's':
		return v->type == MCP_JSTRING && v->len == dn &&
		    memcmp(v->s, d, dn) == 0;
	case 'b':
		if (v->type == MCP_JTRUE)
			return dn == 4 && memcmp(d, "true", 4) == 0;
		if (v->type == MCP_JFALSE)
			return dn == 5 && memcmp(d, "false", 5) == 0;
		return 0;
	default:
		/*
		 * An integer, compared as a number ("42.0" is 42) but written
		 * as the revision writes one: an optional '-', digits, and
		 * at most a fraction of zeros; within 2^53 either way.
		 */
		if ((v->type != MCP_JINT && v->type != MCP_JDOUBLE) ||
		    dn == 0 || dn >= sizeof(num))
			return 0;
		memcpy(num, d, dn);
		num[dn] = '\0';
		i = num[0] == '-';
		if (!isdigit((unsigned char)num[i]))
			return 0;
		while (isdigit((unsigned char)num[i]))
			i++;
		if (num[i] == '.') {
			if (num[++i] != '0')
				return 0;
			while (num[i] == '0')
				i++;
		}
		if (num[i] != '\0')
			return 0;
		a = strtod(num, &end);
		b = strtod(v->s, NULL);
		return fabs(a) <= 9007199254740991.0 && a == b;
	}
}

int
mcp_hparams_check(struct mcp_req *r, const struct mcp_tool_rt *t,
    const struct mcp_jv *args, char *why, size_t whysz)
{
	const struct mcp_hparam	*h;
	const struct mcp_jv	*v;
	const char		*hv;
	char			*d;
	long			 dn;
	size_t			 i;
	int			 k, ok;

	for (i = 0; i < t->nhparams; i++) {
		h = &t->hparams[i];
		v = args != NULL && args->type == MCP_JOBJECT ? args : NULL;
		for (k = 0; k < h->depth && v != NULL; k++)
			if ((v = mcp_jv_get(v, h->path[k])) != NULL &&
			    k + 1 < h->depth && v->type != MCP_JOBJECT)
				v = NULL;
		if (v != NULL && v->type == MCP_JNULL)
			v = NULL;
		hv = mcp_http_param(r, h->env);
		if (v == NULL && hv == NULL)
			continue;
		if (hv == NULL) {
			snprintf(why, whysz, "Mcp-Param-%s header missing",
			    h->name);
			return -1;
		}
		if (v == NULL) {
			snprintf(why, whysz, "Mcp-Param-%s header without "
			    "its argument", h->name);
			return -1;
		}
		if (strlen(hv) > MCP_HPARAM_VALUE_MAX ||
		    (d = malloc(MCP_HPARAM_VALUE_MAX + 1)) == NULL) {
			snprintf(why, whysz, "Mcp-Param-%s header too long",
			    h->name);
			return -1;
		}
		dn = mcp_hvalue_decode(hv, d, MCP_HPARAM_VALUE_MAX + 1);
		ok = dn >= 0 && agrees(h, d, (size_t)dn, v);
		free(d);
		if (dn < 0) {
			snprintf(why, whysz, "Mcp-Param-%s header: invalid "
			    "characters or Base64", h->name);
			return -1;
		}
		if (!ok) {
			snprintf(why, whysz, "Mcp-Param-%s header differs "
			    "from the body", h->name);
			return -1;
		}
	}
	return 0;
}
