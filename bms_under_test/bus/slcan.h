// SLCAN (Lawicel ASCII CAN over a serial line): what python-can's `slcan`
// interface and can-utils' slcand speak to cheap USB-CAN adapters. packsim
// plays the adapter on a pty, so SLCAN tools attach without a kernel CAN driver.
//
// Formats, as checked against (via the project's search tool):
//  - python-can can/interfaces/slcan.py (hardbyte/python-can): sends
//    `t%03X%d` / `T%08X%d` + upper-case hex data, `r%03X%d` / `R%08X%d` for
//    remote frames, each line ended by '\r'; treats '\r' (ok) and '\a' (error)
//    as reply terminators; sends O (or L for listen-only), C, S0..S8, and an
//    empty line ("\r") when no CAN FD data bitrate is set; parses the V reply
//    as `V` + two decimal digits hardware + two software, N as `N` + serial.
//  - Linux drivers/net/can/slcan/slcan-core.c (the kernel side of slcand):
//    3 (standard) or 8 (extended) hex ID digits, DLC '0'..'8', data hex digits
//    in either case, upper case when sending; remote frames carry a DLC but
//    no data; '\r' or '\a' ends a line; its S7 is 800 kbit/s.
//  - can-utils slcand.c (linux-can/can-utils): writes `C\rSn\r` (close, then
//    bitrate), then `F\r` and `O\r` when asked; its BTR form `sxxyy` is not
//    supported here and answers BEL.
//  - mac-can/SLCAN README and the EasySYNC USB2-F-7x01 (Lawicel-compatible)
//    manual: ID ranges 000..7FF and 00000000..1FFFFFFF, the number of data
//    bytes must match the length, `t`/`r` answer `z\r` and `T`/`R` answer
//    `Z\r`, errors answer BEL, `Zn` switches time stamps.
// Where they differ: python-can and CANable map S7 to 750 kbit/s, Lawicel and
// Linux to 800 kbit/s; slcan_bitrate_bps() follows Lawicel.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bms_under_test/bus/can_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SLCAN_REPLY_OK '\r'
#define SLCAN_REPLY_ERROR '\a'

// Longest line the assembler keeps (terminator excluded). The longest valid
// frame line is 26 characters (T + 8 ID + DLC + 16 data); this leaves room for
// the 4-digit time stamp some adapters append, so such a line reaches the
// decoder and is refused there with a precise reason.
#define SLCAN_MAX_LINE_LEN 32u
// Encoder output: the longest frame line, its '\r' and a NUL.
#define SLCAN_ENCODED_FRAME_SIZE 28u

typedef enum slcan_result {
  SLCAN_OK = 0,
  SLCAN_ERR_EMPTY,            // empty line
  SLCAN_ERR_UNKNOWN_COMMAND,  // first character is no command we know
  SLCAN_ERR_BAD_HEX,          // a non-hex character where hex digits belong
  SLCAN_ERR_BAD_DLC,          // DLC character outside '0'..'8'
  SLCAN_ERR_BAD_LENGTH,       // line length does not match the command (or the DLC)
  SLCAN_ERR_BAD_ID,           // identifier outside 000..7FF / 00000000..1FFFFFFF
  SLCAN_ERR_BAD_ARGUMENT      // e.g. S9, Z2
} slcan_result;

const char* slcan_result_name(enum slcan_result result);

// ---- Frame lines ---------------------------------------------------------------

// Writes `tIIILDD..\r`, `TIIIIIIIILDD..\r`, `rIIIL\r` or `RIIIIIIIIL\r` and a
// NUL; returns the line length including '\r' (excluding the NUL), or 0 when
// the frame is invalid or out_size is too small (SLCAN_ENCODED_FRAME_SIZE always fits).
size_t slcan_encode_frame(const struct bms_can_frame* frame, char* out, size_t out_size);

// Strict: one of the four frame forms with exact length, hex digits of either
// case, DLC 0..8, ID within its range. A single trailing '\r' is allowed.
enum slcan_result slcan_decode_frame(const char* line, size_t length, struct bms_can_frame* out);

// ---- Host commands ---------------------------------------------------------------

