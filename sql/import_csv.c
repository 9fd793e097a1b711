/*
 * import_csv.c - a list's file: its bytes (bounded), their SHA-256, the
 * encoding (a UTF-8 byte-order mark, else valid UTF-8, else GB18030, or
 * as told), the text as UTF-8 (glibc iconv), and its records (libcsv),
 * each with the line it starts on.
 *
 * An invalid byte of the encoding does not stop the reading: it is kept in
 * the text as 0xFF and two hex digits (0xFF never occurs in UTF-8), so that
 * the check names the line and column it sits in, with every other problem
 * of the file.  NUL bytes are treated the same way.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "import_impl.h"
#include "utf8.h"

/* --- an arena for the cells -------------------------------------------------- */

struct imp_arena_block {
	struct imp_arena_block *next;
	size_t used, size;
	char data[];
};

static void *
arena_alloc(struct imp_arena_block **head, size_t n)
{
	struct imp_arena_block *b = *head;

	n = (n + 7) & ~(size_t)7;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > (1u << 20) ? n : (1u << 20);

		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = *head;
		*head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

/* --- encodings ---------------------------------------------------------------- */

bool
imp_utf8_valid(const unsigned char *s, size_t len)
{
	/* a NUL byte is UTF-8, but no CSV cell may hold one */
	return len == 0 || (memchr(s, 0, len) == NULL && utf8_valid((const char *)s, len, NULL));
}

enum imp_encoding
imp_detect_encoding(const unsigned char *s, size_t len)
{
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return IMP_ENC_UTF8_BOM;
	return imp_utf8_valid(s, len) ? IMP_ENC_UTF8 : IMP_ENC_GB18030;
}

/* A growing output buffer. */
struct outbuf {
	char *p;
	size_t len, cap;
};

static int
out_reserve(struct outbuf *o, size_t more)
{
	if (o->cap - o->len < more) {
		size_t cap = o->cap ? o->cap : 4096;
		char *p;

		while (cap - o->len < more)
			cap *= 2;
		p = realloc(o->p, cap);
		if (p == NULL)
			return -1;
		o->p = p;
		o->cap = cap;
	}
	return 0;
}

static int
out_bad_byte(struct outbuf *o, unsigned char b)
{
	if (out_reserve(o, 3) < 0)
		return -1;
	o->p[o->len++] = IMP_BAD_BYTE;
	o->len += (size_t)snprintf(o->p + o->len, 3, "%02X", b);
	return 0;
}

/* UTF-8 in, UTF-8 out: invalid bytes (and NUL) marked. */
static int
copy_utf8(const unsigned char *s, size_t len, struct outbuf *o)
{
	size_t i = 0, n;

	if (out_reserve(o, len + 1) < 0)
		return -1;
	while (i < len) {
		if (s[i] < 0x80 && s[i] != 0) {
			o->p[o->len++] = (char)s[i++];
			continue;
		}
		n = s[i] == 0 ? 0 : utf8_decode(s + i, len - i, NULL);
		if (n == 0) {
			if (out_bad_byte(o, s[i]) < 0 || out_reserve(o, len - i + 1) < 0)
				return -1;
			i++;
			continue;
		}
		memcpy(o->p + o->len, s + i, n);
		o->len += n;
		i += n;
	}
	return 0;
}

/* Any encoding iconv knows to UTF-8, invalid bytes marked. */
static int
iconv_to_utf8(const char *from, const unsigned char *s, size_t len, struct outbuf *o)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char *in = (char *)s;
	size_t left = len;

	if (cd == (iconv_t)-1)
		return -1;
	while (left > 0) {
		char *out;
		size_t room, rc;

		if (out_reserve(o, left * 2 + 16) < 0)
			goto fail;
		out = o->p + o->len;
		room = o->cap - o->len;
		rc = iconv(cd, &in, &left, &out, &room);
		o->len = (size_t)(out - o->p);
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno != EILSEQ && errno != EINVAL)
			goto fail;
		/* an invalid byte, or a sequence cut short at the end: mark one byte */
		if (out_bad_byte(o, (unsigned char)*in) < 0)
			goto fail;
		in++;
		left--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	/* iconv passes NUL bytes through: mark them as copy_utf8 does */
	{
		struct outbuf clean = {NULL, 0, 0};
		size_t i;

		if (o->len == 0 || memchr(o->p, 0, o->len) == NULL)
			return 0;
		for (i = 0; i < o->len; i++) {
			if (out_reserve(&clean, 4) < 0) {
				free(clean.p);
				return -1;
			}
			if (o->p[i] == '\0') {
				if (out_bad_byte(&clean, 0) < 0) {
					free(clean.p);
					return -1;
				}
			} else {
				clean.p[clean.len++] = o->p[i];
			}
		}
		free(o->p);
		*o = clean;
	}
	return 0;
fail:
	iconv_close(cd);
	return -1;
}

