#pragma once

#include <string>

#include "models/pack/pack.h"
#include "models/pack/pack_config.h"

namespace packsim::bench {

// The reference packs the performance figures are quoted for.
struct ReferencePack {
  const char* label;  // e.g. "192s1p"
  const char* file;   // under models/params/packs/
};

inline constexpr ReferencePack kReferencePacks[] = {
    {"16s1p", "lfp_16s1p.yaml"},
    {"96s4p", "lfp_96s4p.yaml"},
    {"192s1p", "lfp_192s1p.yaml"},
};

inline constexpr double kPlantStepS = 1e-3;

inline models::PackConfig reference_pack_config(const ReferencePack& pack) {
  return models::load_pack_config(std::string(PACKSIM_PARAMS_DIR) + "/packs/" + pack.file);
}

// A 1C discharge: current flows, so every term of the step is exercised.
inline models::PackInputs one_c_discharge(const models::Pack& pack) {
  models::PackInputs inputs;
  inputs.port = models::ConstantCurrent{pack.cell_params().capacity_ah * pack.parallel()};
  inputs.ambient_c = 25.0;
  return inputs;
}

}  // namespace packsim::bench
