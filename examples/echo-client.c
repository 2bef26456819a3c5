/* SPDX-License-Identifier: MIT */
/*
 * echo-client: drive an echo server and check every byte it sends back.
 *
 *	echo-client [-u] [-k] [-c CONNS] [-m MSGS] [-s SIZE] [-t SECS]
 *		    ADDR PORT
 *
 * Each of CONNS sockets (TCP, or UDP with -u) is connected through the
 * ring (IORING_OP_CONNECT), then sends MSGS messages of SIZE bytes one
 * after the other, each with its own byte pattern, and reads every echo
 * back into a separate buffer to compare.  All sockets run at once, each
 * with one request in flight.  With -k a TCP client keeps its
 * connections open after the last echo until the server closes them,
 * which is how the tests watch a server shut down.
 *
 * Exit status: 0 when every echo matched, 1 on a mismatch, an error or
 * SECS seconds without progress, 2 for bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum state { CONNECTING, SENDING, RECEIVING, WAIT_EOF, DONE };

struct conn {
	int fd;
	unsigned idx;
	enum state state;
	unsigned long msg;	/* messages fully echoed */
	size_t off;		/* bytes sent / received of this message */
	unsigned char *tx, *rx;
};

struct client {
	struct io_uring ring;
	struct sockaddr_in addr;
	bool udp, keep;
	unsigned nr_conns;
	unsigned long nr_msgs;
	size_t size;
	unsigned left;		/* connections not yet DONE */
	unsigned waiting;	/* connections in WAIT_EOF */
	unsigned eof_seen;
	struct conn *conns;
};

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-u] [-k] [-c CONNS] [-m MSGS] [-s SIZE] [-t SECS]"
		" ADDR PORT\n"
		"  -u  UDP instead of TCP\n"
		"  -k  after the last echo, wait for the server to close"
		" (TCP)\n"
		"  -c  sockets, 1-1024 (default 4)\n"
		"  -m  messages per socket (default 100)\n"
		"  -s  message size in bytes (default 64; UDP at most"
		" 65507)\n"
		"  -t  give up after SECS seconds without progress"
		" (default 5)\n", prog);
	exit(2);
}

static bool parse_ulong(const char *s, unsigned long max, unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, 10);
	return !errno && end != s && !*end && *s != '-' && *val <= max;
}

/* The bytes of message @msg on connection @idx. */
static void fill(unsigned char *buf, size_t len, unsigned idx,
		 unsigned long msg)
{
	uint32_t x = idx * 2654435761U ^ (uint32_t) msg * 40503U ^ 0x9e37U;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245U + 12345U;
		buf[i] = (unsigned char) (x >> 16);
	}
}

static struct io_uring_sqe *get_sqe(struct client *cl)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&cl->ring);

	if (!sqe) {
		io_uring_submit(&cl->ring);
		sqe = io_uring_get_sqe(&cl->ring);
	}
	return sqe;
}

static void queue_send(struct client *cl, struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe(cl);

	io_uring_prep_send(sqe, c->fd, c->tx + c->off, cl->size - c->off,
			   MSG_NOSIGNAL);
	io_uring_sqe_set_data(sqe, c);
	c->state = SENDING;
}

static void queue_recv(struct client *cl, struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe(cl);

	/* UDP asks for one byte more to notice a datagram too long. */
	io_uring_prep_recv(sqe, c->fd, c->rx + c->off,
			   cl->size - c->off + cl->udp, 0);
	io_uring_sqe_set_data(sqe, c);
	c->state = RECEIVING;
}

static void start_message(struct client *cl, struct conn *c)
{
	c->off = 0;
	fill(c->tx, cl->size, c->idx, c->msg);
	queue_send(cl, c);
}

static void finish(struct client *cl, struct conn *c)
{
	if (cl->keep) {
		struct io_uring_sqe *sqe = get_sqe(cl);

		io_uring_prep_recv(sqe, c->fd, c->rx, 1, 0);
		io_uring_sqe_set_data(sqe, c);
		c->state = WAIT_EOF;
		/* A script waits for this line before stopping the server. */
		if (++cl->waiting == cl->nr_conns) {
			printf("echo-client: all echoes verified, waiting for"
			       " the server to close\n");
			fflush(stdout);
		}
		return;
	}
	close(c->fd);
	c->state = DONE;
	cl->left--;
}

/* Returns 0, or 1 after printing what went wrong. */
static int complete(struct client *cl, struct conn *c, int res)
{
	const char *proto = cl->udp ? "udp" : "tcp";

	if (res < 0) {
		fprintf(stderr, "echo-client: socket %u: %s: %s\n", c->idx,
			c->state == CONNECTING ? "connect" :
			c->state == SENDING ? "send" : "recv", strerror(-res));
		return 1;
	}
	switch (c->state) {
	case CONNECTING:
		start_message(cl, c);
		break;
	case SENDING:
		c->off += (size_t) res;
		if (c->off < cl->size) {
			queue_send(cl, c);
			break;
		}
		c->off = 0;
		queue_recv(cl, c);
		break;
	case RECEIVING:
		if (!res && !cl->udp) {
			fprintf(stderr, "echo-client: socket %u: server closed"
				" the connection after %lu messages\n",
				c->idx, c->msg);
			return 1;
		}
		c->off += (size_t) res;
		if (cl->udp && c->off != cl->size) {
			fprintf(stderr, "echo-client: socket %u: %s message"
				" %lu came back with %zu bytes, not %zu\n",
				c->idx, proto, c->msg, c->off, cl->size);
			return 1;
		}
		if (c->off < cl->size) {
			queue_recv(cl, c);
			break;
		}
		if (memcmp(c->tx, c->rx, cl->size)) {
			fprintf(stderr, "echo-client: socket %u: message %lu"
				" came back changed\n", c->idx, c->msg);
			return 1;
		}
		if (++c->msg < cl->nr_msgs)
			start_message(cl, c);
		else
			finish(cl, c);
		break;
	case WAIT_EOF:
		if (res) {
			fprintf(stderr, "echo-client: socket %u: unexpected"
				" data after the last echo\n", c->idx);
			return 1;
		}
		cl->eof_seen++;
		close(c->fd);
		c->state = DONE;
		cl->left--;
		break;
	case DONE:
		break;
	}
	return 0;
}

