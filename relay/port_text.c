/* SPDX-License-Identifier: BSD-3-Clause */
/* port_text.c - relay numbers and device strings as text. */
#include "port_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "config.h"

bool port_text_relay_id(const char *text, unsigned *id)
{
    char *end;
    if (!isdigit((unsigned char)text[0]))
        return false;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v >= VIO4WD_MAX_RELAYS)
        return false;
    *id = (unsigned)v;
    return true;
}

bool port_text_is_device(const char *text)
{
    if (!isalnum((unsigned char)text[0]))
        return false;
    for (; *text; text++)
        if (!isgraph((unsigned char)*text))
            return false;
    return true;
}
