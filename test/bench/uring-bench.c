/* SPDX-License-Identifier: MIT */
/*
 * uring-bench: one measurement per run, for test/bench/run.sh to repeat,
 * alternate and tabulate.
 *
 * The same source is built twice: against this tree's liburing.h and
 * library, and against Debian's liburing (2.3).  It therefore uses only
 * what liburing 2.3 offers, and everything that differs between the two
 * binaries is the library: its inline helpers and its functions.
 *
 *	uring-bench info
 *	uring-bench [OPTIONS] nop BATCH plain|regfd|raw|rawinsn
 *	uring-bench [OPTIONS] read ENGINE DEPTH FILE
 *		ENGINE: uring, uring-regfile, uring-fixed, pread, libaio
 *	uring-bench [OPTIONS] echo uring|epoll CONNS
 *	uring-bench [OPTIONS] setup ENTRIES
 *	uring-bench ring-memory ENTRIES
 *	uring-bench nop-count ROUNDS [BATCH [plain|regfd|raw]]  (callgrind)
 *
 *	OPTIONS: -t SECS | -n OPS, -c CPU, -v
 *
 * A measuring mode warms up for a fifth of SECS (at most 50 ms), measures
 * for SECS and prints one number: operations per second (NOPs, reads, or
 * echo round trips).  With -n it does about OPS operations instead, reads
 * no clock and prints the count: for counting instructions.  -v adds
 * detail on stderr.  The process is pinned to CPU (default: the last
 * one); the echo client runs on another.
 *
 * "raw" is the same NOP loop on the system calls alone, with no library:
 * the floor any library's helpers are measured against.  "rawinsn" (x86-64
 * only) enters the kernel with the syscall instruction in place instead
 * of through libc's syscall(): what calling libc costs per system call.  "setup" is ring
 * creation and teardown per second (io_uring_queue_init and
 * io_uring_queue_exit); "ring-memory" prints the KiB one ring adds to the
 * process's mappings and to its locked memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <link.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BENCH_LIB_NAME
#define BENCH_LIB_NAME	"unknown"
#endif

#define BLOCK		4096
#define MSG_SIZE	64
#define MAX_DEPTH	128

static double run_secs = 0.3;
static unsigned long long op_limit;	/* -n: a fixed count, no clock */
static int cpu = -1;
static bool verbose;

