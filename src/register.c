/* SPDX-License-Identifier: MIT */
/*
 * io_uring_register(2) wrappers: fixed resources, buffer rings and ring
 * controls.  Each returns what the kernel returns, or -errno.
 */
#include "lib.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* io_uring_register() on this ring, through its registered index if any. */
static int ring_register(struct io_uring *ring, unsigned int opcode,
			 const void *arg, unsigned int nr_args)
{
	int fd = ring->ring_fd;

	if (ring->int_flags & INT_FLAG_REG_REG_RING) {
		opcode |= IORING_REGISTER_USE_REGISTERED_RING;
		fd = ring->enter_ring_fd;
	}
	return io_uring_register((unsigned) fd, opcode, arg, nr_args);
}

/* For calls documented to return 0 on success. */
static int zero_or_error(int ret)
{
	return ret < 0 ? ret : 0;
}

/* An unregister call that takes no argument: 0 or -errno. */
static int unregister(struct io_uring *ring, unsigned int opcode)
{
	return zero_or_error(ring_register(ring, opcode, NULL, 0));
}

/* --- Registered ring fd (5.18) ------------------------------------------ */

int io_uring_register_ring_fd(struct io_uring *ring)
{
	struct io_uring_rsrc_update up = {
		.offset	= -1U,
		.data	= (__u64) ring->ring_fd,
	};
	int ret;

	if (ring->int_flags & INT_FLAG_REG_RING)
		return -EEXIST;

	ret = ring_register(ring, IORING_REGISTER_RING_FDS, &up, 1);
	if (ret == 1) {
		ring->enter_ring_fd = (int) up.offset;
		ring->int_flags |= INT_FLAG_REG_RING;
		if (ring->features & IORING_FEAT_REG_REG_RING)
			ring->int_flags |= INT_FLAG_REG_REG_RING;
	}
	return ret;
}

int io_uring_unregister_ring_fd(struct io_uring *ring)
{
	struct io_uring_rsrc_update up = {
		.offset	= (__u32) ring->enter_ring_fd,
	};
	int ret;

	if (!(ring->int_flags & INT_FLAG_REG_RING))
		return -EINVAL;

	ret = ring_register(ring, IORING_UNREGISTER_RING_FDS, &up, 1);
	if (ret == 1) {
		ring->enter_ring_fd = ring->ring_fd;
		ring->int_flags &= (__u8) ~(INT_FLAG_REG_RING |
					    INT_FLAG_REG_REG_RING);
	}
	return ret;
}

/* Close the ring's fd and keep using it through its registered index. */
int io_uring_close_ring_fd(struct io_uring *ring)
{
	if (!(ring->features & IORING_FEAT_REG_REG_RING))
		return -EOPNOTSUPP;
	if (!(ring->int_flags & INT_FLAG_REG_RING))
		return -EINVAL;
	if (ring->ring_fd == -1)
		return -EBADF;

	close(ring->ring_fd);
	ring->ring_fd = -1;
	return 1;
}

/* --- Ring controls ------------------------------------------------------ */

