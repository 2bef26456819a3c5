/* SPDX-License-Identifier: MIT */
/*
 * Single-shot data transfer over sockets: send, sendto, send_set_addr,
 * the zero-copy sends (with their notification CQEs), sendmsg and its
 * zero-copy forms, recv and recvmsg, and send bundles from a buffer ring.
 */
#include "helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define BGID	5

/*
 * Reap the two completions of a zero-copy send with user_data @ud: the
 * result (IORING_CQE_F_MORE set) and then the notification
 * (IORING_CQE_F_NOTIF, res 0).  Returns the result's res.
 */
static int reap_zc(struct io_uring *ring, __u64 ud)
{
	struct io_uring_cqe cqe[2];

	t_reap(ring, cqe, 2);
	assert_int_equal(cqe[0].user_data, ud);
	assert_int_equal(cqe[0].flags, IORING_CQE_F_MORE);
	assert_int_equal(cqe[1].user_data, ud);
	assert_int_equal(cqe[1].flags, IORING_CQE_F_NOTIF);
	assert_int_equal(cqe[1].res, 0);
	return cqe[0].res;
}

static void test_send_recv_unix(void **state)
{
	char out[1000], in[1000];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int sv[2];

	t_ring(&ring, 4, 0);
	t_socketpair(sv);
	t_fill(out, sizeof(out), 1);

	/* a recv posted first waits for the data */
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv(sqe, sv[1], in, sizeof(in), 0);
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 30);

	sqe = t_get_sqe(&ring);
	io_uring_prep_send(sqe, sv[0], out, sizeof(out), 0);
	sqe->user_data = 1;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (int i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		assert_true(cqe.user_data == 1 || cqe.user_data == 2);
		assert_int_equal(cqe.res, sizeof(out));
	}
	assert_memory_equal(in, out, sizeof(out));

	/* MSG_PEEK leaves the data queued */
	assert_int_equal(write(sv[1], "peekaboo", 8), 8);
	memset(in, 0, sizeof(in));
	io_uring_prep_recv(t_get_sqe(&ring), sv[0], in, 4, MSG_PEEK);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 4);
	assert_memory_equal(in, "peek", 4);
	io_uring_prep_recv(t_get_sqe(&ring), sv[0], in, sizeof(in), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 8);
	assert_memory_equal(in, "peekaboo", 8);

	/* EOF reads as 0 */
	close(sv[1]);
	io_uring_prep_recv(t_get_sqe(&ring), sv[0], in, sizeof(in), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	close(sv[0]);
	io_uring_queue_exit(&ring);
}

