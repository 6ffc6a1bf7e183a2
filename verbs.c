// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connection management, verbs resources and buffers of the RPC-over-RDMA
 * version 1 client transport (RFC 8166).
 *
 * One connection = one struct rpcrdma_ep: an rdma_cm ID, a PD, a Send CQ,
 * a Receive CQ, an RC QP and a pool of FRWR MRs.  Reqs and reps outlive
 * connections; their buffers are DMA-mapped to the connection's device
 * while it is up.
 *
 * Both CQs are polled from a workqueue (IB_POLL_WORKQUEUE), not softirq:
 * the Receive handler completes RPCs, and SUNRPC's queue_lock and
 * transport_lock are taken with plain spin_lock(), which is not safe
 * against softirq callers.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/slab.h>
#include <linux/sunrpc/addr.h>
#include <linux/sunrpc/svc_rdma.h>
#include <kunit/visibility.h>

#include "xprt_rdma.h"
#include "trace.h"

/* ---- connection setup fault injection ---- */

#if IS_ENABLED(CONFIG_FAULT_INJECTION)
/* debugfs fail_xprtrdma (Documentation/fault-injection): each step of
 * connection setup that allocates asks it first, so a test can make any
 * of them fail as if memory ran out, and only ours.
 */
static DECLARE_FAULT_ATTR(rpcrdma_fail_setup);
static struct dentry *rpcrdma_fail_dir;

static int rpcrdma_setup_fault(void)
{
	return should_fail(&rpcrdma_fail_setup, 1) ? -ENOMEM : 0;
}

/**
 * rpcrdma_fault_init - create debugfs fail_xprtrdma
 *
 * Context: module init.
 */
void rpcrdma_fault_init(void)
{
	rpcrdma_fail_dir = fault_create_debugfs_attr("fail_xprtrdma", NULL,
						     &rpcrdma_fail_setup);
}

/**
 * rpcrdma_fault_exit - remove debugfs fail_xprtrdma
 *
 * Context: module exit.
 */
void rpcrdma_fault_exit(void)
{
	if (!IS_ERR(rpcrdma_fail_dir))
		debugfs_remove_recursive(rpcrdma_fail_dir);
}
#else
static int rpcrdma_setup_fault(void)
{
	return 0;
}

void rpcrdma_fault_init(void)
{
}

void rpcrdma_fault_exit(void)
{
}
#endif

/* rdma_cm address and route resolution time limits, in milliseconds */
#define RPCRDMA_RESOLVE_TIMEOUT		5000

/* How long connection establishment may take, unless the mount set
 * a shorter connect_timeout (xprt_rdma_set_connect_timeout())
 */
#define RPCRDMA_CONNECT_TIMEOUT		(30 * HZ)

/* RC retries for a lost packet (the 3-bit maximum); no RNR retry: the
 * server posts a Receive for every credit it grants.
 */
#define RPCRDMA_RETRY_COUNT		6

/* MRs per RPC slot in the pool: a Read or Write chunk plus a Reply chunk,
 * each usually one MR, with one spare for a misaligned payload.
 */
#define RPCRDMA_MRS_PER_REQ		3

static void rpcrdma_wc_send(struct ib_cq *cq, struct ib_wc *wc);
static void rpcrdma_wc_receive(struct ib_cq *cq, struct ib_wc *wc);

static u32 rpcrdma_next_cid(struct rpcrdma_xprt *r_xprt)
{
	return atomic_inc_return(&r_xprt->rx_completion_ids);
}

/* ---- regbufs: kmalloc'd buffers mapped while connected ---- */

static int rpcrdma_regbuf_alloc(struct rpcrdma_regbuf *rb, size_t size,
				enum dma_data_direction dir)
{
	rb->rg_base = kmalloc(size, GFP_KERNEL);
	if (!rb->rg_base)
		return -ENOMEM;
	rb->rg_len = size;
	rb->rg_dir = dir;
	rb->rg_device = NULL;
	return 0;
}

static int rpcrdma_regbuf_map(struct rpcrdma_regbuf *rb, struct ib_pd *pd)
{
	struct ib_device *device = pd->device;
	u64 addr;

	addr = ib_dma_map_single(device, rb->rg_base, rb->rg_len, rb->rg_dir);
	if (ib_dma_mapping_error(device, addr))
		return -EIO;
	rb->rg_device = device;
	rb->rg_sge.addr = addr;
	rb->rg_sge.length = rb->rg_len;
	rb->rg_sge.lkey = pd->local_dma_lkey;
	return 0;
}

static void rpcrdma_regbuf_unmap(struct rpcrdma_regbuf *rb)
{
	if (!rb->rg_device)
		return;
	ib_dma_unmap_single(rb->rg_device, rb->rg_sge.addr, rb->rg_len,
			    rb->rg_dir);
	rb->rg_device = NULL;
}

static void rpcrdma_regbuf_free(struct rpcrdma_regbuf *rb)
{
	rpcrdma_regbuf_unmap(rb);
	kfree(rb->rg_base);
	rb->rg_base = NULL;
}

/* ---- reqs and reps: created with the transport ---- */

static void rpcrdma_req_destroy(struct rpcrdma_req *req)
{
	list_del(&req->rl_all);
	rpcrdma_regbuf_free(&req->rl_sendbuf);
	kfree(req->rl_rcvbuf);
	kfree(req->rl_callbuf);
	kfree(req);
}

static struct rpcrdma_req *rpcrdma_req_create(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_req *req;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		goto out;
	req->rl_bufsize = RPCRDMA_CALLBUF_SIZE;
	req->rl_callbuf = kmalloc(req->rl_bufsize, GFP_KERNEL);
	if (!req->rl_callbuf)
		goto out_free_req;
	req->rl_rcvbuf = kmalloc(req->rl_bufsize, GFP_KERNEL);
	if (!req->rl_rcvbuf)
		goto out_free_callbuf;
	if (rpcrdma_regbuf_alloc(&req->rl_sendbuf, RPCRDMA_MAX_INLINE,
				 DMA_TO_DEVICE))
		goto out_free_rcvbuf;

	INIT_LIST_HEAD(&req->rl_registered);
	INIT_LIST_HEAD(&req->rl_sendq);
	req->rl_cqe.done = rpcrdma_wc_send;
	req->rl_wr.wr_cqe = &req->rl_cqe;
	req->rl_wr.sg_list = req->rl_sge;
	req->rl_wr.num_sge = 1;
	req->rl_wr.opcode = IB_WR_SEND;
	req->rl_wr.send_flags = IB_SEND_SIGNALED;
	list_add_tail(&req->rl_all, &r_xprt->rx_buf.rb_all_reqs);
	return req;

out_free_rcvbuf:
	kfree(req->rl_rcvbuf);
out_free_callbuf:
	kfree(req->rl_callbuf);
out_free_req:
	kfree(req);
out:
	return NULL;
}

