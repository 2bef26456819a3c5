/* SPDX-License-Identifier: MIT */
/*
 * Socket lifecycle operations over loopback TCP, UDP and AF_UNIX: socket
 * (plain and direct), bind, listen, connect, accept in all its forms,
 * shutdown, and the socket commands of IORING_OP_URING_CMD.
 */
#include "helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Socket commands came with 6.7, as did the futex opcodes. */
static void require_sock_cmds(void)
{
	t_require_op(IORING_OP_URING_CMD);
	if (!t_has_op(IORING_OP_FUTEX_WAIT))
		T_SKIP("socket uring_cmd needs Linux 6.7");
}

/* @a sends to @b and @b answers @a, through plain syscalls. */
static void check_stream(int a, int b, unsigned seed)
{
	char out[333], in[333];

	t_fill(out, sizeof(out), seed);
	assert_int_equal(write(a, out, sizeof(out)), sizeof(out));
	assert_int_equal(recv(b, in, sizeof(in), MSG_WAITALL), sizeof(in));
	assert_memory_equal(in, out, sizeof(out));
	t_fill(out, sizeof(out), seed + 1);
	assert_int_equal(write(b, out, sizeof(out)), sizeof(out));
	assert_int_equal(recv(a, in, sizeof(in), MSG_WAITALL), sizeof(in));
	assert_memory_equal(in, out, sizeof(out));
}

/* The same through a direct descriptor @slot of @ring on one side. */
static void check_stream_fixed(struct io_uring *ring, int slot, int peer,
			       unsigned seed)
{
	char out[200], in[200];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;

	t_fill(out, sizeof(out), seed);
	sqe = t_get_sqe(ring);
	io_uring_prep_send(sqe, slot, out, sizeof(out), 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.res, sizeof(out));
	assert_int_equal(recv(peer, in, sizeof(in), MSG_WAITALL), sizeof(in));
	assert_memory_equal(in, out, sizeof(out));

	t_fill(out, sizeof(out), seed + 1);
	assert_int_equal(write(peer, out, sizeof(out)), sizeof(out));
	memset(in, 0, sizeof(in));
	sqe = t_get_sqe(ring);
	io_uring_prep_recv(sqe, slot, in, sizeof(in), MSG_WAITALL);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(ring);
	assert_int_equal(cqe.res, sizeof(in));
	assert_memory_equal(in, out, sizeof(out));
}

static int sockopt_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	assert_int_equal(getsockopt(fd, level, name, &val, &len), 0);
	return val;
}

static void test_socket(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	unsigned short port;
	int fd, lfd, peer;

	t_require_op(IORING_OP_SOCKET);
	t_ring(&ring, 4, 0);

	io_uring_prep_socket(t_get_sqe(&ring), AF_INET, SOCK_STREAM, 0, 0);
	cqe = t_submit_one(&ring);
	assert_true(cqe.res >= 0);
	fd = cqe.res;
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_DOMAIN), AF_INET);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL),
			 IPPROTO_TCP);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);

	/* the new socket is a real one: connect it and talk */
	lfd = t_tcp_listener(&port);
	{
		struct sockaddr_in sa = t_lo_addr(port);

		assert_int_equal(connect(fd, (struct sockaddr *) &sa,
					 sizeof(sa)), 0);
	}
	peer = accept(lfd, NULL, NULL);
	assert_true(peer >= 0);
	check_stream(fd, peer, 1);
	close(peer);
	close(fd);
	close(lfd);

	/* type flags travel with the type */
	io_uring_prep_socket(t_get_sqe(&ring), AF_UNIX,
			     SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, 0);
	cqe = t_submit_one(&ring);
	assert_true(cqe.res >= 0);
	fd = cqe.res;
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_DOMAIN), AF_UNIX);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	close(fd);

	/* a family the kernel does not know */
	io_uring_prep_socket(t_get_sqe(&ring), 4242, SOCK_STREAM, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EAFNOSUPPORT);
	io_uring_queue_exit(&ring);
}