static void test_send_recv_tcp_waitall(void **state)
{
	enum { LEN = 256 * 1024 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe[2];
	char *out, *in;
	int client, server, i;

	out = malloc(LEN);
	in = malloc(LEN);
	assert_non_null(out);
	assert_non_null(in);
	t_fill(out, LEN, 2);
	memset(in, 0, LEN);
	t_ring(&ring, 4, 0);
	t_tcp_pair(&client, &server);

	/* far more than one segment: MSG_WAITALL makes both sides whole */
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv(sqe, server, in, LEN, MSG_WAITALL);
	sqe->user_data = 2;
	sqe = t_get_sqe(&ring);
	io_uring_prep_send(sqe, client, out, LEN, MSG_WAITALL);
	sqe->user_data = 1;
	assert_int_equal(io_uring_submit(&ring), 2);
	t_reap(&ring, cqe, 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(cqe[i].res, LEN);
	assert_memory_equal(in, out, LEN);

	close(client);
	close(server);
	io_uring_queue_exit(&ring);
	free(out);
	free(in);
}

static void test_sendto_udp(void **state)
{
	struct sockaddr_in dst, src, from;
	socklen_t flen = sizeof(from);
	char out[512], in[600];
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int rx, tx;

	t_ring(&ring, 4, 0);
	rx = t_udp_bound(&dst);
	tx = t_udp_bound(&src);
	t_fill(out, sizeof(out), 3);

	io_uring_prep_sendto(t_get_sqe(&ring), tx, out, sizeof(out), 0,
			     (struct sockaddr *) &dst, sizeof(dst));
	cqe = t_submit_one(&ring);
	/*
	 * Before sendto (6.10) kernels either ignore the address
	 * (-EDESTADDRREQ) or, before SEND_ZC (6.0) gave addr2 a meaning,
	 * refuse the SQE field that carries it (-EINVAL).
	 */
	if (cqe.res == -EDESTADDRREQ ||
	    (cqe.res == -EINVAL && !t_has_op(IORING_OP_SEND_ZC))) {
		close(rx);
		close(tx);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel lacks IORING_OP_SEND with a destination address "
		       "(Linux 6.10): it answers %d", cqe.res);
	}
	assert_int_equal(cqe.res, sizeof(out));
	assert_int_equal(recvfrom(rx, in, sizeof(in), 0,
				  (struct sockaddr *) &from, &flen),
			 sizeof(out));
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(from.sin_port, src.sin_port);
	assert_int_equal(from.sin_addr.s_addr, src.sin_addr.s_addr);

	/* a bad address length */
	io_uring_prep_sendto(t_get_sqe(&ring), tx, out, sizeof(out), 0,
			     (struct sockaddr *) &dst, 3);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* plain send on an unconnected UDP socket needs an address */
	io_uring_prep_send(t_get_sqe(&ring), tx, out, sizeof(out), 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EDESTADDRREQ);

	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
}

/* send_set_addr() gives SEND_ZC (and SEND) a destination. */
static void test_send_set_addr(void **state)
{
	struct sockaddr_in dst, src, from;
	socklen_t flen = sizeof(from);
	char out[300], in[400];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int rx, tx;

	t_require_op(IORING_OP_SEND_ZC);
	t_ring(&ring, 4, 0);
	rx = t_udp_bound(&dst);
	tx = t_udp_bound(&src);
	t_fill(out, sizeof(out), 4);

	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc(sqe, tx, out, sizeof(out), 0, 0);
	io_uring_prep_send_set_addr(sqe, (struct sockaddr *) &dst,
				    sizeof(dst));
	sqe->user_data = 77;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 77), sizeof(out));
	assert_int_equal(recvfrom(rx, in, sizeof(in), 0,
				  (struct sockaddr *) &from, &flen),
			 sizeof(out));
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(from.sin_port, src.sin_port);

	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
}

static void test_send_zc(void **state)
{
	enum { LEN = 64 * 1024 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char *out, *in;
	int client, server;

	t_require_op(IORING_OP_SEND_ZC);
	out = malloc(LEN);
	in = malloc(LEN);
	t_fill(out, LEN, 5);
	t_ring(&ring, 4, 0);
	t_tcp_pair(&client, &server);

	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc(sqe, client, out, LEN, MSG_WAITALL, 0);
	sqe->user_data = 9;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 9), LEN);
	assert_int_equal(recv(server, in, LEN, MSG_WAITALL), LEN);
	assert_memory_equal(in, out, LEN);

	/* REPORT_USAGE only adds a flag bit to the notification's res */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc(sqe, client, out, 1000, 0,
			      IORING_SEND_ZC_REPORT_USAGE);
	sqe->user_data = 10;
	assert_int_equal(io_uring_submit(&ring), 1);
	{
		struct io_uring_cqe cqe[2];

		t_reap(&ring, cqe, 2);
		assert_int_equal(cqe[0].res, 1000);
		assert_int_equal(cqe[0].flags, IORING_CQE_F_MORE);
		assert_int_equal(cqe[1].flags, IORING_CQE_F_NOTIF);
		assert_int_equal(cqe[1].res & ~IORING_NOTIF_USAGE_ZC_COPIED,
				 0);
	}
	assert_int_equal(recv(server, in, 1000, MSG_WAITALL), 1000);
	assert_memory_equal(in, out, 1000);

	close(client);
	close(server);
	io_uring_queue_exit(&ring);
	free(out);
	free(in);
}