static int rpcrdma_reps_create(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_rep *rep;
	unsigned int i;

	/* Every slot, forward or backchannel, can hold one rep while its
	 * message is being handled while another is posted for it; one
	 * more keeps a Receive posted while a stray message is dropped, and
	 * RPCRDMA_RECV_BATCH more are posted ahead (re_recv_target).
	 */
	buf->rb_rep_count = 2 * (buf->rb_max_requests + RPCRDMA_BC_SLOTS) + 1 +
			    RPCRDMA_RECV_BATCH;
	buf->rb_reps = kcalloc(buf->rb_rep_count, sizeof(*rep), GFP_KERNEL);
	if (!buf->rb_reps)
		return -ENOMEM;
	for (i = 0; i < buf->rb_rep_count; i++) {
		rep = &buf->rb_reps[i];
		if (rpcrdma_regbuf_alloc(&rep->rr_rdmabuf, RPCRDMA_MAX_INLINE,
					 DMA_FROM_DEVICE))
			return -ENOMEM;
		rep->rr_rxprt = r_xprt;
		rep->rr_cqe.done = rpcrdma_wc_receive;
		rep->rr_recv_wr.wr_cqe = &rep->rr_cqe;
		rep->rr_recv_wr.sg_list = &rep->rr_rdmabuf.rg_sge;
		rep->rr_recv_wr.num_sge = 1;
		list_add_tail(&rep->rr_list, &buf->rb_free_reps);
	}
	return 0;
}

static void rpcrdma_reps_destroy(struct rpcrdma_buffer *buf)
{
	unsigned int i;

	if (!buf->rb_reps)
		return;
	for (i = 0; i < buf->rb_rep_count; i++)
		rpcrdma_regbuf_free(&buf->rb_reps[i].rr_rdmabuf);
	kfree(buf->rb_reps);
	buf->rb_reps = NULL;
	INIT_LIST_HEAD(&buf->rb_free_reps);
}

/**
 * rpcrdma_buffer_create - create a transport's reqs and reps
 * @r_xprt: transport being set up
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or -ENOMEM; on error whatever was created is left for
 * rpcrdma_buffer_destroy().
 */
int rpcrdma_buffer_create(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_req *req;
	unsigned int i;

	spin_lock_init(&buf->rb_lock);
	INIT_LIST_HEAD(&buf->rb_free_reqs);
	INIT_LIST_HEAD(&buf->rb_all_reqs);
	INIT_LIST_HEAD(&buf->rb_free_reps);
	INIT_LIST_HEAD(&buf->rb_mrs);
	INIT_LIST_HEAD(&buf->rb_all_mrs);
	INIT_LIST_HEAD(&buf->rb_bc_free);
	spin_lock_init(&buf->rb_sendq_lock);
	INIT_LIST_HEAD(&buf->rb_sendq);
	init_rwsem(&buf->rb_mr_sem);
	buf->rb_max_requests = clamp_t(unsigned int,
				       READ_ONCE(xprt_rdma_slot_table_entries),
				       RPCRDMA_MIN_REQUESTS,
				       RPCRDMA_MAX_REQUESTS);
	buf->rb_slots_used = 0;
	buf->rb_bc_users = 0;

	for (i = 0; i < buf->rb_max_requests + RPCRDMA_BC_SLOTS; i++) {
		req = rpcrdma_req_create(r_xprt);
		if (!req)
			return -ENOMEM;
		list_add_tail(&req->rl_list, i < buf->rb_max_requests ?
			      &buf->rb_free_reqs : &buf->rb_bc_free);
	}
	return rpcrdma_reps_create(r_xprt);
}

/**
 * rpcrdma_buffer_destroy - free a transport's reqs and reps
 * @buf: the pools to free
 *
 * Precondition: disconnected (no QP, so no buffer is mapped or posted)
 * and every RPC slot returned.  Idempotent.
 *
 * Context: process context.
 */
void rpcrdma_buffer_destroy(struct rpcrdma_buffer *buf)
{
	struct rpcrdma_req *req, *next;

	list_for_each_entry_safe(req, next, &buf->rb_all_reqs, rl_all)
		rpcrdma_req_destroy(req);
	INIT_LIST_HEAD(&buf->rb_free_reqs);
	INIT_LIST_HEAD(&buf->rb_bc_free);
	rpcrdma_reps_destroy(buf);
}

/**
 * rpcrdma_req_get - take a free RPC slot
 * @buf: the transport's pools
 *
 * Context: any; takes rb_lock.
 *
 * Return: a req, or NULL when every slot is in use.
 */
struct rpcrdma_req *rpcrdma_req_get(struct rpcrdma_buffer *buf)
{
	struct rpcrdma_req *req;

	spin_lock(&buf->rb_lock);
	req = list_first_entry_or_null(&buf->rb_free_reqs, struct rpcrdma_req,
				       rl_list);
	if (req)
		list_del_init(&req->rl_list);
	spin_unlock(&buf->rb_lock);
	return req;
}

/**
 * rpcrdma_req_put - return an RPC slot
 * @buf: the transport's pools
 * @req: the slot; the caller gives up its ownership
 *
 * Context: any; takes rb_lock.
 */
void rpcrdma_req_put(struct rpcrdma_buffer *buf, struct rpcrdma_req *req)
{
	spin_lock(&buf->rb_lock);
	/* Reuse the warmest req, but one whose Send is still to be reaped
	 * only after every idle one (see RPCRDMA_REQ_SEND_BUSY)
	 */
	if (test_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags))
		list_add_tail(&req->rl_list, &buf->rb_free_reqs);
	else
		list_add(&req->rl_list, &buf->rb_free_reqs);
	spin_unlock(&buf->rb_lock);
}

/**
 * rpcrdma_rep_put - return a Receive buffer to the free list
 * @buf: the transport's pools
 * @rep: the rep; the caller gives up its ownership
 *
 * Context: any, including completion handlers; takes rb_lock.  The rep
 * is reposted by the next rpcrdma_post_recvs().
 */
void rpcrdma_rep_put(struct rpcrdma_buffer *buf, struct rpcrdma_rep *rep)
{
	spin_lock(&buf->rb_lock);
	list_add(&rep->rr_list, &buf->rb_free_reps);
	spin_unlock(&buf->rb_lock);
}

static struct rpcrdma_rep *rpcrdma_rep_get(struct rpcrdma_buffer *buf)
{
	struct rpcrdma_rep *rep;

