/* SPDX-License-Identifier: MIT */
/*
 * Submitting SQEs and waiting for CQEs.
 */
#include "lib.h"

/*
 * Does submitting need io_uring_enter()?  Always, unless a kernel SQPOLL
 * thread does the submitting and is awake.
 */
static bool sq_ring_needs_enter(struct io_uring *ring, unsigned submit,
				unsigned *flags)
{
	if (!submit)
		return false;
	if (!(ring->flags & IORING_SETUP_SQPOLL))
		return true;

	/*
	 * Order the tail store before reading the wakeup flag, pairing with
	 * the kernel thread setting the flag before it rechecks the tail.
	 */
	io_uring_smp_mb();
	if (uring_unlikely(IO_URING_READ_ONCE(*ring->sq.kflags) &
			   IORING_SQ_NEED_WAKEUP)) {
		*flags |= IORING_ENTER_SQ_WAKEUP;
		return true;
	}
	return false;
}

/* Completions the kernel holds back: overflowed or deferred task work. */
static bool cq_ring_needs_flush(struct io_uring *ring)
{
	return IO_URING_READ_ONCE(*ring->sq.kflags) &
	       (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN);
}

static bool cq_ring_needs_enter(struct io_uring *ring)
{
	return (ring->flags & IORING_SETUP_IOPOLL) || cq_ring_needs_flush(ring);
}

/*
 * Publish the SQEs handed out since the last flush and return the new
 * tail.  The SQ array, when present, already maps every slot to its own
 * SQE.
 */
static inline unsigned publish_sq(struct io_uring_sq *sq)
{
	unsigned tail = sq->sqe_tail;

	if (sq->sqe_head != tail) {
		sq->sqe_head = tail;
		io_uring_smp_store_release(sq->ktail, tail);
	}
	return tail;
}

/* Publish, and count what the kernel has yet to consume. */
static inline unsigned flush_sq(struct io_uring *ring)
{
	unsigned tail = publish_sq(&ring->sq);

	/* Only an SQPOLL thread moves the head concurrently. */
	return tail - io_uring_load_sq_head(ring);
}

unsigned io_uring_flush_sq(struct io_uring *ring)
{
	return flush_sq(ring);
}

/*
 * IORING_SETUP_SQ_REWIND (7.0): the kernel reads the SQEs to submit from
 * slot 0 on every enter and never moves the SQ head (nor reads the tail).
 * Once it took @consumed of those waiting in slots 0.., the ones left
 * (behind an SQE it refused) move down to slot 0 for the next enter, and
 * the next SQE handed out follows them.
 */
static __attribute__((noinline, cold)) void
sq_rewind(struct io_uring *ring, unsigned consumed)
{
	struct io_uring_sq *sq = &ring->sq;
	size_t size = sizeof(struct io_uring_sqe) << io_uring_sqe_shift(ring);
	unsigned left = sq->sqe_tail - consumed;

	if (left)
		memmove(sq->sqes, (char *) sq->sqes + consumed * size,
			left * size);
	sq->sqe_head = sq->sqe_tail = left;
	/* the next io_uring_get_sqe() checks room the slow way */
	sq->sqe_limit = left - 1;
}

/* After an enter that submitted: the kernel took @ret SQEs (or failed). */
static inline void sq_consumed(struct io_uring *ring, int ret)
{
	if (uring_unlikely(ring->flags & IORING_SETUP_SQ_REWIND) && ret > 0)
		sq_rewind(ring, (unsigned) ret);
}

/* io_uring_enter() for a submit on an SQ_REWIND ring. */
static __attribute__((noinline, cold)) int
submit_rewind(struct io_uring *ring, unsigned submitted, unsigned wait_nr,
	      unsigned flags)
{
	int ret = sys_io_uring_enter_plain((unsigned) ring->enter_ring_fd,
					   submitted, wait_nr, flags);

	sq_consumed(ring, ret);
	return ret;
}

