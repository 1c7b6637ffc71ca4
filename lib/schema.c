/*
 * schema.c: a JSON Schema 2020-12 validator for tool arguments, covering
 * the assertion keywords tools use: type, enum, const, properties,
 * required, additionalProperties, min/maxProperties, pattern,
 * min/maxLength, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
 * multipleOf, items, prefixItems, min/maxItems, uniqueItems, allOf,
 * anyOf, oneOf, not, if/then/else, and local $ref: a JSON Pointer
 * ("#/$defs/x") or a plain-name fragment naming an $anchor ("#x").
 *
 * mcp_schema_check() refuses a schema using any other assertion keyword,
 * or a $ref that resolves to nothing, or an $anchor that is malformed or
 * given twice, so that a tool is never registered with a rule we would
 * silently skip.
 * pattern is compiled as a POSIX extended regular expression, which
 * agrees with ECMA-262 on the anchored character-class patterns tools use.
 */
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extern.h"

#define MAX_DEPTH	64

struct vctx {
	struct json_object	*root;
	char			*err;
	size_t			 errsz;
	char			 path[512];
	int			 depth;
};

static int	validate(struct vctx *, struct json_object *,
		    struct json_object *);

/*
 * The assertion keywords: a schema node's keys are read once and each
 * keyword's value kept (probing every keyword by hash was a fifth of a
 * tools/call in callgrind; looking up the ones present, a tenth).
 */
enum kw {
	K_REF, K_TYPE, K_CONST, K_ENUM, K_PROPERTIES, K_REQUIRED, K_ADDL,
	K_MINPROPS, K_MAXPROPS, K_PATTERN, K_MINLEN, K_MAXLEN, K_MINIMUM,
	K_MAXIMUM, K_EXMIN, K_EXMAX, K_MULTIPLE, K_ITEMS, K_PREFIX,
	K_MINITEMS, K_MAXITEMS, K_UNIQUE, K_ALLOF, K_ANYOF, K_ONEOF, K_NOT,
	K_IF, K_THEN, K_ELSE,
	K__MAX
};

static const char *const kwnames[K__MAX] = {
	"$ref", "type", "const", "enum", "properties", "required",
	"additionalProperties", "minProperties", "maxProperties", "pattern",
	"minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
	"exclusiveMaximum", "multipleOf", "items", "prefixItems", "minItems",
	"maxItems", "uniqueItems", "allOf", "anyOf", "oneOf", "not",
	"if", "then", "else",
};
_Static_assert(K__MAX <= 32, "keyword sets are 32-bit masks");

#define HAS(m, k)	(((m) >> (k)) & 1u)

/* A schema node's keywords: which it has, and their values. */
struct kws {
	unsigned int		 has;
	struct json_object	*v[K__MAX];	/* valid where has says */
};

/*
 * The keywords each first letter can begin, so that a key is compared
 * with few: derived from kwnames[] once, before the first validation.
 */
static unsigned int	 by_first[128];
static pthread_once_t	 by_first_once = PTHREAD_ONCE_INIT;

static void
by_first_init(void)
{
	int	 k;

	for (k = 0; k < K__MAX; k++)
		by_first[(unsigned char)kwnames[k][0]] |= 1u << k;
}

/*
 * Reads the node's keys once, keeping each keyword's value: the checks
 * below then look nothing up (each lookup was a scan of the node's keys).
 */
static void
keywords(struct json_object *s, struct kws *m)
{
	unsigned int	 c;
	int		 k;

	m->has = 0;
	json_object_object_foreach(s, key, val) {
		if ((unsigned char)key[0] >= 128)
			continue;
		for (c = by_first[(unsigned char)key[0]]; c != 0; c &= c - 1) {
			k = __builtin_ctz(c);
			if (strcmp(key, kwnames[k]) == 0) {
				m->has |= 1u << k;
				m->v[k] = val;
				break;
			}
		}
	}
}

/* The value of keyword k, or NULL when the node does not have it. */
static struct json_object *
kw(const struct kws *m, enum kw k)
{
	return HAS(m->has, k) ? m->v[k] : NULL;
}

static struct json_object *
kw_typed(const struct kws *m, enum kw k, enum json_type t)
{
	struct json_object	*v = kw(m, k);

	return v != NULL && json_object_is_type(v, t) ? v : NULL;
}

