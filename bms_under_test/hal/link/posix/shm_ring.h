/*
 * shm_ring.h: the remote-HAL link's shared-memory fast path between the host
 * and a firmware runner in a child process.
 *
 * One mapping (a memfd both processes map MAP_SHARED) holds a header and two
 * single-producer single-consumer byte rings of HAL_LINK_SHM_RING_CAPACITY
 * bytes: host -> firmware and firmware -> host. Each side attaches a channel
 * that writes to one ring and reads from the other.
 *
 * Waiting is cheap in both directions of a lockstep exchange: a blocked side
 * first spins (the peer usually answers within microseconds), then announces
 * that it waits and sleeps on a futex. A producer makes the wake-up system
 * call only when its consumer announced it sleeps, so a round trip between two
 * spinning processes makes no system call at all.
 *
 * Timeouts are in nanoseconds: negative waits forever, 0 does not wait.
 * Linux only (futex).
 */
#ifndef HAL_LINK_SHM_RING_H
#define HAL_LINK_SHM_RING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HAL_LINK_SHM_HOST 0
#define HAL_LINK_SHM_FIRMWARE 1

/* Bytes each ring holds (a power of two). */
#define HAL_LINK_SHM_RING_CAPACITY 65536u
/* How long a blocked read or write spins before it sleeps on the futex. */
#define HAL_LINK_SHM_DEFAULT_SPIN_NS 20000

/* The mapping's layout (defined in shm_ring.c). */
struct hal_link_shm_header;
struct hal_link_shm_ring;

/* One side's view of the mapping. Plain data: copy or move it freely while
 * the mapping stays mapped. */
typedef struct hal_link_shm_channel {
  struct hal_link_shm_header *header;
  struct hal_link_shm_ring *outgoing; /* this side produces */
  struct hal_link_shm_ring *incoming; /* this side consumes */
  int side;                           /* HAL_LINK_SHM_HOST or HAL_LINK_SHM_FIRMWARE */
  int64_t spin_ns;                    /* spin budget before sleeping */
} hal_link_shm_channel;

/* The bytes to map (a multiple of the page size). */
size_t hal_link_shm_mapping_size(void);

/* Lays out a fresh mapping (header, both rings empty, nobody closed). Call it
 * once, before either side attaches. `mapping` must be page-aligned. */
void hal_link_shm_format(void *mapping);

/* Attaches `channel` to a formatted mapping as `side`. 0, or -1 when the
 * header is not this version's (wrong magic, version or capacity) or `side`
 * is not a side. */
int hal_link_shm_attach(hal_link_shm_channel *channel, void *mapping, int side);

/* Sets the spin budget (0: sleep at once). */
void hal_link_shm_set_spin(hal_link_shm_channel *channel, int64_t spin_ns);

/* Writes all `length` bytes, blocking while the ring is full, for at most
 * `timeout_ns`. The count written (`length`, or fewer, possibly 0, at the
 * timeout); -1 when either side has closed (nothing more will be read). */
long hal_link_shm_write(hal_link_shm_channel *channel, const void *data, size_t length, int64_t timeout_ns);

/* Reads at least 1 and at most `capacity` bytes, waiting for at most
 * `timeout_ns`. The count, 0 at the timeout (or for capacity 0), -1 once the
 * peer has closed (or this side has) and every byte it wrote has been read. */
long hal_link_shm_read(hal_link_shm_channel *channel, void *data, size_t capacity, int64_t timeout_ns);

/* Closes this side: the peer's reads see the end of the stream once they have
 * drained the ring, its writes fail. Wakes the peer if it sleeps. Idempotent. */
void hal_link_shm_close(hal_link_shm_channel *channel);

/* Whether the peer has closed its side. */
int hal_link_shm_peer_closed(const hal_link_shm_channel *channel);

#ifdef __cplusplus
}
#endif

#endif /* HAL_LINK_SHM_RING_H */
