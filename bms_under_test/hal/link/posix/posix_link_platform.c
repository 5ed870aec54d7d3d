/* posix_link_platform.c: see posix_link_platform.h. */
#define _GNU_SOURCE

#include "bms_under_test/hal/link/posix/posix_link_platform.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* A slice of a blocked shared-memory wait: how late we notice a dead parent. */
#define SHM_WAIT_SLICE_NS 100000000

static int is_socket(int fd) {
  struct stat status;
  return fstat(fd, &status) == 0 && S_ISSOCK(status.st_mode);
}

static int fd_write(void *context, const uint8_t *data, size_t length) {
  const hal_link_fd_stream *stream = context;
  size_t written = 0;
  while (written < length) {
    /* send(MSG_NOSIGNAL): a host that went away must not kill us with SIGPIPE. */
    const ssize_t count = stream->is_socket ? send(stream->fd, data + written, length - written, MSG_NOSIGNAL)
                                    : write(stream->fd, data + written, length - written);
    if (count < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    written += (size_t)count;
  }
  return 0;
}

/* How long a read asks whether bytes are there before it blocks: a lockstep
 * host answers within microseconds, a wake-up from a blocking read costs tens
 * of them on a VM. After the first few microseconds each try yields the CPU:
 * with more runnable processes than CPUs the host may be waiting for ours. */
#define FD_READ_SPIN_NS 50000
#define FD_READ_SPIN_WITHOUT_YIELD_NS 5000

static int64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static long fd_read(void *context, uint8_t *data, size_t capacity) {
  const hal_link_fd_stream *stream = context;
  struct pollfd readable = {stream->fd, POLLIN, 0};
  const int64_t spin_from = monotonic_ns();
  for (;;) {
    if (poll(&readable, 1, 0) != 0) break;
    const int64_t spun = monotonic_ns() - spin_from;
    if (spun >= FD_READ_SPIN_NS) break;
    if (spun >= FD_READ_SPIN_WITHOUT_YIELD_NS) sched_yield();
  }
  for (;;) {
    const ssize_t count = read(stream->fd, data, capacity);
    if (count >= 0) return (long)count;
    if (errno == EINTR) continue;
    /* A reset connection or a hung-up terminal: the host is gone, which ends
     * the session like an orderly close. */
    if (errno == ECONNRESET || errno == EIO) return 0;
    return -1;
  }
}

void hal_link_fd_platform(hal_link_platform *platform, hal_link_fd_stream *stream, int fd) {
  stream->fd = fd;
  stream->is_socket = is_socket(fd);
  platform->context = stream;
  platform->write = fd_write;
  platform->read = fd_read;
}

static int parent_gone(const hal_link_shm_stream *stream) { return getppid() != stream->parent; }

static int shm_write(void *context, const uint8_t *data, size_t length) {
  hal_link_shm_stream *stream = context;
  size_t written = 0;
  while (written < length) {
    const long count = hal_link_shm_write(&stream->channel, data + written, length - written, SHM_WAIT_SLICE_NS);
    if (count < 0) return -1;
    written += (size_t)count;
    if (written < length && parent_gone(stream)) return -1;
  }
  return 0;
}

static long shm_read(void *context, uint8_t *data, size_t capacity) {
  hal_link_shm_stream *stream = context;
  for (;;) {
    const long count = hal_link_shm_read(&stream->channel, data, capacity, SHM_WAIT_SLICE_NS);
    if (count > 0) return count;
    if (count < 0 || parent_gone(stream)) return 0; /* the end of the stream */
  }
}

void hal_link_shm_platform(hal_link_platform *platform, hal_link_shm_stream *stream) {
  stream->parent = getppid();
  platform->context = stream;
  platform->write = shm_write;
  platform->read = shm_read;
}
