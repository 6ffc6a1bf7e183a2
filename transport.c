// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RPC-over-RDMA version 1 client transport class (RFC 8166): how SUNRPC
 * finds us ("rdma" and "rdma6" netids), the rpc_xprt_ops SUNRPC drives us
 * with, our statistics, and the module's life cycle.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sunrpc/addr.h>
#include <linux/sunrpc/clnt.h>
#include <linux/sunrpc/sched.h>
#include <linux/sysctl.h>
#include <kunit/visibility.h>

#include "xprt_rdma.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Reconnect back-off: first retry after 5 seconds, doubling to 30 */
#define RPCRDMA_INIT_REEST_TO		(5 * HZ)
#define RPCRDMA_MAX_REEST_TO		(30 * HZ)
#define RPCRDMA_IDLE_DISC_TO		(5 * 60 * HZ)
#define RPCRDMA_BIND_TO			(60 * HZ)

/* Largest RPC payload: rsize and wsize of 1 MiB (RPCRDMA_MAX_DATA_SEGS) */
#define RPCRDMA_MAX_PAYLOAD		SZ_1M

/*
 * Tunables, under the names the in-tree client gives them in
 * /proc/sys/sunrpc, each range-checked: the slot table is read when a
 * transport is made, the inline sizes each time one connects.
 */
unsigned int xprt_rdma_slot_table_entries = RPCRDMA_MAX_REQUESTS;
unsigned int xprt_rdma_max_inline_read = RPCRDMA_DEF_INLINE;
unsigned int xprt_rdma_max_inline_write = RPCRDMA_DEF_INLINE;

static unsigned int xprt_rdma_min_slots = RPCRDMA_MIN_REQUESTS;
static unsigned int xprt_rdma_max_slots = RPCRDMA_MAX_REQUESTS;
static unsigned int xprt_rdma_min_inline = RPCRDMA_MIN_INLINE;
static unsigned int xprt_rdma_max_inline = RPCRDMA_MAX_INLINE;

static struct ctl_table xprt_rdma_sysctls[] = {
	{
		.procname	= "rdma_slot_table_entries",
		.data		= &xprt_rdma_slot_table_entries,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= &xprt_rdma_min_slots,
		.extra2		= &xprt_rdma_max_slots,
	},
	{
		.procname	= "rdma_max_inline_read",
		.data		= &xprt_rdma_max_inline_read,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= &xprt_rdma_min_inline,
		.extra2		= &xprt_rdma_max_inline,
	},
	{
		.procname	= "rdma_max_inline_write",
		.data		= &xprt_rdma_max_inline_write,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= &xprt_rdma_min_inline,
		.extra2		= &xprt_rdma_max_inline,
	},
	RPCRDMA_SYSCTL_TABLE_END
};

static struct ctl_table_header *xprt_rdma_sysctl_header;

static const struct rpc_timeout xprt_rdma_default_timeout = {
	.to_initval	= 60 * HZ,
	.to_maxval	= 60 * HZ,
};

static void xprt_rdma_free_addresses(struct rpc_xprt *xprt)
{
	kfree(xprt->address_strings[RPC_DISPLAY_ADDR]);
	kfree(xprt->address_strings[RPC_DISPLAY_HEX_ADDR]);
	kfree(xprt->address_strings[RPC_DISPLAY_PORT]);
	kfree(xprt->address_strings[RPC_DISPLAY_HEX_PORT]);
	xprt->address_strings[RPC_DISPLAY_ADDR] = NULL;
	xprt->address_strings[RPC_DISPLAY_HEX_ADDR] = NULL;
	xprt->address_strings[RPC_DISPLAY_PORT] = NULL;
	xprt->address_strings[RPC_DISPLAY_HEX_PORT] = NULL;
}

static void xprt_rdma_format_port(struct rpc_xprt *xprt)
{
	unsigned short port = rpc_get_port((struct sockaddr *)&xprt->addr);

	kfree(xprt->address_strings[RPC_DISPLAY_PORT]);
	kfree(xprt->address_strings[RPC_DISPLAY_HEX_PORT]);
	xprt->address_strings[RPC_DISPLAY_PORT] =
		kasprintf(GFP_KERNEL, "%u", port);
	xprt->address_strings[RPC_DISPLAY_HEX_PORT] =
		kasprintf(GFP_KERNEL, "%4hx", port);
}

