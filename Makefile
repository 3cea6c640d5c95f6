# SPDX-License-Identifier: MIT
# jumper: every entry point. `make help` lists them.
#
#   make                 kernel ELF in build/ts$(THREAD_SIZE)/jumper.elf
#   make run             boot it in QEMU, serial on this terminal (Ctrl-A X quits)
#   make test            build, boot the self-tests and oops scenarios, grade the logs
#   make bench           what a probe hit costs, in guest instructions (QEMU -icount)
#   make bench-profile   the same, and where one hit's instructions go, by function
#   make mutants         one-line mutations of the probe core, each built and tested in a
#                        scratch copy: every one must be killed (MUTANT=07 runs one,
#                        MUTANT=list lists them; tests/mutants/mutants_list.py)
#   make iso / test-iso  the same kernel booted through GRUB from an ISO
#   make debug           QEMU halted with its gdb stub, and gdb with symbols attached
#                        (docs/debugging.md; GDBPORT=N for another port than 1234)
#   make compile_commands.json   the kernel's compile commands, for clangd and editors
#   make clean
#
# Options: THREAD_SIZE=4096|8192 (default 8192), HZ=timer ticks/s (default 100),
#          JPROBE_STACK_BOUND=thread|page (page: the 2004 bug, for demonstration),
#          CMDLINE='...' for make run, RUNFLAGS='--select GLOB' for make test,
#          JUNIT=path for make test: also write a JUnit XML report there.

THREAD_SIZE ?= 8192
HZ ?= 100
ifeq ($(filter $(THREAD_SIZE),4096 8192),)
$(error THREAD_SIZE must be 4096 or 8192, not '$(THREAD_SIZE)')
endif

# JPROBE_STACK_BOUND=page builds the 2004 patch's first, page-bounded MIN_STACK_SIZE,
# only to watch the test written for Andi Kleen's review fail (see docs/jprobes.md).
JPROBE_STACK_BOUND ?= thread
ifeq ($(filter $(JPROBE_STACK_BOUND),thread page),)
$(error JPROBE_STACK_BOUND must be thread or page, not '$(JPROBE_STACK_BOUND)')
endif

BUILD   := build/ts$(THREAD_SIZE)$(if $(filter page,$(JPROBE_STACK_BOUND)),-pagebound)
KERNEL  := $(BUILD)/jumper.elf
GEN     := $(BUILD)/gen
# The generated constants of the .asm files: the core's, the probes' (rule below).
ASM_OFFSETS := $(GEN)/asm-offsets.inc $(GEN)/kprobe-offsets.inc
CMDLINE ?= demo monitor

CC      := gcc
NASM    := nasm
LD      := ld
PYTHON  := python3
QEMU    := qemu-system-i386

VARIANT_CFLAGS := $(if $(filter page,$(JPROBE_STACK_BOUND)),-DJPROBE_STACK_BOUND_PAGE)
CFLAGS  := $(VARIANT_CFLAGS) -m32 -march=i686 -std=c11 -ffreestanding -fno-pie -fno-pic \
           -fno-stack-protector -fno-omit-frame-pointer -nostdlib -O2 -g \
           -mno-sse -mno-mmx -mno-80387 -fno-asynchronous-unwind-tables \
           -Wall -Wextra -Werror -Iinclude -DTHREAD_SIZE=$(THREAD_SIZE) -DHZ=$(HZ) -MMD -MP
NASMFLAGS := -f elf32 -g -F dwarf -DTHREAD_SIZE=$(THREAD_SIZE)
LDFLAGS := -m elf_i386 -nostdlib -z noexecstack -T linker.ld --defsym THREAD_SIZE=$(THREAD_SIZE)
LIBGCC   = $(shell $(CC) -m32 -print-libgcc-file-name)

# The file map, one folder per kind of code, lowest layer first (docs/architecture.md;
# host.layers checks that includes and calls only point down):
#   lib/ lib/insn/   freestanding helpers, the x86 decoder (also built on the host)
#   drivers/         serial, PIC, PIT, QEMU exit
#   kernel/ mm/      the core (traps, scheduler, symbols) and the probes; memory
#   samples/         the demo and the 2004 patch's jprobe sample
#   monitor/         the jumper> prompt and its line editor
#   tests/kernel/ tests/bench/   in-kernel self-tests, crash scenarios, the bench
SRC_DIRS := lib lib/insn drivers kernel mm samples monitor tests/kernel tests/bench
# kernel/*-offsets.c are never linked: each only generates its .inc (below).
OFFSETS_SRCS := $(patsubst $(GEN)/%.inc,kernel/%.c,$(ASM_OFFSETS))
C_SRCS   := $(filter-out $(OFFSETS_SRCS),$(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c)))
ASM_SRCS := boot/multiboot.asm $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.asm))
OBJS     := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(ASM_SRCS) $(C_SRCS)))

TOOLS_STAMP := $(BUILD)/.tools-ok

# Short build lines by default; V=1 shows the full commands.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

.PHONY: all run test bench bench-profile iso test-iso debug clean help tools compile_commands.json
.PHONY: mutants
all: $(KERNEL)

