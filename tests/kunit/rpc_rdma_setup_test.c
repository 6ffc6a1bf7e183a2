// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the arithmetic a connection and each RPC are set up from:
 * chunk choice, transport header sizes, credits, RFC 8797 private data.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sunrpc/auth.h>

#include "xprt_rdma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* ---- Chunk choice ---- */

struct call_choice_case {
	const char *rule;
	struct rpcrdma_msg_shape shape;
	unsigned int max_inline;
	enum rpcrdma_call_form form;
};

static const struct call_choice_case call_choice_cases[] = {
	{ "RFC 8166 §3.5.1 a Call that fits goes inline",
	  { .ms_head = 200, .ms_pages = 300, .ms_tail = 0 }, 900,
	  RPCRDMA_CALL_INLINE },
	{ "RFC 8166 §3.5.1 a Call of exactly the inline limit goes inline",
	  { .ms_head = 400, .ms_pages = 496, .ms_tail = 4, .ms_ddp = true },
	  900, RPCRDMA_CALL_INLINE },
	{ "RFC 8166 §3.5.3 one byte over, nothing DDP-eligible: a Long Call",
	  { .ms_head = 901 }, 900, RPCRDMA_CALL_LONG },
	{ "RFC 8267 §4 WRITE data goes in a Read chunk (RFC 8166 §3.5.2)",
	  { .ms_head = 200, .ms_pages = 65536, .ms_tail = 0, .ms_ddp = true },
	  900, RPCRDMA_CALL_READ_CHUNK },
	{ "RFC 8166 §3.4.5 the payload's XDR pad is sent neither inline nor in the chunk",
	  { .ms_head = 896, .ms_pages = 4097, .ms_tail = 3 + 4, .ms_ddp = true },
	  900, RPCRDMA_CALL_READ_CHUNK },
	{ "RFC 8166 §3.5.3 DDP data whose head and tail do not fit: a Long Call",
	  { .ms_head = 880, .ms_pages = 4096, .ms_tail = 24, .ms_ddp = true },
	  900, RPCRDMA_CALL_LONG },
	{ "RFC 8267 §4 pages not marked DDP-eligible are never a Read chunk",
	  { .ms_head = 200, .ms_pages = 65536 }, 900, RPCRDMA_CALL_LONG },
	{ "RFC 8166 §3.4.5 DDP flag without pages: a Long Call",
	  { .ms_head = 2000, .ms_ddp = true }, 900, RPCRDMA_CALL_LONG },
};

static void call_choice_desc(const struct call_choice_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(call_choice, call_choice_cases, call_choice_desc);

static void call_choice_test(struct kunit *test)
{
	const struct call_choice_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rpcrdma_choose_call(&c->shape, c->max_inline),
			c->form);
}

struct reply_choice_case {
	const char *rule;
	struct rpcrdma_msg_shape shape;
	unsigned int max_inline;
	enum rpcrdma_reply_form form;
};

static const struct reply_choice_case reply_choice_cases[] = {
	{ "RFC 8166 §3.5.1 a receive buffer that fits needs no chunk",
	  { .ms_head = 500, .ms_pages = 300, .ms_tail = 100, .ms_ddp = true },
	  900, RPCRDMA_REPLY_INLINE },
	{ "RFC 8166 §3.5.1 a receive buffer of exactly the limit needs no chunk",
	  { .ms_head = 900 }, 900, RPCRDMA_REPLY_INLINE },
	{ "RFC 8267 §4 READ data lands in a Write chunk (RFC 8166 §3.5.2)",
	  { .ms_head = 400, .ms_pages = 65536, .ms_tail = 500, .ms_ddp = true },
	  900, RPCRDMA_REPLY_WRITE_CHUNK },
	{ "RFC 8166 §3.5.3 READ data whose head and tail do not fit: a Reply chunk",
	  { .ms_head = 400, .ms_pages = 65536, .ms_tail = 501, .ms_ddp = true },
	  900, RPCRDMA_REPLY_LONG },
	{ "RFC 8267 §4 pages not marked DDP-eligible (READDIR): a Reply chunk",
	  { .ms_head = 400, .ms_pages = 65536, .ms_tail = 0 }, 900,
	  RPCRDMA_REPLY_LONG },
	{ "RFC 8166 §3.5.3 a large reply without pages: a Reply chunk",
	  { .ms_head = 8192, .ms_ddp = true }, 900, RPCRDMA_REPLY_LONG },
};

