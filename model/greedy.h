/* SPDX-License-Identifier: BSD-3-Clause */
/* Greedy placement: upstream virtio-forwarder's "round robin to the least
 * busy worker", which is LPT (longest processing time first).  It is the
 * baseline the solver must never lose to, and its makespan is what the
 * scheduler prints as greedy_makespan. */
#ifndef VIO4WD_MODEL_GREEDY_H
#define VIO4WD_MODEL_GREEDY_H

/* Place jobs in `order` (largest load first) one by one on the core with
 * the smallest load so far, the lowest index winning ties, as upstream's
 * Python does.  asg[j] receives a core in [0, m); core_load (m entries,
 * may be NULL) receives the resulting loads. */
void greedy_lpt(const double *load, int n, int m, const int *order, int *asg, double *core_load);

#endif