int io_uring_enable_rings(struct io_uring *ring)
{
	return ring_register(ring, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
}

/*
 * IORING_REGISTER_RESIZE_RINGS (6.13).  The kernel moves the queued
 * entries into new rings; we map those and keep our indices.  SQEs handed
 * out but not yet submitted are lost, so submit before resizing.
 */
int io_uring_resize_rings(struct io_uring *ring, struct io_uring_params *p)
{
	struct io_uring_params kp;
	int ret;

	if (ring->flags & IORING_SETUP_NO_MMAP)
		return -EINVAL;
	if (ring->ring_fd < 0)
		return -EBADF;

	memset(&p->sq_off, 0, sizeof(p->sq_off));
	memset(&p->cq_off, 0, sizeof(p->cq_off));
	ret = ring_register(ring, IORING_REGISTER_RESIZE_RINGS, p, 1);
	if (ret < 0)
		goto out;

	/* Map with the ring's own flags, which @p must not carry. */
	kp = *p;
	kp.flags |= ring->flags;
	kp.features = ring->features;
	ret = __io_uring_remap_rings(ring, &kp);
out:
	/*
	 * The kernel writes flags back into @p (IORING_SETUP_NO_SQARRAY),
	 * which it refuses on the next resize: hand @p back reusable.
	 */
	p->flags = 0;
	return ret;
}

/* Whether waits on this ring count as iowait (IORING_FEAT_NO_IOWAIT, 6.15). */
int io_uring_set_iowait(struct io_uring *ring, bool enable_iowait)
{
	if (!(ring->features & IORING_FEAT_NO_IOWAIT))
		return -EOPNOTSUPP;
	if (enable_iowait)
		ring->int_flags &= (__u8) ~INT_FLAG_NO_IOWAIT;
	else
		ring->int_flags |= INT_FLAG_NO_IOWAIT;
	return 0;
}

/* --- Fixed buffers ------------------------------------------------------ */

int io_uring_register_buffers(struct io_uring *ring,
			      const struct iovec *iovecs, unsigned nr_iovecs)
{
	return zero_or_error(ring_register(ring, IORING_REGISTER_BUFFERS,
					   iovecs, nr_iovecs));
}

static int register_rsrc(struct io_uring *ring, unsigned int opcode,
			 const void *data, const __u64 *tags, unsigned nr,
			 unsigned flags)
{
	struct io_uring_rsrc_register reg = {
		.nr	= nr,
		.flags	= flags,
		.data	= (unsigned long) data,
		.tags	= (unsigned long) tags,
	};

	return zero_or_error(ring_register(ring, opcode, &reg, sizeof(reg)));
}

static int update_rsrc(struct io_uring *ring, unsigned int opcode,
		       unsigned off, const void *data, const __u64 *tags,
		       unsigned nr)
{
	struct io_uring_rsrc_update2 up = {
		.offset	= off,
		.data	= (unsigned long) data,
		.tags	= (unsigned long) tags,
		.nr	= nr,
	};

	return ring_register(ring, opcode, &up, sizeof(up));
}

int io_uring_register_buffers_tags(struct io_uring *ring,
				   const struct iovec *iovecs,
				   const __u64 *tags, unsigned nr)
{
	return register_rsrc(ring, IORING_REGISTER_BUFFERS2, iovecs, tags,
			     nr, 0);
}

int io_uring_register_buffers_sparse(struct io_uring *ring, unsigned nr)
{
	return register_rsrc(ring, IORING_REGISTER_BUFFERS2, NULL, NULL, nr,
			     IORING_RSRC_REGISTER_SPARSE);
}

int io_uring_register_buffers_update_tag(struct io_uring *ring,
					 unsigned off,
					 const struct iovec *iovecs,
					 const __u64 *tags, unsigned nr)
{
	return update_rsrc(ring, IORING_REGISTER_BUFFERS_UPDATE, off, iovecs,
			   tags, nr);
}

int io_uring_unregister_buffers(struct io_uring *ring)
{
	return unregister(ring, IORING_UNREGISTER_BUFFERS);
}

/*
 * IORING_REGISTER_CLONE_BUFFERS (6.12): copy @nr buffers of @src's table
 * from @src_off into @dst's from @dst_off (0 = all).
 */
int __io_uring_clone_buffers_offset(struct io_uring *dst,
				    struct io_uring *src,
				    unsigned int dst_off,
				    unsigned int src_off, unsigned int nr,
				    unsigned int flags)
{
	struct io_uring_clone_buffers buf = {
		.src_fd		= (__u32) src->ring_fd,
		.flags		= flags,
		.src_off	= src_off,
		.dst_off	= dst_off,
		.nr		= nr,
	};

	/* A source whose fd may be closed is named by its registered index. */
	if (src->int_flags & INT_FLAG_REG_REG_RING) {
		buf.src_fd = (__u32) src->enter_ring_fd;
		buf.flags |= IORING_REGISTER_SRC_REGISTERED;
	} else {
		buf.flags &= ~IORING_REGISTER_SRC_REGISTERED;
	}
	return zero_or_error(ring_register(dst, IORING_REGISTER_CLONE_BUFFERS,
					   &buf, 1));
}

int io_uring_clone_buffers_offset(struct io_uring *dst, struct io_uring *src,
				  unsigned int dst_off, unsigned int src_off,
				  unsigned int nr, unsigned int flags)
{
	return __io_uring_clone_buffers_offset(dst, src, dst_off, src_off, nr,
					       flags);
}

int __io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src,
			     unsigned int flags)
{
	return __io_uring_clone_buffers_offset(dst, src, 0, 0, 0, flags);
}

