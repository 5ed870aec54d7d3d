#pragma once

// What a drive step or a connected device puts on the pack terminals.

#include "models/pack/port.h"
#include "sim/scenario/scenario.h"

namespace packsim::runner {

models::PortModel discharge_port(const scenario::Discharge& step, double nominal_capacity_ah);
models::PortModel charge_port(const scenario::Charge& step, double nominal_capacity_ah, int series);
// An inverter surge gives its peak here; the runner switches to then_a later.
models::PortModel device_port(const scenario::Device& device);

}  // namespace packsim::runner
