/*
 * posix_link_platform.h: hal_link_platform byte streams for a firmware runner
 * process (firmware_link_main.c): a file descriptor (socketpair, pty, TCP
 * socket) or the shared-memory ring (shm_ring.h).
 */
#ifndef HAL_LINK_POSIX_LINK_PLATFORM_H
#define HAL_LINK_POSIX_LINK_PLATFORM_H

#include <sys/types.h>

#include "bms_under_test/hal/link/hal_link_client.h"
#include "bms_under_test/hal/link/posix/shm_ring.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A blocking fd, not owned (the caller closes it). */
typedef struct hal_link_fd_stream {
  int fd;
  int is_socket; /* written with send(MSG_NOSIGNAL) */
} hal_link_fd_stream;

/* Points `platform` at `stream` reading and writing `fd`: reads return what
 * one read() gives (0 at end of file; ECONNRESET and EIO, a hung-up pty or a
 * reset connection, count as the end too), writes loop until all is written;
 * both retry on EINTR. Sockets are written with MSG_NOSIGNAL. */
void hal_link_fd_platform(hal_link_platform *platform, hal_link_fd_stream *stream, int fd);

/* The firmware side of a shared-memory channel, in a process whose parent is
 * the host. */
typedef struct hal_link_shm_stream {
  hal_link_shm_channel channel; /* attached as HAL_LINK_SHM_FIRMWARE */
  pid_t parent;                 /* getppid() when the platform was made */
} hal_link_shm_stream;

/* Points `platform` at `stream` (whose channel is attached). A host that dies
 * without closing its side cannot wake us, so blocked reads and writes wait
 * in slices of at most 100 ms and end the stream once getppid() has changed
 * (the parent is gone and we were re-parented). */
void hal_link_shm_platform(hal_link_platform *platform, hal_link_shm_stream *stream);

#ifdef __cplusplus
}
#endif

#endif /* HAL_LINK_POSIX_LINK_PLATFORM_H */
