/* SPDX-License-Identifier: MIT */
/*
 * io_uring-info: what io_uring offers on this machine, and if it cannot be
 * used, why.
 *
 *	io_uring-info [--json]
 *
 * Everything is learnt by asking the kernel through the library: a ring is
 * set up to see whether io_uring works at all, the probe gives the opcodes,
 * one ring per setup flag tells which flags the kernel accepts, and one
 * disabled ring per registration opcode tells which of those it knows (a
 * restriction naming an opcode the kernel does not know fails with EINVAL,
 * the only way to ask that does not depend on the opcode's arguments).
 *
 * Exit status: 0 when io_uring can be used, 1 when it cannot, 2 for bad
 * arguments.
 */
#include <errno.h>
#include <liburing.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Opcodes and registration opcodes are one byte in the probe and in a
 * restriction, so no kernel can know more than this. */
#define MAX_CODES	256
/* Registration opcodes asked about: a ring each, so not all 256, but
 * room for what kernels newer than this header added. */
#define REG_CODES_TRIED	(IORING_REGISTER_LAST + 16)

static const char *const op_names[] = {
	[IORING_OP_NOP] = "NOP",
	[IORING_OP_READV] = "READV",
	[IORING_OP_WRITEV] = "WRITEV",
	[IORING_OP_FSYNC] = "FSYNC",
	[IORING_OP_READ_FIXED] = "READ_FIXED",
	[IORING_OP_WRITE_FIXED] = "WRITE_FIXED",
	[IORING_OP_POLL_ADD] = "POLL_ADD",
	[IORING_OP_POLL_REMOVE] = "POLL_REMOVE",
	[IORING_OP_SYNC_FILE_RANGE] = "SYNC_FILE_RANGE",
	[IORING_OP_SENDMSG] = "SENDMSG",
	[IORING_OP_RECVMSG] = "RECVMSG",
	[IORING_OP_TIMEOUT] = "TIMEOUT",
	[IORING_OP_TIMEOUT_REMOVE] = "TIMEOUT_REMOVE",
	[IORING_OP_ACCEPT] = "ACCEPT",
	[IORING_OP_ASYNC_CANCEL] = "ASYNC_CANCEL",
	[IORING_OP_LINK_TIMEOUT] = "LINK_TIMEOUT",
	[IORING_OP_CONNECT] = "CONNECT",
	[IORING_OP_FALLOCATE] = "FALLOCATE",
	[IORING_OP_OPENAT] = "OPENAT",
	[IORING_OP_CLOSE] = "CLOSE",
	[IORING_OP_FILES_UPDATE] = "FILES_UPDATE",
	[IORING_OP_STATX] = "STATX",
	[IORING_OP_READ] = "READ",
	[IORING_OP_WRITE] = "WRITE",
	[IORING_OP_FADVISE] = "FADVISE",
	[IORING_OP_MADVISE] = "MADVISE",
	[IORING_OP_SEND] = "SEND",
	[IORING_OP_RECV] = "RECV",
	[IORING_OP_OPENAT2] = "OPENAT2",
	[IORING_OP_EPOLL_CTL] = "EPOLL_CTL",
	[IORING_OP_SPLICE] = "SPLICE",
	[IORING_OP_PROVIDE_BUFFERS] = "PROVIDE_BUFFERS",
	[IORING_OP_REMOVE_BUFFERS] = "REMOVE_BUFFERS",
	[IORING_OP_TEE] = "TEE",
	[IORING_OP_SHUTDOWN] = "SHUTDOWN",
	[IORING_OP_RENAMEAT] = "RENAMEAT",
	[IORING_OP_UNLINKAT] = "UNLINKAT",
	[IORING_OP_MKDIRAT] = "MKDIRAT",
	[IORING_OP_SYMLINKAT] = "SYMLINKAT",
	[IORING_OP_LINKAT] = "LINKAT",
	[IORING_OP_MSG_RING] = "MSG_RING",
	[IORING_OP_FSETXATTR] = "FSETXATTR",
	[IORING_OP_SETXATTR] = "SETXATTR",
	[IORING_OP_FGETXATTR] = "FGETXATTR",
	[IORING_OP_GETXATTR] = "GETXATTR",
	[IORING_OP_SOCKET] = "SOCKET",
	[IORING_OP_URING_CMD] = "URING_CMD",
	[IORING_OP_SEND_ZC] = "SEND_ZC",
	[IORING_OP_SENDMSG_ZC] = "SENDMSG_ZC",
	[IORING_OP_READ_MULTISHOT] = "READ_MULTISHOT",
	[IORING_OP_WAITID] = "WAITID",
	[IORING_OP_FUTEX_WAIT] = "FUTEX_WAIT",
	[IORING_OP_FUTEX_WAKE] = "FUTEX_WAKE",
	[IORING_OP_FUTEX_WAITV] = "FUTEX_WAITV",
	[IORING_OP_FIXED_FD_INSTALL] = "FIXED_FD_INSTALL",
	[IORING_OP_FTRUNCATE] = "FTRUNCATE",
	[IORING_OP_BIND] = "BIND",
	[IORING_OP_LISTEN] = "LISTEN",
	[IORING_OP_RECV_ZC] = "RECV_ZC",
	[IORING_OP_EPOLL_WAIT] = "EPOLL_WAIT",
	[IORING_OP_READV_FIXED] = "READV_FIXED",
	[IORING_OP_WRITEV_FIXED] = "WRITEV_FIXED",
	[IORING_OP_PIPE] = "PIPE",
	[IORING_OP_NOP128] = "NOP128",
	[IORING_OP_URING_CMD128] = "URING_CMD128",
};

