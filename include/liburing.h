/* SPDX-License-Identifier: MIT */
/*
 * liburing.h - the public interface of this io_uring library.
 *
 * Source- and binary-compatible with liburing 2.x: the same names, the same
 * prototypes, the same struct io_uring layout and the same symbol versions.
 *
 * Hot-path helpers (getting SQEs, preparing them, reaping CQEs, buffer
 * rings) are static inline below; setup, submission, waiting and
 * registration are real functions in the library.  Everything that can fail
 * returns a negative errno value.
 *
 * Threads: the library keeps no global state, so one ring per thread needs
 * no locking at all.  A ring shared between threads has two sides: the
 * submission side (io_uring_get_sqe*, io_uring_prep_*, io_uring_submit*) and
 * the completion side (io_uring_peek*, io_uring_wait*, io_uring_cqe_seen,
 * io_uring_cq_advance, io_uring_for_each_cqe).  Each side must be used by one
 * thread at a time (the caller's lock); the two sides may run concurrently in
 * different threads, except for calls that do both (io_uring_submit_and_wait*,
 * the timeout waits that may queue an internal SQE on kernels without
 * IORING_FEAT_EXT_ARG).  Rings set up with IORING_SETUP_SINGLE_ISSUER or
 * IORING_SETUP_DEFER_TASKRUN must be submitted to and waited on by the task
 * that created (or enabled) them.
 */
#ifndef LIB_URING_H
#define LIB_URING_H

/*
 * No feature-test macro is defined here: they belong to the program, and
 * one defined by a header changes what the libc headers included after it
 * declare (strerror_r's GNU form for _GNU_SOURCE, for one).  What strict
 * ISO builds hide is reached another way: sigset_t through <sys/select.h>,
 * an AT_FDCWD of our own, int64_t for loff_t, and io_uring_prep_waitid
 * only where <sys/wait.h> declares waitid(2)'s types.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/select.h>	/* sigset_t without feature-test macros */
#include <sys/uio.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <linux/swab.h>
#include "liburing/compat.h"
#include "liburing/io_uring.h"
#include "liburing/io_uring_version.h"
#include "liburing/barrier.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Inline helpers are "static inline" for C callers.  The FFI build of the
 * library defines IOURINGINLINE as nothing, which turns every helper into
 * an exported function for languages that cannot use C inlines.
 */
#ifndef IOURINGINLINE
#define IOURINGINLINE static inline
#endif

#ifndef uring_unlikely
#define uring_unlikely(cond)	__builtin_expect(!!(cond), 0)
#endif
#ifndef uring_likely
#define uring_likely(cond)	__builtin_expect(!!(cond), 1)
#endif

/* Helpers the FFI library does not export: static inline everywhere. */
#ifndef _LOCAL_INLINE
#define _LOCAL_INLINE static inline
#endif

/*
 * Every function declared here throws nothing: C++ callers see noexcept
 * (liburing 2.15 marks its declarations the same way).
 */
#ifdef __cplusplus
#define LIBURING_NOEXCEPT noexcept
#else
#define LIBURING_NOEXCEPT
#endif

/*
 * The system call numbers, for programs that call them through syscall(2)
 * on a libc too old to define them: 425-427 on every architecture but
 * alpha and mips, which number their system calls their own way.
 */
#if defined(__alpha__)
#define __IO_URING_NR_BASE	535
#elif defined(__mips__)
#define __IO_URING_NR_BASE	(__NR_Linux + 425)
#endif
#ifndef __NR_io_uring_setup
#ifdef __IO_URING_NR_BASE
#define __NR_io_uring_setup	__IO_URING_NR_BASE
#else
#define __NR_io_uring_setup	425
#endif
#endif
#ifndef __NR_io_uring_enter
#ifdef __IO_URING_NR_BASE
#define __NR_io_uring_enter	(__IO_URING_NR_BASE + 1)
#else
#define __NR_io_uring_enter	426
#endif
#endif
#ifndef __NR_io_uring_register
#ifdef __IO_URING_NR_BASE
#define __NR_io_uring_register	(__IO_URING_NR_BASE + 2)
#else
#define __NR_io_uring_register	427
#endif
#endif

/*
 * io_uring_sqe_set_data64() and io_uring_cqe_get_data64() exist (liburing
 * 2.2); programs test this to choose them over the pointer forms.
 */
#define LIBURING_HAVE_DATA64

struct statx;
struct epoll_event;

/* AT_FDCWD, which <fcntl.h> declares only from POSIX.1-2008 on. */
#define __IO_URING_AT_FDCWD	(-100)

/*
 * The submission queue as user space sees it.  The k* members point into
 * the ring shared with the kernel; the rest is private bookkeeping.
 * Layout is fixed: binaries built against any liburing 2.x read it.
 */
struct io_uring_sq {
	unsigned *khead;
	unsigned *ktail;
	unsigned *kring_mask;		/* deprecated: use ring_mask */
	unsigned *kring_entries;	/* deprecated: use ring_entries */
	unsigned *kflags;
	unsigned *kdropped;
	unsigned *array;		/* NULL with IORING_SETUP_NO_SQARRAY */
	struct io_uring_sqe *sqes;

	unsigned sqe_head;		/* first SQE not yet given to the kernel */
	unsigned sqe_tail;		/* next SQE to hand out */

	size_t ring_sz;
	void *ring_ptr;

	unsigned ring_mask;
	unsigned ring_entries;

	unsigned sqes_sz;		/* bytes of the SQE array */
	/*
	 * The last SQ position io_uring_get_sqe() may hand out before it
	 * reads the kernel's head again (see __io_uring_sq_has_room).
	 * liburing calls the word pad and never reads it.
	 */
	__extension__ union {
		unsigned sqe_limit;
		unsigned pad;
	};
};

/* The completion queue as user space sees it. */
struct io_uring_cq {
	unsigned *khead;
	unsigned *ktail;
	unsigned *kring_mask;		/* deprecated: use ring_mask */
	unsigned *kring_entries;	/* deprecated: use ring_entries */
	unsigned *kflags;
	unsigned *koverflow;
	struct io_uring_cqe *cqes;

	size_t ring_sz;
	void *ring_ptr;

	unsigned ring_mask;
	unsigned ring_entries;

	unsigned pad[2];
};

struct io_uring {
	struct io_uring_sq sq;
	struct io_uring_cq cq;
	unsigned flags;			/* IORING_SETUP_* the ring runs with */
	int ring_fd;			/* -1 once closed or never opened */

	unsigned features;		/* IORING_FEAT_* the kernel reported */
	int enter_ring_fd;		/* ring_fd, or its registered index */
	__u8 int_flags;			/* library-private state */
	__u8 pad[3];
	unsigned pad2;
};

/*
 * A zero-copy receive refill queue (6.15) as user space sees it: the
 * application returns buffers by writing rqes and moving the tail; the
 * kernel consumes from the head.  Filled in from the offsets the
 * IORING_REGISTER_ZCRX_IFQ registration reports.
 */
struct io_uring_zcrx_rq {
	__u32 *khead;
	__u32 *ktail;
	__u32 rq_tail;			/* local tail, published to *ktail */
	unsigned ring_entries;

	struct io_uring_zcrx_rqe *rqes;
	void *ring_ptr;
};

/* A pointer as the __u64 the kernel's structures carry addresses in. */
_LOCAL_INLINE __u64 uring_ptr_to_u64(const void *ptr) LIBURING_NOEXCEPT
{
	return (__u64) (uintptr_t) ptr;
}

/*
 * user_data of the timeout SQE the library queues itself when the kernel
 * cannot take a timeout with the wait (no IORING_FEAT_EXT_ARG).  Its
 * completion is consumed internally and never returned.
 */
#define LIBURING_UDATA_TIMEOUT	((__u64) -1)

/* ---------------------------------------------------------------------------
 * System calls.  Each returns its result or -errno.
 */
int io_uring_setup(unsigned int entries, struct io_uring_params *p)
	LIBURING_NOEXCEPT;
int io_uring_enter(unsigned int fd, unsigned int to_submit,
		   unsigned int min_complete, unsigned int flags, sigset_t *sig)
	LIBURING_NOEXCEPT;
int io_uring_enter2(unsigned int fd, unsigned int to_submit,
		    unsigned int min_complete, unsigned int flags,
		    void *arg, size_t sz) LIBURING_NOEXCEPT;
int io_uring_register(unsigned int fd, unsigned int opcode, const void *arg,
		      unsigned int nr_args) LIBURING_NOEXCEPT;

/* ---------------------------------------------------------------------------
 * Setup and teardown.
 */
int io_uring_queue_init(unsigned entries, struct io_uring *ring,
			unsigned flags) LIBURING_NOEXCEPT;
int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
			       struct io_uring_params *p) LIBURING_NOEXCEPT;
int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring,
			    struct io_uring_params *p,
			    void *buf, size_t buf_size) LIBURING_NOEXCEPT;
int io_uring_queue_mmap(int fd, struct io_uring_params *p,
			struct io_uring *ring) LIBURING_NOEXCEPT;