static void die(const char *what, int err)
{
	fprintf(stderr, "uring-bench: %s: %s\n", what, strerror(err < 0 ?
		-err : err));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static double tv_secs(const struct timeval *tv)
{
	return (double) tv->tv_sec + (double) tv->tv_usec * 1e-6;
}

static double warmup_secs(void)
{
	return run_secs / 5 < 0.05 ? run_secs / 5 : 0.05;
}

static void pin(int which)
{
	cpu_set_t set;

	if (which < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(which, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static double clock_secs(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/*
 * A timed loop: the caller works until timed_check() says SECS have
 * passed after the warm-up.  The loop runs on the wall clock.  The rate
 * is operations per second of wall time, or with @cpu_rate per second of
 * CPU time the process used in the window: everything the NOP and read
 * loops do runs in the process itself, so CPU time counts all their work
 * and none of the time other programs on a shared machine take.  With
 * @peer too, CPU time is the mean of this process and the process
 * @peer_clk measures (the echo client and its server, each on its own
 * CPU): on an idle machine both are busy all the time and the figure
 * equals wall-clock throughput.
 */
struct timed {
	double start, warm_end, end;
	double cpu_start, cpu_end;
	unsigned long long ops;		/* counted after warm-up */
	unsigned long long warm_ops;
	bool measuring, cpu_rate, peer;
	clockid_t peer_clk;
};

/* CPU seconds: this process, plus the peer's when there is one.  Each is
 * a system call, so read rarely. */
static double timed_cpu(const struct timed *t)
{
	double secs = clock_secs(CLOCK_PROCESS_CPUTIME_ID);

	if (t->peer)
		secs += clock_secs(t->peer_clk);
	return secs;
}

static void timed_begin(struct timed *t)
{
	memset(t, 0, sizeof(*t));
	t->start = now();
	t->warm_end = t->start + warmup_secs();
}

/* Returns false when time is up. */
static bool timed_check(struct timed *t, unsigned long long ops)
{
	double n;

	if (op_limit) {
		/* For callgrind: exactly the count asked, no clock at all. */
		t->ops = ops;
		t->measuring = true;
		return ops < op_limit;
	}
	n = now();
	if (!t->measuring) {
		if (n < t->warm_end)
			return true;
		t->measuring = true;
		t->warm_ops = ops;
		t->warm_end = n;
		t->end = n + run_secs;
		if (t->cpu_rate)
			t->cpu_start = timed_cpu(t);
		return true;
	}
	if (n < t->end)
		return true;
	if (t->cpu_rate)
		t->cpu_end = timed_cpu(t);
	t->ops = ops - t->warm_ops;
	t->end = n;
	return false;
}

static double timed_rate(const struct timed *t)
{
	if (op_limit)
		return (double) t->ops;
	if (t->cpu_rate)
		return (double) t->ops * (t->peer ? 2 : 1) /
		       (t->cpu_end - t->cpu_start);
	return (double) t->ops / (t->end - t->warm_end);
}

static double timed_wall_rate(const struct timed *t)
{
	return (double) t->ops / (t->end - t->warm_end);
}

/* ---- which library is this? ---------------------------------------- */

static int find_liburing(struct dl_phdr_info *info, size_t size, void *data)
{
	if (strstr(info->dlpi_name, "liburing")) {
		char *out = data;

		snprintf(out, PATH_MAX, "%s", info->dlpi_name);
		return 1;
	}
	return 0;
}

static int cmd_info(void)
{
	char path[PATH_MAX] = "(static)", real[PATH_MAX];

	dl_iterate_phdr(find_liburing, path);
	if (realpath(path, real))
		snprintf(path, sizeof(path), "%s", real);
	printf("%s %s", BENCH_LIB_NAME, path);
#ifdef IO_URING_VERSION_MAJOR
	printf(" api=%d.%d", IO_URING_VERSION_MAJOR, IO_URING_VERSION_MINOR);
#endif
#ifdef BENCH_LIB_VERSION
	printf(" package=%s", BENCH_LIB_VERSION);
#endif
	printf("\n");
	return 0;
}

/* ---- 1. NOP round trips -------------------------------------------- */

/* One round trip of @batch NOPs: the loop the lead's figures describe. */
static inline unsigned nop_round(struct io_uring *ring, unsigned batch)
{
	struct io_uring_cqe *cqe;
	unsigned i, head, seen = 0;
	int ret;

	for (i = 0; i < batch; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, i);
	}
	ret = io_uring_submit_and_wait(ring, batch);
	if (ret < 0)
		die("submit_and_wait", ret);
	io_uring_for_each_cqe(ring, head, cqe) {
		if (cqe->res < 0)
			die("nop", cqe->res);
		seen++;
	}
	io_uring_cq_advance(ring, seen);
	return seen;
}

static void nop_ring(struct io_uring *ring, bool regfd)
{
	int ret = io_uring_queue_init(MAX_DEPTH, ring, 0);

	if (ret < 0)
		die("io_uring_queue_init", ret);
	if (regfd) {
		ret = io_uring_register_ring_fd(ring);
		if (ret != 1)
			die("io_uring_register_ring_fd", ret < 0 ? ret : EIO);
	}
}

static int cmd_nop(unsigned batch, bool regfd)
{
	unsigned long long ops = 0;
	struct io_uring ring;
	struct timed t;
	unsigned i, every = batch >= 16 ? 4 : 64 / batch;

	nop_ring(&ring, regfd);
	timed_begin(&t);
	t.cpu_rate = true;
	do {
		for (i = 0; i < every; i++)
			ops += nop_round(&ring, batch);
	} while (timed_check(&t, ops));
	io_uring_queue_exit(&ring);
	printf("%.1f\n", timed_rate(&t));
	return 0;
}

/* For callgrind: @iters rounds of @batch, nothing else. */
static int cmd_nop_count(unsigned long iters, unsigned batch, bool regfd)
{
	struct io_uring ring;
	unsigned long i;

	nop_ring(&ring, regfd);
	for (i = 0; i < iters; i++)
		nop_round(&ring, batch);
	io_uring_queue_exit(&ring);
	return 0;
}

/*
 * The NOP loop on raw system calls: one mmap per ring region, SQEs
 * filled in place, indices published and read with the same ordering
 * the library uses.  Fails on kernels without IORING_FEAT_SINGLE_MMAP
 * (before 5.4), which no run here has.
 */
struct raw_ring {
	int fd;
	unsigned *sq_tail, *sq_array, sq_mask;
	unsigned *cq_head, *cq_tail, cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned tail;
};

static void raw_ring_init(struct raw_ring *r)
{
	struct io_uring_params p;
	size_t sq_len, cq_len;
	char *sq, *cq;
	unsigned i;

	memset(&p, 0, sizeof(p));
	r->fd = (int) syscall(__NR_io_uring_setup, MAX_DEPTH, &p);
	if (r->fd < 0)
		die("io_uring_setup", errno);
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		die("raw ring needs IORING_FEAT_SINGLE_MMAP", EINVAL);
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || r->sqes == MAP_FAILED)
		die("mmap", errno);
	cq = sq;
	r->sq_tail = (unsigned *) (sq + p.sq_off.tail);
	r->sq_array = (unsigned *) (sq + p.sq_off.array);
	r->sq_mask = *(unsigned *) (sq + p.sq_off.ring_mask);
	r->cq_head = (unsigned *) (cq + p.cq_off.head);
	r->cq_tail = (unsigned *) (cq + p.cq_off.tail);
	r->cq_mask = *(unsigned *) (cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
	for (i = 0; i < p.sq_entries; i++)
		r->sq_array[i] = i;
	r->tail = *r->sq_tail;
}

/*
 * io_uring_enter(fd, n, n, GETEVENTS) with the syscall instruction in
 * place, -errno on failure; -ENOSYS but on x86-64.  The library never does
 * this (it calls libc); here it measures what that costs.
 */
static inline long raw_enter_insn(int fd, unsigned n)
{
#ifdef __x86_64__
	register long r10 __asm__("r10") = IORING_ENTER_GETEVENTS;
	register long r8 __asm__("r8") = 0;
	register long r9 __asm__("r9") = 0;
	long ret = __NR_io_uring_enter;

	__asm__ volatile("syscall"
			 : "+a" (ret)
			 : "D" ((long) fd), "S" ((long) n), "d" ((long) n),
			   "r" (r10), "r" (r8), "r" (r9)
			 : "rcx", "r11", "memory");
	return ret;
#else
	(void) fd;
	(void) n;
	return -ENOSYS;
#endif
}

static inline unsigned raw_round(struct raw_ring *r, unsigned batch,
				 bool insn)
{
	unsigned i, head, tail;
	long ret;

	for (i = 0; i < batch; i++) {
		struct io_uring_sqe *sqe = &r->sqes[r->tail++ & r->sq_mask];

		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = IORING_OP_NOP;
		sqe->user_data = i;
	}
	__atomic_store_n(r->sq_tail, r->tail, __ATOMIC_RELEASE);
	if (insn) {
		ret = raw_enter_insn(r->fd, batch);
		if (ret < 0)
			die("io_uring_enter", (int) -ret);
	} else {
		ret = syscall(__NR_io_uring_enter, r->fd, batch, batch,
			      IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret < 0)
			die("io_uring_enter", errno);
	}
	head = *r->cq_head;
	tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
	for (i = head; i != tail; i++)
		if (r->cqes[i & r->cq_mask].res < 0)
			die("nop", -r->cqes[i & r->cq_mask].res);
	__atomic_store_n(r->cq_head, tail, __ATOMIC_RELEASE);
	return tail - head;
}

static int cmd_nop_raw(unsigned batch, bool insn)
{
	unsigned long long ops = 0;
	struct raw_ring r;
	struct timed t;
	unsigned i, every = batch >= 16 ? 4 : 64 / batch;

	raw_ring_init(&r);
	timed_begin(&t);
	t.cpu_rate = true;
	do {
		for (i = 0; i < every; i++)
			ops += raw_round(&r, batch, insn);
	} while (timed_check(&t, ops));
	close(r.fd);
	printf("%.1f\n", timed_rate(&t));
	return 0;
}

static int cmd_nop_raw_count(unsigned long iters, unsigned batch)
{
	struct raw_ring r;
	unsigned long i;

	raw_ring_init(&r);
	for (i = 0; i < iters; i++)
		raw_round(&r, batch, false);
	close(r.fd);
	return 0;
}

/* ---- 2. ring setup and teardown --------------------------------------- */

static int cmd_setup(unsigned entries)
{
	unsigned long long ops = 0;
	struct io_uring ring;
	struct timed t;
	int ret;

	timed_begin(&t);
	t.cpu_rate = true;
	do {
		ret = io_uring_queue_init(entries, &ring, 0);
		if (ret < 0)
			die("io_uring_queue_init", ret);
		io_uring_queue_exit(&ring);
		ops++;
	} while (timed_check(&t, ops));
	printf("%.1f\n", timed_rate(&t));
	return 0;
}

/* KiB of address space (VmSize) and locked memory (VmLck) in use now. */
static void vm_kib(unsigned long *size, unsigned long *locked)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status", errno);
	*size = *locked = 0;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmSize: %lu", size);
		sscanf(line, "VmLck: %lu", locked);
	}
	fclose(f);
}

/* What one ring of @entries adds to the process: "MAPPED LOCKED" KiB. */
static int cmd_ring_memory(unsigned entries)
{
	unsigned long size0, lck0, size1, lck1;
	struct io_uring ring;
	int ret;

	vm_kib(&size0, &lck0);
	ret = io_uring_queue_init(entries, &ring, 0);
	if (ret < 0)
		die("io_uring_queue_init", ret);
	vm_kib(&size1, &lck1);
	io_uring_queue_exit(&ring);
	printf("%lu %lu\n", size1 - size0, lck1 - lck0);
	return 0;
}

/* ---- 3. random 4 KiB reads ----------------------------------------- */

struct reader {
	int fd;
	unsigned long long nr_blocks;
	uint64_t rng;
	char *bufs;
};

static off_t next_offset(struct reader *r)
{
	/* xorshift64*: the same sequence for every contender */
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return (off_t) ((r->rng * 2685821657736338717ULL) % r->nr_blocks) *
	       BLOCK;
}

static void check_read(int res)
{
	if (res != BLOCK)
		die("read", res < 0 ? res : EIO);
}

enum engine { E_URING, E_URING_REGFILE, E_URING_FIXED, E_PREAD, E_LIBAIO };

static void queue_uring_read(struct io_uring *ring, struct reader *r,
			     enum engine e, unsigned slot)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	char *buf = r->bufs + (size_t) slot * BLOCK;

	if (e == E_URING_FIXED)
		io_uring_prep_read_fixed(sqe, 0, buf, BLOCK, next_offset(r),
					 (int) slot);
	else
		io_uring_prep_read(sqe, e == E_URING ? r->fd : 0, buf, BLOCK,
				   next_offset(r));
	if (e != E_URING)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, slot);
}

