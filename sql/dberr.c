/*
 * dberr.c - error messages of parkplan_db.
 */
#include "dberr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
dberr_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "what: msg" without the newline and blanks libpq ends msg with. */
static void
set_trimmed(char *err, size_t errlen, const char *what, const char *msg)
{
	size_t len = strlen(msg);

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	dberr_set(err, errlen, "%s: %.*s", what, (int)len, msg);
}

void
dberr_pq(char *err, size_t errlen, const char *what, const PGconn *conn)
{
	set_trimmed(err, errlen, what, PQerrorMessage(conn));
}

void
dberr_result(char *err, size_t errlen, const char *what, const PGresult *res)
{
	set_trimmed(err, errlen, what, res != NULL ? PQresultErrorMessage(res) : "no result");
}
