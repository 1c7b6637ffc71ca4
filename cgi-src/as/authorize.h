/*
 * authorize.h: the authorization endpoint (RFC 6749 §3.1, OAuth 2.1
 * §4.1 as the MCP authorization spec profiles it), with its sign-in and
 * consent pages.
 *
 * GET /oauth/authorize?... checks the request, then shows the sign-in
 * page (no signed-in browser) or the consent page; the pages POST back
 * to the same URL with the request's parameters in hidden fields, which
 * are checked again.  Until the client and its redirect URI are known to
 * be valid, every error is an HTML page and nothing redirects; after,
 * errors go back to the client by redirect (RFC 6749 §4.1.2.1) with
 * state and iss (RFC 9207).
 */
#ifndef AS_AUTHORIZE_H
#define AS_AUTHORIZE_H

#include "issuer.h"

/* Answers one request to /oauth/authorize. */
void	as_authorize(struct mcp_req *, struct as_ctx *);

#endif /* AS_AUTHORIZE_H */
