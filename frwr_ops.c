// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fast Registration Work Requests (FRWR) for the RPC-over-RDMA version 1
 * client transport: how memory is exposed to the server for chunks
 * (RFC 8166 Section 3.4.5) and withdrawn again.
 *
 * An MR's life: rpcrdma_mr_get() -> frwr_map() (DMA-map pages, build the
 * REG_MR WR) -> frwr_send() (REG_MRs chained before the Send, one post)
 * -> the server reads or writes -> Remote Invalidation (frwr_reminv()) or
 * a LOCAL_INV chain (frwr_unmap_async() or frwr_unmap_sync()) -> DMA-unmap
 * -> rpcrdma_mr_put().  An RPC completes only after every MR it exposed is
 * invalidated, or its QP is dead.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sunrpc/bc_xprt.h>
#include <kunit/visibility.h>

#include "xprt_rdma.h"
#include "trace.h"

/**
 * frwr_query_device - size FRWR use from a device's capabilities
 * @ep: connection being set up
 * @device: its device
 *
 * Sets re_max_fr_depth (pages per MR) and re_max_rdma_segs: the segments
 * one chunk needs to cover the largest payload plus a head and a tail
 * piece, which are not page-contiguous with it, but never more than our
 * transport header has room for.  A device with a shallow fast-reg depth
 * then covers less than 1 MiB: frwr_max_payload() says how much.
 *
 * Context: process context.
 *
 * Return: 0, or -EOPNOTSUPP when the device cannot do FRWR.
 */
