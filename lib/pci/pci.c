/* SPDX-License-Identifier: BSD-3-Clause */
/* pci.c - parse and print PCI addresses. */
#include "pci.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Reads exactly 'digits' hex digits. */
static bool hex_field(const char *p, size_t digits, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < digits; i++) {
        if (!isxdigit((unsigned char)p[i]))
            return false;
        v = v * 16 + (unsigned)(isdigit((unsigned char)p[i])
                                    ? p[i] - '0'
                                    : tolower((unsigned char)p[i]) - 'a' + 10);
    }
    *out = v;
    return true;
}

bool pci_parse(const char *text, struct pci_address *out)
{
    struct pci_address a = {0, 0, 0, 0};
    size_t len = strlen(text);

    if (len == 12) {
        if (text[4] != ':' || !hex_field(text, 4, &a.domain))
            return false;
        text += 5;
        len -= 5;
    }
    if (len != 7 || text[2] != ':' || text[5] != '.' || !hex_field(text, 2, &a.bus) ||
        !hex_field(text + 3, 2, &a.slot) || text[6] < '0' || text[6] > '7' || a.slot > 0x1f)
        return false;
    a.function = (unsigned)(text[6] - '0');
    *out = a;
    return true;
}

bool pci_looks_like(const char *text)
{
    size_t head = strcspn(text, ":");
    if (text[head] != ':' || head == 0)
        return false;
    for (size_t i = 0; i < head; i++)
        if (!isxdigit((unsigned char)text[i]))
            return false;
    return true;
}

void pci_format(const struct pci_address *addr, char *buf, size_t buflen)
{
    snprintf(buf, buflen, "%04x:%02x:%02x.%u", addr->domain, addr->bus, addr->slot, addr->function);
}
