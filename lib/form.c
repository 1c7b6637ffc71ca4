/*
 * form.c: the token endpoint's untrusted input, checked here once:
 * application/x-www-form-urlencoded bodies (RFC 6749 appendix B) and
 * HTTP Basic client credentials (RFC 6749 §2.3.1, RFC 7617).
 *
 * Everything is decoded in place in the caller's buffer.  A percent
 * escape must be "%" and two hex digits and may not encode NUL; Basic
 * credentials are standard base64 (RFC 4648 §4, "+" and "/", padding
 * optional but never wrong) of urlencoded(id) ":" urlencoded(secret).
 */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "extern.h"

int
mcp_urldecode(char *s)
{
	char	*o = s;
	int	 h, l;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%') {
			if ((h = mcp_hexval((unsigned char)s[1])) < 0 ||
			    (l = mcp_hexval((unsigned char)s[2])) < 0 ||
			    (h == 0 && l == 0))
				return -1;
			*o++ = (char)(h << 4 | l);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return 0;
}

int
mcp_form_parse(struct mcp_form *f, size_t len, const char **why)
{
	char	*p, *amp, *eq;
	size_t	 i;

	f->n = 0;
	if (len > MCP_FORM_MAX) {
		*why = "the body is too long";
		return -1;
	}
	f->buf[len] = '\0';
	if (memchr(f->buf, '\0', len) != NULL) {
		*why = "NUL byte in the body";
		return -1;
	}
	for (p = f->buf; p != NULL && *p != '\0'; p = amp) {
		if ((amp = strchr(p, '&')) != NULL)
			*amp++ = '\0';
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		else
			eq = p + strlen(p);
		if (mcp_urldecode(p) == -1 || mcp_urldecode(eq) == -1) {
			*why = "malformed percent-encoding";
			return -1;
		}
		/*
		 * RFC 6749 §3.1, §3.2: a parameter without a value counts as
		 * omitted; one without a name is unrecognized, so ignored.
		 */
		if (*p == '\0' || *eq == '\0')
			continue;
		if (f->n == MCP_FORM_PARAMS) {
			*why = "too many parameters";
			return -1;
		}
		/* And none may be included more than once. */
		for (i = 0; i < f->n; i++)
			if (strcmp(f->key[i], p) == 0) {
				*why = "a parameter is repeated";
				return -1;
			}
		f->key[f->n] = p;
		f->val[f->n++] = eq;
	}
	return 0;
}

const char *
mcp_form_get(const struct mcp_form *f, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->val[i];
	return NULL;
}

void
mcp_form_clear(struct mcp_form *f)
{
	OPENSSL_cleanse(f->buf, sizeof(f->buf));
	f->n = 0;
}

int
mcp_basic_credentials(const char *h, char *id, size_t idsz, char *secret,
    size_t secsz)
{
	char		 b64[MCP_BASIC_MAX + 1], *colon;
	unsigned char	 raw[MCP_BASIC_MAX];
	size_t		 n = 0, pad = 0, idlen, seclen;
	long		 len;
	int		 rc = -1;

	if (strncasecmp(h, "Basic", 5) != 0 || h[5] != ' ')
		return -1;
	for (h += 5; *h == ' '; h++)
		;
	/* Standard alphabet in, base64url (what b64.c decodes) out. */
	for (; *h != '\0' && *h != '=' && *h != ' ' && n < MCP_BASIC_MAX;
	    h++, n++) {
		if (*h == '-' || *h == '_')
			goto out;
		b64[n] = *h == '+' ? '-' : *h == '/' ? '_' : *h;
	}
	for (; *h == '='; h++)
		pad++;
	while (*h == ' ')
		h++;
	if (*h != '\0' || n == 0 || (pad > 0 && (n + pad) % 4 != 0) ||
	    (len = mcp_b64url_dec(raw, sizeof(raw) - 1, b64, n)) <= 0)
		goto out;
	raw[len] = '\0';
	if (memchr(raw, '\0', (size_t)len) != NULL ||
	    (colon = strchr((char *)raw, ':')) == NULL)
		goto out;
	*colon = '\0';
	if (mcp_urldecode((char *)raw) == -1 ||
	    mcp_urldecode(colon + 1) == -1)
		goto out;
	idlen = strlen((char *)raw);
	seclen = strlen(colon + 1);
	if (idlen == 0 || idlen >= idsz || seclen >= secsz)
		goto out;
	memcpy(id, raw, idlen + 1);
	memcpy(secret, colon + 1, seclen + 1);
	rc = 0;
out:
	OPENSSL_cleanse(b64, sizeof(b64));
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}
