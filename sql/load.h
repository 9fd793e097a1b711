/*
 * load.h - what the snapshot loader (load.c) takes from its helpers inside
 * sql/: the settings (load_settings.c).
 */
#ifndef PARKPLAN_LOAD_H
#define PARKPLAN_LOAD_H

#include <stddef.h>

#include <libpq-fe.h>

#include "snapshot.h"

/* The rows (key, value as JSON text) of the setting table into *st. */
int db_settings_parse(struct settings *st, const PGresult *res, char *err, size_t errlen);

#endif
