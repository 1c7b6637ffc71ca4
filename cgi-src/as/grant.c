/*
 * grant.c: see grant.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "grant.h"
#include "web.h"

/* Who the tokens are for, kept for the audit after we return. */
static void
audit_who(struct mcp_req *r, const struct mcp_family *f)
{
	snprintf(r->who.sub, sizeof(r->who.sub), "%s", f->user);
	snprintf(r->who.workspace, sizeof(r->who.workspace), "%s",
	    f->workspace);
	snprintf(r->who.sid, sizeof(r->who.sid), "%s", f->id);
}

/* The family's user must still be allowed to sign in. */
static int
user_active(struct as_ctx *ctx, const char *id)
{
	struct mcp_user	 u;

	return ctx->st->ops->user_get(ctx->st, id, 1, &u) == MCP_OK &&
	    u.disabled == 0;
}

/*
 * Mints the access token and a new refresh token of family f with
 * scopes, given in place of the refresh token whose digest is parent
 * ("" for a code), and answers with both.
 */
static void
issue(struct mcp_req *r, struct as_ctx *ctx, const struct mcp_client *cl,
    const struct mcp_family *f, const char *scopes, const char *parent)
{
	const struct mcp_authconf	*a = &ctx->cfg->auth;
	char				 err[256], rt[64], h[65], *tok;
	int64_t				 now = (int64_t)time(NULL);

	if ((tok = as_mint_person(ctx, f, scopes, a->token_ttl, err,
	    sizeof(err))) == NULL) {
		mcp_logx(MCP_LEVEL_ERROR, r->rid, "mint: %s", err);
		as_oauth_error(r, 500, "server_error", "could not issue a "
		    "token");
		return;
	}
	rt[0] = '\0';
	if (mcp_scope_has(cl->grant_types, "refresh_token", 13)) {
		if (as_random_token("mcp_r_", rt, sizeof(rt)) == -1) {
			as_oauth_error(r, 500, "server_error", "no randomness");
			goto out;
		}
		as_sha256_hex(rt, h);
		if (ctx->st->ops->refresh_put(ctx->st, h, f->id, parent,
		    f->scopes, now, f->expires) != MCP_OK) {
			as_oauth_error(r, 503, "temporarily_unavailable",
			    "try again");
			goto out;
		}
	}
	/* A registered client that is used is kept (see store.h). */
	if (cl->used == 0)
		(void)ctx->st->ops->client_used(ctx->st, cl->id, now);
	as_token_answer(r, tok, a->token_ttl, scopes, rt[0] != '\0' ? rt :
	    NULL);
out:
	OPENSSL_cleanse(rt, sizeof(rt));
	OPENSSL_cleanse(tok, strlen(tok));
	free(tok);
}

#define BAD_CODE	"the code is invalid or expired, or was issued to another " \
			"client or redirect_uri, or the code_verifier does not " \
			"match"
#define BAD_REFRESH	"the refresh token is invalid, expired or revoked, or " \
			"was issued to another client"

/*
 * invalid_grant with one description whatever the reason (which goes
 * to the log): the answer must not tell a thief which tokens are live.
 */
static void
bad_grant(struct mcp_req *r, const char *desc, const char *why)
{
	mcp_logx(MCP_LEVEL_INFO, r->rid, "%s: refused: %s", r->rpc, why);
	as_oauth_error(r, 400, "invalid_grant", desc);
}

/*
 * A code or refresh token presented again: whoever holds it, what its
 * family gave is void.  what names it for the log, desc for the client.
 */
static void
replayed(struct mcp_req *r, struct as_ctx *ctx, const char *family,
    const char *what, const char *outcome, const char *desc)
{
	mcp_logx(MCP_LEVEL_WARNING, r->rid, "%s presented again: family %s "
	    "revoked", what, family);
	if (ctx->st->ops->family_revoke(ctx->st, family, NULL, NULL,
	    (int64_t)time(NULL)) != MCP_OK) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		return;
	}
	as_oauth_error(r, 400, "invalid_grant", desc);
	r->outcome = outcome;	/* for the audit, over invalid_grant */
}

/* RFC 7636 §4.1: 43 to 128 unreserved characters. */
static int
valid_verifier(const char *v)
{
	size_t	 n = strlen(v);

	return n >= 43 && n <= 128 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
}