	spin_lock(&buf->rb_lock);
	rep = list_first_entry_or_null(&buf->rb_free_reps, struct rpcrdma_rep,
				       rr_list);
	if (rep)
		list_del_init(&rep->rr_list);
	spin_unlock(&buf->rb_lock);
	return rep;
}

/* ---- MRs: created per connection, in the connection's PD ---- */

/**
 * rpcrdma_mr_get - take a free MR
 * @r_xprt: the transport
 *
 * Context: any; takes rb_lock.
 *
 * Return: an MR, or NULL when none is free (counted in mrs_exhausted).
 */
struct rpcrdma_mr *rpcrdma_mr_get(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_mr *mr;

	spin_lock(&buf->rb_lock);
	mr = list_first_entry_or_null(&buf->rb_mrs, struct rpcrdma_mr,
				      mr_list);
	if (mr) {
		list_del_init(&mr->mr_list);
		buf->rb_mrs_free--;
	}
	spin_unlock(&buf->rb_lock);
	if (!mr) {
		r_xprt->rx_stats.mrs_exhausted++;
		trace_xprtrdma_nomrs_err(r_xprt);
	}
	return mr;
}

/**
 * rpcrdma_mr_put - return an unmapped MR to the free list
 * @mr: the MR, no longer on any req's list
 *
 * Context: any; takes rb_lock.
 */
void rpcrdma_mr_put(struct rpcrdma_mr *mr)
{
	struct rpcrdma_xprt *r_xprt = mr->mr_xprt;
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	bool waiting;

	mr->mr_req = NULL;
	spin_lock(&buf->rb_lock);
	list_add(&mr->mr_list, &buf->rb_mrs);
	buf->rb_mrs_free++;
	/* Read under rb_lock: see rpcrdma_wait_for_mrs() */
	waiting = buf->rb_mrs_free >= buf->rb_mrs_wanted &&
		  test_bit(XPRT_WRITE_SPACE, &r_xprt->rx_xprt.state);
	spin_unlock(&buf->rb_lock);
	if (waiting)
		xprt_write_space(&r_xprt->rx_xprt);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_mr_put);

/*
 * SUNRPC's write-space wait: with XPRT_WRITE_SPACE set, the task that
 * gets -EAGAIN sleeps in its next xprt_reserve_xprt_cong(), and so does
 * every other sender, until xprt_write_space() clears the bit.  The
 * caller set the bit, then looked at what it waits for again (@ready),
 * and whoever frees that tests the bit after freeing it, so nothing freed
 * meanwhile is missed.  A sender whose own retransmission is what would
 * free it cannot be woken that way, so rx_space_worker wakes the senders
 * after RPCRDMA_SPACE_RETRY in any case: the worst wait is SUNRPC's
 * fixed delay for -ENOBUFS.
 */
static int rpcrdma_wait_for_space(struct rpcrdma_xprt *r_xprt, bool ready)
{
	if (ready)
		xprt_write_space(&r_xprt->rx_xprt);
	else
		mod_delayed_work(system_highpri_wq, &r_xprt->rx_space_worker,
				 RPCRDMA_SPACE_RETRY);
	return -EAGAIN;
}

/**
 * rpcrdma_wait_for_mrs - have the sender wait until enough MRs are free
 * @r_xprt: the transport, whose write lock the caller holds
 * @wanted: free MRs the failed marshal would have needed at least: those
 *	it took, which the caller has not given back yet, and one more
 *
 * The free count is looked at again under rb_lock, which
 * rpcrdma_mr_put() tests XPRT_WRITE_SPACE under, so the MRs the caller
 * gives back next do not wake it by themselves: waking when any MR is
 * free would retry at once, and fail again, for good.
 *
 * Context: RPC task context; never sleeps.
 *
 * Return: -EAGAIN (call again once woken).
 */
int rpcrdma_wait_for_mrs(struct rpcrdma_xprt *r_xprt, unsigned int wanted)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	bool freed;

	r_xprt->rx_stats.space_waits++;
	trace_xprtrdma_wait_space(r_xprt);
	xprt_wait_for_buffer_space(&r_xprt->rx_xprt);
	spin_lock(&buf->rb_lock);
	buf->rb_mrs_wanted = wanted;
	freed = buf->rb_mrs_free >= wanted;
	spin_unlock(&buf->rb_lock);
	return rpcrdma_wait_for_space(r_xprt, freed);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_wait_for_mrs);

/**
 * rpcrdma_send_ready - may @req's Send be marshalled and posted now?
 * @r_xprt: the transport, connected; the caller holds its write lock
 * @req: the req to be sent
 *
 * Not while the req's previous Send is unreaped (it reads rl_sendbuf),
 * nor while RPCRDMA_MAX_SENDS() Sends are (the send queue holds no
 * more).  Only reaps change either, so a false answer stays false until
 * rpcrdma_sends_reap() wakes the senders.
 *
 * Context: RPC task context.
 */
bool rpcrdma_send_ready(struct rpcrdma_xprt *r_xprt,
			const struct rpcrdma_req *req)
{
	return !test_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags) &&
	       READ_ONCE(r_xprt->rx_buf.rb_sends_posted) <
	       RPCRDMA_MAX_SENDS(r_xprt->rx_ep);
}

/**
 * rpcrdma_wait_for_send - have the sender wait for a reap
 * @r_xprt: the transport, whose write lock the caller holds
 * @req: a req that rpcrdma_send_ready() refused
 *
 * Context: RPC task context; never sleeps.
 *
 * Return: -EAGAIN (call again once woken).
 */
int rpcrdma_wait_for_send(struct rpcrdma_xprt *r_xprt,
			  struct rpcrdma_req *req)
{
	r_xprt->rx_stats.space_waits++;
	trace_xprtrdma_wait_space(r_xprt);
	xprt_wait_for_buffer_space(&r_xprt->rx_xprt);
	/* The bit is set before the reap's effects are tested again; pairs
	 * with the barrier between the clears and the test in
	 * rpcrdma_sends_reap()
	 */
	smp_mb__after_atomic();
	return rpcrdma_wait_for_space(r_xprt, rpcrdma_send_ready(r_xprt, req));
}

static void rpcrdma_space_worker(struct work_struct *work)
{
	struct rpcrdma_xprt *r_xprt = container_of(work, struct rpcrdma_xprt,
						   rx_space_worker.work);

	xprt_write_space(&r_xprt->rx_xprt);
}

