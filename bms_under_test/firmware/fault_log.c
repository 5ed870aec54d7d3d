/*
 * fault_log.c: see fault_log.h.
 */
#include "bms_under_test/firmware/fault_log.h"

void fault_log_clear(fault_log *log) { *log = (fault_log){0}; }

void fault_log_record(fault_log *log, uint8_t code, uint8_t raised, uint8_t cell_number, uint32_t time_ms,
                      int32_t value) {
  log->entries[log->next] = (fault_log_entry){code, raised, cell_number, 0u, time_ms, value};
  log->next = (log->next + 1u) % FAULT_LOG_CAPACITY;
  if (log->count < FAULT_LOG_CAPACITY) {
    ++log->count;
  }
  ++log->total_recorded;
}

uint32_t fault_log_count(const fault_log *log) { return log->count; }

int fault_log_get(const fault_log *log, uint32_t index_from_oldest, fault_log_entry *entry) {
  if (index_from_oldest >= log->count) {
    return 0;
  }
  const uint32_t oldest = (log->next + FAULT_LOG_CAPACITY - log->count) % FAULT_LOG_CAPACITY;
  *entry = log->entries[(oldest + index_from_oldest) % FAULT_LOG_CAPACITY];
  return 1;
}
