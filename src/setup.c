/* SPDX-License-Identifier: MIT */
/*
 * Creating, mapping, resizing and tearing down rings.
 */
#include "lib.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Kernel limits on ring sizes (IORING_MAX_ENTRIES / _CQ_ENTRIES). */
#define KERN_MAX_ENTRIES	32768
#define KERN_MAX_CQ_ENTRIES	(2 * KERN_MAX_ENTRIES)

/*
 * Upper bound of the kernel's struct io_rings header before the CQE array:
 * two cache-line-aligned head/tail pairs and the ring words, with the CQE
 * array cache-line aligned after them.
 */
#define KERN_RINGS_HEADER	256
#define KERN_CACHELINE		64

static size_t sqe_bytes(unsigned flags)
{
	return sizeof(struct io_uring_sqe) << io_uring_sqe_shift_from_flags(flags);
}

static size_t cqe_bytes(unsigned flags)
{
	return sizeof(struct io_uring_cqe) << io_uring_cqe_shift_from_flags(flags);
}

/* A kernel field at @offset in a mapped ring. */
static unsigned *ring_field(void *ring, __u32 offset)
{
	return (unsigned *) ((char *) ring + offset);
}

/*
 * Point the user-side view at the kernel fields in the mapped rings.  Both
 * rings have a head, a tail, a mask and a size; then each has its own.
 */
static void ring_setup_pointers(struct io_uring_params *p,
				struct io_uring_sq *sq, struct io_uring_cq *cq)
{
	sq->khead = ring_field(sq->ring_ptr, p->sq_off.head);
	cq->khead = ring_field(cq->ring_ptr, p->cq_off.head);
	sq->ktail = ring_field(sq->ring_ptr, p->sq_off.tail);
	cq->ktail = ring_field(cq->ring_ptr, p->cq_off.tail);
	sq->kring_mask = ring_field(sq->ring_ptr, p->sq_off.ring_mask);
	cq->kring_mask = ring_field(cq->ring_ptr, p->cq_off.ring_mask);
	sq->kring_entries = ring_field(sq->ring_ptr, p->sq_off.ring_entries);
	cq->kring_entries = ring_field(cq->ring_ptr, p->cq_off.ring_entries);

	sq->kflags = ring_field(sq->ring_ptr, p->sq_off.flags);
	sq->kdropped = ring_field(sq->ring_ptr, p->sq_off.dropped);
	if (!(p->flags & IORING_SETUP_NO_SQARRAY))
		sq->array = ring_field(sq->ring_ptr, p->sq_off.array);
	cq->koverflow = ring_field(cq->ring_ptr, p->cq_off.overflow);
	cq->cqes = (struct io_uring_cqe *) (void *)
		ring_field(cq->ring_ptr, p->cq_off.cqes);
	if (p->cq_off.flags)	/* 5.8 */
		cq->kflags = ring_field(cq->ring_ptr, p->cq_off.flags);

	sq->ring_mask = *sq->kring_mask;
	sq->ring_entries = *sq->kring_entries;
	cq->ring_mask = *cq->kring_mask;
	cq->ring_entries = *cq->kring_entries;
	sq->sqe_limit = sq->sqe_tail - 1; /* the first get_sqe reads the head */
}

static void ring_unmap(struct io_uring_sq *sq, struct io_uring_cq *cq)
{
	if (sq->sqes && sq->sqes_sz)
		munmap(sq->sqes, sq->sqes_sz);
	if (sq->ring_ptr && sq->ring_sz)
		munmap(sq->ring_ptr, sq->ring_sz);
	if (cq->ring_ptr && cq->ring_sz && cq->ring_ptr != sq->ring_ptr)
		munmap(cq->ring_ptr, cq->ring_sz);
}

static void *map_ring_area(int fd, size_t size, __u64 offset)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, (off_t) offset);
}

