/* SPDX-License-Identifier: MIT */
/*
 * Multishot receives with a provided buffer ring: recv_multishot over TCP
 * and AF_UNIX, recvmsg_multishot over UDP parsed with the
 * io_uring_recvmsg_* helpers (name, control messages, payload), and how
 * each ends: peer shutdown, cancellation, running out of buffers.
 */
#include "helpers.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BGID	3
#define NBUF	8
#define BUFSZ	128

struct bufs {
	/* first, so each buffer is as aligned as malloc() memory */
	char mem[NBUF][BUFSZ];
	struct io_uring_buf_ring *br;
	unsigned nr;
};

/* A buffer ring of @nr (power of two) buffers with ids 0..@nr-1. */
static struct bufs *bufs_setup(struct io_uring *ring, unsigned nr)
{
	struct bufs *b = calloc(1, sizeof(*b));
	int err;

	assert_non_null(b);
	b->nr = nr;
	b->br = io_uring_setup_buf_ring(ring, nr, BGID, 0, &err);
	if (!b->br) {
		free(b);
		if (err == -EINVAL)
			T_SKIP("kernel lacks %s",
			       "IORING_REGISTER_PBUF_RING (Linux 5.19)");
		fail_msg("io_uring_setup_buf_ring: %s", strerror(-err));
		return NULL;
	}
	t_buf_ring_fill(b->br, nr, b->mem, BUFSZ, nr);
	return b;
}

/* Hand buffer @bid back to the kernel. */
static void bufs_recycle(struct bufs *b, unsigned bid)
{
	io_uring_buf_ring_add(b->br, b->mem[bid], BUFSZ, bid,
			      io_uring_buf_ring_mask(b->nr), 0);
	io_uring_buf_ring_advance(b->br, 1);
}

static void bufs_free(struct io_uring *ring, struct bufs *b)
{
	assert_int_equal(io_uring_free_buf_ring(ring, b->br, b->nr, BGID), 0);
	free(b);
}

/* Wait until @len bytes are queued for reading on stream socket @fd. */
static void wait_inq(int fd, int len)
{
	uint64_t start = t_now_ns();
	int inq = 0;

	do {
		assert_int_equal(ioctl(fd, SIOCINQ, &inq), 0);
		if (inq >= len)
			return;
		usleep(1000);
	} while (t_now_ns() - start < T_WAIT_SECS * 1000000000ULL);
	fail_msg("only %d of %d bytes arrived", inq, len);
}

/*
 * Several sends, one CQE each with F_MORE and the buffer id, buffers
 * handed back as they are consumed so two are enough for five messages;
 * the peer's shutdown ends it with res 0 and no F_MORE.
 */
static void test_recv_multishot_tcp(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs *b;
	char msg[BUFSZ];
	int client, server, i;

	t_require_op(IORING_OP_SEND_ZC);	/* 6.0: multishot recv */
	t_ring(&ring, 8, 0);
	b = bufs_setup(&ring, 2);
	t_tcp_pair(&client, &server);
	t_submit_recv(&ring, server, BGID, true, 1);
	t_expect_no_cqe(&ring, 30);

	for (i = 0; i < 5; i++) {
		unsigned len = 10 + 20 * i, bid;

		t_fill(msg, len, 40 + i);
		assert_int_equal(write(client, msg, len), len);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 1);
		assert_int_equal(cqe.res, len);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		bid = t_cqe_bid(&cqe);
		assert_int_equal(bid, i % 2);	/* ring order */
		assert_memory_equal(b->mem[bid], msg, len);
		bufs_recycle(b, bid);
	}

	shutdown(client, SHUT_WR);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 1);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags & IORING_CQE_F_MORE, 0);
	t_expect_no_cqe(&ring, 20);

	bufs_free(&ring, b);
	close(client);
	close(server);
	io_uring_queue_exit(&ring);
}

/*
 * One write bigger than a buffer spreads over several CQEs, each but the
 * last saying more is queued (TCP reports it since 6.0).
 */
