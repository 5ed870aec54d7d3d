/* shm_ring.c: see shm_ring.h. */
#define _GNU_SOURCE

#include "bms_under_test/hal/link/posix/shm_ring.h"

#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HAL_LINK_SHM_MAGIC 0x4D48534Cu /* "LSHM" */
#define HAL_LINK_SHM_VERSION 1u
#define CACHE_LINE 64
#define PAGE 4096u
/* How many spin iterations between two looks at the clock (and yields, see
 * wait_for_change): a pause is 10 to 140 cycles depending on the CPU (24 ns
 * on the EPYC this was tuned on), a clock_gettime some 20 ns (vDSO). */
#define SPIN_CLOCK_INTERVAL 16u
/* How long a wait spins without yielding before it starts to (see wait_for_change). */
#define PURE_SPIN_NS 3000

_Static_assert((HAL_LINK_SHM_RING_CAPACITY & (HAL_LINK_SHM_RING_CAPACITY - 1u)) == 0,
               "the ring capacity must be a power of two (positions wrap at 2^32)");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "futex words must be lock-free 32-bit atomics");

struct hal_link_shm_header {
  uint32_t magic;
  uint32_t version;
  uint32_t ring_capacity;
  uint32_t mapping_size;
  /* Set by each side when it closes, indexed by side. Written once: shares
   * no line with the hot indices. */
  alignas(CACHE_LINE) _Atomic uint32_t closed[2];
};

/* Positions are free-running byte counts (mod 2^32); the capacity divides
 * 2^32, so `head - tail` is the fill even across the wrap. Each index sits
 * on its own cache line, written by one side only; the sleep flags and futex
 * words are written only around a sleep, so on the fast path their lines
 * stay shared in both caches and cost nothing to read. */
struct hal_link_shm_ring {
  alignas(CACHE_LINE) _Atomic uint32_t head; /* the producer's: bytes ever written */
  alignas(CACHE_LINE) _Atomic uint32_t tail; /* the consumer's: bytes ever read */
  /* The consumer sleeps on readable_signal after setting consumer_sleeping. */
  alignas(CACHE_LINE) _Atomic uint32_t consumer_sleeping;
  _Atomic uint32_t readable_signal;
  /* The producer sleeps on writable_signal after setting producer_sleeping. */
  alignas(CACHE_LINE) _Atomic uint32_t producer_sleeping;
  _Atomic uint32_t writable_signal;
  alignas(CACHE_LINE) uint8_t data[HAL_LINK_SHM_RING_CAPACITY];
};

struct hal_link_shm_mapping {
  struct hal_link_shm_header header;
  /* Indexed by the producing side: [HOST] host -> firmware, [FIRMWARE] firmware -> host. */
  struct hal_link_shm_ring rings[2];
};

