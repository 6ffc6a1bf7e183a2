// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RPC-over-RDMA version 1 transport header (RFC 8166 §4): encoding
 * Calls, decoding and checking Replies, choosing chunks, and the pure
 * arithmetic the connection sets up from (header sizes, credits, RFC 8797
 * CM private data).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/overflow.h>
#include <linux/sunrpc/auth.h>
#include <linux/sunrpc/xdr.h>
#include <kunit/visibility.h>

#include "xprt_rdma.h"
#include "trace.h"

/* The most an RFC 8797 size byte can say: 256 KiB. */
#define RPCRDMA_CMP_MAX_SIZE	rpcrdma_decode_buffer_size(U8_MAX)

/**
 * rpcrdma_max_call_header_size - the largest transport header of a Call
 * @maxsegs: RDMA segments per chunk
 *
 * A Call carries at most one Read chunk and either a Write chunk or a
 * Reply chunk; of the two the Write list is one word longer.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: bytes.
 */
VISIBLE_IF_KUNIT unsigned int rpcrdma_max_call_header_size(unsigned int maxsegs)
{
	unsigned int words;

	/* xid, vers, credits, proc */
	words = rpcrdma_fixed_maxsz;
	/* Read list: maxsegs of { 1, read_segment }, then 0 */
	words += maxsegs * (1 + rpcrdma_readseg_maxsz) + 1;
	/* Write list: 1, count, maxsegs of rdma_segment, then 0 */
	words += 1 + 1 + maxsegs * rpcrdma_segment_maxsz + 1;
	/* Reply chunk: absent */
	words += 1;
	return words * sizeof(__be32);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_max_call_header_size);

/**
 * rpcrdma_max_reply_header_size - the largest transport header of a Reply
 * @maxsegs: RDMA segments per chunk
 *
 * A Reply returns the chunk its Call offered: an empty Read list and a
 * Write chunk or a Reply chunk, the Write list again being longer.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: bytes.
 */
VISIBLE_IF_KUNIT unsigned int rpcrdma_max_reply_header_size(unsigned int maxsegs)
{
	unsigned int words;

	/* xid, vers, credits, proc */
	words = rpcrdma_fixed_maxsz;
	/* Read list: empty */
	words += 1;
	/* Write list: 1, count, maxsegs of rdma_segment, then 0 */
	words += 1 + 1 + maxsegs * rpcrdma_segment_maxsz + 1;
	/* Reply chunk: absent */
	words += 1;
	return words * sizeof(__be32);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_max_reply_header_size);

/**
 * rpcrdma_sanitize_credits - the credit grant we act on
 * @credits: rdma_credit as the server sent it
 * @max_requests: the most requests we can have outstanding
 *
 * RFC 8166 §3.3.1: a grant of zero would stall the connection forever,
 * so it counts as one; more than we can use counts as what we can use.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: a value in [1, @max_requests].
 */
VISIBLE_IF_KUNIT u32 rpcrdma_sanitize_credits(u32 credits, u32 max_requests)
{
	if (!credits)
		return 1;
	return min(credits, max_requests);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_sanitize_credits);

/**
 * rpcrdma_cm_private_init - build our RFC 8797 CM private data
 * @pmsg: filled in
 * @inline_send: our Send buffer size, bytes
 * @inline_recv: our Receive buffer size, bytes
 *
 * Sizes round down to a whole KiB (never promise more than we have) and
 * are clamped to what the format can say.  We accept Send With
 * Invalidate (RFC 8797 §3.2).
 *
 * Context: any; takes no locks, never sleeps.
 */
void rpcrdma_cm_private_init(struct rpcrdma_connect_private *pmsg,
			     unsigned int inline_send,
			     unsigned int inline_recv)
{
	inline_send = clamp_t(unsigned int, inline_send,
			      RPCRDMA_V1_DEF_INLINE_SIZE, RPCRDMA_CMP_MAX_SIZE);
	inline_recv = clamp_t(unsigned int, inline_recv,
			      RPCRDMA_V1_DEF_INLINE_SIZE, RPCRDMA_CMP_MAX_SIZE);

	pmsg->cp_magic = rpcrdma_cmp_magic;
	pmsg->cp_version = RPCRDMA_CMP_VERSION;
	pmsg->cp_flags = RPCRDMA_CMP_F_SND_W_INV_OK;
	pmsg->cp_send_size = rpcrdma_encode_buffer_size(inline_send);
	pmsg->cp_recv_size = rpcrdma_encode_buffer_size(inline_recv);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_cm_private_init);

/**
 * rpcrdma_cm_private_fit - fit our inline sizes to the server's
 * @data: the server's CM private data, or NULL
 * @len: bytes at @data
 * @inline_send: in: ours; out: what we may Send
 * @inline_recv: in: ours; out: the most the server will Send us
 *
 * Without valid private data (absent, short, another magic or version)
 * the server's buffers are 1 KiB each way (RFC 8797 §3.1).
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: true when @data was valid RFC 8797 private data.
 */
VISIBLE_IF_KUNIT bool rpcrdma_cm_private_fit(const void *data, u8 len,
					     unsigned int *inline_send,
					     unsigned int *inline_recv)
{
	const struct rpcrdma_connect_private *pmsg = data;
	unsigned int peer_send = RPCRDMA_V1_DEF_INLINE_SIZE;
	unsigned int peer_recv = RPCRDMA_V1_DEF_INLINE_SIZE;
	bool valid;

	valid = pmsg && len >= sizeof(*pmsg) &&
		pmsg->cp_magic == rpcrdma_cmp_magic &&
		pmsg->cp_version == RPCRDMA_CMP_VERSION;
	if (valid) {
		peer_send = rpcrdma_decode_buffer_size(pmsg->cp_send_size);
		peer_recv = rpcrdma_decode_buffer_size(pmsg->cp_recv_size);
	}
	*inline_send = min(*inline_send, peer_recv);
	*inline_recv = min(*inline_recv, peer_send);
	return valid;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_cm_private_fit);

/**
 * rpcrdma_cm_private_apply - take in the server's RFC 8797 private data
 * @ep: the connection being established
 * @data: the private data of the server's Accept, or NULL
 * @len: bytes at @data
 *
 * Lowers re_inline_send and re_inline_recv to what the server can take
 * and send, then sizes the inline limits to match.  re_remote_inv says
 * whether the server speaks RFC 8797, hence saw that we accept Send With
 * Invalidate; either way a Receive that reports an invalidated rkey is
 * believed.
 *
 * Context: the CM event handler, before the connection is used.
 */
void rpcrdma_cm_private_apply(struct rpcrdma_ep *ep, const void *data, u8 len)
{
	ep->re_remote_inv = rpcrdma_cm_private_fit(data, len,
						   &ep->re_inline_send,
						   &ep->re_inline_recv);
	rpcrdma_set_max_header_sizes(ep);
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_cm_private_apply);

/* Segments one chunk may have: the device's limit within our header's */
static unsigned int rpcrdma_max_chunk_segs(const struct rpcrdma_ep *ep)
{
	return min_t(unsigned int, ep->re_max_rdma_segs,
		     RPCRDMA_MAX_CHUNK_SEGS);
}

/**
 * rpcrdma_set_max_header_sizes - size the inline limits of a connection
 * @ep: re_inline_send, re_inline_recv and re_max_rdma_segs are set
 *
 * re_max_inline_send and re_max_inline_recv become the RPC message bytes
 * that fit beside the largest transport header we send or may receive.
 *
 * Context: connection setup; nothing is sent or received yet.
 */
void rpcrdma_set_max_header_sizes(struct rpcrdma_ep *ep)
{
	unsigned int segs = rpcrdma_max_chunk_segs(ep);
	unsigned int call = rpcrdma_max_call_header_size(segs);
	unsigned int reply = rpcrdma_max_reply_header_size(segs);

	ep->re_max_inline_send = ep->re_inline_send > call ?
				 ep->re_inline_send - call : 0;
	ep->re_max_inline_recv = ep->re_inline_recv > reply ?
				 ep->re_inline_recv - reply : 0;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_set_max_header_sizes);

