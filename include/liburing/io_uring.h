/* SPDX-License-Identifier: MIT */
/*
 * The io_uring kernel ABI, as this library understands it.
 *
 * This is our own statement of the interface the kernel exports through
 * io_uring_setup(2), io_uring_enter(2), io_uring_register(2) and the shared
 * rings, complete through Linux 7.3 (make check-uapi compares it with the
 * newest Debian kernel headers).  The zero-copy receive, query, BPF filter
 * and mock file parts live in the io_uring/ headers, as in the kernel.  It
 * deliberately does not include the system's <linux/io_uring.h>, which on
 * older distributions describes an older kernel.  Every value here is fixed by the kernel ABI;
 * the comments give the kernel version that introduced it.
 */
#ifndef LIBURING_IO_URING_H
#define LIBURING_IO_URING_H

#include <linux/fs.h>		/* __kernel_rwf_t */
#include <linux/types.h>
#include <linux/time_types.h>
#include "io_uring/zcrx.h"

/* Lets code that also includes <linux/io_uring.h> avoid a second copy. */
#ifndef LINUX_IO_URING_H
#define LINUX_IO_URING_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Submission queue entry.  64 bytes; 128 on rings set up with
 * IORING_SETUP_SQE128, where cmd[] continues into the second half.
 */
__extension__ struct io_uring_sqe {
	__u8	opcode;		/* IORING_OP_* */
	__u8	flags;		/* IOSQE_* */
	__u16	ioprio;		/* I/O priority, or per-opcode flags */
	__s32	fd;		/* file descriptor or fixed-file index */
	__extension__ union {
		__u64	off;	/* file offset */
		__u64	addr2;
		struct {
			__u32	cmd_op;
			__u32	__pad1;
		};
	};
	__extension__ union {
		__u64	addr;	/* buffer, iovec array or path */
		__u64	splice_off_in;
		struct {
			__u32	level;
			__u32	optname;
		};
	};
	__u32	len;		/* byte count, iovec count, ... */
	__extension__ union {				/* per-opcode flags */
		__u32		rw_flags;	/* RWF_*; __kernel_rwf_t before 6.x */
		__u32		fsync_flags;
		__u16		poll_events;	/* before 5.9 */
		__u32		poll32_events;
		__u32		sync_range_flags;
		__u32		msg_flags;
		__u32		timeout_flags;
		__u32		accept_flags;
		__u32		cancel_flags;
		__u32		open_flags;
		__u32		statx_flags;
		__u32		fadvise_advice;
		__u32		splice_flags;
		__u32		rename_flags;
		__u32		unlink_flags;
		__u32		hardlink_flags;
		__u32		xattr_flags;
		__u32		msg_ring_flags;
		__u32		uring_cmd_flags;
		__u32		waitid_flags;
		__u32		futex_flags;
		__u32		install_fd_flags;
		__u32		nop_flags;
		__u32		pipe_flags;
	};
	__u64	user_data;	/* handed back untouched in the CQE */
	__extension__ union {
		__u16	buf_index;	/* registered buffer index */
		__u16	buf_group;	/* provided buffer group */
	} __attribute__((packed));
	__u16	personality;	/* registered credentials, 0 for none */
	__extension__ union {
		__s32	splice_fd_in;
		__u32	file_index;	/* direct descriptor slot + 1 */
		__u32	zcrx_ifq_idx;
		__u32	optlen;
		struct {
			__u16	addr_len;
			__u16	__pad3[1];
		};
		struct {
			__u8	write_stream;
			__u8	__pad4[3];
		};
	};
	__extension__ union {
		struct {
			__u64	addr3;
			__u64	__pad2[1];
		};
		struct {
			__u64	attr_ptr;	/* struct io_uring_attr_pi * */
			__u64	attr_type_mask;	/* IORING_RW_ATTR_FLAG_* */
		};
		__u64	optval;
		/* Command payload: 16 bytes, or 80 on an SQE128 ring. */
		__u8	cmd[0];
	};
};

/* sqe->file_index value asking the kernel to pick a free direct slot. */
#define IORING_FILE_INDEX_ALLOC		(~0U)

/* sqe->flags */
enum io_uring_sqe_flags_bit {
	IOSQE_FIXED_FILE_BIT,
	IOSQE_IO_DRAIN_BIT,
	IOSQE_IO_LINK_BIT,
	IOSQE_IO_HARDLINK_BIT,
	IOSQE_ASYNC_BIT,
	IOSQE_BUFFER_SELECT_BIT,
	IOSQE_CQE_SKIP_SUCCESS_BIT,
};

