/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the RPC-over-RDMA version 1 client transport.
 * CREATE_TRACE_POINTS is defined in transport.c only.
 *
 * The system is "rpcrdma", as for the in-tree client, and an event that
 * means what one of the in-tree client's means has its name, so that
 * `trace-cmd record -e rpcrdma` and scripts written for that module see
 * ours.  The two modules never run together: SUNRPC has one RDMA
 * transport class, and whichever loads second fails to register it
 * (Documentation/tracing.rst says what tracefs does meanwhile).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM rpcrdma

#if !defined(_XPRTRDMA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XPRTRDMA_TRACE_H

#include <linux/tracepoint.h>
#include <linux/sunrpc/rpc_rdma_cid.h>
#include <rdma/ib_verbs.h>

#include "xprt_rdma.h"

/* ---- completions: one event per WR type, keyed by completion ID ---- */

DECLARE_EVENT_CLASS(xprtrdma_completion_class,
	TP_PROTO(const struct rpc_rdma_cid *cid, const struct ib_wc *wc),
	TP_ARGS(cid, wc),
	TP_STRUCT__entry(
		__field(u32, cq_id)
		__field(int, completion_id)
		__field(unsigned int, status)
		__field(unsigned int, vendor_err)
	),
	TP_fast_assign(
		__entry->cq_id = cid->ci_queue_id;
		__entry->completion_id = cid->ci_completion_id;
		__entry->status = wc->status;
		__entry->vendor_err = wc->status ? wc->vendor_err : 0;
	),
	TP_printk("cq.id=%u cid=%d status=%u vendor_err=0x%x",
		  __entry->cq_id, __entry->completion_id,
		  __entry->status, __entry->vendor_err)
);

#define DEFINE_XPRTRDMA_COMPLETION_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_completion_class, name,			\
		TP_PROTO(const struct rpc_rdma_cid *cid,		\
			 const struct ib_wc *wc),			\
		TP_ARGS(cid, wc))

DEFINE_XPRTRDMA_COMPLETION_EVENT(xprtrdma_wc_send);
DEFINE_XPRTRDMA_COMPLETION_EVENT(xprtrdma_wc_receive);
DEFINE_XPRTRDMA_COMPLETION_EVENT(xprtrdma_wc_fastreg);
DEFINE_XPRTRDMA_COMPLETION_EVENT(xprtrdma_wc_li);
DEFINE_XPRTRDMA_COMPLETION_EVENT(xprtrdma_wc_li_wake);
DEFINE_XPRTRDMA_COMPLETION_EVENT(xprtrdma_wc_li_done);

/* ---- transport-wide events with a status ---- */

DECLARE_EVENT_CLASS(xprtrdma_xprt_status_class,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, int status),
	TP_ARGS(r_xprt, status),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(int, status)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->status = status;
	),
	TP_printk("xprt=%d status=%d", __entry->xprt_id, __entry->status)
);

#define DEFINE_XPRTRDMA_STATUS_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_xprt_status_class, name,			\
		TP_PROTO(const struct rpcrdma_xprt *r_xprt, int status),\
		TP_ARGS(r_xprt, status))

DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_post_recvs_err);
DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_post_send_err);
DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_post_linv_err);
DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_reminv_rejected);

DECLARE_EVENT_CLASS(xprtrdma_xprt_class,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt),
	TP_ARGS(r_xprt),
	TP_STRUCT__entry(
		__field(int, xprt_id)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
	),
	TP_printk("xprt=%d", __entry->xprt_id)
);

#define DEFINE_XPRTRDMA_XPRT_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_xprt_class, name,				\
		TP_PROTO(const struct rpcrdma_xprt *r_xprt),		\
		TP_ARGS(r_xprt))

DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_force_disconnect);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_nomrs_err);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_wait_space);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_inject_disconnect);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_destroy);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_device_removal);

