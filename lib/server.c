/*
 * server.c: the process.  Under a FastCGI process manager (lighttpd's
 * bin-path, mod_fcgid, spawn-fcgi, systemd) it runs a pool of threads,
 * each accepting and serving requests with its own store connection.
 * Started any other way it is a CGI program: it serves the one request in
 * its environment and standard input, then exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>

#include <fcgiapp.h>

#include "extern.h"

static pthread_mutex_t	 accept_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- FastCGI I/O --- */

/*
 * A worker thread's request and its write watch.  A write that reaches
 * the socket (the stream's buffer is full, a flush, the end of the
 * request) is timed: the watchdog thread shuts the connection down when
 * one has been blocked for write_timeout_seconds, because a client that
 * does not read (lighttpd streams the answer, stream-response-body = 2)
 * would otherwise hold this thread for as long as lighttpd waits.  libfcgi
 * then sees the write fail (EPIPE), marks the stream closed and writes
 * nothing more, FCGX_Finish_r() included.  The watch is a mutex so that
 * the watchdog never shuts down a descriptor the worker has closed and
 * reused.
 */
struct worker {
	struct mcp_server	*srv;
	FCGX_Request		 rq;
	pthread_mutex_t		 lock;
	int			 fd;		/* writing to this, or -1 */
	struct timespec		 since;		/* the write began */
	int			 fired;		/* the watchdog shut fd down */
	int			 handed;	/* the stream thread has rq's
						   connection */
};

/* Bytes of one timed write: the timeout is per step. */
#define WRITE_STEP	65536

static struct worker	*workers;
static int		 nworkers;

static void
watch_begin(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->fd = w->rq.ipcFd;
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_unlock(&w->lock);
}

/* Returns 1 if the watchdog cut this write. */
static int
watch_end(struct worker *w)
{
	int	 fired;

	pthread_mutex_lock(&w->lock);
	w->fd = -1;
	fired = w->fired;
	pthread_mutex_unlock(&w->lock);
	return fired;
}

static void *
watchdog(void *arg)
{
	struct mcp_server	*srv = arg;
	struct timespec		 now, nap = { 0, 250000000L };
	struct worker		*w;
	long long		 ms;
	int			 i;

	for (;;) {
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (i = 0; i < nworkers; i++) {
			w = &workers[i];
			pthread_mutex_lock(&w->lock);
			ms = (now.tv_sec - w->since.tv_sec) * 1000LL +
			    (now.tv_nsec - w->since.tv_nsec) / 1000000L;
			if (w->fd != -1 && !w->fired &&
			    ms >= srv->cfg.write_timeout * 1000LL) {
				shutdown(w->fd, SHUT_RDWR);
				w->fired = 1;
			}
			pthread_mutex_unlock(&w->lock);
		}
	}
	return NULL;
}

static const char *
fcgi_param(struct mcp_io *io, const char *name)
{
	struct worker	*w = io->arg;

	return FCGX_GetParam(name, w->rq.envp);
}

static const char *const *
fcgi_envp(struct mcp_io *io)
{
	struct worker	*w = io->arg;

	return (const char *const *)w->rq.envp;
}

static long
fcgi_read(struct mcp_io *io, char *buf, size_t n)
{
	struct worker	*w = io->arg;

	return FCGX_GetStr(buf, (int)n, w->rq.in);
}

static int
fcgi_write(struct mcp_io *io, const char *p, size_t n)
{
	struct worker	*w = io->arg;
	FCGX_Stream	*out = w->rq.out;
	int		 rc;

	size_t		 k;

	/* Room in the stream's buffer: a copy, no I/O to watch. */
	if ((long)n <= (long)(out->stop - out->wrNext))
		return FCGX_PutStr(p, (int)n, out) == (int)n ? 0 : -1;
	/*
	 * Watched a WRITE_STEP at a time, so that the timeout is on a client
	 * that stopped reading, not on a large answer read slowly but
	 * steadily.
	 */
	for (rc = 0; n > 0 && rc == 0; p += k, n -= k) {
		k = n < WRITE_STEP ? n : WRITE_STEP;
		watch_begin(w);
		rc = FCGX_PutStr(p, (int)k, out) == (int)k ? 0 : -1;
		if (watch_end(w))
			io->cut = w->srv->cfg.write_timeout;
	}
	return rc;
}