#define IOSQE_FIXED_FILE	(1U << IOSQE_FIXED_FILE_BIT)	/* 5.1: fd is a fixed-file index */
#define IOSQE_IO_DRAIN		(1U << IOSQE_IO_DRAIN_BIT)	/* 5.2: wait for earlier requests */
#define IOSQE_IO_LINK		(1U << IOSQE_IO_LINK_BIT)	/* 5.3: next SQE runs after this one */
#define IOSQE_IO_HARDLINK	(1U << IOSQE_IO_HARDLINK_BIT)	/* 5.5: link that survives failure */
#define IOSQE_ASYNC		(1U << IOSQE_ASYNC_BIT)		/* 5.6: go straight to a worker */
#define IOSQE_BUFFER_SELECT	(1U << IOSQE_BUFFER_SELECT_BIT)	/* 5.7: pick from buf_group */
#define IOSQE_CQE_SKIP_SUCCESS	(1U << IOSQE_CQE_SKIP_SUCCESS_BIT) /* 5.17: no CQE on success */

/* io_uring_params->flags, for io_uring_setup(2) */
#define IORING_SETUP_IOPOLL		(1U << 0)	/* 5.1: busy-poll for completions */
#define IORING_SETUP_SQPOLL		(1U << 1)	/* 5.1: kernel thread polls the SQ */
#define IORING_SETUP_SQ_AFF		(1U << 2)	/* 5.1: sq_thread_cpu is valid */
#define IORING_SETUP_CQSIZE		(1U << 3)	/* 5.5: cq_entries is valid */
#define IORING_SETUP_CLAMP		(1U << 4)	/* 5.6: clamp sizes to the limits */
#define IORING_SETUP_ATTACH_WQ		(1U << 5)	/* 5.6: share wq_fd's workers */
#define IORING_SETUP_R_DISABLED		(1U << 6)	/* 5.10: start disabled */
#define IORING_SETUP_SUBMIT_ALL		(1U << 7)	/* 5.18: keep submitting on error */
#define IORING_SETUP_COOP_TASKRUN	(1U << 8)	/* 5.19: no IPI for task work */
#define IORING_SETUP_TASKRUN_FLAG	(1U << 9)	/* 5.19: flag pending task work */
#define IORING_SETUP_SQE128		(1U << 10)	/* 5.19: 128-byte SQEs */
#define IORING_SETUP_CQE32		(1U << 11)	/* 5.19: 32-byte CQEs */
#define IORING_SETUP_SINGLE_ISSUER	(1U << 12)	/* 6.0: one submitting task */
#define IORING_SETUP_DEFER_TASKRUN	(1U << 13)	/* 6.1: run task work on wait */
#define IORING_SETUP_NO_MMAP		(1U << 14)	/* 6.5: rings in caller memory */
#define IORING_SETUP_REGISTERED_FD_ONLY	(1U << 15)	/* 6.5: return a registered index */
#define IORING_SETUP_NO_SQARRAY		(1U << 16)	/* 6.6: no SQ index array */
#define IORING_SETUP_HYBRID_IOPOLL	(1U << 17)	/* 6.13: sleep, then poll */
#define IORING_SETUP_CQE_MIXED		(1U << 18)	/* 6.18: 16- and 32-byte CQEs */
#define IORING_SETUP_SQE_MIXED		(1U << 19)	/* 6.19: 64- and 128-byte SQEs */
/*
 * 7.0: the kernel takes the SQEs of every submit from index 0 of the SQE
 * array and leaves head and tail alone (both stay 0).  Needs NO_SQARRAY;
 * not with SQPOLL.
 */
#define IORING_SETUP_SQ_REWIND		(1U << 20)