static const char *const reg_names[] = {
	[IORING_REGISTER_BUFFERS] = "REGISTER_BUFFERS",
	[IORING_UNREGISTER_BUFFERS] = "UNREGISTER_BUFFERS",
	[IORING_REGISTER_FILES] = "REGISTER_FILES",
	[IORING_UNREGISTER_FILES] = "UNREGISTER_FILES",
	[IORING_REGISTER_EVENTFD] = "REGISTER_EVENTFD",
	[IORING_UNREGISTER_EVENTFD] = "UNREGISTER_EVENTFD",
	[IORING_REGISTER_FILES_UPDATE] = "REGISTER_FILES_UPDATE",
	[IORING_REGISTER_EVENTFD_ASYNC] = "REGISTER_EVENTFD_ASYNC",
	[IORING_REGISTER_PROBE] = "REGISTER_PROBE",
	[IORING_REGISTER_PERSONALITY] = "REGISTER_PERSONALITY",
	[IORING_UNREGISTER_PERSONALITY] = "UNREGISTER_PERSONALITY",
	[IORING_REGISTER_RESTRICTIONS] = "REGISTER_RESTRICTIONS",
	[IORING_REGISTER_ENABLE_RINGS] = "REGISTER_ENABLE_RINGS",
	[IORING_REGISTER_FILES2] = "REGISTER_FILES2",
	[IORING_REGISTER_FILES_UPDATE2] = "REGISTER_FILES_UPDATE2",
	[IORING_REGISTER_BUFFERS2] = "REGISTER_BUFFERS2",
	[IORING_REGISTER_BUFFERS_UPDATE] = "REGISTER_BUFFERS_UPDATE",
	[IORING_REGISTER_IOWQ_AFF] = "REGISTER_IOWQ_AFF",
	[IORING_UNREGISTER_IOWQ_AFF] = "UNREGISTER_IOWQ_AFF",
	[IORING_REGISTER_IOWQ_MAX_WORKERS] = "REGISTER_IOWQ_MAX_WORKERS",
	[IORING_REGISTER_RING_FDS] = "REGISTER_RING_FDS",
	[IORING_UNREGISTER_RING_FDS] = "UNREGISTER_RING_FDS",
	[IORING_REGISTER_PBUF_RING] = "REGISTER_PBUF_RING",
	[IORING_UNREGISTER_PBUF_RING] = "UNREGISTER_PBUF_RING",
	[IORING_REGISTER_SYNC_CANCEL] = "REGISTER_SYNC_CANCEL",
	[IORING_REGISTER_FILE_ALLOC_RANGE] = "REGISTER_FILE_ALLOC_RANGE",
	[IORING_REGISTER_PBUF_STATUS] = "REGISTER_PBUF_STATUS",
	[IORING_REGISTER_NAPI] = "REGISTER_NAPI",
	[IORING_UNREGISTER_NAPI] = "UNREGISTER_NAPI",
	[IORING_REGISTER_CLOCK] = "REGISTER_CLOCK",
	[IORING_REGISTER_CLONE_BUFFERS] = "REGISTER_CLONE_BUFFERS",
	[IORING_REGISTER_SEND_MSG_RING] = "REGISTER_SEND_MSG_RING",
	[IORING_REGISTER_ZCRX_IFQ] = "REGISTER_ZCRX_IFQ",
	[IORING_REGISTER_RESIZE_RINGS] = "REGISTER_RESIZE_RINGS",
	[IORING_REGISTER_MEM_REGION] = "REGISTER_MEM_REGION",
	[IORING_REGISTER_QUERY] = "REGISTER_QUERY",
	[IORING_REGISTER_ZCRX_CTRL] = "REGISTER_ZCRX_CTRL",
	[IORING_REGISTER_BPF_FILTER] = "REGISTER_BPF_FILTER",
};

