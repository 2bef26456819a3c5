/* SPDX-License-Identifier: MIT */
/*
 * Path operations: openat/openat2/open, close, renameat, unlinkat,
 * mkdirat, symlinkat, linkat (and their AT_FDCWD shorthands) and pipe.
 * Each checks the filesystem afterwards with ordinary system calls.
 */
#include "helpers.h"

#include <stdlib.h>
#include <unistd.h>

/* A fresh directory under the test's temp dir; path to @path, fd back. */
static int fresh_dir(char *path, size_t len)
{
	static unsigned n;
	int dfd;

	snprintf(path, len, "%s/dir%u", t_tmpdir(), n++);
	assert_int_equal(mkdir(path, 0755), 0);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	return dfd;
}

static void put_file(int dfd, const char *name, const char *text)
{
	int fd = openat(dfd, name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
}

/* Assert that @name under @dfd holds exactly @text. */
static void check_file(int dfd, const char *name, const char *text)
{
	char buf[256];
	ssize_t n;
	int fd = openat(dfd, name, O_RDONLY);

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, (ssize_t) strlen(text));
	assert_memory_equal(buf, text, strlen(text));
}

static bool exists(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void check_fd_reads(int fd, const char *text)
{
	char buf[256];

	assert_int_equal(pread(fd, buf, sizeof(buf), 0),
			 (ssize_t) strlen(text));
	assert_memory_equal(buf, text, strlen(text));
}

static void test_openat(void **state)
{
	char dir[512];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct stat st;
	int dfd, fd, fd2;

	t_require_op(IORING_OP_OPENAT);
	dfd = fresh_dir(dir, sizeof(dir));
	t_ring(&ring, 4, 0);

	/* create: the result is a working fd with the mode asked for */
	io_uring_prep_openat(t_get_sqe(&ring), dfd, "made",
			     O_CREAT | O_EXCL | O_RDWR, 0640);
	fd = t_submit_res(&ring);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(fcntl(fd, F_GETFD), 0);
	assert_int_equal(write(fd, "hello", 5), 5);
	check_file(dfd, "made", "hello");

	/* the flags matter: O_EXCL on an existing name */
	io_uring_prep_openat(t_get_sqe(&ring), dfd, "made",
			     O_CREAT | O_EXCL | O_RDWR, 0640);
	assert_int_equal(t_submit_res(&ring), -EEXIST);

	/* O_RDONLY | O_CLOEXEC: read works, write does not, CLOEXEC set */
	io_uring_prep_openat(t_get_sqe(&ring), dfd, "made",
			     O_RDONLY | O_CLOEXEC, 0);
	fd2 = t_submit_res(&ring);
	assert_true(fd2 >= 0);
	assert_int_equal(fcntl(fd2, F_GETFD), FD_CLOEXEC);
	check_fd_reads(fd2, "hello");
	assert_int_equal(write(fd2, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	close(fd2);

	/* O_TRUNC empties it */
	io_uring_prep_openat(t_get_sqe(&ring), dfd, "made", O_WRONLY | O_TRUNC,
			     0);
	fd2 = t_submit_res(&ring);
	assert_true(fd2 >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd2);

	io_uring_prep_openat(t_get_sqe(&ring), dfd, "missing", O_RDONLY, 0);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_openat(t_get_sqe(&ring), 999999, "made", O_RDONLY, 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);
	/* O_TMPFILE must be opened for writing */
	io_uring_prep_openat(t_get_sqe(&ring), dfd, ".", O_TMPFILE | O_RDONLY,
			     0600);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	/* a fixed file makes no sense as the directory */
	sqe = t_get_sqe(&ring);
	io_uring_prep_openat(sqe, dfd, "made", O_RDONLY, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	close(dfd);
}

static void test_open(void **state)
{
	char dir[512], path[600];
	struct io_uring ring;
	struct stat st;
	int dfd, fd;

	t_require_op(IORING_OP_OPENAT);
	dfd = fresh_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/byname", dir);
	t_ring(&ring, 4, 0);

	io_uring_prep_open(t_get_sqe(&ring), path, O_CREAT | O_WRONLY, 0604);
	fd = t_submit_res(&ring);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	check_file(dfd, "byname", "abc");

	io_uring_prep_open(t_get_sqe(&ring), path, O_RDONLY | O_DIRECTORY, 0);
	assert_int_equal(t_submit_res(&ring), -ENOTDIR);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(dfd);
}

/* openat2 @name under @dfd as @how says; the fd must read @text. */
static void openat2_reads(struct io_uring *ring, int dfd, const char *name,
			  struct open_how *how, const char *text)
{
	int fd;

	io_uring_prep_openat2(t_get_sqe(ring), dfd, name, how);
	fd = t_submit_res(ring);
	assert_true(fd >= 0);
	check_fd_reads(fd, text);
	close(fd);
}

static void test_openat2(void **state)
{
	char dir[512], outside[600];
	struct open_how how;
	struct io_uring ring;
	struct stat st;
	int dfd, fd;

	t_require_op(IORING_OP_OPENAT2);
	dfd = fresh_dir(dir, sizeof(dir));
	assert_int_equal(mkdirat(dfd, "inner", 0755), 0);
	put_file(dfd, "inner/f", "inside");
	assert_int_equal(symlinkat("inner/f", dfd, "sym"), 0);
	snprintf(outside, sizeof(outside), "%s/outside", t_tmpdir());
	put_file(AT_FDCWD, outside, "outside");
	t_ring(&ring, 4, 0);

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	how.resolve = RESOLVE_BENEATH;
	openat2_reads(&ring, dfd, "inner/f", &how, "inside");

	/* RESOLVE_BENEATH refuses to climb out of the directory */
	io_uring_prep_openat2(t_get_sqe(&ring), dfd, "../outside", &how);
	assert_int_equal(t_submit_res(&ring), -EXDEV);
	/* without it the same path opens */
	how.resolve = 0;
	openat2_reads(&ring, dfd, "../outside", &how, "outside");

	/* RESOLVE_NO_SYMLINKS */
	how.resolve = RESOLVE_NO_SYMLINKS;
	io_uring_prep_openat2(t_get_sqe(&ring), dfd, "sym", &how);
	assert_int_equal(t_submit_res(&ring), -ELOOP);
	how.resolve = 0;
	openat2_reads(&ring, dfd, "sym", &how, "inside");

	/* RESOLVE_IN_ROOT: "/" is the directory itself */
	how.resolve = RESOLVE_IN_ROOT;
	openat2_reads(&ring, dfd, "/inner/f", &how, "inside");

	/* creating with a mode */
	memset(&how, 0, sizeof(how));
	how.flags = O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC;
	how.mode = 0614;
	io_uring_prep_openat2(t_get_sqe(&ring), dfd, "created", &how);
	fd = t_submit_res(&ring);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0614);
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);

	/* bad input: unknown resolve bit; a mode without O_CREAT */
	memset(&how, 0, sizeof(how));
	how.resolve = 1ULL << 40;
	io_uring_prep_openat2(t_get_sqe(&ring), dfd, "created", &how);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	memset(&how, 0, sizeof(how));
	how.mode = 0600;
	io_uring_prep_openat2(t_get_sqe(&ring), dfd, "created", &how);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	memset(&how, 0, sizeof(how));
	io_uring_prep_openat2(t_get_sqe(&ring), 999999, "created", &how);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	unlink(outside);
	close(dfd);
}

static void test_close(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int fd, p[2];

	t_require_op(IORING_OP_CLOSE);
	fd = t_tmpfile(NULL, 0, NULL, 0);
	assert_int_equal(pipe(p), 0);
	t_ring(&ring, 4, 0);

	io_uring_prep_close(t_get_sqe(&ring), fd);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);

	/* closing the write end of a pipe: the reader sees end of file */
	io_uring_prep_close(t_get_sqe(&ring), p[1]);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(read(p[0], &fd, 1), 0);

	/* already closed */
	io_uring_prep_close(t_get_sqe(&ring), fd);
	assert_int_equal(t_submit_res(&ring), -EBADF);
	/* the ring refuses to close itself */
	io_uring_prep_close(t_get_sqe(&ring), ring.ring_fd);
	assert_int_equal(t_submit_res(&ring), -EBADF);
	assert_true(fcntl(ring.ring_fd, F_GETFD) >= 0);
	/* a plain close cannot take a fixed file */
	sqe = t_get_sqe(&ring);
	io_uring_prep_close(sqe, p[0]);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	assert_int_equal(t_submit_res(&ring), -EBADF);
	assert_true(fcntl(p[0], F_GETFD) >= 0);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(p[0]);
}

static void test_renameat(void **state)
{
	char d1[512], d2[512];
	struct io_uring ring;
	int a, b;

	t_require_op(IORING_OP_RENAMEAT);
	a = fresh_dir(d1, sizeof(d1));
	b = fresh_dir(d2, sizeof(d2));
	put_file(a, "one", "first");
	put_file(a, "two", "second");
	put_file(b, "three", "third");
	t_ring(&ring, 4, 0);

	/* across directories */
	io_uring_prep_renameat(t_get_sqe(&ring), a, "one", b, "moved", 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(a, "one"));
	check_file(b, "moved", "first");

	/* RENAME_NOREPLACE refuses an existing target */
	io_uring_prep_renameat(t_get_sqe(&ring), a, "two", b, "three",
			       RENAME_NOREPLACE);
	assert_int_equal(t_submit_res(&ring), -EEXIST);
	check_file(a, "two", "second");
	check_file(b, "three", "third");

	/* RENAME_EXCHANGE swaps */
	io_uring_prep_renameat(t_get_sqe(&ring), a, "two", b, "three",
			       RENAME_EXCHANGE);
	assert_int_equal(t_submit_res(&ring), 0);
	check_file(a, "two", "third");
	check_file(b, "three", "second");

	/* a plain rename replaces */
	io_uring_prep_renameat(t_get_sqe(&ring), b, "three", b, "moved", 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(b, "three"));
	check_file(b, "moved", "second");

	io_uring_prep_renameat(t_get_sqe(&ring), a, "two", b, "x",
			       RENAME_NOREPLACE | RENAME_EXCHANGE);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_renameat(t_get_sqe(&ring), a, "missing", b, "x", 0);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_renameat(t_get_sqe(&ring), 999999, "two", b, "x", 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);
	io_uring_prep_renameat(t_get_sqe(&ring), a, "two", 999999, "x", 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(a);
	close(b);
}

static void test_rename(void **state)
{
	char dir[512], from[600], to[600];
	struct io_uring ring;
	int dfd;

	t_require_op(IORING_OP_RENAMEAT);
	dfd = fresh_dir(dir, sizeof(dir));
	put_file(dfd, "old", "content");
	snprintf(from, sizeof(from), "%s/old", dir);
	snprintf(to, sizeof(to), "%s/new", dir);
	t_ring(&ring, 4, 0);

	io_uring_prep_rename(t_get_sqe(&ring), from, to);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(dfd, "old"));
	check_file(dfd, "new", "content");
	io_uring_prep_rename(t_get_sqe(&ring), from, to);
	assert_int_equal(t_submit_res(&ring), -ENOENT);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(dfd);
}

static void test_unlinkat(void **state)
{
	char dir[512], path[600];
	struct io_uring ring;
	int dfd;

	t_require_op(IORING_OP_UNLINKAT);
	dfd = fresh_dir(dir, sizeof(dir));
	put_file(dfd, "f", "x");
	put_file(dfd, "g", "y");
	assert_int_equal(mkdirat(dfd, "d", 0755), 0);
	assert_int_equal(mkdirat(dfd, "full", 0755), 0);
	put_file(dfd, "full/inner", "z");
	t_ring(&ring, 4, 0);

	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "f", 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(dfd, "f"));
	assert_true(exists(dfd, "g"));

	/* directories need AT_REMOVEDIR, files must not have it */
	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "d", 0);
	assert_int_equal(t_submit_res(&ring), -EISDIR);
	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "g", AT_REMOVEDIR);
	assert_int_equal(t_submit_res(&ring), -ENOTDIR);
	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "d", AT_REMOVEDIR);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(dfd, "d"));
	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "full", AT_REMOVEDIR);
	assert_int_equal(t_submit_res(&ring), -ENOTEMPTY);

	/* the AT_FDCWD form */
	snprintf(path, sizeof(path), "%s/g", dir);
	io_uring_prep_unlink(t_get_sqe(&ring), path, 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(dfd, "g"));
	snprintf(path, sizeof(path), "%s/full/inner", dir);
	io_uring_prep_unlink(t_get_sqe(&ring), path, 0);
	assert_int_equal(t_submit_res(&ring), 0);
	snprintf(path, sizeof(path), "%s/full", dir);
	io_uring_prep_unlink(t_get_sqe(&ring), path, AT_REMOVEDIR);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_false(exists(dfd, "full"));

	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "g", 0);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_unlinkat(t_get_sqe(&ring), dfd, "g", AT_SYMLINK_NOFOLLOW);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_unlinkat(t_get_sqe(&ring), 999999, "g", 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(dfd);
}