int io_uring_clone_buffers(struct io_uring *dst, struct io_uring *src)
{
	return __io_uring_clone_buffers(dst, src, 0);
}

/* --- Fixed files -------------------------------------------------------- */

/*
 * The kernel counts registered files against RLIMIT_NOFILE; raise the soft
 * limit to the hard one once when it refuses for that reason.
 */
static bool raise_nofile_limit(unsigned nr)
{
	struct rlimit rlim;

	if (getrlimit(RLIMIT_NOFILE, &rlim) || rlim.rlim_cur >= nr ||
	    rlim.rlim_cur == rlim.rlim_max)
		return false;
	rlim.rlim_cur = rlim.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rlim) == 0;
}

static int register_files_retry(struct io_uring *ring, const int *files,
				const __u64 *tags, unsigned nr,
				unsigned flags)
{
	int ret;

	ret = register_rsrc(ring, IORING_REGISTER_FILES2, files, tags, nr,
			    flags);
	if (ret == -EMFILE && raise_nofile_limit(nr))
		ret = register_rsrc(ring, IORING_REGISTER_FILES2, files, tags,
				    nr, flags);
	return ret;
}

int io_uring_register_files(struct io_uring *ring, const int *files,
			    unsigned nr_files)
{
	int ret;

	ret = ring_register(ring, IORING_REGISTER_FILES, files, nr_files);
	if (ret == -EMFILE && raise_nofile_limit(nr_files))
		ret = ring_register(ring, IORING_REGISTER_FILES, files,
				    nr_files);
	return zero_or_error(ret);
}

int io_uring_register_files_tags(struct io_uring *ring, const int *files,
				 const __u64 *tags, unsigned nr)
{
	return register_files_retry(ring, files, tags, nr, 0);
}

int io_uring_register_files_sparse(struct io_uring *ring, unsigned nr)
{
	return register_files_retry(ring, NULL, NULL, nr,
				    IORING_RSRC_REGISTER_SPARSE);
}

/* Returns the number of slots updated. */
int io_uring_register_files_update(struct io_uring *ring, unsigned off,
				   const int *files, unsigned nr_files)
{
	struct io_uring_files_update up = {
		.offset	= off,
		.fds	= (unsigned long) files,
	};

	return ring_register(ring, IORING_REGISTER_FILES_UPDATE, &up,
			     nr_files);
}

int io_uring_register_files_update_tag(struct io_uring *ring, unsigned off,
				       const int *files, const __u64 *tags,
				       unsigned nr_files)
{
	return update_rsrc(ring, IORING_REGISTER_FILES_UPDATE2, off, files,
			   tags, nr_files);
}

int io_uring_unregister_files(struct io_uring *ring)
{
	return unregister(ring, IORING_UNREGISTER_FILES);
}

/* Direct descriptors the kernel allocates come from [off, off + len). */
int io_uring_register_file_alloc_range(struct io_uring *ring,
				       unsigned off, unsigned len)
{
	struct io_uring_file_index_range range = {
		.off	= off,
		.len	= len,
	};

	return ring_register(ring, IORING_REGISTER_FILE_ALLOC_RANGE, &range, 0);
}

/* --- Provided buffer rings (5.19) --------------------------------------- */

int io_uring_register_buf_ring(struct io_uring *ring,
			       struct io_uring_buf_reg *reg,
			       unsigned int flags)
{
	reg->flags |= (__u16) flags;
	return ring_register(ring, IORING_REGISTER_PBUF_RING, reg, 1);
}

int io_uring_unregister_buf_ring(struct io_uring *ring, int bgid)
{
	struct io_uring_buf_reg reg = {
		.bgid	= (__u16) bgid,
	};

	return ring_register(ring, IORING_UNREGISTER_PBUF_RING, &reg, 1);
}

/* The kernel's consumption point in buffer group @buf_group (6.8). */
int io_uring_buf_ring_head(struct io_uring *ring, int buf_group,
			   uint16_t *head)
{
	struct io_uring_buf_status status = {
		.buf_group	= (__u32) buf_group,
	};
	int ret;

	ret = ring_register(ring, IORING_REGISTER_PBUF_STATUS, &status, 1);
	if (ret)
		return ret;
	*head = (uint16_t) status.head;
	return 0;
}

