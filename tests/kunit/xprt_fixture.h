/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit: one of our transports, created through SUNRPC and never
 * connected, for suites that work on a real rpc_xprt.
 */

#ifndef XPRTRDMA_KUNIT_XPRT_FIXTURE_H
#define XPRTRDMA_KUNIT_XPRT_FIXTURE_H

#include <kunit/test.h>
#include <linux/sunrpc/clnt.h>

#include "xprt_rdma.h"

/**
 * struct rpcrdma_test_xprt - a client over a transport of ours
 * @clnt: the client; it holds the only reference to @xprt
 * @xprt: the transport
 * @r_xprt: @xprt as ours
 */
struct rpcrdma_test_xprt {
	struct rpc_clnt *clnt;
	struct rpc_xprt *xprt;
	struct rpcrdma_xprt *r_xprt;
};

int rpcrdma_test_xprt_create(struct kunit *test, const char *servername,
			     struct rpcrdma_test_xprt *tx);
void rpcrdma_test_xprt_destroy(struct rpcrdma_test_xprt *tx);

#endif /* XPRTRDMA_KUNIT_XPRT_FIXTURE_H */