static void test_recv_multishot_split(void **state)
{
	char msg[3 * BUFSZ + 44], got[sizeof(msg)];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs *b;
	unsigned total = 0, n = 0;
	int sv[2];

	t_require_op(IORING_OP_SEND_ZC);
	t_ring(&ring, 16, 0);
	b = bufs_setup(&ring, NBUF);
	t_tcp_pair(&sv[0], &sv[1]);
	t_fill(msg, sizeof(msg), 50);
	assert_int_equal(write(sv[0], msg, sizeof(msg)), sizeof(msg));
	wait_inq(sv[1], sizeof(msg));
	t_submit_recv(&ring, sv[1], BGID, true, 2);

	while (total < sizeof(msg)) {
		unsigned bid;

		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 2);
		assert_true(cqe.res > 0 && cqe.res <= BUFSZ);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		bid = t_cqe_bid(&cqe);
		assert_int_equal(bid, n);
		/* more data queued behind this one? the kernel says so */
		if (total + cqe.res < sizeof(msg))
			assert_true(cqe.flags & IORING_CQE_F_SOCK_NONEMPTY);
		memcpy(got + total, b->mem[bid], cqe.res);
		total += cqe.res;
		n++;
	}
	assert_int_equal(total, sizeof(msg));
	assert_int_equal(n, 4);
	assert_memory_equal(got, msg, sizeof(msg));

	close(sv[0]);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(cqe.flags & IORING_CQE_F_MORE, 0);

	bufs_free(&ring, b);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

static void test_recv_multishot_cancel(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct bufs *b;
	int sv[2];

	t_require_op(IORING_OP_SEND_ZC);
	t_ring(&ring, 8, 0);
	b = bufs_setup(&ring, NBUF);
	t_socketpair(sv);
	t_submit_recv(&ring, sv[1], BGID, true, 3);
	assert_int_equal(write(sv[0], "abc", 3), 3);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, 3);
	assert_true(cqe.flags & IORING_CQE_F_MORE);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 3, 0);
	sqe->user_data = 4;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap_cancelled(&ring, 3, 4);

	/* nothing consumes the socket any more */
	assert_int_equal(write(sv[0], "z", 1), 1);
	t_expect_no_cqe(&ring, 30);

	bufs_free(&ring, b);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

/* With every buffer used up the multishot ends with -ENOBUFS. */
static void test_recv_multishot_enobufs(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct bufs *b;
	char in[8];
	int sv[2], i;

	t_require_op(IORING_OP_SEND_ZC);
	t_ring(&ring, 8, 0);
	b = bufs_setup(&ring, 2);
	t_socketpair(sv);
	t_submit_recv(&ring, sv[1], BGID, true, 5);
	for (i = 0; i < 2; i++) {
		assert_int_equal(write(sv[0], "12345", 5), 5);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.res, 5);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		assert_int_equal(t_cqe_bid(&cqe), i);
	}
	assert_int_equal(write(sv[0], "third", 5), 5);
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.user_data, 5);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags & (IORING_CQE_F_MORE | IORING_CQE_F_BUFFER),
			 0);
	/* the data stays in the socket */
	assert_int_equal(recv(sv[1], in, sizeof(in), 0), 5);
	assert_memory_equal(in, "third", 5);

	bufs_free(&ring, b);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

struct cmsg_space {
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
			 CMSG_SPACE(sizeof(struct timeval))];
		struct cmsghdr align;
	};
};

/*
 * recvmsg_multishot over UDP: each buffer holds a struct
 * io_uring_recvmsg_out, the source address, IP_PKTINFO and SO_TIMESTAMP
 * control messages and the payload.
 */