static void test_send_zc_fixed(void **state)
{
	enum { LEN = 32 * 1024 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct iovec iov;
	char *buf, in[LEN];
	int client, server;

	t_require_op(IORING_OP_SEND_ZC);
	buf = malloc(2 * LEN);
	t_fill(buf, 2 * LEN, 6);
	t_ring(&ring, 4, 0);
	iov.iov_base = buf;
	iov.iov_len = 2 * LEN;
	assert_int_equal(io_uring_register_buffers(&ring, &iov, 1), 0);
	t_tcp_pair(&client, &server);

	/* from the middle of registered buffer 0 */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, client, buf + 100, LEN, MSG_WAITALL,
				    0, 0);
	sqe->user_data = 11;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 11), LEN);
	assert_int_equal(recv(server, in, LEN, MSG_WAITALL), LEN);
	assert_memory_equal(in, buf + 100, LEN);

	/* a range outside the registered buffer */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, client, buf + LEN, 2 * LEN, 0, 0, 0);
	sqe->user_data = 12;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 12), -EFAULT);

	/* a buffer index that is not registered */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_zc_fixed(sqe, client, buf, 10, 0, 0, 3);
	sqe->user_data = 13;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 13), -EFAULT);

	close(client);
	close(server);
	io_uring_queue_exit(&ring);
	free(buf);
}

static void test_sendmsg_recvmsg(void **state)
{
	char a[10], b[200], c[33], in[243];
	struct iovec iov[3] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) },
	};
	struct iovec riov[2] = { { in, 100 }, { in + 100, 143 } };
	struct msghdr msg, rmsg;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int sv[2];

	t_ring(&ring, 4, 0);
	t_socketpair(sv);
	t_fill(a, sizeof(a), 7);
	t_fill(b, sizeof(b), 8);
	t_fill(c, sizeof(c), 9);

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 3;
	io_uring_prep_sendmsg(t_get_sqe(&ring), sv[0], &msg, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(in));

	memset(&rmsg, 0, sizeof(rmsg));
	rmsg.msg_iov = riov;
	rmsg.msg_iovlen = 2;
	io_uring_prep_recvmsg(t_get_sqe(&ring), sv[1], &rmsg, MSG_WAITALL);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(in));
	assert_memory_equal(in, a, sizeof(a));
	assert_memory_equal(in + sizeof(a), b, sizeof(b));
	assert_memory_equal(in + sizeof(a) + sizeof(b), c, sizeof(c));
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
}

/* SCM_RIGHTS through sendmsg/recvmsg: the control data travels too. */
static void test_sendmsg_recvmsg_fd_passing(void **state)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl, rctl;
	struct msghdr msg, rmsg;
	struct cmsghdr *cm;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct iovec iov, riov;
	char byte = 'F', rbyte = 0, data[8];
	int sv[2], pipefd[2], got;

	t_ring(&ring, 4, 0);
	t_socketpair(sv);
	assert_int_equal(pipe(pipefd), 0);

	memset(&msg, 0, sizeof(msg));
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pipefd[1], sizeof(int));
	io_uring_prep_sendmsg(t_get_sqe(&ring), sv[0], &msg, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 1);

	memset(&rmsg, 0, sizeof(rmsg));
	memset(&rctl, 0, sizeof(rctl));
	riov.iov_base = &rbyte;
	riov.iov_len = 1;
	rmsg.msg_iov = &riov;
	rmsg.msg_iovlen = 1;
	rmsg.msg_control = rctl.buf;
	rmsg.msg_controllen = sizeof(rctl.buf);
	io_uring_prep_recvmsg(t_get_sqe(&ring), sv[1], &rmsg, MSG_CMSG_CLOEXEC);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 1);
	assert_int_equal(rbyte, 'F');
	cm = CMSG_FIRSTHDR(&rmsg);
	assert_non_null(cm);
	assert_int_equal(cm->cmsg_level, SOL_SOCKET);
	assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
	assert_int_equal(cm->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&got, CMSG_DATA(cm), sizeof(int));
	assert_true(got >= 0 && got != pipefd[1]);
	assert_int_equal(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

	/* the received fd is the pipe's write end */
	assert_int_equal(write(got, "via-scm!", 8), 8);
	assert_int_equal(read(pipefd[0], data, 8), 8);
	assert_memory_equal(data, "via-scm!", 8);

	close(got);
	close(pipefd[0]);
	close(pipefd[1]);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

static void test_recvmsg_udp_name(void **state)
{
	struct sockaddr_in dst, src, from;
	char out[100], in[100];
	struct iovec iov = { in, sizeof(in) };
	struct msghdr msg;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int rx, tx;

	t_ring(&ring, 4, 0);
	rx = t_udp_bound(&dst);
	tx = t_udp_bound(&src);
	t_fill(out, sizeof(out), 10);

	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	io_uring_prep_recvmsg(t_get_sqe(&ring), rx, &msg, 0);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 30);
	assert_int_equal(sendto(tx, out, sizeof(out), 0,
				(struct sockaddr *) &dst, sizeof(dst)),
			 sizeof(out));
	t_reap(&ring, &cqe, 1);
	assert_int_equal(cqe.res, sizeof(out));
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(msg.msg_namelen, sizeof(from));
	assert_int_equal(from.sin_port, src.sin_port);
	assert_int_equal(from.sin_addr.s_addr, src.sin_addr.s_addr);

	/* a datagram bigger than the buffer is truncated: MSG_TRUNC */
	assert_int_equal(sendto(tx, out, sizeof(out), 0,
				(struct sockaddr *) &dst, sizeof(dst)),
			 sizeof(out));
	iov.iov_len = 10;
	msg.msg_namelen = sizeof(from);
	io_uring_prep_recvmsg(t_get_sqe(&ring), rx, &msg, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 10);
	assert_true(msg.msg_flags & MSG_TRUNC);

	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
}

