#!/usr/bin/env bash
# Configures and builds packsim. Usage: scripts/build.sh [--sanitize]
#   default:     build/        (Release)
#   --sanitize:  build-asan/   (AddressSanitizer + UndefinedBehaviorSanitizer)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

build_dir="$root/build"
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
if [ "${1:-}" = "--sanitize" ]; then
  build_dir="$root/build-asan"
  # -O1 keeps the physics tests quick under the sanitizers; -g gives readable reports.
  cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g"
              -DPACKSIM_SANITIZE=ON -DPACKSIM_BUILD_BENCH=OFF)
fi

cmake -S "$root" -B "$build_dir" -G Ninja "${cmake_args[@]}" > /dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
