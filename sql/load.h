/*
 * load.h - what the snapshot loader (load.c) takes from its helpers inside
 * sql/: the settings (load_settings.c).
 */
#ifndef PARKPLAN_LOAD_H
#define PARKPLAN_LOAD_H

#include <stddef.h>

#include <libpq-fe.h>

#include "snapshot.h"
#include "validate.h"

/*
 * The rows (key, value as JSON text) of the setting table into *st; each
 * bad one is a problem in *pr (entity "settings", the key as field) and
 * keeps its default.  Returns the number of problems added.
 */
size_t db_settings_parse(struct settings *st, const PGresult *res, struct problems *pr);

#endif