static void test_socket_direct(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct sockaddr_in sa;
	unsigned short port;
	int lfd, peer;

	t_require_op(IORING_OP_SOCKET);
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_files_sparse(&ring, 4), 0);

	io_uring_prep_socket_direct(t_get_sqe(&ring), AF_INET, SOCK_STREAM,
				    0, 2, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	/* slot 2 holds a TCP socket: connect it with IOSQE_FIXED_FILE */
	lfd = t_tcp_listener(&port);
	sa = t_lo_addr(port);
	sqe = t_get_sqe(&ring);
	io_uring_prep_connect(sqe, 2, (struct sockaddr *) &sa, sizeof(sa));
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	peer = accept(lfd, NULL, NULL);
	assert_true(peer >= 0);
	check_stream_fixed(&ring, 2, peer, 3);

	/* the slot is taken, but socket_direct replaces what it holds */
	io_uring_prep_socket_direct(t_get_sqe(&ring), AF_INET, SOCK_STREAM,
				    0, 2, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	/* ...which closed the connected socket: the peer sees EOF */
	{
		struct pollfd pfd = { .fd = peer, .events = POLLIN };
		char c;

		assert_int_equal(poll(&pfd, 1, T_WAIT_SECS * 1000), 1);
		assert_int_equal(recv(peer, &c, 1, MSG_DONTWAIT), 0);
	}

	/* direct descriptors cannot be close-on-exec */
	io_uring_prep_socket_direct(t_get_sqe(&ring), AF_INET,
				    SOCK_STREAM | SOCK_CLOEXEC, 0, 1, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* a slot past the table */
	io_uring_prep_socket_direct(t_get_sqe(&ring), AF_INET, SOCK_STREAM,
				    0, 4, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(peer);
	close(lfd);
	io_uring_queue_exit(&ring);
}

static void test_socket_direct_alloc(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct sockaddr_in dst;
	char msg[64], in[64];
	int rx, i;

	t_require_op(IORING_OP_SOCKET);
	t_ring(&ring, 4, 0);

	/* no file table yet */
	io_uring_prep_socket_direct_alloc(t_get_sqe(&ring), AF_INET,
					  SOCK_DGRAM, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENFILE);

	assert_int_equal(io_uring_register_files_sparse(&ring, 2), 0);
	for (i = 0; i < 2; i++) {
		io_uring_prep_socket_direct_alloc(t_get_sqe(&ring), AF_INET,
						  SOCK_DGRAM, 0, 0);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, i);	/* the slot picked */
	}
	/* the table is full now */
	io_uring_prep_socket_direct_alloc(t_get_sqe(&ring), AF_INET,
					  SOCK_DGRAM, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENFILE);

	/* slot 1 is a working UDP socket */
	rx = t_udp_bound(&dst);
	t_fill(msg, sizeof(msg), 9);
	sqe = t_get_sqe(&ring);
	io_uring_prep_sendto(sqe, 1, msg, sizeof(msg), 0,
			     (struct sockaddr *) &dst, sizeof(dst));
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(msg));
	assert_int_equal(recv(rx, in, sizeof(in), 0), sizeof(in));
	assert_memory_equal(in, msg, sizeof(msg));

	close(rx);
	io_uring_queue_exit(&ring);
}

static void test_bind_listen(void **state)
{
	struct sockaddr_in sa, peer_sa, client_sa;
	socklen_t len = sizeof(sa), plen = sizeof(peer_sa);
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd, client, conn;

	t_require_op(IORING_OP_BIND);
	t_require_op(IORING_OP_LISTEN);
	t_ring(&ring, 4, 0);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	sa = t_lo_addr(0);
	io_uring_prep_bind(t_get_sqe(&ring), fd, (struct sockaddr *) &sa,
			   sizeof(sa));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	/* bound: the kernel picked a port on the loopback address */
	assert_int_equal(getsockname(fd, (struct sockaddr *) &sa, &len), 0);
	assert_int_equal(sa.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_true(sa.sin_port != 0);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 0);

	io_uring_prep_listen(t_get_sqe(&ring), fd, 16);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_ACCEPTCONN), 1);

	/* and accept() through the ring reports the client's address */
	client = t_tcp_client(ntohs(sa.sin_port));
	len = sizeof(client_sa);
	assert_int_equal(getsockname(client, (struct sockaddr *) &client_sa,
				     &len), 0);
	memset(&peer_sa, 0, sizeof(peer_sa));
	io_uring_prep_accept(t_get_sqe(&ring), fd,
			     (struct sockaddr *) &peer_sa, &plen, 0);
	cqe = t_submit_one(&ring);
	assert_true(cqe.res >= 0);
	conn = cqe.res;
	assert_int_equal(plen, sizeof(struct sockaddr_in));
	assert_int_equal(peer_sa.sin_port, client_sa.sin_port);
	assert_int_equal(peer_sa.sin_addr.s_addr, client_sa.sin_addr.s_addr);
	check_stream(client, conn, 5);
	close(conn);
	close(client);

	/* binding the same address twice fails */
	{
		int other = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		io_uring_prep_bind(t_get_sqe(&ring), other,
				   (struct sockaddr *) &sa, sizeof(sa));
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EADDRINUSE);
		close(other);
	}
	close(fd);
	io_uring_queue_exit(&ring);
}