/* sqe->opcode */
enum io_uring_op {
	IORING_OP_NOP,			/* 5.1 */
	IORING_OP_READV,		/* 5.1 */
	IORING_OP_WRITEV,		/* 5.1 */
	IORING_OP_FSYNC,		/* 5.1 */
	IORING_OP_READ_FIXED,		/* 5.1 */
	IORING_OP_WRITE_FIXED,		/* 5.1 */
	IORING_OP_POLL_ADD,		/* 5.1 */
	IORING_OP_POLL_REMOVE,		/* 5.1 */
	IORING_OP_SYNC_FILE_RANGE,	/* 5.2 */
	IORING_OP_SENDMSG,		/* 5.3 */
	IORING_OP_RECVMSG,		/* 5.3 */
	IORING_OP_TIMEOUT,		/* 5.4 */
	IORING_OP_TIMEOUT_REMOVE,	/* 5.5 */
	IORING_OP_ACCEPT,		/* 5.5 */
	IORING_OP_ASYNC_CANCEL,		/* 5.5 */
	IORING_OP_LINK_TIMEOUT,		/* 5.5 */
	IORING_OP_CONNECT,		/* 5.5 */
	IORING_OP_FALLOCATE,		/* 5.6 */
	IORING_OP_OPENAT,		/* 5.6 */
	IORING_OP_CLOSE,		/* 5.6 */
	IORING_OP_FILES_UPDATE,		/* 5.6 */
	IORING_OP_STATX,		/* 5.6 */
	IORING_OP_READ,			/* 5.6 */
	IORING_OP_WRITE,		/* 5.6 */
	IORING_OP_FADVISE,		/* 5.6 */
	IORING_OP_MADVISE,		/* 5.6 */
	IORING_OP_SEND,			/* 5.6 */
	IORING_OP_RECV,			/* 5.6 */
	IORING_OP_OPENAT2,		/* 5.6 */
	IORING_OP_EPOLL_CTL,		/* 5.6 */
	IORING_OP_SPLICE,		/* 5.7 */
	IORING_OP_PROVIDE_BUFFERS,	/* 5.7 */
	IORING_OP_REMOVE_BUFFERS,	/* 5.7 */
	IORING_OP_TEE,			/* 5.8 */
	IORING_OP_SHUTDOWN,		/* 5.11 */
	IORING_OP_RENAMEAT,		/* 5.11 */
	IORING_OP_UNLINKAT,		/* 5.11 */
	IORING_OP_MKDIRAT,		/* 5.15 */
	IORING_OP_SYMLINKAT,		/* 5.15 */
	IORING_OP_LINKAT,		/* 5.15 */
	IORING_OP_MSG_RING,		/* 5.18 */
	IORING_OP_FSETXATTR,		/* 5.19 */
	IORING_OP_SETXATTR,		/* 5.19 */
	IORING_OP_FGETXATTR,		/* 5.19 */
	IORING_OP_GETXATTR,		/* 5.19 */
	IORING_OP_SOCKET,		/* 5.19 */
	IORING_OP_URING_CMD,		/* 5.19 */
	IORING_OP_SEND_ZC,		/* 6.0 */
	IORING_OP_SENDMSG_ZC,		/* 6.1 */
	IORING_OP_READ_MULTISHOT,	/* 6.7 */
	IORING_OP_WAITID,		/* 6.7 */
	IORING_OP_FUTEX_WAIT,		/* 6.7 */
	IORING_OP_FUTEX_WAKE,		/* 6.7 */
	IORING_OP_FUTEX_WAITV,		/* 6.7 */
	IORING_OP_FIXED_FD_INSTALL,	/* 6.8 */
	IORING_OP_FTRUNCATE,		/* 6.9 */
	IORING_OP_BIND,			/* 6.11 */
	IORING_OP_LISTEN,		/* 6.11 */
	IORING_OP_RECV_ZC,		/* 6.15 */
	IORING_OP_EPOLL_WAIT,		/* 6.15 */
	IORING_OP_READV_FIXED,		/* 6.15 */
	IORING_OP_WRITEV_FIXED,		/* 6.15 */
	IORING_OP_PIPE,			/* 6.16 */
	IORING_OP_NOP128,		/* 6.19: NOP in a 128-byte SQE */
	IORING_OP_URING_CMD128,		/* 6.19: URING_CMD in a 128-byte SQE */

	IORING_OP_LAST,			/* one past the highest opcode known here */
};

/* sqe->uring_cmd_flags; the top 8 bits belong to the kernel */
#define IORING_URING_CMD_FIXED		(1U << 0)	/* buffer is buf_index */
#define IORING_URING_CMD_MULTISHOT	(1U << 1)
#define IORING_URING_CMD_MASK		(IORING_URING_CMD_FIXED | \
					 IORING_URING_CMD_MULTISHOT)

/* sqe->fsync_flags */
#define IORING_FSYNC_DATASYNC		(1U << 0)

/* sqe->timeout_flags */
#define IORING_TIMEOUT_ABS		(1U << 0)	/* absolute time */
#define IORING_TIMEOUT_UPDATE		(1U << 1)	/* modify an armed timeout */
#define IORING_TIMEOUT_BOOTTIME		(1U << 2)
#define IORING_TIMEOUT_REALTIME		(1U << 3)
#define IORING_LINK_TIMEOUT_UPDATE	(1U << 4)
#define IORING_TIMEOUT_ETIME_SUCCESS	(1U << 5)	/* -ETIME counts as success */
#define IORING_TIMEOUT_MULTISHOT	(1U << 6)	/* 6.4: fire repeatedly */
#define IORING_TIMEOUT_IMMEDIATE_ARG	(1U << 7)	/* 7.1: addr is the time in ns,
							 * not a timespec pointer */
