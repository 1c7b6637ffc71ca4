/*
 * verify.c: bench-verify JWKS TOKENS [THREADS]: the cost of verifying
 * distinct RS256 tokens in memory (parse, key lookup, signature), per
 * token and thread, without a web server in the way.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extern.h"

static struct mcp_keyset	*ks;
static char			**tok;
static long			 ntok;
static int			 nthreads;

static void *
work(void *arg)
{
	const struct mcp_key	*k;
	struct mcp_jwt		 t;
	const char		*why;
	long			 i, bad = 0;
	int			 known;

	for (i = (long)(intptr_t)arg; i < ntok; i += nthreads) {
		if (mcp_jwt_parse(tok[i], strlen(tok[i]), &t, &why) == -1) {
			bad++;
			continue;
		}
		k = mcp_keyset_find(ks, t.kid, t.algbit, &known);
		if (k == NULL || mcp_jwt_verify(&t, k) == -1)
			bad++;
		mcp_jwt_free(&t);
	}
	return (void *)(intptr_t)bad;
}

int
main(int argc, char *argv[])
{
	struct timespec	 t0, t1;
	pthread_t	 th[16];
	char		 err[256], line[4096], jwks[65536];
	size_t		 n, cap = 0;
	long		 bad = 0;
	void		*r;
	FILE		*f;
	int		 i;
	double		 s;

	if (argc < 3 || (f = fopen(argv[1], "r")) == NULL)
		return 2;
	n = fread(jwks, 1, sizeof(jwks), f);
	fclose(f);
	if ((ks = mcp_keyset_jwks(jwks, n, MCP_ALG_RS256, err,
	    sizeof(err))) == NULL || (f = fopen(argv[2], "r")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((size_t)ntok == cap && (tok = realloc(tok, (cap = cap * 2 +
		    1024) * sizeof(*tok))) == NULL)
			return 1;
		line[strcspn(line, "\n")] = '\0';
		tok[ntok++] = strdup(line);
	}
	fclose(f);
	nthreads = argc > 3 ? atoi(argv[3]) : 1;
	if (nthreads < 1 || nthreads > 16)
		nthreads = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, work, (void *)(intptr_t)i);
	for (i = 0; i < nthreads; i++) {
		pthread_join(th[i], &r);
		bad += (long)(intptr_t)r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("verified %ld distinct RS256 tokens (%ld bad) with %d threads: "
	    "%.1f us per token per thread, %.0f tokens/s\n", ntok, bad,
	    nthreads, s * 1e6 * nthreads / (double)ntok, (double)ntok / s);
	return bad != 0;
}