static unsigned int rpcrdma_shape_len(const struct rpcrdma_msg_shape *shape)
{
	return shape->ms_head + shape->ms_pages + shape->ms_tail;
}

/**
 * rpcrdma_choose_call - how a Call travels
 * @call: the shape of rq_snd_buf
 * @max_inline_send: the most RPC message bytes a Send carries
 *
 * Inline when it fits; else a Read chunk for DDP-eligible pages when the
 * rest fits (RFC 8166 §3.5.2); else a Long Call (§3.5.3).  The payload's
 * XDR pad heads the tail and goes neither into the Read chunk nor inline
 * (RFC 8166 §3.4.5).
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: the form.
 */
VISIBLE_IF_KUNIT enum rpcrdma_call_form
rpcrdma_choose_call(const struct rpcrdma_msg_shape *call,
		    unsigned int max_inline_send)
{
	unsigned int pad;

	if (rpcrdma_shape_len(call) <= max_inline_send)
		return RPCRDMA_CALL_INLINE;
	if (call->ms_ddp && call->ms_pages) {
		pad = min_t(unsigned int, call->ms_tail,
			    xdr_pad_size(call->ms_pages));
		if (call->ms_head + call->ms_tail - pad <= max_inline_send)
			return RPCRDMA_CALL_READ_CHUNK;
	}
	return RPCRDMA_CALL_LONG;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_choose_call);

/**
 * rpcrdma_choose_reply - where a Reply is to land
 * @reply: the shape of rq_rcv_buf
 * @max_inline_recv: the most RPC message bytes a Receive holds
 *
 * Inline when the whole receive buffer fits; else a Write chunk for
 * DDP-eligible pages when the rest fits (RFC 8166 §3.5.2); else a Reply
 * chunk (§3.5.3).  A Write chunk offers no room for XDR pad (§3.4.6).
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: the form.
 */
VISIBLE_IF_KUNIT enum rpcrdma_reply_form
rpcrdma_choose_reply(const struct rpcrdma_msg_shape *reply,
		     unsigned int max_inline_recv)
{
	if (rpcrdma_shape_len(reply) <= max_inline_recv)
		return RPCRDMA_REPLY_INLINE;
	if (reply->ms_ddp && reply->ms_pages &&
	    reply->ms_head + reply->ms_tail <= max_inline_recv)
		return RPCRDMA_REPLY_WRITE_CHUNK;
	return RPCRDMA_REPLY_LONG;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_choose_reply);

/*
 * XDR items.  Encoders return 0 or -EMSGSIZE when the header buffer is
 * full; decoders return RPCRDMA_REPLY_OK or why the header is refused.
 *
 * Encoders write through the Send buffer's xdr_stream.  Decoders read a
 * received header through a struct rpcrdma_hdr_cursor: the Receive is one
 * flat buffer, so the bounds check is all an xdr_stream would add, and it
 * costs a call into SUNRPC per item (some 260 instructions a Reply with a
 * Write chunk).  Only whole words are read; a partial word at the end of
 * a message is never part of a header.
 */
struct rpcrdma_hdr_cursor {
	const __be32	*hc_base;
	const __be32	*hc_p;
	const __be32	*hc_end;
};

static void hdr_cursor_init(struct rpcrdma_hdr_cursor *c, const void *msg,
			    unsigned int len)
{
	c->hc_base = msg;
	c->hc_p = msg;
	c->hc_end = c->hc_base + len / XDR_UNIT;
}

/* The next @nwords words, or NULL (and no step) when fewer are left */
static const __be32 *hdr_take(struct rpcrdma_hdr_cursor *c, size_t nwords)
{
	const __be32 *p = c->hc_p;

	if (unlikely(nwords > (size_t)(c->hc_end - p)))
		return NULL;
	c->hc_p = p + nwords;
	return p;
}

/* Bytes of the header consumed so far */
static unsigned int hdr_pos(const struct rpcrdma_hdr_cursor *c)
{
	return (c->hc_p - c->hc_base) * XDR_UNIT;
}

/* bool: 1 present, 0 absent */
static int encode_discrim(struct xdr_stream *xdr, bool present)
{
	__be32 *p;

	p = xdr_reserve_space(xdr, sizeof(*p));
	if (!p)
		return -EMSGSIZE;
	*p = present ? xdr_one : xdr_zero;
	return 0;
}

static enum rpcrdma_reply_fault decode_discrim(struct rpcrdma_hdr_cursor *c,
					       bool *present)
{
	const __be32 *p;

	p = hdr_take(c, 1);
	if (!p)
		return RPCRDMA_REPLY_TRUNCATED;
	if (*p != xdr_zero && *p != xdr_one)
		return RPCRDMA_REPLY_BAD_BOOL;
	*present = *p == xdr_one;
	return RPCRDMA_REPLY_OK;
}

/* rdma_segment: handle, length, offset (hyper) */
static int encode_rdma_segment(struct xdr_stream *xdr,
			       const struct rpcrdma_wire_seg *seg)
{
	__be32 *p;

	p = xdr_reserve_space(xdr, rpcrdma_segment_maxsz * sizeof(*p));
	if (!p)
		return -EMSGSIZE;
	xdr_encode_rdma_segment(p, seg->ws_handle, seg->ws_length,
				seg->ws_offset);
	return 0;
}

static enum rpcrdma_reply_fault
decode_rdma_segment(struct rpcrdma_hdr_cursor *c, struct rpcrdma_wire_seg *seg)
{
	const __be32 *p;

	p = hdr_take(c, rpcrdma_segment_maxsz);
	if (!p)
		return RPCRDMA_REPLY_TRUNCATED;
	seg->ws_handle = be32_to_cpu(p[0]);
	seg->ws_length = be32_to_cpu(p[1]);
	seg->ws_offset = (u64)be32_to_cpu(p[2]) << 32 | be32_to_cpu(p[3]);
	return RPCRDMA_REPLY_OK;
}

/*
 * read_segment: position, rdma_segment.  Replies carry no Read list
 * (RFC 8166 §4.2.1), so there is no decoder beside this encoder.
 */
static int encode_read_segment(struct xdr_stream *xdr, u32 position,
			       const struct rpcrdma_wire_seg *seg)
{
	__be32 *p;

	p = xdr_reserve_space(xdr, rpcrdma_readseg_maxsz * sizeof(*p));
	if (!p)
		return -EMSGSIZE;
	xdr_encode_read_segment(p, position, seg->ws_handle, seg->ws_length,
				seg->ws_offset);
	return 0;
}

/* read_list: { 1, read_segment }* 0 */
static int encode_read_list(struct xdr_stream *xdr,
			    const struct rpcrdma_chunk *chunk)
{
	u32 i;

	for (i = 0; i < chunk->ch_nsegs; i++) {
		if (encode_discrim(xdr, true) ||
		    encode_read_segment(xdr, chunk->ch_position,
					&chunk->ch_segs[i]))
			return -EMSGSIZE;
	}
	return encode_discrim(xdr, false);
}

static enum rpcrdma_reply_fault decode_read_list(struct rpcrdma_hdr_cursor *c)
{
	enum rpcrdma_reply_fault fault;
	bool present;

	fault = decode_discrim(c, &present);
	if (fault)
		return fault;
	return present ? RPCRDMA_REPLY_READ_LIST : RPCRDMA_REPLY_OK;
}

/* write_chunk: count, rdma_segment[count] */
static int encode_write_chunk(struct xdr_stream *xdr,
			      const struct rpcrdma_chunk *chunk)
{
	__be32 *count;
	u32 i;

	count = xdr_reserve_space(xdr, sizeof(*count));
	if (!count)
		return -EMSGSIZE;
	for (i = 0; i < chunk->ch_nsegs; i++)
		if (encode_rdma_segment(xdr, &chunk->ch_segs[i]))
			return -EMSGSIZE;
	*count = cpu_to_be32(i);
	return 0;
}