/* bind, listen and accept on a socket that only exists as a direct fd. */
static void test_bind_listen_direct(void **state)
{
	struct sockaddr_in sa;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned short port;
	int client, probe, i;
	socklen_t len = sizeof(sa);

	t_require_op(IORING_OP_BIND);
	t_require_op(IORING_OP_LISTEN);
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_files_sparse(&ring, 4), 0);

	/* find a free port, then bind the direct socket to it */
	probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa = t_lo_addr(0);
	assert_int_equal(bind(probe, (struct sockaddr *) &sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(probe, (struct sockaddr *) &sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(probe);

	io_uring_prep_socket_direct(t_get_sqe(&ring), AF_INET, SOCK_STREAM,
				    0, 0, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	sqe = t_get_sqe(&ring);
	io_uring_prep_bind(sqe, 0, (struct sockaddr *) &sa, sizeof(sa));
	sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = t_get_sqe(&ring);
	io_uring_prep_listen(sqe, 0, 8);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe->user_data = 2;
	assert_int_equal(io_uring_submit(&ring), 2);
	for (i = 0; i < 2; i++) {
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, i + 1);
		assert_int_equal(cqe.res, 0);
	}

	client = t_tcp_client(port);
	sqe = t_get_sqe(&ring);
	io_uring_prep_accept_direct(sqe, 0, NULL, NULL, 0, 3);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	check_stream_fixed(&ring, 3, client, 7);

	close(client);
	io_uring_queue_exit(&ring);
}

static void test_connect(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct sockaddr_in sa, got;
	socklen_t len = sizeof(sa);
	unsigned short port;
	int lfd, fd, conn;

	t_ring(&ring, 4, 0);
	lfd = t_tcp_listener(&port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	sa = t_lo_addr(port);
	io_uring_prep_connect(t_get_sqe(&ring), fd, (struct sockaddr *) &sa,
			      sizeof(sa));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(getpeername(fd, (struct sockaddr *) &got, &len), 0);
	assert_int_equal(got.sin_port, htons(port));
	conn = accept(lfd, NULL, NULL);
	assert_true(conn >= 0);
	check_stream(fd, conn, 11);

	/* connecting a connected socket */
	io_uring_prep_connect(t_get_sqe(&ring), fd, (struct sockaddr *) &sa,
			      sizeof(sa));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EISCONN);
	close(fd);
	close(conn);

	/* a port nobody listens on any more */
	close(lfd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	io_uring_prep_connect(t_get_sqe(&ring), fd, (struct sockaddr *) &sa,
			      sizeof(sa));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ECONNREFUSED);
	close(fd);

	/* AF_UNIX datagram connect to a path that does not exist */
	{
		struct sockaddr_un un = { .sun_family = AF_UNIX };

		snprintf(un.sun_path, sizeof(un.sun_path), "%s/nobody",
			 t_tmpdir());
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		io_uring_prep_connect(t_get_sqe(&ring), fd,
				      (struct sockaddr *) &un, sizeof(un));
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -ENOENT);
		close(fd);
	}
	io_uring_queue_exit(&ring);
}

static void test_accept(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct sockaddr_in sa, csa;
	socklen_t len, clen = sizeof(csa);
	unsigned short port;
	int lfd, client, conn;

	t_ring(&ring, 4, 0);
	lfd = t_tcp_listener(&port);

	/* queued before anyone connects: completes when a client arrives */
	len = sizeof(sa);
	memset(&sa, 0, sizeof(sa));
	io_uring_prep_accept(t_get_sqe(&ring), lfd, (struct sockaddr *) &sa,
			     &len, SOCK_CLOEXEC);
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 50);
	client = t_tcp_client(port);
	t_reap(&ring, &cqe, 1);
	assert_true(cqe.res >= 0);
	conn = cqe.res;
	assert_int_equal(cqe.flags & ~IORING_CQE_F_SOCK_NONEMPTY, 0);
	assert_int_equal(fcntl(conn, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(getsockname(client, (struct sockaddr *) &csa, &clen),
			 0);
	assert_int_equal(len, sizeof(sa));
	assert_int_equal(sa.sin_family, AF_INET);
	assert_int_equal(sa.sin_port, csa.sin_port);
	check_stream(client, conn, 13);
	close(conn);
	close(client);

	/* without an address, over AF_UNIX */
	{
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		int ul = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		snprintf(un.sun_path, sizeof(un.sun_path), "%s/listen",
			 t_tmpdir());
		assert_int_equal(bind(ul, (struct sockaddr *) &un,
				      sizeof(un)), 0);
		assert_int_equal(listen(ul, 4), 0);
		client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_int_equal(connect(client, (struct sockaddr *) &un,
					 sizeof(un)), 0);
		io_uring_prep_accept(t_get_sqe(&ring), ul, NULL, NULL, 0);
		cqe = t_submit_one(&ring);
		assert_true(cqe.res >= 0);
		conn = cqe.res;
		assert_int_equal(fcntl(conn, F_GETFD) & FD_CLOEXEC, 0);
		check_stream(client, conn, 15);
		close(conn);
		close(client);
		close(ul);
	}
	close(lfd);
	io_uring_queue_exit(&ring);
}

static void test_accept_direct(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned short port;
	int lfd, c1, c2;

	t_require_op(IORING_OP_SOCKET);	/* 5.19: ALLOC slots */
	t_ring(&ring, 4, 0);
	assert_int_equal(io_uring_register_files_sparse(&ring, 4), 0);
	lfd = t_tcp_listener(&port);

	c1 = t_tcp_client(port);
	io_uring_prep_accept_direct(t_get_sqe(&ring), lfd, NULL, NULL, 0, 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	check_stream_fixed(&ring, 1, c1, 17);

	c2 = t_tcp_client(port);
	io_uring_prep_accept_direct(t_get_sqe(&ring), lfd, NULL, NULL, 0,
				    IORING_FILE_INDEX_ALLOC);
	cqe = t_submit_one(&ring);
	/* res is the free slot the kernel picked */
	assert_true(cqe.res >= 0 && cqe.res < 4 && cqe.res != 1);
	check_stream_fixed(&ring, cqe.res, c2, 19);

	/* the two connections are distinct */
	{
		char c = 'x';

		assert_int_equal(write(c1, &c, 1), 1);
		c = 0;
		sqe = t_get_sqe(&ring);
		io_uring_prep_recv(sqe, 1, &c, 1, 0);
		sqe->flags |= IOSQE_FIXED_FILE;
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, 1);
		assert_int_equal(c, 'x');
	}

	/* SOCK_CLOEXEC makes no sense for a direct descriptor */
	io_uring_prep_accept_direct(t_get_sqe(&ring), lfd, NULL, NULL,
				    SOCK_CLOEXEC, 2);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(c1);
	close(c2);
	close(lfd);
	io_uring_queue_exit(&ring);
}

static void test_multishot_accept(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned short port;
	int lfd, client[3], conn[3], i;

	t_require_op(IORING_OP_SOCKET);	/* 5.19 */
	t_ring(&ring, 8, 0);
	lfd = t_tcp_listener(&port);

	sqe = t_get_sqe(&ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, SOCK_CLOEXEC);
	sqe->user_data = 42;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_expect_no_cqe(&ring, 30);

	for (i = 0; i < 3; i++) {
		struct sockaddr_in a, b;
		socklen_t al = sizeof(a), bl = sizeof(b);

		client[i] = t_tcp_client(port);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 42);
		assert_true(cqe.res >= 0);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		assert_int_equal(cqe.flags & ~(IORING_CQE_F_MORE |
					       IORING_CQE_F_SOCK_NONEMPTY), 0);
		conn[i] = cqe.res;
		assert_int_equal(fcntl(conn[i], F_GETFD) & FD_CLOEXEC,
				 FD_CLOEXEC);
		/* each accepted fd is the server end of that client */
		assert_int_equal(getpeername(conn[i], (struct sockaddr *) &a,
					     &al), 0);
		assert_int_equal(getsockname(client[i], (struct sockaddr *) &b,
					     &bl), 0);
		assert_int_equal(a.sin_port, b.sin_port);
	}
	for (i = 0; i < 3; i++)
		check_stream(client[i], conn[i], 21 + i);

	/* still armed: cancel it, the last CQE has no F_MORE */
	sqe = t_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 42, 0);
	sqe->user_data = 43;
	assert_int_equal(io_uring_submit(&ring), 1);
	t_reap_cancelled(&ring, 42, 43);
	for (i = 0; i < 3; i++) {
		close(conn[i]);
		close(client[i]);
	}
	close(lfd);
	io_uring_queue_exit(&ring);
}