static int xprt_rdma_format_addresses(struct rpc_xprt *xprt)
{
	struct sockaddr *sap = (struct sockaddr *)&xprt->addr;
	char buf[INET6_ADDRSTRLEN + IPV6_SCOPE_ID_LEN + 2];

	rpc_ntop(sap, buf, sizeof(buf));
	xprt->address_strings[RPC_DISPLAY_ADDR] = kstrdup(buf, GFP_KERNEL);
	if (sap->sa_family == AF_INET) {
		xprt->address_strings[RPC_DISPLAY_HEX_ADDR] =
			kasprintf(GFP_KERNEL, "%08x",
				  ntohl(((struct sockaddr_in *)sap)->sin_addr.s_addr));
		xprt->address_strings[RPC_DISPLAY_NETID] = RPCBIND_NETID_RDMA;
	} else {
		xprt->address_strings[RPC_DISPLAY_HEX_ADDR] =
			kasprintf(GFP_KERNEL, "%pi6",
				  &((struct sockaddr_in6 *)sap)->sin6_addr);
		xprt->address_strings[RPC_DISPLAY_NETID] = RPCBIND_NETID_RDMA6;
	}
	xprt->address_strings[RPC_DISPLAY_PROTO] = "rdma";
	xprt_rdma_format_port(xprt);
	if (!xprt->address_strings[RPC_DISPLAY_ADDR] ||
	    !xprt->address_strings[RPC_DISPLAY_HEX_ADDR] ||
	    !xprt->address_strings[RPC_DISPLAY_PORT] ||
	    !xprt->address_strings[RPC_DISPLAY_HEX_PORT])
		return -ENOMEM;
	return 0;
}

/**
 * rpcrdma_update_cwnd - let the server's credit grant drive the window
 * @r_xprt: the transport
 * @grant: the sanitised credit grant (1 to re_max_requests)
 *
 * Context: any; takes transport_lock.
 */
void rpcrdma_update_cwnd(struct rpcrdma_xprt *r_xprt, u32 grant)
{
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	unsigned long old;

	spin_lock(&xprt->transport_lock);
	old = xprt->cwnd;
	xprt->cwnd = grant << RPC_CWNDSHIFT;
	spin_unlock(&xprt->transport_lock);
	if (old != grant << RPC_CWNDSHIFT)
		trace_xprtrdma_credits(r_xprt, grant, old >> RPC_CWNDSHIFT);
}

/*
 * The counters mountstats has no field for, in SUNRPC's debugfs directory
 * of this transport (sunrpc/rpc_xprt/<id>/rdma_stats).  SUNRPC creates
 * that directory after setup and removes it, with this file, before
 * calling ->destroy; removal waits for readers.
 */
static int xprt_rdma_stats_show(struct seq_file *seq, void *v)
{
	const struct rpcrdma_xprt *r_xprt = seq->private;
	const struct rpcrdma_stats *st = &r_xprt->rx_stats;

	seq_printf(seq, "mrs_exhausted %lu\n", st->mrs_exhausted);
	seq_printf(seq, "recv_posted %lu\n", st->recv_posted);
	seq_printf(seq, "recv_none_free %lu\n", st->recv_none_free);
	seq_printf(seq, "max_slots_used %lu\n", st->max_slots_used);
	seq_printf(seq, "recv_errors %lu\n", st->recv_errors);
	seq_printf(seq, "send_errors %lu\n", st->send_errors);
	seq_printf(seq, "post_send_errors %lu\n", st->post_send_errors);
	seq_printf(seq, "remote_inv_rejected %lu\n", st->remote_inv_rejected);
	seq_printf(seq, "bc_null_calls %lu\n", st->bc_null_calls);
	seq_printf(seq, "bc_compound_calls %lu\n", st->bc_compound_calls);
	seq_printf(seq, "bc_replies %lu\n", st->bc_replies);
	seq_printf(seq, "bc_calls_dropped %lu\n", st->bc_calls_dropped);
	seq_printf(seq, "bc_reply_errors %lu\n", st->bc_reply_errors);
	seq_printf(seq, "injected_disconnects %lu\n", st->injected_disconnects);
	seq_printf(seq, "device_removals %lu\n", st->device_removals);
	seq_printf(seq, "sends_stalled %lu\n", st->sends_stalled);
	seq_printf(seq, "send_cqes_lost %lu\n", st->send_cqes_lost);
	seq_printf(seq, "sends_unsignalled %lu\n", st->sends_unsignalled);
	seq_printf(seq, "space_waits %lu\n", st->space_waits);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xprt_rdma_stats);

/* Context: the connect worker, which SUNRPC runs one at a time. */
static void xprt_rdma_debugfs_add(struct rpcrdma_xprt *r_xprt)
{
#if IS_ENABLED(CONFIG_SUNRPC_DEBUG)
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;

	if (r_xprt->rx_stats_file || IS_ERR_OR_NULL(xprt->debugfs))
		return;
	r_xprt->rx_stats_file = true;
	debugfs_create_file("rdma_stats", 0444, xprt->debugfs, r_xprt,
			    &xprt_rdma_stats_fops);
#endif
}

