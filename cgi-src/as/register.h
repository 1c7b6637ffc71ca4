/*
 * register.h: Dynamic Client Registration (RFC 7591) at /oauth/register:
 * open to anyone when client_registration = open; with
 * client_registration = token, only with an initial access token made
 * by mcpctl (RFC 7591 §3, sent as a Bearer token; each registration
 * takes one of its uses).  A registered client may use the authorization
 * code grant (and refresh tokens); it gets no workspace of its own: its
 * tokens carry the signed-in user's.
 *
 * Bounds: a JSON body of MCP_CLIENT_META_MAX bytes, at most 8 redirect
 * URIs of 512 bytes, client_registrations_per_address registrations per
 * source address in each client_auth_window_seconds, MCP_DCR_ROWS
 * registered clients in all (those never used are dropped a day after
 * registering; when full, the oldest never used makes room).
 */
#ifndef AS_REGISTER_H
#define AS_REGISTER_H

#include "issuer.h"

void	as_register(struct mcp_req *, struct as_ctx *);

#endif /* AS_REGISTER_H */
