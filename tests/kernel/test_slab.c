// SPDX-License-Identifier: MIT
/* kmalloc (mm/slab.c): size classes, alignment, reuse, and pages given back when empty. */
#include "ktest.h"
#include "mm.h"
#include "slab.h"
#include "string.h"

#define MANY 600                /* more than one page of every class */

static void *objs[MANY];

/* Every size from 1 to KMALLOC_MAX_SIZE: aligned to 16 and to its class, writable, and
 * no two live objects overlap (each is filled with its own pattern and checked). */
static void sizes_alignment_and_no_overlap(struct ktest *t)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 31, 33, 64, 100, 128, 200, 256,
					500, 512, 1000, 1024, 1500, 2047, 2048 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	unsigned long pages = kmalloc_pages(), frames = nr_free_pages();
	unsigned bad_align = 0, bad_fill = 0;

	for (unsigned i = 0; i < N; i++) {
		objs[i] = kmalloc(sizes[i]);
		KASSERT_TRUE(t, objs[i] != NULL);
		size_t cls = KMALLOC_MIN_SIZE;
		while (cls < sizes[i])
			cls <<= 1;
		bad_align += ((unsigned long)objs[i] % cls) != 0;
		memset(objs[i], 0x40 + (int)i, sizes[i]);
	}
	for (unsigned i = 0; i < N; i++)
		for (size_t b = 0; b < sizes[i]; b++)
			bad_fill += ((u8 *)objs[i])[b] != 0x40 + i;
	KEXPECT_EQ(t, bad_align, 0);
	KEXPECT_EQ(t, bad_fill, 0);
	for (unsigned i = 0; i < N; i++)
		kfree(objs[i]);
	KEXPECT_EQ(t, kmalloc_pages(), pages);
	KEXPECT_EQ(t, nr_free_pages(), frames);
}

static void bad_sizes_return_null(struct ktest *t)
{
	KEXPECT_TRUE(t, kmalloc(0) == NULL);
	KEXPECT_TRUE(t, kmalloc(KMALLOC_MAX_SIZE + 1) == NULL);
	KEXPECT_TRUE(t, kzalloc(PAGE_SIZE) == NULL);
	kfree(NULL);                            /* a no-op */
}

/* Many objects of one class take several pages, and freeing them all returns every page;
 * a freed object is handed out again (the same address) before a new page is taken. */
static void pages_come_back_when_empty(struct ktest *t)
{
	unsigned long pages = kmalloc_pages(), frames = nr_free_pages();

	for (unsigned i = 0; i < MANY; i++) {
		objs[i] = kmalloc(64);
		KASSERT_TRUE(t, objs[i] != NULL);
	}
	/* 4096 - 64 bytes of objects per page: MANY needs 10 new pages (9 if a partly used
	 * page was there already). */
	KEXPECT_GE(t, kmalloc_pages(), pages + MANY / 63);       /* 63 objects per page */
	KEXPECT_LE(t, kmalloc_pages(), pages + (MANY + 62) / 63);
	void *again = objs[MANY / 2];
	kfree(again);
	KEXPECT_TRUE(t, kmalloc(64) == again);
	for (unsigned i = 0; i < MANY; i++)
		kfree(objs[i]);
	KEXPECT_EQ(t, kmalloc_pages(), pages);
	KEXPECT_EQ(t, nr_free_pages(), frames);
}

static void kzalloc_zeroes(struct ktest *t)
{
	u8 *keep = kmalloc(128);                /* keeps the page from going back */
	u8 *a = kmalloc(128);

	KASSERT_TRUE(t, keep && a);
	memset(a, 0xa5, 128);
	kfree(a);
	u8 *b = kzalloc(128);
	KASSERT_TRUE(t, b == a);                   /* the same object, reused */
	unsigned nonzero = 0;
	for (unsigned i = 0; i < 128; i++)
		nonzero += b[i] != 0;
	KEXPECT_EQ(t, nonzero, 0);
	kfree(b);
	kfree(keep);
}

static const struct ktest_case slab_cases[] = {
	KTEST_CASE(sizes_alignment_and_no_overlap),
	KTEST_CASE(bad_sizes_return_null),
	KTEST_CASE(pages_come_back_when_empty),
	KTEST_CASE(kzalloc_zeroes),
	KTEST_END,
};
KTEST_SUITE(slab_suite, "slab", slab_cases);