static void reply_choice_desc(const struct reply_choice_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reply_choice, reply_choice_cases, reply_choice_desc);

static void reply_choice_test(struct kunit *test)
{
	const struct reply_choice_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rpcrdma_choose_reply(&c->shape, c->max_inline),
			c->form);
}

/* ---- Chunk choice and the auth flavour ---- */

/*
 * An NFS WRITE of 64 KiB (pages marked XDRBUF_WRITE) or READ of 64 KiB
 * (XDRBUF_READ) under each flavour: krb5 authenticates the header only,
 * krb5i checksums and krb5p encrypts the whole message, the payload
 * included, so theirs may not be placed apart.
 */
struct flavour_case {
	const char *rule;
	rpc_authflavor_t flavor;
	unsigned long au_flags;
	bool reply;			/* rq_rcv_buf of a READ, else a WRITE */
	unsigned int head, pages, tail;
	int form;			/* enum rpcrdma_call_form or _reply_form */
};

/*
 * What auth_gss's gss_create_new() sets: au_flags holds bit numbers
 * (__set_bit), every GSS flavour has UPDATE_SLACK, krb5i and krb5p add
 * DATATOUCH.  RPCAUTH_AUTH_DATATOUCH used as a mask tests bit 0 instead.
 * It never clears a bit, and the gss_auth comes from kmalloc(): STALE is
 * a krb5 auth in a freed krb5p auth's memory, POISON one under
 * slub_debug=P.
 */
#define KRB5_FLAGS	BIT(RPCAUTH_AUTH_UPDATE_SLACK)
#define KRB5I_FLAGS	(BIT(RPCAUTH_AUTH_UPDATE_SLACK) | BIT(RPCAUTH_AUTH_DATATOUCH))
#define KRB5P_FLAGS	KRB5I_FLAGS
#define STALE_FLAGS	KRB5P_FLAGS
#define POISON_FLAGS	0x6b6b6b6b6b6b6b6bUL