static int
fcgi_flush(struct mcp_io *io)
{
	struct worker	*w = io->arg;
	int		 rc;

	watch_begin(w);
	rc = FCGX_FFlush(w->rq.out) == 0 ? 0 : -1;
	if (watch_end(w))
		io->cut = w->srv->cfg.write_timeout;
	return rc;
}

static int
fcgi_handoff(struct mcp_io *io, const struct mcp_stream_spec *sp)
{
	struct worker	*w = io->arg;

	if (fcgi_flush(io) == -1 || io->cut ||
	    mcp_streams_adopt(w->rq.ipcFd, (unsigned)w->rq.requestId, sp) ==
	    -1)
		return -1;
	w->handed = 1;
	return 0;
}

/* The end records now (libfcgi writes them when out is closed). */
static int
fcgi_end(struct mcp_io *io)
{
	struct worker	*w = io->arg;
	int		 rc;

	watch_begin(w);
	rc = FCGX_FClose(w->rq.err) | FCGX_FClose(w->rq.out);
	if (watch_end(w))
		io->cut = w->srv->cfg.write_timeout;
	return rc == 0 ? 0 : -1;
}

/* --- CGI I/O --- */

static const char *
cgi_param(struct mcp_io *io, const char *name)
{
	(void)io;
	return getenv(name);
}

static const char *const *
cgi_envp(struct mcp_io *io)
{
	(void)io;
	return (const char *const *)environ;
}

static size_t	 cgi_consumed;	/* of the request body */

static long
cgi_read(struct mcp_io *io, char *buf, size_t n)
{
	size_t	 got;

	(void)io;
	got = fread(buf, 1, n, stdin);
	if (got == 0 && ferror(stdin))
		return -1;
	cgi_consumed += got;
	return (long)got;
}

/*
 * Reads what is left of the request body (CONTENT_LENGTH, at most
 * CGI_DRAIN_MAX) and discards it.  An answer refused before the body was
 * read (405, 406, 415, 413 ...) is otherwise cut short by Apache's
 * mod_cgid, which fails writing the body to a program that did not
 * take it.  The web server bounds the body's size and pace.
 */
#define CGI_DRAIN_MAX	((size_t)64 * 1024 * 1024)
static void
cgi_drain(void)
{
	char	 buf[16384];
	size_t	 want, got;

	if (mcp_http_length(getenv("CONTENT_LENGTH"), &want) == -1 ||
	    want > CGI_DRAIN_MAX)
		return;
	while (cgi_consumed < want) {
		got = fread(buf, 1, want - cgi_consumed < sizeof(buf) ?
		    want - cgi_consumed : sizeof(buf), stdin);
		if (got == 0)
			break;
		cgi_consumed += got;
	}
}

static int
cgi_write(struct mcp_io *io, const char *p, size_t n)
{
	(void)io;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

static int
cgi_flush(struct mcp_io *io)
{
	(void)io;
	return fflush(stdout) == 0 ? 0 : -1;
}

/*
 * A CGI program is stopped with SIGTERM: lighttpd sends it when the
 * client leaves, any web server when it stops.  The call in progress
 * sees it as a cancellation within a poll, ends (whole transactions
 * only), logs and audits, and the program exits.
 */
static volatile sig_atomic_t	 cgi_stop;

static void
cgi_onstop(int sig)
{
	(void)sig;
	cgi_stop = 1;
}

static int
cgi_stopped(struct mcp_io *io)
{
	(void)io;
	return cgi_stop;
}

static void *
worker(void *arg)
{
	struct worker		*w = arg;
	struct mcp_server	*srv = w->srv;
	struct mcp_store	*st;
	struct mcp_io		 io;
	char			 err[512];
	int			 rc;

	if ((st = mcp_store_open(srv->cfg.store_path, err, sizeof(err))) ==
	    NULL) {
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "store: %s", err);
		exit(1);
	}
	if (FCGX_InitRequest(&w->rq, 0, 0) != 0) {
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "FCGX_InitRequest failed");
		exit(1);
	}
	memset(&io, 0, sizeof(io));
	io.param = fcgi_param;
	io.envp = fcgi_envp;
	io.read = fcgi_read;
	io.write = fcgi_write;
	io.flush = fcgi_flush;
	io.handoff = fcgi_handoff;
	io.end = fcgi_end;
	io.arg = w;
	for (;;) {
		pthread_mutex_lock(&accept_lock);
		rc = FCGX_Accept_r(&w->rq);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		io.cut = 0;
		srv->serve(srv, &io, st);
		if (w->handed) {
			/*
			 * The connection is the stream thread's: free the
			 * request's buffers and variables only, and accept
			 * anew (keepConnection: Finish closes nothing).
			 */
			FCGX_Free(&w->rq, 0);
			w->rq.ipcFd = -1;
			w->rq.keepConnection = 1;
			w->handed = 0;
			continue;
		}
		/*
		 * The rest of the answer: watched too.  The watch ends before
		 * FCGX_Finish_r(), which closes the descriptor: the watchdog
		 * must never shut down a number another accept() may reuse.
		 * What Finish writes after a flush is the end records alone.
		 */
		watch_begin(w);
		FCGX_FFlush(w->rq.out);
		if (watch_end(w) && io.cut == 0)
			mcp_logx(MCP_LEVEL_WARNING, NULL, "the client took "
			    "nothing for %d s: the end of an answer dropped",
			    srv->cfg.write_timeout);
		FCGX_Finish_r(&w->rq);
		pthread_mutex_lock(&w->lock);
		w->fired = 0;
		pthread_mutex_unlock(&w->lock);
	}
	FCGX_Free(&w->rq, 1);
	st->ops->close(st);
	return NULL;
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-t] [-f config]\n"
	    "  -f  configuration file (default: $MCP_FCGI_CONFIG)\n"
	    "  -t  check the configuration and the registry, then exit\n",
	    prog);
}

