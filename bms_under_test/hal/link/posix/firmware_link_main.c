/*
 * firmware_link_main.c: a firmware in a process of its own, its HAL calls
 * crossing the remote-HAL link (hal_link_client.h) to packsim. Two programs
 * are built from this file:
 *
 *   packsim-firmware-runner --firmware PATH.so --link SPEC
 *       loads a firmware shared object (dlopen) and serves it;
 *   packsim-reference-firmware-link --link SPEC
 *       serves the reference firmware linked in (PACKSIM_LINKED_REFERENCE_FIRMWARE),
 *       the way an MCU image would.
 *
 * SPEC, the byte stream to the host:
 *   fd:N                 an inherited socket (socketpair) used both ways;
 *   shm:N                an inherited memfd holding the shared-memory rings (shm_ring.h);
 *   pty:PATH             a raw pty whose device is linked at PATH, like an MCU's
 *                        USB-serial port appearing on a PC;
 *   tcp-listen:HOST:PORT a TCP listener (PORT 0: any free port); prints
 *                        "listening on HOST:PORT" once it listens.
 * fd and shm serve a parent process: the runner ends with it (exit 0 when the
 * host closes the link). pty and tcp-listen serve one host after another until
 * they are killed.
 *
 * Exit codes: 0 the host closed the link; 2 a bad command line or a link that
 * cannot be set up; 3 the firmware cannot be loaded; 4 a protocol error (its
 * text on stderr).
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "bms_under_test/hal/link/hal_link_client.h"
#include "bms_under_test/hal/link/posix/posix_link_platform.h"
#include "bms_under_test/hal/link/posix/shm_ring.h"

#ifdef PACKSIM_LINKED_REFERENCE_FIRMWARE
#define PROGRAM_NAME "packsim-reference-firmware-link"
#else
#define PROGRAM_NAME "packsim-firmware-runner"
#endif

enum { EXIT_HOST_CLOSED = 0, EXIT_USAGE = 2, EXIT_FIRMWARE = 3, EXIT_PROTOCOL_ERROR = 4 };

/* Static: the serving path allocates nothing (as on an MCU). */
static hal_link_client client;
static hal_link_platform platform;
static hal_link_fd_stream fd_stream;
static hal_link_shm_stream shm_stream;

static void complain_list(const char *format, va_list arguments) __attribute__((format(printf, 1, 0)));
static void complain_list(const char *format, va_list arguments) {
  fputs(PROGRAM_NAME ": ", stderr);
  vfprintf(stderr, format, arguments);
  fputc('\n', stderr);
}

static void complain(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  complain_list(format, arguments);
  va_end(arguments);
}

static void print_usage(FILE *out) {
#ifdef PACKSIM_LINKED_REFERENCE_FIRMWARE
  fputs("usage: " PROGRAM_NAME " --link SPEC [--parent-pid PID]\n", out);
#else
  fputs("usage: " PROGRAM_NAME " --firmware PATH.so --link SPEC [--parent-pid PID]\n", out);
#endif
  fputs(
      "SPEC: fd:N | shm:N | pty:PATH | tcp-listen:HOST:PORT\n"
      "--parent-pid: the host that spawned us (fd, shm); we end when it does\n"
      "exit codes: 0 host closed the link, 2 usage or link set-up, 3 firmware not loadable,\n"
      "            4 protocol error\n",
      out);
}

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  complain_list(format, arguments);
  va_end(arguments);
  print_usage(stderr);
  return EXIT_USAGE;
}

/* A link that cannot be set up: one line, no usage text. */
static int setup_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int setup_error(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  complain_list(format, arguments);
  va_end(arguments);
  return EXIT_USAGE;
}

/* ---- The firmware ---- */

#ifdef PACKSIM_LINKED_REFERENCE_FIRMWARE

static int load_firmware(const char *path, hal_link_firmware *firmware) {
  (void)path;
  firmware->firmware_info_get = bms_firmware_info_get;
  firmware->init = bms_init;
  firmware->tick = bms_tick;
  firmware->observables_get = bms_observables_get;
  return 0;
}

