/*
 * clients.h: finding the client an authorization or token request names,
 * and checking the redirect URI it gives, for the authorization endpoint
 * and the token endpoint alike.
 */
#ifndef AS_CLIENTS_H
#define AS_CLIENTS_H

#include "issuer.h"

enum as_client_res {
	AS_CLIENT_OK,
	AS_CLIENT_UNKNOWN,	/* no such client, or revoked */
	AS_CLIENT_INVALID,	/* its metadata document was refused */
	AS_CLIENT_ERROR		/* the store (or the fetch) failed */
};

/*
 * Fills cl with the client named by client_id: one in the store (made by
 * the operator or registered), or one whose id is the https URL of its
 * metadata document.  On AS_CLIENT_INVALID, err says why (fit for the
 * person at the browser: it names no internal detail).
 */
enum as_client_res	as_client_resolve(struct as_ctx *,
			    const char *client_id, struct mcp_client *cl,
			    char *err, size_t errsz);

/*
 * 1 if uri is one of cl's redirect URIs, compared byte for byte, except
 * that the port of an http redirect to a loopback address literal
 * (127.0.0.1 or [::1]) may differ from the registered one (RFC 8252
 * §7.3: a native client listens on whatever port it was given); 0 if not.
 */
int	as_redirect_match(const struct mcp_client *cl, const char *uri);

#endif /* AS_CLIENTS_H */
