#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that the tools a jumper build needs are present and do their job.
# Contract: exits 0 when everything is there. When something is missing it installs the
# Debian packages itself if running as root, checks again, and exits 0 only if the install
# fixed everything; otherwise it prints the exact apt-get command and exits 1 so make
# stops before a confusing compiler or linker error. It changes nothing when nothing is
# missing, and never installs when NEED_TOOLS_NO_INSTALL=1 (tests/host/need_tools_test.py
# uses that to check the diagnosis as root without touching the machine).
# Usage: need-tools.sh [iso] [gdb]  (extra groups beyond the always-needed build+qemu set)
set -u
declare -A pkg_of=(
  [gcc]=gcc [make]=make [nasm]=nasm [ld]=binutils [objdump]=binutils [objcopy]=binutils
  [nm]=binutils [python3]=python3
  [qemu-system-i386]=qemu-system-x86 [grub-file]=grub-common
  [grub-mkrescue]="grub-common grub-pc-bin" [xorriso]=xorriso [mformat]=mtools [gdb]=gdb
)
want=(gcc make nasm ld objdump objcopy nm python3 qemu-system-i386 grub-file)
iso=0
for group in "$@"; do
  case $group in
    iso) want+=(grub-mkrescue xorriso mformat); iso=1 ;;
    gdb) want+=(gdb) ;;
    *) echo "need-tools: unknown group '$group' (known: iso, gdb)" >&2; exit 2 ;;
  esac
done

# Whether gcc -m32 and ld -m elf_i386 can build what the kernel build builds: a
# freestanding object whose 64-bit division and popcount become calls into libgcc
# (__udivmoddi4, __divdi3, __popcountsi2 with -march=i686), linked exactly as the Makefile
# links the kernel, against the file `gcc -m32 -print-libgcc-file-name` names. Testing
# that the file exists is not enough: a gcc without the 32-bit multilib runtime names its
# 64-bit libgcc.a, which exists, and ld then leaves those calls undefined.
# Returns 0 if the link succeeds; on failure the tool's messages are in $runtime_error.
runtime_error=
check_32bit_runtime() {
  local dir rc=1
  dir=$(mktemp -d "${TMPDIR:-/tmp}/need-tools.XXXXXX") ||
    { runtime_error="mktemp failed"; return 1; }
  cat >"$dir/probe.c" <<'EOF'
unsigned long long need_tools_u(unsigned long long a, unsigned long long b)
{ return a / b + a % b; }
long long need_tools_s(long long a, long long b) { return a / b; }
int need_tools_pop(unsigned int x) { return __builtin_popcount(x); }
void need_tools_start(void) { }
EOF
  if runtime_error=$(gcc -m32 -march=i686 -std=c11 -ffreestanding -fno-pie -fno-pic -nostdlib \
                         -O2 -c "$dir/probe.c" -o "$dir/probe.o" 2>&1) &&
     runtime_error=$(ld -m elf_i386 -nostdlib -e need_tools_start -o "$dir/probe.elf" \
                         "$dir/probe.o" "$(gcc -m32 -print-libgcc-file-name 2>/dev/null)" \
                         2>&1); then
    rc=0
  fi
  rm -rf "$dir"
  return $rc
}

# Fills $missing with the Debian packages that would supply what is absent or broken.
find_missing() {
  local tool
  missing=()
  for tool in "${want[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=(${pkg_of[$tool]})
  done
  # grub-mkrescue needs the BIOS (i386-pc) modules, which live in grub-pc-bin.
  if [ $iso -eq 1 ] && [ ! -f /usr/lib/grub/i386-pc/multiboot.mod ]; then
    missing+=(grub-pc-bin)
  fi
  # Without gcc or ld the link cannot be tried: name gcc-multilib at once rather than
  # after a second round (without gcc it is surely absent, as it depends on gcc; if it
  # is only ld that is missing, installing gcc-multilib again changes nothing).
  if ! command -v gcc >/dev/null 2>&1 || ! command -v ld >/dev/null 2>&1 ||
     ! check_32bit_runtime; then
    missing+=(gcc-multilib)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  fi
}

find_missing
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && [ "${NEED_TOOLS_NO_INSTALL:-0}" != 1 ]; then
  echo "need-tools: installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; } >&2; then
    find_missing
    [ ${#missing[@]} -eq 0 ] && exit 0
    echo "need-tools: still missing after the install: ${missing[*]}" >&2
    [ -n "$runtime_error" ] &&
      printf 'need-tools: the 32-bit link test said:\n%s\n' "$runtime_error" >&2
    exit 1
  fi
  echo "need-tools: install failed; try: apt-get update && $cmd" >&2
  exit 1
fi
# The reason for gcc-multilib is the least obvious one; say it (unless gcc is simply absent).
if [ -n "$runtime_error" ] && [[ " ${missing[*]} " == *" gcc-multilib "* ]]; then
  echo "need-tools: gcc -m32 cannot link 64-bit division and popcount against libgcc" \
       "(no 32-bit runtime):" >&2
  printf '%s\n' "$runtime_error" | head -n 4 | sed 's/^/    /' >&2
fi
sudo=sudo; [ "$(id -u)" -eq 0 ] && sudo=
echo "need-tools: missing ${missing[*]}. Install with:" >&2
echo "    ${sudo:+$sudo }apt-get update && ${sudo:+$sudo }$cmd" >&2
exit 1