/*
 * The server returns the chunk we offered with each length set to what
 * it Wrote (RFC 8166 §3.4.6): no more segments, and no segment longer
 * than the one we offered in its place, so neither is the sum.
 */
static enum rpcrdma_reply_fault
decode_write_chunk(struct rpcrdma_hdr_cursor *c,
		   const struct rpcrdma_chunk *offer, u32 *written,
		   enum rpcrdma_reply_fault overrun)
{
	enum rpcrdma_reply_fault fault;
	struct rpcrdma_wire_seg seg;
	u32 count, i, sum = 0;
	u64 offered = 0;
	const __be32 *p;

	p = hdr_take(c, 1);
	if (!p)
		return RPCRDMA_REPLY_TRUNCATED;
	count = be32_to_cpup(p);
	if (count > offer->ch_nsegs)
		return RPCRDMA_REPLY_TOO_MANY_SEGS;
	for (i = 0; i < count; i++) {
		fault = decode_rdma_segment(c, &seg);
		if (fault)
			return fault;
		if (seg.ws_length > offer->ch_segs[i].ws_length)
			return overrun;
		/* One data item fills the segments in order (RFC 8166
		 * §3.4.4): bytes after a short segment would be counted as
		 * data though nobody Wrote them where they are read.
		 */
		if (seg.ws_length && sum != offered)
			return RPCRDMA_REPLY_CHUNK_GAP;
		if (check_add_overflow(sum, seg.ws_length, &sum))
			return overrun;
		offered += offer->ch_segs[i].ws_length;
	}
	*written = sum;
	return RPCRDMA_REPLY_OK;
}

/* write_list: { 1, write_chunk }* 0 */
static int encode_write_list(struct xdr_stream *xdr,
			     const struct rpcrdma_chunk *chunk)
{
	if (chunk->ch_nsegs &&
	    (encode_discrim(xdr, true) || encode_write_chunk(xdr, chunk)))
		return -EMSGSIZE;
	return encode_discrim(xdr, false);
}

static enum rpcrdma_reply_fault
decode_write_list(struct rpcrdma_hdr_cursor *c,
		  const struct rpcrdma_chunk *offer, struct rpcrdma_reply_hdr *hdr)
{
	enum rpcrdma_reply_fault fault;
	bool present;

	fault = decode_discrim(c, &present);
	if (fault || !present)
		return fault;
	if (!offer->ch_nsegs)
		return RPCRDMA_REPLY_EXTRA_WRITE_CHUNK;
	fault = decode_write_chunk(c, offer, &hdr->rh_write_len,
				   RPCRDMA_REPLY_WRITE_OVERRUN);
	if (fault)
		return fault;
	fault = decode_discrim(c, &present);
	if (fault)
		return fault;
	return present ? RPCRDMA_REPLY_EXTRA_WRITE_CHUNK : RPCRDMA_REPLY_OK;
}

/* reply_chunk: 0 | 1, write_chunk */
static int encode_reply_chunk(struct xdr_stream *xdr,
			      const struct rpcrdma_chunk *chunk)
{
	if (!chunk->ch_nsegs)
		return encode_discrim(xdr, false);
	if (encode_discrim(xdr, true))
		return -EMSGSIZE;
	return encode_write_chunk(xdr, chunk);
}

static enum rpcrdma_reply_fault
decode_reply_chunk(struct rpcrdma_hdr_cursor *c,
		   const struct rpcrdma_chunk *offer, struct rpcrdma_reply_hdr *hdr)
{
	enum rpcrdma_reply_fault fault;
	bool present;

	fault = decode_discrim(c, &present);
	if (fault || !present)
		return fault;
	if (!offer->ch_nsegs)
		return RPCRDMA_REPLY_UNOFFERED_REPLY_CHUNK;
	return decode_write_chunk(c, offer, &hdr->rh_reply_len,
				  RPCRDMA_REPLY_REPLY_OVERRUN);
}

/* rdma_xid, rdma_vers, rdma_credit, rdma_proc */
static int encode_fixed(struct xdr_stream *xdr, __be32 xid, u32 credits,
			__be32 proc)
{
	__be32 *p;

	p = xdr_reserve_space(xdr, rpcrdma_fixed_maxsz * sizeof(*p));
	if (!p)
		return -EMSGSIZE;
	*p++ = xid;
	*p++ = rpcrdma_version;
	*p++ = cpu_to_be32(credits);
	*p = proc;
	return 0;
}

static enum rpcrdma_reply_fault decode_fixed(struct rpcrdma_hdr_cursor *c,
					     struct rpcrdma_reply_hdr *hdr)
{
	const __be32 *p;

	p = hdr_take(c, rpcrdma_fixed_maxsz);
	if (!p)
		return RPCRDMA_REPLY_TRUNCATED;
	hdr->rh_xid = *p++;
	hdr->rh_vers = be32_to_cpup(p++);
	hdr->rh_credits = be32_to_cpup(p++);
	hdr->rh_proc = be32_to_cpup(p);
	return RPCRDMA_REPLY_OK;
}

/*
 * rpc_rdma_errcode, then for ERR_VERS: rdma_vers_low, rdma_vers_high.
 * ERR_VERS reads the same in every version (RFC 8166 §4.5.1), so only
 * other codes need rdma_vers to be 1.
 */
static enum rpcrdma_reply_fault decode_error(struct rpcrdma_hdr_cursor *c,
					     struct rpcrdma_reply_hdr *hdr)
{
	const __be32 *p;

	p = hdr_take(c, 1);
	if (!p)
		return RPCRDMA_REPLY_TRUNCATED;
	hdr->rh_errcode = be32_to_cpup(p);
	if (hdr->rh_errcode == ERR_VERS) {
		p = hdr_take(c, 2);
		if (!p)
			return RPCRDMA_REPLY_TRUNCATED;
		hdr->rh_vers_low = be32_to_cpup(p++);
		hdr->rh_vers_high = be32_to_cpup(p);
		return RPCRDMA_REPLY_OK;
	}
	if (hdr->rh_vers != RPCRDMA_VERSION)
		return RPCRDMA_REPLY_BAD_VERSION;
	if (hdr->rh_errcode != ERR_CHUNK)
		return RPCRDMA_REPLY_BAD_ERRCODE;
	return RPCRDMA_REPLY_OK;
}

/**
 * rpcrdma_encode_call_header - write a Call's transport header
 * @xdr: positioned at the start of the Send buffer
 * @xid: the RPC's XID, as on the wire
 * @credits: the credits we ask for
 * @chunks: the chunks this Call offers
 *
 * A position-zero Read chunk makes a Long Call: RDMA_NOMSG, the whole
 * RPC message in the chunk (RFC 8166 §3.5.3).  Otherwise RDMA_MSG.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: 0, or -EMSGSIZE when the header does not fit.
 */
VISIBLE_IF_KUNIT int
rpcrdma_encode_call_header(struct xdr_stream *xdr, __be32 xid, u32 credits,
			   const struct rpcrdma_chunks *chunks)
{
	const struct rpcrdma_chunk *read = &chunks->rc_read;
	__be32 proc;

	proc = read->ch_nsegs && !read->ch_position ? rdma_nomsg : rdma_msg;
	if (encode_fixed(xdr, xid, credits, proc) ||
	    encode_read_list(xdr, read) ||
	    encode_write_list(xdr, &chunks->rc_write) ||
	    encode_reply_chunk(xdr, &chunks->rc_reply))
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_encode_call_header);

static enum rpcrdma_reply_fault
rpcrdma_decode_reply_fields(struct rpcrdma_hdr_cursor *c, unsigned int len,
			    const struct rpcrdma_chunks *offered,
			    struct rpcrdma_reply_hdr *hdr)
{
	enum rpcrdma_reply_fault fault;

