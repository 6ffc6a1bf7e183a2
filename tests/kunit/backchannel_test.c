// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the reverse direction (RFC 8167).  How a received message is
 * told to be a reverse-direction Call (rpcrdma_bc_call_offset()), the
 * transport header and inline body of a reverse Reply
 * (rpcrdma_encode_bc_reply()).
 *
 * Wire images are written word by word in host order, one field per
 * line, and copied big-endian into a buffer of exactly the message's
 * length, so KASAN reports any read past it.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sunrpc/xdr.h>

#include "xprt_rdma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define BC_WORDS	48
#define BC_XID		0xbc000001	/* the server's reverse XID */
#define FWD_XID		0x5a5a0001	/* one of ours */
#define CB_PROG		0x40000000	/* the NFSv4 callback program */
#define CREDITS		32		/* rdma_credit in the server's messages */

/* A chunkless transport header: fixed fields and three empty lists */
#define HDR_LEN		((4 + 1 + 1 + 1) * 4)

/* A segment's 64-bit offset, high word first on the wire */
#define OFF_HI		0x11223344
#define OFF_LO		0x55667788

/* One desc function per table: each row's description is its rule */
#define BC_RULE_DESC(name)						\
static void name##_desc(const struct name##_case *c, char *desc)	\
{									\
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);			\
}

/* What follows a row's transport header */
enum bc_body {
	BODY_NONE,
	BODY_CALL,		/* the shortest RPC Call: CB_NULL */
	BODY_REPLY,		/* an accepted, successful RPC Reply */
	BODY_BAD_TYPE,		/* an RPC message of msg_type 2 */
};

/* RFC 5531 §9: the shortest Call, AUTH_NONE credential and verifier */
static const u32 rpc_call_words[] = {
	BC_XID,			/* xid */
	0,			/* msg_type: CALL */
	2,			/* rpcvers */
	CB_PROG,		/* prog */
	1,			/* vers */
	0,			/* proc: CB_NULL */
	0, 0,			/* cred: AUTH_NONE, length 0 */
	0, 0,			/* verf: AUTH_NONE, length 0 */
};

#define CALL_LEN	((int)sizeof(rpc_call_words))

/* RFC 5531 §9: MSG_ACCEPTED, AUTH_NONE verifier, SUCCESS */
static const u32 rpc_reply_words[] = {
	FWD_XID,		/* xid */
	1,			/* msg_type: REPLY */
	0,			/* reply_stat: MSG_ACCEPTED */
	0, 0,			/* verf: AUTH_NONE, length 0 */
	0,			/* accept_stat: SUCCESS */
};

#define REPLY_LEN	((int)sizeof(rpc_reply_words))

/* An RPC Call in all but msg_type, which is neither CALL nor REPLY */
static const u32 rpc_bad_type_words[] = {
	BC_XID,			/* xid */
	2,			/* msg_type: 2 */
	2, CB_PROG, 1, 0,	/* rpcvers, prog, vers, proc */
	0, 0, 0, 0,		/* cred, verf */
};

/* @len bytes of @words, big-endian, in a buffer of exactly that size */
static void *bc_image(struct kunit *test, const u32 *words, unsigned int len)
{
	__be32 wire[BC_WORDS];
	unsigned int i;
	void *msg;

	KUNIT_ASSERT_LE(test, len, sizeof(wire));
	for (i = 0; i < BC_WORDS; i++)
		wire[i] = cpu_to_be32(words[i]);
	msg = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	memcpy(msg, wire, len);
	return msg;
}

/* ---- Direction: is a received message a reverse-direction Call? ---- */

struct direction_case {
	const char *rule;
	u32 hdr[BC_WORDS];		/* the transport header */
	unsigned int hdr_len;		/* its bytes */
	enum bc_body body;		/* the RPC message after it */
	unsigned int len;		/* bytes received */
	unsigned int offset;		/* where the RPC Call starts; 0: none */
	bool chunked;			/* the header carries chunks */
};