#define IORING_TIMEOUT_CLOCK_MASK	(IORING_TIMEOUT_BOOTTIME | \
					 IORING_TIMEOUT_REALTIME)
#define IORING_TIMEOUT_UPDATE_MASK	(IORING_TIMEOUT_UPDATE | \
					 IORING_LINK_TIMEOUT_UPDATE)

/* sqe->splice_flags: splice(2) flags plus this one for a fixed fd_in */
#define SPLICE_F_FD_IN_FIXED		(1U << 31)

/*
 * POLL_ADD command flags.  poll32_events holds the event mask, so these
 * travel in sqe->len.
 */
#define IORING_POLL_ADD_MULTI		(1U << 0)	/* 5.13: multishot */
#define IORING_POLL_UPDATE_EVENTS	(1U << 1)
#define IORING_POLL_UPDATE_USER_DATA	(1U << 2)
#define IORING_POLL_ADD_LEVEL		(1U << 3)	/* 6.0: level triggered */

/* sqe->cancel_flags for ASYNC_CANCEL and IORING_REGISTER_SYNC_CANCEL */
#define IORING_ASYNC_CANCEL_ALL		(1U << 0)	/* every match, not the first */
#define IORING_ASYNC_CANCEL_FD		(1U << 1)	/* match on fd */
#define IORING_ASYNC_CANCEL_ANY		(1U << 2)	/* match anything */
#define IORING_ASYNC_CANCEL_FD_FIXED	(1U << 3)	/* fd is a fixed index */
#define IORING_ASYNC_CANCEL_USERDATA	(1U << 4)	/* match on user_data */
#define IORING_ASYNC_CANCEL_OP		(1U << 5)	/* match on opcode */

/* send, sendmsg, recv and recvmsg flags, carried in sqe->ioprio */
#define IORING_RECVSEND_POLL_FIRST	(1U << 0)	/* arm poll before trying */
#define IORING_RECV_MULTISHOT		(1U << 1)	/* keep receiving */
#define IORING_RECVSEND_FIXED_BUF	(1U << 2)	/* buf_index is used */
#define IORING_SEND_ZC_REPORT_USAGE	(1U << 3)	/* notif res says if copied */
#define IORING_RECVSEND_BUNDLE		(1U << 4)	/* 6.10: many buffers at once */
#define IORING_SEND_VECTORIZED		(1U << 5)	/* 6.17: addr is an iovec */

/* Notification cqe->res bit when IORING_SEND_ZC_REPORT_USAGE was asked */
#define IORING_NOTIF_USAGE_ZC_COPIED	(1U << 31)

/* accept flags, carried in sqe->ioprio */
#define IORING_ACCEPT_MULTISHOT		(1U << 0)
#define IORING_ACCEPT_DONTWAIT		(1U << 1)
#define IORING_ACCEPT_POLL_FIRST	(1U << 2)

/* IORING_OP_MSG_RING command, in sqe->addr */
enum io_uring_msg_ring_flags {
	IORING_MSG_DATA,	/* post a CQE: res = sqe->len, user_data = off */
	IORING_MSG_SEND_FD,	/* install a fixed file in the target ring */
};

/* sqe->msg_ring_flags */
#define IORING_MSG_RING_CQE_SKIP	(1U << 0)	/* no CQE in the target */
#define IORING_MSG_RING_FLAGS_PASS	(1U << 1)	/* file_index -> cqe->flags */

/* sqe->install_fd_flags */
#define IORING_FIXED_FD_NO_CLOEXEC	(1U << 0)

/* sqe->nop_flags */
#define IORING_NOP_INJECT_RESULT	(1U << 0)	/* cqe->res = sqe->len */
#define IORING_NOP_FILE			(1U << 1)	/* look up sqe->fd */
#define IORING_NOP_FIXED_FILE		(1U << 2)
#define IORING_NOP_FIXED_BUFFER		(1U << 3)
#define IORING_NOP_TW			(1U << 4)	/* complete via task work */
#define IORING_NOP_CQE32		(1U << 5)	/* post a 32-byte CQE */

/* sqe->attr_type_mask bits for read/write attributes */
#define IORING_RW_ATTR_FLAG_PI		(1U << 0)