static void test_mkdirat(void **state)
{
	char dir[512], path[600];
	struct io_uring ring;
	struct stat st;
	int dfd;

	t_require_op(IORING_OP_MKDIRAT);
	dfd = fresh_dir(dir, sizeof(dir));
	t_ring(&ring, 4, 0);

	io_uring_prep_mkdirat(t_get_sqe(&ring), dfd, "sub", 0750);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fstatat(dfd, "sub", &st, 0), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0750);

	snprintf(path, sizeof(path), "%s/sub/deeper", dir);
	io_uring_prep_mkdir(t_get_sqe(&ring), path, 0701);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0701);

	io_uring_prep_mkdirat(t_get_sqe(&ring), dfd, "sub", 0750);
	assert_int_equal(t_submit_res(&ring), -EEXIST);
	io_uring_prep_mkdirat(t_get_sqe(&ring), dfd, "no/such/parent", 0750);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_mkdirat(t_get_sqe(&ring), 999999, "x", 0750);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(dfd);
}

static void test_symlinkat(void **state)
{
	static const char target[] = "../some/where/else";
	char dir[512], path[600], buf[256];
	struct io_uring ring;
	int dfd;

	t_require_op(IORING_OP_SYMLINKAT);
	dfd = fresh_dir(dir, sizeof(dir));
	put_file(dfd, "real", "real data");
	t_ring(&ring, 4, 0);

	/* a dangling link is fine: readlink gives back the target */
	io_uring_prep_symlinkat(t_get_sqe(&ring), target, dfd, "dangling");
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(readlinkat(dfd, "dangling", buf, sizeof(buf)),
			 strlen(target));
	assert_memory_equal(buf, target, strlen(target));

	/* the AT_FDCWD form; the link resolves to the file */
	snprintf(path, sizeof(path), "%s/tofile", dir);
	io_uring_prep_symlink(t_get_sqe(&ring), "real", path);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(readlink(path, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "real", 4);
	check_file(dfd, "tofile", "real data");

	io_uring_prep_symlinkat(t_get_sqe(&ring), "x", dfd, "real");
	assert_int_equal(t_submit_res(&ring), -EEXIST);
	io_uring_prep_symlinkat(t_get_sqe(&ring), "", dfd, "empty");
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_symlinkat(t_get_sqe(&ring), "x", 999999, "y");
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(dfd);
}

static void test_linkat(void **state)
{
	char dir[512], from[600], to[600];
	struct io_uring ring;
	struct stat st, st2;
	int dfd, fd;

	t_require_op(IORING_OP_LINKAT);
	dfd = fresh_dir(dir, sizeof(dir));
	put_file(dfd, "orig", "shared");
	assert_int_equal(symlinkat("orig", dfd, "sym"), 0);
	assert_int_equal(mkdirat(dfd, "d", 0755), 0);
	t_ring(&ring, 4, 0);

	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "orig", dfd, "second", 0);
	assert_int_equal(t_submit_res(&ring), 0);
	fd = openat(dfd, "orig", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_int_equal(fstatat(dfd, "second", &st2, 0), 0);
	assert_int_equal(st2.st_ino, st.st_ino);
	/* one inode: a write through one name shows through the other */
	assert_int_equal(pwrite(fd, "SH", 2, 0), 2);
	check_file(dfd, "second", "SHared");

	/* the AT_FDCWD form */
	snprintf(from, sizeof(from), "%s/orig", dir);
	snprintf(to, sizeof(to), "%s/third", dir);
	io_uring_prep_link(t_get_sqe(&ring), from, to, 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_nlink, 3);

	/* flags: without AT_SYMLINK_FOLLOW the link itself is linked */
	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "sym", dfd, "symlink2", 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fstatat(dfd, "symlink2", &st2, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_true(S_ISLNK(st2.st_mode));
	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "sym", dfd, "followed",
			     AT_SYMLINK_FOLLOW);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fstatat(dfd, "followed", &st2, AT_SYMLINK_NOFOLLOW),
			 0);
	assert_true(S_ISREG(st2.st_mode));
	assert_int_equal(st2.st_ino, st.st_ino);
	assert_int_equal(st2.st_nlink, 4);

	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "orig", dfd, "second", 0);
	assert_int_equal(t_submit_res(&ring), -EEXIST);
	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "d", dfd, "dlink", 0);
	assert_int_equal(t_submit_res(&ring), -EPERM);
	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "orig", dfd, "x",
			     AT_REMOVEDIR);
	assert_int_equal(t_submit_res(&ring), -EINVAL);
	io_uring_prep_linkat(t_get_sqe(&ring), dfd, "missing", dfd, "x", 0);
	assert_int_equal(t_submit_res(&ring), -ENOENT);
	io_uring_prep_linkat(t_get_sqe(&ring), 999999, "orig", dfd, "x", 0);
	assert_int_equal(t_submit_res(&ring), -EBADF);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	close(dfd);
}

