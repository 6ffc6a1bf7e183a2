// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the RPC-over-RDMA version 1 transport header (RFC 8166 §4).
 * Wire images are written word by word in host order, one field per
 * line, exactly as RFC 8166's XDR lays them out.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sunrpc/xdr.h>

#include "xprt_rdma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define WIRE_WORDS	40
#define XID		0x5a5a0001

/* A segment's offset: a hyper, high word first on the wire */
#define OFFSET		0x1122334455667788ULL
#define OFF_HI		0x11223344
#define OFF_LO		0x55667788
/* An accepted, successful RPC reply (RFC 5531 §9) with an AUTH_NONE
 * verifier, in the images below as its six words: xid, REPLY,
 * MSG_ACCEPTED, verifier flavor, verifier length, SUCCESS
 */
#define RPC_REPLY_LEN	(6 * 4)

#define SEG(h, len)	{ .ws_handle = (h), .ws_length = (len), \
			  .ws_offset = OFFSET }

static __be32 *wire_image(struct kunit *test, const u32 *words)
{
	__be32 *buf;
	int i;

	buf = kunit_kzalloc(test, WIRE_WORDS * sizeof(*buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < WIRE_WORDS; i++)
		buf[i] = cpu_to_be32(words[i]);
	return buf;
}

/* ---- Calls: the header we send ---- */

struct call_case {
	const char *rule;
	struct rpcrdma_chunks chunks;
	unsigned int bufsize;		/* 0: room enough */
	int rc;
	unsigned int nwords;
	u32 wire[WIRE_WORDS];
};

static const struct call_case call_cases[] = {
	{
		.rule = "RFC 8166 §3.5.1 a Short Call: RDMA_MSG, three empty lists",
		.nwords = 4 + 1 + 1 + 1,
		.wire = {
			XID,		/* rdma_xid */
			1,		/* rdma_vers */
			128,		/* rdma_credit */
			0,		/* rdma_proc: RDMA_MSG */
			0,		/* Read list: end */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
	},
	{
		.rule = "RFC 8166 §4.2.1 a Read list: {1, position, segment} per segment",
		.chunks.rc_read = { .ch_position = 148, .ch_nsegs = 2,
				    .ch_segs = { SEG(0x100, 4096),
						 SEG(0x101, 1000) } },
		.nwords = 4 + 2 * (1 + 5) + 1 + 1 + 1,
		.wire = {
			XID, 1, 128,
			0,		/* rdma_proc: RDMA_MSG */
			1,		/* Read list: a segment follows */
			148,		/* position */
			0x100,		/* handle */
			4096,		/* length */
			OFF_HI,		/* offset, high word */
			OFF_LO,		/* offset, low word */
			1,		/* Read list: a segment follows */
			148,		/* position */
			0x101,		/* handle */
			1000,		/* length: no XDR pad (§3.4.5) */
			OFF_HI,
			OFF_LO,
			0,		/* Read list: end */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
	},
	{
		.rule = "RFC 8166 §3.5.3 a Long Call: RDMA_NOMSG and a position-zero Read chunk",
		.chunks.rc_read = { .ch_position = 0, .ch_nsegs = 1,
				    .ch_segs = { SEG(0x100, 5000) } },
		.nwords = 4 + (1 + 5) + 1 + 1 + 1,
		.wire = {
			XID, 1, 128,
			1,		/* rdma_proc: RDMA_NOMSG */
			1,		/* Read list: a segment follows */
			0,		/* position zero */
			0x100, 5000, OFF_HI, OFF_LO,
			0,		/* Read list: end */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
	},
	{
		.rule = "RFC 8166 §4.2.2 a Write list: 1, count, segments, then 0",
		.chunks.rc_write = { .ch_nsegs = 2,
				     .ch_segs = { SEG(0x200, 4096),
						  SEG(0x201, 4096) } },
		.nwords = 4 + 1 + (1 + 1 + 2 * 4 + 1) + 1,
		.wire = {
			XID, 1, 128,
			0,		/* rdma_proc: RDMA_MSG */
			0,		/* Read list: end */
			1,		/* Write list: a chunk follows */
			2,		/* segment count */
			0x200, 4096, OFF_HI, OFF_LO,
			0x201, 4096, OFF_HI, OFF_LO,
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
	},
	{
		.rule = "RFC 8166 §4.2.3 a Reply chunk: 1, count, segments",
		.chunks.rc_reply = { .ch_nsegs = 1,
				     .ch_segs = { SEG(0x300, 8192) } },
		.nwords = 4 + 1 + 1 + (1 + 1 + 4),
		.wire = {
			XID, 1, 128,
			0,		/* rdma_proc: RDMA_MSG */
			0,		/* Read list: end */
			0,		/* Write list: end */
			1,		/* Reply chunk: present */
			1,		/* segment count */
			0x300, 8192, OFF_HI, OFF_LO,
		},
	},
	{
		.rule = "RFC 8166 §4.2 a Read chunk and a Reply chunk in one Call",
		.chunks.rc_read = { .ch_position = 200, .ch_nsegs = 1,
				    .ch_segs = { SEG(0x100, 65536) } },
		.chunks.rc_reply = { .ch_nsegs = 1,
				     .ch_segs = { SEG(0x300, 4096) } },
		.nwords = 4 + (1 + 5) + 1 + 1 + (1 + 1 + 4),
		.wire = {
			XID, 1, 128,
			0,		/* rdma_proc: RDMA_MSG */
			1, 200, 0x100, 65536, OFF_HI, OFF_LO,
			0,		/* Read list: end */
			0,		/* Write list: end */
			1, 1, 0x300, 4096, OFF_HI, OFF_LO,
		},
	},
	{
		.rule = "RFC 8166 §4.2 a Long Call with a Write chunk",
		.chunks.rc_read = { .ch_position = 0, .ch_nsegs = 1,
				    .ch_segs = { SEG(0x100, 3000) } },
		.chunks.rc_write = { .ch_nsegs = 1,
				     .ch_segs = { SEG(0x200, 4096) } },
		.nwords = 4 + (1 + 5) + 1 + (1 + 1 + 4 + 1) + 1,
		.wire = {
			XID, 1, 128,
			1,		/* rdma_proc: RDMA_NOMSG */
			1, 0, 0x100, 3000, OFF_HI, OFF_LO,
			0,		/* Read list: end */
			1, 1, 0x200, 4096, OFF_HI, OFF_LO,
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
	},
	{
		.rule = "a header that does not fit its buffer is refused, not truncated",
		.chunks.rc_write = { .ch_nsegs = 2,
				     .ch_segs = { SEG(0x200, 4096),
						  SEG(0x201, 4096) } },
		.bufsize = (4 + 1 + 1 + 1 + 4) * 4,
		.rc = -EMSGSIZE,
	},
};

static void call_case_desc(const struct call_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(call, call_cases, call_case_desc);

static void call_header_test(struct kunit *test)
{
	const struct call_case *c = test->param_value;
	unsigned int size = c->bufsize ?: WIRE_WORDS * 4;
	struct xdr_stream *xdr;
	struct xdr_buf *buf;
	__be32 *mem;
	unsigned int i;
	int rc;

	KUNIT_ASSERT_LE(test, c->nwords, WIRE_WORDS);
	mem = kunit_kzalloc(test, size, GFP_KERNEL);
	buf = kunit_kzalloc(test, sizeof(*buf), GFP_KERNEL);
	xdr = kunit_kzalloc(test, sizeof(*xdr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, xdr);
	xdr_buf_init(buf, mem, size);
	buf->head[0].iov_len = 0;
	xdr_init_encode(xdr, buf, mem, NULL);

	rc = rpcrdma_encode_call_header(xdr, cpu_to_be32(XID), 128,
					&c->chunks);
	KUNIT_ASSERT_EQ(test, rc, c->rc);
	if (rc)
		return;
	KUNIT_EXPECT_EQ(test, xdr_stream_pos(xdr), c->nwords * 4);
	for (i = 0; i < c->nwords; i++)
		KUNIT_EXPECT_EQ_MSG(test, be32_to_cpu(mem[i]), c->wire[i],
				    "word %u", i);
}

/* ---- Replies: the header we receive ---- */

struct reply_case {
	const char *rule;
	unsigned int write_offered;	/* 4 KiB segments in our Write chunk */
	unsigned int reply_offered;	/* 4 KiB segments in our Reply chunk */
	unsigned int len;		/* bytes received */
	u32 wire[WIRE_WORDS];
	enum rpcrdma_reply_fault fault;
	u32 proc;
	u32 write_len;
	u32 reply_len;
	u32 errcode;
	u32 vers_low;
	u32 vers_high;
	unsigned int hdrlen;
};

static const struct reply_case reply_cases[] = {
	{
		.rule = "RFC 8166 §3.5.1 a Short Reply: RDMA_MSG, RPC message follows the header",
		.len = (4 + 1 + 1 + 1) * 4 + RPC_REPLY_LEN,
		.wire = {
			XID,		/* rdma_xid */
			1,		/* rdma_vers */
			32,		/* rdma_credit */
			0,		/* rdma_proc: RDMA_MSG */
			0,		/* Read list: end */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
			XID, 1, 0, 0, 0, 0,	/* the RPC Reply */
		},
		.proc = RDMA_MSG,
		.hdrlen = (4 + 1 + 1 + 1) * 4,
	},
	{
		.rule = "RFC 8166 §4.2.2 the Write chunk comes back with the bytes written",
		.write_offered = 2,
		.len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4 + RPC_REPLY_LEN,
		.wire = {
			XID, 1, 32,
			0,		/* RDMA_MSG */
			0,		/* Read list: end */
			1,		/* Write list: a chunk follows */
			2,		/* segment count */
			0x200, 4096, OFF_HI, OFF_LO,
			0x201, 903, OFF_HI, OFF_LO,
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
			XID, 1, 0, 0, 0, 0,	/* the RPC Reply */
		},
		.proc = RDMA_MSG,
		.write_len = 4096 + 903,
		.hdrlen = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4,
	},
	{
		.rule = "RFC 8166 §4.2.2 an unused Write chunk may come back empty",
		.write_offered = 1,
		.len = (4 + 1 + 1 + 1) * 4 + RPC_REPLY_LEN,
		.wire = { XID, 1, 32, 0, 0, 0, 0, XID, 1, 0, 0, 0, 0 },
		.proc = RDMA_MSG,
		.hdrlen = (4 + 1 + 1 + 1) * 4,
	},
	{
		.rule = "RFC 5531 §9 the shortest RPC reply (MSG_DENIED AUTH_ERROR) is accepted",
		.len = (4 + 1 + 1 + 1 + 5) * 4,
		.wire = {
			XID, 1, 32, 0, 0, 0, 0,
			XID, 1,		/* xid, REPLY */
			1, 1,		/* MSG_DENIED, AUTH_ERROR */
			1,		/* AUTH_BADCRED */
		},
		.proc = RDMA_MSG,
		.hdrlen = (4 + 1 + 1 + 1) * 4,
	},
	{
		.rule = "RFC 8166 §3.5.1 RDMA_MSG with no RPC message after the header is refused",
		.len = (4 + 1 + 1 + 1) * 4,
		.wire = { XID, 1, 32, 0, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_NO_RPC_MSG,
	},
	{
		.rule = "RFC 8166 §3.5.1 RDMA_MSG with less than an RPC reply inline is refused",
		.len = (4 + 1 + 1 + 1 + 4) * 4,
		.wire = { XID, 1, 32, 0, 0, 0, 0, XID, 1, 1, 1 },
		.fault = RPCRDMA_REPLY_NO_RPC_MSG,
	},
	{
		.rule = "RFC 8166 §3.5.1 19 bytes inline, a partial last word, are no RPC reply",
		.len = (4 + 1 + 1 + 1) * 4 + 19,
		.wire = { XID, 1, 32, 0, 0, 0, 0, XID, 1, 1, 1, 1 },
		.fault = RPCRDMA_REPLY_NO_RPC_MSG,
	},
	{
		.rule = "RFC 8166 §3.5.1 a Write chunk without an inline RPC reply is refused",
		.write_offered = 1,
		.len = (4 + 1 + (1 + 1 + 4 + 1) + 1) * 4,
		.wire = { XID, 1, 32, 0, 0, 1, 1, 0x200, 8, OFF_HI, OFF_LO, 0, 0 },
		.fault = RPCRDMA_REPLY_NO_RPC_MSG,
	},
	{
		.rule = "RFC 8166 §3.4.4 a Write chunk has no data after a short segment",
		.write_offered = 2,
		.len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1 + 6) * 4,
		.wire = {
			XID, 1, 32, 0, 0,
			1, 2,		/* a Write chunk of two segments */
			0x200, 8, OFF_HI, OFF_LO,	/* short ... */
			0x201, 4096, OFF_HI, OFF_LO,	/* ... then data */
			0, 0,
			XID, 1, 0, 0, 0, 0,
		},
		.fault = RPCRDMA_REPLY_CHUNK_GAP,
	},
	{
		.rule = "RFC 8166 §3.4.4 a Reply chunk has no data after a short segment",
		.reply_offered = 2,
		.len = (4 + 1 + 1 + (1 + 1 + 2 * 4)) * 4,
		.wire = {
			XID, 1, 32, 1, 0, 0,
			1, 2,		/* a Reply chunk of two segments */
			0x300, 0, OFF_HI, OFF_LO,	/* empty ... */
			0x301, 200, OFF_HI, OFF_LO,	/* ... then data */
		},
		.fault = RPCRDMA_REPLY_CHUNK_GAP,
	},
	{
		.rule = "RFC 8166 §3.5.3 RDMA_NOMSG needs a whole RPC reply in its chunk",
		.reply_offered = 1,
		.len = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 1, 1, 0x300, 16, OFF_HI, OFF_LO },
		.fault = RPCRDMA_REPLY_NO_RPC_MSG,
	},
	{
		.rule = "RFC 8166 §3.5.3 a Long Reply: RDMA_NOMSG, the message in the Reply chunk",
		.reply_offered = 2,
		.len = (4 + 1 + 1 + (1 + 1 + 2 * 4)) * 4,
		.wire = {
			XID, 1, 32,
			1,		/* RDMA_NOMSG */
			0,		/* Read list: end */
			0,		/* Write list: end */
			1,		/* Reply chunk: present */
			2,		/* segment count */
			0x300, 4096, OFF_HI, OFF_LO,
			0x301, 100, OFF_HI, OFF_LO,
		},
		.proc = RDMA_NOMSG,
		.reply_len = 4096 + 100,
		.hdrlen = (4 + 1 + 1 + (1 + 1 + 2 * 4)) * 4,
	},
	{
		.rule = "RFC 8166 §4.2.3 an unused Reply chunk comes back with zero length",
		.reply_offered = 1,
		.len = (4 + 1 + 1 + (1 + 1 + 4)) * 4 + RPC_REPLY_LEN,
		.wire = { XID, 1, 32, 0, 0, 0, 1, 1, 0x300, 0, OFF_HI, OFF_LO,
			  XID, 1, 0, 0, 0, 0 },
		.proc = RDMA_MSG,
		.hdrlen = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
	},
	{
		.rule = "RFC 8166 §4.5.1 ERR_VERS carries the versions the server speaks",
		.len = (4 + 1 + 2) * 4,
		.wire = {
			XID, 1, 32,
			4,		/* rdma_proc: RDMA_ERROR */
			1,		/* rdma_err: ERR_VERS */
			2,		/* rdma_vers_low */
			3,		/* rdma_vers_high */
		},
		.proc = RDMA_ERROR,
		.errcode = ERR_VERS,
		.vers_low = 2,
		.vers_high = 3,
		.hdrlen = (4 + 1 + 2) * 4,
	},
	{
		.rule = "RFC 8166 §4.5.1 ERR_VERS is understood whatever rdma_vers says",
		.len = (4 + 1 + 2) * 4,
		.wire = { XID, 2, 32, 4, 1, 2, 2 },
		.proc = RDMA_ERROR,
		.errcode = ERR_VERS,
		.vers_low = 2,
		.vers_high = 2,
		.hdrlen = (4 + 1 + 2) * 4,
	},
	{
		.rule = "RFC 8166 §4.5.3 ERR_CHUNK: the server could not parse our chunks",
		.len = (4 + 1) * 4,
		.wire = {
			XID, 1, 32,
			4,		/* rdma_proc: RDMA_ERROR */
			2,		/* rdma_err: ERR_CHUNK */
		},
		.proc = RDMA_ERROR,
		.errcode = ERR_CHUNK,
		.hdrlen = (4 + 1) * 4,
	},
	/* malformed */
	{
		.rule = "RFC 8166 §4.1 a header shorter than its fixed fields is refused",
		.len = 3 * 4,
		.wire = { XID, 1, 32, 0 },
		.fault = RPCRDMA_REPLY_TRUNCATED,
	},
	{
		.rule = "RFC 8166 §4.1 a header ending mid-word is refused",
		.len = (4 + 1 + 1) * 4 + 2,
		.wire = { XID, 1, 32, 0, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_TRUNCATED,
	},
	{
		.rule = "RFC 8166 §4.1.2 rdma_vers other than 1 is refused",
		.len = (4 + 1 + 1 + 1) * 4,
		.wire = { XID, 2, 32, 0, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_BAD_VERSION,
	},
	{
		.rule = "RFC 8166 §4.1.2 an RDMA_ERROR other than ERR_VERS needs rdma_vers 1",
		.len = (4 + 1) * 4,
		.wire = { XID, 2, 32, 4, 2 },
		.fault = RPCRDMA_REPLY_BAD_VERSION,
	},
	{
		.rule = "RFC 8166 §4.6.1 RDMA_MSGP is no longer supported",
		.len = (4 + 1 + 1 + 1 + 2) * 4,
		.wire = { XID, 1, 32, 2, 0, 0, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_BAD_PROC,
	},
	{
		.rule = "RFC 8166 §4.6.2 RDMA_DONE is no longer supported",
		.len = 4 * 4,
		.wire = { XID, 1, 32, 3 },
		.fault = RPCRDMA_REPLY_BAD_PROC,
	},
	{
		.rule = "RFC 8166 §4.5.2 an unknown rdma_proc is refused",
		.len = (4 + 1 + 1 + 1) * 4,
		.wire = { XID, 1, 32, 5, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_BAD_PROC,
	},
	{
		.rule = "RFC 8166 §4.5.2 an unknown rdma_err is refused",
		.len = (4 + 1) * 4,
		.wire = { XID, 1, 32, 4, 3 },
		.fault = RPCRDMA_REPLY_BAD_ERRCODE,
	},
	{
		.rule = "RFC 4506 §4.4 a list discriminator is 0 or 1",
		.len = (4 + 1 + 1 + 1) * 4,
		.wire = { XID, 1, 32, 0, 0, 2, 0 },
		.fault = RPCRDMA_REPLY_BAD_BOOL,
	},
	{
		.rule = "RFC 8166 §4.2.1 a Reply carries no Read list",
		.len = (4 + (1 + 5) + 1 + 1 + 1) * 4,
		.wire = { XID, 1, 32, 0, 1, 0, 0x100, 8, OFF_HI, 0, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_READ_LIST,
	},
	{
		.rule = "RFC 8166 §4.2.2 no Write chunk comes back that was not offered",
		.len = (4 + 1 + (1 + 1 + 4 + 1) + 1) * 4,
		.wire = { XID, 1, 32, 0, 0,
			  1, 1, 0x200, 8, OFF_HI, OFF_LO, 0,
			  0 },
		.fault = RPCRDMA_REPLY_EXTRA_WRITE_CHUNK,
	},
	{
		.rule = "RFC 8166 §4.2.2 no more Write chunks come back than were offered",
		.write_offered = 1,
		.len = (4 + 1 + 2 * (1 + 1 + 4) + 1 + 1) * 4,
		.wire = { XID, 1, 32, 0, 0,
			  1, 1, 0x200, 8, OFF_HI, OFF_LO,
			  1, 1, 0x200, 8, OFF_HI, OFF_LO,
			  0, 0 },
		.fault = RPCRDMA_REPLY_EXTRA_WRITE_CHUNK,
	},
	{
		.rule = "RFC 8166 §3.4.6 a Write chunk keeps the segment count offered",
		.write_offered = 1,
		.len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4,
		.wire = { XID, 1, 32, 0, 0,
			  1, 2, 0x200, 8, OFF_HI, OFF_LO,
			  0x201, 8, OFF_HI, OFF_LO,
			  0, 0 },
		.fault = RPCRDMA_REPLY_TOO_MANY_SEGS,
	},
	{
		.rule = "RFC 8166 §3.4.6 no more is written than the Write chunk offered",
		.write_offered = 1,
		.len = (4 + 1 + (1 + 1 + 4 + 1) + 1) * 4,
		.wire = { XID, 1, 32, 0, 0,
			  1, 1, 0x200, 4096 + 1, OFF_HI, OFF_LO, 0,
			  0 },
		.fault = RPCRDMA_REPLY_WRITE_OVERRUN,
	},
	{
		.rule = "RFC 8166 §3.4.6 no Write segment grows past the one offered",
		.write_offered = 2,
		.len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4,
		.wire = { XID, 1, 32, 0, 0,
			  1, 2, 0x200, 4096 + 1, OFF_HI, OFF_LO,
			  0x201, 0, OFF_HI, OFF_LO,
			  0, 0 },
		.fault = RPCRDMA_REPLY_WRITE_OVERRUN,
	},
	{
		.rule = "RFC 8166 §3.4.6 Write segment lengths may not wrap their sum",
		.write_offered = 2,
		.len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4,
		.wire = { XID, 1, 32, 0, 0,
			  1, 2, 0x200, 0xffffffff, OFF_HI, OFF_LO,
			  0x201, 2, OFF_HI, OFF_LO,
			  0, 0 },
		.fault = RPCRDMA_REPLY_WRITE_OVERRUN,
	},
	{
		.rule = "RFC 8166 §4.2.3 no Reply chunk comes back that was not offered",
		.len = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 1, 1, 0x300, 8, OFF_HI, 0 },
		.fault = RPCRDMA_REPLY_UNOFFERED_REPLY_CHUNK,
	},
	{
		.rule = "RFC 8166 §4.2.3 a Reply chunk keeps the segment count offered",
		.reply_offered = 1,
		.len = (4 + 1 + 1 + (1 + 1 + 2 * 4)) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 1, 2,
			  0x300, 8, OFF_HI, 0, 0x301, 8, OFF_HI, 0 },
		.fault = RPCRDMA_REPLY_TOO_MANY_SEGS,
	},
	{
		.rule = "RFC 8166 §4.2.3 no more is written than the Reply chunk offered",
		.reply_offered = 1,
		.len = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 1, 1, 0x300, 4097, OFF_HI, 0 },
		.fault = RPCRDMA_REPLY_REPLY_OVERRUN,
	},
	{
		.rule = "RFC 8166 §4.2.3 no Reply segment grows past the one offered",
		.reply_offered = 2,
		.len = (4 + 1 + 1 + (1 + 1 + 2 * 4)) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 1, 2,
			  0x300, 4096 + 1, OFF_HI, 0, 0x301, 0, OFF_HI, 0 },
		.fault = RPCRDMA_REPLY_REPLY_OVERRUN,
	},
	{
		.rule = "RFC 8166 §4.2.3 Reply segment lengths may not wrap their sum",
		.reply_offered = 2,
		.len = (4 + 1 + 1 + (1 + 1 + 2 * 4)) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 1, 2,
			  0x300, 0xfffffffe, OFF_HI, 0, 0x301, 4, OFF_HI, 0 },
		.fault = RPCRDMA_REPLY_REPLY_OVERRUN,
	},
	{
		.rule = "RFC 8166 §3.5.3 RDMA_NOMSG needs a Reply chunk with the message",
		.reply_offered = 1,
		.len = (4 + 1 + 1 + 1) * 4,
		.wire = { XID, 1, 32, 1, 0, 0, 0 },
		.fault = RPCRDMA_REPLY_NOMSG_NO_CHUNK,
	},
	{
		.rule = "RFC 8166 §3.5.3 RDMA_MSG leaves the Reply chunk empty",
		.reply_offered = 1,
		.len = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
		.wire = { XID, 1, 32, 0, 0, 0, 1, 1, 0x300, 8, OFF_HI, 0 },
		.fault = RPCRDMA_REPLY_MSG_AND_CHUNK,
	},
};

static void reply_case_desc(const struct reply_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reply, reply_cases, reply_case_desc);

static void offer_chunk(struct rpcrdma_chunk *chunk, u32 handle,
			unsigned int nsegs)
{
	unsigned int i;

	chunk->ch_nsegs = nsegs;
	for (i = 0; i < nsegs; i++) {
		chunk->ch_segs[i].ws_handle = handle + i;
		chunk->ch_segs[i].ws_length = 4096;
	}
}

static enum rpcrdma_reply_fault
decode_image(struct kunit *test, const u32 *wire, unsigned int len,
	     unsigned int write_offered, unsigned int reply_offered,
	     struct rpcrdma_reply_hdr *hdr)
{
	struct rpcrdma_chunks *offer;
	__be32 *mem;

	mem = wire_image(test, wire);
	offer = kunit_kzalloc(test, sizeof(*offer), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, offer);
	offer_chunk(&offer->rc_write, 0x200, write_offered);
	offer_chunk(&offer->rc_reply, 0x300, reply_offered);

	/* the bytes past @len stay in memory: the decoder must not read them */
	return rpcrdma_decode_reply(mem, len, offer, hdr);
}

static void reply_header_test(struct kunit *test)
{
	const struct reply_case *c = test->param_value;
	struct rpcrdma_reply_hdr hdr;
	enum rpcrdma_reply_fault fault;

	KUNIT_ASSERT_LE(test, c->len, WIRE_WORDS * 4);
	fault = decode_image(test, c->wire, c->len, c->write_offered,
			     c->reply_offered, &hdr);
	KUNIT_ASSERT_EQ(test, fault, c->fault);
	KUNIT_EXPECT_EQ(test, hdr.rh_fault, c->fault);
	if (fault)
		return;
	KUNIT_EXPECT_EQ(test, be32_to_cpu(hdr.rh_xid), XID);
	KUNIT_EXPECT_EQ(test, hdr.rh_credits, 32);
	KUNIT_EXPECT_EQ(test, hdr.rh_proc, c->proc);
	KUNIT_EXPECT_EQ(test, hdr.rh_write_len, c->write_len);
	KUNIT_EXPECT_EQ(test, hdr.rh_reply_len, c->reply_len);
	KUNIT_EXPECT_EQ(test, hdr.rh_errcode, c->errcode);
	KUNIT_EXPECT_EQ(test, hdr.rh_vers_low, c->vers_low);
	KUNIT_EXPECT_EQ(test, hdr.rh_vers_high, c->vers_high);
	KUNIT_EXPECT_EQ(test, hdr.rh_hdrlen, c->hdrlen);
}

/*
 * Truncation: two valid images cut short inside each field.  Whatever
 * the field, a header that ends early is refused as truncated.
 */
static const u32 write_reply_image[WIRE_WORDS] = {
	XID, 1, 32, 0,			/* fixed fields: words 0-3 */
	0,				/* Read list: word 4 */
	1,				/* Write list discriminator: word 5 */
	1,				/* segment count: word 6 */
	0x200, 8, OFF_HI, OFF_LO,	/* segment: words 7-10 */
	0,				/* Write list end: word 11 */
	0,				/* Reply chunk: word 12 */
	XID, 1, 0, 0, 0, 0,		/* RPC Reply: words 13-18 */
};

static const u32 err_vers_image[WIRE_WORDS] = {
	XID, 1, 32, 4,			/* fixed fields: words 0-3 */
	1,				/* ERR_VERS: word 4 */
	1, 1,				/* low, high: words 5-6 */
};

struct trunc_case {
	const char *rule;
	const u32 *image;
	unsigned int len;
};

static const struct trunc_case trunc_cases[] = {
	{ "RFC 8166 §4.1 truncated: empty message", write_reply_image, 0 },
	{ "RFC 8166 §4.1.1 truncated in rdma_xid", write_reply_image, 2 },
	{ "RFC 8166 §4.1.3 truncated after rdma_credit", write_reply_image, 3 * 4 },
	{ "RFC 8166 §4.2.1 truncated before the Read list", write_reply_image, 4 * 4 },
	{ "RFC 8166 §4.2.2 truncated before the Write list", write_reply_image, 5 * 4 },
	{ "RFC 8166 §4.2.2 truncated before the segment count", write_reply_image, 6 * 4 },
	{ "RFC 8166 §4.2 truncated in a segment's handle", write_reply_image, 7 * 4 + 2 },
	{ "RFC 8166 §4.2 truncated in a segment's offset", write_reply_image, 10 * 4 },
	{ "RFC 8166 §4.2.2 truncated before the Write list's end", write_reply_image, 11 * 4 },
	{ "RFC 8166 §4.2.3 truncated before the Reply chunk", write_reply_image, 12 * 4 },
	{ "RFC 8166 §4.5 truncated before rdma_err", err_vers_image, 4 * 4 },
	{ "RFC 8166 §4.5.1 truncated before rdma_vers_high", err_vers_image, 6 * 4 },
};

static void trunc_case_desc(const struct trunc_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(trunc, trunc_cases, trunc_case_desc);

static void reply_truncated_test(struct kunit *test)
{
	const struct trunc_case *c = test->param_value;
	struct rpcrdma_reply_hdr hdr;

	KUNIT_EXPECT_EQ(test, decode_image(test, c->image, c->len, 1, 0, &hdr),
			RPCRDMA_REPLY_TRUNCATED);
}

/* The untruncated images decode: the truncation rows test the cut. */
static void reply_images_valid_test(struct kunit *test)
{
	struct rpcrdma_reply_hdr hdr;

	KUNIT_EXPECT_EQ(test, decode_image(test, write_reply_image,
					   13 * 4 + RPC_REPLY_LEN,
					   1, 0, &hdr), RPCRDMA_REPLY_OK);
	KUNIT_EXPECT_EQ(test, hdr.rh_write_len, 8);
	KUNIT_EXPECT_EQ(test, decode_image(test, err_vers_image, 7 * 4,
					   1, 0, &hdr), RPCRDMA_REPLY_OK);
}

/* ---- Placing an RDMA_MSG Reply's inline part ---- */

#define HEAD_LEN	8
#define TAIL_LEN	8

struct place_case {
	const char *rule;
	unsigned int page_base;	/* within the first of two pages */
	unsigned int page_len;
	unsigned int len;	/* inline bytes after the transport header */
	u32 written;		/* bytes the server Wrote into the pages */
	int result;
	unsigned int in_head;	/* where the inline bytes must land */
	unsigned int in_pages;
	unsigned int in_tail;
};

static const struct place_case place_cases[] = {
	{ "RFC 8166 §3.5.1 a Reply shorter than the head stays in the head",
	  0, 16, 6, 0, 6, 6, 0, 0 },
	{ "RFC 8166 §3.5.1 the inline Reply fills head, pages, then tail",
	  0, 16, HEAD_LEN + 16 + 4, 0, HEAD_LEN + 16 + 4,
	  HEAD_LEN, 16, 4 },
	{ "RFC 8166 §3.5.1 inline page data may straddle two pages",
	  PAGE_SIZE - 4, 12, HEAD_LEN + 12, 0, HEAD_LEN + 12,
	  HEAD_LEN, 12, 0 },
	{ "RFC 8166 §3.4.6 Written data stays put; the inline rest goes in the tail",
	  0, 4096, HEAD_LEN + 4, 1000, HEAD_LEN + 4 + 1000,
	  HEAD_LEN, 0, 4 },
	{ "RFC 8166 §3.4.6 Written data of odd length: its XDR pad heads the tail",
	  0, 4096, HEAD_LEN + 4, 1001, HEAD_LEN + 4 + 1001 + 3,
	  HEAD_LEN, 0, 4 },
	{ "RFC 8166 §3.4.6 the implicit pad needs room in the tail too",
	  0, 4096, HEAD_LEN + TAIL_LEN - 2, 1001, -EIO },
	{ "RFC 8166 §3.4.6 an empty Write chunk: the data came inline",
	  0, 16, HEAD_LEN + 16, 0, HEAD_LEN + 16, HEAD_LEN, 16, 0 },
	{ "a Reply larger than the receive buffer is refused",
	  0, 16, HEAD_LEN + 16 + TAIL_LEN + 1, 0, -EIO },
	{ "with a Write chunk, inline bytes beyond head and tail are refused",
	  0, 16, HEAD_LEN + TAIL_LEN + 1, 16, -EIO },
	{ "RFC 8166 §3.5.2 with a Write chunk, a head longer than the inline part ends with it",
	  0, 4096, HEAD_LEN - 2, 1000, HEAD_LEN - 2 + 1000, HEAD_LEN - 2, 0, 0 },
	{ "RFC 8166 §3.4.6 odd-length Written data after a short head: only its pad follows",
	  0, 4096, HEAD_LEN - 2, 1001, HEAD_LEN - 2 + 1001 + 3,
	  HEAD_LEN - 2, 0, 0 },
	{ "RFC 8166 §4.2.2 more Written than the pages hold is refused",
	  0, 16, HEAD_LEN, 17, -EIO },
};

static void place_case_desc(const struct place_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(place, place_cases, place_case_desc);

static void place_inline_test(struct kunit *test)
{
	const struct place_case *c = test->param_value;
	u8 *head, *tail, *page0, *page1, *src, *pagedata;
	struct page **pages;
	struct xdr_buf *rcv;
	unsigned int i, pad;

	head = kunit_kzalloc(test, HEAD_LEN, GFP_KERNEL);
	tail = kunit_kzalloc(test, TAIL_LEN, GFP_KERNEL);
	/* power-of-two kmalloc sizes are naturally aligned: whole pages */
	page0 = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	page1 = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	src = kunit_kzalloc(test, 64, GFP_KERNEL);
	pagedata = kunit_kzalloc(test, 64, GFP_KERNEL);
	pages = kunit_kcalloc(test, 2, sizeof(*pages), GFP_KERNEL);
	rcv = kunit_kzalloc(test, sizeof(*rcv), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, head && tail && page0 && page1 && src &&
			  pagedata && pages && rcv);
	KUNIT_ASSERT_TRUE(test, PAGE_ALIGNED(page0) && PAGE_ALIGNED(page1));
	KUNIT_ASSERT_LE(test, c->len, 64);

	pages[0] = virt_to_page(page0);
	pages[1] = virt_to_page(page1);
	rcv->head[0].iov_base = head;
	rcv->head[0].iov_len = HEAD_LEN;
	rcv->pages = pages;
	rcv->page_base = c->page_base;
	rcv->page_len = c->page_len;
	rcv->tail[0].iov_base = tail;
	rcv->tail[0].iov_len = TAIL_LEN;
	for (i = 0; i < 64; i++)
		src[i] = i + 1;
	memset(tail, 0xff, TAIL_LEN);

	KUNIT_ASSERT_EQ(test, rpcrdma_place_inline(rcv, src, c->len,
						   c->written), c->result);
	if (c->result < 0)
		return;
	for (i = 0; i < c->in_head; i++)
		KUNIT_EXPECT_EQ_MSG(test, head[i], src[i], "head byte %u", i);
	for (i = 0; i < c->in_pages; i++) {
		unsigned int off = c->page_base + i;
		u8 *page = off < PAGE_SIZE ? page0 : page1;

		pagedata[i] = page[off % PAGE_SIZE];
	}
	for (i = 0; i < c->in_pages; i++)
		KUNIT_EXPECT_EQ_MSG(test, pagedata[i], src[c->in_head + i],
				    "page byte %u", i);
	if (c->written)
		KUNIT_EXPECT_EQ(test, page0[c->page_base], 0);
	/* With a Write chunk the buffer describes what arrived: the head
	 * ends with the inline part when that is shorter, the pages hold
	 * what was Written.  Without one it keeps its shape, as on TCP.
	 */
	KUNIT_EXPECT_EQ(test, rcv->head[0].iov_len, c->written ?
			min_t(unsigned int, c->len, HEAD_LEN) : HEAD_LEN);
	KUNIT_EXPECT_EQ(test, rcv->page_len,
			c->written ? c->written : c->page_len);
	pad = c->written ? xdr_pad_size(c->written) : 0;
	for (i = 0; i < pad; i++)
		KUNIT_EXPECT_EQ_MSG(test, tail[i], 0, "pad byte %u", i);
	for (i = 0; i < c->in_tail; i++)
		KUNIT_EXPECT_EQ_MSG(test, tail[pad + i],
				    src[c->in_head + c->in_pages + i],
				    "tail byte %u", i);
}

/*
 * An NFSv3 READ reply without attributes, in a head sized for them: the
 * inline part is shorter than the head and the data was Written into
 * the pages.  Decoded as NFS does (xdr_read_pages()), the data must come
 * out exactly as Written: no byte of the head that never arrived may be
 * taken for data.
 */
#define STALE_HEAD_LEN	64
#define STALE_DATA_LEN	1001

static void stale_head_test(struct kunit *test)
{
	static const u32 inline_part[] = {
		0,			/* status: NFS3_OK */
		0,			/* post_op_attr: attributes_follow FALSE */
		STALE_DATA_LEN,		/* count */
		1,			/* eof */
		STALE_DATA_LEN,		/* the opaque's length; data Written */
	};
	struct xdr_stream *xdr;
	struct xdr_buf *rcv;
	u8 *head, *tail, *page;
	__be32 *src, *p;
	unsigned int i;
	int len;

	head = kunit_kzalloc(test, STALE_HEAD_LEN, GFP_KERNEL);
	tail = kunit_kzalloc(test, TAIL_LEN, GFP_KERNEL);
	page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	src = kunit_kzalloc(test, sizeof(inline_part), GFP_KERNEL);
	rcv = kunit_kzalloc(test, sizeof(*rcv), GFP_KERNEL);
	xdr = kunit_kzalloc(test, sizeof(*xdr), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, head && tail && page && src && rcv && xdr);
	KUNIT_ASSERT_TRUE(test, PAGE_ALIGNED(page));

	memset(head, 0xaa, STALE_HEAD_LEN);	/* what a previous RPC left */
	for (i = 0; i < PAGE_SIZE; i++)
		page[i] = i < STALE_DATA_LEN ? (u8)(i * 7 + 1) : 0xbb;
	for (i = 0; i < ARRAY_SIZE(inline_part); i++)
		src[i] = cpu_to_be32(inline_part[i]);
	rcv->head[0].iov_base = head;
	rcv->head[0].iov_len = STALE_HEAD_LEN;
	rcv->pages = kunit_kzalloc(test, sizeof(*rcv->pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rcv->pages);
	rcv->pages[0] = virt_to_page(page);
	rcv->page_len = PAGE_SIZE;
	rcv->tail[0].iov_base = tail;
	rcv->tail[0].iov_len = TAIL_LEN;
	rcv->buflen = STALE_HEAD_LEN + PAGE_SIZE + TAIL_LEN;

	len = rpcrdma_place_inline(rcv, (u8 *)src, sizeof(inline_part),
				   STALE_DATA_LEN);
	KUNIT_ASSERT_EQ(test, len, (int)sizeof(inline_part) +
			STALE_DATA_LEN + 3);
	rcv->len = len;

	xdr_init_decode(xdr, rcv, (__be32 *)head, NULL);
	p = xdr_inline_decode(xdr, sizeof(inline_part));
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, be32_to_cpup(p + 4), STALE_DATA_LEN);
	KUNIT_ASSERT_EQ(test, xdr_read_pages(xdr, STALE_DATA_LEN),
			STALE_DATA_LEN);
	for (i = 0; i < STALE_DATA_LEN; i++)
		if (page[i] != (u8)(i * 7 + 1))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, STALE_DATA_LEN,
			    "data byte %u is 0x%02x", i, page[i]);
	/* nothing is left to decode after the data and its pad */
	KUNIT_EXPECT_EQ(test, xdr_stream_remaining(xdr), 0);
}

/*
 * A sparse page list (NFS GETACL) is filled in before the Call is sent:
 * chunks and inline placement need every page.
 */
static void sparse_pages_test(struct kunit *test)
{
	struct page **pages;
	struct xdr_buf *buf;
	struct page *own;
	unsigned int i;

	pages = kunit_kcalloc(test, 3, sizeof(*pages), GFP_KERNEL);
	buf = kunit_kzalloc(test, sizeof(*buf), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, pages && buf);
	own = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, own);
	pages[1] = own;
	buf->pages = pages;
	buf->page_base = 100;
	buf->page_len = 2 * PAGE_SIZE;	/* pages 0, 1 and 2 */

	/* without XDRBUF_SPARSE_PAGES nothing is touched */
	KUNIT_EXPECT_EQ(test, rpcrdma_prepare_rcv_pages(buf), 0);
	KUNIT_EXPECT_NULL(test, pages[0]);

	buf->flags = XDRBUF_SPARSE_PAGES;
	KUNIT_EXPECT_EQ(test, rpcrdma_prepare_rcv_pages(buf), 0);
	KUNIT_EXPECT_NOT_NULL(test, pages[0]);
	KUNIT_EXPECT_PTR_EQ(test, pages[1], own);
	KUNIT_EXPECT_NOT_NULL(test, pages[2]);
	for (i = 0; i < 3; i++)
		if (pages[i])
			__free_page(pages[i]);
}

static struct kunit_case reply_placement_cases[] = {
	KUNIT_CASE_PARAM(place_inline_test, place_gen_params),
	KUNIT_CASE(stale_head_test),
	KUNIT_CASE(sparse_pages_test),
	{}
};

static struct kunit_suite reply_placement_suite = {
	.name = "xprtrdma_reply_placement",
	.test_cases = reply_placement_cases,
};

static struct kunit_case call_header_cases[] = {
	KUNIT_CASE_PARAM(call_header_test, call_gen_params),
	{}
};

static struct kunit_suite call_header_suite = {
	.name = "xprtrdma_call_header",
	.test_cases = call_header_cases,
};

static struct kunit_case reply_header_cases[] = {
	KUNIT_CASE_PARAM(reply_header_test, reply_gen_params),
	KUNIT_CASE(reply_images_valid_test),
	KUNIT_CASE_PARAM(reply_truncated_test, trunc_gen_params),
	{}
};

static struct kunit_suite reply_header_suite = {
	.name = "xprtrdma_reply_header",
	.test_cases = reply_header_cases,
};

kunit_test_suites(&call_header_suite, &reply_header_suite,
		  &reply_placement_suite);
