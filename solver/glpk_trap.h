/*
 * glpk_trap.h - GLPK's error hook for a process that is about to die.
 *
 * GLPK cannot go on once it called its error hook, so only a child process
 * that will exit right after (worker/solve.c) installs this.  GLPK stays
 * inside solver/: the child gets GLPK's message as one line of text.
 */
#ifndef PARKPLAN_GLPK_TRAP_H
#define PARKPLAN_GLPK_TRAP_H

#include <stdbool.h>

/*
 * Called from GLPK's error hook with GLPK's message made one line
 * ("glp_add_rows: nrs = -1; invalid number of rows; Error detected in file
 * ... at line 254"); it must not return (report, then _exit).
 */
typedef void (*glpk_trap_fn)(void *arg, const char *message);

/*
 * Install GLPK's terminal and error hooks in this process.  GLPK's own
 * output goes to stderr when verbose, and nowhere otherwise (GLPK would
 * write to stdout, which may carry parkplanctl's output).
 */
void glpk_trap_install(bool verbose, glpk_trap_fn fn, void *arg);

#endif
