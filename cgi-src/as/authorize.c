/*
 * authorize.c: see authorize.h.
 *
 * The person is known by a signed-in browser: a cookie (mcp_signin,
 * HttpOnly, SameSite=Lax; over https __Host-mcp_signin, Secure, Path=/;
 * over http Path=/oauth/) whose SHA-256 names a row of web_sessions.
 * Forms carry a CSRF token that must equal the mcp_csrf cookie (double
 * submit; a cross-site page can neither read the cookie nor, SameSite=
 * Lax, send it with a POST), and a POST whose Origin is not the
 * issuer's (or that has neither Origin nor Sec-Fetch-Site: same-origin)
 * is refused.  Pages forbid framing and
 * scripts; everything the client sent is escaped before it is shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "authorize.h"
#include "clients.h"
#include "scopes.h"
#include "users.h"
#include "web.h"

#define CODE_TTL	60	/* seconds a code may wait for redemption */
#define STATE_MAX	512	/* bytes of state we carry back */

/* The parameters of one authorization request, pointing into a form. */
struct areq {
	const char		*client_id, *redirect_uri, *response_type;
	const char		*state, *challenge, *method, *scope, *resource;
	struct mcp_client	 cl;
	char			 scopes[1024];	/* asked for, all ours */
	char			 csrf[64];	/* this browser's token */
	int			 new_csrf;	/* set the cookie */
};

static const char *const carried[] = { "client_id", "redirect_uri",
    "response_type", "state", "code_challenge", "code_challenge_method",
    "scope", "resource" };

/* --- Answers --- */

/*
 * Over https our cookies are __Host- cookies (Secure, Path=/, no
 * Domain): a sibling host cannot set or shadow them.  Over http (a
 * development box) that prefix cannot be used.
 */
static int
https(struct mcp_req *r)
{
	return strncmp(r->srv->cfg.auth.as_issuer, "https:", 6) == 0;
}

static const char *
cookie_name(struct mcp_req *r, const char *base)
{
	if (!https(r))
		return base;
	return strcmp(base, "mcp_csrf") == 0 ? "__Host-mcp_csrf" :
	    "__Host-mcp_signin";
}

/* Set-Cookie: base=value, HttpOnly, SameSite=Lax; maxage 0: a session's. */
static void
set_cookie(struct mcp_req *r, const char *base, const char *value,
    int maxage)
{
	mcp_buf_printf(&r->hdr, "Set-Cookie: %s=%s; Path=%s", cookie_name(r,
	    base), value, https(r) ? "/; Secure" : "/oauth/");
	if (maxage > 0)
		mcp_buf_printf(&r->hdr, "; Max-Age=%d", maxage);
	mcp_buf_puts(&r->hdr, "; HttpOnly; SameSite=Lax\r\n");
}

static void
page_headers(struct mcp_req *r, struct areq *q)
{
	as_no_store(r);
	mcp_buf_puts(&r->hdr, "Content-Security-Policy: default-src 'none'; "
	    "style-src 'unsafe-inline'; frame-ancestors "
	    "'none'; base-uri 'none'\r\nX-Frame-Options: DENY\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    /* Not no-referrer: browsers then send "Origin: null". */
	    "Referrer-Policy: same-origin\r\n");
	if (q != NULL && q->new_csrf)
		set_cookie(r, "mcp_csrf", q->csrf, 0);
}

static void
page_begin(struct mcp_buf *b, const char *title)
{
	mcp_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width\"><title>");
	as_html(b, title);
	mcp_buf_puts(b, "</title><style>body{font-family:sans-serif;"
	    "max-width:32em;margin:3em auto;padding:0 1em;line-height:1.4}"
	    "label{display:block;margin:.6em 0}input[type=text],"
	    "input[type=password]{width:100%;padding:.4em}button{padding:"
	    ".5em 1.2em;margin-right:.5em}.err{color:#a00}.small{color:#555;"
	    "font-size:.9em}</style></head><body><h1>");
	as_html(b, title);
	mcp_buf_puts(b, "</h1>\n");
}