static const struct flavour_case flavour_cases[] = {
	{ .rule = "RFC 8267 sec=sys: WRITE data is DDP-eligible, a Read chunk",
	  .flavor = RPC_AUTH_UNIX, .head = 200, .pages = SZ_64K,
	  .form = RPCRDMA_CALL_READ_CHUNK },
	{ .rule = "RFC 8267 sec=krb5 touches no data: WRITE data in a Read chunk",
	  .flavor = RPC_AUTH_GSS_KRB5, .au_flags = KRB5_FLAGS, .head = 260,
	  .pages = SZ_64K, .form = RPCRDMA_CALL_READ_CHUNK },
	{ .rule = "RFC 8267 sec=krb5 with a stale DATATOUCH bit: still a Read chunk",
	  .flavor = RPC_AUTH_GSS_KRB5, .au_flags = STALE_FLAGS, .head = 260,
	  .pages = SZ_64K, .form = RPCRDMA_CALL_READ_CHUNK },
	{ .rule = "RFC 8267 sec=krb5i checksums the data: the WRITE is a Long Call",
	  .flavor = RPC_AUTH_GSS_KRB5I, .au_flags = KRB5I_FLAGS, .head = 260,
	  .pages = SZ_64K, .tail = 40, .form = RPCRDMA_CALL_LONG },
	{ .rule = "RFC 8267 sec=krb5i without its DATATOUCH bit: still a Long Call",
	  .flavor = RPC_AUTH_GSS_KRB5I, .au_flags = KRB5_FLAGS, .head = 260,
	  .pages = SZ_64K, .tail = 40, .form = RPCRDMA_CALL_LONG },
	{ .rule = "RFC 8267 sec=krb5p encrypts the data: the WRITE is a Long Call",
	  .flavor = RPC_AUTH_GSS_KRB5P, .au_flags = KRB5P_FLAGS, .head = 260,
	  .pages = SZ_64K + 3, .tail = 1 + 40, .form = RPCRDMA_CALL_LONG },
	{ .rule = "RFC 8166 §3.5.1 sec=krb5p: a WRITE that fits still goes inline",
	  .flavor = RPC_AUTH_GSS_KRB5P, .au_flags = KRB5P_FLAGS, .head = 260,
	  .pages = 512, .tail = 40, .form = RPCRDMA_CALL_INLINE },
	{ .rule = "RFC 8267 a GSS flavour with no mechanism here follows DATATOUCH",
	  .flavor = RPC_AUTH_GSS_LKEY, .au_flags = KRB5I_FLAGS, .head = 260,
	  .pages = SZ_64K, .tail = 40, .form = RPCRDMA_CALL_LONG },
	{ .rule = "RFC 8267 sec=sys: READ data is DDP-eligible, a Write chunk",
	  .flavor = RPC_AUTH_UNIX, .reply = true, .head = 200,
	  .pages = SZ_64K, .tail = 4, .form = RPCRDMA_REPLY_WRITE_CHUNK },
	{ .rule = "RFC 8267 sec=krb5 touches no data: READ data in a Write chunk",
	  .flavor = RPC_AUTH_GSS_KRB5, .au_flags = KRB5_FLAGS, .reply = true,
	  .head = 260, .pages = SZ_64K, .tail = 4,
	  .form = RPCRDMA_REPLY_WRITE_CHUNK },
	{ .rule = "RFC 8267 sec=krb5 in poisoned memory: READ data in a Write chunk",
	  .flavor = RPC_AUTH_GSS_KRB5, .au_flags = POISON_FLAGS, .reply = true,
	  .head = 260, .pages = SZ_64K, .tail = 4,
	  .form = RPCRDMA_REPLY_WRITE_CHUNK },
	{ .rule = "RFC 8267 sec=krb5i: the READ reply comes whole, in a Reply chunk",
	  .flavor = RPC_AUTH_GSS_KRB5I, .au_flags = KRB5I_FLAGS, .reply = true,
	  .head = 260, .pages = SZ_64K, .tail = 40,
	  .form = RPCRDMA_REPLY_LONG },
	{ .rule = "RFC 8267 sec=krb5p: no cleartext Write, the READ reply in a Reply chunk",
	  .flavor = RPC_AUTH_GSS_KRB5P, .au_flags = KRB5P_FLAGS, .reply = true,
	  .head = 260, .pages = SZ_64K, .tail = 40,
	  .form = RPCRDMA_REPLY_LONG },
	{ .rule = "RFC 8267 sec=krb5p without its DATATOUCH bit: still a Reply chunk",
	  .flavor = RPC_AUTH_GSS_KRB5P, .reply = true, .head = 260,
	  .pages = SZ_64K, .tail = 40, .form = RPCRDMA_REPLY_LONG },
	{ .rule = "RFC 8166 §3.5.1 sec=krb5p: a READ reply that fits comes inline",
	  .flavor = RPC_AUTH_GSS_KRB5P, .au_flags = KRB5P_FLAGS, .reply = true,
	  .head = 260, .pages = 512, .tail = 40, .form = RPCRDMA_REPLY_INLINE },
};

static void flavour_case_desc(const struct flavour_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flavour, flavour_cases, flavour_case_desc);

