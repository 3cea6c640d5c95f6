#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that the tools a jumper build needs are present.
# Contract: exits 0 when everything is there. When something is missing it installs the
# Debian packages itself if running as root, otherwise it prints the exact apt-get
# command and exits 1 so make stops before a confusing compiler error.
# Usage: need-tools.sh [iso] [gdb]  (extra groups beyond the always-needed build+qemu set)
set -u
declare -A pkg_of=(
  [nasm]=nasm [ld]=binutils [objdump]=binutils [nm]=binutils [python3]=python3
  [qemu-system-i386]=qemu-system-x86 [grub-file]=grub-common
  [grub-mkrescue]="grub-common grub-pc-bin" [xorriso]=xorriso [mformat]=mtools [gdb]=gdb
)
want=(nasm ld objdump nm python3 qemu-system-i386 grub-file)
for group in "$@"; do
  case $group in
    iso) want+=(grub-mkrescue xorriso mformat) ;;
    gdb) want+=(gdb) ;;
  esac
done
missing=()
for tool in "${want[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=(${pkg_of[$tool]})
done
# grub-mkrescue needs the BIOS (i386-pc) modules, which live in grub-pc-bin.
if [[ " $* " == *" iso "* && ! -d /usr/lib/grub/i386-pc ]]; then missing+=(grub-pc-bin); fi
# gcc -m32 needs the 32-bit multilib runtime (libgcc for 64-bit division).
if ! echo 'int x;' | gcc -m32 -x c -c -o /dev/null - >/dev/null 2>&1 ||
   [ ! -f "$(gcc -m32 -print-libgcc-file-name 2>/dev/null)" ]; then
  missing+=(gcc-multilib)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
cmd="apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "need-tools: installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >&2 && exit 0
  echo "need-tools: install failed; try: $cmd" >&2
  exit 1
fi
echo "need-tools: missing ${missing[*]}. Install with:" >&2
echo "    sudo apt-get update && sudo $cmd" >&2
exit 1
