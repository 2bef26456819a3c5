// SPDX-License-Identifier: MIT
//
// A C++ program using liburing.h the way C++ code does: C++ headers
// first, the ring wrapped in a class, completions collected in a vector.
// Built by test/check-headers.sh with g++ and clang++ in every C++ dialect
// it checks (-Wall -Wextra -Werror -pedantic) and run against the built
// library.  Writes a temp file with a WRITE linked to a READ, queues NOPs,
// and reaps everything with io_uring_for_each_cqe and the CQE iterator.
//
// Exit status: 0 passed, 1 failed, 77 io_uring unavailable here.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <liburing.h>
#include <unistd.h>

static_assert(IO_URING_VERSION_MAJOR == 2, "liburing 2.x API");
#if IO_URING_CHECK_VERSION(2, 15)
#error "liburing.h is older than 2.15"
#endif

namespace {

const unsigned nr_nops = 6;

enum : __u64 {
	TAG_WRITE = 1000,
	TAG_READ = 1001,
	TAG_NOP = 2000,
};

class Ring {
public:
	explicit Ring(unsigned entries)
	{
		err_ = io_uring_queue_init(entries, &ring_, 0);
	}
	~Ring()
	{
		if (!err_)
			io_uring_queue_exit(&ring_);
	}
	Ring(const Ring &) = delete;
	Ring &operator=(const Ring &) = delete;

	int error() const { return err_; }
	struct io_uring *get() { return &ring_; }

	struct io_uring_sqe *sqe()
	{
		struct io_uring_sqe *s = io_uring_get_sqe(&ring_);

		if (!s)
			die("io_uring_get_sqe: SQ full");
		return s;
	}

	[[noreturn]] static void die(const std::string &why)
	{
		std::fprintf(stderr, "cxx-ring: %s\n", why.c_str());
		std::exit(1);
	}

private:
	struct io_uring ring_;
	int err_;
};

struct Completion {
	__u64 tag;
	int res;
};

} // namespace

int main()
{
	const std::string msg = "liburing from C++";
	std::vector<char> back(msg.size());
	std::vector<Completion> done;
	const char *tmpdir = std::getenv("TMPDIR");
	std::string path = std::string(tmpdir ? tmpdir : "/tmp") +
			   "/cxx-ring.XXXXXX";
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int fd, ret;

	Ring ring(16);
	if (ring.error() == -ENOSYS || ring.error() == -EPERM) {
		std::printf("SKIP: io_uring unavailable (%s)\n",
			    std::strerror(-ring.error()));
		return 77;
	}
	if (ring.error())
		Ring::die(std::string("io_uring_queue_init: ") +
			  std::strerror(-ring.error()));

	fd = mkstemp(&path[0]);
	if (fd < 0)
		Ring::die("mkstemp failed");
	unlink(path.c_str());

	struct io_uring_sqe *sqe = ring.sqe();
	io_uring_prep_write(sqe, fd, msg.data(), (unsigned) msg.size(), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, TAG_WRITE);

	sqe = ring.sqe();
	io_uring_prep_read(sqe, fd, back.data(), (unsigned) back.size(), 0);
	io_uring_sqe_set_data64(sqe, TAG_READ);

	for (unsigned i = 0; i < nr_nops; i++) {
		sqe = ring.sqe();
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, TAG_NOP + i);
	}

	ret = io_uring_submit(ring.get());
	if (ret != (int) (2 + nr_nops))
		Ring::die("io_uring_submit returned " + std::to_string(ret));

	while (done.size() < 2 + nr_nops) {
		ret = io_uring_wait_cqe(ring.get(), &cqe);
		if (ret)
			Ring::die(std::string("io_uring_wait_cqe: ") +
				  std::strerror(-ret));
		seen = 0;
		io_uring_for_each_cqe(ring.get(), head, cqe) {
			done.push_back({ io_uring_cqe_get_data64(cqe),
					 cqe->res });
			seen++;
		}
		io_uring_cq_advance(ring.get(), seen);
	}

	bool wrote = false, read = false;
	unsigned nops = 0;
	for (const Completion &c : done) {
		if (c.tag == TAG_WRITE) {
			wrote = c.res == (int) msg.size();
		} else if (c.tag == TAG_READ) {
			read = c.res == (int) msg.size();
		} else if (c.tag >= TAG_NOP && c.tag < TAG_NOP + nr_nops &&
			   c.res == 0) {
			nops++;
		} else {
			Ring::die("unexpected completion " +
				  std::to_string(c.tag) + " res " +
				  std::to_string(c.res));
		}
	}
	if (!wrote || !read || nops != nr_nops)
		Ring::die("missing or failed completions");
	if (std::string(back.begin(), back.end()) != msg)
		Ring::die("read back different data");

	// Nothing left: the iterator agrees with io_uring_cq_ready().
	struct io_uring_cqe_iter it = io_uring_cqe_iter_init(ring.get());
	if (io_uring_cqe_iter_next(&it, &cqe) || io_uring_cq_ready(ring.get()))
		Ring::die("completions left over");

	close(fd);
	std::printf("cxx-ring: %zu completions, data verified\n", done.size());
	return 0;
}
