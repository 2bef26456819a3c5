/* SPDX-License-Identifier: MIT */
/*
 * A program whose own global functions carry the names the library uses
 * inside (and once exported from liburing.a), linked statically with every
 * object of the archive (`make check-static-names`).  The link fails with
 * "multiple definition" should any of them leak out of the library again;
 * the run shows the ring works beside them.
 *
 * Exit status: 0 passed, 1 failed, 77 io_uring unavailable here.
 */
#include <liburing.h>

#include <errno.h>
#include <stdio.h>

/* Names an implementation is tempted to use; all of them the program's. */
int ring_register(void);
int ring_mmap(void);
int ring_unmap(void);
int ring_setup_pointers(void);
int remap_rings(void);
int fill_sq_array(void);
int flush_sq(void);
int get_cqe(void);
int submit(void);
int submit_timeout(void);
int wait_result(void);
int zero_or_error(void);
int page_size(void);
int queue_init(void);
int sys_io_uring_enter(void);
int syscall_result(void);

int ring_register(void) { return 1; }
int ring_mmap(void) { return 2; }
int ring_unmap(void) { return 3; }
int ring_setup_pointers(void) { return 4; }
int remap_rings(void) { return 5; }
int fill_sq_array(void) { return 6; }
int flush_sq(void) { return 7; }
int get_cqe(void) { return 8; }
int submit(void) { return 9; }
int submit_timeout(void) { return 10; }
int wait_result(void) { return 11; }
int zero_or_error(void) { return 12; }
int page_size(void) { return 13; }
int queue_init(void) { return 14; }
int sys_io_uring_enter(void) { return 15; }
int syscall_result(void) { return 16; }

static int ours(void)
{
	return ring_register() + ring_mmap() + ring_unmap() +
	       ring_setup_pointers() + remap_rings() + fill_sq_array() +
	       flush_sq() + get_cqe() + submit() + submit_timeout() +
	       wait_result() + zero_or_error() + page_size() + queue_init() +
	       sys_io_uring_enter() + syscall_result();
}

int main(void)
{
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int ret;

	if (ours() != 136) {
		fprintf(stderr, "the program's own functions were not called\n");
		return 1;
	}
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret == -ENOSYS || ret == -EPERM) {
		printf("io_uring unavailable: %d\n", ret);
		return 77;
	}
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %d\n", ret);
		return 1;
	}
	io_uring_prep_nop(io_uring_get_sqe(&ring));
	ret = io_uring_submit_and_wait(&ring, 1);
	if (ret < 1 || io_uring_wait_cqe(&ring, &cqe) || cqe->res) {
		fprintf(stderr, "nop: submit %d\n", ret);
		return 1;
	}
	io_uring_queue_exit(&ring);
	printf("liburing %d.%d linked statically beside the program's "
	       "ring_register(), ring_mmap(), flush_sq(), get_cqe(), ...\n",
	       io_uring_major_version(), io_uring_minor_version());
	return 0;
}
