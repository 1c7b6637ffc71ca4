/*
 * tap.h: a tiny TAP producer for the unit tests.  ok() prints one line per
 * check; done() prints the plan and returns the exit status.
 */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

static int tap_n, tap_fail;

#define ok(cond, ...) do {						\
	tap_n++;							\
	if (cond)							\
		printf("ok %d - ", tap_n);				\
	else {								\
		printf("not ok %d - ", tap_n);				\
		tap_fail++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static inline int
done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail != 0;
}

#endif /* TAP_H */
