/*
 * endpoint.h: the built-in authorization server's front door, one
 * request at a time (FastCGI worker threads call it concurrently; it
 * keeps no state between requests but the store's).
 */
#ifndef AS_ENDPOINT_H
#define AS_ENDPOINT_H

#include "extern.h"

/* Answers one request to /oauth/... or its /.well-known/ documents. */
void	as_serve(struct mcp_server *, struct mcp_io *, struct mcp_store *);

#endif /* AS_ENDPOINT_H */
