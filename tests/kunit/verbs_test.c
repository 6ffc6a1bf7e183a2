// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: sizing a connection from its device's capabilities (verbs.c
 * rpcrdma_ep_size(), frwr_ops.c frwr_query_device() and
 * frwr_max_payload()).  The devices are ib_device structs whose
 * attributes are all that is set: sizing reads nothing else.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "xprt_rdma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct caps_case {
	const char *rule;
	bool no_frwr;			/* no IB_DEVICE_MEM_MGT_EXTENSIONS */
	u32 fr_depth;			/* max_fast_reg_page_list_len */
	int send_sge;			/* max_send_sge */
	int qp_wr;			/* max_qp_wr */
	int result;
	unsigned int payload;		/* frwr_max_payload() */
	unsigned int requests;		/* re_max_requests */
};

static const struct caps_case caps_cases[] = {
	{ .rule = "a deep fast-reg device covers 1 MiB in one MR per chunk",
	  .fr_depth = 512, .send_sge = 32, .qp_wr = 16384,
	  .payload = SZ_1M, .requests = RPCRDMA_MAX_REQUESTS },
	{ .rule = "a fast-reg depth of exactly 1 MiB plus two pages needs no more",
	  .fr_depth = RPCRDMA_MAX_DATA_SEGS, .send_sge = 1, .qp_wr = 16384,
	  .payload = SZ_1M, .requests = RPCRDMA_MAX_REQUESTS },
	{ .rule = "the Send uses one SGE, so a device with max_send_sge 1 serves",
	  .fr_depth = 512, .send_sge = 1, .qp_wr = 16384,
	  .payload = SZ_1M, .requests = RPCRDMA_MAX_REQUESTS },
	{ .rule = "depth 8: the payload shrinks to what the header's 16 segments cover",
	  .fr_depth = 8, .send_sge = 4, .qp_wr = 16384,
	  .payload = ((RPCRDMA_MAX_CHUNK_SEGS - 2) * 8 - 2) * PAGE_SIZE,
	  .requests = RPCRDMA_MAX_REQUESTS },
	{ .rule = "depth 1: still a payload of some pages, never an error",
	  .fr_depth = 1, .send_sge = 1, .qp_wr = 16384,
	  .payload = ((RPCRDMA_MAX_CHUNK_SEGS - 2) - 2) * PAGE_SIZE,
	  .requests = RPCRDMA_MAX_REQUESTS },
	{ .rule = "a small max_qp_wr lowers the credits we ask for, never the backchannel's WRs",
	  .fr_depth = 512, .send_sge = 1, .qp_wr = 100,
	  .payload = SZ_1M, .requests = (100 - RPCRDMA_BC_SLOTS - 1) / 7 },
	{ .rule = "a device without FRWR is refused",
	  .no_frwr = true, .fr_depth = 512, .send_sge = 4, .qp_wr = 16384,
	  .result = -EOPNOTSUPP },
	{ .rule = "a device with no fast-reg pages is refused",
	  .fr_depth = 0, .send_sge = 4, .qp_wr = 16384,
	  .result = -EOPNOTSUPP },
	{ .rule = "a device without a send SGE is refused",
	  .fr_depth = 512, .send_sge = 0, .qp_wr = 16384,
	  .result = -EOPNOTSUPP },
	{ .rule = "a queue too short for two RPCs is refused",
	  .fr_depth = 512, .send_sge = 1, .qp_wr = 10,
	  .result = -EOPNOTSUPP },
};

static void caps_case_desc(const struct caps_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(caps, caps_cases, caps_case_desc);

static void device_caps_test(struct kunit *test)
{
	const struct caps_case *c = test->param_value;
	unsigned int pages, need;
	struct ib_device *device;
	struct rpcrdma_ep *ep;

	device = kunit_kzalloc(test, sizeof(*device), GFP_KERNEL);
	ep = kunit_kzalloc(test, sizeof(*ep), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, device && ep);
	if (!c->no_frwr)
		device->attrs.device_cap_flags = IB_DEVICE_MEM_MGT_EXTENSIONS;
	device->attrs.max_fast_reg_page_list_len = c->fr_depth;
	device->attrs.max_send_sge = c->send_sge;
	device->attrs.max_qp_wr = c->qp_wr;

	KUNIT_ASSERT_EQ(test, rpcrdma_ep_size(ep, device, RPCRDMA_MAX_REQUESTS),
			c->result);
	if (c->result)
		return;
	KUNIT_EXPECT_EQ(test, frwr_max_payload(ep), c->payload);
	KUNIT_EXPECT_EQ(test, ep->re_max_requests, c->requests);
	KUNIT_EXPECT_LE(test, ep->re_attr.cap.max_send_sge, c->send_sge);
	KUNIT_EXPECT_LE(test, ep->re_attr.cap.max_send_wr, c->qp_wr);
	KUNIT_EXPECT_LE(test, ep->re_attr.cap.max_recv_wr, c->qp_wr);
	/* RFC 8167: a Receive for each forward credit and each reverse
	 * Call slot, plus the drain WR; a Send for each reverse Reply too
	 */
	KUNIT_EXPECT_EQ(test, ep->re_attr.cap.max_recv_wr,
			ep->re_max_requests + RPCRDMA_BC_SLOTS + 1);
	KUNIT_EXPECT_GE(test, ep->re_attr.cap.max_send_wr,
			ep->re_max_requests + RPCRDMA_BC_SLOTS + 1);

	/* The transport header has room for every segment a chunk needs */
	KUNIT_EXPECT_LE(test, ep->re_max_rdma_segs, RPCRDMA_MAX_CHUNK_SEGS);
	/* A payload of max_payload bytes, misaligned, spans two more
	 * pages; a chunk's segments less its head and tail pieces cover
	 * them.
	 */
	pages = (ep->re_max_rdma_segs - 2) * ep->re_max_fr_depth;
	need = frwr_max_payload(ep) / PAGE_SIZE + 2;
	KUNIT_EXPECT_LE(test, need, pages);
}

static struct kunit_case device_caps_cases[] = {
	KUNIT_CASE_PARAM(device_caps_test, caps_gen_params),
	{}
};

static struct kunit_suite device_caps_suite = {
	.name = "xprtrdma_device_caps",
	.test_cases = device_caps_cases,
};

kunit_test_suite(device_caps_suite);