/* Map the rings of @fd as described by @p into @sq and @cq. */
static int ring_mmap(int fd, struct io_uring_params *p, struct io_uring_sq *sq,
		     struct io_uring_cq *cq)
{
	size_t sq_size = p->sq_off.array + p->sq_entries * sizeof(unsigned);
	size_t cq_size = p->cq_off.cqes + p->cq_entries * cqe_bytes(p->flags);
	void *ptr;
	int ret;

	if (p->flags & IORING_SETUP_NO_SQARRAY)
		sq_size = p->sq_off.ring_entries + sizeof(unsigned);

	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_size > sq_size)
			sq_size = cq_size;
		cq_size = sq_size;
	}

	ptr = map_ring_area(fd, sq_size, IORING_OFF_SQ_RING);
	if (ptr == MAP_FAILED)
		return -errno;
	sq->ring_ptr = ptr;
	sq->ring_sz = sq_size;

	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		cq->ring_ptr = sq->ring_ptr;
	} else {
		ptr = map_ring_area(fd, cq_size, IORING_OFF_CQ_RING);
		if (ptr == MAP_FAILED) {
			ret = -errno;
			goto err;
		}
		cq->ring_ptr = ptr;
	}
	cq->ring_sz = cq_size;

	sq->sqes_sz = (unsigned) (p->sq_entries * sqe_bytes(p->flags));
	ptr = map_ring_area(fd, sq->sqes_sz, IORING_OFF_SQES);
	if (ptr == MAP_FAILED) {
		ret = -errno;
		sq->sqes_sz = 0;
		goto err;
	}
	sq->sqes = ptr;

	ring_setup_pointers(p, sq, cq);
	return 0;
err:
	ring_unmap(sq, cq);
	sq->ring_ptr = cq->ring_ptr = NULL;
	return ret;
}

/* The SQ array maps slot i to SQE i for good: the library never reorders. */
static void fill_sq_array(struct io_uring *ring)
{
	unsigned i;

	if (!ring->sq.array)
		return;
	for (i = 0; i < ring->sq.ring_entries; i++)
		ring->sq.array[i] = i;
}

int io_uring_queue_mmap(int fd, struct io_uring_params *p,
			struct io_uring *ring)
{
	int ret;

	memset(ring, 0, sizeof(*ring));
	ring->ring_fd = ring->enter_ring_fd = -1;

	/*
	 * Only an io_uring answers an empty enter with 0 (or -EBADFD while
	 * disabled); anything else would map garbage.
	 */
	ret = io_uring_enter((unsigned) fd, 0, 0, 0, NULL);
	if (ret < 0 && ret != -EBADFD)
		return ret;

	ret = ring_mmap(fd, p, &ring->sq, &ring->cq);
	if (ret)
		return ret;

	ring->flags = p->flags;
	ring->ring_fd = ring->enter_ring_fd = fd;
	ring->features = p->features;
	fill_sq_array(ring);
	return 0;
}

static unsigned roundup_pow2(unsigned n)
{
	unsigned v = 1;

	while (v < n)
		v <<= 1;
	return v;
}

/*
 * One ring size as the kernel takes it: non-zero, refused above @max
 * unless IORING_SETUP_CLAMP, then rounded up to a power of two.
 */
static int kernel_ring_size(unsigned n, unsigned max, unsigned flags,
			    unsigned *size)
{
	if (!n)
		return -EINVAL;
	if (n > max) {
		if (!(flags & IORING_SETUP_CLAMP))
			return -EINVAL;
		n = max;
	}
	*size = roundup_pow2(n);
	return 0;
}

/*
 * The SQ and CQ sizes the kernel will pick for @entries and @p, so that
 * memory for IORING_SETUP_NO_MMAP rings can be sized before setup.
 */