#else

/* 0, or complains naming the file and returns -1. */
static int load_firmware(const char *path, hal_link_firmware *firmware) {
  /* dlopen searches the library path for a name without a slash; the user
   * means a file. */
  char relative[PATH_MAX];
  const char *file = path;
  if (strchr(path, '/') == NULL) {
    snprintf(relative, sizeof relative, "./%s", path);
    file = relative;
  }
  void *library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    complain("cannot load the firmware %s: %s", path, dlerror());
    return -1;
  }
  static const char *const required[] = {"bms_firmware_info_get", "bms_init", "bms_tick"};
  void *symbols[3];
  for (size_t index = 0; index < 3; ++index) {
    symbols[index] = dlsym(library, required[index]);
    if (symbols[index] == NULL) {
      complain("the firmware %s does not export %s (not a packsim firmware?)", path, required[index]);
      return -1;
    }
  }
  void *info = symbols[0];
  void *init = symbols[1];
  void *tick = symbols[2];
  void *observables = dlsym(library, "bms_observables_get"); /* optional */
  /* POSIX guarantees that dlsym's object pointers convert to function
   * pointers; ISO C has no cast for it, so copy the representation. */
  memcpy(&firmware->firmware_info_get, &info, sizeof info);
  memcpy(&firmware->init, &init, sizeof init);
  memcpy(&firmware->tick, &tick, sizeof tick);
  memcpy(&firmware->observables_get, &observables, sizeof observables);
  return 0;
}

#endif

/* ---- Serving ---- */

static const char *session_error_text(char *out, size_t capacity) {
  return hal_link_error_text(&client.last_error, out, capacity);
}

/* fd and shm: one host, our parent. */
static int serve_parent(void) {
  for (;;) {
    switch (hal_link_client_serve(&client)) {
      case HAL_LINK_SESSION_CLOSED:
        return EXIT_HOST_CLOSED;
      case HAL_LINK_SESSION_ERROR: {
        char text[160];
        complain("link error: %s", session_error_text(text, sizeof text));
        return EXIT_PROTOCOL_ERROR;
      }
      case HAL_LINK_SESSION_RESTART:
        break;
    }
  }
}

/* pty and tcp: serve sessions until the stream closes; 0 then. */
static void serve_sessions(const char *where) {
  for (;;) {
    switch (hal_link_client_serve(&client)) {
      case HAL_LINK_SESSION_CLOSED:
        complain("%s: the host closed the link", where);
        return;
      case HAL_LINK_SESSION_ERROR: {
        char text[160];
        complain("%s: link error: %s; waiting for the next session", where, session_error_text(text, sizeof text));
        break;
      }
      case HAL_LINK_SESSION_RESTART:
        complain("%s: a new session started", where);
        break;
    }
  }
}

/* A child runner ends with its parent: the host may be killed without closing
 * the link. A socketpair then reads its end; a shared-memory wait looks at
 * getppid() between slices (posix_link_platform.c). Not PR_SET_PDEATHSIG: it
 * fires when the *thread* that spawned us ends, and hosts spawn from worker
 * threads (a Python thread pool, a Dask worker). The host names itself with
 * --parent-pid, so that one that died before we got here is noticed too. */
static int check_parent(pid_t parent) {
  if (getppid() != parent) {
    complain("the host process (PID %ld) has already ended", (long)parent);
    return -1;
  }
  return 0;
}

/* Parses a whole non-negative decimal number no larger than `limit`. */
static int parse_number(const char *text, long limit, long *value) {
  char *end = NULL;
  if (*text < '0' || *text > '9') return -1;
  errno = 0;
  const long parsed = strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || parsed > limit) return -1;
  *value = parsed;
  return 0;
}

static int inherited_fd(const char *spec, const char *number, int *fd) {
  long value = 0;
  if (parse_number(number, INT_MAX, &value) != 0) return usage_error("--link %s: not a file descriptor number", spec);
  if (fcntl((int)value, F_GETFD) < 0) return setup_error("--link %s: file descriptor %ld is not open", spec, value);
  /* Not into whatever the firmware might start. */
  (void)fcntl((int)value, F_SETFD, FD_CLOEXEC);
  *fd = (int)value;
  return 0;
}

