/*
 * fetch.c: HTTP GET of small documents (JWKS) with libcurl: https, or
 * http to a loopback host only; no redirects; a connect and a total
 * timeout; a size cap enforced while receiving.  curl_global_init() runs
 * once at process start (mcp_fetch_init), before any thread exists.
 */
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

int
mcp_http_fetch(const char *url, int timeout, size_t max, struct mcp_buf *b,
    char *err, size_t errsz)
{
	struct sink	 s = { b, max, 0 };
	CURL		*c;
	CURLcode	 rc;
	long		 status = 0;

	if (strncmp(url, "https://", 8) != 0 &&
	    !(strncmp(url, "http://", 7) == 0 && mcp_url_is_loopback(url))) {
		snprintf(err, errsz, "only https (or http to loopback)");
		return -1;
	}
	if ((c = curl_easy_init()) == NULL) {
		snprintf(err, errsz, "curl_easy_init failed");
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mcp-fcgi");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (s.over || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errsz, "document larger than %zu bytes", max);
		return -1;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s", curl_easy_strerror(rc));
		return -1;
	}
	if (status != 200) {
		snprintf(err, errsz, "HTTP status %ld", status);
		return -1;
	}
	return 0;
}
