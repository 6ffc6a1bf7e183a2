/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the RPC-over-RDMA version 1 client transport.
 * CREATE_TRACE_POINTS is defined in transport.c only.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xprtrdma

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

DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_connect_err);
DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_disconnect);
DEFINE_XPRTRDMA_STATUS_EVENT(xprtrdma_post_recv_err);
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
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_inject_disconnect);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_mrs_exhausted);
DEFINE_XPRTRDMA_XPRT_EVENT(xprtrdma_destroy);

TRACE_EVENT(xprtrdma_cm_event,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, int event, int status),
	TP_ARGS(r_xprt, event, status),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(int, event)
		__field(int, status)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->event = event;
		__entry->status = status;
	),
	TP_printk("xprt=%d event=%d status=%d",
		  __entry->xprt_id, __entry->event, __entry->status)
);

TRACE_EVENT(xprtrdma_connect,
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

DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_marshal_err);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_send_err);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_timer);
DEFINE_XPRTRDMA_RQST_EVENT(xprtrdma_resend_disconnect);
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

DEFINE_EVENT(xprtrdma_mr_class, xprtrdma_mr_map,
	TP_PROTO(const struct rpcrdma_mr *mr, __be32 xid),
	TP_ARGS(mr, xid));
DEFINE_EVENT(xprtrdma_mr_class, xprtrdma_mr_map_err,
	TP_PROTO(const struct rpcrdma_mr *mr, __be32 xid),
	TP_ARGS(mr, xid));

TRACE_EVENT(xprtrdma_mr_reminv,
	TP_PROTO(const struct rpcrdma_mr *mr),
	TP_ARGS(mr),
	TP_STRUCT__entry(
		__field(u32, handle)
	),
	TP_fast_assign(
		__entry->handle = mr->mr_handle;
	),
	TP_printk("handle=0x%08x", __entry->handle)
);

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
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_unmatched_err);
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_dup_err);
DEFINE_XPRTRDMA_REPLY_ERR_EVENT(xprtrdma_reply_rdma_err);
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

TRACE_EVENT(xprtrdma_cb_setup,
	TP_PROTO(const struct rpcrdma_xprt *r_xprt, unsigned int reqs),
	TP_ARGS(r_xprt, reqs),
	TP_STRUCT__entry(
		__field(int, xprt_id)
		__field(unsigned int, reqs)
	),
	TP_fast_assign(
		__entry->xprt_id = r_xprt->rx_xprt.id;
		__entry->reqs = reqs;
	),
	TP_printk("xprt=%d reqs=%u", __entry->xprt_id, __entry->reqs)
);

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
