/* SPDX-License-Identifier: MIT */
/*
 * Operations on an open file: fsync, sync_file_range, fallocate, fadvise,
 * madvise, ftruncate, splice, tee, statx and extended attributes.  Each
 * checks what the operation did to the file or memory, not just res.
 */
#include "helpers.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC	0x01021994
#endif

#define PG	4096

static off_t file_size(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_size;
}

/*
 * True when the page cache of @fd can be observed dropping pages: tmpfs
 * pages are the file itself and never leave memory.
 */
static bool cache_observable(int fd)
{
	struct statfs sfs;

	assert_int_equal(fstatfs(fd, &sfs), 0);
	return sfs.f_type != TMPFS_MAGIC;
}

/*
 * Bit i of the result: page i of the first @npages of @fd is cached.
 * mincore() needs a mapping but no access to it: PROT_NONE, as valgrind
 * reads the start of every file mapped readable (looking for an ELF
 * header), which would bring the pages back before we look.
 */
static unsigned resident_pages(int fd, unsigned npages)
{
	unsigned char vec[32];
	unsigned i, mask = 0;
	void *map;

	assert_true(npages <= 32);
	map = mmap(NULL, (size_t) npages * PG, PROT_NONE, MAP_SHARED, fd, 0);
	assert_true(map != MAP_FAILED);
	assert_int_equal(mincore(map, (size_t) npages * PG, vec), 0);
	munmap(map, (size_t) npages * PG);
	for (i = 0; i < npages; i++)
		if (vec[i] & 1)
			mask |= 1U << i;
	return mask;
}

/*
 * A file of @npages pages, written back so its cache pages are clean.
 * Written a page at a time so that each page is its own folio: a large
 * folio only leaves the cache as a whole.
 */
static int clean_cached_file(unsigned npages)
{
	char page[PG];
	int fd = t_tmpfile(NULL, 0, NULL, 0);
	unsigned i;

	for (i = 0; i < npages; i++) {
		t_fill(page, PG, i);
		assert_int_equal(pwrite(fd, page, PG, (off_t) i * PG), PG);
	}
	assert_int_equal(fsync(fd), 0);
	return fd;
}