static int kernel_ring_sizes(unsigned entries, const struct io_uring_params *p,
			     unsigned *sq_entries, unsigned *cq_entries)
{
	int ret;

	ret = kernel_ring_size(entries, KERN_MAX_ENTRIES, p->flags,
			       sq_entries);
	if (ret)
		return ret;
	if (!(p->flags & IORING_SETUP_CQSIZE)) {
		*cq_entries = 2 * *sq_entries;
		return 0;
	}
	ret = kernel_ring_size(p->cq_entries, KERN_MAX_CQ_ENTRIES, p->flags,
			       cq_entries);
	if (ret)
		return ret;
	return *cq_entries < *sq_entries ? -EINVAL : 0;
}

struct mem_layout {
	size_t sqes;		/* page-rounded bytes of SQEs, at the start */
	size_t rings;		/* page-rounded bytes of the rings, after */
};

static int mem_layout(unsigned entries, const struct io_uring_params *p,
		      struct mem_layout *l)
{
	size_t page = page_size();
	unsigned sq_entries, cq_entries;
	size_t rings;
	int ret;

	ret = kernel_ring_sizes(entries, p, &sq_entries, &cq_entries);
	if (ret)
		return ret;

	rings = KERN_RINGS_HEADER + cq_entries * cqe_bytes(p->flags);
	if (!(p->flags & IORING_SETUP_NO_SQARRAY)) {
		rings = PAGE_ALIGN_UP(rings, KERN_CACHELINE);
		rings += sq_entries * sizeof(unsigned);
	}
	l->sqes = PAGE_ALIGN_UP(sq_entries * sqe_bytes(p->flags), page);
	l->rings = PAGE_ALIGN_UP(rings, page);
	return 0;
}

ssize_t io_uring_memory_size_params(unsigned entries,
				    struct io_uring_params *p)
{
	struct mem_layout l;
	int ret;

	ret = mem_layout(entries, p, &l);
	if (ret)
		return ret;
	return (ssize_t) (l.sqes + l.rings);
}

ssize_t io_uring_memory_size(unsigned entries, unsigned flags)
{
	struct io_uring_params p = { .flags = flags };

	return io_uring_memory_size_params(entries, &p);
}

/*
 * Memory accounted against RLIMIT_MEMLOCK for such a ring.  Since 5.12
 * (IORING_FEAT_NATIVE_WORKERS) ring memory is charged to the memory cgroup
 * instead, and nothing needs locking.
 */
ssize_t io_uring_mlock_size_params(unsigned entries, struct io_uring_params *p)
{
	struct io_uring_params probe;
	struct mem_layout l;
	int fd, ret;

	/* sizes the kernel would refuse are refused whatever it charges */
	ret = mem_layout(entries, p, &l);
	if (ret)
		return ret;

	memset(&probe, 0, sizeof(probe));
	fd = io_uring_setup(1, &probe);
	if (fd < 0)
		return fd;
	close(fd);
	if (probe.features & IORING_FEAT_NATIVE_WORKERS)
		return 0;
	return (ssize_t) (l.sqes + l.rings);
}

ssize_t io_uring_mlock_size(unsigned entries, unsigned flags)
{
	struct io_uring_params p = { .flags = flags };

	return io_uring_mlock_size_params(entries, &p);
}

/*
 * IORING_SETUP_NO_MMAP (6.5): the rings live in memory we provide.  SQEs
 * come first, the rings on the next page boundary.  Returns the bytes used,
 * allocating them when the caller gave none.
 */
static ssize_t prepare_app_memory(unsigned entries, struct io_uring *ring,
				  struct io_uring_params *p,
				  void **buf, size_t buf_size)
{
	struct mem_layout l;
	int ret;

	ret = mem_layout(entries, p, &l);
	if (ret)
		return ret;

	if (*buf) {
		if (buf_size < l.sqes + l.rings)
			return -ENOMEM;
		ring->int_flags |= INT_FLAG_APP_MEM;
	} else {
		void *mem = mmap(NULL, l.sqes + l.rings,
				 PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE,
				 -1, 0);
		if (mem == MAP_FAILED)
			return -errno;
		*buf = mem;
	}

	p->sq_off.user_addr = (unsigned long) *buf;
	p->cq_off.user_addr = (unsigned long) ((char *) *buf + l.sqes);
	ring->sq.sqes = *buf;
	ring->sq.sqes_sz = (unsigned) l.sqes;
	ring->sq.ring_ptr = ring->cq.ring_ptr = (char *) *buf + l.sqes;
	return (ssize_t) (l.sqes + l.rings);
}

