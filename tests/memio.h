/*
 * memio.h: an in-memory request for mcp_serve(), shared by the fuzz
 * targets, bench-micro and the handlers unit test: the CGI variables
 * from an array (searched as FCGX_GetParam() does), the body from
 * memory, the answer kept in a buffer or only counted.  Header-only, so
 * that every program that uses it links nothing more.
 */
#ifndef MEMIO_H
#define MEMIO_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"

struct memio {
	const char *const	*env;		/* "NAME=value", NULL-ended */
	const uint8_t		*in;		/* the body */
	size_t			 inlen, off;
	int			 keep;		/* 1: the answer into out */
	struct mcp_buf		 out;
	size_t			 outlen;	/* bytes answered */
	char			 status[16];	/* the answer's first bytes */
};

/* The first variable of that name, as FCGX_GetParam() finds it. */
static const char *
memio_param(struct mcp_io *io, const char *n)
{
	const struct memio	*m = io->arg;
	size_t			 len = strlen(n), i;

	for (i = 0; m->env[i] != NULL; i++)
		if (strncmp(m->env[i], n, len) == 0 && m->env[i][len] == '=')
			return m->env[i] + len + 1;
	return NULL;
}

static const char *const *
memio_envp(struct mcp_io *io)
{
	const struct memio	*m = io->arg;

	return m->env;
}

static long
memio_read(struct mcp_io *io, char *buf, size_t n)
{
	struct memio	*m = io->arg;

	if (n > m->inlen - m->off)
		n = m->inlen - m->off;
	memcpy(buf, m->in + m->off, n);
	m->off += n;
	return (long)n;
}

static int
memio_write(struct mcp_io *io, const char *p, size_t n)
{
	struct memio	*m = io->arg;

	if (m->outlen == 0)	/* memcpy: a printf would be timed too */
		memcpy(m->status, p, n < sizeof(m->status) - 1 ? n :
		    sizeof(m->status) - 1);
	m->outlen += n;
	return m->keep ? mcp_buf_add(&m->out, p, n) : 0;
}

static int
memio_flush(struct mcp_io *io)
{
	(void)io;
	return 0;
}

/* Points io at m. */
static inline void
memio_io(struct mcp_io *io, struct memio *m)
{
	memset(io, 0, sizeof(*io));	/* every optional member absent */
	io->param = memio_param;
	io->envp = memio_envp;
	io->read = memio_read;
	io->write = memio_write;
	io->flush = memio_flush;
	io->arg = m;
}

/* A variable list built per request: up to MEMENV_MAX of them. */
#define MEMENV_MAX	16

struct memenv {
	const char	*env[MEMENV_MAX + 1];
	char		 vars[MEMENV_MAX][256];
	size_t		 n;
};

static inline void
memenv_reset(struct memenv *e)
{
	e->n = 0;
	e->env[0] = NULL;
}

/* Adds NAME=value (cut at 255 bytes); a full list takes no more. */
static inline void
memenv_add(struct memenv *e, const char *name, const char *val)
{
	if (e->n == MEMENV_MAX)
		return;
	snprintf(e->vars[e->n], sizeof(e->vars[e->n]), "%s=%s", name, val);
	e->env[e->n] = e->vars[e->n];
	e->env[++e->n] = NULL;
}

/* Adds a "NAME=value" string the caller keeps (any length). */
static inline void
memenv_add_raw(struct memenv *e, const char *nameval)
{
	if (e->n == MEMENV_MAX)
		return;
	e->env[e->n] = nameval;
	e->env[++e->n] = NULL;
}

/*
 * Adds Mcp-Method and Mcp-Name as a 2026-07-28 client derives them from
 * the body (the method; params.name, or params.uri), if it parses.
 */
static inline void
memenv_add_mcp(struct memenv *ev, const uint8_t *body, size_t len)
{
	struct json_object	*o, *p;
	enum mcp_err		 e;
	const char		*s;

	if ((o = mcp_json_parse((const char *)body, len, 64, &e)) == NULL)
		return;
	if ((s = mcp_json_str(o, "method")) != NULL)
		memenv_add(ev, "HTTP_MCP_METHOD", s);
	p = mcp_json_obj(o, "params");
	if ((s = mcp_json_str(p, "name")) != NULL ||
	    (s = mcp_json_str(p, "uri")) != NULL)
		memenv_add(ev, "HTTP_MCP_NAME", s);
	json_object_put(o);
}

/*
 * The CGI variables of a 2026-07-28 POST to /mcp of m's body, as a
 * modern client sends it (Mcp-Method and Mcp-Name from the body).
 */
static inline void
memenv_modern_post(struct memenv *ev, const struct memio *m)
{
	char	 num[32];

	memenv_reset(ev);
	snprintf(num, sizeof(num), "%zu", m->inlen);
	memenv_add(ev, "CONTENT_LENGTH", num);
	memenv_add(ev, "CONTENT_TYPE", "application/json");
	memenv_add(ev, "REQUEST_METHOD", "POST");
	memenv_add(ev, "REQUEST_URI", "/mcp");
	memenv_add(ev, "SCRIPT_NAME", "/mcp");
	memenv_add(ev, "HTTP_ACCEPT", "application/json, text/event-stream");
	memenv_add(ev, "HTTP_MCP_PROTOCOL_VERSION", "2026-07-28");
	memenv_add_mcp(ev, m->in, m->inlen);
}

/*
 * Removes a private store directory: the SQLite files, then the files
 * named in extra (NULL-ended, or NULL), then the directory.
 */
static inline void
memio_rmstore(const char *dir, const char *const *extra)
{
	static const char *const db[] = { "mcp.db", "mcp.db-wal",
	    "mcp.db-shm", NULL };
	char		 path[1024];
	size_t		 i;

	for (i = 0; db[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, db[i]);
		unlink(path);
	}
	for (i = 0; extra != NULL && extra[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, extra[i]);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * The fuzz targets' first check of an answer: it starts with a Status
 * line whose code is one of ok (NULL-ended), and its header block ends;
 * returns the body.  Anything else aborts.  FUZZ_SERVE_SHOW=1 prints
 * the answer, to see what seeds reach.
 */
static inline const char *
memio_head(const struct memio *m, const char *const ok[])
{
	const char	*p = m->out.p, *body;
	size_t		 i;

	if (m->out.len < 12 || strncmp(p, "Status: ", 8) != 0)
		abort();
	if (getenv("FUZZ_SERVE_SHOW") != NULL)
		fprintf(stderr, "%s\n", p);
	for (i = 0; ok[i] != NULL; i++)
		if (strncmp(p + 8, ok[i], 3) == 0)
			break;
	if (ok[i] == NULL)
		abort();	/* a status the endpoint never documents */
	if ((body = strstr(p, "\r\n\r\n")) == NULL)
		abort();
	return body + 4;
}

#endif /* MEMIO_H */