void io_uring_queue_exit(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_ring_dontfork(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_enable_rings(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_resize_rings(struct io_uring *ring, struct io_uring_params *p)
	LIBURING_NOEXCEPT;
ssize_t io_uring_memory_size(unsigned entries, unsigned flags)
	LIBURING_NOEXCEPT;
ssize_t io_uring_memory_size_params(unsigned entries,
				    struct io_uring_params *p)
	LIBURING_NOEXCEPT;
ssize_t io_uring_mlock_size(unsigned entries, unsigned flags) LIBURING_NOEXCEPT;
ssize_t io_uring_mlock_size_params(unsigned entries,
				   struct io_uring_params *p) LIBURING_NOEXCEPT;
int io_uring_set_iowait(struct io_uring *ring, bool enable_iowait)
	LIBURING_NOEXCEPT;

int io_uring_register_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_unregister_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_close_ring_fd(struct io_uring *ring) LIBURING_NOEXCEPT;

/* ---------------------------------------------------------------------------
 * Probing what the running kernel supports.
 */
struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring)
	LIBURING_NOEXCEPT;
struct io_uring_probe *io_uring_get_probe(void) LIBURING_NOEXCEPT;
void io_uring_free_probe(struct io_uring_probe *probe) LIBURING_NOEXCEPT;

/* Is opcode @op in a probe's result marked supported? */
IOURINGINLINE int io_uring_opcode_supported(const struct io_uring_probe *p,
					    int op) LIBURING_NOEXCEPT
{
	if (op < 0 || op > p->last_op)
		return 0;
	return (p->ops[op].flags & IO_URING_OP_SUPPORTED) != 0;
}

/* ---------------------------------------------------------------------------
 * The library's own version (not the kernel's).
 */
int io_uring_major_version(void) LIBURING_NOEXCEPT;
int io_uring_minor_version(void) LIBURING_NOEXCEPT;
bool io_uring_check_version(int major, int minor) LIBURING_NOEXCEPT;

/*
 * True when the headers being compiled are OLDER than major.minor, like
 * liburing's macro: `#if IO_URING_CHECK_VERSION(2, 5)` guards code that
 * needs 2.5.
 */
#define IO_URING_CHECK_VERSION(major, minor)				\
	((major) > IO_URING_VERSION_MAJOR ||				\
	 ((major) == IO_URING_VERSION_MAJOR &&				\
	  (minor) > IO_URING_VERSION_MINOR))

/* ---------------------------------------------------------------------------
 * Submitting.
 */
int io_uring_submit(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
	LIBURING_NOEXCEPT;
int io_uring_submit_and_wait_timeout(struct io_uring *ring,
				     struct io_uring_cqe **cqe_ptr,
				     unsigned wait_nr,
				     struct __kernel_timespec *ts,
				     sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait_min_timeout(struct io_uring *ring,
					 struct io_uring_cqe **cqe_ptr,
					 unsigned wait_nr,
					 struct __kernel_timespec *ts,
					 unsigned min_wait,
					 sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_submit_and_wait_reg(struct io_uring *ring,
				 struct io_uring_cqe **cqe_ptr,
				 unsigned wait_nr, int reg_index)
	LIBURING_NOEXCEPT;
int io_uring_submit_and_get_events(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_get_events(struct io_uring *ring) LIBURING_NOEXCEPT;

/* ---------------------------------------------------------------------------
 * Waiting for completions.
 */
unsigned io_uring_peek_batch_cqe(struct io_uring *ring,
				 struct io_uring_cqe **cqes, unsigned count)
	LIBURING_NOEXCEPT;
int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, struct __kernel_timespec *ts,
		       sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_wait_cqes_min_timeout(struct io_uring *ring,
				   struct io_uring_cqe **cqe_ptr,
				   unsigned wait_nr,
				   struct __kernel_timespec *ts,
				   unsigned int min_ts_usec,
				   sigset_t *sigmask) LIBURING_NOEXCEPT;
int io_uring_wait_cqe_timeout(struct io_uring *ring,
			      struct io_uring_cqe **cqe_ptr,
			      struct __kernel_timespec *ts) LIBURING_NOEXCEPT;
int __io_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned submit, unsigned wait_nr, sigset_t *sigmask)
	LIBURING_NOEXCEPT;
int __io_uring_sqring_wait(struct io_uring *ring) LIBURING_NOEXCEPT;

/*
 * Extensions of this library (version node URING_EXT_1, not in liburing).
 *
 * io_uring_copy_cqes: copy up to @count ready CQEs into @cqes and mark them
 * seen; wait (bounded by @ts) until @wait_nr are ready first.  Returns the
 * number copied or -errno.  On CQE32 rings each entry is 32 bytes.
 *
 * io_uring_flush_sq: publish queued SQEs to the kernel without entering it;
 * returns the number the kernel has yet to consume.
 *
 * io_uring_get_sqes: reserve @n SQEs adjacent in memory, or none.
 */
int io_uring_copy_cqes(struct io_uring *ring, struct io_uring_cqe *cqes,
		       unsigned count, unsigned wait_nr,
		       struct __kernel_timespec *ts) LIBURING_NOEXCEPT;
unsigned io_uring_flush_sq(struct io_uring *ring) LIBURING_NOEXCEPT;
struct io_uring_sqe *io_uring_get_sqes(struct io_uring *ring, unsigned n)
	LIBURING_NOEXCEPT;

/* ---------------------------------------------------------------------------
 * Registration: fixed buffers and files, buffer rings, notifications.
 */
int io_uring_register_buffers(struct io_uring *ring,
			      const struct iovec *iovecs, unsigned nr_iovecs)
	LIBURING_NOEXCEPT;
int io_uring_register_buffers_tags(struct io_uring *ring,
				   const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr)
	LIBURING_NOEXCEPT;
int io_uring_register_buffers_sparse(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT;
int io_uring_register_buffers_update_tag(struct io_uring *ring,
					 unsigned off,
					 const struct iovec *iovecs,
					 const __u64 *tags, unsigned nr)
	LIBURING_NOEXCEPT;
int io_uring_unregister_buffers(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src)
	LIBURING_NOEXCEPT;
int io_uring_clone_buffers_offset(struct io_uring *dst,
				  struct io_uring *src, unsigned int dst_off,
				  unsigned int src_off, unsigned int nr,
				  unsigned int flags) LIBURING_NOEXCEPT;
int __io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src,
			     unsigned int flags) LIBURING_NOEXCEPT;
int __io_uring_clone_buffers_offset(struct io_uring *dst,
				    struct io_uring *src,
				    unsigned int dst_off,
				    unsigned int src_off, unsigned int nr,
				    unsigned int flags) LIBURING_NOEXCEPT;

int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned nr_files) LIBURING_NOEXCEPT;
int io_uring_register_files_tags(struct io_uring *ring, const int *files,
				 const __u64 *tags, unsigned nr)
	LIBURING_NOEXCEPT;
int io_uring_register_files_sparse(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT;
int io_uring_register_files_update(struct io_uring *ring, unsigned off,
				   const int *files, unsigned nr_files)
	LIBURING_NOEXCEPT;
int io_uring_register_files_update_tag(struct io_uring *ring, unsigned off,
				       const int *files, const __u64 *tags,
				       unsigned nr_files) LIBURING_NOEXCEPT;
int io_uring_unregister_files(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_file_alloc_range(struct io_uring *ring,
				       unsigned off, unsigned len)
	LIBURING_NOEXCEPT;

int io_uring_register_buf_ring(struct io_uring *ring,
			       struct io_uring_buf_reg *reg,
			       unsigned int flags) LIBURING_NOEXCEPT;
int io_uring_unregister_buf_ring(struct io_uring *ring, int bgid)
	LIBURING_NOEXCEPT;
int io_uring_buf_ring_head(struct io_uring *ring, int buf_group,
			   uint16_t *head) LIBURING_NOEXCEPT;
struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring,
						  unsigned int nentries,
						  int bgid, unsigned int flags,
						  int *err) LIBURING_NOEXCEPT;
int io_uring_free_buf_ring(struct io_uring *ring,
			   struct io_uring_buf_ring *br,
			   unsigned int nentries, int bgid) LIBURING_NOEXCEPT;

int io_uring_register_eventfd(struct io_uring *ring, int fd) LIBURING_NOEXCEPT;
int io_uring_register_eventfd_async(struct io_uring *ring, int fd)
	LIBURING_NOEXCEPT;
int io_uring_unregister_eventfd(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_probe(struct io_uring *ring, struct io_uring_probe *p,
			    unsigned nr) LIBURING_NOEXCEPT;
int io_uring_register_personality(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_unregister_personality(struct io_uring *ring, int id)
	LIBURING_NOEXCEPT;
int io_uring_register_restrictions(struct io_uring *ring,
				   struct io_uring_restriction *res,
				   unsigned int nr_res) LIBURING_NOEXCEPT;
int io_uring_register_iowq_aff(struct io_uring *ring, size_t cpusz,
			       const cpu_set_t *mask) LIBURING_NOEXCEPT;
int io_uring_unregister_iowq_aff(struct io_uring *ring) LIBURING_NOEXCEPT;
int io_uring_register_iowq_max_workers(struct io_uring *ring,
				       unsigned int *values) LIBURING_NOEXCEPT;
int io_uring_register_sync_cancel(struct io_uring *ring,
				  struct io_uring_sync_cancel_reg *reg)
	LIBURING_NOEXCEPT;
int io_uring_register_sync_msg(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT;
int io_uring_register_napi(struct io_uring *ring, struct io_uring_napi *napi)
	LIBURING_NOEXCEPT;
int io_uring_unregister_napi(struct io_uring *ring,
			     struct io_uring_napi *napi) LIBURING_NOEXCEPT;
int io_uring_register_clock(struct io_uring *ring,
			    struct io_uring_clock_register *arg)
	LIBURING_NOEXCEPT;
int io_uring_register_region(struct io_uring *ring,
			     struct io_uring_mem_region_reg *reg)
	LIBURING_NOEXCEPT;
int io_uring_register_wait_reg(struct io_uring *ring,
			       struct io_uring_reg_wait *reg, int nr)
	LIBURING_NOEXCEPT;
int io_uring_register_query(struct io_uring_query_hdr *query) LIBURING_NOEXCEPT;
int io_uring_register_ifq(struct io_uring *ring,
			  struct io_uring_zcrx_ifq_reg *reg) LIBURING_NOEXCEPT;
int io_uring_register_zcrx_ctrl(struct io_uring *ring, struct zcrx_ctrl *ctrl)
	LIBURING_NOEXCEPT;
int io_uring_register_bpf_filter(struct io_uring *ring,
				 struct io_uring_bpf *bpf) LIBURING_NOEXCEPT;
int io_uring_register_bpf_filter_task(struct io_uring_bpf *bpf)
	LIBURING_NOEXCEPT;

/* ---------------------------------------------------------------------------
 * Ring geometry.
 */

/* log2 of the CQE size in 16-byte units: 1 on CQE32 rings, else 0. */
IOURINGINLINE unsigned io_uring_cqe_shift_from_flags(unsigned flags)
	LIBURING_NOEXCEPT
{
	return !!(flags & IORING_SETUP_CQE32);
}

IOURINGINLINE unsigned io_uring_cqe_shift(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return io_uring_cqe_shift_from_flags(ring->flags);
}

/* log2 of the SQE size in 64-byte units: 1 on SQE128 rings, else 0. */
IOURINGINLINE unsigned io_uring_sqe_shift_from_flags(unsigned flags)
	LIBURING_NOEXCEPT
{
	return !!(flags & IORING_SETUP_SQE128);
}

IOURINGINLINE unsigned io_uring_sqe_shift(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return io_uring_sqe_shift_from_flags(ring->flags);
}

/* Slot of CQ position @pos in cq.cqes[], in struct io_uring_cqe units. */
#define io_uring_cqe_index(ring, pos, mask)				\
	(((pos) & (mask)) << io_uring_cqe_shift(ring))

/* ---------------------------------------------------------------------------
 * Completion side.
 */

/* CQ slots a CQE takes: 2 for a 32-byte CQE on a CQE_MIXED ring (6.18). */
IOURINGINLINE unsigned io_uring_cqe_nr(const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	return 1 + !!(cqe->flags & IORING_CQE_F_32);
}

IOURINGINLINE void *io_uring_cqe_get_data(const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	return (void *) (uintptr_t) cqe->user_data;
}

IOURINGINLINE __u64 io_uring_cqe_get_data64(const struct io_uring_cqe *cqe)
	LIBURING_NOEXCEPT
{
	return cqe->user_data;
}

/*
 * Walk the ready CQEs without consuming them; call io_uring_cq_advance()
 * with the number seen afterwards.  The kernel's tail and the ring
 * geometry are read once, when the walk starts; the inner loop only
 * indexes.  A 32-byte CQE on a CQE_MIXED ring takes two slots and says so
 * with IORING_CQE_F_32, bit 15, which the kernel sets on no other ring:
 * the step is 1 plus that bit, read as the top of the low 16 flag bits
 * (one load and a shift, no branch).
 */
#define io_uring_for_each_cqe(ring, head, cqe)				\
	for (unsigned __io_uring_tail =					\
		io_uring_smp_load_acquire((ring)->cq.ktail),		\
		__io_uring_bits = 4 + io_uring_cqe_shift(ring),		\
		__io_uring_once = 1;					\
	     __io_uring_once; __io_uring_once = 0)			\
		for (head = *(ring)->cq.khead;				\
		     head != __io_uring_tail ?				\
			(cqe = (struct io_uring_cqe *) (void *)		\
				((char *) (ring)->cq.cqes +		\
				 ((size_t) (head & (ring)->cq.ring_mask) \
				  << __io_uring_bits)), 1) :		\
			(cqe = NULL, 0);				\
		     head += 1U + ((__u16) cqe->flags >= IORING_CQE_F_32))

/* The same walk as a function-style iterator (liburing 2.15). */
struct io_uring_cqe_iter {
	struct io_uring_cqe *cqes;
	unsigned mask;
	unsigned shift;
	unsigned head;
	unsigned tail;
};

IOURINGINLINE struct io_uring_cqe_iter
io_uring_cqe_iter_init(const struct io_uring *ring) LIBURING_NOEXCEPT
{
	struct io_uring_cqe_iter iter;

	iter.cqes = ring->cq.cqes;
	iter.mask = ring->cq.ring_mask;
	iter.shift = io_uring_cqe_shift(ring);
	iter.head = *ring->cq.khead;
	iter.tail = io_uring_smp_load_acquire(ring->cq.ktail);
	return iter;
}

IOURINGINLINE bool io_uring_cqe_iter_next(struct io_uring_cqe_iter *iter,
					  struct io_uring_cqe **cqe)
	LIBURING_NOEXCEPT
{
	if (iter->head == iter->tail)
		return false;
	*cqe = &iter->cqes[(iter->head & iter->mask) << iter->shift];
	iter->head += io_uring_cqe_nr(*cqe);
	return true;
}

/* Hand @nr CQ slots back to the kernel. */
IOURINGINLINE void io_uring_cq_advance(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT
{
	if (nr)
		io_uring_smp_store_release(ring->cq.khead,
					   *ring->cq.khead + nr);
}

/* Mark @cqe (from peek/wait) consumed.  NULL is ignored. */
IOURINGINLINE void io_uring_cqe_seen(struct io_uring *ring,
				     struct io_uring_cqe *cqe) LIBURING_NOEXCEPT
{
	if (cqe)
		io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
}

/* CQ slots ready to be reaped. */
IOURINGINLINE unsigned io_uring_cq_ready(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return io_uring_smp_load_acquire(ring->cq.ktail) - *ring->cq.khead;
}

/*
 * True when completions are waiting in the kernel's overflow list because
 * the CQ was full (IORING_FEAT_NODROP, 5.5).  Any wait or
 * io_uring_get_events() flushes them.
 */
IOURINGINLINE bool io_uring_cq_has_overflow(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return IO_URING_READ_ONCE(*ring->sq.kflags) & IORING_SQ_CQ_OVERFLOW;
}

/* Is the registered eventfd signalled for new CQEs?  (5.8) */
IOURINGINLINE bool io_uring_cq_eventfd_enabled(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	if (!ring->cq.kflags)
		return true;
	return !(*ring->cq.kflags & IORING_CQ_EVENTFD_DISABLED);
}

IOURINGINLINE int io_uring_cq_eventfd_toggle(struct io_uring *ring,
					     bool enabled) LIBURING_NOEXCEPT
{
	unsigned flags;

	if (enabled == io_uring_cq_eventfd_enabled(ring))
		return 0;
	if (!ring->cq.kflags)
		return -EOPNOTSUPP;

	flags = *ring->cq.kflags;
	if (enabled)
		flags &= ~IORING_CQ_EVENTFD_DISABLED;
	else
		flags |= IORING_CQ_EVENTFD_DISABLED;
	IO_URING_WRITE_ONCE(*ring->cq.kflags, flags);
	return 0;
}

/*
 * An entry the caller never sees: the library's own timeout (kernels
 * without IORING_FEAT_EXT_ARG) or a filler of a CQE_MIXED ring.  Every CQE
 * reader of the library skips these.
 */
IOURINGINLINE bool __io_uring_cqe_is_internal(const struct io_uring *ring,
					      const struct io_uring_cqe *cqe)
{
	if (!(ring->features & IORING_FEAT_EXT_ARG) &&
	    cqe->user_data == LIBURING_UDATA_TIMEOUT)
		return true;
	return (ring->flags & IORING_SETUP_CQE_MIXED) &&
	       (cqe->flags & IORING_CQE_F_SKIP);
}

/*
 * liburing 2.15's step of the CQE readers, also for programs that walk
 * the CQ themselves: if @cqe is an entry the caller never sees, consume
 * it.  True when it was consumed and the walk goes on; false for a CQE of
 * the caller's, or for an internal timeout that failed, whose error is
 * then in *@err.
 */
_LOCAL_INLINE bool io_uring_skip_cqe(struct io_uring *ring,
				     struct io_uring_cqe *cqe, int *err)
	LIBURING_NOEXCEPT
{
	if (!__io_uring_cqe_is_internal(ring, cqe))
		return false;
	/* an expired or refused timeout ends its wait */
	if (!(cqe->flags & IORING_CQE_F_SKIP) && cqe->res < 0)
		*err = cqe->res;
	io_uring_cq_advance(ring, io_uring_cqe_nr(cqe));
	return !*err;
}

/*
 * Look at the next CQE without entering the kernel.  Consumes, and never
 * returns, the internal entries above.  Returns 0 with *cqe_ptr NULL when
 * nothing is ready, or the error carried by an internal timeout.
 */
IOURINGINLINE int __io_uring_peek_cqe(struct io_uring *ring,
				      struct io_uring_cqe **cqe_ptr,
				      unsigned *nr_available) LIBURING_NOEXCEPT
{
	struct io_uring_cqe *cqe;
	unsigned available;
	int err = 0;

	for (;;) {
		unsigned tail = io_uring_smp_load_acquire(ring->cq.ktail);
		unsigned head = *ring->cq.khead;

		cqe = NULL;
		available = tail - head;
		if (!available)
			break;

		cqe = &ring->cq.cqes[io_uring_cqe_index(ring, head,
							ring->cq.ring_mask)];
		if (uring_unlikely(io_uring_skip_cqe(ring, cqe, &err)))
			continue;
		if (err)
			cqe = NULL;
		break;
	}

	*cqe_ptr = cqe;
	if (nr_available)
		*nr_available = available;
	return err;
}

/* Wait for @wait_nr CQEs (0: just check, entering the kernel if needed). */
IOURINGINLINE int io_uring_wait_cqe_nr(struct io_uring *ring,
				       struct io_uring_cqe **cqe_ptr,
				       unsigned wait_nr) LIBURING_NOEXCEPT
{
	return __io_uring_get_cqe(ring, cqe_ptr, 0, wait_nr, NULL);
}

/*
 * A ready CQE without a system call, else io_uring_wait_cqe_nr(@wait_nr);
 * with 0 that enters the kernel only for overflowed CQEs, pending task
 * work or, on IOPOLL rings, to reap completions.
 */
IOURINGINLINE int __io_uring_ready_cqe(struct io_uring *ring,
				       struct io_uring_cqe **cqe_ptr,
				       unsigned wait_nr) LIBURING_NOEXCEPT
{
	if (!__io_uring_peek_cqe(ring, cqe_ptr, NULL) && *cqe_ptr)
		return 0;
	return io_uring_wait_cqe_nr(ring, cqe_ptr, wait_nr);
}

/* The next CQE if one is ready, else -EAGAIN. */
IOURINGINLINE int io_uring_peek_cqe(struct io_uring *ring,
				    struct io_uring_cqe **cqe_ptr)
	LIBURING_NOEXCEPT
{
	return __io_uring_ready_cqe(ring, cqe_ptr, 0);
}

/* The next CQE, waiting for one if none is ready. */
IOURINGINLINE int io_uring_wait_cqe(struct io_uring *ring,
				    struct io_uring_cqe **cqe_ptr)
	LIBURING_NOEXCEPT
{
	return __io_uring_ready_cqe(ring, cqe_ptr, 1);
}

/* ---------------------------------------------------------------------------
 * Submission side.
 */

/* The kernel's SQ head: acquire-loaded when a kernel thread moves it. */
IOURINGINLINE unsigned io_uring_load_sq_head(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	if (ring->flags & IORING_SETUP_SQPOLL)
		return io_uring_smp_load_acquire(ring->sq.khead);
	return *ring->sq.khead;
}

/* SQEs handed out and not yet consumed by the kernel. */
IOURINGINLINE unsigned io_uring_sq_ready(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return ring->sq.sqe_tail - io_uring_load_sq_head(ring);
}

IOURINGINLINE unsigned io_uring_sq_space_left(const struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return ring->sq.ring_entries - io_uring_sq_ready(ring);
}

/* With SQPOLL, wait until the kernel thread frees at least one SQE. */
IOURINGINLINE int io_uring_sqring_wait(struct io_uring *ring) LIBURING_NOEXCEPT
{
	if (!(ring->flags & IORING_SETUP_SQPOLL))
		return 0;
	if (io_uring_sq_space_left(ring))
		return 0;
	return __io_uring_sqring_wait(ring);
}

/*
 * Clear the fields a prep helper does not set, for callers that reuse an
 * SQE without going through io_uring_get_sqe() (which hands out zeroed
 * entries).
 */
IOURINGINLINE void io_uring_initialize_sqe(struct io_uring_sqe *sqe)
	LIBURING_NOEXCEPT
{
	sqe->flags = 0;
	sqe->ioprio = 0;
	sqe->rw_flags = 0;
	sqe->buf_index = 0;
	sqe->personality = 0;
	sqe->file_index = 0;
	sqe->addr3 = 0;
	sqe->__pad2[0] = 0;
}

/*
 * The SQ limit cache.  sq.sqe_limit is the last position the tail may
 * take without reading the kernel's head again: head + entries - 1 as
 * last read.  The head only moves forward, so the value stays safe while
 * the tail is at or before it.
 *
 * The fast path trusts it only while it is at or ahead of the tail, as a
 * signed distance: code built against liburing's header moves the tail
 * with its own get_sqe and never updates the word (liburing's sq.pad),
 * so a limit the tail has passed is behind it and takes the slow path,
 * which reads the head and rewrites the word.  "tail - 1" marks no known
 * room: the value set up and resize leave, and the one SQE128 rings
 * keep, so that every io_uring_get_sqe() there takes the slow path, the
 * one that knows the entry size, and the fast path indexes 64-byte
 * entries only.  The test is a compare and a branch on the sign, as
 * cheap as the equality it replaced.  (liburing's resize zeroes the
 * word; with this library loaded liburing's resize is not in the
 * process, and ours leaves "tail - 1".)
 */
IOURINGINLINE bool __io_uring_sq_has_room(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned limit = io_uring_smp_load_acquire(sq->khead) +
			 sq->ring_entries;

	if (!(ring->flags & IORING_SETUP_SQE128))
		sq->sqe_limit = limit - 1;
	return (int) (limit - sq->sqe_tail) >= (int) nr;
}

/* Hand out @nr SQ slots the caller checked room for. */
IOURINGINLINE void __io_uring_sq_advance(struct io_uring *ring, unsigned nr)
	LIBURING_NOEXCEPT
{
	ring->sq.sqe_tail += nr;
	if (ring->flags & IORING_SETUP_SQE128)
		ring->sq.sqe_limit = ring->sq.sqe_tail - 1;
}

/* The next SQ slot, unzeroed, reading the kernel's head; NULL if full. */
IOURINGINLINE struct io_uring_sqe *__io_uring_next_sqe_slow(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_sqe *sqe;

	if (!__io_uring_sq_has_room(ring, 1))
		return NULL;
	sqe = &sq->sqes[(sq->sqe_tail & sq->ring_mask) <<
			io_uring_sqe_shift(ring)];
	__io_uring_sq_advance(ring, 1);
	return sqe;
}

/*
 * The next free SQE, zeroed, or NULL when the SQ is full.  On SQE128 rings
 * each entry is 128 bytes; only the first 64 are zeroed.
 */
IOURINGINLINE struct io_uring_sqe *_io_uring_get_sqe(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned tail = sq->sqe_tail;
	struct io_uring_sqe *sqe;

	/* at or before the limit, as a signed distance (see above) */
	if (uring_likely((int) (sq->sqe_limit - tail) >= 0)) {
		/*
		 * Incremented in place rather than stored as tail + 1:
		 * compilers then emit one add to memory and keep @tail for
		 * the index, one instruction less per SQE (callgrind).
		 */
		sq->sqe_tail++;
		sqe = &sq->sqes[tail & sq->ring_mask];
	} else {
		sqe = __io_uring_next_sqe_slow(ring);
		if (!sqe)
			return NULL;
	}
	memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

#ifndef LIBURING_INTERNAL
IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	return _io_uring_get_sqe(ring);
}
#else
struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring) LIBURING_NOEXCEPT;
#endif

/*
 * A 128-byte SQE: any SQE on an SQE128 ring, or two adjacent slots on an
 * SQE_MIXED ring (6.19); NULL otherwise or when the SQ is full.  On an
 * SQE_MIXED ring whose tail is at the last slot, the two halves would not
 * be adjacent: that slot becomes a NOP whose success posts no CQE, and
 * the SQE starts at slot 0, as liburing 2.15 does.  The slot before the
 * tail is not looked at: it may be the second half of a 128-byte SQE,
 * whose bytes are payload.
 */
IOURINGINLINE struct io_uring_sqe *io_uring_get_sqe128(struct io_uring *ring)
	LIBURING_NOEXCEPT
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_sqe *sqe;
	unsigned filler;

	if (ring->flags & IORING_SETUP_SQE128)
		return io_uring_get_sqe(ring);
	if (!(ring->flags & IORING_SETUP_SQE_MIXED))
		return NULL;

	filler = (sq->sqe_tail & sq->ring_mask) == sq->ring_mask;
	if (!__io_uring_sq_has_room(ring, filler + 2))
		return NULL;
	if (filler) {
		sqe = &sq->sqes[sq->sqe_tail & sq->ring_mask];
		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_NOP;
		sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
		__io_uring_sq_advance(ring, 1);
	}
	sqe = &sq->sqes[sq->sqe_tail & sq->ring_mask];
	memset(sqe, 0, 2 * sizeof(*sqe));
	__io_uring_sq_advance(ring, 2);
	return sqe;
}

IOURINGINLINE void io_uring_sqe_set_data(struct io_uring_sqe *sqe,
					 void *data) LIBURING_NOEXCEPT
{
	sqe->user_data = (unsigned long) data;
}

IOURINGINLINE void io_uring_sqe_set_data64(struct io_uring_sqe *sqe,
					   __u64 data) LIBURING_NOEXCEPT
{
	sqe->user_data = data;
}

/* IOSQE_* flags for this SQE (replaces any set before). */
IOURINGINLINE void io_uring_sqe_set_flags(struct io_uring_sqe *sqe,
					  unsigned flags) LIBURING_NOEXCEPT
{
	sqe->flags = (__u8) flags;
}

/* Provided-buffer group to pick from with IOSQE_BUFFER_SELECT. */
IOURINGINLINE void io_uring_sqe_set_buf_group(struct io_uring_sqe *sqe,
					      int bgid) LIBURING_NOEXCEPT
{
	sqe->buf_group = (__u16) bgid;
}

/* Direct-descriptor slot the request installs into (stored +1; 0 = none). */
IOURINGINLINE void __io_uring_set_target_fixed_file(struct io_uring_sqe *sqe,
						    unsigned int file_index)
	LIBURING_NOEXCEPT
{
	sqe->file_index = file_index + 1;
}

/* IORING_FILE_INDEX_ALLOC passes through the +1 encoding unchanged. */
IOURINGINLINE void __io_uring_set_target_slot(struct io_uring_sqe *sqe,
					      unsigned int file_index)
	LIBURING_NOEXCEPT
{
	if (file_index == IORING_FILE_INDEX_ALLOC)
		file_index--;
	__io_uring_set_target_fixed_file(sqe, file_index);
}

/* ---------------------------------------------------------------------------
 * Prep helpers, one per operation.  Each fills the fields the kernel reads
 * for its opcode in an SQE from io_uring_get_sqe(), which arrives zeroed.
 * The number after each name is the kernel version that added the opcode
 * or flag.  Anything passed by pointer must stay valid until the request
 * completes unless noted otherwise.
 */

/* Any opcode with the common fd/addr/len/off layout. */
IOURINGINLINE void io_uring_prep_rw(int op, struct io_uring_sqe *sqe, int fd,
				    const void *addr, unsigned len,
				    __u64 offset) LIBURING_NOEXCEPT
{
	sqe->opcode = (__u8) op;
	sqe->fd = fd;
	sqe->off = offset;
	sqe->addr = (unsigned long) addr;
	sqe->len = len;
}

/* NOP (5.1): completes with res 0. */
IOURINGINLINE void io_uring_prep_nop(struct io_uring_sqe *sqe) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_NOP, sqe, -1, NULL, 0, 0);
}

/* NOP128 (6.19): a NOP occupying a 128-byte SQE on SQE_MIXED rings. */
IOURINGINLINE void io_uring_prep_nop128(struct io_uring_sqe *sqe)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_NOP128, sqe, -1, NULL, 0, 0);
}

/* --- Reads and writes ------------------------------------------------- */

/* READ (5.6): pread(2); offset -1 uses and moves the file position. */
IOURINGINLINE void io_uring_prep_read(struct io_uring_sqe *sqe, int fd,
				      void *buf, unsigned nbytes, __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ, sqe, fd, buf, nbytes, offset);
}

/* WRITE (5.6): pwrite(2). */
IOURINGINLINE void io_uring_prep_write(struct io_uring_sqe *sqe, int fd,
				       const void *buf, unsigned nbytes,
				       __u64 offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITE, sqe, fd, buf, nbytes, offset);
}

/* READV (5.1): preadv(2). */
IOURINGINLINE void io_uring_prep_readv(struct io_uring_sqe *sqe, int fd,
				       const struct iovec *iovecs,
				       unsigned nr_vecs, __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READV, sqe, fd, iovecs, nr_vecs, offset);
}

