/* SPDX-License-Identifier: BSD-3-Clause */
/* pci.h - PCI addresses as operators write them: "0000:05:08.1" or "05:08.1". */
#ifndef VIO4WD_PCI_H
#define VIO4WD_PCI_H

#include <stdbool.h>
#include <stddef.h>

struct pci_address {
    unsigned domain, bus, slot, function;
};

/* Parses "DDDD:BB:SS.F" or "BB:SS.F" (domain 0); slot <= 0x1f, function <= 7. */
bool pci_parse(const char *text, struct pci_address *out);

/* True when 'text' means to be a PCI address (its first ':'-separated part is
 * hex), whether or not it is a valid one: tells "malformed PCI address" apart
 * from "a DPDK device string". */
bool pci_looks_like(const char *text);

/* "0000:05:08.1" */
void pci_format(const struct pci_address *addr, char *buf, size_t buflen);

#endif
