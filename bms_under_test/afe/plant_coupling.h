#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "bms_under_test/afe/analog_inputs.h"
#include "bms_under_test/afe/bq76952.h"
#include "models/pack/pack.h"
#include "sim/clock/virtual_clock.h"
#include "sim/plant/plant_component.h"
#include "sim/scheduler/component.h"

namespace packsim::afe {

// A FET edge changes the current; the chip's comparators see the new current
// this much later (the emulation samples the pins at instants).
inline constexpr sim::TimeNs kFetEdgeToPinsNs{sim::kNsPerUs};

// How a bq76952 is wired to a pack on the board.
struct AfeWiring {
  inline static constexpr int kUnused{-1};
  // Series group (0-based) each cell input VC1..VC16 measures; kUnused: the
  // input is shorted to its neighbour and reads 0 V.
  std::array<int, kCellInputs> vc_group{};
  // Pack cell (0-based) the NTC on each thermistor pin sits on (register order:
  // CFETOFF, DFETOFF, ALERT, TS1, TS2, TS3, HDQ, DCHG, DDSG); kUnused: the NTC
  // reads the board's ambient temperature.
  std::array<int, kThermistorPins> pin_cell{};
  double sense_resistor_ohm{1.0e-3};
  // Cell balancing through the chip's internal switches: each balanced cell
  // sees its two input filter resistors and the switch (datasheet 7.3 RC 20..100
  // ohm, 7.20 R(CB) 28 ohm typical); 36 + 36 + 28 = 100 ohm for a lone cell.
  double balance_input_resistor_ohm{36.0};
  double balance_switch_ohm{28.0};
  double fet_on_resistance_ohm{2.0e-3};  // CHG and DSG in series, both on
  double body_diode_drop_v{0.7};

  // The usual wiring for `series` groups (1..16): groups 1..n-1 on VC1..VC(n-1)
  // and the top group on VC16, the top-of-stack input (datasheet 10.1.2);
  // unused inputs shorted. TS1 on the first cell, TS3 on the last.
  static AfeWiring for_series(int series, int cells_per_group = 1);
  // The Vcell Mode that tells the chip which inputs carry cells.
  std::uint16_t vcell_mode() const;
};

// The chip's true pin inputs for the plant as it stands: cell inputs from the
// series-group voltages, stack from the terminal voltage (the cells' side of
// the FETs), PACK and LD from the load side, SRP-SRN from the pack current
// (packsim's + = discharge becomes TI's + = charge here, as the sense resistor
// does it), thermistors from the cell temperatures.
AnalogInputs compute_analog_inputs(const models::PackState& state, const models::PackInputs& inputs,
                                   const AfeWiring& wiring);

// Drives the plant from the chip: the protection FETs in the power path and a
// bleed current per series group for each closed balancing switch. A run of n
// adjacent balanced inputs shares one loop: I = sum(V) / (2 R_input + n R_switch).
// Reuses inputs.bleed_current_a once it has the pack's size (no allocation).
void apply_afe_outputs(const AfeOutputs& outputs, const AfeWiring& wiring, const models::PackState& state,
                       models::PackInputs& inputs);

// The chip as a scheduled component (register it after the plant). It samples
// the plant's pins when the chip converts them (each measurement loop), when
// asked to (a stimulus: a load, a fault, a FET edge reaching the comparators),
// and at least every sample_period_ns; between samples the chip holds them, as
// its converters do. After every instant it drives the plant's FETs and bleed
// currents when they changed.
class AfeComponent final : public sim::Component {
 public:
  AfeComponent(Bq76952& afe, sim::PlantComponent& plant, AfeWiring wiring,
               sim::TimeNs sample_period_ns = sim::kNoEvent);

  std::string_view name() const override { return "afe"; }
  sim::TimeNs next_event_ns() const override;
  void advance_to(sim::TimeNs t) override;

  // The pins are sampled afresh at t (a stimulus edge).
  void sample_at(sim::TimeNs t);
  // Drives the plant from the chip's outputs if they changed since last applied
  // (or always, with force). True when a FET changed.
  bool apply_outputs(bool force = false);

  const AfeWiring& wiring() const { return wiring_; }
  const AnalogInputs& last_pins() const { return pins_; }

 private:
  bool sample_due(sim::TimeNs t) const;

  Bq76952& afe_;
  sim::PlantComponent& plant_;
  AfeWiring wiring_;
  sim::TimeNs sample_period_ns_;
  sim::TimeNs last_sample_ns_{sim::kNoEvent};
  sim::TimeNs requested_sample_ns_{sim::kNoEvent};
  AnalogInputs pins_{};
  std::optional<AfeOutputs> applied_;
};

}  // namespace packsim::afe
