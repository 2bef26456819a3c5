/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: each input is a little program of API calls run on a
 * real ring.  The first bytes choose the ring (size, setup flags); each
 * following byte picks an operation and the bytes after it its arguments.
 * Running out of input ends the program.
 *
 * Operations: get SQEs and prepare safe requests (NOP, reads and writes on
 * a memfd and a pipe, timeouts, cancels, links, fixed files and buffers,
 * buffer selection), submit in the various ways, peek and wait (every wait
 * bounded or made only when a CQE is ready), resize the rings, register
 * and unregister resources and the ring fd.
 *
 * Checked after every step:
 *	- each CQE belongs to a request submitted and not yet completed
 *	  (every user_data completes exactly once; the library's own filler
 *	  SQEs and internal timeouts never surface);
 *	- sq_ready + sq_space_left == SQ entries, cq_ready <= CQ entries, and
 *	  a successful submit leaves nothing ready on a ring without SQPOLL;
 *	- data read from the memfd is what is there.
 * At the end every request still in flight is cancelled or satisfied and
 * must complete within a few seconds (a hang aborts), and after
 * io_uring_queue_exit() no file descriptor is left open.  ASan, UBSan and
 * LeakSanitizer watch the rest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "liburing.h"

#define MAX_REQS	1024
#define MAX_STEPS	256
#define BUF_SZ		64
#define NR_BUFS		16
#define FILE_SZ		8192
#define BGID		3

struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned in_u8(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static unsigned in_u16(struct input *in)
{
	return in_u8(in) | in_u8(in) << 8;
}

enum req_kind { R_NOP, R_READ, R_WRITE, R_PIPE_READ, R_PIPE_WRITE,
		R_TIMEOUT, R_CANCEL, R_FIXED_READ, R_BUF_READ, R_LINK_TIMEOUT };

enum req_state { S_FREE, S_PREPARED, S_SUBMITTED, S_DONE };

struct req {
	enum req_state state;
	enum req_kind kind;
	int buf;		/* pool buffer for reads, -1 if none */
	unsigned off;		/* file offset read */
};

struct state {
	struct io_uring ring;
	bool sqpoll, defer, mixed;
	struct req reqs[MAX_REQS];
	unsigned nr_reqs;	/* user_data handed out: 1 .. nr_reqs */
	unsigned prepared;	/* got an SQE, not submitted yet */
	unsigned in_flight;
	unsigned pipe_reads;	/* pending reads on the pipe */
	int memfd, scratch, pipe[2];
	unsigned char bufs[NR_BUFS][BUF_SZ];
	bool buf_busy[NR_BUFS];
	bool files_registered, bufs_registered, ring_fd_registered;
	struct io_uring_buf_ring *br;
	unsigned char pbufs[8][BUF_SZ];
	struct __kernel_timespec ts[MAX_REQS];
	struct io_uring_sqe *last_sqe;	/* last prepared, not submitted */
};

static bool trace;

#define TRACE(...)							\
	do {								\
		if (trace)						\
			fprintf(stderr, __VA_ARGS__);			\
	} while (0)

static unsigned char file_byte(unsigned i)
{
	return (unsigned char) (i * 13 + 5);
}

static void bug(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz invariant broken: %s (%ld, %ld)\n", what, a, b);
	abort();
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

static int get_buf(struct state *s)
{
	int i;

	for (i = 0; i < NR_BUFS; i++) {
		if (!s->buf_busy[i]) {
			s->buf_busy[i] = true;
			return i;
		}
	}
	return -1;
}

/* Room for @n more requests, keeping some for the final drain. */
static bool room(const struct state *s, unsigned n)
{
	return s->nr_reqs + n < MAX_REQS - 64;
}

/* A new request id for @sqe (the caller checked there is room). */
static unsigned new_req(struct state *s, struct io_uring_sqe *sqe,
			enum req_kind kind, int buf, unsigned off)
{
	struct req *r;

	if (s->nr_reqs + 1 >= MAX_REQS)
		bug("request table full", s->nr_reqs, 0);
	r = &s->reqs[++s->nr_reqs];
	r->state = S_PREPARED;
	r->kind = kind;
	r->buf = buf;
	r->off = off;
	sqe->user_data = s->nr_reqs;
	s->prepared++;
	return s->nr_reqs;
}

static void check_rings(struct state *s)
{
	unsigned entries = s->ring.sq.ring_entries;
	unsigned ready = io_uring_sq_ready(&s->ring);
	unsigned space = io_uring_sq_space_left(&s->ring);

	if (!s->sqpoll && ready + space != entries)
		bug("sq_ready + sq_space_left != entries", ready + space,
		    entries);
	if (ready > entries)
		bug("sq_ready > entries", ready, entries);
	if (io_uring_cq_ready(&s->ring) > s->ring.cq.ring_entries)
		bug("cq_ready > cq entries", io_uring_cq_ready(&s->ring),
		    s->ring.cq.ring_entries);
}

/* Account for one CQE. */
static void complete(struct state *s, const struct io_uring_cqe *cqe)
{
	uint64_t id = cqe->user_data;
	struct req *r;

	if (id == 0 || id > s->nr_reqs)
		bug("CQE with unknown user_data", (long) id, s->nr_reqs);
	r = &s->reqs[id];
	if (r->state != S_SUBMITTED)
		bug("CQE for a request not in flight", (long) id, r->state);
	r->state = S_DONE;
	s->in_flight--;

	switch (r->kind) {
	case R_READ:
	case R_FIXED_READ:
		if (cqe->res > 0) {
			unsigned i;

			if (cqe->res > BUF_SZ)
				bug("read longer than asked", cqe->res, BUF_SZ);
			for (i = 0; i < (unsigned) cqe->res; i++)
				if (s->bufs[r->buf][i] != file_byte(r->off + i))
					bug("memfd data wrong", r->off + i,
					    s->bufs[r->buf][i]);
		}
		break;
	case R_PIPE_READ:
		s->pipe_reads--;
		break;
	case R_BUF_READ:
		s->pipe_reads--;
		if (cqe->res >= 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
			unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

			if (bid >= 8)
				bug("buffer id out of range", bid, 8);
			if (s->br) {
				io_uring_buf_ring_add(s->br, s->pbufs[bid], BUF_SZ,
						      (unsigned short) bid,
						      io_uring_buf_ring_mask(8), 0);
				io_uring_buf_ring_advance(s->br, 1);
			}
		}
		break;
	default:
		break;
	}
	if (r->buf >= 0 && r->kind != R_BUF_READ)
		s->buf_busy[r->buf] = false;
}

static unsigned cqe_shift(const struct state *s)
{
	return (s->ring.flags & IORING_SETUP_CQE32) ? 1 : 0;
}

/*
 * Entries io_uring_copy_cqes() wrote: 32 bytes each on CQE32 rings, and
 * one or two slots each on CQE_MIXED rings.
 */
static void complete_copies(struct state *s, struct io_uring_cqe *copies,
			    int nr)
{
	unsigned pos = 0;
	int i;

	for (i = 0; i < nr; i++) {
		complete(s, &copies[pos]);
		pos += cqe_shift(s) ? 2 : io_uring_cqe_nr(&copies[pos]);
	}
}

static unsigned reap_ready(struct state *s, unsigned how)
{
	struct io_uring_cqe *cqes[32], copies[32], *cqe;
	unsigned n = 0, i;
	int ret;

	switch (how % 4) {
	case 0:
		n = io_uring_peek_batch_cqe(&s->ring, cqes, 32);
		for (i = 0; i < n; i++)
			complete(s, cqes[i]);
		if (s->mixed) {
			/* Advance by slots: a 32-byte CQE takes two. */
			unsigned slots = 0;

			for (i = 0; i < n; i++)
				slots += io_uring_cqe_nr(cqes[i]);
			io_uring_cq_advance(&s->ring, slots);
		} else {
			io_uring_cq_advance(&s->ring, n);
		}
		break;
	case 1:
		ret = io_uring_copy_cqes(&s->ring, copies, 32 >> cqe_shift(s),
					 0, NULL);
		if (ret < 0 && ret != -EAGAIN)
			bug("copy_cqes", ret, 0);
		complete_copies(s, copies, ret);
		n = ret > 0 ? (unsigned) ret : 0;
		break;
	default:
		while (io_uring_peek_cqe(&s->ring, &cqe) == 0) {
			complete(s, cqe);
			io_uring_cqe_seen(&s->ring, cqe);
			n++;
		}
		break;
	}
	return n;
}

static void mark_submitted(struct state *s)
{
	unsigned i;

	for (i = 1; i <= s->nr_reqs; i++) {
		if (s->reqs[i].state == S_PREPARED) {
			s->reqs[i].state = S_SUBMITTED;
			s->in_flight++;
		}
	}
	s->prepared = 0;
	s->last_sqe = NULL;
}

/*
 * After any submitting call: SQEs published are now the kernel's.  With
 * @exact the call returns how many it submitted.  (The submit-and-wait
 * calls with a timeout, like liburing's, return 0 instead when a CQE was
 * already there to hand back.)
 */
static void after_submit(struct state *s, int ret, unsigned pending,
			 bool exact)
{
	if (ret >= 0) {
		if (!s->sqpoll && io_uring_sq_ready(&s->ring))
			bug("SQEs left after a successful submit",
			    io_uring_sq_ready(&s->ring), ret);
		if (!s->sqpoll && (unsigned) ret != pending &&
		    (exact || ret != 0))
			bug("submit count", ret, pending);
	}
	/*
	 * Even when the enter failed, the SQEs were published: they go in
	 * with the next submit.  Treat them as in flight either way.
	 */
	mark_submitted(s);
}

static void prep_one(struct state *s, struct input *in, unsigned op)
{
	struct io_uring_sqe *sqe;
	unsigned a = in_u8(in), id;
	int buf;

	if (!room(s, 1))
		return;
	sqe = io_uring_get_sqe(&s->ring);
	if (!sqe)
		return;
	switch (op) {
	case 0:
	default:
		io_uring_prep_nop(sqe);
		new_req(s, sqe, R_NOP, -1, 0);
		break;
	case 1:
		buf = get_buf(s);
		if (buf < 0) {
			io_uring_prep_nop(sqe);
			new_req(s, sqe, R_NOP, -1, 0);
			break;
		}
		io_uring_prep_read(sqe, s->memfd, s->bufs[buf], a % BUF_SZ + 1,
				   (a * 37) % (FILE_SZ + 64));
		new_req(s, sqe, R_READ, buf, (a * 37) % (FILE_SZ + 64));
		break;
	case 2:
		io_uring_prep_write(sqe, s->scratch, s->pbufs[0], a % BUF_SZ,
				    a * 3);
		new_req(s, sqe, R_WRITE, -1, 0);
		break;
	case 3:
		buf = get_buf(s);
		if (buf < 0 || s->pipe_reads > 32) {
			io_uring_prep_nop(sqe);
			new_req(s, sqe, R_NOP, -1, 0);
			if (buf >= 0)
				s->buf_busy[buf] = false;
			break;
		}
		io_uring_prep_read(sqe, s->pipe[0], s->bufs[buf], a % 16 + 1, 0);
		new_req(s, sqe, R_PIPE_READ, buf, 0);
		s->pipe_reads++;
		break;
	case 4:
		io_uring_prep_write(sqe, s->pipe[1], "0123456789abcdef", a % 16 + 1,
				    0);
		new_req(s, sqe, R_PIPE_WRITE, -1, 0);
		break;
	case 5:
		id = s->nr_reqs + 1;
		if (id >= MAX_REQS) {
			io_uring_prep_nop(sqe);
			new_req(s, sqe, R_NOP, -1, 0);
			break;
		}
		s->ts[id].tv_sec = 0;
		s->ts[id].tv_nsec = (a % 8) * 250000;	/* 0 .. 1.75 ms */
		io_uring_prep_timeout(sqe, &s->ts[id], a >> 6, 0);
		new_req(s, sqe, R_TIMEOUT, -1, 0);
		break;
	case 6:
		/* Cancel some earlier request, whatever its state. */
		if (s->nr_reqs && (a & 1))
			io_uring_prep_cancel64(sqe, 1 + in_u8(in) % s->nr_reqs, 0);
		else if (s->nr_reqs)
			io_uring_prep_timeout_remove(sqe,
						     1 + in_u8(in) % s->nr_reqs, 0);
		else
			io_uring_prep_nop(sqe);
		new_req(s, sqe, R_CANCEL, -1, 0);
		break;
	case 7:
		buf = get_buf(s);
		if (buf < 0 || !s->files_registered) {
			io_uring_prep_nop(sqe);
			new_req(s, sqe, R_NOP, -1, 0);
			if (buf >= 0)
				s->buf_busy[buf] = false;
			break;
		}
		if (s->bufs_registered) {
			io_uring_prep_read_fixed(sqe, 0, s->bufs[buf], BUF_SZ,
						 a * 11, 0);
		} else {
			io_uring_prep_read(sqe, 0, s->bufs[buf], BUF_SZ, a * 11);
		}
		sqe->flags |= IOSQE_FIXED_FILE;
		new_req(s, sqe, R_FIXED_READ, buf, a * 11);
		break;
	case 8:
		if (!s->br || s->pipe_reads > 32) {
			io_uring_prep_nop(sqe);
			new_req(s, sqe, R_NOP, -1, 0);
			break;
		}
		io_uring_prep_read(sqe, s->pipe[0], NULL, BUF_SZ, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
		new_req(s, sqe, R_BUF_READ, -1, 0);
		s->pipe_reads++;
		break;
	}
	/* Sometimes link it to what comes next, or force it async. */
	if ((a & 0x30) == 0x30)
		sqe->flags |= IOSQE_IO_LINK;
	else if ((a & 0x30) == 0x20 && op == 0)
		sqe->flags |= IOSQE_ASYNC;
	s->last_sqe = sqe;
}

static void do_submit(struct state *s, unsigned how, struct input *in)
{
	struct __kernel_timespec ts = { .tv_nsec = (in_u8(in) % 4) * 500000 };
	unsigned pending = io_uring_sq_ready(&s->ring);
	struct io_uring_cqe *cqe = NULL;
	int ret;

	switch (how % 6) {
	case 0:
		ret = io_uring_submit(&s->ring);
		break;
	case 1:
		ret = io_uring_submit_and_get_events(&s->ring);
		break;
	case 2:
		/* Waiting for 0 never blocks. */
		ret = io_uring_submit_and_wait(&s->ring, 0);
		break;
	case 3:
		ret = io_uring_submit_and_wait_timeout(&s->ring, &cqe, 1, &ts,
						       NULL);
		if (ret == -ETIME || ret == -EINTR)
			ret = (int) pending;
		break;
	case 4:
		ret = io_uring_submit_and_wait_min_timeout(&s->ring, &cqe, 2,
							   &ts, 100, NULL);
		if (ret == -ETIME || ret == -EINTR)
			ret = (int) pending;
		break;
	default: {
		/* Flush without entering, then enter for them. */
		unsigned n = io_uring_flush_sq(&s->ring);

		if (!s->sqpoll && n != pending)
			bug("flush_sq count", n, pending);
		ret = io_uring_submit(&s->ring);
		break;
	}
	}
	TRACE("  submit variant %u: %d of %u\n", how % 6, ret, pending);
	if (ret < 0 && ret != -EBUSY && ret != -EAGAIN && ret != -EINTR)
		bug("submit failed", ret, how % 6);
	after_submit(s, ret, pending, how % 6 != 3 && how % 6 != 4);
}

static void do_wait(struct state *s, unsigned how, struct input *in)
{
	struct __kernel_timespec ts = { .tv_nsec = (in_u8(in) % 4) * 250000 };
	struct io_uring_cqe *cqe = NULL, copies[8];
	int ret;

	switch (how % 5) {
	case 0:
		ret = io_uring_wait_cqe_timeout(&s->ring, &cqe, &ts);
		break;
	case 1:
		ret = io_uring_wait_cqes(&s->ring, &cqe, 1 + how % 3, &ts, NULL);
		break;
	case 2:
		ret = io_uring_wait_cqes_min_timeout(&s->ring, &cqe, 2, &ts, 50,
						     NULL);
		break;
	case 3:
		ret = io_uring_copy_cqes(&s->ring, copies, 8 >> cqe_shift(s), 1,
					 &ts);
		if (ret > 0) {
			complete_copies(s, copies, ret);
			ret = 0;
		}
		break;
	default:
		/* Unbounded waits only when a CQE is already there. */
		if (!io_uring_cq_ready(&s->ring))
			return;
		ret = io_uring_wait_cqe(&s->ring, &cqe);
		if (ret || !cqe)
			bug("wait_cqe with a CQE ready", ret, 0);
		break;
	}
	if (ret && ret != -ETIME && ret != -EINTR && ret != -EAGAIN)
		bug("wait failed", ret, how % 5);
	if (!ret && cqe && (how % 5) != 3) {
		complete(s, cqe);
		io_uring_cqe_seen(&s->ring, cqe);
	}
}

static void do_register(struct state *s, unsigned what, struct input *in)
{
	int ret, err;

	switch (what % 8) {
	case 0:
		if (s->files_registered) {
			ret = io_uring_unregister_files(&s->ring);
			if (!ret)
				s->files_registered = false;
		} else {
			int fds[2] = { s->memfd, s->scratch };

			ret = io_uring_register_files(&s->ring, fds, 2);
			if (!ret)
				s->files_registered = true;
		}
		break;
	case 1:
		if (s->files_registered) {
			int fd = s->memfd;

			ret = io_uring_register_files_update(&s->ring, 0, &fd, 1);
			if (ret != 1 && ret != -EBUSY)
				bug("files_update", ret, 1);
		}
		break;
	case 2:
		if (s->bufs_registered) {
			ret = io_uring_unregister_buffers(&s->ring);
			if (!ret)
				s->bufs_registered = false;
		} else {
			struct iovec iov = { s->bufs, sizeof(s->bufs) };

			ret = io_uring_register_buffers(&s->ring, &iov, 1);
			if (!ret)
				s->bufs_registered = true;
		}
		break;
	case 3:
		if (s->ring_fd_registered) {
			ret = io_uring_unregister_ring_fd(&s->ring);
			if (ret == 1)
				s->ring_fd_registered = false;
			else
				bug("unregister_ring_fd", ret, 0);
		} else {
			ret = io_uring_register_ring_fd(&s->ring);
			if (ret == 1)
				s->ring_fd_registered = true;
			else if (ret != -EEXIST)
				bug("register_ring_fd", ret, 0);
		}
		break;
	case 4:
		if (s->br) {
			/* Only with no read selecting from it in flight. */
			unsigned i;

			for (i = 1; i <= s->nr_reqs; i++)
				if (s->reqs[i].kind == R_BUF_READ &&
				    s->reqs[i].state != S_DONE)
					return;
			ret = io_uring_free_buf_ring(&s->ring, s->br, 8, BGID);
			if (ret)
				bug("free_buf_ring", ret, 0);
			s->br = NULL;
		} else {
			unsigned i;

			s->br = io_uring_setup_buf_ring(&s->ring, 8, BGID,
							in_u8(in) & 1 ?
							IOU_PBUF_RING_MMAP : 0,
							&err);
			if (!s->br)
				bug("setup_buf_ring", err, 0);
			for (i = 0; i < 8; i++)
				io_uring_buf_ring_add(s->br, s->pbufs[i], BUF_SZ,
						      (unsigned short) i,
						      io_uring_buf_ring_mask(8),
						      (int) i);
			io_uring_buf_ring_advance(s->br, 8);
		}
		break;
	case 5: {
		struct io_uring_probe *p = io_uring_get_probe_ring(&s->ring);

		if (!p || !io_uring_opcode_supported(p, IORING_OP_NOP))
			bug("probe", 0, 0);
		io_uring_free_probe(p);
		break;
	}
	case 6: {
		/* Resize: submit first, as the API asks. */
		struct io_uring_params p;
		unsigned pending = io_uring_sq_ready(&s->ring);

		ret = io_uring_submit(&s->ring);
		after_submit(s, ret, pending, true);
		memset(&p, 0, sizeof(p));
		p.sq_entries = 1U << (in_u8(in) % 8);
		p.cq_entries = p.sq_entries << (in_u8(in) % 3);
		p.flags = IORING_SETUP_CQSIZE;
		ret = io_uring_resize_rings(&s->ring, &p);
		if (ret && ret != -EINVAL && ret != -EOVERFLOW &&
		    ret != -EEXIST && ret != -EBUSY)
			bug("resize_rings", ret, 0);
		if (!ret && (s->ring.sq.ring_entries != p.sq_entries ||
			     s->ring.cq.ring_entries != p.cq_entries))
			bug("resized ring sizes", s->ring.sq.ring_entries,
			    s->ring.cq.ring_entries);
		break;
	}
	default:
		ret = io_uring_ring_dontfork(&s->ring);
		if (ret)
			bug("ring_dontfork", ret, 0);
		break;
	}
	check_rings(s);
}

/* Adjacent SQEs in one go (extension); the filler NOPs post nothing. */
static void do_get_sqes(struct state *s, struct input *in)
{
	unsigned n = 1 + in_u8(in) % 4, i;
	unsigned shift = (s->ring.flags & IORING_SETUP_SQE128) ? 1 : 0;
	struct io_uring_sqe *sqe;

	if (!room(s, n))
		return;
	sqe = io_uring_get_sqes(&s->ring, n);
	if (!sqe)
		return;
	for (i = 0; i < n; i++) {
		io_uring_prep_nop(&sqe[i << shift]);
		new_req(s, &sqe[i << shift], R_NOP, -1, 0);
	}
	s->last_sqe = &sqe[(n - 1) << shift];
}

/* Cancel or satisfy everything in flight; all of it must come back. */
static void drain(struct state *s)
{
	struct __kernel_timespec ts = { .tv_nsec = 50 * 1000000 };
	struct timespec start, now;
	unsigned pending;
	int ret;

	/* Unsubmitted SQEs go in first (a dangling link gets closed). */
	pending = io_uring_sq_ready(&s->ring);
	ret = io_uring_submit(&s->ring);
	after_submit(s, ret, pending, true);

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (s->in_flight) {
		struct io_uring_sqe *sqe;
		struct io_uring_cqe *cqe;

		/* Wake the pipe readers, then cancel whatever still waits. */
		if (s->pipe_reads) {
			static const char fill[16 * 40];

			if (write(s->pipe[1], fill, sizeof(fill)) < 0)
				bug("pipe write", errno, 0);
		}
		sqe = s->nr_reqs + 1 < MAX_REQS ? io_uring_get_sqe(&s->ring) :
						   NULL;
		if (sqe) {
			io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
			new_req(s, sqe, R_CANCEL, -1, 0);
			pending = io_uring_sq_ready(&s->ring);
			ret = io_uring_submit(&s->ring);
			after_submit(s, ret, pending, true);
		}
		while (s->in_flight) {
			ret = io_uring_wait_cqe_timeout(&s->ring, &cqe, &ts);
			if (ret)
				break;
			complete(s, cqe);
			io_uring_cqe_seen(&s->ring, cqe);
		}
		reap_ready(s, 0);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			bug("requests never completed", s->in_flight, 0);
	}
	if (io_uring_cq_ready(&s->ring))
		bug("CQEs beyond what was submitted", io_uring_cq_ready(&s->ring),
		    0);
}

static const unsigned flag_choices[] = {
	IORING_SETUP_CQSIZE,
	IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
	IORING_SETUP_SQE128,
	IORING_SETUP_CQE32,
	IORING_SETUP_NO_SQARRAY,
	IORING_SETUP_SUBMIT_ALL,
	IORING_SETUP_NO_MMAP,
	IORING_SETUP_CQE_MIXED,
	IORING_SETUP_CLAMP,
	IORING_SETUP_R_DISABLED,
	IORING_SETUP_SQPOLL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state st;
	struct state *s = &st;
	struct input in = { data, size };
	struct io_uring_params p;
	unsigned fmask, i, steps;
	int fds_before = count_fds(), ret;
	unsigned char file[FILE_SZ];

	trace = getenv("FUZZ_TRACE") != NULL;
	memset(s, 0, sizeof(*s));
	memset(&p, 0, sizeof(p));
	fmask = in_u16(&in);
	for (i = 0; i < sizeof(flag_choices) / sizeof(flag_choices[0]); i++)
		if (fmask & (1U << i))
			p.flags |= flag_choices[i];
	/* An SQPOLL thread per input is slow: only when asked twice. */
	if ((p.flags & IORING_SETUP_SQPOLL) && !(fmask & 0x8000))
		p.flags &= ~IORING_SETUP_SQPOLL;
	p.cq_entries = 1U << (in_u8(&in) % 10);
	p.sq_thread_idle = 1;

	memset(&s->ring, 0x6b, sizeof(s->ring));
	i = 1U << (in_u8(&in) % 8);
	ret = io_uring_queue_init_params(i, &s->ring, &p);
	TRACE("setup %u entries, flags %#x, cq %u: %d\n", i, p.flags,
	      p.cq_entries, ret);
	if (ret) {
		if (s->ring.ring_fd != -1 || s->ring.sq.ring_ptr)
			bug("failed setup left a live struct", ret,
			    s->ring.ring_fd);
		if (count_fds() != fds_before)
			bug("failed setup leaked an fd", ret, 0);
		return 0;
	}
	s->sqpoll = p.flags & IORING_SETUP_SQPOLL;
	s->defer = p.flags & IORING_SETUP_DEFER_TASKRUN;
	s->mixed = p.flags & IORING_SETUP_CQE_MIXED;
	if (p.flags & IORING_SETUP_R_DISABLED) {
		ret = io_uring_enable_rings(&s->ring);
		if (ret)
			bug("enable_rings", ret, 0);
	}

	s->memfd = memfd_create("fuzz", 0);
	s->scratch = memfd_create("fuzz-scratch", 0);
	if (s->memfd < 0 || s->scratch < 0 || pipe(s->pipe))
		abort();
	for (i = 0; i < FILE_SZ; i++)
		file[i] = file_byte(i);
	if (write(s->memfd, file, FILE_SZ) != FILE_SZ)
		abort();
	check_rings(s);

	for (steps = 0; in.left && steps < MAX_STEPS; steps++) {
		unsigned op = in_u8(&in);

		TRACE("step %u: op %#x, sq_ready %u, cq_ready %u, in flight %u\n",
		      steps, op, io_uring_sq_ready(&s->ring),
		      io_uring_cq_ready(&s->ring), s->in_flight);
		switch (op >> 4) {
		case 0: case 1: case 2: case 3: case 4: case 5:
			prep_one(s, &in, op % 9);
			break;
		case 6: case 7: case 8:
			do_submit(s, op, &in);
			break;
		case 9: case 10:
			do_wait(s, op, &in);
			break;
		case 11: case 12:
			reap_ready(s, op);
			break;
		case 13:
			do_register(s, op, &in);
			break;
		case 14:
			do_get_sqes(s, &in);
			break;
		default:
			ret = io_uring_get_events(&s->ring);
			if (ret < 0 && ret != -EINTR && ret != -EBUSY)
				bug("get_events", ret, 0);
			break;
		}
		check_rings(s);
	}

	drain(s);
	for (i = 1; i <= s->nr_reqs; i++)
		if (s->reqs[i].state != S_DONE)
			bug("request never completed", i, s->reqs[i].state);

	if (s->br)
		io_uring_free_buf_ring(&s->ring, s->br, 8, BGID);
	io_uring_queue_exit(&s->ring);
	close(s->memfd);
	close(s->scratch);
	close(s->pipe[0]);
	close(s->pipe[1]);
	if (count_fds() != fds_before)
		bug("file descriptors leaked", count_fds(), fds_before);
	return 0;
}
