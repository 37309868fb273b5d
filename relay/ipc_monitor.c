/* ipc_monitor.c - the IPC command file (not yet implemented). */
#include "ipc_monitor.h"

#include <stdio.h>

int ipc_monitor_start(const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "IPC command-file port control (%s) is not implemented yet; set "
             "VIRTIOFWD_ZMQ_PORT_CONTROL_EP for ZeroMQ port control", path);
    return -1;
}