/**
 * rpcrdma_connect_errno - the errno a failed connect hands waiting RPCs
 * @rc: why rpcrdma_xprt_connect() failed
 *
 * call_connect_status() retries a connect only for the errnos a socket
 * connect fails with (those returned as they are here) and ends the RPC
 * on any other, which a hard mount reports as EIO.  Setting up an RDMA
 * connection fails in more ways: the device went away or the address
 * moved during the connect (ENODEV), the device lacks a capability
 * (EOPNOTSUPP), an allocation or a DMA mapping failed, the address is on
 * no RDMA device.  All of them are reasons to try again later: they
 * become EHOSTUNREACH, which hard mounts retry after a delay and soft
 * connects (a mount's first ping) report at once.  ENOMEM becomes
 * EAGAIN, which every RPC retries: memory comes back.
 *
 * Context: any.
 *
 * Return: an errno call_connect_status() retries.
 */
VISIBLE_IF_KUNIT int rpcrdma_connect_errno(int rc)
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
		return rc;
	case -ENOMEM:
		return -EAGAIN;
	default:
		return -EHOSTUNREACH;
	}
}
EXPORT_SYMBOL_IF_KUNIT(rpcrdma_connect_errno);

static void xprt_rdma_connect_worker(struct work_struct *work)
{
	struct rpcrdma_xprt *r_xprt = container_of(work, struct rpcrdma_xprt,
						   rx_connect_worker.work);
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;
	bool swap = atomic_read(&xprt->swapper);
	unsigned int nofs = memalloc_nofs_save();
	unsigned int pflags = 0;
	int rc;

	/* Reconnecting may be what stands between swap and free memory */
	if (swap)
		pflags = memalloc_noreclaim_save();
	rc = rpcrdma_xprt_connect(r_xprt);
	xprt_clear_connecting(xprt);
	if (!rc) {
		xprt->connect_cookie++;
		xprt->stat.connect_count++;
		xprt->stat.connect_time += (long)jiffies -
					   xprt->stat.connect_start;
		xprt->reestablish_timeout = RPCRDMA_INIT_REEST_TO;
		xprt_rdma_debugfs_add(r_xprt);
		xprt_set_connected(xprt);
		rc = -EAGAIN;
	} else {
		rc = rpcrdma_connect_errno(rc);
		if (xprt->reestablish_timeout < RPCRDMA_INIT_REEST_TO)
			xprt->reestablish_timeout = RPCRDMA_INIT_REEST_TO;
	}
	xprt_unlock_connect(xprt, r_xprt);
	xprt_wake_pending_tasks(xprt, rc);
	if (swap)
		memalloc_noreclaim_restore(pflags);
	memalloc_nofs_restore(nofs);
}

/**
 * xprt_rdma_connect - schedule a connection attempt
 * @xprt: the transport
 * @task: the RPC that wants the connection; holds the write lock, which
 *	passes to the connect worker
 *
 * The first attempt runs at once; later ones back off exponentially from
 * RPCRDMA_INIT_REEST_TO to the transport's max_reconnect_timeout.
 *
 * Context: RPC task context; the caller holds the write lock.
 */
static void xprt_rdma_connect(struct rpc_xprt *xprt, struct rpc_task *task)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);
	unsigned long delay = 0;

	WARN_ON_ONCE(!xprt_lock_connect(xprt, task, r_xprt));
	if (xprt->reestablish_timeout) {
		delay = xprt_reconnect_delay(xprt);
		xprt_reconnect_backoff(xprt, RPCRDMA_INIT_REEST_TO);
	}
	trace_xprtrdma_op_connect(r_xprt, delay);
	queue_delayed_work(xprtiod_workqueue, &r_xprt->rx_connect_worker,
			   delay);
}

/**
 * xprt_rdma_set_connect_timeout - apply a mount's connect time limits
 * @xprt: the transport
 * @connect_timeout: longest a connect attempt may take
 * @reconnect_timeout: longest back-off between attempts
 *
 * Context: any; takes transport_lock.
 */
static void xprt_rdma_set_connect_timeout(struct rpc_xprt *xprt,
					  unsigned long connect_timeout,
					  unsigned long reconnect_timeout)
{
	spin_lock(&xprt->transport_lock);
	if (connect_timeout < xprt->connect_timeout)
		xprt->connect_timeout = connect_timeout;
	if (reconnect_timeout < xprt->max_reconnect_timeout)
		xprt->max_reconnect_timeout = reconnect_timeout;
	spin_unlock(&xprt->transport_lock);
}

/**
 * xprt_rdma_close - close the connection
 * @xprt: the transport
 *
 * Called on shutdown, on reconnect (autoclose after a forced disconnect)
 * and on device removal.  Tears down the connection; pending RPCs are
 * retransmitted after the next connect.
 *
 * Context: process context, may sleep; the caller holds the transport's
 * write lock.
 */
static void xprt_rdma_close(struct rpc_xprt *xprt)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);

	rpcrdma_xprt_disconnect(r_xprt);
	xprt->reestablish_timeout = 0;
	xprt_disconnect_done(xprt);
}

/**
 * xprt_rdma_destroy - free a transport
 * @xprt: the transport, with no RPCs left
 *
 * Context: process context, may sleep.
 */
