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

#include <linux/kthread.h>
#include <linux/version.h>
#include <linux/sunrpc/bc_xprt.h>
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

/**
 * rpcrdma_svc_dequeue_bc_call - take a reverse Call off the callback queue
 * @serv: the callback service
 *
 * The consumer's side of rpcrdma_svc_queue_bc_call(), for a callback
 * service of our own (the tests'); the same change in 6.7:
 *   6.1:  off sv_cb_list, under sv_cb_lock with BHs off.
 *   6.7+: off the lwq, as svc_recv() does for its service's threads.
 *
 * Context: process context.
 *
 * Return: a Call, which the caller owns now, or NULL if none is queued.
 */
static inline struct rpc_rqst *rpcrdma_svc_dequeue_bc_call(struct svc_serv *serv)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	return lwq_dequeue(&serv->sv_cb_list, struct rpc_rqst, rq_bc_list);
#else
	struct rpc_rqst *rqst;

	spin_lock_bh(&serv->sv_cb_lock);
	rqst = list_first_entry_or_null(&serv->sv_cb_list, struct rpc_rqst,
					rq_bc_list);
	if (rqst)
		list_del(&rqst->rq_bc_list);
	spin_unlock_bh(&serv->sv_cb_lock);
	return rqst;
#endif
}

/**
 * rpcrdma_svc_init_bc_queue - ready a bare svc_serv to be queued Calls
 * @serv: zeroed, not made by svc_create() (a unit test's)
 * @pool: zeroed; on 6.7+ rpcrdma_svc_queue_bc_call() wakes an idle
 *	thread of the service's pool 0, and this one has none
 *
 * Context: process context.
 */
static inline void rpcrdma_svc_init_bc_queue(struct svc_serv *serv,
					     struct svc_pool *pool)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	lwq_init(&serv->sv_cb_list);
	init_llist_head(&pool->sp_idle_threads);
	serv->sv_pools = pool;
	serv->sv_nrpools = 1;
#else
	INIT_LIST_HEAD(&serv->sv_cb_list);
	spin_lock_init(&serv->sv_cb_lock);
	init_waitqueue_head(&serv->sv_cb_waitq);
#endif
}

/*
 * A callback service of our own (the peer suite's), made the way NFS
 * makes its NFSv4.1 one: svc_create() with a thread function,
 * set_bc_enabled(), svc_set_num_threads().  Between 6.1 and 6.12 the
 * service interface changed in several steps (6.3 to 6.12): procedures
 * read and write XDR streams only, vs_dispatch lost its statp,
 * pg_authenticate returns enum svc_auth_status, vs_count is per-CPU,
 * service threads serve reverse Calls from svc_recv() and must report
 * their start (svc_thread_init_status(), 6.12), and svc_destroy()
 * replaced the last svc_put().  Only 6.1 and 6.12 are built: the
 * wrappers below tell them apart at 6.12, and the kernels in between
 * are not supported.
 */

/**
 * rpcrdma_svc_thread_ready - a service thread reports it has started
 * @rqstp: the thread's svc_rqst
 *
 * 6.12's svc_set_num_threads() waits for this; 6.1's does not.
 *
 * Context: the service thread, before it serves anything.
 */
static inline void rpcrdma_svc_thread_ready(struct svc_rqst *rqstp)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	svc_thread_init_status(rqstp, 0);
#endif
}

/**
 * rpcrdma_svc_thread_should_stop - svc_set_num_threads() stops this one
 * @rqstp: the thread's svc_rqst
 *
 * 6.1 stops a service thread with kthread_stop(), 6.12 by marking it
 * the pool's victim.  Either way the thread calls svc_exit_thread().
 *
 * Context: the service thread.
 *
 * Return: true once the thread must exit.
 */
static inline bool rpcrdma_svc_thread_should_stop(struct svc_rqst *rqstp)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	return svc_thread_should_stop(rqstp);
#else
	return kthread_should_stop();
#endif
}

/**
 * rpcrdma_svc_serve_bc_call - wait for a reverse Call, serve it
 * @rqstp: the thread's svc_rqst, of a service with set_bc_enabled()
 *
 * 6.1: waits on sv_cb_waitq for a Call or for kthread_stop(), and hands
 * the Call to bc_svc_process().  6.12: svc_recv() does both, handing
 * it to svc_process_bc().  Either sends the Reply and frees the Call.
 * Returns early when the thread is to stop.
 *
 * Context: the service thread; sleeps.
 */