TRACE_DEFINE_ENUM(RDMA_CM_EVENT_ADDR_RESOLVED);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_ADDR_ERROR);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_ROUTE_RESOLVED);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_ROUTE_ERROR);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_CONNECT_REQUEST);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_CONNECT_RESPONSE);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_CONNECT_ERROR);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_UNREACHABLE);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_REJECTED);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_ESTABLISHED);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_DISCONNECTED);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_DEVICE_REMOVAL);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_MULTICAST_JOIN);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_MULTICAST_ERROR);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_ADDR_CHANGE);
TRACE_DEFINE_ENUM(RDMA_CM_EVENT_TIMEWAIT_EXIT);

/* Names as rdma_event_msg() gives them, without calling it per event */
#define show_cm_event(x)						\
	__print_symbolic(x,						\
		{ RDMA_CM_EVENT_ADDR_RESOLVED, "ADDR_RESOLVED" },	\
		{ RDMA_CM_EVENT_ADDR_ERROR, "ADDR_ERROR" },		\
		{ RDMA_CM_EVENT_ROUTE_RESOLVED, "ROUTE_RESOLVED" },	\
		{ RDMA_CM_EVENT_ROUTE_ERROR, "ROUTE_ERROR" },		\
		{ RDMA_CM_EVENT_CONNECT_REQUEST, "CONNECT_REQUEST" },	\
		{ RDMA_CM_EVENT_CONNECT_RESPONSE, "CONNECT_RESPONSE" },	\
		{ RDMA_CM_EVENT_CONNECT_ERROR, "CONNECT_ERROR" },	\
		{ RDMA_CM_EVENT_UNREACHABLE, "UNREACHABLE" },		\
		{ RDMA_CM_EVENT_REJECTED, "REJECTED" },			\
		{ RDMA_CM_EVENT_ESTABLISHED, "ESTABLISHED" },		\
		{ RDMA_CM_EVENT_DISCONNECTED, "DISCONNECTED" },		\
		{ RDMA_CM_EVENT_DEVICE_REMOVAL, "DEVICE_REMOVAL" },	\
		{ RDMA_CM_EVENT_MULTICAST_JOIN, "MULTICAST_JOIN" },	\
		{ RDMA_CM_EVENT_MULTICAST_ERROR, "MULTICAST_ERROR" },	\
		{ RDMA_CM_EVENT_ADDR_CHANGE, "ADDR_CHANGE" },		\
		{ RDMA_CM_EVENT_TIMEWAIT_EXIT, "TIMEWAIT_EXIT" })

/* A transport-wide pair of numbers: a CM event and its status; the
 * credits the window now allows and those it allowed before
 */
DECLARE_EVENT_CLASS(xprtrdma_xprt_pair_class,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, int first, int second),
	TP_ARGS(r_xprt, first, second),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(int, first)
		__field(int, second)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->first = first;
		__entry->second = second;
	),
	TP_printk("xprt=%d event=%s status=%d",
		  __entry->xprt_id, show_cm_event(__entry->first),
		  __entry->second)
);

DEFINE_EVENT(xprtrdma_xprt_pair_class, xprtrdma_cm_event,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, int first, int second),
	TP_ARGS(r_xprt, first, second));

/*
 * A connection attempt's outcome (@rc 0: connected) and a teardown (@rc:
 * the connection's status when it began), with the server's address.
 */
DECLARE_EVENT_CLASS(xprtrdma_conn_class,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, int rc),
	TP_ARGS(r_xprt, rc),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(int, rc)
		__string(addr,
			 r_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR])
		__string(port,
			 r_xprt->rx_xprt.address_strings[RPC_DISPLAY_PORT])
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->rc = rc;
		rpcrdma_assign_str(addr,
			r_xprt->rx_xprt.address_strings[RPC_DISPLAY_ADDR]);
		rpcrdma_assign_str(port,
			r_xprt->rx_xprt.address_strings[RPC_DISPLAY_PORT]);
	),
	TP_printk("xprt=%d peer=[%s]:%s rc=%d", __entry->xprt_id,
		  __get_str(addr), __get_str(port), __entry->rc)
);

#define DEFINE_XPRTRDMA_CONN_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_conn_class, name,				\
		TP_PROTO(const struct rpcrdma_xprt *r_xprt, int rc),	\
		TP_ARGS(r_xprt, rc))

