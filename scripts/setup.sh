#!/usr/bin/env bash
# Set up pvlab on a Debian machine: the system libraries that `canvas` (behind the PNG charts)
# builds against, the npm dependencies, and the compiled CLI. Idempotent: it installs only what
# is missing. With --referees it also installs the RISC-V cross tools, QEMU and Chromium that the
# differential tests use as referees (pvlab itself never needs them).
set -euo pipefail
cd "$(dirname "$0")/.."

want=(libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev pkg-config)
if [[ "${1:-}" == "--referees" ]]; then
  want+=(qemu-system-misc binutils-riscv64-unknown-elf gcc-riscv64-unknown-elf chromium)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
npm run -s build