/*
 * Whether a wait may return before its CQE is posted.  When a TIMEOUT
 * request fires, the kernel counts it (a count that wakes every waiter)
 * before it queues the task work that posts the CQE; on DEFER_TASKRUN
 * rings (6.1) only an enter runs that work, so a waiter woken in between
 * returns with the CQE still pending (about 1 in 100 bounded waits that a
 * 200 us TIMEOUT ends, on 6.18).  A bounded wait there takes one more
 * look, an enter that runs task work and does not wait, before it
 * reports -ETIME.  liburing 2.15 reports -ETIME at once.
 */
static bool may_wake_early(const struct io_uring *ring)
{
	return ring->flags & IORING_SETUP_DEFER_TASKRUN;
}

struct get_data {
	unsigned submit;	/* SQEs still to hand to the kernel */
	unsigned submitted;	/* SQEs the kernel took on the way */
	unsigned wait_nr;
	unsigned get_flags;
	size_t sz;
	bool has_ts;		/* the wait is bounded: give up after one */
	void *arg;
	/* what arg points at for an IORING_ENTER_EXT_ARG wait */
	struct io_uring_getevents_arg ext;
};

/*
 * Submit what @data says and wait for its CQEs.  Returns 0 with *cqe_ptr
 * the first ready CQE (or NULL when none is needed), or -errno: -EAGAIN
 * when nothing was asked for and nothing is ready, -ETIME when a bounded
 * wait ran out.  What the kernel took is in data->submitted either way.
 */
static int get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		   struct get_data *data)
{
	struct io_uring_cqe *cqe;
	bool entered = false, looked = false;
	int err;

	for (;;) {
		unsigned wait_nr = data->wait_nr;
		bool need_enter = false;
		unsigned flags = 0;
		unsigned nr_available;
		int ret;

		err = __io_uring_peek_cqe(ring, &cqe, &nr_available);
		if (err)
			break;
		if (!cqe && !data->wait_nr && !data->submit) {
			/* Entered once already, or nothing to flush: done. */
			if (entered || !cq_ring_needs_enter(ring)) {
				err = -EAGAIN;
				break;
			}
			need_enter = true;
		}
		if (data->wait_nr > nr_available || need_enter) {
			flags = IORING_ENTER_GETEVENTS | data->get_flags;
			need_enter = true;
		}
		if (sq_ring_needs_enter(ring, data->submit, &flags))
			need_enter = true;
		if (!need_enter)
			break;
		if (entered && data->has_ts) {
			/*
			 * A bounded wait entered once: it timed out, unless
			 * the kernel woke it early (see may_wake_early).
			 */
			if (cqe || looked || !may_wake_early(ring)) {
				if (!cqe)
					err = -ETIME;
				break;
			}
			looked = true;
			wait_nr = 0;
		}

		flags |= ring_enter_flags(ring);
		ret = sys_io_uring_enter((unsigned) ring->enter_ring_fd,
					 data->submit, wait_nr, flags,
					 data->arg, data->sz);
		if (ret < 0) {
			err = ret;
			break;
		}
		sq_consumed(ring, ret);
		data->submit -= (unsigned) ret;
		data->submitted += (unsigned) ret;
		if (cqe)
			break;
		entered = true;
	}

	*cqe_ptr = cqe;
	return err;
}

/*
 * What io_uring_enter() itself answers: the count submitted if the kernel
 * took any SQEs (a wait that then failed does not undo that), else the
 * error or 0.
 */
static int submitted_or_error(const struct get_data *data, int err)
{
	return data->submitted ? (int) data->submitted : err;
}

int __io_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned submit, unsigned wait_nr, sigset_t *sigmask)
{
	struct get_data data = {
		.submit		= submit,
		.wait_nr	= wait_nr,
		.sz		= _NSIG / 8,
		.arg		= sigmask,
	};

	int ret = get_cqe(ring, cqe_ptr, &data);

	return submitted_or_error(&data, ret);
}