int frwr_query_device(struct rpcrdma_ep *ep, const struct ib_device *device)
{
	const struct ib_device_attr *attrs = &device->attrs;
	unsigned int segs;

	if (!(attrs->device_cap_flags & IB_DEVICE_MEM_MGT_EXTENSIONS) ||
	    !attrs->max_fast_reg_page_list_len)
		return -EOPNOTSUPP;
	ep->re_max_fr_depth = min_t(unsigned int, RPCRDMA_MAX_DATA_SEGS,
				    attrs->max_fast_reg_page_list_len);
	segs = DIV_ROUND_UP(RPCRDMA_MAX_DATA_SEGS, ep->re_max_fr_depth) + 2;
	ep->re_max_rdma_segs = min_t(unsigned int, segs,
				     RPCRDMA_MAX_CHUNK_SEGS);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(frwr_query_device);

/**
 * frwr_max_payload - the largest RPC payload a connection can register
 * @ep: connection sized by frwr_query_device()
 *
 * A chunk's segments less the head and tail pieces, each mapping
 * re_max_fr_depth pages, must hold the payload and the two pages a
 * misaligned payload straddles (RPCRDMA_MAX_DATA_SEGS).
 *
 * Context: any.
 *
 * Return: bytes, at most 1 MiB.
 */
unsigned int frwr_max_payload(const struct rpcrdma_ep *ep)
{
	unsigned int pages = (ep->re_max_rdma_segs - 2) * ep->re_max_fr_depth;

	pages = min_t(unsigned int, pages, RPCRDMA_MAX_DATA_SEGS);
	return (pages - 2) << PAGE_SHIFT;
}
EXPORT_SYMBOL_IF_KUNIT(frwr_max_payload);

/**
 * frwr_mr_init - create an MR in the current connection's PD
 * @r_xprt: the transport, with rx_ep set up to its PD
 * @mr: zeroed MR to initialise
 *
 * Context: process context, may sleep.
 *
 * Return: 0 or -errno; on error nothing is left to release.
 */
int frwr_mr_init(struct rpcrdma_xprt *r_xprt, struct rpcrdma_mr *mr)
{
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	unsigned int depth = ep->re_max_fr_depth;
	struct ib_mr *ibmr;

	ibmr = ib_alloc_mr(ep->re_pd, IB_MR_TYPE_MEM_REG, depth);
	if (IS_ERR(ibmr))
		return PTR_ERR(ibmr);
	mr->mr_sg = kcalloc(depth, sizeof(*mr->mr_sg), GFP_KERNEL);
	if (!mr->mr_sg) {
		ib_dereg_mr(ibmr);
		return -ENOMEM;
	}
	sg_init_table(mr->mr_sg, depth);
	mr->mr_ibmr = ibmr;
	mr->mr_xprt = r_xprt;
	INIT_LIST_HEAD(&mr->mr_list);
	init_completion(&mr->mr_done);
	return 0;
}

/**
 * frwr_mr_unmap - DMA-unmap an MR's pages
 * @mr: the MR; no longer registered, or its QP is dead
 *
 * Idempotent.
 *
 * Context: any.
 */
void frwr_mr_unmap(struct rpcrdma_mr *mr)
{
	if (mr->mr_nents) {
		trace_xprtrdma_mr_unmap(mr);
		ib_dma_unmap_sg(mr->mr_ibmr->device, mr->mr_sg, mr->mr_nents,
				mr->mr_dir);
	}
	mr->mr_nents = 0;
	mr->mr_posted = false;
}

/**
 * frwr_mr_release - destroy an MR
 * @mr: the MR, on no list but rb_all_mrs' removal
 *
 * Precondition: its QP is drained.
 *
 * Context: process context.
 */
void frwr_mr_release(struct rpcrdma_mr *mr)
{
	frwr_mr_unmap(mr);
	ib_dereg_mr(mr->mr_ibmr);
	kfree(mr->mr_sg);
}

/* Two pieces share one MR only if they meet on a page boundary. */
static bool frwr_segs_contiguous(const struct rpcrdma_mr_seg *prev,
				 const struct rpcrdma_mr_seg *next)
{
	return next->ms_offset == 0 &&
	       offset_in_page(prev->ms_offset + prev->ms_len) == 0;
}

/*
 * The error path the MR completion handlers share.  A flush only reports
 * a QP already going down; any other error has just broken the QP, and
 * with nothing else to notice (the WRs behind it merely flush), SUNRPC
 * would wait for an RPC to time out: have it replace the connection now.
 */
static void frwr_wc_error(const struct rpcrdma_mr *mr, const struct ib_wc *wc)
{
	if (wc->status != IB_WC_SUCCESS && wc->status != IB_WC_WR_FLUSH_ERR)
		rpcrdma_force_disconnect(mr->mr_xprt);
}

static void frwr_wc_fastreg(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rpcrdma_mr *mr = container_of(wc->wr_cqe, struct rpcrdma_mr,
					     mr_cqe);

	/* REG_MR is unsignaled: we are here only for an error */
	trace_xprtrdma_wc_fastreg(&mr->mr_cid, wc);
	mr->mr_xprt->rx_stats.send_errors++;
	frwr_wc_error(mr, wc);
}

/**
 * frwr_map - register pieces of an xdr_buf for a chunk
 * @r_xprt: the transport
 * @seg: first piece to map
 * @nsegs: pieces left from @seg
 * @writing: the server will write (Write or Reply chunk), else read
 * @xid: the RPC's XID, for tracing
 * @mr: a free MR from rpcrdma_mr_get()
 *
 * Maps up to re_max_fr_depth page-contiguous pieces and builds the
 * REG_MR WR that frwr_send() posts.  The caller puts @mr on its req's
 * rl_registered list before calling: from then on, success or not, the
 * req's send or free path releases it.
 *
 * Context: any, never sleeps.
 *
 * Return: the first piece not mapped, or ERR_PTR(-EIO).  On success @mr's
 * mr_handle, mr_length and mr_offset describe the RDMA segment.
 */
struct rpcrdma_mr_seg *frwr_map(struct rpcrdma_xprt *r_xprt,
				struct rpcrdma_mr_seg *seg, int nsegs,
				bool writing, __be32 xid,
				struct rpcrdma_mr *mr)
{
	int depth = r_xprt->rx_ep->re_max_fr_depth;
	struct ib_mr *ibmr = mr->mr_ibmr;
	int i, dma_nents, n;

	nsegs = min(nsegs, depth);
	/* Clears the end mark a previous, shorter mapping left */
	sg_init_table(mr->mr_sg, nsegs);
	for (i = 0; i < nsegs; i++) {
		sg_set_page(&mr->mr_sg[i], seg[i].ms_page, seg[i].ms_len,
			    seg[i].ms_offset);
		if (i + 1 < nsegs &&
		    !frwr_segs_contiguous(&seg[i], &seg[i + 1])) {
			i++;
			break;
		}
	}
	sg_mark_end(&mr->mr_sg[i - 1]);

	mr->mr_dir = writing ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
	dma_nents = ib_dma_map_sg(ibmr->device, mr->mr_sg, i, mr->mr_dir);
	if (!dma_nents)
		goto out_err;
	mr->mr_nents = i;
	n = ib_map_mr_sg(ibmr, mr->mr_sg, dma_nents, NULL, PAGE_SIZE);
	if (n != dma_nents)
		goto out_unmap;

	ib_update_fast_reg_key(ibmr, ib_inc_rkey(ibmr->rkey));
	mr->mr_cqe.done = frwr_wc_fastreg;
	mr->mr_regwr.wr.next = NULL;
	mr->mr_regwr.wr.wr_cqe = &mr->mr_cqe;
	mr->mr_regwr.wr.num_sge = 0;
	mr->mr_regwr.wr.opcode = IB_WR_REG_MR;
	mr->mr_regwr.wr.send_flags = 0;
	mr->mr_regwr.mr = ibmr;
	mr->mr_regwr.key = ibmr->rkey;
	mr->mr_regwr.access = writing ?
		IB_ACCESS_REMOTE_WRITE | IB_ACCESS_LOCAL_WRITE :
		IB_ACCESS_REMOTE_READ;

	mr->mr_handle = ibmr->rkey;
	mr->mr_length = ibmr->length;
	mr->mr_offset = ibmr->iova;
	r_xprt->rx_stats.total_rdma_request += mr->mr_length;
	trace_xprtrdma_mr_map(mr, xid);
	return seg + i;

out_unmap:
	trace_xprtrdma_frwr_maperr(mr, xid);
	frwr_mr_unmap(mr);
	return ERR_PTR(-EIO);
out_err:
	trace_xprtrdma_frwr_sgerr(mr, xid);
	return ERR_PTR(-EIO);
}

/*
 * Will another Send surely be posted after @rqst's?  It is at the head of
 * the transmit queue (xprt_transmit() sends from there) with another
 * request queued behind it, which the transmitting task sends next or
 * leaves to its own task; and that one's req is not waiting for a reap
 * itself (it could be waiting for this very Send's).  Caller holds
 * queue_lock.
 */
static bool frwr_send_follows(struct rpc_xprt *xprt, struct rpc_rqst *rqst)
{
	struct list_head *q = &xprt->xmit_queue;
	struct rpc_rqst *next;

	if (q->next != &rqst->rq_xmit)
		return false;
	if (q->prev != &rqst->rq_xmit)
		next = list_next_entry(rqst, rq_xmit);
	else if (!list_empty(&rqst->rq_xmit2))
		next = list_first_entry(&rqst->rq_xmit2, struct rpc_rqst,
					rq_xmit2);
	else
		return false;
	return !test_bit(RPCRDMA_REQ_SEND_BUSY,
			 &rpcr_to_rdmar(next)->rl_flags);
}

/*
 * Signal this Send, or leave its completion to a later one?  A Send goes
 * unsignalled only when another is sure to follow, never more than
 * RPCRDMA_SEND_BATCH - 1 in a row, and never when it fills the send
 * queue's last two places (so a sender waiting for room always has a
 * signalled Send ahead to reap it), so an unsignalled Send is reaped soon
 * by the next signalled one (rb_sendq).  A reverse Reply is always
 * signalled: its req is reused by the next reverse Call.  Caller holds
 * queue_lock and the transport's write lock.
 */
VISIBLE_IF_KUNIT void frwr_send_flags(struct rpcrdma_xprt *r_xprt,
				      struct rpcrdma_ep *ep,
				      struct rpcrdma_req *req)
{
	if (ep->re_send_countdown > 1 && !bc_prealloc(&req->rl_slot) &&
	    r_xprt->rx_buf.rb_sends_posted + 2 < RPCRDMA_MAX_SENDS(ep) &&
	    frwr_send_follows(&r_xprt->rx_xprt, &req->rl_slot)) {
		ep->re_send_countdown--;
		req->rl_wr.send_flags = 0;
		r_xprt->rx_stats.sends_unsignalled++;
		return;
	}
	ep->re_send_countdown = RPCRDMA_SEND_BATCH;
	req->rl_wr.send_flags = IB_SEND_SIGNALED;
}
EXPORT_SYMBOL_IF_KUNIT(frwr_send_flags);

/**
 * frwr_send - post a req's REG_MRs and its Send in one chain
 * @r_xprt: the transport, connected
 * @req: the marshalled req; rl_wr and rl_sge[] are ready and
 *	rl_sge[0].length bytes of rl_sendbuf are written
 *
 * Context: the caller holds the transport's write lock; takes
 * queue_lock; never sleeps.
 *
 * Return: 0, or -ENOTCONN when the post failed (the QP is unusable and a
 * disconnect has been requested).
 */
int frwr_send(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	struct ib_send_wr *post_wr = &req->rl_wr;
	unsigned int wrs = 1;
	struct rpcrdma_mr *mr;
	int rc;

	if (!ep || !ep->re_id->qp)
		return -ENOTCONN;
	ib_dma_sync_single_for_device(req->rl_sendbuf.rg_device,
				      req->rl_sendbuf.rg_sge.addr,
				      req->rl_sge[0].length, DMA_TO_DEVICE);
	req->rl_wr.next = NULL;
	req->rl_cid.ci_queue_id = ep->re_attr.send_cq->res.id;
	req->rl_cid.ci_completion_id =
		atomic_inc_return(&r_xprt->rx_completion_ids);

	list_for_each_entry(mr, &req->rl_registered, mr_list) {
		if (mr->mr_posted || !mr->mr_nents)
			continue;
		mr->mr_req = req;
		mr->mr_posted = true;
		mr->mr_cid.ci_queue_id = req->rl_cid.ci_queue_id;
		mr->mr_cid.ci_completion_id =
			atomic_inc_return(&r_xprt->rx_completion_ids);
		mr->mr_regwr.wr.next = post_wr;
		post_wr = &mr->mr_regwr.wr;
		trace_xprtrdma_mr_fastreg(mr, req->rl_slot.rq_xid);
		wrs++;
	}

	/* rl_registered and rl_chunks are final, and a reply may take
	 * them once RPCRDMA_REQ_SENT is set.  queue_lock, which
	 * rpcrdma_reply_handler() tests the bit under, spans the post: no
	 * reply's LOCAL_INVs can be queued ahead of our REG_MRs.
	 */
	set_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags);
	spin_lock(&r_xprt->rx_xprt.queue_lock);
	frwr_send_flags(r_xprt, ep, req);
	spin_lock(&buf->rb_sendq_lock);
	list_add_tail(&req->rl_sendq, &buf->rb_sendq);
	WRITE_ONCE(buf->rb_sends_posted, buf->rb_sends_posted + 1);
	spin_unlock(&buf->rb_sendq_lock);
	rc = ib_post_send(ep->re_id->qp, post_wr, NULL);
	if (!rc)
		set_bit(RPCRDMA_REQ_SENT, &req->rl_flags);
	spin_unlock(&r_xprt->rx_xprt.queue_lock);
	if (!rc)
		trace_xprtrdma_post_send(req, wrs);
	if (rc) {
		/* Not posted, so no completion will take it off */
		spin_lock(&buf->rb_sendq_lock);
		list_del_init(&req->rl_sendq);
		WRITE_ONCE(buf->rb_sends_posted, buf->rb_sends_posted - 1);
		spin_unlock(&buf->rb_sendq_lock);
		clear_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags);
		r_xprt->rx_stats.post_send_errors++;
		trace_xprtrdma_post_send_err(r_xprt, rc);
		rpcrdma_force_disconnect(r_xprt);
		return -ENOTCONN;
	}
	return 0;
}

