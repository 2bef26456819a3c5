/* SPDX-License-Identifier: MIT */
/*
 * Fault injection.  This program links its own copy of the library's
 * objects with
 *
 *	-Wl,--wrap=mmap,--wrap=munmap,--wrap=madvise,--wrap=malloc,
 *	 --wrap=calloc,--wrap=realloc,--wrap=free,--wrap=syscall,--wrap=close
 *
 * so every such call the library makes lands in a wrapper below.  Each
 * scenario arms the wrappers around one public call.  A first, clean run
 * counts the calls of each kind the public call makes; then the scenario
 * runs again once per call site, with the n-th call of that kind failing.
 * After each run:
 *
 *	- the public call returned the injected -errno (or NULL, or set *err),
 *	  or succeeded when only a failure it cannot report was injected
 *	  (munmap);
 *	- the caller's struct is safe: ring_fd == -1 after a failed setup,
 *	  io_uring_queue_exit() on it touches nothing, a live ring still works
 *	  and loses no completion;
 *	- nothing leaked: file descriptors, mappings and heap blocks are back
 *	  to what they were (LeakSanitizer or valgrind check the heap again at
 *	  exit), and no descriptor was closed twice.
 *
 * A munmap made to fail leaves its mapping in place; the harness unmaps
 * those itself before counting.
 *
 *	fault [SCENARIO-SUBSTRING]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "liburing.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#define __NR_io_uring_enter	426
#define __NR_io_uring_register	427
#endif

/* --- the wrappers ------------------------------------------------------- */

enum kind {
	K_MMAP,
	K_MUNMAP,
	K_MADVISE,
	K_ALLOC,		/* malloc, calloc, realloc */
	K_SETUP,		/* io_uring_setup(2) */
	K_ENTER,		/* io_uring_enter(2) */
	K_REGISTER,		/* io_uring_register(2) */
	NR_KINDS,
	K_NONE = -1,
};

static const char *const kind_name[NR_KINDS] = {
	"mmap", "munmap", "madvise", "alloc", "setup", "enter", "register",
};

/* The errno each kind fails with: distinct, so a wrong one is noticed. */
static const int kind_err[NR_KINDS] = {
	ENOMEM, EINVAL, EAGAIN, ENOMEM, EMFILE, EBUSY, ENXIO,
};

static struct {
	bool armed;
	int kind;		/* which kind to fail, K_NONE for none */
	unsigned nth;		/* the n-th call of that kind (from 1) ... */
	bool sticky;		/* ... and every later one */
	int err;
	bool hit;		/* a call was made to fail */
	unsigned calls[NR_KINDS];
	unsigned closes;
	unsigned bad_closes;	/* close() of a descriptor not open */
} inj = { .kind = K_NONE };

/* Counts of the first armed section of a clean run. */
static unsigned first_calls[NR_KINDS];
static bool first_recorded;

#define MAX_TRACKED	512

static struct mapping {
	void *addr;
	size_t len;
	bool kept;		/* its munmap was made to fail */
} maps[MAX_TRACKED];
static unsigned nr_maps;

static void *heap[MAX_TRACKED];
static unsigned nr_heap;

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
int __real_munmap(void *addr, size_t len);
int __real_madvise(void *addr, size_t len, int advice);
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
long __real_syscall(long nr, ...);
int __real_close(int fd);

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
int __wrap_munmap(void *addr, size_t len);
int __wrap_madvise(void *addr, size_t len, int advice);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);
long __wrap_syscall(long nr, ...);
int __wrap_close(int fd);

static bool should_fail(enum kind kind)
{
	unsigned n;

	if (!inj.armed)
		return false;
	n = ++inj.calls[kind];
	if ((int) kind != inj.kind)
		return false;
	if (n == inj.nth || (inj.sticky && n > inj.nth)) {
		inj.hit = true;
		errno = inj.err;
		return true;
	}
	return false;
}

static void track_map(void *addr, size_t len)
{
	if (nr_maps == MAX_TRACKED)
		abort();
	maps[nr_maps].addr = addr;
	maps[nr_maps].len = len;
	maps[nr_maps].kept = false;
	nr_maps++;
}

static struct mapping *find_map(void *addr)
{
	unsigned i;

	for (i = 0; i < nr_maps; i++)
		if (maps[i].addr == addr && !maps[i].kept)
			return &maps[i];
	return NULL;
}

static void untrack_map(struct mapping *m)
{
	*m = maps[--nr_maps];
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	void *p;

	if (should_fail(K_MMAP))
		return MAP_FAILED;
	p = __real_mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED)
		track_map(p, len);
	return p;
}

int __wrap_munmap(void *addr, size_t len)
{
	struct mapping *m = find_map(addr);
	int ret;

	if (should_fail(K_MUNMAP)) {
		if (m)
			m->kept = true;
		return -1;
	}
	ret = __real_munmap(addr, len);
	if (!ret && m)
		untrack_map(m);
	return ret;
}

int __wrap_madvise(void *addr, size_t len, int advice)
{
	if (should_fail(K_MADVISE))
		return -1;
	return __real_madvise(addr, len, advice);
}

static void track_heap(void *p)
{
	if (!p)
		return;
	if (nr_heap == MAX_TRACKED)
		abort();
	heap[nr_heap++] = p;
}

static void untrack_heap(void *p)
{
	unsigned i;

	for (i = 0; i < nr_heap; i++) {
		if (heap[i] == p) {
			heap[i] = heap[--nr_heap];
			return;
		}
	}
}