/* READV with RWF_* flags: preadv2(2). */
IOURINGINLINE void io_uring_prep_readv2(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iovecs,
					unsigned nr_vecs, __u64 offset,
					int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_readv(sqe, fd, iovecs, nr_vecs, offset);
	sqe->rw_flags = (__u32) flags;
}

/* WRITEV (5.1): pwritev(2). */
IOURINGINLINE void io_uring_prep_writev(struct io_uring_sqe *sqe, int fd,
					const struct iovec *iovecs,
					unsigned nr_vecs, __u64 offset)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITEV, sqe, fd, iovecs, nr_vecs, offset);
}

/* WRITEV with RWF_* flags: pwritev2(2). */
IOURINGINLINE void io_uring_prep_writev2(struct io_uring_sqe *sqe, int fd,
					 const struct iovec *iovecs,
					 unsigned nr_vecs, __u64 offset,
					 int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_writev(sqe, fd, iovecs, nr_vecs, offset);
	sqe->rw_flags = (__u32) flags;
}

/* READ_FIXED (5.1): read into registered buffer @buf_index. */
IOURINGINLINE void io_uring_prep_read_fixed(struct io_uring_sqe *sqe, int fd,
					    void *buf, unsigned nbytes,
					    __u64 offset, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16) buf_index;
}

