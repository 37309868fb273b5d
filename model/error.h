/* SPDX-License-Identifier: BSD-3-Clause */
/* Error codes shared by every model/ entry point.
 *
 * model/ never logs and never aborts: a function that can fail returns one
 * of these codes and, when the caller passes a buffer, a one-line message
 * that names the offending value.  The caller decides whether to log it. */
#ifndef VIO4WD_MODEL_ERROR_H
#define VIO4WD_MODEL_ERROR_H

#include <stddef.h>

enum model_status {
    MODEL_OK = 0,
    MODEL_EINVAL = -1,  /* bad argument: the message names it */
    MODEL_ENOMEM = -2,  /* allocation failed */
    MODEL_ENOENT = -3,  /* a CPU, PCI device or file does not exist */
    MODEL_ETOPO = -4,   /* hwloc could not build the topology */
    MODEL_ESOLVER = -5, /* GLPK failed in a way the fallbacks could not hide */
};

/* Enough for a message that quotes a value and a short explanation. */
#define MODEL_ERRMSG_LEN 256

/* Static name of a status code, for logs ("EINVAL"). */
const char *model_strerror(int status);

#endif
