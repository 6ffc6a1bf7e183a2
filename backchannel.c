// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reverse direction of RPC-over-RDMA (RFC 8167): the server's
 * Calls to the NFSv4.1 callback service, carried on our connection.
 *
 * A reverse Call arrives in one of the connection's Receives, which
 * both directions share: RPCRDMA_BC_SLOTS Receives are kept posted
 * beyond the forward credits (verbs.c), and bc_num_slots caps the
 * session's back channel at the same number, so a server that keeps to
 * its session never finds no Receive posted.  The Call is copied out
 * of the Receive into one of RPCRDMA_BC_SLOTS backchannel reqs, made
 * with the forward ones (rb_bc_free: the ownership rule is there), and
 * queued to the callback service; its Reply goes back inline, with a
 * transport header of its own, from the same req's Send buffer.
 *
 * A reverse Call we cannot take (no back channel set up, every slot
 * busy, chunks, too long or too short) is dropped, counted in
 * bc_calls_dropped and traced with its reason; the server retries or
 * marks the callback path down, and the Receive is reposted as usual.
 */

#include <kunit/visibility.h>
#include <linux/sunrpc/bc_xprt.h>
#include <linux/sunrpc/svc.h>

#if !IS_ENABLED(CONFIG_SUNRPC_BACKCHANNEL)
#error "xprtrdma needs CONFIG_SUNRPC_BACKCHANNEL (selected by CONFIG_NFS_V4_1)"
#endif

#include "xprt_rdma.h"
#include "trace.h"

/**
 * xprt_rdma_bc_setup - a back channel is set up on this transport
 * @xprt: the transport
 * @min_reqs: reverse Calls the caller wants to be able to take at once
 *
 * The backchannel reqs exist for the life of the transport; this only
 * opens the transport to reverse Calls, counting @min_reqs in
 * rb_bc_users.
 *
 * Context: process context.
 *
 * Return: 0, or -EINVAL if @min_reqs is more than we have slots.
 */
int xprt_rdma_bc_setup(struct rpc_xprt *xprt, unsigned int min_reqs)
{
	struct rpcrdma_buffer *buf = &rpcx_to_rdmax(xprt)->rx_buf;

	if (min_reqs > RPCRDMA_BC_SLOTS)
		return -EINVAL;
	spin_lock(&buf->rb_lock);
	buf->rb_bc_users += min_reqs;
	spin_unlock(&buf->rb_lock);
	trace_xprtrdma_cb_setup(rpcx_to_rdmax(xprt), min_reqs);
	return 0;
}

/**
 * xprt_rdma_bc_destroy - a back channel on this transport is torn down
 * @xprt: the transport
 * @max_reqs: the @min_reqs of the matching xprt_rdma_bc_setup(), or
 *	UINT_MAX when the transport itself is destroyed (xprt_destroy_cb())
 *
 * Once none is left, no reverse Call is queued any more.  SUNRPC also
 * calls this for transports that never had one set up.
 *
 * Context: process context.
 */
void xprt_rdma_bc_destroy(struct rpc_xprt *xprt, unsigned int max_reqs)
{
	struct rpcrdma_buffer *buf = &rpcx_to_rdmax(xprt)->rx_buf;

	spin_lock(&buf->rb_lock);
	buf->rb_bc_users -= min(max_reqs, buf->rb_bc_users);
	spin_unlock(&buf->rb_lock);
}

/**
 * xprt_rdma_bc_maxpayload - the largest reverse Call or Reply we carry
 * @xprt: the transport
 *
 * Both travel inline only, so what fits beside a chunkless transport
 * header in the smallest inline size any peer may have (RFC 8166
 * §3.3.3): a session made now must stay valid across reconnects, which
 * may negotiate smaller sizes.  It bounds what the server sends us and
 * what the callback service answers.
 *
 * Context: any (SUNRPC calls it under rcu_read_lock()).
 *
 * Return: bytes of RPC message.
 */
size_t xprt_rdma_bc_maxpayload(struct rpc_xprt *xprt)
{
	return RPCRDMA_MIN_INLINE - RPCRDMA_HDRLEN_MIN;
}

/**
 * xprt_rdma_bc_num_slots - how many reverse Calls we take at once
 * @xprt: the transport
 *
 * Context: any.
 *
 * Return: RPCRDMA_BC_SLOTS.
 */