/* WRITE_FIXED (5.1): write from registered buffer @buf_index. */
IOURINGINLINE void io_uring_prep_write_fixed(struct io_uring_sqe *sqe,
					     int fd, const void *buf,
					     unsigned nbytes, __u64 offset,
					     int buf_index) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WRITE_FIXED, sqe, fd, buf, nbytes, offset);
	sqe->buf_index = (__u16) buf_index;
}

/* READV_FIXED (6.15): iovecs inside registered buffer @buf_index. */
IOURINGINLINE void io_uring_prep_readv_fixed(struct io_uring_sqe *sqe,
					     int fd,
					     const struct iovec *iovecs,
					     unsigned nr_vecs, __u64 offset,
					     int flags, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_readv2(sqe, fd, iovecs, nr_vecs, offset, flags);
	sqe->opcode = IORING_OP_READV_FIXED;
	sqe->buf_index = (__u16) buf_index;
}

/* WRITEV_FIXED (6.15). */
IOURINGINLINE void io_uring_prep_writev_fixed(struct io_uring_sqe *sqe,
					      int fd,
					      const struct iovec *iovecs,
					      unsigned nr_vecs, __u64 offset,
					      int flags, int buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_writev2(sqe, fd, iovecs, nr_vecs, offset, flags);
	sqe->opcode = IORING_OP_WRITEV_FIXED;
	sqe->buf_index = (__u16) buf_index;
}

