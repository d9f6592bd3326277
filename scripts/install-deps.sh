#!/usr/bin/env bash
# Installs every build and test dependency of Tide from Debian packages, and the npm packages
# used only by tests. Idempotent and non-interactive: when everything is present it returns
# at once without touching the network. Runs as root, or through sudo.
# docs/dependencies.md says why each dependency is here.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libclang-rt-14-dev libfuzzer-14-dev
  # libraries
  libcli11-dev libyaml-cpp-dev rapidjson-dev librdkafka-dev libssl-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libbrotli-dev
  libre2-dev libedit-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  kcat prometheus python3 python3-kafka curl nodejs npm
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

# node and npm are often present from outside Debian (nodesource, nvm); accept those.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for pkg in "${missing[@]}"; do
    [[ "$pkg" == nodejs || "$pkg" == npm ]] || filtered+=("$pkg")
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Test-only JavaScript clients (kafkajs, DuckDB's node API, hyparquet), pinned in
# tests/js/package-lock.json.
if [[ -f tests/js/package.json ]]; then
  if [[ ! -d tests/js/node_modules ]] || [[ tests/js/package-lock.json -nt tests/js/node_modules ]]; then
    echo "install-deps: installing test JavaScript packages (tests/js)"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch tests/js/node_modules
  fi
fi
