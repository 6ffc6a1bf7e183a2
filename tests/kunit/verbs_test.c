// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: sizing a connection from its device's capabilities (verbs.c
 * rpcrdma_ep_size(), frwr_ops.c frwr_query_device() and
 * frwr_max_payload()).  The devices are ib_device structs whose
 * attributes are all that is set: sizing reads nothing else.  Then the
 * Send queue's bookkeeping: which Sends go unsignalled (frwr_send_flags())
 * and which a completion releases (rpcrdma_sends_reap()).
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
	 * Call slot, a chain more so Receives are reposted in chains, plus
	 * the drain WR; a Send for each reverse Reply too
	 */
	KUNIT_EXPECT_EQ(test, ep->re_recv_target,
			ep->re_max_requests + RPCRDMA_BC_SLOTS +
			RPCRDMA_RECV_BATCH);
	KUNIT_EXPECT_EQ(test, ep->re_attr.cap.max_recv_wr,
			ep->re_recv_target + 1);
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

/* ---- which Sends are signalled ---- */

struct signal_case {
	const char *rule;
	unsigned int countdown;		/* re_send_countdown before */
	bool at_head;			/* the rqst heads xmit_queue */
	bool behind;			/* another rqst is queued after it */
	bool grouped;			/* one waits on its rq_xmit2 */
	bool next_busy;			/* that one's req waits for a reap */
	bool reverse;			/* a reverse Reply */
	unsigned int posted;		/* Sends unreaped before, of 36 */
	bool signalled;
	unsigned int countdown_after;
};

static const struct signal_case signal_cases[] = {
	{ .rule = "alone on the transmit queue: signalled, the count starts again",
	  .countdown = 5, .at_head = true, .signalled = true,
	  .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "another request queued behind: unsignalled, counted down",
	  .countdown = 5, .at_head = true, .behind = true,
	  .countdown_after = 4 },
	{ .rule = "a request of the same owner grouped behind it: unsignalled",
	  .countdown = 5, .at_head = true, .grouped = true,
	  .countdown_after = 4 },
	{ .rule = "the last Send of a batch is signalled though another follows",
	  .countdown = 1, .at_head = true, .behind = true, .signalled = true,
	  .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "a new connection's first Send is signalled",
	  .countdown = 0, .at_head = true, .behind = true, .signalled = true,
	  .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "not at the queue's head (not sent from xprt_transmit()): signalled",
	  .countdown = 5, .behind = true, .signalled = true,
	  .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "the one behind waits for a reap itself (maybe of this Send): signalled",
	  .countdown = 5, .at_head = true, .behind = true, .next_busy = true,
	  .signalled = true, .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "the grouped one behind waits for a reap itself: signalled",
	  .countdown = 5, .at_head = true, .grouped = true, .next_busy = true,
	  .signalled = true, .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "a reverse Reply is signalled: the next reverse Call reuses its req",
	  .countdown = 5, .at_head = true, .behind = true, .reverse = true,
	  .signalled = true, .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "taking one of the send queue's last two places: signalled",
	  .countdown = 5, .at_head = true, .behind = true, .posted = 34,
	  .signalled = true, .countdown_after = RPCRDMA_SEND_BATCH },
	{ .rule = "three places left: unsignalled",
	  .countdown = 5, .at_head = true, .behind = true, .posted = 33,
	  .countdown_after = 4 },
};

static void signal_case_desc(const struct signal_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(signal, signal_cases, signal_case_desc);

/* A transport, a connection and the queued requests a case needs */
struct signal_env {
	struct rpcrdma_xprt *r_xprt;
	struct rpcrdma_ep *ep;
	struct rpcrdma_req *req;	/* the one being sent */
	struct rpc_rqst *other;		/* another on xmit_queue */
	struct rpc_rqst *grouped;	/* one on req's rq_xmit2 */
};

/* Every rqst on our transport's queues is a req's rl_slot */
static struct rpc_rqst *signal_rqst(struct kunit *test)
{
	struct rpcrdma_req *req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, req);
	return &req->rl_slot;
}

static void signal_env_init(struct kunit *test, struct signal_env *env)
{
	env->r_xprt = kunit_kzalloc(test, sizeof(*env->r_xprt), GFP_KERNEL);
	env->ep = kunit_kzalloc(test, sizeof(*env->ep), GFP_KERNEL);
	env->req = kunit_kzalloc(test, sizeof(*env->req), GFP_KERNEL);
	env->other = signal_rqst(test);
	env->grouped = signal_rqst(test);
	KUNIT_ASSERT_NOT_NULL(test, env->r_xprt);
	KUNIT_ASSERT_NOT_NULL(test, env->ep);
	KUNIT_ASSERT_NOT_NULL(test, env->req);
	INIT_LIST_HEAD(&env->r_xprt->rx_xprt.xmit_queue);
	INIT_LIST_HEAD(&env->req->rl_slot.rq_xmit2);
	INIT_LIST_HEAD(&env->other->rq_xmit2);
	/* RPCRDMA_MAX_SENDS() is 36 */
	env->ep->re_max_requests = 36 - RPCRDMA_BC_SLOTS;
}

