/*
 * credit_code.h - the unified social credit code (统一社会信用代码) of
 * GB 32100-2015: 18 characters, the last a check character computed from
 * the first 17; and the organisation code's check digit of GB 11714 (the
 * 9th to 17th characters of a credit code are an organisation code).
 * The schema checks the same rule in SQL (sql/003_external_keys.sql).
 */
#ifndef PARKPLAN_CREDIT_CODE_H
#define PARKPLAN_CREDIT_CODE_H

#define CREDIT_CODE_LEN 18

/* The 31 characters of a credit code, in the order of their values 0..30. */
extern const char credit_code_alphabet[32];

enum credit_code_status {
	CREDIT_CODE_OK,
	CREDIT_CODE_LENGTH,    /* not 18 characters */
	CREDIT_CODE_CHARACTER, /* a character outside the alphabet (I, O, S, V, Z, lower case, ...)
	                        */
	CREDIT_CODE_DIVISION,  /* the 3rd to 8th characters are not digits */
	CREDIT_CODE_CHECK,     /* the 18th is not the check character */
};

/* The check character of the first 17 characters; 0 when one is outside the alphabet. */
char credit_code_check_char(const char *first17);

/*
 * Check a code; *position is the 1-based position of the offending
 * character (CREDIT_CODE_CHARACTER, CREDIT_CODE_DIVISION) and *expected
 * the check character the code should end with (CREDIT_CODE_CHECK).
 */
enum credit_code_status credit_code_verify(const char *code, int *position, char *expected);

/* GB 11714: the check character of an 8-character organisation code body; 0 when bad. */
char org_code_check_char(const char *first8);

#endif
