/*
 * web.c: see web.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "web.h"

void
as_no_store(struct mcp_req *r)
{
	mcp_buf_puts(&r->hdr, "Cache-Control: no-store\r\nPragma: no-cache\r\n");
}

void
as_oauth_error(struct mcp_req *r, int status, const char *error,
    const char *desc)
{
	struct json_object	*o = json_object_new_object();

	r->outcome = error;
	mcp_logx(MCP_LEVEL_INFO, r->rid, "%s: %s: %s", r->rpc, error,
	    desc != NULL ? desc : "");
	mcp_json_set(o, "error", json_object_new_string(error));
	if (desc != NULL)
		mcp_json_set(o, "error_description",
		    json_object_new_string(desc));
	as_no_store(r);
	mcp_http_value(r, status, o);
	json_object_put(o);
}

void
as_addr(struct mcp_req *r, char *out, size_t outsz)
{
	struct in6_addr	 a6;
	const char	*addr;

	if ((addr = mcp_http_param(r, "REMOTE_ADDR")) == NULL)
		addr = "";
	mcp_strlcpy(out, addr, outsz);
	if (strchr(addr, ':') == NULL || inet_pton(AF_INET6, addr, &a6) != 1 ||
	    IN6_IS_ADDR_V4MAPPED(&a6))
		return;
	memset(a6.s6_addr + 8, 0, 8);
	if (inet_ntop(AF_INET6, &a6, out, (socklen_t)outsz) == NULL)
		mcp_strlcpy(out, addr, outsz);
}

void
as_token_answer(struct mcp_req *r, const char *access, int ttl,
    const char *scope, const char *refresh)
{
	struct json_object	*o = json_object_new_object();

	mcp_json_set(o, "access_token", json_object_new_string(access));
	mcp_json_set(o, "token_type", json_object_new_string("Bearer"));
	mcp_json_set(o, "expires_in", json_object_new_int(ttl));
	mcp_json_set(o, "scope", json_object_new_string(scope));
	if (refresh != NULL)
		mcp_json_set(o, "refresh_token",
		    json_object_new_string(refresh));
	if (r->outcome == NULL)
		r->outcome = "token_issued";
	as_no_store(r);
	mcp_http_value(r, 200, o);
	json_object_put(o);
}

int
as_read_form(struct mcp_req *r, struct mcp_form *f, const char **why)
{
	const char	*ct, *cl;
	size_t		 want = 0, i;
	long		 n;

	f->n = 0;
	f->buf[0] = '\0';
	ct = mcp_http_param(r, "CONTENT_TYPE");
	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded",
	    33) != 0 || (ct[33] != '\0' && ct[33] != ';')) {
		*why = "Content-Type must be application/x-www-form-urlencoded";
		return -1;
	}
	cl = mcp_http_param(r, "CONTENT_LENGTH");
	for (i = 0; cl != NULL && cl[i] != '\0' && i < 8; i++)
		want = isdigit((unsigned char)cl[i]) ?
		    want * 10 + (size_t)(cl[i] - '0') : MCP_FORM_MAX + 1;
	if (cl == NULL || want == 0 || want > MCP_FORM_MAX) {
		*why = "the body must be 1 to 4096 bytes";
		return -1;
	}
	for (i = 0; i < want; i += (size_t)n)
		if ((n = r->io->read(r->io, f->buf + i, want - i)) <= 0) {
			*why = "body shorter than Content-Length";
			return -1;
		}
	return mcp_form_parse(f, want, why);
}

int
as_query_form(struct mcp_req *r, struct mcp_form *f, const char **why)
{
	const char	*q = mcp_http_param(r, "QUERY_STRING");
	size_t		 n;

	f->n = 0;
	f->buf[0] = '\0';
	if (q == NULL || *q == '\0') {
		*why = "the request has no parameters";
		return -1;
	}
	if ((n = strlen(q)) > MCP_FORM_MAX) {
		*why = "the query is longer than 4096 bytes";
		return -1;
	}
	memcpy(f->buf, q, n);
	return mcp_form_parse(f, n, why);
}

int
as_cookie(struct mcp_req *r, const char *name, char *out, size_t outsz)
{
	const char	*c = mcp_http_param(r, "HTTP_COOKIE"), *v;
	size_t		 nl = strlen(name), n;

	out[0] = '\0';
	while (c != NULL && *c != '\0') {
		c += strspn(c, " \t;");
		if (strncmp(c, name, nl) == 0 && c[nl] == '=') {
			v = c + nl + 1;
			n = strcspn(v, ";");
			if (n == 0 || n >= outsz)
				return -1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		c += strcspn(c, ";");
	}
	return -1;
}

void
as_html(struct mcp_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			mcp_buf_puts(b, "&amp;");
			break;
		case '<':
			mcp_buf_puts(b, "&lt;");
			break;
		case '>':
			mcp_buf_puts(b, "&gt;");
			break;
		case '"':
			mcp_buf_puts(b, "&quot;");
			break;
		case '\'':
			mcp_buf_puts(b, "&#39;");
			break;
		default:
			mcp_buf_add(b, s, 1);
		}
}

void
as_urlenc(struct mcp_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL)
			mcp_buf_add(b, s, 1);
		else
			mcp_buf_printf(b, "%%%02X", (unsigned char)*s);
}

int
as_random_token(const char *prefix, char *out, size_t outsz)
{
	unsigned char	 raw[32];
	size_t		 n = strlen(prefix);

	if (outsz < n + 44 || RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	memcpy(out, prefix, n);
	mcp_b64url_enc(out + n, outsz - n, raw, sizeof(raw));
	return 0;
}

static void
sha256(const char *s, unsigned char h[32])
{
	unsigned int	 n = 32;

	memset(h, 0, 32);
	EVP_Digest(s, strlen(s), h, &n, EVP_sha256(), NULL);
}

void
as_sha256_hex(const char *s, char out[65])
{
	unsigned char	 h[32];
	int		 i;

	sha256(s, h);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

void
as_s256(const char *s, char out[44])
{
	unsigned char	 h[32];

	sha256(s, h);
	mcp_b64url_enc(out, 44, h, sizeof(h));
}
