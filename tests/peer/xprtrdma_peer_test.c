// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests of xprtrdma against a misbehaving peer (tests/peer/rdma-peer).
 *
 * An rpc_clnt over XPRT_TRANSPORT_RDMA calls a private test program whose
 * procedures carry arguments and results shaped so that the client offers
 * each kind of chunk: argument data in pages flagged XDRBUF_WRITE (a Read
 * chunk), a Call too large to send inline (a Long Call), result data in
 * pages flagged XDRBUF_READ (a Write chunk) and a large result that is not
 * (a Reply chunk).  Every byte is a pattern of the XID and its offset:
 * the peer checks the arguments it RDMA Reads, this suite the results the
 * peer RDMA Writes.  The procedure number tells the peer how to (mis)behave
 * in its reply; a refused reply reaches SUNRPC as an unparsable one, so the
 * call is sent again (the peer answers a resend well, unless the procedure
 * is "sticky"), and after 1 + tk_garb_retry (2) refused replies it fails
 * with -EIO.
 *
 * Each row asserts the RPC's result, the client counters that moved (and
 * that the others did not), the peer's own checks of the client (credit
 * overruns, retransmissions on the connection of an unanswered Call: the
 * STATUS procedure returns them) and that the next call on the transport
 * works.
 *
 * The reverse-direction rows (RFC 8167) have the peer send Calls to us
 * around its Reply.  Some run with no back channel (the Calls must be
 * dropped and counted, the forward RPC undisturbed); the others set one
 * up, as NFSv4.1 does (bc_setup, then xprt->bc_serv), served by a
 * minimal callback service of this suite's own, made as NFS makes its
 * own (compat.h holds what differs between kernels), whose test
 * program answers procedure 0 with nothing and procedure 1 with its
 * argument XOR a mask; the peer checks every reverse Reply.
 *
 * Module parameters: peer_addr (IPv4 or IPv6 literal), peer_port.  On 6.1
 * KUnit runs a module's suites at MODULE_STATE_COMING, before parameters
 * are parsed, so both keep their defaults there; on Debian's kernels,
 * which have no KUnit, kunit_lite.h runs the suite from module_init, after
 * they are parsed.  tests/peer/guest passes the defaults, so both runs
 * call the same peer.  Hence "quick" (leave out the rows that wait for a
 * timeout or a reconnect back-off) comes from the peer (rdma-peer -q), in
 * its STATUS result, never from a parameter.
 */
#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/test.h>
#else
#include "kunit_lite.h"		/* Debian's kernels have no KUnit */
#endif
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sunrpc/bc_xprt.h>
#include <linux/sunrpc/clnt.h>
#include <linux/sunrpc/addr.h>
#include <linux/sunrpc/svc.h>
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
	SC_GOOD = 0, SC_BAD_VERS, SC_BAD_PROC, SC_TRUNC, SC_READ_LIST,
	SC_WRITE_LIST, SC_REPLY_CHUNK, SC_ERR_VERS, SC_ERR_CHUNK, SC_BAD_XID,
	SC_CREDITS, SC_DUP, SC_SEND_INV, SC_BAD_ERRCODE, SC_NOMSG,
	SC_BAD_LIST, SC_HDR_ONLY, SC_SHORT_RPC, SC_SHORT_NOMSG, SC_SEG_COUNT,
	SC_SEG_OVER, SC_REPLY_OVER, SC_CLAIM_MORE, SC_BAD_HANDLE,
	SC_NO_REPLY, SC_DISC_BEFORE, SC_DISC_AFTER, SC_REJECT,
	SC_SET_ACCEPT, SC_SET_CREDITS, SC_HOLD, SC_STATUS, SC_BC_CALLS,
	SC_COUNT
};

/* Must match enum status_word in rdma-peer.c */
enum peer_status_word {
	ST_OVERRUNS, ST_RETRANS_UNANSWERED, ST_RETRANS_ANSWERED, ST_CALLS,
	ST_ACCEPTED, ST_REJECTED, ST_BAD_CALLS, ST_XMITS, ST_XMIT_CONNS,
	ST_READ_CHUNKS, ST_LONG_CALLS, ST_WRITE_CHUNKS, ST_REPLY_CHUNKS,
	ST_RDMA_ERRORS, ST_QUICK, ST_BC_SENT, ST_BC_REPLIES, ST_BC_BAD_REPLIES,
	ST_BC_CREDITS, ST_COUNT
};

/* Must match SC_BC_CALLS's param and enum bc_kind in rdma-peer.c */
#define BC_COUNT_SHIFT	8
#define BC_AFTER	0x10000u
#define BC_AROUND	0x20000u
#define BC_CALLS(kind, n)	((kind) | (n) << BC_COUNT_SHIFT)

enum peer_bc_kind {
	BCK_NULL, BCK_ECHO, BCK_SHORT, BCK_LONG, BCK_MAX, BCK_READ_LIST,
	BCK_WRITE_LIST, BCK_REPLY_CHUNK, BCK_SAME_XID
};

/* The callback program the peer calls; must match rdma-peer.c */
#define PEER_CB_PROGRAM		0x20049998
#define PEER_CB_VERSION		1
#define PEER_CB_ECHO_MASK	0xbcbcbcbcu

/* Must match enum accept_mode in rdma-peer.c */
enum peer_accept_mode {
	AM_DEFAULT, AM_RFC8797, AM_NONE, AM_BAD_MAGIC, AM_BAD_VERSION,
	AM_1K, AM_256K
};

/* rdma-peer answers retransmissions of procedure STICKY + n badly too */
#define STICKY		64
#define PEER_TRAILER	0x7e57ab1eu
/* In res_len: the result ends with its data (rdma-peer leaves out the
 * trailer), as an NFS READ result does.  A wide head then holds the
 * whole inline part, and nothing after the data can be told apart from
 * what precedes it: no layout of the inline bytes, ours or TCP's, would
 * place a trailer right (see rpcrdma_place_inline()).
 */
#define PEER_NO_TRAILER	0x80000000u
#define ARG_SALT	0x41
#define RES_SALT	0x52
#define PEER_MAX_DATA	(64 * 1024)

#define PEER_PROGRAM	0x20049999
#define PEER_VERSION	1
#define PEER_CALLS_AT_ONCE	64
/* Data at least this long never travels inline (RPCRDMA_DEF_INLINE) */
#define PEER_CHUNKED	4096
/* Result words before the data: flag, length; or as in an NFSv3 READ */
#define PEER_RES_HDR	2
#define PEER_WIDE_HDR	24

/* One call's arguments and what came back */
struct peer_call {
	u32 param;
	u32 arg_len;
	bool arg_ddp;		/* XDRBUF_WRITE: a Read chunk */
	u32 res_len;		/* result data asked for */
	bool res_ddp;		/* XDRBUF_READ: a Write chunk */
	bool wide_head;		/* reply head sized for a long inline part */
	u32 res_want;		/* result data length we expect back */
	struct page **arg_pages, **res_pages;
	/* decoded */
	u32 flag;
	int mismatch;		/* first bad result byte, or -1 */
	u32 status[ST_COUNT];
};

static u8 peer_pattern(u32 xid, unsigned int salt, u32 i)
{
	return (u8)(xid * 7 + salt + i * 13 + (i >> 9));
}

static void peer_fill(struct page **pages, u32 len, u32 xid)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u8 *p = kmap_local_page(pages[i >> PAGE_SHIFT]);

		p[offset_in_page(i)] = peer_pattern(xid, ARG_SALT, i);
		kunmap_local(p);
	}
}

/* The offset of the first byte that is not the pattern, or -1. */
static int peer_check_data(struct page **pages, u32 len, u32 xid)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u8 *p = kmap_local_page(pages[i >> PAGE_SHIFT]);
		u8 b = p[offset_in_page(i)];

		kunmap_local(p);
		if (b != peer_pattern(xid, RES_SALT, i))
			return i;
	}
	return -1;
}

/* args: param, res_len, opaque data<>, trailer */
static void peer_encode(struct rpc_rqst *rqstp, struct xdr_stream *xdr,
			const void *obj)
{
	const struct peer_call *pc = obj;
	u32 xid = be32_to_cpu(rqstp->rq_xid);
	unsigned int hdr;
	__be32 *p;

	p = xdr_reserve_space(xdr, 3 * sizeof(*p));
	*p++ = cpu_to_be32(pc->param);
	*p++ = cpu_to_be32(pc->res_len |
			   (pc->wide_head ? PEER_NO_TRAILER : 0));
	*p = cpu_to_be32(pc->arg_len);
	if (pc->arg_len) {
		peer_fill(pc->arg_pages, pc->arg_len, xid);
		xdr_write_pages(xdr, pc->arg_pages, 0, pc->arg_len);
		if (pc->arg_ddp)
			xdr->buf->flags |= XDRBUF_WRITE;
	}
	p = xdr_reserve_space(xdr, sizeof(*p));
	*p = cpu_to_be32(PEER_TRAILER);
	if (pc->res_len) {
		hdr = pc->wide_head ? PEER_WIDE_HDR : PEER_RES_HDR;
		rpc_prepare_reply_pages(rqstp, pc->res_pages, 0, pc->res_len,
					hdr);
		if (pc->res_ddp)
			rqstp->rq_rcv_buf.flags |= XDRBUF_READ;
	}
}

