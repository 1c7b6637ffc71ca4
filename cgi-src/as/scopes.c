/*
 * scopes.c: see scopes.h.
 */
#include <string.h>

#include "scopes.h"

const struct as_scope as_scopes[] = {
	{ "wks:read", "See your workspace's settings and usage" },
	{ "wks:write", "Change your workspace's settings" },
	{ "env:read", "See your environments" },
	{ "env:write", "Create, change and delete your environments" },
	{ "org:read", "See your organizations and their templates" },
	{ "org:write", "Create, change and delete your organizations and "
	    "templates" },
};
const size_t as_nscopes = sizeof(as_scopes) / sizeof(as_scopes[0]);

const struct as_scope *
as_scope_find(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < as_nscopes; i++)
		if (strlen(as_scopes[i].name) == len &&
		    memcmp(as_scopes[i].name, name, len) == 0)
			return &as_scopes[i];
	return NULL;
}

int
as_scopes_known(const char *list)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		if (e > p && as_scope_find(p, (size_t)(e - p)) == NULL)
			return 0;
		p = e;
	}
	return 1;
}