static int rpcrdma_mrs_create(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	unsigned int i, count;
	struct rpcrdma_mr *mr;
	int rc;

	rc = rpcrdma_setup_fault();
	if (rc)
		return rc;
	count = ep->re_max_requests * RPCRDMA_MRS_PER_REQ;
	for (i = 0; i < count; i++) {
		mr = kzalloc(sizeof(*mr), GFP_KERNEL);
		if (!mr)
			return -ENOMEM;
		rc = frwr_mr_init(r_xprt, mr);
		if (rc) {
			kfree(mr);
			return rc;
		}
		list_add_tail(&mr->mr_all, &buf->rb_all_mrs);
		spin_lock(&buf->rb_lock);
		list_add_tail(&mr->mr_list, &buf->rb_mrs);
		buf->rb_mrs_free++;
		spin_unlock(&buf->rb_lock);
		r_xprt->rx_stats.mrs_allocated++;
	}
	return 0;
}

/* Precondition: the QP is drained; no req holds an MR. */
static void rpcrdma_mrs_destroy(struct rpcrdma_buffer *buf)
{
	struct rpcrdma_mr *mr, *next;

	list_for_each_entry_safe(mr, next, &buf->rb_all_mrs, mr_all) {
		list_del(&mr->mr_all);
		frwr_mr_release(mr);
		kfree(mr);
	}
	INIT_LIST_HEAD(&buf->rb_mrs);
	buf->rb_mrs_free = 0;
}

/* Caller holds rb_sendq_lock.  Once the bit clears, the next Send of
 * @req may rewrite its Send buffer.
 */
static void rpcrdma_send_done(struct rpcrdma_buffer *buf,
			      struct rpcrdma_req *req)
{
	list_del_init(&req->rl_sendq);
	WRITE_ONCE(buf->rb_sends_posted, buf->rb_sends_posted - 1);
	clear_bit_unlock(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags);
	/* Order the clear before the test for a waiting sender in
	 * rpcrdma_sends_reap(); pairs with rpcrdma_wait_for_send()'s barrier
	 */
	smp_mb__after_atomic();
}

/**
 * rpcrdma_sends_reap - a Send completed: release it and those before it
 * @r_xprt: the transport
 * @req: the req whose Send completed, signalled or (an error is always
 *	reported) unsignalled
 *
 * The send queue completes WRs in the order they were posted, so every
 * Send queued ahead of @req on rb_sendq is done with too.  A req no
 * longer queued was reaped by rpcrdma_reqs_reset() already.  A sender
 * waiting for one of these reqs (rpcrdma_wait_for_send()) is woken.
 *
 * Context: the send CQ's handler.
 */
VISIBLE_IF_KUNIT void rpcrdma_sends_reap(struct rpcrdma_xprt *r_xprt,
					 struct rpcrdma_req *req)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_req *first;

	spin_lock(&buf->rb_sendq_lock);
	if (list_empty(&req->rl_sendq)) {
		spin_unlock(&buf->rb_sendq_lock);
		return;
	}
	do {
		first = list_first_entry(&buf->rb_sendq, struct rpcrdma_req,
					 rl_sendq);
		rpcrdma_send_done(buf, first);
	} while (first != req);
	spin_unlock(&buf->rb_sendq_lock);
	/* rpcrdma_send_done()'s barrier orders the clears before this */
	if (test_bit(XPRT_WRITE_SPACE, &r_xprt->rx_xprt.state))
		xprt_write_space(&r_xprt->rx_xprt);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_sends_reap);

/*
 * After the QP is drained, take back every MR still on a req's list:
 * the memory behind them is unreachable once the QP is gone, and the RPC
 * registers again when it is retransmitted on the next connection.  A
 * Send still busy was lost by the device (Debian 6.1's rxe drops the
 * completions of Sends it had sent when a retransmission fails): the
 * drain proves the QP is done with it, so release it here, counted.
 */
static void rpcrdma_reqs_reset(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_req *req;

	list_for_each_entry(req, &buf->rb_all_reqs, rl_all) {
		frwr_release_all(&req->rl_registered);
		/* A reply on the next connection needs a Call sent on it */
		clear_bit(RPCRDMA_REQ_SENT, &req->rl_flags);
		clear_bit(RPCRDMA_REQ_SEND_WAIT, &req->rl_flags);
	}
	spin_lock(&buf->rb_sendq_lock);
	while ((req = list_first_entry_or_null(&buf->rb_sendq,
					       struct rpcrdma_req, rl_sendq))) {
		/* An unsignalled Send that succeeded never completes */
		if (req->rl_wr.send_flags & IB_SEND_SIGNALED) {
			r_xprt->rx_stats.send_cqes_lost++;
			trace_xprtrdma_send_lost(&req->rl_slot, 0);
		}
		rpcrdma_send_done(buf, req);
	}
	spin_unlock(&buf->rb_sendq_lock);
}

/*
 * A new connection starts with a credit limit of one (RFC 8166 §3.3.1),
 * yet RPCs still waiting for a reply hold congestion window slots the
 * old connection's grant allowed.  Take those slots back: each RPC must
 * win one in the new window before it is sent again, so no burst of
 * retransmissions overruns the Receives the server has posted.
 * rq_cong and xprt->cong are SUNRPC's, under transport_lock.
 */
static void rpcrdma_cong_reset(struct rpcrdma_xprt *r_xprt)
{
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	struct rpcrdma_req *req;
	unsigned long old;

	spin_lock(&xprt->transport_lock);
	list_for_each_entry(req, &r_xprt->rx_buf.rb_all_reqs, rl_all)
		req->rl_slot.rq_cong = 0;
	xprt->cong = 0;
	old = xprt->cwnd;
	xprt->cwnd = RPC_CWNDSCALE;
	spin_unlock(&xprt->transport_lock);
	if (old != RPC_CWNDSCALE)
		trace_xprtrdma_credits(r_xprt, 1, old >> RPC_CWNDSHIFT);
}

/* ---- completion handlers ---- */

static void rpcrdma_wc_send(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rpcrdma_req *req = container_of(wc->wr_cqe, struct rpcrdma_req,
					       rl_cqe);
	struct rpcrdma_ep *ep = cq->cq_context;
	struct rpcrdma_xprt *r_xprt = ep->re_xprt;

	trace_xprtrdma_wc_send(&req->rl_cid, wc);
	rpcrdma_sends_reap(r_xprt, req);

	if (wc->status != IB_WC_SUCCESS) {
		r_xprt->rx_stats.send_errors++;
		if (wc->status != IB_WC_WR_FLUSH_ERR)
			rpcrdma_force_disconnect(r_xprt);
	}
}

