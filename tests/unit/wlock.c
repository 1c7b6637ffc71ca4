/*
 * wlock.c: the writers' turnstile (lib/store_sqlite_wlock.c).  It must
 * exclude: threads and processes adding to one counter under it lose no
 * addition; it must give up when its time is up; a process killed while
 * holding it must not hold it forever; and the file must be private.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_sqlite.h"
#include "tap.h"

#define THREADS	4
#define ROUNDS	20000

static char	 store[256];
static volatile long *counter;	/* shared with the child processes */

static void *
adder(void *arg)
{
	struct sqlite_wlock	 w;
	char			 err[256];
	long			 v;
	int			 i, *bad = arg;

	if (sqlite_wlock_open(&w, store, 5000, err, sizeof(err)) == -1) {
		*bad = 1;
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		if (sqlite_wlock_take(&w, 5000) == -1) {
			*bad = 1;
			break;
		}
		v = *counter;		/* a read, then a write: no atomics */
		if (i % 64 == 0)
			sched_yield();
		*counter = v + 1;
		sqlite_wlock_give(&w);
	}
	sqlite_wlock_close(&w);
	return NULL;
}

int
main(void)
{
	struct sqlite_wlock	 a, b;
	pthread_t		 t[THREADS];
	struct stat		 sb;
	char			 dir[] = "/tmp/mcp-wlock.XXXXXX", err[256];
	char			 path[300];
	int			 bad[THREADS] = { 0 }, i, st, anybad = 0;
	pid_t			 pid, kids[2];

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(store, sizeof(store), "%s/mcp.db", dir);
	snprintf(path, sizeof(path), "%s-wlock", store);
	counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED)
		return 1;

	umask(022);
	ok(sqlite_wlock_open(&a, store, 5000, err, sizeof(err)) == 0,
	    "the turnstile file is made");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	    "it is 0600 under umask 022");
	ok(sqlite_wlock_open(&b, store, 5000, err, sizeof(err)) == 0,
	    "a second connection maps the same file");

	/* Held by a, b waits its time and gives up. */
	ok(sqlite_wlock_take(&a, 100) == 0, "a takes it");
	ok(sqlite_wlock_take(&a, 100) == -1, "a second take by a is refused");
	ok(sqlite_wlock_take(&b, 100) == -1, "b gives up after its 100 ms");
	sqlite_wlock_give(&a);
	ok(sqlite_wlock_take(&b, 100) == 0, "given by a, b takes it");
	sqlite_wlock_give(&b);

	/* Threads of two processes add under it: no addition is lost. */
	*counter = 0;
	for (i = 0; i < 2; i++) {
		if ((kids[i] = fork()) == 0) {
			int	 kb[THREADS] = { 0 }, j, r = 0;

			for (j = 0; j < THREADS; j++)
				pthread_create(&t[j], NULL, adder, &kb[j]);
			for (j = 0; j < THREADS; j++) {
				pthread_join(t[j], NULL);
				r |= kb[j];
			}
			_exit(r);
		}
	}
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, adder, &bad[i]);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		anybad |= bad[i];
	}
	for (i = 0; i < 2; i++)
		if (waitpid(kids[i], &st, 0) == -1 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			anybad = 1;
	ok(!anybad, "every take succeeded");
	ok(*counter == 3L * THREADS * ROUNDS,
	    "3 processes x %d threads x %d additions: %ld", THREADS, ROUNDS,
	    *counter);

	/* A holder killed with SIGKILL: the next taker gets it. */
	if ((pid = fork()) == 0) {
		struct sqlite_wlock	 c;

		if (sqlite_wlock_open(&c, store, 5000, err, sizeof(err)) == -1 ||
		    sqlite_wlock_take(&c, 1000) == -1)
			_exit(1);
		for (;;)
			pause();
	}
	/* Until the child holds it, takes succeed and are given back. */
	for (i = 0; i < 200; i++) {
		if (sqlite_wlock_take(&a, 10) == -1)
			break;
		sqlite_wlock_give(&a);
		usleep(10000);
	}
	ok(i < 200, "the child holds it");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ok(sqlite_wlock_take(&a, 1000) == 0,
	    "after its holder was killed, the next taker has it");
	sqlite_wlock_give(&a);
	ok(sqlite_wlock_take(&b, 100) == 0, "and it works as before");
	sqlite_wlock_give(&b);

	/* A file laid out by something else is refused, not trusted. */
	sqlite_wlock_close(&a);
	sqlite_wlock_close(&b);
	unlink(path);
	{
		FILE	*f = fopen(path, "w");

		if (f != NULL) {
			fputs("this is not a turnstile, but long enough to "
			    "pass for one by its size alone..........\n", f);
			fclose(f);
		}
	}
	ok(sqlite_wlock_open(&a, store, 5000, err, sizeof(err)) == -1 &&
	    strstr(err, "not laid out by this program") != NULL,
	    "a foreign file is refused: %s", err);

	/* A file left without its mark (its maker died laying it out). */
	unlink(path);
	{
		FILE	*f = fopen(path, "w");
		char	 zero[256] = { 0 };

		if (f != NULL) {
			fwrite(zero, 1, sizeof(zero), f);
			fclose(f);
		}
	}
	ok(sqlite_wlock_open(&a, store, 5000, err, sizeof(err)) == 0 &&
	    sqlite_wlock_take(&a, 100) == 0,
	    "a file without the mark is laid out anew, and works");
	sqlite_wlock_give(&a);
	ok(sqlite_wlock_open(&b, store, 5000, err, sizeof(err)) == 0 &&
	    sqlite_wlock_take(&b, 100) == 0, "and the next opener uses it");
	sqlite_wlock_give(&b);
	ok(sqlite_wlock_take(&a, 0) == 0 && sqlite_wlock_take(&b, 100) == -1,
	    "the two share it: held by one, the other waits");
	sqlite_wlock_give(&a);
	sqlite_wlock_close(&a);
	sqlite_wlock_close(&b);

	/* In memory there is one connection: no turnstile, takes succeed. */
	ok(sqlite_wlock_open(&a, ":memory:", 5000, err, sizeof(err)) == 0 &&
	    sqlite_wlock_take(&a, 0) == 0, "no turnstile for :memory:");
	sqlite_wlock_give(&a);
	sqlite_wlock_close(&a);

	unlink(path);
	rmdir(dir);
	return done();
}