	fault = decode_fixed(c, hdr);
	if (fault)
		return fault;
	if (hdr->rh_proc == RDMA_ERROR)
		return decode_error(c, hdr);
	if (hdr->rh_vers != RPCRDMA_VERSION)
		return RPCRDMA_REPLY_BAD_VERSION;
	if (hdr->rh_proc != RDMA_MSG && hdr->rh_proc != RDMA_NOMSG)
		return RPCRDMA_REPLY_BAD_PROC;

	fault = decode_read_list(c);
	if (!fault)
		fault = decode_write_list(c, &offered->rc_write, hdr);
	if (!fault)
		fault = decode_reply_chunk(c, &offered->rc_reply, hdr);
	if (fault)
		return fault;
	if (hdr->rh_proc == RDMA_NOMSG && !hdr->rh_reply_len)
		return RPCRDMA_REPLY_NOMSG_NO_CHUNK;
	if (hdr->rh_proc == RDMA_MSG && hdr->rh_reply_len)
		return RPCRDMA_REPLY_MSG_AND_CHUNK;
	/* Nothing SUNRPC could take for a reply: a length of 0 would even
	 * read as "no reply yet" and have the Call sent again forever.
	 * Counted in bytes, a partial word at the end included.
	 */
	if (hdr->rh_proc == RDMA_NOMSG ?
	    hdr->rh_reply_len < RPCRDMA_MIN_RPC_REPLY :
	    len - hdr_pos(c) < RPCRDMA_MIN_RPC_REPLY)
		return RPCRDMA_REPLY_NO_RPC_MSG;
	return RPCRDMA_REPLY_OK;
}

/**
 * rpcrdma_decode_reply - decode and check a Reply's transport header
 * @msg: the received message
 * @len: its length in bytes
 * @offered: the chunks the matching Call offered
 * @hdr: filled in; when rh_fault is RPCRDMA_REPLY_OK every field has
 *	been checked
 *
 * A Reply carries no Read list; its Write list and Reply chunk are those
 * we offered, no longer (RFC 8166 §4.2).  RDMA_NOMSG puts the whole RPC
 * Reply in the Reply chunk, RDMA_MSG puts none of it there (§3.5).
 * Credits are returned as sent; rpcrdma_sanitize_credits() clamps them.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: hdr->rh_fault: RPCRDMA_REPLY_OK, or why the header is refused.
 */
VISIBLE_IF_KUNIT enum rpcrdma_reply_fault
rpcrdma_decode_reply(const void *msg, unsigned int len,
		     const struct rpcrdma_chunks *offered,
		     struct rpcrdma_reply_hdr *hdr)
{
	struct rpcrdma_hdr_cursor c;

	memset(hdr, 0, sizeof(*hdr));
	hdr_cursor_init(&c, msg, len);
	hdr->rh_fault = rpcrdma_decode_reply_fields(&c, len, offered, hdr);
	hdr->rh_hdrlen = hdr_pos(&c);
	return hdr->rh_fault;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_decode_reply);

/* ---- Reverse direction (RFC 8167) ---- */

/* A counted array of RDMA segments, skipped unchecked */
static bool skip_segments(struct rpcrdma_hdr_cursor *c)
{
	const __be32 *p;
	u32 count;

	p = hdr_take(c, 1);
	if (!p)
		return false;
	/* Divide, not multiply: no count can wrap, whatever size_t is */
	count = be32_to_cpup(p);
	if (count > (c->hc_end - c->hc_p) / rpcrdma_segment_maxsz)
		return false;
	c->hc_p += count * rpcrdma_segment_maxsz;
	return true;
}

/*
 * Step over the Read list, Write list and Reply chunk to where the RPC
 * message starts, checking nothing but the bounds: the direction is all
 * that is wanted here.  @chunked is set when any of them is present.
 */
static bool skip_chunk_lists(struct rpcrdma_hdr_cursor *c, bool *chunked)
{
	bool present;

	/* Read list: (1, position, segment)*, 0 */
	for (;;) {
		if (decode_discrim(c, &present))
			return false;
		if (!present)
			break;
		*chunked = true;
		if (!hdr_take(c, rpcrdma_readseg_maxsz))
			return false;
	}
	/* Write list: (1, count, segment[count])*, 0 */
	for (;;) {
		if (decode_discrim(c, &present))
			return false;
		if (!present)
			break;
		*chunked = true;
		if (!skip_segments(c))
			return false;
	}
	/* Reply chunk: 0, or 1, count, segment[count] */
	if (decode_discrim(c, &present))
		return false;
	if (!present)
		return true;
	*chunked = true;
	return skip_segments(c);
}

/**
 * rpcrdma_bc_call_offset - is a received message a reverse-direction Call?
 * @msg: the received bytes
 * @len: their number
 * @chunked: set when the transport header carries any chunk
 *
 * RFC 8167 §4: both directions share the connection's Receives, and a
 * message is told apart by the msg_type of the RPC message behind its
 * transport header, never by its XID (the server picks reverse XIDs,
 * which may equal ours).  Only RDMA_MSG carries the RPC header inline;
 * a header that is malformed or ends early is left to the Reply path,
 * which refuses it.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: the offset of the RPC Call in @msg, or 0 when @msg is not a
 * reverse-direction Call.
 */
VISIBLE_IF_KUNIT unsigned int rpcrdma_bc_call_offset(const void *msg,
						     unsigned int len,
						     bool *chunked)
{
	struct rpcrdma_hdr_cursor c;
	const __be32 *w = msg;
	unsigned int offset;
	const __be32 *p;

	*chunked = false;
	/*
	 * Every Reply that needs no chunk is RDMA_MSG with three empty
	 * lists: the RPC header then starts right after those seven words
	 * (the walk below costs a few dozen instructions more).
	 */
	if (len >= 9 * XDR_UNIT && w[1] == rpcrdma_version &&
	    w[3] == rdma_msg && w[4] == xdr_zero && w[5] == xdr_zero &&
	    w[6] == xdr_zero)
		return w[8] == cpu_to_be32(RPC_CALL) ? 7 * XDR_UNIT : 0;
	hdr_cursor_init(&c, msg, len);
	/* rdma_xid, rdma_vers, rdma_credit, rdma_proc */
	p = hdr_take(&c, rpcrdma_fixed_maxsz);
	if (!p || p[1] != rpcrdma_version || p[3] != rdma_msg)
		return 0;
	if (!skip_chunk_lists(&c, chunked))
		return 0;
	offset = hdr_pos(&c);
	/* xid, msg_type */
	p = hdr_take(&c, 2);
	if (!p || p[1] != cpu_to_be32(RPC_CALL))
		return 0;
	return offset;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_bc_call_offset);

/* ---- Calls: choose, register, marshal ---- */

/**
 * rpcrdma_auth_ddp_ok - may this flavour's payloads be placed directly?
 * @auth: the RPC's credential's rpc_auth
 *
 * No direct data placement when the flavour touches the data
 * (RPCSEC_GSS integrity and privacy, RFC 8267 §4): the checksum or the
 * ciphertext covers the whole message, so a payload the server placed
 * or fetched apart from it would be unprotected, and a krb5p READ would
 * cross the fabric in cleartext.  Such messages go inline, as a Long
 * Call or into a Reply chunk, with no XDR pad dropped.
 *
 * The Kerberos pseudoflavours are decided by number.  auth_gss's
 * gss_create_new() takes the gss_auth from kmalloc() and only ever sets
 * bits in au_flags, so a krb5 auth can inherit RPCAUTH_AUTH_DATATOUCH
 * from the krb5i or krb5p auth whose memory it reuses: krb5 would lose
 * direct placement at random (seen in 6.1.192 and 6.12.118; always
 * under slub_debug=P).  Any other flavour follows the bit, which errs
 * only towards inline.
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: true when payloads may travel in Read and Write chunks.
 */