static double read_uring(struct reader *r, enum engine e, unsigned depth)
{
	unsigned long long ops = 0;
	struct iovec iov[MAX_DEPTH];
	struct io_uring ring;
	struct timed t;
	unsigned i;
	int ret;

	ret = io_uring_queue_init(depth, &ring, 0);
	if (ret < 0)
		die("io_uring_queue_init", ret);
	if (e != E_URING) {
		ret = io_uring_register_files(&ring, &r->fd, 1);
		if (ret < 0)
			die("io_uring_register_files", ret);
	}
	if (e == E_URING_FIXED) {
		for (i = 0; i < depth; i++) {
			iov[i].iov_base = r->bufs + (size_t) i * BLOCK;
			iov[i].iov_len = BLOCK;
		}
		ret = io_uring_register_buffers(&ring, iov, depth);
		if (ret < 0)
			die("io_uring_register_buffers", ret);
	}

	for (i = 0; i < depth; i++)
		queue_uring_read(&ring, r, e, i);
	timed_begin(&t);
	t.cpu_rate = true;
	do {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0)
			die("submit_and_wait", ret);
		io_uring_for_each_cqe(&ring, head, cqe) {
			unsigned slot = (unsigned) cqe->user_data;

			check_read(cqe->res);
			queue_uring_read(&ring, r, e, slot);
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
		ops += seen;
	} while (timed_check(&t, ops));
	io_uring_queue_exit(&ring);
	return timed_rate(&t);
}