DEFINE_XPRTRDMA_CONN_EVENT(xprtrdma_connect);
DEFINE_XPRTRDMA_CONN_EVENT(xprtrdma_disconnect);

/* A transport-wide number: the connect worker's delay in jiffies, the
 * backchannel's reqs
 */
DECLARE_EVENT_CLASS(xprtrdma_xprt_value_class,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, unsigned long value),
	TP_ARGS(r_xprt, value),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(unsigned long, value)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->value = value;
	),
	TP_printk("xprt=%d delay=%lu", __entry->xprt_id, __entry->value)
);

DEFINE_EVENT(xprtrdma_xprt_value_class, xprtrdma_op_connect,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, unsigned long value),
	TP_ARGS(r_xprt, value));

DEFINE_EVENT_PRINT(xprtrdma_xprt_value_class, xprtrdma_cb_setup,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, unsigned long value),
	TP_ARGS(r_xprt, value),
	TP_printk("xprt=%d reqs=%lu", __entry->xprt_id, __entry->value));

/* What a new connection settled on: thresholds, credits, FRWR depth */
TRACE_EVENT(xprtrdma_inline_thresh,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt,
		 const struct rpcrdma_ep *ep),
	TP_ARGS(r_xprt, ep),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(unsigned int, inline_send)
		__field(unsigned int, inline_recv)
		__field(unsigned int, max_requests)
		__field(unsigned int, max_fr_depth)
		__field(bool, remote_inv)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->inline_send = ep->re_inline_send;
		__entry->inline_recv = ep->re_inline_recv;
		__entry->max_requests = ep->re_max_requests;
		__entry->max_fr_depth = ep->re_max_fr_depth;
		__entry->remote_inv = ep->re_remote_inv;
	),
	TP_printk("xprt=%d inline send=%u recv=%u credits=%u fr_depth=%u remote_inv=%d",
		  __entry->xprt_id, __entry->inline_send, __entry->inline_recv,
		  __entry->max_requests, __entry->max_fr_depth,
		  __entry->remote_inv)
);

/* ---- per-RPC transport events ---- */

DECLARE_EVENT_CLASS(xprtrdma_rqst_class,
	TP_PROTO(const struct rpc_rqst *rqst, int status),
	TP_ARGS(rqst, status),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(u32, xid)
		__field(int, status)
	),
	TP_fast_assign(
		__entry->xprt_id = rqst->rq_xprt->id;
		__entry->xid = be32_to_cpu(rqst->rq_xid);
		__entry->status = status;
	),
	TP_printk("xprt=%d xid=0x%08x status=%d",
		  __entry->xprt_id, __entry->xid, __entry->status)
);

#define DEFINE_XPRTRDMA_RQST_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_rqst_class, name,				\
		TP_PROTO(const struct rpc_rqst *rqst, int status),	\
		TP_ARGS(rqst, status))

DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_marshal_failed);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_send_err);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_timer);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_resend_disconnect);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_send_stalled);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_send_lost);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_allocate_err);

/* ---- MRs ---- */

DECLARE_EVENT_CLASS(xprtrdma_mr_class,
	TP_PROTO(const struct rpcrdma_mr *mr, __be32 xid),
	TP_ARGS(mr, xid),
	TP_STRUCT__entry(
		__field(u32, xid)
		__field(u32, handle)
		__field(u32, length)
		__field(u64, offset)
		__field(int, nents)
	),
	TP_fast_assign(
		__entry->xid = be32_to_cpu(xid);
		__entry->handle = mr->mr_handle;
		__entry->length = mr->mr_length;
		__entry->offset = mr->mr_offset;
		__entry->nents = mr->mr_nents;
	),
	TP_printk("xid=0x%08x %u@0x%016llx:0x%08x nents=%d",
		  __entry->xid, __entry->length,
		  (unsigned long long)__entry->offset, __entry->handle,
		  __entry->nents)
);