/* Protection information attached to a read or write (6.15) */
struct io_uring_attr_pi {
	__u16	flags;
	__u16	app_tag;
	__u32	len;
	__u64	addr;
	__u64	seed;
	__u64	rsvd;
};

/*
 * Completion queue entry.  16 bytes; 32 on IORING_SETUP_CQE32 rings (and
 * for the entries flagged IORING_CQE_F_32 on IORING_SETUP_CQE_MIXED rings),
 * where big_cqe[] holds two more words.
 */
__extension__ struct io_uring_cqe {
	__u64	user_data;	/* the SQE's user_data */
	__s32	res;		/* result, or -errno */
	__u32	flags;		/* IORING_CQE_F_* */
	__extension__ __u64 big_cqe[];
};

/* cqe->flags */
#define IORING_CQE_F_BUFFER		(1U << 0)	/* upper 16 bits: buffer id */
#define IORING_CQE_F_MORE		(1U << 1)	/* more CQEs will follow */
#define IORING_CQE_F_SOCK_NONEMPTY	(1U << 2)	/* socket still has data */
#define IORING_CQE_F_NOTIF		(1U << 3)	/* zero-copy notification */
#define IORING_CQE_F_BUF_MORE		(1U << 4)	/* buffer partially used */
#define IORING_CQE_F_SKIP		(1U << 5)	/* padding: ignore this CQE */
#define IORING_CQE_F_32			(1U << 15)	/* 32-byte CQE (mixed ring) */

#define IORING_CQE_BUFFER_SHIFT		16

/* mmap(2) offsets on the ring fd */
#define IORING_OFF_SQ_RING		0ULL
#define IORING_OFF_CQ_RING		0x8000000ULL
#define IORING_OFF_SQES			0x10000000ULL
#define IORING_OFF_PBUF_RING		0x80000000ULL
#define IORING_OFF_PBUF_SHIFT		16
#define IORING_OFF_MMAP_MASK		0xf8000000ULL

/* Where the SQ ring's fields sit, as offsets io_uring_setup(2) returns */
struct io_sqring_offsets {
	__u32	head;
	__u32	tail;
	__u32	ring_mask;
	__u32	ring_entries;
	__u32	flags;
	__u32	dropped;
	__u32	array;
	__u32	resv1;
	__u64	user_addr;	/* IORING_SETUP_NO_MMAP: caller's SQE memory */
};

/* The SQ ring's flags word */
#define IORING_SQ_NEED_WAKEUP		(1U << 0)	/* SQPOLL thread sleeps */
#define IORING_SQ_CQ_OVERFLOW		(1U << 1)	/* CQEs wait in overflow */
#define IORING_SQ_TASKRUN		(1U << 2)	/* task work is pending */

/* Where the CQ ring's fields sit */
struct io_cqring_offsets {
	__u32	head;
	__u32	tail;
	__u32	ring_mask;
	__u32	ring_entries;
	__u32	overflow;
	__u32	cqes;
	__u32	flags;
	__u32	resv1;
	__u64	user_addr;	/* IORING_SETUP_NO_MMAP: caller's ring memory */
};

/* The CQ ring's flags word */
#define IORING_CQ_EVENTFD_DISABLED	(1U << 0)

/* io_uring_enter(2) flags */
#define IORING_ENTER_GETEVENTS		(1U << 0)
#define IORING_ENTER_SQ_WAKEUP		(1U << 1)
#define IORING_ENTER_SQ_WAIT		(1U << 2)
#define IORING_ENTER_EXT_ARG		(1U << 3)	/* 5.11 */
#define IORING_ENTER_REGISTERED_RING	(1U << 4)	/* 5.18 */
#define IORING_ENTER_ABS_TIMER		(1U << 5)	/* 6.12 */
#define IORING_ENTER_EXT_ARG_REG	(1U << 6)	/* 6.13 */
#define IORING_ENTER_NO_IOWAIT		(1U << 7)	/* 6.15 */

/* io_uring_setup(2) argument; the kernel fills in the rest on return */
struct io_uring_params {
	__u32	sq_entries;
	__u32	cq_entries;
	__u32	flags;
	__u32	sq_thread_cpu;
	__u32	sq_thread_idle;
	__u32	features;
	__u32	wq_fd;
	__u32	resv[3];
	struct io_sqring_offsets sq_off;
	struct io_cqring_offsets cq_off;
};

