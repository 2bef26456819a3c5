/* SPDX-License-Identifier: MIT */
/*
 * udp-echo: a UDP echo server built on one multishot RECVMSG.
 *
 *	udp-echo [-a ADDR] [-p PORT] [-n DATAGRAMS]
 *
 * A single IORING_OP_RECVMSG with IORING_RECV_MULTISHOT posts a
 * completion for every datagram, each in a buffer taken from a provided
 * buffer ring.  Such a buffer starts with a struct io_uring_recvmsg_out
 * followed by the sender's address and the payload; the
 * io_uring_recvmsg_validate/name/payload/payload_length helpers find them.
 * The reply is a SENDMSG to that address straight out of the same buffer,
 * which returns to the ring once the send completes.
 *
 * -p 0 lets the kernel pick the port; the first line printed is
 * "listening on ADDR:PORT (udp)".  The server exits 0 after DATAGRAMS
 * echoes with -n, or on SIGINT/SIGTERM (read from a signalfd through the
 * ring).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define BGID		1
#define NR_BUFS		64
#define BUF_SIZE	(sizeof(struct io_uring_recvmsg_out) + \
			 sizeof(struct sockaddr_storage) + 65536)

/* user_data values; a SENDMSG carries its buffer id above these. */
enum { REQ_RECVMSG = 1, REQ_SIGNAL, REQ_SEND_BASE };

struct server {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	char *bufs;
	int fd, sig_fd;
	struct signalfd_siginfo si;
	struct msghdr recv_msg;		/* the layout of every buffer */
	struct msghdr send_msg[NR_BUFS];	/* a reply per buffer */
	struct iovec send_iov[NR_BUFS];
	unsigned long max_msgs, echoed, truncated;
	unsigned long long bytes;
	unsigned sends_inflight;
	bool stalled;			/* recvmsg ran out of buffers */
	bool stopping;
};

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-a ADDR] [-p PORT] [-n DATAGRAMS]\n"
		"  -a  IPv4 address to listen on (default 127.0.0.1)\n"
		"  -p  UDP port, 0 lets the kernel pick (default 8001)\n"
		"  -n  exit after echoing DATAGRAMS datagrams\n", prog);
	exit(2);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *s != '-' && *val <= max;
}

static struct io_uring_sqe *get_sqe(struct server *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);

	if (!sqe) {
		io_uring_submit(&s->ring);
		sqe = io_uring_get_sqe(&s->ring);
	}
	if (!sqe) {
		fprintf(stderr, "udp-echo: submission queue stuck full\n");
		exit(1);
	}
	return sqe;
}

static char *buf_addr(struct server *s, unsigned bid)
{
	return s->bufs + (size_t) bid * BUF_SIZE;
}

static void arm_recvmsg(struct server *s)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_recvmsg_multishot(sqe, s->fd, &s->recv_msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, REQ_RECVMSG);
	s->stalled = false;
}

static void recycle(struct server *s, unsigned bid)
{
	io_uring_buf_ring_add(s->br, buf_addr(s, bid), BUF_SIZE, (__u16) bid,
			      io_uring_buf_ring_mask(NR_BUFS), 0);
	io_uring_buf_ring_advance(s->br, 1);
	if (s->stalled && !s->stopping)
		arm_recvmsg(s);
}

static void arm_signal(struct server *s)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_read(sqe, s->sig_fd, &s->si, sizeof(s->si), 0);
	io_uring_sqe_set_data64(sqe, REQ_SIGNAL);
}

static void on_datagram(struct server *s, struct io_uring_cqe *cqe)
{
	unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
	struct io_uring_recvmsg_out *o;
	struct io_uring_sqe *sqe;
	char *buf = buf_addr(s, bid);
	struct msghdr *m;

	o = io_uring_recvmsg_validate(buf, cqe->res, &s->recv_msg);
	if (!o || o->namelen > s->recv_msg.msg_namelen || s->stopping) {
		if (!o)
			fprintf(stderr, "udp-echo: malformed completion\n");
		recycle(s, bid);
		return;
	}
	if (o->flags & MSG_TRUNC)
		s->truncated++;	/* echo what fitted */

	m = &s->send_msg[bid];
	memset(m, 0, sizeof(*m));
	m->msg_name = io_uring_recvmsg_name(o);
	m->msg_namelen = o->namelen;
	s->send_iov[bid].iov_base = io_uring_recvmsg_payload(o, &s->recv_msg);
	s->send_iov[bid].iov_len =
		io_uring_recvmsg_payload_length(o, cqe->res, &s->recv_msg);
	m->msg_iov = &s->send_iov[bid];
	m->msg_iovlen = 1;

	sqe = get_sqe(s);
	io_uring_prep_sendmsg(sqe, s->fd, m, 0);
	io_uring_sqe_set_data64(sqe, REQ_SEND_BASE + bid);
	s->sends_inflight++;
}