static void test_fsync(void **state)
{
	char data[PG], back[PG];
	struct io_uring ring;
	struct io_uring_cqe cqes[2];
	struct io_uring_sqe *sqe;
	int fd, p[2];

	t_require_op(IORING_OP_FSYNC);
	t_fill(data, sizeof(data), 1);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	t_ring(&ring, 4, 0);

	/* write linked to an fsync: the fsync runs after the write */
	sqe = t_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, data, sizeof(data), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_fsync(sqe, fd, 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqes, 2);
	assert_int_equal(cqes[0].user_data, 1);
	assert_int_equal(cqes[0].res, sizeof(data));
	assert_int_equal(cqes[1].user_data, 2);
	assert_int_equal(cqes[1].res, 0);
	assert_int_equal(pread(fd, back, sizeof(back), 0), sizeof(back));
	assert_memory_equal(back, data, sizeof(data));

	io_uring_prep_fsync(t_get_sqe(&ring), fd, IORING_FSYNC_DATASYNC);
	assert_int_equal(t_submit_res(&ring), 0);

	/* flags beyond IORING_FSYNC_DATASYNC */
	io_uring_prep_fsync(t_get_sqe(&ring), fd, 2);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	/* a pipe cannot be synced: the fd reaches the kernel */
	assert_int_equal(pipe(p), 0);
	io_uring_prep_fsync(t_get_sqe(&ring), p[0], 0);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_fsync(t_get_sqe(&ring), 999999, 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_sync_file_range(void **state)
{
	struct io_uring ring;
	int fd, p[2];

	t_require_op(IORING_OP_SYNC_FILE_RANGE);
	fd = t_tmpfile(NULL, 0, NULL, 4 * PG);
	assert_int_equal(pipe(p), 0);
	t_ring(&ring, 4, 0);

	io_uring_prep_sync_file_range(t_get_sqe(&ring), fd, 2 * PG, PG,
				      SYNC_FILE_RANGE_WAIT_BEFORE |
				      SYNC_FILE_RANGE_WRITE |
				      SYNC_FILE_RANGE_WAIT_AFTER);
	assert_int_equal(t_submit_res(&ring), 0);

	/* the flags, offset and fd all reach the kernel */
	io_uring_prep_sync_file_range(t_get_sqe(&ring), fd, PG, 0, 0x100);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_sync_file_range(t_get_sqe(&ring), fd, PG,
				      (__u64) -PG, SYNC_FILE_RANGE_WRITE);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_sync_file_range(t_get_sqe(&ring), p[0], PG, 0,
				      SYNC_FILE_RANGE_WRITE);
	assert_int_equal(t_submit_res(&ring), -ESPIPE);
	io_uring_prep_sync_file_range(t_get_sqe(&ring), 999999, PG, 0,
				      SYNC_FILE_RANGE_WRITE);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_fallocate(void **state)
{
	char data[4 * PG], back[4 * PG], zero[2 * PG];
	struct io_uring ring;
	struct stat st;
	blkcnt_t blocks;
	int fd;

	t_require_op(IORING_OP_FALLOCATE);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	/* ext4 without extents (an ext2 layout) has no fallocate(2) */
	if (fallocate(fd, 0, 0, PG) && errno == EOPNOTSUPP)
		T_SKIP("the temp filesystem has no fallocate");
	assert_int_equal(ftruncate(fd, 0), 0);
	t_ring(&ring, 4, 0);

	/* mode 0 grows the file and allocates its blocks */
	io_uring_prep_fallocate(t_get_sqe(&ring), fd, 0, 0, 1 << 20);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);
	assert_true(st.st_blocks >= (1 << 20) / 512);
	blocks = st.st_blocks;

	/* KEEP_SIZE past the end allocates without growing */
	io_uring_prep_fallocate(t_get_sqe(&ring), fd, FALLOC_FL_KEEP_SIZE,
				1 << 20, 1 << 20);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);
	assert_true(st.st_blocks >= blocks + (1 << 20) / 512);

	/* punching a hole zeroes the range and keeps the rest */
	t_fill(data, sizeof(data), 7);
	assert_int_equal(pwrite(fd, data, sizeof(data), 0), sizeof(data));
	io_uring_prep_fallocate(t_get_sqe(&ring), fd,
				FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				PG, 2 * PG);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(file_size(fd), 1 << 20);
	assert_int_equal(pread(fd, back, sizeof(back), 0), sizeof(back));
	memset(zero, 0, sizeof(zero));
	assert_memory_equal(back, data, PG);
	assert_memory_equal(back + PG, zero, 2 * PG);
	assert_memory_equal(back + 3 * PG, data + 3 * PG, PG);

	/* a hole must keep the size; a zero length is invalid */
	io_uring_prep_fallocate(t_get_sqe(&ring), fd, FALLOC_FL_PUNCH_HOLE,
				0, PG);
	assert_int_equal(t_submit_res(&ring), -EOPNOTSUPP);
	io_uring_prep_fallocate(t_get_sqe(&ring), fd, 0, 0, 0);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_fallocate(t_get_sqe(&ring), 999999, 0, 0, PG);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_fadvise(void **state)
{
	struct io_uring ring;
	unsigned mask;
	int fd, p[2];

	t_require_op(IORING_OP_FADVISE);
	fd = clean_cached_file(8);
	t_ring(&ring, 4, 0);

	/* drop pages 2 and 3 only */
	io_uring_prep_fadvise(t_get_sqe(&ring), fd, 2 * PG, 2 * PG,
			      POSIX_FADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), 0);
	if (cache_observable(fd)) {
		mask = resident_pages(fd, 8);
		assert_int_equal(mask & 0x0c, 0);
		assert_int_equal(mask & 0xf3, 0xf3);
	}

	io_uring_prep_fadvise(t_get_sqe(&ring), fd, 0, 0,
			      POSIX_FADV_SEQUENTIAL);
	assert_int_equal(t_submit_res(&ring), 0);
	io_uring_prep_fadvise(t_get_sqe(&ring), fd, 0, PG, 1234);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	assert_int_equal(pipe(p), 0);
	io_uring_prep_fadvise(t_get_sqe(&ring), p[0], 0, PG,
			      POSIX_FADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), -ESPIPE);
	io_uring_prep_fadvise(t_get_sqe(&ring), 999999, 0, PG,
			      POSIX_FADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/*
 * 64-bit advise lengths arrived in 6.11, the same release as
 * IORING_OP_BIND; older kernels refuse the SQE with -EINVAL.
 */
static void require_advise64(void)
{
	if (!t_has_op(IORING_OP_BIND))
		T_SKIP("kernel lacks 64-bit advise lengths (6.11)");
}

static void test_fadvise64(void **state)
{
	struct io_uring ring;
	int fd;

	t_require_op(IORING_OP_FADVISE);
	require_advise64();
	fd = clean_cached_file(4);
	t_ring(&ring, 4, 0);

	/*
	 * A length of 4 GiB + 1 page from offset 0: every page goes.  Cut
	 * to 32 bits it would be one page and pages 1..3 would stay.
	 */
	io_uring_prep_fadvise64(t_get_sqe(&ring), fd, 0,
				(off_t) (1ULL << 32) + PG,
				POSIX_FADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), 0);
	if (cache_observable(fd))
		assert_int_equal(resident_pages(fd, 4), 0);

	io_uring_prep_fadvise64(t_get_sqe(&ring), fd, 0, PG, 1234);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_madvise(void **state)
{
	struct io_uring ring;
	unsigned char *map;
	unsigned i;

	t_require_op(IORING_OP_MADVISE);
	map = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	memset(map, 0xa5, 4 * PG);
	t_ring(&ring, 4, 0);

	/* MADV_DONTNEED on private anonymous memory: reads back zero */
	io_uring_prep_madvise(t_get_sqe(&ring), map + PG, 2 * PG,
			      MADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), 0);
	for (i = 0; i < 4 * PG; i++) {
		unsigned char want = (i >= PG && i < 3 * PG) ? 0 : 0xa5;

		if (map[i] != want)
			fail_msg("byte %u is 0x%02x, want 0x%02x", i, map[i],
				 want);
	}

	io_uring_prep_madvise(t_get_sqe(&ring), map, PG, 12345);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	/* an unaligned address */
	io_uring_prep_madvise(t_get_sqe(&ring), map + 1, PG, MADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), -EINVAL);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	munmap(map, 4 * PG);
}

