/* SPDX-License-Identifier: MIT */
/*
 * Boot programs: what the kernel runs once it is up, chosen by words on the command line.
 *
 * kmain (kernel/main.c) brings the layers up from the bottom and then has to start
 * whatever the user asked for: the self-tests, a crash scenario, the bench, the demo, the
 * monitor. Those live in higher layers (tests/, samples/, monitor/), and the core must
 * not know them, so each one registers itself here instead, the way Linux code hooks a
 * command-line word with __setup() and its init with initcall sections: the entry goes
 * into a linker section, and kmain walks the section without naming anyone.
 *
 *   BOOT_PROGRAM(ORDER, "word", fn);
 *
 * fn runs when "word" (alone, or as "word=value") is on the command line. Programs run in
 * ORDER (exactly two digits, lowest first: linker.ld sorts the section by name, so "5"
 * would sort after "10"; the macro refuses it), so "demo monitor" runs the demo, then the
 * monitor. A program that ends the boot (the self-tests) calls qemu_exit itself; one that
 * returns lets the next run. When the command line names no program at all, kmain runs
 * the one registered with BOOT_PROGRAM_DEFAULT instead (the demo, samples/demo.c).
 */
#ifndef JUMPER_INIT_H
#define JUMPER_INIT_H

#include "compiler.h"

struct boot_program {
	const char *word;       /* the command-line word that asks for it */
	void (*run)(void);      /* reads its own "word=value" with cmdline_get if it has one */
	bool is_default;        /* also what a boot that names no program runs */
};

/* The entries are walked as an array: each one aligned as the struct, never padded. */
#define __BOOT_PROGRAM(order, word, fn, dflt)                                      \
	_Static_assert(sizeof(#order) == 3, "BOOT_PROGRAM order: exactly two digits"); \
	static const struct boot_program __boot_program_##fn __used                \
		__aligned(__alignof__(struct boot_program))                        \
		__section(".boot_programs." #order) = { word, fn, dflt }
#define BOOT_PROGRAM(order, word, fn)         __BOOT_PROGRAM(order, word, fn, false)
#define BOOT_PROGRAM_DEFAULT(order, word, fn) __BOOT_PROGRAM(order, word, fn, true)

/* Bounds of the section, sorted by ORDER (linker.ld). */
extern const struct boot_program __boot_programs_start[], __boot_programs_end[];

#endif