/*
 * res: flag (0: the peer verified our arguments), opaque data<>, then
 * trailer (PEER_TRAILER ^ length), decoded as NFS decodes a READ result.
 */
static int peer_decode(struct rpc_rqst *rqstp, struct xdr_stream *xdr,
		       void *obj)
{
	struct peer_call *pc = obj;
	u32 xid = be32_to_cpu(rqstp->rq_xid);
	u32 len;
	__be32 *p;

	p = xdr_inline_decode(xdr, 2 * sizeof(*p));
	if (!p)
		return -EIO;
	pc->flag = be32_to_cpup(p++);
	len = be32_to_cpup(p);
	if (pc->flag)
		return -EREMOTEIO;
	if (len != pc->res_want)
		return -EMSGSIZE;
	if (len) {
		if (xdr_read_pages(xdr, len) != len)
			return -EIO;
		pc->mismatch = peer_check_data(pc->res_pages, len, xid);
	}
	if (pc->wide_head)
		return pc->mismatch >= 0 ? -EBADMSG : 0;
	p = xdr_inline_decode(xdr, sizeof(*p));
	if (!p)
		return -EIO;
	if (be32_to_cpup(p) != (PEER_TRAILER ^ len) || pc->mismatch >= 0)
		return -EBADMSG;
	return 0;
}

/* res: flag, count, count words */
static int peer_decode_status(struct rpc_rqst *rqstp, struct xdr_stream *xdr,
			      void *obj)
{
	struct peer_call *pc = obj;
	u32 n, i;
	__be32 *p;

	p = xdr_inline_decode(xdr, 2 * sizeof(*p));
	if (!p || *p++ != xdr_zero)
		return -EIO;
	n = be32_to_cpup(p);
	if (n < ST_COUNT)
		return -EPROTO;
	p = xdr_inline_decode(xdr, n * sizeof(*p));
	if (!p)
		return -EIO;
	for (i = 0; i < ST_COUNT; i++)
		pc->status[i] = be32_to_cpup(p++);
	return 0;
}

/* Sticky variants sit after SC_COUNT */
enum {
	PEER_BAD_VERS_STICKY = SC_COUNT,
	PEER_ERR_CHUNK_STICKY,
	PEER_HDR_ONLY_STICKY,
	PEER_NPROCS
};

/* Filled in by peer_procs_init(): entry n is procedure n on the wire */
static struct rpc_procinfo peer_procs[PEER_NPROCS];

static void peer_procs_init(void)
{
	unsigned int i;

	for (i = 0; i < PEER_NPROCS; i++) {
		struct rpc_procinfo *p = &peer_procs[i];

		p->p_proc = i;
		p->p_encode = peer_encode;
		p->p_decode = peer_decode;
		p->p_arglen = 8;
		/* room for the wide head of rpc_prepare_reply_pages() */
		p->p_replen = PEER_WIDE_HDR + 8;
		p->p_statidx = i;
		p->p_name = "PEER";
	}
	peer_procs[SC_STATUS].p_decode = peer_decode_status;
	peer_procs[PEER_BAD_VERS_STICKY].p_proc = STICKY + SC_BAD_VERS;
	peer_procs[PEER_ERR_CHUNK_STICKY].p_proc = STICKY + SC_ERR_CHUNK;
	peer_procs[PEER_HDR_ONLY_STICKY].p_proc = STICKY + SC_HDR_ONLY;
}

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

/*
 * An unanswered Call is sent again after 8 s; a hung RPC fails with
 * -ETIMEDOUT after 24 s (xprt_calc_majortimeo(): 8 s + 2 x 8 s).
 */
static const struct rpc_timeout peer_timeout = {
	.to_initval	= 8 * HZ,
	.to_increment	= 8 * HZ,
	.to_maxval	= 24 * HZ,
	.to_retries	= 2,
};

static struct rpc_clnt *peer_clnt;

/* The peer's counters before the current row */
static u32 peer_st_before[ST_COUNT];

/* ---- calls ---- */

/* One RPC in flight; freed by whoever is last: the waiter or rpc_release */
struct peer_rpc {
	struct peer_call pc;
	int status;
	refcount_t ref;
	struct completion done;
	atomic_t *pending;	/* batch: count down, then complete @batch */
	struct completion *batch;
};

static void peer_free_pages(struct page **pages)
{
	unsigned int i;

	if (!pages)
		return;
	for (i = 0; pages[i]; i++)
		__free_page(pages[i]);
	kfree(pages);
}

static void peer_rpc_put(struct peer_rpc *r)
{
	if (!refcount_dec_and_test(&r->ref))
		return;
	peer_free_pages(r->pc.arg_pages);
	peer_free_pages(r->pc.res_pages);
	kfree(r);
}

/* A NULL-terminated array of zeroed pages for @len bytes */
static struct page **peer_alloc_pages(u32 len)
{
	unsigned int i, n = DIV_ROUND_UP(len, PAGE_SIZE);
	struct page **pages;

	pages = kcalloc(n + 1, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i]) {
			peer_free_pages(pages);
			return NULL;
		}
	}
	return pages;
}

static void peer_rpc_done(struct rpc_task *task, void *calldata)
{
	struct peer_rpc *r = calldata;

	r->status = task->tk_status;
}

static void peer_rpc_release(void *calldata)
{
	struct peer_rpc *r = calldata;

	if (r->pending && atomic_dec_and_test(r->pending))
		complete(r->batch);
	complete(&r->done);
	peer_rpc_put(r);
}

static const struct rpc_call_ops peer_rpc_ops = {
	.rpc_call_done	= peer_rpc_done,
	.rpc_release	= peer_rpc_release,
};

/* A call as the row describes it, not yet started */
static struct peer_rpc *peer_rpc_new(const struct peer_call *shape)
{
	struct peer_rpc *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	r->pc = *shape;
	r->pc.mismatch = -1;
	r->pc.arg_pages = NULL;
	r->pc.res_pages = NULL;
	refcount_set(&r->ref, 1);
	init_completion(&r->done);
	if (r->pc.arg_len > PEER_MAX_DATA || r->pc.res_len > PEER_MAX_DATA)
		goto out_free;
	if (r->pc.arg_len) {
		r->pc.arg_pages = peer_alloc_pages(r->pc.arg_len);
		if (!r->pc.arg_pages)
			goto out_free;
	}
	if (r->pc.res_len) {
		r->pc.res_pages = peer_alloc_pages(r->pc.res_len);
		if (!r->pc.res_pages)
			goto out_free;
	}
	return r;
out_free:
	peer_rpc_put(r);
	return NULL;
}

/* Start @r as procedure @idx; rpc_release drops the reference taken. */
static int peer_rpc_start(struct peer_rpc *r, unsigned int idx)
{
	struct rpc_message msg = {
		.rpc_proc	= &peer_procs[idx],
		.rpc_argp	= &r->pc,
		.rpc_resp	= &r->pc,
	};
	struct rpc_task_setup setup = {
		.rpc_client	= peer_clnt,
		.rpc_message	= &msg,
		.callback_ops	= &peer_rpc_ops,
		.callback_data	= r,
		.flags		= RPC_TASK_ASYNC | RPC_TASK_SOFT |
				  RPC_TASK_TIMEOUT,
	};
	struct rpc_task *task;

	refcount_inc(&r->ref);
	task = rpc_run_task(&setup);
	if (IS_ERR(task))
		return PTR_ERR(task);	/* rpc_release already ran */
	rpc_put_task(task);
	return 0;
}

/*
 * Wait for @r; a call still running after a minute (three timeouts and
 * a reconnect are less) is a hang: it is killed and reported as -EDEADLK.
 */
static int peer_rpc_wait(struct kunit *test, struct peer_rpc *r)
{
	if (wait_for_completion_timeout(&r->done, 60 * HZ))
		return r->status;
	if (test)
		kunit_err(test, "RPC hung for 60 s; killing it\n");
	rpc_killall_tasks(peer_clnt);
	if (!wait_for_completion_timeout(&r->done, 30 * HZ) && test)
		kunit_err(test, "RPC survived rpc_killall_tasks\n");
	return -EDEADLK;
}

