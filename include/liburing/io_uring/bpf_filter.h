/* SPDX-License-Identifier: MIT */
/*
 * io_uring BPF request filters (IORING_REGISTER_BPF_FILTER, newer than
 * Linux 6.19).  A filter is a classic BPF program run on each request of
 * one opcode before it is issued; it sees a struct io_uring_bpf_ctx.
 */
#ifndef LIBURING_IO_URING_BPF_FILTER_H
#define LIBURING_IO_URING_BPF_FILTER_H

#include <linux/types.h>

/* What a filter program is shown of a request */
struct io_uring_bpf_ctx {
	__u8	opcode;
	__u8	sqe_flags;
	__u8	pdu_size;	/* bytes of opcode-specific data below */
	__u8	pad[5];
	__u64	user_data;
	union {
		struct {
			__u32	family;
			__u32	type;
			__u32	protocol;
		} socket;	/* IORING_OP_SOCKET */
	};
};

/* io_uring_bpf_filter->flags */
enum {
	IO_URING_BPF_FILTER_DENY_REST	= 1,	/* deny opcodes with no filter */
};

struct io_uring_bpf_filter {
	__u32	opcode;		/* the IORING_OP_* filtered */
	__u32	flags;
	__u32	filter_len;	/* number of struct sock_filter */
	__u32	resv;
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
	union {
		struct io_uring_bpf_filter filter;
	};
};

#endif
