/*
 * clients.c: see clients.h.
 */
#include <stdio.h>
#include <string.h>

#include "clients.h"

enum as_client_res
as_client_resolve(struct as_ctx *c, const char *client_id,
    struct mcp_client *cl, char *err, size_t errsz)
{
	enum mcp_err	 e;

	if (errsz > 0)
		err[0] = '\0';
	if (*client_id == '\0' || strlen(client_id) > MCP_CLIENT_ID_MAX)
		return AS_CLIENT_UNKNOWN;
	e = c->st->ops->client_get(c->st, client_id, cl);
	if (e == MCP_ERR_NOTFOUND)
		return AS_CLIENT_UNKNOWN;
	if (e != MCP_OK)
		return AS_CLIENT_ERROR;
	return cl->revoked != 0 ? AS_CLIENT_UNKNOWN : AS_CLIENT_OK;
}

/*
 * The part of an http loopback URI after its port: "http://127.0.0.1"
 * or "http://[::1]", an optional ":port", then the rest (NULL if uri is
 * not such a URI).
 */
static const char *
loopback_rest(const char *uri, size_t *hostlen)
{
	static const char *const hosts[] = { "http://127.0.0.1",
	    "http://[::1]" };
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		n = strlen(hosts[i]);
		if (strncmp(uri, hosts[i], n) != 0)
			continue;
		p = uri + n;
		if (*p == ':') {
			p++;
			if (strspn(p, "0123456789") == 0 ||
			    strspn(p, "0123456789") > 5)
				return NULL;
			p += strspn(p, "0123456789");
		}
		if (*p != '\0' && *p != '/' && *p != '?')
			return NULL;
		*hostlen = n;
		return p;
	}
	return NULL;
}

static int
one_match(const char *reg, const char *uri)
{
	const char	*ra, *ua;
	size_t		 rn, un;

	if (strcmp(reg, uri) == 0)
		return 1;
	if ((ra = loopback_rest(reg, &rn)) == NULL ||
	    (ua = loopback_rest(uri, &un)) == NULL)
		return 0;
	return rn == un && strncmp(reg, uri, rn) == 0 && strcmp(ra, ua) == 0;
}

int
as_redirect_match(const struct mcp_client *cl, const char *uri)
{
	struct json_object	*a, *v;
	enum mcp_err		 e;
	size_t			 i, n;
	int			 ok = 0;

	a = mcp_json_parse(cl->redirect_uris, strlen(cl->redirect_uris), 4,
	    &e);
	if (a == NULL || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return 0;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n && !ok; i++) {
		v = json_object_array_get_idx(a, i);
		if (json_object_is_type(v, json_type_string) &&
		    one_match(json_object_get_string(v), uri))
			ok = 1;
	}
	json_object_put(a);
	return ok;
}
