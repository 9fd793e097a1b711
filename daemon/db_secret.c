/*
 * db_secret.c - the password of parkpland's DSN, kept out of what it logs
 * and shows.  libpq quotes pieces of a DSN it cannot parse ("invalid
 * percent-encoded token: ..."), so every form a message may carry is
 * collected once (as libpq reads it, as written in a URI's user info or
 * password= parameter, percent-decoded, in a key=value string, also when
 * libpq cannot parse the DSN) and replaced by "[password]" in every
 * message of libpq's before it is logged or shown.  Each copy is wiped
 * before it is freed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parkpland.h"

static void
db_secret_add(struct db_secret *ds, const char *text, size_t len)
{
	char *copy;
	int i;

	/* one character is not worth blanking every letter of a message for */
	if (len < 2 || ds->n >= DB_SECRET_FORMS)
		return;
	copy = strndup(text, len);
	if (copy == NULL)
		return;
	for (i = 0; i < ds->n; i++) {
		if (strcmp(ds->v[i], copy) == 0) {
			wipe_free(copy);
			return;
		}
	}
	ds->v[ds->n++] = copy;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The text and, when it differs, its percent-decoding (a bad escape is kept as it is). */
static void
db_secret_add_uri(struct db_secret *ds, const char *text, size_t len)
{
	char *dec = malloc(len + 1);
	size_t i, n = 0;

	db_secret_add(ds, text, len);
	if (dec == NULL)
		return;
	for (i = 0; i < len; i++) {
		if (text[i] == '%' && i + 2 < len && hex_value((unsigned char)text[i + 1]) >= 0 &&
		    hex_value((unsigned char)text[i + 2]) >= 0) {
			dec[n++] = (char)(hex_value((unsigned char)text[i + 1]) * 16 +
			                  hex_value((unsigned char)text[i + 2]));
			i += 2;
		} else {
			dec[n++] = text[i];
		}
	}
	db_secret_add(ds, dec, n);
	explicit_bzero(dec, len + 1);
	free(dec);
}

/*
 * The password of a DSN, in every form a message may quote: as libpq
 * reads it, and as written (a URI's user info or password= parameter, a
 * key=value string's password), also when libpq cannot parse the DSN.
 */
static void
db_secret_forms(struct db_secret *ds, const char *dsn)
{
	PQconninfoOption *opts, *o;
	const char *p, *end, *at;
	char *errmsg = NULL;

	opts = PQconninfoParse(dsn, &errmsg);
	for (o = opts; o != NULL && o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
			db_secret_add(ds, o->val, strlen(o->val));
		if (o->val != NULL)
			explicit_bzero(o->val, strlen(o->val));
	}
	if (opts != NULL)
		PQconninfoFree(opts);
	if (errmsg != NULL) {
		/* it may quote the DSN */
		explicit_bzero(errmsg, strlen(errmsg));
		PQfreemem(errmsg);
	}
	if (strncmp(dsn, "postgresql://", 13) == 0 || strncmp(dsn, "postgres://", 11) == 0) {
		p = strstr(dsn, "://") + 3;
		end = p + strcspn(p, "/?");
		at = NULL;
		for (const char *q = p; q < end; q++)
			if (*q == '@')
				at = q;
		if (at != NULL) {
			const char *colon = memchr(p, ':', (size_t)(at - p));

			if (colon != NULL)
				db_secret_add_uri(ds, colon + 1, (size_t)(at - colon - 1));
		}
		for (p = strchr(dsn, '?'); p != NULL; p = strchr(p, '&')) {
			p++;
			if (strncmp(p, "password=", 9) == 0)
				db_secret_add_uri(ds, p + 9, strcspn(p + 9, "&"));
		}
		return;
	}
	/* key = value pairs: password = value, 'quoted value', or "quoted" as libpq allows */
	for (p = dsn; (p = strstr(p, "password")) != NULL; p += 8) {
		const char *v = p + 8;
		char quote;

		if (p > dsn && !isspace((unsigned char)p[-1]))
			continue;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=')
			continue;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		quote = *v == '\'' ? '\'' : 0;
		if (quote) {
			const char *q = ++v;

			while (*q != '\0' && *q != quote)
				q += q[0] == '\\' && q[1] != '\0' ? 2 : 1;
			db_secret_add(ds, v, (size_t)(q - v));
		} else {
			db_secret_add(ds, v, strcspn(v, " \t\r\n"));
		}
	}
}

/* Longest first: a form that is part of another is not matched inside it. */
static void
db_secret_sort(struct db_secret *ds)
{
	int i, j;

	for (i = 1; i < ds->n; i++)
		for (j = i; j > 0 && strlen(ds->v[j]) > strlen(ds->v[j - 1]); j--) {
			char *t = ds->v[j];

			ds->v[j] = ds->v[j - 1];
			ds->v[j - 1] = t;
		}
}

/* msg with every form of the password replaced, into out (always terminated). */
void
db_secret_scrub(const struct db_secret *ds, const char *msg, char *out, size_t outlen)
{
	size_t n = 0;
	int i;

	if (outlen == 0)
		return;
	while (*msg != '\0' && n + 1 < outlen) {
		size_t hit = 0;

		for (i = 0; i < ds->n && hit == 0; i++)
			if (strncmp(msg, ds->v[i], strlen(ds->v[i])) == 0)
				hit = strlen(ds->v[i]);
		if (hit > 0) {
			static const char mask[] = "[password]";

			for (size_t k = 0; k < sizeof(mask) - 1 && n + 1 < outlen; k++)
				out[n++] = mask[k];
			msg += hit;
			continue;
		}
		out[n++] = *msg++;
	}
	out[n] = '\0';
}

void
db_secret_collect(struct db_secret *ds, const char *dsn)
{
	memset(ds, 0, sizeof(*ds));
	db_secret_forms(ds, dsn);
	db_secret_sort(ds);
}

void
db_secret_free(struct db_secret *ds)
{
	int i;

	for (i = 0; i < ds->n; i++)
		wipe_free(ds->v[i]);
	ds->n = 0;
}