static int run(struct client *cl, unsigned secs)
{
	struct __kernel_timespec ts = { .tv_sec = secs };
	unsigned i;

	for (i = 0; i < cl->nr_conns; i++) {
		struct conn *c = &cl->conns[i];
		struct io_uring_sqe *sqe;
		int one = 1;

		c->idx = i;
		c->fd = socket(AF_INET, (cl->udp ? SOCK_DGRAM : SOCK_STREAM) |
			       SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			perror("echo-client: socket");
			return 1;
		}
		if (!cl->udp)
			setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
		sqe = get_sqe(cl);
		io_uring_prep_connect(sqe, c->fd, (struct sockaddr *) &cl->addr,
				      sizeof(cl->addr));
		io_uring_sqe_set_data(sqe, c);
		c->state = CONNECTING;
	}
	cl->left = cl->nr_conns;

	while (cl->left) {
		struct io_uring_cqe *cqe;
		int ret;

		io_uring_submit(&cl->ring);
		ret = io_uring_wait_cqe_timeout(&cl->ring, &cqe, &ts);
		if (ret == -ETIME) {
			fprintf(stderr, "echo-client: no progress in %u s,"
				" %u sockets unfinished\n", secs, cl->left);
			return 1;
		}
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			fprintf(stderr, "echo-client: wait: %s\n",
				strerror(-ret));
			return 1;
		}
		ret = complete(cl, io_uring_cqe_get_data(cqe), cqe->res);
		io_uring_cqe_seen(&cl->ring, cqe);
		if (ret)
			return ret;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	unsigned long val, port, secs = 5;
	struct client cl;
	unsigned i;
	int opt, ret;

	memset(&cl, 0, sizeof(cl));
	cl.nr_conns = 4;
	cl.nr_msgs = 100;
	cl.size = 64;
	while ((opt = getopt(argc, argv, "ukc:m:s:t:h")) != -1) {
		switch (opt) {
		case 'u':
			cl.udp = true;
			break;
		case 'k':
			cl.keep = true;
			break;
		case 'c':
			if (!parse_ulong(optarg, 1024, &val) || !val)
				usage(argv[0]);
			cl.nr_conns = (unsigned) val;
			break;
		case 'm':
			if (!parse_ulong(optarg, ~0UL, &cl.nr_msgs) ||
			    !cl.nr_msgs)
				usage(argv[0]);
			break;
		case 's':
			if (!parse_ulong(optarg, 1UL << 20, &val) || !val)
				usage(argv[0]);
			cl.size = val;
			break;
		case 't':
			if (!parse_ulong(optarg, 3600, &secs) || !secs)
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (argc - optind != 2 || (cl.udp && cl.size > 65507) ||
	    (cl.udp && cl.keep))
		usage(argv[0]);
	cl.addr.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[optind], &cl.addr.sin_addr) != 1) {
		fprintf(stderr, "echo-client: bad IPv4 address '%s'\n",
			argv[optind]);
		usage(argv[0]);
	}
	if (!parse_ulong(argv[optind + 1], 65535, &port) || !port) {
		fprintf(stderr, "echo-client: bad port '%s'\n",
			argv[optind + 1]);
		usage(argv[0]);
	}
	cl.addr.sin_port = htons((unsigned short) port);

	cl.conns = calloc(cl.nr_conns, sizeof(*cl.conns));
	for (i = 0; cl.conns && i < cl.nr_conns; i++) {
		cl.conns[i].tx = malloc(cl.size + 1);
		cl.conns[i].rx = malloc(cl.size + 1);
		if (!cl.conns[i].tx || !cl.conns[i].rx)
			break;
	}
	if (!cl.conns || i < cl.nr_conns) {
		fprintf(stderr, "echo-client: out of memory\n");
		return 1;
	}

	ret = io_uring_queue_init(cl.nr_conns < 64 ? 64 : cl.nr_conns * 2,
				  &cl.ring, 0);
	if (ret < 0) {
		fprintf(stderr, "echo-client: io_uring_queue_init: %s\n",
			strerror(-ret));
		return 1;
	}
	ret = run(&cl, (unsigned) secs);
	if (!ret) {
		printf("echo-client: %u %s sockets x %lu messages x %zu bytes:"
		       " %llu bytes echoed, every byte verified\n",
		       cl.nr_conns, cl.udp ? "udp" : "tcp", cl.nr_msgs, cl.size,
		       (unsigned long long) cl.nr_conns * cl.nr_msgs * cl.size);
		if (cl.keep)
			printf("echo-client: the server closed all %u"
			       " connections\n", cl.eof_seen);
	}
	io_uring_queue_exit(&cl.ring);
	for (i = 0; i < cl.nr_conns; i++) {
		free(cl.conns[i].tx);
		free(cl.conns[i].rx);
	}
	free(cl.conns);
	return ret;
}
