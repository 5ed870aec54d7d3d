#!/usr/bin/env bash
# Sets up, builds and runs the flagship demo: the reference BMS firmware on an
# emulated bq76952 against the deep-discharge scenario (16S LFP pack discharged
# at 1C until the BMS locks out). Prints the verdict of each expectation and
# writes the trace, the CAN log and JUnit XML to demo-out/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

"$root/scripts/setup.sh"
"$root/scripts/build.sh"
rm -rf "$root/demo-out"
"$root/build/packsim" run "$root/scenarios/deep_discharge.yaml" --out "$root/demo-out"
echo "outputs: $root/demo-out/deep_discharge/report.html (verdict and plots), trace.csv, can.log; $root/demo-out/junit.xml"