/*
 * pread has one read in flight whatever the depth; at depth D it cycles
 * through the same D buffers the other engines use, so that all of them
 * copy into the same amount of memory.
 */
static double read_pread(struct reader *r, unsigned depth)
{
	unsigned long long ops = 0;
	struct timed t;
	unsigned i, slot = 0;

	timed_begin(&t);
	t.cpu_rate = true;
	do {
		for (i = 0; i < 64; i++) {
			check_read((int) pread(r->fd,
					       r->bufs + (size_t) slot * BLOCK,
					       BLOCK, next_offset(r)));
			if (++slot == depth)
				slot = 0;
		}
		ops += 64;
	} while (timed_check(&t, ops));
	return timed_rate(&t);
}

static double read_libaio(struct reader *r, unsigned depth)
{
	struct iocb iocbs[MAX_DEPTH], *ptrs[MAX_DEPTH];
	struct io_event events[MAX_DEPTH];
	unsigned long long ops = 0;
	io_context_t ctx = 0;
	struct timed t;
	unsigned i;
	int ret;

	ret = io_setup((int) depth, &ctx);
	if (ret < 0)
		die("io_setup", ret);
	for (i = 0; i < depth; i++) {
		io_prep_pread(&iocbs[i], r->fd, r->bufs + (size_t) i * BLOCK,
			      BLOCK, next_offset(r));
		ptrs[i] = &iocbs[i];
	}
	ret = io_submit(ctx, (long) depth, ptrs);
	if (ret != (int) depth)
		die("io_submit", ret < 0 ? ret : EIO);

	timed_begin(&t);
	t.cpu_rate = true;
	do {
		int n = io_getevents(ctx, 1, (long) depth, events, NULL);

		if (n < 0)
			die("io_getevents", n);
		for (i = 0; i < (unsigned) n; i++) {
			struct iocb *cb = events[i].obj;

			check_read((int) events[i].res);
			io_prep_pread(cb, r->fd, cb->u.c.buf, BLOCK,
				      next_offset(r));
			ptrs[i] = cb;
		}
		ret = io_submit(ctx, n, ptrs);
		if (ret != n)
			die("io_submit", ret < 0 ? ret : EIO);
		ops += (unsigned) n;
	} while (timed_check(&t, ops));
	io_destroy(ctx);
	return timed_rate(&t);
}