static void flavour_choice_test(struct kunit *test)
{
	const struct flavour_case *c = test->param_value;
	struct rpc_auth auth = {
		.au_flavor = c->flavor,
		.au_flags = c->au_flags,
	};
	struct rpcrdma_msg_shape shape;
	struct xdr_buf buf = {
		.head[0].iov_len = c->head,
		.page_len = c->pages,
		.tail[0].iov_len = c->tail,
		.flags = c->reply ? XDRBUF_READ : XDRBUF_WRITE,
	};

	rpcrdma_shape(&buf, c->reply ? XDRBUF_READ : XDRBUF_WRITE,
		      rpcrdma_auth_ddp_ok(&auth), &shape);
	if (c->reply)
		KUNIT_EXPECT_EQ(test, rpcrdma_choose_reply(&shape, 900),
				c->form);
	else
		KUNIT_EXPECT_EQ(test, rpcrdma_choose_call(&shape, 900),
				c->form);
}

/* ---- Transport header sizes ---- */

struct hdr_size_case {
	const char *rule;
	unsigned int maxsegs;
	unsigned int call;
	unsigned int reply;
};

/*
 * Each size is a sum of parts: fixed (4), Read list of maxsegs
 * {1, position, segment} and its end, Write list {1, count, segments, 0},
 * absent Reply chunk.  With 8 segments a part assigned rather than added
 * changes the sum.
 */
static const struct hdr_size_case hdr_size_cases[] = {
	{ "RFC 8166 §4.2 header sizes for one segment per chunk", 1,
	  (4 + (1 + 5) * 1 + 1 + (1 + 1 + 4 * 1 + 1) + 1) * 4,
	  (4 + 1 + (1 + 1 + 4 * 1 + 1) + 1) * 4 },
	{ "RFC 8166 §4.2 header sizes add every part (catches = for +=)", 8,
	  (4 + (1 + 5) * 8 + 1 + (1 + 1 + 4 * 8 + 1) + 1) * 4,
	  (4 + 1 + (1 + 1 + 4 * 8 + 1) + 1) * 4 },
};

static void hdr_size_desc(const struct hdr_size_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hdr_size, hdr_size_cases, hdr_size_desc);

static void hdr_size_test(struct kunit *test)
{
	const struct hdr_size_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rpcrdma_max_call_header_size(c->maxsegs),
			c->call);
	KUNIT_EXPECT_EQ(test, rpcrdma_max_reply_header_size(c->maxsegs),
			c->reply);
}

/*
 * RFC 8166 §3.3.2: the inline limits are the thresholds less the largest
 * headers, for no more segments than a chunk can carry.
 */
static void inline_limits_test(struct kunit *test)
{
	struct rpcrdma_ep *ep;

	ep = kunit_kzalloc(test, sizeof(*ep), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ep);
	ep->re_inline_send = 4096;
	ep->re_inline_recv = 1024;
	ep->re_max_rdma_segs = 8;
	rpcrdma_set_max_header_sizes(ep);
	KUNIT_EXPECT_EQ(test, ep->re_max_inline_send,
			4096 - rpcrdma_max_call_header_size(8));
	KUNIT_EXPECT_EQ(test, ep->re_max_inline_recv,
			1024 - rpcrdma_max_reply_header_size(8));

	/* a device that allows more segments than our header carries */
	ep->re_max_rdma_segs = RPCRDMA_MAX_CHUNK_SEGS + 3;
	rpcrdma_set_max_header_sizes(ep);
	KUNIT_EXPECT_EQ(test, ep->re_max_inline_send,
			4096 - rpcrdma_max_call_header_size(RPCRDMA_MAX_CHUNK_SEGS));
}

/* ---- Credits ---- */

struct credit_case {
	const char *rule;
	u32 granted;
	u32 used;
};

static const struct credit_case credit_cases[] = {
	{ "RFC 8166 §3.3.1 a grant of zero counts as one", 0, 1 },
	{ "RFC 8166 §3.3.1 a grant of one is one", 1, 1 },
	{ "RFC 8166 §3.3.1 a grant within our slots is used as is", 31, 31 },
	{ "RFC 8166 §3.3.1 a grant of all our slots is used as is", 128, 128 },
	{ "RFC 8166 §3.3.1 a grant beyond our slots is our slots", 129, 128 },
	{ "RFC 8166 §3.3.1 the largest grant is our slots", U32_MAX, 128 },
};

