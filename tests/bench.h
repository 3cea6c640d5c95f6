/* The probe benchmark (tests/bench.c). */
#ifndef JUMPER_TESTS_BENCH_H
#define JUMPER_TESTS_BENCH_H

#include "compiler.h"

int bench_target(int a, int b);
/* Runs every row and prints "BENCH ..." lines on the console. */
void bench_main(void);
/* Times BENCH_CALLS calls of bench_target and prints a BENCH line; returns the ticks. */
u64 bench_row(const char *name, u64 baseline);
/* Rows for other probe types (tests/bench_jprobe.c). */
void bench_more_rows(u64 baseline);

#endif
