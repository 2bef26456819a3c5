/* SPDX-License-Identifier: MIT */
/*
 * echo-server: a TCP echo server driven by one ring.
 *
 *	echo-server [-a ADDR] [-p PORT] [-n CONNS] [-b BUFFERS]
 *
 * One multishot ACCEPT takes every new connection.  Each connection has
 * one multishot RECV that picks its buffers from a provided-buffer ring
 * (io_uring_setup_buf_ring); every buffer that arrives is sent back with a
 * SEND, one at a time per connection so that the bytes keep their order,
 * and returns to the buffer ring when the send is done.
 *
 * SIGINT and SIGTERM arrive through a signalfd read by the ring: the
 * server stops accepting, shuts down every open connection, waits for
 * their requests to finish and exits 0.  With -n it does the same once
 * CONNS connections have come and gone.  With -p 0 the kernel picks the
 * port; either way the first line printed is "listening on ADDR:PORT".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define BGID		0
#define BUF_SIZE	4096

/* user_data: a pointer (8-byte aligned) or 0, with the request type in
 * the low three bits. */
enum {
	REQ_ACCEPT = 1,
	REQ_RECV,
	REQ_SEND,
	REQ_SIGNAL,
	REQ_CANCEL,
};
#define REQ_MASK	7UL

struct conn {
	int fd;
	bool recv_armed;	/* a multishot recv is in flight */
	bool recv_done;		/* end of stream or error */
	bool stalled;		/* recv ran out of buffers: re-arm later */
	bool sending;		/* a send of the head buffer in flight */
	bool broken;		/* a send failed: drop what is queued */
	int q_head, q_tail;	/* queued buffer ids, linked by buf_next */
	unsigned sent;		/* bytes of the head buffer sent */
	struct conn *prev, *next;
};

struct server {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	unsigned nr_bufs;
	char *bufs;
	unsigned *buf_len;	/* bytes received into each buffer */
	int *buf_next;		/* next buffer in a connection's queue */

	int listen_fd, sig_fd;
	struct signalfd_siginfo si;
	bool accept_armed, stopping;
	unsigned nr_stalled;	/* connections waiting for buffers */
	unsigned bufs_out;	/* buffers taken by recv, not yet back */
	unsigned long max_conns;	/* 0: no limit */
	unsigned long accepted, closed, live;
	unsigned long long bytes;
	struct conn conns;	/* list head of open connections */
};

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-a ADDR] [-p PORT] [-n CONNS] [-b BUFFERS]\n"
		"  -a  IPv4 address to listen on (default 127.0.0.1)\n"
		"  -p  TCP port, 0 lets the kernel pick (default 8000)\n"
		"  -n  exit after CONNS connections have closed\n"
		"  -b  provided buffers of 4 KiB, a power of two 1-32768"
		" (default 256)\n", prog);
	exit(2);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *s != '-' && *val <= max;
}

static __u64 ud(int type, void *ptr)
{
	return (__u64) (uintptr_t) ptr | (__u64) type;
}

static struct io_uring_sqe *get_sqe(struct server *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);

	if (!sqe) {
		io_uring_submit(&s->ring);
		sqe = io_uring_get_sqe(&s->ring);
	}
	if (!sqe) {
		fprintf(stderr, "echo-server: submission queue stuck full\n");
		exit(1);
	}
	return sqe;
}

static char *buf_addr(struct server *s, int bid)
{
	return s->bufs + (size_t) bid * BUF_SIZE;
}

static void arm_accept(struct server *s)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_multishot_accept(sqe, s->listen_fd, NULL, NULL, 0);
	io_uring_sqe_set_data64(sqe, ud(REQ_ACCEPT, NULL));
	s->accept_armed = true;
}

static void arm_recv(struct server *s, struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, ud(REQ_RECV, c));
	c->recv_armed = true;
	if (c->stalled)
		s->nr_stalled--;
	c->stalled = false;
}

static void arm_signal(struct server *s)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_read(sqe, s->sig_fd, &s->si, sizeof(s->si), 0);
	io_uring_sqe_set_data64(sqe, ud(REQ_SIGNAL, NULL));
}

/* Arm the recv of every connection that ran out of buffers. */
static void wake_stalled(struct server *s)
{
	struct conn *c;

	for (c = s->conns.next; c != &s->conns && s->nr_stalled; c = c->next)
		if (c->stalled)
			arm_recv(s, c);
}

/* Give buffer @bid back to the kernel and wake connections starved of
 * buffers. */
static void recycle(struct server *s, int bid)
{
	io_uring_buf_ring_add(s->br, buf_addr(s, bid), BUF_SIZE, (__u16) bid,
			      io_uring_buf_ring_mask(s->nr_bufs), 0);
	io_uring_buf_ring_advance(s->br, 1);
	s->bufs_out--;
	if (s->nr_stalled)
		wake_stalled(s);
}

static void send_head(struct server *s, struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe(s);
	int bid = c->q_head;

	io_uring_prep_send(sqe, c->fd, buf_addr(s, bid) + c->sent,
			   s->buf_len[bid] - c->sent, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, ud(REQ_SEND, c));
	c->sending = true;
}