#define DEFINE_XPRTRDMA_MR_EVENT(name)					\
	DEFINE_EVENT(xprtrdma_mr_class, name,				\
		TP_PROTO(const struct rpcrdma_mr *mr, __be32 xid),	\
		TP_ARGS(mr, xid))

/* pages DMA-mapped and the REG_MR built; REG_MR posted; LOCAL_INV built;
 * invalidated by the server (Send With Invalidate)
 */
DEFINE_XPRTRDMA_MR_EVENT(xprtrdma_mr_map);
DEFINE_XPRTRDMA_MR_EVENT(xprtrdma_mr_fastreg);
DEFINE_XPRTRDMA_MR_EVENT(xprtrdma_mr_localinv);
DEFINE_XPRTRDMA_MR_EVENT(xprtrdma_mr_reminv);
/* ib_dma_map_sg() mapped nothing; ib_map_mr_sg() mapped less */
DEFINE_XPRTRDMA_MR_EVENT(xprtrdma_frwr_sgerr);
DEFINE_XPRTRDMA_MR_EVENT(xprtrdma_frwr_maperr);

/* Pages DMA-unmapped: the MR goes back to the pool or is destroyed.
 * The XID is that of the req it last served, 0 if none.
 */
TRACE_EVENT(xprtrdma_mr_unmap,
	TP_PROTO(const struct rpcrdma_mr *mr),
	TP_ARGS(mr),
	TP_STRUCT__entry(
		__field(u32, xid)
		__field(u32, handle)
		__field(u32, length)
		__field(int, nents)
	),
	TP_fast_assign(
		__entry->xid = mr->mr_req ?
			be32_to_cpu(mr->mr_req->rl_slot.rq_xid) : 0;
		__entry->handle = mr->mr_handle;
		__entry->length = mr->mr_length;
		__entry->nents = mr->mr_nents;
	),
	TP_printk("xid=0x%08x handle=0x%08x length=%u nents=%d",
		  __entry->xid, __entry->handle, __entry->length,
		  __entry->nents)
);

/* ---- chunks: one event per RDMA segment a Call offers ---- */

DECLARE_EVENT_CLASS(xprtrdma_chunk_class,
	TP_PROTO(const struct rpc_rqst *rqst, u32 position, u32 index,
		 u32 nsegs, const struct rpcrdma_wire_seg *seg),
	TP_ARGS(rqst, position, index, nsegs, seg),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(u32, xid)
		__field(u32, position)
		__field(u32, index)
		__field(u32, nsegs)
		__field(u32, handle)
		__field(u32, length)
		__field(u64, offset)
	),
	TP_fast_assign(
		__entry->xprt_id = rqst->rq_xprt->id;
		__entry->xid = be32_to_cpu(rqst->rq_xid);
		__entry->position = position;
		__entry->index = index;
		__entry->nsegs = nsegs;
		__entry->handle = seg->ws_handle;
		__entry->length = seg->ws_length;
		__entry->offset = seg->ws_offset;
	),
	TP_printk("xprt=%d xid=0x%08x pos=%u seg=%u/%u %u@0x%016llx:0x%08x",
		  __entry->xprt_id, __entry->xid, __entry->position,
		  __entry->index + 1, __entry->nsegs, __entry->length,
		  (unsigned long long)__entry->offset, __entry->handle)
);

#define DEFINE_XPRTRDMA_CHUNK_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_chunk_class, name,			\
		TP_PROTO(const struct rpc_rqst *rqst, u32 position,	\
			 u32 index, u32 nsegs,				\
			 const struct rpcrdma_wire_seg *seg),		\
		TP_ARGS(rqst, position, index, nsegs, seg))

DEFINE_XPRTRDMA_CHUNK_EVENT(xprtrdma_chunk_read);
DEFINE_XPRTRDMA_CHUNK_EVENT(xprtrdma_chunk_write);
DEFINE_XPRTRDMA_CHUNK_EVENT(xprtrdma_chunk_reply);

/* ---- posting ---- */

