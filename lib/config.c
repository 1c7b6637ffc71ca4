/*
 * config.c: the endpoint configuration, `key = value` lines with `#`
 * comments.  Every key is checked when the process starts; an error names
 * the file, the line and the key, and the process refuses to serve.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extern.h"

void
mcp_config_defaults(struct mcp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->store_path, sizeof(c->store_path), "var/mcp.db");
	snprintf(c->state_dir, sizeof(c->state_dir), "var");
	c->threads = 8;
	c->max_body = 1024 * 1024;
	c->max_depth = 64;
	c->state_seconds = 600;
	c->task_seconds = 3600;
	c->task_lost_seconds = 30;
	c->session_idle = 3600;
	c->max_sessions = 32;
	c->page_size = 100;
	c->max_batch = 32;
	c->max_answer = 4 * 1024 * 1024;
	c->ws_max_envs = 100;
	c->ws_max_tpls = 500;
	c->ws_max_orgs = 100000;
	c->list_ttl_ms = 60000;
	c->request_timeout = 60;
	c->sse_retry_ms = 1000;
	c->keepalive = 15;
	c->max_streams = 512;
	c->max_streams_subject = 16;
	c->stream_max_seconds = 3600;
	c->stream_queue = 256 * 1024;
	c->stream_poll_ms = 50;
	c->write_timeout = 30;
	c->subject_share = 50;
	c->log_level = MCP_LEVEL_INFO;
	mcp_authconf_defaults(&c->auth);
}

void
mcp_config_free(struct mcp_config *c)
{
	size_t	 i;

	for (i = 0; i < c->norigins; i++)
		free(c->origins[i]);
	c->norigins = 0;
	mcp_authconf_free(&c->auth);
}

/* Parses a decimal integer in [min, max]; 0 or -1. */
static int
number(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (*s == '\0')
		return -1;
	for (end = (char *)s; *end != '\0'; end++)
		if (!isdigit((unsigned char)*end))
			return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
mcp_config_add_origin(struct mcp_config *c, const char *o)
{
	const char	*host;

	if (strcmp(o, "*") != 0) {
		if (strncmp(o, "http://", 7) == 0)
			host = o + 7;
		else if (strncmp(o, "https://", 8) == 0)
			host = o + 8;
		else
			return -1;
		if (*host == '\0' || strchr(host, '/') != NULL)
			return -1;
	}
	if (c->norigins >= MCP_MAX_ORIGINS)
		return -1;
	if ((c->origins[c->norigins] = strdup(o)) == NULL)
		return -1;
	c->norigins++;
	return 0;
}

struct intkey {
	const char	*key;
	long long	 min, max;
	size_t		 off;
	int		 is_size;
};

#define OFF(f)	offsetof(struct mcp_config, f)
static const struct intkey intkeys[] = {
	{ "threads", 1, 256, OFF(threads), 0 },
	{ "max_body_bytes", 1024, 64LL * 1024 * 1024, OFF(max_body), 1 },
	{ "json_max_depth", 4, MCP_JSON_DEPTH_MAX, OFF(max_depth), 0 },
	{ "session_idle_seconds", 10, 30 * 86400, OFF(session_idle), 0 },
	{ "max_sessions_per_subject", 1, 100000, OFF(max_sessions), 0 },
	{ "page_size", 1, 1000, OFF(page_size), 0 },
	{ "max_batch_messages", 1, 1000, OFF(max_batch), 0 },
	{ "max_answer_bytes", 4096, 1024LL * 1024 * 1024, OFF(max_answer),
	    1 },
	{ "workspace_max_environments", 1, 100000, OFF(ws_max_envs), 0 },
	{ "workspace_max_templates", 1, 100000, OFF(ws_max_tpls), 0 },
	{ "workspace_max_organizations", 1, 100000000, OFF(ws_max_orgs),
	    0 },
	{ "list_ttl_ms", 0, 86400000, OFF(list_ttl_ms), 0 },
	{ "request_timeout_seconds", 1, 3600, OFF(request_timeout), 0 },
	{ "sse_retry_ms", 0, 600000, OFF(sse_retry_ms), 0 },
	{ "keepalive_seconds", 1, 3600, OFF(keepalive), 0 },
	{ "max_streams", 1, 100000, OFF(max_streams), 0 },
	{ "max_streams_per_subject", 1, 100000, OFF(max_streams_subject), 0 },
	{ "stream_max_seconds", 10, 86400, OFF(stream_max_seconds), 0 },
	{ "stream_queue_bytes", 4096, 64LL * 1024 * 1024, OFF(stream_queue),
	    1 },
	{ "stream_poll_ms", 10, 5000, OFF(stream_poll_ms), 0 },
	{ "write_timeout_seconds", 1, 3600, OFF(write_timeout), 0 },
	{ "subject_max_share_percent", 1, 100, OFF(subject_share), 0 },
	{ "request_state_seconds", 1, 86400, OFF(state_seconds), 0 },
	{ "max_tasks", 0, 256, OFF(max_tasks), 0 },
	{ "task_seconds", 1, 7 * 86400, OFF(task_seconds), 0 },
	{ "task_lost_seconds", 5, 3600, OFF(task_lost_seconds), 0 },
};

static int	setpath(char *, size_t, const char *, const char *, char *,
		    size_t);

/*
 * The store: an SQLite file (its directory holds the other state), or a
 * PostgreSQL database, taken as written, whose hosts keep their other
 * state in var/ beside the configuration file.
 */
static int
setstore(struct mcp_config *c, const char *val, const char *dir, char *why,
    size_t whysz)
{
	char	*slash;
	int	 l;

	if (mcp_store_is_pg(val)) {
		if (mcp_store_check(val, why, whysz) == -1)
			return -1;
		l = snprintf(c->store_path, sizeof(c->store_path), "%s", val);
		if (l < 0 || (size_t)l >= sizeof(c->store_path)) {
			snprintf(why, whysz, "too long");
			return -1;
		}
		return setpath(c->state_dir, sizeof(c->state_dir), "var", dir,
		    why, whysz);
	}
	if (setpath(c->store_path, sizeof(c->store_path), val, dir, why,
	    whysz) == -1)
		return -1;
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", c->store_path);
	if ((slash = strrchr(c->state_dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(c->state_dir, sizeof(c->state_dir), ".");
	return 0;
}

/* A path key: relative to the file's directory (dir), never empty. */
static int
setpath(char *dst, size_t dstsz, const char *val, const char *dir,
    char *why, size_t whysz)
{
	int	 l;

	if (*val == '\0') {
		snprintf(why, whysz, "must not be empty");
		return -1;
	}
	if (val[0] == '/' || dir == NULL)
		l = snprintf(dst, dstsz, "%s", val);
	else
		l = snprintf(dst, dstsz, "%s/%s", dir, val);
	if (l < 0 || (size_t)l >= dstsz) {
		snprintf(why, whysz, "path too long");
		return -1;
	}
	return 0;
}

static int
apply(struct mcp_config *c, const char *key, char *val, const char *dir,
    char *why, size_t whysz)
{
	size_t		 i;
	long long	 v;
	char		*tok, *save;
	int		 l;

	for (i = 0; i < sizeof(intkeys) / sizeof(intkeys[0]); i++) {
		if (strcmp(key, intkeys[i].key) != 0)
			continue;
		if (number(val, intkeys[i].min, intkeys[i].max, &v) == -1) {
			snprintf(why, whysz, "must be an integer from %lld "
			    "to %lld", intkeys[i].min, intkeys[i].max);
			return -1;
		}
		if (intkeys[i].is_size)
			*(size_t *)((char *)c + intkeys[i].off) = (size_t)v;
		else
			*(int *)((char *)c + intkeys[i].off) = (int)v;
		return 0;
	}
	if (strcmp(key, "store_path") == 0)
		return setstore(c, val, dir, why, whysz);
	if (strcmp(key, "error_log") == 0)
		return setpath(c->error_log, sizeof(c->error_log), val, dir,
		    why, whysz);
	if (strcmp(key, "log_level") == 0) {
		if ((l = mcp_level_parse(val)) == -1) {
			snprintf(why, whysz, "must be an RFC 5424 level name "
			    "(debug, info, notice, warning, error, ...)");
			return -1;
		}
		c->log_level = l;
		return 0;
	}
	if (strcmp(key, "allowed_origins") == 0) {
		for (tok = strtok_r(val, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save))
			if (mcp_config_add_origin(c, tok) == -1) {
				snprintf(why, whysz, "\"%s\" is not "
				    "scheme://host[:port] or scheme://host:*, or there are more "
				    "than %d", tok, MCP_MAX_ORIGINS);
				return -1;
			}
		return 0;
	}
	if ((l = mcp_authconf_apply(&c->auth, 0, key, val, dir, why,
	    whysz)) != 0)
		return l == 1 ? 0 : -1;
	snprintf(why, whysz, "unknown key");
	return -1;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
mcp_config_load(struct mcp_config *c, const char *path, char *err,
    size_t errsz)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = mcp_config_read(c, f, path, err, errsz);
	fclose(f);
	return rc;
}

int
mcp_config_read(struct mcp_config *c, FILE *f, const char *path, char *err,
    size_t errsz)
{
	char	 line[4096], why[256], dir[1024], *key, *val, *eq, *slash;
	size_t	 lineno = 0;
	int	 rc = -1, section = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%zu: line too long", path,
			    lineno);
			goto out;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if (*key == '[') {
			if (strcmp(key, "[issuer]") != 0) {
				snprintf(err, errsz, "%s:%zu: unknown section "
				    "%s (only [issuer])", path, lineno, key);
				goto out;
			}
			if (mcp_authconf_issuer(&c->auth, lineno, why,
			    sizeof(why)) == -1) {
				snprintf(err, errsz, "%s:%zu: %s", path,
				    lineno, why);
				goto out;
			}
			section = 1;
			continue;
		}
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errsz, "%s:%zu: expected key = value",
			    path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		if ((section ? mcp_authconf_apply(&c->auth, 1, key, val,
		    dir, why, sizeof(why)) : apply(c, key, val, dir, why,
		    sizeof(why))) == -1) {
			snprintf(err, errsz, "%s:%zu: %s: %s", path, lineno,
			    key, why);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		goto out;
	}
	if (mcp_authconf_check(&c->auth, why, sizeof(why)) == -1) {
		snprintf(err, errsz, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	return rc;
}

/*
 * An Origin is allowed when it equals an entry (RFC 6454: scheme, host and
 * port), or when the entry ends in ":*" and the Origin is that scheme and
 * host with any port or none.  With no entries configured, only loopback
 * origins are allowed (the MCP specification's DNS-rebinding advice).
 */
int
mcp_config_origin_ok(const struct mcp_config *c, const char *origin)
{
	static const char *const loopback[] = {
		"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*",
		"https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*",
	};
	const char *const	*list;
	const char		*p;
	size_t			 i, n, l;

	/*
	 * An Origin is echoed into Access-Control-Allow-Origin: whatever the
	 * list says (even "*"), one with spaces or control characters is
	 * never a serialized origin (RFC 6454 §6.2) and is refused.
	 */
	for (p = origin; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	if (c->norigins > 0) {
		list = (const char *const *)c->origins;
		n = c->norigins;
	} else {
		list = loopback;
		n = sizeof(loopback) / sizeof(loopback[0]);
	}
	for (i = 0; i < n; i++) {
		if (strcmp(list[i], "*") == 0 ||
		    strcasecmp(list[i], origin) == 0)
			return 1;
		l = strlen(list[i]);
		if (l < 2 || strcmp(list[i] + l - 2, ":*") != 0)
			continue;
		l -= 2;
		if (strncasecmp(list[i], origin, l) != 0)
			continue;
		p = origin + l;
		if (*p == '\0')
			return 1;
		if (*p++ != ':' || *p == '\0' || strlen(p) > 5)
			continue;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 1;
	}
	return 0;
}