static int cmd_read(const char *engine, unsigned depth, const char *path)
{
	struct reader r;
	struct stat st;
	double rate = 0;

	memset(&r, 0, sizeof(r));
	r.rng = 0x9e3779b97f4a7c15ULL;
	r.fd = open(path, O_RDONLY);
	if (r.fd < 0 || fstat(r.fd, &st) < 0)
		die(path, errno);
	r.nr_blocks = (unsigned long long) st.st_size / BLOCK;
	if (!r.nr_blocks)
		die(path, EINVAL);
	if (posix_memalign((void **) &r.bufs, BLOCK, (size_t) depth * BLOCK))
		die("posix_memalign", ENOMEM);
	memset(r.bufs, 0, (size_t) depth * BLOCK);

	if (!strcmp(engine, "uring"))
		rate = read_uring(&r, E_URING, depth);
	else if (!strcmp(engine, "uring-regfile"))
		rate = read_uring(&r, E_URING_REGFILE, depth);
	else if (!strcmp(engine, "uring-fixed"))
		rate = read_uring(&r, E_URING_FIXED, depth);
	else if (!strcmp(engine, "pread"))
		rate = read_pread(&r, depth);
	else if (!strcmp(engine, "libaio"))
		rate = read_libaio(&r, depth);
	else
		die("unknown read engine", EINVAL);
	printf("%.1f\n", rate);
	close(r.fd);
	free(r.bufs);
	return 0;
}

/* ---- 4. TCP echo ping-pong ----------------------------------------- */

/*
 * The client, the same for every server: CONNS connections, each with
 * one 64-byte message in flight, plain epoll and read/write.  It counts
 * complete round trips and writes the rate to @out_fd.
 */
