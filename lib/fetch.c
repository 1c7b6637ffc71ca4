/*
 * fetch.c: HTTP GET of small documents with libcurl: no redirects; a
 * connect and a total timeout; a size cap enforced while receiving.
 * JWKS: https, or http to a loopback host.  Documents named by anyone
 * (a client's metadata document): https only, and never to an address
 * that is not public (loopback, private, link-local, ...), checked on
 * the address libcurl actually connected to, after DNS.
 * curl_global_init() runs once at process start (mcp_fetch_init), before
 * any thread exists.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "extern.h"

struct sink {
	struct mcp_buf	*b;
	size_t		 max;
	int		 over;
};

static size_t
take(char *p, size_t sz, size_t n, void *arg)
{
	struct sink	*s = arg;

	if (s->b->len + sz * n > s->max) {
		s->over = 1;
		return 0;		/* aborts the transfer */
	}
	if (mcp_buf_add(s->b, p, sz * n) == -1)
		return 0;
	return sz * n;
}

int
mcp_fetch_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* 1 if the address (text) is one anyone on the internet may reach. */
int
mcp_addr_public(const char *ip)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	const unsigned char *b;
	uint32_t	 v;

	if (inet_pton(AF_INET6, ip, &a6) == 1) {
		b = a6.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&a6) || IN6_IS_ADDR_V4COMPAT(&a6)) {
			memcpy(&a4, b + 12, 4);
			v = ntohl(a4.s_addr);
			goto v4;
		}
		return !(IN6_IS_ADDR_LOOPBACK(&a6) ||
		    IN6_IS_ADDR_UNSPECIFIED(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) ||
		    IN6_IS_ADDR_SITELOCAL(&a6) || IN6_IS_ADDR_MULTICAST(&a6) ||
		    (b[0] & 0xfe) == 0xfc ||		/* fc00::/7 unique local */
		    (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d &&
		    b[3] == 0xb8) ||			/* 2001:db8::/32 */
		    (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff &&
		    b[3] == 0x9b));			/* 64:ff9b::/96 NAT64 */
	}
	if (inet_pton(AF_INET, ip, &a4) != 1)
		return 0;
	v = ntohl(a4.s_addr);
v4:
	return !((v >> 24) == 0 || (v >> 24) == 10 || (v >> 24) == 127 ||
	    (v >> 22) == (100u << 2 | 1) ||		/* 100.64.0.0/10 */
	    (v >> 16) == (169u << 8 | 254) ||		/* 169.254.0.0/16 */
	    (v >> 20) == (172u << 4 | 1) ||		/* 172.16.0.0/12 */
	    (v >> 16) == (192u << 8 | 168) ||		/* 192.168.0.0/16 */
	    (v >> 8) == (192u << 16 | 0 << 8 | 0) ||	/* 192.0.0.0/24 */
	    (v >> 8) == (192u << 16 | 0 << 8 | 2) ||	/* 192.0.2.0/24 */
	    (v >> 17) == (198u << 7 | 18 >> 1) ||	/* 198.18.0.0/15 */
	    (v >> 8) == (198u << 16 | 51 << 8 | 100) ||	/* 198.51.100.0/24 */
	    (v >> 8) == (203u << 16 | 0 << 8 | 113) ||	/* 203.0.113.0/24 */
	    (v >> 28) >= 14);				/* multicast, reserved */
}

struct guard {
	int	 allow_private;
	int	 refused;
	char	 ip[64];
};

/*
 * Every address libcurl is about to connect to, after DNS and before
 * any packet: one that is not public gets no socket, so a name cannot
 * be used to probe what lies behind us.
 */
static curl_socket_t
opensock(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct guard	*g = arg;
	char		 ip[INET6_ADDRSTRLEN];
	const void	*p = NULL;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (a->family == AF_INET)
		p = &((struct sockaddr_in *)(void *)&a->addr)->sin_addr;
	else if (a->family == AF_INET6)
		p = &((struct sockaddr_in6 *)(void *)&a->addr)->sin6_addr;
	if (p == NULL || inet_ntop(a->family, p, ip, sizeof(ip)) == NULL)
		return CURL_SOCKET_BAD;
	snprintf(g->ip, sizeof(g->ip), "%s", ip);
	if (!g->allow_private && !mcp_addr_public(ip)) {
		g->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static int
fetch(const char *url, const struct mcp_fetch_opts *o, struct mcp_buf *b,
    char *err, size_t errsz)
{
	struct sink	 s = { b, o->max, 0 };
	struct guard	 g = { o->allow_private, 0, "" };
	CURL		*c;
	CURLcode	 rc;
	long		 status = 0;

	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errsz, "curl_easy_init failed");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, o->public_only ? "https" :
	    "https,http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)o->timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)o->timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mcp-fcgi");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	if (o->public_only) {
		curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, opensock);
		curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &g);
		/* No proxy from the environment: it would connect for us. */
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	}
	if (o->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (g.refused) {
		snprintf(err, errsz, "the address %s is not public", g.ip);
		return -1;
	}
	if (s.over || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errsz, "document larger than %zu bytes", o->max);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s", curl_easy_strerror(rc));
		return -1;
	}
	if (status >= 300 && status < 400) {
		snprintf(err, errsz, "HTTP status %ld: redirects are not "
		    "followed", status);
		return -1;
	}
	if (status != 200) {
		snprintf(err, errsz, "HTTP status %ld", status);
		return -1;
	}
	return 0;
}

int
mcp_http_fetch(const char *url, int timeout, size_t max, struct mcp_buf *b,
    char *err, size_t errsz)
{
	struct mcp_fetch_opts	 o = { timeout, max, 0, 0, NULL };

	if (strncmp(url, "https://", 8) != 0 &&
	    !(strncmp(url, "http://", 7) == 0 && mcp_url_is_loopback(url))) {
		snprintf(err, errsz, "only https (or http to loopback)");
		return -1;
	}
	return fetch(url, &o, b, err, errsz);
}

int
mcp_http_fetch_public(const char *url, const struct mcp_fetch_opts *o,
    struct mcp_buf *b, char *err, size_t errsz)
{
	struct mcp_fetch_opts	 p = *o;

	if (strncmp(url, "https://", 8) != 0) {
		snprintf(err, errsz, "only https");
		return -1;
	}
	p.public_only = 1;
	return fetch(url, &p, b, err, errsz);
}