static int run_fd_link(const char *spec, const char *number, pid_t parent) {
  int fd = -1;
  const int status = inherited_fd(spec, number, &fd);
  if (status != 0) return status;
  if (check_parent(parent) != 0) return EXIT_HOST_CLOSED;
  hal_link_fd_platform(&platform, &fd_stream, fd);
  return -1; /* serve */
}

static int run_shm_link(const char *spec, const char *number, pid_t parent) {
  int fd = -1;
  const int status = inherited_fd(spec, number, &fd);
  if (status != 0) return status;
  const size_t size = hal_link_shm_mapping_size();
  struct stat file;
  if (fstat(fd, &file) != 0 || file.st_size < (off_t)size) {
    return setup_error("--link %s: file descriptor %d is not a link mapping of %zu bytes", spec, fd, size);
  }
  void *mapping = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (mapping == MAP_FAILED) return setup_error("--link %s: mmap: %s", spec, strerror(errno));
  close(fd);
  if (hal_link_shm_attach(&shm_stream.channel, mapping, HAL_LINK_SHM_FIRMWARE) != 0) {
    return setup_error("--link %s: the memfd holds no link mapping of this version", spec);
  }
  if (check_parent(parent) != 0) return EXIT_HOST_CLOSED;
  hal_link_shm_platform(&platform, &shm_stream);
  shm_stream.parent = parent;
  return -1; /* serve */
}

/* ---- pty ---- */

static char pty_link_path[PATH_MAX];
static char pty_device_path[128];

/* Async-signal-safe: also called from the signal handler. Leaves a link that
 * another run has taken over since. */
static void remove_pty_link_if_ours(void) {
  if (pty_link_path[0] == '\0') return;
  char target[sizeof pty_device_path];
  const ssize_t length = readlink(pty_link_path, target, sizeof target - 1);
  if (length < 0) return;
  target[length] = '\0';
  if (strcmp(target, pty_device_path) == 0) unlink(pty_link_path);
}

static void on_terminating_signal(int signal_number) {
  remove_pty_link_if_ours();
  /* SA_RESETHAND restored the default action: die of the signal as asked. */
  raise(signal_number);
}

/* Whether an existing PATH may be replaced: a symlink that dangles or points
 * at a pty (an earlier run's). Regular files, directories, anything else and
 * symlinks elsewhere are refused. */
static int check_link_replaceable(const char *path) {
  struct stat status;
  if (lstat(path, &status) != 0) return 0; /* nothing there */
  if (!S_ISLNK(status.st_mode)) {
    complain("pty:%s: exists and is not a symlink (%s); refusing to replace it", path,
             S_ISDIR(status.st_mode)   ? "a directory"
             : S_ISREG(status.st_mode) ? "a regular file"
                                       : "not a link");
    return -1;
  }
  char target[PATH_MAX];
  const ssize_t length = readlink(path, target, sizeof target - 1);
  if (length < 0) return 0;
  target[length] = '\0';
  struct stat pointed;
  const int dangling = stat(path, &pointed) != 0;
  if (!dangling && strncmp(target, "/dev/pts/", 9) != 0) {
    complain("pty:%s: is a symlink to %s, not to a pty; refusing to replace it", path, target);
    return -1;
  }
  return 0;
}

