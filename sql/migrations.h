/*
 * migrations.h - the schema migrations embedded at build time.
 */
#ifndef PARKPLAN_MIGRATIONS_H
#define PARKPLAN_MIGRATIONS_H

struct migration {
	int version;
	const char *file;
	const char *sql;
};

/* Ordered by version: 1, 2, ... */
extern const struct migration migrations[];
extern const int migrations_count;

#endif