static void test_madvise64(void **state)
{
	const size_t span = (1ULL << 32) + 2 * PG;
	struct io_uring ring;
	unsigned char *map;

	t_require_op(IORING_OP_MADVISE);
	require_advise64();
	/* 4 GiB of address space; only two pages are ever touched */
	map = mmap(NULL, span, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		T_SKIP("cannot map 4 GiB of address space");
	map[0] = 0x11;
	map[span - PG] = 0x22;
	t_ring(&ring, 4, 0);

	/* cut to 32 bits the length would cover only the first 2 pages */
	io_uring_prep_madvise64(t_get_sqe(&ring), map, (off_t) span,
				MADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(map[0], 0);
	assert_int_equal(map[span - PG], 0);

	map[0] = 0x33;
	map[span - PG] = 0x44;
	io_uring_prep_madvise64(t_get_sqe(&ring), map, PG, MADV_DONTNEED);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(map[0], 0);
	assert_int_equal(map[span - PG], 0x44);

	io_uring_prep_madvise64(t_get_sqe(&ring), map, PG, 12345);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	munmap(map, span);
}

static void test_ftruncate(void **state)
{
	char data[1000], back[5000], path[512];
	struct io_uring ring;
	int fd, rdonly;
	unsigned i;

	t_require_op(IORING_OP_FTRUNCATE);
	t_fill(data, sizeof(data), 9);
	fd = t_tmpfile(path, sizeof(path), data, sizeof(data));
	t_ring(&ring, 4, 0);

	io_uring_prep_ftruncate(t_get_sqe(&ring), fd, 100);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(file_size(fd), 100);

	/* growing again: the tail reads as zeroes, the head is kept */
	io_uring_prep_ftruncate(t_get_sqe(&ring), fd, 5000);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(file_size(fd), 5000);
	assert_int_equal(pread(fd, back, sizeof(back), 0), 5000);
	assert_memory_equal(back, data, 100);
	for (i = 100; i < 5000; i++)
		assert_int_equal(back[i], 0);

	io_uring_prep_ftruncate(t_get_sqe(&ring), fd, -1);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	rdonly = open(path, O_RDONLY);
	assert_true(rdonly >= 0);
	io_uring_prep_ftruncate(t_get_sqe(&ring), rdonly, 0);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_ftruncate(t_get_sqe(&ring), 999999, 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);
	assert_int_equal(file_size(fd), 5000);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(rdonly);
	close(fd);
}

static void test_splice(void **state)
{
	char data[8192], back[3000];
	struct io_uring ring;
	int in, out, p[2];

	t_require_op(IORING_OP_SPLICE);
	t_fill(data, sizeof(data), 13);
	in = t_tmpfile(NULL, 0, data, sizeof(data));
	out = t_tmpfile(NULL, 0, NULL, 0);
	assert_int_equal(pipe(p), 0);
	t_ring(&ring, 4, 0);

	/* file -> pipe from an explicit offset */
	io_uring_prep_splice(t_get_sqe(&ring), in, 1000, p[1], -1, 3000, 0);
	assert_int_equal(t_submit_res(&ring), 3000);
	/* pipe -> file at an explicit offset */
	io_uring_prep_splice(t_get_sqe(&ring), p[0], -1, out, 500, 3000, 0);
	assert_int_equal(t_submit_res(&ring), 3000);
	assert_int_equal(file_size(out), 3500);
	assert_int_equal(pread(out, back, 3000, 500), 3000);
	assert_memory_equal(back, data + 1000, 3000);

	/* offset -1 on a file uses and moves its position */
	assert_int_equal(lseek(in, 2000, SEEK_SET), 2000);
	io_uring_prep_splice(t_get_sqe(&ring), in, -1, p[1], -1, 100, 0);
	assert_int_equal(t_submit_res(&ring), 100);
	assert_int_equal(lseek(in, 0, SEEK_CUR), 2100);
	assert_int_equal(read(p[0], back, 100), 100);
	assert_memory_equal(back, data + 2000, 100);

	/* an offset for the pipe side */
	io_uring_prep_splice(t_get_sqe(&ring), in, 0, p[1], 10, 100, 0);
	assert_int_equal(t_submit_res(&ring), -ESPIPE);
	/* neither side a pipe */
	io_uring_prep_splice(t_get_sqe(&ring), in, 0, out, 0, 100, 0);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	/* an unknown flag */
	io_uring_prep_splice(t_get_sqe(&ring), in, 0, p[1], -1, 100,
			     1U << 20);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_splice(t_get_sqe(&ring), 999999, 0, p[1], -1, 100, 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(in);
	close(out);
}

/* SPLICE_F_FD_IN_FIXED: the input is a registered-file index. */
static void test_splice_fixed_in(void **state)
{
	char data[512], back[512];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int files[2], p[2];

	t_require_op(IORING_OP_SPLICE);
	t_fill(data, sizeof(data), 14);
	assert_int_equal(pipe(p), 0);
	files[0] = p[1];
	files[1] = t_tmpfile(NULL, 0, data, sizeof(data));
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_files(&ring, files, 2), 0);

	/* input: table slot 1; output: table slot 0 */
	sqe = t_get_sqe(&ring);
	io_uring_prep_splice(sqe, 1, 12, 0, -1, 200, SPLICE_F_FD_IN_FIXED);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	assert_int_equal(t_submit_res(&ring), 200);
	assert_int_equal(read(p[0], back, sizeof(back)), 200);
	assert_memory_equal(back, data + 12, 200);

	/* a slot that is not in the table */
	sqe = t_get_sqe(&ring);
	io_uring_prep_splice(sqe, 7, 0, 0, -1, 200, SPLICE_F_FD_IN_FIXED);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
	close(p[1]);
	close(files[1]);
}

static void test_tee(void **state)
{
	char data[300], a[300], b[300];
	struct io_uring ring;
	int p1[2], p2[2], fd;

	t_require_op(IORING_OP_TEE);
	t_fill(data, sizeof(data), 15);
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	t_ring(&ring, 4, 0);

	assert_int_equal(write(p1[1], data, sizeof(data)), sizeof(data));
	io_uring_prep_tee(t_get_sqe(&ring), p1[0], p2[1], 200, 0);
	assert_int_equal(t_submit_res(&ring), 200);
	/* the copy holds the first 200 bytes; the source still holds all */
	assert_int_equal(read(p2[0], b, sizeof(b)), 200);
	assert_memory_equal(b, data, 200);
	assert_int_equal(read(p1[0], a, sizeof(a)), sizeof(data));
	assert_memory_equal(a, data, sizeof(data));

	/* tee only works between pipes */
	fd = t_tmpfile(NULL, 0, NULL, 100);
	io_uring_prep_tee(t_get_sqe(&ring), fd, p2[1], 100, 0);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_tee(t_get_sqe(&ring), p1[0], p2[1], 100, 1U << 20);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_tee(t_get_sqe(&ring), 999999, p2[1], 100, 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
}

static void check_statx(const struct statx *stx, const struct stat *st)
{
	assert_true((stx->stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
	assert_int_equal(stx->stx_size, st->st_size);
	assert_int_equal(stx->stx_mode, st->st_mode);
	assert_int_equal(stx->stx_ino, st->st_ino);
	assert_int_equal(stx->stx_nlink, st->st_nlink);
	assert_int_equal(stx->stx_uid, st->st_uid);
	assert_int_equal(stx->stx_blocks, st->st_blocks);
}

static void test_statx(void **state)
{
	char path[512], link[600];
	struct statx stx;
	struct io_uring ring;
	struct stat st;
	const char *base;
	int fd, dfd;

	t_require_op(IORING_OP_STATX);
	fd = t_tmpfile(path, sizeof(path), NULL, 12345);
	assert_int_equal(fchmod(fd, 0640), 0);
	assert_int_equal(fstat(fd, &st), 0);
	t_ring(&ring, 4, 0);

	memset(&stx, 0, sizeof(stx));
	io_uring_prep_statx(t_get_sqe(&ring), AT_FDCWD, path, 0,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), 0);
	check_statx(&stx, &st);
	assert_int_equal(stx.stx_mode & 07777, 0640);

	/* relative to a directory fd */
	base = strrchr(path, '/') + 1;
	dfd = open(t_tmpdir(), O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	memset(&stx, 0, sizeof(stx));
	io_uring_prep_statx(t_get_sqe(&ring), dfd, base, 0,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), 0);
	check_statx(&stx, &st);

	/* the fd itself */
	memset(&stx, 0, sizeof(stx));
	io_uring_prep_statx(t_get_sqe(&ring), fd, "", AT_EMPTY_PATH,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), 0);
	check_statx(&stx, &st);

	/* flags reach the kernel: NOFOLLOW reports the link itself */
	snprintf(link, sizeof(link), "%s.lnk", path);
	assert_int_equal(symlink(path, link), 0);
	memset(&stx, 0, sizeof(stx));
	io_uring_prep_statx(t_get_sqe(&ring), AT_FDCWD, link,
			    AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_true(S_ISLNK(stx.stx_mode));
	assert_int_equal(stx.stx_size, strlen(path));
	memset(&stx, 0, sizeof(stx));
	io_uring_prep_statx(t_get_sqe(&ring), AT_FDCWD, link, 0,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), 0);
	check_statx(&stx, &st);

	/* the mask reaches the kernel: reserved bits are refused */
	io_uring_prep_statx(t_get_sqe(&ring), AT_FDCWD, path, 0,
			    STATX__RESERVED, &stx);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_statx(t_get_sqe(&ring), AT_FDCWD, path, 0x40000000,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	/* a name in our own directory, which nothing else creates */
	snprintf(link, sizeof(link), "%s/absent/x", t_tmpdir());
	io_uring_prep_statx(t_get_sqe(&ring), AT_FDCWD, link, 0,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_statx(t_get_sqe(&ring), 999999, "x", 0,
			    STATX_BASIC_STATS, &stx);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	unlink(link);
	close(dfd);
	close(fd);
}

/* First set through the ring; skips where user xattrs are unsupported. */
static void xattr_first_set(struct io_uring *ring, int fd)
{
	int ret;

	io_uring_prep_fsetxattr(t_get_sqe(ring), fd, "user.first", "1", 0, 1);
	ret = t_submit_res(ring);
	if (ret == -EOPNOTSUPP)
		T_SKIP("the temp filesystem has no user.* xattrs");
	assert_int_equal(ret, 0);
}

static void test_fxattr(void **state)
{
	static const char val[] = "value through the ring";
	char buf[64];
	struct io_uring ring;
	int fd;

	t_require_op(IORING_OP_FSETXATTR);
	t_require_op(IORING_OP_FGETXATTR);
	fd = t_tmpfile(NULL, 0, NULL, 10);
	t_ring(&ring, 4, 0);
	xattr_first_set(&ring, fd);

	io_uring_prep_fsetxattr(t_get_sqe(&ring), fd, "user.a", val, 0,
				sizeof(val));
	assert_int_equal(t_submit_res(&ring), 0);
	/* the system call sees what the ring set */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(fgetxattr(fd, "user.a", buf, sizeof(buf)),
			 sizeof(val));
	assert_memory_equal(buf, val, sizeof(val));

	/* and the ring sees what the system call set */
	assert_int_equal(fsetxattr(fd, "user.b", "xyz", 3, 0), 0);
	memset(buf, 0, sizeof(buf));
	io_uring_prep_fgetxattr(t_get_sqe(&ring), fd, "user.b", buf,
				sizeof(buf));
	assert_int_equal(t_submit_res(&ring), 3);
	assert_memory_equal(buf, "xyz", 3);

	/* length 0 asks for the size; too small a buffer is -ERANGE */
	io_uring_prep_fgetxattr(t_get_sqe(&ring), fd, "user.a", NULL, 0);
	assert_int_equal(t_submit_res(&ring), sizeof(val));
	io_uring_prep_fgetxattr(t_get_sqe(&ring), fd, "user.a", buf, 4);
	assert_int_equal(t_submit_res(&ring), -ERANGE);

	/* flags: CREATE on an existing name, REPLACE on a missing one */
	io_uring_prep_fsetxattr(t_get_sqe(&ring), fd, "user.a", "n",
				XATTR_CREATE, 1);
	assert_int_equal(t_submit_res(&ring), -EEXIST);
	io_uring_prep_fsetxattr(t_get_sqe(&ring), fd, "user.none", "n",
				XATTR_REPLACE, 1);
	assert_int_equal(t_submit_res(&ring), -ENODATA);
	io_uring_prep_fsetxattr(t_get_sqe(&ring), fd, "user.a", "r",
				XATTR_REPLACE, 1);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fgetxattr(fd, "user.a", buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'r');

	/* bad input */
	io_uring_prep_fsetxattr(t_get_sqe(&ring), fd, "user.c", "n", 0x40, 1);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_fgetxattr(t_get_sqe(&ring), fd, "user.none", buf,
				sizeof(buf));
	assert_int_equal(t_submit_res(&ring), -ENODATA);
	io_uring_prep_fgetxattr(t_get_sqe(&ring), 999999, "user.a", buf,
				sizeof(buf));
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

static void test_xattr_path(void **state)
{
	static const char val[] = "by path";
	char path[512], absent[600], buf[64];
	struct io_uring ring;
	int fd;

	t_require_op(IORING_OP_SETXATTR);
	t_require_op(IORING_OP_GETXATTR);
	fd = t_tmpfile(path, sizeof(path), NULL, 10);
	t_ring(&ring, 4, 0);
	xattr_first_set(&ring, fd);

	io_uring_prep_setxattr(t_get_sqe(&ring), "user.p", val, path, 0,
			       sizeof(val));
	assert_int_equal(t_submit_res(&ring), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(getxattr(path, "user.p", buf, sizeof(buf)),
			 sizeof(val));
	assert_memory_equal(buf, val, sizeof(val));

	assert_int_equal(setxattr(path, "user.q", "12345", 5, 0), 0);
	memset(buf, 0, sizeof(buf));
	io_uring_prep_getxattr(t_get_sqe(&ring), "user.q", buf, path,
			       sizeof(buf));
	assert_int_equal(t_submit_res(&ring), 5);
	assert_memory_equal(buf, "12345", 5);

	io_uring_prep_setxattr(t_get_sqe(&ring), "user.p", "x", path,
			       XATTR_CREATE, 1);
	assert_int_equal(t_submit_res(&ring), -EEXIST);
	io_uring_prep_setxattr(t_get_sqe(&ring), "user.p", "x", path, 0x40, 1);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_getxattr(t_get_sqe(&ring), "user.none", buf, path,
			       sizeof(buf));
	assert_int_equal(t_submit_res(&ring), -ENODATA);
	snprintf(absent, sizeof(absent), "%s/absent/file", t_tmpdir());
	io_uring_prep_getxattr(t_get_sqe(&ring), "user.p", buf, absent,
			       sizeof(buf));
	assert_int_equal(t_submit_res(&ring), -ENOENT);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsync),
		cmocka_unit_test(test_sync_file_range),
		cmocka_unit_test(test_fallocate),
		cmocka_unit_test(test_fadvise),
		cmocka_unit_test(test_fadvise64),
		cmocka_unit_test(test_madvise),
		cmocka_unit_test(test_madvise64),
		cmocka_unit_test(test_ftruncate),
		cmocka_unit_test(test_splice),
		cmocka_unit_test(test_splice_fixed_in),
		cmocka_unit_test(test_tee),
		cmocka_unit_test(test_statx),
		cmocka_unit_test(test_fxattr),
		cmocka_unit_test(test_xattr_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