/* Take @mr off its req's list, DMA-unmap it, and return it to the pool */
static void frwr_mr_recycle(struct rpcrdma_mr *mr)
{
	list_del_init(&mr->mr_list);
	frwr_mr_unmap(mr);
	rpcrdma_mr_put(mr);
}

/**
 * frwr_release_all - return every MR on a list to the pool
 * @mrs: a req's rl_registered, or MRs taken from one
 *
 * Precondition: no MR on @mrs is still registered: each was invalidated,
 * or its QP is drained.
 *
 * Context: any, never sleeps.
 */
void frwr_release_all(struct list_head *mrs)
{
	struct rpcrdma_mr *mr;

	while ((mr = list_first_entry_or_null(mrs, struct rpcrdma_mr,
					      mr_list)))
		frwr_mr_recycle(mr);
}

/**
 * frwr_reset - release a req's MRs that were never posted
 * @req: the req, owned by the caller
 *
 * For a marshal that failed or is about to be redone.
 *
 * Context: any, never sleeps.
 */
void frwr_reset(struct rpcrdma_req *req)
{
	struct rpcrdma_mr *mr, *next;

	list_for_each_entry_safe(mr, next, &req->rl_registered, mr_list)
		if (!mr->mr_posted)
			frwr_mr_recycle(mr);
}

