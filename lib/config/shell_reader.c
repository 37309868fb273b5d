/* SPDX-License-Identifier: BSD-3-Clause */
/* shell_reader.c - the shell subset of /etc/default files; see
 * shell_reader.h. A hand-written scanner: the grammar is small, and every
 * error names the line and what to write instead. */
#include "shell_reader.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    const char *p, *end;
    unsigned line;
    const char *origin;
    char *err;
    size_t errlen;
};

static int syntax_error(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int syntax_error(struct reader *r, const char *fmt, ...)
{
    int n = snprintf(r->err, r->errlen, "%s:%u: ", r->origin, r->line);
    if (n >= 0 && (size_t)n < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool at_end(const struct reader *r)
{
    return r->p >= r->end;
}

/* Length of the text from 'from' to the end of its line, at most 'cap':
 * the buffer need not be NUL-terminated, so no str*() on it. */
static int line_length(const struct reader *r, const char *from, int cap)
{
    int n = 0;
    while (from + n < r->end && from[n] != '\n' && n < cap)
        n++;
    return n;
}

static void skip_blanks(struct reader *r)
{
    while (!at_end(r) && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
        r->p++;
}

static void skip_to_eol(struct reader *r)
{
    while (!at_end(r) && *r->p != '\n')
        r->p++;
}

static void next_line(struct reader *r)
{
    skip_to_eol(r);
    if (!at_end(r)) {
        r->p++;
        r->line++;
    }
}

static int append_char(struct reader *r, char *word, size_t *len, char c)
{
    if (c == '\0')
        return syntax_error(r, "NUL byte in value");
    if (*len + 1 >= SHELL_MAX_WORD)
        return syntax_error(r, "value longer than %d characters", SHELL_MAX_WORD - 1);
    word[(*len)++] = c;
    return 0;
}

/* Reads one shell word: unquoted text, '...', "..." and backslash escapes,
 * stopping at unquoted whitespace, ')' (inside arrays) or end of line. */
static int read_word(struct reader *r, bool in_array, char *word)
{
    size_t len = 0;
    unsigned start_line = r->line;

    while (!at_end(r)) {
        char c = *r->p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (in_array && c == ')'))
            break;
        if (c == '(' || c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == '`')
            return syntax_error(r, "unquoted '%c' in value; quote the value", c);
        if (c == '$' && r->p + 1 < r->end &&
            (r->p[1] == '{' || r->p[1] == '(' || isalpha((unsigned char)r->p[1])))
            return syntax_error(r, "shell expansion ('$') is not supported here; "
                                   "write the value itself");
        r->p++;
        if (c == '\\') {
            if (at_end(r))
                break;
            c = *r->p++;
            if (c == '\n') { /* line continuation */
                r->line++;
                continue;
            }
            if (append_char(r, word, &len, c) < 0)
                return -1;
        } else if (c == '\'' || c == '"') {
            char quote = c;
            while (!at_end(r) && *r->p != quote) {
                c = *r->p++;
                if (c == '\n')
                    r->line++;
                if (quote == '"' && c == '\\' && !at_end(r) && strchr("\"\\$`", *r->p))
                    c = *r->p++;
                if (append_char(r, word, &len, c) < 0)
                    return -1;
            }
            if (at_end(r)) {
                r->line = start_line;
                return syntax_error(r, "unterminated %c quote", quote);
            }
            r->p++;
        } else if (append_char(r, word, &len, c) < 0) {
            return -1;
        }
    }
    word[len] = '\0';
    return 0;
}

/* After a value only blanks and a comment may follow on the line. */
static int expect_line_end(struct reader *r, const char *name)
{
    skip_blanks(r);
    if (!at_end(r) && *r->p == '#')
        skip_to_eol(r);
    if (!at_end(r) && *r->p != '\n') {
        return syntax_error(r,
                            "%s: unexpected '%.*s' after the value; quote a value that has "
                            "spaces, or write a list as %s=(a b c)",
                            name, line_length(r, r->p, 40), r->p, name);
    }
    return 0;
}

/* Reads "(a b c)" which may span lines and hold comments; *r->p is '('. */
static int read_array(struct reader *r, const char *name, char (*words)[SHELL_MAX_WORD],
                      unsigned *lines, size_t *n)
{
    unsigned start_line = r->line;
    r->p++;
    *n = 0;
    for (;;) {
        while (!at_end(r) && isspace((unsigned char)*r->p)) {
            if (*r->p == '\n')
                r->line++;
            r->p++;
        }
        if (at_end(r)) {
            r->line = start_line;
            return syntax_error(r, "%s=( has no closing ')'", name);
        }
        if (*r->p == ')') {
            r->p++;
            return 0;
        }
        if (*r->p == '#') {
            skip_to_eol(r);
            continue;
        }
        if (*n == SHELL_MAX_WORDS)
            return syntax_error(r, "%s has more than %d entries", name, SHELL_MAX_WORDS);
        lines[*n] = r->line;
        if (read_word(r, true, words[*n]) < 0)
            return -1;
        (*n)++;
    }
}

static bool is_name_char(char c, bool first)
{
    return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

/* Reads "[export] NAME=value" at the current position. Returns 1 on a line
 * with no assignment, 0 with *a filled, -1 on error. */
static int read_assignment(struct reader *r, struct shell_assignment *a)
{
    skip_blanks(r);
    if (at_end(r) || *r->p == '\n' || *r->p == '#')
        return 1;
    if (r->end - r->p > 7 && strncmp(r->p, "export", 6) == 0 &&
        (r->p[6] == ' ' || r->p[6] == '\t')) {
        r->p += 6;
        skip_blanks(r);
    }

    size_t len = 0;
    while (!at_end(r) && is_name_char(*r->p, len == 0) && len + 1 < sizeof(a->name))
        a->name[len++] = *r->p++;
    a->name[len] = '\0';
    if (len == 0 || at_end(r) || *r->p != '=') {
        return syntax_error(r, "expected VARIABLE=value, found '%.*s'",
                            line_length(r, r->p - len, 60), r->p - len);
    }
    r->p++;

    if (!at_end(r) && *r->p == '(') {
        if (read_array(r, a->name, a->words, a->lines, &a->n_words) < 0)
            return -1;
    } else {
        a->lines[0] = r->line;
        if (read_word(r, false, a->words[0]) < 0)
            return -1;
        a->n_words = 1;
    }
    return expect_line_end(r, a->name) < 0 ? -1 : 0;
}

static void warn_about(struct reader *r, shell_warn_fn *warn, void *opaque, const char *why)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "%s:%u: %s", r->origin, r->line, why);
    if (warn)
        warn(msg, opaque);
}

int shell_read(const char *text, size_t len, const char *origin, shell_assign_fn *assign,
               shell_warn_fn *warn, void *opaque, char *err, size_t errlen)
{
    struct reader r = {text, text + len, 1, origin, err, errlen};
    /* ~130 KiB: too big for a daemon thread's stack. */
    struct shell_assignment *a = malloc(sizeof(*a));
    int rc = 0;

    if (!a)
        return snprintf(err, errlen, "%s: out of memory", origin), -1;
    while (!at_end(&r) && rc == 0) {
        unsigned line = r.line;
        a->lines[0] = line;
        int got = read_assignment(&r, a);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0) {
            char why[512] = "";
            size_t item = 0;
            unsigned end_line = r.line;
            r.line = line; /* report at the line the variable starts on */
            switch (assign(opaque, a, why, sizeof(why), &item)) {
            case SHELL_ACCEPT:
                break;
            case SHELL_WARN:
                warn_about(&r, warn, opaque, why);
                break;
            case SHELL_REJECT:
                r.line = a->lines[item < a->n_words ? item : 0];
                syntax_error(&r, "%s", why);
                rc = -1;
                break;
            }
            r.line = end_line;
        }
        next_line(&r);
    }
    free(a);
    return rc;
}
