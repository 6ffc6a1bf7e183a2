/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types and interfaces shared by the files of the RPC-over-RDMA version 1
 * client transport (RFC 8166).
 *
 * Object map (who owns what):
 *   struct rpcrdma_xprt   one per rpc_xprt; lives from xprt_setup_rdma()
 *                         to xprt_rdma_destroy().
 *   struct rpcrdma_req    one per RPC slot; allocated at setup with its
 *                         Send buffer, call and reply buffers.  The Send
 *                         buffer is DMA-mapped at each connect.  Another
 *                         RPCRDMA_BC_SLOTS carry reverse-direction Calls
 *                         and their Replies (backchannel.c).
 *   struct rpcrdma_ep     one per connection attempt: cm_id, PD, CQs, QP
 *                         and the MRs.  Created by rpcrdma_xprt_connect(),
 *                         destroyed by rpcrdma_xprt_disconnect().
 *   struct rpcrdma_rep    one Receive buffer, allocated at setup and
 *                         DMA-mapped at each connect; owned by the Receive Queue
 *                         while posted, by rpc_rdma.c from the call to
 *                         rpcrdma_reply_handler() until rpcrdma_rep_put().
 *   struct rpcrdma_mr     one FRWR memory region; free in rb_mrs, or on a
 *                         req's rl_registered list while it exposes memory.
 */
#ifndef _XPRTRDMA_XPRT_RDMA_H
#define _XPRTRDMA_XPRT_RDMA_H

#include <linux/kref.h>
#include <linux/rwsem.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>
#include <linux/sunrpc/xprt.h>
#include <linux/sunrpc/rpc_rdma.h>
#include <linux/sunrpc/rpc_rdma_cid.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>

#include "compat.h"

/* NFS/RDMA's IANA port (RFC 5666 Section 12.2, RFC 8267 Section 6) */
#define RPCRDMA_NFS_PORT		20049

/*
 * Our inline thresholds (sysctl rdma_max_inline_read and _write): RFC
 * 8166 §3.3.3's default is the least, our Send and Receive buffers'
 * size the most.
 */
#define RPCRDMA_DEF_INLINE		4096
#define RPCRDMA_MIN_INLINE		1024
#define RPCRDMA_MAX_INLINE		4096

/* RPC slots (sysctl rdma_slot_table_entries), hence the most credits we
 * ask for
 */
#define RPCRDMA_MAX_REQUESTS		128
#define RPCRDMA_MIN_REQUESTS		2

/*
 * Backchannel slots (RFC 8167): the reverse-direction Calls the server
 * may have outstanding at once.  bc_num_slots caps the NFSv4.1 session's
 * back channel at this, each reverse Reply grants it as the server's
 * credit, and this many Receives are posted beyond the forward credits.
 */
#define RPCRDMA_BC_SLOTS		4

/*
 * How long a free path waits for a Send or LOCAL_INV completion before it
 * takes the QP for stalled (a lost path: RC retries for seconds, and a
 * provider may never complete WRs it had sent) and closes the connection.
 */
#define RPCRDMA_STALL_TIMEOUT		(5 * HZ)

/*
 * Receives are posted in chains of up to RPCRDMA_RECV_BATCH, and this
 * many more than the server may fill are kept posted, so a completion
 * can leave its Receive unreplaced until a whole chain is due.
 */
#define RPCRDMA_RECV_BATCH		8

/*
 * At most this many Sends in a row go unsignalled: a signalled one
 * reaps those before it (send queue completions are in order).
 */
#define RPCRDMA_SEND_BATCH		16

/*
 * Sends a connection's send queue is sized for (rpcrdma_ep_size()): one
 * per credit and per backchannel slot.  A freed req may still have its
 * Send unreaped, so more reqs than that could have one.
 */
#define RPCRDMA_MAX_SENDS(ep)		((ep)->re_max_requests + RPCRDMA_BC_SLOTS)

/*
 * A sender that waits for an MR or a Send buffer is woken when one is
 * freed, and at the latest after this long (SUNRPC's delay for -ENOBUFS).
 */
#define RPCRDMA_SPACE_RETRY		(HZ >> 2)

/*
 * Largest RPC payload: 1 MiB of data plus the pages that a misaligned
 * payload straddles, in page-or-kvec pieces.
 */
#define RPCRDMA_MAX_DATA_SEGS		((SZ_1M >> PAGE_SHIFT) + 2)
#define RPCRDMA_MAX_SEGS		(RPCRDMA_MAX_DATA_SEGS + 4)

/* Size of each req's call and reply buffers (rq_buffer, rq_rbuffer) */
#define RPCRDMA_CALLBUF_SIZE		(PAGE_SIZE * 2)

/**
 * struct rpcrdma_regbuf - a buffer that stays DMA-mapped while connected
 * @rg_base: kernel virtual address
 * @rg_len: size in bytes
 * @rg_dir: DMA direction of the mapping
 * @rg_device: the device it is mapped for, NULL while unmapped
 * @rg_sge: address, length and local key for a WR that uses the buffer
 */
struct rpcrdma_regbuf {
	void			*rg_base;
	u32			rg_len;
	enum dma_data_direction	rg_dir;
	struct ib_device	*rg_device;
	struct ib_sge		rg_sge;
};

