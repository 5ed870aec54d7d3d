#!/usr/bin/env bash
# Sets up, builds and runs the demo: a 16S LFP pack discharged at 1C from full
# to the 2.5 V cut-off of its lowest cell. Writes the trace to demo-out/plant.csv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
mkdir -p "$root/demo-out"
"$root/build/packsim" plant "$root/models/params/packs/lfp_16s1p.yaml" \
  --step "Discharge at 1C until 2.5 V" --ambient 25 --out "$root/demo-out/plant.csv"
echo "trace: $root/demo-out/plant.csv"
