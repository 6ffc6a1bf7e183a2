// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests of xprtrdma against a misbehaving peer (tests/peer/rdma-peer).
 *
 * An rpc_clnt over XPRT_TRANSPORT_RDMA calls a private test program whose
 * procedures carry no arguments and no results; the procedure number tells
 * the peer how to (mis)behave in its reply.  Every call must complete within
 * the soft timeout, and every refused reply must be counted.  A refused
 * reply reaches SUNRPC as an unparsable one: the call is sent again (the
 * peer answers a resend well, unless the scenario is "sticky"), and after
 * 1 + tk_garb_retry (2) refused replies it fails with -EIO.  Afterwards more good
 * calls than any credit grant, in sequence and at once, prove that no
 * Receive was lost.
 *
 * Module parameters: peer_addr (IPv4 or IPv6 literal), peer_port.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/sunrpc/clnt.h>
#include <linux/sunrpc/addr.h>
#include <net/net_namespace.h>

#include "xprt_rdma.h"

static char *peer_addr = "198.18.0.1";
module_param(peer_addr, charp, 0444);
MODULE_PARM_DESC(peer_addr, "address of the rdma-peer");
static unsigned int peer_port = 20049;
module_param(peer_port, uint, 0444);
MODULE_PARM_DESC(peer_port, "port of the rdma-peer");

/* Must match enum scenario in rdma-peer.c */
enum peer_scenario {
	SC_GOOD = 0, SC_BAD_VERS, SC_BAD_PROC, SC_SHORT, SC_READ_LIST,
	SC_WRITE_LIST, SC_REPLY_CHUNK, SC_ERR_VERS, SC_ERR_CHUNK, SC_BAD_XID,
	SC_CREDITS_ZERO, SC_CREDITS_HUGE, SC_DUP, SC_SEND_INV, SC_BAD_ERRCODE,
	SC_NOMSG, SC_BAD_LIST, SC_COUNT
};

/* rdma-peer answers retransmissions of procedure STICKY + n badly too */
#define STICKY	32
#define PEER_NPROCS	(SC_COUNT + 2)

#define PEER_PROGRAM	0x20049999
#define PEER_VERSION	1
#define PEER_CALLS_AT_ONCE	64

static void peer_encode_void(struct rpc_rqst *rqstp, struct xdr_stream *xdr,
			     const void *obj)
{
}

static int peer_decode_void(struct rpc_rqst *rqstp, struct xdr_stream *xdr,
			    void *obj)
{
	return 0;
}

/* Entry @idx of peer_procs, procedure number @proc on the wire */
#define PEER_PROC(idx, proc) {				\
	.p_proc		= (proc),			\
	.p_encode	= peer_encode_void,		\
	.p_decode	= peer_decode_void,		\
	.p_arglen	= 1,				\
	.p_replen	= 1,				\
	.p_statidx	= (idx),			\
	.p_name		= "PEER",			\
}

static const struct rpc_procinfo peer_procs[PEER_NPROCS] = {
	PEER_PROC(0, 0), PEER_PROC(1, 1), PEER_PROC(2, 2), PEER_PROC(3, 3),
	PEER_PROC(4, 4), PEER_PROC(5, 5), PEER_PROC(6, 6), PEER_PROC(7, 7),
	PEER_PROC(8, 8), PEER_PROC(9, 9), PEER_PROC(10, 10),
	PEER_PROC(11, 11), PEER_PROC(12, 12), PEER_PROC(13, 13),
	PEER_PROC(14, 14), PEER_PROC(15, 15), PEER_PROC(16, 16),
	PEER_PROC(17, STICKY + SC_BAD_VERS),
	PEER_PROC(18, STICKY + SC_ERR_CHUNK),
};

#define SC_BAD_VERS_STICKY	17
#define SC_ERR_CHUNK_STICKY	18

static unsigned int peer_counts[PEER_NPROCS];

static const struct rpc_version peer_version1 = {
	.number		= PEER_VERSION,
	.nrprocs	= ARRAY_SIZE(peer_procs),
	.procs		= peer_procs,
	.counts		= peer_counts,
};

static const struct rpc_version *peer_versions[] = {
	[PEER_VERSION] = &peer_version1,
};

static struct rpc_stat peer_stats;

static const struct rpc_program peer_program = {
	.name		= "xprtrdma_peer",
	.number		= PEER_PROGRAM,
	.nrvers		= ARRAY_SIZE(peer_versions),
	.version	= peer_versions,
	.stats		= &peer_stats,
};

/* A hung RPC fails with -ETIMEDOUT after about 3 x 8 s. */
static const struct rpc_timeout peer_timeout = {
	.to_initval	= 8 * HZ,
	.to_maxval	= 8 * HZ,
	.to_retries	= 2,
};

static struct rpc_clnt *peer_clnt;

struct peer_counters {
	unsigned long bad_reply;
	unsigned long bad_xids;
};

