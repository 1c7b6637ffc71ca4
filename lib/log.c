/*
 * log.c: one line per event on stderr, which lighttpd, Apache and nginx
 * all keep in their error log.  Lines name the request id so that a
 * client-visible X-Request-Id leads to the internal reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "extern.h"

static const char *const names[MCP_LEVEL__MAX] = {
	"debug", "info", "notice", "warning", "error", "critical", "alert",
	"emergency"
};

static enum mcp_level threshold = MCP_LEVEL_INFO;

void
mcp_log_setlevel(enum mcp_level l)
{
	threshold = l;
}

const char *
mcp_level_name(enum mcp_level l)
{
	return (l >= 0 && l < MCP_LEVEL__MAX) ? names[l] : "unknown";
}

int
mcp_level_parse(const char *s)
{
	int	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < MCP_LEVEL__MAX; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void
mcp_logx(enum mcp_level l, const char *rid, const char *fmt, ...)
{
	char		 msg[1024], ts[32], *p;
	va_list		 ap;
	time_t		 t;
	struct tm	 tm;

	if (l < threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * Messages may quote what a client sent (a header value): control
	 * characters would let it forge log lines, so they become '?'.
	 */
	for (p = msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One fprintf call, so that threads do not interleave a line. */
	fprintf(stderr, "%s mcp-fcgi[%ld] %s rid=%s %s\n", ts, (long)getpid(),
	    names[l], rid != NULL ? rid : "-", msg);
}