static void release_app_memory(struct io_uring *ring, size_t size)
{
	if (!(ring->int_flags & INT_FLAG_APP_MEM))
		munmap(ring->sq.sqes, size);
}

/*
 * One setup attempt with @p as it is.  Returns the bytes of caller memory
 * used (NO_MMAP) or 0, or -errno.  On failure nothing stays mapped or open
 * and *ring is zeroed.
 */
static ssize_t setup_ring(unsigned entries, struct io_uring *ring,
			  struct io_uring_params *p, void *buf,
			  size_t buf_size)
{
	/* Our own copy: the kernel writes p back. */
	bool no_mmap = p->flags & IORING_SETUP_NO_MMAP;
	ssize_t mem_size = 0;
	int fd = -1, ret;

	memset(ring, 0, sizeof(*ring));
	if (no_mmap) {
		mem_size = prepare_app_memory(entries, ring, p, &buf, buf_size);
		if (mem_size < 0) {
			ret = (int) mem_size;
			mem_size = 0;
			goto err;
		}
	}

	fd = io_uring_setup(entries, p);
	if (fd < 0) {
		ret = fd;
		goto err;
	}

	if (no_mmap) {
		ring->sq.ring_sz = (size_t) mem_size;
		ring_setup_pointers(p, &ring->sq, &ring->cq);
	} else {
		ret = ring_mmap(fd, p, &ring->sq, &ring->cq);
		if (ret)
			goto err;
	}

	ring->flags = p->flags;
	ring->features = p->features;
	if (p->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		ring->ring_fd = -1;
		ring->enter_ring_fd = fd;
		ring->int_flags |= INT_FLAG_REG_RING | INT_FLAG_REG_REG_RING;
	} else {
		ring->ring_fd = ring->enter_ring_fd = fd;
	}
	fill_sq_array(ring);
	return mem_size;
err:
	if (fd >= 0)
		close(fd);
	if (mem_size)
		release_app_memory(ring, (size_t) mem_size);
	memset(ring, 0, sizeof(*ring));
	ring->ring_fd = ring->enter_ring_fd = -1;
	return ret;
}

/*
 * Rings go without the SQ array (IORING_SETUP_NO_SQARRAY, 6.6) unless the
 * caller asks otherwise; older kernels refuse the flag with -EINVAL, and
 * get one more attempt without it.
 */
static ssize_t queue_init(unsigned entries, struct io_uring *ring,
			  struct io_uring_params *p, void *buf,
			  size_t buf_size)
{
	ssize_t ret;

	if (p->flags & IORING_SETUP_NO_SQARRAY)
		return setup_ring(entries, ring, p, buf, buf_size);

	p->flags |= IORING_SETUP_NO_SQARRAY;
	ret = setup_ring(entries, ring, p, buf, buf_size);
	if (ret != -EINVAL)
		return ret;
	p->flags &= ~IORING_SETUP_NO_SQARRAY;
	return setup_ring(entries, ring, p, buf, buf_size);
}

int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
			       struct io_uring_params *p)
{
	ssize_t ret = queue_init(entries, ring, p, NULL, 0);

	return ret < 0 ? (int) ret : 0;
}

int io_uring_queue_init(unsigned entries, struct io_uring *ring,
			unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_queue_init_params(entries, ring, &p);
}

