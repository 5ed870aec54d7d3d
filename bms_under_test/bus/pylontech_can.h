// Pylontech-style low-voltage inverter CAN (500 kbit/s, 11-bit IDs,
// little-endian). The BMS sends the 0x351..0x35E set about once a second; the
// inverter's heartbeat (0x305) tells the BMS the inverter is still there.
//
// Physical structs <-> struct bms_can_frame. Current uses packsim's sign (+ =
// discharge) in every struct; the wire's + = charging is converted here and
// nowhere else. Encoders clamp out-of-range values to the field (never wrap)
// and return how many fields they clamped, so a caller can flag it.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "bms_under_test/bus/can_frame.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PYLON_ID_INVERTER_HEARTBEAT 0x305u
#define PYLON_ID_LIMITS 0x351u
#define PYLON_ID_SOC_SOH 0x355u
#define PYLON_ID_MEASUREMENTS 0x356u
#define PYLON_ID_ALARMS 0x359u
#define PYLON_ID_REQUEST_FLAGS 0x35Cu
#define PYLON_ID_MANUFACTURER 0x35Eu

// Payload lengths as Pylontech packs send them. Decoders reject a frame too
// short for the fields they read, and ignore bytes past them.
#define PYLON_DLC_LIMITS 8u
#define PYLON_DLC_SOC_SOH 4u
#define PYLON_DLC_MEASUREMENTS 6u
#define PYLON_DLC_ALARMS 7u
#define PYLON_DLC_REQUEST_FLAGS 2u
#define PYLON_DLC_MANUFACTURER 8u

#define PYLON_MANUFACTURER_LEN 8u
#define PYLON_FRAME_SET_SIZE 6u  // frames in one 1 Hz set

// 0x359 byte0 (protections) and byte2 (warnings) share this layout.
#define PYLON_ALARM_OVERVOLTAGE (1u << 1)  // cell or pack
#define PYLON_ALARM_UNDERVOLTAGE (1u << 2)
#define PYLON_ALARM_OVER_TEMPERATURE (1u << 3)
#define PYLON_ALARM_UNDER_TEMPERATURE (1u << 4)
#define PYLON_ALARM_DISCHARGE_OVERCURRENT (1u << 7)
// 0x359 byte1 (more protections).
#define PYLON_PROTECTION_EXT_CHARGE_OVERCURRENT (1u << 0)
#define PYLON_PROTECTION_EXT_INTERNAL_ERROR (1u << 3)
// 0x359 byte3 (more warnings).
#define PYLON_WARNING_EXT_CHARGE_HIGH_CURRENT (1u << 0)
#define PYLON_WARNING_EXT_INTERNAL_COMMS_FAIL (1u << 3)

// 0x35C request flags.
#define PYLON_REQUEST_CHARGE_ENABLE (1u << 7)
#define PYLON_REQUEST_DISCHARGE_ENABLE (1u << 6)
#define PYLON_REQUEST_FORCE_CHARGE_1 (1u << 5)
#define PYLON_REQUEST_FORCE_CHARGE_2 (1u << 4)
#define PYLON_REQUEST_FULL_CHARGE (1u << 3)

typedef enum pylon_result {
  PYLON_OK = 0,
  PYLON_ERR_WRONG_ID,       // not the message this decoder reads
  PYLON_ERR_BAD_FORMAT,     // extended ID, remote frame, or DLC above 8
  PYLON_ERR_SHORT_PAYLOAD,  // DLC below what the message needs
  PYLON_ERR_BAD_TEXT        // manufacturer name with non-printable bytes
} pylon_result;

const char* pylon_result_name(enum pylon_result result);

// 0x351. Limits are magnitudes (both currents >= 0 in normal use): no sign
// conversion applies to them.
typedef struct pylon_limits {
  float charge_voltage_limit_v;     // u16, 0.1 V
  float charge_current_limit_a;     // i16, 0.1 A
  float discharge_current_limit_a;  // i16, 0.1 A
  float discharge_voltage_limit_v;  // u16, 0.1 V
} pylon_limits;

// 0x355. Encoded as whole percent, clamped to 0..100 (not the u16 field range:
// inverters act on the value, and above 100 % means nothing).
typedef struct pylon_soc_soh {
  float soc_percent;
  float soh_percent;
} pylon_soc_soh;

// 0x356.
typedef struct pylon_measurements {
  float pack_voltage_v;  // i16, 0.01 V
  float current_a;       // i16, 0.1 A; packsim sign + = discharge, the wire's + = charging
  float temperature_c;   // i16, 0.1 C
} pylon_measurements;