static int run_pty_link(const char *spec, const char *path, const hal_link_firmware *firmware) {
  if (*path == '\0') return usage_error("--link %s: no path", spec);
  if (strlen(path) >= sizeof pty_link_path - 32) return usage_error("--link %s: the path is too long", spec);
  if (check_link_replaceable(path) != 0) return EXIT_USAGE;

  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
      ptsname_r(master, pty_device_path, sizeof pty_device_path) != 0) {
    complain("pty: cannot open a pseudo-terminal: %s", strerror(errno));
    return EXIT_USAGE;
  }
  /* We hold a follower open for the pty's whole life: without it the master
   * reads EIO whenever no host has the device open. Like a USB-serial MCU, we
   * do not notice hosts coming and going; each host's HELLO starts a session. */
  const int follower = open(pty_device_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  struct termios raw;
  if (follower < 0 || tcgetattr(follower, &raw) != 0) {
    complain("pty: %s: %s", pty_device_path, strerror(errno));
    return EXIT_USAGE;
  }
  cfmakeraw(&raw);
  raw.c_cflag |= CLOCAL | CREAD;
  if (tcsetattr(follower, TCSANOW, &raw) != 0) {
    complain("pty: %s: tcsetattr: %s", pty_device_path, strerror(errno));
    return EXIT_USAGE;
  }

  /* Atomically: a temporary link renamed over PATH. */
  char temporary[PATH_MAX];
  snprintf(temporary, sizeof temporary, "%s.packsim-%ld", path, (long)getpid());
  unlink(temporary);
  if (symlink(pty_device_path, temporary) != 0 || rename(temporary, path) != 0) {
    complain("pty:%s: cannot create the link: %s", path, strerror(errno));
    unlink(temporary);
    return EXIT_USAGE;
  }
  snprintf(pty_link_path, sizeof pty_link_path, "%s", path);
  atexit(remove_pty_link_if_ours);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_terminating_signal;
  action.sa_flags = (int)SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGHUP, &action, NULL);
  complain("serving on %s (%s)", path, pty_device_path);

  hal_link_fd_platform(&platform, &fd_stream, master);
  hal_link_client_init(&client, &platform, firmware);
  for (;;) {
    serve_sessions(path);
    /* Cannot happen while we hold the follower; never spin if it does. */
    usleep(50000);
  }
}

/* ---- TCP ---- */

static int run_tcp_link(const char *spec, const char *address, const hal_link_firmware *firmware) {
  const char *colon = strrchr(address, ':');
  if (colon == NULL || colon == address) return usage_error("--link %s: expected tcp-listen:HOST:PORT", spec);
  char host[256];
  const size_t host_length = (size_t)(colon - address);
  if (host_length >= sizeof host) return usage_error("--link %s: the host name is too long", spec);
  memcpy(host, address, host_length);
  host[host_length] = '\0';
  long port = 0;
  if (parse_number(colon + 1, 65535, &port) != 0) return usage_error("--link %s: the port is not 0..65535", spec);
  /* "[::1]" names an IPv6 address. */
  char bare_host[256];
  snprintf(bare_host, sizeof bare_host, "%s", host);
  if (host[0] == '[' && host[host_length - 1] == ']') {
    memcpy(bare_host, host + 1, host_length - 2);
    bare_host[host_length - 2] = '\0';
  }

  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char port_text[8];
  snprintf(port_text, sizeof port_text, "%ld", port);
  struct addrinfo *addresses = NULL;
  const int lookup = getaddrinfo(bare_host, port_text, &hints, &addresses);
  if (lookup != 0) return setup_error("--link %s: %s: %s", spec, host, gai_strerror(lookup));
  int listener = -1;
  int bind_error = 0;
  for (const struct addrinfo *candidate = addresses; candidate != NULL && listener < 0;
       candidate = candidate->ai_next) {
    listener = socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
    if (listener < 0) {
      bind_error = errno;
      continue;
    }
    const int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(listener, candidate->ai_addr, candidate->ai_addrlen) != 0 || listen(listener, 4) != 0) {
      bind_error = errno;
      close(listener);
      listener = -1;
    }
  }
  freeaddrinfo(addresses);
  if (listener < 0)
    return setup_error("--link %s: cannot listen on %s:%ld: %s", spec, host, port, strerror(bind_error));

  struct sockaddr_storage bound;
  socklen_t bound_length = sizeof bound;
  getsockname(listener, (struct sockaddr *)&bound, &bound_length);
  const unsigned bound_port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                                          : ntohs(((struct sockaddr_in *)&bound)->sin_port);
  printf("listening on %s:%u\n", host, bound_port);
  fflush(stdout);

  for (;;) {
    const int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno != EINTR && errno != ECONNABORTED) complain("accept: %s", strerror(errno));
      continue;
    }
    const int on = 1;
    setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    char where[300];
    snprintf(where, sizeof where, "tcp %s:%u", host, bound_port);
    complain("%s: a host connected", where);
    /* A fresh stream: nothing of the last host's half-read frame carries over.
     * The firmware's own state does, as on an MCU that keeps running. */
    hal_link_fd_platform(&platform, &fd_stream, connection);
    hal_link_client_init(&client, &platform, firmware);
    serve_sessions(where);
    close(connection);
  }
}