void *__wrap_malloc(size_t size)
{
	void *p;

	if (should_fail(K_ALLOC))
		return NULL;
	p = __real_malloc(size);
	track_heap(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (should_fail(K_ALLOC))
		return NULL;
	p = __real_calloc(n, size);
	track_heap(p);
	return p;
}

void *__wrap_realloc(void *ptr, size_t size)
{
	void *p;

	if (should_fail(K_ALLOC))
		return NULL;
	p = __real_realloc(ptr, size);
	if (p) {
		untrack_heap(ptr);
		track_heap(p);
	}
	return p;
}

void __wrap_free(void *ptr)
{
	untrack_heap(ptr);
	__real_free(ptr);
}

long __wrap_syscall(long nr, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if ((nr == __NR_io_uring_setup && should_fail(K_SETUP)) ||
	    (nr == __NR_io_uring_enter && should_fail(K_ENTER)) ||
	    (nr == __NR_io_uring_register && should_fail(K_REGISTER)))
		return -1;
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int __wrap_close(int fd)
{
	if (inj.armed) {
		inj.closes++;
		if (fcntl(fd, F_GETFD) < 0)
			inj.bad_closes++;
	}
	return __real_close(fd);
}

/* --- the harness -------------------------------------------------------- */

static const char *cur_name;	/* scenario running */
static int cur_kind = K_NONE;	/* kind failed in this trial */
static unsigned cur_nth;
static unsigned trial_failures;

static void fail_at(int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	printf("    %s", cur_name);
	if (cur_kind != K_NONE)
		printf(" [%s #%u fails]", kind_name[cur_kind], cur_nth);
	else
		printf(" [no fault]");
	printf(" line %d: %s: ", line, expr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	trial_failures++;
}

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fail_at(__LINE__, #cond, __VA_ARGS__);		\
	} while (0)

#define REQUIRE(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fail_at(__LINE__, #cond, __VA_ARGS__);		\
			return;						\
		}							\
	} while (0)

/* Count the calls the library makes from here, failing the chosen one. */
static void arm(void)
{
	memset(inj.calls, 0, sizeof(inj.calls));
	inj.closes = 0;
	inj.armed = true;
}

/*
 * Stop counting.  Only the first armed section of a trial has a fault
 * injected; what runs later (checks, cleanup) runs clean.
 */
static void disarm(void)
{
	inj.armed = false;
	if (!first_recorded) {
		memcpy(first_calls, inj.calls, sizeof(first_calls));
		first_recorded = true;
	}
	inj.kind = K_NONE;
}

/* Did this trial make a failure the public call should report? */
static bool failed_visibly(void)
{
	return inj.hit && cur_kind != K_MUNMAP;
}

/* A call returning -errno: the injected error, or success. */
static void expect_errno(int ret, const char *call)
{
	if (failed_visibly())
		CHECK(ret == -inj.err, "%s returned %d, want %d", call, ret,
		      -inj.err);
	else
		CHECK(ret >= 0, "%s failed (%d) though nothing did", call, ret);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

/* Unmap what a failed munmap left behind: not the library's leak. */
static void release_kept(void)
{
	unsigned i = 0;

	while (i < nr_maps) {
		if (maps[i].kept) {
			__real_munmap(maps[i].addr, maps[i].len);
			maps[i] = maps[--nr_maps];
		} else {
			i++;
		}
	}
}

/* --- helpers for scenarios (run clean, between armed sections) --------- */

/* Generous: a wait returns when the completion comes, and valgrind on a
 * loaded machine is slow. */
static struct __kernel_timespec ten_secs = { .tv_sec = 10 };

/* Reap @n CQEs with user_data @base .. @base + n - 1, each exactly once. */
static void reap_ids(struct io_uring *ring, __u64 base, unsigned n)
{
	unsigned char seen[64] = { 0 };
	struct io_uring_cqe *cqe;
	unsigned i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ten_secs);
		if (ret) {
			CHECK(ret == 0, "completion %u of %u: %d", i + 1, n, ret);
			return;
		}
		if (cqe->user_data >= base && cqe->user_data < base + n &&
		    n <= sizeof(seen))
			seen[cqe->user_data - base]++;
		else
			CHECK(0, "stray completion %llu res %d",
			      (unsigned long long) cqe->user_data, cqe->res);
		io_uring_cqe_seen(ring, cqe);
	}
	for (i = 0; i < n && i < sizeof(seen); i++)
		CHECK(seen[i] == 1, "user_data %llu seen %u times",
		      (unsigned long long) (base + i), seen[i]);
	CHECK(io_uring_cq_ready(ring) == 0, "%u extra completions",
	      io_uring_cq_ready(ring));
}

static void queue_nops(struct io_uring *ring, __u64 base, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe) {
			CHECK(sqe, "no SQE for NOP %u", i);
			return;
		}
		io_uring_prep_nop(sqe);
		sqe->user_data = base + i;
	}
}

/* The ring still carries a NOP there and back, and nothing else. */
static void ring_works(struct io_uring *ring)
{
	int ret;

	queue_nops(ring, 1000, 2);
	ret = io_uring_submit(ring);
	/*
	 * With SQPOLL the count is what the kernel thread had not yet
	 * taken when the tail was published (liburing's rule too): under
	 * valgrind the thread often takes both first.
	 */
	if (ring->flags & IORING_SETUP_SQPOLL)
		CHECK(ret >= 0 && ret <= 2, "submit on the surviving ring: %d",
		      ret);
	else
		CHECK(ret == 2, "submit on the surviving ring: %d", ret);
	reap_ids(ring, 1000, 2);
}

/* After a failed setup the struct must be inert. */
static void check_dead_ring(struct io_uring *ring)
{
	CHECK(ring->ring_fd == -1, "ring_fd %d", ring->ring_fd);
	CHECK(ring->enter_ring_fd == -1, "enter_ring_fd %d",
	      ring->enter_ring_fd);
	CHECK(!ring->sq.ring_ptr && !ring->cq.ring_ptr && !ring->sq.sqes,
	      "pointers left in the struct");

	/* An unneeded io_uring_queue_exit() must touch nothing. */
	arm();
	io_uring_queue_exit(ring);
	inj.armed = false;
	CHECK(!inj.calls[K_MUNMAP] && !inj.closes && !inj.calls[K_REGISTER],
	      "queue_exit on a failed ring: %u munmap, %u close, %u register",
	      inj.calls[K_MUNMAP], inj.closes, inj.calls[K_REGISTER]);
}

/* Fill *ring with garbage first: setup must not rely on it being zero. */
static int clean_ring(struct io_uring *ring, unsigned entries, unsigned flags)
{
	struct io_uring_params p;
	int ret;

	memset(ring, 0x5a, sizeof(*ring));
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = 4 * entries;	/* for IORING_SETUP_CQSIZE */
	ret = io_uring_queue_init_params(entries, ring, &p);
	CHECK(ret == 0, "setting up a ring with flags %#x: %d", flags, ret);
	return ret;
}

/* --- scenarios: setup and teardown -------------------------------------- */