static void conn_close_if_idle(struct server *s, struct conn *c)
{
	if (c->recv_armed || c->sending)
		return;
	while (c->q_head >= 0) {
		int bid = c->q_head;

		c->q_head = s->buf_next[bid];
		recycle(s, bid);
	}
	close(c->fd);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	free(c);
	s->live--;
	s->closed++;
	if (s->max_conns && s->closed >= s->max_conns && !s->stopping) {
		printf("echo-server: %lu connections served, stopping\n",
		       s->closed);
		s->stopping = true;
	}
}

/* Stop: no new connections, and end every open one.  Shutting a socket
 * down ends its multishot recv with a 0 result. */
static void stop(struct server *s)
{
	struct conn *c, *next;

	if (s->accept_armed) {
		struct io_uring_sqe *sqe = get_sqe(s);

		io_uring_prep_cancel64(sqe, ud(REQ_ACCEPT, NULL), 0);
		io_uring_sqe_set_data64(sqe, ud(REQ_CANCEL, NULL));
	}
	for (c = s->conns.next; c != &s->conns; c = next) {
		next = c->next;
		shutdown(c->fd, SHUT_RDWR);
		if (c->stalled) {
			/* No recv in flight to report the end: close now. */
			c->stalled = false;
			s->nr_stalled--;
			c->recv_done = true;
			conn_close_if_idle(s, c);
		}
	}
}

static void on_accept(struct server *s, struct io_uring_cqe *cqe)
{
	struct conn *c;
	int one = 1;

	if (!(cqe->flags & IORING_CQE_F_MORE)) {
		s->accept_armed = false;
		if (!s->stopping)
			arm_accept(s);
	}
	if (cqe->res < 0) {
		if (cqe->res != -ECANCELED)
			fprintf(stderr, "echo-server: accept: %s\n",
				strerror(-cqe->res));
		return;
	}
	if (s->stopping) {
		close(cqe->res);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cqe->res);
		return;
	}
	c->fd = cqe->res;
	c->q_head = c->q_tail = -1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->next = s->conns.next;
	c->prev = &s->conns;
	c->next->prev = c;
	s->conns.next = c;
	s->accepted++;
	s->live++;
	arm_recv(s, c);
}

static void on_recv(struct server *s, struct conn *c, struct io_uring_cqe *cqe)
{
	if (cqe->res > 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
		int bid = (int) (cqe->flags >> IORING_CQE_BUFFER_SHIFT);

		s->bufs_out++;
		if (c->broken) {
			recycle(s, bid);
		} else {
			s->buf_len[bid] = (unsigned) cqe->res;
			s->buf_next[bid] = -1;
			if (c->q_tail >= 0)
				s->buf_next[c->q_tail] = bid;
			else
				c->q_head = bid;
			c->q_tail = bid;
			if (!c->sending)
				send_head(s, c);
		}
	}
	if (cqe->flags & IORING_CQE_F_MORE)
		return;

	/* The multishot recv ended: find out whether to re-arm it. */
	c->recv_armed = false;
	if (cqe->res == -ENOBUFS && !s->stopping && !c->broken) {
		c->stalled = true;	/* recycle() re-arms it */
		s->nr_stalled++;
	}
	else if (cqe->res > 0 && !s->stopping && !c->broken)
		arm_recv(s, c);
	else
		c->recv_done = true;
	if (c->recv_done)
		conn_close_if_idle(s, c);
}

static void on_send(struct server *s, struct conn *c, struct io_uring_cqe *cqe)
{
	int bid = c->q_head;

	c->sending = false;
	if (cqe->res < 0) {
		/* The peer went away: end the recv too and drop the rest. */
		c->broken = true;
		shutdown(c->fd, SHUT_RDWR);
		if (c->stalled) {
			c->stalled = false;
			s->nr_stalled--;
		}
		while (c->q_head >= 0) {
			bid = c->q_head;
			c->q_head = s->buf_next[bid];
			recycle(s, bid);
		}
		c->q_tail = -1;
		if (!c->recv_armed)
			c->recv_done = true;
		conn_close_if_idle(s, c);
		return;
	}

	s->bytes += (unsigned) cqe->res;
	c->sent += (unsigned) cqe->res;
	if (c->sent < s->buf_len[bid]) {
		send_head(s, c);	/* a short send: the rest follows */
		return;
	}
	c->sent = 0;
	c->q_head = s->buf_next[bid];
	if (c->q_head < 0)
		c->q_tail = -1;
	recycle(s, bid);
	if (c->q_head >= 0)
		send_head(s, c);
	else if (c->recv_done)
		conn_close_if_idle(s, c);
}