static const struct direction_case direction_cases[] = {
	{
		.rule = "RFC 8167 §4 a CALL behind a chunkless RDMA_MSG is a reverse Call",
		.hdr = {
			BC_XID,		/* rdma_xid */
			1,		/* rdma_vers */
			CREDITS,	/* rdma_credit */
			0,		/* rdma_proc: RDMA_MSG */
			0,		/* Read list: end */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
		.offset = HDR_LEN,
	},
	{
		.rule = "RFC 8167 §4 msg_type REPLY behind the header: a forward Reply",
		.hdr = { FWD_XID, 1, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.body = BODY_REPLY,
		.len = HDR_LEN + REPLY_LEN,
	},
	{
		.rule = "RFC 5531 §9 a msg_type neither CALL nor REPLY is no Call",
		.hdr = { BC_XID, 1, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.body = BODY_BAD_TYPE,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.2.2 a Reply with a Write chunk is no Call",
		.hdr = {
			FWD_XID, 1, CREDITS,
			0,		/* RDMA_MSG */
			0,		/* Read list: end */
			1,		/* Write list: a chunk follows */
			1,		/* segment count */
			0x200, 4096, OFF_HI, OFF_LO,
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
		.hdr_len = (4 + 1 + (1 + 1 + 4 + 1) + 1) * 4,
		.body = BODY_REPLY,
		.len = (4 + 1 + (1 + 1 + 4 + 1) + 1) * 4 + REPLY_LEN,
	},
	{
		.rule = "RFC 8166 §3.5.3 RDMA_NOMSG has no inline RPC message: no Call",
		.hdr = {
			BC_XID, 1, CREDITS,
			1,		/* rdma_proc: RDMA_NOMSG */
			0, 0, 0,
		},
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.5 RDMA_ERROR has no RPC message: no Call",
		.hdr = {
			BC_XID, 1, CREDITS,
			4,		/* rdma_proc: RDMA_ERROR */
			2,		/* rdma_err: ERR_CHUNK */
		},
		.hdr_len = (4 + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 1) * 4 + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.6.1 RDMA_MSGP is no Call",
		.hdr = {
			BC_XID, 1, CREDITS,
			2,		/* rdma_proc: RDMA_MSGP */
			0, 0,		/* rdma_align, rdma_thresh */
			0, 0, 0,
		},
		.hdr_len = (4 + 2 + 3) * 4,
		.body = BODY_CALL,
		.len = (4 + 2 + 3) * 4 + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.1.2 rdma_vers 2: no Call, the Reply path refuses it",
		.hdr = {
			BC_XID,
			2,		/* rdma_vers */
			CREDITS, 0, 0, 0, 0,
		},
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.1.2 rdma_vers 0: no Call",
		.hdr = { BC_XID, 0, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 8167 §5 a Call behind a Read list starts past it, chunked",
		.hdr = {
			BC_XID, 1, CREDITS,
			0,		/* RDMA_MSG */
			1,		/* Read list: a segment follows */
			40,		/* position */
			0x100,		/* handle */
			512,		/* length */
			OFF_HI,		/* offset, high word */
			OFF_LO,		/* offset, low word */
			0,		/* Read list: end */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
		.hdr_len = (4 + (1 + 5) + 1 + 1 + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + (1 + 5) + 1 + 1 + 1) * 4 + CALL_LEN,
		.offset = (4 + (1 + 5) + 1 + 1 + 1) * 4,
		.chunked = true,
	},
	{
		.rule = "RFC 8167 §5 a Read list of two segments is stepped over whole",
		.hdr = {
			BC_XID, 1, CREDITS, 0,
			1, 40, 0x100, 512, OFF_HI, OFF_LO,
			1, 40, 0x101, 512, OFF_HI, OFF_LO,
			0,		/* Read list: end */
			0, 0,
		},
		.hdr_len = (4 + 2 * (1 + 5) + 1 + 1 + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 2 * (1 + 5) + 1 + 1 + 1) * 4 + CALL_LEN,
		.offset = (4 + 2 * (1 + 5) + 1 + 1 + 1) * 4,
		.chunked = true,
	},
	{
		.rule = "RFC 8167 §5 a Call behind a two-segment Write chunk, chunked",
		.hdr = {
			BC_XID, 1, CREDITS,
			0,		/* RDMA_MSG */
			0,		/* Read list: end */
			1,		/* Write list: a chunk follows */
			2,		/* segment count */
			0x200, 4096, OFF_HI, OFF_LO,
			0x201, 4096, OFF_HI, OFF_LO,
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
		.hdr_len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4 + CALL_LEN,
		.offset = (4 + 1 + (1 + 1 + 2 * 4 + 1) + 1) * 4,
		.chunked = true,
	},
	{
		.rule = "RFC 8167 §5 a Write list of two chunks is stepped over whole",
		.hdr = {
			BC_XID, 1, CREDITS, 0,
			0,		/* Read list: end */
			1, 1, 0x200, 4096, OFF_HI, OFF_LO,
			1, 1, 0x201, 4096, OFF_HI, OFF_LO,
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
		.hdr_len = (4 + 1 + 2 * (1 + 1 + 4) + 1 + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + 2 * (1 + 1 + 4) + 1 + 1) * 4 + CALL_LEN,
		.offset = (4 + 1 + 2 * (1 + 1 + 4) + 1 + 1) * 4,
		.chunked = true,
	},
	{
		.rule = "RFC 8167 §5 a Call behind a Reply chunk starts past it, chunked",
		.hdr = {
			BC_XID, 1, CREDITS,
			0,		/* RDMA_MSG */
			0,		/* Read list: end */
			0,		/* Write list: end */
			1,		/* Reply chunk: present */
			1,		/* segment count */
			0x300, 4096, OFF_HI, OFF_LO,
		},
		.hdr_len = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + 1 + (1 + 1 + 4)) * 4 + CALL_LEN,
		.offset = (4 + 1 + 1 + (1 + 1 + 4)) * 4,
		.chunked = true,
	},
	{
		.rule = "RFC 8167 §5 an empty Write chunk (count 0) is still a chunk",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0,
			1,		/* Write list: a chunk follows */
			0,		/* segment count: 0 */
			0,		/* Write list: end */
			0,		/* Reply chunk: absent */
		},
		.hdr_len = (4 + 1 + (1 + 1 + 1) + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + (1 + 1 + 1) + 1) * 4 + CALL_LEN,
		.offset = (4 + 1 + (1 + 1 + 1) + 1) * 4,
		.chunked = true,
	},
	{
		.rule = "RFC 8167 §4 xid and msg_type CALL alone tell a Call",
		.hdr = { BC_XID, 1, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + 2 * 4,
		.offset = HDR_LEN,
	},
	{
		.rule = "RFC 8167 §4 a message ending right after the header is no Call",
		.hdr = { BC_XID, 1, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.len = HDR_LEN,
	},
	{
		.rule = "RFC 8167 §4 a message ending right after the XID is no Call",
		.hdr = { BC_XID, 1, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + 4,
	},
	{
		.rule = "RFC 8167 §4 a message ending inside msg_type is no Call",
		.hdr = { BC_XID, 1, CREDITS, 0, 0, 0, 0 },
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + 4 + 2,
	},
	{
		.rule = "RFC 8166 §4.1 an empty message is no Call",
	},
	{
		.rule = "RFC 4506 §4.4 a Read list discriminator of 2 is no Call",
		.hdr = {
			BC_XID, 1, CREDITS, 0,
			2,		/* Read list: 2 */
			0, 0,
		},
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 4506 §4.4 a Read list going on with 2 is no Call",
		.hdr = {
			BC_XID, 1, CREDITS, 0,
			1, 40, 0x100, 512, OFF_HI, OFF_LO,
			2,		/* Read list: 2 */
			0, 0,
		},
		.hdr_len = (4 + (1 + 5) + 1 + 1 + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + (1 + 5) + 1 + 1 + 1) * 4 + CALL_LEN,
	},
	{
		.rule = "RFC 4506 §4.4 a Write list discriminator of 2 is no Call",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0,
			2,		/* Write list: 2 */
			0,
		},
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 4506 §4.4 a Reply chunk discriminator of 2 is no Call",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0, 0,
			2,		/* Reply chunk: 2 */
		},
		.hdr_len = HDR_LEN,
		.body = BODY_CALL,
		.len = HDR_LEN + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.2 0xffffffff Write segments overflow nothing",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0,
			1,		/* Write list: a chunk follows */
			0xffffffff,	/* segment count */
			0, 0,
		},
		.hdr_len = (4 + 1 + (1 + 1) + 1 + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + (1 + 1) + 1 + 1) * 4 + CALL_LEN,
	},
	{
		/* 0x10000000 segments of 16 bytes are 2^32 bytes: a 32-bit
		 * product wraps to 0, and the words after would parse
		 */
		.rule = "RFC 8166 §4.2 2^28 Write segments (2^32 bytes) do not wrap",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0,
			1,		/* Write list: a chunk follows */
			0x10000000,	/* segment count */
			0,		/* what a wrapped skip reads next */
			0,
		},
		.hdr_len = (4 + 1 + (1 + 1 + 1) + 1) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + (1 + 1 + 1) + 1) * 4 + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.2 0xffffffff Reply segments overflow nothing",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0, 0,
			1,		/* Reply chunk: present */
			0xffffffff,	/* segment count */
		},
		.hdr_len = (4 + 1 + 1 + (1 + 1)) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + 1 + (1 + 1)) * 4 + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.2 2^28 Reply segments (2^32 bytes) do not wrap",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0, 0,
			1,		/* Reply chunk: present */
			0x10000000,	/* segment count */
		},
		.hdr_len = (4 + 1 + 1 + (1 + 1)) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + 1 + (1 + 1)) * 4 + CALL_LEN,
	},
	{
		.rule = "RFC 8166 §4.2 a segment count past the message's end: no Call",
		.hdr = {
			BC_XID, 1, CREDITS, 0, 0,
			1,		/* Write list: a chunk follows */
			5,		/* segment count: 5, room for 3 */
			0x200, 4096, OFF_HI, OFF_LO,
		},
		.hdr_len = (4 + 1 + (1 + 1 + 4)) * 4,
		.body = BODY_CALL,
		.len = (4 + 1 + (1 + 1 + 4)) * 4 + CALL_LEN,
	},
};

