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

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  if command -v apt-get >/dev/null; then
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
# shellcheck disable=SC2086
.venv/bin/pip install -q $extras