static void
page_send(struct mcp_req *r, int status, struct mcp_buf *b)
{
	mcp_buf_puts(b, "</body></html>\n");
	if (mcp_http_begin(r, status, "text/html; charset=utf-8") == 0)
		mcp_http_write(r, b->p, b->len);
	mcp_buf_free(b);
}

/* An error page: the request cannot go back to the client. */
static void
error_page(struct mcp_req *r, int status, const char *msg)
{
	struct mcp_buf	 b = { 0 };

	r->outcome = "authorize_refused";
	mcp_logx(MCP_LEVEL_INFO, r->rid, "authorize: %s", msg);
	page_headers(r, NULL);
	page_begin(&b, "Sign-in request refused");
	mcp_buf_puts(&b, "<p class=\"err\">");
	as_html(&b, msg);
	mcp_buf_puts(&b, "</p><p>Go back to the application and try "
	    "again; if this persists, tell its maker.</p>\n");
	page_send(r, status, &b);
}

/* 302 to the client's checked redirect URI with params and state, iss. */
static void
redirect(struct mcp_req *r, const struct areq *q, const char *params)
{
	struct mcp_buf	 b = { 0 };

	mcp_buf_puts(&b, "Location: ");
	mcp_buf_puts(&b, q->redirect_uri);
	mcp_buf_puts(&b, strchr(q->redirect_uri, '?') != NULL ? "&" : "?");
	mcp_buf_puts(&b, params);
	if (q->state != NULL) {
		mcp_buf_puts(&b, "&state=");
		as_urlenc(&b, q->state);
	}
	mcp_buf_puts(&b, "&iss=");
	as_urlenc(&b, r->srv->cfg.auth.as_issuer);
	mcp_buf_puts(&b, "\r\n");
	as_no_store(r);
	mcp_buf_puts(&r->hdr, "Referrer-Policy: no-referrer\r\n");
	mcp_buf_add(&r->hdr, b.p, b.len);
	mcp_buf_free(&b);
	mcp_http_begin(r, 302, NULL);
}

/* RFC 6749 §4.1.2.1: an error for a valid client, by redirect. */
static void
redirect_error(struct mcp_req *r, const struct areq *q, const char *error,
    const char *desc)
{
	struct mcp_buf	 b = { 0 };

	r->outcome = error;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "authorize: %s: %s", error, desc);
	mcp_buf_puts(&b, "error=");
	mcp_buf_puts(&b, error);
	mcp_buf_puts(&b, "&error_description=");
	as_urlenc(&b, desc);
	redirect(r, q, b.p);
	mcp_buf_free(&b);
}

/* --- Checking the request --- */

/* 1 if the space-separated list holds word. */
static int
has_word(const char *list, const char *word)
{
	return mcp_scope_has(list, word, strlen(word));
}

/*
 * The client and its redirect URI; on failure the error page is sent and
 * -1 returned.
 */
static int
check_client(struct mcp_req *r, struct as_ctx *ctx, const struct mcp_form *f,
    struct areq *q)
{
	char	 err[384], addr[80];

	q->client_id = mcp_form_get(f, "client_id");
	q->redirect_uri = mcp_form_get(f, "redirect_uri");
	if (q->client_id == NULL) {
		error_page(r, 400, "The request names no client (client_id).");
		return -1;
	}
	as_addr(r, addr, sizeof(addr));
	switch (as_client_resolve(ctx, q->client_id, addr, &q->cl, err,
	    sizeof(err))) {
	case AS_CLIENT_OK:
		break;
	case AS_CLIENT_INVALID:
		error_page(r, 400, err);
		return -1;
	case AS_CLIENT_ERROR:
		error_page(r, 503, "The server cannot check the client now; "
		    "try again shortly.");
		return -1;
	default:
		error_page(r, 400, "The client is not registered here.");
		return -1;
	}
	if (q->redirect_uri == NULL) {
		error_page(r, 400, "The request names no redirect_uri.");
		return -1;
	}
	if (!as_redirect_match(&q->cl, q->redirect_uri)) {
		error_page(r, 400, "The redirect_uri is not one the client "
		    "registered.");
		return -1;
	}
	return 0;
}

