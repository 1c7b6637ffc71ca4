/*
 * extern.h: declarations private to libmcpfcgi.  Endpoint programs use
 * mcp.h only; unit tests and fuzz targets may use this header.
 */
#ifndef MCP_EXTERN_H
#define MCP_EXTERN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mcp.h"

/* --- Errors: one table maps each to HTTP status, JSON-RPC code, text --- */

enum mcp_err {
	MCP_OK = 0,
	MCP_ERR_NOMEM,		/* 500 -32603 */
	MCP_ERR_INTERNAL,	/* 500 -32603 */
	MCP_ERR_STORE,		/* 503 -32603 (retryable) */
	MCP_ERR_PARSE,		/* 400 -32700 */
	MCP_ERR_DEPTH,		/* 400 -32700 */
	MCP_ERR_UTF8,		/* 400 -32700 */
	MCP_ERR_INVALID,	/* 400 -32600 */
	MCP_ERR_BATCH,		/* 400 -32600: batch outside 2025-03-26 */
	MCP_ERR_METHOD,		/* 200 -32601 (404 on 2026-07-28) */
	MCP_ERR_PARAMS,		/* 200 -32602 */
	MCP_ERR_NOSESSION,	/* 400 -32600: Mcp-Session-Id missing */
	MCP_ERR_SESSION,	/* 404 -32001: session unknown or ended */
	MCP_ERR_VERSION,	/* 400 -32600: MCP-Protocol-Version unsupported */
	MCP_ERR_MODERNVER,	/* 400 -32022: 2026-era version unsupported */
	MCP_ERR_HEADER,		/* 400 -32020: Mcp-Method/Mcp-Name mismatch */
	MCP_ERR_ORIGIN,		/* 403 -32600 */
	MCP_ERR_HTTPMETHOD,	/* 405 -32600 */
	MCP_ERR_ACCEPT,		/* 406 -32600 */
	MCP_ERR_TOOBIG,		/* 413 -32600 */
	MCP_ERR_CTYPE,		/* 415 -32600 */
	MCP_ERR_TRUNCATED,	/* 400 -32700 */
	MCP_ERR_NOTINIT,	/* 400 -32600: initialize inside a batch etc. */
	MCP_ERR_UNAUTH,		/* 401 -32040: no valid bearer token */
	MCP_ERR_TOKENREQ,	/* 400 -32040: token sent where not allowed */
	MCP_ERR_SCOPE,		/* 403 -32041: the token lacks a tool's scopes */
	MCP_ERR_NOTFOUND,	/* 404 -32600: no such path, or no such object */
	MCP_ERR_CONFLICT,	/* 409: an object with that name exists */
	MCP_ERR_NOTEMPTY,	/* 409: the object still holds others */
	MCP_ERR_NULNAME,	/* 400 -32600: a member name holds U+0000 */
	MCP_ERR_BATCHLEN,	/* 400 -32600: more than max_batch_messages */
	MCP_ERR_ANSWER,		/* 200 -32603: answer over max_answer_bytes */
	MCP_ERR_QUOTA,		/* 409: the workspace holds its most of a kind */
	MCP_ERR_BUSY,		/* 429 -32043: the caller's share of threads */
	MCP_ERR_STREAMS,	/* 503: the process holds max_streams */
	MCP_ERR_SUBSTREAMS,	/* 429: the subject holds its streams */
	MCP_ERR_LISTENING,	/* 409: the session's GET stream is open */
	MCP_ERR_RESUME,		/* 400: Last-Event-ID cannot be resumed */
	MCP_ERR_NOSTREAM,	/* 405: no GET stream (CGI, 2026-07-28) */
	MCP_ERR_CAPABILITY,	/* 400: a client capability is required */
	MCP_ERR_META,		/* 400 -32602: a 2026-07-28 _meta incomplete */
	MCP_ERR__MAX
};

struct mcp_errinfo {
	int		 http;
	int		 code;
	const char	*message;
};

const struct mcp_errinfo	*mcp_err_info(enum mcp_err);

/* --- Growable byte buffer (lib/buf.c) --- */

/*
 * With max set, growing to hold more than max bytes fails (-1, over set)
 * as running out of memory would: a writer stops early instead of
 * building a text it must not send.  Only growing checks it (the capacity
 * already there may still be filled), so such a writer compares len with
 * max once it is done.
 */
struct mcp_buf {
	char	*p;	/* always NUL-terminated when cap > 0 */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* 0, or the length it must not grow past */
	int	 over;	/* set when growing failed because of max */
};

int	mcp_buf_add(struct mcp_buf *, const void *, size_t);
/* mcp_buf_room() when the buffer must grow first (lib/buf.c). */
int	mcp_buf_grow(struct mcp_buf *, size_t n);
/*
 * Room for n more bytes and the NUL past b->len, for a writer that fills
 * them itself and then advances b->len; 0 or -1.  Inline: a tools/call
 * answer asks some 40 times.
 */
static inline int
mcp_buf_room(struct mcp_buf *b, size_t n)
{
	return b->cap > b->len && n < b->cap - b->len ? 0 :
	    mcp_buf_grow(b, n);
}
/*
 * v's decimal digits, written backwards so that they end just before end
 * (at most 20 bytes); returns where they start.  No NUL, no printf.
 */
char	*mcp_digits(char *end, uint64_t v);
/* The value of one hex digit (either case), or -1. */
int	mcp_hexval(unsigned char);
/*
 * BSD strlcpy(): copies what fits, always terminated; strlen(src).  A cut
 * never splits a UTF-8 sequence (mcp_utf8_cut()).
 */