int
mcp_main(const struct mcp_endpoint *ep, int argc, char *argv[])
{
	return mcp_main_serve(ep, mcp_serve, argc, argv);
}

/*
 * Appends stderr to path (made 0600 when new).  A file that cannot be
 * opened is said on the old stderr; the caller then exits.
 */
static int
open_error_log(const char *path, const char *prog)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		fprintf(stderr, "%s: error_log %s: %s\n", prog, path,
		    strerror(errno));
		return -1;
	}
	if (fd != STDERR_FILENO) {
		if (dup2(fd, STDERR_FILENO) == -1) {
			fprintf(stderr, "%s: error_log %s: %s\n", prog, path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

int
mcp_main_serve(const struct mcp_endpoint *ep, mcp_serve_fn serve, int argc,
    char *argv[])
{
	static struct mcp_server	 srv;
	struct mcp_store		*st;
	struct mcp_io			 io;
	pthread_t			*tids;
	const char			*path;
	sigset_t			 stop;
	struct sigaction		 sa;
	char				 err[1024];
	int				 c, check = 0, i, sig;

	path = getenv("MCP_FCGI_CONFIG");
	while ((c = getopt(argc, argv, "f:t")) != -1)
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 't':
			check = 1;
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	signal(SIGPIPE, SIG_IGN);
	mcp_config_defaults(&srv.cfg);
	if (path != NULL && *path != '\0' &&
	    mcp_config_load(&srv.cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "config: %s", err);
		return 1;
	}
	/*
	 * error_log: the log goes to a file of the server's own, for web
	 * servers that send a program's stderr where its operator may not
	 * read (mod_fcgid, CGI: Apache's error log).
	 */
	if (srv.cfg.error_log[0] != '\0' && open_error_log(srv.cfg.error_log,
	    argv[0]) == -1)
		return 1;
	mcp_log_setlevel(srv.cfg.log_level);
	/* Each running task holds a worker thread: half of them by default. */
	if (srv.cfg.max_tasks == 0)
		srv.cfg.max_tasks = srv.cfg.threads / 2;
	/* One thread at least answers the rest (one thread: no task). */
	if (srv.cfg.max_tasks >= srv.cfg.threads)
		srv.cfg.max_tasks = srv.cfg.threads - 1;
	srv.serve = serve;
	if (mcp_registry_init(&srv.reg, ep, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", argv[0], err);
		return 1;
	}
	if (path == NULL || *path == '\0') {
		/* No file: the defaults must still make sense (auth!). */
		if (mcp_authconf_check(&srv.cfg.auth, err, sizeof(err)) ==
		    -1) {
			fprintf(stderr, "%s: no configuration file "
			    "($MCP_FCGI_CONFIG or -f): %s\n", argv[0], err);
			return 1;
		}
	}
	err[0] = '\0';
	if (mcp_fetch_init() == -1 ||
	    mcp_guard_init(&srv, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: auth: %s\n", argv[0],
		    *err ? err : "out of memory");
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "auth: %s", err);
		return 1;
	}
	if (srv.cfg.auth.audit_log != NULL && (srv.audit_fd =
	    open(srv.cfg.auth.audit_log, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "%s: audit_log %s: %s\n", argv[0],
		    srv.cfg.auth.audit_log, strerror(errno));
		return 1;
	}

	/* Open once up front: creates and migrates the store, or fails. */
	if ((st = mcp_store_open(srv.cfg.store_path, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "%s: store: %s\n", argv[0], err);
		return 1;
	}
	/*
	 * The key that seals requestState: the same for every process of
	 * the store.  Without it a round's state cannot be made or read,
	 * and only that fails.
	 */
	if (st->ops->secret(st, MCP_SECRET_STATE, srv.state_key) == MCP_OK)
		srv.state_key_ok = 1;
	else
		mcp_logx(MCP_LEVEL_ERROR, NULL, "store: no key for "
		    "requestState: input rounds with state will fail");
	if (check) {
		st->ops->close(st);
		printf("%s: configuration OK (%zu tools, %zu resources, "
		    "%zu templates, %zu prompts)\n", ep->name, ep->ntools,
		    ep->nresources, ep->ntemplates, ep->nprompts);
		return 0;
	}
	if (FCGX_Init() != 0 || FCGX_IsCGI()) {
		/*
		 * One request, then exit.  libfcgi's handlers for the stop
		 * signals set a flag no one reads: a call waiting for its
		 * client's answer would outlive the web server stopping it.
		 * Ours end the call as a cancellation (cgi_stopped()).
		 */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = cgi_onstop;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGUSR1, &sa, NULL);
		memset(&io, 0, sizeof(io));
		io.param = cgi_param;
		io.envp = cgi_envp;
		io.read = cgi_read;
		io.write = cgi_write;
		io.flush = cgi_flush;
		io.stopped = cgi_stopped;
		io.arg = NULL;
		serve(&srv, &io, st);
		fflush(stdout);
		cgi_drain();
		st->ops->close(st);
		mcp_guard_free(&srv);
		mcp_registry_free(&srv.reg);
		mcp_config_free(&srv.cfg);
		return 0;
	}
	st->ops->close(st);
	/*
	 * libfcgi's own SIGTERM handler only sets a flag that threads blocked
	 * in accept() never see, so a stopping web server would leave us
	 * running.  Block the stop signals in every thread and wait for them
	 * here instead.  SIGUSR1 is one of them: libfcgi would take it for a
	 * shutdown after each worker's next request, leaving a process that
	 * serves nothing.
	 */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	/* Threads inherit the mask: start them only now. */
	if (mcp_audit_start(&srv, err, sizeof(err)) == -1) {
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "audit: %s", err);
		return 1;
	}
	if (mcp_streams_start(&srv, err, sizeof(err)) == -1) {
		mcp_logx(MCP_LEVEL_CRITICAL, NULL, "%s", err);
		return 1;
	}
	nworkers = srv.cfg.threads;
	if (mcp_inflight_init(&srv) == -1 ||
	    (tids = calloc((size_t)nworkers + 1, sizeof(*tids))) == NULL ||
	    (workers = calloc((size_t)nworkers, sizeof(*workers))) == NULL)
		return 1;
	for (i = 0; i < nworkers; i++) {
		workers[i].srv = &srv;
		workers[i].fd = -1;
		pthread_mutex_init(&workers[i].lock, NULL);
	}
	for (i = 0; i <= nworkers; i++)
		if ((errno = pthread_create(&tids[i], NULL, i < nworkers ?
		    worker : watchdog, i < nworkers ? (void *)&workers[i] :
		    (void *)&srv)) != 0) {
			mcp_logx(MCP_LEVEL_CRITICAL, NULL, "pthread_create: "
			    "%s", strerror(errno));
			return 1;
		}
	mcp_logx(MCP_LEVEL_INFO, NULL, "%s %s serving with %d threads",
	    ep->name, ep->version, srv.cfg.threads);
	if (!srv.cfg.auth.required && serve == mcp_serve)
		mcp_logx(MCP_LEVEL_NOTICE, NULL, "auth = none: %s serves "
		    "without access tokens", ep->name);
	if (sigwait(&stop, &sig) != 0)
		sig = 0;
	mcp_logx(MCP_LEVEL_INFO, NULL, "stopping on signal %d", sig);
	/*
	 * In-flight requests are cut; everything a client may come back for
	 * (sessions, pending answers) is in the store.
	 */
	FCGX_ShutdownPending();
	mcp_audit_stop();
	fflush(stderr);
	_exit(0);
}