static void credit_desc(const struct credit_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(credit, credit_cases, credit_desc);

static void credit_test(struct kunit *test)
{
	const struct credit_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, rpcrdma_sanitize_credits(c->granted, 128),
			c->used);
}

/* ---- RFC 8797 CM private data ---- */

struct cm_init_case {
	const char *rule;
	unsigned int send;
	unsigned int recv;
	u8 wire[8];
};

static const struct cm_init_case cm_init_cases[] = {
	{ "RFC 8797 §4 ours: magic, version 1, Remote Invalidation, sizes in KiB - 1",
	  4096, 8192,
	  { 0xf6, 0xab, 0x0e, 0x18,	/* format identifier */
	    1,				/* version */
	    0x01,			/* flags: Remote Invalidation */
	    4 - 1,			/* Send size: 4 KiB */
	    8 - 1 } },			/* Receive size: 8 KiB */
	{ "RFC 8797 §4 sizes round down to a whole KiB",
	  1500, 2047,
	  { 0xf6, 0xab, 0x0e, 0x18, 1, 0x01,
	    1 - 1,			/* 1500 bytes: 1 KiB */
	    1 - 1 } },			/* 2047 bytes: 1 KiB */
	{ "RFC 8797 §4 sizes clamp to the 1 KiB .. 256 KiB the format says",
	  512, 1 << 20,
	  { 0xf6, 0xab, 0x0e, 0x18, 1, 0x01,
	    1 - 1,			/* below 1 KiB: 1 KiB */
	    256 - 1 } },		/* above 256 KiB: 256 KiB */
};

static void cm_init_desc(const struct cm_init_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cm_init, cm_init_cases, cm_init_desc);

static void cm_init_test(struct kunit *test)
{
	const struct cm_init_case *c = test->param_value;
	struct rpcrdma_connect_private pmsg;
	const u8 *bytes = (const u8 *)&pmsg;
	unsigned int i;

	BUILD_BUG_ON(sizeof(pmsg) != sizeof(c->wire));
	memset(&pmsg, 0xff, sizeof(pmsg));
	rpcrdma_cm_private_init(&pmsg, c->send, c->recv);
	for (i = 0; i < sizeof(c->wire); i++)
		KUNIT_EXPECT_EQ_MSG(test, bytes[i], c->wire[i], "byte %u", i);
}

struct cm_fit_case {
	const char *rule;
	u8 wire[12];
	u8 len;			/* 0 and no bytes: absent */
	bool valid;
	unsigned int send;	/* ours: 4096 each way before */
	unsigned int recv;
};

static const struct cm_fit_case cm_fit_cases[] = {
	{ "RFC 8797 §4 the server's sizes lower ours: we Send what it receives",
	  { 0xf6, 0xab, 0x0e, 0x18, 1, 0,
	    16 - 1,			/* server Sends 16 KiB */
	    2 - 1 },			/* server receives 2 KiB */
	  8, true, 2048, 4096 },
	{ "RFC 8797 §4 the server's sizes never raise ours",
	  { 0xf6, 0xab, 0x0e, 0x18, 1, 0x01, 255, 255 },
	  8, true, 4096, 4096 },
	{ "RFC 8797 §4 trailing bytes after the known fields are ignored",
	  { 0xf6, 0xab, 0x0e, 0x18, 1, 0, 1 - 1, 3 - 1, 0xde, 0xad, 0, 0 },
	  12, true, 3072, 1024 },
	{ "RFC 8797 §3.1 without private data: 1 KiB each way",
	  { 0 }, 0, false, 1024, 1024 },
	{ "RFC 8797 §4 private data shorter than the message: 1 KiB each way",
	  { 0xf6, 0xab, 0x0e, 0x18, 1, 0, 255 },
	  7, false, 1024, 1024 },
	{ "RFC 8797 §4 another format identifier: 1 KiB each way",
	  { 0xf6, 0xab, 0x0e, 0x19, 1, 0, 255, 255 },
	  8, false, 1024, 1024 },
	{ "RFC 8797 §4 a version we do not know: 1 KiB each way",
	  { 0xf6, 0xab, 0x0e, 0x18, 2, 0, 255, 255 },
	  8, false, 1024, 1024 },
};