/* io_uring_params->features */
#define IORING_FEAT_SINGLE_MMAP		(1U << 0)	/* 5.4 */
#define IORING_FEAT_NODROP		(1U << 1)	/* 5.5 */
#define IORING_FEAT_SUBMIT_STABLE	(1U << 2)	/* 5.5 */
#define IORING_FEAT_RW_CUR_POS		(1U << 3)	/* 5.6 */
#define IORING_FEAT_CUR_PERSONALITY	(1U << 4)	/* 5.6 */
#define IORING_FEAT_FAST_POLL		(1U << 5)	/* 5.7 */
#define IORING_FEAT_POLL_32BITS		(1U << 6)	/* 5.9 */
#define IORING_FEAT_SQPOLL_NONFIXED	(1U << 7)	/* 5.11 */
#define IORING_FEAT_EXT_ARG		(1U << 8)	/* 5.11 */
#define IORING_FEAT_NATIVE_WORKERS	(1U << 9)	/* 5.12 */
#define IORING_FEAT_RSRC_TAGS		(1U << 10)	/* 5.13 */
#define IORING_FEAT_CQE_SKIP		(1U << 11)	/* 5.17 */
#define IORING_FEAT_LINKED_FILE		(1U << 12)	/* 5.17 */
#define IORING_FEAT_REG_REG_RING	(1U << 13)	/* 6.3 */
#define IORING_FEAT_RECVSEND_BUNDLE	(1U << 14)	/* 6.10 */
#define IORING_FEAT_MIN_TIMEOUT		(1U << 15)	/* 6.12 */
#define IORING_FEAT_RW_ATTR		(1U << 16)	/* 6.15 */
#define IORING_FEAT_NO_IOWAIT		(1U << 17)	/* 6.15 */

/* io_uring_register(2) opcodes */
enum io_uring_register_op {
	IORING_REGISTER_BUFFERS			= 0,
	IORING_UNREGISTER_BUFFERS		= 1,
	IORING_REGISTER_FILES			= 2,
	IORING_UNREGISTER_FILES			= 3,
	IORING_REGISTER_EVENTFD			= 4,
	IORING_UNREGISTER_EVENTFD		= 5,
	IORING_REGISTER_FILES_UPDATE		= 6,
	IORING_REGISTER_EVENTFD_ASYNC		= 7,
	IORING_REGISTER_PROBE			= 8,
	IORING_REGISTER_PERSONALITY		= 9,
	IORING_UNREGISTER_PERSONALITY		= 10,
	IORING_REGISTER_RESTRICTIONS		= 11,
	IORING_REGISTER_ENABLE_RINGS		= 12,
	IORING_REGISTER_FILES2			= 13,	/* with tags */
	IORING_REGISTER_FILES_UPDATE2		= 14,
	IORING_REGISTER_BUFFERS2		= 15,
	IORING_REGISTER_BUFFERS_UPDATE		= 16,
	IORING_REGISTER_IOWQ_AFF		= 17,
	IORING_UNREGISTER_IOWQ_AFF		= 18,
	IORING_REGISTER_IOWQ_MAX_WORKERS	= 19,
	IORING_REGISTER_RING_FDS		= 20,
	IORING_UNREGISTER_RING_FDS		= 21,
	IORING_REGISTER_PBUF_RING		= 22,
	IORING_UNREGISTER_PBUF_RING		= 23,
	IORING_REGISTER_SYNC_CANCEL		= 24,
	IORING_REGISTER_FILE_ALLOC_RANGE	= 25,
	IORING_REGISTER_PBUF_STATUS		= 26,
	IORING_REGISTER_NAPI			= 27,
	IORING_UNREGISTER_NAPI			= 28,
	IORING_REGISTER_CLOCK			= 29,
	IORING_REGISTER_CLONE_BUFFERS		= 30,
	IORING_REGISTER_SEND_MSG_RING		= 31,
	IORING_REGISTER_ZCRX_IFQ		= 32,
	IORING_REGISTER_RESIZE_RINGS		= 33,
	IORING_REGISTER_MEM_REGION		= 34,
	IORING_REGISTER_QUERY			= 35,	/* 6.18 */
	IORING_REGISTER_ZCRX_CTRL		= 36,	/* 6.19 */
	IORING_REGISTER_BPF_FILTER		= 37,	/* 7.0 */

	IORING_REGISTER_LAST,
};

/*
 * OR-ed into the opcode: the fd argument is a registered index.  The
 * kernel's header makes this an enumerator; ISO C before C23 limits
 * enumerators to int, so it is a macro here, with the same value.
 */
#define IORING_REGISTER_USE_REGISTERED_RING	(1U << 31)

