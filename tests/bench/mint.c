/*
 * mint.c: bench-mint KEY.pem KID ISS AUD N: prints N distinct valid RS256
 * access tokens, one per line, for the benchmark's "distinct token per
 * request" run.  The key is parsed once and both cores sign.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "extern.h"

#define THREADS	2

static EVP_PKEY		*key;
static const char	*kid, *iss, *aud;
static long		 n;
static char		**out;
static time_t		 now;

static void *
work(void *arg)
{
	long		 i, t = (long)(intptr_t)arg;
	char		 hdr[256], pay[512], h64[400], p64[700], sig64[400];
	char		 input[1200];
	unsigned char	 sig[512];
	size_t		 siglen;
	EVP_MD_CTX	*ctx;

	snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"typ\":\"JWT\","
	    "\"kid\":\"%s\"}", kid);
	mcp_b64url_enc(h64, sizeof(h64), hdr, strlen(hdr));
	for (i = t; i < n; i += THREADS) {
		snprintf(pay, sizeof(pay), "{\"iss\":\"%s\",\"sub\":"
		    "\"bench-%ld\",\"aud\":\"%s\",\"iat\":%lld,\"exp\":%lld,"
		    "\"scope\":\"wks:read\",\"jti\":\"%ld\"}", iss, i, aud,
		    (long long)now, (long long)now + 3600, i);
		mcp_b64url_enc(p64, sizeof(p64), pay, strlen(pay));
		snprintf(input, sizeof(input), "%s.%s", h64, p64);
		siglen = sizeof(sig);
		ctx = EVP_MD_CTX_new();
		if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1 ||
		    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)input,
		    strlen(input)) != 1)
			abort();
		EVP_MD_CTX_free(ctx);
		mcp_b64url_enc(sig64, sizeof(sig64), sig, siglen);
		if (asprintf(&out[i], "%s.%s", input, sig64) == -1)
			abort();
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t	 th[THREADS];
	FILE		*f;
	long		 i;

	if (argc != 6 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: bench-mint KEY.pem KID ISS AUD N\n");
		return 2;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	kid = argv[2];
	iss = argv[3];
	aud = argv[4];
	n = strtol(argv[5], NULL, 10);
	now = time(NULL);
	if (key == NULL || n < 1 || (out = calloc((size_t)n, sizeof(*out))) ==
	    NULL)
		return 1;
	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, work, (void *)(intptr_t)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++) {
		puts(out[i]);
		free(out[i]);
	}
	free(out);
	EVP_PKEY_free(key);
	return 0;
}
