/*
 * web.h: what the authorization server's endpoints share about HTTP:
 * RFC 6749 error answers, the source address failures count against,
 * form bodies, cookies, HTML escaping, random tokens and their digests.
 */
#ifndef AS_WEB_H
#define AS_WEB_H

#include "extern.h"

/* Cache-Control: no-store (RFC 6749 §5.1) on the answer being built. */
void	as_no_store(struct mcp_req *);
/* An RFC 6749 §5.2 error object; desc may be NULL.  Logged at info. */
void	as_oauth_error(struct mcp_req *, int status, const char *error,
	    const char *desc);
/*
 * The source address failures are counted against: REMOTE_ADDR, but an
 * IPv6 address by its /64 (else one host could step through 2^64).
 */
void	as_addr(struct mcp_req *, char *out, size_t outsz);
/*
 * Reads an application/x-www-form-urlencoded body of 1 to MCP_FORM_MAX
 * bytes into f.  -1 with *why (fit for the client) otherwise.
 */
int	as_read_form(struct mcp_req *, struct mcp_form *f, const char **why);
/* The query string parsed as a form; -1 with *why. */
int	as_query_form(struct mcp_req *, struct mcp_form *f, const char **why);
/* Cookie name's value (at most outsz - 1 bytes) into out; 0 or -1. */
int	as_cookie(struct mcp_req *, const char *name, char *out,
	    size_t outsz);
/*
 * A successful token answer (RFC 6749 §5.1): access_token, Bearer,
 * expires_in, scope and, unless refresh is NULL, refresh_token; never
 * cached.  Sets the audit outcome token_issued unless the caller set
 * one (refresh_reissued).
 */
void	as_token_answer(struct mcp_req *, const char *access, int ttl,
	    const char *scope, const char *refresh);
/* Appends s to b with & < > " ' escaped for HTML text and attributes. */
void	as_html(struct mcp_buf *b, const char *s);
/* Appends s to b percent-encoded (RFC 3986 unreserved kept). */
void	as_urlenc(struct mcp_buf *b, const char *s);
/* prefix + base64url of 32 random bytes into out (>= strlen+44); 0/-1. */
int	as_random_token(const char *prefix, char *out, size_t outsz);
/* Hex SHA-256 of s. */
void	as_sha256_hex(const char *s, char out[65]);
/* base64url (no padding) of SHA-256 of s: an S256 code_challenge. */
void	as_s256(const char *s, char out[44]);

#endif /* AS_WEB_H */