static void xprt_rdma_destroy(struct rpc_xprt *xprt)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);

	cancel_delayed_work_sync(&r_xprt->rx_connect_worker);
	rpcrdma_xprt_disconnect(r_xprt);
	cancel_work_sync(&r_xprt->rx_disconnect_worker);
	cancel_delayed_work_sync(&r_xprt->rx_space_worker);
	rpcrdma_buffer_destroy(&r_xprt->rx_buf);
	trace_xprtrdma_destroy(r_xprt);
	xprt_rdma_free_addresses(xprt);
	xprt_free(xprt);
	module_put(THIS_MODULE);
}

/**
 * xprt_rdma_timer - an RPC timed out on a connected transport
 * @xprt: the transport
 * @task: the RPC that timed out
 *
 * RC has no keepalive, and a silent server looks the same as a dead
 * path: force a disconnect, so reconnecting detects the path and
 * retransmits every pending RPC.
 *
 * Context: RPC task context.
 */
static void xprt_rdma_timer(struct rpc_xprt *xprt, struct rpc_task *task)
{
	trace_xprtrdma_timer(task->tk_rqstp, task->tk_status);
	/* A close or connect is already under way: a forced disconnect
	 * now would only tear down the connection it is about to make.
	 */
	if (!xprt_connected(xprt))
		return;
	/* Directly, not through rx_disconnect_worker: the resend that
	 * follows must find the close already requested (see
	 * rpcrdma_marshal_begin()).
	 */
	xprt_force_disconnect(xprt);
}

/**
 * xprt_rdma_inject_disconnect - SUNRPC fault injection: drop the connection
 * @xprt: the transport
 *
 * Drops the RDMA connection itself, as a failing path would: the CM's
 * DISCONNECTED event, the flushed completions and the forced close they
 * cause then run as they do for a real fault.
 *
 * Context: RPC task context; the caller (xprt_request_transmit() or
 * xprt_end_transmit()) holds the transport's write lock.
 */
static void xprt_rdma_inject_disconnect(struct rpc_xprt *xprt)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);

	trace_xprtrdma_inject_disconnect(r_xprt);
	r_xprt->rx_stats.injected_disconnects++;
	rpcrdma_ep_inject_disconnect(r_xprt);
}

/**
 * xprt_rdma_alloc_slot - give an RPC a slot, or queue it on the backlog
 * @xprt: the transport
 * @task: the RPC
 *
 * Sets tk_status to 0 with tk_rqstp set, or to -EAGAIN with @task
 * asleep on the backlog until xprt_rdma_free_slot() hands it a slot.
 *
 * Context: RPC task context.
 */
static void xprt_rdma_alloc_slot(struct rpc_xprt *xprt, struct rpc_task *task)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);
	struct rpcrdma_req *req;

	/* reserve_lock orders this against xprt_rdma_free_slot()'s wake */
	spin_lock(&xprt->reserve_lock);
	req = rpcrdma_req_get(&r_xprt->rx_buf);
	if (!req) {
		xprt_add_backlog(xprt, task);
		spin_unlock(&xprt->reserve_lock);
		task->tk_status = -EAGAIN;
		return;
	}
	if (++r_xprt->rx_buf.rb_slots_used > r_xprt->rx_stats.max_slots_used)
		r_xprt->rx_stats.max_slots_used = r_xprt->rx_buf.rb_slots_used;
	spin_unlock(&xprt->reserve_lock);
	task->tk_rqstp = &req->rl_slot;
	task->tk_status = 0;
}

/**
 * xprt_rdma_free_slot - release a slot, to a backlogged RPC if any
 * @xprt: the transport
 * @rqst: the slot being released
 *
 * Context: any.
 */
static void xprt_rdma_free_slot(struct rpc_xprt *xprt, struct rpc_rqst *rqst)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst), *idle = NULL;

	spin_lock(&xprt->reserve_lock);
	/* A waiting task gets an idle req rather than one whose Send is
	 * still to be reaped, as rpcrdma_req_put() orders the free list
	 */
	if (test_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags))
		idle = rpcrdma_req_get(buf);
	if (idle) {
		memset(rqst, 0, sizeof(*rqst));
		rpcrdma_req_put(buf, req);
		req = idle;
		rqst = &idle->rl_slot;
	}
	if (!xprt_wake_up_backlog(xprt, rqst)) {
		memset(rqst, 0, sizeof(*rqst));
		rpcrdma_req_put(buf, req);
		buf->rb_slots_used--;
	}
	spin_unlock(&xprt->reserve_lock);
}

static bool xprt_rdma_grow_buffers(struct rpcrdma_xprt *r_xprt,
				   struct rpcrdma_req *req, size_t size)
{
	void *callbuf, *rcvbuf;

