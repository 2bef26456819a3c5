/* SPDX-License-Identifier: MIT */
/*
 * The ring-index accesses that src/ffi.c cannot show: src/ffi.c turns every
 * inline helper of liburing.h into a function, but io_uring_for_each_cqe()
 * is a macro and io_uring_get_sqe() is inline only outside the library.
 * test/barriers/check.sh disassembles this object beside the library's.
 */
#include "liburing.h"

unsigned barrier_for_each_cqe(struct io_uring *ring);
struct io_uring_sqe *barrier_get_sqe(struct io_uring *ring);

/* Count and consume the ready CQEs: the macro's tail load. */
unsigned barrier_for_each_cqe(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;

	io_uring_for_each_cqe(ring, head, cqe)
		n++;
	return n;
}

/* The application's io_uring_get_sqe(): fast path and slow path. */
struct io_uring_sqe *barrier_get_sqe(struct io_uring *ring)
{
	return io_uring_get_sqe(ring);
}