/**
 * struct rpcrdma_mr_seg - one page-or-kvec piece of an xdr_buf
 * @ms_page: the page holding the piece
 * @ms_offset: byte offset of the piece in @ms_page
 * @ms_len: length of the piece in bytes (never crosses @ms_page's end)
 */
struct rpcrdma_mr_seg {
	struct page		*ms_page;
	u32			ms_offset;
	u32			ms_len;
};

/**
 * struct rpcrdma_mr - an FRWR memory region
 * @mr_list: on rb_mrs while free, on a req's rl_registered while in use
 * @mr_all: on rb_all_mrs for the life of the connection
 * @mr_req: the req whose memory this MR exposes
 * @mr_xprt: owning transport
 * @mr_ibmr: the verbs MR
 * @mr_sg: scatterlist of up to re_max_fr_depth entries
 * @mr_nents: number of DMA-mapped @mr_sg entries, 0 when unmapped
 * @mr_dir: DMA direction of the current mapping
 * @mr_posted: the REG_MR WR was posted; LOCAL_INV is needed to release
 * @mr_handle: rkey offered to the server (RFC 8166 Section 3.4.5)
 * @mr_length: bytes exposed
 * @mr_offset: the offset (IOVA) offered to the server
 * @mr_regwr: the REG_MR WR
 * @mr_invwr: the LOCAL_INV WR
 * @mr_cqe: completion for either WR
 * @mr_cid: completion ID for tracing
 * @mr_done: signalled by the last LOCAL_INV of a synchronous chain
 */
struct rpcrdma_mr {
	struct list_head	mr_list;
	struct list_head	mr_all;
	struct rpcrdma_req	*mr_req;
	struct rpcrdma_xprt	*mr_xprt;
	struct ib_mr		*mr_ibmr;
	struct scatterlist	*mr_sg;
	int			mr_nents;
	enum dma_data_direction	mr_dir;
	bool			mr_posted;
	u32			mr_handle;
	u32			mr_length;
	u64			mr_offset;
	struct ib_reg_wr	mr_regwr;
	struct ib_send_wr	mr_invwr;
	struct ib_cqe		mr_cqe;
	struct rpc_rdma_cid	mr_cid;
	struct completion	mr_done;
};

/* rpc_rdma.c: wire types, embedded in struct rpcrdma_rep and rpcrdma_req */

/*
 * The most RDMA segments one chunk carries on the wire.  The transport
 * header is sized for re_max_rdma_segs per chunk; this is its ceiling.
 */
#define RPCRDMA_MAX_CHUNK_SEGS	16

/* One RDMA segment as RFC 8166 §4.2 puts it on the wire. */
struct rpcrdma_wire_seg {
	u32	ws_handle;
	u32	ws_length;
	u64	ws_offset;
};

/* One chunk: ch_nsegs == 0 means "no chunk". */
struct rpcrdma_chunk {
	u32			ch_position;	/* Read chunk only */
	u32			ch_nsegs;
	struct rpcrdma_wire_seg	ch_segs[RPCRDMA_MAX_CHUNK_SEGS];
};

/*
 * The chunks one Call offers.  Written by rpcrdma_marshal_req(), read by
 * the reply handler to check the server's answer against what was
 * offered; the req that embeds it owns it.
 */
struct rpcrdma_chunks {
	struct rpcrdma_chunk	rc_read;	/* Read list: zero or one */
	struct rpcrdma_chunk	rc_write;	/* Write list: zero or one */
	struct rpcrdma_chunk	rc_reply;	/* Reply chunk */
};

/* How a Call travels (RFC 8166 §3.5). */
enum rpcrdma_call_form {
	RPCRDMA_CALL_INLINE,		/* RDMA_MSG, all of it in the Send */
	RPCRDMA_CALL_READ_CHUNK,	/* RDMA_MSG, DDP payload in a Read chunk */
	RPCRDMA_CALL_LONG,		/* RDMA_NOMSG, position-zero Read chunk */
};

/* Where the Reply is to land (RFC 8166 §3.5). */
enum rpcrdma_reply_form {
	RPCRDMA_REPLY_INLINE,		/* all of it in a Receive */
	RPCRDMA_REPLY_WRITE_CHUNK,	/* DDP payload into a Write chunk */
	RPCRDMA_REPLY_LONG,		/* all of it into a Reply chunk */
};

/* The parts of an xdr_buf that chunk choice looks at. */
struct rpcrdma_msg_shape {
	unsigned int	ms_head;	/* head[0].iov_len */
	unsigned int	ms_pages;	/* page_len */
	unsigned int	ms_tail;	/* tail[0].iov_len */
	bool		ms_ddp;		/* pages hold DDP-eligible data */
};

