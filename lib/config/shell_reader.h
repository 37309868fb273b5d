/* SPDX-License-Identifier: BSD-3-Clause */
/* shell_reader.h - reads the subset of shell that /etc/default files are
 * written in (upstream's init scripts source them): VAR=value, quotes,
 * backslash escapes, '#' comments, 'export', and arrays VAR=(a b c) that may
 * span lines. It does not expand $variables, and refuses what it cannot
 * read (expansions, pipes, redirections) naming the line and what to write
 * instead. It knows no variable: every assignment goes to the caller
 * (config.c holds the variables). */
#ifndef VIO4WD_SHELL_READER_H
#define VIO4WD_SHELL_READER_H

#include <stddef.h>

#define SHELL_MAX_NAME  128  /* a variable name, with its NUL */
#define SHELL_MAX_WORDS 128  /* entries of one array */
#define SHELL_MAX_WORD  1024 /* one value, with its NUL */

/* One "[export] NAME=value" or "NAME=(a b c)", quotes removed. */
struct shell_assignment {
    char name[SHELL_MAX_NAME];
    char words[SHELL_MAX_WORDS][SHELL_MAX_WORD];
    unsigned lines[SHELL_MAX_WORDS]; /* the line each word starts on */
    size_t n_words;                  /* 1 for NAME=value, even if empty */
};

enum shell_verdict {
    SHELL_ACCEPT = 0,
    SHELL_WARN = 1,    /* taken (or ignored) with a warning in 'why' */
    SHELL_REJECT = -1, /* an error: the reason in 'why', *item the word at fault */
};

/* The caller's handling of one assignment. 'why' holds no position: the
 * reader puts "origin:line: " in front, the line of the assignment for a
 * warning and that of words[*item] for a rejection. */
typedef enum shell_verdict shell_assign_fn(void *opaque, const struct shell_assignment *a,
                                           char *why, size_t whylen, size_t *item);

/* Receives one warning; may be NULL. */
typedef void shell_warn_fn(const char *message, void *opaque);

/* Reads text[0..len) (need not end in NUL) and hands every assignment to
 * 'assign', in order. Stops at the first syntax error or rejection.
 * Returns 0, or -1 with err ("origin:line: what is wrong"). */
int shell_read(const char *text, size_t len, const char *origin, shell_assign_fn *assign,
               shell_warn_fn *warn, void *opaque, char *err, size_t errlen);

#endif
