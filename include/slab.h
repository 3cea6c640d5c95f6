/* SPDX-License-Identifier: MIT */
/*
 * Small-object allocation (mm/slab.c), with Linux's names: kmalloc, kzalloc, kfree.
 *
 * Objects of up to KMALLOC_MAX_SIZE bytes come from power-of-two size classes, each class
 * carving whole pages from alloc_page(); a page goes back to the frame allocator as soon
 * as its last object is freed. Safe with interrupts on or off (every call runs with them
 * off inside), so trap handlers may allocate and free too.
 */
#ifndef JUMPER_SLAB_H
#define JUMPER_SLAB_H

#include "compiler.h"

#define KMALLOC_MIN_SIZE 16
#define KMALLOC_MAX_SIZE 2048

/* size bytes, aligned to 16 (and to the size class); NULL if size is 0 or too large, or
 * no frame is left. The contents are undefined. */
void *kmalloc(size_t size);
/* As kmalloc, zero-filled. */
void *kzalloc(size_t size);
/* Gives back what kmalloc returned; kfree(NULL) does nothing. A pointer kmalloc never
 * returned, or one freed already, is a BUG. */
void kfree(const void *ptr);
/* Pages the size classes hold right now (for tests: freeing everything returns them). */
unsigned long kmalloc_pages(void);

#endif