typedef enum slcan_command_kind {
  SLCAN_COMMAND_TRANSMIT,          // t, T, r, R
  SLCAN_COMMAND_OPEN,              // O
  SLCAN_COMMAND_OPEN_LISTEN_ONLY,  // L (python-can's listen_only)
  SLCAN_COMMAND_CLOSE,             // C
  SLCAN_COMMAND_SET_BITRATE,       // S0..S8
  SLCAN_COMMAND_VERSION,           // V or v
  SLCAN_COMMAND_SERIAL_NUMBER,     // N
  SLCAN_COMMAND_STATUS_FLAGS,      // F
  SLCAN_COMMAND_TIMESTAMPS         // Z0, Z1
} slcan_command_kind;

typedef struct slcan_command {
  enum slcan_command_kind kind;
  char letter;                 // the command character as sent (tells V from v, t from T)
  uint8_t bitrate_code;        // SET_BITRATE: 0..8
  bool timestamps_on;          // TIMESTAMPS
  struct bms_can_frame frame;  // TRANSMIT
} slcan_command;

// One line from the host, without its '\r' (a single trailing '\r' is allowed).
enum slcan_result slcan_parse_command(const char* line, size_t length, struct slcan_command* out);

// Lawicel S0..S8: 10k, 20k, 50k, 100k, 125k, 250k, 500k, 800k, 1M; 0 for other codes.
uint32_t slcan_bitrate_bps(uint8_t bitrate_code);

// ---- The adapter's side -------------------------------------------------------------

// What an adapter answers and remembers. Lenient where hosts expect it:
// python-can and slcand send C before configuring, so C on a closed channel
// answers ok; Z0/Z1 answer ok and change nothing (no time stamps are added).
typedef struct slcan_channel {
  bool open;
  bool listen_only;
  uint8_t bitrate_code;      // last S command (6 = 500 kbit/s until told otherwise)
  uint8_t hardware_version;  // V reply, two decimal digits each
  uint8_t software_version;
  char serial_number[5];  // N reply, 4 characters
  uint8_t status_flags;   // F reply
  uint32_t commands_accepted;
  uint32_t commands_rejected;  // answered with BEL
} slcan_channel;

#define SLCAN_MAX_REPLY_LEN 8u
typedef struct slcan_reply {
  char text[SLCAN_MAX_REPLY_LEN];  // not NUL-terminated
  size_t length;                   // 0: nothing to send (blank line)
} slcan_reply;

void slcan_channel_init(struct slcan_channel* channel);

// Handles one host line (terminator excluded) and fills `reply`: '\r' ok,
// '\a' error, `z\r`/`Z\r` after a transmit, `Vhhss\r`, `Nxxxx\r`, `Fxx\r`.
// A blank line answers nothing. Returns true when the line asks to put a
// frame on the bus (then in *frame_to_send): only while open and not listen-only.
bool slcan_channel_handle_line(struct slcan_channel* channel, const char* line, size_t length,
                               struct slcan_reply* reply, struct bms_can_frame* frame_to_send);

// ---- Line assembly from a byte stream ------------------------------------------------

// Splits a byte stream at '\r' (and '\a', the error reply a host reads).
// A '\n' right after a terminator is skipped (terminals that send CRLF).
// Lines longer than SLCAN_MAX_LINE_LEN are dropped up to the next
// terminator and counted.
typedef struct slcan_line_assembler {
  char line[SLCAN_MAX_LINE_LEN + 1u];  // the complete line, NUL-terminated, after feed returned true
  size_t length;                       // its length, terminator excluded
  char terminator;                     // '\r' or '\a'
  uint32_t lines;                      // lines delivered
  uint32_t overlong_lines;             // lines dropped for length
  bool dropping;                       // internal: inside an overlong line
  bool line_delivered;                 // internal: clear `line` on the next feed
  bool after_terminator;               // internal: skip one '\n'
} slcan_line_assembler;

void slcan_line_init(struct slcan_line_assembler* assembler);

// Same calling pattern as jbd_parser_feed: returns true when a line is
// complete (consumed bytes up to and including its terminator); call again
// with the rest until it returns false, by which time all bytes are consumed.
bool slcan_line_feed(struct slcan_line_assembler* assembler, const uint8_t* bytes, size_t length, size_t* consumed);

#ifdef __cplusplus
}
#endif
