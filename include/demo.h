/* What a plain boot (no "selftest" on the command line) shows: kernel/demo.c. */
#ifndef JUMPER_DEMO_H
#define JUMPER_DEMO_H

void demo_main(void);

#endif