/* Why a reply's transport header was refused. */
enum rpcrdma_reply_fault {
	RPCRDMA_REPLY_OK = 0,
	RPCRDMA_REPLY_TRUNCATED,	/* header ends inside a field */
	RPCRDMA_REPLY_BAD_BOOL,		/* a discriminator not 0 or 1 */
	RPCRDMA_REPLY_BAD_VERSION,	/* rdma_vers is not 1 */
	RPCRDMA_REPLY_BAD_PROC,		/* not RDMA_MSG, _NOMSG or _ERROR */
	RPCRDMA_REPLY_READ_LIST,	/* a Reply carries a Read list */
	RPCRDMA_REPLY_EXTRA_WRITE_CHUNK, /* more Write chunks than offered */
	RPCRDMA_REPLY_TOO_MANY_SEGS,	/* more segments than offered */
	RPCRDMA_REPLY_WRITE_OVERRUN,	/* Write chunk longer than offered */
	RPCRDMA_REPLY_UNOFFERED_REPLY_CHUNK, /* Reply chunk we never offered */
	RPCRDMA_REPLY_REPLY_OVERRUN,	/* Reply chunk longer than offered */
	RPCRDMA_REPLY_NOMSG_NO_CHUNK,	/* RDMA_NOMSG with an empty Reply chunk */
	RPCRDMA_REPLY_MSG_AND_CHUNK,	/* RDMA_MSG, yet data in the Reply chunk */
	RPCRDMA_REPLY_BAD_ERRCODE,	/* RDMA_ERROR with an unknown code */
	RPCRDMA_REPLY_NO_RPC_MSG,	/* too short for any RPC reply */
	RPCRDMA_REPLY_CHUNK_GAP,	/* data after a short segment */
};

/*
 * The shortest RPC reply (RFC 5531 §9): xid, REPLY, MSG_DENIED,
 * AUTH_ERROR and an auth_stat.  An RDMA_MSG with less after its header,
 * or an RDMA_NOMSG whose Reply chunk holds less, carries no RPC reply.
 */
#define RPCRDMA_MIN_RPC_REPLY		(5 * XDR_UNIT)

/*
 * The shortest RPC Call (RFC 5531 §9): xid, CALL, rpcvers, prog, vers,
 * proc, and an AUTH_NONE credential and verifier (flavor and length
 * each).
 */
#define RPCRDMA_MIN_RPC_CALL		(10 * XDR_UNIT)

/* Why a reverse-direction Call was refused (RFC 8167; backchannel.c). */
enum rpcrdma_bc_fault {
	RPCRDMA_BC_OK = 0,
	RPCRDMA_BC_NOT_UP,		/* no back channel is set up */
	RPCRDMA_BC_NO_SLOT,		/* more Calls outstanding than slots */
	RPCRDMA_BC_CHUNKED,		/* carries chunks: we take inline only */
	RPCRDMA_BC_TOO_BIG,		/* longer than bc_maxpayload */
	RPCRDMA_BC_SHORT,		/* too short for an RPC Call */
};

/* A reply's transport header, every field checked against the offer. */
struct rpcrdma_reply_hdr {
	__be32		rh_xid;
	u32		rh_vers;
	u32		rh_credits;	/* as sent: not yet sanitised */
	u32		rh_proc;
	u32		rh_write_len;	/* bytes Written into our Write chunk */
	u32		rh_reply_len;	/* bytes Written into our Reply chunk */
	u32		rh_errcode;	/* RDMA_ERROR: ERR_VERS or ERR_CHUNK */
	u32		rh_vers_low;	/* ERR_VERS: versions the server speaks */
	u32		rh_vers_high;
	unsigned int	rh_hdrlen;	/* header bytes; inline RPC message next */
	enum rpcrdma_reply_fault rh_fault; /* OK, or why it was refused */
};

/**
 * struct rpcrdma_rep - a Receive buffer and what a reply carried
 * @rr_cqe: Receive completion
 * @rr_cid: completion ID for tracing
 * @rr_list: on rb_free_reps while neither posted nor in use
 * @rr_rxprt: owning transport
 * @rr_rdmabuf: the DMA-mapped Receive buffer (DMA_FROM_DEVICE)
 * @rr_recv_wr: the Receive WR, posted as is
 * @rr_len: bytes received (wc->byte_len)
 * @rr_wc_flags: wc->wc_flags (IB_WC_WITH_INVALIDATE)
 * @rr_inv_rkey: rkey the server invalidated, if IB_WC_WITH_INVALIDATE
 * @rr_hdr: for rpc_rdma.c: the decoded, checked transport header
 * @rr_req: for rpc_rdma.c: the req this reply matched, or NULL
 */
struct rpcrdma_rep {
	struct ib_cqe		rr_cqe;
	struct rpc_rdma_cid	rr_cid;
	struct list_head	rr_list;
	struct rpcrdma_xprt	*rr_rxprt;
	struct rpcrdma_regbuf	rr_rdmabuf;
	struct ib_recv_wr	rr_recv_wr;
	u32			rr_len;
	int			rr_wc_flags;
	u32			rr_inv_rkey;
	struct rpcrdma_reply_hdr rr_hdr;
	struct rpcrdma_req	*rr_req;
};

/* Send SGEs: the Send buffer, into which the transport header and an
 * inline RPC message are copied; all a device must offer us
 */
#define RPCRDMA_MAX_SEND_SGES		1