BC_RULE_DESC(direction)
KUNIT_ARRAY_PARAM(direction, direction_cases, direction_desc);

/* The row's header, then its RPC message */
static void *direction_image(struct kunit *test,
			     const struct direction_case *c)
{
	static const u32 *const bodies[] = {
		[BODY_CALL] = rpc_call_words,
		[BODY_REPLY] = rpc_reply_words,
		[BODY_BAD_TYPE] = rpc_bad_type_words,
	};
	u32 words[BC_WORDS] = { 0 };
	unsigned int n = c->hdr_len / 4;

	KUNIT_ASSERT_EQ(test, c->hdr_len % 4, 0U);
	KUNIT_ASSERT_LE(test, n + ARRAY_SIZE(rpc_call_words), BC_WORDS);
	KUNIT_ASSERT_LE(test, c->len, c->hdr_len + (c->body ? CALL_LEN : 0));
	memcpy(words, c->hdr, c->hdr_len);
	if (c->body)
		memcpy(words + n, bodies[c->body], CALL_LEN);
	return bc_image(test, words, c->len);
}

static void direction_test(struct kunit *test)
{
	const struct direction_case *c = test->param_value;
	void *msg = direction_image(test, c);
	bool chunked = !c->chunked;

	KUNIT_EXPECT_EQ(test, rpcrdma_bc_call_offset(msg, c->len, &chunked),
			c->offset);
	if (c->offset)
		KUNIT_EXPECT_EQ(test, chunked, c->chunked);
}