VISIBLE_IF_KUNIT bool rpcrdma_auth_ddp_ok(const struct rpc_auth *auth)
{
	switch (auth->au_flavor) {
	case RPC_AUTH_GSS_KRB5:
		return true;
	case RPC_AUTH_GSS_KRB5I:
	case RPC_AUTH_GSS_KRB5P:
		return false;
	default:
		/* au_flags holds bit numbers (__set_bit), not masks */
		return !test_bit(RPCAUTH_AUTH_DATATOUCH, &auth->au_flags);
	}
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_auth_ddp_ok);

/**
 * rpcrdma_shape - what chunk choice needs to know about an xdr_buf
 * @buf: an RPC's rq_snd_buf or rq_rcv_buf
 * @ddp_flag: XDRBUF_WRITE for a Call, XDRBUF_READ for a Reply: the upper
 *	layer's mark for DDP-eligible pages (RFC 8267)
 * @auth_ddp: rpcrdma_auth_ddp_ok() of the RPC's flavour
 * @shape: filled in
 *
 * Context: any; takes no locks, never sleeps.
 */
VISIBLE_IF_KUNIT void rpcrdma_shape(const struct xdr_buf *buf,
				    unsigned int ddp_flag, bool auth_ddp,
				    struct rpcrdma_msg_shape *shape)
{
	shape->ms_head = buf->head[0].iov_len;
	shape->ms_pages = buf->page_len;
	shape->ms_tail = buf->tail[0].iov_len;
	shape->ms_ddp = (buf->flags & ddp_flag) && auth_ddp;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_shape);

/*
 * Pieces for rl_segments: each within one page.  The head and tail are
 * in the req's kmalloc'd buffers, hence in the linear map.  Each helper
 * appends after @n pieces and returns the new count or -errno (passed
 * through, so calls chain).
 */
static int rpcrdma_kvec_segs(const struct kvec *vec,
			     struct rpcrdma_mr_seg *segs, int n)
{
	char *base = vec->iov_base;
	size_t len = vec->iov_len;
	struct rpcrdma_mr_seg *seg;

	if (n < 0)
		return n;
	while (len) {
		if (n >= RPCRDMA_MAX_SEGS)
			return -EMSGSIZE;
		seg = &segs[n++];
		seg->ms_page = virt_to_page(base);
		seg->ms_offset = offset_in_page(base);
		seg->ms_len = min_t(size_t, len, PAGE_SIZE - seg->ms_offset);
		base += seg->ms_len;
		len -= seg->ms_len;
	}
	return n;
}

/* A sparse page list is not filled in here: we allocate nothing now. */
static int rpcrdma_page_segs(const struct xdr_buf *buf,
			     struct rpcrdma_mr_seg *segs, int n)
{
	struct page **ppage = buf->pages + (buf->page_base >> PAGE_SHIFT);
	unsigned int offset = offset_in_page(buf->page_base);
	unsigned int len = buf->page_len;
	struct rpcrdma_mr_seg *seg;

	if (n < 0)
		return n;
	while (len) {
		if (n >= RPCRDMA_MAX_SEGS)
			return -EMSGSIZE;
		if (!*ppage)
			return -EIO;
		seg = &segs[n++];
		seg->ms_page = *ppage++;
		seg->ms_offset = offset;
		seg->ms_len = min_t(unsigned int, len, PAGE_SIZE - offset);
		len -= seg->ms_len;
		offset = 0;
	}
	return n;
}

/*
 * Register the first @nsegs pieces of rl_segments as @chunk: one MR per
 * page-contiguous run, each MR one RDMA segment.  MRs go on rl_registered
 * before they are mapped, so the send or free path releases them
 * whatever happens here.
 */
static int rpcrdma_register_chunk(struct rpcrdma_xprt *r_xprt,
				  struct rpcrdma_req *req, int nsegs,
				  bool writing, struct rpcrdma_chunk *chunk)
{
	unsigned int max = rpcrdma_max_chunk_segs(r_xprt->rx_ep);
	struct rpcrdma_mr_seg *seg = req->rl_segments;
	struct rpcrdma_mr_seg *end = seg + nsegs;
	struct rpcrdma_wire_seg *ws;
	struct rpcrdma_mr *mr;

	chunk->ch_nsegs = 0;
	while (seg < end) {
		if (chunk->ch_nsegs == max)
			return -EMSGSIZE;
		mr = rpcrdma_mr_get(r_xprt);
		if (!mr)
			return -EAGAIN;
		list_add_tail(&mr->mr_list, &req->rl_registered);
		seg = frwr_map(r_xprt, seg, end - seg, writing,
			       req->rl_slot.rq_xid, mr);
		if (IS_ERR(seg))
			return PTR_ERR(seg);
		ws = &chunk->ch_segs[chunk->ch_nsegs++];
		ws->ws_handle = mr->mr_handle;
		ws->ws_length = mr->mr_length;
		ws->ws_offset = mr->mr_offset;
	}
	return 0;
}

/* One tracepoint per segment of a chunk just registered */
static void rpcrdma_trace_read_chunk(const struct rpcrdma_req *req,
				     const struct rpcrdma_chunk *chunk)
{
	u32 i;

	for (i = 0; i < chunk->ch_nsegs; i++)
		trace_xprtrdma_chunk_read(&req->rl_slot, chunk->ch_position, i,
					  chunk->ch_nsegs, &chunk->ch_segs[i]);
}

static void rpcrdma_trace_reply_chunk(const struct rpcrdma_req *req,
				      const struct rpcrdma_chunk *chunk,
				      enum rpcrdma_reply_form form)
{
	u32 i;

	for (i = 0; i < chunk->ch_nsegs; i++) {
		if (form == RPCRDMA_REPLY_WRITE_CHUNK)
			trace_xprtrdma_chunk_write(&req->rl_slot, 0, i,
						   chunk->ch_nsegs,
						   &chunk->ch_segs[i]);
		else
			trace_xprtrdma_chunk_reply(&req->rl_slot, 0, i,
						   chunk->ch_nsegs,
						   &chunk->ch_segs[i]);
	}
}

/* The payload's XDR pad, at the head of the tail (xdr_write_pages()). */
static unsigned int rpcrdma_tail_pad(const struct xdr_buf *buf)
{
	return min_t(unsigned int, buf->tail[0].iov_len,
		     xdr_pad_size(buf->page_len));
}

static int rpcrdma_call_chunks(struct rpcrdma_xprt *r_xprt,
			       struct rpcrdma_req *req,
			       enum rpcrdma_call_form form)
{
	struct rpcrdma_chunk *read = &req->rl_chunks.rc_read;
	struct xdr_buf *snd = &req->rl_slot.rq_snd_buf;
	struct rpcrdma_mr_seg *segs = req->rl_segments;
	int n;

	switch (form) {
	case RPCRDMA_CALL_READ_CHUNK:
		read->ch_position = snd->head[0].iov_len;
		n = rpcrdma_page_segs(snd, segs, 0);
		break;
	case RPCRDMA_CALL_LONG:
		read->ch_position = 0;
		n = rpcrdma_kvec_segs(&snd->head[0], segs, 0);
		n = rpcrdma_page_segs(snd, segs, n);
		n = rpcrdma_kvec_segs(&snd->tail[0], segs, n);
		break;
	default:
		return 0;
	}
	if (n < 0)
		return n;
	n = rpcrdma_register_chunk(r_xprt, req, n, false, read);
	if (n)
		return n;
	rpcrdma_trace_read_chunk(req, read);
	r_xprt->rx_stats.read_chunk_count++;
	if (form == RPCRDMA_CALL_LONG)
		r_xprt->rx_stats.nomsg_call_count++;
	return 0;
}

static int rpcrdma_reply_chunks(struct rpcrdma_xprt *r_xprt,
				struct rpcrdma_req *req,
				enum rpcrdma_reply_form form)
{
	struct xdr_buf *rcv = &req->rl_slot.rq_rcv_buf;
	struct rpcrdma_mr_seg *segs = req->rl_segments;
	struct rpcrdma_chunk *chunk;
	int n;