/* Make call @idx shaped as @shape; the decoded result goes to @out. */
static int peer_call(struct kunit *test, unsigned int idx,
		     const struct peer_call *shape, struct peer_call *out)
{
	struct peer_rpc *r;
	int ret;

	r = peer_rpc_new(shape);
	if (!r)
		return -ENOMEM;
	ret = peer_rpc_start(r, idx);
	if (!ret)
		ret = peer_rpc_wait(test, r);
	if (out) {
		*out = r->pc;
		out->arg_pages = NULL;
		out->res_pages = NULL;
	}
	if (r->pc.mismatch >= 0 && test)
		kunit_info(test, "result byte %d is wrong\n", r->pc.mismatch);
	peer_rpc_put(r);
	return ret;
}

/* The peer's counters; @param: the procedure whose latest XID to report */
static void peer_status(struct kunit *test, u32 param, u32 *st)
{
	struct peer_call shape = { .param = param }, out;

	KUNIT_ASSERT_EQ_MSG(test, peer_call(test, SC_STATUS, &shape, &out), 0,
			    "the peer's STATUS procedure");
	memcpy(st, out.status, sizeof(out.status));
}

/* A good call with a Write chunk must work, and its data arrive. */
static void peer_expect_good_call(struct kunit *test, const char *after)
{
	struct peer_call shape = {
		.res_len = 8192, .res_ddp = true, .res_want = 8192,
	};

	KUNIT_EXPECT_EQ_MSG(test, peer_call(test, SC_GOOD, &shape, NULL), 0,
			    "a good call after \"%s\"", after);
}

/* ---- client counters ---- */

struct peer_counters {
	unsigned long bad_reply;
	unsigned long bad_xids;
	unsigned long local_inv_needed;
	unsigned long remote_inv_rejected;
	unsigned long connect_count;
	unsigned long read_chunks;
	unsigned long write_chunks;
	unsigned long reply_chunks;
	unsigned long nomsg_calls;
	unsigned long cwnd;
};

static struct rpc_xprt *peer_xprt(void)
{
	struct rpc_xprt *xprt;

	rcu_read_lock();
	xprt = rcu_dereference(peer_clnt->cl_xprt);
	rcu_read_unlock();
	return xprt;	/* peer_clnt holds it for the suite's life */
}

static void peer_read_counters(struct peer_counters *c)
{
	struct rpc_xprt *xprt = peer_xprt();
	struct rpcrdma_xprt *r_xprt = container_of(xprt, struct rpcrdma_xprt,
						   rx_xprt);
	const struct rpcrdma_stats *st = &r_xprt->rx_stats;

	c->bad_reply = READ_ONCE(st->bad_reply_count);
	c->bad_xids = READ_ONCE(xprt->stat.bad_xids);	/* SUNRPC's own */
	c->local_inv_needed = READ_ONCE(st->local_inv_needed);
	c->remote_inv_rejected = READ_ONCE(st->remote_inv_rejected);
	c->connect_count = READ_ONCE(xprt->stat.connect_count);
	c->read_chunks = READ_ONCE(st->read_chunk_count);
	c->write_chunks = READ_ONCE(st->write_chunk_count);
	c->reply_chunks = READ_ONCE(st->reply_chunk_count);
	c->nomsg_calls = READ_ONCE(st->nomsg_call_count);
	c->cwnd = READ_ONCE(xprt->cwnd);
}

/* Wait up to 5 s for the peer's disconnect to reach the transport. */
static void peer_wait_disconnect(struct kunit *test)
{
	struct rpc_xprt *xprt = peer_xprt();
	int i;

	for (i = 0; i < 50 && xprt_connected(xprt); i++)
		msleep(100);
	KUNIT_EXPECT_FALSE_MSG(test, xprt_connected(xprt),
			       "the peer's disconnect went unnoticed");
}

/* The client's backchannel counters (the debugfs rdma_stats fields) */
struct peer_bc_counters {
	unsigned long null_calls;
	unsigned long compound_calls;
	unsigned long replies;
	unsigned long dropped;
	unsigned long reply_errors;
	size_t free_slots;
};

static void peer_bc_read(struct peer_bc_counters *c)
{
	struct rpcrdma_xprt *r_xprt = rpcx_to_rdmax(peer_xprt());
	const struct rpcrdma_stats *st = &r_xprt->rx_stats;
	struct rpcrdma_buffer *buf = &r_xprt->rx_buf;

	c->null_calls = READ_ONCE(st->bc_null_calls);
	c->compound_calls = READ_ONCE(st->bc_compound_calls);
	c->replies = READ_ONCE(st->bc_replies);
	c->dropped = READ_ONCE(st->bc_calls_dropped);
	c->reply_errors = READ_ONCE(st->bc_reply_errors);
	spin_lock(&buf->rb_lock);
	c->free_slots = list_count_nodes(&buf->rb_bc_free);
	spin_unlock(&buf->rb_lock);
}

/* ---- a callback service for the reverse direction (RFC 8167) ---- */

/*
 * The service and its one thread, for the suite's life; a row that
 * wants a back channel attaches it to the transport (peer_bc_attach()).
 * Queued Calls each hold a backchannel slot and a transport reference
 * until the service has sent the Reply (or dropped the Call) and SUNRPC
 * has freed the rqst.
 */
static struct peer_cb {
	struct svc_serv *serv;
	bool running;		/* its thread was started */
	atomic_t held;		/* while set, Calls are not answered */
	wait_queue_head_t unheld;
} peer_cb = {
	.unheld = __WAIT_QUEUE_HEAD_INITIALIZER(peer_cb.unheld),
};

/*
 * While a row holds the Calls, the service's one thread waits in the
 * first Call's procedure, the others queued behind it: every slot stays
 * taken.
 */
static void peer_cb_wait_unheld(void)
{
	wait_event_idle(peer_cb.unheld, !atomic_read(&peer_cb.held));
}

static void peer_cb_unhold(void)
{
	atomic_set(&peer_cb.held, 0);
	wake_up(&peer_cb.unheld);
}

/* Procedure 0: no arguments, no results */
static __be32 peer_cb_null(struct svc_rqst *rqstp)
{
	peer_cb_wait_unheld();
	return rpc_success;
}

/* Procedure 1: one word in, that word XOR PEER_CB_ECHO_MASK out */
static __be32 peer_cb_echo(struct svc_rqst *rqstp)
{
	u32 word;

	peer_cb_wait_unheld();
	if (rpcrdma_svc_decode_u32(rqstp, &word))
		return rpc_garbage_args;
	if (rpcrdma_svc_encode_u32(rqstp, word ^ PEER_CB_ECHO_MASK))
		return rpc_system_err;
	return rpc_success;
}

/* The procedures encode as they run; svc_process_common() wants this */
static bool peer_cb_encode(struct svc_rqst *rqstp, struct xdr_stream *xdr)
{
	return true;
}

static const struct svc_procedure peer_cb_procs[] = {
	[0] = { .pc_func = peer_cb_null, .pc_encode = peer_cb_encode,
		.pc_name = "NULL" },
	[1] = { .pc_func = peer_cb_echo, .pc_encode = peer_cb_encode,
		.pc_name = "ECHO" },
};

RPCRDMA_SVC_CALL_COUNTS(peer_cb_counts, ARRAY_SIZE(peer_cb_procs));

static const struct svc_version peer_cb_version1 = {
	.vs_vers	= PEER_CB_VERSION,
	.vs_nproc	= ARRAY_SIZE(peer_cb_procs),
	.vs_proc	= peer_cb_procs,
	.vs_count	= peer_cb_counts,
	.vs_xdrsize	= XDR_UNIT,
	.vs_hidden	= true,		/* never registered with rpcbind */
	.vs_dispatch	= rpcrdma_svc_dispatch,
};

static const struct svc_version *peer_cb_versions[] = {
	[PEER_CB_VERSION] = &peer_cb_version1,
};

/* Not const: svc_create() fills in the version range */
static struct svc_program peer_cb_program = {
	.pg_prog		= PEER_CB_PROGRAM,
	.pg_nvers		= ARRAY_SIZE(peer_cb_versions),
	.pg_vers		= peer_cb_versions,
	.pg_name		= "xprtrdma_peer_cb",
	.pg_class		= "xprtrdma_peer",
	.pg_authenticate	= rpcrdma_svc_authenticate_none,
	.pg_init_request	= svc_generic_init_request,
};

/* The service's thread: serve reverse Calls until stopped */
static int peer_cb_thread(void *data)
{
	struct svc_rqst *rqstp = data;

	rpcrdma_svc_thread_ready(rqstp);
	while (!rpcrdma_svc_thread_should_stop(rqstp))
		rpcrdma_svc_serve_bc_call(rqstp);
	svc_exit_thread(rqstp);
	return 0;
}

/*
 * Stop the service once it has answered what is still queued (every
 * slot is back), while the transport is up; then free it.
 */