static const struct {
	const char *name;
	unsigned flags;
	unsigned cq_entries;
} init_variants[] = {
	{ "default", 0, 0 },
	{ "sqpoll", IORING_SETUP_SQPOLL, 0 },
	{ "cqsize", IORING_SETUP_CQSIZE, 64 },
	{ "sqe128_cqe32", IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 0 },
	{ "no_mmap", IORING_SETUP_NO_MMAP, 0 },
	{ "no_mmap_regfd", IORING_SETUP_NO_MMAP |
	  IORING_SETUP_REGISTERED_FD_ONLY, 0 },
	{ "defer_taskrun", IORING_SETUP_SINGLE_ISSUER |
	  IORING_SETUP_DEFER_TASKRUN, 0 },
	{ "no_sqarray", IORING_SETUP_NO_SQARRAY, 0 },
	{ "r_disabled", IORING_SETUP_R_DISABLED, 0 },
};
static unsigned variant;

static void sc_queue_init_params(void)
{
	unsigned flags = init_variants[variant].flags;
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&ring, 0x5a, sizeof(ring));
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = init_variants[variant].cq_entries;
	p.sq_thread_idle = 10;

	arm();
	ret = io_uring_queue_init_params(8, &ring, &p);
	disarm();
	expect_errno(ret, "io_uring_queue_init_params");
	/* Only NO_SQARRAY may be added to the caller's flags. */
	CHECK((p.flags & ~IORING_SETUP_NO_SQARRAY) ==
	      (flags & ~IORING_SETUP_NO_SQARRAY),
	      "p.flags %#x from %#x", p.flags, flags);
	if (ret) {
		check_dead_ring(&ring);
		return;
	}
	if (flags & IORING_SETUP_R_DISABLED) {
		ret = io_uring_enable_rings(&ring);
		CHECK(ret == 0, "enable_rings: %d", ret);
	}
	if (flags & IORING_SETUP_REGISTERED_FD_ONLY)
		CHECK(ring.ring_fd == -1, "REGISTERED_FD_ONLY ring_fd %d",
		      ring.ring_fd);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

