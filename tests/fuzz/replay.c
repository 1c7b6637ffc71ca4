/*
 * replay.c: a fuzz target without libFuzzer, for `make test`: runs the
 * target once on each file named, in order, in one process (as libFuzzer
 * does).  `make` links one per target (build/tests/fuzz/NAME-replay) and
 * tests/run-suite.sh replays every corpus in tests/fuzz/corpus with both
 * builds, so the seeds (and the inputs that once found bugs) are
 * regression tests.  A broken invariant aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char *argv[])
{
	FILE		*f;
	uint8_t		*buf;
	long		 n;
	int		 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL ||
		    fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) == -1) {
			perror(argv[i]);
			return 1;
		}
		if ((buf = malloc((size_t)n + 1)) == NULL ||
		    fread(buf, 1, (size_t)n, f) != (size_t)n) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	return 0;
}
