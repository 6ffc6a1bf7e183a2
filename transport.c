// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RPC-over-RDMA version 1 client transport class (RFC 8166): how SUNRPC
 * finds us ("rdma" and "rdma6" netids) and the module's life cycle.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <kunit/visibility.h>

#include "xprt_rdma.h"

/**
 * xprt_setup_rdma - set up an RPC-over-RDMA transport
 * @args: the address and options SUNRPC wants a transport for
 *
 * Context: process context, may sleep.
 *
 * Return: a new transport or an ERR_PTR; no transport exists yet, so every
 * call fails with -EPROTONOSUPPORT.
 */
static struct rpc_xprt *xprt_setup_rdma(struct xprt_create *args)
{
	return ERR_PTR(-EPROTONOSUPPORT);
}

static struct xprt_class xprt_rdma_class = {
	.list	= LIST_HEAD_INIT(xprt_rdma_class.list),
	.name	= "rdma",
	.owner	= THIS_MODULE,
	.ident	= XPRT_TRANSPORT_RDMA,
	.setup	= xprt_setup_rdma,
	.netid	= { "rdma", "rdma6", "" },
};

/**
 * rpcrdma_register_class - make a transport class visible to SUNRPC
 * @class: the class to register
 *
 * SUNRPC keeps one class per transport ident.  The in-tree rpcrdma module
 * registers XPRT_TRANSPORT_RDMA too, and the two cannot be loaded together:
 * say so once, in words an administrator can act on.
 *
 * Context: process context, may sleep.
 *
 * Return: 0, or -EEXIST when another module owns @class's ident.
 */
VISIBLE_IF_KUNIT int rpcrdma_register_class(struct xprt_class *class)
{
	int rc;

	rc = xprt_register_transport(class);
	if (rc == -EEXIST)
		pr_err("RDMA transport ident %d is already registered, probably by the in-tree rpcrdma module; run 'rmmod rpcrdma' first\n",
		       class->ident);
	return rc;
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_register_class);

static int __init xprt_rdma_init(void)
{
	return rpcrdma_register_class(&xprt_rdma_class);
}

static void __exit xprt_rdma_cleanup(void)
{
	xprt_unregister_transport(&xprt_rdma_class);
}

module_init(xprt_rdma_init);
module_exit(xprt_rdma_cleanup);

MODULE_DESCRIPTION("RPC-over-RDMA version 1 client transport");
MODULE_LICENSE("GPL");