/*
 * IOU_PBUF_RING_MMAP (6.4): the kernel allocates the ring memory; it is
 * mapped from the ring fd at the group's offset once registered.
 */
static void *map_kernel_buf_ring(struct io_uring *ring,
				 struct io_uring_buf_reg *reg, size_t size,
				 int *err)
{
	off_t off = (off_t) (IORING_OFF_PBUF_RING |
			     (__u64) reg->bgid << IORING_OFF_PBUF_SHIFT);
	void *br;
	int ret;

	ret = io_uring_register_buf_ring(ring, reg, reg->flags);
	if (ret) {
		*err = ret;
		return NULL;
	}
	br = mmap(NULL, size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, ring->ring_fd, off);
	if (br == MAP_FAILED) {
		*err = -errno;
		io_uring_unregister_buf_ring(ring, reg->bgid);
		return NULL;
	}
	return br;
}

/*
 * Allocate, register and initialise a buffer ring of @nentries (a power
 * of two) for group @bgid.  On failure *err holds -errno and nothing is
 * left mapped.
 */
struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring,
						  unsigned int nentries,
						  int bgid, unsigned int flags,
						  int *err)
{
	size_t size = (size_t) nentries * sizeof(struct io_uring_buf);
	struct io_uring_buf_reg reg = {
		.ring_entries	= nentries,
		.bgid		= (__u16) bgid,
		.flags		= (__u16) flags,
	};
	struct io_uring_buf_ring *br;
	int ret;

	if (!size) {
		*err = -EINVAL;
		return NULL;
	}
	if (flags & IOU_PBUF_RING_MMAP) {
		br = map_kernel_buf_ring(ring, &reg, size, err);
		if (!br)
			return NULL;
		io_uring_buf_ring_init(br);
		*err = 0;
		return br;
	}

	br = mmap(NULL, size, PROT_READ | PROT_WRITE,
		  MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (br == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}

	reg.ring_addr = (unsigned long) br;
	ret = io_uring_register_buf_ring(ring, &reg, flags);
	if (ret) {
		munmap(br, size);
		*err = ret;
		return NULL;
	}
	io_uring_buf_ring_init(br);
	*err = 0;
	return br;
}

int io_uring_free_buf_ring(struct io_uring *ring,
			   struct io_uring_buf_ring *br,
			   unsigned int nentries, int bgid)
{
	int ret;

	ret = io_uring_unregister_buf_ring(ring, bgid);
	if (ret)
		return ret;
	munmap(br, (size_t) nentries * sizeof(struct io_uring_buf));
	return 0;
}

/* --- Notifications, credentials, restrictions --------------------------- */

int io_uring_register_eventfd(struct io_uring *ring, int fd)
{
	return zero_or_error(ring_register(ring, IORING_REGISTER_EVENTFD,
					   &fd, 1));
}

/* Signal the eventfd only for completions that did not happen inline. */
int io_uring_register_eventfd_async(struct io_uring *ring, int fd)
{
	return zero_or_error(ring_register(ring,
					   IORING_REGISTER_EVENTFD_ASYNC,
					   &fd, 1));
}

int io_uring_unregister_eventfd(struct io_uring *ring)
{
	return unregister(ring, IORING_UNREGISTER_EVENTFD);
}

int io_uring_register_probe(struct io_uring *ring, struct io_uring_probe *p,
			    unsigned nr)
{
	return zero_or_error(ring_register(ring, IORING_REGISTER_PROBE, p,
					   nr));
}

/* Returns the id to put in sqe->personality. */
int io_uring_register_personality(struct io_uring *ring)
{
	return ring_register(ring, IORING_REGISTER_PERSONALITY, NULL, 0);
}

int io_uring_unregister_personality(struct io_uring *ring, int id)
{
	return ring_register(ring, IORING_UNREGISTER_PERSONALITY, NULL,
			     (unsigned) id);
}

/* Only on rings created with IORING_SETUP_R_DISABLED, before enabling. */
int io_uring_register_restrictions(struct io_uring *ring,
				   struct io_uring_restriction *res,
				   unsigned int nr_res)
{
	return zero_or_error(ring_register(ring,
					   IORING_REGISTER_RESTRICTIONS,
					   res, nr_res));
}

/* --- io-wq workers ------------------------------------------------------ */

int io_uring_register_iowq_aff(struct io_uring *ring, size_t cpusz,
			       const cpu_set_t *mask)
{
	if (cpusz >= (1U << 31))
		return -EINVAL;
	return ring_register(ring, IORING_REGISTER_IOWQ_AFF, mask,
			     (unsigned) cpusz);
}

int io_uring_unregister_iowq_aff(struct io_uring *ring)
{
	return ring_register(ring, IORING_UNREGISTER_IOWQ_AFF, NULL, 0);
}

/*
 * values[0] bounded, values[1] unbounded workers; 0 keeps a limit.  The
 * previous limits are written back.
 */
int io_uring_register_iowq_max_workers(struct io_uring *ring,
				       unsigned int *values)
{
	return ring_register(ring, IORING_REGISTER_IOWQ_MAX_WORKERS, values,
			     2);
}

/* --- Cancellation, messages, polling, clocks ---------------------------- */

int io_uring_register_sync_cancel(struct io_uring *ring,
				  struct io_uring_sync_cancel_reg *reg)
{
	return ring_register(ring, IORING_REGISTER_SYNC_CANCEL, reg, 1);
}

/* Post a MSG_RING @sqe without a source ring (6.13). */
int io_uring_register_sync_msg(struct io_uring_sqe *sqe)
{
	return io_uring_register(-1U, IORING_REGISTER_SEND_MSG_RING, sqe, 1);
}

int io_uring_register_napi(struct io_uring *ring, struct io_uring_napi *napi)
{
	return ring_register(ring, IORING_REGISTER_NAPI, napi, 1);
}

int io_uring_unregister_napi(struct io_uring *ring,
			     struct io_uring_napi *napi)
{
	return ring_register(ring, IORING_UNREGISTER_NAPI, napi, 1);
}

int io_uring_register_clock(struct io_uring *ring,
			    struct io_uring_clock_register *arg)
{
	return ring_register(ring, IORING_REGISTER_CLOCK, arg, 0);
}

/* --- Memory regions, queries, zero-copy receive, BPF filters ------------ */

int io_uring_register_region(struct io_uring *ring,
			     struct io_uring_mem_region_reg *reg)
{
	return ring_register(ring, IORING_REGISTER_MEM_REGION, reg, 1);
}

/*
 * Register @nr wait-argument slots at @reg (page aligned) for
 * io_uring_submit_and_wait_reg().  The kernel takes them as a memory
 * region, on a ring still disabled (IORING_SETUP_R_DISABLED).
 */
int io_uring_register_wait_reg(struct io_uring *ring,
			       struct io_uring_reg_wait *reg, int nr)
{
	struct io_uring_region_desc rd = {
		.user_addr	= (unsigned long) reg,
		.flags		= IORING_MEM_REGION_TYPE_USER,
	};
	struct io_uring_mem_region_reg mr = {
		.region_uptr	= (unsigned long) &rd,
		.flags		= IORING_MEM_REGION_REG_WAIT_ARG,
	};
	if (nr <= 0)
		return -EINVAL;
	rd.size = PAGE_ALIGN_UP((size_t) nr * sizeof(*reg), page_size());
	return io_uring_register_region(ring, &mr);
}

int io_uring_register_query(struct io_uring_query_hdr *query)
{
	return io_uring_register(-1U, IORING_REGISTER_QUERY, query, 0);
}

int io_uring_register_ifq(struct io_uring *ring,
			  struct io_uring_zcrx_ifq_reg *reg)
{
	return ring_register(ring, IORING_REGISTER_ZCRX_IFQ, reg, 1);
}

int io_uring_register_zcrx_ctrl(struct io_uring *ring, struct zcrx_ctrl *ctrl)
{
	return ring_register(ring, IORING_REGISTER_ZCRX_CTRL, ctrl, 0);
}

int io_uring_register_bpf_filter(struct io_uring *ring,
				 struct io_uring_bpf *bpf)
{
	return ring_register(ring, IORING_REGISTER_BPF_FILTER, bpf, 1);
}

/* A filter for every ring the calling task creates from now on. */
int io_uring_register_bpf_filter_task(struct io_uring_bpf *bpf)
{
	return io_uring_register(-1U, IORING_REGISTER_BPF_FILTER, bpf, 1);
}