/*
 * Whether the CQ may hold entries the caller never sees: fillers of
 * CQE_MIXED rings, or the library's own timeouts (no IORING_FEAT_EXT_ARG).
 */
static bool cq_may_hold_internal(const struct io_uring *ring)
{
	return (ring->flags & IORING_SETUP_CQE_MIXED) ||
	       !(ring->features & IORING_FEAT_EXT_ARG);
}

/*
 * The batch where internal entries may sit: those at the head are consumed
 * here; the batch stops before any later one, since the caller hands back
 * the slots of the entries it got and nothing else.  On CQE_MIXED rings an
 * entry takes one or two slots.
 */
static unsigned peek_batch_internal(struct io_uring *ring,
				    struct io_uring_cqe **cqes, unsigned count,
				    unsigned head, unsigned tail)
{
	unsigned mask = ring->cq.ring_mask;
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	for (; head != tail; head += io_uring_cqe_nr(cqe)) {
		cqe = &ring->cq.cqes[io_uring_cqe_index(ring, head, mask)];
		if (!__io_uring_cqe_is_internal(ring, cqe))
			break;
	}
	if (head != *ring->cq.khead)
		io_uring_smp_store_release(ring->cq.khead, head);

	for (; n < count && head != tail; head += io_uring_cqe_nr(cqe)) {
		cqe = &ring->cq.cqes[io_uring_cqe_index(ring, head, mask)];
		if (__io_uring_cqe_is_internal(ring, cqe))
			break;
		cqes[n++] = cqe;
	}
	return n;
}

/*
 * Fill @cqes with pointers to up to @count ready CQEs.  When none are
 * ready but the kernel holds overflowed ones, flush those once.
 */
unsigned io_uring_peek_batch_cqe(struct io_uring *ring,
				 struct io_uring_cqe **cqes, unsigned count)
{
	unsigned mask = ring->cq.ring_mask;
	unsigned shift = io_uring_cqe_shift(ring);
	bool flushed = false;
	unsigned ready, head, i;

	for (;;) {
		ready = io_uring_cq_ready(ring);
		if (ready)
			break;
		if (flushed || !cq_ring_needs_flush(ring))
			return 0;
		io_uring_get_events(ring);
		flushed = true;
	}

	head = *ring->cq.khead;
	if (cq_may_hold_internal(ring))
		return peek_batch_internal(ring, cqes, count, head,
					   head + ready);
	if (count > ready)
		count = ready;
	for (i = 0; i < count; i++)
		cqes[i] = &ring->cq.cqes[((head + i) & mask) << shift];
	return count;
}

/*
 * Kernels without IORING_FEAT_EXT_ARG cannot bound a wait: queue a
 * TIMEOUT with our own user_data behind the caller's SQEs, and submit it
 * with them.
 */
static int queue_timeout(struct io_uring *ring, struct get_data *data,
			 struct __kernel_timespec *ts)
{
	struct io_uring_sqe *sqe;
	int ret;

	/*
	 * Check room the slow way: inline code of a binary built against
	 * another liburing.h may have moved the tail without our limit.
	 */
	if (!__io_uring_sq_has_room(ring, 1)) {
		ret = io_uring_submit(ring);
		if (ret < 0)
			return ret;
		data->submitted += (unsigned) ret;
		if (!__io_uring_sq_has_room(ring, 1))
			return -EAGAIN;
	}
	sqe = _io_uring_get_sqe(ring);
	io_uring_prep_timeout(sqe, ts, data->wait_nr, 0);
	sqe->user_data = LIBURING_UDATA_TIMEOUT;
	data->submit = flush_sq(ring);
	return 0;
}