static void peer_read_counters(struct peer_counters *c)
{
	struct rpcrdma_xprt *r_xprt;
	struct rpc_xprt *xprt;

	rcu_read_lock();
	xprt = rcu_dereference(peer_clnt->cl_xprt);
	r_xprt = container_of(xprt, struct rpcrdma_xprt, rx_xprt);
	c->bad_reply = READ_ONCE(r_xprt->rx_stats.bad_reply_count);
	c->bad_xids = READ_ONCE(xprt->stat.bad_xids);	/* SUNRPC's own count */
	rcu_read_unlock();
}

static int peer_call(unsigned int sc)
{
	struct rpc_message msg = { .rpc_proc = &peer_procs[sc] };

	return rpc_call_sync(peer_clnt, &msg, RPC_TASK_SOFT | RPC_TASK_TIMEOUT);
}

struct peer_case {
	const char *name;
	unsigned int sc;	/* index into peer_procs */
	int want;		/* rpc_call_sync's result */
	bool any_result;	/* any result but a timeout will do */
	unsigned int bad_reply;	/* bad_reply_count increment */
	unsigned int bad_xids;	/* bad_xids increment */
	unsigned int bad_any;	/* increment of the two together */
};

static const struct peer_case peer_cases[] = {
	{ "good inline reply", SC_GOOD, 0 },
	{ "rdma_vers 2", SC_BAD_VERS, 0, .bad_reply = 1 },
	{ "unknown rdma_proc", SC_BAD_PROC, 0, .bad_reply = 1 },
	{ "header truncated to 12 bytes", SC_SHORT, 0, .bad_reply = 1 },
	{ "Read list in a reply", SC_READ_LIST, 0, .bad_reply = 1 },
	{ "Write chunk never offered", SC_WRITE_LIST, 0, .bad_reply = 1 },
	{ "Reply chunk never offered", SC_REPLY_CHUNK, 0, .bad_reply = 1 },
	{ "RDMA_ERROR ERR_VERS", SC_ERR_VERS, 0, .bad_reply = 1 },
	{ "RDMA_ERROR ERR_CHUNK", SC_ERR_CHUNK, 0, .bad_reply = 1 },
	{ "RDMA_ERROR unknown code", SC_BAD_ERRCODE, 0, .bad_reply = 1 },
	{ "RDMA_NOMSG without Reply chunk", SC_NOMSG, 0, .bad_reply = 1 },
	{ "list discriminator 2", SC_BAD_LIST, 0, .bad_reply = 1 },
	{ "rdma_vers 2, retransmissions too", SC_BAD_VERS_STICKY, -EIO,
	  .bad_reply = 3 },
	{ "ERR_CHUNK, retransmissions too", SC_ERR_CHUNK_STICKY, -EIO,
	  .bad_reply = 3 },
	{ "unmatched XID, then the reply", SC_BAD_XID, 0, .bad_xids = 1 },
	{ "credits 0", SC_CREDITS_ZERO, 0 },
	{ "credits 0xffffffff", SC_CREDITS_HUGE, 0 },
	{ "duplicate reply", SC_DUP, 0, .bad_any = 1 },
	{ "Send With Invalidate of an unknown rkey", SC_SEND_INV, 0,
	  .any_result = true },
};