/* A new opcode in the header needs its name here. */
_Static_assert(ARRAY_SIZE(op_names) == IORING_OP_LAST,
	       "op_names must name every IORING_OP_*");
_Static_assert(ARRAY_SIZE(reg_names) == IORING_REGISTER_LAST,
	       "reg_names must name every io_uring_register opcode");

struct bit_name {
	unsigned bit;
	const char *name;
};

static const struct bit_name feature_names[] = {
	{ IORING_FEAT_SINGLE_MMAP, "SINGLE_MMAP" },
	{ IORING_FEAT_NODROP, "NODROP" },
	{ IORING_FEAT_SUBMIT_STABLE, "SUBMIT_STABLE" },
	{ IORING_FEAT_RW_CUR_POS, "RW_CUR_POS" },
	{ IORING_FEAT_CUR_PERSONALITY, "CUR_PERSONALITY" },
	{ IORING_FEAT_FAST_POLL, "FAST_POLL" },
	{ IORING_FEAT_POLL_32BITS, "POLL_32BITS" },
	{ IORING_FEAT_SQPOLL_NONFIXED, "SQPOLL_NONFIXED" },
	{ IORING_FEAT_EXT_ARG, "EXT_ARG" },
	{ IORING_FEAT_NATIVE_WORKERS, "NATIVE_WORKERS" },
	{ IORING_FEAT_RSRC_TAGS, "RSRC_TAGS" },
	{ IORING_FEAT_CQE_SKIP, "CQE_SKIP" },
	{ IORING_FEAT_LINKED_FILE, "LINKED_FILE" },
	{ IORING_FEAT_REG_REG_RING, "REG_REG_RING" },
	{ IORING_FEAT_RECVSEND_BUNDLE, "RECVSEND_BUNDLE" },
	{ IORING_FEAT_MIN_TIMEOUT, "MIN_TIMEOUT" },
	{ IORING_FEAT_RW_ATTR, "RW_ATTR" },
	{ IORING_FEAT_NO_IOWAIT, "NO_IOWAIT" },
};

/* A setup flag and the flags it cannot be tried without. */
struct setup_flag {
	unsigned flag;
	unsigned with;
	const char *name;
};

