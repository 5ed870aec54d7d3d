/*
 * afe_cell_map.h: which bq76952 VC input measures which cell.
 *
 * With fewer than 16 cells the top cell stays on VC16 and the lower cells use
 * VC1 upwards (TRM SLUUBY2 4.1.2, "Usage of VC Pins for Cells Versus
 * Interconnect"); Vcell Mode has a bit per input that measures a cell. Cell
 * voltage registers and CB_ACTIVE_CELLS bits follow the inputs.
 */
#ifndef AFE_CELL_MAP_H
#define AFE_CELL_MAP_H

#include <stdint.h>

#define AFE_CELL_INPUT_COUNT 16u

/* 0-based input (VC1 = 0) of 0-based cell cell_index in a pack of cell_count cells. */
static inline uint32_t afe_cell_input(uint32_t cell_count, uint32_t cell_index) {
  return (cell_index + 1u == cell_count) ? AFE_CELL_INPUT_COUNT - 1u : cell_index;
}

/* The Vcell Mode value: one bit per input that measures a cell. */
static inline uint16_t afe_vcell_mode(uint32_t cell_count) {
  uint32_t mask = 0u;
  for (uint32_t cell = 0; cell < cell_count; ++cell) {
    mask |= 1u << afe_cell_input(cell_count, cell);
  }
  return (uint16_t)mask;
}

#endif /* AFE_CELL_MAP_H */