static void test_multishot_accept_direct(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	unsigned short port;
	int lfd, client[3], slot[3], i;

	t_require_op(IORING_OP_SOCKET);
	t_ring(&ring, 8, 0);
	assert_int_equal(io_uring_register_files_sparse(&ring, 3), 0);
	lfd = t_tcp_listener(&port);

	sqe = t_get_sqe(&ring);
	io_uring_prep_multishot_accept_direct(sqe, lfd, NULL, NULL, 0);
	sqe->user_data = 7;
	assert_int_equal(io_uring_submit(&ring), 1);
	for (i = 0; i < 3; i++) {
		client[i] = t_tcp_client(port);
		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 7);
		assert_true(cqe.flags & IORING_CQE_F_MORE);
		slot[i] = cqe.res;
		assert_int_equal(slot[i], i);	/* allocated in order */
	}
	for (i = 0; i < 3; i++)
		check_stream_fixed(&ring, slot[i], client[i], 31 + i);

	/* a fourth connection finds the table full: that ends it */
	{
		int extra = t_tcp_client(port);

		t_reap(&ring, &cqe, 1);
		assert_int_equal(cqe.user_data, 7);
		assert_int_equal(cqe.res, -ENFILE);
		assert_int_equal(cqe.flags & IORING_CQE_F_MORE, 0);
		close(extra);
	}

	/* a specific slot is not allowed with multishot */
	sqe = t_get_sqe(&ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
	__io_uring_set_target_fixed_file(sqe, 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	for (i = 0; i < 3; i++)
		close(client[i]);
	close(lfd);
	io_uring_queue_exit(&ring);
}

static void test_shutdown(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int client, server;
	char c;

	t_require_op(IORING_OP_SHUTDOWN);
	t_ring(&ring, 4, 0);
	t_tcp_pair(&client, &server);

	io_uring_prep_shutdown(t_get_sqe(&ring), client, SHUT_WR);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	/* the peer reads EOF, but can still send to the client */
	assert_int_equal(recv(server, &c, 1, 0), 0);
	assert_int_equal(write(server, "k", 1), 1);
	assert_int_equal(recv(client, &c, 1, 0), 1);
	assert_int_equal(c, 'k');
	/* and the client cannot write any more */
	assert_int_equal(send(client, "z", 1, MSG_NOSIGNAL), -1);
	assert_int_equal(errno, EPIPE);

	io_uring_prep_shutdown(t_get_sqe(&ring), server, SHUT_RDWR);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(recv(client, &c, 1, 0), 0);

	/* a bad @how, and a socket that was never connected */
	io_uring_prep_shutdown(t_get_sqe(&ring), server, 7);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	{
		int fresh = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		io_uring_prep_shutdown(t_get_sqe(&ring), fresh, SHUT_RD);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -ENOTCONN);
		close(fresh);
	}
	close(client);
	close(server);
	io_uring_queue_exit(&ring);
}