/*
 * Patterns compiled when their schema was checked, by text, so that a
 * call does not compile its patterns again (11 us per pattern with glibc,
 * more than all the rest of an echo tools/call; regexec() is 0.2 us).
 * Written only by mcp_schema_check(), which runs while tools are
 * registered, before any validation; read-only after.
 */
#define PATTERNS_MAX	256

static struct pattern {
	char	*text;
	regex_t	 re;
} patterns[PATTERNS_MAX];
static size_t	npatterns;

static regex_t *
compiled(const char *text)
{
	size_t	 i;

	for (i = 0; i < npatterns; i++)
		if (strcmp(patterns[i].text, text) == 0)
			return &patterns[i].re;
	return NULL;
}

/* Checks that text compiles, and keeps it if there is room; 0 or -1. */
static int
compile(const char *text)
{
	struct pattern	*p = &patterns[npatterns];
	regex_t		 re;

	if (compiled(text) != NULL)
		return 0;
	if (npatterns == PATTERNS_MAX) {
		if (regcomp(&re, text, REG_EXTENDED | REG_NOSUB) != 0)
			return -1;
		regfree(&re);
		return 0;
	}
	if (regcomp(&p->re, text, REG_EXTENDED | REG_NOSUB) != 0)
		return -1;
	if ((p->text = strdup(text)) == NULL) {
		regfree(&p->re);
		return -1;
	}
	npatterns++;
	return 0;
}

static int
fail(struct vctx *v, const char *fmt, ...)
{
	char	 rule[384];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(rule, sizeof(rule), fmt, ap);
	va_end(ap);
	/* rule ends v->err: one cut covers a split in either. */
	snprintf(v->err, v->errsz, "%s: %s", v->path, rule);
	mcp_utf8_cut(v->err);
	return -1;
}

/* Appends ".key" or "[i]" to the path; returns the length to restore. */
static size_t
push_key(struct vctx *v, const char *key)
{
	size_t	 l = strlen(v->path), n = strlen(key);

	if (l + 1 + n < sizeof(v->path)) {
		v->path[l] = '.';
		memcpy(v->path + l + 1, key, n + 1);
	}
	return l;
}

static size_t
push_index(struct vctx *v, size_t i)
{
	size_t	 l = strlen(v->path);

	snprintf(v->path + l, sizeof(v->path) - l, "[%zu]", i);
	return l;
}

static const char *
type_name(struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_int:
		return "integer";
	case json_type_double:
		return "number";
	case json_type_string:
		return "string";
	case json_type_array:
		return "array";
	case json_type_object:
		return "object";
	}
	return "unknown";
}

/*
 * Serializes a value of the (shared, read-only) schema.  json-c caches
 * the text inside the object it serializes, which would be a write to
 * memory other threads read: serialize a private copy instead.
 */
static const char *
stext(struct json_object *o, char *buf, size_t sz)
{
	struct json_object	*copy = NULL;

	if (json_object_deep_copy(o, &copy, NULL) != 0) {
		snprintf(buf, sz, "(value)");
		return buf;
	}
	snprintf(buf, sz, "%s", mcp_json_text(copy));
	json_object_put(copy);
	return buf;
}

static int
is_integer(struct json_object *o)
{
	double	 d;

	if (json_object_is_type(o, json_type_int))
		return 1;
	if (!json_object_is_type(o, json_type_double))
		return 0;
	d = json_object_get_double(o);
	return isfinite(d) && d == floor(d);
}

static int
type_is(struct json_object *o, const char *t)
{
	const char	*n;

	if (t[0] == 'i' && strcmp(t, "integer") == 0)
		return is_integer(o);
	if (t[0] == 'n' && strcmp(t, "number") == 0)
		return json_object_is_type(o, json_type_int) ||
		    json_object_is_type(o, json_type_double);
	n = type_name(o);
	return n[0] == t[0] && strcmp(n, t) == 0;
}

static double
num(struct json_object *o)
{
	if (json_object_is_type(o, json_type_int))
		return (double)json_object_get_int64(o);
	return json_object_get_double(o);
}

static int
is_number(struct json_object *o)
{
	return json_object_is_type(o, json_type_int) ||
	    json_object_is_type(o, json_type_double);
}