/* One post: the Send and the @wrs - 1 REG_MRs chained before it */
TRACE_EVENT(xprtrdma_post_send,
	TP_PROTO(const struct rpcrdma_req *req, unsigned int wrs),
	TP_ARGS(req, wrs),
	TP_STRUCT__entry(
		__field(u32, cq_id)
		__field(int, completion_id)
		__field(u32, xid)
		__field(u32, sendlen)
		__field(unsigned int, wrs)
	),
	TP_fast_assign(
		__entry->cq_id = req->rl_cid.ci_queue_id;
		__entry->completion_id = req->rl_cid.ci_completion_id;
		__entry->xid = be32_to_cpu(req->rl_slot.rq_xid);
		__entry->sendlen = req->rl_sge[0].length;
		__entry->wrs = wrs;
	),
	TP_printk("cq.id=%u cid=%d xid=0x%08x sendlen=%u wrs=%u",
		  __entry->cq_id, __entry->completion_id, __entry->xid,
		  __entry->sendlen, __entry->wrs)
);

/* @count Receives posted in one batch; @posted now on the Receive Queue */
TRACE_EVENT(xprtrdma_post_recvs,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, unsigned int count,
		 int posted),
	TP_ARGS(r_xprt, count, posted),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(unsigned int, count)
		__field(int, posted)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->count = count;
		__entry->posted = posted;
	),
	TP_printk("xprt=%d count=%u posted=%d", __entry->xprt_id,
		  __entry->count, __entry->posted)
);

/* The congestion window moved to the server's latest grant */
DEFINE_EVENT_PRINT(xprtrdma_xprt_pair_class, xprtrdma_credits,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, int first, int second),
	TP_ARGS(r_xprt, first, second),
	TP_printk("xprt=%d credits=%d (was %d)", __entry->xprt_id,
		  __entry->first, __entry->second));

/* rpc_rdma.c: the codec's events follow */

TRACE_DEFINE_ENUM(RPCRDMA_CALL_INLINE);
TRACE_DEFINE_ENUM(RPCRDMA_CALL_READ_CHUNK);
TRACE_DEFINE_ENUM(RPCRDMA_CALL_LONG);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_INLINE);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_WRITE_CHUNK);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_LONG);

#define show_call_form(x)						\
	__print_symbolic(x,						\
		{ RPCRDMA_CALL_INLINE, "inline" },			\
		{ RPCRDMA_CALL_READ_CHUNK, "read_chunk" },		\
		{ RPCRDMA_CALL_LONG, "long" })

#define show_reply_form(x)						\
	__print_symbolic(x,						\
		{ RPCRDMA_REPLY_INLINE, "inline" },			\
		{ RPCRDMA_REPLY_WRITE_CHUNK, "write_chunk" },		\
		{ RPCRDMA_REPLY_LONG, "reply_chunk" })

TRACE_EVENT(xprtrdma_marshal,
	TP_PROTO(const struct rpc_rqst *rqst, unsigned int sendlen,
		 int call, int reply),
	TP_ARGS(rqst, sendlen, call, reply),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(u32, xid)
		__field(unsigned int, sendlen)
		__field(int, call)
		__field(int, reply)
	),
	TP_fast_assign(
		__entry->xprt_id = rqst->rq_xprt->id;
		__entry->xid = be32_to_cpu(rqst->rq_xid);
		__entry->sendlen = sendlen;
		__entry->call = call;
		__entry->reply = reply;
	),
	TP_printk("xprt=%d xid=0x%08x send=%u call=%s reply=%s",
		  __entry->xprt_id, __entry->xid, __entry->sendlen,
		  show_call_form(__entry->call),
		  show_reply_form(__entry->reply))
);

