// SPDX-License-Identifier: MIT
/*
 * kmalloc: size classes of 16, 32 ... 2048 bytes over whole pages (include/slab.h).
 *
 * Each page serves one class. Its first bytes are a header: the class, how many objects
 * are out, and the page's own free list (a singly linked list threaded through the free
 * objects). A class keeps the pages that have a free object on a doubly linked list, so
 * kmalloc takes the first object of the first page, and kfree finds the page by masking
 * the pointer (RAM is identity-mapped: a frame's address is its page's). When a page's
 * last object comes back the page goes back to alloc_page's pool: memory a burst of
 * registrations took (ten thousand probes) is not held for ever.
 */
#include "slab.h"
#include "irqflags.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"

#define SLAB_MAGIC    0x51ab51abUL
#define NR_CLASSES    8                 /* 16 << 0 ... 16 << 7 = 2048 */
#define HEADER_SIZE   32                /* room for struct slab_page, object-aligned */

struct free_object {
	struct free_object *next;
};

struct slab_page {
	unsigned long magic;            /* SLAB_MAGIC: kfree's check that this is ours */
	unsigned class;                 /* index into classes[] */
	unsigned inuse;                 /* objects handed out */
	struct free_object *free;       /* this page's free objects */
	struct slab_page *prev, *next;  /* on its class's list while it has a free object */
};
_Static_assert(sizeof(struct slab_page) <= HEADER_SIZE, "header fits");

/* Per class: the pages with at least one free object. */
static struct slab_page *partial[NR_CLASSES];
static unsigned long slab_pages;

static size_t class_size(unsigned c)
{
	return (size_t)KMALLOC_MIN_SIZE << c;
}

/* The smallest class that holds size bytes; size is 1 .. KMALLOC_MAX_SIZE. */
static unsigned size_class(size_t size)
{
	unsigned c = 0;

	while (class_size(c) < size)
		c++;
	return c;
}

/* Objects start at the first multiple of their size past the header (16 for the small
 * classes), so every object is aligned to its class. */
static unsigned long first_object(unsigned c)
{
	return max((unsigned long)HEADER_SIZE, (unsigned long)class_size(c));
}

static void list_add(struct slab_page *pg)
{
	pg->prev = NULL;
	pg->next = partial[pg->class];
	if (pg->next)
		pg->next->prev = pg;
	partial[pg->class] = pg;
}

static void list_del(struct slab_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		partial[pg->class] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->prev = pg->next = NULL;
}

/* A fresh page for class c, every object on its free list, or NULL. */
static struct slab_page *new_page(unsigned c)
{
	unsigned long pa = alloc_page();
	struct slab_page *pg = (struct slab_page *)pa;

	if (!pa)
		return NULL;
	pg->magic = SLAB_MAGIC;
	pg->class = c;
	pg->inuse = 0;
	pg->free = NULL;
	/* Highest address first, so the list hands out the lowest first. */
	for (unsigned long off = PAGE_SIZE - class_size(c); off >= first_object(c);
	     off -= class_size(c)) {
		struct free_object *o = (struct free_object *)(pa + off);
		o->next = pg->free;
		pg->free = o;
	}
	slab_pages++;
	list_add(pg);
	return pg;
}

void *kmalloc(size_t size)
{
	unsigned long flags;
	struct free_object *o = NULL;

	if (!size || size > KMALLOC_MAX_SIZE)
		return NULL;
	unsigned c = size_class(size);
	local_irq_save(flags);
	struct slab_page *pg = partial[c] ? partial[c] : new_page(c);
	if (pg) {
		o = pg->free;
		pg->free = o->next;
		pg->inuse++;
		if (!pg->free)
			list_del(pg);           /* full: kfree puts it back */
	}
	local_irq_restore(flags);
	return o;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* The page ptr belongs to, checked: BUG unless kmalloc could have returned ptr. */
static struct slab_page *object_page(const void *ptr)
{
	struct slab_page *pg = (struct slab_page *)((unsigned long)ptr & PAGE_MASK);
	unsigned long off = (unsigned long)ptr & ~PAGE_MASK;

	BUG_ON(!page_is_allocatable((unsigned long)pg) || pg->magic != SLAB_MAGIC ||
	       pg->class >= NR_CLASSES);
	BUG_ON(off < first_object(pg->class) || off % class_size(pg->class));
	return pg;
}

void kfree(const void *ptr)
{
	unsigned long flags;

	if (!ptr)
		return;
	local_irq_save(flags);
	struct slab_page *pg = object_page(ptr);
	struct free_object *o = (struct free_object *)ptr;

	/* A double free would put one object on the list twice and hand it out twice. */
	for (struct free_object *f = pg->free; f; f = f->next)
		BUG_ON(f == o);
	BUG_ON(!pg->inuse);
	if (!pg->free)
		list_add(pg);                   /* was full: it has a free object again */
	o->next = pg->free;
	pg->free = o;
	if (--pg->inuse == 0) {
		list_del(pg);
		pg->magic = 0;
		slab_pages--;
		free_page((unsigned long)pg);
	}
	local_irq_restore(flags);
}

unsigned long kmalloc_pages(void)
{
	return READ_ONCE(slab_pages);
}