	switch (form) {
	case RPCRDMA_REPLY_WRITE_CHUNK:
		chunk = &req->rl_chunks.rc_write;
		n = rpcrdma_page_segs(rcv, segs, 0);
		break;
	case RPCRDMA_REPLY_LONG:
		chunk = &req->rl_chunks.rc_reply;
		n = rpcrdma_kvec_segs(&rcv->head[0], segs, 0);
		n = rpcrdma_page_segs(rcv, segs, n);
		n = rpcrdma_kvec_segs(&rcv->tail[0], segs, n);
		break;
	default:
		return 0;
	}
	if (n < 0)
		return n;
	n = rpcrdma_register_chunk(r_xprt, req, n, true, chunk);
	if (n)
		return n;
	rpcrdma_trace_reply_chunk(req, chunk, form);
	if (form == RPCRDMA_REPLY_WRITE_CHUNK)
		r_xprt->rx_stats.write_chunk_count++;
	else
		r_xprt->rx_stats.reply_chunk_count++;
	return 0;
}

static unsigned int rpcrdma_copy_kvec(u8 *dst, const struct kvec *vec,
				      unsigned int skip)
{
	if (vec->iov_len <= skip)
		return 0;
	memcpy(dst, vec->iov_base + skip, vec->iov_len - skip);
	return vec->iov_len - skip;
}

static unsigned int rpcrdma_copy_from_pages(u8 *dst, const struct xdr_buf *buf)
{
	struct page **ppage = buf->pages + (buf->page_base >> PAGE_SHIFT);
	unsigned int offset = offset_in_page(buf->page_base);
	unsigned int len = buf->page_len, done = 0, n;

	while (len) {
		n = min_t(unsigned int, len, PAGE_SIZE - offset);
		memcpy_from_page(dst + done, *ppage++, offset, n);
		done += n;
		len -= n;
		offset = 0;
	}
	return done;
}

/*
 * Write the transport header, then the inline part of the Call, into
 * the pre-mapped Send buffer, and point the Send's one SGE at them.
 */
static int rpcrdma_prepare_send(struct rpcrdma_xprt *r_xprt,
				struct rpcrdma_req *req,
				enum rpcrdma_call_form form)
{
	struct rpcrdma_regbuf *rb = &req->rl_sendbuf;
	struct xdr_buf *snd = &req->rl_slot.rq_snd_buf;
	unsigned int hdrlen, len = 0;
	struct xdr_stream xdr;
	struct xdr_buf hdrbuf;
	u8 *dst;

	xdr_buf_init(&hdrbuf, rb->rg_base, rb->rg_len);
	hdrbuf.head[0].iov_len = 0;
	xdr_init_encode(&xdr, &hdrbuf, rb->rg_base, NULL);
	if (rpcrdma_encode_call_header(&xdr, req->rl_slot.rq_xid,
				       r_xprt->rx_ep->re_max_requests,
				       &req->rl_chunks))
		return -EMSGSIZE;
	hdrlen = xdr_stream_pos(&xdr);

	if (form == RPCRDMA_CALL_INLINE)
		len = snd->head[0].iov_len + snd->page_len +
		      snd->tail[0].iov_len;
	else if (form == RPCRDMA_CALL_READ_CHUNK)
		len = snd->head[0].iov_len + snd->tail[0].iov_len -
		      rpcrdma_tail_pad(snd);
	if (hdrlen + len > rb->rg_len)
		return -EMSGSIZE;

	dst = rb->rg_base + hdrlen;
	if (form != RPCRDMA_CALL_LONG) {
		dst += rpcrdma_copy_kvec(dst, &snd->head[0], 0);
		if (form == RPCRDMA_CALL_INLINE) {
			dst += rpcrdma_copy_from_pages(dst, snd);
			rpcrdma_copy_kvec(dst, &snd->tail[0], 0);
		} else {
			rpcrdma_copy_kvec(dst, &snd->tail[0],
					  rpcrdma_tail_pad(snd));
		}
	}
	r_xprt->rx_stats.pullup_copy_count += len;
	req->rl_sge[0].length = hdrlen + len;
	req->rl_wr.num_sge = 1;
	return 0;
}

/**
 * rpcrdma_encode_bc_reply - write a reverse-direction Reply to send
 * @dst: the Send buffer
 * @size: bytes of @dst the Send may use: at most what the server
 *	receives inline
 * @xid: the reverse Call's XID, as on the wire
 * @credits: the backchannel credits granted to the server
 * @reply: the RPC Reply the callback service encoded
 *
 * RDMA_MSG with no chunks, the RPC Reply inline after the header: the
 * server offers no chunks in reverse Calls we accept, so a Reply that
 * does not fit inline cannot be sent at all (RFC 8167).
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: the bytes written, or -EMSGSIZE when the Reply does not fit.
 */
VISIBLE_IF_KUNIT int rpcrdma_encode_bc_reply(void *dst, unsigned int size,
					     __be32 xid, u32 credits,
					     const struct xdr_buf *reply)
{
	unsigned int hdrlen, len = reply->head[0].iov_len + reply->page_len +
				   reply->tail[0].iov_len;
	struct xdr_stream xdr;
	struct xdr_buf hdrbuf;
	u8 *p;

	xdr_buf_init(&hdrbuf, dst, size);
	hdrbuf.head[0].iov_len = 0;
	xdr_init_encode(&xdr, &hdrbuf, dst, NULL);
	/* no Read list, no Write list, no Reply chunk */
	if (encode_fixed(&xdr, xid, credits, rdma_msg) ||
	    encode_discrim(&xdr, false) || encode_discrim(&xdr, false) ||
	    encode_discrim(&xdr, false))
		return -EMSGSIZE;
	hdrlen = xdr_stream_pos(&xdr);
	if (len > size - hdrlen)
		return -EMSGSIZE;

	p = dst + hdrlen;
	p += rpcrdma_copy_kvec(p, &reply->head[0], 0);
	p += rpcrdma_copy_from_pages(p, reply);
	rpcrdma_copy_kvec(p, &reply->tail[0], 0);
	return hdrlen + len;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_encode_bc_reply);

/**
 * rpcrdma_marshal_bc_reply - put a reverse-direction Reply in its Send
 * @r_xprt: the connected transport
 * @rqst: a backchannel rqst holding the Reply in rq_snd_buf
 *
 * Context: the sending task holds the transport's write lock; never
 * sleeps or allocates.
 *
 * Return: 0, or -EMSGSIZE when the Reply does not fit inline.
 */
int rpcrdma_marshal_bc_reply(struct rpcrdma_xprt *r_xprt,
			     struct rpc_rqst *rqst)
{
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);
	struct rpcrdma_regbuf *rb = &req->rl_sendbuf;
	int len;

	len = rpcrdma_encode_bc_reply(rb->rg_base,
				      min(rb->rg_len,
					  r_xprt->rx_ep->re_inline_send),
				      rqst->rq_xid, RPCRDMA_BC_SLOTS,
				      &rqst->rq_snd_buf);
	if (len < 0)
		return len;
	r_xprt->rx_stats.pullup_copy_count += len - RPCRDMA_HDRLEN_MIN;
	req->rl_sge[0].length = len;
	req->rl_wr.num_sge = 1;
	return 0;
}

/**
 * rpcrdma_prepare_rcv_pages - fill in a sparse receive page list
 * @buf: an RPC's rq_snd_buf or rq_rcv_buf, just encoded
 *
 * Some Replies (NFSv3 GETACL, NFSv4 GETACL and LISTXATTRS) come with a
 * page list whose pages the transport is to allocate as data arrives.
 * Chunks and inline placement need them all now, and the send and
 * receive paths allocate nothing, so they are allocated here.  The upper
 * layer frees them.
 *
 * Context: RPC task context (rpc_xprt_ops.prepare_request), may sleep.
 *
 * Return: 0, or -ENOMEM (SUNRPC delays and encodes again).
 */
