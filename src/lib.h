/* SPDX-License-Identifier: MIT */
/*
 * Private to the library: state bits kept in struct io_uring's int_flags
 * and helpers shared between the source files.
 */
#ifndef LIBURING_LIB_H
#define LIBURING_LIB_H

#define LIBURING_INTERNAL
#include "liburing.h"

enum {
	INT_FLAG_REG_RING	= 1,	/* enter through the registered index */
	INT_FLAG_REG_REG_RING	= 2,	/* register through it too */
	INT_FLAG_APP_MEM	= 4,	/* ring memory belongs to the caller */
	INT_FLAG_NO_IOWAIT	= 8,	/* waits pass IORING_ENTER_NO_IOWAIT */
};

/* Flags every io_uring_enter() on this ring carries. */
static inline unsigned ring_enter_flags(const struct io_uring *ring)
{
	unsigned flags = 0;

	if (ring->int_flags & INT_FLAG_REG_RING)
		flags |= IORING_ENTER_REGISTERED_RING;
	if (ring->int_flags & INT_FLAG_NO_IOWAIT)
		flags |= IORING_ENTER_NO_IOWAIT;
	return flags;
}

/* io_uring_register() on this ring, through its registered index if any. */
int ring_register(struct io_uring *ring, unsigned int opcode,
		  const void *arg, unsigned int nr_args);

/* Map the rings of @fd as described by @p into @sq and @cq. */
int ring_mmap(int fd, struct io_uring_params *p, struct io_uring_sq *sq,
	      struct io_uring_cq *cq);
void ring_unmap(struct io_uring_sq *sq, struct io_uring_cq *cq);
/* Point the user-side view at the kernel fields in the mapped rings. */
void ring_setup_pointers(struct io_uring_params *p, struct io_uring_sq *sq,
			 struct io_uring_cq *cq);

#define PAGE_ALIGN_UP(x, page)	(((x) + (page) - 1) & ~((size_t) (page) - 1))

#endif