/*
 * Truncation: a reverse Call behind a Read list, a Write chunk and a
 * Reply chunk of one segment each, cut at every word up to and inside
 * msg_type.  Until msg_type has arrived whole, nothing is a Call.
 */
static const u32 all_chunks_image[BC_WORDS] = {
	BC_XID, 1, CREDITS, 0,		/* fixed fields: words 0-3 */
	1, 40,				/* Read list, position: words 4-5 */
	0x100, 512, OFF_HI, OFF_LO,	/* Read segment: words 6-9 */
	0,				/* Read list end: word 10 */
	1, 1,				/* Write list, count: words 11-12 */
	0x200, 4096, OFF_HI, OFF_LO,	/* Write segment: words 13-16 */
	0,				/* Write list end: word 17 */
	1, 1,				/* Reply chunk, count: words 18-19 */
	0x300, 4096, OFF_HI, OFF_LO,	/* Reply segment: words 20-23 */
	BC_XID, 0,			/* xid, CALL: words 24-25 */
	2, CB_PROG, 1, 0,		/* rpcvers .. proc: words 26-29 */
	0, 0, 0, 0,			/* cred, verf: words 30-33 */
};

#define ALL_CHUNKS_HDR	(24 * 4)
#define ALL_CHUNKS_LEN	(ALL_CHUNKS_HDR + CALL_LEN)