// 0x359, byte for byte; 'P' 'N' in bytes 5-6 are added by the encoder.
typedef struct pylon_alarms {
  uint8_t protection;      // byte0: PYLON_ALARM_*
  uint8_t protection_ext;  // byte1: PYLON_PROTECTION_EXT_*
  uint8_t warning;         // byte2: PYLON_ALARM_*
  uint8_t warning_ext;     // byte3: PYLON_WARNING_EXT_*
  uint8_t module_count;    // byte4
} pylon_alarms;

// Everything one 1 Hz set carries.
typedef struct pylon_status {
  struct pylon_limits limits;
  struct pylon_soc_soh soc_soh;
  struct pylon_measurements measurements;
  struct pylon_alarms alarms;
  uint8_t request_flags;                           // PYLON_REQUEST_*
  char manufacturer[PYLON_MANUFACTURER_LEN + 1u];  // NUL-terminated, at most 8 characters
} pylon_status;

unsigned pylon_encode_limits(const struct pylon_limits* limits, struct bms_can_frame* out);
enum pylon_result pylon_decode_limits(const struct bms_can_frame* frame, struct pylon_limits* out);

unsigned pylon_encode_soc_soh(const struct pylon_soc_soh* soc_soh, struct bms_can_frame* out);
enum pylon_result pylon_decode_soc_soh(const struct bms_can_frame* frame, struct pylon_soc_soh* out);

unsigned pylon_encode_measurements(const struct pylon_measurements* measurements, struct bms_can_frame* out);
enum pylon_result pylon_decode_measurements(const struct bms_can_frame* frame, struct pylon_measurements* out);

void pylon_encode_alarms(const struct pylon_alarms* alarms, struct bms_can_frame* out);
// Bytes 5-6 are not checked for "PN": other vendors put their own mark there.
enum pylon_result pylon_decode_alarms(const struct bms_can_frame* frame, struct pylon_alarms* out);

void pylon_encode_request_flags(uint8_t request_flags, struct bms_can_frame* out);
enum pylon_result pylon_decode_request_flags(const struct bms_can_frame* frame, uint8_t* request_flags);

// Up to 8 characters, space padded; a longer name is cut and a non-printable
// character becomes '?', each counted as one clamp.
unsigned pylon_encode_manufacturer(const char* name, struct bms_can_frame* out);
// `name` receives at most 8 characters plus NUL, trailing spaces/NULs stripped.
enum pylon_result pylon_decode_manufacturer(const struct bms_can_frame* frame, char name[PYLON_MANUFACTURER_LEN + 1u]);

// The inverter's heartbeat: any standard frame with ID 0x305, whatever its payload.
bool pylon_is_inverter_heartbeat(const struct bms_can_frame* frame);

// The whole 1 Hz set, in ID order 0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E.
// Returns the number of fields clamped.
unsigned pylon_encode_frame_set(const struct pylon_status* status, struct bms_can_frame out[PYLON_FRAME_SET_SIZE]);

// The receiving side (an inverter model, or the BMS watching the heartbeat):
// feeds any frame off the bus into the latest values and counts what came.
#define PYLON_SEEN_LIMITS (1u << 0)
#define PYLON_SEEN_SOC_SOH (1u << 1)
#define PYLON_SEEN_MEASUREMENTS (1u << 2)
#define PYLON_SEEN_ALARMS (1u << 3)
#define PYLON_SEEN_REQUEST_FLAGS (1u << 4)
#define PYLON_SEEN_MANUFACTURER (1u << 5)
#define PYLON_SEEN_FULL_SET 0x3Fu

typedef struct pylon_receiver {
  struct pylon_status status;  // latest decoded value of each message
  uint32_t seen;               // PYLON_SEEN_* bits of messages decoded at least once
  uint32_t frames_decoded;
  uint32_t heartbeats;
  uint32_t rejected;  // a known ID with a malformed frame: counted, values left unchanged
  uint32_t ignored;   // IDs this codec does not know
} pylon_receiver;

void pylon_receiver_init(struct pylon_receiver* receiver);
// PYLON_OK for a decoded message or a heartbeat, PYLON_ERR_WRONG_ID for an
// unknown ID, otherwise the decoder's rejection.
enum pylon_result pylon_receiver_feed(struct pylon_receiver* receiver, const struct bms_can_frame* frame);

#ifdef __cplusplus
}
#endif