static void echo_client(unsigned short port, unsigned conns, int out_fd)
{
	struct epoll_event ev, events[64];
	struct sockaddr_in sin;
	unsigned long long rts = 0, limit = 50000000ULL;
	char msg[MSG_SIZE], *got;
	unsigned *have;
	int *fds, ep, i, n;
	struct timed t;
	double rate = 0;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(msg, 'x', sizeof(msg));
	fds = calloc(conns, sizeof(*fds));
	have = calloc(conns, sizeof(*have));
	got = calloc(conns, MSG_SIZE);
	ep = epoll_create1(0);
	if (!fds || !have || !got || ep < 0)
		die("client setup", ENOMEM);

	for (i = 0; i < (int) conns; i++) {
		int one = 1;

		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 ||
		    connect(fds[i], (struct sockaddr *) &sin, sizeof(sin)) < 0)
			die("client connect", errno);
		setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = (unsigned) i;
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	for (i = 0; i < (int) conns; i++)
		if (write(fds[i], msg, MSG_SIZE) != MSG_SIZE)
			die("client write", errno);

	timed_begin(&t);
	t.cpu_rate = true;
	t.peer = !clock_getcpuclockid(getppid(), &t.peer_clk);
	do {
		n = epoll_wait(ep, events, 64, 2000);
		if (n <= 0)
			die("client: no echo within 2 s",
			    n < 0 ? errno : ETIME);
		for (i = 0; i < n; i++) {
			unsigned c = events[i].data.u32;
			ssize_t r = read(fds[c], got + c * MSG_SIZE + have[c],
					 MSG_SIZE - have[c]);

			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				die("client read", r < 0 ? errno : EPIPE);
			}
			have[c] += (unsigned) r;
			if (have[c] < MSG_SIZE)
				continue;
			if (memcmp(got + c * MSG_SIZE, msg, MSG_SIZE))
				die("client: echo differs", EIO);
			have[c] = 0;
			rts++;
			if (write(fds[c], msg, MSG_SIZE) != MSG_SIZE)
				die("client write", errno);
		}
	} while (timed_check(&t, rts) && rts < limit);
	if (t.measuring && !t.ops) {	/* stopped by the count bound */
		t.ops = rts - t.warm_ops;
		t.end = now();
		t.cpu_end = timed_cpu(&t);
	}
	rate = timed_rate(&t);
	if (verbose)
		fprintf(stderr, "echo client: %.1f round trips/s wall clock,"
			" %.1f per CPU second (server and client mean)\n",
			timed_wall_rate(&t), rate);
	for (i = 0; i < (int) conns; i++)
		close(fds[i]);
	if (write(out_fd, &rate, sizeof(rate)) != sizeof(rate))
		die("client result", errno);
}

/* user_data of the io_uring server: type in the top bits, fd and buffer
 * id below. */
#define ECHO_ACCEPT	(1ULL << 60)
#define ECHO_RECV	(2ULL << 60)
#define ECHO_SEND	(3ULL << 60)
#define ECHO_TYPE(ud)	((ud) & (15ULL << 60))
#define ECHO_BGID	7
#define ECHO_NR_BUFS	256
#define ECHO_BUF_SIZE	2048

static void echo_arm_recv(struct io_uring *ring, int fd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = ECHO_BGID;
	io_uring_sqe_set_data64(sqe, ECHO_RECV | (unsigned) fd);
}