help:
	@sed -n '/SPDX-License-Identifier/d; 1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

tools: $(TOOLS_STAMP)
$(TOOLS_STAMP): scripts/need-tools.sh
	@scripts/need-tools.sh
	@mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: %.c | $(TOOLS_STAMP)
	@mkdir -p $(@D)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.asm $(ASM_OFFSETS) | $(TOOLS_STAMP)
	@mkdir -p $(@D)
	$(call msg,NASM,$<)
	$(Q)$(NASM) $(NASMFLAGS) -I$(GEN)/ $< -o $@

# The constants .asm files share with C (vectors, selectors, pt_regs offsets, the kprobe
# slot size), defined once, in C: NASM cannot read a C header, so each generator
# (kernel/asm-offsets.c: the core's; kernel/kprobe-offsets.c: the probes') is compiled to
# assembly (never linked) and its "->SYM value" marker lines (include/kbuild.h) become the
# `%define SYM value` lines of the same-named .inc in $(GEN), which the .asm files %include. Its
# dependency file (-MMD) rebuilds it when any header it reads changes. Linux does the same
# (Kbuild's asm-offsets.h).
$(GEN)/%.s: kernel/%.c | $(TOOLS_STAMP)
	@mkdir -p $(@D)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CFLAGS) -S $< -o $@

$(ASM_OFFSETS): $(GEN)/%.inc: $(GEN)/%.s
	$(call msg,GEN,$@)
	$(Q){ echo '; Generated from kernel/$*.c by the Makefile. Do not edit.'; \
	sed -n -e 's/^[[:space:]]*\.ascii "->\([^ "]\{1,\}\) \([^ "]\{1,\}\)"$$/%define \1 \2/p' \
	       -e 's/^[[:space:]]*\.ascii "->"$$//p' $<; } > $@.tmp && mv $@.tmp $@

# Two links, like Linux's kallsyms: the first with an empty symbol table, whose symbols
# become the table of the second. The table is the image's last section, so the check
# after the final link can demand that no other symbol moved. Then refuse an image a
# multiboot loader would not boot.
KALLSYMS := scripts/kallsyms.py

$(BUILD)/kallsyms_empty.c: $(KALLSYMS) | $(TOOLS_STAMP)
	$(Q)$(PYTHON) $(KALLSYMS) --empty $@

$(BUILD)/jumper.pass1.elf: $(OBJS) $(BUILD)/obj/kallsyms_empty.o linker.ld
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/obj/kallsyms_empty.o $(LIBGCC)

$(BUILD)/kallsyms.c: $(BUILD)/jumper.pass1.elf $(KALLSYMS)
	$(call msg,KSYMS,$@)
	$(Q)$(PYTHON) $(KALLSYMS) $< $@

$(BUILD)/obj/kallsyms_empty.o $(BUILD)/obj/kallsyms.o: $(BUILD)/obj/%.o: $(BUILD)/%.c
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(KERNEL): $(BUILD)/jumper.pass1.elf $(BUILD)/obj/kallsyms.o
	$(call msg,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@.tmp $(OBJS) $(BUILD)/obj/kallsyms.o $(LIBGCC)
	$(Q)$(PYTHON) $(KALLSYMS) --check $(BUILD)/jumper.pass1.elf $@.tmp || \
		{ echo "error: symbols moved between the two links" >&2; rm -f $@.tmp; exit 1; }
	@grub-file --is-x86-multiboot $@.tmp || \
		{ echo "error: $@: no multiboot header in the first 8 KiB" >&2; \
		  rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@
	@echo "built $@ (THREAD_SIZE=$(THREAD_SIZE))"

QEMU_ARGS := -m 128M -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04

# scripts/qemu-run.py feeds piped input (ending it with Ctrl-D), logs COM1 to
# $(RUN_LOGS)/run-serial.log and says how the kernel ended; its exit status table is in
# the script and in README.md (make itself turns any non-zero status into 2).
RUN_LOGS ?= $(BUILD)
# The kernel ended well (status 0 halt, 3 end of input, 4 a pass): make succeeds. Any
# other ending fails make, whose "Error N" line then carries the wrapper's status.
run: $(KERNEL)
	@$(PYTHON) scripts/qemu-run.py --logs $(RUN_LOGS) $(QEMU) $(QEMU_ARGS) -display none \
		-kernel $(KERNEL) -append "$(CMDLINE)"; rc=$$?; \
	case $$rc in 0|3|4) exit 0 ;; *) exit $$rc ;; esac

# Host programs: the instruction decoder built for this machine (tests/host/).
include tests/host/Makefile.inc
HOST_TESTS := build/host/insn_check build/host/insn_fuzz build/host/insn_fuzz_san \
              build/host/insn_cases_test build/host/insn_vex_corpus.o build/host/vex_space.o
$(HOST_TESTS): | $(TOOLS_STAMP)

# In the page-bound build exactly one test must fail: the runner expects it to.
XFAIL := $(if $(filter page,$(JPROBE_STACK_BOUND)),--xfail jprobes_stack.lower_page_args_survive)
# With 4 KiB stacks one case has nothing to show (a stack is one page, so the page and
# thread bounds agree): the runner expects exactly that skip, and fails any other.
XSKIP := $(if $(filter 4096,$(THREAD_SIZE)),--xskip jprobes_stack.lower_page_args_survive)