/* JSON equality, as JSON Schema "const" and "enum" define it. */
static int
equal(struct json_object *a, struct json_object *b)
{
	struct json_object	*bv;
	size_t			 i, n;

	if (is_number(a) && is_number(b))
		return num(a) == num(b);
	if (json_object_get_type(a) != json_object_get_type(b))
		return 0;
	switch (json_object_get_type(a)) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return json_object_get_boolean(a) ==
		    json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) ==
		    json_object_get_string_len(b) &&
		    memcmp(json_object_get_string(a),
		    json_object_get_string(b),
		    (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return 0;
		for (i = 0; i < n; i++)
			if (!equal(json_object_array_get_idx(a, i),
			    json_object_array_get_idx(b, i)))
				return 0;
		return 1;
	case json_type_object:
		if (json_object_object_length(a) !=
		    json_object_object_length(b))
			return 0;
		json_object_object_foreach(a, k, av) {
			if (!mcp_json_get(b, k, &bv) ||
			    !equal(av, bv))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

/* Counts Unicode code points of valid UTF-8 (json-c checked it). */
static size_t
utf8_len(const char *s, size_t len)
{
	size_t	 n = 0, i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* regexec() over all len bytes of s, a U+0000 inside as any other. */
static int
match(const regex_t *re, const char *s, size_t len)
{
	regmatch_t	 whole[1];

	whole[0].rm_so = 0;
	whole[0].rm_eo = (regoff_t)len;
	return regexec(re, s, 1, whole, REG_STARTEND);
}

/*
 * The subschema below s whose $anchor is name, or NULL; *count is how
 * many there are (a name given twice resolves to nothing).
 */
static struct json_object *
anchor(struct json_object *s, const char *name, int depth, int *count)
{
	struct json_object	*found = NULL, *x, *a;
	size_t			 i, n;

	if (depth > MAX_DEPTH)
		return NULL;
	if (json_object_is_type(s, json_type_array)) {
		n = json_object_array_length(s);
		for (i = 0; i < n; i++)
			if ((x = anchor(json_object_array_get_idx(s, i), name,
			    depth + 1, count)) != NULL)
				found = x;
		return found;
	}
	if (!json_object_is_type(s, json_type_object))
		return NULL;
	if (json_object_object_get_ex(s, "$anchor", &a) &&
	    json_object_is_type(a, json_type_string) &&
	    strcmp(json_object_get_string(a), name) == 0) {
		(*count)++;
		found = s;
	}
	json_object_object_foreach(s, k, val) {
		/* Values of these are data, not schemas. */
		if (strcmp(k, "const") == 0 || strcmp(k, "enum") == 0 ||
		    strcmp(k, "default") == 0 || strcmp(k, "examples") == 0)
			continue;
		if ((x = anchor(val, name, depth + 1, count)) != NULL)
			found = x;
	}
	return found;
}

/*
 * Resolves "#/a/b" (JSON Pointer, RFC 6901) or "#name" (an $anchor)
 * against the root schema.
 */
static struct json_object *
resolve(struct vctx *v, const char *ref)
{
	struct json_object	*cur = v->root, *next;
	char			 tok[256];
	const char		*p, *e;
	size_t			 i, o;
	int			 count = 0;

	if (strcmp(ref, "#") == 0)
		return cur;
	if (ref[0] == '#' && ref[1] != '/') {
		cur = anchor(v->root, ref + 1, 0, &count);
		return count == 1 ? cur : NULL;
	}
	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	for (p = ref + 2; *p != '\0'; p = *e ? e + 1 : e) {
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		for (i = 0, o = 0; p + i < e && o < sizeof(tok) - 1; i++) {
			if (p[i] == '~' && p + i + 1 < e && p[i + 1] == '1') {
				tok[o++] = '/';
				i++;
			} else if (p[i] == '~' && p + i + 1 < e &&
			    p[i + 1] == '0') {
				tok[o++] = '~';
				i++;
			} else
				tok[o++] = p[i];
		}
		tok[o] = '\0';
		if (!json_object_is_type(cur, json_type_object) ||
		    !mcp_json_get(cur, tok, &next))
			return NULL;
		cur = next;
	}
	return cur;
}

static int
check_type(struct vctx *v, struct json_object *t, struct json_object *inst)
{
	char	 tb[128];
	size_t	 i, n;

	if (json_object_is_type(t, json_type_string)) {
		if (type_is(inst, json_object_get_string(t)))
			return 0;
		return fail(v, "must be of type %s, not %s",
		    json_object_get_string(t), type_name(inst));
	}
	n = json_object_array_length(t);
	for (i = 0; i < n; i++)
		if (type_is(inst,
		    json_object_get_string(json_object_array_get_idx(t, i))))
			return 0;
	return fail(v, "must be of type %s, not %s",
	    stext(t, tb, sizeof(tb)), type_name(inst));
}

static int
check_object(struct vctx *v, const struct kws *m,
    struct json_object *inst)
{
	struct json_object	*props, *req, *addl, *sub, *x;
	size_t			 i, n, saved;
	int64_t			 lim;

	props = kw_typed(m, K_PROPERTIES, json_type_object);
	if ((req = kw_typed(m, K_REQUIRED, json_type_array)) != NULL) {
		n = json_object_array_length(req);
		for (i = 0; i < n; i++) {
			x = json_object_array_get_idx(req, i);
			if (!mcp_json_get(inst,
			    json_object_get_string(x), NULL))
				return fail(v, "required property \"%s\" is "
				    "missing", json_object_get_string(x));
		}
	}
	if ((x = kw(m, K_MINPROPS)) != NULL) {
		lim = json_object_get_int64(x);
		if ((int64_t)json_object_object_length(inst) < lim)
			return fail(v, "must have at least %lld properties",
			    (long long)lim);
	}
	if ((x = kw(m, K_MAXPROPS)) != NULL) {
		lim = json_object_get_int64(x);
		if ((int64_t)json_object_object_length(inst) > lim)
			return fail(v, "must have at most %lld properties",
			    (long long)lim);
	}
	addl = kw(m, K_ADDL);
	json_object_object_foreach(inst, key, val) {
		saved = push_key(v, key);
		if (props != NULL &&
		    mcp_json_get(props, key, &sub)) {
			if (validate(v, sub, val) == -1)
				return -1;
		} else if (addl != NULL) {
			if (json_object_is_type(addl, json_type_boolean) &&
			    !json_object_get_boolean(addl)) {
				v->path[saved] = '\0';
				return fail(v, "property \"%s\" is not allowed "
				    "(additionalProperties is false)", key);
			}
			if (validate(v, addl, val) == -1)
				return -1;
		}
		v->path[saved] = '\0';
	}
	return 0;
}

static int
check_array(struct vctx *v, const struct kws *m,
    struct json_object *inst)
{
	struct json_object	*items, *prefix, *x;
	size_t			 i, j, n, np = 0, saved;
	int64_t			 lim;

	n = json_object_array_length(inst);
	if ((x = kw(m, K_MINITEMS)) != NULL) {
		lim = json_object_get_int64(x);
		if ((int64_t)n < lim)
			return fail(v, "must have at least %lld items",
			    (long long)lim);
	}
	if ((x = kw(m, K_MAXITEMS)) != NULL) {
		lim = json_object_get_int64(x);
		if ((int64_t)n > lim)
			return fail(v, "must have at most %lld items",
			    (long long)lim);
	}
	if ((prefix = kw_typed(m, K_PREFIX, json_type_array)) != NULL)
		np = json_object_array_length(prefix);
	items = kw(m, K_ITEMS);
	for (i = 0; i < n; i++) {
		saved = push_index(v, i);
		if (i < np) {
			if (validate(v, json_object_array_get_idx(prefix, i),
			    json_object_array_get_idx(inst, i)) == -1)
				return -1;
		} else if (items != NULL && validate(v, items,
		    json_object_array_get_idx(inst, i)) == -1)
			return -1;
		v->path[saved] = '\0';
	}
	if ((x = kw(m, K_UNIQUE)) != NULL &&
	    json_object_get_boolean(x))
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (equal(json_object_array_get_idx(inst, i),
				    json_object_array_get_idx(inst, j)))
					return fail(v, "items %zu and %zu are "
					    "equal (uniqueItems)", i, j);
	return 0;
}

static int
check_string(struct vctx *v, const struct kws *m,
    struct json_object *inst)
{
	struct json_object	*x;
	const char		*str = json_object_get_string(inst);
	size_t			 len, bytes;
	regex_t			 re, *rx;
	int			 rc;

	/* The whole string: a C string would end at a U+0000 inside. */
	bytes = (size_t)json_object_get_string_len(inst);
	if ((x = kw(m, K_MINLEN)) != NULL ||
	    (x = kw(m, K_MAXLEN)) != NULL) {
		len = utf8_len(str, bytes);
		if ((x = kw(m, K_MINLEN)) != NULL &&
		    (int64_t)len < json_object_get_int64(x))
			return fail(v, "must be at least %lld characters long",
			    (long long)json_object_get_int64(x));
		if ((x = kw(m, K_MAXLEN)) != NULL &&
		    (int64_t)len > json_object_get_int64(x))
			return fail(v, "must be at most %lld characters long",
			    (long long)json_object_get_int64(x));
	}
	if ((x = kw(m, K_PATTERN)) != NULL) {
		/* Compiled by mcp_schema_check(), else here each time. */
		if ((rx = compiled(json_object_get_string(x))) != NULL)
			rc = match(rx, str, bytes);
		else {
			if (regcomp(&re, json_object_get_string(x),
			    REG_EXTENDED | REG_NOSUB) != 0)
				return fail(v, "schema pattern does not "
				    "compile");
			rc = match(&re, str, bytes);
			regfree(&re);
		}
		if (rc != 0)
			return fail(v, "must match the pattern %s",
			    json_object_get_string(x));
	}
	return 0;
}

static int
check_number(struct vctx *v, const struct kws *m,
    struct json_object *inst)
{
	struct json_object	*x;
	double			 d = num(inst), lim, q;
	char			 b[64];

	if ((x = kw(m, K_MINIMUM)) != NULL && d < num(x))
		return fail(v, "must be >= %s", stext(x, b, sizeof(b)));
	if ((x = kw(m, K_MAXIMUM)) != NULL && d > num(x))
		return fail(v, "must be <= %s", stext(x, b, sizeof(b)));
	if ((x = kw(m, K_EXMIN)) != NULL &&
	    d <= num(x))
		return fail(v, "must be > %s", stext(x, b, sizeof(b)));
	if ((x = kw(m, K_EXMAX)) != NULL &&
	    d >= num(x))
		return fail(v, "must be < %s", stext(x, b, sizeof(b)));
	if ((x = kw(m, K_MULTIPLE)) != NULL) {
		lim = num(x);
		q = d / lim;
		if (lim <= 0 || !isfinite(q) || fabs(q - nearbyint(q)) > 1e-9)
			return fail(v, "must be a multiple of %s",
			    stext(x, b, sizeof(b)));
	}
	return 0;
}

static int
check_combinators(struct vctx *v, const struct kws *m,
    struct json_object *inst)
{
	struct json_object	*arr, *x;
	char			 saved_err[512], saved_path[sizeof(v->path)];
	size_t			 i, n, ok;

	if ((arr = kw_typed(m, K_ALLOF, json_type_array)) != NULL) {
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++)
			if (validate(v, json_object_array_get_idx(arr, i),
			    inst) == -1)
				return -1;
	}
	if (!HAS(m->has, K_ANYOF) && !HAS(m->has, K_ONEOF) &&
	    !HAS(m->has, K_NOT))
		return 0;
	/*
	 * Branches that fail write v->err and leave v->path where they
	 * failed; the error, if any, is this node's.
	 */
	snprintf(saved_err, sizeof(saved_err), "%s", v->err);
	memcpy(saved_path, v->path, sizeof(saved_path));
	if ((arr = kw_typed(m, K_ANYOF, json_type_array)) != NULL) {
		n = json_object_array_length(arr);
		for (i = 0, ok = 0; i < n && !ok; i++)
			ok = validate(v, json_object_array_get_idx(arr, i),
			    inst) == 0;
		memcpy(v->path, saved_path, sizeof(saved_path));
		if (!ok)
			return fail(v, "must match at least one schema in "
			    "anyOf");
	}
	if ((arr = kw_typed(m, K_ONEOF, json_type_array)) != NULL) {
		n = json_object_array_length(arr);
		for (i = 0, ok = 0; i < n; i++)
			ok += validate(v, json_object_array_get_idx(arr, i),
			    inst) == 0;
		memcpy(v->path, saved_path, sizeof(saved_path));
		if (ok != 1)
			return fail(v, "must match exactly one schema in "
			    "oneOf (matched %zu)", ok);
	}
	if ((x = kw(m, K_NOT)) != NULL) {
		ok = validate(v, x, inst) == 0;
		memcpy(v->path, saved_path, sizeof(saved_path));
		if (ok)
			return fail(v, "must not match the schema in "
			    "\"not\"");
	}
	snprintf(v->err, v->errsz, "%s", saved_err);
	return 0;
}

/* if/then/else: then applies where if matches, else where it does not. */
static int
check_conditional(struct vctx *v, const struct kws *m,
    struct json_object *inst)
{
	struct json_object	*x;
	char			 saved_err[512], saved_path[sizeof(v->path)];
	int			 match;

	if ((x = kw(m, K_IF)) == NULL)
		return 0;
	/* A failed "if" is an answer, not an error: nothing of it stays. */
	snprintf(saved_err, sizeof(saved_err), "%s", v->err);
	memcpy(saved_path, v->path, sizeof(saved_path));
	match = validate(v, x, inst) == 0;
	snprintf(v->err, v->errsz, "%s", saved_err);
	memcpy(v->path, saved_path, sizeof(saved_path));
	if ((x = kw(m, match ? K_THEN : K_ELSE)) == NULL)
		return 0;
	return validate(v, x, inst);
}

static int
validate(struct vctx *v, struct json_object *s, struct json_object *inst)
{
	struct json_object	*x, *target;
	char			 b[256];
	size_t			 i, n;
	struct kws		 m;
	int			 rc = -1;

	if (json_object_is_type(s, json_type_boolean)) {
		if (json_object_get_boolean(s))
			return 0;
		return fail(v, "no value is allowed here");
	}
	if (!json_object_is_type(s, json_type_object))
		return fail(v, "invalid schema");
	keywords(s, &m);
	if (++v->depth > MAX_DEPTH) {
		fail(v, "schema nesting too deep");
		goto out;
	}
	if ((x = kw_typed(&m, K_REF, json_type_string)) != NULL) {
		if ((target = resolve(v, json_object_get_string(x))) == NULL) {
			fail(v, "unresolvable $ref %s",
			    json_object_get_string(x));
			goto out;
		}
		if (validate(v, target, inst) == -1)
			goto out;
	}
	if ((x = kw(&m, K_TYPE)) != NULL &&
	    check_type(v, x, inst) == -1)
		goto out;
	if ((x = kw(&m, K_CONST)) != NULL && !equal(x, inst)) {
		fail(v, "must be %s", stext(x, b, sizeof(b)));
		goto out;
	}
	if ((x = kw_typed(&m, K_ENUM, json_type_array)) != NULL) {
		n = json_object_array_length(x);
		for (i = 0; i < n; i++)
			if (equal(json_object_array_get_idx(x, i), inst))
				break;
		if (i == n) {
			fail(v, "must be one of %s", stext(x, b, sizeof(b)));
			goto out;
		}
	}
	switch (json_object_get_type(inst)) {
	case json_type_object:
		if (check_object(v, &m, inst) == -1)
			goto out;
		break;
	case json_type_array:
		if (check_array(v, &m, inst) == -1)
			goto out;
		break;
	case json_type_string:
		if (check_string(v, &m, inst) == -1)
			goto out;
		break;
	case json_type_int:
	case json_type_double:
		if (check_number(v, &m, inst) == -1)
			goto out;
		break;
	default:
		break;
	}
	if (check_combinators(v, &m, inst) == -1 ||
	    check_conditional(v, &m, inst) == -1)
		goto out;
	rc = 0;
out:
	v->depth--;
	return rc;
}

int
mcp_schema_validate(struct json_object *schema, struct json_object *inst,
    char *err, size_t errsz)
{
	struct vctx	 v;

	pthread_once(&by_first_once, by_first_init);
	memset(&v, 0, sizeof(v));
	v.root = schema;
	v.err = err;
	v.errsz = errsz;
	snprintf(v.path, sizeof(v.path), "arguments");
	err[0] = '\0';
	return validate(&v, schema, inst);
}

/*
 * The keywords a schema may carry besides kwnames[] (which validation
 * enforces): annotations, and the containers $ref points into.  A schema
 * with any other keyword is refused at registration.
 */
static const char *const annotations[] = {
	"$schema", "$id", "$comment", "$defs", "definitions", "$anchor",
	"title", "description", "default", "examples", "deprecated",
	"readOnly", "writeOnly", "format", "contentMediaType",
	"contentEncoding", "enumNames",
	"x-mcp-header",		/* lib/hparam.c checks where it stands */
	NULL
};

static int
is_keyword(const char *key)
{
	size_t	 i;

	for (i = 0; i < K__MAX; i++)
		if (strcmp(key, kwnames[i]) == 0)
			return 1;
	for (i = 0; annotations[i] != NULL; i++)
		if (strcmp(key, annotations[i]) == 0)
			return 1;
	return 0;
}

/* An $anchor's value: a plain-name fragment (JSON Schema 2020-12 §8.2.2). */
static int
anchor_name(struct json_object *a)
{
	const char	*s;

	if (!json_object_is_type(a, json_type_string))
		return 0;
	s = json_object_get_string(a);
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    *s == '_'))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

static int
check(struct json_object *s, char *err, size_t errsz, int depth)
{
	struct json_object	*x;
	size_t			 i, n;

	if (depth > MAX_DEPTH) {
		snprintf(err, errsz, "schema nesting too deep");
		return -1;
	}
	if (json_object_is_type(s, json_type_boolean))
		return 0;
	if (!json_object_is_type(s, json_type_object)) {
		snprintf(err, errsz, "a schema must be an object or boolean");
		return -1;
	}
	json_object_object_foreach(s, key, val) {
		if (!is_keyword(key)) {
			snprintf(err, errsz, "keyword \"%s\" is not "
			    "supported by the validator", key);
			return -1;
		}
		if (strcmp(key, "pattern") == 0) {
			if (!json_object_is_type(val, json_type_string) ||
			    compile(json_object_get_string(val)) == -1) {
				snprintf(err, errsz, "pattern does not "
				    "compile");
				return -1;
			}
		}
		if ((strcmp(key, "properties") == 0 ||
		    strcmp(key, "$defs") == 0 ||
		    strcmp(key, "definitions") == 0) &&
		    json_object_is_type(val, json_type_object)) {
			json_object_object_foreach(val, k2, sub) {
				(void)k2;
				if (check(sub, err, errsz, depth + 1) == -1)
					return -1;
			}
		}
		if ((strcmp(key, "items") == 0 || strcmp(key, "not") == 0 ||
		    strcmp(key, "additionalProperties") == 0 ||
		    strcmp(key, "if") == 0 || strcmp(key, "then") == 0 ||
		    strcmp(key, "else") == 0) &&
		    check(val, err, errsz, depth + 1) == -1)
			return -1;
		if (strcmp(key, "$anchor") == 0 && !anchor_name(val)) {
			snprintf(err, errsz, "$anchor must be a plain name "
			    "(a letter or '_', then letters, digits, '-', "
			    "'_', '.')");
			return -1;
		}
		if ((strcmp(key, "allOf") == 0 || strcmp(key, "anyOf") == 0 ||
		    strcmp(key, "oneOf") == 0 ||
		    strcmp(key, "prefixItems") == 0) &&
		    json_object_is_type(val, json_type_array)) {
			n = json_object_array_length(val);
			for (i = 0; i < n; i++) {
				x = json_object_array_get_idx(val, i);
				if (check(x, err, errsz, depth + 1) == -1)
					return -1;
			}
		}
	}
	return 0;
}

/* Every $ref below s resolves, to exactly one place. */
static int
refs(struct vctx *v, struct json_object *s, int depth)
{
	struct json_object	*r;
	size_t			 i, n;

	if (depth > MAX_DEPTH)
		return -1;
	if (json_object_is_type(s, json_type_array)) {
		n = json_object_array_length(s);
		for (i = 0; i < n; i++)
			if (refs(v, json_object_array_get_idx(s, i),
			    depth + 1) == -1)
				return -1;
		return 0;
	}
	if (!json_object_is_type(s, json_type_object))
		return 0;
	if (json_object_object_get_ex(s, "$ref", &r) &&
	    (!json_object_is_type(r, json_type_string) ||
	    resolve(v, json_object_get_string(r)) == NULL)) {
		snprintf(v->err, v->errsz, "$ref %s resolves to nothing (or "
		    "to an $anchor given twice)", json_object_get_string(r));
		return -1;
	}
	json_object_object_foreach(s, k, val) {
		if (strcmp(k, "const") == 0 || strcmp(k, "enum") == 0 ||
		    strcmp(k, "default") == 0 || strcmp(k, "examples") == 0)
			continue;
		if (refs(v, val, depth + 1) == -1)
			return -1;
	}
	return 0;
}

int
mcp_schema_check(struct json_object *schema, char *err, size_t errsz)
{
	struct vctx	 v;

	if (check(schema, err, errsz, 0) == -1)
		return -1;
	memset(&v, 0, sizeof(v));
	v.root = schema;
	v.err = err;
	v.errsz = errsz;
	return refs(&v, schema, 0);
}