static void on_send(struct server *s, struct io_uring_cqe *cqe)
{
	unsigned bid = (unsigned) (cqe->user_data - REQ_SEND_BASE);

	s->sends_inflight--;
	if (cqe->res < 0) {
		fprintf(stderr, "udp-echo: sendmsg: %s\n",
			strerror(-cqe->res));
	} else {
		s->echoed++;
		s->bytes += (unsigned) cqe->res;
		if (s->max_msgs && s->echoed >= s->max_msgs)
			s->stopping = true;
	}
	recycle(s, bid);
}

static int serve(struct server *s)
{
	arm_recvmsg(s);
	arm_signal(s);

	while (!s->stopping || s->sends_inflight) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret;

		ret = io_uring_submit_and_wait(&s->ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			fprintf(stderr, "udp-echo: submit: %s\n",
				strerror(-ret));
			return 1;
		}
		io_uring_for_each_cqe(&s->ring, head, cqe) {
			seen++;
			if (cqe->user_data >= REQ_SEND_BASE) {
				on_send(s, cqe);
				continue;
			}
			if (cqe->user_data == REQ_SIGNAL) {
				if (cqe->res == sizeof(s->si)) {
					printf("udp-echo: caught %s\n",
					       s->si.ssi_signo == SIGINT ?
					       "SIGINT" : "SIGTERM");
					s->stopping = true;
				} else {
					arm_signal(s);
				}
				continue;
			}
			/* REQ_RECVMSG */
			if (cqe->res >= 0 &&
			    (cqe->flags & IORING_CQE_F_BUFFER))
				on_datagram(s, cqe);
			else if (cqe->res < 0 && cqe->res != -ENOBUFS)
				fprintf(stderr, "udp-echo: recvmsg: %s\n",
					strerror(-cqe->res));
			/* Ended: arm it again, or once a send gives a
			 * buffer back if it ran out of them. */
			if ((cqe->flags & IORING_CQE_F_MORE) || s->stopping)
				continue;
			if (cqe->res == -ENOBUFS && s->sends_inflight)
				s->stalled = true;
			else
				arm_recvmsg(s);
		}
		io_uring_cq_advance(&s->ring, seen);
	}
	return 0;
}

static int setup(struct server *s, const char *addr, unsigned long port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	sigset_t mask;
	unsigned i;
	int ret;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short) port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "udp-echo: bad IPv4 address '%s'\n", addr);
		return 2;
	}
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 ||
	    bind(s->fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 ||
	    getsockname(s->fd, (struct sockaddr *) &sin, &len) < 0) {
		fprintf(stderr, "udp-echo: %s:%lu: %s\n", addr, port,
			strerror(errno));
		return 1;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (s->sig_fd < 0) {
		perror("udp-echo: signalfd");
		return 1;
	}

	ret = io_uring_queue_init(64, &s->ring, 0);
	if (ret < 0) {
		fprintf(stderr, "udp-echo: io_uring_queue_init: %s\n",
			strerror(-ret));
		return 1;
	}
	s->br = io_uring_setup_buf_ring(&s->ring, NR_BUFS, BGID, 0, &ret);
	if (!s->br) {
		fprintf(stderr, "udp-echo: io_uring_setup_buf_ring: %s\n",
			strerror(-ret));
		return 1;
	}
	s->bufs = malloc(NR_BUFS * BUF_SIZE);
	if (!s->bufs) {
		fprintf(stderr, "udp-echo: out of memory\n");
		return 1;
	}
	for (i = 0; i < NR_BUFS; i++)
		io_uring_buf_ring_add(s->br, buf_addr(s, i), BUF_SIZE,
				      (__u16) i,
				      io_uring_buf_ring_mask(NR_BUFS), (int) i);
	io_uring_buf_ring_advance(s->br, NR_BUFS);

	/* Only the lengths matter: they fix where name and payload go. */
	s->recv_msg.msg_namelen = sizeof(struct sockaddr_storage);
	s->recv_msg.msg_controllen = 0;

	printf("listening on %s:%u (udp)\n", addr, ntohs(sin.sin_port));
	fflush(stdout);
	return 0;
}

int main(int argc, char *argv[])
{
	const char *addr = "127.0.0.1";
	unsigned long port = 8001;
	struct server *s;
	int opt, ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return 1;
	while ((opt = getopt(argc, argv, "a:p:n:h")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			if (!parse_ulong(optarg, 65535, &port))
				usage(argv[0]);
			break;
		case 'n':
			if (!parse_ulong(optarg, ~0UL, &s->max_msgs) ||
			    !s->max_msgs)
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	ret = setup(s, addr, port);
	if (ret)
		return ret;
	ret = serve(s);
	printf("udp-echo: %lu datagrams, %llu bytes echoed", s->echoed,
	       s->bytes);
	if (s->truncated)
		printf(" (%lu truncated)", s->truncated);
	printf("\n");
	io_uring_free_buf_ring(&s->ring, s->br, NR_BUFS, BGID);
	io_uring_queue_exit(&s->ring);
	close(s->fd);
	close(s->sig_fd);
	free(s->bufs);
	free(s);
	return ret;
}