/* io-wq worker classes, the index into the max-workers array */
enum io_wq_type {
	IO_WQ_BOUND,
	IO_WQ_UNBOUND,
};

/* IORING_REGISTER_FILES_UPDATE argument (superseded by rsrc_update) */
struct io_uring_files_update {
	__u32	offset;
	__u32	resv;
	__aligned_u64 fds;	/* __s32 * */
};

/* Memory regions (6.13) */
enum {
	IORING_MEM_REGION_TYPE_USER	= 1,	/* memory at user_addr */
};

struct io_uring_region_desc {
	__u64	user_addr;
	__u64	size;
	__u32	flags;
	__u32	id;
	__u64	mmap_offset;
	__u64	__resv[4];
};

enum {
	IORING_MEM_REGION_REG_WAIT_ARG	= 1,	/* region holds wait args */
};

struct io_uring_mem_region_reg {
	__u64	region_uptr;	/* struct io_uring_region_desc * */
	__u64	flags;
	__u64	__resv[2];
};

/* io_uring_rsrc_register->flags: a table of empty slots */
#define IORING_RSRC_REGISTER_SPARSE	(1U << 0)

struct io_uring_rsrc_register {
	__u32	nr;
	__u32	flags;
	__u64	resv2;
	__aligned_u64 data;
	__aligned_u64 tags;
};

struct io_uring_rsrc_update {
	__u32	offset;
	__u32	resv;
	__aligned_u64 data;
};

struct io_uring_rsrc_update2 {
	__u32	offset;
	__u32	resv;
	__aligned_u64 data;
	__aligned_u64 tags;
	__u32	nr;
	__u32	resv2;
};

/* An fd value in a files update that leaves that slot as it is */
#define IORING_REGISTER_FILES_SKIP	(-2)

#define IO_URING_OP_SUPPORTED		(1U << 0)

struct io_uring_probe_op {
	__u8	op;
	__u8	resv;
	__u16	flags;		/* IO_URING_OP_* */
	__u32	resv2;
};

__extension__ struct io_uring_probe {
	__u8	last_op;	/* highest opcode the kernel knows */
	__u8	ops_len;	/* entries filled in ops[] */
	__u16	resv;
	__u32	resv2[3];
	__extension__ struct io_uring_probe_op ops[];
};

struct io_uring_restriction {
	__u16	opcode;		/* IORING_RESTRICTION_* */
	__extension__ union {
		__u8	register_op;
		__u8	sqe_op;
		__u8	sqe_flags;
	};
	__u8	resv;
	__u32	resv2[3];
};

enum io_uring_register_restriction_op {
	IORING_RESTRICTION_REGISTER_OP		= 0,	/* allow a register op */
	IORING_RESTRICTION_SQE_OP		= 1,	/* allow an SQE opcode */
	IORING_RESTRICTION_SQE_FLAGS_ALLOWED	= 2,	/* allow SQE flags */
	IORING_RESTRICTION_SQE_FLAGS_REQUIRED	= 3,	/* require SQE flags */

	IORING_RESTRICTION_LAST
};

/*
 * Restrictions for the rings a task creates from now on, rather than for
 * one ring: IORING_REGISTER_RESTRICTIONS with fd -1.  nr_res entries
 * follow the header.
 */
__extension__ struct io_uring_task_restriction {
	__u16	flags;
	__u16	nr_res;		/* entries in restrictions[] */
	__u32	resv[3];
	__extension__ struct io_uring_restriction restrictions[];
};

struct io_uring_clock_register {
	__u32	clockid;
	__u32	__resv[3];
};

/* io_uring_clone_buffers->flags */
enum {
	IORING_REGISTER_SRC_REGISTERED	= (1U << 0),	/* src_fd is an index */
	IORING_REGISTER_DST_REPLACE	= (1U << 1),	/* replace dst table */
};

struct io_uring_clone_buffers {
	__u32	src_fd;
	__u32	flags;
	__u32	src_off;
	__u32	dst_off;
	__u32	nr;
	__u32	pad[3];
};

/* One provided buffer in a buffer ring */
struct io_uring_buf {
	__u64	addr;
	__u32	len;
	__u16	bid;
	__u16	resv;
};

/*
 * A provided-buffer ring.  The tail shares the first entry's resv field,
 * so the ring is exactly ring_entries * 16 bytes.
 */
__extension__ struct io_uring_buf_ring {
	__extension__ union {
		struct {
			__u64	resv1;
			__u32	resv2;
			__u16	resv3;
			__u16	tail;
		};
		struct io_uring_buf bufs[0];
	};
};

