/* SPDX-License-Identifier: MIT */
/* Freestanding string and memory helpers (lib/string.c); C library semantics. */
#ifndef JUMPER_STRING_H
#define JUMPER_STRING_H

#include "types.h"

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Copies at most size-1 bytes and always terminates (when size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Shell-style match: '*' any run, '?' one char, everything else literal. */
bool glob_match(const char *pattern, const char *str);

/*
 * Parses an unsigned number: decimal, or hex with a 0x prefix. Returns 0 and stores the
 * value only if the whole string was consumed and fits in 32 bits, else -EINVAL.
 */
int parse_ulong(const char *s, unsigned long *out);

#endif