/*
 * rl_flags bits.
 *
 * RPCRDMA_REQ_SEND_BUSY: a Send of rl_sendbuf is in flight.  Set by
 * frwr_send() before the post, with the req queued on rb_sendq; cleared
 * when the Send is reaped: by its own completion or that of a later
 * signalled Send (rpcrdma_sends_reap()), or by rpcrdma_reqs_reset() once
 * the QP is drained if the device never completed it.  Only the Send
 * reads rl_sendbuf, so the req may be freed and taken by another RPC
 * meanwhile (rpcrdma_req_put() queues it behind the idle ones); what
 * waits is the next marshal into rl_sendbuf, in send_request, which
 * returns -EAGAIN with SUNRPC's write-space wait until the reap.
 *
 * RPCRDMA_REQ_SEND_WAIT: send_request has been waiting for a reap for
 * this req since rl_send_wait (its own Send busy, or RPCRDMA_MAX_SENDS()
 * Sends unreaped).  Set and cleared there, under the transport's write
 * lock, and cleared by xprt_rdma_free() and rpcrdma_reqs_reset().  A
 * wait of RPCRDMA_STALL_TIMEOUT means a stalled QP: the connection is
 * closed, and the teardown reaps every Send.
 *
 * RPCRDMA_REQ_SENT: the Call is posted on the current connection, so a
 * Reply may take the req.  Set by frwr_send() under queue_lock together
 * with the post, and tested by rpcrdma_reply_handler() under queue_lock
 * before it sets rl_reply.  Cleared only where no Reply can be working
 * on the req: under queue_lock by rpcrdma_marshal_begin(), which checks
 * that rl_reply is NULL and rl_registered empty; by rpcrdma_reqs_reset()
 * once the connection is drained; by xprt_rdma_free() once the RPC has
 * left SUNRPC's receive queue.
 */
enum {
	RPCRDMA_REQ_SEND_BUSY,
	RPCRDMA_REQ_SEND_WAIT,
	RPCRDMA_REQ_SENT,
};

/**
 * struct rpcrdma_req - one RPC slot and the buffers that carry it
 * @rl_slot: the rpc_rqst SUNRPC uses for this slot
 * @rl_list: on rb_free_reqs while the slot is free
 * @rl_all: on rb_all_reqs for the life of the transport
 * @rl_sendbuf: pre-mapped Send buffer (DMA_TO_DEVICE): transport header
 *	plus, when inline, the RPC message, written by rpc_rdma.c
 * @rl_callbuf: the call's rq_buffer (kmalloc, linear: FRWR can map it)
 * @rl_rcvbuf: the reply's rq_rbuffer (kmalloc, linear: FRWR can map it)
 * @rl_bufsize: size of each of @rl_callbuf and @rl_rcvbuf
 * @rl_wr: the Send WR
 * @rl_sge: the Send WR's SGEs; rl_sge[0] is @rl_sendbuf
 * @rl_cqe: Send completion
 * @rl_cid: completion ID for tracing
 * @rl_flags: RPCRDMA_REQ_* bits
 * @rl_sendq: on rb_sendq while RPCRDMA_REQ_SEND_BUSY is set
 * @rl_send_wait: jiffies when send_request began to wait for a reap
 * @rl_segments: @rl_slot's xdr_bufs in pieces, filled by rpc_rdma.c
 * @rl_registered: MRs exposing this RPC's memory, all of them from one
 *	transmission.  Marshalling fills it only while it is empty; it is
 *	emptied by the Reply (Remote Invalidation, then LOCAL_INV), by
 *	xprt_rdma_free() (frwr_unmap_sync()) or by the drained connection's
 *	teardown (rpcrdma_reqs_reset()).  A retransmission that finds it
 *	non-empty has a new connection made first (rpcrdma_marshal_begin()),
 *	so a resend never reuses or mixes a registration the server can
 *	still reach, and a late Reply never meets a second transmission's.
 * @rl_reply: the rep that answered this RPC, set by rpc_rdma.c
 * @rl_chunks: for rpc_rdma.c: the chunks the call offered
 */
struct rpcrdma_req {
	struct rpc_rqst		rl_slot;
	struct list_head	rl_list;
	struct list_head	rl_all;
	struct rpcrdma_regbuf	rl_sendbuf;
	void			*rl_callbuf;
	void			*rl_rcvbuf;
	size_t			rl_bufsize;
	struct ib_send_wr	rl_wr;
	struct ib_sge		rl_sge[RPCRDMA_MAX_SEND_SGES];
	struct ib_cqe		rl_cqe;
	struct rpc_rdma_cid	rl_cid;
	unsigned long		rl_flags;
	struct list_head	rl_sendq;
	unsigned long		rl_send_wait;
	struct rpcrdma_mr_seg	rl_segments[RPCRDMA_MAX_SEGS];
	struct list_head	rl_registered;
	struct rpcrdma_rep	*rl_reply;
	struct rpcrdma_chunks	rl_chunks;
};

static inline struct rpcrdma_req *rpcr_to_rdmar(const struct rpc_rqst *rqst)
{
	return container_of(rqst, struct rpcrdma_req, rl_slot);
}