static int64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* The absolute deadline for a relative timeout; INT64_MAX for "forever". */
static int64_t deadline_after(int64_t timeout_ns) {
  if (timeout_ns < 0) return INT64_MAX;
  const int64_t now = now_ns();
  return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield" ::: "memory");
#else
  atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* Shared (not FUTEX_PRIVATE): the word lives in a MAP_SHARED mapping that the
 * peer process maps at another address. */
static void futex_wait(_Atomic uint32_t *word, uint32_t expected, int64_t timeout_ns) {
  struct timespec timeout;
  struct timespec *timeout_pointer = NULL;
  if (timeout_ns != INT64_MAX) {
    timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
    timeout.tv_nsec = (long)(timeout_ns % 1000000000);
    timeout_pointer = &timeout;
  }
  /* EAGAIN (the word changed), EINTR and ETIMEDOUT all mean: look again. */
  (void)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected, timeout_pointer, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word) {
  (void)syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static int any_closed(const hal_link_shm_channel *channel) {
  /* Acquire: a producer closes after publishing its last bytes, so a reader
   * that sees the flag then sees the final head. */
  return (atomic_load_explicit(&channel->header->closed[0], memory_order_acquire) |
          atomic_load_explicit(&channel->header->closed[1], memory_order_acquire)) != 0;
}

static int changed_or_closed(const hal_link_shm_channel *channel, _Atomic uint32_t *position, uint32_t seen) {
  return atomic_load_explicit(position, memory_order_acquire) != seen || any_closed(channel);
}

/* Waits until *position moves away from `seen` or a side closes (1), or until
 * `deadline` (0). Spins first, then sleeps on `signal` after announcing it in
 * `sleeping`. The signal's value is taken before the announcement and the
 * condition is checked after it: a producer (or closer) that changes the
 * condition later sees the announcement and bumps the signal, so futex_wait
 * returns at once instead of missing the wake-up. */
static int wait_for_change(const hal_link_shm_channel *channel, _Atomic uint32_t *position, uint32_t seen,
                           _Atomic uint32_t *sleeping, _Atomic uint32_t *signal, int64_t deadline) {
  int64_t now = now_ns();
  if (channel->spin_ns > 0 && now < deadline) {
    const int64_t spin_end = channel->spin_ns < deadline - now ? now + channel->spin_ns : deadline;
    const int64_t yield_from = now + PURE_SPIN_NS;
    for (uint32_t iteration = 1;; ++iteration) {
      if (changed_or_closed(channel, position, seen)) return 1;
      cpu_relax();
      if (iteration % SPIN_CLOCK_INTERVAL == 0) {
        const int64_t spun_until = now_ns();
        if (spun_until >= spin_end) break;
        /* A peer on another CPU answers lockstep frames within a microsecond
         * or two: for that long a yield (a system call) would only delay
         * seeing its answer. */
        if (spun_until < yield_from) continue;
        /* Spinning only pays while the peer runs on another CPU. With more
         * runnable threads than CPUs (a busy 2-core machine) the peer may be
         * waiting for ours: let it have it. A yield is a system call (~0.4 us
         * here), but only every few hundred ns of a wait that already lasts
         * that long; a peer answering within the first pauses costs none.
         * Measured on 2 shared vCPUs: round trip 0.2 us with a free CPU each;
         * 3.2 us while sharing one (5.4 us yielding every 64 pauses, 8.5 us
         * after 2 us of pure spin, 3.7 us sleeping on the futex at once). */
        sched_yield();
      }
    }
    now = now_ns();
  }
  for (;;) {
    if (changed_or_closed(channel, position, seen)) return 1;
    if (now >= deadline) return 0;
    const uint32_t signal_seen = atomic_load_explicit(signal, memory_order_seq_cst);
    atomic_store_explicit(sleeping, 1u, memory_order_relaxed);
    /* Store-load barrier: pairs with the one in wake_if_sleeping. */
    atomic_thread_fence(memory_order_seq_cst);
    if (changed_or_closed(channel, position, seen)) {
      atomic_store_explicit(sleeping, 0u, memory_order_relaxed);
      return 1;
    }
    futex_wait(signal, signal_seen, deadline == INT64_MAX ? INT64_MAX : deadline - now);
    atomic_store_explicit(sleeping, 0u, memory_order_relaxed);
    now = now_ns();
  }
}

/* After publishing a position: wake the peer only if it announced it sleeps
 * (no system call on the fast path). */
static void wake_if_sleeping(_Atomic uint32_t *sleeping, _Atomic uint32_t *signal) {
  /* Store-load barrier: orders the position just published before reading the
   * peer's announcement (pairs with the fence in wait_for_change). */
  atomic_thread_fence(memory_order_seq_cst);
  if (atomic_load_explicit(sleeping, memory_order_relaxed) != 0u) {
    atomic_fetch_add_explicit(signal, 1u, memory_order_seq_cst);
    futex_wake(signal);
  }
}

static void copy_into_ring(struct hal_link_shm_ring *ring, uint32_t position, const uint8_t *source, size_t length) {
  const size_t offset = position & (HAL_LINK_SHM_RING_CAPACITY - 1u);
  const size_t first = length < HAL_LINK_SHM_RING_CAPACITY - offset ? length : HAL_LINK_SHM_RING_CAPACITY - offset;
  memcpy(ring->data + offset, source, first);
  memcpy(ring->data, source + first, length - first);
}

static void copy_from_ring(const struct hal_link_shm_ring *ring, uint32_t position, uint8_t *target, size_t length) {
  const size_t offset = position & (HAL_LINK_SHM_RING_CAPACITY - 1u);
  const size_t first = length < HAL_LINK_SHM_RING_CAPACITY - offset ? length : HAL_LINK_SHM_RING_CAPACITY - offset;
  memcpy(target, ring->data + offset, first);
  memcpy(target + first, ring->data, length - first);
}

size_t hal_link_shm_mapping_size(void) {
  return (sizeof(struct hal_link_shm_mapping) + PAGE - 1u) / PAGE * PAGE;
}

void hal_link_shm_format(void *mapping) {
  struct hal_link_shm_mapping *layout = mapping;
  memset(layout, 0, sizeof *layout);
  layout->header.version = HAL_LINK_SHM_VERSION;
  layout->header.ring_capacity = HAL_LINK_SHM_RING_CAPACITY;
  layout->header.mapping_size = (uint32_t)hal_link_shm_mapping_size();
  atomic_thread_fence(memory_order_release);
  layout->header.magic = HAL_LINK_SHM_MAGIC;
}

int hal_link_shm_attach(hal_link_shm_channel *channel, void *mapping, int side) {
  struct hal_link_shm_mapping *layout = mapping;
  if (side != HAL_LINK_SHM_HOST && side != HAL_LINK_SHM_FIRMWARE) return -1;
  if (layout->header.magic != HAL_LINK_SHM_MAGIC) return -1;
  atomic_thread_fence(memory_order_acquire);
  if (layout->header.version != HAL_LINK_SHM_VERSION || layout->header.ring_capacity != HAL_LINK_SHM_RING_CAPACITY ||
      layout->header.mapping_size != hal_link_shm_mapping_size()) {
    return -1;
  }
  channel->header = &layout->header;
  channel->outgoing = &layout->rings[side];
  channel->incoming = &layout->rings[1 - side];
  channel->side = side;
  channel->spin_ns = HAL_LINK_SHM_DEFAULT_SPIN_NS;
  return 0;
}

void hal_link_shm_set_spin(hal_link_shm_channel *channel, int64_t spin_ns) {
  channel->spin_ns = spin_ns > 0 ? spin_ns : 0;
}

long hal_link_shm_write(hal_link_shm_channel *channel, const void *data, size_t length, int64_t timeout_ns) {
  struct hal_link_shm_ring *ring = channel->outgoing;
  const uint8_t *bytes = data;
  int64_t deadline = INT64_MIN; /* computed only if we have to wait: a clock read is not free */
  /* Only this side moves head: a relaxed load of our own value. */
  uint32_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
  size_t written = 0;
  if (any_closed(channel)) return -1;
  while (written < length) {
    const uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
    const size_t room = HAL_LINK_SHM_RING_CAPACITY - (uint32_t)(head - tail);
    if (room == 0) {
      if (deadline == INT64_MIN) deadline = deadline_after(timeout_ns);
      if (!wait_for_change(channel, &ring->tail, tail, &ring->producer_sleeping, &ring->writable_signal, deadline)) {
        return (long)written;
      }
      if (any_closed(channel)) return -1;
      continue;
    }
    const size_t chunk = length - written < room ? length - written : room;
    copy_into_ring(ring, head, bytes + written, chunk);
    head += (uint32_t)chunk;
    /* Release: the bytes are in the ring before the consumer sees the new head. */
    atomic_store_explicit(&ring->head, head, memory_order_release);
    wake_if_sleeping(&ring->consumer_sleeping, &ring->readable_signal);
    written += chunk;
  }
  return (long)written;
}

long hal_link_shm_read(hal_link_shm_channel *channel, void *data, size_t capacity, int64_t timeout_ns) {
  struct hal_link_shm_ring *ring = channel->incoming;
  if (capacity == 0) return 0;
  const uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
  int64_t deadline = INT64_MIN; /* computed only if we have to wait */
  for (;;) {
    /* The flag before the head: see any_closed. */
    const int closed = any_closed(channel);
    const uint32_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
    if (head != tail) {
      const size_t available = (uint32_t)(head - tail);
      const size_t count = available < capacity ? available : capacity;
      copy_from_ring(ring, tail, data, count);
      /* Release: the bytes are copied out before the producer may overwrite them. */
      atomic_store_explicit(&ring->tail, tail + (uint32_t)count, memory_order_release);
      wake_if_sleeping(&ring->producer_sleeping, &ring->writable_signal);
      return (long)count;
    }
    if (closed) return -1;
    if (deadline == INT64_MIN) deadline = deadline_after(timeout_ns);
    if (!wait_for_change(channel, &ring->head, tail, &ring->consumer_sleeping, &ring->readable_signal, deadline)) {
      return 0;
    }
  }
}

void hal_link_shm_close(hal_link_shm_channel *channel) {
  struct hal_link_shm_mapping *layout = (struct hal_link_shm_mapping *)(void *)channel->header;
  atomic_store_explicit(&channel->header->closed[channel->side], 1u, memory_order_seq_cst);
  /* Whoever sleeps, on either ring, must look again: bump every signal. */
  for (int index = 0; index < 2; ++index) {
    struct hal_link_shm_ring *ring = &layout->rings[index];
    atomic_fetch_add_explicit(&ring->readable_signal, 1u, memory_order_seq_cst);
    atomic_fetch_add_explicit(&ring->writable_signal, 1u, memory_order_seq_cst);
    futex_wake(&ring->readable_signal);
    futex_wake(&ring->writable_signal);
  }
}

int hal_link_shm_peer_closed(const hal_link_shm_channel *channel) {
  return atomic_load_explicit(&channel->header->closed[1 - channel->side], memory_order_acquire) != 0u;
}
