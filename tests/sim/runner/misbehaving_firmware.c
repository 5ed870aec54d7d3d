/*
 * misbehaving_firmware.c: a firmware that works for two seconds, then does the
 * one wrong thing it was built for (MISBEHAVIOUR, a compile definition). The
 * isolation tests run each build in a child process and expect a failed
 * verdict naming the cause, at 2 s, with the trace intact up to there.
 *
 * Until then it behaves: every 100 ms it reads cell 1 from the bq76952, once a
 * second it sends 0x7A0 on CAN with a counter, and it exports its state as an
 * observable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bms_under_test/hal/bms_hal.h"

#define MISBEHAVIOUR_NONE 0
#define MISBEHAVIOUR_CRASH 1      /* a write through a null pointer: SIGSEGV */
#define MISBEHAVIOUR_ABORT 2      /* abort(): SIGABRT */
#define MISBEHAVIOUR_EXIT 3       /* exit(0) in the middle of a tick */
#define MISBEHAVIOUR_HANG 4       /* a tick that never returns */
#define MISBEHAVIOUR_I2C_LOOP 5   /* I2C reads in an endless loop */
#define MISBEHAVIOUR_CAN_FLOOD 6  /* CAN frames in an endless loop */
#define MISBEHAVIOUR_GARBAGE 7    /* bytes that are no frame written into the link's stream */
#define MISBEHAVIOUR_CAN_BURST 8  /* 200 CAN frames in one tick, then back to normal */
#define MISBEHAVIOUR_UART_FLOOD 9 /* UART writes in an endless loop */

#ifndef MISBEHAVIOUR
#define MISBEHAVIOUR MISBEHAVIOUR_NONE
#endif

#define EXPORT __attribute__((visibility("default")))
#define TICK_PERIOD_MS 10u
#define MISBEHAVE_AT_MS 2000u
#define AFE_ADDRESS 0x08u
#define CELL1_VOLTAGE_COMMAND 0x14u
/* The fd a link runner gives its child's end of the link (firmware_process.cpp). */
#define LINK_FD 3

enum misbehaving_state { STATE_NORMAL = 0, STATE_MISBEHAVING = 1 };

static struct {
  const bms_hal *hal;
  int state;
  uint16_t cell1_mv;
  uint32_t frames_sent;
  uint32_t last_frame_ms;
  uint32_t last_read_ms;
} firmware;

static const bms_firmware_info info = {BMS_HAL_VERSION, "packsim misbehaving test firmware", "1.0.0", TICK_PERIOD_MS};
static const char *const state_names[] = {"normal", "misbehaving"};
static const bms_observable observables[] = {
    {"state", "", BMS_OBSERVABLE_ENUM, &firmware.state, state_names, 2u, "normal until the misbehaviour starts"},
    {"cell1_mv", "mV", BMS_OBSERVABLE_U16, &firmware.cell1_mv, NULL, 0u, "cell 1 as last read"},
};

EXPORT const bms_firmware_info *bms_firmware_info_get(void) { return &info; }

EXPORT const bms_observable *bms_observables_get(size_t *count) {
  *count = sizeof observables / sizeof observables[0];
  return observables;
}

EXPORT int bms_init(const bms_hal *hal) {
  memset(&firmware, 0, sizeof firmware);
  firmware.hal = hal;
  /* A process's stderr is its own: the host shows its last lines with a fault. */
  fputs("misbehaving test firmware: booted\n", stderr);
  fflush(stderr);
  return 0;
}

static void read_cell1(void) {
  const uint8_t command[1] = {CELL1_VOLTAGE_COMMAND};
  uint8_t bytes[2] = {0u, 0u};
  if (firmware.hal->i2c_write_read(firmware.hal->host, AFE_ADDRESS, command, 1u, bytes, 2u) == BMS_HAL_OK) {
    firmware.cell1_mv = (uint16_t)(bytes[0] | (bytes[1] << 8));
  }
}

static void send_counter(void) {
  bms_can_frame frame;
  memset(&frame, 0, sizeof frame);
  frame.id = 0x7A0u;
  frame.dlc = 4u;
  memcpy(frame.data, &firmware.frames_sent, 4u);
  if (firmware.hal->can_send(firmware.hal->host, &frame) == BMS_HAL_OK) ++firmware.frames_sent;
}

static void misbehave(void) {
  firmware.state = STATE_MISBEHAVING;
#if MISBEHAVIOUR == MISBEHAVIOUR_CRASH
  /* frames_sent is small: an aligned address in the unmapped first page (a
   * sanitizer's handler then reports the SEGV, not a misaligned store). */
  *(volatile int *)(uintptr_t)(16u * (firmware.frames_sent + 1u)) = 1;
#elif MISBEHAVIOUR == MISBEHAVIOUR_ABORT
  abort();
#elif MISBEHAVIOUR == MISBEHAVIOUR_EXIT
  exit(0);
#elif MISBEHAVIOUR == MISBEHAVIOUR_HANG
  for (volatile uint32_t spin = 0;; spin = spin + 1u) {
  }
#elif MISBEHAVIOUR == MISBEHAVIOUR_I2C_LOOP
  for (;;) read_cell1();
#elif MISBEHAVIOUR == MISBEHAVIOUR_CAN_FLOOD
  for (;;) send_counter();
#elif MISBEHAVIOUR == MISBEHAVIOUR_CAN_BURST
  for (int k = 0; k < 200; ++k) send_counter();
#elif MISBEHAVIOUR == MISBEHAVIOUR_UART_FLOOD
  static const uint8_t line[] = "log line on the service port\r\n";
  for (;;) firmware.hal->uart_write(firmware.hal->host, line, sizeof line - 1u);
#elif MISBEHAVIOUR == MISBEHAVIOUR_GARBAGE
  static const char garbage[] = "this is not a frame";
  (void)!write(LINK_FD, garbage, sizeof garbage);
  read_cell1(); /* the host now reads the garbage where it expects a frame */
#endif
}

EXPORT void bms_tick(void) {
  const uint32_t now_ms = firmware.hal->millis(firmware.hal->host);
  if (now_ms >= MISBEHAVE_AT_MS && MISBEHAVIOUR != MISBEHAVIOUR_NONE) {
    misbehave();
    return;
  }
  if (now_ms - firmware.last_read_ms >= 100u) {
    firmware.last_read_ms = now_ms;
    read_cell1();
  }
  if (now_ms - firmware.last_frame_ms >= 1000u) {
    firmware.last_frame_ms = now_ms;
    send_counter();
  }
}
