/* SPDX-License-Identifier: MIT */
/*
 * io_uring BPF request filters (IORING_REGISTER_BPF_FILTER, Linux 7.0).
 * A filter is a classic BPF program run on each request of one opcode
 * before it is issued; it sees a struct io_uring_bpf_ctx.
 */
#ifndef LIBURING_IO_URING_BPF_FILTER_H
#define LIBURING_IO_URING_BPF_FILTER_H

#include <linux/types.h>

/* Lets code that also includes <linux/io_uring/bpf_filter.h> avoid a copy. */
#ifndef LINUX_IO_URING_BPF_FILTER_H
#define LINUX_IO_URING_BPF_FILTER_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a filter program is shown of a request.  Programs load fields by
 * byte offset, so the order is the kernel's: user_data comes first.
 */
struct io_uring_bpf_ctx {
	__u64	user_data;
	__u8	opcode;
	__u8	sqe_flags;
	__u8	pdu_size;	/* bytes of opcode-specific data below */
	__u8	pad[5];
	__extension__ union {
		struct {
			__u32	family;
			__u32	type;
			__u32	protocol;
		} socket;	/* IORING_OP_SOCKET */
		struct {
			__u64	flags;
			__u64	mode;
			__u64	resolve;
		} open;		/* IORING_OP_OPENAT, IORING_OP_OPENAT2 */
		/*
		 * IORING_OP_CONNECT (7.2): only what addr_len covers is
		 * filled in, the rest is zero.  port and v4_addr are in
		 * network order.  Classic BPF loads words at offsets that
		 * are multiples of 4, so port is read with its padding and
		 * masked.
		 */
		struct {
			__u32	family;		/* sa_family_t, widened */
			__be16	port;
			__u8	pad[2];
			__extension__ union {
				__be32	v4_addr;
				__u8	v6_addr[16];
			};
		} connect;
	};
};

/* io_uring_bpf_filter->flags */
enum {
	IO_URING_BPF_FILTER_DENY_REST	= 1,	/* deny unfiltered opcodes */
	IO_URING_BPF_FILTER_SZ_STRICT	= 2,	/* pdu_size must match */
};

struct io_uring_bpf_filter {
	__u32	opcode;		/* the IORING_OP_* filtered */
	__u32	flags;
	__u32	filter_len;	/* number of struct sock_filter */
	__u8	pdu_size;	/* opcode data the filter expects; the
				 * kernel writes back its own size */
	__u8	resv[3];
	__u64	filter_ptr;	/* struct sock_filter * */
	__u64	resv2[5];
};

/* io_uring_bpf->cmd_type */
enum {
	IO_URING_BPF_CMD_FILTER	= 1,
};

struct io_uring_bpf {
	__u16	cmd_type;	/* IO_URING_BPF_CMD_* */
	__u16	cmd_flags;
	__u32	resv;
	__extension__ union {
		struct io_uring_bpf_filter filter;
	};
};

#ifdef __cplusplus
}
#endif

#endif /* LIBURING_IO_URING_BPF_FILTER_H */