static void test_cmd_sock_sockopt(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd, val;

	require_sock_cmds();
	t_ring(&ring, 4, 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 0);

	val = 1;
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SETSOCKOPT,
			       fd, SOL_SOCKET, SO_KEEPALIVE, &val,
			       sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 1);

	/* read it back through the ring: res is the option length */
	val = -1;
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_GETSOCKOPT,
			       fd, SOL_SOCKET, SO_KEEPALIVE, &val,
			       sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(int));
	assert_int_equal(val, 1);

	/* a value set with setsockopt(2) reads back too */
	val = 12345;
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &val,
				    sizeof(val)), 0);
	val = 0;
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_GETSOCKOPT,
			       fd, SOL_SOCKET, SO_RCVLOWAT, &val,
			       sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, sizeof(int));
	assert_int_equal(val, 12345);

	/* other levels work for SET... */
	val = 1;
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SETSOCKOPT,
			       fd, IPPROTO_TCP, TCP_NODELAY, &val,
			       sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	assert_int_equal(sockopt_int(fd, IPPROTO_TCP, TCP_NODELAY), 1);
	/* ...but GET only knows SOL_SOCKET */
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_GETSOCKOPT,
			       fd, IPPROTO_TCP, TCP_NODELAY, &val,
			       sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	/* an unknown option */
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SETSOCKOPT,
			       fd, SOL_SOCKET, 0x7fff, &val, sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOPROTOOPT);

	close(fd);
	io_uring_queue_exit(&ring);
}

static void test_cmd_sock_queues(void **state)
{
	struct sockaddr_in dst;
	struct io_uring ring;
	struct io_uring_cqe cqe;
	struct pollfd pfd;
	char buf[100];
	int rx, tx, client, server;

	require_sock_cmds();
	t_ring(&ring, 4, 0);

	/* UDP: SIOCINQ is the size of the first queued datagram */
	rx = t_udp_bound(&dst);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SIOCINQ, rx,
			       0, 0, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	t_fill(buf, sizeof(buf), 1);
	assert_int_equal(sendto(tx, buf, 37, 0, (struct sockaddr *) &dst,
				sizeof(dst)), 37);
	assert_int_equal(sendto(tx, buf, 50, 0, (struct sockaddr *) &dst,
				sizeof(dst)), 50);
	pfd.fd = rx;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, T_WAIT_SECS * 1000), 1);
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SIOCINQ, rx,
			       0, 0, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 37);

	/* TCP: SIOCINQ counts every unread byte, SIOCOUTQ unacked ones */
	t_tcp_pair(&client, &server);
	assert_int_equal(write(client, buf, 60), 60);
	assert_int_equal(write(client, buf, 40), 40);
	for (int tries = 0; tries < 500; tries++) {
		int inq = 0;

		assert_int_equal(ioctl(server, SIOCINQ, &inq), 0);
		if (inq == 100)
			break;
		usleep(1000);
	}
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SIOCINQ,
			       server, 0, 0, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 100);
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SIOCOUTQ,
			       server, 0, 0, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);	/* the server sent nothing */
	assert_int_equal(recv(server, buf, sizeof(buf), MSG_WAITALL), 100);
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SIOCINQ,
			       server, 0, 0, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);

	/* a listening TCP socket has no queue to report */
	{
		unsigned short port;
		int lfd = t_tcp_listener(&port);

		io_uring_prep_cmd_sock(t_get_sqe(&ring),
				       SOCKET_URING_OP_SIOCINQ, lfd, 0, 0,
				       NULL, 0);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
		close(lfd);
	}

	close(client);
	close(server);
	close(rx);
	close(tx);
	io_uring_queue_exit(&ring);
}

