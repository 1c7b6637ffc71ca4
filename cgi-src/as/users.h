/*
 * users.h: the people who sign in at the authorization endpoint with an
 * account of our own.  Passwords are kept only as argon2id encoded
 * hashes (libargon2: 19 MiB, two passes, one lane); a wrong password and
 * an unknown name cost the same.  Sign-in failures are counted like a
 * client's: per (account, source address) and per address.
 *
 * Functions returning int give 0, or -1 with a message in err.
 */
#ifndef AS_USERS_H
#define AS_USERS_H

#include "issuer.h"

#define AS_PASSWORD_MIN	12	/* bytes */
#define AS_PASSWORD_MAX	256

/*
 * Adds a user of workspace (which must exist) who may grant scopes: with
 * a password, or, password NULL, one the web server authenticates
 * (signin = web_server: REMOTE_USER names them).
 */
int	as_user_add(struct as_ctx *, const char *name, const char *workspace,
	    const char *scopes, const char *password, struct mcp_user *,
	    char *err, size_t errsz);
int	as_user_passwd(struct as_ctx *, const char *name,
	    const char *password, char *err, size_t errsz);
/* Stops sign-in and revokes every token family of the user. */
int	as_user_disable(struct as_ctx *, const char *name, char *err,
	    size_t errsz);

/*
 * Checks a password.  AS_AUTH_OK fills u; AS_AUTH_BAD for an unknown,
 * disabled or external user or a wrong password; AS_AUTH_LIMITED past
 * the failure limits with *retry the seconds left in the window.
 */
enum as_auth	as_user_check(struct as_ctx *, const char *name,
		    const char *password, const char *addr,
		    struct mcp_user *u, int *retry);

/*
 * The active user the web server authenticated as name (REMOTE_USER):
 * one made without a password.  0, or -1 when there is none.
 */
int	as_user_external(struct as_ctx *, const char *name, struct mcp_user *);

#endif /* AS_USERS_H */
