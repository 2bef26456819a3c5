/* SPDX-License-Identifier: MIT */
/*
 * IORING_REGISTER_QUERY (Linux 6.18): a chain of headers, each asking the
 * kernel to describe one facility; made with fd -1, it needs no ring.
 * Every header gets its own result, so one old-kernel answer (-EOPNOTSUPP
 * for an op it does not know) does not spoil the others.
 */
#ifndef LIBURING_IO_URING_QUERY_H
#define LIBURING_IO_URING_QUERY_H

#include <linux/types.h>

/* Lets code that also includes <linux/io_uring/query.h> avoid a copy. */
#ifndef LINUX_IO_URING_QUERY_H
#define LINUX_IO_URING_QUERY_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct io_uring_query_hdr {
	__u64	next_entry;	/* next header, 0 to end the chain */
	__u64	query_data;	/* the answer buffer */
	__u32	query_op;	/* IO_URING_QUERY_* */
	__u32	size;		/* in: buffer size; out: bytes written */
	__s32	result;		/* out: 0 or -errno, per header */
	__u32	__resv[3];
};

/* io_uring_query_hdr->query_op */
enum io_uring_query_op {
	IO_URING_QUERY_OPCODES		= 0,	/* struct io_uring_query_opcode */
	IO_URING_QUERY_ZCRX		= 1,	/* struct io_uring_query_zcrx */
	IO_URING_QUERY_SCQ		= 2,	/* struct io_uring_query_scq */
	IO_URING_QUERY_ZCRX_EVENT	= 3,	/* struct io_uring_query_zcrx_event */

	__IO_URING_QUERY_MAX,
};

/* What the kernel supports, as counts of opcodes and masks of flags */
struct io_uring_query_opcode {
	__u32	nr_request_opcodes;	/* IORING_OP_* known */
	__u32	nr_register_opcodes;	/* IORING_REGISTER_* known */
	__u64	feature_flags;		/* IORING_FEAT_* */
	__u64	ring_setup_flags;	/* IORING_SETUP_* */
	__u64	enter_flags;		/* IORING_ENTER_* */
	__u64	sqe_flags;		/* IOSQE_* */
	__u32	nr_query_opcodes;	/* IO_URING_QUERY_* known */
	__u32	__pad;
};

/* Zero-copy receive capabilities */
struct io_uring_query_zcrx {
	__u64	register_flags;		/* ZCRX_REG_* accepted */
	__u64	area_flags;		/* IORING_ZCRX_AREA_* accepted */
	__u32	nr_ctrl_opcodes;	/* ZCRX_CTRL_* known */
	__u32	features;		/* ZCRX_FEATURE_* */
	__u32	rq_hdr_size;		/* refill ring header size */
	__u32	rq_hdr_alignment;	/* and its alignment */
	__u64	__resv2;
};

/* Zero-copy receive events */
struct io_uring_query_zcrx_event {
	__u32	event_flags;		/* 1 << ZCRX_EVENT_* supported */
	__u32	stats_size;		/* sizeof(struct zcrx_stats) */
	__u32	stats_off_alignment;	/* alignment of stats_offset */
	__u32	__resv1;
	__u64	__resv2[4];
};

/* Ring header geometry, for rings placed in caller memory */
struct io_uring_query_scq {
	__u64	hdr_size;		/* SQ/CQ ring header size */
	__u64	hdr_alignment;		/* and its alignment */
};

#ifdef __cplusplus
}
#endif

#endif /* LIBURING_IO_URING_QUERY_H */
