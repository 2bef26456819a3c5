/* SPDX-License-Identifier: MIT */
/*
 * Memory ordering for the rings shared with the kernel.
 *
 * The kernel publishes CQ tails and consumes SQ heads; user space publishes
 * SQ tails and CQ heads.  Each side reads the other's index with an acquire
 * load (so the entries behind it are visible) and publishes its own with a
 * release store (so the entries it wrote are visible first).  C++ uses
 * std::atomic_ref-free builtins too, so one definition serves both.
 */
#ifndef LIBURING_BARRIER_H
#define LIBURING_BARRIER_H

/*
 * The GCC/Clang __atomic builtins work on plain objects in C and C++ alike,
 * which is what ring indices in shared memory are.
 */
#define IO_URING_WRITE_ONCE(var, val)	\
	__atomic_store_n(&(var), (val), __ATOMIC_RELAXED)
#define IO_URING_READ_ONCE(var)		\
	__atomic_load_n(&(var), __ATOMIC_RELAXED)

#define io_uring_smp_store_release(p, v)	\
	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define io_uring_smp_load_acquire(p)		\
	__atomic_load_n((p), __ATOMIC_ACQUIRE)

/* A full barrier: orders an earlier store before a later load. */
#define io_uring_smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif
