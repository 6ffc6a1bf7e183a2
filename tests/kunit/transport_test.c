// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: how SUNRPC finds the RPC-over-RDMA transport class, what a
 * failed connect tells waiting RPCs, what send_request does with a
 * retransmission on the connection that carried the first transmission,
 * and how a transmission that finds no free MR waits for one.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sunrpc/sched.h>
#include <linux/sunrpc/xprt.h>

#include "xprt_fixture.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct netid_case {
	const char *netid;
	int ident;
	const char *rule;
};

static const struct netid_case netid_cases[] = {
	{ "rdma",  XPRT_TRANSPORT_RDMA,
	  "RFC 5665 netid \"rdma\" names RPC-over-RDMA on IPv4" },
	{ "rdma6", XPRT_TRANSPORT_RDMA,
	  "RFC 5665 netid \"rdma6\" names RPC-over-RDMA on IPv6" },
	{ "rdmax", -ENOENT,
	  "a netid that merely starts with \"rdma\" is not ours" },
};

static void netid_case_desc(const struct netid_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->rule);
}

KUNIT_ARRAY_PARAM(netid, netid_cases, netid_case_desc);

static void netid_lookup_test(struct kunit *test)
{
	const struct netid_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xprt_find_transport_ident(c->netid), c->ident);
}

static struct xprt_class rival_class = {
	.list	= LIST_HEAD_INIT(rival_class.list),
	.name	= "rdma-rival",
	.owner	= THIS_MODULE,
	.ident	= XPRT_TRANSPORT_RDMA,
	.netid	= { "rdma-rival", "" },
};

/* A second owner of XPRT_TRANSPORT_RDMA (say, rpcrdma.ko) is refused. */
static void ident_taken_test(struct kunit *test)
{
	int rc;

	rc = rpcrdma_register_class(&rival_class);
	if (rc == 0)
		xprt_unregister_transport(&rival_class);
	KUNIT_EXPECT_EQ(test, rc, -EEXIST);
	KUNIT_EXPECT_EQ(test, xprt_find_transport_ident("rdma-rival"), -ENOENT);
	KUNIT_EXPECT_EQ(test, xprt_find_transport_ident("rdma"),
			XPRT_TRANSPORT_RDMA);
}

/*
 * What call_connect_status() (net/sunrpc/clnt.c) retries; any other
 * errno from a connect ends the RPC, which a hard mount reports as EIO.
 */
static bool connect_status_retries(int rc)
{
	switch (rc) {
	case -ECONNREFUSED:
	case -ECONNRESET:
	case -ECONNABORTED:
	case -ENETDOWN:
	case -ENETUNREACH:
	case -EHOSTUNREACH:
	case -EPIPE:
	case -EPROTO:
	case -EADDRINUSE:
	case -ENOTCONN:
	case -EAGAIN:
	case -ETIMEDOUT:
	case -ENOBUFS:
		return true;
	}
	return false;
}

struct connect_case {
	const char *rule;
	int rc;		/* why the connect failed */
	int want;	/* what waiting RPCs are told */
};

static const struct connect_case connect_cases[] = {
	{ .rule = "DEVICE_REMOVAL or ADDR_CHANGE during a connect (ENODEV) is retried, not EIO",
	  .rc = -ENODEV, .want = -EHOSTUNREACH },
	{ .rule = "a device that cannot do FRWR (EOPNOTSUPP) is retried later",
	  .rc = -EOPNOTSUPP, .want = -EHOSTUNREACH },
	{ .rule = "an allocation failure during setup (ENOMEM) is retried",
	  .rc = -ENOMEM, .want = -EAGAIN },
	{ .rule = "a DMA mapping failure (EIO) is retried",
	  .rc = -EIO, .want = -EHOSTUNREACH },
	{ .rule = "an address on no RDMA device (EADDRNOTAVAIL) is retried",
	  .rc = -EADDRNOTAVAIL, .want = -EHOSTUNREACH },
	{ .rule = "an rdma_cm argument error (EINVAL) is retried",
	  .rc = -EINVAL, .want = -EHOSTUNREACH },
	{ .rule = "an interrupted wait (ERESTARTSYS) is retried",
	  .rc = -ERESTARTSYS, .want = -EHOSTUNREACH },
	{ .rule = "a rejected connection keeps ECONNREFUSED (rebind; soft connects fail)",
	  .rc = -ECONNREFUSED, .want = -ECONNREFUSED },
	{ .rule = "a connect that timed out keeps ETIMEDOUT",
	  .rc = -ETIMEDOUT, .want = -ETIMEDOUT },
	{ .rule = "an unreachable route keeps ENETUNREACH",
	  .rc = -ENETUNREACH, .want = -ENETUNREACH },
	{ .rule = "an address resolution error keeps EPROTO",
	  .rc = -EPROTO, .want = -EPROTO },
	{ .rule = "a connection lost while connecting keeps ECONNABORTED",
	  .rc = -ECONNABORTED, .want = -ECONNABORTED },
	{ .rule = "a failed connect (CONNECT_ERROR) keeps ENOTCONN",
	  .rc = -ENOTCONN, .want = -ENOTCONN },
};

static void connect_case_desc(const struct connect_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(connect, connect_cases, connect_case_desc);

static void connect_errno_test(struct kunit *test)
{
	const struct connect_case *c = test->param_value;
	int rc = rpcrdma_connect_errno(c->rc);

	KUNIT_EXPECT_EQ(test, rc, c->want);
	KUNIT_EXPECT_TRUE_MSG(test, connect_status_retries(rc),
			      "call_connect_status() fails the RPC on %d", rc);
}

static struct kunit_case connect_status_cases[] = {
	KUNIT_CASE_PARAM(connect_errno_test, connect_gen_params),
	{}
};

static struct kunit_suite connect_status_suite = {
	.name = "xprtrdma_connect_status",
	.test_cases = connect_status_cases,
};

/* ---- A retransmission on the connection of the first transmission ---- */

/*
 * SUNRPC resends an RPC whose Reply is late; the close of the connection
 * runs from a workqueue, so the resend can reach send_request while the
 * first transmission's connection is still up and the server can still
 * reach the memory that transmission registered.  The req must not
 * be marshalled again then: its MRs would be stranded or mixed with the
 * new transmission's, and a late Reply's LOCAL_INV chain could complete
 * the RPC twice (the rl_registered rule, xprt_rdma.h).
 *
 * Each row builds the state the first transmission left on a real
 * transport of ours (rpc_create(), never connected), makes the transport
 * look connected to send_request, calls it as xprt_request_transmit()
 * does, with the write lock (XPRT_LOCKED) held, and checks that nothing
 * of that state moved.  The connection is a stand-in no verbs call may
 * reach: the device-free checks in front of marshalling must refuse.
 */

#define RESEND_XID		0x7e5e0001
#define RESEND_CALL_LEN		(2 * RPCRDMA_MIN_INLINE)	/* a Long Call */
#define RESEND_REPLY_LEN	256				/* an inline Reply */
#define RESEND_HANDLE		0x1234abcd
#define RESEND_OFFSET		0xfeed000000001000ULL

struct resend_case {
	const char *rule;
	bool registered;	/* the first transmission's MR is registered */
	bool reply_held;	/* a Reply to it holds the req (rl_reply) */
	bool send_busy;		/* its Send never completed (SEND_BUSY) */
	bool send_recent;	/* ... but was posted just now */
	int result;		/* what send_request returns */
	bool close;		/* a close of the connection was asked for */
};

static const struct resend_case resend_cases[] = {
	{ .rule = "a resend meeting its first transmission's MRs reconnects (ENOTCONN), keeps them",
	  .registered = true, .result = -ENOTCONN, .close = true },
	{ .rule = "a resend while a Reply invalidates the req's MRs waits (ENOBUFS), no close",
	  .registered = true, .reply_held = true, .result = -ENOBUFS },
	{ .rule = "a resend while a Reply holds the req waits (ENOBUFS), marshals nothing",
	  .reply_held = true, .result = -ENOBUFS },
	{ .rule = "a resend that waited 5 s for its Send reconnects (ENOTCONN), counted stalled",
	  .send_busy = true, .result = -ENOTCONN, .close = true },
	{ .rule = "a Send busy, not yet waited for: wait for write space (EAGAIN)",
	  .send_busy = true, .send_recent = true, .result = -EAGAIN },
	{ .rule = "a busy Send while a Reply holds the req: the resend waits (ENOBUFS), no close",
	  .send_busy = true, .reply_held = true, .result = -ENOBUFS },
};

static void resend_case_desc(const struct resend_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(resend, resend_cases, resend_case_desc);

/* What a case set up, so that its exit undoes exactly that */
struct resend_fixture {
	struct rpcrdma_test_xprt tx;
	struct rpc_task *task;		/* the RPC being resent */
	struct rpc_rqst *rqst;		/* its slot, once taken */
	struct rpcrdma_ep ep;		/* the stand-in connection */
	struct rpcrdma_mr mr;		/* the first transmission's Read chunk */
	struct rpcrdma_rep rep;		/* a Reply to it */
	unsigned long mrs_exhausted;	/* rx_stats before the call */
	unsigned long failed_marshals;
	unsigned long sends_stalled;
	bool mr_listed;			/* @mr is on a list */
	bool locked;			/* the case holds XPRT_LOCKED */
};

static int resend_init(struct kunit *test)
{
	struct resend_fixture *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->task = kunit_kzalloc(test, sizeof(*f->task), GFP_KERNEL);
	if (!f->task)
		return -ENOMEM;
	test->priv = f;
	return rpcrdma_test_xprt_create(test, "resend-test", &f->tx);
}

/* A slot and buffers for the RPC, as xprt_reserve() and call_allocate() */
static void resend_take_slot(struct kunit *test, struct resend_fixture *f)
{
	struct rpc_xprt *xprt = f->tx.xprt;
	struct rpc_task *task = f->task;
	struct rpc_rqst *rqst;

	xprt->ops->alloc_slot(xprt, task);
	KUNIT_ASSERT_EQ(test, task->tk_status, 0);
	rqst = task->tk_rqstp;
	f->rqst = rqst;
	rqst->rq_task = task;
	rqst->rq_xprt = xprt;
	rqst->rq_xid = cpu_to_be32(RESEND_XID);
	rqst->rq_callsize = RESEND_CALL_LEN;
	rqst->rq_rcvsize = RESEND_REPLY_LEN;
	KUNIT_ASSERT_EQ(test, xprt->ops->buf_alloc(task), 0);
	xdr_buf_init(&rqst->rq_snd_buf, rqst->rq_buffer, RESEND_CALL_LEN);
	rqst->rq_snd_buf.len = RESEND_CALL_LEN;
	xdr_buf_init(&rqst->rq_rcv_buf, rqst->rq_rbuffer, RESEND_REPLY_LEN);
}

/*
 * What the first transmission left: the congestion window slot it won,
 * RPCRDMA_REQ_SENT, the Read chunk it offered and, for some rows, its MR
 * (posted, so only a LOCAL_INV may release it) and a Reply.  The MR maps
 * nothing (mr_nents 0), so an unmap, were one wrongly done, reaches no
 * device; its mr_xprt is ours, so a wrong release puts it on rb_mrs,
 * where the case sees it.
 */
static void resend_first_transmission(struct resend_fixture *f,
				      const struct resend_case *c)
{
	struct rpcrdma_req *req = rpcr_to_rdmar(f->rqst);
	struct rpcrdma_chunk *read = &req->rl_chunks.rc_read;
	struct rpcrdma_mr *mr = &f->mr;

	f->rqst->rq_cong = 1;
	set_bit(RPCRDMA_REQ_SENT, &req->rl_flags);
	read->ch_position = 0;
	read->ch_nsegs = 1;
	read->ch_segs[0].ws_handle = RESEND_HANDLE;
	read->ch_segs[0].ws_length = RESEND_CALL_LEN;
	read->ch_segs[0].ws_offset = RESEND_OFFSET;
	if (c->registered) {
		INIT_LIST_HEAD(&mr->mr_all);
		mr->mr_req = req;
		mr->mr_xprt = f->tx.r_xprt;
		mr->mr_dir = DMA_TO_DEVICE;
		mr->mr_posted = true;
		mr->mr_handle = RESEND_HANDLE;
		mr->mr_length = RESEND_CALL_LEN;
		mr->mr_offset = RESEND_OFFSET;
		list_add_tail(&mr->mr_list, &req->rl_registered);
		f->mr_listed = true;
	}
	if (c->reply_held)
		req->rl_reply = &f->rep;
	if (c->send_busy) {
		set_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags);
		/* A resend after an RPC timeout has waited that long */
		if (!c->send_recent) {
			set_bit(RPCRDMA_REQ_SEND_WAIT, &req->rl_flags);
			req->rl_send_wait = jiffies - RPCRDMA_STALL_TIMEOUT - 1;
		}
	}
}

/*
 * Connected as send_request sees it: XPRT_CONNECTED and an rx_ep.  The
 * stand-in carries a connection's inline and segment limits, which only
 * a marshal reads (a marshal that must not happen, yet should fail an
 * expectation rather than oops); it has no QP, PD or device.
 */
static void resend_connect(struct kunit *test, struct resend_fixture *f)
{
	struct rpc_xprt *xprt = f->tx.xprt;

	f->ep.re_max_inline_send = RPCRDMA_MIN_INLINE;
	f->ep.re_max_inline_recv = RPCRDMA_MIN_INLINE;
	f->ep.re_max_rdma_segs = 8;
	KUNIT_ASSERT_FALSE(test, test_and_set_bit(XPRT_LOCKED, &xprt->state));
	f->locked = true;
	KUNIT_ASSERT_FALSE(test, test_bit(XPRT_CLOSE_WAIT, &xprt->state));
	f->tx.r_xprt->rx_ep = &f->ep;
	xprt_set_connected(xprt);
}

/* After the call, what the first transmission left must stand as it was */
static void resend_expect_untouched(struct kunit *test,
				    const struct resend_fixture *f,
				    const struct resend_case *c)
{
	const struct rpcrdma_buffer *buf = &f->tx.r_xprt->rx_buf;
	const struct rpcrdma_stats *stats = &f->tx.r_xprt->rx_stats;
	struct rpcrdma_req *req = rpcr_to_rdmar(f->rqst);
	const struct rpcrdma_chunk *read = &req->rl_chunks.rc_read;
	bool sent = test_bit(RPCRDMA_REQ_SENT, &req->rl_flags);

	/* No MR released or added; the first transmission's stays posted */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&req->rl_registered),
			(size_t)c->registered);
	if (c->registered) {
		KUNIT_EXPECT_PTR_EQ(test, list_first_entry(&req->rl_registered,
							   struct rpcrdma_mr,
							   mr_list), &f->mr);
		KUNIT_EXPECT_TRUE(test, f->mr.mr_posted);
	}
	/* Nothing asked of the pool, and nothing given to it */
	KUNIT_EXPECT_TRUE(test, list_empty(&buf->rb_mrs));
	KUNIT_EXPECT_EQ(test, stats->mrs_exhausted, f->mrs_exhausted);
	KUNIT_EXPECT_EQ(test, stats->failed_marshal_count, f->failed_marshals);
	/* Not marshalled: the offer a late Reply is checked against stands */
	KUNIT_EXPECT_EQ(test, read->ch_nsegs, 1U);
	KUNIT_EXPECT_EQ(test, read->ch_segs[0].ws_handle, (u32)RESEND_HANDLE);
	/* A late Reply to the first transmission still finds the req */
	KUNIT_EXPECT_TRUE_MSG(test, sent, "RPCRDMA_REQ_SENT is still set");
	KUNIT_EXPECT_PTR_EQ(test, req->rl_reply,
			    c->reply_held ? &f->rep : NULL);
}

static void resend_test(struct kunit *test)
{
	const struct resend_case *c = test->param_value;
	struct resend_fixture *f = test->priv;
	struct rpcrdma_xprt *r_xprt = f->tx.r_xprt;
	struct rpc_xprt *xprt = f->tx.xprt;
	bool closing;
	int rc;

	/* Never connected: the pool has no MR a marshal could take */
	KUNIT_ASSERT_TRUE(test, list_empty(&r_xprt->rx_buf.rb_mrs));
	resend_take_slot(test, f);
	resend_first_transmission(f, c);
	resend_connect(test, f);
	f->mrs_exhausted = r_xprt->rx_stats.mrs_exhausted;
	f->failed_marshals = r_xprt->rx_stats.failed_marshal_count;
	f->sends_stalled = r_xprt->rx_stats.sends_stalled;

	rc = xprt->ops->send_request(f->rqst);

	closing = test_bit(XPRT_CLOSE_WAIT, &xprt->state);
	KUNIT_EXPECT_EQ(test, rc, c->result);
	KUNIT_EXPECT_EQ_MSG(test, closing, c->close,
			    "a close asked for (XPRT_CLOSE_WAIT)");
	KUNIT_EXPECT_EQ(test, r_xprt->rx_stats.sends_stalled - f->sends_stalled,
			(unsigned long)(c->send_busy && !c->reply_held &&
					!c->send_recent));
	KUNIT_EXPECT_EQ_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			    c->result == -EAGAIN, "waiting for write space");
	resend_expect_untouched(test, f, c);
}

/*
 * Undo a case in reverse: disconnected, the lock dropped without SUNRPC's
 * release (which would queue the close the row asked for), the stand-in
 * MR off whatever list it is on, the buffers and slot given back as
 * xprt_release() does.
 */
static void resend_undo(struct resend_fixture *f)
{
	struct rpcrdma_xprt *r_xprt = f->tx.r_xprt;
	struct rpc_xprt *xprt = f->tx.xprt;

	xprt_clear_connected(xprt);
	r_xprt->rx_ep = NULL;
	clear_bit(XPRT_CLOSE_WAIT, &xprt->state);
	cancel_delayed_work_sync(&r_xprt->rx_space_worker);
	clear_bit(XPRT_WRITE_SPACE, &xprt->state);
	if (f->locked)
		clear_bit(XPRT_LOCKED, &xprt->state);
	if (f->mr_listed) {
		spin_lock(&r_xprt->rx_buf.rb_lock);
		list_del_init(&f->mr.mr_list);
		spin_unlock(&r_xprt->rx_buf.rb_lock);
	}
	if (!f->rqst)
		return;
	/* The stand-in Send is no longer "in flight": nothing to wait for */
	clear_bit(RPCRDMA_REQ_SEND_BUSY, &rpcr_to_rdmar(f->rqst)->rl_flags);
	if (f->rqst->rq_buffer)
		xprt->ops->buf_free(f->task);
	xprt->ops->free_slot(xprt, f->rqst);
}

static void resend_exit(struct kunit *test)
{
	struct resend_fixture *f = test->priv;

	if (!f)
		return;
	if (!IS_ERR_OR_NULL(f->tx.clnt))
		resend_undo(f);
	rpcrdma_test_xprt_destroy(&f->tx);
}

/*
 * A first transmission whose Read chunk finds the MR pool empty (the
 * fixture never connected, so it has no MR): send_request returns
 * -EAGAIN with XPRT_WRITE_SPACE set, so SUNRPC parks every sender until
 * xprt_write_space(), not the fixed 250 ms of -ENOBUFS.  Nothing is
 * left registered and no close is asked for.
 */