static void sc_queue_init(void)
{
	struct io_uring ring;
	int ret;

	memset(&ring, 0x5a, sizeof(ring));
	arm();
	ret = io_uring_queue_init(8, &ring, 0);
	disarm();
	expect_errno(ret, "io_uring_queue_init");
	if (ret) {
		check_dead_ring(&ring);
		return;
	}
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

static void sc_queue_init_mem(void)
{
	size_t len = 64 * 1024;
	struct io_uring_params p;
	struct io_uring ring;
	void *mem;
	int ret;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(mem != MAP_FAILED, "mmap");
	memset(&p, 0, sizeof(p));
	memset(&ring, 0x5a, sizeof(ring));

	arm();
	ret = io_uring_queue_init_mem(8, &ring, &p, mem, len);
	disarm();
	expect_errno(ret, "io_uring_queue_init_mem");
	CHECK(!first_calls[K_MUNMAP] && !first_calls[K_MMAP],
	      "the caller's memory was mapped or unmapped by the library");
	if (ret < 0) {
		check_dead_ring(&ring);
	} else {
		CHECK(ret > 0 && (size_t) ret <= len, "used %d bytes", ret);
		ring_works(&ring);
		io_uring_queue_exit(&ring);
	}
	munmap(mem, len);
}

static void sc_queue_mmap(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int fd, ret;

	memset(&p, 0, sizeof(p));
	fd = io_uring_setup(8, &p);
	REQUIRE(fd >= 0, "io_uring_setup: %d", fd);
	memset(&ring, 0x5a, sizeof(ring));

	arm();
	ret = io_uring_queue_mmap(fd, &p, &ring);
	disarm();
	expect_errno(ret, "io_uring_queue_mmap");
	if (ret) {
		CHECK(fcntl(fd, F_GETFD) >= 0, "the caller's fd was closed");
		check_dead_ring(&ring);
		close(fd);
		return;
	}
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

static const struct {
	const char *name;
	unsigned flags;
	bool register_fd;
} exit_variants[] = {
	{ "default", 0, false },
	{ "registered_fd", 0, true },
	{ "no_mmap", IORING_SETUP_NO_MMAP, false },
	{ "sqpoll", IORING_SETUP_SQPOLL, false },
	{ "no_mmap_regfd", IORING_SETUP_NO_MMAP |
	  IORING_SETUP_REGISTERED_FD_ONLY, false },
};

/* Teardown has no way to report; it must release everything anyway. */
static void sc_queue_exit(void)
{
	struct io_uring ring;

	if (clean_ring(&ring, 8, exit_variants[variant].flags))
		return;
	if (exit_variants[variant].register_fd)
		CHECK(io_uring_register_ring_fd(&ring) == 1,
		      "register_ring_fd");
	queue_nops(&ring, 1, 3);
	io_uring_submit(&ring);
	arm();
	io_uring_queue_exit(&ring);
	disarm();
	CHECK(!inj.bad_closes, "closed a descriptor that was not open");
}

static void sc_get_probe(void)
{
	struct io_uring_probe *probe;

	arm();
	probe = io_uring_get_probe();
	disarm();
	if (failed_visibly()) {
		CHECK(!probe, "a probe despite the failure");
	} else {
		CHECK(probe && io_uring_opcode_supported(probe, IORING_OP_NOP),
		      "no probe");
	}
	io_uring_free_probe(probe);
}

static void sc_get_probe_ring(void)
{
	struct io_uring_probe *probe;
	struct io_uring ring;

	if (clean_ring(&ring, 4, 0))
		return;
	arm();
	probe = io_uring_get_probe_ring(&ring);
	disarm();
	if (failed_visibly())
		CHECK(!probe, "a probe despite the failure");
	else
		CHECK(probe && io_uring_opcode_supported(probe, IORING_OP_READ),
		      "no probe");
	io_uring_free_probe(probe);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

static void sc_mlock_size(void)
{
	ssize_t ret;

	arm();
	ret = io_uring_mlock_size(64, 0);
	disarm();
	expect_errno((int) ret, "io_uring_mlock_size");
}

static void sc_mlock_size_params(void)
{
	struct io_uring_params p;
	ssize_t ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 256;
	arm();
	ret = io_uring_mlock_size_params(64, &p);
	disarm();
	expect_errno((int) ret, "io_uring_mlock_size_params");
}

static void sc_memory_size(void)
{
	ssize_t ret;

	arm();
	ret = io_uring_memory_size(64, IORING_SETUP_CQE32);
	disarm();
	CHECK(ret > 0, "io_uring_memory_size: %zd", ret);
}

static void sc_ring_dontfork(void)
{
	struct io_uring ring;
	int ret;

	if (clean_ring(&ring, 8, init_variants[variant].flags))
		return;
	arm();
	ret = io_uring_ring_dontfork(&ring);
	disarm();
	expect_errno(ret, "io_uring_ring_dontfork");
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

/* Completions queued before a resize must survive it. */
static void sc_resize_rings(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	if (clean_ring(&ring, 8, IORING_SETUP_SINGLE_ISSUER |
				 IORING_SETUP_DEFER_TASKRUN))
		return;
	queue_nops(&ring, 1, 3);
	CHECK(io_uring_submit(&ring) == 3, "submit");
	memset(&p, 0, sizeof(p));
	p.sq_entries = 32;
	p.cq_entries = 128;
	p.flags = IORING_SETUP_CQSIZE;

	arm();
	ret = io_uring_resize_rings(&ring, &p);
	disarm();
	expect_errno(ret, "io_uring_resize_rings");
	if (!ret) {
		CHECK(ring.sq.ring_entries == 32 && ring.cq.ring_entries == 128,
		      "sizes %u/%u after resize", ring.sq.ring_entries,
		      ring.cq.ring_entries);
		reap_ids(&ring, 1, 3);
		ring_works(&ring);
	} else if (!first_calls[K_MMAP] || cur_kind == K_REGISTER) {
		/* The kernel refused: the old rings stand. */
		reap_ids(&ring, 1, 3);
		ring_works(&ring);
	} else {
		/*
		 * The kernel moved to the new rings but they could not be
		 * mapped: the ring is lost, yet teardown must still be clean.
		 */
		CHECK(ring.ring_fd >= 0, "ring_fd %d", ring.ring_fd);
	}
	io_uring_queue_exit(&ring);
}

/* --- scenarios: buffer rings -------------------------------------------- */

static unsigned buf_ring_flags(void)
{
	return variant ? IOU_PBUF_RING_MMAP : 0;
}

/* Receive one message through group @bgid of @br. */
static void buf_ring_works(struct io_uring *ring, struct io_uring_buf_ring *br,
			   int bgid)
{
	static char bufs[2][64];
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int sv[2], ret;

	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	io_uring_buf_ring_add(br, bufs[0], 64, 0, io_uring_buf_ring_mask(8), 0);
	io_uring_buf_ring_add(br, bufs[1], 64, 1, io_uring_buf_ring_mask(8), 1);
	io_uring_buf_ring_advance(br, 2);
	CHECK(write(sv[1], "fault", 5) == 5, "write");
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_recv(sqe, sv[0], NULL, 64, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = (__u16) bgid;
	io_uring_submit(ring);
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ten_secs);
	CHECK(ret == 0, "wait: %d", ret);
	if (!ret) {
		CHECK(cqe->res == 5 && (cqe->flags & IORING_CQE_F_BUFFER),
		      "recv res %d flags %#x", cqe->res, cqe->flags);
		CHECK(!memcmp(bufs[cqe->flags >> IORING_CQE_BUFFER_SHIFT],
			      "fault", 5), "data");
		io_uring_cqe_seen(ring, cqe);
	}
	close(sv[0]);
	close(sv[1]);
}

static void sc_setup_buf_ring(void)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	int err = 12345;

	if (clean_ring(&ring, 4, 0))
		return;
	arm();
	br = io_uring_setup_buf_ring(&ring, 8, 5, buf_ring_flags(), &err);
	disarm();
	if (failed_visibly()) {
		CHECK(!br && err == -inj.err, "br %p err %d, want NULL and %d",
		      (void *) br, err, -inj.err);
		/* Nothing of it may remain: the group can be set up again. */
		br = io_uring_setup_buf_ring(&ring, 8, 5, buf_ring_flags(),
					     &err);
		CHECK(br, "group 5 left registered: %d", err);
	} else {
		CHECK(br && !err, "br %p err %d", (void *) br, err);
	}
	if (br) {
		buf_ring_works(&ring, br, 5);
		CHECK(io_uring_free_buf_ring(&ring, br, 8, 5) == 0, "free");
	}
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

static void sc_free_buf_ring(void)
{
	struct io_uring_buf_ring *br;
	struct io_uring ring;
	int err, ret;

	if (clean_ring(&ring, 4, 0))
		return;
	br = io_uring_setup_buf_ring(&ring, 8, 6, buf_ring_flags(), &err);
	REQUIRE(br, "setup_buf_ring: %d", err);
	arm();
	ret = io_uring_free_buf_ring(&ring, br, 8, 6);
	disarm();
	expect_errno(ret, "io_uring_free_buf_ring");
	if (ret) {
		/* Still registered and mapped: usable, and freeable again. */
		buf_ring_works(&ring, br, 6);
		CHECK(io_uring_free_buf_ring(&ring, br, 8, 6) == 0, "free");
	}
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- scenarios: registration -------------------------------------------- */

/*
 * One io_uring_register(2) each: the error must come back unchanged and
 * the ring must carry on.  @undo runs when the call succeeded.
 */
struct reg_case {
	const char *name;
	unsigned ring_flags;
	int (*call)(struct io_uring *ring, void *arg);
	void (*undo)(struct io_uring *ring, void *arg, int ret);
	bool positive;		/* success is a positive value */
};

static char fixed_buf[2][4096];
static int scratch_fds[4] = { -1, -1, -1, -1 };

static int r_buffers(struct io_uring *r, void *a)
{
	struct iovec iov[2] = {
		{ fixed_buf[0], 4096 }, { fixed_buf[1], 4096 },
	};

	return io_uring_register_buffers(r, iov, 2);
}

static int r_buffers_tags(struct io_uring *r, void *a)
{
	struct iovec iov[2] = {
		{ fixed_buf[0], 4096 }, { fixed_buf[1], 4096 },
	};
	__u64 tags[2] = { 1, 2 };

	return io_uring_register_buffers_tags(r, iov, tags, 2);
}

static int r_buffers_sparse(struct io_uring *r, void *a)
{
	return io_uring_register_buffers_sparse(r, 4);
}

static void u_buffers(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_buffers(r);
}

/* Removing tagged resources posts one CQE per tag (user_data = tag). */
static void u_buffers_tags(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_buffers(r);
	reap_ids(r, 1, 2);
}

static int r_files(struct io_uring *r, void *a)
{
	return io_uring_register_files(r, scratch_fds, 2);
}

static int r_files_tags(struct io_uring *r, void *a)
{
	__u64 tags[2] = { 3, 4 };

	return io_uring_register_files_tags(r, scratch_fds, tags, 2);
}

static int r_files_sparse(struct io_uring *r, void *a)
{
	return io_uring_register_files_sparse(r, 8);
}

static void u_files(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_files(r);
}

static void u_files_tags(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_files(r);
	reap_ids(r, 3, 2);
}

static int r_eventfd(struct io_uring *r, void *a)
{
	return io_uring_register_eventfd(r, scratch_fds[2]);
}

static int r_eventfd_async(struct io_uring *r, void *a)
{
	return io_uring_register_eventfd_async(r, scratch_fds[2]);
}

static void u_eventfd(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_eventfd(r);
}

static int r_personality(struct io_uring *r, void *a)
{
	return io_uring_register_personality(r);
}

static void u_personality(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_personality(r, ret);
}

static int r_probe(struct io_uring *r, void *a)
{
	static union {
		struct io_uring_probe p;
		char bytes[sizeof(struct io_uring_probe) +
			   64 * sizeof(struct io_uring_probe_op)];
	} probe;

	memset(&probe, 0, sizeof(probe));
	return io_uring_register_probe(r, &probe.p, 64);
}

static int r_iowq_aff(struct io_uring *r, void *a)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return io_uring_register_iowq_aff(r, sizeof(set), &set);
}

static void u_iowq_aff(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_iowq_aff(r);
}

static int r_iowq_max_workers(struct io_uring *r, void *a)
{
	unsigned v[2] = { 0, 0 };

	return io_uring_register_iowq_max_workers(r, v);
}

static int r_ring_fd(struct io_uring *r, void *a)
{
	return io_uring_register_ring_fd(r);
}

static void u_ring_fd(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_ring_fd(r);
}

static int r_sync_cancel(struct io_uring *r, void *a)
{
	struct io_uring_sync_cancel_reg reg;
	int ret;

	memset(&reg, 0, sizeof(reg));
	reg.addr = 424242;
	reg.timeout.tv_sec = -1;
	reg.timeout.tv_nsec = -1;
	/* Nothing matches: -ENOENT from the kernel is its success here. */
	ret = io_uring_register_sync_cancel(r, &reg);
	return ret == -ENOENT ? 0 : ret;
}

static int r_napi(struct io_uring *r, void *a)
{
	struct io_uring_napi napi;

	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 10;
	return io_uring_register_napi(r, &napi);
}

static void u_napi(struct io_uring *r, void *a, int ret)
{
	io_uring_unregister_napi(r, NULL);
}

static int r_clock(struct io_uring *r, void *a)
{
	struct io_uring_clock_register clk;

	memset(&clk, 0, sizeof(clk));
	clk.clockid = CLOCK_BOOTTIME;
	return io_uring_register_clock(r, &clk);
}

static int r_file_alloc_range(struct io_uring *r, void *a)
{
	return io_uring_register_file_alloc_range(r, 0, 1);
}

static struct io_uring clone_src;

static int r_clone_buffers(struct io_uring *r, void *a)
{
	return io_uring_clone_buffers(r, &clone_src);
}

static int r_restrictions(struct io_uring *r, void *a)
{
	struct io_uring_restriction res[1];

	memset(res, 0, sizeof(res));
	res[0].opcode = IORING_RESTRICTION_SQE_OP;
	res[0].sqe_op = IORING_OP_NOP;
	return io_uring_register_restrictions(r, res, 1);
}

static int r_enable(struct io_uring *r, void *a)
{
	return io_uring_enable_rings(r);
}

static int r_buf_ring_head(struct io_uring *r, void *a)
{
	uint16_t head = 77;
	int ret = io_uring_buf_ring_head(r, 9, &head);

	if (!ret && head != 0)
		return -1000;	/* a wrong head */
	return ret;
}

static int r_wait_reg(struct io_uring *r, void *a)
{
	static struct io_uring_reg_wait *reg;

	if (!reg) {
		reg = __real_mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (reg == MAP_FAILED)
			return -ENOMEM;
	}
	return io_uring_register_wait_reg(r, reg, 4);
}

static const struct reg_case reg_cases[] = {
	{ "register_buffers", 0, r_buffers, u_buffers, false },
	{ "register_buffers_tags", 0, r_buffers_tags, u_buffers_tags, false },
	{ "register_buffers_sparse", 0, r_buffers_sparse, u_buffers, false },
	{ "register_files", 0, r_files, u_files, false },
	{ "register_files_tags", 0, r_files_tags, u_files_tags, false },
	{ "register_files_sparse", 0, r_files_sparse, u_files, false },
	{ "register_eventfd", 0, r_eventfd, u_eventfd, false },
	{ "register_eventfd_async", 0, r_eventfd_async, u_eventfd, false },
	{ "register_personality", 0, r_personality, u_personality, true },
	{ "register_probe", 0, r_probe, NULL, false },
	{ "register_iowq_aff", 0, r_iowq_aff, u_iowq_aff, false },
	{ "register_iowq_max_workers", 0, r_iowq_max_workers, NULL, false },
	{ "register_ring_fd", 0, r_ring_fd, u_ring_fd, true },
	{ "register_sync_cancel", 0, r_sync_cancel, NULL, false },
	{ "register_napi", 0, r_napi, u_napi, false },
	{ "register_clock", 0, r_clock, NULL, false },
	{ "register_file_alloc_range", 0, r_file_alloc_range, NULL, false },
	{ "clone_buffers", 0, r_clone_buffers, u_buffers, false },
	{ "register_restrictions", IORING_SETUP_R_DISABLED, r_restrictions,
	  NULL, false },
	{ "enable_rings", IORING_SETUP_R_DISABLED, r_enable, NULL, false },
	{ "buf_ring_head", 0, r_buf_ring_head, NULL, false },
	{ "register_wait_reg", IORING_SETUP_R_DISABLED, r_wait_reg, NULL,
	  false },
};

static void sc_register(void)
{
	const struct reg_case *c = &reg_cases[variant];
	struct io_uring_buf_ring *br = NULL;
	struct io_uring ring;
	__u8 int_flags;
	int enter_fd, ret, err;

	if (clean_ring(&ring, 4, c->ring_flags))
		return;
	if (c->call == r_clone_buffers) {
		struct iovec iov = { fixed_buf[0], 4096 };

		if (clean_ring(&clone_src, 4, 0))
			return;
		CHECK(io_uring_register_buffers(&clone_src, &iov, 1) == 0,
		      "source buffers");
	}
	if (c->call == r_file_alloc_range)
		CHECK(io_uring_register_files_sparse(&ring, 4) == 0,
		      "sparse table");
	if (c->call == r_buf_ring_head) {
		br = io_uring_setup_buf_ring(&ring, 8, 9, 0, &err);
		REQUIRE(br, "setup_buf_ring: %d", err);
	}
	int_flags = ring.int_flags;
	enter_fd = ring.enter_ring_fd;

	arm();
	ret = c->call(&ring, NULL);
	disarm();
	if (c->positive && ret > 0)
		expect_errno(0, c->name);
	else
		expect_errno(ret, c->name);
	if (ret < 0) {
		CHECK(ring.int_flags == int_flags && ring.enter_ring_fd == enter_fd,
		      "ring state changed by a failed %s", c->name);
	} else if (c->undo) {
		c->undo(&ring, NULL, ret);
	}
	if (c->ring_flags & IORING_SETUP_R_DISABLED)
		io_uring_enable_rings(&ring);
	if (br)
		io_uring_free_buf_ring(&ring, br, 8, 9);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
	if (c->call == r_clone_buffers)
		io_uring_queue_exit(&clone_src);
}

static void sc_unregister_ring_fd(void)
{
	struct io_uring ring;
	int ret;

	if (clean_ring(&ring, 4, 0))
		return;
	REQUIRE(io_uring_register_ring_fd(&ring) == 1, "register_ring_fd");
	arm();
	ret = io_uring_unregister_ring_fd(&ring);
	disarm();
	expect_errno(ret, "io_uring_unregister_ring_fd");
	if (ret < 0)
		CHECK(ring.enter_ring_fd != ring.ring_fd,
		      "registered index dropped though unregistering failed");
	else
		CHECK(ring.enter_ring_fd == ring.ring_fd, "enter fd %d",
		      ring.enter_ring_fd);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- scenarios: submitting and waiting ---------------------------------- */

/*
 * Each: four NOPs (user_data 100..103) queued, one call armed, then a
 * clean submit must get every one of them completed exactly once.
 */
enum { W_SUBMIT, W_SUBMIT_AND_WAIT, W_SUBMIT_GET_EVENTS, W_GET_EVENTS,
       W_WAIT_CQE, W_WAIT_CQES, W_WAIT_CQE_TIMEOUT, W_WAIT_MIN_TIMEOUT,
       W_SUBMIT_WAIT_TIMEOUT, W_SUBMIT_WAIT_MIN_TIMEOUT, W_COPY_CQES,
       W_GET_CQE, NR_WAITS };

static const char *const wait_names[NR_WAITS] = {
	"submit", "submit_and_wait", "submit_and_get_events", "get_events",
	"wait_cqe", "wait_cqes", "wait_cqe_timeout", "wait_cqes_min_timeout",
	"submit_and_wait_timeout", "submit_and_wait_min_timeout",
	"copy_cqes", "__io_uring_get_cqe",
};

static void sc_wait(void)
{
	struct __kernel_timespec ts = { .tv_nsec = 20 * 1000000 };
	struct itimerspec in_5ms = { .it_value.tv_nsec = 5 * 1000000 };
	struct io_uring_cqe *cqe = NULL, copies[8];
	unsigned w = variant % NR_WAITS;
	unsigned flags = variant >= NR_WAITS ?
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN : 0;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	uint64_t expirations;
	bool submitted;
	int tfd, ret;

	/*
	 * A read that completes in 5 ms makes every wait enter the kernel: a
	 * timerfd's, not a TIMEOUT request, whose firing can wake a DEFER_
	 * TASKRUN wait before its CQE is posted and so add an enter
	 * (may_wake_early in src/queue.c) in some runs and not in others.
	 */
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	REQUIRE(tfd >= 0, "timerfd_create");
	if (clean_ring(&ring, 8, flags)) {
		close(tfd);
		return;
	}
	CHECK(timerfd_settime(tfd, 0, &in_5ms, NULL) == 0, "timerfd_settime");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, tfd, &expirations, sizeof(expirations), 0);
	sqe->user_data = 99;
	CHECK(io_uring_submit(&ring) == 1, "submit timer read");
	queue_nops(&ring, 100, 4);

	arm();
	switch (w) {
	case W_SUBMIT:
		ret = io_uring_submit(&ring);
		break;
	case W_SUBMIT_AND_WAIT:
		ret = io_uring_submit_and_wait(&ring, 1);
		break;
	case W_SUBMIT_GET_EVENTS:
		ret = io_uring_submit_and_get_events(&ring);
		break;
	case W_GET_EVENTS:
		ret = io_uring_get_events(&ring);
		break;
	case W_WAIT_CQE:
		ret = io_uring_wait_cqe(&ring, &cqe);
		break;
	case W_WAIT_CQES:
		ret = io_uring_wait_cqes(&ring, &cqe, 1, &ts, NULL);
		break;
	case W_WAIT_CQE_TIMEOUT:
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		break;
	case W_WAIT_MIN_TIMEOUT:
		ret = io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 1000,
						     NULL);
		break;
	case W_SUBMIT_WAIT_TIMEOUT:
		ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 5, &ts,
						       NULL);
		break;
	case W_SUBMIT_WAIT_MIN_TIMEOUT:
		ret = io_uring_submit_and_wait_min_timeout(&ring, &cqe, 5, &ts,
							   1000, NULL);
		break;
	case W_COPY_CQES:
		ret = io_uring_copy_cqes(&ring, copies, 8, 1, &ts);
		break;
	default:
		ret = __io_uring_get_cqe(&ring, &cqe, 0, 1, NULL);
		break;
	}
	disarm();
	expect_errno(ret, wait_names[w]);

	/* However that went, every request completes exactly once. */
	submitted = false;
	if (!failed_visibly() && (w == W_SUBMIT || w == W_SUBMIT_AND_WAIT ||
				  w == W_SUBMIT_GET_EVENTS ||
				  w == W_SUBMIT_WAIT_TIMEOUT ||
				  w == W_SUBMIT_WAIT_MIN_TIMEOUT))
		submitted = true;
	ret = io_uring_submit(&ring);
	CHECK(ret == (submitted ? 0 : 4) || (!submitted && failed_visibly() &&
					     ret >= 0),
	      "resubmit after %s: %d", wait_names[w], ret);
	if (w == W_COPY_CQES && ret >= 0 && !failed_visibly()) {
		/* copy_cqes consumed the timer read's CQE. */
		CHECK(copies[0].user_data == 99, "copied %llu",
		      (unsigned long long) copies[0].user_data);
		reap_ids(&ring, 100, 4);
	} else {
		struct io_uring_cqe *c;

		/* The timer read's CQE first (or among them), then the NOPs. */
		ret = io_uring_wait_cqe_timeout(&ring, &c, &ten_secs);
		REQUIRE(ret == 0, "first completion: %d", ret);
		if (c->user_data == 99) {
			io_uring_cqe_seen(&ring, c);
			reap_ids(&ring, 100, 4);
		} else {
			/* NOPs overtook it: reap them all, 99 last. */
			unsigned seen = 0, i;

			for (i = 0; i < 5; i++) {
				if (i) {
					ret = io_uring_wait_cqe_timeout(
						&ring, &c, &ten_secs);
					REQUIRE(ret == 0, "completion: %d", ret);
				}
				seen |= 1U << (c->user_data == 99 ? 4 :
					       (unsigned) (c->user_data - 100));
				io_uring_cqe_seen(&ring, c);
			}
			CHECK(seen == 0x1f, "completions %#x", seen);
		}
	}
	ring_works(&ring);
	io_uring_queue_exit(&ring);
	close(tfd);
}

/* peek_batch_cqe flushes overflowed CQEs; if that fails it returns 0. */
static void sc_peek_batch_overflow(void)
{
	struct io_uring_cqe *cqes[8];
	struct io_uring_params p;
	struct io_uring ring;
	unsigned n;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	REQUIRE(io_uring_queue_init_params(4, &ring, &p) == 0, "setup");
	queue_nops(&ring, 100, 4);
	io_uring_submit(&ring);
	queue_nops(&ring, 104, 4);
	io_uring_submit(&ring);
	/* Four in the CQ, four overflowed: consume the four. */
	n = io_uring_peek_batch_cqe(&ring, cqes, 8);
	CHECK(n == 4, "first batch %u", n);
	io_uring_cq_advance(&ring, n);

	arm();
	n = io_uring_peek_batch_cqe(&ring, cqes, 8);
	disarm();
	if (failed_visibly()) {
		CHECK(n == 0, "a batch of %u despite the failure", n);
	} else {
		CHECK(n == 4, "flushed batch %u", n);
		io_uring_cq_advance(&ring, n);
	}
	if (failed_visibly())
		reap_ids(&ring, 104, 4);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

/* --- scenarios with a fixed fault --------------------------------------- */

static void fixed_fault(enum kind kind, unsigned nth, bool sticky, int err)
{
	inj.kind = (int) kind;
	inj.nth = nth;
	inj.sticky = sticky;
	inj.err = err;
	cur_kind = (int) kind;
	cur_nth = nth;
}

/* Kernels before 6.6 reject NO_SQARRAY with -EINVAL: setup retries. */
static void sc_setup_einval_retry(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = init_variants[variant].flags;
	p.cq_entries = init_variants[variant].cq_entries;
	fixed_fault(K_SETUP, 1, false, EINVAL);
	arm();
	ret = io_uring_queue_init_params(8, &ring, &p);
	disarm();
	CHECK(inj.hit, "no setup call");
	CHECK(ret == 0, "no retry without NO_SQARRAY: %d", ret);
	if (ret)
		return;
	CHECK(!(p.flags & IORING_SETUP_NO_SQARRAY) && ring.sq.array,
	      "retried ring still without an SQ array (flags %#x)", p.flags);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

/* ... and when -EINVAL is real, it is returned, leaving nothing. */
static void sc_setup_einval_always(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = init_variants[variant].flags;
	p.cq_entries = init_variants[variant].cq_entries;
	fixed_fault(K_SETUP, 1, true, EINVAL);
	arm();
	ret = io_uring_queue_init_params(8, &ring, &p);
	disarm();
	CHECK(ret == -EINVAL, "returned %d", ret);
	CHECK(first_calls[K_SETUP] == 2, "%u setup calls, want 2",
	      first_calls[K_SETUP]);
	check_dead_ring(&ring);
}

/* -EMFILE registering files: the library raises RLIMIT_NOFILE, retries. */
static void sc_register_files_emfile(void)
{
	struct rlimit old, low;
	struct io_uring ring;
	int files[100], ret, i;

	if (clean_ring(&ring, 4, 0))
		return;
	for (i = 0; i < 100; i++)
		files[i] = -1;
	REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit");
	REQUIRE(old.rlim_max > 200, "hard limit %lu", (unsigned long) old.rlim_max);
	low = old;
	low.rlim_cur = 64;
	REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit");

	fixed_fault(K_REGISTER, 1, variant == 1, EMFILE);
	arm();
	ret = variant == 2 ? io_uring_register_files_sparse(&ring, 100) :
			     io_uring_register_files(&ring, files, 100);
	disarm();
	if (variant == 1) {
		CHECK(ret == -EMFILE, "returned %d with -EMFILE throughout", ret);
	} else {
		CHECK(ret == 0, "no retry after raising the limit: %d", ret);
		getrlimit(RLIMIT_NOFILE, &low);
		CHECK(low.rlim_cur == old.rlim_max, "soft limit %lu",
		      (unsigned long) low.rlim_cur);
		io_uring_unregister_files(&ring);
	}
	setrlimit(RLIMIT_NOFILE, &old);
	ring_works(&ring);
	io_uring_queue_exit(&ring);
}

/* A signal interrupting a wait: -EINTR comes back, nothing is lost. */
static void sc_wait_eintr(void)
{
	struct __kernel_timespec tmo = { .tv_nsec = 5 * 1000000 };
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int ret;

	if (clean_ring(&ring, 8, variant ? IORING_SETUP_SINGLE_ISSUER |
				 IORING_SETUP_DEFER_TASKRUN : 0))
		return;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &tmo, 0, 0);
	sqe->user_data = 100;
	io_uring_submit(&ring);
	fixed_fault(K_ENTER, 1, false, EINTR);
	arm();
	ret = io_uring_wait_cqe(&ring, &cqe);
	disarm();
	CHECK(ret == -EINTR, "wait_cqe returned %d", ret);
	reap_ids(&ring, 100, 1);
	io_uring_queue_exit(&ring);
}

/* --- the runner --------------------------------------------------------- */

struct scenario {
	const char *name;
	void (*run)(void);
	unsigned variants;
	const char *(*variant_name)(unsigned v);
	bool fixed;		/* sets its own fault: run once per variant */
};

static const char *vn_init(unsigned v) { return init_variants[v].name; }
static const char *vn_exit(unsigned v) { return exit_variants[v].name; }
static const char *vn_reg(unsigned v) { return reg_cases[v].name; }
static const char *vn_buf(unsigned v) { return v ? "mmap" : "user"; }
static const char *vn_wait(unsigned v)
{
	static char name[64];

	snprintf(name, sizeof(name), "%s%s", wait_names[v % NR_WAITS],
		 v >= NR_WAITS ? "/defer_taskrun" : "");
	return name;
}
static const char *vn_emfile(unsigned v)
{
	static const char *const n[] = { "retry", "always", "sparse" };

	return n[v];
}
static const char *vn_dt(unsigned v) { return v ? "defer_taskrun" : "default"; }

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct scenario scenarios[] = {
	{ "queue_init", sc_queue_init, 1, NULL, false },
	{ "queue_init_params", sc_queue_init_params, ARRAY_SIZE(init_variants),
	  vn_init, false },
	{ "queue_init_mem", sc_queue_init_mem, 1, NULL, false },
	{ "queue_mmap", sc_queue_mmap, 1, NULL, false },
	{ "queue_exit", sc_queue_exit, ARRAY_SIZE(exit_variants), vn_exit,
	  false },
	{ "get_probe", sc_get_probe, 1, NULL, false },
	{ "get_probe_ring", sc_get_probe_ring, 1, NULL, false },
	{ "mlock_size", sc_mlock_size, 1, NULL, false },
	{ "mlock_size_params", sc_mlock_size_params, 1, NULL, false },
	{ "memory_size", sc_memory_size, 1, NULL, false },
	{ "ring_dontfork", sc_ring_dontfork, 5, vn_init, false },
	{ "resize_rings", sc_resize_rings, 1, NULL, false },
	{ "setup_buf_ring", sc_setup_buf_ring, 2, vn_buf, false },
	{ "free_buf_ring", sc_free_buf_ring, 2, vn_buf, false },
	{ "register", sc_register, ARRAY_SIZE(reg_cases), vn_reg, false },
	{ "unregister_ring_fd", sc_unregister_ring_fd, 1, NULL, false },
	{ "wait", sc_wait, 2 * NR_WAITS, vn_wait, false },
	{ "peek_batch_cqe", sc_peek_batch_overflow, 1, NULL, false },
	{ "setup_einval_retry", sc_setup_einval_retry, 6, vn_init, true },
	{ "setup_einval_always", sc_setup_einval_always, 6, vn_init, true },
	{ "register_files_emfile", sc_register_files_emfile, 3, vn_emfile,
	  true },
	{ "wait_eintr", sc_wait_eintr, 2, vn_dt, true },
};

struct baseline {
	int fds;
	unsigned maps;
	unsigned heap;
};

static void snapshot(struct baseline *b)
{
	b->fds = count_fds();
	b->maps = nr_maps;
	b->heap = nr_heap;
}

/* Run one trial; returns the number of failed checks. */
static unsigned trial(const struct scenario *s, int kind, unsigned nth)
{
	struct baseline before, after;

	trial_failures = 0;
	cur_kind = kind;
	cur_nth = nth;
	inj.kind = kind;
	inj.nth = nth;
	inj.sticky = false;
	inj.err = kind == K_NONE ? 0 : kind_err[kind];
	inj.hit = false;
	inj.bad_closes = 0;
	first_recorded = false;
	memset(first_calls, 0, sizeof(first_calls));

	snapshot(&before);
	s->run();
	inj.armed = false;
	release_kept();
	snapshot(&after);

	if (kind != K_NONE && !s->fixed)
		CHECK(inj.hit, "the %s call #%u was never made", kind_name[kind],
		      nth);
	CHECK(after.fds == before.fds, "%d descriptors leaked",
	      after.fds - before.fds);
	CHECK(after.maps == before.maps, "%d mappings leaked",
	      (int) (after.maps - before.maps));
	CHECK(after.heap == before.heap, "%d heap blocks leaked",
	      (int) (after.heap - before.heap));
	CHECK(!inj.bad_closes, "%u close() of descriptors not open",
	      inj.bad_closes);
	return trial_failures;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned passed = 0, failed = 0, trials = 0, faults = 0;
	unsigned i, v, n;
	int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		only = argv[1];
	scratch_fds[0] = open("/dev/null", O_RDONLY);
	scratch_fds[1] = open("/dev/zero", O_RDONLY);
	scratch_fds[2] = eventfd(0, EFD_NONBLOCK);

	for (i = 0; i < ARRAY_SIZE(scenarios); i++) {
		const struct scenario *s = &scenarios[i];

		for (v = 0; v < s->variants; v++) {
			unsigned counts[NR_KINDS], bad = 0, runs = 1;
			char name[128];

			snprintf(name, sizeof(name), "%s%s%s", s->name,
				 s->variant_name ? "/" : "",
				 s->variant_name ? s->variant_name(v) : "");
			if (only && !strstr(name, only))
				continue;
			cur_name = name;
			variant = v;

			if (s->fixed) {
				bad += trial(s, K_NONE, 0);
				trials++;
				faults++;
				goto report;
			}
			/* Clean run: counts the call sites. */
			bad += trial(s, K_NONE, 0);
			memcpy(counts, first_calls, sizeof(counts));
			trials++;
			for (k = 0; k < NR_KINDS; k++) {
				for (n = 1; n <= counts[k]; n++) {
					bad += trial(s, k, n);
					trials++;
					runs++;
					faults++;
				}
			}
report:
			if (bad) {
				failed++;
				printf("FAIL %-50s %u checks failed in %u runs\n",
				       name, bad, runs);
			} else {
				passed++;
				printf("ok   %-50s", name);
				if (!s->fixed) {
					printf(" faults at");
					for (k = 0; k < NR_KINDS; k++)
						if (counts[k])
							printf(" %s:%u",
							       kind_name[k],
							       counts[k]);
				}
				printf("\n");
			}
		}
	}
	close(scratch_fds[0]);
	close(scratch_fds[1]);
	close(scratch_fds[2]);
	printf("fault injection: %u runs, %u with a fault injected\n", trials,
	       faults);
	printf("faults: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
