/*
 * jsonio.h - what the snapshot and plan documents share: a JSON path for
 * error messages ("$.enterprises[3].lat: expected a number, got a string"),
 * checked conversions, null-tolerant builders, and files ("-" is stdin or
 * stdout).  Internal to the solver library.
 */
#ifndef PARKPLAN_JSONIO_H
#define PARKPLAN_JSONIO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Where a reader is in a document, and where its error message goes. */
struct jsonio_path {
	char text[512];
	size_t len;
	char *err;
	size_t errlen;
};

/* Starts at "$" and clears err. */
void jsonio_start(struct jsonio_path *p, char *err, size_t errlen);
/* Each returns the length to go back to with jsonio_pop(). */
size_t jsonio_push(struct jsonio_path *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
size_t jsonio_key(struct jsonio_path *p, const char *key);
size_t jsonio_index(struct jsonio_path *p, size_t i);
void jsonio_pop(struct jsonio_path *p, size_t old);
/* Writes "<path>: <message>" to err; returns -1. */
int jsonio_fail(struct jsonio_path *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "an object", "an array", "a string", "an integer", "a number", ... */
const char *jsonio_type_name(const json_t *v);

/* An integer, or an integral real within int64; anything else fails. */
int jsonio_int(struct jsonio_path *p, const json_t *v, int64_t *out);

/* Reads one object of an array into row; returns 0, or -1 after jsonio_fail(). */
typedef int (*jsonio_row_reader)(struct jsonio_path *p, const json_t *o, void *row);

/*
 * obj[key] (missing or null: no rows) is an array of at most max objects,
 * each read by fn into a new zeroed element of size bytes of *rows.
 */
int jsonio_rows(struct jsonio_path *p, const json_t *obj, const char *key, size_t max, size_t size,
                void **rows, size_t *n_rows, jsonio_row_reader fn);

/* Builders: a non-finite number is null; a NULL value becomes null. */
json_t *jsonio_number(double d);
json_t *jsonio_integer(int64_t v);
void jsonio_put(json_t *obj, const char *key, json_t *v);

/* Loads a document (duplicate keys refused); messages name file and line. */
json_t *jsonio_load_file(const char *path, char *err, size_t errlen);
/*
 * Writes a document just built, indented, and releases it (NULL: out of
 * memory).  Returns 0 or -1.
 */
int jsonio_write(const char *path, json_t *doc, char *err, size_t errlen);

#endif