TRACE_EVENT(xprtrdma_reply,
	TP_PROTO(const struct rpcrdma_rep *rep, u32 credits),
	TP_ARGS(rep, credits),
	TP_STRUCT__entry(
		__field(u32, cq_id)
		__field(int, completion_id)
		__field(u32, xid)
		__field(u32, proc)
		__field(u32, credits)
		__field(u32, write_len)
		__field(u32, reply_len)
	),
	TP_fast_assign(
		__entry->cq_id = rep->rr_cid.ci_queue_id;
		__entry->completion_id = rep->rr_cid.ci_completion_id;
		__entry->xid = be32_to_cpu(rep->rr_hdr.rh_xid);
		__entry->proc = rep->rr_hdr.rh_proc;
		__entry->credits = credits;
		__entry->write_len = rep->rr_hdr.rh_write_len;
		__entry->reply_len = rep->rr_hdr.rh_reply_len;
	),
	TP_printk("cq.id=%u cid=%d xid=0x%08x proc=%u credits=%u written=%u reply_chunk=%u",
		  __entry->cq_id, __entry->completion_id, __entry->xid,
		  __entry->proc, __entry->credits, __entry->write_len,
		  __entry->reply_len)
);

/* A reply that could not be used: @reason is an rdma_err code or a
 * byte count, by event.
 */
DECLARE_EVENT_CLASS(xprtrdma_reply_err_class,
	TP_PROTO(const struct rpcrdma_rep *rep, __be32 xid, u32 reason),
	TP_ARGS(rep, xid, reason),
	TP_STRUCT__entry(
		__field(u32, cq_id)
		__field(int, completion_id)
		__field(u32, xid)
		__field(u32, len)
		__field(u32, reason)
	),
	TP_fast_assign(
		__entry->cq_id = rep->rr_cid.ci_queue_id;
		__entry->completion_id = rep->rr_cid.ci_completion_id;
		__entry->xid = be32_to_cpu(xid);
		__entry->len = rep->rr_len;
		__entry->reason = reason;
	),
	TP_printk("cq.id=%u cid=%d xid=0x%08x len=%u reason=%u",
		  __entry->cq_id, __entry->completion_id, __entry->xid,
		  __entry->len, __entry->reason)
);

#define DEFINE_XPRTRDMA_REPLY_ERR_EVENT(name)				\
	DEFINE_EVENT(xprtrdma_reply_err_class, name,			\
		TP_PROTO(const struct rpcrdma_rep *rep, __be32 xid,	\
			 u32 reason),					\
		TP_ARGS(rep, xid, reason))

DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_short_err);
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_rqst_err);
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_dup_err);
/* RDMA_ERROR replies, by code (the decoder refuses any other code) */
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_err_vers);
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_err_chunk);
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_overrun_err);

TRACE_DEFINE_ENUM(RPCRDMA_REPLY_TRUNCATED);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_BAD_BOOL);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_BAD_VERSION);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_BAD_PROC);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_READ_LIST);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_EXTRA_WRITE_CHUNK);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_TOO_MANY_SEGS);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_WRITE_OVERRUN);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_UNOFFERED_REPLY_CHUNK);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_REPLY_OVERRUN);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_NOMSG_NO_CHUNK);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_MSG_AND_CHUNK);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_BAD_ERRCODE);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_NO_RPC_MSG);
TRACE_DEFINE_ENUM(RPCRDMA_REPLY_CHUNK_GAP);

#define show_reply_fault(x)						\
	__print_symbolic(x,						\
		{ RPCRDMA_REPLY_TRUNCATED, "truncated" },		\
		{ RPCRDMA_REPLY_BAD_BOOL, "bad_bool" },			\
		{ RPCRDMA_REPLY_BAD_VERSION, "bad_version" },		\
		{ RPCRDMA_REPLY_BAD_PROC, "bad_proc" },			\
		{ RPCRDMA_REPLY_READ_LIST, "read_list" },		\
		{ RPCRDMA_REPLY_EXTRA_WRITE_CHUNK, "extra_write_chunk" }, \
		{ RPCRDMA_REPLY_TOO_MANY_SEGS, "too_many_segs" },	\
		{ RPCRDMA_REPLY_WRITE_OVERRUN, "write_overrun" },	\
		{ RPCRDMA_REPLY_UNOFFERED_REPLY_CHUNK, "unoffered_reply_chunk" }, \
		{ RPCRDMA_REPLY_REPLY_OVERRUN, "reply_overrun" },	\
		{ RPCRDMA_REPLY_NOMSG_NO_CHUNK, "nomsg_no_chunk" },	\
		{ RPCRDMA_REPLY_MSG_AND_CHUNK, "msg_and_chunk" },	\
		{ RPCRDMA_REPLY_BAD_ERRCODE, "bad_errcode" },	\
		{ RPCRDMA_REPLY_NO_RPC_MSG, "no_rpc_msg" },	\
		{ RPCRDMA_REPLY_CHUNK_GAP, "chunk_gap" })

