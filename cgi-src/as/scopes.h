/*
 * scopes.h: the scopes the built-in authorization server grants, each
 * with the plain words the consent page shows for it.  They are the
 * scopes the reference tools of cgi-src/mcp.c ask for; a scope not in
 * this table is never granted to a person (invalid_scope).
 */
#ifndef AS_SCOPES_H
#define AS_SCOPES_H

#include <stddef.h>

struct as_scope {
	const char	*name;
	const char	*what;	/* one sentence, for the consent page */
};

extern const struct as_scope	as_scopes[];
extern const size_t		as_nscopes;

/* The scope's entry, or NULL when it is not one of ours. */
const struct as_scope	*as_scope_find(const char *name, size_t len);
/* 1 when every scope of the space-separated list is one of ours. */
int			 as_scopes_known(const char *list);

#endif /* AS_SCOPES_H */