void
as_grant_code(struct mcp_req *r, struct as_ctx *ctx,
    const struct mcp_client *cl, const struct mcp_form *f)
{
	struct mcp_code		 c;
	struct mcp_family	 fam;
	const char		*code, *uri, *ver, *res;
	char			 h[65], s256[44];
	int64_t			 now = (int64_t)time(NULL);
	enum mcp_err		 e;

	code = mcp_form_get(f, "code");
	uri = mcp_form_get(f, "redirect_uri");
	ver = mcp_form_get(f, "code_verifier");
	res = mcp_form_get(f, "resource");
	if (code == NULL || uri == NULL) {
		as_oauth_error(r, 400, "invalid_request", "code and "
		    "redirect_uri are required");
		return;
	}
	if (ver == NULL || !valid_verifier(ver)) {
		as_oauth_error(r, 400, "invalid_request", "code_verifier "
		    "(PKCE, 43 to 128 characters) is required");
		return;
	}
	as_sha256_hex(code, h);
	if ((e = ctx->st->ops->code_take(ctx->st, h, cl->id, now, &c)) ==
	    MCP_ERR_CONFLICT) {
		replayed(r, ctx, c.family, "authorization code", "code_reused",
		    "the code was used before; the tokens issued from it are "
		    "revoked");
		return;
	}
	if (e == MCP_ERR_NOTFOUND) {
		bad_grant(r, BAD_CODE, "code unknown or expired");
		return;
	}
	if (e == MCP_ERR_PARAMS) {
		bad_grant(r, BAD_CODE, "code of another client");
		return;
	}
	if (e != MCP_OK) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		return;
	}
	if (strcmp(c.redirect_uri, uri) != 0) {
		bad_grant(r, BAD_CODE, "redirect_uri differs from the "
		    "authorization request's");
		return;
	}
	as_s256(ver, s256);
	if (strlen(c.challenge) != 43 || CRYPTO_memcmp(s256, c.challenge,
	    43) != 0) {
		bad_grant(r, BAD_CODE, "code_verifier does not match the "
		    "code_challenge");
		return;
	}
	if (res != NULL && strcmp(res, c.resource) != 0) {
		as_oauth_error(r, 400, "invalid_target", "resource differs "
		    "from the authorization request's");
		return;
	}
	if (!user_active(ctx, c.user)) {
		bad_grant(r, BAD_CODE, "the user is disabled");
		return;
	}
	memset(&fam, 0, sizeof(fam));
	snprintf(fam.id, sizeof(fam.id), "%s", c.family);
	snprintf(fam.client, sizeof(fam.client), "%s", c.client);
	snprintf(fam.user, sizeof(fam.user), "%s", c.user);
	snprintf(fam.workspace, sizeof(fam.workspace), "%s", c.workspace);
	snprintf(fam.scopes, sizeof(fam.scopes), "%s", c.scopes);
	snprintf(fam.resource, sizeof(fam.resource), "%s", c.resource);
	fam.created = now;
	fam.expires = now + ctx->cfg->auth.refresh_ttl;
	/* A revoked family is listed while its access tokens may live. */
	if (ctx->st->ops->family_put(ctx->st, &fam, now,
	    ctx->cfg->auth.token_ttl + 60) != MCP_OK) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		return;
	}
	audit_who(r, &fam);
	issue(r, ctx, cl, &fam, fam.scopes, "");
}

void
as_grant_refresh(struct mcp_req *r, struct as_ctx *ctx,
    const struct mcp_client *cl, const struct mcp_form *f)
{
	struct mcp_family	 fam;
	const char		*rt, *scope, *res;
	char			 h[65], famid[40], sc[1024];
	int64_t			 now = (int64_t)time(NULL);
	enum mcp_err		 e;
	int			 again;

	if ((rt = mcp_form_get(f, "refresh_token")) == NULL) {
		as_oauth_error(r, 400, "invalid_request", "refresh_token is "
		    "required");
		return;
	}
	as_sha256_hex(rt, h);
	e = ctx->st->ops->refresh_take(ctx->st, h, cl->id, now,
	    ctx->cfg->auth.refresh_reuse, famid, sc, &again);
	if (e == MCP_ERR_CONFLICT) {
		replayed(r, ctx, famid, "refresh token", "refresh_reused",
		    "the refresh token was used before; this sign-in is "
		    "revoked");
		return;
	}
	if (e == MCP_ERR_NOTFOUND || e == MCP_ERR_PARAMS) {
		bad_grant(r, BAD_REFRESH, e == MCP_ERR_PARAMS ? "refresh token "
		    "of another client" : "refresh token unknown or expired");
		return;
	}
	if (e != MCP_OK || (e = ctx->st->ops->family_get(ctx->st, famid,
	    &fam)) == MCP_ERR_STORE) {
		as_oauth_error(r, 503, "temporarily_unavailable", "try again");
		return;
	}
	if (e != MCP_OK || fam.revoked != 0 || fam.expires < now ||
	    !user_active(ctx, fam.user)) {
		bad_grant(r, BAD_REFRESH, "family revoked or ended, or the user "
		    "disabled");
		return;
	}
	if ((res = mcp_form_get(f, "resource")) != NULL &&
	    strcmp(res, fam.resource) != 0) {
		as_oauth_error(r, 400, "invalid_target", "resource differs "
		    "from the one the sign-in was for");
		return;
	}
	/* OAuth 2.1 §4.3.1: narrower scopes may be asked for, never more. */
	if ((scope = mcp_form_get(f, "scope")) == NULL)
		scope = fam.scopes;
	else if (!as_scope_subset(scope, fam.scopes)) {
		as_oauth_error(r, 400, "invalid_scope", "scope goes beyond "
		    "what was granted at sign-in");
		return;
	}
	audit_who(r, &fam);
	if (again) {
		mcp_logx(MCP_LEVEL_NOTICE, r->rid, "refresh token presented "
		    "again within refresh_token_reuse_seconds: a second pair "
		    "of family %s", famid);
		r->outcome = "refresh_reissued";	/* for the audit */
	}
	issue(r, ctx, cl, &fam, scope, h);
}