static void peer_cb_release(void)
{
	struct peer_bc_counters c;
	int i;

	peer_cb_unhold();
	for (i = 0; peer_clnt && i < 300; i++) {
		peer_bc_read(&c);
		if (c.free_slots == RPCRDMA_BC_SLOTS)
			break;
		msleep(100);
	}
	if (peer_cb.running)
		svc_set_num_threads(peer_cb.serv, NULL, 0);
	peer_cb.running = false;
	if (peer_cb.serv)
		rpcrdma_svc_destroy(&peer_cb.serv);
}

static int peer_cb_start(void)
{
	int rc;

	peer_cb.serv = svc_create(&peer_cb_program, PAGE_SIZE, peer_cb_thread);
	if (!peer_cb.serv)
		return -ENOMEM;
	/* its threads serve reverse Calls, on buffers the transport owns */
	set_bc_enabled(peer_cb.serv);
	rc = svc_set_num_threads(peer_cb.serv, NULL, 1);
	if (rc) {
		svc_set_num_threads(peer_cb.serv, NULL, 0);
		rpcrdma_svc_destroy(&peer_cb.serv);
		return rc;
	}
	peer_cb.running = true;
	return 0;
}

/* A row set up a back channel and has not taken it down yet */
static bool peer_bc_attached;

/* Set up a back channel on the transport, as NFSv4.1 does */
static int peer_bc_attach(void)
{
	struct rpc_xprt *xprt = peer_xprt();
	int rc;

	rc = xprt_setup_backchannel(xprt, 1);
	if (rc)
		return rc;
	WRITE_ONCE(xprt->bc_serv, peer_cb.serv);
	peer_bc_attached = true;
	return 0;
}

static void peer_bc_detach(void)
{
	struct rpc_xprt *xprt = peer_xprt();

	if (!peer_bc_attached)
		return;
	peer_bc_attached = false;
	xprt_destroy_backchannel(xprt, 1);
	WRITE_ONCE(xprt->bc_serv, NULL);
	peer_cb_unhold();
}

/* ---- the rows ---- */

enum peer_check {
	PC_NONE,
	PC_CWND,		/* xprt->cwnd is .cwnd << RPC_CWNDSHIFT after */
	PC_REMINV_OK,		/* remote invalidation honoured, no LOCAL_INV */
	PC_REMINV_BAD,		/* rejected and counted, or a new connection */
	PC_ONE_XMIT,		/* the peer saw the XID exactly once */
	PC_NEW_CONN,		/* each transmission on a new connection */
	PC_RECONNECT,		/* the next call reconnects */
	PC_REJECTED,		/* reconnects after .param rejections */
};

struct peer_row {
	const char *name;
	unsigned int idx;		/* index into peer_procs */
	struct peer_call call;
	int want;			/* the RPC's result */
	bool any_result;		/* any result but a hang will do */
	unsigned int bad_reply;		/* bad_reply_count increment */
	unsigned int bad_xids;		/* bad_xids increment */
	bool bad_either;		/* one of the two moves by one */
	enum peer_check check;
	u32 cwnd;
	bool slow;			/* waits for a timeout or a back-off */
	void (*run)(struct kunit *test, const struct peer_row *row);
	/* RFC 8167 rows (peer_row_bc): the peer's reverse Calls */
	bool bc_up;			/* a back channel is set up */
	bool bc_hold;			/* the service holds them till all came */
	unsigned int batch;		/* forward calls at once; 0: one */
	unsigned int bc_taken;		/* handed to the callback service */
	bool bc_any_split;		/* any taken/dropped split will do */
};

#define INLINE_ARGS	.arg_len = 100
#define READ_CHUNK	.arg_len = 8192, .arg_ddp = true
#define LONG_CALL	.arg_len = 6000
#define WRITE_CHUNK	.res_len = 8192, .res_ddp = true, .res_want = 8192
#define REPLY_CHUNK	.res_len = 6000, .res_want = 6000
#define INLINE_RES	.res_len = 100, .res_want = 100

/* Truncation of the reply to a Call with a Write chunk after @cut bytes */
#define TRUNC_ROW(what, cut)						\
	{ "RFC 8166 §4.2: a reply header truncated " what		\
	  " is refused and counted", SC_TRUNC,				\
	  { .param = (cut), WRITE_CHUNK }, 0, .bad_reply = 1 }

static void peer_row_run(struct kunit *test, const struct peer_row *row);
static void peer_row_private_data(struct kunit *test,
				  const struct peer_row *row);
static void peer_row_shrink(struct kunit *test, const struct peer_row *row);
static void peer_row_hold(struct kunit *test, const struct peer_row *row);
static void peer_row_bc(struct kunit *test, const struct peer_row *row);

/* A row of reverse Calls of @kind around a Write chunk call */
#define BC_ROW(rule, bc_param, up, taken)				\
	{ "RFC 8167 " rule, SC_BC_CALLS, { .param = bc_param, WRITE_CHUNK },	\
	  0, .run = peer_row_bc, .bc_up = (up), .bc_taken = (taken) }