static void peer_case_desc(const struct peer_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(peer_scenario, peer_cases, peer_case_desc);

/* Wait up to 5 s for late replies (a duplicate) to be counted. */
static void peer_counted(const struct peer_case *c,
			 const struct peer_counters *before,
			 struct peer_counters *after)
{
	int i;

	for (i = 0; i < 50; i++) {
		peer_read_counters(after);
		if (after->bad_reply - before->bad_reply +
		    after->bad_xids - before->bad_xids >=
		    c->bad_reply + c->bad_xids + c->bad_any)
			return;
		msleep(100);
	}
}

static void xprtrdma_peer_scenario(struct kunit *test)
{
	const struct peer_case *c = test->param_value;
	struct peer_counters before, after;
	unsigned long t0 = jiffies;
	int ret, round;

	/* Twice: the second call proves the first left the transport usable. */
	for (round = 0; round < 2; round++) {
		peer_read_counters(&before);
		ret = peer_call(c->sc);
		peer_counted(c, &before, &after);
		kunit_info(test, "%s: call %d returned %d in %u ms; bad_reply +%lu, bad_xids +%lu\n",
			   c->name, round + 1, ret,
			   jiffies_to_msecs(jiffies - t0),
			   after.bad_reply - before.bad_reply,
			   after.bad_xids - before.bad_xids);
		KUNIT_EXPECT_NE_MSG(test, ret, -ETIMEDOUT, "RPC timed out");
		if (!c->any_result)
			KUNIT_EXPECT_EQ(test, ret, c->want);
		if (c->bad_reply)
			KUNIT_EXPECT_EQ(test, after.bad_reply - before.bad_reply,
					(unsigned long)c->bad_reply);
		if (c->bad_xids)
			KUNIT_EXPECT_EQ(test, after.bad_xids - before.bad_xids,
					(unsigned long)c->bad_xids);
		if (c->bad_any)
			KUNIT_EXPECT_EQ(test, after.bad_reply - before.bad_reply +
					after.bad_xids - before.bad_xids,
					(unsigned long)c->bad_any);
		/* A good call right after must succeed. */
		KUNIT_EXPECT_EQ_MSG(test, peer_call(SC_GOOD), 0,
				    "good call after \"%s\"", c->name);
	}
}

/* More good calls in sequence than the most credits we ever ask for. */
static void xprtrdma_peer_many_sequential(struct kunit *test)
{
	unsigned long t0 = jiffies;
	int i, ret, failed = 0;

	for (i = 0; i < 2 * RPCRDMA_MAX_REQUESTS; i++) {
		ret = peer_call(SC_GOOD);
		if (ret) {
			failed++;
			kunit_err(test, "call %d returned %d\n", i, ret);
			if (failed > 3)
				break;
		}
	}
	kunit_info(test, "%d sequential calls in %u ms\n", i,
		   jiffies_to_msecs(jiffies - t0));
	KUNIT_EXPECT_EQ(test, failed, 0);
}

struct peer_batch {
	atomic_t pending;
	atomic_t failed;
	struct completion done;
};

static void peer_batch_done(struct rpc_task *task, void *calldata)
{
	struct peer_batch *b = calldata;

	if (task->tk_status)
		atomic_inc(&b->failed);
}

static void peer_batch_release(void *calldata)
{
	struct peer_batch *b = calldata;

	if (atomic_dec_and_test(&b->pending))
		complete(&b->done);
}

static const struct rpc_call_ops peer_batch_ops = {
	.rpc_call_done	= peer_batch_done,
	.rpc_release	= peer_batch_release,
};

/* More good calls at once than the peer's credit grant. */
static void xprtrdma_peer_many_at_once(struct kunit *test)
{
	struct rpc_message msg = { .rpc_proc = &peer_procs[SC_GOOD] };
	struct peer_batch *b;
	unsigned long t0 = jiffies;
	int i;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	atomic_set(&b->pending, 1);
	init_completion(&b->done);
	for (i = 0; i < PEER_CALLS_AT_ONCE; i++) {
		struct rpc_task_setup setup = {
			.rpc_client	= peer_clnt,
			.rpc_message	= &msg,
			.callback_ops	= &peer_batch_ops,
			.callback_data	= b,
			.flags		= RPC_TASK_ASYNC | RPC_TASK_SOFT |
					  RPC_TASK_TIMEOUT,
		};
		struct rpc_task *task;

		atomic_inc(&b->pending);
		task = rpc_run_task(&setup);
		if (IS_ERR(task))
			atomic_inc(&b->failed);	/* rpc_release already ran */
		else
			rpc_put_task(task);
	}
	peer_batch_release(b);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&b->done, 120 * HZ), 0UL);
	kunit_info(test, "%d calls at once in %u ms\n", PEER_CALLS_AT_ONCE,
		   jiffies_to_msecs(jiffies - t0));
	KUNIT_EXPECT_EQ(test, atomic_read(&b->failed), 0);
}

static int xprtrdma_peer_suite_init(struct kunit_suite *suite)
{
	struct sockaddr_storage ss;
	struct rpc_create_args args = {
		.net		= &init_net,
		.protocol	= XPRT_TRANSPORT_RDMA,
		.address	= (struct sockaddr *)&ss,
		.timeout	= &peer_timeout,
		.servername	= "rdma-peer",
		.program	= &peer_program,
		.version	= PEER_VERSION,
		.authflavor	= RPC_AUTH_NULL,
		.flags		= RPC_CLNT_CREATE_NOPING,
	};
	struct rpc_clnt *clnt;

	args.addrsize = rpc_pton(&init_net, peer_addr, strlen(peer_addr),
				 args.address, sizeof(ss));
	if (!args.addrsize) {
		pr_err("xprtrdma_peer: bad peer_addr %s\n", peer_addr);
		return -EINVAL;
	}
	rpc_set_port(args.address, peer_port);
	clnt = rpc_create(&args);
	if (IS_ERR(clnt)) {
		pr_err("xprtrdma_peer: rpc_create: %ld\n", PTR_ERR(clnt));
		return PTR_ERR(clnt);
	}
	peer_clnt = clnt;
	return 0;
}

static void xprtrdma_peer_suite_exit(struct kunit_suite *suite)
{
	if (peer_clnt)
		rpc_shutdown_client(peer_clnt);
	peer_clnt = NULL;
}

static struct kunit_case xprtrdma_peer_cases[] = {
	KUNIT_CASE_PARAM(xprtrdma_peer_scenario, peer_scenario_gen_params),
	KUNIT_CASE(xprtrdma_peer_many_sequential),
	KUNIT_CASE(xprtrdma_peer_many_at_once),
	{}
};

static struct kunit_suite xprtrdma_peer_suite = {
	.name		= "xprtrdma_peer",
	.suite_init	= xprtrdma_peer_suite_init,
	.suite_exit	= xprtrdma_peer_suite_exit,
	.test_cases	= xprtrdma_peer_cases,
};

kunit_test_suite(xprtrdma_peer_suite);

MODULE_DESCRIPTION("xprtrdma end-to-end tests against a misbehaving peer");
MODULE_LICENSE("GPL");