/**
 * struct rpcrdma_ep - one connection and its verbs resources
 * @re_id: the rdma_cm ID
 * @re_pd: protection domain
 * @re_attr: how the QP was created (caps used to size everything else)
 * @re_cm_private: the RFC 8797 private data we send
 * @re_done: completed by the CM handler when address or route
 *	resolution ends
 * @re_connect_wait: woken when @re_connect_status changes
 * @re_connect_status: 0 while connecting, 1 connected, -errno when down
 * @re_async_rc: result of the last address or route resolution step
 * @re_remote_inv: server may use Send With Invalidate (RFC 8797)
 * @re_inline_send: bytes the server receives inline (negotiated)
 * @re_inline_recv: bytes we receive inline (negotiated)
 * @re_max_inline_send: RPC message bytes that fit inline in a Call, set
 *	by rpcrdma_set_max_header_sizes()
 * @re_max_inline_recv: RPC message bytes that fit inline in a Reply, set
 *	by rpcrdma_set_max_header_sizes()
 * @re_max_rdma_segs: most RDMA segments in one chunk list
 * @re_max_fr_depth: most pages one MR maps
 * @re_max_requests: credits we ask for
 * @re_recv_target: Receives kept posted: @re_max_requests, RPCRDMA_BC_SLOTS
 *	and RPCRDMA_RECV_BATCH, so at least one more than the server may fill
 *	is always posted while a chain is not yet due
 * @re_send_countdown: Sends left before one must be signalled; under the
 *	transport's write lock, which every Send is posted under
 * @re_receive_count: Receives currently posted, or reserved for a post
 * @re_post_lock: serializes posting Receives with the start of a drain
 * @re_xprt: the transport this connection serves
 * @re_device_link: on the list of its device's connections (ib_client.c)
 *	from address resolution until rpcrdma_ep_destroy() has freed every
 *	verbs resource; that list's lock keeps the ep from being freed while
 *	the device's remove callback uses it
 */
struct rpcrdma_ep {
	struct rdma_cm_id	*re_id;
	struct ib_pd		*re_pd;
	struct ib_qp_init_attr	re_attr;
	struct rpcrdma_connect_private re_cm_private;
	struct completion	re_done;
	wait_queue_head_t	re_connect_wait;
	int			re_connect_status;
	int			re_async_rc;
	bool			re_remote_inv;
	unsigned int		re_inline_send;
	unsigned int		re_inline_recv;
	unsigned int		re_max_inline_send;
	unsigned int		re_max_inline_recv;
	unsigned int		re_max_rdma_segs;
	unsigned int		re_max_fr_depth;
	unsigned int		re_max_requests;
	unsigned int		re_recv_target;
	unsigned int		re_send_countdown;
	atomic_t		re_receive_count;
	spinlock_t		re_post_lock;	/* Receive posts vs. drain */
	struct rpcrdma_xprt	*re_xprt;
	struct list_head	re_device_link;
};

/**
 * struct rpcrdma_buffer - the pools a transport draws from
 * @rb_lock: protects the free lists @rb_free_reqs, @rb_free_reps,
 *	@rb_mrs and @rb_bc_free, and @rb_bc_users; never held across
 *	anything but list operations, except that a reverse Call is queued
 *	to the callback service under it (backchannel.c: rb_lock, then the
 *	service's queue lock), so none is queued after bc_destroy
 * @rb_free_reqs: free RPC slots
 * @rb_all_reqs: every req
 * @rb_free_reps: reps neither posted nor in use
 * @rb_mrs: free MRs
 * @rb_all_mrs: every MR of the current connection
 * @rb_mr_sem: held for read while a free path touches MRs, for write
 *	while the connection's MRs are destroyed.  A reader may wait for
 *	completions on the QP, so the writer moves the QP to Error before
 *	it takes the lock
 * @rb_reps: every rep; their buffers are DMA-mapped while connected
 * @rb_rep_count: number of entries in @rb_reps
 * @rb_max_requests: number of forward reqs: rdma_slot_table_entries when
 *	the transport was made
 * @rb_slots_used: forward reqs taken from @rb_free_reqs, under the
 *	transport's reserve_lock
 * @rb_bc_free: backchannel reqs not holding a reverse Call.  A reverse
 *	Call takes one (rpcrdma_bc_receive_call()); it is SUNRPC's from
 *	then until bc_free_rqst gives it back, after the Reply is sent or
 *	the Call is dropped.  Also on @rb_all_reqs, so their Send buffers
 *	are mapped with the forward ones.
 * @rb_bc_users: reverse Calls the back channels set up on this transport
 *	asked for (bc_setup's min_reqs, less bc_destroy's max_reqs); reverse
 *	Calls are dropped while it is 0
 * @rb_sendq_lock: protects @rb_sendq and every req's rl_sendq
 * @rb_sendq: reqs whose Send is posted and not yet reaped, in the order
 *	they were posted, which is the order the send queue completes them
 *	in.  frwr_send() adds at the tail (posts are serialized by the
 *	transport's write lock and queue_lock); a Send's completion takes
 *	every req up to and including its own off the head, since it
 *	proves the device is done with all of them (rpcrdma_sends_reap());
 *	rpcrdma_reqs_reset() empties it once the QP is drained.  A Send is
 *	left unsignalled only while another Send is sure to follow it
 *	(frwr_send()), and at most RPCRDMA_SEND_BATCH - 1 in a row
 * @rb_sends_posted: reqs on @rb_sendq; never more than
 *	RPCRDMA_MAX_SENDS() of the connection, the Sends its send queue
 *	is sized for (send_request waits for a reap)
 * @rb_mrs_free: MRs on @rb_mrs, under rb_lock
 * @rb_mrs_wanted: free MRs a sender waiting for write space needs, under
 *	rb_lock (rpcrdma_wait_for_mrs())
 */
