/*
 * issuer.h: the built-in authorization server's state, shared by the
 * token endpoint (cgi-src/as/endpoint.c) and the admin program (mcpctl): its
 * RSA signing keys (private PEM files under keys_dir, one row each in the
 * store), its clients (secrets stored as salted SHA-256 only), and the
 * access tokens it signs (libjwt, RS256, with the key's kid).
 *
 * Every function returns 0 on success and -1 with a message in err.
 */
#ifndef AS_ISSUER_H
#define AS_ISSUER_H

#include "extern.h"

#define AS_SECRET_LEN	43	/* base64url of 32 random bytes */

struct as_ctx {
	const struct mcp_config	*cfg;
	struct mcp_store	*st;
};

/* Creates keys_dir and the first signing key if there is none. */
int	as_init(struct as_ctx *, int *created, char *err, size_t errsz);
/* Retires the current key and creates a new one; kid receives its id. */
int	as_key_rotate(struct as_ctx *, char *kid, size_t kidsz, char *err,
	    size_t errsz);
/* Stops publishing a key at once (compromise); its tokens then fail. */
int	as_key_remove(struct as_ctx *, const char *kid, char *err,
	    size_t errsz);
/*
 * The JWKS document: the current key and retired keys whose tokens may
 * still be valid.  Returns a malloc'd string or NULL.  as_jwks_write()
 * also stores it as keys_dir/jwks.json for a jwks_file issuer.
 */
char	*as_jwks(struct as_ctx *, char *err, size_t errsz);
int	 as_jwks_write(struct as_ctx *, char *err, size_t errsz);

/* Fills kind, auth_method, ... with an operator-made client's values. */
void	as_client_defaults(struct mcp_client *);
/* Adds a client; secret receives the only copy of its secret. */
int	as_client_add(struct as_ctx *, const char *name, const char *scopes,
	    const char *workspace, struct mcp_client *,
	    char secret[AS_SECRET_LEN + 1], char *err, size_t errsz);
/* A new secret for c (its salted hash set in c); 0 or -1. */
int	as_client_secret(struct mcp_client *c, char secret[AS_SECRET_LEN + 1]);
int	as_client_rotate(struct as_ctx *, const char *id,
	    char secret[AS_SECRET_LEN + 1], char *err, size_t errsz);
int	as_client_revoke(struct as_ctx *, const char *id, char *err,
	    size_t errsz);

enum as_auth {
	AS_AUTH_OK,
	AS_AUTH_BAD,		/* unknown client, wrong secret, revoked */
	AS_AUTH_LIMITED,	/* too many failures: try later */
	AS_AUTH_ERROR		/* the store failed */
};

/*
 * Checks a client's secret in constant time.  Failures are counted per
 * (id, addr) and per addr, addr being the request's source address; past
 * client_auth_failures or addr_auth_failures in the window the answer is
 * AS_AUTH_LIMITED with *retry the seconds until the window ends.
 */
enum as_auth	as_client_auth(struct as_ctx *, const char *id,
		    const char *secret, const char *addr,
		    struct mcp_client *, int *retry);

/* 1 if every scope of want is in allowed. */
int	as_scope_subset(const char *want, const char *allowed);
/*
 * Signs an access token for the client with the given scopes (already
 * checked); returns a malloc'd JWT or NULL.
 */
char	*as_mint(struct as_ctx *, const struct mcp_client *,
	    const char *scopes, int ttl, char *err, size_t errsz);

/*
 * Signs an access token for a person: sub the user, client_id the
 * client, the family's workspace, and its id as the "sid" claim (so that
 * revoking the family stops the token at the resource server).
 */
char	*as_mint_person(struct as_ctx *, const struct mcp_family *,
	    const char *scopes, int ttl, char *err, size_t errsz);

#endif /* AS_ISSUER_H */
