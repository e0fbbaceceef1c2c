/* Table-driven flag parsing; see flags.h. */
#include "base/flags.h"
#include "base/strutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void strlist_free(struct strlist *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int strlist_push(struct strlist *l, const char *s)
{
	char *copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	v[l->n++] = copy;
	l->v = v;
	return 0;
}

static bool name_eq(const char *a, const char *b, size_t blen)
{
	size_t i = 0;
	for (; i < blen && a[i]; i++) {
		char x = a[i] == '_' ? '-' : a[i];
		char y = b[i] == '_' ? '-' : b[i];
		if (x != y)
			return false;
	}
	return i == blen && a[i] == 0;
}

static struct flag *find_n(struct flag *const *tables, const char *name, size_t n)
{
	for (size_t t = 0; tables[t]; t++)
		for (struct flag *f = tables[t]; f->name; f++)
			if (name_eq(f->name, name, n))
				return f;
	return NULL;
}

struct flag *flags_find(struct flag *const *tables, const char *name)
{
	return find_n(tables, name, strlen(name));
}

static const char *type_word(enum flag_type t)
{
	switch (t) {
	case FLAG_STRING: return "string";
	case FLAG_BOOL: return "bool";
	case FLAG_INT: return "int";
	case FLAG_FLOAT: return "float";
	case FLAG_DURATION: return "duration";
	case FLAG_LIST: return "list";
	}
	return "value";
}

static void clear_value(struct flag *f)
{
	switch (f->type) {
	case FLAG_STRING:
		free(*(char **)f->dst);
		*(char **)f->dst = NULL;
		break;
	case FLAG_LIST:
		strlist_free(f->dst);
		break;
	case FLAG_BOOL:
		*(bool *)f->dst = false;
		break;
	case FLAG_INT:
	case FLAG_DURATION:
		*(int64_t *)f->dst = 0;
		break;
	case FLAG_FLOAT:
		*(double *)f->dst = 0;
		break;
	}
}

static int list_add(struct strlist *l, const char *v)
{
	const char *p = v;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char *item = strndup(p, n);
		if (!item)
			return -ENOMEM;
		int rc = n ? strlist_push(l, item) : 0;
		free(item);
		if (rc < 0)
			return rc;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* "60*60*24*7": the original's container image sets
 * FRAMEWORK_FAILOVER_TIMEOUT_SECONDS to that text, so numeric flags accept
 * a product of plain numbers. */
static int parse_product(const char *v, bool whole, double *out)
{
	char *copy = strdup(v), *save = NULL;
	double prod = 1;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, "*", &save); tok; tok = strtok_r(NULL, "*", &save)) {
		double f;
		int64_t n;
		rc = whole ? parse_int64(tok, &n) : parse_double(tok, &f);
		if (rc < 0)
			break;
		prod *= whole ? (double)n : f;
	}
	free(copy);
	if (rc == 0 && (v[0] == '*' || v[strlen(v) - 1] == '*' || strstr(v, "**")))
		rc = -EINVAL;
	if (rc == 0 && (prod > 9.2e18 || prod < -9.2e18))
		rc = -ERANGE;
	*out = prod;
	return rc;
}

/* Stores text into the flag. replace_list: a new source replaces the list
 * rather than appending (defaults and environment are replaced by argv). */
static int set_value(struct flag *f, const char *v, char *err, size_t errlen,
		     const char *where)
{
	int rc = 0;
	const char *why = NULL;

	switch (f->type) {
	case FLAG_STRING: {
		char *copy = strdup(v);
		if (!copy)
			return -ENOMEM;
		free(*(char **)f->dst);
		*(char **)f->dst = copy;
		return 0;
	}
	case FLAG_BOOL:
		rc = parse_bool(v, f->dst);
		why = "expected true or false";
		break;
	case FLAG_INT:
		if (strchr(v, '*')) {
			double p;
			rc = parse_product(v, true, &p);
			if (rc == 0)
				*(int64_t *)f->dst = (int64_t)p;
		} else {
			rc = parse_int64(v, f->dst);
		}
		why = rc == -ERANGE ? "out of range" : "expected a whole number";
		break;
	case FLAG_FLOAT:
		rc = strchr(v, '*') ? parse_product(v, false, f->dst) : parse_double(v, f->dst);
		why = rc == -ERANGE ? "out of range" : "expected a number";
		break;
	case FLAG_DURATION:
		rc = parse_duration_ms(v, f->dst);
		why = rc == -ERANGE ? "out of range"
				    : "expected a duration such as 30s, 1m30s, 500ms or a number of seconds";
		break;
	case FLAG_LIST:
		rc = list_add(f->dst, v);
		why = "out of memory";
		break;
	}
	if (rc < 0)
		snprintf(err, errlen, "%s -%s=\"%s\": %s", where, f->name, v, why);
	return rc;
}