/*
 * The rest of the request, for a known client and redirect URI: NULL,
 * or the error code with *desc for the redirect.
 */
static const char *
check_request(struct mcp_req *r, const struct mcp_form *f, struct areq *q,
    const char **desc)
{
	const struct mcp_authconf	*a = &r->srv->cfg.auth;
	size_t				 i;

	q->response_type = mcp_form_get(f, "response_type");
	q->state = mcp_form_get(f, "state");
	q->challenge = mcp_form_get(f, "code_challenge");
	q->method = mcp_form_get(f, "code_challenge_method");
	q->scope = mcp_form_get(f, "scope");
	q->resource = mcp_form_get(f, "resource");
	if (q->state != NULL && strlen(q->state) > STATE_MAX) {
		q->state = NULL;
		*desc = "state is longer than 512 bytes";
		return "invalid_request";
	}
	if (q->response_type == NULL) {
		*desc = "response_type is required";
		return "invalid_request";
	}
	if (strcmp(q->response_type, "code") != 0) {
		*desc = "only response_type=code is supported";
		return "unsupported_response_type";
	}
	if (!has_word(q->cl.grant_types, "authorization_code")) {
		*desc = "the client is not registered for authorization_code";
		return "unauthorized_client";
	}
	if (q->challenge == NULL) {
		*desc = "PKCE is required: send code_challenge with "
		    "code_challenge_method=S256";
		return "invalid_request";
	}
	if (q->method == NULL || strcmp(q->method, "S256") != 0) {
		*desc = "code_challenge_method must be S256";
		return "invalid_request";
	}
	/* RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters. */
	if (strlen(q->challenge) != 43 || strspn(q->challenge,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != 43) {
		*desc = "code_challenge must be 43 base64url characters";
		return "invalid_request";
	}
	if (q->resource == NULL) {
		*desc = "resource (RFC 8707) is required: the MCP server's URL";
		return "invalid_request";
	}
	if (strcmp(q->resource, a->resource) != 0) {
		*desc = "resource must be the MCP server this server issues "
		    "tokens for";
		return "invalid_target";
	}
	if (q->scope == NULL) {
		/* What the client may have, of ours. */
		q->scopes[0] = '\0';
		for (i = 0; i < as_nscopes; i++)
			if (has_word(q->cl.scopes, as_scopes[i].name))
				snprintf(q->scopes + strlen(q->scopes),
				    sizeof(q->scopes) - strlen(q->scopes),
				    "%s%s", q->scopes[0] ? " " : "",
				    as_scopes[i].name);
	} else if (strlen(q->scope) >= sizeof(q->scopes) ||
	    !as_scopes_known(q->scope) ||
	    !as_scope_subset(q->scope, q->cl.scopes)) {
		*desc = "scope names a scope this server does not grant "
		    "this client";
		return "invalid_scope";
	} else
		snprintf(q->scopes, sizeof(q->scopes), "%s", q->scope);
	return NULL;
}

/* --- Pages --- */

static void
hidden(struct mcp_buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	mcp_buf_puts(b, "<input type=\"hidden\" name=\"");
	as_html(b, name);
	mcp_buf_puts(b, "\" value=\"");
	as_html(b, value);
	mcp_buf_puts(b, "\">\n");
}

static void
form_begin(struct mcp_buf *b, const struct areq *q, const char *step)
{
	const char	*v[8] = { q->client_id, q->redirect_uri,
	    q->response_type, q->state, q->challenge, q->method, q->scope,
	    q->resource };
	size_t		 i;

	mcp_buf_puts(b, "<form method=\"post\" action=\"/oauth/authorize\">\n");
	for (i = 0; i < 8; i++)
		hidden(b, carried[i], v[i]);
	hidden(b, "csrf", q->csrf);
	hidden(b, "step", step);
}

/* The host of an absolute URL, for showing where a client sends you. */
static void
url_host(struct mcp_buf *b, const char *url)
{
	const char	*p = strstr(url, "://");
	size_t		 n;
	char		 host[256];

	p = p != NULL ? p + 3 : url;
	n = strcspn(p, "/?#");
	if (n >= sizeof(host))
		n = sizeof(host) - 1;
	memcpy(host, p, n);
	host[n] = '\0';
	as_html(b, host);
}

static void
client_line(struct mcp_buf *b, const struct areq *q)
{
	mcp_buf_puts(b, "<p><strong>");
	as_html(b, q->cl.name[0] != '\0' ? q->cl.name : q->cl.id);
	mcp_buf_puts(b, "</strong>");
	if (strcmp(q->cl.kind, "cimd") == 0) {
		mcp_buf_puts(b, " (described by ");
		url_host(b, q->cl.id);
		mcp_buf_puts(b, ")");
	}
	mcp_buf_puts(b, " wants to use <strong>");
	as_html(b, q->resource);
	mcp_buf_puts(b, "</strong> for you.</p>\n<p class=\"small\">Once you "
	    "agree you will be sent back to <strong>");
	url_host(b, q->redirect_uri);
	mcp_buf_puts(b, "</strong>.</p>\n");
}

static void
signin_page(struct mcp_req *r, struct areq *q, int status, const char *msg)
{
	struct mcp_buf	 b = { 0 };

	page_headers(r, q);
	page_begin(&b, "Sign in");
	client_line(&b, q);
	if (msg != NULL) {
		mcp_buf_puts(&b, "<p class=\"err\">");
		as_html(&b, msg);
		mcp_buf_puts(&b, "</p>\n");
	}
	form_begin(&b, q, "signin");
	mcp_buf_puts(&b, "<label>User name <input type=\"text\" "
	    "name=\"username\" autocomplete=\"username\" required "
	    "autofocus></label>\n<label>Password <input type=\"password\" "
	    "name=\"password\" autocomplete=\"current-password\" required>"
	    "</label>\n<button type=\"submit\">Sign in</button>\n</form>\n");
	page_send(r, status, &b);
}

static void
consent_page(struct mcp_req *r, struct areq *q, const struct mcp_user *u)
{
	struct mcp_buf	 b = { 0 };
	size_t		 i, k = 0;
	char		 name[8];

	page_headers(r, q);
	page_begin(&b, "Allow access?");
	mcp_buf_puts(&b, "<p class=\"small\">Signed in as <strong>");
	as_html(&b, u->name);
	mcp_buf_puts(&b, "</strong>.</p>\n");
	client_line(&b, q);
	form_begin(&b, q, "consent");
	mcp_buf_puts(&b, "<fieldset><legend>It asks to</legend>\n");
	for (i = 0; i < as_nscopes; i++) {
		if (!has_word(q->scopes, as_scopes[i].name) ||
		    !has_word(u->scopes, as_scopes[i].name))
			continue;
		snprintf(name, sizeof(name), "g%u", (unsigned)(k++ % 100));
		mcp_buf_printf(&b, "<label><input type=\"checkbox\" name=\"%s\""
		    " value=\"%s\" checked> ", name, as_scopes[i].name);
		as_html(&b, as_scopes[i].what);
		mcp_buf_printf(&b, " <span class=\"small\">(%s)</span>"
		    "</label>\n", as_scopes[i].name);
	}
	if (k == 0)
		mcp_buf_puts(&b, "<p>Nothing beyond calling the tools that "
		    "need no permission.</p>\n");
	mcp_buf_puts(&b, "</fieldset>\n<p class=\"small\">Untick what you "
	    "do not want to allow.</p>\n<button type=\"submit\" "
	    "name=\"decision\" value=\"allow\">Allow</button><button "
	    "type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n"
	    "</form>\n");
	page_send(r, 200, &b);
}

/* --- The person --- */

/* The signed-in user, if the browser holds a live sign-in. */
static int
signed_in(struct mcp_req *r, struct as_ctx *ctx, struct mcp_user *u)
{
	char	 cookie[64], h[65], id[24];

	if (as_cookie(r, cookie_name(r, "mcp_signin"), cookie,
	    sizeof(cookie)) == -1)
		return 0;
	as_sha256_hex(cookie, h);
	OPENSSL_cleanse(cookie, sizeof(cookie));
	if (ctx->st->ops->websess_get(ctx->st, h, (int64_t)time(NULL), id) !=
	    MCP_OK)
		return 0;
	return ctx->st->ops->user_get(ctx->st, id, 1, u) == MCP_OK &&
	    u->disabled == 0;
}

static int
start_signin(struct mcp_req *r, struct as_ctx *ctx, const struct mcp_user *u)
{
	char	 cookie[64], h[65];
	int64_t	 now = (int64_t)time(NULL);
	int	 ttl = ctx->cfg->auth.signin_ttl;

	if (as_random_token("", cookie, sizeof(cookie)) == -1)
		return -1;
	as_sha256_hex(cookie, h);
	if (ctx->st->ops->websess_put(ctx->st, h, u->id, now, now + ttl) !=
	    MCP_OK) {
		OPENSSL_cleanse(cookie, sizeof(cookie));
		return -1;
	}
	set_cookie(r, "mcp_signin", cookie, ttl);
	OPENSSL_cleanse(cookie, sizeof(cookie));
	return 0;
}

/*
 * signin = web_server: the person is the one the web server
 * authenticated for this request (REMOTE_USER), who must be a user made
 * with mcpctl user add --external.  0, or -1 with the error page sent.
 */
static int
web_person(struct mcp_req *r, struct as_ctx *ctx, const char *step,
    struct mcp_user *u)
{
	const char	*who = mcp_http_param(r, "REMOTE_USER");

	if (step != NULL && strcmp(step, "signin") == 0) {
		error_page(r, 400, "Sign-in is done by the web server here.");
		return -1;
	}
	if (who == NULL || *who == '\0') {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "signin = web_server, but "
		    "the web server sent no REMOTE_USER for /oauth/authorize");
		error_page(r, 401, "The web server did not say who you are.");
		return -1;
	}
	if (as_user_external(ctx, who, u) == -1) {
		mcp_logx(MCP_LEVEL_INFO, r->rid, "REMOTE_USER %.64s is no "
		    "active external user", who);
		error_page(r, 403, "Your account has no access to this server; "
		    "ask its operator.");
		return -1;
	}
	return 0;
}

