// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the reverse direction (RFC 8167).  How a received message is
 * told to be a reverse-direction Call (rpcrdma_bc_call_offset()), the
 * transport header and inline body of a reverse Reply
 * (rpcrdma_encode_bc_reply()), and, on a transport that is set up but
 * never connected, the back channel's slots and limits and how reverse
 * Calls are taken or dropped (rpcrdma_bc_receive_call()).
 *
 * Wire images are written word by word in host order, one field per
 * line, and copied big-endian into a buffer of exactly the message's
 * length, so KASAN reports any read past it.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sunrpc/bc_xprt.h>
#include <linux/sunrpc/clnt.h>
#include <linux/sunrpc/xdr.h>

#include "xprt_fixture.h"

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

/* ---- A transport, set up but never connected: no device needed ---- */

/* What each case works on: a transport of its own (xprt_fixture.c) */
static int bc_fixture_init(struct kunit *test)
{
	struct rpcrdma_test_xprt *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	test->priv = f;
	return rpcrdma_test_xprt_create(test, "bc-test", f);
}

static void bc_fixture_exit(struct kunit *test)
{
	rpcrdma_test_xprt_destroy(test->priv);
}

/* ---- Slots and limits ---- */

/*
 * SUNRPC's xprt_destroy_cb() calls bc_destroy(UINT_MAX) on every
 * transport it tears down, whether or not a back channel was ever set
 * up (an NFSv3 mount, or an NFSv4.1 one whose session already took its
 * back channel down).  That is SUNRPC's contract, not server input: it
 * must not warn (a WARN taints the kernel, and panics one booted with
 * panic_on_warn), and nothing may go below zero.
 */
static void bc_destroy_unset_test(struct kunit *test)
{
	struct rpcrdma_test_xprt *f = test->priv;

	KUNIT_ASSERT_FALSE_MSG(test, test_taint(TAINT_WARN),
			       "an earlier WARN tainted the kernel: this row cannot tell");
	xprt_destroy_backchannel(f->xprt, UINT_MAX);
	KUNIT_EXPECT_EQ(test, f->r_xprt->rx_buf.rb_bc_users, 0U);
	KUNIT_EXPECT_FALSE_MSG(test, test_taint(TAINT_WARN),
			       "bc_destroy(UINT_MAX) with no back channel warned");
}

/* RFC 8167 §3: what the session's back channel may ask of us */
static void bc_limits_test(struct kunit *test)
{
	struct rpcrdma_test_xprt *f = test->priv;

	KUNIT_EXPECT_EQ(test, rpc_num_bc_slots(f->clnt), RPCRDMA_BC_SLOTS);
	/* RFC 8166 §3.3.3: what fits beside a chunkless header in 1 KiB */
	KUNIT_EXPECT_EQ(test, rpc_max_bc_payload(f->clnt),
			(size_t)(RPCRDMA_MIN_INLINE - HDR_LEN));
}

/* Backchannel reqs and reps exist from setup, beside the forward ones */
static void bc_pools_test(struct kunit *test)
{
	struct rpcrdma_test_xprt *f = test->priv;
	struct rpcrdma_buffer *buf = &f->r_xprt->rx_buf;
	struct rpcrdma_req *req;

	KUNIT_EXPECT_EQ(test, list_count_nodes(&buf->rb_bc_free),
			(size_t)RPCRDMA_BC_SLOTS);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&buf->rb_all_reqs),
			(size_t)(buf->rb_max_requests + RPCRDMA_BC_SLOTS));
	/* a rep for each slot being handled, one posted for it, one spare,
	 * and a chain of Receives posted ahead
	 */
	KUNIT_EXPECT_EQ(test, buf->rb_rep_count,
			2 * (buf->rb_max_requests + RPCRDMA_BC_SLOTS) + 1 +
			RPCRDMA_RECV_BATCH);
	/* a reverse Call of bc_maxpayload bytes fits each one's buffer */
	list_for_each_entry(req, &buf->rb_bc_free, rl_list)
		KUNIT_EXPECT_GE(test, req->rl_bufsize,
				rpc_max_bc_payload(f->clnt));
}

struct setup_case {
	const char *rule;
	unsigned int min_reqs;
	int result;
};

static const struct setup_case setup_cases[] = {
	{ .rule = "RFC 8167 §3 NFSv4.1's one callback slot is granted",
	  .min_reqs = 1, .result = 0 },
	{ .rule = "RFC 8167 §3 as many reverse Calls as we have slots are granted",
	  .min_reqs = RPCRDMA_BC_SLOTS, .result = 0 },
	{ .rule = "RFC 8167 §3 one reverse Call more than our slots is refused",
	  .min_reqs = RPCRDMA_BC_SLOTS + 1, .result = -EINVAL },
	{ .rule = "RFC 8167 §3 UINT_MAX reverse Calls are refused",
	  .min_reqs = UINT_MAX, .result = -EINVAL },
};

