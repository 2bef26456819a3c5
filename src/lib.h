/* SPDX-License-Identifier: MIT */
/*
 * Private to the library: state bits kept in struct io_uring's int_flags
 * and helpers shared between the source files.
 */
#ifndef LIBURING_LIB_H
#define LIBURING_LIB_H

#define LIBURING_INTERNAL
#include "liburing.h"

#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter	426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register	427
#endif

/*
 * The bits that turn on an io_uring_enter() flag have that flag's value,
 * so the flags every enter carries are one mask away (ring_enter_flags()).
 */
enum {
	INT_FLAG_REG_REG_RING	= 2,	/* register through the index too */
	INT_FLAG_APP_MEM	= 4,	/* ring memory belongs to the caller */
	INT_FLAG_REG_RING	= IORING_ENTER_REGISTERED_RING,	/* 1 << 4 */
	INT_FLAG_NO_IOWAIT	= IORING_ENTER_NO_IOWAIT,	/* 1 << 7 */
};

/* Flags every io_uring_enter() on this ring carries. */
static inline unsigned ring_enter_flags(const struct io_uring *ring)
{
	return ring->int_flags & (INT_FLAG_REG_RING | INT_FLAG_NO_IOWAIT);
}

/*
 * io_uring_enter(2) through libc's syscall(2), inlined into the submit and
 * wait paths so that they make no further library calls on the way.
 */
static inline int syscall_result(long ret)
{
	return ret < 0 ? -errno : (int) ret;
}

static inline int sys_io_uring_enter(unsigned int fd, unsigned int to_submit,
				     unsigned int min_complete,
				     unsigned int flags, void *arg, size_t sz)
{
	return syscall_result(syscall(__NR_io_uring_enter, fd, to_submit,
				      min_complete, flags, arg, sz));
}

/*
 * io_uring_enter(2) with no signal mask and no extended argument.  The
 * kernel reads the argument size only for a non-NULL argument (a sigset
 * without IORING_ENTER_EXT_ARG: 5.1 on), so it is left out: five
 * arguments travel in registers, where six take a stack slot in
 * syscall(2)'s variadic call.
 */
static inline int sys_io_uring_enter_plain(unsigned int fd,
					   unsigned int to_submit,
					   unsigned int min_complete,
					   unsigned int flags)
{
	return syscall_result(syscall(__NR_io_uring_enter, fd, to_submit,
				      min_complete, flags, NULL));
}

/* Map the rings of a resized ring in place of its current ones. */
int __io_uring_remap_rings(struct io_uring *ring, struct io_uring_params *p);

/* The page size, or 4 KiB should sysconf() not know it. */
static inline size_t page_size(void)
{
	long sz = sysconf(_SC_PAGESIZE);

	return sz > 0 ? (size_t) sz : 4096;
}

#define PAGE_ALIGN_UP(x, page)	(((x) + (page) - 1) & ~((size_t) (page) - 1))

#endif
