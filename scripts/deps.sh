#!/usr/bin/env bash
# Installs the Debian packages Field Results needs to build (cgo + OpenGL for
# Fyne) and, with --test, to run its window test (Xvfb). Does nothing when
# they are already there, so `make run` is quick after the first time.
set -euo pipefail

pkgs=(gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
if [[ "${1:-}" == "--test" ]]; then
	pkgs+=(xvfb xauth)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Field Results needs these system packages: ${missing[*]}"
if ! command -v apt-get >/dev/null; then
	echo "error: apt-get not found. Install the equivalents of: ${missing[*]} with your system's package manager, then run make again." >&2
	exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null; then
		sudo="sudo"
	else
		echo "error: installing packages needs root. Run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