BC_RULE_DESC(setup)
KUNIT_ARRAY_PARAM(setup, setup_cases, setup_desc);

/*
 * bc_setup opens the transport to the reverse Calls it asks for
 * (rb_bc_users counts them); bc_destroy with the same number closes it
 */
static void bc_setup_test(struct kunit *test)
{
	const struct setup_case *c = test->param_value;
	struct rpcrdma_test_xprt *f = test->priv;
	struct rpcrdma_buffer *buf = &f->r_xprt->rx_buf;

	KUNIT_ASSERT_EQ(test, xprt_setup_backchannel(f->xprt, c->min_reqs),
			c->result);
	KUNIT_EXPECT_EQ(test, buf->rb_bc_users, c->result ? 0 : c->min_reqs);
	if (c->result)
		return;
	xprt_destroy_backchannel(f->xprt, c->min_reqs);
	KUNIT_EXPECT_EQ(test, buf->rb_bc_users, 0U);
}

/*
 * What SUNRPC's teardown (bc_destroy(UINT_MAX), xprt_destroy_cb())
 * finds: two back channels still set up, or NFSv4.1's one already taken
 * down by nfs4_destroy_session().  Either way none is left, and none is
 * taken back twice.
 */
static void bc_teardown_test(struct kunit *test)
{
	struct rpcrdma_test_xprt *f = test->priv;
	struct rpcrdma_buffer *buf = &f->r_xprt->rx_buf;

	KUNIT_ASSERT_EQ(test, xprt_setup_backchannel(f->xprt, 1), 0);
	KUNIT_ASSERT_EQ(test, xprt_setup_backchannel(f->xprt, 1), 0);
	KUNIT_EXPECT_EQ(test, buf->rb_bc_users, 2U);
	xprt_destroy_backchannel(f->xprt, UINT_MAX);
	KUNIT_EXPECT_EQ(test, buf->rb_bc_users, 0U);

	KUNIT_ASSERT_EQ(test, xprt_setup_backchannel(f->xprt, 1), 0);
	xprt_destroy_backchannel(f->xprt, 1);
	xprt_destroy_backchannel(f->xprt, UINT_MAX);
	KUNIT_EXPECT_EQ(test, buf->rb_bc_users, 0U);
}

/* ---- Taking reverse Calls (rpcrdma_bc_receive_call()) ---- */

/* What the transport has been told before the Calls arrive */
enum bc_state {
	BC_NONE,		/* neither bc_setup nor a callback service */
	BC_SERV_ONLY,		/* xprt->bc_serv set, no bc_setup */
	BC_SETUP_ONLY,		/* bc_setup, no callback service */
	BC_UP,			/* bc_setup and xprt->bc_serv */
	BC_TORN_DOWN,		/* BC_UP, then bc_destroy */
};

struct take_case {
	const char *rule;
	enum bc_state state;
	unsigned int calls;		/* Calls arriving, none answered */
	unsigned int len;		/* bytes of each RPC Call */
	u32 proc;			/* its procedure */
	bool chunked;			/* its header carried chunks */
	unsigned int taken;		/* queued to the callback service */
};

#define MIN_CALL	RPCRDMA_MIN_RPC_CALL
#define MAX_CALL	(RPCRDMA_MIN_INLINE - HDR_LEN)

static const struct take_case take_cases[] = {
	{ .rule = "RFC 8167 §4 a CB_NULL Call goes to the callback service",
	  .state = BC_UP, .calls = 1, .len = MIN_CALL, .taken = 1 },
	{ .rule = "RFC 8167 §4 a CB_COMPOUND Call is counted apart from CB_NULL",
	  .state = BC_UP, .calls = 1, .len = 200, .proc = 1, .taken = 1 },
	{ .rule = "RFC 8167 §3 as many Calls at once as slots are all taken",
	  .state = BC_UP, .calls = RPCRDMA_BC_SLOTS, .len = MIN_CALL,
	  .taken = RPCRDMA_BC_SLOTS },
	{ .rule = "RFC 8167 §3 Calls beyond the slots are dropped and counted",
	  .state = BC_UP, .calls = RPCRDMA_BC_SLOTS + 2, .len = MIN_CALL,
	  .taken = RPCRDMA_BC_SLOTS },
	{ .rule = "RFC 8167 §4 with no back channel set up a Call is dropped",
	  .state = BC_NONE, .calls = 1, .len = MIN_CALL },
	{ .rule = "RFC 8167 §4 a callback service without bc_setup takes no Call",
	  .state = BC_SERV_ONLY, .calls = 1, .len = MIN_CALL },
	{ .rule = "RFC 8167 §4 bc_setup without a callback service takes no Call",
	  .state = BC_SETUP_ONLY, .calls = 1, .len = MIN_CALL },
	{ .rule = "RFC 8167 §4 after bc_destroy a Call is dropped",
	  .state = BC_TORN_DOWN, .calls = 1, .len = MIN_CALL },
	{ .rule = "RFC 8167 §5 a Call with chunks is dropped: we take them inline",
	  .state = BC_UP, .calls = 1, .len = MIN_CALL, .chunked = true },
	{ .rule = "RFC 8166 §3.3.3 a Call of bc_maxpayload (996 bytes) is taken",
	  .state = BC_UP, .calls = 1, .len = MAX_CALL, .proc = 1, .taken = 1 },
	{ .rule = "RFC 8166 §3.3.3 a Call one byte over bc_maxpayload is dropped",
	  .state = BC_UP, .calls = 1, .len = MAX_CALL + 1, .proc = 1 },
	{ .rule = "RFC 5531 §9 a Call one word short of AUTH_NONE is dropped",
	  .state = BC_UP, .calls = 1, .len = MIN_CALL - 4 },
	{ .rule = "RFC 5531 §9 xid and msg_type alone are no Call: dropped",
	  .state = BC_UP, .calls = 1, .len = 2 * 4 },
};