/* A wait the kernel bounds (IORING_FEAT_EXT_ARG, 5.11). */
static int get_cqe_ext_arg(struct io_uring *ring,
			   struct io_uring_cqe **cqe_ptr, struct get_data *data,
			   struct __kernel_timespec *ts, unsigned min_wait_usec,
			   sigset_t *sigmask)
{
	data->ext = (struct io_uring_getevents_arg) {
		.sigmask	= (unsigned long) sigmask,
		.sigmask_sz	= _NSIG / 8,
		.min_wait_usec	= min_wait_usec,
		.ts		= (unsigned long) ts,
	};
	data->get_flags = IORING_ENTER_EXT_ARG;
	data->sz = sizeof(data->ext);
	data->has_ts = ts != NULL;
	data->arg = &data->ext;
	return get_cqe(ring, cqe_ptr, data);
}

/*
 * Submit data->submit SQEs and wait at most @ts for data->wait_nr CQEs.
 * The kernel bounds the wait if it can.  Otherwise our timeout SQE goes in
 * behind the caller's SQEs (all of them: the kernel takes SQEs in order)
 * and data->submitted counts the caller's only.  IOPOLL rings refuse
 * TIMEOUT requests (-EINVAL, every kernel) and their enter never sleeps:
 * there the wait enters once and gives up, as with EXT_ARG.
 */
static int get_cqe_timeout(struct io_uring *ring,
			   struct io_uring_cqe **cqe_ptr, struct get_data *data,
			   struct __kernel_timespec *ts, sigset_t *sigmask)
{
	int ret;

	if (ring->features & IORING_FEAT_EXT_ARG)
		return get_cqe_ext_arg(ring, cqe_ptr, data, ts, 0, sigmask);

	data->sz = _NSIG / 8;
	data->arg = sigmask;
	if (ring->flags & IORING_SETUP_IOPOLL) {
		data->has_ts = true;
		return get_cqe(ring, cqe_ptr, data);
	}

	ret = queue_timeout(ring, data, ts);
	if (ret)
		return ret;
	ret = get_cqe(ring, cqe_ptr, data);
	/* Ours went in last: it went in if nothing is left. */
	if (!data->submit && data->submitted)
		data->submitted--;
	return ret;
}

int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
		       unsigned wait_nr, struct __kernel_timespec *ts,
		       sigset_t *sigmask)
{
	struct get_data data = {
		.wait_nr	= wait_nr,
		.sz		= _NSIG / 8,
		.arg		= sigmask,
	};

	if (ts)
		return get_cqe_timeout(ring, cqe_ptr, &data, ts, sigmask);
	return get_cqe(ring, cqe_ptr, &data);
}

int io_uring_wait_cqes_min_timeout(struct io_uring *ring,
				   struct io_uring_cqe **cqe_ptr,
				   unsigned wait_nr,
				   struct __kernel_timespec *ts,
				   unsigned int min_ts_usec,
				   sigset_t *sigmask)
{
	struct get_data data = { .wait_nr = wait_nr };

	/* liburing 2.15's rule (2.14 dropped the minimum silently) */
	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EINVAL;
	return get_cqe_ext_arg(ring, cqe_ptr, &data, ts, min_ts_usec, sigmask);
}

int io_uring_wait_cqe_timeout(struct io_uring *ring,
			      struct io_uring_cqe **cqe_ptr,
			      struct __kernel_timespec *ts)
{
	return io_uring_wait_cqes(ring, cqe_ptr, 1, ts, NULL);
}

int io_uring_submit_and_wait_timeout(struct io_uring *ring,
				     struct io_uring_cqe **cqe_ptr,
				     unsigned wait_nr,
				     struct __kernel_timespec *ts,
				     sigset_t *sigmask)
{
	struct get_data data = {
		.submit		= flush_sq(ring),
		.wait_nr	= wait_nr,
		.sz		= _NSIG / 8,
		.arg		= sigmask,
	};
	int ret;

	if (ts)
		ret = get_cqe_timeout(ring, cqe_ptr, &data, ts, sigmask);
	else
		ret = get_cqe(ring, cqe_ptr, &data);
	return submitted_or_error(&data, ret);
}