static void space_wait_begin(struct kunit *test, struct resend_fixture *f)
{
	struct rpcrdma_xprt *r_xprt = f->tx.r_xprt;
	struct rpc_xprt *xprt = f->tx.xprt;
	unsigned long waits;
	int rc;

	KUNIT_ASSERT_TRUE(test, list_empty(&r_xprt->rx_buf.rb_mrs));
	resend_take_slot(test, f);
	resend_connect(test, f);
	f->mrs_exhausted = r_xprt->rx_stats.mrs_exhausted;
	waits = r_xprt->rx_stats.space_waits;

	rc = xprt->ops->send_request(f->rqst);

	KUNIT_EXPECT_EQ(test, rc, -EAGAIN);
	KUNIT_EXPECT_TRUE_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			      "the senders wait for write space");
	KUNIT_EXPECT_FALSE(test, test_bit(XPRT_CLOSE_WAIT, &xprt->state));
	KUNIT_EXPECT_EQ(test, r_xprt->rx_stats.mrs_exhausted,
			f->mrs_exhausted + 1);
	KUNIT_EXPECT_EQ(test, r_xprt->rx_stats.space_waits, waits + 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&rpcr_to_rdmar(f->rqst)->rl_registered));
}

/* An MR freed (rpcrdma_mr_put()) wakes the waiting senders at once */
static void space_freed_mr_test(struct kunit *test)
{
	struct resend_fixture *f = test->priv;
	struct rpc_xprt *xprt = f->tx.xprt;

	space_wait_begin(test, f);
	f->mr.mr_xprt = f->tx.r_xprt;
	INIT_LIST_HEAD(&f->mr.mr_list);
	f->mr_listed = true;
	rpcrdma_mr_put(&f->mr);
	KUNIT_EXPECT_FALSE_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			       "a freed MR ends the wait");
}

/* No MR freed: rx_space_worker ends the wait after RPCRDMA_SPACE_RETRY */
static void space_retry_test(struct kunit *test)
{
	struct resend_fixture *f = test->priv;
	struct rpc_xprt *xprt = f->tx.xprt;

	space_wait_begin(test, f);
	msleep(jiffies_to_msecs(RPCRDMA_SPACE_RETRY) + 200);
	KUNIT_EXPECT_FALSE_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			       "the wait ends after RPCRDMA_SPACE_RETRY");
}

/*
 * A new RPC in a slot whose previous Send is not reaped yet waits for
 * write space (EAGAIN), and the completion that reaps the Send wakes it.
 */
static void space_reaped_send_test(struct kunit *test)
{
	struct resend_fixture *f = test->priv;
	struct rpcrdma_xprt *r_xprt = f->tx.r_xprt;
	struct rpc_xprt *xprt = f->tx.xprt;
	struct rpcrdma_req *req;
	int rc;

	resend_take_slot(test, f);
	req = rpcr_to_rdmar(f->rqst);
	/* As frwr_send() left the slot's previous Send */
	set_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags);
	spin_lock(&r_xprt->rx_buf.rb_sendq_lock);
	list_add_tail(&req->rl_sendq, &r_xprt->rx_buf.rb_sendq);
	r_xprt->rx_buf.rb_sends_posted++;
	spin_unlock(&r_xprt->rx_buf.rb_sendq_lock);
	resend_connect(test, f);

	rc = xprt->ops->send_request(f->rqst);
	KUNIT_EXPECT_EQ(test, rc, -EAGAIN);
	KUNIT_EXPECT_TRUE(test, test_bit(XPRT_WRITE_SPACE, &xprt->state));
	KUNIT_EXPECT_FALSE(test, test_bit(XPRT_CLOSE_WAIT, &xprt->state));

	rpcrdma_sends_reap(r_xprt, req);
	KUNIT_EXPECT_FALSE(test, test_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags));
	KUNIT_EXPECT_TRUE(test, list_empty(&r_xprt->rx_buf.rb_sendq));
	KUNIT_EXPECT_FALSE_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			       "the reap ends the wait");
}