struct cut_case {
	const char *rule;
	unsigned int len;
};

#define CUT(words, what)						\
	{ .rule = "RFC 8166 §4.2 a Call cut " what " is no Call",	\
	  .len = (words) * 4 }

static const struct cut_case cut_cases[] = {
	CUT(0, "before rdma_xid"),
	{ .rule = "RFC 8166 §4.1 a Call cut inside rdma_xid is no Call",
	  .len = 2 },
	CUT(1, "after rdma_xid"),
	CUT(2, "after rdma_vers"),
	CUT(3, "after rdma_credit"),
	CUT(4, "after rdma_proc"),
	CUT(5, "after the Read list discriminator"),
	CUT(6, "after the Read segment's position"),
	CUT(7, "after the Read segment's handle"),
	CUT(8, "after the Read segment's length"),
	CUT(9, "inside the Read segment's offset"),
	CUT(10, "after the Read segment"),
	CUT(11, "after the Read list's end"),
	CUT(12, "after the Write list discriminator"),
	{ .rule = "RFC 8166 §4.2 a Call cut inside a segment count is no Call",
	  .len = 12 * 4 + 2 },
	CUT(13, "after the Write chunk's segment count"),
	CUT(14, "after the Write segment's handle"),
	CUT(15, "after the Write segment's length"),
	CUT(16, "inside the Write segment's offset"),
	CUT(17, "after the Write segment"),
	CUT(18, "after the Write list's end"),
	CUT(19, "after the Reply chunk discriminator"),
	CUT(20, "after the Reply chunk's segment count"),
	CUT(21, "after the Reply segment's handle"),
	CUT(22, "after the Reply segment's length"),
	CUT(23, "inside the Reply segment's offset"),
	CUT(24, "after the transport header"),
	CUT(25, "after the RPC XID"),
	{ .rule = "RFC 5531 §9 a Call cut inside msg_type is no Call",
	  .len = 25 * 4 + 3 },
};

BC_RULE_DESC(cut)
KUNIT_ARRAY_PARAM(cut, cut_cases, cut_desc);

static void cut_test(struct kunit *test)
{
	const struct cut_case *c = test->param_value;
	void *msg = bc_image(test, all_chunks_image, c->len);
	bool chunked;

	KUNIT_ASSERT_LT(test, c->len, ALL_CHUNKS_HDR + 2 * 4);
	KUNIT_EXPECT_EQ(test, rpcrdma_bc_call_offset(msg, c->len, &chunked),
			0U);
}

/* The image the cut rows cut is itself a Call: they test the cut. */
static void cut_image_valid_test(struct kunit *test)
{
	unsigned int lens[] = { ALL_CHUNKS_LEN, ALL_CHUNKS_HDR + 2 * 4 };
	bool chunked;
	unsigned int i;
	void *msg;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		msg = bc_image(test, all_chunks_image, lens[i]);
		chunked = false;
		KUNIT_EXPECT_EQ_MSG(test, rpcrdma_bc_call_offset(msg, lens[i],
								 &chunked),
				    ALL_CHUNKS_HDR, "%u bytes", lens[i]);
		KUNIT_EXPECT_TRUE(test, chunked);
	}
}

/* ---- Encoding a reverse Reply ---- */

#define GUARD		16	/* bytes past the Send buffer that stay put */
#define GUARD_BYTE	0xa5

struct encode_case {
	const char *rule;
	unsigned int head;		/* bytes of the RPC Reply in head[0] */
	unsigned int page_base;		/* offset of its page data */
	unsigned int pages;		/* bytes in the page list */
	unsigned int tail;		/* bytes in tail[0] */
	unsigned int size;		/* bytes of Send buffer it may use */
	u32 credits;
	int result;			/* bytes written, or -EMSGSIZE */
};