static void test_cmd_sock_bad(void **state)
{
	struct io_uring ring;
	struct io_uring_cqe cqe;
	int fd, val = 1, pipefd[2];

	require_sock_cmds();
	t_ring(&ring, 4, 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* an unknown socket command */
	io_uring_prep_cmd_sock(t_get_sqe(&ring), 0x7777, fd, SOL_SOCKET,
			       SO_KEEPALIVE, &val, sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	/* a file that is no socket has no uring_cmd at all */
	assert_int_equal(pipe(pipefd), 0);
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SETSOCKOPT,
			       pipefd[0], SOL_SOCKET, SO_KEEPALIVE, &val,
			       sizeof(val));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EOPNOTSUPP);

	/* and a bad fd */
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_SIOCINQ,
			       1000000, 0, 0, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	/* getsockopt into an unmapped buffer */
	io_uring_prep_cmd_sock(t_get_sqe(&ring), SOCKET_URING_OP_GETSOCKOPT,
			       fd, SOL_SOCKET, SO_KEEPALIVE, (void *) 8,
			       sizeof(int));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EFAULT);

	close(pipefd[0]);
	close(pipefd[1]);
	close(fd);
	io_uring_queue_exit(&ring);
}

/*
 * SOCKET_URING_OP_GETSOCKNAME arrived in 6.19.  Older socket command
 * handlers reject a cmd_op they do not know with -EOPNOTSUPP.
 */
static void test_cmd_getsockname(void **state)
{
	struct sockaddr_in want, got;
	socklen_t want_len = sizeof(want), got_len;
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	int client, server;

	require_sock_cmds();
	t_ring(&ring, 4, 0);
	t_tcp_pair(&client, &server);

	got_len = sizeof(got);
	memset(&got, 0, sizeof(got));
	sqe = t_get_sqe(&ring);
	io_uring_prep_cmd_getsockname(sqe, client, (struct sockaddr *) &got,
				      &got_len, 0);
	assert_int_equal(sqe->opcode, IORING_OP_URING_CMD);
	assert_int_equal(sqe->cmd_op, SOCKET_URING_OP_GETSOCKNAME);
	cqe = t_submit_one(&ring);
	if (cqe.res == -EOPNOTSUPP) {
		close(client);
		close(server);
		io_uring_queue_exit(&ring);
		T_SKIP("kernel rejects SOCKET_URING_OP_GETSOCKNAME with "
		       "-EOPNOTSUPP (unknown socket cmd_op; needs 6.19)");
	}
	assert_int_equal(cqe.res, 0);
	assert_int_equal(getsockname(client, (struct sockaddr *) &want,
				     &want_len), 0);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(&got, &want, want_len);

	/* peer = 1: getpeername() */
	got_len = sizeof(got);
	memset(&got, 0, sizeof(got));
	io_uring_prep_cmd_getsockname(t_get_sqe(&ring), client,
				      (struct sockaddr *) &got, &got_len, 1);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, 0);
	want_len = sizeof(want);
	assert_int_equal(getsockname(server, (struct sockaddr *) &want,
				     &want_len), 0);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(&got, &want, want_len);

	/* peer > 1 is invalid */
	got_len = sizeof(got);
	io_uring_prep_cmd_getsockname(t_get_sqe(&ring), client,
				      (struct sockaddr *) &got, &got_len, 2);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	close(client);
	close(server);
	io_uring_queue_exit(&ring);
}

