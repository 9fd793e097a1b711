/*
 * dberr.h - error messages of parkplan_db: written to a caller's buffer,
 * libpq's messages without their trailing newline.  Internal to sql/.
 */
#ifndef PARKPLAN_DBERR_H
#define PARKPLAN_DBERR_H

#include <stddef.h>

#include <libpq-fe.h>

/* Formats into err; nothing when err is NULL or errlen 0. */
void dberr_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "what: <the connection's last message>". */
void dberr_pq(char *err, size_t errlen, const char *what, const PGconn *conn);

/* "what: <the result's message>" ("no result" for NULL). */
void dberr_result(char *err, size_t errlen, const char *what, const PGresult *res);

#endif