static int serve(struct server *s)
{
	bool stop_sent = false;

	arm_accept(s);
	arm_signal(s);

	while (!(s->stopping && !s->live && !s->accept_armed)) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret;

		if (s->stopping && !stop_sent) {
			stop(s);
			stop_sent = true;
		}
		ret = io_uring_submit_and_wait(&s->ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			fprintf(stderr, "echo-server: submit: %s\n",
				strerror(-ret));
			return 1;
		}

		io_uring_for_each_cqe(&s->ring, head, cqe) {
			void *ptr = (void *) (uintptr_t)
				    (cqe->user_data & ~REQ_MASK);

			seen++;
			switch (cqe->user_data & REQ_MASK) {
			case REQ_ACCEPT:
				on_accept(s, cqe);
				break;
			case REQ_RECV:
				on_recv(s, ptr, cqe);
				break;
			case REQ_SEND:
				on_send(s, ptr, cqe);
				break;
			case REQ_SIGNAL:
				if (cqe->res == sizeof(s->si)) {
					printf("echo-server: caught %s, closing"
					       " %lu connections\n",
					       s->si.ssi_signo == SIGINT ?
					       "SIGINT" : "SIGTERM",
					       s->live);
					s->stopping = true;
				} else {
					arm_signal(s);
				}
				break;
			case REQ_CANCEL:
				break;
			}
		}
		io_uring_cq_advance(&s->ring, seen);

		/*
		 * A recv may have run dry before buffers came back earlier
		 * in this batch: then no later send returns one to wake
		 * it.  Re-arm while any buffer is in the ring; when all are
		 * out, sends hold them and recycle() wakes the stalled.
		 */
		if (s->nr_stalled && s->bufs_out < s->nr_bufs)
			wake_stalled(s);
	}
	return 0;
}

static int setup(struct server *s, const char *addr, unsigned long port)
{
	struct io_uring_params p;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	unsigned i;
	sigset_t mask;
	int ret, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short) port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "echo-server: bad IPv4 address '%s'\n", addr);
		return 2;
	}

	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0 ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		       sizeof(one)) < 0 ||
	    bind(s->listen_fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 ||
	    listen(s->listen_fd, 512) < 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *) &sin, &len) < 0) {
		fprintf(stderr, "echo-server: %s:%lu: %s\n", addr, port,
			strerror(errno));
		return 1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (s->sig_fd < 0) {
		perror("echo-server: signalfd");
		return 1;
	}

	/* Completions are handled by this thread only: let the kernel run
	 * their work when we wait (6.1), else take a plain ring. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER |
		  IORING_SETUP_DEFER_TASKRUN;
	p.cq_entries = 4096;
	ret = io_uring_queue_init_params(256, &s->ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 4096;
		ret = io_uring_queue_init_params(256, &s->ring, &p);
	}
	if (ret < 0) {
		fprintf(stderr, "echo-server: io_uring_queue_init: %s\n",
			strerror(-ret));
		return 1;
	}

	s->br = io_uring_setup_buf_ring(&s->ring, s->nr_bufs, BGID, 0, &ret);
	if (!s->br) {
		fprintf(stderr, "echo-server: io_uring_setup_buf_ring: %s%s\n",
			strerror(-ret), ret == -EINVAL ?
			" (provided buffer rings need Linux 5.19)" : "");
		return 1;
	}
	s->bufs = malloc((size_t) s->nr_bufs * BUF_SIZE);
	s->buf_len = calloc(s->nr_bufs, sizeof(*s->buf_len));
	s->buf_next = calloc(s->nr_bufs, sizeof(*s->buf_next));
	if (!s->bufs || !s->buf_len || !s->buf_next) {
		fprintf(stderr, "echo-server: out of memory\n");
		return 1;
	}
	for (i = 0; i < s->nr_bufs; i++)
		io_uring_buf_ring_add(s->br, buf_addr(s, (int) i), BUF_SIZE,
				      (__u16) i,
				      io_uring_buf_ring_mask(s->nr_bufs),
				      (int) i);
	io_uring_buf_ring_advance(s->br, (int) s->nr_bufs);

	s->conns.next = s->conns.prev = &s->conns;
	printf("listening on %s:%u\n", addr, ntohs(sin.sin_port));
	fflush(stdout);
	return 0;
}

int main(int argc, char *argv[])
{
	const char *addr = "127.0.0.1";
	unsigned long port = 8000, val;
	struct server s;
	int opt, ret;

	memset(&s, 0, sizeof(s));
	s.nr_bufs = 256;
	while ((opt = getopt(argc, argv, "a:p:n:b:h")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			if (!parse_ulong(optarg, 65535, &port))
				usage(argv[0]);
			break;
		case 'n':
			if (!parse_ulong(optarg, ~0UL, &s.max_conns) ||
			    !s.max_conns)
				usage(argv[0]);
			break;
		case 'b':
			if (!parse_ulong(optarg, 32768, &val) || !val ||
			    (val & (val - 1)))
				usage(argv[0]);
			s.nr_bufs = (unsigned) val;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	ret = setup(&s, addr, port);
	if (ret)
		return ret;
	ret = serve(&s);
	printf("echo-server: %lu connections, %llu bytes echoed\n",
	       s.accepted, s.bytes);
	io_uring_free_buf_ring(&s.ring, s.br, s.nr_bufs, BGID);
	io_uring_queue_exit(&s.ring);
	close(s.listen_fd);
	close(s.sig_fd);
	free(s.bufs);
	free(s.buf_len);
	free(s.buf_next);
	return ret;
}
