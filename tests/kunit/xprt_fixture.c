// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: a transport of ours, set up but never connected.  rpc_create()
 * with RPC_CLNT_CREATE_NOPING builds the rpc_xprt and its buffers and
 * sends nothing, so no device is needed.
 */

#include <linux/sunrpc/addr.h>
#include <net/net_namespace.h>

#include "xprt_fixture.h"

static const struct rpc_procinfo test_xprt_procs[1];
static unsigned int test_xprt_counts[ARRAY_SIZE(test_xprt_procs)];

static const struct rpc_version test_xprt_version = {
	.number		= 1,
	.nrprocs	= ARRAY_SIZE(test_xprt_procs),
	.procs		= test_xprt_procs,
	.counts		= test_xprt_counts,
};

static const struct rpc_version *test_xprt_versions[] = {
	[1] = &test_xprt_version,
};

static struct rpc_stat test_xprt_stats;

static const struct rpc_program test_xprt_program = {
	.name		= "xprtrdma_test",
	.number		= 0x20049997,
	.nrvers		= ARRAY_SIZE(test_xprt_versions),
	.version	= test_xprt_versions,
	.stats		= &test_xprt_stats,
};

/* RFC 5737 TEST-NET-1: nothing answers there, and nothing is sent */
#define TEST_XPRT_ADDR	"192.0.2.1"

/**
 * rpcrdma_test_xprt_create - a client over a new, unconnected transport
 * @test: the case, for its log
 * @servername: the client's cl_nodename, to tell suites apart in traces
 * @tx: filled in
 *
 * Context: process context, may sleep.
 *
 * Return: 0, or -errno with @tx->clnt an ERR_PTR and nothing to undo.
 */
int rpcrdma_test_xprt_create(struct kunit *test, const char *servername,
			     struct rpcrdma_test_xprt *tx)
{
	struct sockaddr_storage ss;
	struct rpc_create_args args = {
		.net		= &init_net,
		.protocol	= XPRT_TRANSPORT_RDMA,
		.address	= (struct sockaddr *)&ss,
		.servername	= servername,
		.program	= &test_xprt_program,
		.version	= 1,
		.authflavor	= RPC_AUTH_NULL,
		.flags		= RPC_CLNT_CREATE_NOPING,
	};

	args.addrsize = rpc_pton(&init_net, TEST_XPRT_ADDR,
				 strlen(TEST_XPRT_ADDR), args.address,
				 sizeof(ss));
	if (!args.addrsize) {
		tx->clnt = ERR_PTR(-EINVAL);
		return -EINVAL;
	}
	tx->clnt = rpc_create(&args);
	if (IS_ERR(tx->clnt)) {
		kunit_err(test, "rpc_create: %ld\n", PTR_ERR(tx->clnt));
		return PTR_ERR(tx->clnt);
	}
	rcu_read_lock();
	tx->xprt = rcu_dereference(tx->clnt->cl_xprt);
	rcu_read_unlock();	/* tx->clnt holds the transport */
	tx->r_xprt = rpcx_to_rdmax(tx->xprt);
	return 0;
}

/**
 * rpcrdma_test_xprt_destroy - shut down what rpcrdma_test_xprt_create() made
 * @tx: the client, one whose creation failed (nothing to undo), or NULL
 *
 * The transport is destroyed later, from a workqueue, holding a
 * reference on xprtrdma.ko.
 *
 * Context: process context, may sleep.
 */
void rpcrdma_test_xprt_destroy(struct rpcrdma_test_xprt *tx)
{
	if (!tx || IS_ERR_OR_NULL(tx->clnt))
		return;
	rpc_shutdown_client(tx->clnt);
	tx->clnt = NULL;
}
