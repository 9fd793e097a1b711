/*
 * memory.c - how much memory a worker child may still map (worker.h,
 * worker_memory_room).
 *
 * The solve passes this to the solver as its memory-room callback, so that
 * the roster sizes its GLPK model to what is left under the child's
 * RLIMIT_AS rather than measuring the process from inside solver/.
 */
#include "worker.h"

#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Left unspent below the limit: the plan, its JSON, libc's own heap. */
#define MEMORY_MARGIN_BYTES (48.0 * 1024 * 1024)

/* The address space the process maps now (VmSize), 0 when unknown. */
static double
memory_in_use(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	long psz = sysconf(_SC_PAGESIZE);

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu", &pages) != 1)
		pages = 0;
	fclose(f);
	return (double)pages * (double)(psz > 0 ? psz : 4096);
}

double
worker_memory_room(void *arg)
{
	struct rlimit rl;
	double room;

	(void)arg;
	if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return INFINITY;
	room = (double)rl.rlim_cur - memory_in_use() - MEMORY_MARGIN_BYTES;
#ifdef __GLIBC__
	/*
	 * What malloc holds free (the snapshot's JSON, freed) is reused
	 * without mapping more: count half of it, for fragmentation.
	 */
	room += (double)mallinfo2().fordblks / 2;
#endif
	return room > 0 ? room : 0;
}
