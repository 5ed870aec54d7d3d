#pragma once

// Evaluates parsed conditions (condition.h) against the sampler at one check.

#include <string>

#include "sim/clock/virtual_clock.h"
#include "sim/runner/signal_sampler.h"
#include "sim/scenario/condition.h"

namespace packsim::runner {

// step_elapsed_ns: time since the current step began (for `until: 2 h`).
bool holds(const scenario::Condition& condition, const SignalSampler& sampler, sim::TimeNs step_elapsed_ns = 0);

// "min_cell_v = 2.4998 V, dsg_fet = on": the values the condition looks at.
std::string describe_values(const scenario::Condition& condition, const SignalSampler& sampler);

// Every signal a condition reads (elapsed terms read none).
void collect_signals(const scenario::Condition& condition, std::vector<scenario::SignalRef>& out);

}  // namespace packsim::runner
