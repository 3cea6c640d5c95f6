/* The probe benchmark (tests/bench.c). */
#ifndef JUMPER_TESTS_BENCH_H
#define JUMPER_TESTS_BENCH_H

#include "compiler.h"

int bench_target(int a, int b);
/* Runs every row and prints "BENCH ..." lines on the console. */
void bench_main(void);
/* Rows added by later subsystems (jprobes); a weak default adds none. */
void bench_more_rows(u64 baseline);

#endif
