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
 * metadata document (client_metadata_documents = yes): fetched with the
 * protections of mcp_http_fetch_public(), its client_id equal to the
 * URL, a public client (token_endpoint_auth_method none), kept an hour.
 * A fetch counts against client_registrations_per_address for addr.  On
 * AS_CLIENT_INVALID, err says why (fit for the person at the browser: it
 * names no internal detail).
 */
enum as_client_res	as_client_resolve(struct as_ctx *,
			    const char *client_id, const char *addr,
			    struct mcp_client *cl, char *err, size_t errsz);

/*
 * Fills cl's name, scopes, auth_method, grant_types, app_type and
 * redirect_uris from client metadata (RFC 7591 §2): NULL, or why it is
 * refused with *code the RFC 7591 error code.
 */
const char	*as_client_metadata(struct json_object *, struct mcp_client *cl,
		    const char **code);

/*
 * 1 if uri is one of cl's redirect URIs, compared byte for byte, except
 * that the port of an http redirect to a loopback address literal
 * (127.0.0.1 or [::1]) may differ from the registered one (RFC 8252
 * §7.3: a native client listens on whatever port it was given); 0 if not.
 */
int	as_redirect_match(const struct mcp_client *cl, const char *uri);

#endif /* AS_CLIENTS_H */
