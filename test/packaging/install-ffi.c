/* SPDX-License-Identifier: MIT */
/*
 * A program linked against liburing-ffi the way a language binding uses
 * it: the inline helpers are called as the library's exported functions,
 * never compiled in from liburing.h.  Built by test/check-install.sh with
 * `pkg-config --cflags --libs liburing-ffi` against an installed tree.
 *
 * Exit status: 0 passed, 1 failed, 77 io_uring unavailable here.
 */
#include <liburing.h>

#include <stdio.h>
#include <string.h>

/*
 * The exported helpers under names of our own (the asm label is the
 * symbol), so that the static inline copies in liburing.h stay unused.
 */
#define FFI(ret, name, args)	extern ret ffi_##name args __asm__(#name)
FFI(struct io_uring_sqe *, io_uring_get_sqe, (struct io_uring *));
FFI(void, io_uring_prep_nop, (struct io_uring_sqe *));
FFI(void, io_uring_sqe_set_data64, (struct io_uring_sqe *, __u64));
FFI(int, io_uring_wait_cqe, (struct io_uring *, struct io_uring_cqe **));
FFI(__u64, io_uring_cqe_get_data64, (const struct io_uring_cqe *));
FFI(void, io_uring_cqe_seen, (struct io_uring *, struct io_uring_cqe *));
FFI(unsigned, io_uring_cq_ready, (const struct io_uring *));

int main(void)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM) {
		printf("SKIP: io_uring unavailable: %s\n", strerror(-ret));
		return 77;
	}
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	sqe = ffi_io_uring_get_sqe(&ring);
	if (!sqe)
		return 1;
	ffi_io_uring_prep_nop(sqe);
	ffi_io_uring_sqe_set_data64(sqe, 0x5eed);
	if (io_uring_submit(&ring) != 1)
		return 1;
	ret = ffi_io_uring_wait_cqe(&ring, &cqe);
	if (ret || cqe->res || ffi_io_uring_cqe_get_data64(cqe) != 0x5eed) {
		fprintf(stderr, "unexpected completion\n");
		return 1;
	}
	ffi_io_uring_cqe_seen(&ring, cqe);
	if (ffi_io_uring_cq_ready(&ring)) {
		fprintf(stderr, "CQE not consumed\n");
		return 1;
	}
	io_uring_queue_exit(&ring);
	printf("install-ffi: ok\n");
	return 0;
}
