/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy receive (zcrx, Linux 6.15): the kernel receives into an area
 * of user memory (or a dma-buf), posts where the data landed in 32-byte
 * CQEs, and the application hands consumed pieces back through a refill
 * ring.  Included by <liburing/io_uring.h>.
 */
#ifndef LIBURING_IO_URING_ZCRX_H
#define LIBURING_IO_URING_ZCRX_H

#include <linux/types.h>

/* Lets code that also includes <linux/io_uring/zcrx.h> avoid a copy. */
#ifndef LINUX_IO_ZCRX_H
#define LINUX_IO_ZCRX_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A refill ring entry: a piece of the area the kernel may reuse */
struct io_uring_zcrx_rqe {
	__u64	off;	/* area token | offset, as the CQE gave it */
	__u32	len;
	__u32	__pad;
};

/* The second half of a zcrx completion's 32-byte CQE */
struct io_uring_zcrx_cqe {
	__u64	off;	/* area id above IORING_ZCRX_AREA_SHIFT, offset below */
	__u64	__pad;
};

#define IORING_ZCRX_AREA_SHIFT	48
#define IORING_ZCRX_AREA_MASK	(~(((__u64)1 << IORING_ZCRX_AREA_SHIFT) - 1))

/* Where the refill ring's fields sit in its region */
struct io_uring_zcrx_offsets {
	__u32	head;
	__u32	tail;
	__u32	rqes;
	__u32	__resv2;
	__u64	__resv[2];
};

/* io_uring_zcrx_area_reg->flags */
enum io_uring_zcrx_area_flags {
	IORING_ZCRX_AREA_DMABUF	= 1,	/* dmabuf_fd, not addr, is the area */
};

struct io_uring_zcrx_area_reg {
	__u64	addr;
	__u64	len;
	__u64	rq_area_token;	/* out: the area's token for refill entries */
	__u32	flags;		/* IORING_ZCRX_AREA_* */
	__u32	dmabuf_fd;
	__u64	__resv2[2];
};

/* io_uring_zcrx_ifq_reg->flags */
enum zcrx_reg_flags {
	ZCRX_REG_IMPORT	= 1,	/* adopt an exported instance (if_idx is its fd) */
	ZCRX_REG_NODEV	= 2,	/* no device: data is always copied */
};

/* io_uring_query_zcrx->features */
enum zcrx_features {
	ZCRX_FEATURE_RX_PAGE_SIZE	= 1 << 0,	/* rx_buf_len is honoured */
	ZCRX_FEATURE_EVENT		= 1 << 1,	/* event_desc, zcrx_stats */
};

/* Events an instance can report through a CQE */
enum zcrx_event_type {
	ZCRX_EVENT_ALLOC_FAIL,		/* no buffer to receive into */
	ZCRX_EVENT_COPY,		/* fell back to copying */

	__ZCRX_EVENT_TYPE_LAST,
};

/* zcrx_event_desc->flags */
enum zcrx_event_desc_flags {
	ZCRX_EVENT_DESC_FLAG_STATS	= 1 << 0,	/* stats_offset is valid */
};

/* Counters the kernel keeps in the refill region, at stats_offset */
struct zcrx_stats {
	__u64	copy_count;	/* completions that had to copy */
	__u64	copy_bytes;	/* bytes copied */
};

/* Pointed to by io_uring_zcrx_ifq_reg->event_desc */
struct zcrx_event_desc {
	__u64	user_data;	/* of the event CQEs */
	__u32	type_mask;	/* 1 << ZCRX_EVENT_* wanted */
	__u32	flags;		/* ZCRX_EVENT_DESC_FLAG_* */
	__u64	stats_offset;	/* from the start of the refill region */
	__u64	__resv2[9];
};

/* IORING_REGISTER_ZCRX_IFQ argument */
struct io_uring_zcrx_ifq_reg {
	__u32	if_idx;		/* interface index */
	__u32	if_rxq;		/* its hardware receive queue */
	__u32	rq_entries;	/* refill ring size */
	__u32	flags;		/* ZCRX_REG_* */
	__u64	area_ptr;	/* struct io_uring_zcrx_area_reg * */
	__u64	region_ptr;	/* struct io_uring_region_desc * */
	struct io_uring_zcrx_offsets offsets;	/* out */
	__u32	zcrx_id;	/* out: the instance id */
	__u32	rx_buf_len;	/* wanted buffer size, 0 for the default */
	__u64	event_desc;	/* struct zcrx_event_desc *, or 0 */
	__u64	__resv[2];
};

/* IORING_REGISTER_ZCRX_CTRL operations (6.19; more since) */
enum zcrx_ctrl_op {
	ZCRX_CTRL_FLUSH_RQ,		/* consume the refill ring now */
	ZCRX_CTRL_EXPORT,		/* get an fd other rings can import */
	ZCRX_CTRL_ARM_EVENT,		/* re-enable one event type */
	ZCRX_CTRL_ADD_AREA,		/* 7.3: add another memory area */

	__ZCRX_CTRL_LAST,
};

struct zcrx_ctrl_flush_rq {
	__u64	__resv[6];
};

struct zcrx_ctrl_export {
	__u32	zcrx_fd;	/* out */
	__u32	__resv1[11];
};

struct zcrx_ctrl_arm_event {
	__u32	event_type;	/* enum zcrx_event_type */
	__u32	__resv[11];
};

struct zcrx_ctrl_add_area {
	__u64	area_ptr;	/* struct io_uring_zcrx_area_reg * */
	__u64	__resv[5];
};

/* IORING_REGISTER_ZCRX_CTRL argument */
struct zcrx_ctrl {
	__u32	zcrx_id;
	__u32	op;		/* enum zcrx_ctrl_op */
	__u64	__resv[2];
	__extension__ union {
		struct zcrx_ctrl_export		zc_export;
		struct zcrx_ctrl_flush_rq	zc_flush;
		struct zcrx_ctrl_arm_event	zc_arm_event;
		struct zcrx_ctrl_add_area	zc_area;
	};
};

#ifdef __cplusplus
}
#endif

#endif /* LIBURING_IO_URING_ZCRX_H */