static inline void rpcrdma_svc_serve_bc_call(struct svc_rqst *rqstp)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	svc_recv(rqstp);
#else
	struct svc_serv *serv = rqstp->rq_server;
	struct rpc_rqst *rqst = NULL;

	wait_event_interruptible(serv->sv_cb_waitq,
				 (rqst = rpcrdma_svc_dequeue_bc_call(serv)) ||
				 kthread_should_stop());
	if (rqst)
		bc_svc_process(serv, rqst, rqstp);
#endif
}

/**
 * rpcrdma_svc_destroy - free a service whose threads are all stopped
 * @servp: the service; NULL after
 *
 * Context: process context.
 */
static inline void rpcrdma_svc_destroy(struct svc_serv **servp)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	svc_destroy(servp);
#else
	svc_put(*servp);
	*servp = NULL;
#endif
}

/**
 * rpcrdma_svc_decode_u32 - the next word of a Call's arguments
 * @rqstp: the Call being served, its header decoded
 * @val: OUT: the word
 *
 * 6.1 reads the argument kvec (svc_getnl()), 6.12 rq_arg_stream.
 *
 * Context: a procedure's pc_func.
 *
 * Return: 0, or -EBADMSG if no word is left.
 */
static inline int rpcrdma_svc_decode_u32(struct svc_rqst *rqstp, u32 *val)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	if (xdr_stream_decode_u32(&rqstp->rq_arg_stream, val) < 0)
		return -EBADMSG;
#else
	struct kvec *argv = &rqstp->rq_arg.head[0];

	if (argv->iov_len < XDR_UNIT)
		return -EBADMSG;
	*val = svc_getnl(argv);
#endif
	return 0;
}

/**
 * rpcrdma_svc_encode_u32 - append a word to a Reply's results
 * @rqstp: the Call being served
 * @val: the word
 *
 * 6.1 writes the result kvec (svc_putnl()), 6.12 rq_res_stream.
 *
 * Context: a procedure's pc_func.
 *
 * Return: 0, or -EMSGSIZE if the Reply has no room left.
 */
static inline int rpcrdma_svc_encode_u32(struct svc_rqst *rqstp, u32 val)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	if (xdr_stream_encode_u32(&rqstp->rq_res_stream, val) < 0)
		return -EMSGSIZE;
#else
	svc_putnl(&rqstp->rq_res.head[0], val);
#endif
	return 0;
}

/**
 * rpcrdma_svc_dispatch - vs_dispatch for procedures that encode as they run
 * @rqstp: the Call being served; rq_procinfo is its procedure
 *
 * Runs pc_func and makes its result the accept_stat (6.1: into the
 * statp it is passed; 6.12: into rq_accept_statp).
 *
 * Context: the service thread.
 *
 * Return: 1: send the Reply.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline int rpcrdma_svc_dispatch(struct svc_rqst *rqstp)
{
	*rqstp->rq_accept_statp = rqstp->rq_procinfo->pc_func(rqstp);
	return 1;
}
#else
static inline int rpcrdma_svc_dispatch(struct svc_rqst *rqstp, __be32 *statp)
{
	*statp = rqstp->rq_procinfo->pc_func(rqstp);
	return 1;
}
#endif

/**
 * rpcrdma_svc_authenticate_none - pg_authenticate adding nothing to SUNRPC's
 * @rqstp: the Call being served, its AUTH_NONE credential checked already
 *
 * Context: the service thread.
 *
 * Return: SVC_OK.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline enum svc_auth_status
rpcrdma_svc_authenticate_none(struct svc_rqst *rqstp)
#else
static inline int rpcrdma_svc_authenticate_none(struct svc_rqst *rqstp)
#endif
{
	return SVC_OK;
}

/*
 * RPCRDMA_SVC_CALL_COUNTS - a service version's vs_count storage
 *
 * One counter per procedure: plain on 6.1, per-CPU on 6.12.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define RPCRDMA_SVC_CALL_COUNTS(name, nproc)				\
	static DEFINE_PER_CPU_ALIGNED(unsigned long, name[nproc])
#else
#define RPCRDMA_SVC_CALL_COUNTS(name, nproc)				\
	static unsigned int name[nproc]
#endif

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
