/*
 * authconf.c: the auth keys of the configuration file.  Global keys name
 * the protected resource and the built-in authorization server; each
 * `[issuer]` section names one trusted token issuer, its key source and
 * its pinned algorithms.  mcp_authconf_check() runs once the whole file is
 * read and refuses combinations that would weaken verification.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"

void
mcp_authconf_defaults(struct mcp_authconf *a)
{
	memset(a, 0, sizeof(*a));
	a->required = 1;
	a->max_token = 8192;
	a->cache_entries = 4096;
	a->jwks_refresh = 30;
	a->jwks_max_age = 3600;
	a->jwks_timeout = 5;
	a->jwks_max_bytes = 65536;
	a->revocation_ttl = 5;
	a->token_ttl = 600;
	a->fail_max = 5;
	a->addr_fail_max = 20;
	a->fail_window = 300;
	a->audit_days = 90;
	a->refresh_ttl = 30 * 86400;
	a->refresh_reuse = 10;
	a->signin_ttl = 8 * 3600;
	a->registration = 1;
	a->dcr_per_addr = 20;
	a->cimd = 1;
}

void
mcp_authconf_free(struct mcp_authconf *a)
{
	size_t	 i, j;

	free(a->resource);
	free(a->resource_doc);
	for (i = 0; i < a->nservers; i++)
		free(a->servers[i]);
	for (i = 0; i < a->nissuers; i++) {
		free(a->issuers[i].iss);
		free(a->issuers[i].jwks_url);
		free(a->issuers[i].jwks_file);
		free(a->issuers[i].pem_file);
		free(a->issuers[i].secret_file);
		free(a->issuers[i].audience);
		for (j = 0; j < a->issuers[i].nscope_claims; j++)
			free(a->issuers[i].scope_claims[j]);
		free(a->issuers[i].workspace_claim);
	}
	for (i = 0; i < a->nscope_claims; i++)
		free(a->scope_claims[i]);
	free(a->workspace_claim);
	free(a->jwks_cache_dir);
	free(a->audit_log);
	free(a->as_issuer);
	free(a->keys_dir);
	free(a->cimd_ca_file);
	memset(a, 0, sizeof(*a));
}

size_t
mcp_url_authority(const char *h)
{
	return strcspn(h, "/?#");
}

/*
 * An absolute http(s) URL with a host, without userinfo (RFC 9110 §4.2.4:
 * never in an http(s) URI we are given to trust or to fetch; it also
 * makes the host easy to misread), fragment or whitespace.
 */
static int
is_url(const char *v)
{
	const char	*h;
	size_t		 n;

	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return 0;
	h = strchr(v, ':') + 3;
	n = mcp_url_authority(h);
	if (n == 0 || h[0] == ':' || memchr(h, '@', n) != NULL)
		return 0;
	for (; *v != '\0'; v++)
		if ((unsigned char)*v <= 0x20 || *v == '#' || *v == '"' ||
		    *v == 0x7f)
			return 0;
	return 1;
}

/*
 * 1 if the URL's host is a loopback name or address: the whole authority
 * is that host, with at most a numeric port, so neither userinfo
 * ("http://127.0.0.1:80@example.com/") nor a longer name
 * ("http://localhost.example.com/") passes.
 */
int
mcp_url_is_loopback(const char *url)
{
	static const char *const hosts[] = {
		"localhost", "127.0.0.1", "[::1]",
	};
	const char	*h;
	size_t		 i, l, n;

	if ((h = strstr(url, "://")) == NULL)
		return 0;
	h += 3;
	n = mcp_url_authority(h);
	if (memchr(h, '@', n) != NULL)
		return 0;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		l = strlen(hosts[i]);
		if (l > n || strncasecmp(h, hosts[i], l) != 0)
			continue;
		if (l == n)
			return 1;
		if (h[l] != ':' || l + 1 == n)
			return 0;
		return strspn(h + l + 1, "0123456789") == n - l - 1;
	}
	return 0;
}

static int
setstr(char **dst, const char *v)
{
	free(*dst);
	return (*dst = strdup(v)) == NULL ? -1 : 0;
}

static int
setpath(char **dst, const char *v, const char *dir)
{
	char	 buf[2048];
	int	 n;

	if (v[0] == '/' || dir == NULL)
		return setstr(dst, v);
	n = snprintf(buf, sizeof(buf), "%s/%s", dir, v);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return setstr(dst, buf);
}

