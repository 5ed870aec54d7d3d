/*
 * cell_balancing.c: see cell_balancing.h.
 */
#include "bms_under_test/firmware/cell_balancing.h"

#include "bms_under_test/firmware/afe_cell_map.h"

uint16_t cell_balancing_select(const bms_config *config, const afe_measurements *measurements,
                               uint16_t active_cells) {
  const uint32_t cell_count = measurements->cell_count <= BMS_MAX_CELLS ? measurements->cell_count : BMS_MAX_CELLS;
  uint32_t candidates[BMS_MAX_CELLS];
  uint32_t candidate_count = 0u;
  for (uint32_t cell = 0; cell < cell_count; ++cell) {
    const uint32_t mv = measurements->cell_mv[cell];
    const uint32_t above_lowest_mv = mv - measurements->min_cell_mv;
    const int active = (active_cells & (1u << cell)) != 0u;
    const uint32_t needed_mv = active ? config->balancing_stop_threshold_mv : config->balancing_threshold_mv;
    if (mv > config->balancing_start_cell_mv && above_lowest_mv > needed_mv) {
      /* insertion sort, highest voltage first */
      uint32_t position = candidate_count++;
      while (position > 0u && measurements->cell_mv[candidates[position - 1u]] < mv) {
        candidates[position] = candidates[position - 1u];
        --position;
      }
      candidates[position] = cell;
    }
  }
  uint32_t selected = 0u;
  uint32_t selected_count = 0u;
  for (uint32_t i = 0; i < candidate_count && selected_count < config->balancing_max_cells; ++i) {
    const uint32_t cell = candidates[i];
    const uint32_t neighbours = ((1u << cell) << 1) | ((1u << cell) >> 1);
    if (!config->balancing_allow_adjacent_cells && (selected & neighbours) != 0u) {
      continue;
    }
    selected |= 1u << cell;
    ++selected_count;
  }
  return (uint16_t)selected;
}

static uint32_t elapsed_ms(uint32_t since_ms, uint32_t now_ms) { return (uint32_t)(now_ms - since_ms); }

uint16_t cell_balancing_update(cell_balancing *balancing, const bms_config *config,
                               const afe_measurements *measurements, int allowed, uint32_t now_ms) {
  const int32_t current_ma = measurements->current_into_pack_ma;
  const int32_t rest_ma = (int32_t)config->rest_current_ma;
  const int charging = current_ma > (int32_t)config->balancing_min_charge_current_ma;
  const int resting = current_ma < rest_ma && current_ma > -rest_ma;
  if (balancing->was_charging && !charging) {
    balancing->charging_stopped_at_ms = now_ms;
    balancing->charging_stopped_once = 1u;
  }
  balancing->was_charging = (uint8_t)charging;
  if (resting && !balancing->was_resting) {
    balancing->resting_since_ms = now_ms;
  }
  balancing->was_resting = (uint8_t)resting;
  if (charging) {
    balancing->charged_since_discharge = 1u;
  } else if (current_ma <= -rest_ma) {
    balancing->charged_since_discharge = 0u; /* a load ends the top-balancing session */
  }

  const int holding_off = balancing->charging_stopped_once &&
                          elapsed_ms(balancing->charging_stopped_at_ms, now_ms) < config->balancing_rest_holdoff_ms;
  const int relaxed = resting && elapsed_ms(balancing->resting_since_ms, now_ms) >= config->balancing_rest_holdoff_ms;
  const int charge_balancing = charging && !holding_off;
  const int rest_balancing = relaxed && balancing->charged_since_discharge;
  if (!allowed || !(charge_balancing || rest_balancing)) {
    balancing->active_cells = 0u;
    balancing->evaluated_once = 0u; /* the next start evaluates at once */
    return 0u;
  }
  if (!balancing->evaluated_once ||
      elapsed_ms(balancing->last_evaluation_ms, now_ms) >= config->balancing_evaluation_interval_ms) {
    balancing->active_cells = cell_balancing_select(config, measurements, balancing->active_cells);
    balancing->last_evaluation_ms = now_ms;
    balancing->evaluated_once = 1u;
  }
  return balancing->active_cells;
}

uint16_t cell_balancing_input_mask(const bms_config *config, uint16_t active_cells) {
  uint32_t inputs = 0u;
  for (uint32_t cell = 0; cell < config->cell_count; ++cell) {
    if ((active_cells & (1u << cell)) != 0u) {
      inputs |= 1u << afe_cell_input(config->cell_count, cell);
    }
  }
  return (uint16_t)inputs;
}