static const struct setup_flag setup_flags[] = {
	{ IORING_SETUP_IOPOLL, 0, "IOPOLL" },
	{ IORING_SETUP_SQPOLL, 0, "SQPOLL" },
	{ IORING_SETUP_SQ_AFF, IORING_SETUP_SQPOLL, "SQ_AFF" },
	{ IORING_SETUP_CQSIZE, 0, "CQSIZE" },
	{ IORING_SETUP_CLAMP, 0, "CLAMP" },
	{ IORING_SETUP_ATTACH_WQ, 0, "ATTACH_WQ" },
	{ IORING_SETUP_R_DISABLED, 0, "R_DISABLED" },
	{ IORING_SETUP_SUBMIT_ALL, 0, "SUBMIT_ALL" },
	{ IORING_SETUP_COOP_TASKRUN, 0, "COOP_TASKRUN" },
	{ IORING_SETUP_TASKRUN_FLAG, IORING_SETUP_COOP_TASKRUN, "TASKRUN_FLAG" },
	{ IORING_SETUP_SQE128, 0, "SQE128" },
	{ IORING_SETUP_CQE32, 0, "CQE32" },
	{ IORING_SETUP_SINGLE_ISSUER, 0, "SINGLE_ISSUER" },
	{ IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, "DEFER_TASKRUN" },
	{ IORING_SETUP_NO_MMAP, 0, "NO_MMAP" },
	{ IORING_SETUP_REGISTERED_FD_ONLY, IORING_SETUP_NO_MMAP, "REGISTERED_FD_ONLY" },
	{ IORING_SETUP_NO_SQARRAY, 0, "NO_SQARRAY" },
	{ IORING_SETUP_HYBRID_IOPOLL, IORING_SETUP_IOPOLL, "HYBRID_IOPOLL" },
	{ IORING_SETUP_CQE_MIXED, 0, "CQE_MIXED" },
	{ IORING_SETUP_SQE_MIXED, 0, "SQE_MIXED" },
	{ IORING_SETUP_SQ_REWIND, IORING_SETUP_NO_SQARRAY, "SQ_REWIND" },
};

/* -1 in a number read from /proc: the file is not there. */
struct info {
	struct utsname uts;
	long disabled;		/* kernel.io_uring_disabled */
	long group;		/* kernel.io_uring_group */
	long seccomp;		/* Seccomp: in /proc/self/status */
	struct rlimit memlock;
	bool memlock_charged;	/* kernel before 5.12 */
	int setup_err;		/* errno of a plain setup, 0 when it worked */
	unsigned features;
	bool have_probe;
	int last_op;		/* highest opcode the kernel knows */
	bool op_supported[MAX_CODES];
	int flag_err[ARRAY_SIZE(setup_flags)];	/* 0: accepted */
	unsigned other_flags;	/* accepted bits this program has no name for */
	bool have_reg_probe;
	int last_reg;		/* highest registration opcode known */
	bool reg_known[MAX_CODES];
	unsigned max_sq, max_cq;
};

static const char *op_name(int op, char *buf, size_t len)
{
	if (op < (int) ARRAY_SIZE(op_names) && op_names[op])
		return op_names[op];
	snprintf(buf, len, "OP_%d", op);
	return buf;
}

static const char *reg_name(int op, char *buf, size_t len)
{
	if (op < (int) ARRAY_SIZE(reg_names) && reg_names[op])
		return reg_names[op];
	snprintf(buf, len, "REGISTER_OP_%d", op);
	return buf;
}

/* The number in a /proc file, or -1 when it cannot be read. */
static long read_proc_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long val;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

