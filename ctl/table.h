/*
 * table.h - aligned tables for people, CJK-width aware: parkplanctl's
 * tables and print_explain()'s.
 *
 * Columns are padded by display width, not bytes: a Chinese character takes
 * two terminal columns, a combining mark none.  Widths follow a small
 * East-Asian-width rule (table_text_width), the same in every locale, so
 * output does not depend on the environment.  Control characters in cells
 * are shown as spaces so that a name cannot move the cursor: C0, DEL, the
 * C1 controls (U+0080-U+009F, U+009B being CSI) and the bidi overrides,
 * embeddings and isolates (U+202A-U+202E, U+2066-U+2069) that would
 * reorder the line; a byte that is not UTF-8 is shown as '?'.  Every other
 * text parkplanctl prints for people goes through table_fputs().
 *
 *	struct table *t = table_new(3, (const char *[]){"id", "name", "score"});
 *	table_align(t, 2, TABLE_RIGHT);
 *	table_row(t);
 *	table_cell(t, "%lld", (long long)id);
 *	table_cell(t, "%s", name);
 *	...
 *	table_print(t, stdout, "  ");
 *	table_free(t);
 */
#ifndef PARKPLAN_TABLE_H
#define PARKPLAN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum table_align { TABLE_LEFT, TABLE_RIGHT };

struct table;

/* headers: ncols strings, or NULL for a table without a header line. */
struct table *table_new(size_t ncols, const char *const *headers);
void table_free(struct table *t);

void table_align(struct table *t, size_t col, enum table_align align);

/* Start a new row; the cells are then appended left to right. */
int table_row(struct table *t);
/* Append a cell to the current row (extra cells beyond ncols are dropped). */
int table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole row at once: ncols strings (NULL prints as empty). */
int table_add(struct table *t, const char *const *cells);

size_t table_rows(const struct table *t);

/*
 * Print the header (when given), a rule of dashes under it, and the rows.
 * Every line starts with indent (may be NULL); trailing blanks are not printed.
 */
void table_print(const struct table *t, FILE *f, const char *indent);

/* Display width of UTF-8 text in terminal columns; invalid bytes count 1. */
size_t table_text_width(const char *s);

/* Print s padded with blanks to width columns (left or right aligned). */
void table_pad(FILE *f, const char *s, size_t width, enum table_align align);

/*
 * s made safe for a terminal into dst (room for strlen(s) + 1 bytes: the
 * copy is never longer); newlines kept when asked.  Returns its length.
 */
size_t table_safe_copy(char *dst, const char *s, bool keep_newlines);
/* The same as a malloc'd string (NULL prints as ""); NULL when out of memory. */
char *table_safe(const char *s);
/*
 * Whether a terminal could take code point cp as something other than text:
 * a C0 control, DEL, a C1 control, a bidi override, embedding or isolate.
 */
bool table_neutralised(int32_t cp);
/* Print s made safe for a terminal, its newlines kept. */
void table_fputs(const char *s, FILE *f);

#endif