/*
 * READ_MULTISHOT (6.7): keep reading into buffers of group @buf_group, one
 * CQE per read with IORING_CQE_F_MORE while it stays armed.
 */
IOURINGINLINE void io_uring_prep_read_multishot(struct io_uring_sqe *sqe,
						int fd, unsigned nbytes,
						__u64 offset, int buf_group)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_READ_MULTISHOT, sqe, fd, NULL, nbytes,
			 offset);
	sqe->buf_group = (__u16) buf_group;
	sqe->flags = IOSQE_BUFFER_SELECT;
}

/* --- File and filesystem operations ----------------------------------- */

/* FSYNC (5.1); IORING_FSYNC_DATASYNC for fdatasync(2). */
IOURINGINLINE void io_uring_prep_fsync(struct io_uring_sqe *sqe, int fd,
				       unsigned fsync_flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FSYNC, sqe, fd, NULL, 0, 0);
	sqe->fsync_flags = fsync_flags;
}

/* SYNC_FILE_RANGE (5.2). */
IOURINGINLINE void io_uring_prep_sync_file_range(struct io_uring_sqe *sqe,
						 int fd, unsigned len,
						 __u64 offset, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SYNC_FILE_RANGE, sqe, fd, NULL, len,
			 offset);
	sqe->sync_range_flags = (__u32) flags;
}

/* FALLOCATE (5.6): the length travels in addr, the mode in len. */
IOURINGINLINE void io_uring_prep_fallocate(struct io_uring_sqe *sqe, int fd,
					   int mode, __u64 offset, __u64 len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FALLOCATE, sqe, fd, NULL, (unsigned) mode,
			 offset);
	sqe->addr = len;
}

/* FADVISE (5.6): posix_fadvise(2) with a 32-bit length. */
IOURINGINLINE void io_uring_prep_fadvise(struct io_uring_sqe *sqe, int fd,
					 __u64 offset, __u32 len, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FADVISE, sqe, fd, NULL, len, offset);
	sqe->fadvise_advice = (__u32) advice;
}

/* FADVISE with a 64-bit length in addr (6.11 kernels read it there). */
IOURINGINLINE void io_uring_prep_fadvise64(struct io_uring_sqe *sqe, int fd,
					   __u64 offset, off_t len, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FADVISE, sqe, fd, NULL, 0, offset);
	sqe->addr = (__u64) len;
	sqe->fadvise_advice = (__u32) advice;
}

/* MADVISE (5.6): madvise(2) with a 32-bit length. */
IOURINGINLINE void io_uring_prep_madvise(struct io_uring_sqe *sqe,
					 void *addr, __u32 length, int advice)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MADVISE, sqe, -1, addr, length, 0);
	sqe->fadvise_advice = (__u32) advice;
}

/* MADVISE with a 64-bit length in off (6.11). */
IOURINGINLINE void io_uring_prep_madvise64(struct io_uring_sqe *sqe,
					   void *addr, off_t length,
					   int advice) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MADVISE, sqe, -1, addr, 0,
			 (__u64) length);
	sqe->fadvise_advice = (__u32) advice;
}

/* FTRUNCATE (6.9). */
IOURINGINLINE void io_uring_prep_ftruncate(struct io_uring_sqe *sqe, int fd,
					   int64_t len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FTRUNCATE, sqe, fd, NULL, 0, (__u64) len);
}

/*
 * SPLICE (5.7): splice(2).  Offsets of -1 use the file position;
 * SPLICE_F_FD_IN_FIXED makes @fd_in a fixed-file index.
 */
IOURINGINLINE void io_uring_prep_splice(struct io_uring_sqe *sqe,
					int fd_in, int64_t off_in,
					int fd_out, int64_t off_out,
					unsigned int nbytes,
					unsigned int splice_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SPLICE, sqe, fd_out, NULL, nbytes,
			 (__u64) off_out);
	sqe->splice_off_in = (__u64) off_in;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/* TEE (5.8): tee(2) between two pipes. */
IOURINGINLINE void io_uring_prep_tee(struct io_uring_sqe *sqe,
				     int fd_in, int fd_out,
				     unsigned int nbytes,
				     unsigned int splice_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TEE, sqe, fd_out, NULL, nbytes, 0);
	sqe->splice_off_in = 0;
	sqe->splice_fd_in = fd_in;
	sqe->splice_flags = splice_flags;
}

/* STATX (5.6): statx(2); the kernel copies @path at submission. */
IOURINGINLINE void io_uring_prep_statx(struct io_uring_sqe *sqe, int dfd,
				       const char *path, int flags,
				       unsigned mask, struct statx *statxbuf)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_STATX, sqe, dfd, path, mask,
			 (__u64) (unsigned long) statxbuf);
	sqe->statx_flags = (__u32) flags;
}

/* OPENAT (5.6): completes with the new fd. */
IOURINGINLINE void io_uring_prep_openat(struct io_uring_sqe *sqe, int dfd,
					const char *path, int flags,
					mode_t mode) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_OPENAT, sqe, dfd, path, mode, 0);
	sqe->open_flags = (__u32) flags;
}

/* OPENAT into direct slot @file_index, or IORING_FILE_INDEX_ALLOC (5.15). */
IOURINGINLINE void io_uring_prep_openat_direct(struct io_uring_sqe *sqe,
					       int dfd, const char *path,
					       int flags, mode_t mode,
					       unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat(sqe, dfd, path, flags, mode);
	__io_uring_set_target_slot(sqe, file_index);
}

IOURINGINLINE void io_uring_prep_open(struct io_uring_sqe *sqe,
				      const char *path, int flags,
				      mode_t mode) LIBURING_NOEXCEPT
{
	io_uring_prep_openat(sqe, __IO_URING_AT_FDCWD, path, flags, mode);
}

IOURINGINLINE void io_uring_prep_open_direct(struct io_uring_sqe *sqe,
					     const char *path, int flags,
					     mode_t mode, unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat_direct(sqe, __IO_URING_AT_FDCWD, path, flags,
				    mode, file_index);
}

/* OPENAT2 (5.6): openat2(2); @how is copied at submission. */
IOURINGINLINE void io_uring_prep_openat2(struct io_uring_sqe *sqe, int dfd,
					 const char *path,
					 const struct open_how *how)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_OPENAT2, sqe, dfd, path, sizeof(*how),
			 (__u64) (unsigned long) how);
}

IOURINGINLINE void io_uring_prep_openat2_direct(struct io_uring_sqe *sqe,
						int dfd, const char *path,
						const struct open_how *how,
						unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_openat2(sqe, dfd, path, how);
	__io_uring_set_target_slot(sqe, file_index);
}

/* CLOSE (5.6). */
IOURINGINLINE void io_uring_prep_close(struct io_uring_sqe *sqe, int fd)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_CLOSE, sqe, fd, NULL, 0, 0);
}

/* CLOSE of direct slot @file_index (5.15). */
IOURINGINLINE void io_uring_prep_close_direct(struct io_uring_sqe *sqe,
					      unsigned file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_close(sqe, 0);
	__io_uring_set_target_fixed_file(sqe, file_index);
}

/*
 * FILES_UPDATE (5.6): replace fixed files from slot @offset; with offset
 * IORING_FILE_INDEX_ALLOC the kernel picks slots and writes them to @fds.
 */
IOURINGINLINE void io_uring_prep_files_update(struct io_uring_sqe *sqe,
					      int *fds, unsigned nr_fds,
					      int offset) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FILES_UPDATE, sqe, -1, fds, nr_fds,
			 (__u64) offset);
}

/*
 * FIXED_FD_INSTALL (6.8): make direct descriptor @fd a normal one;
 * IORING_FIXED_FD_NO_CLOEXEC leaves O_CLOEXEC off.
 */
IOURINGINLINE void io_uring_prep_fixed_fd_install(struct io_uring_sqe *sqe,
						  int fd, unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FIXED_FD_INSTALL, sqe, fd, NULL, 0, 0);
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->install_fd_flags = flags;
}

/* RENAMEAT (5.11): renameat2(2). */
IOURINGINLINE void io_uring_prep_renameat(struct io_uring_sqe *sqe,
					  int olddfd, const char *oldpath,
					  int newdfd, const char *newpath,
					  unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RENAMEAT, sqe, olddfd, oldpath,
			 (__u32) newdfd, (__u64) (unsigned long) newpath);
	sqe->rename_flags = flags;
}

IOURINGINLINE void io_uring_prep_rename(struct io_uring_sqe *sqe,
					const char *oldpath,
					const char *newpath) LIBURING_NOEXCEPT
{
	io_uring_prep_renameat(sqe, __IO_URING_AT_FDCWD, oldpath,
			       __IO_URING_AT_FDCWD, newpath, 0);
}

/* UNLINKAT (5.11): AT_REMOVEDIR removes a directory. */
IOURINGINLINE void io_uring_prep_unlinkat(struct io_uring_sqe *sqe, int dfd,
					  const char *path, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_UNLINKAT, sqe, dfd, path, 0, 0);
	sqe->unlink_flags = (__u32) flags;
}

IOURINGINLINE void io_uring_prep_unlink(struct io_uring_sqe *sqe,
					const char *path, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_unlinkat(sqe, __IO_URING_AT_FDCWD, path, flags);
}

/* MKDIRAT (5.15). */
IOURINGINLINE void io_uring_prep_mkdirat(struct io_uring_sqe *sqe, int dfd,
					 const char *path, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MKDIRAT, sqe, dfd, path, mode, 0);
}

IOURINGINLINE void io_uring_prep_mkdir(struct io_uring_sqe *sqe,
				       const char *path, mode_t mode)
	LIBURING_NOEXCEPT
{
	io_uring_prep_mkdirat(sqe, __IO_URING_AT_FDCWD, path, mode);
}