	if (size <= req->rl_bufsize)
		return true;
	callbuf = kmalloc(size, GFP_NOFS | __GFP_NOWARN);
	rcvbuf = kmalloc(size, GFP_NOFS | __GFP_NOWARN);
	if (!callbuf || !rcvbuf) {
		kfree(callbuf);
		kfree(rcvbuf);
		return false;
	}
	kfree(req->rl_callbuf);
	kfree(req->rl_rcvbuf);
	req->rl_callbuf = callbuf;
	req->rl_rcvbuf = rcvbuf;
	req->rl_bufsize = size;
	r_xprt->rx_stats.hardway_alloc_bytes += 2 * size;
	return true;
}

/**
 * xprt_rdma_allocate - give an RPC its call and reply buffers
 * @task: the RPC, with rq_callsize and rq_rcvsize set
 *
 * The req's own buffers serve as rq_buffer and rq_rbuffer; they are
 * linear kernel memory, so chunks can register them, and the transport
 * header goes into the req's Send buffer, which is DMA-mapped with the
 * PD's local lkey for as long as the transport is connected.  They are
 * replaced by larger ones only if an RPC needs more than they hold.
 *
 * Context: RPC task context.
 *
 * Return: 0, -ENOMEM (call again later) or -EIO (permanent).
 */
static int xprt_rdma_allocate(struct rpc_task *task)
{
	struct rpc_rqst *rqst = task->tk_rqstp;
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);
	size_t size = max(rqst->rq_callsize, rqst->rq_rcvsize);

	if (WARN_ON_ONCE(!rqst->rq_xprt))
		return -EIO;
	if (!xprt_rdma_grow_buffers(rpcx_to_rdmax(rqst->rq_xprt), req, size)) {
		trace_xprtrdma_allocate_err(rqst, -ENOMEM);
		return -ENOMEM;
	}
	rqst->rq_buffer = req->rl_callbuf;
	rqst->rq_rbuffer = req->rl_rcvbuf;
	return 0;
}

/**
 * xprt_rdma_free - release what xprt_rdma_allocate() gave
 * @task: the RPC, finished or abandoned
 *
 * An RPC that ends with memory still exposed (timeout, signal, lost
 * reply) has its MRs invalidated here before its buffers can be reused.
 * A Send still in flight is not waited for: only it reads rl_sendbuf,
 * and the req's next Send waits for it (RPCRDMA_REQ_SEND_BUSY).
 *
 * Context: RPC task context, may sleep.
 */
static void xprt_rdma_free(struct rpc_task *task)
{
	struct rpc_rqst *rqst = task->tk_rqstp;
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(rqst->rq_xprt);
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);

	frwr_unmap_sync(r_xprt, req);
	/* The next RPC in this slot starts its own wait for a reap */
	clear_bit(RPCRDMA_REQ_SEND_WAIT, &req->rl_flags);
	/* Dequeued from the receive queue: no reply can race with this */
	clear_bit(RPCRDMA_REQ_SENT, &req->rl_flags);
	req->rl_reply = NULL;
	rqst->rq_buffer = NULL;
	rqst->rq_rbuffer = NULL;
}

/**
 * xprt_rdma_prepare_request - ready an encoded RPC for marshalling
 * @rqst: the RPC
 * @buf: its rq_rcv_buf
 *
 * Fills in a sparse reply page list now, while the RPC may sleep, so
 * that marshalling can register it or place an inline reply in it.
 *
 * Context: RPC task context, may sleep.
 *
 * Return: 0, or -ENOMEM (SUNRPC delays and encodes again).
 */
static int xprt_rdma_prepare_request(struct rpc_rqst *rqst,
				     struct xdr_buf *buf)
{
	return rpcrdma_prepare_rcv_pages(buf);
}

/* A Reply has taken @req and is completing its RPC (rl_reply) */
static bool rpcrdma_reply_holds(struct rpc_xprt *xprt,
				const struct rpcrdma_req *req)
{
	bool held;

	spin_lock(&xprt->queue_lock);
	held = req->rl_reply;
	spin_unlock(&xprt->queue_lock);
	return held;
}

/*
 * Is there room for @req's Send?  Not while the req's previous Send, this
 * RPC's or the one before it in this slot, is unreaped, nor while the
 * send queue is full (rpcrdma_send_ready(); a teardown reaps them all):
 * wait for a reap, or -ENOBUFS while a Reply is completing the RPC.  A
 * wait of RPCRDMA_STALL_TIMEOUT means the QP is stalled: waiting would
 * retry for good, and a soft RPC would never time out; only a new
 * connection ends it.
 */
static int rpcrdma_send_space(struct rpcrdma_xprt *r_xprt,
			      struct rpcrdma_req *req)
{
	struct rpc_xprt *xprt = &r_xprt->rx_xprt;

