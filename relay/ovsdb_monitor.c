/* ovsdb_monitor.c - (not yet implemented). */
#include "ovsdb_monitor.h"

#include "log.h"

int ovsdb_monitor_start(const char *sock_path, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    log_warning("OVSDB port control on %s is not implemented yet", sock_path);
    return 0;
}