test: $(KERNEL) $(HOST_TESTS)
	@scripts/need-tools.sh gdb
	@$(PYTHON) tests/run.py --kernel $(KERNEL) --logs $(BUILD)/logs --host-dir build/host \
		$(XFAIL) $(XSKIP) $(if $(JUNIT),--junit $(JUNIT)) $(RUNFLAGS)

# Probe costs in guest instructions (QEMU -icount); table, build/bench.json, targets.
# bench-profile adds where one hit's instructions go, function by function.
bench: $(KERNEL)
	@$(PYTHON) tests/bench/bench.py --kernel $(KERNEL) --json build/bench.json

bench-profile: $(KERNEL)
	@$(PYTHON) tests/bench/bench.py --kernel $(KERNEL) --json build/bench.json --profile

# The mutation gate: each mutant is applied in build/mutants/ (this tree is never touched),
# built with this THREAD_SIZE and run against its tests; any survivor fails the target.
# MUTANTS_FLAGS=--all-tests runs every mutant against all the self-tests and oops boots.
mutants:
	@$(PYTHON) tests/mutants/mutants.py --thread-size $(THREAD_SIZE) \
		$(if $(MUTANT),$(if $(filter list,$(MUTANT)),--list,--only $(MUTANT))) \
		$(MUTANTS_FLAGS)

# The ISOs: grub.cfg from iso/ with the command line filled in, the kernel beside it.
ISO      := $(BUILD)/jumper.iso
TEST_ISO := $(BUILD)/jumper-test.iso
# make_iso(output, tag, kernel command line)
define make_iso
	@scripts/need-tools.sh iso
	@rm -rf $(BUILD)/iso-$(2) && mkdir -p $(BUILD)/iso-$(2)/boot/grub
	cp $(KERNEL) $(BUILD)/iso-$(2)/boot/jumper.elf
	sed 's|@CMDLINE@|$(3)|' iso/grub.cfg > $(BUILD)/iso-$(2)/boot/grub/grub.cfg
	grub-mkrescue -o $(1) $(BUILD)/iso-$(2) 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log >&2; exit 1; }
endef

# Booted by hand: the demo, then the monitor (as make run).
iso: $(ISO)
$(ISO): $(KERNEL) iso/grub.cfg
	$(call make_iso,$@,run,demo monitor)

$(TEST_ISO): $(KERNEL) iso/grub.cfg
	$(call make_iso,$@,test,selftest)

test-iso: $(TEST_ISO) $(ISO)
	@$(PYTHON) tests/run.py --iso $(TEST_ISO) --kernel $(KERNEL) --logs $(BUILD)/logs-iso \
		--monitor-iso $(ISO) --only selftest $(XSKIP) $(RUNFLAGS)

# QEMU runs in its own session (setsid) so that Ctrl-C in gdb, which interrupts the kernel,
# does not also kill QEMU; the shell ignores that Ctrl-C (trap :) and kills QEMU when gdb
# quits. GDBPORT=N uses another port than QEMU's -s (1234); scripts/gdbinit reads $$gdbport.
GDBPORT ?= 1234
debug: $(KERNEL)
	@scripts/need-tools.sh gdb
	@echo "QEMU waits for gdb on :$(GDBPORT); serial output goes to $(BUILD)/debug-serial.log"
	@setsid $(QEMU) $(QEMU_ARGS) -display none -serial file:$(BUILD)/debug-serial.log \
		-monitor none -kernel $(KERNEL) -append "$(CMDLINE)" \
		-S -gdb tcp:127.0.0.1:$(GDBPORT) </dev/null & qemu=$$!; trap : INT; \
	gdb -q -ex 'set $$gdbport = $(GDBPORT)' -x scripts/gdbinit $(KERNEL); \
	kill $$qemu 2>/dev/null; true

# For clangd and other editors: one entry per kernel C file, with the exact command the
# pattern rule above runs (this configuration's CFLAGS; rerun after changing options).
# make's own variables go to python3 through the environment, so no quoting is lost.
compile_commands.json:
	$(call msg,GEN,$@)
	$(Q)CC_JSON='$(CC)' CFLAGS_JSON='$(CFLAGS)' SRCS_JSON='$(C_SRCS)' \
	OBJDIR_JSON='$(BUILD)/obj' \
	$(PYTHON) -c 'import json, os, shlex; e = os.environ; d = os.getcwd(); \
	print(json.dumps([{"directory": d, "file": src, "output": e["OBJDIR_JSON"] + "/" + \
	os.path.splitext(src)[0] + ".o", \
	"arguments": [e["CC_JSON"], *shlex.split(e["CFLAGS_JSON"]), \
	"-c", src, "-o", e["OBJDIR_JSON"] + "/" + os.path.splitext(src)[0] + ".o"]} \
	for src in e["SRCS_JSON"].split()], indent=2))' > $@.tmp && mv $@.tmp $@

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(ASM_OFFSETS:.inc=.d)