size_t	mcp_strlcpy(char *dst, const char *src, size_t dstsz);
int	mcp_buf_puts(struct mcp_buf *, const char *);
int	mcp_buf_printf(struct mcp_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	mcp_buf_reset(struct mcp_buf *);
void	mcp_buf_free(struct mcp_buf *);

/* --- UTF-8 (lib/utf8.c) --- */

/* Length (1-4) of the valid UTF-8 sequence at s (left bytes), or 0. */
size_t	mcp_utf8_seq(const unsigned char *s, size_t left);
/*
 * Ends s before an incomplete UTF-8 sequence at its end, which is what a
 * truncating snprintf() leaves of valid UTF-8; returns the new length.
 * Text that reaches a client in JSON goes through this after any cut.
 */
size_t	mcp_utf8_cut(char *s);

/* --- Logging to stderr, which the web server keeps (lib/log.c) --- */

void	mcp_log_setlevel(enum mcp_level);
void	mcp_logx(enum mcp_level, const char *rid, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
const char	*mcp_level_name(enum mcp_level);
/* Returns the level, or -1 for a name that is not an RFC 5424 level. */
int	mcp_level_parse(const char *);

/* --- Randomness (lib/rand.c) --- */

/* Writes 2*n hex digits and a NUL into out (size 2*n+1); 0 or -1. */
int	mcp_rand_hex(char *out, size_t n);
/* A 16-hex-digit request id for the log (not a secret); out has 17. */
void	mcp_rand_rid(char *out);

/* --- base64url without padding (lib/b64.c) --- */

/* Writes the encoding and a NUL; returns its length, 0 if outsz is short. */
size_t	mcp_b64url_enc(char *out, size_t outsz, const void *, size_t);
/* Strict decoding; returns the byte count, or -1 (bad input, short out). */
long	mcp_b64url_dec(unsigned char *out, size_t outsz, const char *,
	    size_t);

/* --- Sealed blobs (lib/seal.c) --- */

#define MCP_SEAL_MAX		6144	/* plaintext bytes */
/* The longest sealed text: "1." and base64url of nonce, text and tag. */
#define MCP_SEAL_TEXT_MAX	(2 + (12 + MCP_SEAL_MAX + 16 + 2) / 3 * 4)

/*
 * Encrypts and authenticates n bytes under a 32-byte key, bound to
 * purpose (associated data).  Returns the text (free() it), or NULL when
 * n is over MCP_SEAL_MAX or OpenSSL failed.
 */
char	*mcp_seal(const unsigned char *key, const char *purpose, const void *,
	    size_t n);
/*
 * Opens text sealed under key for purpose into out; returns the byte
 * count, or -1 for anything else: malformed, too long, another key or
 * purpose, altered.  out is zeroed on failure.
 */
long	mcp_unseal(const unsigned char *key, const char *purpose,
	    const char *text, unsigned char *out, size_t outsz);

/* --- Token endpoint form bodies, Basic credentials (lib/form.c) --- */

#define MCP_FORM_MAX	4096	/* body bytes */
#define MCP_FORM_PARAMS	24
#define MCP_BASIC_MAX	512	/* base64 characters of Basic credentials */

/* Keys and values point into buf, decoded in place. */
struct mcp_form {
	char	*key[MCP_FORM_PARAMS];
	char	*val[MCP_FORM_PARAMS];
	size_t	 n;
	char	 buf[MCP_FORM_MAX + 1];
};

/*
 * Parses the len bytes the caller read into f->buf.  Parameters without
 * a name or a value are left out (RFC 6749 §3.1); a NUL byte, a bad
 * percent escape, a repeated parameter or more than MCP_FORM_PARAMS give
 * -1 with *why set to a reason fit for the client.
 */
int	mcp_form_parse(struct mcp_form *f, size_t len, const char **why);
/* The decoded value of key, or NULL. */
const char *mcp_form_get(const struct mcp_form *, const char *key);
/* Wipes the body (it may hold a client secret). */
void	mcp_form_clear(struct mcp_form *);
/* In-place percent and "+" decoding; -1 on a bad escape or "%00". */
int	mcp_urldecode(char *);
/*
 * Splits an "Authorization: Basic ..." value (RFC 6749 §2.3.1) into a
 * non-empty client id and a secret, each NUL-terminated and shorter than
 * its buffer; 0, or -1 if malformed or too long.
 */
int	mcp_basic_credentials(const char *header, char *id, size_t idsz,
	    char *secret, size_t secsz);

/* --- Configuration (lib/config.c) --- */

#define MCP_MAX_ORIGINS	32
#define MCP_MAX_ISSUERS	8
#define MCP_MAX_ASURLS	4
#define MCP_MAX_CLAIMS	4

/* One trusted token issuer: a `[issuer]` section of the configuration. */
struct mcp_issuer {
	char		*iss;		/* exact "iss" value */
	char		*jwks_url;	/* exactly one of these four */
	char		*jwks_file;
	char		*pem_file;
	char		*secret_file;	/* HS256 shared secret */
	unsigned	 algs;		/* MCP_ALG_* allowed */
	char		*audience;	/* NULL: the resource URL */
	int		 leeway;	/* seconds */
	size_t		 line;		/* where the section starts */
	/* This issuer's claim names; 0 / NULL: the global ones. */
	char		*scope_claims[MCP_MAX_CLAIMS];
	size_t		 nscope_claims;
	char		*workspace_claim;
};

struct mcp_authconf {
	int		 required;	/* auth = bearer (1) or none (0) */
	char		*resource;	/* canonical URL of the MCP endpoint */
	char		*resource_doc;
	char		*servers[MCP_MAX_ASURLS]; /* authorization_servers */
	size_t		 nservers;
	struct mcp_issuer issuers[MCP_MAX_ISSUERS];
	size_t		 nissuers;
	char		*scope_claims[MCP_MAX_CLAIMS];
	size_t		 nscope_claims;
	char		*workspace_claim;
	int		 hide_tools;	/* tools/list shows only callable ones */
	size_t		 max_token;	/* bytes */
	int		 cache_entries;	/* verified-token cache */
	int		 jwks_refresh;	/* min seconds between forced fetches */
	int		 jwks_max_age;	/* seconds a fetched set is trusted */
	int		 jwks_timeout;	/* seconds */
	size_t		 jwks_max_bytes;
	char		*jwks_cache_dir;
	int		 revocation_ttl; /* seconds the revoked list is cached */
	char		*audit_log;
	int		 audit_days;	/* store rows kept this long */
	/* The built-in authorization server (cgi-src/oauth.c, mcpctl). */
	char		*as_issuer;
	char		*keys_dir;
	int		 token_ttl;	/* seconds */
	int		 fail_max;	/* failed logins per client and address */
	int		 addr_fail_max;	/* failed logins per address */
	int		 fail_window;	/* seconds */
	int		 refresh_ttl;	/* seconds a sign-in's tokens renew */
	int		 refresh_reuse;	/* seconds a refresh token is given
					   again after its first use */
	int		 signin_ttl;	/* seconds a browser stays signed in */
	int		 signin_web;	/* the web server names the person */
	int		 registration;	/* RFC 7591: none (0), open (1), or
					   with an initial access token (2) */
	int		 dcr_per_addr;	/* registrations per address and window */
	int		 cimd;		/* client ids may be metadata URLs */
	int		 cimd_private;	/* development: fetch from any address */
	char		*cimd_ca_file;	/* development: CAs for the fetch */
};

/*
 * json_max_depth's largest setting.  JSON the store holds was accepted
 * within the depth of its day, so it is read back with this one.
 */
#define MCP_JSON_DEPTH_MAX	512

struct mcp_config {
	char		 store_path[1024];
	/* Files beside the store: keys, the JWKS cache (config.c). */
	char		 state_dir[1024];
	char		 error_log[1024];	/* "": stderr as given */
	int		 threads;
	size_t		 max_body;
	int		 max_depth;
	int		 session_idle;		/* seconds */
	int		 max_sessions;		/* per token subject */
	int		 page_size;
	int		 max_batch;		/* messages in a batch */
	size_t		 max_answer;		/* bytes of one answer, or of
						   a batch's together */
	int		 ws_max_envs;		/* stored per workspace */
	int		 ws_max_tpls;
	int		 ws_max_orgs;
	int		 list_ttl_ms;
	int		 request_timeout;	/* seconds, server-to-client */
	int		 sse_retry_ms;
	int		 keepalive;		/* seconds between SSE comments */
	int		 max_streams;		/* held per process */
	int		 max_streams_subject;	/* held per process and subject */
	int		 stream_max_seconds;	/* then closed, to be resumed */
	size_t		 stream_queue;		/* bytes a held stream may owe */
	int		 stream_poll_ms;	/* store polls for events */
	int		 write_timeout;		/* seconds one write may block */
	int		 subject_share;		/* % of threads one subject may hold */
	int		 state_seconds;		/* a requestState's lifetime */
	int		 max_tasks;		/* running per process; 0: threads/2 */
	int		 task_seconds;		/* a task's ttlMs, in seconds */
	int		 task_lost_seconds;	/* no beat this long: failed */
	int		 log_level;
	char		*origins[MCP_MAX_ORIGINS];
	size_t		 norigins;
	struct mcp_authconf auth;
};

void	mcp_config_defaults(struct mcp_config *);
/*
 * Reads `key = value` lines from path into cfg.  On error returns -1 and
 * writes a message naming the line and key into err.
 */
int	mcp_config_load(struct mcp_config *, const char *path, char *err,
	    size_t errsz);
/* The same from an open stream; path names it in messages and is the
 * directory relative paths start from.  The caller closes f. */
int	mcp_config_read(struct mcp_config *, FILE *f, const char *path,
	    char *err, size_t errsz);
void	mcp_config_free(struct mcp_config *);
/*
 * Adds an allowed origin: scheme://host[:port], scheme://host:*, or "*".
 * Returns -1 for anything else or when the list is full.
 */
int	mcp_config_add_origin(struct mcp_config *, const char *);
/* 1 if the Origin header value is allowed by the configuration. */
int	mcp_config_origin_ok(const struct mcp_config *, const char *origin);

/*
 * 1 if an http(s) URL's whole authority is localhost, 127.0.0.1 or [::1],
 * with at most a numeric port (no userinfo).
 */
int	mcp_url_is_loopback(const char *url);
/* The length of the authority that starts at h (just past "://"). */
size_t	mcp_url_authority(const char *h);
/* The auth part of the file (lib/authconf.c). */
void	mcp_authconf_defaults(struct mcp_authconf *);
void	mcp_authconf_free(struct mcp_authconf *);
/* 1 if key was an auth key and was applied, 0 if not ours, -1 bad value. */
int	mcp_authconf_apply(struct mcp_authconf *, int in_issuer,
	    const char *key, char *val, const char *dir, char *why,
	    size_t whysz);
/* Starts an [issuer] section at line; 0 or -1. */
int	mcp_authconf_issuer(struct mcp_authconf *, size_t line, char *why,
	    size_t whysz);
/* Fills defaults that depend on other keys and refuses weak setups. */
int	mcp_authconf_check(struct mcp_authconf *, char *why, size_t whysz);

/* --- Verification keys (lib/jwk.c) and JWS tokens (lib/jwt.c) --- */

#define MCP_ALG_RS256	0x01
#define MCP_ALG_RS384	0x02
#define MCP_ALG_RS512	0x04
#define MCP_ALG_ES256	0x08
#define MCP_ALG_ES384	0x10
#define MCP_ALG_ES512	0x20
#define MCP_ALG_HS256	0x40
#define MCP_MAX_KEYS	32

/* The MCP_ALG_* bit of a JOSE "alg" name, 0 if we do not implement it. */
unsigned	 mcp_alg_parse(const char *);
const char	*mcp_alg_name(unsigned);

struct evp_pkey_st;
struct evp_md_ctx_st;

struct mcp_key {
	char			 kid[128];	/* "" when the source has none */
	unsigned		 algs;		/* the algorithms it may verify */
	struct evp_pkey_st	*pkey;		/* public key, or NULL */
	/*
	 * Verification contexts set up once per algorithm the key allows
	 * (SHA-256, -384, -512); each verification copies one, which spares
	 * OpenSSL 3's per-call setup.  Read-only once the set is built.
	 */
	struct evp_md_ctx_st	*ready[3];
	unsigned char		*secret;	/* HS256 only */
	size_t			 secretlen;
};

/* Immutable once built; shared between threads by reference count. */
struct mcp_keyset {
	struct mcp_key		*keys;
	size_t			 nkeys;
	_Atomic int		 refs;
};

/* Each returns a set holding one reference, or NULL (err written). */
struct mcp_keyset	*mcp_keyset_jwks(const char *, size_t, unsigned allowed,
			    char *err, size_t errsz);
struct mcp_keyset	*mcp_keyset_pem(const char *, size_t, unsigned allowed,
			    char *err, size_t errsz);
struct mcp_keyset	*mcp_keyset_secret(const unsigned char *, size_t);
struct mcp_keyset	*mcp_keyset_get(struct mcp_keyset *);
void	mcp_keyset_put(struct mcp_keyset *);
/*
 * The key that may verify alg: the one named kid, or without a kid the
 * only key able to.  NULL when there is none; *kid_known tells whether
 * the kid (or any key for alg) exists at all, to decide on a refresh.
 */
const struct mcp_key	*mcp_keyset_find(const struct mcp_keyset *,
			    const char *kid, unsigned alg, int *kid_known);

struct mcp_jwt {
	struct json_object	*header;
	struct json_object	*claims;
	const char		*alg;		/* borrowed from header */
	unsigned		 algbit;
	const char		*kid;		/* borrowed; NULL if absent */
	const char		*input;		/* signing input: "h.p" */
	size_t			 inputlen;
	unsigned char		 sig[1024];
	size_t			 siglen;
};

/*
 * Splits and decodes a compact JWS; checks alg is one we implement, typ
 * (absent, JWT or at+jwt) and crit (refused).  0, or -1 with *why set to
 * a static reason for the log.  Free with mcp_jwt_free() on success.
 */
int	mcp_jwt_parse(const char *tok, size_t len, struct mcp_jwt *,
	    const char **why);
/* 0 if k signed t with t's algorithm (which k must allow); else -1. */
int	mcp_jwt_verify(const struct mcp_jwt *, const struct mcp_key *);
void	mcp_jwt_free(struct mcp_jwt *);
struct evp_md_st;
/* SHA-256/384/512 fetched once per process (OpenSSL 3). */
const struct evp_md_st	*mcp_sha(int bits);

/* --- Access tokens of the protected resource (lib/auth.c) --- */

/* Who a verified token says is calling. */
struct mcp_principal {
	size_t		 issuer;	/* index into cfg.auth.issuers */
	const char	*iss;		/* the configured issuer string */
	char		 sub[256];
	char		 client_id[256];
	char		 sid[48];	/* a person's token family, or "" */
	char		 workspace[128];
	char		 scope[1024];	/* granted scopes, space-separated */
	int64_t		 exp;
};

enum mcp_tokres {
	MCP_TOK_OK,
	MCP_TOK_INVALID,	/* 401 invalid_token */
	MCP_TOK_UNAVAILABLE	/* keys or revocation list unavailable: 503 */
};

struct mcp_auth;
struct mcp_config;
struct mcp_store;

/* Reads static keys (PEM, secrets); NULL with err on a bad source. */
struct mcp_auth	*mcp_auth_new(const struct mcp_config *, char *err,
		    size_t errsz);
void		 mcp_auth_free(struct mcp_auth *);
/*
 * Verifies a bearer token at time now; on MCP_TOK_OK fills *p.  *why gets
 * a static reason for the log (never for the client).  Thread-safe.
 */
/*
 * For a held stream: 1 when the built-in server's client (or its sign-in
 * family, unless "") was revoked, 0 if not, -1 when the store could not
 * tell (the revocation list is as fresh as revocation_cache_seconds).
 */
int		 mcp_auth_revoked(struct mcp_auth *, struct mcp_store *,
		    const char *client, const char *family);
enum mcp_tokres	 mcp_auth_verify(struct mcp_auth *, struct mcp_store *,
		    const char *tok, size_t len, time_t now,
		    struct mcp_principal *p, const char **why);
/* 1 if the space-separated list has scope s. */
int	mcp_scope_has(const char *list, const char *s, size_t slen);

/* --- Small HTTP fetches with libcurl (lib/fetch.c) --- */

int	mcp_fetch_init(void);
/* GET url into b (https, or http to loopback); 0, or -1 with err. */
int	mcp_http_fetch(const char *url, int timeout, size_t max,
	    struct mcp_buf *b, char *err, size_t errsz);
struct mcp_fetch_opts {
	int		 timeout;	/* seconds, connect and total */
	size_t		 max;		/* bytes */
	int		 public_only;	/* set by mcp_http_fetch_public() */
	int		 allow_private;	/* development: any address */
	const char	*ca_file;	/* NULL: the system's CAs */
};
/*
 * GET a document anyone may name (https only, no redirects), refusing
 * an address that is not public unless allow_private; 0, or -1 with err.
 */
int	mcp_http_fetch_public(const char *url, const struct mcp_fetch_opts *,
	    struct mcp_buf *b, char *err, size_t errsz);
/* 1 if ip (text, v4 or v6) is a public unicast address. */
int	mcp_addr_public(const char *ip);

/* --- A request body as a tree in one arena (lib/jsondoc.c) --- */

/*
 * The request path reads the body into a document: every value a node
 * in memory the document owns, freed at once, with no json-c object made
 * until a layer asks for one (mcp_jdoc_json()).  A tools/call reads its
 * envelope, params and _meta here and copies only its arguments.
 */
enum mcp_jtype {
	MCP_JNULL, MCP_JFALSE, MCP_JTRUE, MCP_JINT, MCP_JDOUBLE,
	MCP_JSTRING, MCP_JOBJECT, MCP_JARRAY
};

struct mcp_jv {
	enum mcp_jtype		 type;
	const char		*key;	/* in an object: the member's name,
					   NUL-terminated (an escaped NUL
					   ends it, as in json-c) */
	const char		*s;	/* a string's decoded bytes, or a
					   number's text; NUL-terminated */
	size_t			 len;	/* bytes at s */
	struct mcp_jv		*first;	/* a container's first member or
					   element, in the order written */
	struct mcp_jv		*next;	/* the next in the container */
	struct json_object	*json;	/* mcp_jdoc_json()'s copy */
};

struct mcp_jchunk;

struct mcp_jdoc {
	struct mcp_jv		*root;
	struct mcp_jchunk	*chunks;	/* beyond the inline one */
	char			*p;		/* free space: p[0..left) */
	size_t			 left;
	size_t			 copies;	/* nodes with a json copy */
	struct mcp_jv		*copied[8];	/* the first of them */
	size_t			 grow;		/* the next chunk's size */
	_Alignas(16) char	 inline_[3072];	/* most requests fit here */
};

/*
 * Reads exactly one JSON value (the check of mcp_json_syntax()) into d,
 * which need not be initialized.  MCP_OK, or its error (also
 * MCP_ERR_NOMEM); either way mcp_jdoc_free() must follow.  The strings
 * are decoded where they are written: mcp_jdoc_read() in a copy of buf
 * that d keeps, mcp_jdoc_read_in() in buf itself, which then holds them
 * (NUL-terminated) and must outlive d.
 */
enum mcp_err	 mcp_jdoc_read(struct mcp_jdoc *d, const char *buf,
		    size_t len, int maxdepth);
enum mcp_err	 mcp_jdoc_read_in(struct mcp_jdoc *d, char *buf, size_t len,
		    int maxdepth);
void		 mcp_jdoc_free(struct mcp_jdoc *d);
/* n bytes of d's memory, pointer-aligned, freed with d; NULL if none. */
void		*mcp_jdoc_alloc(struct mcp_jdoc *d, size_t n);
/*
 * v as a json-c value, borrowed: made on the first call, kept on v and
 * put by mcp_jdoc_free().  NULL for a JSON null, for v NULL, or when out
 * of memory (*nomem set, when given).
 */
struct json_object	*mcp_jdoc_json(struct mcp_jdoc *d, struct mcp_jv *v,
			    int *nomem);
/*
 * v as a new json-c value the caller owns: the tree json-c's tokener
 * builds from the same text (a repeated key keeps its last value, in
 * its first place).  NULL for null or when out of memory (*nomem set).
 */
struct json_object	*mcp_jdoc_copy(const struct mcp_jv *v, int *nomem);
/*
 * The value of member key of o, as json-c keeps it (the last of that
 * name); NULL if absent or o is not an object.  Typed forms: NULL when
 * missing or of another type; mcp_jv_str() also when the string holds
 * U+0000 (its C string would name something else).
 */
struct mcp_jv	*mcp_jv_get(const struct mcp_jv *o, const char *key);
struct mcp_jv	*mcp_jv_obj(const struct mcp_jv *o, const char *key);
const char	*mcp_jv_str(const struct mcp_jv *o, const char *key);
/*
 * 1 if v is a string or an integer (what JSON-RPC ids MCP allows); a
 * string without U+0000 and of at most MCP_ID_MAX bytes.
 */
#define MCP_ID_MAX	256
int		 mcp_jv_isid(const struct mcp_jv *v);

/* --- json-c helpers that check types (lib/jsonx.c) --- */

/*
 * RFC 8259 syntax of exactly one value, at most maxdepth arrays/objects
 * deep, UTF-8 checked (lib/jsonread.c).  MCP_OK, MCP_ERR_PARSE,
 * MCP_ERR_DEPTH, MCP_ERR_UTF8 or MCP_ERR_NULNAME (a member name holds
 * U+0000: json-c's keys, and every lookup, are C strings, so "aud\u0000"
 * would be taken for "aud").
 */
enum mcp_err	 mcp_json_syntax(const char *buf, size_t len, int maxdepth);
/*
 * The same check, building the value into *out (NULL for a top-level
 * null) as json-c's tokener would (read into a document, then copied by
 * mcp_jdoc_copy()); on error *out is NULL.  Also MCP_ERR_NOMEM.
 */
enum mcp_err	 mcp_json_read(const char *buf, size_t len, int maxdepth,
		    struct json_object **out);
/*
 * Parses exactly one JSON value from buf (mcp_json_read()).  Returns the
 * value, or NULL with *err set to the check's error; a top-level null
 * (which json-c represents as NULL) gives MCP_ERR_INVALID.
 */
struct json_object	*mcp_json_parse(const char *buf, size_t len, int depth,
			    enum mcp_err *err);
/*
 * Adds val under key, replacing a member of that name; always consumes
 * val.  0 or -1.  mcp_json_set() takes a string literal as key (it does
 * not compile otherwise) and json-c keeps the literal instead of a copy:
 * most keys we write are literals, and copying and freeing each was a
 * twentieth of a tools/call.  mcp_json_set_key() copies any key.
 */
#define mcp_json_set(o, lit, val)	mcp_json_set_lit((o), "" lit, (val))
int	mcp_json_set_lit(struct json_object *, const char *literal,
	    struct json_object *consumed);
int	mcp_json_set_key(struct json_object *, const char *key,
	    struct json_object *consumed);
int	mcp_json_append(struct json_object *arr, struct json_object *consumed);
/*
 * The member key of object o into *v (may be NULL): 1 if present (*v is
 * then NULL for a JSON null), 0 if not or if o is not an object.
 */
int	mcp_json_get(struct json_object *o, const char *key,
	    struct json_object **v);
/*
 * Typed getters: NULL/0 when missing or of another type; mcp_json_str()
 * also when the string holds U+0000 (read as a C string, it would say
 * something else: use json_object_get_string_len() where one may).
 */
struct json_object	*mcp_json_obj(struct json_object *, const char *key);
struct json_object	*mcp_json_arr(struct json_object *, const char *key);
const char		*mcp_json_str(struct json_object *, const char *key);
/* 1 if key is present (even null). */
int	mcp_json_has(struct json_object *, const char *key);
/* Serializes compactly; the string lives as long as the object. */
const char	*mcp_json_text(struct json_object *);
/*
 * Appends the same text to b without json-c's print buffers
 * (lib/jsonwrite.c); 0, or -1 when out of memory.
 */
int	mcp_json_write(struct mcp_buf *b, struct json_object *);
/*
 * The pieces of that text, for writers of their own JSON (the audit
 * lines): s[n] as a JSON string, and v in decimal.  They append without
 * a terminating NUL (b->len counts what was written); 0, or -1 when out
 * of memory.
 */
int	mcp_json_write_string(struct mcp_buf *b, const char *s, size_t n);
int	mcp_json_write_int(struct mcp_buf *b, int64_t v);

/* --- JSON Schema 2020-12 subset (lib/schema.c) --- */

/*
 * Validates instance against schema (root is used for local $ref).  On
 * failure returns -1 and writes "<path>: <rule>" into err.
 */
int	mcp_schema_validate(struct json_object *schema,
	    struct json_object *instance, char *err, size_t errsz);
/*
 * Checks that a schema uses only keywords we enforce correctly, and
 * compiles its patterns once for mcp_schema_validate(); 0 or -1.  Not
 * thread-safe: call it while registering, before requests are served.
 */
int	mcp_schema_check(struct json_object *schema, char *err, size_t errsz);

/* --- The endpoint's compiled registry (lib/registry.c) --- */

#define MCP_HPARAMS_MAX		8	/* x-mcp-header marks of a tool */
#define MCP_HPARAM_DEPTH	4	/* properties from the root */
#define MCP_HPARAM_NAME_MAX	64
#define MCP_HPARAM_VALUE_MAX	4096	/* bytes of an Mcp-Param-* header */

/* A parameter mirrored in a header (lib/hparam.c). */
struct mcp_hparam {
	char		 name[MCP_HPARAM_NAME_MAX + 1];	/* Mcp-Param-<name> */
	char		 env[16 + MCP_HPARAM_NAME_MAX];	/* its CGI variable */
	const char	*path[MCP_HPARAM_DEPTH];	/* into the schema */
	int		 depth;
	char		 type;		/* 's'tring, 'i'nteger, 'b'oolean */
};

struct mcp_tool_rt {
	const struct mcp_tool	*def;
	struct json_object	*input;		/* parsed input schema */
	struct json_object	*output;	/* parsed output schema or NULL */
	char			*listing;	/* the Tool object as JSON text */
	struct mcp_hparam	 hparams[MCP_HPARAMS_MAX];
	size_t			 nhparams;
};

struct mcp_req;

/*
 * Checks and compiles the x-mcp-header marks of t->input (whose strings
 * the paths point into); 0, or -1 with err.
 */
int	mcp_hparams_compile(struct mcp_tool_rt *, char *err, size_t errsz);
/*
 * 2026-07-28 tools/call: the Mcp-Param-* headers agree with args (the
 * call's arguments node, or NULL); 0, or -1 with the reason (the client
 * gets 400 / -32020).
 */
int	mcp_hparams_check(struct mcp_req *, const struct mcp_tool_rt *,
	    const struct mcp_jv *args, char *why, size_t whysz);
/*
 * An Mcp-Name or Mcp-Param-* header value as the client meant it: the
 * "=?base64?...?=" form decoded (strict RFC 4648 base64), any other
 * copied.  The byte count written to out, or -1 for characters no field
 * value holds, bad base64, or a value that does not fit.
 */
long	mcp_hvalue_decode(const char *v, char *out, size_t outsz);

struct mcp_registry {
	const struct mcp_endpoint	*ep;
	struct mcp_tool_rt		*tools;
	size_t				 ntools;
};

int	mcp_registry_init(struct mcp_registry *, const struct mcp_endpoint *,
	    char *err, size_t errsz);
void	mcp_registry_free(struct mcp_registry *);
const struct mcp_tool_rt	*mcp_registry_tool(const struct mcp_registry *,
				    const char *name);
const struct mcp_prompt		*mcp_registry_prompt(
				    const struct mcp_registry *, const char *);
/* A space-separated scope list as a JSON array of strings. */
struct json_object	*mcp_scope_array(const char *scopes);
/* What serves a resource URI: a resource, or a template, never both. */
struct mcp_resource_ref {
	const struct mcp_resource		*res;
	const struct mcp_resource_template	*tmpl;
	const char				*name;
	const char				*scopes;	/* never NULL */
};
/*
 * Finds what serves uri (static resources first, then templates in
 * order); a template's variables go into vars when it is not NULL.
 * 0, or -1 when nothing does.
 */
int	mcp_registry_resource(const struct mcp_registry *, const char *uri,
	    struct json_object *vars, struct mcp_resource_ref *);
/* Matches uri against a template; vars receives the variables. */
int	mcp_template_match(const char *tmpl, const char *uri,
	    struct json_object *vars);

/* Cursors are opaque to clients: base64url of "o:<offset>". */
void	mcp_cursor_make(size_t offset, char *out, size_t outsz);
/* 0 with *offset set, or -1 for a cursor we did not issue. */
int	mcp_cursor_parse(const char *, size_t *offset);

/* --- The store: sessions and cross-process rendezvous (lib/store.h) --- */

#include "store.h"

/* --- HTTP I/O: FastCGI or CGI (lib/http.c) --- */

struct mcp_stream_spec;
struct mcp_io {
	const char	*(*param)(struct mcp_io *, const char *);
	/*
	 * Optional: the whole environment ("NAME=value", NULL-terminated),
	 * which mcp_http_param() then reads once per request.
	 */
	const char *const *(*envp)(struct mcp_io *);
	/* Returns bytes read (0 at end) or -1. */
	long		 (*read)(struct mcp_io *, char *, size_t);
	/* Returns 0 or -1 (the client has gone). */
	int		 (*write)(struct mcp_io *, const char *, size_t);
	int		 (*flush)(struct mcp_io *);
	void		*arg;
	/*
	 * Set by the I/O when a write failed because the client took
	 * nothing for this many seconds (write_timeout_seconds); else 0.
	 */
	int		 cut;
	/*
	 * Optional (FastCGI): flushes what was written and gives the
	 * connection to the stream thread (mcp_streams_adopt()); nothing
	 * more may be written.  0, or -1 (the connection stays).
	 */
	int		 (*handoff)(struct mcp_io *,
			    const struct mcp_stream_spec *);
	/*
	 * Optional (FastCGI): ends the answer here (its end records
	 * written) while the request goes on; later writes fail.  0 or -1.
	 */
	int		 (*end)(struct mcp_io *);
	/*
	 * Optional (CGI): 1 once the web server asked the program to stop
	 * (SIGTERM: the client left, or the server is stopping).  The call
	 * then ends as if cancelled, its answer going nowhere.
	 */
	int		 (*stopped)(struct mcp_io *);
};

/* --- Held SSE streams (lib/stream.c) --- */

/* What a held stream is: copied by mcp_streams_adopt(). */
struct mcp_stream_spec {
	char		 stream[MCP_STREAM_ID_LEN + 1];
	char		 sid[MCP_SESSION_ID_LEN + 1];
	char		 holder[17];	/* the listener claim; "" if none */
	char		 subject[256];	/* counted against its share */
	int64_t		 after;		/* the last event the client has */
	int64_t		 expires;	/* the caller's token's exp; 0: none */
	/* The built-in server's client and sign-in (sid) whose revocation
	   ends it; "" when its token is of another issuer. */
	char		 client[256];
	char		 family[48];
	char		 rid[17];	/* the request that opened it */
	int		 ends_session;	/* the stream is the session (HTTP+SSE,
					   a listen), ended with it */
	int		 noids;		/* events go out without ids */
	char		 subid[MCP_ID_MAX + 8];	/* a listen's request id (JSON
					   text): every message is tagged */
};

/*
 * Reserves a held stream for subject: MCP_OK, MCP_ERR_STREAMS (the
 * process holds max_streams), MCP_ERR_SUBSTREAMS (the subject holds
 * max_streams_per_subject here) or MCP_ERR_NOSTREAM (no stream thread:
 * a CGI run).  A reservation not adopted is given back with
 * mcp_streams_release(); an adopted one is when the stream closes.
 */
enum mcp_err	mcp_streams_admit(const char *subject);
void		mcp_streams_release(const char *subject);
/*
 * Takes the FastCGI connection fd, whose request reqid has had its
 * headers and all written so far flushed; 0, or -1 (nothing taken).
 */
int		mcp_streams_adopt(int fd, unsigned reqid,
		    const struct mcp_stream_spec *);
/* An event was added here: the stream thread reads the store now. */
void		mcp_streams_poke(void);
struct mcp_server;
int		mcp_streams_start(struct mcp_server *, char *err, size_t);

typedef void	(*mcp_serve_fn)(struct mcp_server *, struct mcp_io *,
		    struct mcp_store *);

struct mcp_server {
	mcp_serve_fn		 serve;		/* answers one request */
	struct mcp_config	 cfg;
	struct mcp_registry	 reg;
	const char		*latest;	/* newest revision we serve */
	/* Auth, built at start by mcp_guard_init() (lib/guard.c). */
	struct mcp_auth		*auth;		/* NULL when auth = none */
	char			*prm_url;	/* our RFC 9728 metadata URL */
	char			*prm_path;	/* its path part */
	char			*prm_doc;	/* the metadata document */
	char			*own_path;	/* the one path served, or NULL */
	char			*sse_path;	/* 2024-11-05: its stream */
	char			*msg_path;	/* and its POST URI */
	char			*scopes_all;	/* every scope a tool names */
	int			 audit_fd;	/* JSON lines, or -1 */
	/* Requests in flight per subject (lib/inflight.c); NULL: unlimited. */
	struct mcp_inflight	*inflight;
	/* Seals requestState (lib/input.c); read from the store at start. */
	unsigned char		 state_key[MCP_SECRET_LEN];
	int			 state_key_ok;
};

/* Per-request state; lives on the worker thread's stack. */
struct mcp_req {
	struct mcp_server	*srv;
	struct mcp_io		*io;
	struct mcp_store	*store;
	char			 rid[17];	/* request id for logs */
	const char		*origin;	/* NULL, or allowed origin */
	/* Response. */
	int			 sent;		/* headers written */
	int			 answered;	/* nothing more to send (a task) */
	int			 sse;		/* answering as text/event-stream */
	int			 gone;		/* a write failed */
	char			 stream[17];	/* SSE stream id */
	unsigned long		 seq;		/* SSE event counter */
	int			 keep;		/* its events go to the store */
	struct mcp_buf		 hdr;		/* extra response headers */
	const char		*env[16];	/* mcp_http_param()'s, by slot */
	int			 env_read;	/* env[] filled */
	/* Protocol. */
	char			 version[16];	/* revision of this request */
	int			 modern;	/* 2026-07-28 and later */
	struct mcp_session	 sess;
	int			 has_sess;
	int			 log_level;	/* -1: no logging */
	struct json_object	*caps;		/* the session's client capabilities,
					   parsed when first needed */
	const struct mcp_jv	*mcaps;		/* 2026-07-28: _meta's, or NULL */
	/* Auth and audit. */
	int			 authed;	/* who holds a verified token */
	struct mcp_principal	 who;
	struct timespec		 t0;
	int			 status;	/* HTTP status sent */
	char			 rpc[48];	/* JSON-RPC method, for audit */
	char			 tool[64];	/* tools/call name, for audit */
	struct json_object	*rpc_id;	/* the request being answered */
	const char		*need;		/* scopes the call required */
	const char		*outcome;	/* audit outcome, static */
	struct mcp_inflight_slot *slot;		/* held in srv->inflight */
};

const char	*mcp_http_param(struct mcp_req *, const char *);
/*
 * 1 when a CGI variable HTTP_MCP_* comes twice (headers whose names
 * differ only in '-' and '_', which a proxy reads as two) or there are
 * more than 32 of them.
 */
int	mcp_http_mcp_twice(struct mcp_req *);
/*
 * A CONTENT_LENGTH value: 1 to 12 decimal digits and nothing else.
 * 0 with *len set, or -1.
 */
int	mcp_http_length(const char *, size_t *len);
/* Starts a response with status and content type; 0 or -1. */
int	mcp_http_begin(struct mcp_req *, int status, const char *ctype);
int	mcp_http_write(struct mcp_req *, const char *, size_t);
/* A complete JSON response; body may be NULL (empty). */
int	mcp_http_json(struct mcp_req *, int status, const char *body);
/* The same with a JSON value as the body (not consumed). */
int	mcp_http_value(struct mcp_req *, int status, struct json_object *);
struct mcp_reply;
/*
 * The same with a response (not consumed) as the body; one over
 * max_answer_bytes is sent as the -32603 error of MCP_ERR_ANSWER.
 */
int	mcp_http_reply(struct mcp_req *, int status, const struct mcp_reply *);
/*
 * A 2025-03-26 batch's answer, written as its messages are made: "[" and
 * the first one go out (status 200, no Content-Length) when the first is
 * ready, each further one when it is; mcp_http_batch_end() writes "]",
 * or answers 202 when no message had an answer.  The answers together
 * may hold max_answer_bytes: the one that would pass it, and every one
 * after it, is the -32603 error of MCP_ERR_ANSWER instead.  Start o
 * zeroed; mcp_http_batch_end() frees it.  Each 0 or -1.
 */
struct mcp_batch_out {
	struct mcp_buf	 b;		/* the message being written */
	size_t		 bytes;		/* of the array written so far */
	int		 n;		/* messages written */
	int		 full;		/* the rest are MCP_ERR_ANSWER */
	int		 failed;	/* out of memory */
};
int	mcp_http_batch_reply(struct mcp_req *, struct mcp_batch_out *,
	    const struct mcp_reply *);
/* The same with a message (not consumed; NULL is -1). */
int	mcp_http_batch_value(struct mcp_req *, struct mcp_batch_out *,
	    struct json_object *msg);
int	mcp_http_batch_end(struct mcp_req *, struct mcp_batch_out *);
/* A JSON-RPC error response with the status of the error table. */
int	mcp_http_error(struct mcp_req *, enum mcp_err, struct json_object *id,
	    const char *detail);
/* The same with error.data (consumed; NULL for none). */
int	mcp_http_error_data(struct mcp_req *, enum mcp_err,
	    struct json_object *id, const char *detail,
	    struct json_object *data);
/*
 * Starts an SSE response with a new stream id, kept in the store (event
 * by event) for a session's request, and the priming event when the
 * request or its session is of 2025-11-25 or later.
 */
int	mcp_sse_begin(struct mcp_req *);
/* The priming event of r->stream alone (not flushed); 0 or -1. */
int	mcp_sse_prime(struct mcp_req *);
/* One "message" event of r->stream, numbered seq, flushed; 0 or -1. */
int	mcp_sse_event(struct mcp_req *, int64_t seq, const char *data,
	    size_t len);
/*
 * Writes one "message" event holding msg and flushes (kept first when
 * the stream is); 0 or -1.
 */
int	mcp_sse_send(struct mcp_req *, struct json_object *msg);
int	mcp_sse_reply(struct mcp_req *, const struct mcp_reply *);
int	mcp_sse_comment(struct mcp_req *, const char *);
/* Content negotiation: 1 if the media type list accepts type. */
int	mcp_http_accepts(const char *accept, const char *type);
/* 1 if type is the list's first range, and no q-value says otherwise. */
int	mcp_http_first(const char *accept, const char *type);

/* --- The protected resource's front door (lib/guard.c) --- */

/* Builds the metadata, the scope list and the verifier; 0 or -1. */
int	mcp_guard_init(struct mcp_server *, char *err, size_t errsz);
void	mcp_guard_free(struct mcp_server *);
/*
 * Authenticates the request when auth = bearer: 0 with r->who set, or -1
 * once a 400/401/503 with its WWW-Authenticate challenge has been sent.
 */
int	mcp_guard_request(struct mcp_req *);
/* What one message asks for that scopes guard. */
struct mcp_need {
	const char	*kind;		/* "tool" or "resource" */
	const char	*name;		/* the tool's name or the URI asked */
	const char	*scopes;	/* space-separated, never NULL */
};
/*
 * 0 with *need filled when msg is a tools/call of a registered tool or a
 * resources/read or resources/subscribe of a served URI; -1 otherwise.
 * Strings point into msg or the registry.
 */
struct mcp_msg;
int	mcp_guard_need(const struct mcp_req *, const struct mcp_msg *,
	    struct mcp_need *);
/* 0 if the token grants every scope needed; else -1 after a 403. */
int	mcp_guard_scopes(struct mcp_req *, const struct mcp_need *,
	    struct json_object *id);
/*
 * The same inside a batch, which has one HTTP status for all its
 * answers: NULL if granted, else the JSON-RPC error (-32041) to append.
 */
struct json_object	*mcp_guard_scopes_error(struct mcp_req *,
			    const struct mcp_need *, struct json_object *id);
/* The session owner of this caller: a digest of iss and sub, or "". */
void	mcp_guard_owner(const struct mcp_req *, char *out, size_t outsz);
/*
 * Who holds a stream the caller opens: sp's subject (its owner), expires
 * and, for a token of the built-in server, client and family.
 */
struct mcp_stream_spec;
void	mcp_guard_stream(const struct mcp_req *, struct mcp_stream_spec *);

/*
 * lib/transport.c's checks, shared with the 2024-11-05 transport
 * (lib/legacy.c).  mcp_tx_json_ctype(): 1 if the Content-Type is JSON.
 * mcp_tx_body(): exactly Content-Length bytes into b (at most
 * max_body_bytes).  mcp_tx_scoped(): 0 if the token grants every scope
 * the message's tool or resource declares, else -1 with the 403 (or
 * the error) answered.  mcp_tx_session(): the session sid if it is the
 * caller's; another subject's answers MCP_ERR_SESSION like an unknown
 * one.
 */
int		mcp_tx_json_ctype(const char *);
enum mcp_err	mcp_tx_body(struct mcp_req *, struct mcp_buf *, char *why,
		    size_t whysz);
int		mcp_tx_scoped(struct mcp_req *, const struct mcp_msg *);
enum mcp_err	mcp_tx_session(struct mcp_req *, const char *sid,
		    struct mcp_session *);

/*
 * A new session of kind (MCP_SESSION_SSE, MCP_SESSION_LISTEN) for the
 * caller sp->subject, whose listener is sp's new stream, claimed by sp's
 * new holder, and which ends with it (lib/stream_session.c); fills sp's
 * ids.  MCP_OK, or the store's error (nothing left behind).
 */
enum mcp_err	mcp_stream_session(struct mcp_req *, int kind,
		    const char *version, struct mcp_stream_spec *);

/* subscriptions/listen (lib/listen.c): the stream, or its refusal. */
#define MCP_SUBSCRIPTION_ID	"io.modelcontextprotocol/subscriptionId"
void	mcp_listen(struct mcp_req *, const struct mcp_msg *);

/*
 * lib/legacy.c: the 2024-11-05 HTTP+SSE transport, on the siblings of
 * the endpoint's path named sse and messages (/sse and /messages beside
 * /mcp).  mcp_legacy_paths() works them out once (0 or -1);
 * mcp_legacy_serve() answers a request to either (1), or returns 0.
 */
int	mcp_legacy_paths(struct mcp_server *);
int	mcp_legacy_serve(struct mcp_req *, const char *path,
	    const char *method);

/*
 * lib/inflight.c: how many requests of one subject (iss, sub) a process
 * serves at once.  mcp_inflight_init() sizes the table for the server's
 * threads (one entry each: a thread holds at most one request), or leaves
 * srv->inflight NULL when the share allows every thread.  enter() counts
 * an authenticated JSON-RPC request (id: its id, for the error): 0, or -1
 * once 429 has been answered; leave() releases what enter() took (a
 * no-op otherwise).  No allocation per request.
 */
int	mcp_inflight_init(struct mcp_server *);
int	mcp_inflight_enter(struct mcp_req *, struct json_object *id);
void	mcp_inflight_leave(struct mcp_req *);
/* 1 if the caller holds every scope of the list (or auth is off). */
int	mcp_guard_may(const struct mcp_req *, const char *scopes);
/* Answers GET of a /.well-known/ path: RFC 9728 metadata or a JSON 404. */
void	mcp_guard_wellknown(struct mcp_req *, const char *path);
/* Records the finished request: JSON line and store row (lib/audit.c). */
void	mcp_audit_request(struct mcp_req *);
/*
 * A persistent process queues store rows for a flusher thread, started
 * here (0 or -1 with err); mcp_audit_stop() writes what is queued.
 */
int	mcp_audit_start(struct mcp_server *, char *err, size_t errsz);
void	mcp_audit_stop(void);

/* --- JSON-RPC 2.0 (lib/jsonrpc.c) --- */

enum mcp_msg_kind {
	MCP_MSG_REQUEST,
	MCP_MSG_NOTIFICATION,
	MCP_MSG_RESPONSE
};

/*
 * A message as mcp_rpc_check() read it: the members every layer needs,
 * looked up once at the front door.  Borrowed from the document, which
 * must outlive the view.
 */
struct mcp_msg {
	struct mcp_jdoc		*doc;		/* what it was read into */
	struct mcp_jv		*o;		/* the message object */
	enum mcp_msg_kind	 kind;
	struct json_object	*id;		/* string or integer (a copy
						   the document owns); NULL
						   for a notification */
	const char		*method;	/* NULL for a response */
	struct mcp_jv		*params;	/* an object, or NULL */
	struct mcp_jv		*meta;		/* params._meta if an object */
};

/*
 * Checks the envelope of o, a node of d, and fills *m (doc, o, kind, id,
 * method, params, meta).  MCP_OK, or MCP_ERR_INVALID (or MCP_ERR_NOMEM)
 * with *m unusable.
 */
enum mcp_err	 mcp_rpc_check(struct mcp_jdoc *d, struct mcp_jv *o,
		    struct mcp_msg *m);
/* Part v of the message as json-c: mcp_jdoc_json() of its document. */
struct json_object	*mcp_msg_json(const struct mcp_msg *, struct mcp_jv *v,
			    int *nomem);
struct json_object	*mcp_rpc_error(struct json_object *id, int code,
			    const char *message, struct json_object *data);
/* Its error member alone: {code, message[, data]} (data consumed). */
struct json_object	*mcp_rpc_error_object(int code, const char *message,
			    struct json_object *data);
/*
 * A response as protocol.c hands it over: the request's id (borrowed)
 * and its result or its error object (owned; one of them, or neither
 * when nothing is to be sent).  The envelope around them is written, not
 * built: a json-c object for it was a twentieth of a tools/call.
 */
struct mcp_reply {
	struct json_object	*id;
	struct json_object	*result;
	struct json_object	*error;		/* {code, message[, data]} */
	int			 tool;		/* result is a CallToolResult */
};
/*
 * Appends the response's text, the same bytes mcp_json_write() gives for
 * the message mcp_reply_message() builds; 0, or -1 when out of memory.
 */
int	mcp_reply_write(struct mcp_buf *, const struct mcp_reply *);
/*
 * The response as a json-c message (a batch's), taking result or error;
 * NULL when there is neither, or when out of memory.
 */
struct json_object	*mcp_reply_message(struct mcp_reply *);
/* Puts result and error. */
void	mcp_reply_clear(struct mcp_reply *);
/*
 * A CallToolResult's text (lib/result.c), with the text block of
 * mcp_result_structured() made as it is written; 0, or -1 when out of
 * memory.  mcp_result_complete() makes that block in the object instead
 * (consuming res; NULL when out of memory).
 */
int	mcp_result_write(struct mcp_buf *, struct json_object *res);
struct json_object	*mcp_result_complete(struct json_object *res);
struct json_object	*mcp_rpc_notification(const char *method,
			    struct json_object *params);
/* The request id as canonical JSON text, for store keys. */
const char	*mcp_rpc_idtext(struct json_object *id);

/* --- MCP methods (lib/protocol.c) --- */

/*
 * Handles one request message: *out receives the response to send, empty
 * (neither result nor error) when nothing must be sent (cancelled).  *err
 * receives the transport error for methods that must be answered with
 * another HTTP status (unknown method on 2026-07-28).
 */
void	mcp_proto_request(struct mcp_req *, const struct mcp_msg *,
	    struct mcp_reply *out, enum mcp_err *err);
void	mcp_proto_notification(struct mcp_req *, const struct mcp_msg *);
void	mcp_proto_response(struct mcp_req *, const struct mcp_msg *);
/* 1 if answering msg should stream (progress token, logging, tool flag). */
int	mcp_proto_wants_sse(struct mcp_req *, const struct mcp_msg *);
/* Sends the session's queued notices on its SSE response (lib/notice.c). */
void	mcp_notices_send(struct mcp_req *);
int	mcp_proto_supported(const char *version);
/*
 * subscriptions/listen (2026-07-28): checks the request's notifications
 * filter and subscribes session sid to what is honoured, which it
 * returns (a new object for notifications/subscriptions/acknowledged);
 * NULL with why (invalid params, or the store) otherwise.
 */
struct json_object	*mcp_proto_listen(struct mcp_req *,
			    const struct mcp_jv *params, const char *sid,
			    char *why, size_t whysz);
/* The versions we serve, newest first, NULL-terminated. */
extern const char *const mcp_versions[];

/* --- A tool call's context (lib/call.c) --- */

struct mcp_call {
	struct mcp_req		*req;
	struct json_object	*id;		/* the tools/call request id */
	struct json_object	*progress;	/* _meta.progressToken or NULL */
	int			 cancelled;
	int			 store_failed;	/* the data API met a store error */
	/* Multi round-trip requests, 2026-07-28 (lib/input.c). */
	const char		*rmethod;	/* what the round is of */
	const char		*rname;
	struct json_object	*rargs;		/* its arguments (borrowed; no
						   handler changes them) */
	char			 rdigest[65];	/* method, name and arguments, or
						   "" until a state needs it */
	struct json_object	*responses;	/* params.inputResponses */
	struct json_object	*state;		/* the verified requestState's */
	struct json_object	*asked;		/* this round's inputRequests */
	struct json_object	*next;		/* state to seal this round */
	const char		*missing;	/* mcp_call_require()'s, static */
	int			 input_required;	/* the answer is one */
	/* Running as a task (lib/task.c). */
	int			 task;
	char			 task_id[65];
	char			 task_holder[17];
	int64_t			 task_beat;	/* ms of the last store look */
	const char		*task_refused;	/* why mcp_call_task() said no */
	int			 task_busy;	/* a limit said no */
};

/*
 * Tasks (lib/task.c).  mcp_task_declared(): the request declared the
 * tasks extension.  mcp_task_cancelled(): the running task was cancelled
 * or is gone (it beats meanwhile).  mcp_task_input(): in a task, the
 * answer to key, asking it (ask, borrowed) when outstanding and waiting
 * for tasks/update (up to timeout_ms, when above 0); with ask_only, only
 * asks.  mcp_task_finish(): stores
 * what the tool returned (NULL: failed, with code_msg) as the outcome.
 * mcp_task_method(): tasks/get, tasks/update, tasks/cancel; NULL with the
 * JSON-RPC error in code, msg and data (a reference).
 */
int	mcp_task_declared(const struct mcp_req *);
/*
 * Subscribes listen session sid to task id's status notifications when
 * the task is the caller's: MCP_OK, MCP_ERR_NOTFOUND (not its own, or no
 * such task) or the store's error.
 */
enum mcp_err	mcp_task_subscribe(struct mcp_req *, const char *sid,
		    const char *id);
int	mcp_task_cancelled(struct mcp_call *);
struct json_object *mcp_task_input(struct mcp_call *, const char *key,
	    struct json_object *ask, int ask_only, int timeout_ms,
	    const char **errstr);
void	mcp_task_finish(struct mcp_call *, struct json_object *,
	    const char *code_msg);
struct json_object *mcp_task_method(struct mcp_req *, const char *method,
	    struct json_object *params, int *code, char *msg, size_t msgsz,
	    struct json_object **data);
/* Sleeps ms milliseconds. */
void	mcp_nap(int ms);

#define MCP_INPUT_MAX	16	/* inputRequests, inputResponses of a round */
#define MCP_STATE_MAX	4096	/* bytes of a handler's state, serialized */

/*
 * The round of a request that may be answered with an InputRequiredResult
 * (tools/call, prompts/get, resources/read) on 2026-07-28: reads params'
 * inputResponses (an object of at most MCP_INPUT_MAX objects) and
 * requestState (sealed by this server for the same caller, method, name
 * and arguments, unexpired) into c.  0, or -1 with the reason for the
 * client's -32602 in why.  mcp_input_close() releases what it holds.
 */
int	mcp_input_open(struct mcp_call *, const char *method, const char *name,
	    struct json_object *args, struct json_object *params, char *why,
	    size_t whysz);
void	mcp_input_close(struct mcp_call *);
/*
 * The client capability a server-to-client method needs ("sampling",
 * "elicitation", "roots"), or NULL for a method the server may not send.
 */
const char	*mcp_input_cap(const char *method);

/* --- The front door (lib/transport.c) --- */

void	mcp_serve(struct mcp_server *, struct mcp_io *, struct mcp_store *);
/*
 * mcp_main() with another request handler: the process model (threads,
 * CGI fallback, configuration, store) for the non-MCP responders of this
 * tree, such as the authorization server (cgi-src/oauth.c).
 */
int	mcp_main_serve(const struct mcp_endpoint *, mcp_serve_fn, int,
	    char *[]);

#endif /* MCP_EXTERN_H */