/* Take up to @want free reps and chain their Receive WRs */
static struct ib_recv_wr *rpcrdma_recvs_chain(struct rpcrdma_xprt *r_xprt,
					      struct rpcrdma_ep *ep,
					      unsigned int want,
					      unsigned int *count)
{
	struct ib_recv_wr *first = NULL, **link = &first;
	struct rpcrdma_rep *rep;

	*count = 0;
	while (*count < want) {
		rep = rpcrdma_rep_get(&r_xprt->rx_buf);
		if (!rep) {
			r_xprt->rx_stats.recv_none_free++;
			break;
		}
		ib_dma_sync_single_for_device(rep->rr_rdmabuf.rg_device,
					      rep->rr_rdmabuf.rg_sge.addr,
					      rep->rr_rdmabuf.rg_len,
					      DMA_FROM_DEVICE);
		rep->rr_cid.ci_queue_id = ep->re_attr.recv_cq->res.id;
		rep->rr_cid.ci_completion_id = rpcrdma_next_cid(r_xprt);
		*link = &rep->rr_recv_wr;
		link = &rep->rr_recv_wr.next;
		(*count)++;
	}
	*link = NULL;
	return first;
}

/*
 * Post Receives until re_recv_target are posted, when at least @min are
 * missing.  Each posting first reserves its Receives in re_receive_count,
 * so callers race freely.  Receives are posted only while connected:
 * re_post_lock orders each post against rpcrdma_cm_set_status(), so once
 * rpcrdma_xprt_disconnect() has marked the connection down no Receive
 * goes in behind the drain.
 */
static void rpcrdma_post_recvs_min(struct rpcrdma_xprt *r_xprt,
				   unsigned int min)
{
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	const struct ib_recv_wr *bad = NULL;
	struct ib_recv_wr *first, *wr;
	unsigned int want, count;
	int posted, rc = -ENOTCONN;

	if (!ep || !ep->re_id->qp)
		return;
	posted = atomic_read(&ep->re_receive_count);
	if (posted + min > ep->re_recv_target)
		return;
	want = ep->re_recv_target - posted;
	if (atomic_add_return(want, &ep->re_receive_count) > ep->re_recv_target) {
		/* Another caller reserved some meanwhile: leave them to it */
		atomic_sub(want, &ep->re_receive_count);
		return;
	}

	first = rpcrdma_recvs_chain(r_xprt, ep, want, &count);
	if (count < want)
		atomic_sub(want - count, &ep->re_receive_count);
	if (!first)
		return;
	spin_lock(&ep->re_post_lock);
	if (ep->re_connect_status >= 0)
		rc = ib_post_recv(ep->re_id->qp, first, &bad);
	spin_unlock(&ep->re_post_lock);
	if (rc) {
		trace_xprtrdma_post_recvs_err(r_xprt, rc);
		/* Those from @bad on were not posted */
		for (wr = bad ? (struct ib_recv_wr *)bad : first; wr; ) {
			struct rpcrdma_rep *rep = container_of(wr,
						struct rpcrdma_rep, rr_recv_wr);

			wr = wr->next;
			rpcrdma_rep_put(&r_xprt->rx_buf, rep);
			atomic_dec(&ep->re_receive_count);
			count--;
		}
	}
	if (!count)
		return;
	r_xprt->rx_stats.recv_posted += count;
	trace_xprtrdma_post_recvs(r_xprt, count,
				  atomic_read(&ep->re_receive_count));
}

/**
 * rpcrdma_post_recvs - keep enough Receives posted for every message due
 * @r_xprt: the transport
 *
 * The server may have a message in flight for each of re_max_requests
 * credits and RPCRDMA_BC_SLOTS reverse Calls: with rnr_retry_count 0, a
 * message that finds no Receive posted kills the connection.  Keeping
 * re_recv_target posted gives RPCRDMA_RECV_BATCH more than that, so the
 * Receives consumed are replaced a chain at a time, once a whole chain
 * is missing; at least one Receive beyond what the server may fill is
 * posted all the while.
 *
 * Context: any; never sleeps or allocates.
 */
void rpcrdma_post_recvs(struct rpcrdma_xprt *r_xprt)
{
	rpcrdma_post_recvs_min(r_xprt, RPCRDMA_RECV_BATCH);
}

static void rpcrdma_wc_receive(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rpcrdma_rep *rep = container_of(wc->wr_cqe, struct rpcrdma_rep,
					       rr_cqe);
	struct rpcrdma_xprt *r_xprt = rep->rr_rxprt;
	struct rpcrdma_ep *ep = cq->cq_context;

	trace_xprtrdma_wc_receive(&rep->rr_cid, wc);
	atomic_dec(&ep->re_receive_count);
	if (wc->status != IB_WC_SUCCESS) {
		r_xprt->rx_stats.recv_errors++;
		rpcrdma_rep_put(&r_xprt->rx_buf, rep);
		if (wc->status != IB_WC_WR_FLUSH_ERR)
			rpcrdma_force_disconnect(r_xprt);
		return;
	}

	ib_dma_sync_single_for_cpu(rep->rr_rdmabuf.rg_device,
				   rep->rr_rdmabuf.rg_sge.addr,
				   wc->byte_len, DMA_FROM_DEVICE);
	rep->rr_len = wc->byte_len;
	rep->rr_wc_flags = wc->wc_flags;
	rep->rr_inv_rkey = 0;
	if (wc->wc_flags & IB_WC_WITH_INVALIDATE)
		rep->rr_inv_rkey = wc->ex.invalidate_rkey;

	/* Replace this Receive before the reply can free a credit */
	rpcrdma_post_recvs(r_xprt);
	rpcrdma_reply_handler(rep);
}

/* ---- connection manager ---- */

static void rpcrdma_cm_set_status(struct rpcrdma_ep *ep, int status)
{
	spin_lock(&ep->re_post_lock);
	ep->re_connect_status = status;
	spin_unlock(&ep->re_post_lock);
	wake_up_all(&ep->re_connect_wait);
}

static int rpcrdma_cm_resolved(struct rpcrdma_ep *ep, int status)
{
	ep->re_async_rc = status;
	complete(&ep->re_done);
	return 0;
}

static void rpcrdma_cm_established(struct rpcrdma_ep *ep,
				   const struct rdma_conn_param *param)
{
	rpcrdma_cm_private_apply(ep, param->private_data,
				 param->private_data_len);
	ep->re_inline_send = min_t(unsigned int, ep->re_inline_send,
				   RPCRDMA_MAX_INLINE);
	ep->re_inline_recv = min_t(unsigned int, ep->re_inline_recv,
				   RPCRDMA_MAX_INLINE);
	rpcrdma_cm_set_status(ep, 1);
}

/* The connection failed or went away: wake the connect waiter, and if
 * we were connected, have SUNRPC close and reconnect.
 */
static void rpcrdma_cm_down(struct rpcrdma_ep *ep, int status)
{
	bool was_connected = ep->re_connect_status > 0;

	pr_debug("connection to %s down (%d), %s\n",
		 ep->re_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR], status,
		 was_connected ? "reconnecting" : "while connecting");
	rpcrdma_cm_set_status(ep, status);
	if (was_connected)
		rpcrdma_force_disconnect(ep->re_xprt);
}