/* Returns the bytes of @buf the ring uses, or -errno. */
int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring,
			    struct io_uring_params *p,
			    void *buf, size_t buf_size)
{
	if (!buf)
		return -EINVAL;
	p->flags |= IORING_SETUP_NO_MMAP;
	return (int) queue_init(entries, ring, p, buf, buf_size);
}

void io_uring_queue_exit(struct io_uring *ring)
{
	struct io_uring_sq *sq = &ring->sq;
	struct io_uring_cq *cq = &ring->cq;

	if (ring->flags & IORING_SETUP_NO_MMAP) {
		/* sq.ring_sz is the size of the whole block (SQEs first). */
		if (!(ring->int_flags & INT_FLAG_APP_MEM))
			munmap(sq->sqes, sq->ring_sz);
	} else {
		ring_unmap(sq, cq);
	}

	/* Frees the slot now rather than when the process exits. */
	if (ring->int_flags & INT_FLAG_REG_RING)
		io_uring_unregister_ring_fd(ring);
	if (ring->ring_fd != -1)
		close(ring->ring_fd);
}

static int dontfork(void *addr, size_t len)
{
	if (addr && len && madvise(addr, len, MADV_DONTFORK))
		return -errno;
	return 0;
}

int io_uring_ring_dontfork(struct io_uring *ring)
{
	size_t sqes_len;
	int ret;

	if (!ring->sq.ring_ptr || !ring->sq.sqes || !ring->cq.ring_ptr)
		return -EINVAL;

	if (ring->flags & IORING_SETUP_NO_MMAP)
		return dontfork(ring->sq.sqes, ring->sq.ring_sz);

	sqes_len = ring->sq.sqes_sz;
	ret = dontfork(ring->sq.sqes, sqes_len);
	if (ret)
		return ret;
	ret = dontfork(ring->sq.ring_ptr, ring->sq.ring_sz);
	if (ret)
		return ret;
	if (ring->cq.ring_ptr != ring->sq.ring_ptr)
		ret = dontfork(ring->cq.ring_ptr, ring->cq.ring_sz);
	return ret;
}

/*
 * Map the rings a resize (IORING_REGISTER_RESIZE_RINGS) left behind, as
 * @p describes them, in place of the ring's current ones.  They are mapped
 * into locals first and swapped in only on success, so that a failure
 * leaves the old mapping whole.  The SQ indices carry over: the kernel
 * moved the queued entries.
 */
int __io_uring_remap_rings(struct io_uring *ring, struct io_uring_params *p)
{
	struct io_uring_sq sq;
	struct io_uring_cq cq;
	int ret;

	memset(&sq, 0, sizeof(sq));
	memset(&cq, 0, sizeof(cq));
	ret = ring_mmap(ring->ring_fd, p, &sq, &cq);
	if (ret)
		return ret;

	sq.sqe_head = ring->sq.sqe_head;
	sq.sqe_tail = ring->sq.sqe_tail;
	sq.sqe_limit = sq.sqe_tail - 1;	/* the next get_sqe reads the head */
	ring_unmap(&ring->sq, &ring->cq);
	ring->sq = sq;
	ring->cq = cq;
	fill_sq_array(ring);
	return 0;
}

struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring)
{
	size_t len = sizeof(struct io_uring_probe) +
		     256 * sizeof(struct io_uring_probe_op);
	struct io_uring_probe *probe = calloc(1, len);

	if (!probe)
		return NULL;
	if (io_uring_register_probe(ring, probe, 256) < 0) {
		free(probe);
		return NULL;
	}
	return probe;
}

struct io_uring_probe *io_uring_get_probe(void)
{
	struct io_uring_probe *probe;
	struct io_uring ring;

	if (io_uring_queue_init(2, &ring, 0) < 0)
		return NULL;
	probe = io_uring_get_probe_ring(&ring);
	io_uring_queue_exit(&ring);
	return probe;
}

void io_uring_free_probe(struct io_uring_probe *probe)
{
	free(probe);
}