static void test_recvmsg_multishot_udp(void **state)
{
	const unsigned ctl_len = sizeof(struct cmsg_space);
	struct sockaddr_in dst, src;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct msghdr msg;
	struct bufs *b;
	struct timeval before;
	int rx, tx, one = 1, i;
	char out[64];

	t_require_op(IORING_OP_SEND_ZC);	/* 6.0: multishot recvmsg */
	t_ring(&ring, 8, 0);
	b = bufs_setup(&ring, NBUF);
	rx = t_udp_bound(&dst);
	tx = t_udp_bound(&src);
	assert_int_equal(setsockopt(rx, IPPROTO_IP, IP_PKTINFO, &one,
				    sizeof(one)), 0);
	assert_int_equal(setsockopt(rx, SOL_SOCKET, SO_TIMESTAMP, &one,
				    sizeof(one)), 0);

	memset(&msg, 0, sizeof(msg));
	msg.msg_namelen = sizeof(struct sockaddr_in);
	msg.msg_controllen = ctl_len;
	sqe = t_get_sqe(&ring);
	io_uring_prep_recvmsg_multishot(sqe, rx, &msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = 6;
	assert_int_equal(io_uring_submit(&ring), 1);
	gettimeofday(&before, NULL);

	for (i = 0; i < 3; i++) {
		unsigned len = 5 + 7 * i, bid, payload_len;
		struct io_uring_recvmsg_out *o;
		struct sockaddr_in *name;
		struct cmsghdr *cm;
		int seen_pktinfo = 0, seen_ts = 0;
		void *buf;

		t_fill(out, len, 60 + i);
		assert_int_equal(sendto(tx, out, len, 0,
					(struct sockaddr *) &dst, sizeof(dst)),
				 len);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 6);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		bid = t_cqe_bid(&cqe);
		assert_int_equal(bid, i);
		/* res covers header, name, control area and payload */
		assert_int_equal(cqe.res, sizeof(*o) + sizeof(*name) +
				 ctl_len + len);
		buf = b->mem[bid];

		o = io_uring_recvmsg_validate(buf, cqe.res, &msg);
		assert_ptr_equal(o, buf);
		assert_int_equal(o->namelen, sizeof(struct sockaddr_in));
		assert_int_equal(o->payloadlen, len);
		assert_int_equal(o->flags, 0);
		assert_int_equal(o->controllen, ctl_len);

		name = io_uring_recvmsg_name(o);
		assert_ptr_equal(name, (char *) buf + sizeof(*o));
		assert_int_equal(name->sin_family, AF_INET);
		assert_int_equal(name->sin_port, src.sin_port);
		assert_int_equal(name->sin_addr.s_addr, src.sin_addr.s_addr);

		for (cm = io_uring_recvmsg_cmsg_firsthdr(o, &msg); cm;
		     cm = io_uring_recvmsg_cmsg_nexthdr(o, &msg, cm)) {
			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				assert_int_equal(pi.ipi_addr.s_addr,
						 htonl(INADDR_LOOPBACK));
				assert_int_equal(pi.ipi_ifindex,
						 if_nametoindex("lo"));
				seen_pktinfo++;
			} else if (cm->cmsg_level == SOL_SOCKET &&
				   cm->cmsg_type == SO_TIMESTAMP) {
				struct timeval tv;

				memcpy(&tv, CMSG_DATA(cm), sizeof(tv));
				assert_true(tv.tv_sec >= before.tv_sec);
				assert_true(tv.tv_sec < before.tv_sec + 60);
				seen_ts++;
			} else {
				fail_msg("unexpected cmsg %d/%d",
					 cm->cmsg_level, cm->cmsg_type);
			}
		}
		assert_int_equal(seen_pktinfo, 1);
		assert_int_equal(seen_ts, 1);

		payload_len = io_uring_recvmsg_payload_length(o, cqe.res, &msg);
		assert_int_equal(payload_len, len);
		assert_ptr_equal(io_uring_recvmsg_payload(o, &msg),
				 (char *) buf + sizeof(*o) + sizeof(*name) +
				 ctl_len);
		assert_memory_equal(io_uring_recvmsg_payload(o, &msg), out,
				    len);

		/* a length short of the header does not validate */
		assert_null(io_uring_recvmsg_validate(buf, sizeof(*o) +
						      sizeof(*name) +
						      ctl_len - 1, &msg));
		assert_null(io_uring_recvmsg_validate(buf, -1, &msg));
	}

	/* a datagram bigger than what is left of a buffer is truncated */
	{
		unsigned room = BUFSZ - sizeof(struct io_uring_recvmsg_out) -
				sizeof(struct sockaddr_in) - ctl_len;
		char big[BUFSZ];
		struct io_uring_recvmsg_out *o;

		t_fill(big, sizeof(big), 70);
		assert_int_equal(sendto(tx, big, sizeof(big), 0,
					(struct sockaddr *) &dst, sizeof(dst)),
				 sizeof(big));
		t_reap(&ring, &cqe, 1);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		assert_int_equal(cqe.res, BUFSZ);
		o = io_uring_recvmsg_validate(b->mem[t_cqe_bid(&cqe)], cqe.res,
					      &msg);
		assert_non_null(o);
		/* payloadlen is what recvmsg returned: the truncated size */
		assert_int_equal(o->payloadlen, room);
		assert_true(o->flags & MSG_TRUNC);
		assert_int_equal(io_uring_recvmsg_payload_length(o, cqe.res,
								 &msg), room);
		assert_memory_equal(io_uring_recvmsg_payload(o, &msg), big,
				    room);
	}

	/* cancel: the last CQE has no F_MORE */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 6, 0);
	sqe->user_data = 7;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap_cancelled(&ring, 6, 7);

	bufs_free(&ring, b);
	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
}