static void test_sendmsg_zc(void **state)
{
	char a[3000], b[5000], in[8000];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr msg;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int client, server;

	t_require_op(IORING_OP_SENDMSG_ZC);
	t_fill(a, sizeof(a), 11);
	t_fill(b, sizeof(b), 12);
	t_ring(&ring, 4, 0);
	t_tcp_pair(&client, &server);

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	sqe = t_get_sqe(&ring);
	io_uring_prep_sendmsg_zc(sqe, client, &msg, MSG_WAITALL);
	sqe->user_data = 21;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 21), sizeof(in));
	assert_int_equal(recv(server, in, sizeof(in), MSG_WAITALL),
			 sizeof(in));
	assert_memory_equal(in, a, sizeof(a));
	assert_memory_equal(in + sizeof(a), b, sizeof(b));

	close(client);
	close(server);
	io_uring_queue_exit(&ring);
}

static void test_sendmsg_zc_fixed(void **state)
{
	enum { LEN = 16 * 1024 };
	char *buf, in[6000];
	struct iovec reg, iov[2];
	struct msghdr msg;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int client, server, res;

	t_require_op(IORING_OP_SENDMSG_ZC);
	buf = malloc(LEN);
	t_fill(buf, LEN, 13);
	t_ring(&ring, 4, 0);
	reg.iov_base = buf;
	reg.iov_len = LEN;
	assert_int_equal(io_uring_register_buffers(&ring, &reg, 1), 0);
	t_tcp_pair(&client, &server);

	/* two pieces of registered buffer 0, out of order */
	iov[0].iov_base = buf + 8000;
	iov[0].iov_len = 2000;
	iov[1].iov_base = buf + 1000;
	iov[1].iov_len = 4000;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	sqe = t_get_sqe(&ring);
	io_uring_prep_sendmsg_zc_fixed(sqe, client, &msg, MSG_WAITALL, 0);
	sqe->user_data = 22;
	assert_int_equal(io_uring_submit(&ring), 1);
	res = reap_zc(&ring, 22);
	if (res == -EINVAL && !t_has_op(IORING_OP_READV_FIXED)) {
		close(client);
		close(server);
		io_uring_queue_exit(&ring);
		free(buf);
		T_SKIP("SENDMSG_ZC with registered buffers needs 6.15 "
		       "(-EINVAL)");
	}
	assert_int_equal(res, 6000);
	assert_int_equal(recv(server, in, sizeof(in), MSG_WAITALL),
			 sizeof(in));
	assert_memory_equal(in, buf + 8000, 2000);
	assert_memory_equal(in + 2000, buf + 1000, 4000);

	/* an iovec outside the registered buffer */
	iov[1].iov_base = buf + LEN - 10;
	iov[1].iov_len = 100;
	sqe = t_get_sqe(&ring);
	io_uring_prep_sendmsg_zc_fixed(sqe, client, &msg, 0, 0);
	sqe->user_data = 23;
	assert_int_equal(io_uring_submit(&ring), 1);
	assert_int_equal(reap_zc(&ring, 23), -EFAULT);

	close(client);
	close(server);
	io_uring_queue_exit(&ring);
	free(buf);
}