unsigned int xprt_rdma_bc_num_slots(struct rpc_xprt *xprt)
{
	return RPCRDMA_BC_SLOTS;
}

/* Set up @req's rqst to hand the reverse Call in its rl_rcvbuf to SUNRPC */
static void rpcrdma_bc_init_rqst(struct rpcrdma_xprt *r_xprt,
				 struct rpcrdma_req *req, __be32 xid,
				 unsigned int len)
{
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	struct rpc_rqst *rqst = &req->rl_slot;
	struct xdr_buf *buf;

	memset(rqst, 0, sizeof(*rqst));
	rqst->rq_xprt = xprt;
	rqst->rq_xid = xid;
	rqst->rq_connect_cookie = xprt->connect_cookie;

	/* The Call: bc_svc_process() (svc_process_bc() on 6.12) reads
	 * rq_rcv_buf up to rq_private_buf.len
	 */
	buf = &rqst->rq_rcv_buf;
	buf->head[0].iov_base = req->rl_rcvbuf;
	buf->head[0].iov_len = len;
	buf->buflen = len;
	buf->len = len;
	rqst->rq_private_buf = *buf;

	/* Room for the Reply: the callback service encodes into the head */
	buf = &rqst->rq_snd_buf;
	buf->head[0].iov_base = req->rl_callbuf;
	buf->head[0].iov_len = req->rl_bufsize;
	buf->buflen = req->rl_bufsize;

	/* Marks a backchannel rqst: xprt_release() frees it through
	 * bc_free_rqst, and xprt_rdma_send_request() sends a Reply
	 */
	set_bit(RPC_BC_PA_IN_USE, &rqst->rq_bc_pa_state);
}

/*
 * Hand @rqst to the callback service.  The transport reference taken
 * here is SUNRPC's, dropped by xprt_rdma_bc_free_rqst().  The service
 * counts each Call it processes off bc_slot_count, so each queued Call
 * is counted on first.
 * Context: rb_lock held, so the back channel cannot be torn down now.
 */
static void rpcrdma_bc_enqueue(struct svc_serv *serv, struct rpc_rqst *rqst)
{
	xprt_get(rqst->rq_xprt);
	atomic_inc(&rqst->rq_xprt->bc_slot_count);
	rpcrdma_svc_queue_bc_call(serv, rqst);
}

/* Take a backchannel req for a Call and queue it, or say why not */
static enum rpcrdma_bc_fault rpcrdma_bc_take(struct rpcrdma_xprt *r_xprt,
					     const u8 *call, unsigned int len)
{
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_req *req;
	struct svc_serv *serv;

	spin_lock(&buf->rb_lock);
	req = list_first_entry_or_null(&buf->rb_bc_free, struct rpcrdma_req,
				       rl_list);
	if (req)
		list_del_init(&req->rl_list);
	spin_unlock(&buf->rb_lock);
	if (!req)
		return RPCRDMA_BC_NO_SLOT;

	memcpy(req->rl_rcvbuf, call, len);
	rpcrdma_bc_init_rqst(r_xprt, req, *(__be32 *)call, len);

	spin_lock(&buf->rb_lock);
	serv = READ_ONCE(r_xprt->rx_xprt.bc_serv);
	if (!buf->rb_bc_users || !serv) {
		clear_bit(RPC_BC_PA_IN_USE, &req->rl_slot.rq_bc_pa_state);
		list_add(&req->rl_list, &buf->rb_bc_free);
		spin_unlock(&buf->rb_lock);
		return RPCRDMA_BC_NOT_UP;
	}
	trace_xprtrdma_cb_call(&req->rl_slot);
	rpcrdma_bc_enqueue(serv, &req->rl_slot);
	spin_unlock(&buf->rb_lock);
	return RPCRDMA_BC_OK;
}

/**
 * rpcrdma_bc_receive_call - take a reverse-direction Call
 * @r_xprt: the transport it arrived on
 * @rep: the Receive holding it
 * @offset: where the RPC Call starts in @rep (rpcrdma_bc_call_offset())
 * @chunked: its transport header carries chunks
 *
 * The Call is copied into a free backchannel req and queued to the
 * callback service, or dropped and counted.  The forward credit grant
 * is not touched: rdma_credit in a reverse Call is the server's own.
 *
 * Context: Receive completion; never sleeps or allocates.  Owns @rep,
 * which it returns to the pool.
 */