static int rpcrdma_cm_event_handler(struct rdma_cm_id *id,
				    struct rdma_cm_event *event)
{
	struct rpcrdma_ep *ep = id->context;

	trace_xprtrdma_cm_event(ep->re_xprt, event->event, event->status);
	switch (event->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
		return rpcrdma_cm_resolved(ep, 0);
	case RDMA_CM_EVENT_ADDR_ERROR:
		return rpcrdma_cm_resolved(ep, -EPROTO);
	case RDMA_CM_EVENT_ROUTE_ERROR:
		return rpcrdma_cm_resolved(ep, -ENETUNREACH);
	case RDMA_CM_EVENT_ESTABLISHED:
		rpcrdma_cm_established(ep, &event->param.conn);
		break;
	case RDMA_CM_EVENT_CONNECT_ERROR:
		rpcrdma_cm_down(ep, -ENOTCONN);
		break;
	case RDMA_CM_EVENT_UNREACHABLE:
		rpcrdma_cm_down(ep, -ENETUNREACH);
		break;
	case RDMA_CM_EVENT_REJECTED:
		rpcrdma_cm_down(ep, -ECONNREFUSED);
		break;
	case RDMA_CM_EVENT_DISCONNECTED:
		rpcrdma_cm_down(ep, -ECONNABORTED);
		break;
	case RDMA_CM_EVENT_ADDR_CHANGE:
		/* The path changed under us: reconnect on the new one */
		rpcrdma_cm_down(ep, -ENODEV);
		break;
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		/* The device waits until our close destroys this ID;
		 * wake any resolver or connect waiter too.
		 */
		trace_xprtrdma_device_removal(ep->re_xprt);
		pr_debug("device %s removed under the connection to %s\n",
			 id->device ? dev_name(&id->device->dev) : "?",
			 ep->re_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR]);
		if (ep->re_connect_status == 0)
			rpcrdma_cm_resolved(ep, -ENODEV);
		rpcrdma_cm_set_status(ep, -ENODEV);
		rpcrdma_force_disconnect(ep->re_xprt);
		break;
	default:
		break;
	}
	return 0;
}

/**
 * rpcrdma_ep_inject_disconnect - drop the connection as a fault would
 * @r_xprt: the transport
 *
 * rdma_disconnect() moves the QP to the error state, which flushes every
 * posted WR, and tells the server.  Our status stays "connected", so the
 * DISCONNECTED event that follows closes the transport, as when the
 * server or the path drops it.  Does nothing while not connected.
 *
 * Context: process context; the caller holds the transport's write lock,
 * which keeps rx_ep from being torn down meanwhile.
 */
void rpcrdma_ep_inject_disconnect(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_ep *ep = r_xprt->rx_ep;

	if (ep && READ_ONCE(ep->re_connect_status) > 0)
		rdma_disconnect(ep->re_id);
}

/**
 * rpcrdma_ep_device_removed - the connection's device is going away
 * @ep: a connection on its device's list
 *
 * Wakes a connect waiter and has SUNRPC close the transport; the close
 * frees the connection's verbs resources and takes it off the list.
 *
 * Context: the ib_client remove callback, holding the device list's lock,
 * which keeps @ep from being freed.
 */
void rpcrdma_ep_device_removed(struct rpcrdma_ep *ep)
{
	ep->re_xprt->rx_stats.device_removals++;
	rpcrdma_cm_set_status(ep, -ENODEV);
	rpcrdma_force_disconnect(ep->re_xprt);
}

static int rpcrdma_resolve_wait(struct rpcrdma_ep *ep)
{
	long rc;

	rc = msecs_to_jiffies(RPCRDMA_RESOLVE_TIMEOUT) + HZ;
	rc = wait_for_completion_interruptible_timeout(&ep->re_done, rc);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ETIMEDOUT;
	return ep->re_async_rc;
}

static int rpcrdma_ep_resolve(struct rpcrdma_xprt *r_xprt,
			      struct rpcrdma_ep *ep)
{
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	struct rdma_cm_id *id;
	int rc;

	id = rdma_create_id(xprt->xprt_net, rpcrdma_cm_event_handler, ep,
			    RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(id))
		return PTR_ERR(id);
	ep->re_id = id;

	init_completion(&ep->re_done);
	ep->re_async_rc = -ETIMEDOUT;
	rc = rdma_resolve_addr(id, NULL, (struct sockaddr *)&xprt->addr,
			       RPCRDMA_RESOLVE_TIMEOUT);
	if (rc)
		return rc;
	rc = rpcrdma_resolve_wait(ep);
	if (rc)
		return rc;

	reinit_completion(&ep->re_done);
	ep->re_async_rc = -ETIMEDOUT;
	rc = rdma_resolve_route(id, RPCRDMA_RESOLVE_TIMEOUT);
	if (rc)
		return rc;
	return rpcrdma_resolve_wait(ep);
}

/*
 * Size the queues from the device: re_max_requests Sends (@max_requests,
 * our slots, or fewer when the device's queues are shorter), each preceded
 * by up to one REG_MR per pool MR and followed by one LOCAL_INV per pool
 * MR; a Send and a Receive per backchannel slot (a reverse Reply, a
 * reverse Call); RPCRDMA_RECV_BATCH Receives more (re_recv_target); and
 * one more WR on each queue for ib_drain_qp()'s drain WR.  An unsignalled
 * Send holds its place, and those of the WRs before it, until a later
 * completion: still no more than one Send per req (RPCRDMA_REQ_SEND_BUSY).
 */