struct rpcrdma_buffer {
	spinlock_t		rb_lock;	/* the free lists */
	struct list_head	rb_free_reqs;
	struct list_head	rb_all_reqs;
	struct list_head	rb_free_reps;
	struct list_head	rb_mrs;
	struct list_head	rb_all_mrs;
	struct rw_semaphore	rb_mr_sem;
	struct rpcrdma_rep	*rb_reps;
	unsigned int		rb_rep_count;
	unsigned int		rb_max_requests;
	unsigned int		rb_slots_used;
	struct list_head	rb_bc_free;
	unsigned int		rb_bc_users;
	spinlock_t		rb_sendq_lock;	/* rb_sendq, rl_sendq */
	struct list_head	rb_sendq;
	unsigned int		rb_sends_posted;
	unsigned int		rb_mrs_free;
	unsigned int		rb_mrs_wanted;
};

/**
 * struct rpcrdma_stats - the counters behind the mountstats "xprt: rdma"
 *	line and the rest of our drops and fallbacks
 * @read_chunk_count: Read chunks sent (mountstats read_segments)
 * @write_chunk_count: Write chunks sent (write_segments)
 * @reply_chunk_count: Reply chunks sent (reply_segments)
 * @total_rdma_request: bytes registered for the server to reach
 *	(mountstats "Registered")
 * @total_rdma_reply: bytes the server Wrote into our Write and Reply
 *	chunks (mountstats "RDMA received")
 * @pullup_copy_count: bytes copied into Send buffers
 * @fixup_copy_count: bytes copied out of Receive buffers
 * @hardway_alloc_bytes: bytes of call and reply buffers allocated
 *	because an RPC outgrew the ones made at setup (mountstats
 *	"Hardway allocations")
 * @failed_marshal_count: Calls that could not be marshalled
 * @bad_reply_count: replies dropped as malformed or unmatched
 * @nomsg_call_count: Calls sent as RDMA_NOMSG
 * @mrs_recycled: MRs reset after a flushed WR
 * @mrs_allocated: MRs created
 * @local_inv_needed: LOCAL_INV WRs posted
 * @empty_sendctx_q: Sends that found no room: the req's previous Send
 *	unreaped, RPCRDMA_MAX_SENDS() Sends unreaped, or a Reply still
 *	holding the req
 * @reply_waits_for_send: RPC frees that waited for their Send completion:
 *	always 0, as a free leaves that wait to the req's next Send; kept
 *	for mountstats' field
 * @mrs_exhausted: rpcrdma_mr_get() found no free MR
 * @recv_posted: Receives posted
 * @recv_none_free: Receive not reposted: no free rep
 * @max_slots_used: the most RPC slots in use at once
 * @recv_errors: Receives that completed with an error (flushes included)
 * @send_errors: Send WRs that completed with an error
 * @post_send_errors: ib_post_send() failures
 * @remote_inv_rejected: Remote Invalidations of rkeys we did not offer
 * @bc_null_calls: reverse Calls of procedure 0 (CB_NULL) handed to the
 *	callback service
 * @bc_compound_calls: reverse Calls of other procedures (CB_COMPOUND,
 *	each opening with CB_SEQUENCE on NFSv4.1) handed to it
 * @bc_replies: reverse Replies sent
 * @bc_calls_dropped: reverse Calls refused (trace: xprtrdma_cb_call_err)
 * @bc_reply_errors: reverse Replies not sent (trace: xprtrdma_cb_reply_err)
 * @injected_disconnects: connections dropped by SUNRPC's fault injection
 *	(trace: xprtrdma_inject_disconnect)
 * @device_removals: connections closed because their device was being
 *	removed (ib_client.c)
 * @sends_stalled: Sends still busy RPCRDMA_STALL_TIMEOUT after their
 *	post when their req was sent again, or LOCAL_INV chains (queued
 *	behind a stalled Send) not complete that long in a free path: the
 *	connection was closed (trace: xprtrdma_send_stalled)
 * @send_cqes_lost: Sends the device never completed, though their QP
 *	was drained: released by the teardown (trace: xprtrdma_send_lost)
 * @sends_unsignalled: Sends posted without a completion of their own
 * @space_waits: transmissions that found too few free MRs, or no room
 *	for their Send, and waited for write space (trace:
 *	xprtrdma_wait_space)
 */