/* SYMLINKAT (5.15): create @linkpath pointing at @target. */
IOURINGINLINE void io_uring_prep_symlinkat(struct io_uring_sqe *sqe,
					   const char *target, int newdirfd,
					   const char *linkpath)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SYMLINKAT, sqe, newdirfd, target, 0,
			 (__u64) (unsigned long) linkpath);
}

IOURINGINLINE void io_uring_prep_symlink(struct io_uring_sqe *sqe,
					 const char *target,
					 const char *linkpath) LIBURING_NOEXCEPT
{
	io_uring_prep_symlinkat(sqe, target, __IO_URING_AT_FDCWD, linkpath);
}

/* LINKAT (5.15): linkat(2). */
IOURINGINLINE void io_uring_prep_linkat(struct io_uring_sqe *sqe,
					int olddfd, const char *oldpath,
					int newdfd, const char *newpath,
					int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LINKAT, sqe, olddfd, oldpath,
			 (__u32) newdfd, (__u64) (unsigned long) newpath);
	sqe->hardlink_flags = (__u32) flags;
}

IOURINGINLINE void io_uring_prep_link(struct io_uring_sqe *sqe,
				      const char *oldpath,
				      const char *newpath, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_linkat(sqe, __IO_URING_AT_FDCWD, oldpath,
			     __IO_URING_AT_FDCWD, newpath, flags);
}

/* GETXATTR (5.19): the value length is the result. */
IOURINGINLINE void io_uring_prep_getxattr(struct io_uring_sqe *sqe,
					  const char *name, char *value,
					  const char *path, unsigned int len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_GETXATTR, sqe, 0, name, len,
			 (__u64) (unsigned long) value);
	sqe->addr3 = (__u64) (unsigned long) path;
	sqe->xattr_flags = 0;
}

/* SETXATTR (5.19): @flags are XATTR_CREATE / XATTR_REPLACE. */
IOURINGINLINE void io_uring_prep_setxattr(struct io_uring_sqe *sqe,
					  const char *name, const char *value,
					  const char *path, int flags,
					  unsigned int len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SETXATTR, sqe, 0, name, len,
			 (__u64) (unsigned long) value);
	sqe->addr3 = (__u64) (unsigned long) path;
	sqe->xattr_flags = (__u32) flags;
}

/* FGETXATTR (5.19). */
IOURINGINLINE void io_uring_prep_fgetxattr(struct io_uring_sqe *sqe, int fd,
					   const char *name, char *value,
					   unsigned int len) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FGETXATTR, sqe, fd, name, len,
			 (__u64) (unsigned long) value);
	sqe->xattr_flags = 0;
}

/* FSETXATTR (5.19). */
IOURINGINLINE void io_uring_prep_fsetxattr(struct io_uring_sqe *sqe, int fd,
					   const char *name, const char *value,
					   int flags, unsigned int len)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FSETXATTR, sqe, fd, name, len,
			 (__u64) (unsigned long) value);
	sqe->xattr_flags = (__u32) flags;
}

/* PIPE (6.16): pipe2(2); the two fds are written to @fds. */
IOURINGINLINE void io_uring_prep_pipe(struct io_uring_sqe *sqe, int *fds,
				      int pipe_flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_PIPE, sqe, 0, fds, 0, 0);
	sqe->pipe_flags = (__u32) pipe_flags;
}

/* PIPE into direct slots from @file_index, or IORING_FILE_INDEX_ALLOC. */
IOURINGINLINE void io_uring_prep_pipe_direct(struct io_uring_sqe *sqe,
					     int *fds, int pipe_flags,
					     unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_pipe(sqe, fds, pipe_flags);
	__io_uring_set_target_slot(sqe, file_index);
}

/* --- Sockets ---------------------------------------------------------- */

/* SOCKET (5.19): socket(2); @flags is reserved, 0. */
IOURINGINLINE void io_uring_prep_socket(struct io_uring_sqe *sqe, int domain,
					int type, int protocol,
					unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SOCKET, sqe, domain, NULL,
			 (unsigned) protocol, (__u64) type);
	sqe->rw_flags = flags;
}

/* SOCKET into direct slot @file_index (5.19). */
IOURINGINLINE void io_uring_prep_socket_direct(struct io_uring_sqe *sqe,
					       int domain, int type,
					       int protocol,
					       unsigned file_index,
					       unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_socket(sqe, domain, type, protocol, flags);
	__io_uring_set_target_slot(sqe, file_index);
}

/* SOCKET into a free direct slot; the slot is the result (5.19). */
IOURINGINLINE void io_uring_prep_socket_direct_alloc(struct io_uring_sqe *sqe,
						     int domain, int type,
						     int protocol,
						     unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_socket(sqe, domain, type, protocol, flags);
	__io_uring_set_target_slot(sqe, IORING_FILE_INDEX_ALLOC);
}

/* BIND (6.11); @addr is copied at submission. */
IOURINGINLINE void io_uring_prep_bind(struct io_uring_sqe *sqe, int fd,
				      const struct sockaddr *addr,
				      socklen_t addrlen) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_BIND, sqe, fd, addr, 0, addrlen);
}

/* LISTEN (6.11). */
IOURINGINLINE void io_uring_prep_listen(struct io_uring_sqe *sqe, int fd,
					int backlog) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LISTEN, sqe, fd, NULL, (unsigned) backlog,
			 0);
}

/* CONNECT (5.5). */
IOURINGINLINE void io_uring_prep_connect(struct io_uring_sqe *sqe, int fd,
					 const struct sockaddr *addr,
					 socklen_t addrlen) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_CONNECT, sqe, fd, addr, 0, addrlen);
}

/* ACCEPT (5.5): accept4(2); @addrlen travels in off. */
IOURINGINLINE void io_uring_prep_accept(struct io_uring_sqe *sqe, int fd,
					struct sockaddr *addr,
					socklen_t *addrlen, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ACCEPT, sqe, fd, addr, 0,
			 (__u64) (unsigned long) addrlen);
	sqe->accept_flags = (__u32) flags;
}

/* ACCEPT into direct slot @file_index or IORING_FILE_INDEX_ALLOC (5.15). */
IOURINGINLINE void io_uring_prep_accept_direct(struct io_uring_sqe *sqe,
					       int fd, struct sockaddr *addr,
					       socklen_t *addrlen, int flags,
					       unsigned int file_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
	__io_uring_set_target_slot(sqe, file_index);
}

/* Multishot ACCEPT (5.19): one CQE per connection, IORING_CQE_F_MORE. */
IOURINGINLINE void io_uring_prep_multishot_accept(struct io_uring_sqe *sqe,
						  int fd,
						  struct sockaddr *addr,
						  socklen_t *addrlen,
						  int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
	sqe->ioprio |= IORING_ACCEPT_MULTISHOT;
}

/* Multishot ACCEPT, each connection into a free direct slot (5.19). */
IOURINGINLINE void
io_uring_prep_multishot_accept_direct(struct io_uring_sqe *sqe, int fd,
				      struct sockaddr *addr,
				      socklen_t *addrlen, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_multishot_accept(sqe, fd, addr, addrlen, flags);
	__io_uring_set_target_slot(sqe, IORING_FILE_INDEX_ALLOC);
}

/* SEND (5.6): send(2). */
IOURINGINLINE void io_uring_prep_send(struct io_uring_sqe *sqe, int sockfd,
				      const void *buf, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SEND, sqe, sockfd, buf, (__u32) len, 0);
	sqe->msg_flags = (__u32) flags;
}

/* Destination for SEND / SEND_ZC, like sendto(2) (6.0). */
IOURINGINLINE void io_uring_prep_send_set_addr(struct io_uring_sqe *sqe,
					       const struct sockaddr *dest_addr,
					       __u16 addr_len) LIBURING_NOEXCEPT
{
	sqe->addr2 = (unsigned long) dest_addr;
	sqe->addr_len = addr_len;
}

/* SEND with a destination address: sendto(2) (6.0). */
IOURINGINLINE void io_uring_prep_sendto(struct io_uring_sqe *sqe, int sockfd,
					const void *buf, size_t len, int flags,
					const struct sockaddr *addr,
					socklen_t addrlen) LIBURING_NOEXCEPT
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
	io_uring_prep_send_set_addr(sqe, addr, (__u16) addrlen);
}

/*
 * SEND of several provided buffers at once (6.10): needs
 * IOSQE_BUFFER_SELECT and a buffer group.
 */
IOURINGINLINE void io_uring_prep_send_bundle(struct io_uring_sqe *sqe,
					     int sockfd, size_t len,
					     int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_send(sqe, sockfd, NULL, len, flags);
	sqe->ioprio |= IORING_RECVSEND_BUNDLE;
}

/*
 * SEND_ZC (6.0): zero-copy send.  Posts the result CQE (IORING_CQE_F_MORE
 * set) and later a notification CQE (IORING_CQE_F_NOTIF) once the buffer
 * may be reused.
 */
IOURINGINLINE void io_uring_prep_send_zc(struct io_uring_sqe *sqe,
					 int sockfd, const void *buf,
					 size_t len, int flags,
					 unsigned zc_flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SEND_ZC, sqe, sockfd, buf, (__u32) len, 0);
	sqe->msg_flags = (__u32) flags;
	sqe->ioprio = (__u16) zc_flags;
}

/* SEND_ZC from registered buffer @buf_index (6.0). */
IOURINGINLINE void io_uring_prep_send_zc_fixed(struct io_uring_sqe *sqe,
					       int sockfd, const void *buf,
					       size_t len, int flags,
					       unsigned zc_flags,
					       unsigned buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_send_zc(sqe, sockfd, buf, len, flags, zc_flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16) buf_index;
}

/* SENDMSG (5.3): sendmsg(2). */
IOURINGINLINE void io_uring_prep_sendmsg(struct io_uring_sqe *sqe, int fd,
					 const struct msghdr *msg,
					 unsigned flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SENDMSG, sqe, fd, msg, 1, 0);
	sqe->msg_flags = flags;
}

/* SENDMSG_ZC (6.1). */
IOURINGINLINE void io_uring_prep_sendmsg_zc(struct io_uring_sqe *sqe, int fd,
					    const struct msghdr *msg,
					    unsigned flags) LIBURING_NOEXCEPT
{
	io_uring_prep_sendmsg(sqe, fd, msg, flags);
	sqe->opcode = IORING_OP_SENDMSG_ZC;
}