	if (rpcrdma_send_ready(r_xprt, req)) {
		clear_bit(RPCRDMA_REQ_SEND_WAIT, &req->rl_flags);
		return 0;
	}
	r_xprt->rx_stats.empty_sendctx_q++;
	if (test_bit(RPCRDMA_REQ_SEND_BUSY, &req->rl_flags) &&
	    rpcrdma_reply_holds(xprt, req))
		return -ENOBUFS;
	if (!test_and_set_bit(RPCRDMA_REQ_SEND_WAIT, &req->rl_flags)) {
		req->rl_send_wait = jiffies;
	} else if (time_after_eq(jiffies,
				 req->rl_send_wait + RPCRDMA_STALL_TIMEOUT)) {
		clear_bit(RPCRDMA_REQ_SEND_WAIT, &req->rl_flags);
		r_xprt->rx_stats.sends_stalled++;
		trace_xprtrdma_send_stalled(&req->rl_slot, -ENOTCONN);
		xprt_force_disconnect(xprt);
		return -ENOTCONN;
	}
	return rpcrdma_wait_for_send(r_xprt, req);
}

/*
 * May @req be marshalled now?  -ENOBUFS while a reply to its previous
 * transmission still holds it; -ENOTCONN while that transmission's MRs
 * are still registered on this connection.  The rule for rl_registered
 * is at its definition (xprt_rdma.h); this is where it is enforced.
 */
static int rpcrdma_marshal_begin(struct rpc_xprt *xprt,
				 struct rpcrdma_req *req)
{
	int rc = 0;

	spin_lock(&xprt->queue_lock);
	if (req->rl_reply)
		rc = -ENOBUFS;
	else if (!list_empty(&req->rl_registered))
		rc = -ENOTCONN;
	else
		clear_bit(RPCRDMA_REQ_SENT, &req->rl_flags);
	spin_unlock(&xprt->queue_lock);
	return rc;
}

/**
 * xprt_rdma_send_request - marshal and Send one RPC Call
 * @rqst: the RPC, encoded into rq_snd_buf
 *
 * Marshals the RPC into an RPC-over-RDMA message (rpc_rdma.c picks the
 * chunks and registers their memory), makes sure a Receive is posted for
 * the reply, then posts the REG_MRs and the Send in one chain.  There are
 * no partial sends.  A backchannel rqst carries a reverse Reply instead
 * (rpcrdma_bc_send_reply()).
 *
 * Context: RPC task context; the caller holds the transport's write
 * lock.  Never sleeps or allocates.
 *
 * Return: 0; -ENOTCONN (connect, then call again); -EAGAIN (no free MR,
 * or the req's previous Send not reaped: call again when woken,
 * rpcrdma_wait_for_mrs(), rpcrdma_wait_for_send()); -ENOBUFS (call again
 * later); -EBADSLT (no congestion window slot); -EIO (permanent, not
 * sent).
 */
static int xprt_rdma_send_request(struct rpc_rqst *rqst)
{
	struct rpc_xprt *xprt = rqst->rq_xprt;
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);
	struct rpcrdma_req *req = rpcr_to_rdmar(rqst);
	int rc;

	if (bc_prealloc(rqst))
		return rpcrdma_bc_send_reply(rqst);
	if (!xprt_connected(xprt) || !r_xprt->rx_ep)
		return -ENOTCONN;
	if (!xprt_request_get_cong(xprt, rqst))
		return -EBADSLT;
	rc = rpcrdma_send_space(r_xprt, req);
	if (rc)
		return rc;

	rc = rpcrdma_marshal_begin(xprt, req);
	if (rc == -ENOBUFS) {
		r_xprt->rx_stats.empty_sendctx_q++;
		return rc;
	}
	if (rc) {
		/* A retransmission on the connection that still exposes the
		 * previous one's memory: only a new connection ends that.
		 * The close runs before the next transmission can start.
		 */
		trace_xprtrdma_resend_disconnect(rqst, rc);
		xprt_force_disconnect(xprt);
		return rc;
	}

	rc = rpcrdma_marshal_req(r_xprt, rqst);
	if (rc == -EAGAIN)
		/* No free MR: wait, not SUNRPC's fixed delay, until more
		 * are free than those this marshal took and gives back now
		 */
		rc = rpcrdma_wait_for_mrs(r_xprt,
					  list_count_nodes(&req->rl_registered) + 1);
	if (rc)
		frwr_reset(req);
	switch (rc) {
	case 0:
		break;
	case -EAGAIN:
		trace_xprtrdma_marshal_failed(rqst, rc);
		return -EAGAIN;
	case -ENOBUFS:
		trace_xprtrdma_marshal_failed(rqst, rc);
		return -ENOBUFS;
	case -ENOTCONN:
		return -ENOTCONN;
	default:
		r_xprt->rx_stats.failed_marshal_count++;
		trace_xprtrdma_marshal_failed(rqst, rc);
		return -EIO;
	}

	rpcrdma_post_recvs(r_xprt);
	rqst->rq_xtime = ktime_get();
	rc = frwr_send(r_xprt, req);
	if (rc) {
		trace_xprtrdma_send_err(rqst, rc);
		return rc;
	}
	rqst->rq_xmit_bytes_sent += rqst->rq_snd_buf.len;
	rqst->rq_bytes_sent = 0;
	return 0;
}