static int apply_defaults_and_env(struct flag *const *tables, char *err, size_t errlen)
{
	for (size_t t = 0; tables[t]; t++) {
		for (struct flag *f = tables[t]; f->name; f++) {
			clear_value(f);
			f->source = FLAG_FROM_DEFAULT;
			if (f->def && set_value(f, f->def, err, errlen, "default of") < 0)
				return FLAGS_ERROR;
			const char *ev = f->env ? getenv(f->env) : NULL;
			if (ev) {
				char where[128];
				if (f->type == FLAG_LIST)
					strlist_free(f->dst);
				snprintf(where, sizeof where, "environment %s for", f->env);
				if (set_value(f, ev, err, errlen, where) < 0)
					return FLAGS_ERROR;
				f->source = FLAG_FROM_ENV;
			}
		}
	}
	return 0;
}

int flags_parse(struct flag *const *tables, int argc, char **argv, int start,
		char *err, size_t errlen)
{
	if (apply_defaults_and_env(tables, err, errlen) < 0)
		return FLAGS_ERROR;

	int i = start;
	while (i < argc) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == 0)
			break;               /* first positional word */
		if (strcmp(a, "--") == 0)
			return i + 1;
		const char *name = a + 1 + (a[1] == '-');
		if (*name == '-' || *name == '=' || *name == 0) {
			snprintf(err, errlen, "bad flag syntax: %s", a);
			return FLAGS_ERROR;
		}
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		if (!eq && (name_eq("h", name, nlen) || name_eq("help", name, nlen)))
			return FLAGS_HELP;
		struct flag *f = find_n(tables, name, nlen);
		if (!f) {
			snprintf(err, errlen, "unknown flag: -%.*s (see --help for the list)",
				 (int)nlen, name);
			return FLAGS_ERROR;
		}
		const char *val;
		if (eq) {
			val = eq + 1;
		} else if (f->type == FLAG_BOOL) {
			val = "true";
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			snprintf(err, errlen, "flag needs a value: -%s (a %s)", f->name,
				 type_word(f->type));
			return FLAGS_ERROR;
		}
		if (f->type == FLAG_LIST && f->source != FLAG_FROM_CMDLINE)
			strlist_free(f->dst);
		if (set_value(f, val, err, errlen, "flag") < 0)
			return FLAGS_ERROR;
		f->source = FLAG_FROM_CMDLINE;
		i++;
	}
	return i;
}

void flags_print_help(FILE *out, struct flag *const *tables)
{
	for (size_t t = 0; tables[t]; t++) {
		for (struct flag *f = tables[t]; f->name; f++) {
			if (f->opts & FLAG_HIDDEN)
				continue;
			char left[96];
			if (f->type == FLAG_BOOL)
				snprintf(left, sizeof left, "  -%s", f->name);
			else
				snprintf(left, sizeof left, "  -%s=%s", f->name, type_word(f->type));
			fprintf(out, "%-40s %s", left, f->help ? f->help : "");
			if (f->def && *f->def)
				fprintf(out, " (default %s)",
					f->opts & FLAG_SECRET ? "<redacted>" : f->def);
			if (f->env)
				fprintf(out, " [env %s]", f->env);
			fputc('\n', out);
		}
	}
}

static cJSON *value_json(const struct flag *f)
{
	switch (f->type) {
	case FLAG_STRING: {
		const char *s = *(char **)f->dst;
		if (f->opts & FLAG_SECRET)
			return cJSON_CreateString(s && *s ? "<redacted>" : "");
		return s ? cJSON_CreateString(s) : cJSON_CreateNull();
	}
	case FLAG_BOOL:
		return cJSON_CreateBool(*(bool *)f->dst);
	case FLAG_INT:
		return cJSON_CreateNumber((double)*(int64_t *)f->dst);
	case FLAG_FLOAT:
		return cJSON_CreateNumber(*(double *)f->dst);
	case FLAG_DURATION: {
		/* seconds, as the original's flags were written */
		return cJSON_CreateNumber((double)*(int64_t *)f->dst / 1000.0);
	}
	case FLAG_LIST: {
		const struct strlist *l = f->dst;
		cJSON *a = cJSON_CreateArray();
		for (size_t i = 0; a && i < l->n; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(
				f->opts & FLAG_SECRET ? "<redacted>" : l->v[i]));
		return a;
	}
	}
	return cJSON_CreateNull();
}

cJSON *flags_to_json(struct flag *const *tables)
{
	static const char *const src_name[] = { "default", "env", "cmdline" };
	cJSON *root = cJSON_CreateObject();
	cJSON *src = cJSON_CreateObject();
	if (!root || !src) {
		cJSON_Delete(root);
		cJSON_Delete(src);
		return NULL;
	}
	for (size_t t = 0; tables[t]; t++) {
		for (struct flag *f = tables[t]; f->name; f++) {
			cJSON_AddItemToObject(root, f->name, value_json(f));
			cJSON_AddStringToObject(src, f->name, src_name[f->source]);
		}
	}
	cJSON_AddItemToObject(root, "_sources", src);
	return root;
}

void flags_free(struct flag *const *tables)
{
	for (size_t t = 0; tables[t]; t++)
		for (struct flag *f = tables[t]; f->name; f++)
			if (f->type == FLAG_STRING || f->type == FLAG_LIST)
				clear_value(f);
}