/* 1 if the person at the browser is known (signed in, or the web's). */
static int
person_known(struct mcp_req *r, struct as_ctx *ctx, struct mcp_user *u)
{
	const char	*who;

	if (!ctx->cfg->auth.signin_web)
		return signed_in(r, ctx, u);
	who = mcp_http_param(r, "REMOTE_USER");
	return who != NULL && as_user_external(ctx, who, u) == 0;
}

/* The browser's CSRF token: its cookie, or a new one to set. */
static int
csrf_token(struct mcp_req *r, struct areq *q)
{
	if (as_cookie(r, cookie_name(r, "mcp_csrf"), q->csrf,
	    sizeof(q->csrf)) == 0 && strlen(q->csrf) == 43 &&
	    strspn(q->csrf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == 43)
		return 0;
	q->new_csrf = 1;
	return as_random_token("", q->csrf, sizeof(q->csrf));
}

/* 1 if the form's csrf equals the cookie (constant time). */
static int
csrf_ok(const struct mcp_form *f, const struct areq *q)
{
	const char	*v = mcp_form_get(f, "csrf");

	return !q->new_csrf && v != NULL && strlen(v) == 43 &&
	    CRYPTO_memcmp(v, q->csrf, 43) == 0;
}

/*
 * A POST must come from a page of ours: its Origin is the issuer's
 * (browsers send Origin with every form POST), or, without one, the
 * browser says Sec-Fetch-Site: same-origin.
 */
static int
same_origin(struct mcp_req *r)
{
	const char	*o = mcp_http_param(r, "HTTP_ORIGIN");
	const char	*iss = r->srv->cfg.auth.as_issuer, *p;
	size_t		 n;

	if (o == NULL) {
		o = mcp_http_param(r, "HTTP_SEC_FETCH_SITE");
		return o != NULL && strcmp(o, "same-origin") == 0;
	}
	p = strstr(iss, "://");
	n = p != NULL ? (size_t)(p + 3 - iss) + strcspn(p + 3, "/") :
	    strlen(iss);
	return strlen(o) == n && strncmp(o, iss, n) == 0;
}

/* --- Issuing the code --- */

static void
issue_code(struct mcp_req *r, struct as_ctx *ctx, struct areq *q,
    const struct mcp_user *u, const char *granted)
{
	struct mcp_code	 c;
	struct mcp_buf	 b = { 0 };
	char		 code[64], fam[33];
	int64_t		 now = (int64_t)time(NULL);

	memset(&c, 0, sizeof(c));
	if (as_random_token("mcp_c_", code, sizeof(code)) == -1 ||
	    mcp_rand_hex(fam, 16) == -1) {
		redirect_error(r, q, "server_error", "no randomness");
		return;
	}
	as_sha256_hex(code, c.hash);
	snprintf(c.family, sizeof(c.family), "fam_%s", fam);
	snprintf(c.client, sizeof(c.client), "%s", q->cl.id);
	snprintf(c.user, sizeof(c.user), "%s", u->id);
	snprintf(c.workspace, sizeof(c.workspace), "%s", u->workspace);
	snprintf(c.redirect_uri, sizeof(c.redirect_uri), "%s",
	    q->redirect_uri);
	snprintf(c.challenge, sizeof(c.challenge), "%s", q->challenge);
	snprintf(c.resource, sizeof(c.resource), "%s", q->resource);
	snprintf(c.scopes, sizeof(c.scopes), "%s", granted);
	c.created = now;
	c.expires = now + CODE_TTL;
	if (strlen(q->redirect_uri) >= sizeof(c.redirect_uri) ||
	    ctx->st->ops->grant_put(ctx->st, u->id, q->cl.id, granted, now) !=
	    MCP_OK || ctx->st->ops->code_put(ctx->st, &c) != MCP_OK) {
		OPENSSL_cleanse(code, sizeof(code));
		redirect_error(r, q, "temporarily_unavailable", "the server "
		    "could not store the grant; try again");
		return;
	}
	snprintf(r->who.sub, sizeof(r->who.sub), "%s", u->id);
	snprintf(r->who.client_id, sizeof(r->who.client_id), "%s", q->cl.id);
	r->authed = 1;
	r->outcome = "code_issued";
	mcp_buf_puts(&b, "code=");
	mcp_buf_puts(&b, code);
	redirect(r, q, b.p);
	mcp_buf_free(&b);
	OPENSSL_cleanse(code, sizeof(code));
}

/* The scopes ticked on the consent page, of those the user may grant. */
static void
granted_scopes(const struct mcp_form *f, const struct areq *q,
    const struct mcp_user *u, char *out, size_t outsz)
{
	const char	*v;
	char		 name[8];
	size_t		 i;

	out[0] = '\0';
	for (i = 0; i < as_nscopes; i++) {
		snprintf(name, sizeof(name), "g%u", (unsigned)(i % 100));
		if ((v = mcp_form_get(f, name)) == NULL ||
		    as_scope_find(v, strlen(v)) == NULL ||
		    !has_word(q->scopes, v) || !has_word(u->scopes, v) ||
		    has_word(out, v))
			continue;
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s",
		    out[0] ? " " : "", v);
	}
}

