#!/usr/bin/env bash
# Set up Mati on a fresh Debian/Ubuntu machine: system packages, then a virtualenv in .venv.
#   scripts/install.sh          runtime: Tesseract OCR with Thai, Mati itself (with its semantic-search model)
#   scripts/install.sh --dev    also what the tests need: Thai fonts, LibreOffice, PostgreSQL, dev extras
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(tesseract-ocr tesseract-ocr-tha tesseract-ocr-eng)
extras=".[semantic]"
if [[ "${1:-}" == "--dev" ]]; then
  packages+=(fonts-thai-tlwg libreoffice-writer-nogui postgresql postgresql-contrib wrk)
  extras="-e .[dev,semantic]"
fi

apt_install() {  # the packages given that are not installed yet
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  if command -v apt-get >/dev/null; then
    local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
}

apt_install "${packages[@]}"
if [[ "${1:-}" == "--dev" ]]; then  # RUM index for the PostgreSQL search, for the server's major version
  pg_major=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)
  apt_install "postgresql-${pg_major}-rum"
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
# shellcheck disable=SC2086
.venv/bin/pip install -q $extras