/**
 * xprt_rdma_set_port - the server's port, learned from rpcbind
 * @xprt: the transport
 * @port: port in host order
 *
 * Context: RPC task context.
 */
static void xprt_rdma_set_port(struct rpc_xprt *xprt, u16 port)
{
	rpc_set_port((struct sockaddr *)&xprt->addr, port);
	xprt_rdma_format_port(xprt);
}

/**
 * xprt_rdma_print_stats - the "xprt: rdma" line of /proc/self/mountstats
 * @xprt: the transport
 * @seq: the mountstats file
 *
 * 27 fields, in the order nfs-utils mountstats reads them; the counters
 * mountstats has no field for are in debugfs (xprt_rdma_stats_show()).
 *
 * Context: process context; counters are read without locking.
 */
static void xprt_rdma_print_stats(struct rpc_xprt *xprt, struct seq_file *seq)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(xprt);
	const struct rpcrdma_stats *st = &r_xprt->rx_stats;
	long idle_time = 0;

	if (xprt_connected(xprt))
		idle_time = (long)(jiffies - xprt->last_used) / HZ;

	/* The order of these 27 fields is nfs-utils mountstats' ABI */
	seq_puts(seq, "\txprt:\trdma ");
	seq_printf(seq, "%u %lu %lu %lu %ld %lu %lu %lu %llu %llu ",
		   0,	/* port: no local port on RDMA */
		   xprt->stat.bind_count,
		   xprt->stat.connect_count,
		   xprt->stat.connect_time / HZ,
		   idle_time,
		   xprt->stat.sends,
		   xprt->stat.recvs,
		   xprt->stat.bad_xids,
		   xprt->stat.req_u,
		   xprt->stat.bklog_u);
	seq_printf(seq, "%lu %lu %lu %llu %llu %llu %llu %lu %lu %lu ",
		   st->read_chunk_count,
		   st->write_chunk_count,
		   st->reply_chunk_count,
		   st->total_rdma_request,
		   st->total_rdma_reply,
		   st->pullup_copy_count,
		   st->fixup_copy_count,
		   st->hardway_alloc_bytes,
		   st->failed_marshal_count,
		   st->bad_reply_count);
	seq_printf(seq, "%lu %lu %lu %lu %lu %lu %lu\n",
		   st->nomsg_call_count,
		   st->mrs_recycled,
		   0UL,	/* mrs_orphaned: none; a failed MR goes with its QP */
		   st->mrs_allocated,
		   st->local_inv_needed,
		   st->empty_sendctx_q,
		   st->reply_waits_for_send);
}

/**
 * xprt_rdma_enable_swap - a swapfile is activated on this transport
 * @xprt: the transport
 *
 * Counts the swapfile in xprt->swapper, which has SUNRPC run the task
 * that holds the write lock with PF_MEMALLOC, and our connect worker
 * likewise: pages written out to free memory must not wait for memory.
 * The send and receive paths themselves never allocate.  SUNRPC calls
 * this without checking that it exists (xprt_enable_swap()).
 *
 * Context: process context.
 *
 * Return: 0.
 */
static int xprt_rdma_enable_swap(struct rpc_xprt *xprt)
{
	atomic_inc(&xprt->swapper);
	return 0;
}

/**
 * xprt_rdma_disable_swap - a swapfile on this transport is deactivated
 * @xprt: the transport
 *
 * Context: process context.
 */
static void xprt_rdma_disable_swap(struct rpc_xprt *xprt)
{
	atomic_dec(&xprt->swapper);
}

static const struct rpc_xprt_ops xprt_rdma_procs = {
	.reserve_xprt		= xprt_reserve_xprt_cong,
	.release_xprt		= xprt_release_xprt_cong,
	.alloc_slot		= xprt_rdma_alloc_slot,
	.free_slot		= xprt_rdma_free_slot,
	.release_request	= xprt_release_rqst_cong,
	.rpcbind		= rpcb_getport_async,
	.set_port		= xprt_rdma_set_port,
	.connect		= xprt_rdma_connect,
	.buf_alloc		= xprt_rdma_allocate,
	.buf_free		= xprt_rdma_free,
	.prepare_request	= xprt_rdma_prepare_request,
	.send_request		= xprt_rdma_send_request,
	.wait_for_reply_request	= xprt_wait_for_reply_request_def,
	.timer			= xprt_rdma_timer,
	.close			= xprt_rdma_close,
	.destroy		= xprt_rdma_destroy,
	.set_connect_timeout	= xprt_rdma_set_connect_timeout,
	.print_stats		= xprt_rdma_print_stats,
	.inject_disconnect	= xprt_rdma_inject_disconnect,
	.enable_swap		= xprt_rdma_enable_swap,
	.disable_swap		= xprt_rdma_disable_swap,
	.bc_setup		= xprt_rdma_bc_setup,
	.bc_maxpayload		= xprt_rdma_bc_maxpayload,
	.bc_num_slots		= xprt_rdma_bc_num_slots,
	.bc_free_rqst		= xprt_rdma_bc_free_rqst,
	.bc_destroy		= xprt_rdma_bc_destroy,
};