/**
 * frwr_reminv - honour the server's Remote Invalidation
 * @rep: the reply, received With Invalidate or not
 * @mrs: the matched req's rl_registered list
 *
 * The rkey the server invalidated is released only if it is one we
 * offered for this RPC; anything else is counted and ignored, and the
 * req's MRs stay registered for LOCAL_INV.
 *
 * Context: Receive completion (rpc_rdma.c), owns @rep and the req.
 */
void frwr_reminv(struct rpcrdma_rep *rep, struct list_head *mrs)
{
	struct rpcrdma_mr *mr;

	if (!(rep->rr_wc_flags & IB_WC_WITH_INVALIDATE))
		return;
	list_for_each_entry(mr, mrs, mr_list) {
		if (mr->mr_posted && mr->mr_handle == rep->rr_inv_rkey) {
			trace_xprtrdma_mr_reminv(mr, mr->mr_req->rl_slot.rq_xid);
			frwr_mr_recycle(mr);
			return;
		}
	}
	rep->rr_rxprt->rx_stats.remote_inv_rejected++;
	trace_xprtrdma_reminv_rejected(rep->rr_rxprt, rep->rr_inv_rkey);
}

static void frwr_wc_localinv(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rpcrdma_mr *mr = container_of(wc->wr_cqe, struct rpcrdma_mr,
					     mr_cqe);

	/* Unsignaled: only an error brings us here */
	trace_xprtrdma_wc_li(&mr->mr_cid, wc);
	mr->mr_xprt->rx_stats.mrs_recycled++;
	frwr_wc_error(mr, wc);
}