/* io_uring_buf_reg->flags */
enum io_uring_register_pbuf_ring_flags {
	IOU_PBUF_RING_MMAP	= 1,	/* 6.4: kernel allocates, user mmaps */
	IOU_PBUF_RING_INC	= 2,	/* 6.12: incremental consumption */
};

struct io_uring_buf_reg {
	__u64	ring_addr;
	__u32	ring_entries;
	__u16	bgid;
	__u16	flags;
	__u32	min_left;	/* 7.1: IOU_PBUF_RING_INC: smallest
				 * usable rest of a buffer, 0 = 1 */
	__u32	resv[5];
};

struct io_uring_buf_status {
	__u32	buf_group;	/* in */
	__u32	head;		/* out */
	__u32	resv[8];
};

/* NAPI busy polling (6.9) */
enum io_uring_napi_op {
	IO_URING_NAPI_REGISTER_OP	= 0,
	IO_URING_NAPI_STATIC_ADD_ID	= 1,
	IO_URING_NAPI_STATIC_DEL_ID	= 2,
};

enum io_uring_napi_tracking_strategy {
	IO_URING_NAPI_TRACKING_DYNAMIC	= 0,
	IO_URING_NAPI_TRACKING_STATIC	= 1,
	IO_URING_NAPI_TRACKING_INACTIVE	= 255,
};

struct io_uring_napi {
	__u32	busy_poll_to;
	__u8	prefer_busy_poll;
	__u8	opcode;
	__u8	pad[2];
	__u32	op_param;
	__u32	resv;
};

/* io_uring_reg_wait->flags */
enum {
	IORING_REG_WAIT_TS	= (1U << 0),
};

/* IORING_REGISTER_CQWAIT_REG region description (6.13) */
struct io_uring_cqwait_reg_arg {
	__u32	flags;
	__u32	struct_size;
	__u32	nr_entries;
	__u32	pad;
	__u64	user_addr;
	__u64	pad2[3];
};

/* A wait argument kept in a registered region, picked by index */
struct io_uring_reg_wait {
	struct __kernel_timespec ts;
	__u32	min_wait_usec;
	__u32	flags;
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	pad[3];
	__u64	pad2[2];
};

/* io_uring_enter(2) argument with IORING_ENTER_EXT_ARG */
struct io_uring_getevents_arg {
	__u64	sigmask;
	__u32	sigmask_sz;
	__u32	min_wait_usec;	/* 6.12 */
	__u64	ts;
};

/* IORING_REGISTER_SYNC_CANCEL argument */
struct io_uring_sync_cancel_reg {
	__u64	addr;
	__s32	fd;
	__u32	flags;
	struct __kernel_timespec timeout;
	__u8	opcode;
	__u8	pad[7];
	__u64	pad2[3];
};

/* IORING_REGISTER_FILE_ALLOC_RANGE argument: [off, off + len) */
struct io_uring_file_index_range {
	__u32	off;
	__u32	len;
	__u64	resv;
};

/* Header the kernel writes at the start of a multishot recvmsg buffer */
struct io_uring_recvmsg_out {
	__u32	namelen;
	__u32	controllen;
	__u32	payloadlen;
	__u32	flags;
};

/* cmd_op values for IORING_OP_URING_CMD on a socket */
enum io_uring_socket_op {
	SOCKET_URING_OP_SIOCINQ		= 0,
	SOCKET_URING_OP_SIOCOUTQ,
	SOCKET_URING_OP_GETSOCKOPT,
	SOCKET_URING_OP_SETSOCKOPT,
	SOCKET_URING_OP_TX_TIMESTAMP,	/* 6.17 */
	SOCKET_URING_OP_GETSOCKNAME,	/* 6.19 */
};

/*
 * SOCKET_URING_OP_TX_TIMESTAMP completions (6.17): one CQE per timestamp,
 * its io_timespec in the second half of a 32-byte CQE, and in cqe->flags
 * whether it came from the hardware and which SCM_TSTAMP_* type it is.
 */
#define IORING_TIMESTAMP_HW_SHIFT	16
#define IORING_TIMESTAMP_TYPE_SHIFT	(IORING_TIMESTAMP_HW_SHIFT + 1)
#define IORING_CQE_F_TSTAMP_HW		((__u32)1 << IORING_TIMESTAMP_HW_SHIFT)

struct io_timespec {
	__u64	tv_sec;
	__u64	tv_nsec;
};

#ifdef __cplusplus
}
#endif

#include "io_uring/query.h"
#include "io_uring/bpf_filter.h"

#endif /* LIBURING_IO_URING_H */