struct rpcrdma_stats {
	unsigned long		read_chunk_count;
	unsigned long		write_chunk_count;
	unsigned long		reply_chunk_count;
	unsigned long long	total_rdma_request;
	unsigned long long	total_rdma_reply;
	unsigned long long	pullup_copy_count;
	unsigned long long	fixup_copy_count;
	unsigned long		hardway_alloc_bytes;
	unsigned long		failed_marshal_count;
	unsigned long		bad_reply_count;
	unsigned long		nomsg_call_count;
	unsigned long		mrs_recycled;
	unsigned long		mrs_allocated;
	unsigned long		local_inv_needed;
	unsigned long		empty_sendctx_q;
	unsigned long		reply_waits_for_send;
	unsigned long		mrs_exhausted;
	unsigned long		recv_posted;
	unsigned long		recv_none_free;
	unsigned long		max_slots_used;
	unsigned long		recv_errors;
	unsigned long		send_errors;
	unsigned long		post_send_errors;
	unsigned long		remote_inv_rejected;
	unsigned long		bc_null_calls;
	unsigned long		bc_compound_calls;
	unsigned long		bc_replies;
	unsigned long		bc_calls_dropped;
	unsigned long		bc_reply_errors;
	unsigned long		injected_disconnects;
	unsigned long		device_removals;
	unsigned long		sends_stalled;
	unsigned long		send_cqes_lost;
	unsigned long		sends_unsignalled;
	unsigned long		space_waits;
};

/**
 * struct rpcrdma_xprt - an RPC-over-RDMA transport
 * @rx_xprt: the SUNRPC transport; must be first (xprt_alloc/xprt_free)
 * @rx_ep: the current connection, NULL while disconnected.  Set and
 *	cleared only by rpcrdma_xprt_connect() and rpcrdma_xprt_disconnect(),
 *	with the transport's write lock and rb_mr_sem held for write.  Read
 *	by the send path and by xprt_rdma_inject_disconnect() (write lock
 *	held), by completion and CM handlers
 *	(their connection outlives them: it is drained before it is freed)
 *	and by frwr_unmap_sync() under rb_mr_sem held for read.
 * @rx_buf: reqs, reps and MRs
 * @rx_stats: counters; updated without locks where a lost increment only
 *	skews a statistic
 * @rx_connect_worker: runs rpcrdma_xprt_connect()
 * @rx_disconnect_worker: forces a disconnect from atomic context
 * @rx_space_worker: wakes the senders that wait for write space if
 *	nothing did within RPCRDMA_SPACE_RETRY (rpcrdma_wait_for_space())
 * @rx_completion_ids: source of completion IDs
 * @rx_stats_file: rdma_stats is in SUNRPC's debugfs directory for us
 */
struct rpcrdma_xprt {
	struct rpc_xprt		rx_xprt;
	struct rpcrdma_ep	*rx_ep;
	struct rpcrdma_buffer	rx_buf;
	struct rpcrdma_stats	rx_stats;
	struct delayed_work	rx_connect_worker;
	struct work_struct	rx_disconnect_worker;
	struct delayed_work	rx_space_worker;
	atomic_t		rx_completion_ids;
	bool			rx_stats_file;
};

static inline struct rpcrdma_xprt *rpcx_to_rdmax(struct rpc_xprt *xprt)
{
	return container_of(xprt, struct rpcrdma_xprt, rx_xprt);
}

/* transport.c: the tunables, read when a transport is made (slots) or
 * connects (inline sizes)
 */
extern unsigned int xprt_rdma_slot_table_entries;
extern unsigned int xprt_rdma_max_inline_read;
extern unsigned int xprt_rdma_max_inline_write;
#if IS_ENABLED(CONFIG_KUNIT)
int rpcrdma_register_class(struct xprt_class *class);
int rpcrdma_connect_errno(int rc);
#endif
void rpcrdma_update_cwnd(struct rpcrdma_xprt *r_xprt, u32 grant);

/* verbs.c */
int rpcrdma_xprt_connect(struct rpcrdma_xprt *r_xprt);
void rpcrdma_xprt_disconnect(struct rpcrdma_xprt *r_xprt);
void rpcrdma_force_disconnect(struct rpcrdma_xprt *r_xprt);
void rpcrdma_ep_inject_disconnect(struct rpcrdma_xprt *r_xprt);
void rpcrdma_ep_device_removed(struct rpcrdma_ep *ep);
void rpcrdma_fault_init(void);
void rpcrdma_fault_exit(void);
void rpcrdma_xprt_init_workers(struct rpcrdma_xprt *r_xprt,
			       work_func_t connect);
int rpcrdma_buffer_create(struct rpcrdma_xprt *r_xprt);
void rpcrdma_buffer_destroy(struct rpcrdma_buffer *buf);
struct rpcrdma_req *rpcrdma_req_get(struct rpcrdma_buffer *buf);
void rpcrdma_req_put(struct rpcrdma_buffer *buf, struct rpcrdma_req *req);
void rpcrdma_rep_put(struct rpcrdma_buffer *buf, struct rpcrdma_rep *rep);
void rpcrdma_post_recvs(struct rpcrdma_xprt *r_xprt);
struct rpcrdma_mr *rpcrdma_mr_get(struct rpcrdma_xprt *r_xprt);
void rpcrdma_mr_put(struct rpcrdma_mr *mr);
int rpcrdma_wait_for_mrs(struct rpcrdma_xprt *r_xprt, unsigned int wanted);
bool rpcrdma_send_ready(struct rpcrdma_xprt *r_xprt,
			const struct rpcrdma_req *req);
int rpcrdma_wait_for_send(struct rpcrdma_xprt *r_xprt,
			  struct rpcrdma_req *req);