static void test_pipe(void **state)
{
	struct io_uring ring;
	char buf[16];
	int fds[2];

	t_require_op(IORING_OP_PIPE);
	t_ring(&ring, 4, 0);

	fds[0] = fds[1] = -1;
	io_uring_prep_pipe(t_get_sqe(&ring), fds, 0);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_true(fds[0] >= 0 && fds[1] >= 0);
	assert_int_not_equal(fds[0], fds[1]);
	assert_int_equal(write(fds[1], "through", 7), 7);
	assert_int_equal(read(fds[0], buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "through", 7);
	assert_int_equal(fcntl(fds[0], F_GETFD), 0);
	assert_int_equal(fcntl(fds[1], F_GETFD), 0);
	assert_int_equal(fcntl(fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_int_equal(fcntl(fds[1], F_GETFL) & O_ACCMODE, O_WRONLY);
	close(fds[0]);
	close(fds[1]);

	/* the flags reach the kernel */
	io_uring_prep_pipe(t_get_sqe(&ring), fds, O_CLOEXEC | O_NONBLOCK);
	assert_int_equal(t_submit_res(&ring), 0);
	assert_int_equal(fcntl(fds[0], F_GETFD), FD_CLOEXEC);
	assert_int_equal(fcntl(fds[1], F_GETFD), FD_CLOEXEC);
	assert_true(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	assert_int_equal(read(fds[0], buf, sizeof(buf)), -1);
	assert_int_equal(errno, EAGAIN);
	close(fds[0]);
	close(fds[1]);

	io_uring_prep_pipe(t_get_sqe(&ring), fds, O_APPEND);
	assert_int_equal(t_submit_res(&ring), -EINVAL);

	t_ring_still_works(&ring);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openat),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_openat2),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_renameat),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_unlinkat),
		cmocka_unit_test(test_mkdirat),
		cmocka_unit_test(test_symlinkat),
		cmocka_unit_test(test_linkat),
		cmocka_unit_test(test_pipe),
	};

	/* modes below are checked exactly */
	umask(0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