static void echo_uring_server(int lfd, unsigned conns)
{
	struct io_uring_buf_reg reg;
	struct io_uring_buf_ring *br;
	struct io_uring_params p;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned closed = 0, mask = io_uring_buf_ring_mask(ECHO_NR_BUFS);
	char *bufs;
	int ret, i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(256, &ring, &p);
	if (ret == -EINVAL)
		ret = io_uring_queue_init(256, &ring, 0);
	if (ret < 0)
		die("io_uring_queue_init", ret);

	br = mmap(NULL, ECHO_NR_BUFS * sizeof(struct io_uring_buf),
		  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bufs = malloc(ECHO_NR_BUFS * ECHO_BUF_SIZE);
	if (br == MAP_FAILED || !bufs)
		die("server buffers", ENOMEM);
	io_uring_buf_ring_init(br);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long) br;
	reg.ring_entries = ECHO_NR_BUFS;
	reg.bgid = ECHO_BGID;
	ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret < 0)
		die("io_uring_register_buf_ring", ret);
	for (i = 0; i < ECHO_NR_BUFS; i++)
		io_uring_buf_ring_add(br, bufs + i * ECHO_BUF_SIZE,
				      ECHO_BUF_SIZE, (unsigned short) i, mask,
				      i);
	io_uring_buf_ring_advance(br, ECHO_NR_BUFS);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
	io_uring_sqe_set_data64(sqe, ECHO_ACCEPT);

	while (closed < conns) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0)
			die("server submit_and_wait", ret);
		io_uring_for_each_cqe(&ring, head, cqe) {
			__u64 ud = io_uring_cqe_get_data64(cqe);
			int fd = (int) (ud & 0xffffffff);
			unsigned bid;

			seen++;
			switch (ECHO_TYPE(ud)) {
			case ECHO_ACCEPT:
				if (cqe->res < 0)
					die("server accept", cqe->res);
				echo_arm_recv(&ring, cqe->res);
				if (!(cqe->flags & IORING_CQE_F_MORE))
					die("server: accept ended", EIO);
				break;
			case ECHO_RECV:
				if (cqe->res <= 0) {
					if (cqe->res < 0 &&
					    cqe->res != -ECONNRESET)
						die("server recv", cqe->res);
					close(fd);
					closed++;
					break;
				}
				bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
				sqe = io_uring_get_sqe(&ring);
				io_uring_prep_send(sqe, fd,
						   bufs + bid * ECHO_BUF_SIZE,
						   (size_t) cqe->res,
						   MSG_NOSIGNAL);
				io_uring_sqe_set_data64(sqe, ECHO_SEND |
							((__u64) bid << 32) |
							(unsigned) fd);
				if (!(cqe->flags & IORING_CQE_F_MORE))
					echo_arm_recv(&ring, fd);
				break;
			case ECHO_SEND:
				/* the echo is out: the buffer goes back */
				bid = (unsigned) (ud >> 32) & 0xffff;
				io_uring_buf_ring_add(br, bufs + bid *
						      ECHO_BUF_SIZE,
						      ECHO_BUF_SIZE,
						      (unsigned short) bid,
						      mask, 0);
				io_uring_buf_ring_advance(br, 1);
				break;
			}
		}
		io_uring_cq_advance(&ring, seen);
	}
	io_uring_queue_exit(&ring);
	munmap(br, ECHO_NR_BUFS * sizeof(struct io_uring_buf));
	free(bufs);
}

static void echo_epoll_server(int lfd, unsigned conns)
{
	struct epoll_event ev, events[64];
	unsigned closed = 0;
	char buf[ECHO_BUF_SIZE];
	int ep, n, i;

	ep = epoll_create1(0);
	if (ep < 0)
		die("epoll_create1", errno);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);

	while (closed < conns) {
		n = epoll_wait(ep, events, 64, -1);
		if (n < 0)
			die("epoll_wait", errno);
		for (i = 0; i < n; i++) {
			int fd = events[i].data.fd;
			ssize_t r;

			if (fd == lfd) {
				int c = accept4(lfd, NULL, NULL,
						SOCK_NONBLOCK);

				if (c < 0)
					die("accept4", errno);
				ev.events = EPOLLIN;
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				close(fd);
				closed++;
				continue;
			}
			if (send(fd, buf, (size_t) r, MSG_NOSIGNAL) != r)
				die("server send", errno);
		}
	}
	close(ep);
}

static int cmd_echo(const char *engine, unsigned conns)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int lfd, pfd[2], status, one = 1;
	bool uring = !strcmp(engine, "uring");
	double rate, start = now();
	pid_t pid;

	if (!uring && strcmp(engine, "epoll"))
		die("unknown echo engine", EINVAL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *) &sin, sizeof(sin)) ||
	    listen(lfd, (int) conns + 16) ||
	    getsockname(lfd, (struct sockaddr *) &sin, &len) || pipe(pfd))
		die("listen", errno);

	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (!pid) {
		close(lfd);
		close(pfd[0]);
		/* The client runs on the CPU next to the server's. */
		if (cpu >= 0)
			pin(cpu ? cpu - 1 : 1);
		echo_client(ntohs(sin.sin_port), conns, pfd[1]);
		_exit(0);
	}
	close(pfd[1]);
	if (uring)
		echo_uring_server(lfd, conns);
	else
		echo_epoll_server(lfd, conns);
	if (read(pfd[0], &rate, sizeof(rate)) != sizeof(rate))
		die("no result from the client", EIO);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("client failed", EIO);
	if (verbose) {
		struct rusage self, child;

		getrusage(RUSAGE_SELF, &self);
		getrusage(RUSAGE_CHILDREN, &child);
		fprintf(stderr, "echo %s: wall %.2f s; server cpu %.2f s"
			" (user %.2f); client cpu %.2f s (user %.2f)\n",
			engine, now() - start,
			tv_secs(&self.ru_utime) + tv_secs(&self.ru_stime),
			tv_secs(&self.ru_utime),
			tv_secs(&child.ru_utime) + tv_secs(&child.ru_stime),
			tv_secs(&child.ru_utime));
	}
	printf("%.1f\n", rate);
	return 0;
}