static long seccomp_mode(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long mode = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %ld", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

static bool kernel_before(const struct utsname *uts, int major, int minor)
{
	int ma = 0, mi = 0;

	if (sscanf(uts->release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma < major || (ma == major && mi < minor);
}

/* 0 when a ring with @flags can be set up, else the errno. */
static int try_setup(unsigned entries, struct io_uring_params *p,
		     struct io_uring *out)
{
	struct io_uring ring;
	int ret = io_uring_queue_init_params(entries, &ring, p);

	if (ret < 0)
		return -ret;
	if (out)
		*out = ring;
	else
		io_uring_queue_exit(&ring);
	return 0;
}

static int try_flag(const struct setup_flag *f)
{
	struct io_uring_params p;
	struct io_uring first;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = f->flag | f->with;
	if (f->flag == IORING_SETUP_CQSIZE)
		p.cq_entries = 16;
	if (f->flag == IORING_SETUP_SQ_AFF) {
		ret = sched_getcpu();
		p.sq_thread_cpu = ret < 0 ? 0 : (unsigned) ret;
	}
	if (f->flag != IORING_SETUP_ATTACH_WQ)
		return try_setup(4, &p, NULL);

	/* ATTACH_WQ shares the workers of another ring. */
	ret = io_uring_queue_init(4, &first, 0);
	if (ret < 0)
		return -ret;
	p.wq_fd = (unsigned) first.ring_fd;
	ret = try_setup(4, &p, NULL);
	io_uring_queue_exit(&first);
	return ret;
}

/*
 * Setup flags of kernels newer than this program: each bit it has no name
 * for, tried alone.  A flag that needs another one is missed.
 */
static unsigned other_setup_flags(void)
{
	struct io_uring_params p;
	unsigned known = 0, found = 0, bit;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(setup_flags); i++)
		known |= setup_flags[i].flag;
	for (bit = 1; bit; bit <<= 1) {
		if (known & bit)
			continue;
		memset(&p, 0, sizeof(p));
		p.flags = bit;
		if (try_setup(4, &p, NULL) == 0)
			found |= bit;
	}
	return found;
}

/*
 * Whether the kernel knows registration opcode @op: a restriction naming
 * an opcode past the kernel's last fails with EINVAL (5.10 and later).
 * Returns 1 known, 0 unknown, -errno when the question cannot be asked.
 */
static int reg_op_known(unsigned op)
{
	struct io_uring_restriction res;
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(1, &ring, IORING_SETUP_R_DISABLED);
	if (ret < 0)
		return ret;
	memset(&res, 0, sizeof(res));
	res.opcode = IORING_RESTRICTION_REGISTER_OP;
	res.register_op = (__u8) op;
	ret = io_uring_register_restrictions(&ring, &res, 1);
	io_uring_queue_exit(&ring);
	if (ret == -EINVAL)
		return 0;
	return ret < 0 ? ret : 1;
}

/* The largest SQ and CQ the kernel gives, asking for more with CLAMP. */
static void largest_ring(struct info *in)
{
	struct io_uring_params p;
	struct io_uring ring;
	unsigned entries;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CLAMP | IORING_SETUP_CQSIZE;
	p.cq_entries = 1U << 30;
	if (try_setup(1U << 30, &p, &ring) == 0) {
		in->max_sq = p.sq_entries;
		in->max_cq = p.cq_entries;
		io_uring_queue_exit(&ring);
		return;
	}
	/* No CLAMP (before 5.6) or not enough memory: double until refused. */
	for (entries = 1; entries && entries <= 1U << 20; entries <<= 1) {
		memset(&p, 0, sizeof(p));
		if (try_setup(entries, &p, &ring))
			break;
		in->max_sq = p.sq_entries;
		in->max_cq = p.cq_entries;
		io_uring_queue_exit(&ring);
	}
}

static void gather(struct info *in)
{
	struct io_uring_params p;
	struct io_uring_probe *probe;
	struct io_uring ring;
	size_t i;
	int op, ret;

	memset(in, 0, sizeof(*in));
	if (uname(&in->uts) < 0)
		strcpy(in->uts.release, "unknown");
	in->disabled = read_proc_number("/proc/sys/kernel/io_uring_disabled");
	in->group = read_proc_number("/proc/sys/kernel/io_uring_group");
	in->seccomp = seccomp_mode();
	getrlimit(RLIMIT_MEMLOCK, &in->memlock);
	in->memlock_charged = kernel_before(&in->uts, 5, 12);
	in->last_op = -1;
	in->last_reg = -1;

	memset(&p, 0, sizeof(p));
	in->setup_err = try_setup(4, &p, &ring);
	if (in->setup_err)
		return;
	in->features = p.features;
	io_uring_queue_exit(&ring);

	probe = io_uring_get_probe();
	if (probe) {
		in->have_probe = true;
		in->last_op = probe->last_op;
		for (op = 0; op <= in->last_op; op++)
			in->op_supported[op] =
				io_uring_opcode_supported(probe, op);
		io_uring_free_probe(probe);
	}

	for (i = 0; i < ARRAY_SIZE(setup_flags); i++)
		in->flag_err[i] = try_flag(&setup_flags[i]);
	in->other_flags = other_setup_flags();

	ret = reg_op_known(0);
	if (ret >= 0) {
		in->have_reg_probe = true;
		for (op = 0; op < REG_CODES_TRIED; op++) {
			in->reg_known[op] = reg_op_known((unsigned) op) == 1;
			if (in->reg_known[op])
				in->last_reg = op;
		}
	}
	largest_ring(in);
}

static bool usable(const struct info *in)
{
	return in->setup_err == 0;
}

static const char *disabled_meaning(long v)
{
	switch (v) {
	case 0:
		return "io_uring is enabled for everyone";
	case 1:
		return "only members of io_uring_group and CAP_SYS_ADMIN may create rings";
	case 2:
		return "io_uring is disabled for everyone";
	default:
		return "no such setting (before Linux 6.6): io_uring is enabled";
	}
}

static const char *seccomp_meaning(long v)
{
	switch (v) {
	case 0:
		return "no filter";
	case 1:
		return "strict mode: only read, write, exit and sigreturn";
	case 2:
		return "a filter is installed; it may block the io_uring system calls";
	default:
		return "unknown";
	}
}

/* The likely reason a plain ring setup failed with @err. */
static const char *setup_cause(const struct info *in, int err)
{
	switch (err) {
	case ENOSYS:
		return "the kernel has no io_uring (CONFIG_IO_URING off, or older "
		       "than 5.1), or a seccomp filter answers ENOSYS";
	case EPERM:
	case EACCES:
		if (in->disabled == 2)
			return "kernel.io_uring_disabled is 2: io_uring is off "
			       "for everyone";
		if (in->disabled == 1)
			return "kernel.io_uring_disabled is 1: only members of "
			       "kernel.io_uring_group and CAP_SYS_ADMIN may use it";
		if (in->seccomp == 2)
			return "a seccomp filter blocks io_uring (container "
			       "runtimes' default profiles do)";
		return "a security policy (seccomp, SELinux, AppArmor) "
		       "forbids io_uring";
	case ENOMEM:
		if (in->memlock_charged)
			return "kernels before 5.12 charge ring memory to "
			       "RLIMIT_MEMLOCK: raise it (ulimit -l)";
		return "the kernel is out of memory";
	case EMFILE:
	case ENFILE:
		return "no file descriptor left for the ring";
	case EINVAL:
		return "the kernel rejected the ring's parameters";
	default:
		return strerror(err);
	}
}

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case ENOMEM: return "ENOMEM";
	case EMFILE: return "EMFILE";
	case ENFILE: return "ENFILE";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EBUSY: return "EBUSY";
	case ENXIO: return "ENXIO";
	default: return "errno";
	}
}

