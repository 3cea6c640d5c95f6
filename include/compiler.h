/* SPDX-License-Identifier: MIT */
/* Compiler helpers shared by every layer. */
#ifndef JUMPER_COMPILER_H
#define JUMPER_COMPILER_H

#include "types.h"

#define __used          __attribute__((used))
#define __noreturn      __attribute__((noreturn))
#define __noinline      __attribute__((noinline))
/* Inlined even where gcc would not: a hot path counted to the instruction (make bench). */
#define __always_inline inline __attribute__((always_inline))
/* No inlining, cloning or interprocedural assumptions: the function stays as written,
 * under its own symbol (probe targets in tests). */
#define __noipa         __attribute__((noipa))
#define __aligned(n)    __attribute__((aligned(n)))
#define __section(s)    __attribute__((section(s)))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __packed        __attribute__((packed))

/*
 * __kprobes puts a function in .kprobes.text. Code in that section runs while a probe is
 * being handled (trap entry and dispatch, the kprobes hit path, the oops); a probe placed
 * there would recurse into itself, so probe registration refuses those addresses (Linux
 * uses the same name and section for the same reason). A __kprobes function inlined
 * into its __kprobes caller stays in the section with it.
 */
#define __kprobes       __section(".kprobes.text")

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define barrier()       __asm__ volatile("" ::: "memory")
#define READ_ONCE(x)    (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))

#define STRINGIFY_(x)   #x
#define STRINGIFY(x)    STRINGIFY_(x)

#endif