static const struct peer_row peer_rows[] = {
	/* Every chunk type, echoed correctly */
	{ "RFC 8166 §3.5.1: a short Call and Reply travel inline", SC_GOOD,
	  { INLINE_ARGS, INLINE_RES }, 0 },
	{ "RFC 8166 §3.5.2: DDP arguments go in a Read chunk at their XDR position",
	  SC_GOOD, { READ_CHUNK }, 0 },
	{ "RFC 8166 §3.4.5: an odd-length (8193) Read chunk: no XDR pad in it or inline",
	  SC_GOOD, { .arg_len = 8193, .arg_ddp = true }, 0 },
	{ "RFC 8166 §3.5.3: a Call too large for inline is a Long Call (position-zero Read chunk)",
	  SC_GOOD, { LONG_CALL }, 0 },
	{ "RFC 8166 §3.4.6: a Write chunk echoed with the bytes written: data lands in the pages",
	  SC_GOOD, { WRITE_CHUNK }, 0 },
	{ "RFC 8166 §3.4.6: odd-length (4097) Write chunk: no pad needed, the word after decodes",
	  SC_GOOD, { .res_len = 4097, .res_ddp = true, .res_want = 4097 }, 0 },
	{ "RFC 8166 §3.4.6: odd-length (8191) Write chunk: no pad needed, the word after decodes",
	  SC_GOOD, { .res_len = 8191, .res_ddp = true, .res_want = 8191 }, 0 },
	{ "RFC 8166 §3.5.3: a large non-DDP Reply comes back in the Reply chunk, RDMA_NOMSG",
	  SC_GOOD, { REPLY_CHUNK }, 0 },
	{ "RFC 8166 §3.5: a Read chunk and a Write chunk in one RPC", SC_GOOD,
	  { READ_CHUNK, WRITE_CHUNK }, 0 },
	{ "RFC 8166 §3.5.3: a Long Call with a Reply chunk", SC_GOOD,
	  { LONG_CALL, REPLY_CHUNK }, 0 },
	{ "RFC 8166 §3.4.6: a READ-like reply shorter than its head leaves no stale head bytes",
	  SC_GOOD, { WRITE_CHUNK, .wide_head = true }, 0 },
	{ "RFC 8166 §3.4.6: a READ-like reply with a short inline part and odd-length (4097) data",
	  SC_GOOD, { .res_len = 4097, .res_ddp = true, .res_want = 4097,
		     .wide_head = true }, 0 },
	{ "RFC 8166 §3.4.6: an empty Write chunk (segment count 0) says nothing was written",
	  SC_SEG_COUNT, { .param = 0, .res_len = 8192, .res_ddp = true }, 0 },
	{ "RFC 8166 §3.4.6: a reply that beats our Send completion is handled",
	  SC_GOOD, { READ_CHUNK, WRITE_CHUNK }, 0 },

	/* Header truncated at every field boundary */
	TRUNC_ROW("after rdma_xid", 4),
	TRUNC_ROW("after rdma_vers", 8),
	TRUNC_ROW("after rdma_credit", 12),
	TRUNC_ROW("after rdma_proc", 16),
	TRUNC_ROW("after the Read list discriminator", 20),
	TRUNC_ROW("after the Write list discriminator", 24),
	TRUNC_ROW("after the Write chunk segment count", 28),
	TRUNC_ROW("inside a segment, after its handle", 32),
	TRUNC_ROW("inside a segment, after its length", 36),
	TRUNC_ROW("inside a segment's 64-bit offset", 40),
	TRUNC_ROW("after a segment, before the Write list ends", 44),
	TRUNC_ROW("before the Reply chunk discriminator", 48),

	/* Too little RPC message */
	{ "RFC 8166 §4.3.1: a header-only RDMA_MSG reply is refused and counted once",
	  SC_HDR_ONLY, { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.3.1: header-only replies to every resend: -EIO, no hang",
	  PEER_HDR_ONLY_STICKY, { INLINE_RES }, -EIO, .bad_reply = 3,
	  .slow = true },
	{ "RFC 5531 §9: an inline RPC reply shorter than 20 bytes is refused and counted once",
	  SC_SHORT_RPC, { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §3.5.3: a Reply chunk of less than 20 bytes is refused and counted once",
	  SC_SHORT_NOMSG, { REPLY_CHUNK }, 0, .bad_reply = 1 },

	/* Lists the client never offered, or offered otherwise */
	{ "RFC 8166 §4.2.1: a Read list in a reply is refused", SC_READ_LIST,
	  { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.2.1: a Write list never offered is refused",
	  SC_WRITE_LIST, { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.2.1: a Reply chunk never offered is refused",
	  SC_REPLY_CHUNK, { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.2.1: a Write chunk segment count of 0x10000 is refused",
	  SC_SEG_COUNT, { .param = 0x10000, WRITE_CHUNK }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.2.1: a Write chunk segment count of 0xffffffff (-1) is refused",
	  SC_SEG_COUNT, { .param = 0xffffffff, WRITE_CHUNK }, 0,
	  .bad_reply = 1 },
	{ "RFC 8166 §3.4.6: a Write chunk segment longer than offered is refused",
	  SC_SEG_OVER, { .param = 4, WRITE_CHUNK }, 0, .bad_reply = 1 },
	{ "RFC 8166 §3.4.6: a Reply chunk segment longer than offered is refused",
	  SC_REPLY_OVER, { .param = 4, REPLY_CHUNK }, 0, .bad_reply = 1 },
	{ "RFC 8166 §3.4.6: bytes claimed but never written reach the decoder as they are",
	  SC_CLAIM_MORE, { WRITE_CHUNK }, -EBADMSG },
	{ "RFC 8166 §3.4.6: the handle a Write chunk is echoed with is not checked",
	  SC_BAD_HANDLE, { WRITE_CHUNK }, 0 },
	{ "RFC 8166 §4.2.1: RDMA_NOMSG without a Reply chunk is refused",
	  SC_NOMSG, { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.2: a list discriminator of 2 is refused", SC_BAD_LIST,
	  { INLINE_RES }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.2: rdma_vers 2 is refused", SC_BAD_VERS, { INLINE_RES },
	  0, .bad_reply = 1 },
	{ "RFC 8166 §4.2: rdma_vers 2 on every retransmission fails the RPC with -EIO",
	  PEER_BAD_VERS_STICKY, { INLINE_RES }, -EIO, .bad_reply = 3 },
	{ "RFC 8166 §4.2: an unknown rdma_proc is refused", SC_BAD_PROC,
	  { INLINE_RES }, 0, .bad_reply = 1 },

	/* RDMA_ERROR */
	{ "RFC 8166 §4.5.1: ERR_VERS ends the RPC at once with -EPROTONOSUPPORT, no resend",
	  SC_ERR_VERS, { INLINE_RES }, -EPROTONOSUPPORT, .bad_reply = 1,
	  .check = PC_ONE_XMIT },
	{ "RFC 8166 §4.5.2: ERR_CHUNK is counted and the Call sent again",
	  SC_ERR_CHUNK, { WRITE_CHUNK }, 0, .bad_reply = 1 },
	{ "RFC 8166 §4.5.2: ERR_CHUNK on every retransmission fails the RPC with -EIO",
	  PEER_ERR_CHUNK_STICKY, { INLINE_RES }, -EIO, .bad_reply = 3 },
	{ "RFC 8166 §4.5: an unknown RDMA_ERROR code is refused",
	  SC_BAD_ERRCODE, { INLINE_RES }, 0, .bad_reply = 1 },

	/* Remote Invalidation */
	{ "RFC 8797 §3.2: Send With Invalidate of the offered rkey: no LOCAL_INV for it",
	  SC_SEND_INV, { .param = 0, WRITE_CHUNK }, 0, .check = PC_REMINV_OK },
	{ "RFC 8797 §3.2: Send With Invalidate of an rkey never offered is rejected",
	  SC_SEND_INV, { .param = 1, WRITE_CHUNK }, 0, .any_result = true,
	  .check = PC_REMINV_BAD },

	/* Credits */
	{ "RFC 8166 §3.3.1: a grant of 0 credits counts as 1", SC_CREDITS,
	  { .param = 0, INLINE_RES }, 0, .check = PC_CWND, .cwnd = 1 },
	{ "RFC 8166 §3.3.1: a grant of 1 credit", SC_CREDITS,
	  { .param = 1, INLINE_RES }, 0, .check = PC_CWND, .cwnd = 1 },
	{ "RFC 8166 §3.3.1: a grant of 128 credits, all we ask for",
	  SC_CREDITS, { .param = 128, INLINE_RES }, 0, .check = PC_CWND,
	  .cwnd = 128 },
	{ "RFC 8166 §3.3.1: a grant of 2^32-1 credits counts as what we can use",
	  SC_CREDITS, { .param = 0xffffffff, INLINE_RES }, 0,
	  .check = PC_CWND, .cwnd = 128 },
	{ "RFC 8166 §3.3.1: a grant that shrinks mid-run shrinks the window; calls still succeed",
	  SC_SET_CREDITS, { .param = 4 }, 0, .run = peer_row_shrink },

	/* Matching */
	{ "RFC 8166 §4.1: a reply with an XID nobody sent is dropped and counted",
	  SC_BAD_XID, { WRITE_CHUNK }, 0, .bad_xids = 1 },
	{ "RFC 8166 §4.1: a duplicate reply is dropped and counted",
	  SC_DUP, { WRITE_CHUNK }, 0, .bad_either = true },

	/* Connections */
	{ "RFC 8166 §3.3.1: no reply: the Call is resent on a new connection only",
	  SC_NO_REPLY, { WRITE_CHUNK }, 0, .check = PC_NEW_CONN, .slow = true },
	{ "RFC 8166 §3.3.1: no reply to a Reply chunk Call: resent on a new connection only",
	  SC_NO_REPLY, { REPLY_CHUNK }, 0, .check = PC_NEW_CONN, .slow = true },
	{ "RFC 8166 §3.3.1: a disconnect before the reply: the Call completes on the next one",
	  SC_DISC_BEFORE, { WRITE_CHUNK }, 0, .check = PC_NEW_CONN },
	{ "RFC 8166 §3.3.1: a disconnect after the reply: the next call reconnects",
	  SC_DISC_AFTER, { WRITE_CHUNK }, 0, .check = PC_RECONNECT },
	{ "RFC 8166 §3.3.1: a rejected connection request is retried until accepted",
	  SC_REJECT, { .param = 1 }, 0, .check = PC_REJECTED, .slow = true },
	{ "RFC 8166 §3.3.1: after a reconnect, one Call outstanding until the first reply",
	  SC_HOLD, { WRITE_CHUNK }, 0, .run = peer_row_hold },

	/* CM private data: each row reconnects, probes, then restores */
	{ "RFC 8797 §3.1: private data 4 KiB each way: a 2000-byte Call and Reply go inline",
	  SC_SET_ACCEPT, { .param = AM_RFC8797 }, 0,
	  .run = peer_row_private_data },
	{ "RFC 8797 §3.1: no private data means 1 KiB each way: Long Call and Reply chunk",
	  SC_SET_ACCEPT, { .param = AM_NONE }, 0,
	  .run = peer_row_private_data },
	{ "RFC 8797 §3.1: private data with a wrong magic is ignored: 1 KiB each way",
	  SC_SET_ACCEPT, { .param = AM_BAD_MAGIC }, 0,
	  .run = peer_row_private_data },
	{ "RFC 8797 §3.1: private data of another version is ignored: 1 KiB each way",
	  SC_SET_ACCEPT, { .param = AM_BAD_VERSION }, 0,
	  .run = peer_row_private_data },
	{ "RFC 8797 §3.1: private data 1 KiB each way: Long Call and Reply chunk",
	  SC_SET_ACCEPT, { .param = AM_1K }, 0,
	  .run = peer_row_private_data },
	{ "RFC 8797 §3.1: private data 256 KiB each way: never more than our own 4 KiB buffers",
	  SC_SET_ACCEPT, { .param = AM_256K }, 0,
	  .run = peer_row_private_data },

	/* Reverse direction (RFC 8167): no back channel set up */
	BC_ROW("§4: a reverse Call with no back channel is dropped; the RPC completes",
	       BC_CALLS(BCK_NULL, 1), false, 0),
	BC_ROW("§4: a reverse Call after the Reply, with no back channel, is dropped",
	       BC_CALLS(BCK_NULL, 1) | BC_AFTER, false, 0),
	BC_ROW("§4: a reverse Call with our XID, no back channel: dropped, Reply matched",
	       BC_CALLS(BCK_SAME_XID, 1), false, 0),
	/* with a back channel */
	BC_ROW("§4: a CB_NULL-like reverse Call is answered: chunkless RDMA_MSG, 4 credits",
	       BC_CALLS(BCK_NULL, 1), true, 1),
	BC_ROW("§4: a reverse Call with arguments is answered with its result",
	       BC_CALLS(BCK_ECHO, 1), true, 1),
	BC_ROW("§4: a reverse Call with the XID of our pending Call is a Call, not its Reply",
	       BC_CALLS(BCK_SAME_XID, 1), true, 1),
	{ "RFC 8167 §3: more reverse Calls than slots: 4 answered, the rest dropped",
	  SC_BC_CALLS, { .param = BC_CALLS(BCK_NULL, RPCRDMA_BC_SLOTS + 2),
			 WRITE_CHUNK }, 0,
	  .run = peer_row_bc, .bc_up = true, .bc_hold = true,
	  .bc_taken = RPCRDMA_BC_SLOTS },
	BC_ROW("§4: a reverse Call shorter than an RPC Call (24 bytes) is dropped",
	       BC_CALLS(BCK_SHORT, 1), true, 0),
	BC_ROW("§3: a reverse Call longer than bc_maxpayload (1000 bytes) is dropped",
	       BC_CALLS(BCK_LONG, 1), true, 0),
	BC_ROW("§3: a reverse Call of exactly bc_maxpayload (996 bytes) is answered",
	       BC_CALLS(BCK_MAX, 1), true, 1),
	BC_ROW("§5: a reverse Call with a Read list is dropped",
	       BC_CALLS(BCK_READ_LIST, 1), true, 0),
	BC_ROW("§5: a reverse Call with a Write list is dropped",
	       BC_CALLS(BCK_WRITE_LIST, 1), true, 0),
	BC_ROW("§5: a reverse Call with a Reply chunk is dropped",
	       BC_CALLS(BCK_REPLY_CHUNK, 1), true, 0),
	{ "RFC 8167 §4: 32 RPCs at once, each with reverse Calls around its Reply: all complete",
	  SC_BC_CALLS, { .param = BC_CALLS(BCK_ECHO, 2) | BC_AROUND,
			 WRITE_CHUNK }, 0,
	  .run = peer_row_bc, .bc_up = true, .batch = 32,
	  .bc_any_split = true },
	{ "RFC 8167 §4: 32 RPCs at once, reverse Calls and no back channel: all complete",
	  SC_BC_CALLS, { .param = BC_CALLS(BCK_NULL, 2) | BC_AROUND,
			 WRITE_CHUNK }, 0,
	  .run = peer_row_bc, .batch = 32 },
};

/* Does the peer ask for the quick run?  Asked once per suite run. */
static bool peer_quick(void)
{
	struct peer_call shape = { .param = SC_STATUS }, out;

	if (peer_call(NULL, SC_STATUS, &shape, &out))
		return false;	/* the first row then fails */
	return out.status[ST_QUICK];
}

/* Rows in order, without the slow ones when the peer says quick. */
static const void *peer_rows_gen_params(const void *prev, char *desc)
{
	const struct peer_row *row = prev ? (const struct peer_row *)prev + 1 :
					    peer_rows;
	static bool quick;

	if (!prev)
		quick = peer_quick();
	for (; row < peer_rows + ARRAY_SIZE(peer_rows); row++) {
		if (quick && row->slow)
			continue;
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", row->name);
		return row;
	}
	return NULL;
}

/* Wait up to 5 s for a late reply (a duplicate) to be counted. */
static void peer_counted(const struct peer_row *row,
			 const struct peer_counters *before,
			 struct peer_counters *after)
{
	unsigned long want = row->bad_reply + row->bad_xids + row->bad_either;
	int i;

	for (i = 0; i < 50; i++) {
		peer_read_counters(after);
		if (after->bad_reply - before->bad_reply +
		    after->bad_xids - before->bad_xids >= want)
			return;
		msleep(100);
	}
}

/* The chunks a call shaped @c makes the client offer, at 4 KiB inline */
static void peer_expect_chunks(struct kunit *test, const struct peer_call *c,
			       const struct peer_counters *b,
			       const struct peer_counters *a)
{
	bool read = c->arg_len >= PEER_CHUNKED && c->arg_ddp;
	bool lng = c->arg_len >= PEER_CHUNKED && !c->arg_ddp;
	bool write = c->res_len >= PEER_CHUNKED && c->res_ddp;
	bool reply = c->res_len >= PEER_CHUNKED && !c->res_ddp;

	KUNIT_EXPECT_EQ_MSG(test, a->read_chunks > b->read_chunks,
			    read || lng, "Read chunks offered");
	KUNIT_EXPECT_EQ_MSG(test, a->nomsg_calls > b->nomsg_calls, lng,
			    "Long Calls sent");
	KUNIT_EXPECT_EQ_MSG(test, a->write_chunks > b->write_chunks, write,
			    "Write chunks offered");
	KUNIT_EXPECT_EQ_MSG(test, a->reply_chunks > b->reply_chunks, reply,
			    "Reply chunks offered");
}

/* The row's own checks after its call */
static void peer_row_checks(struct kunit *test, const struct peer_row *row,
			    const struct peer_counters *b,
			    const struct peer_counters *a)
{
	struct peer_counters next;
	u32 st[ST_COUNT];

	switch (row->check) {
	case PC_CWND:
		KUNIT_EXPECT_EQ(test, a->cwnd,
				(unsigned long)row->cwnd << RPC_CWNDSHIFT);
		break;
	case PC_REMINV_OK:
		KUNIT_EXPECT_EQ_MSG(test, a->local_inv_needed,
				    b->local_inv_needed,
				    "LOCAL_INV for an MR the peer invalidated");
		KUNIT_EXPECT_EQ(test, a->remote_inv_rejected,
				b->remote_inv_rejected);
		break;
	case PC_REMINV_BAD:
		/* rxe may end the QP instead: then a good call reconnects */
		peer_expect_good_call(test, row->name);
		peer_read_counters(&next);
		kunit_info(test, "remote_inv_rejected +%lu, connect_count +%lu\n",
			   next.remote_inv_rejected - b->remote_inv_rejected,
			   next.connect_count - b->connect_count);
		KUNIT_EXPECT_GE(test, next.remote_inv_rejected -
				b->remote_inv_rejected +
				next.connect_count - b->connect_count, 1UL);
		break;
	case PC_ONE_XMIT:
		peer_status(test, row->idx, st);
		KUNIT_EXPECT_EQ_MSG(test, st[ST_XMITS], 1U,
				    "transmissions the peer saw");
		break;
	case PC_NEW_CONN:
		peer_status(test, row->idx, st);
		kunit_info(test, "the peer saw %u transmissions on %u connections\n",
			   st[ST_XMITS], st[ST_XMIT_CONNS]);
		KUNIT_EXPECT_GE(test, st[ST_XMITS], 2U);
		KUNIT_EXPECT_EQ_MSG(test, st[ST_XMIT_CONNS], st[ST_XMITS],
				    "a retransmission came on an old connection");
		KUNIT_EXPECT_GT(test, a->connect_count, b->connect_count);
		break;
	case PC_RECONNECT:
	case PC_REJECTED:
		peer_wait_disconnect(test);
		peer_expect_good_call(test, row->name);
		peer_read_counters(&next);
		KUNIT_EXPECT_GT(test, next.connect_count, a->connect_count);
		peer_status(test, SC_STATUS, st);
		KUNIT_EXPECT_EQ_MSG(test, st[ST_REJECTED] -
				    peer_st_before[ST_REJECTED],
				    row->check == PC_REJECTED ?
				    row->call.param : 0, "connections rejected");
		break;
	case PC_NONE:
		break;
	}
}

/* The generic row: one call shaped as the row says. */
static void peer_row_run(struct kunit *test, const struct peer_row *row)
{
	struct peer_counters before, after;
	unsigned long t0 = jiffies;
	struct peer_call out;
	int ret;

	peer_read_counters(&before);
	ret = peer_call(test, row->idx, &row->call, &out);
	peer_counted(row, &before, &after);
	kunit_info(test, "returned %d in %u ms; bad_reply +%lu, bad_xids +%lu\n",
		   ret, jiffies_to_msecs(jiffies - t0),
		   after.bad_reply - before.bad_reply,
		   after.bad_xids - before.bad_xids);
	KUNIT_EXPECT_NE_MSG(test, ret, -ETIMEDOUT, "RPC timed out");
	KUNIT_EXPECT_NE_MSG(test, ret, -EDEADLK, "RPC hung");
	if (!row->any_result) {
		KUNIT_EXPECT_EQ(test, ret, row->want);
		if (row->bad_either)
			KUNIT_EXPECT_EQ(test, after.bad_reply -
					before.bad_reply + after.bad_xids -
					before.bad_xids, 1UL);
		else
			KUNIT_EXPECT_EQ(test, after.bad_reply -
					before.bad_reply,
					(unsigned long)row->bad_reply);
		if (!row->bad_either)
			KUNIT_EXPECT_EQ(test, after.bad_xids - before.bad_xids,
					(unsigned long)row->bad_xids);
		peer_expect_chunks(test, &row->call, &before, &after);
	}
	KUNIT_EXPECT_EQ_MSG(test, out.flag, 0U,
			    "the peer found our arguments wrong");
	peer_row_checks(test, row, &before, &after);
}

/* Private data rows: reconnect under @row's mode, probe, restore. */
static void peer_row_private_data(struct kunit *test,
				  const struct peer_row *row)
{
	struct peer_call mode = { .param = row->call.param };
	struct peer_call probe = { .arg_len = 2000, .res_len = 2000,
				   .res_want = 2000 };
	struct peer_call big = { .arg_len = 6000 };
	bool small = row->call.param != AM_RFC8797 &&
		     row->call.param != AM_256K;
	struct peer_counters b, a;

	KUNIT_ASSERT_EQ(test, peer_call(test, SC_SET_ACCEPT, &mode, NULL), 0);
	peer_wait_disconnect(test);
	peer_read_counters(&b);
	KUNIT_EXPECT_EQ(test, peer_call(test, SC_GOOD, &probe, NULL), 0);
	peer_read_counters(&a);
	KUNIT_EXPECT_GT(test, a.connect_count, b.connect_count);
	KUNIT_EXPECT_EQ_MSG(test, a.nomsg_calls > b.nomsg_calls, small,
			    "a 2000-byte Call as a Long Call");
	KUNIT_EXPECT_EQ_MSG(test, a.reply_chunks > b.reply_chunks, small,
			    "a 2000-byte Reply in a Reply chunk");
	KUNIT_EXPECT_EQ(test, a.bad_reply, b.bad_reply);
	if (row->call.param == AM_256K) {
		peer_read_counters(&b);
		KUNIT_EXPECT_EQ(test, peer_call(test, SC_GOOD, &big, NULL), 0);
		peer_read_counters(&a);
		KUNIT_EXPECT_GT_MSG(test, a.nomsg_calls, b.nomsg_calls,
				    "a 6000-byte Call fits no 4 KiB buffer");
	}
	mode.param = AM_DEFAULT;
	KUNIT_EXPECT_EQ(test, peer_call(test, SC_SET_ACCEPT, &mode, NULL), 0);
	peer_wait_disconnect(test);
}

/* Shrink the grant to 4, run calls under it, then grow it back to 16. */
static void peer_row_shrink(struct kunit *test, const struct peer_row *row)
{
	struct peer_call set = { .param = row->call.param };
	struct peer_counters c;
	int i;

	KUNIT_ASSERT_EQ(test, peer_call(test, SC_SET_CREDITS, &set, NULL), 0);
	peer_read_counters(&c);
	KUNIT_EXPECT_EQ(test, c.cwnd,
			(unsigned long)row->call.param << RPC_CWNDSHIFT);
	for (i = 0; i < 8; i++)
		peer_expect_good_call(test, "the shrink");
	peer_read_counters(&c);
	KUNIT_EXPECT_EQ(test, c.cwnd,
			(unsigned long)row->call.param << RPC_CWNDSHIFT);
	set.param = 16;
	KUNIT_EXPECT_EQ(test, peer_call(test, SC_SET_CREDITS, &set, NULL), 0);
	peer_read_counters(&c);
	KUNIT_EXPECT_EQ(test, c.cwnd, 16UL << RPC_CWNDSHIFT);
}

/*
 * Run @n calls of procedure @idx shaped @shape at once; returns how many
 * failed (a hang counts them all).
 */
static int peer_batch(struct kunit *test, unsigned int idx,
		      const struct peer_call *shape, int n)
{
	struct peer_rpc **rpcs;
	struct completion done;
	atomic_t pending;
	int i, failed = 0;

	rpcs = kunit_kcalloc(test, n, sizeof(*rpcs), GFP_KERNEL);
	if (!rpcs)
		return n;
	init_completion(&done);
	atomic_set(&pending, 1);
	for (i = 0; i < n; i++) {
		rpcs[i] = peer_rpc_new(shape);
		if (!rpcs[i])
			continue;
		rpcs[i]->pending = &pending;
		rpcs[i]->batch = &done;
		atomic_inc(&pending);
		if (peer_rpc_start(rpcs[i], idx))
			rpcs[i]->status = -EAGAIN;
	}
	if (!atomic_dec_and_test(&pending) &&
	    !wait_for_completion_timeout(&done, 120 * HZ)) {
		kunit_err(test, "calls at once hung for 120 s\n");
		rpc_killall_tasks(peer_clnt);
		wait_for_completion(&done);
		failed = n;
	}
	for (i = 0; i < n; i++) {
		if (!rpcs[i]) {
			failed++;
			continue;
		}
		if (rpcs[i]->status && failed < n) {
			if (failed < 4)
				kunit_err(test, "call %d returned %d\n", i,
					  rpcs[i]->status);
			failed++;
		}
		peer_rpc_put(rpcs[i]);
	}
	return min(failed, n);
}

/*
 * 64 Calls with Write chunks in flight, none answered; the peer then
 * disconnects.  On the new connection the client may have one Call
 * outstanding until the first reply (the peer counts any more as a
 * credit overrun), and every Call then completes with its data.
 */
static void peer_row_hold(struct kunit *test, const struct peer_row *row)
{
	u32 before[ST_COUNT], after[ST_COUNT];
	struct peer_counters b, a;

	peer_status(test, SC_STATUS, before);
	peer_read_counters(&b);
	KUNIT_EXPECT_EQ(test, peer_batch(test, row->idx, &row->call,
					 PEER_CALLS_AT_ONCE), 0);
	peer_read_counters(&a);
	peer_status(test, SC_STATUS, after);
	KUNIT_EXPECT_GT(test, a.connect_count, b.connect_count);
	KUNIT_EXPECT_EQ_MSG(test, after[ST_OVERRUNS] - before[ST_OVERRUNS],
			    0U, "credit overruns on the new connection");
}

/* Reverse Calls the client has taken (queued to the service) since @b */
static unsigned long peer_bc_taken(const struct peer_bc_counters *b,
				   const struct peer_bc_counters *a)
{
	return a->null_calls - b->null_calls +
	       a->compound_calls - b->compound_calls;
}

/* What peer_bc_wait() waits for, since the counters @b */
enum peer_bc_event {
	PBW_SLOTS_FREE,		/* every backchannel slot is free */
	PBW_ARRIVED,		/* @n reverse Calls were taken or dropped */
	PBW_ANSWERED,		/* @n reverse Replies were sent */
};

static bool peer_bc_reached(enum peer_bc_event what,
			    const struct peer_bc_counters *b,
			    const struct peer_bc_counters *a, unsigned long n)
{
	switch (what) {
	case PBW_SLOTS_FREE:
		return a->free_slots == RPCRDMA_BC_SLOTS;
	case PBW_ARRIVED:
		return peer_bc_taken(b, a) + a->dropped - b->dropped >= n;
	case PBW_ANSWERED:
		return a->replies - b->replies >= n;
	}
	return false;
}

/*
 * Read the counters into @a until @what: 30 s at most, room for every
 * Reply of a batch to wait 250 ms (call_bc_transmit_status()) for its
 * req's previous Send
 */
static bool peer_bc_wait(enum peer_bc_event what,
			 const struct peer_bc_counters *b,
			 struct peer_bc_counters *a, unsigned long n)
{
	int i;

	for (i = 0; i < 300; i++) {
		peer_bc_read(a);
		if (peer_bc_reached(what, b, a, n))
			return true;
		msleep(100);
	}
	return false;
}

/*
 * The forward call(s) the row describes; the peer sends its reverse
 * Calls around each Reply.  Each must succeed with its data intact.
 */
static void peer_bc_forward(struct kunit *test, const struct peer_row *row)
{
	struct peer_call out;

	if (row->batch) {
		KUNIT_EXPECT_EQ_MSG(test, peer_batch(test, row->idx, &row->call,
						     row->batch), 0,
				    "forward RPCs that failed");
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, peer_call(test, row->idx, &row->call, &out),
			    0, "the forward RPC");
	KUNIT_EXPECT_EQ_MSG(test, out.flag, 0U,
			    "the peer found our arguments wrong");
}

/*
 * RFC 8167 rows: whatever the peer's reverse Calls, the forward RPCs
 * complete with their data and no bad Reply; each reverse Call is taken
 * or dropped and counted; each one taken is answered, and the peer
 * finds every reverse Reply well formed, granting RPCRDMA_BC_SLOTS.
 */
static void peer_row_bc(struct kunit *test, const struct peer_row *row)
{
	u32 kind = row->call.param & 0xff;
	bool echo = kind == BCK_ECHO || kind == BCK_LONG || kind == BCK_MAX;
	unsigned int sent = (row->batch ?: 1) *
			    ((row->call.param >> BC_COUNT_SHIFT) & 0xff);
	struct peer_bc_counters bb, ba;
	struct peer_counters b, a;
	u32 st0[ST_COUNT], st[ST_COUNT];
	unsigned long taken, dropped;

	peer_bc_detach();	/* what an aborted row may have left */
	/* every slot free again: the last row's Replies are all freed */
	KUNIT_EXPECT_TRUE_MSG(test, peer_bc_wait(PBW_SLOTS_FREE, &bb, &bb, 0),
			      "backchannel slots still held");
	if (row->bc_up)
		KUNIT_ASSERT_EQ(test, peer_bc_attach(), 0);
	atomic_set(&peer_cb.held, row->bc_hold);
	peer_status(test, SC_STATUS, st0);
	peer_read_counters(&b);
	peer_bc_read(&bb);

	peer_bc_forward(test, row);

	/* every reverse Call reaches us, and is taken or dropped */
	peer_bc_wait(PBW_ARRIVED, &bb, &ba, sent);
	taken = peer_bc_taken(&bb, &ba);
	dropped = ba.dropped - bb.dropped;
	if (row->bc_hold) {
		/* the Calls held are what fills the slots */
		KUNIT_EXPECT_EQ(test, ba.free_slots, (size_t)0);
		peer_cb_unhold();
	}
	/* every Call taken is answered; then the peer has the Replies */
	peer_bc_wait(PBW_ANSWERED, &bb, &ba, taken);
	peer_status(test, SC_STATUS, st);
	peer_read_counters(&a);
	kunit_info(test, "reverse Calls: %u sent, %lu taken, %lu dropped, %lu answered, %u Replies checked\n",
		   sent, taken, dropped, ba.replies - bb.replies,
		   st[ST_BC_REPLIES] - st0[ST_BC_REPLIES]);

	KUNIT_EXPECT_EQ(test, st[ST_BC_SENT] - st0[ST_BC_SENT], sent);
	KUNIT_EXPECT_EQ(test, taken + dropped, (unsigned long)sent);
	if (!row->bc_any_split)
		KUNIT_EXPECT_EQ(test, taken, (unsigned long)row->bc_taken);
	/* CB_NULL and procedures with arguments are counted apart */
	KUNIT_EXPECT_EQ(test, echo ? ba.null_calls - bb.null_calls :
			ba.compound_calls - bb.compound_calls, 0UL);
	KUNIT_EXPECT_EQ(test, ba.replies - bb.replies, taken);
	KUNIT_EXPECT_EQ(test, ba.reply_errors, bb.reply_errors);
	KUNIT_EXPECT_EQ_MSG(test, st[ST_BC_REPLIES] - st0[ST_BC_REPLIES],
			    (u32)taken, "reverse Replies the peer received");
	KUNIT_EXPECT_EQ_MSG(test, st[ST_BC_BAD_REPLIES],
			    st0[ST_BC_BAD_REPLIES],
			    "reverse Replies the peer found wrong");
	if (taken)
		KUNIT_EXPECT_EQ_MSG(test, st[ST_BC_CREDITS], RPCRDMA_BC_SLOTS,
				    "rdma_credit of the reverse Replies");
	/* a reverse Call is never taken for a forward Reply */
	KUNIT_EXPECT_EQ(test, a.bad_reply, b.bad_reply);
	KUNIT_EXPECT_EQ(test, a.bad_xids, b.bad_xids);
	peer_bc_detach();
}

/* Every row, then the peer's view of the client, then a good call. */
static void xprtrdma_peer_row(struct kunit *test)
{
	const struct peer_row *row = test->param_value;
	u32 before[ST_COUNT], after[ST_COUNT];

	peer_status(test, SC_STATUS, before);
	memcpy(peer_st_before, before, sizeof(before));
	if (row->run)
		row->run(test, row);
	else
		peer_row_run(test, row);
	peer_status(test, SC_STATUS, after);
	KUNIT_EXPECT_EQ_MSG(test, after[ST_OVERRUNS], before[ST_OVERRUNS],
			    "the peer saw credit overruns");
	KUNIT_EXPECT_EQ_MSG(test, after[ST_RETRANS_UNANSWERED],
			    before[ST_RETRANS_UNANSWERED],
			    "the peer saw an unanswered Call again on its connection");
	KUNIT_EXPECT_EQ_MSG(test, after[ST_BAD_CALLS], before[ST_BAD_CALLS],
			    "the peer found Calls it could not parse or verify");
	KUNIT_EXPECT_EQ_MSG(test, after[ST_RDMA_ERRORS],
			    before[ST_RDMA_ERRORS],
			    "the peer's RDMA Reads or Writes failed");
	peer_expect_good_call(test, row->name);
}

/* More good calls in sequence than the most credits we ever ask for. */
static void xprtrdma_peer_many_sequential(struct kunit *test)
{
	struct peer_call shape = { READ_CHUNK, WRITE_CHUNK };
	unsigned long t0 = jiffies;
	int i, ret, failed = 0;

	for (i = 0; i < 2 * RPCRDMA_MAX_REQUESTS; i++) {
		ret = peer_call(test, SC_GOOD, &shape, NULL);
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

/* More good calls at once than the peer's credit grant, every chunk type. */
static void xprtrdma_peer_many_at_once(struct kunit *test)
{
	static const struct peer_call shapes[] = {
		{ INLINE_ARGS, INLINE_RES }, { READ_CHUNK }, { LONG_CALL },
		{ WRITE_CHUNK }, { REPLY_CHUNK },
	};
	unsigned long t0 = jiffies;
	u32 before[ST_COUNT], after[ST_COUNT];
	unsigned int i;

	peer_status(test, SC_STATUS, before);
	for (i = 0; i < ARRAY_SIZE(shapes); i++)
		KUNIT_EXPECT_EQ_MSG(test, peer_batch(test, SC_GOOD, &shapes[i],
						     PEER_CALLS_AT_ONCE), 0,
				    "shape %u", i);
	kunit_info(test, "%zu x %d calls at once in %u ms\n",
		   ARRAY_SIZE(shapes), PEER_CALLS_AT_ONCE,
		   jiffies_to_msecs(jiffies - t0));
	peer_status(test, SC_STATUS, after);
	KUNIT_EXPECT_EQ(test, after[ST_OVERRUNS], before[ST_OVERRUNS]);
	KUNIT_EXPECT_EQ(test, after[ST_BAD_CALLS], before[ST_BAD_CALLS]);
}

/* Last: over the whole suite the peer saw no violation at all. */
static void xprtrdma_peer_clean_record(struct kunit *test)
{
	u32 st[ST_COUNT];

	peer_status(test, SC_STATUS, st);
	kunit_info(test, "peer: %u calls, %u connections, %u overruns, %u+%u resent\n",
		   st[ST_CALLS], st[ST_ACCEPTED], st[ST_OVERRUNS],
		   st[ST_RETRANS_UNANSWERED], st[ST_RETRANS_ANSWERED]);
	KUNIT_EXPECT_EQ(test, st[ST_OVERRUNS], 0U);
	KUNIT_EXPECT_EQ(test, st[ST_RETRANS_UNANSWERED], 0U);
	KUNIT_EXPECT_EQ(test, st[ST_BAD_CALLS], 0U);
	KUNIT_EXPECT_EQ(test, st[ST_RDMA_ERRORS], 0U);
	KUNIT_EXPECT_EQ(test, st[ST_BC_BAD_REPLIES], 0U);
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
	int rc;

	peer_procs_init();
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
	rc = peer_cb_start();
	if (rc) {
		pr_err("xprtrdma_peer: no callback service: %d\n", rc);
		rpc_shutdown_client(clnt);
		peer_clnt = NULL;
	}
	return rc;
}

static void xprtrdma_peer_suite_exit(struct kunit_suite *suite)
{
	if (peer_clnt)
		peer_bc_detach();
	/* serves what is still queued, while the transport is up */
	peer_cb_release();
	if (peer_clnt)
		rpc_shutdown_client(peer_clnt);
	peer_clnt = NULL;
}

static struct kunit_case xprtrdma_peer_cases[] = {
	KUNIT_CASE_PARAM(xprtrdma_peer_row, peer_rows_gen_params),
	KUNIT_CASE(xprtrdma_peer_many_sequential),
	KUNIT_CASE(xprtrdma_peer_many_at_once),
	KUNIT_CASE(xprtrdma_peer_clean_record),
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