static void cm_fit_desc(const struct cm_fit_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cm_fit, cm_fit_cases, cm_fit_desc);

static void cm_fit_test(struct kunit *test)
{
	const struct cm_fit_case *c = test->param_value;
	unsigned int send = 4096, recv = 4096;
	bool valid;

	valid = rpcrdma_cm_private_fit(c->len ? c->wire : NULL, c->len,
				       &send, &recv);
	KUNIT_EXPECT_EQ(test, valid, c->valid);
	KUNIT_EXPECT_EQ(test, send, c->send);
	KUNIT_EXPECT_EQ(test, recv, c->recv);
}

/*
 * RFC 8797 §4: applying the server's private data lowers the connection's
 * inline sizes and resizes the inline limits to match.
 */
static void cm_apply_test(struct kunit *test)
{
	static const u8 server[8] = {
		0xf6, 0xab, 0x0e, 0x18,	/* format identifier */
		1,			/* version */
		0,			/* flags */
		2 - 1,			/* server Sends 2 KiB */
		1 - 1,			/* server receives 1 KiB */
	};
	struct rpcrdma_ep *ep;

	ep = kunit_kzalloc(test, sizeof(*ep), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ep);
	ep->re_inline_send = 4096;
	ep->re_inline_recv = 4096;
	ep->re_max_rdma_segs = 4;
	rpcrdma_cm_private_apply(ep, server, sizeof(server));
	KUNIT_EXPECT_EQ(test, ep->re_inline_send, 1024);
	KUNIT_EXPECT_EQ(test, ep->re_inline_recv, 2048);
	KUNIT_EXPECT_TRUE(test, ep->re_remote_inv);
	KUNIT_EXPECT_EQ(test, ep->re_max_inline_send,
			1024 - rpcrdma_max_call_header_size(4));
	KUNIT_EXPECT_EQ(test, ep->re_max_inline_recv,
			2048 - rpcrdma_max_reply_header_size(4));

	rpcrdma_cm_private_apply(ep, NULL, 0);
	KUNIT_EXPECT_FALSE(test, ep->re_remote_inv);
}

static struct kunit_case chunk_choice_cases[] = {
	KUNIT_CASE_PARAM(call_choice_test, call_choice_gen_params),
	KUNIT_CASE_PARAM(reply_choice_test, reply_choice_gen_params),
	KUNIT_CASE_PARAM(flavour_choice_test, flavour_gen_params),
	{}
};

static struct kunit_suite chunk_choice_suite = {
	.name = "xprtrdma_chunk_choice",
	.test_cases = chunk_choice_cases,
};

static struct kunit_case header_size_cases[] = {
	KUNIT_CASE_PARAM(hdr_size_test, hdr_size_gen_params),
	KUNIT_CASE(inline_limits_test),
	{}
};

static struct kunit_suite header_size_suite = {
	.name = "xprtrdma_header_size",
	.test_cases = header_size_cases,
};

static struct kunit_case credits_cases[] = {
	KUNIT_CASE_PARAM(credit_test, credit_gen_params),
	{}
};

static struct kunit_suite credits_suite = {
	.name = "xprtrdma_credits",
	.test_cases = credits_cases,
};

static struct kunit_case cm_private_cases[] = {
	KUNIT_CASE_PARAM(cm_init_test, cm_init_gen_params),
	KUNIT_CASE_PARAM(cm_fit_test, cm_fit_gen_params),
	KUNIT_CASE(cm_apply_test),
	{}
};

static struct kunit_suite cm_private_suite = {
	.name = "xprtrdma_cm_private",
	.test_cases = cm_private_cases,
};

kunit_test_suites(&chunk_choice_suite, &header_size_suite, &credits_suite,
		  &cm_private_suite);