BC_RULE_DESC(take)
KUNIT_ARRAY_PARAM(take, take_cases, take_desc);

/* The word at @i of Call @n of row @c, as it arrives */
static u32 take_call_word(const struct take_case *c, unsigned int n,
			  unsigned int i)
{
	switch (i) {
	case 0:
		return BC_XID + n;	/* xid */
	case 5:
		return c->proc;		/* proc */
	}
	if (i < ARRAY_SIZE(rpc_call_words))
		return rpc_call_words[i];
	return 0xa0000000 + i;		/* the procedure's arguments */
}

/* A free Receive buffer, as the Receive path would hand it over */
static struct rpcrdma_rep *take_rep(struct rpcrdma_buffer *buf)
{
	struct rpcrdma_rep *rep;

	spin_lock(&buf->rb_lock);
	rep = list_first_entry_or_null(&buf->rb_free_reps,
				       struct rpcrdma_rep, rr_list);
	if (rep)
		list_del_init(&rep->rr_list);
	spin_unlock(&buf->rb_lock);
	return rep;
}

/* Call @n of @c arrives in a Receive, behind a chunkless RDMA_MSG header */
static void take_arrive(struct kunit *test, struct rpcrdma_test_xprt *f,
			const struct take_case *c, unsigned int n)
{
	static const u32 hdr[] = {
		BC_XID,		/* rdma_xid */
		1,		/* rdma_vers */
		CREDITS,	/* rdma_credit */
		0,		/* rdma_proc: RDMA_MSG */
		0, 0, 0,	/* no Read list, Write list, Reply chunk */
	};
	struct rpcrdma_rep *rep = take_rep(&f->r_xprt->rx_buf);
	__be32 *p;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, rep);
	KUNIT_ASSERT_LE(test, HDR_LEN + c->len, rep->rr_rdmabuf.rg_len);
	p = rep->rr_rdmabuf.rg_base;
	for (i = 0; i < ARRAY_SIZE(hdr); i++)
		*p++ = cpu_to_be32(hdr[i]);
	for (i = 0; i < DIV_ROUND_UP(c->len, 4); i++)
		*p++ = cpu_to_be32(take_call_word(c, n, i));
	rep->rr_len = HDR_LEN + c->len;
	rpcrdma_bc_receive_call(f->r_xprt, rep, HDR_LEN, c->chunked);
}

/* Put the transport in @state, with @serv as its callback service */
static void take_prepare(struct kunit *test, struct rpcrdma_test_xprt *f,
			 enum bc_state state, struct svc_serv *serv)
{
	if (state == BC_SERV_ONLY || state == BC_UP || state == BC_TORN_DOWN)
		WRITE_ONCE(f->xprt->bc_serv, serv);
	if (state == BC_SETUP_ONLY || state == BC_UP || state == BC_TORN_DOWN)
		KUNIT_ASSERT_EQ(test, xprt_setup_backchannel(f->xprt, 1), 0);
	if (state == BC_TORN_DOWN)
		xprt_destroy_backchannel(f->xprt, 1);
}