VISIBLE_IF_KUNIT int rpcrdma_ep_size(struct rpcrdma_ep *ep,
				     const struct ib_device *device,
				     unsigned int max_requests)
{
	const struct ib_device_attr *attrs = &device->attrs;
	unsigned int per_req = 1 + 2 * RPCRDMA_MRS_PER_REQ;
	int rc;

	rc = frwr_query_device(ep, device);
	if (rc)
		return rc;
	if (attrs->max_send_sge < RPCRDMA_MAX_SEND_SGES)
		return -EOPNOTSUPP;

	ep->re_max_requests = max_requests;
	if (attrs->max_qp_wr < RPCRDMA_BC_SLOTS + 1)
		return -EOPNOTSUPP;
	if (ep->re_max_requests * per_req + RPCRDMA_BC_SLOTS + 1 >
	    attrs->max_qp_wr)
		ep->re_max_requests = (attrs->max_qp_wr - RPCRDMA_BC_SLOTS - 1) /
				      per_req;
	/* The receive queue's extra chain (re_recv_target) */
	if (attrs->max_qp_wr < RPCRDMA_BC_SLOTS + RPCRDMA_RECV_BATCH + 1)
		return -EOPNOTSUPP;
	ep->re_max_requests = min(ep->re_max_requests, attrs->max_qp_wr -
				  RPCRDMA_BC_SLOTS - RPCRDMA_RECV_BATCH - 1);
	if (ep->re_max_requests < 2)
		return -EOPNOTSUPP;

	ep->re_attr.event_handler = NULL;
	ep->re_attr.qp_context = ep;
	ep->re_attr.cap.max_send_wr = ep->re_max_requests * per_req +
				      RPCRDMA_BC_SLOTS + 1;
	ep->re_recv_target = ep->re_max_requests + RPCRDMA_BC_SLOTS +
			     RPCRDMA_RECV_BATCH;
	ep->re_attr.cap.max_recv_wr = ep->re_recv_target + 1;
	ep->re_attr.cap.max_send_sge = RPCRDMA_MAX_SEND_SGES;
	ep->re_attr.cap.max_recv_sge = 1;
	ep->re_attr.cap.max_inline_data = 0;
	ep->re_attr.sq_sig_type = IB_SIGNAL_REQ_WR;
	ep->re_attr.qp_type = IB_QPT_RC;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_ep_size);

static int rpcrdma_ep_create_qp(struct rpcrdma_ep *ep)
{
	struct ib_device *device = ep->re_id->device;
	struct ib_cq *cq;
	int rc;

	rc = rpcrdma_setup_fault();
	if (rc)
		return rc;
	ep->re_pd = ib_alloc_pd(device, 0);
	if (IS_ERR(ep->re_pd)) {
		rc = PTR_ERR(ep->re_pd);
		ep->re_pd = NULL;
		return rc;
	}
	cq = ib_alloc_cq_any(device, ep, ep->re_attr.cap.max_send_wr,
			     IB_POLL_WORKQUEUE);
	if (IS_ERR(cq))
		return PTR_ERR(cq);
	ep->re_attr.send_cq = cq;
	rc = rpcrdma_setup_fault();
	if (rc)
		return rc;
	cq = ib_alloc_cq_any(device, ep, ep->re_attr.cap.max_recv_wr,
			     IB_POLL_WORKQUEUE);
	if (IS_ERR(cq))
		return PTR_ERR(cq);
	ep->re_attr.recv_cq = cq;
	rc = rpcrdma_setup_fault();
	if (rc)
		return rc;
	return rdma_create_qp(ep->re_id, ep->re_pd, &ep->re_attr);
}

/* Idempotent: each step checks and clears what it frees. */
static void rpcrdma_ep_destroy(struct rpcrdma_ep *ep)
{
	if (ep->re_id && ep->re_id->qp)
		rdma_destroy_qp(ep->re_id);
	if (ep->re_attr.recv_cq)
		ib_free_cq(ep->re_attr.recv_cq);
	ep->re_attr.recv_cq = NULL;
	if (ep->re_attr.send_cq)
		ib_free_cq(ep->re_attr.send_cq);
	ep->re_attr.send_cq = NULL;
	if (ep->re_pd)
		ib_dealloc_pd(ep->re_pd);
	ep->re_pd = NULL;
	if (ep->re_id)
		rdma_destroy_id(ep->re_id);
	ep->re_id = NULL;
	rpcrdma_device_detach(ep);
	kfree(ep);
}

static void rpcrdma_bufs_unmap(struct rpcrdma_buffer *buf)
{
	struct rpcrdma_req *req;
	unsigned int i;

	list_for_each_entry(req, &buf->rb_all_reqs, rl_all)
		rpcrdma_regbuf_unmap(&req->rl_sendbuf);
	for (i = 0; i < buf->rb_rep_count; i++)
		rpcrdma_regbuf_unmap(&buf->rb_reps[i].rr_rdmabuf);
}

static int rpcrdma_bufs_map(struct rpcrdma_buffer *buf, struct ib_pd *pd)
{
	struct rpcrdma_req *req;
	unsigned int i;
	int rc;

	list_for_each_entry(req, &buf->rb_all_reqs, rl_all) {
		rc = rpcrdma_regbuf_map(&req->rl_sendbuf, pd);
		if (rc)
			return rc;
		req->rl_sge[0] = req->rl_sendbuf.rg_sge;
		req->rl_wr.num_sge = 1;
	}
	for (i = 0; i < buf->rb_rep_count; i++) {
		rc = rpcrdma_regbuf_map(&buf->rb_reps[i].rr_rdmabuf, pd);
		if (rc)
			return rc;
	}
	return 0;
}

static int rpcrdma_ep_connect(struct rpcrdma_xprt *r_xprt,
			      struct rpcrdma_ep *ep)
{
	const struct ib_device_attr *attrs = &ep->re_id->device->attrs;
	unsigned long timeout = min_t(unsigned long, RPCRDMA_CONNECT_TIMEOUT,
				      READ_ONCE(r_xprt->rx_xprt.connect_timeout));
	struct rdma_conn_param param = { };
	long rc;

	rpcrdma_cm_private_init(&ep->re_cm_private, ep->re_inline_send,
				ep->re_inline_recv);
	param.private_data = &ep->re_cm_private;
	param.private_data_len = sizeof(ep->re_cm_private);
	/* The server RDMA-Reads our Read chunks; we never issue Reads */
	param.responder_resources = min_t(int, attrs->max_qp_rd_atom, 255);
	param.initiator_depth = 0;
	param.retry_count = RPCRDMA_RETRY_COUNT;
	param.rnr_retry_count = 0;
	param.flow_control = 1;

	rc = rdma_connect(ep->re_id, &param);
	if (rc)
		return rc;
	rc = wait_event_interruptible_timeout(ep->re_connect_wait,
					      ep->re_connect_status != 0,
					      timeout);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ETIMEDOUT;
	return ep->re_connect_status < 0 ? ep->re_connect_status : 0;
}

/**
 * rpcrdma_xprt_connect - establish a new connection
 * @r_xprt: the transport
 *
 * Resolves the server's address and route, builds the PD, CQs, QP and
 * MRs, maps the buffers, posts the Receives and connects, exchanging
 * RFC 8797 private data.  A previous connection is torn down first.
 *
 * Context: process context, may sleep; the caller holds the transport's
 * write lock (via xprt_lock_connect()).
 *
 * Return: 0 when connected, else -errno with nothing left behind.
 */