static void send_signal_test(struct kunit *test)
{
	const struct signal_case *c = test->param_value;
	struct signal_env env;
	struct list_head *q;

	signal_env_init(test, &env);
	/* As xprt_request_enqueue_transmit() queues them */
	q = &env.r_xprt->rx_xprt.xmit_queue;
	if (!c->at_head)
		list_add_tail(&env.other->rq_xmit, q);
	list_add_tail(&env.req->rl_slot.rq_xmit, q);
	if (c->behind && c->at_head)
		list_add_tail(&env.other->rq_xmit, q);
	if (c->grouped)
		list_add_tail(&env.grouped->rq_xmit2,
			      &env.req->rl_slot.rq_xmit2);
	if (c->next_busy) {
		set_bit(RPCRDMA_REQ_SEND_BUSY, &rpcr_to_rdmar(env.other)->rl_flags);
		set_bit(RPCRDMA_REQ_SEND_BUSY,
			&rpcr_to_rdmar(env.grouped)->rl_flags);
	}
	if (c->reverse)
		set_bit(RPC_BC_PA_IN_USE, &env.req->rl_slot.rq_bc_pa_state);
	env.r_xprt->rx_buf.rb_sends_posted = c->posted;
	env.ep->re_send_countdown = c->countdown;

	frwr_send_flags(env.r_xprt, env.ep, env.req);
	KUNIT_EXPECT_EQ(test, env.req->rl_wr.send_flags,
			c->signalled ? (unsigned int)IB_SEND_SIGNALED : 0U);
	KUNIT_EXPECT_EQ(test, env.ep->re_send_countdown, c->countdown_after);
	KUNIT_EXPECT_EQ(test, env.r_xprt->rx_stats.sends_unsignalled,
			c->signalled ? 0UL : 1UL);
}

/* Over a whole stream with requests always queued behind: one Send in
 * every RPCRDMA_SEND_BATCH is signalled, so none waits long to be reaped.
 */
static void send_signal_batch_test(struct kunit *test)
{
	unsigned int i, signalled = 0, run = 0, longest = 0;
	struct signal_env env;
	struct rpcrdma_req *req;

	signal_env_init(test, &env);
	req = env.req;
	list_add_tail(&req->rl_slot.rq_xmit, &env.r_xprt->rx_xprt.xmit_queue);
	list_add_tail(&env.other->rq_xmit, &env.r_xprt->rx_xprt.xmit_queue);

	for (i = 0; i < 10 * RPCRDMA_SEND_BATCH; i++) {
		frwr_send_flags(env.r_xprt, env.ep, req);
		if (req->rl_wr.send_flags & IB_SEND_SIGNALED) {
			signalled++;
			run = 0;
		} else {
			longest = max(longest, ++run);
		}
	}
	KUNIT_EXPECT_EQ(test, signalled, 10U);
	KUNIT_EXPECT_EQ(test, longest, RPCRDMA_SEND_BATCH - 1U);
}

/* ---- which Sends a completion releases ---- */

#define SENDQ_REQS	4

struct reap_case {
	const char *rule;
	int completed;		/* index of the req whose Send completed */
	bool reset_first;	/* rpcrdma_reqs_reset() already emptied rb_sendq */
	unsigned int released;	/* reqs released, from the head */
};

static const struct reap_case reap_cases[] = {
	{ .rule = "the oldest Send's completion releases it alone",
	  .completed = 0, .released = 1 },
	{ .rule = "a later signalled Send's completion releases those posted before it",
	  .completed = 2, .released = 3 },
	{ .rule = "the newest Send's completion releases every Send",
	  .completed = SENDQ_REQS - 1, .released = SENDQ_REQS },
	{ .rule = "a completion after the teardown released everything changes nothing",
	  .completed = 1, .reset_first = true, .released = 0 },
};

static void reap_case_desc(const struct reap_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(reap, reap_cases, reap_case_desc);

static void sends_reap_test(struct kunit *test)
{
	const struct reap_case *c = test->param_value;
	struct rpcrdma_req *reqs[SENDQ_REQS];
	struct rpcrdma_xprt *r_xprt;
	struct rpcrdma_buffer *buf;
	unsigned int i, queued;

	/* No sender waits: XPRT_WRITE_SPACE is clear */
	r_xprt = kunit_kzalloc(test, sizeof(*r_xprt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r_xprt);
	buf = &r_xprt->rx_buf;
	spin_lock_init(&buf->rb_sendq_lock);
	INIT_LIST_HEAD(&buf->rb_sendq);
	for (i = 0; i < SENDQ_REQS; i++) {
		reqs[i] = kunit_kzalloc(test, sizeof(*reqs[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, reqs[i]);
		INIT_LIST_HEAD(&reqs[i]->rl_sendq);
		/* As frwr_send() posts each */
		set_bit(RPCRDMA_REQ_SEND_BUSY, &reqs[i]->rl_flags);
		if (!c->reset_first)
			list_add_tail(&reqs[i]->rl_sendq, &buf->rb_sendq);
	}

	rpcrdma_sends_reap(r_xprt, reqs[c->completed]);

	for (i = 0; i < SENDQ_REQS; i++) {
		bool released = i < c->released;

		KUNIT_EXPECT_EQ(test, list_empty(&reqs[i]->rl_sendq),
				released || c->reset_first);
		KUNIT_EXPECT_EQ(test, test_bit(RPCRDMA_REQ_SEND_BUSY,
					       &reqs[i]->rl_flags), !released);
	}
	queued = list_count_nodes(&buf->rb_sendq);
	KUNIT_EXPECT_EQ(test, queued,
			c->reset_first ? 0U : SENDQ_REQS - c->released);
	if (queued)
		KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&buf->rb_sendq,
							   struct rpcrdma_req,
							   rl_sendq),
				    reqs[c->released]);
}

static struct kunit_case sendq_cases[] = {
	KUNIT_CASE_PARAM(send_signal_test, signal_gen_params),
	KUNIT_CASE(send_signal_batch_test),
	KUNIT_CASE_PARAM(sends_reap_test, reap_gen_params),
	{}
};

static struct kunit_suite sendq_suite = {
	.name = "xprtrdma_sendq",
	.test_cases = sendq_cases,
};

kunit_test_suites(&device_caps_suite, &sendq_suite);
