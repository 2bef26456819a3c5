/* SPDX-License-Identifier: MIT */
/*
 * Kernel types and constants liburing.h needs from the system's kernel
 * headers, with a fallback where those headers are too old to have them.
 * Installed as <liburing/compat.h>, as liburing installs it; programs
 * include <liburing.h>, which includes this.
 */
#ifndef LIBURING_COMPAT_H
#define LIBURING_COMPAT_H

#include <linux/ioctl.h>
#include <linux/time_types.h>	/* struct __kernel_timespec (5.1) */
#include <linux/openat2.h>	/* struct open_how (5.6) */
#include <linux/futex.h>	/* struct futex_waitv (5.16) */

/*
 * Tells liburing's copy of the kernel's io_uring.h that the time types
 * are already in: programs written for liburing may test it.
 */
#define UAPI_LINUX_IO_URING_H_SKIP_LINUX_TIME_TYPES_H 1

/*
 * Block-device uring_cmd opcodes: <linux/blkdev.h> (6.12) when the system
 * has it, else the same definitions, token for token, so that including
 * the kernel's header later redefines nothing.
 */
#if defined(__has_include)
#if __has_include(<linux/blkdev.h>)
#include <linux/blkdev.h>
#endif
#endif
#ifndef BLOCK_URING_CMD_DISCARD
#define BLOCK_URING_CMD_DISCARD			_IO(0x12, 0)
#endif
#ifndef BLOCK_URING_CMD_ZONE_RESET_ALL
#define BLOCK_URING_CMD_ZONE_RESET_ALL		_IO(0x12, 1)
#endif

#endif