static const struct encode_case encode_cases[] = {
	{ .rule = "RFC 8167 §4 a reverse Reply: XID, vers 1, credits, RDMA_MSG, no chunks",
	  .head = 24, .size = RPCRDMA_MIN_INLINE, .credits = RPCRDMA_BC_SLOTS,
	  .result = HDR_LEN + 24 },
	{ .rule = "RFC 8167 §3 rdma_credit carries the grant as given",
	  .head = 24, .size = RPCRDMA_MIN_INLINE, .credits = 1,
	  .result = HDR_LEN + 24 },
	{ .rule = "RFC 8166 §3.5.1 the RPC Reply is copied from head, page list and tail in order",
	  .head = 12, .pages = 100, .tail = 8, .size = RPCRDMA_MIN_INLINE,
	  .credits = RPCRDMA_BC_SLOTS, .result = HDR_LEN + 12 + 100 + 8 },
	{ .rule = "RFC 8166 §3.5.1 page data straddling two pages is copied whole",
	  .head = 8, .page_base = PAGE_SIZE - 6, .pages = 20, .tail = 4,
	  .size = RPCRDMA_MIN_INLINE, .credits = RPCRDMA_BC_SLOTS,
	  .result = HDR_LEN + 8 + 20 + 4 },
	{ .rule = "RFC 8166 §3.3.2 a Reply that exactly fills the Send buffer is sent",
	  .head = 24, .pages = 100, .tail = 8,
	  .size = HDR_LEN + 24 + 100 + 8, .credits = RPCRDMA_BC_SLOTS,
	  .result = HDR_LEN + 24 + 100 + 8 },
	{ .rule = "RFC 8166 §3.3.2 one byte more than the Send buffer holds: -EMSGSIZE",
	  .head = 24, .pages = 100, .tail = 8,
	  .size = HDR_LEN + 24 + 100 + 8 - 1, .credits = RPCRDMA_BC_SLOTS,
	  .result = -EMSGSIZE },
	{ .rule = "RFC 8166 §3.3.3 a Reply of bc_maxpayload (996) fits the 1 KiB inline minimum",
	  .head = RPCRDMA_MIN_INLINE - HDR_LEN, .size = RPCRDMA_MIN_INLINE,
	  .credits = RPCRDMA_BC_SLOTS, .result = RPCRDMA_MIN_INLINE },
	{ .rule = "RFC 8166 §3.3.3 997 bytes do not fit beside the header in 1 KiB",
	  .head = RPCRDMA_MIN_INLINE - HDR_LEN + 1,
	  .size = RPCRDMA_MIN_INLINE, .credits = RPCRDMA_BC_SLOTS,
	  .result = -EMSGSIZE },
	{ .rule = "RFC 8166 §4.1 a Send buffer of exactly the 28-byte header holds an empty body",
	  .size = HDR_LEN, .credits = RPCRDMA_BC_SLOTS,
	  .result = HDR_LEN },
	{ .rule = "RFC 8166 §4.1 a Send buffer of just the header has no room for a Reply",
	  .head = 4, .size = HDR_LEN, .credits = RPCRDMA_BC_SLOTS,
	  .result = -EMSGSIZE },
	{ .rule = "RFC 8166 §4.1 a Send buffer smaller than the header (27 bytes): -EMSGSIZE",
	  .head = 24, .size = HDR_LEN - 1, .credits = RPCRDMA_BC_SLOTS,
	  .result = -EMSGSIZE },
	{ .rule = "RFC 8166 §4.1 a Send buffer short of the fixed fields: -EMSGSIZE",
	  .head = 24, .size = 3 * 4, .credits = RPCRDMA_BC_SLOTS,
	  .result = -EMSGSIZE },
	{ .rule = "RFC 8166 §4.1 a Send buffer of no bytes: -EMSGSIZE",
	  .head = 24, .size = 0, .credits = RPCRDMA_BC_SLOTS,
	  .result = -EMSGSIZE },
};

BC_RULE_DESC(encode)
KUNIT_ARRAY_PARAM(encode, encode_cases, encode_desc);

/* The byte at @i of the RPC Reply the rows encode */
static u8 reply_byte(unsigned int i)
{
	return (u8)(i * 7 + 3);
}