/* ib_client.c */
int rpcrdma_device_attach(struct rpcrdma_ep *ep);
void rpcrdma_device_detach(struct rpcrdma_ep *ep);
int rpcrdma_ib_client_register(void);
void rpcrdma_ib_client_unregister(void);

/* backchannel.c */
int xprt_rdma_bc_setup(struct rpc_xprt *xprt, unsigned int min_reqs);
size_t xprt_rdma_bc_maxpayload(struct rpc_xprt *xprt);
unsigned int xprt_rdma_bc_num_slots(struct rpc_xprt *xprt);
void xprt_rdma_bc_free_rqst(struct rpc_rqst *rqst);
void xprt_rdma_bc_destroy(struct rpc_xprt *xprt, unsigned int max_reqs);
int rpcrdma_bc_send_reply(struct rpc_rqst *rqst);
void rpcrdma_bc_receive_call(struct rpcrdma_xprt *r_xprt,
			     struct rpcrdma_rep *rep, unsigned int offset,
			     bool chunked);

/* frwr_ops.c */
int frwr_query_device(struct rpcrdma_ep *ep, const struct ib_device *device);
unsigned int frwr_max_payload(const struct rpcrdma_ep *ep);
int frwr_mr_init(struct rpcrdma_xprt *r_xprt, struct rpcrdma_mr *mr);
void frwr_mr_release(struct rpcrdma_mr *mr);
void frwr_mr_unmap(struct rpcrdma_mr *mr);
struct rpcrdma_mr_seg *frwr_map(struct rpcrdma_xprt *r_xprt,
				struct rpcrdma_mr_seg *seg, int nsegs,
				bool writing, __be32 xid,
				struct rpcrdma_mr *mr);
int frwr_send(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req);
void frwr_reminv(struct rpcrdma_rep *rep, struct list_head *mrs);
void frwr_unmap_sync(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req);
void frwr_unmap_async(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req);
void frwr_reset(struct rpcrdma_req *req);
void frwr_release_all(struct list_head *mrs);

/* rpc_rdma.c */
void rpcrdma_set_max_header_sizes(struct rpcrdma_ep *ep);
int rpcrdma_prepare_rcv_pages(struct xdr_buf *buf);
int rpcrdma_marshal_req(struct rpcrdma_xprt *r_xprt, struct rpc_rqst *rqst);
void rpcrdma_reply_handler(struct rpcrdma_rep *rep);
void rpcrdma_complete_rqst(struct rpcrdma_rep *rep);
int rpcrdma_marshal_bc_reply(struct rpcrdma_xprt *r_xprt,
			     struct rpc_rqst *rqst);
void rpcrdma_cm_private_apply(struct rpcrdma_ep *ep, const void *data,
			      u8 len);
void rpcrdma_cm_private_init(struct rpcrdma_connect_private *pmsg,
			     unsigned int inline_send,
			     unsigned int inline_recv);
#if IS_ENABLED(CONFIG_KUNIT)
void rpcrdma_sends_reap(struct rpcrdma_xprt *r_xprt, struct rpcrdma_req *req);
void frwr_send_flags(struct rpcrdma_xprt *r_xprt, struct rpcrdma_ep *ep,
		     struct rpcrdma_req *req);
int rpcrdma_ep_size(struct rpcrdma_ep *ep, const struct ib_device *device,
		    unsigned int max_requests);
unsigned int rpcrdma_max_call_header_size(unsigned int maxsegs);
unsigned int rpcrdma_max_reply_header_size(unsigned int maxsegs);
u32 rpcrdma_sanitize_credits(u32 credits, u32 max_requests);
bool rpcrdma_cm_private_fit(const void *data, u8 len,
			    unsigned int *inline_send,
			    unsigned int *inline_recv);
int rpcrdma_encode_call_header(struct xdr_stream *xdr, __be32 xid,
			       u32 credits, const struct rpcrdma_chunks *chunks);
enum rpcrdma_reply_fault
rpcrdma_decode_reply(const void *msg, unsigned int len,
		     const struct rpcrdma_chunks *offered,
		     struct rpcrdma_reply_hdr *hdr);
bool rpcrdma_auth_ddp_ok(const struct rpc_auth *auth);
void rpcrdma_shape(const struct xdr_buf *buf, unsigned int ddp_flag,
		   bool auth_ddp, struct rpcrdma_msg_shape *shape);
enum rpcrdma_call_form
rpcrdma_choose_call(const struct rpcrdma_msg_shape *call,
		    unsigned int max_inline_send);
enum rpcrdma_reply_form
rpcrdma_choose_reply(const struct rpcrdma_msg_shape *reply,
		     unsigned int max_inline_recv);
int rpcrdma_place_inline(struct xdr_buf *rcv, const u8 *src,
			 unsigned int len, u32 written);
unsigned int rpcrdma_bc_call_offset(const void *msg, unsigned int len,
				    bool *chunked);
int rpcrdma_encode_bc_reply(void *dst, unsigned int size, __be32 xid,
			    u32 credits, const struct xdr_buf *reply);
#endif

#endif /* _XPRTRDMA_XPRT_RDMA_H */