static struct xprt_class xprt_rdma_class;

/**
 * xprt_setup_rdma - set up an RPC-over-RDMA transport
 * @args: the address and options SUNRPC wants a transport for
 *
 * IPv4 or IPv6; a destination port of 0 means NFS/RDMA's port 20049.
 * The transport is created disconnected with all its slots, Send and
 * Receive buffers; it connects on first use.  max_payload covers 1 MiB
 * rsize and wsize.
 *
 * Context: process context, may sleep.
 *
 * Return: a new transport or an ERR_PTR: -EAFNOSUPPORT, -ENOMEM or
 * -EINVAL.
 */
static struct rpc_xprt *xprt_setup_rdma(struct xprt_create *args)
{
	struct sockaddr *sap = args->dstaddr;
	struct rpcrdma_xprt *r_xprt;
	struct rpc_xprt *xprt;
	int rc;

	if (sap->sa_family != AF_INET && sap->sa_family != AF_INET6)
		return ERR_PTR(-EAFNOSUPPORT);
	if (args->addrlen > sizeof(xprt->addr))
		return ERR_PTR(-EINVAL);
	if (!try_module_get(THIS_MODULE))
		return ERR_PTR(-EIO);

	xprt = xprt_alloc(args->net, sizeof(*r_xprt), 0, RPCRDMA_MAX_REQUESTS);
	if (!xprt) {
		rc = -ENOMEM;
		goto out_put_module;
	}
	r_xprt = rpcx_to_rdmax(xprt);
	xprt->timeout = &xprt_rdma_default_timeout;
	xprt->connect_timeout = xprt->timeout->to_initval;
	xprt->max_reconnect_timeout = RPCRDMA_MAX_REEST_TO;
	xprt->bind_timeout = RPCRDMA_BIND_TO;
	xprt->reestablish_timeout = 0;
	xprt->idle_timeout = RPCRDMA_IDLE_DISC_TO;
	xprt->resvport = 0;
	xprt->prot = IPPROTO_TCP;
	xprt->xprt_class = &xprt_rdma_class;
	xprt->ops = &xprt_rdma_procs;
	xprt->max_payload = RPCRDMA_MAX_PAYLOAD;
	xprt->cwnd = RPC_CWNDSCALE;

	memcpy(&xprt->addr, sap, args->addrlen);
	xprt->addrlen = args->addrlen;
	if (!rpc_get_port(sap))
		rpc_set_port((struct sockaddr *)&xprt->addr,
			     RPCRDMA_NFS_PORT);
	xprt_set_bound(xprt);

	rpcrdma_xprt_init_workers(r_xprt, xprt_rdma_connect_worker);
	rc = rpcrdma_buffer_create(r_xprt);
	if (rc)
		goto out_destroy_buffer;
	rc = xprt_rdma_format_addresses(xprt);
	if (rc)
		goto out_free_addresses;
	return xprt;

out_free_addresses:
	xprt_rdma_free_addresses(xprt);
out_destroy_buffer:
	rpcrdma_buffer_destroy(&r_xprt->rx_buf);
	xprt_free(xprt);
out_put_module:
	module_put(THIS_MODULE);
	return ERR_PTR(rc);
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
	int rc;

	/* The class first: it says why when rpcrdma.ko, whose sysctls
	 * have our names, is loaded
	 */
	rc = rpcrdma_register_class(&xprt_rdma_class);
	if (rc)
		return rc;
	xprt_rdma_sysctl_header = register_sysctl("sunrpc", xprt_rdma_sysctls);
	if (!xprt_rdma_sysctl_header) {
		rc = -ENOMEM;
		goto out_unregister_class;
	}
	rc = rpcrdma_ib_client_register();
	if (rc)
		goto out_unregister_sysctl;
	rpcrdma_fault_init();
	return 0;

out_unregister_sysctl:
	unregister_sysctl_table(xprt_rdma_sysctl_header);
out_unregister_class:
	xprt_unregister_transport(&xprt_rdma_class);
	return rc;
}

static void __exit xprt_rdma_cleanup(void)
{
	xprt_unregister_transport(&xprt_rdma_class);
	unregister_sysctl_table(xprt_rdma_sysctl_header);
	rpcrdma_ib_client_unregister();
	rpcrdma_fault_exit();
}

module_init(xprt_rdma_init);
module_exit(xprt_rdma_cleanup);

MODULE_DESCRIPTION("RPC-over-RDMA version 1 client transport");
MODULE_LICENSE("GPL");
/*
 * dkms.conf's PACKAGE_VERSION (tests/dkms checks they agree).  With a
 * version, modpost also records the module's srcversion, which tells an
 * administrator (and the smoke) which xprtrdma.ko is loaded.
 */
MODULE_VERSION("0.1");