TRACE_EVENT(xprtrdma_reply_hdr_err,
	TP_PROTO(const struct rpcrdma_rep *rep, __be32 xid),
	TP_ARGS(rep, xid),
	TP_STRUCT__entry(
		__field(u32, cq_id)
		__field(int, completion_id)
		__field(u32, xid)
		__field(u32, len)
		__field(unsigned int, fault)
	),
	TP_fast_assign(
		__entry->cq_id = rep->rr_cid.ci_queue_id;
		__entry->completion_id = rep->rr_cid.ci_completion_id;
		__entry->xid = be32_to_cpu(xid);
		__entry->len = rep->rr_len;
		__entry->fault = rep->rr_hdr.rh_fault;
	),
	TP_printk("cq.id=%u cid=%d xid=0x%08x len=%u fault=%s",
		  __entry->cq_id, __entry->completion_id, __entry->xid,
		  __entry->len, show_reply_fault(__entry->fault))
);

/* ---- backchannel (RFC 8167) ---- */

TRACE_EVENT(xprtrdma_cb_call,
	TP_PROTO(const struct rpc_rqst *rqst),
	TP_ARGS(rqst),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(u32, xid)
		__field(u32, len)
	),
	TP_fast_assign(
		__entry->xprt_id = rqst->rq_xprt->id;
		__entry->xid = be32_to_cpu(rqst->rq_xid);
		__entry->len = rqst->rq_private_buf.len;
	),
	TP_printk("xprt=%d xid=0x%08x len=%u",
		  __entry->xprt_id, __entry->xid, __entry->len)
);

DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_cb_reply);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_cb_reply_err);

TRACE_DEFINE_ENUM(RPCRDMA_BC_NOT_UP);
TRACE_DEFINE_ENUM(RPCRDMA_BC_NO_SLOT);
TRACE_DEFINE_ENUM(RPCRDMA_BC_CHUNKED);
TRACE_DEFINE_ENUM(RPCRDMA_BC_TOO_BIG);
TRACE_DEFINE_ENUM(RPCRDMA_BC_SHORT);

#define show_bc_fault(x)						\
	__print_symbolic(x,						\
		{ RPCRDMA_BC_NOT_UP, "not_up" },			\
		{ RPCRDMA_BC_NO_SLOT, "no_slot" },			\
		{ RPCRDMA_BC_CHUNKED, "chunked" },			\
		{ RPCRDMA_BC_TOO_BIG, "too_big" },			\
		{ RPCRDMA_BC_SHORT, "short" })

/* A reverse Call dropped: @offset is where its RPC Call starts */
TRACE_EVENT(xprtrdma_cb_call_err,
	TP_PROTO(const struct rpcrdma_rep *rep, unsigned int offset,
		 enum rpcrdma_bc_fault fault),
	TP_ARGS(rep, offset, fault),
	TP_STRUCT__entry(
		__field(u32, cq_id)
		__field(int, completion_id)
		__field(u32, xid)
		__field(u32, len)
		__field(unsigned int, fault)
	),
	TP_fast_assign(
		__entry->cq_id = rep->rr_cid.ci_queue_id;
		__entry->completion_id = rep->rr_cid.ci_completion_id;
		__entry->xid = be32_to_cpup(rep->rr_rdmabuf.rg_base);
		__entry->len = rep->rr_len - offset;
		__entry->fault = fault;
	),
	TP_printk("cq.id=%u cid=%d xid=0x%08x len=%u fault=%s",
		  __entry->cq_id, __entry->completion_id, __entry->xid,
		  __entry->len, show_bc_fault(__entry->fault))
);

#endif /* _XPRTRDMA_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