/* The send queue holds RPCRDMA_MAX_SENDS() unreaped Sends: wait too */
static void space_sendq_full_test(struct kunit *test)
{
	struct resend_fixture *f = test->priv;
	struct rpcrdma_xprt *r_xprt = f->tx.r_xprt;
	struct rpc_xprt *xprt = f->tx.xprt;
	int rc;

	resend_take_slot(test, f);
	resend_connect(test, f);
	r_xprt->rx_buf.rb_sends_posted = RPCRDMA_MAX_SENDS(&f->ep);
	rc = xprt->ops->send_request(f->rqst);
	r_xprt->rx_buf.rb_sends_posted = 0;
	KUNIT_EXPECT_EQ(test, rc, -EAGAIN);
	KUNIT_EXPECT_TRUE(test, test_bit(XPRT_WRITE_SPACE, &xprt->state));
	KUNIT_EXPECT_FALSE(test, test_bit(XPRT_CLOSE_WAIT, &xprt->state));
}

/*
 * A marshal that took one MR and then found none gives that one back
 * before it waits: only a second MR freed wakes it, or it would retry,
 * and fail, at once and for good.
 */
static void space_mrs_wanted_test(struct kunit *test)
{
	struct resend_fixture *f = test->priv;
	struct rpcrdma_xprt *r_xprt = f->tx.r_xprt;
	struct rpc_xprt *xprt = f->tx.xprt;
	struct rpcrdma_mr *second;

	second = kunit_kzalloc(test, sizeof(*second), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, second);
	KUNIT_ASSERT_EQ(test, r_xprt->rx_buf.rb_mrs_free, 0U);
	KUNIT_EXPECT_EQ(test, rpcrdma_wait_for_mrs(r_xprt, 2), -EAGAIN);
	KUNIT_EXPECT_TRUE(test, test_bit(XPRT_WRITE_SPACE, &xprt->state));

	f->mr.mr_xprt = r_xprt;
	INIT_LIST_HEAD(&f->mr.mr_list);
	f->mr_listed = true;
	rpcrdma_mr_put(&f->mr);
	KUNIT_EXPECT_TRUE_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			      "one MR free, two wanted: still waiting");
	second->mr_xprt = r_xprt;
	rpcrdma_mr_put(second);
	KUNIT_EXPECT_FALSE_MSG(test, test_bit(XPRT_WRITE_SPACE, &xprt->state),
			       "two MRs free: the wait ends");
	spin_lock(&r_xprt->rx_buf.rb_lock);
	list_del_init(&second->mr_list);
	r_xprt->rx_buf.rb_mrs_free--;
	spin_unlock(&r_xprt->rx_buf.rb_lock);
}

static struct kunit_case resend_cases_list[] = {
	KUNIT_CASE_PARAM(resend_test, resend_gen_params),
	KUNIT_CASE(space_freed_mr_test),
	KUNIT_CASE(space_retry_test),
	KUNIT_CASE(space_reaped_send_test),
	KUNIT_CASE(space_sendq_full_test),
	KUNIT_CASE(space_mrs_wanted_test),
	{}
};

static struct kunit_suite resend_suite = {
	.name = "xprtrdma_resend",
	.init = resend_init,
	.exit = resend_exit,
	.test_cases = resend_cases_list,
};

static struct kunit_case transport_class_cases[] = {
	KUNIT_CASE_PARAM(netid_lookup_test, netid_gen_params),
	KUNIT_CASE(ident_taken_test),
	{}
};

static struct kunit_suite transport_class_suite = {
	.name = "xprtrdma_transport_class",
	.test_cases = transport_class_cases,
};

kunit_test_suites(&transport_class_suite, &connect_status_suite,
		  &resend_suite);

MODULE_DESCRIPTION("KUnit tests for the xprtrdma transport class");
MODULE_LICENSE("GPL");