int main(int argc, char **argv) {
  /* The parent as it was when we started, unless the host names itself (see check_parent). */
  pid_t parent = getppid();
  const char *firmware_path = NULL;
  const char *link_spec = NULL;
  const char *parent_pid = NULL;
  for (int index = 1; index < argc; ++index) {
    const char *argument = argv[index];
    const char **target = NULL;
    const char *value = NULL;
    if (strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0) {
      print_usage(stdout);
      return 0;
    }
    if (strncmp(argument, "--firmware", 10) == 0 && (argument[10] == '\0' || argument[10] == '=')) {
      target = &firmware_path;
      value = argument[10] == '=' ? argument + 11 : NULL;
    } else if (strncmp(argument, "--link", 6) == 0 && (argument[6] == '\0' || argument[6] == '=')) {
      target = &link_spec;
      value = argument[6] == '=' ? argument + 7 : NULL;
    } else if (strncmp(argument, "--parent-pid", 12) == 0 && (argument[12] == '\0' || argument[12] == '=')) {
      target = &parent_pid;
      value = argument[12] == '=' ? argument + 13 : NULL;
    } else {
      return usage_error("unknown argument %s", argument);
    }
    if (value == NULL) {
      if (index + 1 >= argc) return usage_error("%s needs a value", argument);
      value = argv[++index];
    }
    *target = value;
  }
#ifdef PACKSIM_LINKED_REFERENCE_FIRMWARE
  if (firmware_path != NULL) return usage_error("--firmware: this program serves the reference firmware linked in");
#else
  if (firmware_path == NULL) return usage_error("--firmware PATH.so is required");
#endif
  if (link_spec == NULL) return usage_error("--link SPEC is required");
  if (parent_pid != NULL) {
    long value = 0;
    if (parse_number(parent_pid, INT_MAX, &value) != 0 || value < 1) {
      return usage_error("--parent-pid %s: not a process id", parent_pid);
    }
    parent = (pid_t)value;
  }

  /* A host that went away must end a write with an error, not kill us. */
  signal(SIGPIPE, SIG_IGN);

  hal_link_firmware firmware;
  memset(&firmware, 0, sizeof firmware);
  int status = -1;
  if (strncmp(link_spec, "fd:", 3) == 0) {
    status = run_fd_link(link_spec, link_spec + 3, parent);
  } else if (strncmp(link_spec, "shm:", 4) == 0) {
    status = run_shm_link(link_spec, link_spec + 4, parent);
  } else if (strncmp(link_spec, "pty:", 4) != 0 && strncmp(link_spec, "tcp-listen:", 11) != 0) {
    return usage_error("--link %s: unknown kind of link", link_spec);
  }
  if (status >= 0) return status;
  /* The firmware is loaded after the link is checked (a bad SPEC is a usage
   * error whatever the firmware) and before it is served. */
  if (load_firmware(firmware_path, &firmware) != 0) return EXIT_FIRMWARE;

  if (strncmp(link_spec, "pty:", 4) == 0) return run_pty_link(link_spec, link_spec + 4, &firmware);
  if (strncmp(link_spec, "tcp-listen:", 11) == 0) return run_tcp_link(link_spec, link_spec + 11, &firmware);

  hal_link_client_init(&client, &platform, &firmware);
  status = serve_parent();
  if (strncmp(link_spec, "shm:", 4) == 0) hal_link_shm_close(&shm_stream.channel);
  return status;
}