/* A queued Call is the one that arrived, copied whole, and SUNRPC's */
static void take_check_rqst(struct kunit *test, struct rpcrdma_test_xprt *f,
			    const struct take_case *c, struct rpc_rqst *rqst)
{
	unsigned int n = be32_to_cpu(rqst->rq_xid) - BC_XID;
	const __be32 *p = rqst->rq_rcv_buf.head[0].iov_base;
	unsigned int i;

	KUNIT_EXPECT_LT(test, n, c->calls);
	KUNIT_EXPECT_TRUE(test, bc_prealloc(rqst));
	KUNIT_EXPECT_PTR_EQ(test, rqst->rq_xprt, f->xprt);
	KUNIT_EXPECT_EQ(test, rqst->rq_rcv_buf.len, c->len);
	KUNIT_EXPECT_EQ(test, rqst->rq_rcv_buf.head[0].iov_len, c->len);
	KUNIT_EXPECT_EQ(test, rqst->rq_private_buf.len, c->len);
	/* the callback service encodes its Reply into the head */
	KUNIT_EXPECT_NOT_NULL(test, rqst->rq_snd_buf.head[0].iov_base);
	KUNIT_EXPECT_GE(test, rqst->rq_snd_buf.buflen,
			rpc_max_bc_payload(f->clnt));
	/* on 6.12 svcxdr_init_encode() lets it encode a page into the head */
	KUNIT_EXPECT_GE(test, rqst->rq_snd_buf.head[0].iov_len, PAGE_SIZE);
	for (i = 0; i < c->len / 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, be32_to_cpu(p[i]),
				    take_call_word(c, n, i), "word %u", i);
}

static void take_test(struct kunit *test)
{
	const struct take_case *c = test->param_value;
	struct rpcrdma_test_xprt *f = test->priv;
	struct rpcrdma_buffer *buf = &f->r_xprt->rx_buf;
	const struct rpcrdma_stats *st = &f->r_xprt->rx_stats;
	unsigned int refs = kref_read(&f->xprt->kref);
	size_t reps = list_count_nodes(&buf->rb_free_reps);
	struct svc_serv *serv;
	struct svc_pool *pool;
	struct rpc_rqst *rqst;
	unsigned int i, queued = 0;

	KUNIT_ASSERT_LE(test, c->taken, c->calls);
	serv = kunit_kzalloc(test, sizeof(*serv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, serv);
	pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	rpcrdma_svc_init_bc_queue(serv, pool);
	take_prepare(test, f, c->state, serv);

	for (i = 0; i < c->calls; i++)
		take_arrive(test, f, c, i);

	KUNIT_EXPECT_EQ(test, st->bc_calls_dropped, c->calls - c->taken);
	KUNIT_EXPECT_EQ(test, st->bc_null_calls, c->proc ? 0 : c->taken);
	KUNIT_EXPECT_EQ(test, st->bc_compound_calls, c->proc ? c->taken : 0);
	/* every Receive buffer went back to the pool */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&buf->rb_free_reps), reps);
	/* each queued Call holds a slot and a transport reference */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&buf->rb_bc_free),
			(size_t)(RPCRDMA_BC_SLOTS - c->taken));
	KUNIT_EXPECT_EQ(test, kref_read(&f->xprt->kref), refs + c->taken);

	/* the callback service's side: each Call, then bc_free_rqst */
	while ((rqst = rpcrdma_svc_dequeue_bc_call(serv))) {
		take_check_rqst(test, f, c, rqst);
		f->xprt->ops->bc_free_rqst(rqst);
		KUNIT_EXPECT_FALSE(test, bc_prealloc(rqst));
		queued++;
	}
	KUNIT_EXPECT_EQ(test, queued, c->taken);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&buf->rb_bc_free),
			(size_t)RPCRDMA_BC_SLOTS);
	KUNIT_EXPECT_EQ(test, kref_read(&f->xprt->kref), refs);

	if (c->state == BC_SETUP_ONLY || c->state == BC_UP)
		xprt_destroy_backchannel(f->xprt, 1);
	WRITE_ONCE(f->xprt->bc_serv, NULL);
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

/* bc_destroy_unset_test first: WARN_ON_ONCE warns at the first teardown */
static struct kunit_case bc_slots_cases[] = {
	KUNIT_CASE(bc_destroy_unset_test),
	KUNIT_CASE(bc_limits_test),
	KUNIT_CASE(bc_pools_test),
	KUNIT_CASE_PARAM(bc_setup_test, setup_gen_params),
	KUNIT_CASE(bc_teardown_test),
	{}
};

static struct kunit_suite bc_slots_suite = {
	.name = "xprtrdma_bc_slots",
	.init = bc_fixture_init,
	.exit = bc_fixture_exit,
	.test_cases = bc_slots_cases,
};

static struct kunit_case bc_take_cases[] = {
	KUNIT_CASE_PARAM(take_test, take_gen_params),
	{}
};

static struct kunit_suite bc_take_suite = {
	.name = "xprtrdma_bc_take",
	.init = bc_fixture_init,
	.exit = bc_fixture_exit,
	.test_cases = bc_take_cases,
};

kunit_test_suites(&bc_slots_suite, &bc_direction_suite, &bc_reply_suite,
		  &bc_take_suite);
