#!/usr/bin/env bash
# Installs the Debian packages Podium builds and tests with, if any is missing.
# Usage: scripts/install-deps.sh [--test]   (as root, or with sudo available)
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libeigen3-dev libyaml-cpp-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libsqlite3-dev libssl-dev libboost-dev libboost-system-dev libqrencode-dev libxlsxwriter-dev libzip-dev libexpat1-dev
)
if [[ "${1:-}" == "--test" ]]; then
  # Tests: the format check, clang for the fuzzers, Python clients, and the browser
  # tests (Debian's Chromium and CJK fonts, driven from Node.js).
  packages+=(clang-format clang libclang-rt-14-dev openssl python3-grpcio python3-grpc-tools python3-openpyxl zbar-tools chromium fonts-noto-cjk)
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}"
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then as_root=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ "${1:-}" == "--test" ]]; then
  # playwright-core, exactly as package-lock.json pins it (no browser download).
  cd "$(dirname "$0")/../tests/browser"
  if [[ ! -d node_modules/playwright-core ]] || [[ package-lock.json -nt node_modules ]]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  fi
fi