int rpcrdma_xprt_connect(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_ep *ep;
	int rc;

	rpcrdma_xprt_disconnect(r_xprt);

	rc = rpcrdma_setup_fault();
	if (rc)
		return rc;
	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return -ENOMEM;
	ep->re_xprt = r_xprt;
	INIT_LIST_HEAD(&ep->re_device_link);
	init_waitqueue_head(&ep->re_connect_wait);
	spin_lock_init(&ep->re_post_lock);
	/* What we offer; the server's private data may lower it */
	ep->re_inline_send = clamp_t(unsigned int,
				     READ_ONCE(xprt_rdma_max_inline_write),
				     RPCRDMA_MIN_INLINE, RPCRDMA_MAX_INLINE);
	ep->re_inline_recv = clamp_t(unsigned int,
				     READ_ONCE(xprt_rdma_max_inline_read),
				     RPCRDMA_MIN_INLINE, RPCRDMA_MAX_INLINE);

	down_write(&buf->rb_mr_sem);
	r_xprt->rx_ep = ep;
	rc = rpcrdma_ep_resolve(r_xprt, ep);
	if (rc)
		goto out_destroy_ep;
	rc = rpcrdma_device_attach(ep);
	if (rc)
		goto out_destroy_ep;
	rc = rpcrdma_ep_size(ep, ep->re_id->device, buf->rb_max_requests);
	if (rc)
		goto out_destroy_ep;
	/* Before the first NFS FSINFO, which sizes rsize and wsize by it */
	r_xprt->rx_xprt.max_payload = frwr_max_payload(ep);
	rc = rpcrdma_ep_create_qp(ep);
	if (rc)
		goto out_destroy_ep;
	rc = rpcrdma_mrs_create(r_xprt);
	if (rc)
		goto out_destroy_mrs;
	rc = rpcrdma_bufs_map(buf, ep->re_pd);
	if (rc)
		goto out_unmap_bufs;
	rpcrdma_cong_reset(r_xprt);
	rpcrdma_post_recvs_min(r_xprt, 1);
	up_write(&buf->rb_mr_sem);

	rc = rpcrdma_ep_connect(r_xprt, ep);
	if (rc)
		goto out_disconnect;
	rpcrdma_set_max_header_sizes(ep);
	trace_xprtrdma_connect(r_xprt, 0);
	trace_xprtrdma_inline_thresh(r_xprt, ep);
	pr_debug("connected to %s: inline %u/%u, %u credits, fr depth %u\n",
		 r_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR],
		 ep->re_inline_send, ep->re_inline_recv, ep->re_max_requests,
		 ep->re_max_fr_depth);
	return 0;

out_disconnect:
	pr_debug("connect to %s failed: %d\n",
		 r_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR], rc);
	trace_xprtrdma_connect(r_xprt, rc);
	rpcrdma_xprt_disconnect(r_xprt);
	return rc;
out_unmap_bufs:
	rpcrdma_bufs_unmap(buf);
out_destroy_mrs:
	rpcrdma_mrs_destroy(buf);
out_destroy_ep:
	pr_debug("connection setup to %s failed: %d\n",
		 r_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR], rc);
	trace_xprtrdma_connect(r_xprt, rc);
	r_xprt->rx_ep = NULL;
	up_write(&buf->rb_mr_sem);
	rpcrdma_ep_destroy(ep);
	return rc;
}

/**
 * rpcrdma_xprt_disconnect - tear down the current connection
 * @r_xprt: the transport
 *
 * Disconnects, drains the Receive Queue then the Send Queue (so every
 * completion handler has run and every rep is back), takes back the MRs
 * of unfinished RPCs, unmaps the buffers and frees the verbs resources.
 * Idempotent.
 *
 * Context: process context, may sleep; the caller holds the transport's
 * write lock (close, destroy or the connect worker), so no Send is being
 * posted.
 */
void rpcrdma_xprt_disconnect(struct rpcrdma_xprt *r_xprt)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct ib_qp_attr qp_err = { .qp_state = IB_QPS_ERR };
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	bool was_connected;

	if (!ep)
		return;
	trace_xprtrdma_disconnect(r_xprt, ep->re_connect_status);

	/* Mark it down first, so our own DISCONNECTED event forces nothing */
	was_connected = ep->re_connect_status > 0;
	rpcrdma_cm_set_status(ep, -ENOTCONN);
	/* Before waiting for rb_mr_sem: a free path holds it for read while
	 * it waits for LOCAL_INVs, which may be queued behind a stalled
	 * Send; the QP's Error state flushes them.
	 */
	if (was_connected)
		rdma_disconnect(ep->re_id);
	else if (ep->re_id->qp)
		ib_modify_qp(ep->re_id->qp, &qp_err, IB_QP_STATE);
	down_write(&buf->rb_mr_sem);
	if (ep->re_id->qp) {
		ib_drain_rq(ep->re_id->qp);
		ib_drain_sq(ep->re_id->qp);
	}
	rpcrdma_reqs_reset(r_xprt);
	rpcrdma_cong_reset(r_xprt);
	rpcrdma_bufs_unmap(buf);
	rpcrdma_mrs_destroy(buf);
	r_xprt->rx_ep = NULL;
	up_write(&buf->rb_mr_sem);
	rpcrdma_ep_destroy(ep);
	/* A forced disconnect still queued by this connection's handlers is
	 * answered by this teardown; run later, it would close the next one.
	 */
	cancel_work_sync(&r_xprt->rx_disconnect_worker);
}

static void rpcrdma_disconnect_worker(struct work_struct *work)
{
	struct rpcrdma_xprt *r_xprt = container_of(work, struct rpcrdma_xprt,
						   rx_disconnect_worker);

	xprt_force_disconnect(&r_xprt->rx_xprt);
}

/**
 * rpcrdma_force_disconnect - ask SUNRPC to close and reconnect
 * @r_xprt: the transport
 *
 * For a fatal protocol or transport error.  The close itself runs later
 * in SUNRPC's autoclose work, with the transport's write lock held.
 *
 * Context: any, including completion handlers and the CM handler.
 */
void rpcrdma_force_disconnect(struct rpcrdma_xprt *r_xprt)
{
	trace_xprtrdma_force_disconnect(r_xprt);
	queue_work(system_highpri_wq, &r_xprt->rx_disconnect_worker);
}

/**
 * rpcrdma_xprt_init_workers - initialise the transport's work items
 * @r_xprt: the transport being set up
 * @connect: the connect worker
 *
 * Context: process context, from xprt_setup_rdma().
 */
void rpcrdma_xprt_init_workers(struct rpcrdma_xprt *r_xprt,
			       work_func_t connect)
{
	INIT_DELAYED_WORK(&r_xprt->rx_connect_worker, connect);
	INIT_WORK(&r_xprt->rx_disconnect_worker, rpcrdma_disconnect_worker);
	INIT_DELAYED_WORK(&r_xprt->rx_space_worker, rpcrdma_space_worker);
}