int io_uring_submit_and_wait_min_timeout(struct io_uring *ring,
					 struct io_uring_cqe **cqe_ptr,
					 unsigned wait_nr,
					 struct __kernel_timespec *ts,
					 unsigned min_wait,
					 sigset_t *sigmask)
{
	struct get_data data = { .wait_nr = wait_nr };
	int ret;

	if (!(ring->features & IORING_FEAT_MIN_TIMEOUT))
		return -EINVAL;
	data.submit = flush_sq(ring);
	ret = get_cqe_ext_arg(ring, cqe_ptr, &data, ts, min_wait, sigmask);
	return submitted_or_error(&data, ret);
}

/*
 * Wait with the arguments in slot @reg_index of the region registered by
 * io_uring_register_wait_reg() (6.13).
 */
int io_uring_submit_and_wait_reg(struct io_uring *ring,
				 struct io_uring_cqe **cqe_ptr,
				 unsigned wait_nr, int reg_index)
{
	struct get_data data = {
		.wait_nr	= wait_nr,
		.get_flags	= IORING_ENTER_EXT_ARG |
				  IORING_ENTER_EXT_ARG_REG,
		.sz		= sizeof(struct io_uring_reg_wait),
		.has_ts		= true,
		.arg		= (void *) ((unsigned long) reg_index *
					    sizeof(struct io_uring_reg_wait)),
	};
	int ret;

	if (!(ring->features & IORING_FEAT_EXT_ARG))
		return -EINVAL;
	data.submit = flush_sq(ring);
	ret = get_cqe(ring, cqe_ptr, &data);
	return submitted_or_error(&data, ret);
}

static inline int submit(struct io_uring *ring, unsigned submitted,
		  unsigned wait_nr, bool getevents)
{
	bool cq_needs_enter = getevents || wait_nr || cq_ring_needs_enter(ring);
	unsigned flags = ring_enter_flags(ring);

	if (!sq_ring_needs_enter(ring, submitted, &flags) && !cq_needs_enter)
		return (int) submitted;

	if (cq_needs_enter)
		flags |= IORING_ENTER_GETEVENTS;
	if (uring_unlikely(ring->flags & IORING_SETUP_SQ_REWIND))
		return submit_rewind(ring, submitted, wait_nr, flags);
	return sys_io_uring_enter_plain((unsigned) ring->enter_ring_fd,
					submitted, wait_nr, flags);
}

int io_uring_submit(struct io_uring *ring)
{
	return submit(ring, flush_sq(ring), 0, false);
}

/*
 * The round trip most programs make, kept short: a wait enters the kernel
 * whatever the rings hold, so without an SQPOLL thread to wake (or an
 * SQ_REWIND ring to rewind afterwards) there is nothing to decide, and the
 * head needs no ordered load.
 */
int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
	unsigned tail;

	if (uring_unlikely(!wait_nr || (ring->flags & (IORING_SETUP_SQPOLL |
						       IORING_SETUP_SQ_REWIND))))
		return submit(ring, flush_sq(ring), wait_nr, false);
	tail = publish_sq(&ring->sq);
	return sys_io_uring_enter_plain((unsigned) ring->enter_ring_fd,
					tail - *ring->sq.khead, wait_nr,
					ring_enter_flags(ring) |
					IORING_ENTER_GETEVENTS);
}

int io_uring_submit_and_get_events(struct io_uring *ring)
{
	return submit(ring, flush_sq(ring), 0, true);
}

int io_uring_get_events(struct io_uring *ring)
{
	return sys_io_uring_enter((unsigned) ring->enter_ring_fd, 0, 0,
				  IORING_ENTER_GETEVENTS |
				  ring_enter_flags(ring), NULL, _NSIG / 8);
}

int __io_uring_sqring_wait(struct io_uring *ring)
{
	return sys_io_uring_enter((unsigned) ring->enter_ring_fd, 0, 0,
				  IORING_ENTER_SQ_WAIT | ring_enter_flags(ring),
				  NULL, _NSIG / 8);
}

