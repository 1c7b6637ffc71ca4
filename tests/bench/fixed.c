/*
 * fixed.c: the benchmark's reference point, a FastCGI responder that
 * reads the request body and answers one fixed JSON-RPC result.  It does
 * no protocol work, so its rate is the ceiling of the FastCGI round trip
 * through the web server.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#define THREADS	8

static const char body[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
    "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"text\\\":\\\"hi\\\"}\"}],"
    "\"structuredContent\":{\"text\":\"hi\"}}}";

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;

static void *
worker(void *arg)
{
	FCGX_Request	 rq;
	char		 buf[8192], head[256];
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
		n = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n", sizeof(body) - 1);
		FCGX_PutStr(head, n, rq.out);
		FCGX_PutStr(body, (int)sizeof(body) - 1, rq.out);
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