/* An xdr_buf holding @c's Reply: head, two pages, tail */
static struct xdr_buf *encode_reply(struct kunit *test,
				    const struct encode_case *c)
{
	struct xdr_buf *buf;
	unsigned int i, n = 0;
	u8 *head, *tail;

	buf = kunit_kzalloc(test, sizeof(*buf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	head = kunit_kzalloc(test, c->head ?: 1, GFP_KERNEL);
	tail = kunit_kzalloc(test, c->tail ?: 1, GFP_KERNEL);
	buf->pages = kunit_kcalloc(test, 2, sizeof(*buf->pages), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, head && tail && buf->pages);
	KUNIT_ASSERT_LE(test, c->page_base + c->pages, 2 * PAGE_SIZE);
	for (i = 0; i < 2; i++) {
		/* power-of-two kmalloc sizes are naturally aligned */
		u8 *page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

		KUNIT_ASSERT_TRUE(test, page && PAGE_ALIGNED(page));
		buf->pages[i] = virt_to_page(page);
	}
	for (i = 0; i < c->head; i++)
		head[i] = reply_byte(n++);
	for (i = 0; i < c->pages; i++) {
		unsigned int off = c->page_base + i;
		u8 *page = page_address(buf->pages[off >> PAGE_SHIFT]);

		page[offset_in_page(off)] = reply_byte(n++);
	}
	for (i = 0; i < c->tail; i++)
		tail[i] = reply_byte(n++);
	buf->head[0].iov_base = head;
	buf->head[0].iov_len = c->head;
	buf->page_base = c->page_base;
	buf->page_len = c->pages;
	buf->tail[0].iov_base = tail;
	buf->tail[0].iov_len = c->tail;
	buf->len = n;
	buf->buflen = n;
	return buf;
}

static void encode_test(struct kunit *test)
{
	const struct encode_case *c = test->param_value;
	unsigned int i, body = c->head + c->pages + c->tail;
	struct xdr_buf *reply = encode_reply(test, c);
	__be32 *words;
	u8 *dst;
	int rc;

	dst = kunit_kmalloc(test, c->size + GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	memset(dst, GUARD_BYTE, c->size + GUARD);

	rc = rpcrdma_encode_bc_reply(dst, c->size, cpu_to_be32(BC_XID),
				     c->credits, reply);
	KUNIT_ASSERT_EQ(test, rc, c->result);
	/* whatever the result, nothing lands past the Send buffer's size */
	for (i = c->size; i < c->size + GUARD; i++)
		KUNIT_EXPECT_EQ_MSG(test, dst[i], GUARD_BYTE, "byte %u", i);
	if (rc < 0)
		return;
	KUNIT_ASSERT_EQ(test, (unsigned int)rc, HDR_LEN + body);

	words = (__be32 *)dst;
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[0]), BC_XID);	/* rdma_xid */
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[1]), 1);	/* rdma_vers */
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[2]), c->credits);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[3]), RDMA_MSG);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[4]), 0);	/* Read list */
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[5]), 0);	/* Write list */
	KUNIT_EXPECT_EQ(test, be32_to_cpu(words[6]), 0);	/* Reply chunk */
	for (i = 0; i < body; i++)
		KUNIT_EXPECT_EQ_MSG(test, dst[HDR_LEN + i],
				    reply_byte(i), "Reply byte %u", i);
	for (i = rc; i < c->size; i++)
		KUNIT_EXPECT_EQ_MSG(test, dst[i], GUARD_BYTE,
				    "byte %u past the Reply", i);
}

static struct kunit_case bc_direction_cases[] = {
	KUNIT_CASE_PARAM(direction_test, direction_gen_params),
	KUNIT_CASE(cut_image_valid_test),
	KUNIT_CASE_PARAM(cut_test, cut_gen_params),
	{}
};

static struct kunit_suite bc_direction_suite = {
	.name = "xprtrdma_bc_direction",
	.test_cases = bc_direction_cases,
};

static struct kunit_case bc_reply_cases[] = {
	KUNIT_CASE_PARAM(encode_test, encode_gen_params),
	{}
};

static struct kunit_suite bc_reply_suite = {
	.name = "xprtrdma_bc_reply",
	.test_cases = bc_reply_cases,
};

kunit_test_suites(&bc_direction_suite, &bc_reply_suite);