/* Exported for binaries built when io_uring_get_sqe was not inline. */
struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)
{
	return _io_uring_get_sqe(ring);
}

/*
 * Reserve @n SQEs adjacent in memory.  When they would wrap past the end
 * of the SQ, the slots up to the end become NOPs whose CQEs the kernel
 * skips (IOSQE_CQE_SKIP_SUCCESS, 5.17).
 */
struct io_uring_sqe *io_uring_get_sqes(struct io_uring *ring, unsigned n)
{
	struct io_uring_sq *sq = &ring->sq;
	unsigned shift = io_uring_sqe_shift(ring);
	unsigned start, pad, i;
	struct io_uring_sqe *sqe;

	if (!n || n > sq->ring_entries)
		return NULL;

	start = sq->sqe_tail & sq->ring_mask;
	pad = start + n > sq->ring_entries ? sq->ring_entries - start : 0;
	/* The filler NOPs must not post CQEs: needs IORING_FEAT_CQE_SKIP. */
	if (pad && !(ring->features & IORING_FEAT_CQE_SKIP))
		return NULL;
	if (!__io_uring_sq_has_room(ring, pad + n))
		return NULL;
	/*
	 * Fillers after an unsubmitted SQE that links onwards would join
	 * its chain in place of the caller's next request.  On SQE_MIXED
	 * rings the slot before the tail may be the second half of a
	 * 128-byte SQE, payload rather than flags: there the wrap waits
	 * until the pending SQEs are submitted.
	 */
	if (pad && sq->sqe_tail != sq->sqe_head) {
		if (ring->flags & IORING_SETUP_SQE_MIXED)
			return NULL;
		sqe = &sq->sqes[((sq->sqe_tail - 1) & sq->ring_mask) << shift];
		if (sqe->flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK))
			return NULL;
	}

	for (i = 0; i < pad; i++) {
		sqe = _io_uring_get_sqe(ring);
		io_uring_prep_nop(sqe);
		sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
	}

	sqe = &sq->sqes[(sq->sqe_tail & sq->ring_mask) << shift];
	memset(sqe, 0, (sizeof(*sqe) << shift) * n);
	__io_uring_sq_advance(ring, n);
	return sqe;
}

int io_uring_copy_cqes(struct io_uring *ring, struct io_uring_cqe *cqes,
		       unsigned count, unsigned wait_nr,
		       struct __kernel_timespec *ts)
{
	unsigned shift = io_uring_cqe_shift(ring);
	unsigned head, tail, nr, used = 0, copied = 0;

	if (wait_nr > count)
		return -EINVAL;
	if (wait_nr && io_uring_cq_ready(ring) < wait_nr) {
		struct io_uring_cqe *cqe;
		int ret;

		ret = io_uring_wait_cqes(ring, &cqe, wait_nr, ts, NULL);
		if (ret < 0 && !(ret == -ETIME && io_uring_cq_ready(ring)))
			return ret;
	} else if (!io_uring_cq_ready(ring) && cq_ring_needs_flush(ring)) {
		io_uring_get_events(ring);
	}

	head = *ring->cq.khead;
	tail = io_uring_smp_load_acquire(ring->cq.ktail);
	while (head != tail && used < count) {
		struct io_uring_cqe *src;

		src = &ring->cq.cqes[(head & ring->cq.ring_mask) << shift];
		if (__io_uring_cqe_is_internal(ring, src)) {
			head += io_uring_cqe_nr(src);
			continue;
		}
		/* A 32-byte CQE on a mixed ring needs two slots here too. */
		nr = io_uring_cqe_nr(src);
		if (used + nr > count)
			break;
		memcpy(&cqes[used << shift], src, (sizeof(*src) << shift) * nr);
		head += nr;
		used += nr;
		copied++;
	}
	io_uring_smp_store_release(ring->cq.khead, head);
	return (int) copied;
}