/* ---- main ----------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: uring-bench [-t SECS | -n OPS] [-c CPU] [-v] MODE"
		" ARGS...\n"
		"  info\n"
		"  nop BATCH plain|regfd|raw|rawinsn\n"
		"  read uring|uring-regfile|uring-fixed|pread|libaio DEPTH"
		" FILE\n"
		"  echo uring|epoll CONNS\n"
		"  setup ENTRIES\n"
		"  ring-memory ENTRIES\n"
		"  nop-count ITERATIONS [BATCH [plain|regfd|raw]]\n");
	exit(2);
}

static unsigned long arg_num(const char *s, unsigned long min,
			     unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage();
	return v;
}

int main(int argc, char *argv[])
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *mode;
	int opt;

	cpu = ncpu > 1 ? (int) ncpu - 1 : -1;
	while ((opt = getopt(argc, argv, "+t:n:c:v")) != -1) {
		switch (opt) {
		case 'n':
			op_limit = strtoull(optarg, NULL, 10);
			break;
		case 'v':
			verbose = true;
			break;
		case 't':
			run_secs = atof(optarg);
			if (run_secs <= 0 || run_secs > 60)
				usage();
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	mode = argv[optind];
	argc -= optind;
	argv += optind;
	signal(SIGPIPE, SIG_IGN);

	if (!strcmp(mode, "info") && argc == 1)
		return cmd_info();
	if (!strcmp(mode, "ring-memory") && argc == 2)
		return cmd_ring_memory((unsigned) arg_num(argv[1], 1, 32768));
	if (!strcmp(mode, "nop-count") && argc == 4 &&
	    !strcmp(argv[3], "raw"))
		return cmd_nop_raw_count(arg_num(argv[1], 1, 1UL << 30),
				(unsigned) arg_num(argv[2], 1, MAX_DEPTH));
	if (!strcmp(mode, "nop-count") && argc >= 2 && argc <= 4)
		return cmd_nop_count(arg_num(argv[1], 1, 1UL << 30),
				     argc >= 3 ? (unsigned) arg_num(argv[2], 1,
						MAX_DEPTH) : 32,
				     argc == 4 && !strcmp(argv[3], "regfd"));
	pin(cpu);
	if (!strcmp(mode, "nop") && argc == 3 && !strcmp(argv[2], "raw"))
		return cmd_nop_raw((unsigned) arg_num(argv[1], 1, MAX_DEPTH),
				   false);
	if (!strcmp(mode, "nop") && argc == 3 && !strcmp(argv[2], "rawinsn"))
		return cmd_nop_raw((unsigned) arg_num(argv[1], 1, MAX_DEPTH),
				   true);
	if (!strcmp(mode, "setup") && argc == 2)
		return cmd_setup((unsigned) arg_num(argv[1], 1, 32768));
	if (!strcmp(mode, "nop") && argc == 3 &&
	    (!strcmp(argv[2], "plain") || !strcmp(argv[2], "regfd")))
		return cmd_nop((unsigned) arg_num(argv[1], 1, MAX_DEPTH),
			       !strcmp(argv[2], "regfd"));
	if (!strcmp(mode, "read") && argc == 4)
		return cmd_read(argv[1], (unsigned) arg_num(argv[2], 1,
							    MAX_DEPTH),
				argv[3]);
	if (!strcmp(mode, "echo") && argc == 3)
		return cmd_echo(argv[1], (unsigned) arg_num(argv[2], 1, 1024));
	usage();
	return 2;
}
