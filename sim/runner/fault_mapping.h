#pragma once

// Scenario faults (cell numbers, taps, TS pins) to the rig's own: plant faults
// as they are, AFE faults through the board's wiring.

#include <variant>

#include "bms_under_test/afe/afe_fault.h"
#include "bms_under_test/afe/plant_coupling.h"
#include "models/pack/pack_fault.h"
#include "sim/scenario/faults.h"

namespace packsim::runner {

using RigFault = std::variant<models::PlantFault, afe::AfeFault>;

RigFault to_rig_fault(const scenario::Fault& fault, const afe::AfeWiring& wiring, int parallel);
afe::AfeFaultKind to_afe_fault_kind(scenario::FaultKind kind);
models::PlantFaultKind to_plant_fault_kind(scenario::FaultKind kind);

}  // namespace packsim::runner
