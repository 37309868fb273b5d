/* SPDX-License-Identifier: BSD-3-Clause */
/* Upstream's greedy: sort by load, give each job to the least-loaded core. */
#include <stdlib.h>

#include "greedy.h"

void greedy_lpt(const double *load, int n, int m, const int *order, int *asg, double *core_load)
{
    double small[256];
    double *cl = core_load != NULL ? core_load : m <= 256 ? small : malloc(sizeof(*cl) * (size_t)m);
    if (cl == NULL) {
        /* Without scratch space, round robin is the only safe answer. */
        for (int r = 0; r < n; r++)
            asg[order[r]] = r % m;
        return;
    }

    for (int c = 0; c < m; c++)
        cl[c] = 0.0;
    for (int r = 0; r < n; r++) {
        int j = order[r], best = 0;
        /* Strict < keeps the lowest index on ties, like Python's min(). */
        for (int c = 1; c < m; c++)
            if (cl[c] < cl[best])
                best = c;
        asg[j] = best;
        cl[best] += load[j];
    }
    if (cl != core_load && cl != small)
        free(cl);
}