static void frwr_wc_localinv_wake(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rpcrdma_mr *mr = container_of(wc->wr_cqe, struct rpcrdma_mr,
					     mr_cqe);

	trace_xprtrdma_wc_li_wake(&mr->mr_cid, wc);
	if (wc->status != IB_WC_SUCCESS)
		mr->mr_xprt->rx_stats.mrs_recycled++;
	frwr_wc_error(mr, wc);
	complete(&mr->mr_done);
}

static void frwr_wc_localinv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rpcrdma_mr *mr = container_of(wc->wr_cqe, struct rpcrdma_mr,
					     mr_cqe);
	struct rpcrdma_req *req = mr->mr_req;

	trace_xprtrdma_wc_li_done(&mr->mr_cid, wc);
	if (wc->status != IB_WC_SUCCESS)
		mr->mr_xprt->rx_stats.mrs_recycled++;
	frwr_wc_error(mr, wc);
	frwr_release_all(&req->rl_registered);
	rpcrdma_complete_rqst(req->rl_reply);
}

/*
 * The one LOCAL_INV chain builder: MRs never posted are released at once;
 * for the rest a chain of LOCAL_INVs in which only the last is signaled
 * (its completion implies all before it) and calls @last_done.
 */
static struct ib_send_wr *frwr_chain_localinv(struct rpcrdma_xprt *r_xprt,
					      struct rpcrdma_req *req,
					      void (*last_done)(struct ib_cq *cq,
								struct ib_wc *wc),
					      struct rpcrdma_mr **last)
{
	struct ib_send_wr *first = NULL, **prev = &first;
	struct rpcrdma_mr *mr, *next;

	*last = NULL;
	list_for_each_entry_safe(mr, next, &req->rl_registered, mr_list) {
		if (!mr->mr_posted) {
			frwr_mr_recycle(mr);
			continue;
		}
		/* mr_cqe now answers for the LOCAL_INV.  A REG_MR of this
		 * MR still queued (frwr_unmap_sync() of an RPC never sent)
		 * completes only by flushing, on a QP in the Error state
		 * with no remote access left, so the early wake it gives
		 * is safe.  frwr_unmap_async() never meets one: the reply
		 * proves the Send, so every REG_MR before it, executed.
		 */
		mr->mr_req = req;
		mr->mr_cqe.done = frwr_wc_localinv;
		mr->mr_invwr.next = NULL;
		mr->mr_invwr.wr_cqe = &mr->mr_cqe;
		mr->mr_invwr.num_sge = 0;
		mr->mr_invwr.opcode = IB_WR_LOCAL_INV;
		mr->mr_invwr.send_flags = 0;
		mr->mr_invwr.ex.invalidate_rkey = mr->mr_handle;
		*prev = &mr->mr_invwr;
		prev = &mr->mr_invwr.next;
		*last = mr;
		trace_xprtrdma_mr_localinv(mr, req->rl_slot.rq_xid);
		r_xprt->rx_stats.local_inv_needed++;
	}
	if (*last) {
		(*last)->mr_invwr.send_flags = IB_SEND_SIGNALED;
		(*last)->mr_cqe.done = last_done;
		reinit_completion(&(*last)->mr_done);
	}
	return first;
}