/* A plain recv picking its buffer from a buffer ring. */
static void test_recv_buffer_select(void **state)
{
	struct io_uring_buf_ring *br;
	char bufs[4][64], msg[40];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int sv[2], i, err;

	t_ring(&ring, 4, 0);
	br = io_uring_setup_buf_ring(&ring, 4, BGID, 0, &err);
	if (!br && err == -EINVAL)
		T_SKIP("kernel lacks %s",
		       "IORING_REGISTER_PBUF_RING (Linux 5.19)");
	assert_non_null(br);
	for (i = 0; i < 4; i++)
		io_uring_buf_ring_add(br, bufs[i], sizeof(bufs[i]), 100 + i,
				      io_uring_buf_ring_mask(4), i);
	io_uring_buf_ring_advance(br, 4);
	t_socketpair(sv);

	for (i = 0; i < 2; i++) {
		t_fill(msg, sizeof(msg), 20 + i);
		assert_int_equal(write(sv[0], msg, sizeof(msg)), sizeof(msg));
		sqe = t_get_sqe(&ring);
		io_uring_prep_recv(sqe, sv[1], NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = BGID;
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, sizeof(msg));
		assert_true(cqe.flags & IORING_CQE_F_BUFFER);
		assert_int_equal(cqe.flags >> IORING_CQE_BUFFER_SHIFT,
				 100 + i);
		assert_memory_equal(bufs[i], msg, sizeof(msg));
	}

	io_uring_free_buf_ring(&ring, br, 4, BGID);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

static void test_send_bundle(void **state)
{
	static const unsigned lens[3] = { 100, 2000, 300 };
	struct io_uring_buf_ring *br;
	char *bufs[3], in[2400];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned total = 0, off = 0, ncqe = 0;
	int client, server, i, err;

	t_require_feature(IORING_FEAT_RECVSEND_BUNDLE, "send bundles (6.10)");
	t_ring(&ring, 8, 0);
	br = io_uring_setup_buf_ring(&ring, 4, BGID, 0, &err);
	assert_non_null(br);
	for (i = 0; i < 3; i++) {
		bufs[i] = malloc(lens[i]);
		t_fill(bufs[i], lens[i], 30 + i);
		io_uring_buf_ring_add(br, bufs[i], lens[i], i,
				      io_uring_buf_ring_mask(4), i);
	}
	io_uring_buf_ring_advance(br, 3);
	t_tcp_pair(&client, &server);

	sqe = t_get_sqe(&ring);
	io_uring_prep_send_bundle(sqe, client, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	sqe->user_data = 50;
	assert_int_equal(io_uring_submit(&ring), 1);
	/* one or more CQEs, the last without F_MORE, covering all three */
	do {
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 50);
		assert_true(cqe.res > 0);
		assert_true(cqe.flags & IORING_CQE_F_BUFFER);
		if (!ncqe)
			assert_int_equal(cqe.flags >> IORING_CQE_BUFFER_SHIFT,
					 0);
		total += cqe.res;
		ncqe++;
	} while (cqe.flags & IORING_CQE_F_MORE);
	assert_int_equal(total, 2400);
	assert_int_equal(recv(server, in, sizeof(in), MSG_WAITALL),
			 sizeof(in));
	for (i = 0; i < 3; i++) {
		assert_memory_equal(in + off, bufs[i], lens[i]);
		off += lens[i];
	}

	/* the ring is empty now: a bundle finds no buffer */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send_bundle(sqe, client, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOBUFS);

	io_uring_free_buf_ring(&ring, br, 4, BGID);
	for (i = 0; i < 3; i++)
		free(bufs[i]);
	close(client);
	close(server);
	io_uring_queue_exit(&ring);
}

static void test_bad_input(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe, cqes[2];
	struct msghdr msg;
	char buf[16] = "0123456789abcdef";
	int file, sv[2];

	t_ring(&ring, 8, 0);
	file = t_tmpfile(NULL, 0, NULL, 16);
	t_socketpair(sv);
	memset(&msg, 0, sizeof(msg));

	io_uring_prep_send(t_get_sqe(&ring), 1000000, buf, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);
	io_uring_prep_recv(t_get_sqe(&ring), file, buf, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOTSOCK);
	io_uring_prep_sendmsg(t_get_sqe(&ring), file, &msg, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOTSOCK);
	io_uring_prep_recvmsg(t_get_sqe(&ring), 1000000, &msg, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* unknown send/recv flags in ioprio */
	sqe = t_get_sqe(&ring);
	io_uring_prep_send(sqe, sv[0], buf, 4, 0);
	sqe->ioprio = 1U << 9;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv(sqe, sv[0], buf, 4, 0);
	sqe->ioprio = 1U << 9;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* a buffer group that does not exist */
	assert_int_equal(write(sv[0], buf, 4), 4);
	sqe = t_get_sqe(&ring);
	io_uring_prep_recv(sqe, sv[1], NULL, 4, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 999;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOBUFS);
	/* the data was left in the socket */
	memset(buf, 0, 4);
	io_uring_prep_recv(t_get_sqe(&ring), sv[1], buf, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 4);
	assert_memory_equal(buf, "0123", 4);

	if (t_has_op(IORING_OP_SEND_ZC)) {
		/* AF_UNIX cannot do zero-copy */
		sqe = t_get_sqe(&ring);
		io_uring_prep_send_zc(sqe, sv[0], buf, 4, 0, 0);
		sqe->user_data = 5;
		assert_int_equal(io_uring_submit(&ring), 1);
		t_reap(&ring, cqes, 1);
		assert_int_equal(cqes[0].user_data, 5);
		assert_int_equal(cqes[0].res, -EOPNOTSUPP);
		/* the notification still follows when F_MORE says so */
		if (cqes[0].flags & IORING_CQE_F_MORE) {
			t_reap(&ring, cqes + 1, 1);
			assert_int_equal(cqes[1].user_data, 5);
			assert_int_equal(cqes[1].flags, IORING_CQE_F_NOTIF);
		}
		/* unknown zero-copy flags (a notification may follow) */
		sqe = t_get_sqe(&ring);
		io_uring_prep_send_zc(sqe, sv[0], buf, 4, 0, 1U << 10);
		sqe->user_data = 6;
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.user_data, 6);
		assert_int_equal(cqe.res, -EINVAL);
		if (cqe.flags & IORING_CQE_F_MORE) {
			t_reap(&ring, &cqe, 1);
			assert_int_equal(cqe.user_data, 6);
			assert_int_equal(cqe.flags, IORING_CQE_F_NOTIF);
		}
		/* CQE_SKIP_SUCCESS is refused for zero-copy sends */
		sqe = t_get_sqe(&ring);
		io_uring_prep_send_zc(sqe, sv[0], buf, 4, 0, 0);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
		assert_int_equal(cqe.flags, 0);
		t_expect_no_cqe(&ring, 20);
	}

	t_ring_still_works(&ring);

	close(file);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_recv_unix),
		cmocka_unit_test(test_send_recv_tcp_waitall),
		cmocka_unit_test(test_sendto_udp),
		cmocka_unit_test(test_send_set_addr),
		cmocka_unit_test(test_send_zc),
		cmocka_unit_test(test_send_zc_fixed),
		cmocka_unit_test(test_sendmsg_recvmsg),
		cmocka_unit_test(test_sendmsg_recvmsg_fd_passing),
		cmocka_unit_test(test_recvmsg_udp_name),
		cmocka_unit_test(test_sendmsg_zc),
		cmocka_unit_test(test_sendmsg_zc_fixed),
		cmocka_unit_test(test_recv_buffer_select),
		cmocka_unit_test(test_send_bundle),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