char *
imp_to_gb18030(const char *s, size_t len, size_t *out_len)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	struct outbuf o = {NULL, 0, 0};
	char *in = (char *)s;
	size_t left = len;

	if (cd == (iconv_t)-1)
		return NULL;
	if (out_reserve(&o, len * 2 + 16) < 0)
		goto fail;
	while (left > 0) {
		char *out = o.p + o.len;
		size_t room = o.cap - o.len, rc = iconv(cd, &in, &left, &out, &room);

		o.len = (size_t)(out - o.p);
		if (rc != (size_t)-1)
			break;
		if (errno != E2BIG || out_reserve(&o, left * 2 + 16) < 0)
			goto fail;
	}
	iconv_close(cd);
	*out_len = o.len;
	return o.p;
fail:
	iconv_close(cd);
	free(o.p);
	return NULL;
}

/* --- records ------------------------------------------------------------------ */

struct reader {
	struct imp_file *f;
	char **cells; /* the record being read */
	size_t *lens;
	int n;
	size_t cap_rows;
	long line;     /* the line being fed to the parser */
	long newlines; /* line breaks inside the record's quoted cells */
	bool nomem;
};

static void
on_cell(void *s, size_t len, void *arg)
{
	struct reader *r = arg;
	char *cell;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = ((const char *)s)[i];

		if (c == '\n' || (c == '\r' && (i + 1 == len || ((const char *)s)[i + 1] != '\n')))
			r->newlines++;
	}
	if (r->n < IMP_MAX_COLUMNS) {
		cell = arena_alloc(&r->f->arena, len + 1);
		if (cell == NULL) {
			r->nomem = true;
			return;
		}
		if (len > 0)
			memcpy(cell, s, len);
		cell[len] = '\0';
		r->cells[r->n] = cell;
	}
	r->n++;
}

static void
on_record(int c, void *arg)
{
	struct reader *r = arg;
	struct imp_file *f = r->f;
	struct imp_row *row;
	int i, kept = r->n < IMP_MAX_COLUMNS ? r->n : IMP_MAX_COLUMNS;
	bool empty = true;

	(void)c;
	for (i = 0; i < kept && empty; i++) {
		const char *p = r->cells[i];

		/* spaces only (ASCII or U+3000) count as empty */
		while (*p == ' ' || *p == '\t' || strncmp(p, "\xe3\x80\x80", 3) == 0)
			p += *p == ' ' || *p == '\t' ? 1 : 3;
		empty = *p == '\0';
	}
	if (!empty && f->n_rows > IMP_MAX_ROWS) {
		f->too_many_rows = true;
	} else if (!empty && !r->nomem) {
		if (f->n_rows == r->cap_rows) {
			size_t cap = r->cap_rows ? r->cap_rows * 2 : 1024;
			struct imp_row *v = realloc(f->rows, cap * sizeof(*v));

			if (v == NULL) {
				r->nomem = true;
				goto out;
			}
			f->rows = v;
			r->cap_rows = cap;
		}
		row = &f->rows[f->n_rows];
		row->line = r->line - r->newlines;
		row->n = r->n;
		row->cell = arena_alloc(&f->arena, (size_t)(kept > 0 ? kept : 1) * sizeof(char *));
		if (row->cell == NULL) {
			r->nomem = true;
			goto out;
		}
		memcpy(row->cell, r->cells, (size_t)kept * sizeof(char *));
		f->n_rows++;
	}
out:
	r->n = 0;
	r->newlines = 0;
}