static int
intval(const char *v, long long min, long long max, long long *out)
{
	char		*end;
	long long	 n;

	if (*v == '\0' || !isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
yesno(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "on") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/*
 * A space-separated list of claim names, replacing the *n in list; an
 * empty one leaves the default (globally "scope scp", in an [issuer]
 * section the global list).
 */
static int
claim_list(char **list, size_t *n, char *val, char *why, size_t whysz)
{
	char	*tok, *save;
	size_t	 i;

	for (i = 0; i < *n; i++)
		free(list[i]);
	*n = 0;
	for (tok = strtok_r(val, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save)) {
		if (*n >= MCP_MAX_CLAIMS) {
			snprintf(why, whysz, "at most %d claims",
			    MCP_MAX_CLAIMS);
			return -1;
		}
		if ((list[(*n)++] = strdup(tok)) == NULL)
			return -1;
	}
	return 0;
}

static int
issuer_key(struct mcp_issuer *is, const char *key, char *val,
    const char *dir, char *why, size_t whysz)
{
	char		*tok, *save;
	unsigned	 bit;
	long long	 n;

	if (strcmp(key, "issuer") == 0) {
		if (!is_url(val)) {
			snprintf(why, whysz, "must be the issuer's exact "
			    "http(s) URL");
			return -1;
		}
		return setstr(&is->iss, val);
	}
	if (strcmp(key, "jwks_url") == 0) {
		if (!is_url(val)) {
			snprintf(why, whysz, "must be an absolute https URL "
			    "with a host, no userinfo and no fragment");
			return -1;
		}
		if (strncmp(val, "http://", 7) == 0 &&
		    !mcp_url_is_loopback(val)) {
			snprintf(why, whysz, "must be an https URL (http "
			    "only for localhost, 127.0.0.1, [::1])");
			return -1;
		}
		return setstr(&is->jwks_url, val);
	}
	if (strcmp(key, "jwks_file") == 0)
		return setpath(&is->jwks_file, val, dir);
	if (strcmp(key, "public_key_file") == 0)
		return setpath(&is->pem_file, val, dir);
	if (strcmp(key, "hs256_secret_file") == 0)
		return setpath(&is->secret_file, val, dir);
	if (strcmp(key, "audience") == 0) {
		if (*val == '\0') {
			snprintf(why, whysz, "must not be empty");
			return -1;
		}
		return setstr(&is->audience, val);
	}
	if (strcmp(key, "scope_claims") == 0)
		return claim_list(is->scope_claims, &is->nscope_claims, val,
		    why, whysz);
	if (strcmp(key, "workspace_claim") == 0) {
		if (*val == '\0') {
			snprintf(why, whysz, "must not be empty");
			return -1;
		}
		return setstr(&is->workspace_claim, val);
	}
	if (strcmp(key, "leeway_seconds") == 0) {
		if (intval(val, 0, 600, &n) == -1) {
			snprintf(why, whysz, "must be an integer from 0 to "
			    "600");
			return -1;
		}
		is->leeway = (int)n;
		return 0;
	}
	if (strcmp(key, "algorithms") == 0) {
		is->algs = 0;
		for (tok = strtok_r(val, " \t,", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t,", &save)) {
			if ((bit = mcp_alg_parse(tok)) == 0) {
				snprintf(why, whysz, "\"%s\" is not one of "
				    "RS256 RS384 RS512 ES256 ES384 ES512 "
				    "HS256", tok);
				return -1;
			}
			is->algs |= bit;
		}
		if (is->algs == 0) {
			snprintf(why, whysz, "name at least one algorithm");
			return -1;
		}
		return 0;
	}
	snprintf(why, whysz, "unknown key in an [issuer] section");
	return -1;
}

struct akey {
	const char	*key;
	long long	 min, max;
	size_t		 off;
	int		 is_size;
};

#define AOFF(f)	offsetof(struct mcp_authconf, f)
static const struct akey akeys[] = {
	{ "max_token_bytes", 256, 65536, AOFF(max_token), 1 },
	{ "token_cache_entries", 0, 1000000, AOFF(cache_entries), 0 },
	{ "jwks_refresh_seconds", 0, 86400, AOFF(jwks_refresh), 0 },
	{ "jwks_max_age_seconds", 1, 7 * 86400, AOFF(jwks_max_age), 0 },
	{ "jwks_timeout_seconds", 1, 60, AOFF(jwks_timeout), 0 },
	{ "jwks_max_bytes", 1024, 1048576, AOFF(jwks_max_bytes), 1 },
	{ "revocation_cache_seconds", 0, 300, AOFF(revocation_ttl), 0 },
	{ "token_lifetime_seconds", 5, 86400, AOFF(token_ttl), 0 },
	{ "client_auth_failures", 1, 1000, AOFF(fail_max), 0 },
	{ "addr_auth_failures", 1, 100000, AOFF(addr_fail_max), 0 },
	{ "client_auth_window_seconds", 1, 86400, AOFF(fail_window), 0 },
	{ "audit_retention_days", 1, 36500, AOFF(audit_days), 0 },
	{ "refresh_token_lifetime_seconds", 600, 366 * 86400,
	    AOFF(refresh_ttl), 0 },
	{ "refresh_token_reuse_seconds", 0, 60, AOFF(refresh_reuse), 0 },
	{ "signin_lifetime_seconds", 60, 30 * 86400, AOFF(signin_ttl), 0 },
	{ "client_registrations_per_address", 1, 100000, AOFF(dcr_per_addr),
	    0 },
};

int
mcp_authconf_apply(struct mcp_authconf *a, int in_issuer, const char *key,
    char *val, const char *dir, char *why, size_t whysz)
{
	char		*tok, *save;
	long long	 n;
	size_t		 i;

	if (in_issuer)
		return issuer_key(&a->issuers[a->nissuers - 1], key, val, dir,
		    why, whysz) == -1 ? -1 : 1;
	for (i = 0; i < sizeof(akeys) / sizeof(akeys[0]); i++) {
		if (strcmp(key, akeys[i].key) != 0)
			continue;
		if (intval(val, akeys[i].min, akeys[i].max, &n) == -1) {
			snprintf(why, whysz, "must be an integer from %lld "
			    "to %lld", akeys[i].min, akeys[i].max);
			return -1;
		}
		if (akeys[i].is_size)
			*(size_t *)((char *)a + akeys[i].off) = (size_t)n;
		else
			*(int *)((char *)a + akeys[i].off) = (int)n;
		return 1;
	}
	if (strcmp(key, "auth") == 0) {
		if (strcmp(val, "bearer") == 0)
			a->required = 1;
		else if (strcmp(val, "none") == 0)
			a->required = 0;
		else {
			snprintf(why, whysz, "must be bearer or none");
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "resource") == 0 || strcmp(key,
	    "resource_documentation") == 0 || strcmp(key,
	    "builtin_issuer") == 0) {
		if (!is_url(val)) {
			snprintf(why, whysz, "must be an absolute http(s) "
			    "URL");
			return -1;
		}
		if (key[0] == 'b')
			return setstr(&a->as_issuer, val) == -1 ? -1 : 1;
		return setstr(key[8] == '\0' ? &a->resource :
		    &a->resource_doc, val) == -1 ? -1 : 1;
	}
	if (strcmp(key, "authorization_servers") == 0) {
		for (tok = strtok_r(val, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save)) {
			if (!is_url(tok)) {
				snprintf(why, whysz, "\"%s\" is not an "
				    "absolute http(s) URL with a host, no "
				    "userinfo and no fragment", tok);
				return -1;
			}
			if (a->nservers >= MCP_MAX_ASURLS) {
				snprintf(why, whysz, "at most %d URLs",
				    MCP_MAX_ASURLS);
				return -1;
			}
			if ((a->servers[a->nservers++] = strdup(tok)) == NULL)
				return -1;
		}
		return 1;
	}
	if (strcmp(key, "scope_claims") == 0)
		return claim_list(a->scope_claims, &a->nscope_claims, val,
		    why, whysz) == -1 ? -1 : 1;
	if (strcmp(key, "workspace_claim") == 0) {
		if (*val == '\0') {
			snprintf(why, whysz, "must not be empty");
			return -1;
		}
		return setstr(&a->workspace_claim, val) == -1 ? -1 : 1;
	}
	if (strcmp(key, "client_metadata_documents") == 0 ||
	    strcmp(key, "client_metadata_allow_private") == 0) {
		if (yesno(val, key[16] == 'd' ? &a->cimd :
		    &a->cimd_private) == -1) {
			snprintf(why, whysz, "must be yes or no");
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "client_metadata_ca_file") == 0) {
		/* Empty: the system's CAs. */
		free(a->cimd_ca_file);
		a->cimd_ca_file = NULL;
		if (*val == '\0')
			return 1;
		return setpath(&a->cimd_ca_file, val, dir) == -1 ? -1 : 1;
	}
	if (strcmp(key, "signin") == 0) {
		if (strcmp(val, "accounts") == 0)
			a->signin_web = 0;
		else if (strcmp(val, "web_server") == 0)
			a->signin_web = 1;
		else {
			snprintf(why, whysz, "must be accounts or web_server");
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "client_registration") == 0) {
		if (strcmp(val, "open") == 0)
			a->registration = 1;
		else if (strcmp(val, "token") == 0)
			a->registration = 2;
		else if (strcmp(val, "none") == 0)
			a->registration = 0;
		else {
			snprintf(why, whysz, "must be open, token or none");
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "hide_unauthorized_tools") == 0) {
		if (yesno(val, &a->hide_tools) == -1) {
			snprintf(why, whysz, "must be yes or no");
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "jwks_cache_dir") == 0)
		return setpath(&a->jwks_cache_dir, val, dir) == -1 ? -1 : 1;
	if (strcmp(key, "audit_log") == 0)
		return setpath(&a->audit_log, val, dir) == -1 ? -1 : 1;
	if (strcmp(key, "keys_dir") == 0)
		return setpath(&a->keys_dir, val, dir) == -1 ? -1 : 1;
	return 0;
}

int
mcp_authconf_issuer(struct mcp_authconf *a, size_t line, char *why,
    size_t whysz)
{
	struct mcp_issuer	*is;

	if (a->nissuers >= MCP_MAX_ISSUERS) {
		snprintf(why, whysz, "at most %d [issuer] sections",
		    MCP_MAX_ISSUERS);
		return -1;
	}
	is = &a->issuers[a->nissuers++];
	memset(is, 0, sizeof(*is));
	is->algs = MCP_ALG_RS256;
	is->leeway = 60;
	is->line = line;
	return 0;
}

int
mcp_authconf_check(struct mcp_authconf *a, char *why, size_t whysz)
{
	struct mcp_issuer	*is;
	size_t			 i, j;
	int			 src;

	if (a->nscope_claims == 0) {
		if ((a->scope_claims[0] = strdup("scope")) == NULL ||
		    (a->scope_claims[1] = strdup("scp")) == NULL)
			return -1;
		a->nscope_claims = 2;
	}
	if (a->workspace_claim == NULL &&
	    (a->workspace_claim = strdup("workspace")) == NULL)
		return -1;
	for (i = 0; i < a->nissuers; i++) {
		is = &a->issuers[i];
		if (is->iss == NULL) {
			snprintf(why, whysz, "[issuer] at line %zu: issuer "
			    "is required", is->line);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(a->issuers[j].iss, is->iss) == 0) {
				snprintf(why, whysz, "[issuer] at line %zu: "
				    "%s is configured twice", is->line,
				    is->iss);
				return -1;
			}
		src = (is->jwks_url != NULL) + (is->jwks_file != NULL) +
		    (is->pem_file != NULL) + (is->secret_file != NULL);
		if (src != 1) {
			snprintf(why, whysz, "[issuer] at line %zu: give "
			    "exactly one of jwks_url, jwks_file, "
			    "public_key_file, hs256_secret_file", is->line);
			return -1;
		}
		/* HS256 only ever against an explicit shared secret. */
		if ((is->algs & MCP_ALG_HS256) && is->secret_file == NULL) {
			snprintf(why, whysz, "[issuer] at line %zu: HS256 "
			    "needs hs256_secret_file", is->line);
			return -1;
		}
		if (is->secret_file != NULL && is->algs != MCP_ALG_HS256) {
			snprintf(why, whysz, "[issuer] at line %zu: a shared "
			    "secret verifies HS256 only: set algorithms = "
			    "HS256", is->line);
			return -1;
		}
	}
	if (!a->required)
		return 0;
	if (a->resource == NULL) {
		snprintf(why, whysz, "auth = bearer needs resource (the "
		    "endpoint's public URL); auth = none serves without "
		    "tokens");
		return -1;
	}
	if (a->nissuers == 0) {
		snprintf(why, whysz, "auth = bearer needs at least one "
		    "[issuer] section");
		return -1;
	}
	if (a->nservers == 0)
		for (i = 0; i < a->nissuers && i < MCP_MAX_ASURLS; i++)
			if ((a->servers[a->nservers++] =
			    strdup(a->issuers[i].iss)) == NULL)
				return -1;
	return 0;
}
