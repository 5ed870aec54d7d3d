#!/usr/bin/env bash
# Installs the Debian packages packsim builds and tests with. Idempotent: a no-op when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libeigen3-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev libspdlog-dev
  pybind11-dev python3-dev python3-pybind11
  python3-numpy python3-pandas python3-pytest python3-matplotlib
  python3-can python3-serial python3-distributed
)
# scripts/fuzz.sh (setup.sh --fuzz): Clang, and its sanitizer and libFuzzer
# runtimes (libclang_rt.fuzzer-x86_64.a is in libclang-rt-14-dev on Debian 12).
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
