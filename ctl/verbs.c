/*
 * verbs.c - the table of parkplanctl's verbs, in the order of
 * parkplanctl --help.  Each row is defined in the file of its verb; a verb
 * with an offline and a socket form has a row for each, the offline one
 * first (its claims() says when it runs).
 */
#include <stddef.h>

#include "ctl.h"

const struct ctl_verb *const ctl_verbs[] = {
    &ctl_verb_migrate,
    &ctl_verb_sample,
    &ctl_verb_import,
    &ctl_verb_imports,
    &ctl_verb_export_data,
    &ctl_verb_snapshot_db,
    &ctl_verb_snapshot_socket,
    &ctl_verb_solve,
    &ctl_verb_explain_offline,
    &ctl_verb_explain_socket,
    &ctl_verb_export_offline,
    &ctl_verb_export_socket,
    &ctl_verb_status,
    &ctl_verb_replan,
    &ctl_verb_plans,
    &ctl_verb_show,
    &ctl_verb_diff,
    &ctl_verb_approve,
    &ctl_verb_reload,
    NULL,
};