static void test_bad_input(void **state)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe cqe;
	struct sockaddr_in sa = t_lo_addr(9);
	int file, sock;

	t_ring(&ring, 8, 0);
	file = t_tmpfile(NULL, 0, NULL, 16);
	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	io_uring_prep_connect(t_get_sqe(&ring), 1000000,
			      (struct sockaddr *) &sa, sizeof(sa));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	io_uring_prep_connect(t_get_sqe(&ring), file, (struct sockaddr *) &sa,
			      sizeof(sa));
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOTSOCK);

	io_uring_prep_accept(t_get_sqe(&ring), file, NULL, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -ENOTSOCK);

	/* accept on a socket that does not listen */
	io_uring_prep_accept(t_get_sqe(&ring), sock, NULL, NULL, 0);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* unknown accept flags, in accept_flags and in ioprio */
	io_uring_prep_accept(t_get_sqe(&ring), sock, NULL, NULL, O_APPEND);
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);
	sqe = t_get_sqe(&ring);
	io_uring_prep_accept(sqe, sock, NULL, NULL, 0);
	sqe->ioprio = 1U << 7;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EINVAL);

	/* a direct descriptor that is not registered */
	sqe = t_get_sqe(&ring);
	io_uring_prep_accept(sqe, 0, NULL, NULL, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	cqe = t_submit_one(&ring);
	assert_int_equal(cqe.res, -EBADF);

	if (t_has_op(IORING_OP_SHUTDOWN)) {
		io_uring_prep_shutdown(t_get_sqe(&ring), file, SHUT_RDWR);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -ENOTSOCK);
	}

	if (t_has_op(IORING_OP_SOCKET)) {
		/* SOCKET's flags argument is reserved */
		io_uring_prep_socket(t_get_sqe(&ring), AF_INET, SOCK_STREAM,
				     0, 1);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
		/* unknown type flags */
		io_uring_prep_socket(t_get_sqe(&ring), AF_INET,
				     SOCK_STREAM | O_APPEND, 0, 0);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
	}

	if (t_has_op(IORING_OP_BIND)) {
		io_uring_prep_bind(t_get_sqe(&ring), file,
				   (struct sockaddr *) &sa, sizeof(sa));
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -ENOTSOCK);
		io_uring_prep_listen(t_get_sqe(&ring), 1000000, 1);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EBADF);
		/* an address too long for any family */
		io_uring_prep_bind(t_get_sqe(&ring), sock,
				   (struct sockaddr *) &sa, 4096);
		cqe = t_submit_one(&ring);
		assert_int_equal(cqe.res, -EINVAL);
	}

	t_ring_still_works(&ring);

	close(sock);
	close(file);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_socket_direct),
		cmocka_unit_test(test_socket_direct_alloc),
		cmocka_unit_test(test_bind_listen),
		cmocka_unit_test(test_bind_listen_direct),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_accept_direct),
		cmocka_unit_test(test_multishot_accept),
		cmocka_unit_test(test_multishot_accept_direct),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_cmd_sock_sockopt),
		cmocka_unit_test(test_cmd_sock_queues),
		cmocka_unit_test(test_cmd_sock_bad),
		cmocka_unit_test(test_cmd_getsockname),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
