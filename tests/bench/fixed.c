/*
 * fixed.c: the benchmark's reference point, a FastCGI responder that
 * reads the request body and answers fixed bytes.  It does no protocol
 * work, so its rate is the ceiling of the FastCGI round trip through the
 * web server.
 *
 * By default it answers, byte for byte, what mcp.fcgi answers the bench's
 * no-auth tools/call of echo: the same status line, the same headers (the
 * CORS set every response carries, an X-Request-Id of the same length)
 * and the same body, so that the web server and the client handle the
 * same bytes in both rows and only the responder's work differs.  run.sh
 * compares the two answers before it times anything.
 *
 * With BENCH_FIXED_BARE set in its environment it answers the smallest
 * response instead (three headers, the body without resultType): the
 * cheaper exchange the ceiling used to be, kept as a row of its own.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#define THREADS	8

static const char same[] = "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 148\r\n"
    "Vary: Origin\r\n"
    "Access-Control-Allow-Methods: GET, POST, DELETE, OPTIONS\r\n"
    "Access-Control-Allow-Headers: Authorization, Content-Type, Accept, "
    "Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, "
    "Last-Event-ID\r\n"
    "Access-Control-Expose-Headers: Mcp-Session-Id, WWW-Authenticate, "
    "X-Request-Id\r\n"
    "X-Request-Id: 0123456789abcdef\r\n"
    "\r\n"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":"
    "\"text\",\"text\":\"{\\\"text\\\":\\\"hi\\\"}\"}],"
    "\"structuredContent\":{\"text\":\"hi\"},\"resultType\":\"complete\"}}";

static const char bare[] = "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 124\r\n"
    "\r\n"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":"
    "\"text\",\"text\":\"{\\\"text\\\":\\\"hi\\\"}\"}],"
    "\"structuredContent\":{\"text\":\"hi\"}}}";

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static const char	*answer = same;
static int		 answerlen = (int)sizeof(same) - 1;

static void *
worker(void *arg)
{
	FCGX_Request	 rq;
	char		 buf[8192];
	int		 n;

	(void)arg;
	FCGX_InitRequest(&rq, 0, 0);
	for (;;) {
		pthread_mutex_lock(&lock);
		n = FCGX_Accept_r(&rq);
		pthread_mutex_unlock(&lock);
		if (n < 0)
			break;
		while (FCGX_GetStr(buf, sizeof(buf), rq.in) > 0)
			continue;
		FCGX_PutStr(answer, answerlen, rq.out);
		FCGX_Finish_r(&rq);
	}
	return NULL;
}

int
main(void)
{
	pthread_t	 t[THREADS];
	sigset_t	 stop;
	int		 i, sig;

	if (getenv("BENCH_FIXED_BARE") != NULL) {
		answer = bare;
		answerlen = (int)sizeof(bare) - 1;
	}
	FCGX_Init();
	/* As in lib/server.c: libfcgi's SIGTERM handler cannot stop us. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	sigwait(&stop, &sig);
	_exit(0);
}
