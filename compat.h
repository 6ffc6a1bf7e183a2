/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one home of every difference between the kernels this module is
 * built for: Debian 12's Linux 6.1 and Linux 6.12.
 *
 * What belongs here: each kernel interface our code uses that is not the
 * same on both, wrapped so that the rest of the tree is written once,
 * against one interface.  Each wrapper says what differs and since when,
 * and picks its variant by LINUX_VERSION_CODE or, where a distribution
 * backports the change, by a compile probe.
 *
 * What does not: a version test anywhere else in the tree, or code for a
 * kernel nobody builds against.
 */
#ifndef _XPRTRDMA_COMPAT_H
#define _XPRTRDMA_COMPAT_H

#include <linux/version.h>
#include <linux/sunrpc/svc.h>
#include <linux/sunrpc/xprt.h>

/**
 * rpcrdma_svc_queue_bc_call - give a reverse Call to the callback service
 * @serv: the back channel's service (rpc_xprt::bc_serv)
 * @rqst: the Call, its rq_rcv_buf and rq_private_buf set up
 *
 * The service's queue of reverse Calls changed in Linux 6.7, with the
 * light-weight queue (linux/lwq.h):
 *   6.1:  sv_cb_list is a list_head under sv_cb_lock, which the NFSv4.1
 *         callback thread takes with BHs off; it sleeps on sv_cb_waitq.
 *   6.7+: sv_cb_list is an lwq, lock-free; the service's pool threads
 *         take Calls from it in svc_recv(), and one idle thread of pool 0
 *         must be woken for each Call queued.
 * rq_bc_list needs no set up on either before it is queued.
 *
 * Context: any but hard IRQ; never sleeps.  The caller passes the
 * service one transport reference, which the service drops when it
 * frees @rqst.
 */
static inline void rpcrdma_svc_queue_bc_call(struct svc_serv *serv,
					     struct rpc_rqst *rqst)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	lwq_enqueue(&rqst->rq_bc_list, &serv->sv_cb_list);
	svc_pool_wake_idle_thread(&serv->sv_pools[0]);
#else
	spin_lock_bh(&serv->sv_cb_lock);
	list_add(&rqst->rq_bc_list, &serv->sv_cb_list);
	spin_unlock_bh(&serv->sv_cb_lock);
	wake_up(&serv->sv_cb_waitq);
#endif
}

/*
 * RPCRDMA_SYSCTL_TABLE_END - what ends a sysctl table
 *
 * 6.1's register_sysctl() walks a table to an empty entry.  Since 6.6
 * register_sysctl() is a macro passing the table's ARRAY_SIZE(), and
 * since 6.11 an empty entry in it is refused ("procname is null").
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define RPCRDMA_SYSCTL_TABLE_END
#else
#define RPCRDMA_SYSCTL_TABLE_END	{ }
#endif

/*
 * rpcrdma_assign_str - fill a tracepoint's __string() field
 *
 * Since 6.10 __assign_str() takes only the field: the source is the one
 * its __string() declaration named.  6.1's takes the source again.
 * trace.h passes both and names the same source twice; on 6.10+ the
 * second is only evaluated, which keeps it type-checked.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define rpcrdma_assign_str(field, src)				\
	do {							\
		__assign_str(field);				\
		(void)(src);					\
	} while (0)
#else
#define rpcrdma_assign_str(field, src)	__assign_str(field, src)
#endif

#endif /* _XPRTRDMA_COMPAT_H */
