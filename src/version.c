/* SPDX-License-Identifier: MIT */
/*
 * The library's version, for programs that check it at run time.
 */
#include "lib.h"

int io_uring_major_version(void)
{
	return IO_URING_VERSION_MAJOR;
}

int io_uring_minor_version(void)
{
	return IO_URING_VERSION_MINOR;
}

/* True when this library is older than @major.@minor (liburing's sense). */
bool io_uring_check_version(int major, int minor)
{
	return major > io_uring_major_version() ||
	       (major == io_uring_major_version() &&
		minor > io_uring_minor_version());
}
