/*
 * The POP3 server's lines, parsed strictly. libetpan 1.9.4 reads LIST with
 * strtol and writes the entry at index-1 of an array it grows to fit: a
 * message number 0 writes before the array, a huge one allocates gigabytes
 * (fixed upstream only in 2026). Every number here is digits only, checked
 * for overflow, and message numbers start at 1; the session then checks
 * them against STAT's count before trusting any.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "private.h"

/* Reads 1 to 19 digits at *p into *v, moving *p past them. */
static int
parse_number(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9') {
		if (i == 19)
			return -1; /* would not fit in 64 bits */
		n = n * 10 + (uint64_t)(s[i] - '0');
		i++;
	}
	if (i == 0)
		return -1;
	*v = n;
	*p = s + i;
	return 0;
}

static int
parse_u32(const char **p, uint32_t *v)
{
	uint64_t n;

	if (parse_number(p, &n) != 0 || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/* "NUMBER SP NUMBER" followed by nothing, or by a space and anything. */
static int
parse_pair(const char *s, uint32_t *a, uint64_t *b)
{
	if (parse_u32(&s, a) != 0 || *s++ != ' ' || parse_number(&s, b) != 0)
		return -1;
	return *s == '\0' || *s == ' ' ? 0 : -1;
}

int
pop_parse_status(const char *line, const char **text)
{
	int ok;

	if (strncmp(line, "+OK", 3) == 0) {
		ok = 1;
		line += 3;
	} else if (strncmp(line, "-ERR", 4) == 0) {
		ok = 0;
		line += 4;
	} else {
		*text = "";
		return -1;
	}
	if (*line == ' ')
		line++;
	else if (*line != '\0') {
		*text = "";
		return -1;
	}
	*text = line;
	return ok;
}

int
pop_parse_stat(const char *text, uint32_t *count, uint64_t *size)
{
	return parse_pair(text, count, size);
}

int
pop_parse_list_line(const char *line, uint32_t *index, uint64_t *size)
{
	if (parse_pair(line, index, size) != 0 || *index == 0)
		return -1;
	return 0;
}

int
pop_parse_uidl_line(const char *line, uint32_t *index, const char **uid,
    size_t *len)
{
	const char *p = line, *u;
	size_t n;

	if (parse_u32(&p, index) != 0 || *index == 0 || *p++ != ' ')
		return -1;
	u = p;
	while (*p >= 0x21 && *p <= 0x7e)
		p++;
	n = (size_t)(p - u);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0' || n == 0 || n > POP_UIDL_MAX)
		return -1;
	*uid = u;
	*len = n;
	return 0;
}

unsigned
pop_parse_capa_line(const char *line)
{
	static const struct {
		const char *name;
		unsigned flag;
	} caps[] = {
		{ "STLS", POP_CAP_STLS },
		{ "USER", POP_CAP_USER },
		{ "UIDL", POP_CAP_UIDL },
		{ "TOP", POP_CAP_TOP },
		{ "PIPELINING", POP_CAP_PIPELINING },
		{ "SASL", POP_CAP_SASL },
		{ "RESP-CODES", POP_CAP_RESP_CODES },
	};
	size_t i, n = strcspn(line, " \t");

	for (i = 0; i < FCT_ARRAY_LEN(caps); i++)
		if (strlen(caps[i].name) == n &&
		    strncasecmp(line, caps[i].name, n) == 0)
			return caps[i].flag;
	return 0;
}