/* SENDMSG_ZC from registered buffer @buf_index (6.15). */
IOURINGINLINE void io_uring_prep_sendmsg_zc_fixed(struct io_uring_sqe *sqe,
						  int fd,
						  const struct msghdr *msg,
						  unsigned flags,
						  unsigned buf_index)
	LIBURING_NOEXCEPT
{
	io_uring_prep_sendmsg_zc(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (__u16) buf_index;
}

/* RECV (5.6): recv(2); with IOSQE_BUFFER_SELECT @buf may be NULL. */
IOURINGINLINE void io_uring_prep_recv(struct io_uring_sqe *sqe, int sockfd,
				      void *buf, size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RECV, sqe, sockfd, buf, (__u32) len, 0);
	sqe->msg_flags = (__u32) flags;
}

/*
 * Multishot RECV (6.0): needs IOSQE_BUFFER_SELECT; one CQE per receive
 * with IORING_CQE_F_MORE while armed.
 */
IOURINGINLINE void io_uring_prep_recv_multishot(struct io_uring_sqe *sqe,
						int sockfd, void *buf,
						size_t len, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_recv(sqe, sockfd, buf, len, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

/* RECVMSG (5.3): recvmsg(2). */
IOURINGINLINE void io_uring_prep_recvmsg(struct io_uring_sqe *sqe, int fd,
					 struct msghdr *msg, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_RECVMSG, sqe, fd, msg, 1, 0);
	sqe->msg_flags = flags;
}

/*
 * Multishot RECVMSG (6.0): each provided buffer starts with a struct
 * io_uring_recvmsg_out; parse it with io_uring_recvmsg_validate() and
 * friends.
 */
IOURINGINLINE void io_uring_prep_recvmsg_multishot(struct io_uring_sqe *sqe,
						   int fd, struct msghdr *msg,
						   unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_recvmsg(sqe, fd, msg, flags);
	sqe->ioprio |= IORING_RECV_MULTISHOT;
}

/* SHUTDOWN (5.11): shutdown(2). */
IOURINGINLINE void io_uring_prep_shutdown(struct io_uring_sqe *sqe, int fd,
					  int how) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_SHUTDOWN, sqe, fd, NULL, (unsigned) how, 0);
}

/*
 * Parsing a multishot RECVMSG buffer: a struct io_uring_recvmsg_out, then
 * msg_namelen bytes of name, msg_controllen bytes of control data, then
 * the payload.  NULL when @buf_len cannot hold the fixed parts.
 */
IOURINGINLINE struct io_uring_recvmsg_out *
io_uring_recvmsg_validate(void *buf, int buf_len, struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	unsigned long room = sizeof(struct io_uring_recvmsg_out);

	if (buf_len < 0 || (unsigned long) buf_len < room)
		return NULL;
	room = (unsigned long) buf_len - room;
	if (msgh->msg_namelen > room ||
	    msgh->msg_controllen > room - msgh->msg_namelen)
		return NULL;
	return (struct io_uring_recvmsg_out *) buf;
}

IOURINGINLINE void *io_uring_recvmsg_name(struct io_uring_recvmsg_out *o)
	LIBURING_NOEXCEPT
{
	return (void *) &o[1];
}

IOURINGINLINE struct cmsghdr *
io_uring_recvmsg_cmsg_firsthdr(struct io_uring_recvmsg_out *o,
			       struct msghdr *msgh) LIBURING_NOEXCEPT
{
	if (o->controllen < sizeof(struct cmsghdr))
		return NULL;
	/* void * first: the kernel aligned the control data itself. */
	return (struct cmsghdr *) (void *)
		((unsigned char *) io_uring_recvmsg_name(o) +
		 msgh->msg_namelen);
}

IOURINGINLINE struct cmsghdr *
io_uring_recvmsg_cmsg_nexthdr(struct io_uring_recvmsg_out *o,
			      struct msghdr *msgh, struct cmsghdr *cmsg)
	LIBURING_NOEXCEPT
{
	unsigned char *end;

	if (cmsg->cmsg_len < sizeof(struct cmsghdr))
		return NULL;
	end = (unsigned char *) io_uring_recvmsg_cmsg_firsthdr(o, msgh) +
	      o->controllen;
	cmsg = (struct cmsghdr *) (void *) ((unsigned char *) cmsg +
					    CMSG_ALIGN(cmsg->cmsg_len));
	if ((unsigned char *) (cmsg + 1) > end)
		return NULL;
	if ((unsigned char *) cmsg + CMSG_ALIGN(cmsg->cmsg_len) > end)
		return NULL;
	return cmsg;
}

IOURINGINLINE void *io_uring_recvmsg_payload(struct io_uring_recvmsg_out *o,
					     struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	return (void *) ((unsigned char *) io_uring_recvmsg_name(o) +
			 msgh->msg_namelen + msgh->msg_controllen);
}

IOURINGINLINE unsigned int
io_uring_recvmsg_payload_length(struct io_uring_recvmsg_out *o,
				int buf_len, struct msghdr *msgh)
	LIBURING_NOEXCEPT
{
	unsigned long start = (unsigned long) io_uring_recvmsg_payload(o, msgh);
	unsigned long end;

	if (buf_len < 0)
		return 0;
	end = (unsigned long) o + (unsigned long) buf_len;
	if (end < start)
		return 0;
	return (unsigned int) (end - start);
}

/* --- Polling and epoll ------------------------------------------------ */

/* poll32_events is little-endian in the ABI. */
IOURINGINLINE unsigned __io_uring_prep_poll_mask(unsigned poll_mask)
	LIBURING_NOEXCEPT
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	poll_mask = __swahw32(poll_mask);
#endif
	return poll_mask;
}

/* POLL_ADD (5.1): one-shot poll; res is the ready mask. */
IOURINGINLINE void io_uring_prep_poll_add(struct io_uring_sqe *sqe, int fd,
					  unsigned poll_mask) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_ADD, sqe, fd, NULL, 0, 0);
	sqe->poll32_events = __io_uring_prep_poll_mask(poll_mask);
}

/* Multishot POLL_ADD (5.13): a CQE per event with IORING_CQE_F_MORE. */
IOURINGINLINE void io_uring_prep_poll_multishot(struct io_uring_sqe *sqe,
						int fd, unsigned poll_mask)
	LIBURING_NOEXCEPT
{
	io_uring_prep_poll_add(sqe, fd, poll_mask);
	sqe->len = IORING_POLL_ADD_MULTI;
}

/* POLL_REMOVE (5.1): cancel the poll whose user_data is @user_data. */
IOURINGINLINE void io_uring_prep_poll_remove(struct io_uring_sqe *sqe,
					     __u64 user_data) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
}

/*
 * POLL_REMOVE as update (5.13): @flags says what changes
 * (IORING_POLL_UPDATE_EVENTS, IORING_POLL_UPDATE_USER_DATA).
 */
IOURINGINLINE void io_uring_prep_poll_update(struct io_uring_sqe *sqe,
					     __u64 old_user_data,
					     __u64 new_user_data,
					     unsigned poll_mask,
					     unsigned flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_POLL_REMOVE, sqe, -1, NULL, flags,
			 new_user_data);
	sqe->addr = old_user_data;
	sqe->poll32_events = __io_uring_prep_poll_mask(poll_mask);
}

/* EPOLL_CTL (5.6): epoll_ctl(2); @ev is copied at submission. */
IOURINGINLINE void io_uring_prep_epoll_ctl(struct io_uring_sqe *sqe,
					   int epfd, int fd, int op,
					   const struct epoll_event *ev)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_EPOLL_CTL, sqe, epfd, ev, (unsigned) op,
			 (__u64) (__u32) fd);
}

/* EPOLL_WAIT (6.15): res is the number of events written. */
IOURINGINLINE void io_uring_prep_epoll_wait(struct io_uring_sqe *sqe, int fd,
					    struct epoll_event *events,
					    int maxevents, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_EPOLL_WAIT, sqe, fd, events,
			 (unsigned) maxevents, 0);
	sqe->rw_flags = flags;
}

/* --- Timeouts and cancellation ---------------------------------------- */

/*
 * TIMEOUT (5.4): completes with -ETIME after @ts, or with 0 once @count
 * other completions arrived (0: only the time counts).  @ts is read at
 * submission.
 */
IOURINGINLINE void io_uring_prep_timeout(struct io_uring_sqe *sqe,
					 const struct __kernel_timespec *ts,
					 unsigned count, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT, sqe, -1, ts, 1, count);
	sqe->timeout_flags = flags;
}

/* TIMEOUT_REMOVE (5.5): cancel the timeout with user_data @user_data. */
IOURINGINLINE void io_uring_prep_timeout_remove(struct io_uring_sqe *sqe,
						__u64 user_data,
						unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->timeout_flags = flags;
}

/* TIMEOUT_REMOVE as update (5.11): re-arm the timeout with @ts. */
IOURINGINLINE void io_uring_prep_timeout_update(struct io_uring_sqe *sqe,
						const struct __kernel_timespec *ts,
						__u64 user_data, unsigned flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, NULL, 0,
			 (__u64) (unsigned long) ts);
	sqe->addr = user_data;
	sqe->timeout_flags = flags | IORING_TIMEOUT_UPDATE;
}

/*
 * LINK_TIMEOUT (5.5): bounds the request linked before it; a request that
 * does not finish in time completes with -ECANCELED.
 */
IOURINGINLINE void io_uring_prep_link_timeout(struct io_uring_sqe *sqe,
					      const struct __kernel_timespec *ts,
					      unsigned flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_LINK_TIMEOUT, sqe, -1, ts, 1, 0);
	sqe->timeout_flags = flags;
}

/*
 * ASYNC_CANCEL (5.5) by user_data; IORING_ASYNC_CANCEL_ALL / _ANY /
 * _OP / _USERDATA widen the match (5.19, 6.6).
 */
IOURINGINLINE void io_uring_prep_cancel64(struct io_uring_sqe *sqe,
					  __u64 user_data, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, -1, NULL, 0, 0);
	sqe->addr = user_data;
	sqe->cancel_flags = (__u32) flags;
}

IOURINGINLINE void io_uring_prep_cancel(struct io_uring_sqe *sqe,
					const void *user_data, int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_cancel64(sqe, (__u64) (unsigned long) user_data, flags);
}

/* ASYNC_CANCEL of requests on file @fd (5.19). */
IOURINGINLINE void io_uring_prep_cancel_fd(struct io_uring_sqe *sqe, int fd,
					   unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_ASYNC_CANCEL, sqe, fd, NULL, 0, 0);
	sqe->cancel_flags = flags | IORING_ASYNC_CANCEL_FD;
}

/* --- Messages between rings ------------------------------------------- */

/*
 * MSG_RING (5.18): post a CQE on the ring @fd with res @len and user_data
 * @data.
 */
