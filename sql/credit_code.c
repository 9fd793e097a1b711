/*
 * credit_code.c - the check characters of GB 32100-2015 (unified social
 * credit codes) and GB 11714 (organisation codes): credit_code.h.
 */
#include "credit_code.h"

#include <string.h>

const char credit_code_alphabet[32] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100 weights: 3^(i-1) mod 31 for i = 1..17. */
static const int credit_weight[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                      29, 25, 13, 8,  24, 10, 30, 28};

static int
credit_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(credit_code_alphabet, c);
	return p != NULL ? (int)(p - credit_code_alphabet) : -1;
}

char
credit_code_check_char(const char *first17)
{
	int i, sum = 0;

	for (i = 0; i < 17; i++) {
		int v = credit_value(first17[i]);

		if (v < 0)
			return 0;
		sum += v * credit_weight[i];
	}
	return credit_code_alphabet[(31 - sum % 31) % 31];
}

enum credit_code_status
credit_code_verify(const char *code, int *position, char *expected)
{
	int i;
	char check;

	*position = 0;
	*expected = 0;
	if (strlen(code) != CREDIT_CODE_LEN)
		return CREDIT_CODE_LENGTH;
	for (i = 0; i < CREDIT_CODE_LEN; i++) {
		if (credit_value(code[i]) < 0) {
			*position = i + 1;
			return CREDIT_CODE_CHARACTER;
		}
	}
	for (i = 2; i < 8; i++) {
		if (code[i] < '0' || code[i] > '9') {
			*position = i + 1;
			return CREDIT_CODE_DIVISION;
		}
	}
	check = credit_code_check_char(code);
	if (check != code[17]) {
		*expected = check;
		return CREDIT_CODE_CHECK;
	}
	return CREDIT_CODE_OK;
}

char
org_code_check_char(const char *first8)
{
	static const int weight[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	int i, sum = 0, c;

	for (i = 0; i < 8; i++) {
		char ch = first8[i];
		int v;

		if (ch >= '0' && ch <= '9')
			v = ch - '0';
		else if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A' + 10;
		else
			return 0;
		sum += v * weight[i];
	}
	c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}
