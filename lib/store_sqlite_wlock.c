/*
 * store_sqlite_wlock.c: the writers' turnstile.
 *
 * SQLite lets one writer at a time into a database.  The others get
 * SQLITE_BUSY, and sqlite3_busy_timeout()'s handler sleeps 1, 2, 5 ...
 * 100 ms between tries: under contention a writer sleeps long past the
 * moment the lock was freed, and a write's p99 is that sleep.
 *
 * So every write transaction of every process first takes one
 * process-shared, robust mutex kept in a file beside the store
 * (STORE-wlock, 0600).  Writers wait on it in the kernel, and the next
 * one runs as soon as the last commits.  A process that died holding it
 * (kill -9) leaves it to the next taker, whom the kernel tells so
 * (EOWNERDEAD); SQLite rolls back what that process had not committed.
 *
 * Writers outside the turnstile (a single-statement write, the sqlite3
 * shell) still meet SQLite's own lock: the busy handler waits on the
 * turnstile while someone holds it, and otherwise sleeps 0.5 ms, then
 * longer up to 8 ms, within the busy timeout in all.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_sqlite.h"

/* What the file holds: a mark of the layout, then the mutex. */
struct shared {
	uint64_t	 mark;
	pthread_mutex_t	 m;
};
#define MARK	(0x6d63702d776c6b00ULL | (uint64_t)sizeof(pthread_mutex_t))

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
init_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t	 a;
	int			 rc;

	if (pthread_mutexattr_init(&a) != 0)
		return -1;
	rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) ||
	    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST) ||
	    pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return rc ? -1 : 0;
}

int
sqlite_wlock_open(struct sqlite_wlock *w, const char *store, int busy_ms,
    char *err, size_t errsz)
{
	char		 path[1100];
	struct stat	 sb;
	struct shared	*sh = MAP_FAILED;
	int		 fd;

	memset(w, 0, sizeof(*w));
	w->busy_ms = busy_ms;
	if (strcmp(store, ":memory:") == 0 || strncmp(store, "file:", 5) == 0)
		return 0;		/* one connection: no one to wait for */
	if ((size_t)snprintf(path, sizeof(path), "%s-wlock", store) >=
	    sizeof(path)) {
		snprintf(err, errsz, "%s-wlock: path too long", store);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	/*
	 * One process lays the file out; the others wait for it.  A file
	 * without the mark (new, or its maker died before the end) is
	 * used by no one: the mark comes last.
	 */
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &sb) == -1)
		goto fail;
	if ((size_t)sb.st_size < sizeof(*sh) &&
	    ftruncate(fd, sizeof(*sh)) == -1)
		goto fail;
	if ((sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0)) == MAP_FAILED)
		goto fail;
	if (sh->mark == 0) {
		if (init_mutex(&sh->m) == -1) {
			errno = EINVAL;
			goto fail;
		}
		sh->mark = MARK;
	} else if (sh->mark != MARK) {
		snprintf(err, errsz, "%s: not laid out by this program "
		    "(remove it while no process has the store open)", path);
		munmap(sh, sizeof(*sh));
		flock(fd, LOCK_UN);
		close(fd);
		return -1;
	}
	/* The map keeps the open file, and so its flock, unless undone. */
	flock(fd, LOCK_UN);
	close(fd);
	w->sh = sh;
	return 0;
fail:
	snprintf(err, errsz, "%s: %s", path, strerror(errno));
	if (sh != MAP_FAILED)
		munmap(sh, sizeof(*sh));
	flock(fd, LOCK_UN);
	close(fd);
	return -1;
}

void
sqlite_wlock_close(struct sqlite_wlock *w)
{
	if (w->held)
		sqlite_wlock_give(w);
	if (w->sh != NULL)
		munmap(w->sh, sizeof(struct shared));
	w->sh = NULL;
}

/* Waits for the mutex until the monotonic deadline (ms); 0 or -1. */
static int
lock_until(struct sqlite_wlock *w, int64_t deadline)
{
	struct timespec	 ts;
	int		 rc;

	ts.tv_sec = deadline / 1000;
	ts.tv_nsec = (deadline % 1000) * 1000000;
	rc = pthread_mutex_clocklock(&w->sh->m, CLOCK_MONOTONIC, &ts);
	if (rc == EOWNERDEAD) {
		/* Its holder died: SQLite undid its transaction. */
		pthread_mutex_consistent(&w->sh->m);
		rc = 0;
	}
	return rc == 0 ? 0 : -1;
}

int
sqlite_wlock_take(struct sqlite_wlock *w, int ms)
{
	if (w->sh == NULL)
		return 0;
	if (w->held)
		return -1;		/* a second take would wait on itself */
	if (lock_until(w, now_ms() + ms) == -1)
		return -1;
	w->held = 1;
	return 0;
}

void
sqlite_wlock_give(struct sqlite_wlock *w)
{
	if (w->sh == NULL || !w->held)
		return;
	w->held = 0;
	pthread_mutex_unlock(&w->sh->m);
}

int
sqlite_wlock_busy(void *arg, int n)
{
	struct sqlite_wlock	*w = arg;
	struct timespec		 pause;
	int64_t			 t = now_ms();

	if (n == 0)
		w->busy_since = t;
	if (t - w->busy_since >= w->busy_ms)
		return 0;
	/*
	 * Holding the turnstile, the lock's holder is a writer outside it:
	 * a short sleep.  Otherwise wait for the turnstile's holder to
	 * finish (no wait when there is none), then try again.
	 */
	if (w->sh != NULL && !w->held &&
	    lock_until(w, w->busy_since + w->busy_ms) == 0) {
		pthread_mutex_unlock(&w->sh->m);
		if (now_ms() - t >= 1)
			return 1;	/* a writer just finished */
	}
	/* 0.5 ms, doubling to 8 ms: a writer outside may hold it long. */
	pause.tv_sec = 0;
	pause.tv_nsec = (500L * 1000) << (n < 4 ? n : 4);
	nanosleep(&pause, NULL);
	return 1;
}