IOURINGINLINE void io_uring_prep_msg_ring(struct io_uring_sqe *sqe, int fd,
					  unsigned int len, __u64 data,
					  unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, NULL, len, data);
	sqe->msg_ring_flags = flags;
}

/* MSG_RING with the target CQE's flags set to @cqe_flags (6.3). */
IOURINGINLINE void io_uring_prep_msg_ring_cqe_flags(struct io_uring_sqe *sqe,
						    int fd, unsigned int len,
						    __u64 data,
						    unsigned int flags,
						    unsigned int cqe_flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd, NULL, len, data);
	sqe->msg_ring_flags = IORING_MSG_RING_FLAGS_PASS | flags;
	sqe->file_index = cqe_flags;
}

/*
 * MSG_RING sending direct descriptor @source_fd of this ring into slot
 * @target_fd (or IORING_FILE_INDEX_ALLOC) of ring @fd (6.0).
 */
IOURINGINLINE void io_uring_prep_msg_ring_fd(struct io_uring_sqe *sqe,
					     int fd, int source_fd,
					     int target_fd, __u64 data,
					     unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_MSG_RING, sqe, fd,
			 (void *) (uintptr_t) IORING_MSG_SEND_FD, 0, data);
	sqe->addr3 = (__u64) source_fd;
	__io_uring_set_target_slot(sqe, (unsigned int) target_fd);
	sqe->msg_ring_flags = flags;
}

IOURINGINLINE void io_uring_prep_msg_ring_fd_alloc(struct io_uring_sqe *sqe,
						   int fd, int source_fd,
						   __u64 data,
						   unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_msg_ring_fd(sqe, fd, source_fd,
				  (int) IORING_FILE_INDEX_ALLOC, data, flags);
}

/* --- Processes and futexes -------------------------------------------- */

#ifdef WEXITED	/* idtype_t, id_t and siginfo_t are declared */
/* WAITID (6.7): waitid(2); @infop is written on completion. */
IOURINGINLINE void io_uring_prep_waitid(struct io_uring_sqe *sqe,
					idtype_t idtype, id_t id,
					siginfo_t *infop, int options,
					unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_WAITID, sqe, (int) id, NULL,
			 (unsigned) idtype, 0);
	sqe->waitid_flags = flags;
	sqe->file_index = (__u32) options;
	sqe->addr2 = (unsigned long) infop;
}
#endif

/* FUTEX_WAKE and FUTEX_WAIT take the same fields; @op tells them apart. */
IOURINGINLINE void __io_uring_prep_futex(int op, struct io_uring_sqe *sqe,
					 const uint32_t *futex, uint64_t val,
					 uint64_t mask, uint32_t futex_flags,
					 unsigned int flags) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(op, sqe, (int) futex_flags, futex, 0, val);
	sqe->futex_flags = flags;
	sqe->addr3 = mask;
}

/* FUTEX_WAKE (6.7): wake up to @val waiters; res is the number woken. */
IOURINGINLINE void io_uring_prep_futex_wake(struct io_uring_sqe *sqe,
					    const uint32_t *futex,
					    uint64_t val, uint64_t mask,
					    uint32_t futex_flags,
					    unsigned int flags)
	LIBURING_NOEXCEPT
{
	__io_uring_prep_futex(IORING_OP_FUTEX_WAKE, sqe, futex, val, mask,
			      futex_flags, flags);
}

/* FUTEX_WAIT (6.7): wait while *@futex == @val. */
IOURINGINLINE void io_uring_prep_futex_wait(struct io_uring_sqe *sqe,
					    const uint32_t *futex,
					    uint64_t val, uint64_t mask,
					    uint32_t futex_flags,
					    unsigned int flags)
	LIBURING_NOEXCEPT
{
	__io_uring_prep_futex(IORING_OP_FUTEX_WAIT, sqe, futex, val, mask,
			      futex_flags, flags);
}

/* FUTEX_WAITV (6.7): res is the index of the futex that woke. */
IOURINGINLINE void io_uring_prep_futex_waitv(struct io_uring_sqe *sqe,
					     const struct futex_waitv *futex,
					     uint32_t nr_futex,
					     unsigned int flags)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_FUTEX_WAITV, sqe, 0, futex, nr_futex, 0);
	sqe->futex_flags = flags;
}

/* --- Legacy provided buffers ------------------------------------------ */

/* PROVIDE_BUFFERS (5.7): @nr buffers of @len bytes from @addr, ids @bid.. */
IOURINGINLINE void io_uring_prep_provide_buffers(struct io_uring_sqe *sqe,
						 void *addr, int len, int nr,
						 int bgid, int bid)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_PROVIDE_BUFFERS, sqe, nr, addr,
			 (unsigned) len, (__u64) bid);
	sqe->buf_group = (__u16) bgid;
}

/* REMOVE_BUFFERS (5.7): res is the number removed. */
IOURINGINLINE void io_uring_prep_remove_buffers(struct io_uring_sqe *sqe,
						int nr, int bgid)
	LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_REMOVE_BUFFERS, sqe, nr, NULL, 0, 0);
	sqe->buf_group = (__u16) bgid;
}

/* --- Pass-through commands -------------------------------------------- */

/* URING_CMD or URING_CMD128 (5.19): driver command @cmd_op on @fd. */
IOURINGINLINE void __io_uring_prep_uring_cmd(struct io_uring_sqe *sqe,
					     int op, __u32 cmd_op, int fd)
	LIBURING_NOEXCEPT
{
	sqe->opcode = (__u8) op;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	sqe->__pad1 = 0;
	sqe->addr = 0;
	sqe->len = 0;
}

IOURINGINLINE void io_uring_prep_uring_cmd(struct io_uring_sqe *sqe,
					   int cmd_op, int fd) LIBURING_NOEXCEPT
{
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD, (__u32) cmd_op, fd);
}

/* URING_CMD128 (6.19): a command in a 128-byte SQE on SQE_MIXED rings. */
IOURINGINLINE void io_uring_prep_uring_cmd128(struct io_uring_sqe *sqe,
					      int cmd_op, int fd)
	LIBURING_NOEXCEPT
{
	__io_uring_prep_uring_cmd(sqe, IORING_OP_URING_CMD128,
				  (__u32) cmd_op, fd);
}

/*
 * Socket commands (6.7): SOCKET_URING_OP_SIOCINQ / SIOCOUTQ /
 * GETSOCKOPT / SETSOCKOPT.
 */
IOURINGINLINE void io_uring_prep_cmd_sock(struct io_uring_sqe *sqe,
					  int cmd_op, int fd, int level,
					  int optname, void *optval,
					  int optlen) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->optval = (unsigned long) optval;
	sqe->optname = (__u32) optname;
	sqe->optlen = (__u32) optlen;
	sqe->cmd_op = (__u32) cmd_op;
	sqe->level = (__u32) level;
}

/* getsockname(2) / getpeername(2) (@peer) as a socket command (6.19). */
IOURINGINLINE void io_uring_prep_cmd_getsockname(struct io_uring_sqe *sqe,
						 int fd,
						 struct sockaddr *sockaddr,
						 socklen_t *sockaddr_len,
						 int peer) LIBURING_NOEXCEPT
{
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->addr = (unsigned long) sockaddr;
	sqe->addr3 = (unsigned long) sockaddr_len;
	sqe->optlen = (__u32) peer;
	sqe->cmd_op = SOCKET_URING_OP_GETSOCKNAME;
}

/* Block device discard of [@offset, @offset + @nbytes) (6.12). */
IOURINGINLINE void io_uring_prep_cmd_discard(struct io_uring_sqe *sqe,
					     int fd, uint64_t offset,
					     uint64_t nbytes) LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, BLOCK_URING_CMD_DISCARD, fd);
	sqe->addr = offset;
	sqe->addr3 = nbytes;
}

/* Reset every sequential-write-required zone of a block device. */
IOURINGINLINE void io_uring_prep_cmd_zone_reset_all(struct io_uring_sqe *sqe,
						    int fd) LIBURING_NOEXCEPT
{
	io_uring_prep_uring_cmd(sqe, BLOCK_URING_CMD_ZONE_RESET_ALL, fd);
}

/* ---------------------------------------------------------------------------
 * Provided buffer rings (5.19).  The application owns the tail; the
 * kernel consumes from its head.
 */
IOURINGINLINE int io_uring_buf_ring_mask(__u32 ring_entries) LIBURING_NOEXCEPT
{
	return (int) (ring_entries - 1);
}

IOURINGINLINE void io_uring_buf_ring_init(struct io_uring_buf_ring *br)
	LIBURING_NOEXCEPT
{
	br->tail = 0;
}

/* Put a buffer @buf_offset entries past the tail; publish with _advance. */
IOURINGINLINE void io_uring_buf_ring_add(struct io_uring_buf_ring *br,
					 void *addr, unsigned int len,
					 unsigned short bid, int mask,
					 int buf_offset) LIBURING_NOEXCEPT
{
	struct io_uring_buf *buf = &br->bufs[(br->tail + buf_offset) & mask];

	buf->addr = (unsigned long) addr;
	buf->len = len;
	buf->bid = bid;
}

/* Make @count added buffers visible to the kernel. */
IOURINGINLINE void io_uring_buf_ring_advance(struct io_uring_buf_ring *br,
					     int count) LIBURING_NOEXCEPT
{
	unsigned short new_tail = (unsigned short) (br->tail + count);

	io_uring_smp_store_release(&br->tail, new_tail);
}

IOURINGINLINE void __io_uring_buf_ring_cq_advance(struct io_uring *ring,
						  struct io_uring_buf_ring *br,
						  int cq_count, int buf_count)
	LIBURING_NOEXCEPT
{
	io_uring_buf_ring_advance(br, buf_count);
	io_uring_cq_advance(ring, (unsigned) cq_count);
}

/* Return @count buffers and mark @count CQEs seen in one step. */
IOURINGINLINE void io_uring_buf_ring_cq_advance(struct io_uring *ring,
						struct io_uring_buf_ring *br,
						int count) LIBURING_NOEXCEPT
{
	__io_uring_buf_ring_cq_advance(ring, br, count, count);
}

/* Buffers the kernel has not consumed yet (6.8), or -errno. */
IOURINGINLINE int io_uring_buf_ring_available(struct io_uring *ring,
					      struct io_uring_buf_ring *br,
					      unsigned short bgid)
	LIBURING_NOEXCEPT
{
	uint16_t head;
	int ret;

	ret = io_uring_buf_ring_head(ring, bgid, &head);
	if (ret)
		return ret;
	return (uint16_t) (br->tail - head);
}

#ifdef __cplusplus
}
#endif

#endif /* LIB_URING_H */