void
as_authorize(struct mcp_req *r, struct as_ctx *ctx)
{
	struct mcp_form	 f;
	struct mcp_user	 u;
	struct areq	 q;
	const char	*m, *why = "", *err, *step, *name, *pw, *dec;
	char		 addr[64], granted[1024];
	int		 post, retry;

	memset(&q, 0, sizeof(q));
	snprintf(r->rpc, sizeof(r->rpc), "oauth/authorize");
	if ((m = mcp_http_param(r, "REQUEST_METHOD")) == NULL)
		m = "";
	post = strcmp(m, "POST") == 0;
	if (!post && strcmp(m, "GET") != 0) {
		mcp_buf_puts(&r->hdr, "Allow: GET, POST\r\n");
		error_page(r, 405, "Use GET or POST.");
		return;
	}
	if (post && !same_origin(r)) {
		error_page(r, 403, "The form was sent from another site.");
		return;
	}
	if ((post ? as_read_form(r, &f, &why) : as_query_form(r, &f, &why)) ==
	    -1) {
		error_page(r, 400, why);
		goto out;
	}
	if (check_client(r, ctx, &f, &q) == -1)
		goto out;
	if ((err = check_request(r, &f, &q, &why)) != NULL) {
		/*
		 * Anyone can register a redirect URI: for such a client an
		 * error goes back by redirect only to a person who signed
		 * in (RFC 9700 §4.11.2), or the endpoint is an open
		 * redirector for whoever registers one.
		 */
		if (strcmp(q.cl.kind, "admin") != 0 && !person_known(r, ctx,
		    &u)) {
			error_page(r, 400, why);
			goto out;
		}
		redirect_error(r, &q, err, why);
		goto out;
	}
	if (csrf_token(r, &q) == -1) {
		error_page(r, 500, "No randomness.");
		goto out;
	}
	step = post ? mcp_form_get(&f, "step") : NULL;
	if (step != NULL && !csrf_ok(&f, &q)) {
		if (ctx->cfg->auth.signin_web)
			error_page(r, 403, "The form expired or came from "
			    "elsewhere; start again from the application.");
		else
			signin_page(r, &q, 403, "The form expired or came "
			    "from elsewhere; sign in again.");
		goto out;
	}
	if (ctx->cfg->auth.signin_web) {
		if (web_person(r, ctx, step, &u) == -1)
			goto out;
	} else if (step != NULL && strcmp(step, "signin") == 0) {
		name = mcp_form_get(&f, "username");
		pw = mcp_form_get(&f, "password");
		if (name == NULL || pw == NULL || strlen(name) > 128 ||
		    strlen(pw) > AS_PASSWORD_MAX) {
			signin_page(r, &q, 400, "Give a user name and a "
			    "password.");
			goto out;
		}
		as_addr(r, addr, sizeof(addr));
		switch (as_user_check(ctx, name, pw, addr, &u, &retry)) {
		case AS_AUTH_OK:
			if (start_signin(r, ctx, &u) == -1) {
				error_page(r, 503, "The server cannot sign "
				    "you in now; try again shortly.");
				goto out;
			}
			consent_page(r, &q, &u);
			goto out;
		case AS_AUTH_LIMITED:
			mcp_buf_printf(&r->hdr, "Retry-After: %d\r\n", retry);
			r->outcome = "signin_limited";
			signin_page(r, &q, 429, "Too many failed sign-ins; "
			    "wait a few minutes.");
			goto out;
		case AS_AUTH_BAD:
			r->outcome = "signin_failed";
			signin_page(r, &q, 401, "Wrong user name or "
			    "password.");
			goto out;
		default:
			error_page(r, 503, "The server cannot sign you in "
			    "now; try again shortly.");
			goto out;
		}
	}
	if (!ctx->cfg->auth.signin_web && !signed_in(r, ctx, &u)) {
		signin_page(r, &q, 200, NULL);
		goto out;
	}
	if (step == NULL || strcmp(step, "consent") != 0) {
		consent_page(r, &q, &u);
		goto out;
	}
	dec = mcp_form_get(&f, "decision");
	if (dec == NULL || strcmp(dec, "allow") != 0) {
		redirect_error(r, &q, "access_denied", "the user did not "
		    "allow access");
		goto out;
	}
	granted_scopes(&f, &q, &u, granted, sizeof(granted));
	issue_code(r, ctx, &q, &u, granted);
out:
	mcp_form_clear(&f);
}