int rpcrdma_prepare_rcv_pages(struct xdr_buf *buf)
{
	unsigned int i, npages;

	if (!(buf->flags & XDRBUF_SPARSE_PAGES) || !buf->page_len)
		return 0;
	npages = (buf->page_base + buf->page_len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	for (i = buf->page_base >> PAGE_SHIFT; i < npages; i++) {
		if (buf->pages[i])
			continue;
		buf->pages[i] = alloc_page(rpc_task_gfp_mask());
		if (!buf->pages[i])
			return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_prepare_rcv_pages);

/**
 * rpcrdma_marshal_req - turn an encoded RPC Call into an RPC-over-RDMA Call
 * @r_xprt: the transport, connected
 * @rqst: the RPC; rq_snd_buf holds the Call, rq_rcv_buf awaits the Reply
 *
 * Chooses how the Call travels and where the Reply lands, registers the
 * chunks (MRs onto rl_registered, offers recorded in rl_chunks for the
 * reply handler), writes the transport header and the inline part into
 * the Send buffer and sets up the Send WR.  Posts nothing.
 *
 * Context: the caller holds the transport's write lock and owns @rqst's
 * req; never sleeps or allocates.  On error the caller releases MRs
 * already on rl_registered (frwr_reset()).
 *
 * Return: 0; -EAGAIN when MRs ran out (try later); -EMSGSIZE when the
 * Call needs more segments or header room than we have; -EIO otherwise.
 */
int rpcrdma_marshal_req(struct rpcrdma_xprt *r_xprt, struct rpc_rqst *rqst)
{
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	struct rpcrdma_msg_shape shape;
	enum rpcrdma_call_form call;
	enum rpcrdma_reply_form reply;
	bool auth_ddp;
	int rc;

	req->rl_chunks.rc_read.ch_nsegs = 0;
	req->rl_chunks.rc_write.ch_nsegs = 0;
	req->rl_chunks.rc_reply.ch_nsegs = 0;

	auth_ddp = !rqst->rq_cred ||
		   rpcrdma_auth_ddp_ok(rqst->rq_cred->cr_auth);
	rpcrdma_shape(&rqst->rq_snd_buf, XDRBUF_WRITE, auth_ddp, &shape);
	call = rpcrdma_choose_call(&shape, ep->re_max_inline_send);
	rpcrdma_shape(&rqst->rq_rcv_buf, XDRBUF_READ, auth_ddp, &shape);
	reply = rpcrdma_choose_reply(&shape, ep->re_max_inline_recv);

	rc = rpcrdma_call_chunks(r_xprt, req, call);
	if (!rc)
		rc = rpcrdma_reply_chunks(r_xprt, req, reply);
	if (!rc)
		rc = rpcrdma_prepare_send(r_xprt, req, call);
	if (rc)
		return rc;
	trace_xprtrdma_marshal(rqst, req->rl_sge[0].length, call, reply);
	return 0;
}

/* ---- Replies: match, check, place, complete ---- */

static int rpcrdma_copy_to_pages(const struct xdr_buf *buf, const u8 *src,
				 unsigned int len)
{
	struct page **ppage = buf->pages + (buf->page_base >> PAGE_SHIFT);
	unsigned int offset = offset_in_page(buf->page_base);
	unsigned int n;

	while (len) {
		if (!*ppage)
			return -EIO;
		n = min_t(unsigned int, len, PAGE_SIZE - offset);
		memcpy_to_page(*ppage++, offset, src, n);
		src += n;
		len -= n;
		offset = 0;
	}
	return 0;
}

/**
 * rpcrdma_place_inline - put an RDMA_MSG Reply's inline part in place
 * @rcv: the RPC's receive buffer (rq_private_buf)
 * @src: the inline RPC message, after the transport header
 * @len: its length
 * @written: bytes the server Wrote into our Write chunk (the pages)
 *
 * The inline part goes where TCP would have put it: head, pages, tail.
 * Data the server Wrote is already in the pages, and neither the chunk
 * nor the inline part carries its XDR pad (RFC 8166 §3.4.6): the tail
 * starts with that pad, zeroed here, then the rest of the inline part.
 *
 * With a Write chunk, @rcv is trimmed to what arrived: the head ends
 * with the inline part when that is shorter (an NFSv3 READ without
 * attributes, say), and the pages hold @written bytes.  Otherwise the
 * decoder, meeting head bytes that were never received before the
 * pages, would shift them into the data (xdr_read_pages()), and page
 * bytes beyond @written into the tail.  The inline part fills the head
 * first: results that follow the DDP item land in the head only when
 * the part before it came back shorter than the head, which no NFS
 * READ reply does (nothing follows its data).
 *
 * Context: any; takes no locks, never sleeps.
 *
 * Return: the Reply's XDR length, or -EIO when it overruns @rcv or meets
 * a sparse page (we allocate nothing here).
 */
VISIBLE_IF_KUNIT int rpcrdma_place_inline(struct xdr_buf *rcv, const u8 *src,
					  unsigned int len, u32 written)
{
	const struct kvec *tail = &rcv->tail[0];
	unsigned int left = len, pad = 0, n;

	n = min_t(unsigned int, left, rcv->head[0].iov_len);
	if (n)
		memcpy(rcv->head[0].iov_base, src, n);
	src += n;
	left -= n;
	if (written) {
		if (written > rcv->page_len)
			return -EIO;
		pad = xdr_pad_size(written);
	} else {
		n = min(left, rcv->page_len);
		if (rpcrdma_copy_to_pages(rcv, src, n))
			return -EIO;
		src += n;
		left -= n;
	}
	if (pad + left > tail->iov_len)
		return -EIO;
	if (pad)
		memset(tail->iov_base, 0, pad);
	if (left)
		memcpy(tail->iov_base + pad, src, left);
	if (written) {
		rcv->head[0].iov_len = min_t(unsigned int, len,
					     rcv->head[0].iov_len);
		rcv->buflen -= rcv->page_len - written;
		rcv->page_len = written;
	}
	return len + written + pad;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_place_inline);

/*
 * RDMA_ERROR ERR_VERS: the server speaks no RPC-over-RDMA version we do
 * (RFC 8166 §4.5.1), so sending the Call again cannot help.  SUNRPC is
 * handed the RPC layer's own version refusal, a MSG_DENIED RPC_MISMATCH
 * reply (RFC 5531 §9), on which rpc_decode_header() ends the RPC at once
 * with -EPROTONOSUPPORT.  Its low and high words carry the transport
 * versions the server named, for whoever reads a trace of it.
 */
static int rpcrdma_place_err_vers(struct xdr_buf *rcv, __be32 xid,
				  const struct rpcrdma_reply_hdr *hdr)
{
	__be32 *p = rcv->head[0].iov_base;

	if (rcv->head[0].iov_len < 6 * XDR_UNIT)
		return -EIO;
	*p++ = xid;
	*p++ = rpc_reply;
	*p++ = cpu_to_be32(RPC_MSG_DENIED);
	*p++ = rpc_mismatch;
	*p++ = cpu_to_be32(hdr->rh_vers_low);
	*p = cpu_to_be32(hdr->rh_vers_high);
	return 6 * XDR_UNIT;
}

/*
 * Put a checked Reply where SUNRPC reads it: rq_private_buf, which
 * call_decode() requires to equal rq_rcv_buf apart from its length, so
 * whatever placement trimmed is copied back.  Returns the Reply's
 * length, or -EIO for a reply SUNRPC must not see.
 */
static int rpcrdma_place_reply(struct rpcrdma_xprt *r_xprt,
			       struct rpcrdma_rep *rep, struct rpc_rqst *rqst)
{
	const struct rpcrdma_reply_hdr *hdr = &rep->rr_hdr;
	struct xdr_buf *rcv = &rqst->rq_private_buf;
	unsigned int len = rep->rr_len - hdr->rh_hdrlen;
	int copied;

	if (hdr->rh_fault)
		return -EIO;
	if (hdr->rh_proc == RDMA_ERROR)
		return hdr->rh_errcode == ERR_VERS ?
		       rpcrdma_place_err_vers(rcv, rqst->rq_xid, hdr) : -EIO;
	r_xprt->rx_stats.total_rdma_reply += hdr->rh_write_len +
					     hdr->rh_reply_len;
	if (hdr->rh_proc == RDMA_NOMSG)
		return hdr->rh_reply_len;
	copied = rpcrdma_place_inline(rcv, rep->rr_rdmabuf.rg_base +
				      hdr->rh_hdrlen, len, hdr->rh_write_len);
	if (copied < 0) {
		r_xprt->rx_stats.bad_reply_count++;
		trace_xprtrdma_reply_overrun_err(rep, hdr->rh_xid, len);
		return copied;
	}
	rqst->rq_rcv_buf = *rcv;
	r_xprt->rx_stats.fixup_copy_count += len;
	return copied;
}

/* Not a multiple of four: see rpcrdma_complete_rqst() */
#define RPCRDMA_UNPARSABLE_LEN	1

/**
 * rpcrdma_complete_rqst - hand a checked Reply to SUNRPC
 * @rep: the reply; rr_req is its req, whose MRs are all released
 *
 * Places the Reply in rq_private_buf (or accounts for what the server
 * Wrote there), returns @rep to the pool and completes the RPC: with the
 * Reply's length; for ERR_VERS with a version refusal that ends the RPC
 * (rpcrdma_place_err_vers()); for a refused header or ERR_CHUNK with a
 * length SUNRPC treats as an unparsable reply (retried, then -EIO).
 *
 * Context: Receive or LOCAL_INV completion; never sleeps.  Consumes @rep
 * and the pin rpcrdma_reply_handler() took on the rqst.
 */
void rpcrdma_complete_rqst(struct rpcrdma_rep *rep)
{
	struct rpcrdma_xprt *r_xprt = rep->rr_rxprt;
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	struct rpcrdma_req *req = rep->rr_req;
	struct rpc_rqst *rqst = &req->rl_slot;
	int copied;

	copied = rpcrdma_place_reply(r_xprt, rep, rqst);
	rpcrdma_rep_put(&r_xprt->rx_buf, rep);

	/*
	 * A refused Reply is handed on with a length no RPC reply can have
	 * (RFC 5531 messages are whole XDR words), so rpc_decode_header()
	 * rejects it as unparsable: like garbage on a stream transport, the
	 * RPC is sent again tk_garb_retry times, then fails with -EIO.  An
	 * error in tk_status instead would be lost whenever the Reply beats
	 * the sending task to call_transmit_status(), which clears it.
	 */
	if (copied < 0)
		copied = RPCRDMA_UNPARSABLE_LEN;

	spin_lock(&xprt->queue_lock);
	req->rl_reply = NULL;
	xprt_complete_rqst(rqst->rq_task, copied);
	xprt_unpin_rqst(rqst);
	spin_unlock(&xprt->queue_lock);
}

/* Decode @rep's header against what @req offered, then take its credit
 * grant; a refused header's grant is not taken: nothing in it is trusted.
 */
static void rpcrdma_decode_and_grant(struct rpcrdma_xprt *r_xprt,
				     struct rpcrdma_rep *rep,
				     struct rpcrdma_req *req)
{
	struct rpcrdma_reply_hdr *hdr = &rep->rr_hdr;
	struct rpcrdma_ep *ep = r_xprt->rx_ep;
	u32 credits;

	if (rpcrdma_decode_reply(rep->rr_rdmabuf.rg_base, rep->rr_len,
				 &req->rl_chunks, hdr)) {
		r_xprt->rx_stats.bad_reply_count++;
		trace_xprtrdma_reply_hdr_err(rep, req->rl_slot.rq_xid);
		return;
	}
	if (hdr->rh_proc == RDMA_ERROR) {
		r_xprt->rx_stats.bad_reply_count++;
		if (hdr->rh_errcode == ERR_VERS)
			trace_xprtrdma_err_vers(rep, hdr->rh_xid,
						hdr->rh_errcode);
		else
			trace_xprtrdma_err_chunk(rep, hdr->rh_xid,
						 hdr->rh_errcode);
	}
	credits = rpcrdma_sanitize_credits(hdr->rh_credits,
					   ep->re_max_requests);
	rpcrdma_update_cwnd(r_xprt, credits);
	trace_xprtrdma_reply(rep, credits);
}

/**
 * rpcrdma_reply_handler - process one received RPC-over-RDMA Reply
 * @rep: the Receive, rr_len bytes DMA-synced for the CPU
 *
 * Finds the RPC by XID and pins it, checks the transport header against
 * what the Call offered, takes the credit grant, honours a Remote
 * Invalidation, then invalidates the RPC's remaining MRs; the last
 * invalidation (or this function, when none is left) completes the RPC.
 * A Reply that matches no RPC sent on this connection, or a second
 * Reply to one, is counted and dropped; a malformed Reply fails its RPC
 * with -EIO.  A reverse-direction Call, told apart by its RPC header
 * before any XID lookup, goes to rpcrdma_bc_receive_call().
 *
 * Context: Receive completion; never allocates, and sleeps only to fence
 * the QP when a LOCAL_INV chain cannot be posted (frwr_unmap_async()).
 * Owns @rep, which it returns to the pool or hands on with the RPC.
 */
void rpcrdma_reply_handler(struct rpcrdma_rep *rep)
{
	struct rpcrdma_xprt *r_xprt = rep->rr_rxprt;
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	struct rpcrdma_req *req;
	struct rpc_rqst *rqst;
	unsigned int offset;
	bool chunked;
	__be32 xid;

	if (rep->rr_len < sizeof(xid))
		goto out_short;
	xid = *(__be32 *)rep->rr_rdmabuf.rg_base;
	/* The direction first: a reverse Call's XID is the server's */
	offset = rpcrdma_bc_call_offset(rep->rr_rdmabuf.rg_base, rep->rr_len,
					&chunked);
	if (offset) {
		rpcrdma_bc_receive_call(r_xprt, rep, offset, chunked);
		return;
	}

	spin_lock(&xprt->queue_lock);
	rqst = xprt_lookup_rqst(xprt, xid);
	if (!rqst)
		goto out_unmatched;
	req = rpcr_to_rdmar(rqst);
	/* Not sent on this connection: not a reply to our Call (the
	 * rule for RPCRDMA_REQ_SENT is in xprt_rdma.h)
	 */
	if (!test_bit(RPCRDMA_REQ_SENT, &req->rl_flags)) {
		/* mountstats' bad_xids, as xprt_lookup_rqst() counts a miss */
		xprt->stat.bad_xids++;
		goto out_unmatched;
	}
	if (req->rl_reply)
		goto out_dup;
	xprt_pin_rqst(rqst);
	req->rl_reply = rep;
	spin_unlock(&xprt->queue_lock);

	rep->rr_req = req;
	rpcrdma_decode_and_grant(r_xprt, rep, req);
	frwr_reminv(rep, &req->rl_registered);
	frwr_unmap_async(r_xprt, req);
	return;

out_short:
	r_xprt->rx_stats.bad_reply_count++;
	trace_xprtrdma_reply_short_err(rep, 0, rep->rr_len);
	goto out_put;
out_unmatched:
	spin_unlock(&xprt->queue_lock);
	trace_xprtrdma_reply_rqst_err(rep, xid, 0);
	goto out_put;
out_dup:
	spin_unlock(&xprt->queue_lock);
	r_xprt->rx_stats.bad_reply_count++;
	trace_xprtrdma_reply_dup_err(rep, xid, 0);
out_put:
	rpcrdma_rep_put(&r_xprt->rx_buf, rep);
}
