#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with Clang in build-fuzz/ and runs
# each for a bounded time on a scratch copy of its seed corpus (the corpora
# in tests/fuzz/corpus are never written). Prints per target: executions,
# executions per second, the corpus size it ended with, and findings.
# Exit 1 when any target crashed, leaked, ran out of memory or timed out
# (the reproducer is kept under build-fuzz/fuzz-findings/), 0 otherwise.
#
#   scripts/fuzz.sh [--seconds N] [TARGET...]      (default 60 s each, every target)
#   scripts/fuzz.sh --seconds 600 jbd_stream afe_i2c
#
# Longer runs by hand, reproducing a finding: tests/fuzz/README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

seconds=60
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds)
      [ $# -ge 2 ] || { echo "fuzz.sh: --seconds needs a number" >&2; exit 2; }
      seconds="$2"; shift 2 ;;
    --seconds=*) seconds="${1#--seconds=}"; shift ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) selected+=("$1"); shift ;;
  esac
done
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: --seconds wants a positive whole number, got '$seconds'" >&2
  exit 2
fi

# Target, then the longest input it gets (-max_len). The YAML loaders stop at
# 16 KiB: the shipped files are under 9 KiB, and larger inputs only cost time.
# afe_i2c: each input byte can advance the chip's clock up to 25 s, so 1 KiB
# is already hours of virtual time.
declare -A max_len=(
  [scenario_loader]=16384
  [pack_config]=16384
  [cell_params]=16384
  [experiment_step]=256
  [jbd_stream]=4096
  [slcan_line]=4096
  [pylontech]=1300
  [afe_i2c]=1024
  [hal_link]=8192
  [link_session]=8192
)
all_targets=(scenario_loader pack_config cell_params experiment_step jbd_stream slcan_line pylontech afe_i2c
             hal_link link_session)
if [ "${#selected[@]}" -eq 0 ]; then
  selected=("${all_targets[@]}")
fi
for target in "${selected[@]}"; do
  if [ -z "${max_len[$target]:-}" ]; then
    echo "fuzz.sh: no target '$target'; targets: ${all_targets[*]}" >&2
    exit 2
  fi
done

"$root/scripts/setup.sh" --fuzz

build_dir="$root/build-fuzz"
build_started=$SECONDS
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DPACKSIM_FUZZ=ON \
  -DPACKSIM_BUILD_PYTHON=OFF -DPACKSIM_BUILD_BENCH=OFF > /dev/null
build_targets=()
for target in "${selected[@]}"; do build_targets+=("fuzz_$target"); done
cmake --build "$build_dir" --parallel "$(nproc)" --target "${build_targets[@]}"
echo "fuzz: built ${#selected[@]} targets in $((SECONDS - build_started)) s; running each for ${seconds} s"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/packsim-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
findings_dir="$build_dir/fuzz-findings"
failed=()
summary=()

# One stat line of libFuzzer's -print_final_stats output.
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

for target in "${selected[@]}"; do
  binary="$build_dir/tests/fuzz/fuzz_$target"
  corpus="$scratch/$target/corpus"
  artifacts="$scratch/$target/artifacts"
  log="$scratch/$target/log"
  mkdir -p "$corpus" "$artifacts"
  cp -r "$root/tests/fuzz/corpus/$target/." "$corpus/"
  seeds="$(find "$corpus" -type f | wc -l)"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$target]}"
           -print_final_stats=1 -artifact_prefix="$artifacts/")
  if [ -f "$root/tests/fuzz/$target.dict" ]; then
    options+=(-dict="$root/tests/fuzz/$target.dict")
  fi
  echo "fuzz: $target (${seeds} seeds, -max_len=${max_len[$target]})"
  status=0
  "$binary" "${options[@]}" "$corpus" > "$log" 2>&1 || status=$?
  runs="$(stat number_of_executed_units "$log")"
  rate="$(stat average_exec_per_sec "$log")"
  size="$(find "$corpus" -type f | wc -l)"
  found=()
  while IFS= read -r -d '' artifact; do found+=("$artifact"); done \
    < <(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -print0)
  if [ "$status" -ne 0 ] || [ "${#found[@]}" -ne 0 ]; then
    failed+=("$target")
    mkdir -p "$findings_dir/$target"
    cp "$log" "$findings_dir/$target/fuzz.log"
    kept=()
    for artifact in "${found[@]}"; do
      cp "$artifact" "$findings_dir/$target/"
      kept+=("$findings_dir/$target/$(basename "$artifact")")
    done
    summary+=("$(printf '%-16s %12s %9s %8s   FAILED (exit %s, %s reproducer(s))' "$target" "${runs:-?}" "${rate:-?}" "$size" \
                 "$status" "${#found[@]}")")
    echo "fuzz: $target FAILED (libFuzzer exit $status). Report:"
    grep -m 1 -A 24 -E '^==[0-9]+==|ERROR: libFuzzer|FUZZ FINDING|runtime error' "$log" | sed 's/^/    /' || tail -n 25 "$log"
    for reproducer in "${kept[@]}"; do
      echo "fuzz: reproducer $reproducer"
      echo "      replay: $binary $reproducer"
    done
    echo "fuzz: full log $findings_dir/$target/fuzz.log"
  else
    summary+=("$(printf '%-16s %12s %9s %8s   ok' "$target" "$runs" "$rate" "$size")")
  fi
done

echo
printf '%-16s %12s %9s %8s   %s\n' target executions exec/s corpus result
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: ${#failed[@]} of ${#selected[@]} targets found a problem: ${failed[*]} (kept under $findings_dir)"
  exit 1
fi
echo "fuzz: ${#selected[@]} targets, ${seconds} s each, no crash, leak, OOM or timeout"
