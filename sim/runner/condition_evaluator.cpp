#include "sim/runner/condition_evaluator.h"

#include <cmath>
#include <type_traits>
#include <variant>

namespace packsim::runner {

namespace {

bool compare(double a, scenario::CompareOp op, double b) {
  if (std::isnan(a)) return false;  // not observable yet: no comparison holds
  switch (op) {
    case scenario::CompareOp::kLess: return a < b;
    case scenario::CompareOp::kLessEqual: return a <= b;
    case scenario::CompareOp::kGreater: return a > b;
    case scenario::CompareOp::kGreaterEqual: return a >= b;
    case scenario::CompareOp::kEqual: return a == b;
    case scenario::CompareOp::kNotEqual: return a != b;
  }
  return false;
}

bool term_holds(const scenario::Term& term, const SignalSampler& sampler, sim::TimeNs step_elapsed_ns) {
  return std::visit(
      [&](const auto& p) -> bool {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, scenario::Comparison>) {
          return compare(sampler.value(p.signal), p.op, p.value);
        } else if constexpr (std::is_same_v<T, scenario::StateIs>) {
          const double v{sampler.value(p.signal)};
          if (std::isnan(v)) return false;
          return (static_cast<int>(v) == p.value) == p.equal;
        } else if constexpr (std::is_same_v<T, scenario::EventHappens>) {
          return sampler.happened(p.event);
        } else {
          return step_elapsed_ns >= p.duration_ns;
        }
      },
      term.predicate);
}

const scenario::SignalRef* term_signal(const scenario::Term& term) {
  return std::visit(
      [](const auto& p) -> const scenario::SignalRef* {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, scenario::Comparison> || std::is_same_v<T, scenario::StateIs>) {
          return &p.signal;
        } else if constexpr (std::is_same_v<T, scenario::EventHappens>) {
          return &p.event;
        } else {
          return nullptr;
        }
      },
      term.predicate);
}

}  // namespace

bool holds(const scenario::Condition& condition, const SignalSampler& sampler, sim::TimeNs step_elapsed_ns) {
  for (const scenario::Clause& clause : condition.any_of) {
    bool all{true};
    for (const scenario::Term& term : clause.all_of) {
      if (!term_holds(term, sampler, step_elapsed_ns)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::string describe_values(const scenario::Condition& condition, const SignalSampler& sampler) {
  std::vector<scenario::SignalRef> refs;
  collect_signals(condition, refs);
  std::string out;
  for (const scenario::SignalRef& ref : refs) {
    if (scenario::signal_info(ref.id).kind == scenario::SignalKind::kEvent) continue;
    if (!out.empty()) out += ", ";
    out += signal_name(ref) + " = " + format_value(ref, sampler.value(ref));
  }
  return out;
}

void collect_signals(const scenario::Condition& condition, std::vector<scenario::SignalRef>& out) {
  for (const scenario::Clause& clause : condition.any_of) {
    for (const scenario::Term& term : clause.all_of) {
      const scenario::SignalRef* ref{term_signal(term)};
      if (ref == nullptr) continue;
      bool known{false};
      for (const scenario::SignalRef& r : out) known = known || (r.id == ref->id && r.index == ref->index);
      if (!known) out.push_back(*ref);
    }
  }
}

}  // namespace packsim::runner