static int count_ops(const struct info *in)
{
	int op, n = 0;

	for (op = 0; op <= in->last_op; op++)
		n += in->op_supported[op];
	return n;
}

/* Opcodes to list: every one we have a name for and every one the kernel
 * knows. */
static int ops_to_list(const struct info *in)
{
	int n = (int) ARRAY_SIZE(op_names);

	return in->last_op + 1 > n ? in->last_op + 1 : n;
}

static int regs_to_list(const struct info *in)
{
	int n = (int) ARRAY_SIZE(reg_names);

	return in->last_reg + 1 > n ? in->last_reg + 1 : n;
}

/* Feature bits of a kernel newer than this program's header. */
static unsigned unknown_features(const struct info *in)
{
	unsigned known = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		known |= feature_names[i].bit;
	return in->features & ~known;
}

static void print_limit(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("unlimited");
	else
		printf("%llu", (unsigned long long) v);
}

static void print_text(const struct info *in)
{
	char buf[32];
	size_t i;
	int op;

	printf("kernel:             %s\n", in->uts.release);
	printf("library:            liburing-compatible %d.%d\n",
	       io_uring_major_version(), io_uring_minor_version());
	if (usable(in))
		printf("io_uring:           usable\n");
	else
		printf("io_uring:           NOT usable: setup fails with %s "
		       "(%s): %s\n", errno_name(in->setup_err),
		       strerror(in->setup_err), setup_cause(in, in->setup_err));
	if (in->disabled >= 0)
		printf("io_uring_disabled:  %ld (%s)\n", in->disabled,
		       disabled_meaning(in->disabled));
	else
		printf("io_uring_disabled:  - (%s)\n", disabled_meaning(-1));
	if (in->group >= 0 || in->disabled >= 0)
		printf("io_uring_group:     %ld%s\n", in->group,
		       in->group == -1 ? " (none)" : "");
	printf("seccomp:            %ld (%s)\n", in->seccomp,
	       seccomp_meaning(in->seccomp));
	printf("RLIMIT_MEMLOCK:     ");
	print_limit(in->memlock.rlim_cur);
	printf(" soft, ");
	print_limit(in->memlock.rlim_max);
	printf(" hard bytes (%s)\n", in->memlock_charged ?
	       "this kernel charges ring memory to it" :
	       "not charged for rings since 5.12");
	if (!usable(in))
		return;

	printf("largest ring:       %u SQ entries, %u CQ entries\n",
	       in->max_sq, in->max_cq);
	printf("features:           0x%x", in->features);
	for (i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (in->features & feature_names[i].bit)
			printf(" %s", feature_names[i].name);
	if (unknown_features(in))
		printf(" and 0x%x (newer than this program)",
		       unknown_features(in));
	printf("\n");

	if (in->have_probe) {
		printf("\nopcodes: %d supported, the kernel knows 0-%d\n",
		       count_ops(in), in->last_op);
		for (op = 0; op < ops_to_list(in); op++)
			printf("  %3d  %-20s %s\n", op,
			       op_name(op, buf, sizeof(buf)),
			       in->op_supported[op] ? "yes" : "no");
	} else {
		printf("\nopcodes: no probe (before Linux 5.6)\n");
	}

	printf("\nsetup flags:\n");
	for (i = 0; i < ARRAY_SIZE(setup_flags); i++) {
		int err = in->flag_err[i];

		printf("  0x%08x  %-20s %s", setup_flags[i].flag,
		       setup_flags[i].name, err ? "no" : "yes");
		if (err && err != EINVAL)
			printf(" (%s)", errno_name(err));
		printf("\n");
	}
	for (i = 0; i < 32; i++)
		if (in->other_flags & (1U << i))
			printf("  0x%08x  %-20s yes (newer than this program)\n",
			       1U << i, "?");

	if (in->have_reg_probe) {
		printf("\nregistration opcodes: the kernel knows 0-%d\n",
		       in->last_reg);
		for (op = 0; op < regs_to_list(in); op++)
			printf("  %3d  %-28s %s\n", op,
			       reg_name(op, buf, sizeof(buf)),
			       in->reg_known[op] ? "yes" : "no");
	} else {
		printf("\nregistration opcodes: cannot be probed (restrictions "
		       "need Linux 5.10)\n");
	}
}

/* Every string printed is ours or the kernel release, which holds no
 * character JSON would need escaped; escape anyway, cheaply. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char) *s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_limit(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("null");
	else
		printf("%llu", (unsigned long long) v);
}

static void json_proc_number(long v)
{
	if (v < 0)
		printf("null");
	else
		printf("%ld", v);
}

static void print_json(const struct info *in)
{
	char buf[32];
	size_t i;
	int op;
	bool first;

	printf("{\n  \"kernel\": ");
	json_string(in->uts.release);
	printf(",\n  \"library\": \"%d.%d\",\n", io_uring_major_version(),
	       io_uring_minor_version());
	printf("  \"usable\": %s,\n", usable(in) ? "true" : "false");
	if (usable(in)) {
		printf("  \"setup_error\": null,\n");
	} else {
		printf("  \"setup_error\": {\"errno\": %d, \"name\": \"%s\", "
		       "\"cause\": ", in->setup_err, errno_name(in->setup_err));
		json_string(setup_cause(in, in->setup_err));
		printf("},\n");
	}
	printf("  \"io_uring_disabled\": ");
	json_proc_number(in->disabled);
	printf(",\n  \"io_uring_group\": ");
	if (in->disabled < 0 && in->group < 0)
		printf("null");
	else
		printf("%ld", in->group);
	printf(",\n  \"seccomp\": ");
	json_proc_number(in->seccomp);
	printf(",\n  \"memlock\": {\"soft\": ");
	json_limit(in->memlock.rlim_cur);
	printf(", \"hard\": ");
	json_limit(in->memlock.rlim_max);
	printf(", \"charged_for_rings\": %s},\n",
	       in->memlock_charged ? "true" : "false");

	if (usable(in))
		printf("  \"largest_ring\": {\"sq_entries\": %u, "
		       "\"cq_entries\": %u},\n", in->max_sq, in->max_cq);
	else
		printf("  \"largest_ring\": null,\n");

	printf("  \"features\": {\"value\": %u, \"names\": [", in->features);
	first = true;
	for (i = 0; i < ARRAY_SIZE(feature_names); i++) {
		if (!(in->features & feature_names[i].bit))
			continue;
		printf("%s\"%s\"", first ? "" : ", ", feature_names[i].name);
		first = false;
	}
	printf("]},\n");

	printf("  \"opcodes\": ");
	if (in->have_probe) {
		printf("[");
		for (op = 0; op < ops_to_list(in); op++)
			printf("%s\n    {\"number\": %d, \"name\": \"%s\", "
			       "\"supported\": %s}", op ? "," : "", op,
			       op_name(op, buf, sizeof(buf)),
			       in->op_supported[op] ? "true" : "false");
		printf("\n  ],\n");
	} else {
		printf("null,\n");
	}

	printf("  \"setup_flags\": ");
	if (usable(in)) {
		printf("[");
		for (i = 0; i < ARRAY_SIZE(setup_flags); i++)
			printf("%s\n    {\"value\": %u, \"name\": \"%s\", "
			       "\"supported\": %s, \"errno\": %d}",
			       i ? "," : "", setup_flags[i].flag,
			       setup_flags[i].name,
			       in->flag_err[i] ? "false" : "true",
			       in->flag_err[i]);
		for (i = 0; i < 32; i++)
			if (in->other_flags & (1U << i))
				printf(",\n    {\"value\": %u, \"name\": null, "
				       "\"supported\": true, \"errno\": 0}",
				       1U << i);
		printf("\n  ],\n");
	} else {
		printf("null,\n");
	}

	printf("  \"register_opcodes\": ");
	if (in->have_reg_probe) {
		printf("[");
		for (op = 0; op < regs_to_list(in); op++)
			printf("%s\n    {\"number\": %d, \"name\": \"%s\", "
			       "\"supported\": %s}", op ? "," : "", op,
			       reg_name(op, buf, sizeof(buf)),
			       in->reg_known[op] ? "true" : "false");
		printf("\n  ]\n");
	} else {
		printf("null\n");
	}
	printf("}\n");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: io_uring-info [--json]\n");
}

int main(int argc, char *argv[])
{
	static struct info in;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	gather(&in);
	if (json)
		print_json(&in);
	else
		print_text(&in);
	if (fflush(stdout) == EOF || ferror(stdout))
		return 1;
	return usable(&in) ? 0 : 1;
}