void rpcrdma_bc_receive_call(struct rpcrdma_xprt *r_xprt,
			     struct rpcrdma_rep *rep, unsigned int offset,
			     bool chunked)
{
	const u8 *call = (u8 *)rep->rr_rdmabuf.rg_base + offset;
	unsigned int len = rep->rr_len - offset;
	enum rpcrdma_bc_fault fault;
	u32 proc = 0;

	if (chunked)
		fault = RPCRDMA_BC_CHUNKED;
	else if (len < RPCRDMA_MIN_RPC_CALL)
		fault = RPCRDMA_BC_SHORT;
	else if (len > xprt_rdma_bc_maxpayload(&r_xprt->rx_xprt))
		fault = RPCRDMA_BC_TOO_BIG;
	else
		fault = rpcrdma_bc_take(r_xprt, call, len);

	if (fault) {
		r_xprt->rx_stats.bc_calls_dropped++;
		trace_xprtrdma_cb_call_err(rep, offset, fault);
	} else {
		/* xid, msg_type, rpcvers, prog, vers, then proc */
		proc = be32_to_cpup((__be32 *)call + 5);
		if (proc)
			r_xprt->rx_stats.bc_compound_calls++;
		else
			r_xprt->rx_stats.bc_null_calls++;
	}
	rpcrdma_rep_put(&r_xprt->rx_buf, rep);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_bc_receive_call);

/**
 * rpcrdma_bc_send_reply - Send the Reply to a reverse Call
 * @rqst: the backchannel rqst, its Reply encoded in rq_snd_buf
 *
 * Context: the sending task holds the transport's write lock; never
 * sleeps or allocates.  Takes no congestion window slot: the Reply
 * uses one of the Receives the server keeps for reverse Replies.
 *
 * Return: 0; -ENOTCONN (the Reply is dropped; the server sends the Call
 * again on a new connection); -ENOBUFS (the req's previous Send is still
 * in flight: try again); -EMSGSIZE (too long to send inline: dropped).
 */
int rpcrdma_bc_send_reply(struct rpc_rqst *rqst)
{
	struct rpc_xprt *xprt = rqst->rq_xprt;
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);
	int rc;

	if (!xprt_connected(xprt) || !r_xprt->rx_ep)
		return -ENOTCONN;
	if (test_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags)) {
		r_xprt->rx_stats.empty_sendctx_q++;
		return -ENOBUFS;
	}
	rc = rpcrdma_marshal_bc_reply(r_xprt, rqst);
	if (rc) {
		r_xprt->rx_stats.bc_reply_errors++;
		trace_xprtrdma_cb_reply_err(rqst, rc);
		return rc;
	}
	rpcrdma_post_recvs(r_xprt);
	rc = frwr_send(r_xprt, req);
	if (rc) {
		r_xprt->rx_stats.bc_reply_errors++;
		trace_xprtrdma_cb_reply_err(rqst, rc);
		return rc;
	}
	r_xprt->rx_stats.bc_replies++;
	trace_xprtrdma_cb_reply(rqst, 0);
	rqst->rq_xmit_bytes_sent += rqst->rq_snd_buf.len;
	return 0;
}

/**
 * xprt_rdma_bc_free_rqst - a reverse Call is done with
 * @rqst: its backchannel rqst, after the Reply was sent or the Call
 *	dropped by the callback service
 *
 * The req goes back to rb_bc_free.  A Send of its previous Reply that
 * is still in flight keeps RPCRDMA_REQ_SEND_BUSY set, and the next
 * Reply from it waits for that (rpcrdma_bc_send_reply()); the Call is
 * copied in only after the req is taken again, into a buffer no Send
 * reads.
 *
 * Context: process context.  Drops the transport reference
 * rpcrdma_bc_enqueue() took.
 */
void xprt_rdma_bc_free_rqst(struct rpc_rqst *rqst)
{
	struct rpc_xprt *xprt = rqst->rq_xprt;
	struct rpcrdma_buffer *buf = &rpcx_to_rdmax(xprt)->rx_buf;
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);

	clear_bit(RPC_BC_PA_IN_USE, &rqst->rq_bc_pa_state);
	spin_lock(&buf->rb_lock);
	list_add(&req->rl_list, &buf->rb_bc_free);
	spin_unlock(&buf->rb_lock);
	xprt_put(xprt);
}
