/*
 * store.c: which engine a store path names.  Everything else of the
 * store is the engine's (lib/store_sqlite*.c, lib/store_pg*.c).
 */
#include <stdio.h>
#include <string.h>

#include "extern.h"

int
mcp_store_is_pg(const char *path)
{
	size_t	 n;

	if (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0)
		return 1;
	/*
	 * A libpq keyword string, "host=/run/pg dbname=mcp": it begins with
	 * a keyword and '='.  A relative file path could begin so too; such
	 * a file must be named "./dbname=..." instead.
	 */
	n = strspn(path, "abcdefghijklmnopqrstuvwxyz_");
	return n > 0 && path[n + strspn(path + n, " ")] == '=';
}

struct mcp_store *
mcp_store_open(const char *path, char *err, size_t errsz)
{
	if (mcp_store_is_pg(path))
		return pg_store_open(path, err, errsz);
	return sqlite_store_open(path, err, errsz);
}
