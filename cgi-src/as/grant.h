/*
 * grant.h: the token endpoint's grants for people (OAuth 2.1 §4.1.3 and
 * §4.3): an authorization code with its PKCE verifier, and a refresh
 * token, rotated on each use.  The client is already authenticated (or
 * is a public client that named itself); each function sends the answer
 * (tokens, or an RFC 6749 §5.2 error).
 *
 * A code presented twice, or a rotated refresh token presented again,
 * revokes the whole token family it belongs to: its refresh tokens at
 * once, its access tokens at the resource server's next reload of the
 * revocation list (their "sid" claim names the family).
 */
#ifndef AS_GRANT_H
#define AS_GRANT_H

#include "issuer.h"

void	as_grant_code(struct mcp_req *, struct as_ctx *,
	    const struct mcp_client *, const struct mcp_form *);
void	as_grant_refresh(struct mcp_req *, struct as_ctx *,
	    const struct mcp_client *, const struct mcp_form *);

#endif /* AS_GRANT_H */
