/* SPDX-License-Identifier: MIT */
/*
 * The io_uring mock file (Linux 6.17, CONFIG_IO_URING_MOCK_FILE): a test
 * device, /dev/io_uring_mock, whose files exercise io_uring's generic
 * paths (read/write, nowait, async, poll, uring_cmd) without real I/O.
 * Files are made and probed with IORING_OP_URING_CMD on the manager fd;
 * the argument structs are pointed to by sqe->addr.
 */
#ifndef LIBURING_IO_URING_MOCK_FILE_H
#define LIBURING_IO_URING_MOCK_FILE_H

#include <linux/types.h>

/* Lets code that also includes <linux/io_uring/mock_file.h> avoid a copy. */
#ifndef LINUX_IO_URING_MOCK_FILE_H
#define LINUX_IO_URING_MOCK_FILE_H
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bit numbers in io_uring_mock_probe->features */
enum {
	IORING_MOCK_FEAT_CMD_COPY,	/* IORING_MOCK_CMD_COPY_REGBUF */
	IORING_MOCK_FEAT_RW_ZERO,	/* reads and writes of zeroes */
	IORING_MOCK_FEAT_RW_NOWAIT,	/* IORING_MOCK_CREATE_F_SUPPORT_NOWAIT */
	IORING_MOCK_FEAT_RW_ASYNC,	/* rw_delay_ns */
	IORING_MOCK_FEAT_POLL,		/* IORING_MOCK_CREATE_F_POLL */

	IORING_MOCK_FEAT_END,
};

/* IORING_MOCK_MGR_CMD_PROBE answer */
struct io_uring_mock_probe {
	__u64	features;	/* 1 << IORING_MOCK_FEAT_* */
	__u64	__resv[9];
};

/* io_uring_mock_create->flags */
enum {
	IORING_MOCK_CREATE_F_SUPPORT_NOWAIT	= 1,
	IORING_MOCK_CREATE_F_POLL		= 2,
};

/* IORING_MOCK_MGR_CMD_CREATE argument */
struct io_uring_mock_create {
	__u32	out_fd;		/* out: the new file */
	__u32	flags;		/* IORING_MOCK_CREATE_F_* */
	__u64	file_size;
	__u64	rw_delay_ns;	/* complete reads and writes this late */
	__u64	__resv[13];
};

/* cmd_op values on the manager fd */
enum {
	IORING_MOCK_MGR_CMD_PROBE,
	IORING_MOCK_MGR_CMD_CREATE,
};

/* cmd_op values on a mock file */
enum {
	IORING_MOCK_CMD_COPY_REGBUF,
};

/* Direction flag of IORING_MOCK_CMD_COPY_REGBUF */
enum {
	IORING_MOCK_COPY_FROM	= 1,
};

#ifdef __cplusplus
}
#endif

#endif /* LIBURING_IO_URING_MOCK_FILE_H */
