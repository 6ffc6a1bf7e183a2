/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types and interfaces shared by the files of the RPC-over-RDMA version 1
 * client transport (RFC 8166).
 */
#ifndef _XPRTRDMA_XPRT_RDMA_H
#define _XPRTRDMA_XPRT_RDMA_H

#include <linux/sunrpc/xprt.h>

/* transport.c */
#if IS_ENABLED(CONFIG_KUNIT)
int rpcrdma_register_class(struct xprt_class *class);
#endif

#endif /* _XPRTRDMA_XPRT_RDMA_H */