/* Without a name or control area the payload follows the header. */
static void test_recvmsg_multishot_bare(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct io_uring_recvmsg_out *o;
	struct msghdr msg;
	struct bufs *b;
	int sv[2];

	t_require_op(IORING_OP_SEND_ZC);
	t_ring(&ring, 8, 0);
	b = bufs_setup(&ring, NBUF);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	memset(&msg, 0, sizeof(msg));
	sqe = t_get_sqe(&ring);
	io_uring_prep_recvmsg_multishot(sqe, sv[1], &msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = 8;
	assert_int_equal(io_uring_submit(&ring), 1);

	assert_int_equal(write(sv[0], "datagram", 8), 8);
	t_reap(&ring, &cqe, 1);
	assert_true(cqe.flags & IORING_CQE_F_MORE);
	assert_int_equal(cqe.res, sizeof(*o) + 8);
	o = io_uring_recvmsg_validate(b->mem[t_cqe_bid(&cqe)], cqe.res, &msg);
	assert_non_null(o);
	assert_int_equal(o->payloadlen, 8);
	assert_null(io_uring_recvmsg_cmsg_firsthdr(o, &msg));
	assert_ptr_equal(io_uring_recvmsg_payload(o, &msg), o + 1);
	assert_int_equal(io_uring_recvmsg_payload_length(o, cqe.res, &msg), 8);
	assert_memory_equal(io_uring_recvmsg_payload(o, &msg), "datagram", 8);

	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 8, 0);
	sqe->user_data = 9;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap(&ring, NULL, 2);

	bufs_free(&ring, b);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

static void test_multishot_bad(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct msghdr msg;
	struct bufs *b;
	int sv[2], file;

	t_require_op(IORING_OP_SEND_ZC);
	t_ring(&ring, 8, 0);
	b = bufs_setup(&ring, NBUF);
	t_socketpair(sv);
	memset(&msg, 0, sizeof(msg));
	file = t_tmpfile(NULL, 0, NULL, 16);

	/* multishot needs IOSQE_BUFFER_SELECT */
	io_uring_prep_recv_multishot(t_get_sqe(&ring), sv[1], NULL, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	io_uring_prep_recvmsg_multishot(t_get_sqe(&ring), sv[1], &msg, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* ...and does not take MSG_WAITALL */
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[1], NULL, 0, MSG_WAITALL);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* a buffer group that does not exist */
	assert_int_equal(write(sv[0], "x", 1), 1);
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[1], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID + 1;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOBUFS);
	assert_int_equal(cqe.flags & IORING_CQE_F_MORE, 0);

	/* not a socket, and not a file */
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, file, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOTSOCK);
	sqe = t_get_sqe(&ring);
	io_uring_prep_recvmsg_multishot(sqe, 1000000, &msg, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	t_ring_still_works(&ring);

	bufs_free(&ring, b);
	close(file);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recv_multishot_tcp),
		cmocka_unit_test(test_recv_multishot_split),
		cmocka_unit_test(test_recv_multishot_cancel),
		cmocka_unit_test(test_recv_multishot_enobufs),
		cmocka_unit_test(test_recvmsg_multishot_udp),
		cmocka_unit_test(test_recvmsg_multishot_bare),
		cmocka_unit_test(test_multishot_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