/* Feed the text to libcsv a line at a time, so that each record knows its line. */
static int
parse_records(struct imp_file *f, char *err, size_t errlen)
{
	struct csv_parser p;
	struct reader r;
	char *cells[IMP_MAX_COLUMNS];
	size_t pos = 0;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.f = f;
	r.cells = cells;
	if (csv_init(&p, 0) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r.line = 1;
	while (pos < f->text_len && !r.nomem) {
		size_t end = pos;

		while (
		    end < f->text_len && f->text[end] != '\n' &&
		    !(f->text[end] == '\r' && (end + 1 == f->text_len || f->text[end + 1] != '\n')))
			end++;
		if (end < f->text_len)
			end++;
		if (csv_parse(&p, f->text + pos, end - pos, on_cell, on_record, &r) != end - pos) {
			snprintf(err, errlen, "reading the CSV: %s", csv_strerror(csv_error(&p)));
			rc = -1;
			break;
		}
		pos = end;
		if (pos < f->text_len || f->text[pos - 1] == '\n' || f->text[pos - 1] == '\r')
			r.line++;
	}
	/*
	 * A quoted cell still open at the end: libcsv's state (csv.h's public
	 * struct; 2 is "field begun") says so before csv_fini closes it.
	 */
	if (rc == 0 && p.quoted && p.pstate == 2) {
		f->unclosed_quote =
		    r.line - r.newlines - (f->text_len > 0 && f->text[f->text_len - 1] == '\n');
		if (f->unclosed_quote < 1)
			f->unclosed_quote = 1;
	}
	if (rc == 0)
		csv_fini(&p, on_cell, on_record, &r);
	csv_free(&p);
	if (rc == 0 && r.nomem) {
		snprintf(err, errlen, "out of memory while reading the CSV");
		rc = -1;
	}
	return rc;
}

int
imp_file_parse(struct imp_file *f, const void *data, size_t len, enum imp_encoding enc, char *err,
               size_t errlen)
{
	const unsigned char *s = data;
	struct outbuf o = {NULL, 0, 0};
	int rc;

	memset(f, 0, sizeof(*f));
	if (len > IMP_MAX_FILE_BYTES) {
		snprintf(err, errlen, "the file has %zu bytes, more than the limit of %u", len,
		         IMP_MAX_FILE_BYTES);
		return -1;
	}
	sha256_hex(data, len, f->sha256);
	if (enc == IMP_ENC_AUTO)
		enc = imp_detect_encoding(s, len);
	if ((enc == IMP_ENC_UTF8 || enc == IMP_ENC_UTF8_BOM) && len >= 3 && s[0] == 0xef &&
	    s[1] == 0xbb && s[2] == 0xbf) {
		enc = IMP_ENC_UTF8_BOM;
		s += 3;
		len -= 3;
	}
	f->encoding = enc;
	if (enc == IMP_ENC_GB18030)
		rc = iconv_to_utf8("GB18030", s, len, &o);
	else
		rc = copy_utf8(s, len, &o);
	if (rc < 0 || out_reserve(&o, 1) < 0) {
		free(o.p);
		snprintf(err, errlen, "out of memory (or no iconv for GB18030) while decoding");
		return -1;
	}
	o.p[o.len] = '\0';
	f->text = o.p;
	f->text_len = o.len;
	return parse_records(f, err, errlen);
}

int
imp_file_read(struct imp_file *f, const char *path, enum imp_encoding enc, char *err, size_t errlen)
{
	FILE *in = fopen(path, "rb");
	struct stat st;
	unsigned char *buf;
	size_t got;
	int rc;

	memset(f, 0, sizeof(*f));
	if (in == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(in);
		return -1;
	}
	if ((unsigned long long)st.st_size > IMP_MAX_FILE_BYTES) {
		snprintf(err, errlen, "%s: %lld bytes, more than the limit of %u (256 MiB)", path,
		         (long long)st.st_size, IMP_MAX_FILE_BYTES);
		fclose(in);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		fclose(in);
		return -1;
	}
	got = fread(buf, 1, (size_t)st.st_size + 1, in);
	if (ferror(in) || got > (size_t)st.st_size) {
		snprintf(err, errlen, "%s: could not be read whole", path);
		free(buf);
		fclose(in);
		return -1;
	}
	fclose(in);
	rc = imp_file_parse(f, buf, got, enc, err, errlen);
	if (rc < 0) {
		free(buf);
		imp_file_free(f);
		return -1;
	}
	f->raw = buf;
	f->raw_len = got;
	return 0;
}

void
imp_file_free(struct imp_file *f)
{
	struct imp_arena_block *b = f->arena, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(f->rows);
	free(f->text);
	free(f->raw);
	memset(f, 0, sizeof(*f));
}
