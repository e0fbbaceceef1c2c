/*
 * flags — one command-line parser for every mode.
 *
 * Flags are declared once, in tables ending with an entry whose name is
 * NULL. A mode passes a NULL-terminated list of tables (its own plus the
 * shared logging table), so each flag is described in one place.
 *
 * Accepted syntax, as Go's flag package plus GNU long options:
 *   -name=value  --name=value  -name value  --name value
 *   -bool  --bool  -bool=false          (a bool never takes the next word)
 * '-' and '_' in names are interchangeable (-log_dir and -log-dir).
 * Parsing stops at "--" or at the first word that is not a flag.
 *
 * Precedence: default < environment variable (flag.env) < command line.
 *
 * Storage: dst points at the caller's variable of the flag's type:
 *   FLAG_STRING   char **        (string owned by the flag; flags_free)
 *   FLAG_BOOL     bool *
 *   FLAG_INT      int64_t *
 *   FLAG_FLOAT    double *
 *   FLAG_DURATION int64_t *      (milliseconds; "90s", "1m30s", bare = seconds)
 *   FLAG_LIST     struct strlist * (comma-separated; repeats append)
 */
#ifndef EM_BASE_FLAGS_H
#define EM_BASE_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cJSON;

enum flag_type { FLAG_STRING, FLAG_BOOL, FLAG_INT, FLAG_FLOAT, FLAG_DURATION, FLAG_LIST };

enum flag_source { FLAG_FROM_DEFAULT = 0, FLAG_FROM_ENV, FLAG_FROM_CMDLINE };

/* flag.opts */
#define FLAG_SECRET   0x1u  /* value redacted in --help, --check-config and logs */
#define FLAG_HIDDEN   0x2u  /* accepted but left out of --help */

struct strlist {
	char **v;
	size_t n;
};

struct flag {
	const char *name;
	enum flag_type type;
	const char *def;      /* default as text; NULL = empty/zero */
	const char *help;
	const char *env;      /* fallback environment variable, or NULL */
	void *dst;
	unsigned opts;
	enum flag_source source;  /* filled in by flags_parse */
};

enum {
	FLAGS_HELP = -2,   /* -h / --help / -help was given */
	FLAGS_ERROR = -1,  /* err holds one line naming the flag and value */
};

/* Applies defaults, environment and argv[start..argc). Returns the index of
 * the first positional argument (argc when none), FLAGS_HELP or FLAGS_ERROR.
 * On error nothing is printed; err gets "flag -x: ..." text. */
int flags_parse(struct flag *const *tables, int argc, char **argv, int start,
		char *err, size_t errlen);

/* Looks a flag up by name ('-' and '_' equal). NULL if unknown. */
struct flag *flags_find(struct flag *const *tables, const char *name);

/* Prints "  -name value   help (default X; env VAR)" lines. */
void flags_print_help(FILE *out, struct flag *const *tables);

/* The resolved configuration: {"name": value, ...} with secrets shown as
 * "<redacted>" (or "" when unset) and each flag's source under
 * "_sources". Caller frees with cJSON_Delete. NULL on ENOMEM. */
struct cJSON *flags_to_json(struct flag *const *tables);

/* Frees strings and lists the flags own and resets them to empty. */
void flags_free(struct flag *const *tables);

void strlist_free(struct strlist *l);
int strlist_push(struct strlist *l, const char *s);

#endif
