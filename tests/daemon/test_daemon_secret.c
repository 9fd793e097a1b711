/*
 * test_daemon_secret.c - the DSN's password kept out of messages
 * (daemon/db_secret.c): every form libpq may quote is found, in URIs and
 * key=value strings, also in a DSN libpq cannot parse, and a message
 * carrying any of them comes out with "[password]" in its place.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "parkpland.h"

/* msg scrubbed with dsn's password must not contain any of hidden[], and must contain want. */
static void
expect_scrub(const char *dsn, const char *msg, const char *const *hidden, const char *want)
{
	struct db_secret ds;
	char out[1024];
	size_t i;

	db_secret_collect(&ds, dsn);
	db_secret_scrub(&ds, msg, out, sizeof(out));
	for (i = 0; hidden[i] != NULL; i++)
		CHECK_MSG(strstr(out, hidden[i]) == NULL, "'%s' left in '%s' (DSN %s)", hidden[i],
		          out, dsn);
	if (want != NULL)
		CHECK_MSG(strstr(out, want) != NULL, "'%s' not in '%s'", want, out);
	db_secret_free(&ds);
}

int
main(void)
{
	/* a URI libpq cannot parse: its message quotes the token */
	expect_scrub("postgresql://u:S3CR%ZZET@db.example/parkplan",
	             "invalid percent-encoded token: \"S3CR%ZZET\"",
	             (const char *[]){"S3CR", "ZZET", NULL},
	             "invalid percent-encoded token: \"[password]\"");
	/* a good URI: the written and the decoded forms */
	expect_scrub("postgresql://planner:p%40ss%2Fword@db/parkplan?sslmode=require",
	             "x p%40ss%2Fword y p@ss/word z", (const char *[]){"p%40ss", "p@ss", NULL},
	             "x [password] y [password] z");
	/* the password as a URI parameter */
	expect_scrub("postgres:///parkplan?host=/run/pg&password=Hunter22&user=u",
	             "FATAL: password authentication failed (Hunter22)",
	             (const char *[]){"Hunter22", NULL}, "authentication failed ([password])");
	/* key=value, plain and quoted with an escape */
	expect_scrub("host=db password=plainsecret dbname=parkplan", "bad: plainsecret!",
	             (const char *[]){"plainsecret", NULL}, "bad: [password]!");
	expect_scrub("host=db password = 'two words\\'q' dbname=parkplan",
	             "missing \"=\" after \"two words'q\" and two words\\'q",
	             (const char *[]){"two words", NULL}, NULL);
	/* no password: the message is as it was */
	expect_scrub("host=/run/postgresql dbname=parkplan", "could not connect: no such file",
	             (const char *[]){NULL}, "could not connect: no such file");
	/* a message longer than the buffer stays terminated */
	{
		struct db_secret ds;
		char big[3000], out[64];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		db_secret_collect(&ds, "password=aaaa");
		db_secret_scrub(&ds, big, out, sizeof(out));
		CHECK(strlen(out) < sizeof(out));
		CHECK(strstr(out, "aaaa") == NULL);
		db_secret_free(&ds);
	}
	return check_done("test_daemon_secret");
}