/*
 * A LOCAL_INV chain was not (wholly) posted, so on a QP that is still
 * alive (a full Send Queue, say) some of its MRs stay valid and the
 * server could still reach memory we are about to release.  Moving the
 * QP to the Error state ends every remote access at once and flushes
 * what is queued; the connection is then replaced.  May sleep in the
 * provider: the callers run in process context (a CQ workqueue or
 * xprt_rdma_free()).
 */
static void frwr_linv_failed(struct rpcrdma_xprt *r_xprt,
			     struct rpcrdma_ep *ep, int rc)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };

	r_xprt->rx_stats.post_send_errors++;
	trace_xprtrdma_post_linv_err(r_xprt, rc);
	if (ep && ep->re_id->qp)
		ib_modify_qp(ep->re_id->qp, &attr, IB_QP_STATE);
	rpcrdma_force_disconnect(r_xprt);
}

/**
 * frwr_unmap_async - invalidate a replied RPC's MRs, then complete it
 * @r_xprt: the transport
 * @req: the req, with rl_reply set; owned by the caller until the RPC
 *	completes
 *
 * Posts one LOCAL_INV chain; the last completion releases the MRs and
 * calls rpcrdma_complete_rqst(req->rl_reply).  With nothing to invalidate,
 * or when the chain cannot be posted (the QP is then fenced), the RPC
 * completes before this returns.
 *
 * Context: Receive completion handler (CQ workqueue); never sleeps
 * unless the chain cannot be posted.
 */
void frwr_unmap_async(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req)
{
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	struct ib_send_wr *first;
	struct rpcrdma_mr *last;
	int rc = -ENOTCONN;

	first = frwr_chain_localinv(r_xprt, req, frwr_wc_localinv_done, &last);
	if (!first)
		goto out_complete;
	if (ep && ep->re_id->qp)
		rc = ib_post_send(ep->re_id->qp, first, NULL);
	if (!rc)
		return;
	frwr_linv_failed(r_xprt, ep, rc);
	frwr_release_all(&req->rl_registered);
out_complete:
	rpcrdma_complete_rqst(req->rl_reply);
}

/*
 * A chain queued behind a stalled Send would never complete: after
 * RPCRDMA_STALL_TIMEOUT close the connection, whose teardown moves the
 * QP to Error (flushing the chain) before it waits for rb_mr_sem.
 */
static void frwr_wait_localinv(struct rpcrdma_xprt *r_xprt,
			       struct rpcrdma_req *req, struct rpcrdma_mr *last)
{
	if (wait_for_completion_timeout(&last->mr_done, RPCRDMA_STALL_TIMEOUT))
		return;
	r_xprt->rx_stats.sends_stalled++;
	trace_xprtrdma_send_stalled(&req->rl_slot, -ETIMEDOUT);
	rpcrdma_force_disconnect(r_xprt);
	wait_for_completion(&last->mr_done);
}

/**
 * frwr_unmap_sync - invalidate an abandoned RPC's MRs and wait
 * @r_xprt: the transport
 * @req: the req being freed (timeout, signal, or a reply that never
 *	came); owned by the caller
 *
 * Context: process context, sleeps until the LOCAL_INVs complete.
 * Holds rb_mr_sem for read, so the connection cannot be torn down
 * under the chain.
 */
void frwr_unmap_sync(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_ep *ep;
	struct ib_send_wr *first;
	struct rpcrdma_mr *last;
	int rc = -ENOTCONN;

	if (list_empty(&req->rl_registered))
		return;
	down_read(&buf->rb_mr_sem);
	ep = r_xprt->rx_ep;
	first = frwr_chain_localinv(r_xprt, req, frwr_wc_localinv_wake, &last);
	if (first && ep && ep->re_id->qp)
		rc = ib_post_send(ep->re_id->qp, first, NULL);
	if (first && !rc)
		frwr_wait_localinv(r_xprt, req, last);
	else if (first)
		frwr_linv_failed(r_xprt, ep, rc);
	frwr_release_all(&req->rl_registered);
	up_read(&buf->rb_mr_sem);
}
