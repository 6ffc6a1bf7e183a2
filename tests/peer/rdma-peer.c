// SPDX-License-Identifier: GPL-2.0-only
/*
 * rdma-peer: a deliberately misbehaving RPC-over-RDMA version 1 responder
 * (RFC 8166) for end-to-end tests of the xprtrdma client.
 *
 * Usage: rdma-peer [-a ADDR] [-p PORT] [-c CREDITS] [-n] [-q] [-r] [-v]
 *   -a ADDR     address to listen on (default: any)
 *   -p PORT     port (default 20049)
 *   -c CREDITS  credits granted in well-formed replies (default 16)
 *   -n          send no RFC 8797 private data when accepting
 *   -q          tell the suite (STATUS) to leave out its slow rows
 *   -r          RFC 8797 private data without "Send With Invalidate OK"
 *   -v          log every Call: XID, procedure, chunks, the reply chosen
 *
 * Accepts one client at a time.  Each Call's transport header is parsed
 * whole: the peer RDMA Reads every Read chunk (a position-zero one is the
 * whole RPC message of a Long Call), checks the arguments' byte pattern,
 * and answers through the Write chunk or Reply chunk the Call offers,
 * RDMA Writes posted before the Send that reports them.  The RPC
 * procedure number selects how (enum scenario); a retransmission of a
 * Call (same XID) gets a well-formed reply, so a scenario that breaks
 * the connection cannot loop, unless the procedure is STICKY + N.
 *
 * The peer checks the client too: per connection, Calls received minus
 * replies sent may not exceed the credit limit (1 until the first reply,
 * then the largest grant sent); and an XID is never to arrive twice on
 * one connection while unanswered.  Violations are logged ("credit
 * overrun", "retransmission on the same connection") and counted; the
 * STATUS procedure returns the counters.
 *
 * The BC_CALLS procedure has the peer send reverse-direction Calls
 * (RFC 8167) to the client before or after its Reply, well-formed or
 * not as its param says; the client's reverse Replies are told from
 * Calls by msg_type, never counted against its credits, and checked.
 *
 * Prints "rdma-peer: listening" once ready, then one line per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

/* RPC procedures of the test program; keep in step with the KUnit suite */
enum scenario {
	SC_GOOD = 0,
	SC_BAD_VERS,		/* rdma_vers 2 */
	SC_BAD_PROC,		/* rdma_proc 7 */
	SC_TRUNC,		/* the reply's first param bytes only */
	SC_READ_LIST,		/* a Read list in a Reply */
	SC_WRITE_LIST,		/* a Write chunk that was never offered */
	SC_REPLY_CHUNK,		/* a Reply chunk that was never offered */
	SC_ERR_VERS,		/* RDMA_ERROR ERR_VERS */
	SC_ERR_CHUNK,		/* RDMA_ERROR ERR_CHUNK */
	SC_BAD_XID,		/* a Reply with an XID nobody sent, then the right one */
	SC_CREDITS,		/* grant param credits in this reply */
	SC_DUP,			/* the right Reply, twice */
	SC_SEND_INV,		/* Send With Invalidate: param 0 offered, 1 unknown */
	SC_BAD_ERRCODE,		/* RDMA_ERROR with an unknown error code */
	SC_NOMSG,		/* RDMA_NOMSG without a Reply chunk */
	SC_BAD_LIST,		/* a list discriminator of 2 */
	SC_HDR_ONLY,		/* RDMA_MSG, nothing after the transport header */
	SC_SHORT_RPC,		/* RDMA_MSG, 12 bytes of RPC reply */
	SC_SHORT_NOMSG,		/* RDMA_NOMSG, 12 bytes in the Reply chunk */
	SC_SEG_COUNT,		/* Write chunk segment count param */
	SC_SEG_OVER,		/* Write chunk length param more than offered */
	SC_REPLY_OVER,		/* Reply chunk length param more than offered */
	SC_CLAIM_MORE,		/* Write half the data, claim all of it */
	SC_BAD_HANDLE,		/* Write chunk echoed with another handle */
	SC_NO_REPLY,		/* ignore the first transmission */
	SC_DISC_BEFORE,		/* disconnect instead of replying */
	SC_DISC_AFTER,		/* reply, then disconnect */
	SC_REJECT,		/* reply, disconnect, reject param connects */
	SC_SET_ACCEPT,		/* reply, disconnect, accept as param says */
	SC_SET_CREDITS,		/* grant param credits from now on */
	SC_HOLD,		/* hold every first transmission, then disconnect */
	SC_STATUS,		/* the counters; param: a procedure */
	SC_BC_CALLS,		/* reverse Calls around the Reply; param: BC_* */
	SC_COUNT
};

static const char *const scenario_name[SC_COUNT] = {
	"good", "bad-vers", "bad-proc", "trunc", "read-list", "write-list",
	"reply-chunk", "err-vers", "err-chunk", "bad-xid", "credits", "dup",
	"send-inv", "bad-errcode", "nomsg", "bad-list", "hdr-only",
	"short-rpc", "short-nomsg", "seg-count", "seg-over", "reply-over",
	"claim-more", "bad-handle", "no-reply", "disc-before", "disc-after",
	"reject", "set-accept", "set-credits", "hold", "status", "bc-calls",
};

#define STICKY		64	/* procedure offset: misbehave on retransmissions */

/* STATUS result words */
enum status_word {
	ST_OVERRUNS,		/* credit overruns */
	ST_RETRANS_UNANSWERED,	/* XID again on its connection, unanswered */
	ST_RETRANS_ANSWERED,	/* XID again on its connection, answered */
	ST_CALLS,		/* Calls received */
	ST_ACCEPTED,		/* connections accepted */
	ST_REJECTED,		/* connection requests rejected */
	ST_BAD_CALLS,		/* Calls the peer could not parse or verify */
	ST_XMITS,		/* transmissions of param's latest XID */
	ST_XMIT_CONNS,		/* connections it arrived on */
	ST_READ_CHUNKS,		/* Calls with a Read chunk at a nonzero position */
	ST_LONG_CALLS,		/* RDMA_NOMSG Calls */
	ST_WRITE_CHUNKS,	/* Calls offering a Write chunk */
	ST_REPLY_CHUNKS,	/* Calls offering a Reply chunk */
	ST_RDMA_ERRORS,		/* failed RDMA Reads or Writes */
	ST_QUICK,		/* -q: the suite leaves out its slow rows */
	ST_BC_SENT,		/* reverse Calls sent */
	ST_BC_REPLIES,		/* well-formed reverse Replies to them */
	ST_BC_BAD_REPLIES,	/* reverse Replies malformed, wrong or unasked */
	ST_BC_CREDITS,		/* rdma_credit of the latest reverse Reply */
	ST_COUNT
};

/*
 * SC_BC_CALLS's param: the kind of reverse Call, how many, and whether
 * they go before the Reply, after it, or half each side.  Keep in step
 * with the KUnit suite, as with the callback program it serves.
 */
#define BC_KIND_MASK	0xffu
#define BC_COUNT_SHIFT	8
#define BC_COUNT_MASK	0xffu
#define BC_AFTER	0x10000u
#define BC_AROUND	0x20000u

enum bc_kind {
	BCK_NULL,		/* CB_NULL-like: procedure 0, no arguments */
	BCK_ECHO,		/* procedure 1: a word, echoed XOR BC_ECHO_MASK */
	BCK_SHORT,		/* an RPC Call cut before its credential */
	BCK_LONG,		/* BCK_ECHO padded to 4 bytes past bc_maxpayload */
	BCK_MAX,		/* BCK_ECHO padded to exactly bc_maxpayload */
	BCK_READ_LIST,		/* BCK_NULL behind a one-segment Read list */
	BCK_WRITE_LIST,		/* BCK_NULL behind a one-segment Write chunk */
	BCK_REPLY_CHUNK,	/* BCK_NULL behind a one-segment Reply chunk */
	BCK_SAME_XID,		/* BCK_NULL with the XID of the forward Call */
	BCK_COUNT
};

#define BC_PROGRAM	0x20049998
#define BC_ECHO_MASK	0xbcbcbcbcu
#define BC_MAXPAYLOAD	996	/* the client's: 1 KiB less a 28-byte header */
#define BC_CREDITS	4	/* rdma_credit in our reverse Calls */
#define BC_RECS		1024	/* reverse Calls remembered for their Replies */

/* How the peer accepts (SC_SET_ACCEPT's param) */
enum accept_mode {
	AM_DEFAULT,		/* as the command line says */
	AM_RFC8797,		/* 4 KiB each way */
	AM_NONE,		/* no private data */
	AM_BAD_MAGIC,
	AM_BAD_VERSION,
	AM_1K,			/* 1 KiB each way */
	AM_256K,		/* 256 KiB each way */
	AM_COUNT
};

#define RDMA_MSG	0
#define RDMA_NOMSG	1
#define RDMA_ERROR	4
#define ERR_VERS	1
#define ERR_CHUNK	2

#define BUF_SIZE	4096
#define NUM_RECV	64
#define NUM_SEND	64
#define DATA_SIZE	(256 * 1024)	/* each of the Read and Write areas */
#define MAX_SEGS	16
#define MAX_XIDS	16384
#define READ_WRID	0xfeedULL
#define PEER_TRAILER	0x7e57ab1eu
#define ARG_SALT	0x41
#define RES_SALT	0x52

struct seg {
	__u32 handle;
	__u32 length;
	__u64 offset;
	__u32 position;		/* Read segments only */
};

/* What a Call's transport header says */
struct call_hdr {
	__u32 xid;		/* as on the wire */
	__u32 vers, credits, proc;
	unsigned int nread, nwrite, nreply;
	int has_write, has_reply;
	struct seg read[MAX_SEGS], write[MAX_SEGS], reply[MAX_SEGS];
	size_t hdrlen;
};

/* The RPC Call, reassembled */
struct rpc_args {
	__u32 proc, param, res_len, arg_len;
	int args_ok;
	int no_trailer;		/* the result ends with its data, as a READ */
};

/* In res_len: no trailer after the result's data */
#define PEER_NO_TRAILER	0x80000000u

struct conn {
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_comp_channel *chan;
	struct ibv_cq *rcq;	/* Receives: event driven */
	struct ibv_cq *scq;	/* Sends, Reads, Writes: polled */
	struct ibv_mr *mr;
	__u8 *bufs;		/* Receives, Sends, Read area, Write area */
	unsigned int next_send;
	unsigned int rd_depth;	/* RDMA Reads we may have outstanding */
	/* credit accounting */
	unsigned long received, replied;
	__u32 max_grant;	/* 0 until the first reply */
	unsigned int gen;	/* connection number */
	int hold_armed;
	struct timespec hold_deadline;
	int delayed;		/* the first Calls had time to arrive */
};

struct xid_rec {
	__u32 xid;
	unsigned int proc;
	unsigned int xmits, conns;
	unsigned int gen;	/* connection of the latest transmission */
	unsigned int pending;	/* transmissions on gen not yet answered */
};

static struct xid_rec xids[MAX_XIDS];
static unsigned int nxids;
static __u32 last_xid[SC_COUNT];
static int have_last[SC_COUNT];

static __u32 credits = 16;
static int no_private;
static int no_inv_flag;
static int verbose;
static enum accept_mode accept_mode = AM_DEFAULT;
static unsigned int reject_left;
static unsigned int conn_gen;
static unsigned int hold_gen;	/* the connection SC_HOLD holds Calls on */
static __u32 stats[ST_COUNT];

/* A reverse Call sent, awaiting its Reply */
struct bc_rec {
	__u32 xid;		/* as on the wire */
	__u32 arg;		/* BCK_ECHO's word; its Reply has it XORed */
	int echo;		/* the Reply carries a result word */
	int answered;
};

static struct bc_rec bc_recs[BC_RECS];
static unsigned int bc_nrecs;	/* total sent; bc_recs is a ring */
static __u32 bc_next_xid = 0xbc000000;
static unsigned long served[SC_COUNT];
static const char usage[] =
	"usage: rdma-peer [-a ADDR] [-p PORT] [-c CREDITS] [-n] [-q] [-r] [-v]";

static void die(const char *what)
{
	fprintf(stderr, "rdma-peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static __u8 pattern(__u32 xid, unsigned int salt, size_t i)
{
	return (__u8)(xid * 7 + salt + i * 13 + (i >> 9));
}

static __u8 *recv_buf(struct conn *c, unsigned int i)
{
	return c->bufs + (size_t)i * BUF_SIZE;
}

static __u8 *read_area(struct conn *c)
{
	return recv_buf(c, NUM_RECV + NUM_SEND);
}

static __u8 *write_area(struct conn *c)
{
	return read_area(c) + DATA_SIZE;
}

static int post_recv(struct conn *c, unsigned int i)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)recv_buf(c, i),
		.length = BUF_SIZE,
		.lkey = c->mr->lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };
	struct ibv_recv_wr *bad;

	return ibv_post_recv(c->id->qp, &wr, &bad);
}

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Reap Send Queue completions; with @want, until that wr_id completes
 * (5 s at most).  Returns non-zero if the connection broke.
 */
static int reap_sq(struct conn *c, int wait, __u64 want)
{
	struct timespec t0;
	struct ibv_wc wc[16];
	int n, i, found = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		n = ibv_poll_cq(c->scq, 16, wc);
		if (n < 0)
			return 1;
		for (i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS) {
				fprintf(stderr, "rdma-peer: send queue wr %llu: %s\n",
					(unsigned long long)wc[i].wr_id,
					ibv_wc_status_str(wc[i].status));
				/* RDMA Reads, and Writes (wr_id 0) */
				if (wc[i].wr_id == READ_WRID || !wc[i].wr_id)
					stats[ST_RDMA_ERRORS]++;
				return 1;
			}
			if (wc[i].wr_id == want)
				found = 1;
		}
		if (!wait || found)
			return 0;
		if (!n) {
			if (since(&t0) > 5.0) {
				fprintf(stderr, "rdma-peer: wr %llu never completed\n",
					(unsigned long long)want);
				return 1;
			}
			sched_yield();
		}
	}
}

/* RDMA Read @nsegs segments into the Read area, in order; 0 or broken. */
static int rdma_read(struct conn *c, const struct seg *segs,
		     unsigned int nsegs, size_t *len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < nsegs; i++) {
		struct ibv_sge sge = {
			.addr = (uintptr_t)(read_area(c) + done),
			.length = segs[i].length,
			.lkey = c->mr->lkey,
		};
		struct ibv_send_wr wr = {
			.wr_id = READ_WRID,
			.sg_list = &sge,
			.num_sge = 1,
			.opcode = IBV_WR_RDMA_READ,
			.send_flags = IBV_SEND_SIGNALED,
		};
		struct ibv_send_wr *bad;
		int err;

		if (done + segs[i].length > DATA_SIZE)
			return 1;
		if (!segs[i].length)
			continue;
		wr.wr.rdma.remote_addr = segs[i].offset;
		wr.wr.rdma.rkey = segs[i].handle;
		/* one at a time: never more than rd_depth (>= 1) outstanding */
		err = ibv_post_send(c->id->qp, &wr, &bad);
		if (err) {
			fprintf(stderr, "rdma-peer: post RDMA Read: %s\n",
				strerror(err));
			stats[ST_RDMA_ERRORS]++;
			return 1;
		}
		if (reap_sq(c, 1, READ_WRID))
			return 1;
		done += segs[i].length;
	}
	*len = done;
	return 0;
}

/*
 * Post RDMA Writes of @len bytes at @src into @segs (unsignaled; the
 * Send that follows on this QP reports them).  The lengths actually
 * written go to @wrote.  Returns non-zero if the connection broke.
 */
static int rdma_write(struct conn *c, const __u8 *src, size_t len,
		      const struct seg *segs, unsigned int nsegs,
		      __u32 *wrote)
{
	unsigned int i;

	for (i = 0; i < nsegs; i++) {
		__u32 n = len < segs[i].length ? (__u32)len : segs[i].length;
		struct ibv_sge sge = {
			.addr = (uintptr_t)src,
			.length = n,
			.lkey = c->mr->lkey,
		};
		struct ibv_send_wr wr = {
			.wr_id = 0,
			.sg_list = &sge,
			.num_sge = 1,
			.opcode = IBV_WR_RDMA_WRITE,
		};
		struct ibv_send_wr *bad;
		int err;

		wrote[i] = n;
		if (!n)
			continue;
		wr.wr.rdma.remote_addr = segs[i].offset;
		wr.wr.rdma.rkey = segs[i].handle;
		err = ibv_post_send(c->id->qp, &wr, &bad);
		if (err) {
			fprintf(stderr, "rdma-peer: post RDMA Write: %s\n",
				strerror(err));
			stats[ST_RDMA_ERRORS]++;
			return 1;
		}
		src += n;
		len -= n;
	}
	return 0;
}

/* Post @len bytes of @msg as a Send; with @inv, as Send With Invalidate. */
static int post_send(struct conn *c, const __u32 *msg, size_t len,
		     int inv, __u32 rkey)
{
	unsigned int slot = c->next_send++ % NUM_SEND;
	__u8 *buf = recv_buf(c, NUM_RECV + slot);
	struct ibv_sge sge = {
		.addr = (uintptr_t)buf,
		.length = (__u32)len,
		.lkey = c->mr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = NUM_RECV + slot,
		.sg_list = &sge,
		.num_sge = 1,
		.opcode = inv ? IBV_WR_SEND_WITH_INV : IBV_WR_SEND,
		.send_flags = IBV_SEND_SIGNALED,
	};
	struct ibv_send_wr *bad;
	int err;

	if (len > BUF_SIZE)
		return 1;
	memcpy(buf, msg, len);
	if (inv)
		wr.invalidate_rkey = rkey;
	err = ibv_post_send(c->id->qp, &wr, &bad);
	if (err)
		fprintf(stderr, "rdma-peer: ibv_post_send: %s\n", strerror(err));
	return err;
}

/* ---- the Call's transport header ---- */

struct xdr {
	const __u8 *p, *end;
	int bad;
};

static __u32 get32(struct xdr *x)
{
	__u32 v;

	if (x->end - x->p < 4) {
		x->bad = 1;
		return 0;
	}
	memcpy(&v, x->p, 4);
	x->p += 4;
	return ntohl(v);
}

static void get_seg(struct xdr *x, struct seg *s)
{
	__u64 hi, lo;

	s->handle = get32(x);
	s->length = get32(x);
	hi = get32(x);
	lo = get32(x);
	s->offset = hi << 32 | lo;
}

/* Parse a Call's header; returns 0, or -1 when it is malformed. */
static int parse_call_hdr(const __u8 *buf, size_t len, struct call_hdr *h)
{
	struct xdr x = { buf, buf + len, 0 };
	struct seg s;
	__u32 n, i;

	memset(h, 0, sizeof(*h));
	memcpy(&h->xid, buf, len < 4 ? len : 4);
	get32(&x);
	h->vers = get32(&x);
	h->credits = get32(&x);
	h->proc = get32(&x);
	/* Read list: { 1, position, segment }* 0 */
	while (!x.bad && get32(&x) == 1) {
		s.position = get32(&x);
		get_seg(&x, &s);
		if (h->nread == MAX_SEGS)
			return -1;
		h->read[h->nread++] = s;
	}
	/* Write list: { 1, count, segment[count] }* 0; we use the first */
	while (!x.bad && get32(&x) == 1) {
		n = get32(&x);
		if (n > MAX_SEGS)
			return -1;
		for (i = 0; i < n; i++) {
			get_seg(&x, &s);
			if (!h->has_write)
				h->write[h->nwrite++] = s;
		}
		h->has_write = 1;
	}
	/* Reply chunk: 0 | 1, count, segment[count] */
	if (!x.bad && get32(&x) == 1) {
		n = get32(&x);
		if (n > MAX_SEGS)
			return -1;
		for (i = 0; i < n; i++)
			get_seg(&x, &h->reply[i]);
		h->nreply = n;
		h->has_reply = 1;
	}
	h->hdrlen = (size_t)(x.p - buf);
	return x.bad ? -1 : 0;
}

/*
 * Rebuild the RPC Call in @msg: for a Long Call, the position-zero Read
 * chunk; otherwise the inline part with each Read chunk's data (and its
 * XDR pad, which neither carries) inserted at its position.  Returns the
 * length, or -1 (malformed) or -2 (broken connection).
 */
static long reassemble(struct conn *c, const struct call_hdr *h,
		       const __u8 *in, size_t inlen, __u8 *msg, size_t max)
{
	size_t got, pos, pad;

	if (!h->nread) {
		if (inlen > max)
			return -1;
		memcpy(msg, in, inlen);
		return (long)inlen;
	}
	/* One Read chunk: all its segments share a position. */
	pos = h->read[0].position;
	if (rdma_read(c, h->read, h->nread, &got))
		return -2;
	if (h->proc == RDMA_NOMSG) {
		if (pos || got > max)
			return -1;
		memcpy(msg, read_area(c), got);
		return (long)got;
	}
	pad = (4 - (got & 3)) & 3;
	if (pos > inlen || pos & 3 || inlen + got + pad > max)
		return -1;
	memcpy(msg, in, pos);
	memcpy(msg + pos, read_area(c), got);
	memset(msg + pos + got, 0, pad);
	memcpy(msg + pos + got + pad, in + pos, inlen - pos);
	return (long)(inlen + got + pad);
}

/*
 * The RPC Call: xid, CALL, rpcvers 2, prog, vers, proc, cred, verf, then
 * our arguments: param, res_len, opaque data<>, trailer.
 */
static int parse_rpc(const __u8 *msg, size_t len, __u32 xid,
		     struct rpc_args *a)
{
	struct xdr x = { msg, msg + len, 0 };
	__u32 n, i;

	memset(a, 0, sizeof(*a));
	get32(&x);
	if (get32(&x) != 0 || get32(&x) != 2)
		return -1;
	get32(&x);
	get32(&x);
	a->proc = get32(&x);
	for (i = 0; i < 2; i++) {	/* cred, verf */
		get32(&x);
		n = get32(&x);
		if (x.bad || n > 400 || (size_t)(x.end - x.p) < n)
			return -1;
		x.p += (n + 3) & ~3u;
	}
	a->param = get32(&x);
	a->res_len = get32(&x);
	a->no_trailer = !!(a->res_len & PEER_NO_TRAILER);
	a->res_len &= ~PEER_NO_TRAILER;
	a->arg_len = get32(&x);
	if (x.bad || (size_t)(x.end - x.p) < a->arg_len)
		return -1;
	a->args_ok = 1;
	for (i = 0; i < a->arg_len; i++)
		if (x.p[i] != pattern(ntohl(xid), ARG_SALT, i)) {
			fprintf(stderr, "rdma-peer: xid 0x%08x: argument byte %u is 0x%02x\n",
				ntohl(xid), i, x.p[i]);
			a->args_ok = 0;
			break;
		}
	x.p += (a->arg_len + 3) & ~3u;
	if (get32(&x) != PEER_TRAILER) {
		fprintf(stderr, "rdma-peer: xid 0x%08x: bad argument trailer\n",
			ntohl(xid));
		a->args_ok = 0;
	}
	if (a->res_len > DATA_SIZE / 4)
		return -1;
	return x.bad ? -1 : 0;
}

/* ---- replies ---- */

struct out {
	__u32 *w;
	size_t n;
};

static void put32(struct out *o, __u32 v)
{
	o->w[o->n++] = htonl(v);
}

static void put_seg(struct out *o, const struct seg *s, __u32 len)
{
	put32(o, s->handle);
	put32(o, len);
	put32(o, (__u32)(s->offset >> 32));
	put32(o, (__u32)s->offset);
}

/*
 * The RPC Reply for @a into @dst (bytes): accepted, AUTH_NONE, SUCCESS,
 * then flag (0: arguments verified), opaque data<>, trailer.  With
 * @skip_data the data item (and its pad) is left out, as it travels in a
 * Write chunk.  Returns the length.
 */
static size_t build_rpc_reply(__u8 *dst, __u32 xid, const struct rpc_args *a,
			      int skip_data)
{
	struct out o = { (__u32 *)dst, 0 };
	__u32 i, len = a->res_len;

	o.w[o.n++] = xid;
	put32(&o, 1);		/* REPLY */
	put32(&o, 0);		/* MSG_ACCEPTED */
	put32(&o, 0);		/* AUTH_NONE */
	put32(&o, 0);		/* verifier length */
	put32(&o, 0);		/* SUCCESS */
	if (a->proc % STICKY == SC_STATUS) {
		struct xid_rec *r = NULL;

		for (i = 0; i < nxids && a->param < SC_COUNT; i++)
			if (have_last[a->param] &&
			    xids[i].xid == last_xid[a->param])
				r = &xids[i];
		stats[ST_XMITS] = r ? r->xmits : 0;
		stats[ST_XMIT_CONNS] = r ? r->conns : 0;
		put32(&o, 0);
		put32(&o, ST_COUNT);
		for (i = 0; i < ST_COUNT; i++)
			put32(&o, stats[i]);
		return o.n * 4;
	}
	put32(&o, a->args_ok ? 0 : 1);
	put32(&o, len);
	if (!skip_data) {
		__u8 *d = (__u8 *)(o.w + o.n);

		for (i = 0; i < len; i++)
			d[i] = pattern(ntohl(xid), RES_SALT, i);
		for (; i & 3; i++)
			d[i] = 0;
		o.n += i / 4;
	}
	if (!a->no_trailer)
		put32(&o, PEER_TRAILER ^ len);
	return o.n * 4;
}

/* A reply answers one pending transmission; a duplicate, none. */
static void record_reply(struct conn *c, __u32 grant, struct xid_rec *r)
{
	if (r && r->pending) {
		r->pending--;
		c->replied++;
	}
	if (grant > c->max_grant)
		c->max_grant = grant;
}

/*
 * Answer Call @h (RPC @a, or none when @a is NULL) as @sc says: RDMA
 * Writes first, then the Send.  Returns 0, 1 to disconnect now, or -1
 * when the connection broke.
 */
static int reply(struct conn *c, enum scenario sc, const struct call_hdr *h,
		 const struct rpc_args *a, struct xid_rec *r)
{
	static __u32 m[BUF_SIZE / 4];
	__u32 wrote[MAX_SEGS] = { 0 }, grant = credits, param = a ? a->param : 0;
	struct out o = { m, 0 };
	__u8 *rpcb = write_area(c) + DATA_SIZE / 2;
	size_t rpclen = 0, cut;
	int use_write = 0, use_reply = 0, nomsg = 0, inv = 0;
	unsigned int i, nw = h->nwrite;
	__u32 inv_rkey = 0;

	if (sc == SC_CREDITS)
		grant = param;
	if (sc == SC_SET_CREDITS) {
		credits = param;
		grant = param;
	}
	/* The RPC Reply and where it goes */
	if (a) {
		use_write = h->has_write && nw && sc != SC_WRITE_LIST;
		use_reply = !use_write && h->has_reply && h->nreply;
		if (use_write) {
			__u8 *d = write_area(c);
			size_t len = a->res_len;

			for (i = 0; i < len; i++)
				d[i] = pattern(ntohl(h->xid), RES_SALT, i);
			if (sc == SC_CLAIM_MORE)
				len /= 2;
			if (rdma_write(c, d, len, h->write, nw, wrote))
				return -1;
			if (sc == SC_CLAIM_MORE)
				for (i = 0; i < nw; i++)
					wrote[i] = h->write[i].length <
						   a->res_len ?
						   h->write[i].length :
						   a->res_len;
		}
		rpclen = build_rpc_reply(rpcb, h->xid, a, use_write);
		if (use_reply) {
			size_t len = rpclen;

			if (sc == SC_SHORT_NOMSG)
				len = 12;
			if (rdma_write(c, rpcb, len, h->reply,
				       h->nreply, wrote))
				return -1;
			rpclen = 0;
			for (i = 0; i < h->nreply; i++)
				rpclen += wrote[i];
			if (rpclen < len)
				fprintf(stderr, "rdma-peer: xid 0x%08x: Reply chunk too short\n",
					ntohl(h->xid));
			nomsg = 1;
		}
	}
	/* The transport header */
	o.w[o.n++] = h->xid;
	put32(&o, sc == SC_BAD_VERS ? 2 : 1);
	put32(&o, grant);
	if (sc == SC_ERR_VERS || sc == SC_ERR_CHUNK || sc == SC_BAD_ERRCODE ||
	    !a) {
		put32(&o, RDMA_ERROR);
		if (sc == SC_ERR_VERS) {
			put32(&o, ERR_VERS);
			put32(&o, 1);	/* lowest version supported */
			put32(&o, 1);	/* highest */
		} else {
			put32(&o, sc == SC_BAD_ERRCODE ? 99 : ERR_CHUNK);
		}
		record_reply(c, grant, r);
		return post_send(c, m, o.n * 4, 0, 0) ? -1 : 0;
	}
	if (sc == SC_BAD_PROC)
		put32(&o, 7);
	else if (sc == SC_NOMSG || nomsg || sc == SC_SHORT_NOMSG)
		put32(&o, RDMA_NOMSG);
	else
		put32(&o, RDMA_MSG);
	/* Read list */
	if (sc == SC_READ_LIST) {
		put32(&o, 1);
		put32(&o, 0);		/* position */
		put32(&o, 0x1234);	/* handle */
		put32(&o, 512);		/* length */
		put32(&o, 0);		/* offset, 64 bits */
		put32(&o, 0x10000);
	}
	put32(&o, sc == SC_BAD_LIST ? 2 : 0);
	/* Write list */
	if (sc == SC_WRITE_LIST) {
		put32(&o, 1);
		put32(&o, 1);		/* one segment */
		put32(&o, 0x5678);
		put32(&o, 4096);
		put32(&o, 0);
		put32(&o, 0x20000);
	} else if (use_write) {
		put32(&o, 1);
		put32(&o, sc == SC_SEG_COUNT ? param : nw);
		for (i = 0; i < nw && !(sc == SC_SEG_COUNT && i >= param);
		     i++) {
			struct seg s = h->write[i];

			if (sc == SC_BAD_HANDLE)
				s.handle ^= 0x5a5a5a00;
			if (sc == SC_SEG_OVER)
				wrote[i] = s.length + param;
			put_seg(&o, &s, wrote[i]);
		}
	}
	put32(&o, 0);
	/* Reply chunk */
	if (sc == SC_REPLY_CHUNK) {
		put32(&o, 1);
		put32(&o, 1);
		put32(&o, 0x9abc);
		put32(&o, 4096);
		put32(&o, 0);
		put32(&o, 0x30000);
	} else if (use_reply) {
		put32(&o, 1);
		put32(&o, h->nreply);
		for (i = 0; i < h->nreply; i++)
			put_seg(&o, &h->reply[i], wrote[i] +
				(sc == SC_REPLY_OVER ? param : 0));
	} else {
		put32(&o, 0);
	}
	/* The inline part */
	if (!nomsg && sc != SC_NOMSG && sc != SC_HDR_ONLY) {
		if (sc == SC_SHORT_RPC)
			rpclen = 12;
		if (o.n * 4 + rpclen > BUF_SIZE) {
			fprintf(stderr, "rdma-peer: xid 0x%08x: a %zu-byte Reply needs a chunk\n",
				ntohl(h->xid), rpclen);
			return reply(c, SC_ERR_CHUNK, h, NULL, r);
		}
		memcpy(o.w + o.n, rpcb, rpclen);
		o.n += rpclen / 4;
	}
	if (sc == SC_SEND_INV) {
		inv = 1;
		inv_rkey = (__u32)random() | 0x80000000u;
		if (!param && use_write)
			inv_rkey = h->write[0].handle;
		else if (!param && use_reply)
			inv_rkey = h->reply[0].handle;
	}
	record_reply(c, grant, r);
	switch (sc) {
	case SC_TRUNC:
		cut = param < o.n * 4 ? param : o.n * 4;
		return post_send(c, m, cut, 0, 0) ? -1 : 0;
	case SC_BAD_XID:
		m[0] = h->xid ^ htonl(0x5a5a5a5a);
		if (post_send(c, m, o.n * 4, 0, 0))
			return -1;
		m[0] = h->xid;
		break;
	case SC_DUP:
		if (post_send(c, m, o.n * 4, 0, 0))
			return -1;
		break;
	default:
		break;
	}
	if (post_send(c, m, o.n * 4, inv, inv_rkey))
		return -1;
	switch (sc) {
	case SC_DISC_AFTER:
	case SC_REJECT:
	case SC_SET_ACCEPT:
		/* let the Send finish before the QP goes */
		return reap_sq(c, 1, NUM_RECV + (c->next_send - 1) % NUM_SEND) ?
		       -1 : 1;
	default:
		return 0;
	}
}

/* ---- reverse direction (RFC 8167) ---- */

/* One dummy segment, for a chunk list a reverse Call must not carry */
static void put_bc_seg(struct out *o, __u32 handle)
{
	put32(o, handle);
	put32(o, 512);		/* length */
	put32(o, 0);		/* offset, high word */
	put32(o, 0x40000);	/* offset, low word */
}

/*
 * Send one reverse Call of @kind; @fwd_xid is the forward Call's, for
 * BCK_SAME_XID.  Returns 0, or non-zero if the connection broke.
 */
static int bc_send_one(struct conn *c, enum bc_kind kind, __u32 fwd_xid)
{
	static __u32 m[BUF_SIZE / 4];
	struct out o = { m, 0 };
	int echo = kind == BCK_ECHO || kind == BCK_LONG || kind == BCK_MAX;
	__u32 xid = kind == BCK_SAME_XID ? fwd_xid : htonl(bc_next_xid++);
	struct bc_rec *rec = &bc_recs[bc_nrecs++ % BC_RECS];
	size_t rpc, want = 0;

	/* transport header: RDMA_MSG */
	o.w[o.n++] = xid;
	put32(&o, 1);			/* rdma_vers */
	put32(&o, BC_CREDITS);		/* rdma_credit */
	put32(&o, RDMA_MSG);
	if (kind == BCK_READ_LIST) {
		put32(&o, 1);		/* a Read segment follows */
		put32(&o, 40);		/* position */
		put_bc_seg(&o, 0xbc01);
	}
	put32(&o, 0);			/* Read list: end */
	if (kind == BCK_WRITE_LIST) {
		put32(&o, 1);		/* a Write chunk follows */
		put32(&o, 1);		/* one segment */
		put_bc_seg(&o, 0xbc02);
	}
	put32(&o, 0);			/* Write list: end */
	if (kind == BCK_REPLY_CHUNK) {
		put32(&o, 1);		/* Reply chunk: present */
		put32(&o, 1);		/* one segment */
		put_bc_seg(&o, 0xbc03);
	} else {
		put32(&o, 0);		/* Reply chunk: absent */
	}
	/* RPC Call (RFC 5531 §9) */
	rpc = o.n;
	o.w[o.n++] = xid;
	put32(&o, 0);			/* CALL */
	put32(&o, 2);			/* rpcvers */
	put32(&o, BC_PROGRAM);
	put32(&o, 1);			/* vers */
	put32(&o, echo ? 1 : 0);	/* proc */
	if (kind != BCK_SHORT) {
		put32(&o, 0);		/* cred: AUTH_NONE */
		put32(&o, 0);
		put32(&o, 0);		/* verf: AUTH_NONE */
		put32(&o, 0);
	}
	memset(rec, 0, sizeof(*rec));
	rec->xid = xid;
	rec->echo = echo;
	if (echo) {
		rec->arg = ntohl(xid) ^ 0x5a5a5a5au;
		put32(&o, rec->arg);
	}
	if (kind == BCK_LONG)
		want = BC_MAXPAYLOAD + 4;
	if (kind == BCK_MAX)
		want = BC_MAXPAYLOAD;
	while ((o.n - rpc) * 4 < want)
		put32(&o, 0);		/* filler the procedure ignores */
	stats[ST_BC_SENT]++;
	if (verbose)
		printf("rdma-peer: %u: reverse Call xid 0x%08x kind %u, %zu bytes of RPC\n",
		       c->gen, ntohl(xid), kind, (o.n - rpc) * 4);
	return post_send(c, m, o.n * 4, 0, 0);
}

static int bc_send(struct conn *c, enum bc_kind kind, unsigned int n,
		   __u32 fwd_xid)
{
	while (n--)
		if (bc_send_one(c, kind, fwd_xid))
			return 1;
	return 0;
}

/*
 * SC_BC_CALLS: reverse Calls before the Reply, after it, or around it,
 * then the well-formed Reply.  0, or -1 when the connection broke.
 */
static int bc_calls_and_reply(struct conn *c, const struct call_hdr *h,
			      const struct rpc_args *a, struct xid_rec *r)
{
	enum bc_kind kind = a->param & BC_KIND_MASK;
	unsigned int n = (a->param >> BC_COUNT_SHIFT) & BC_COUNT_MASK;
	unsigned int before = n;
	int rc;

	if (kind >= BCK_COUNT)
		kind = BCK_NULL;
	if (a->param & BC_AFTER)
		before = 0;
	else if (a->param & BC_AROUND)
		before = (n + 1) / 2;
	if (bc_send(c, kind, before, h->xid))
		return -1;
	rc = reply(c, SC_GOOD, h, a, r);
	if (rc)
		return rc;
	return bc_send(c, kind, n - before, h->xid) ? -1 : 0;
}

/* Is this message a reverse Reply: RDMA_MSG whose RPC msg_type is REPLY? */
static int is_bc_reply(const __u8 *buf, __u32 len)
{
	struct call_hdr h;
	__u32 type;

	if (len < 16 || parse_call_hdr(buf, len, &h) || h.proc != RDMA_MSG ||
	    len < h.hdrlen + 8)
		return 0;
	memcpy(&type, buf + h.hdrlen + 4, 4);
	return ntohl(type) == 1;
}

/*
 * Check a reverse Reply: chunkless RDMA_MSG with the Call's XID,
 * accepted with an AUTH_NONE verifier, SUCCESS, and for an ECHO Call
 * the word echoed.  Counts it good or bad; never a Call.
 */
static void bc_reply_in(struct conn *c, const __u8 *buf, __u32 len)
{
	static const __u32 head[] = { 1, 0, 0, 0, 0 };	/* REPLY .. SUCCESS */
	struct bc_rec *rec = NULL;
	struct call_hdr h;
	const char *why = NULL;
	__u32 w[7] = { 0 };
	unsigned int i, n;

	parse_call_hdr(buf, len, &h);
	n = (len - h.hdrlen) / 4 < 7 ? (len - h.hdrlen) / 4 : 7;
	memcpy(w, buf + h.hdrlen, n * 4);
	for (i = 0; i < BC_RECS && i < bc_nrecs; i++)
		if (bc_recs[i].xid == w[0] && !bc_recs[i].answered)
			rec = &bc_recs[i];
	stats[ST_BC_CREDITS] = h.credits;
	if (!rec)
		why = "no reverse Call of this XID awaits a Reply";
	else if (h.xid != w[0])
		why = "rdma_xid is not the RPC XID";
	else if (h.vers != 1 || h.nread || h.has_write || h.has_reply)
		why = "not a chunkless version 1 header";
	else if (len != h.hdrlen + (rec->echo ? 7 : 6) * 4)
		why = "wrong length";
	for (i = 0; !why && i < 5; i++)
		if (ntohl(w[i + 1]) != head[i])
			why = "not an accepted, successful Reply";
	if (!why && rec->echo && ntohl(w[6]) != (rec->arg ^ BC_ECHO_MASK))
		why = "the echoed word is wrong";
	if (why) {
		stats[ST_BC_BAD_REPLIES]++;
		printf("rdma-peer: %u: bad reverse Reply xid 0x%08x (%u bytes): %s\n",
		       c->gen, ntohl(w[0]), len, why);
		return;
	}
	rec->answered = 1;
	stats[ST_BC_REPLIES]++;
	if (verbose)
		printf("rdma-peer: %u: reverse Reply xid 0x%08x, credits %u\n",
		       c->gen, ntohl(w[0]), h.credits);
}

/* Find or add the record of @xid; NULL when the table is full. */
static struct xid_rec *xid_find(__u32 xid, int *seen)
{
	unsigned int i;

	for (i = nxids; i-- > 0;)
		if (xids[i].xid == xid) {
			*seen = 1;
			return &xids[i];
		}
	*seen = 0;
	if (nxids == MAX_XIDS)
		return NULL;
	memset(&xids[nxids], 0, sizeof(xids[0]));
	xids[nxids].xid = xid;
	return &xids[nxids++];
}

/* Credit and retransmission checks for one arriving Call. */
static void account_call(struct conn *c, __u32 xid, struct xid_rec *r,
			 int seen)
{
	__u32 limit = c->max_grant ? c->max_grant : 1;
	unsigned long outstanding;

	stats[ST_CALLS]++;
	c->received++;
	outstanding = c->received - c->replied;
	if (outstanding > limit) {
		stats[ST_OVERRUNS]++;
		printf("rdma-peer: credit overrun: xid 0x%08x makes %lu outstanding, limit %u\n",
		       ntohl(xid), outstanding, limit);
	}
	if (!r)
		return;
	if (seen && r->gen == c->gen) {
		if (!r->pending) {
			stats[ST_RETRANS_ANSWERED]++;
		} else {
			stats[ST_RETRANS_UNANSWERED]++;
			printf("rdma-peer: retransmission on the same connection: xid 0x%08x\n",
			       ntohl(xid));
		}
	}
	if (!seen || r->gen != c->gen)
		r->conns++;
	if (r->gen != c->gen)
		r->pending = 0;
	r->gen = c->gen;
	r->pending++;
	r->xmits++;
}

/* Account for a Call as it arrives, before any is answered. */
static struct xid_rec *arrive(struct conn *c, const __u8 *buf, __u32 len,
			      int *seen)
{
	struct xid_rec *r;
	__u32 xid;

	*seen = 0;
	if (len < 4)
		return NULL;
	memcpy(&xid, buf, 4);
	r = xid_find(xid, seen);
	account_call(c, xid, r, *seen);
	return r;
}

/*
 * Handle one received Call, accounted for by arrive() as @r and @seen:
 * 0, 1 to disconnect now, -1 broken.
 */
static int handle_call(struct conn *c, const __u8 *buf, __u32 len,
		       struct xid_rec *r, int seen)
{
	static __u8 msg[DATA_SIZE + BUF_SIZE];
	struct call_hdr h;
	struct rpc_args a;
	enum scenario sc;
	int again;
	long mlen;

	if (reap_sq(c, 0, 0))
		return -1;
	if (len < 16) {
		fprintf(stderr, "rdma-peer: short Call (%u bytes) ignored\n", len);
		stats[ST_BAD_CALLS]++;
		return 0;
	}
	if (parse_call_hdr(buf, len, &h) || h.vers != 1 ||
	    (h.proc != RDMA_MSG && h.proc != RDMA_NOMSG)) {
		fprintf(stderr, "rdma-peer: unsupported Call (vers %u proc %u)\n",
			h.vers, h.proc);
		stats[ST_BAD_CALLS]++;
		return reply(c, SC_ERR_CHUNK, &h, NULL, r);
	}
	if (h.nread && h.proc == RDMA_NOMSG)
		stats[ST_LONG_CALLS]++;
	else if (h.nread)
		stats[ST_READ_CHUNKS]++;
	if (h.has_write)
		stats[ST_WRITE_CHUNKS]++;
	if (h.has_reply)
		stats[ST_REPLY_CHUNKS]++;
	mlen = reassemble(c, &h, buf + h.hdrlen, len - h.hdrlen, msg,
			  sizeof(msg));
	if (mlen == -2)
		return -1;
	if (mlen < 0 || parse_rpc(msg, (size_t)mlen, h.xid, &a)) {
		fprintf(stderr, "rdma-peer: xid 0x%08x: malformed Call\n",
			ntohl(h.xid));
		stats[ST_BAD_CALLS]++;
		return reply(c, SC_ERR_CHUNK, &h, NULL, r);
	}
	if (!a.args_ok)
		stats[ST_BAD_CALLS]++;
	sc = a.proc % STICKY < SC_COUNT ? (enum scenario)(a.proc % STICKY) :
	     SC_GOOD;
	if (r)
		r->proc = sc;
	if (!seen) {
		last_xid[sc] = h.xid;
		have_last[sc] = 1;
	}
	again = seen && r && r->xmits > 1;
	if (verbose)
		printf("rdma-peer: %u: xid 0x%08x %u %s%s (%u): r%u@%u w%u rc%u %u/%u%s\n",
		       c->gen, ntohl(h.xid), a.proc, scenario_name[sc],
		       again ? " again" : "", a.param, h.nread,
		       h.nread ? h.read[0].position : 0, h.nwrite, h.nreply,
		       a.arg_len, a.res_len, a.args_ok ? "" : " BAD ARGS");
	if (again && a.proc < STICKY && sc != SC_STATUS)
		sc = SC_GOOD;
	if (sc == SC_SEG_COUNT && !a.param)
		a.res_len = 0;	/* an empty Write chunk: nothing written */
	served[sc]++;
	switch (sc) {
	case SC_NO_REPLY:
		return 0;
	case SC_HOLD:
		/* Only on one connection: then the Calls can complete. */
		if (hold_gen && hold_gen != c->gen)
			break;
		hold_gen = c->gen;
		if (!c->hold_armed) {
			c->hold_armed = 1;
			clock_gettime(CLOCK_MONOTONIC, &c->hold_deadline);
		}
		return 0;
	case SC_DISC_BEFORE:
		return 1;
	case SC_REJECT:
		reject_left = a.param;
		break;
	case SC_SET_ACCEPT:
		accept_mode = a.param < AM_COUNT ? a.param : AM_DEFAULT;
		break;
	case SC_BC_CALLS:
		return bc_calls_and_reply(c, &h, &a, r);
	default:
		break;
	}
	return reply(c, sc, &h, &a, r);
}

/*
 * Drain the Receive CQ: every Call that has arrived is accounted for
 * before any is answered, so a burst beyond the credit limit shows.
 * Returns 0, 1 to disconnect, -1 broken.
 */
static int drain_cq(struct conn *c)
{
	static struct ibv_wc wc[NUM_RECV];
	static struct xid_rec *rec[NUM_RECV];
	static int seen[NUM_RECV], bc[NUM_RECV];
	int n = 0, got, i, rc = 0;

	do {
		got = ibv_poll_cq(c->rcq, NUM_RECV - n, wc + n);
		if (got < 0)
			return -1;
		n += got;
	} while (got && n < NUM_RECV);
	for (i = 0; i < n; i++) {
		if (wc[i].status != IBV_WC_SUCCESS) {
			if (wc[i].status != IBV_WC_WR_FLUSH_ERR)
				fprintf(stderr, "rdma-peer: completion wr %lu: %s\n",
					(unsigned long)wc[i].wr_id,
					ibv_wc_status_str(wc[i].status));
			return -1;
		}
		/* a reverse Reply is no Call: not held against credits */
		bc[i] = is_bc_reply(recv_buf(c, wc[i].wr_id), wc[i].byte_len);
		if (!bc[i])
			rec[i] = arrive(c, recv_buf(c, wc[i].wr_id),
					wc[i].byte_len, &seen[i]);
	}
	for (i = 0; i < n && !rc; i++) {
		if (bc[i])
			bc_reply_in(c, recv_buf(c, wc[i].wr_id),
				    wc[i].byte_len);
		else
			rc = handle_call(c, recv_buf(c, wc[i].wr_id),
					 wc[i].byte_len, rec[i], seen[i]);
		if (rc < 0)
			return rc;
		if (post_recv(c, wc[i].wr_id))
			return -1;
	}
	return n == NUM_RECV && !rc ? drain_cq(c) : rc;
}

/* Release everything but the cm_id. */
static void conn_release(struct conn *c)
{
	if (c->id && c->id->qp)
		rdma_destroy_qp(c->id);
	if (c->mr)
		ibv_dereg_mr(c->mr);
	if (c->rcq)
		ibv_destroy_cq(c->rcq);
	if (c->scq)
		ibv_destroy_cq(c->scq);
	if (c->chan)
		ibv_destroy_comp_channel(c->chan);
	if (c->pd)
		ibv_dealloc_pd(c->pd);
	free(c->bufs);
	memset(c, 0, sizeof(*c));
}

static void conn_destroy(struct conn *c)
{
	struct rdma_cm_id *id = c->id;

	if (!id)
		return;
	rdma_disconnect(id);
	conn_release(c);
	rdma_destroy_id(id);
}

/* RFC 8797 private data for @mode into @pdata; returns its length. */
static __u8 fill_private(enum accept_mode mode, __u8 *pdata)
{
	__u32 magic = htonl(0xf6ab0e18);
	__u8 size = BUF_SIZE / 1024 - 1;

	if (mode == AM_DEFAULT)
		mode = no_private ? AM_NONE : AM_RFC8797;
	if (mode == AM_NONE)
		return 0;
	if (mode == AM_BAD_MAGIC)
		magic = htonl(0xf6ab0e19);
	if (mode == AM_1K)
		size = 0;
	if (mode == AM_256K)
		size = 255;
	memcpy(pdata, &magic, 4);
	pdata[4] = mode == AM_BAD_VERSION ? 2 : 1;	/* version */
	pdata[5] = no_inv_flag ? 0 : 1;		/* Send With Invalidate OK */
	pdata[6] = size;			/* our send size */
	pdata[7] = size;			/* our receive size */
	return 8;
}

static int conn_accept(struct conn *c, struct rdma_cm_id *id,
		       const struct rdma_conn_param *req)
{
	size_t size = (size_t)(NUM_RECV + NUM_SEND) * BUF_SIZE + 2 * DATA_SIZE;
	struct ibv_qp_init_attr qa = { 0 };
	struct rdma_conn_param cp = { 0 };
	__u8 pdata[8];
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->gen = ++conn_gen;
	c->pd = ibv_alloc_pd(id->verbs);
	c->chan = c->pd ? ibv_create_comp_channel(id->verbs) : NULL;
	c->rcq = c->chan ? ibv_create_cq(id->verbs, NUM_RECV, NULL,
					 c->chan, 0) : NULL;
	c->scq = c->rcq ? ibv_create_cq(id->verbs, 4 * NUM_SEND, NULL,
					NULL, 0) : NULL;
	c->bufs = calloc(1, size);
	if (!c->scq || !c->bufs)
		return -1;
	/* Local access only: the client never touches our memory. */
	c->mr = ibv_reg_mr(c->pd, c->bufs, size, IBV_ACCESS_LOCAL_WRITE);
	if (!c->mr)
		return -1;
	qa.send_cq = c->scq;
	qa.recv_cq = c->rcq;
	qa.qp_type = IBV_QPT_RC;
	qa.cap.max_send_wr = 2 * NUM_SEND;
	qa.cap.max_recv_wr = NUM_RECV;
	qa.cap.max_send_sge = 1;
	qa.cap.max_recv_sge = 1;
	if (rdma_create_qp(id, c->pd, &qa))
		return -1;
	for (i = 0; i < NUM_RECV; i++)
		if (post_recv(c, i))
			return -1;
	if (ibv_req_notify_cq(c->rcq, 0))
		return -1;
	cp.private_data_len = fill_private(accept_mode, pdata);
	if (cp.private_data_len)
		cp.private_data = pdata;
	/*
	 * We issue RDMA Reads, the client none: our initiator depth is
	 * what the client offers as responder resources (at most 16),
	 * and we need no responder resources.
	 */
	c->rd_depth = req->responder_resources < 16 ?
		      req->responder_resources : 16;
	if (!c->rd_depth) {
		fprintf(stderr, "rdma-peer: client offers no responder resources\n");
		c->rd_depth = 1;
	}
	cp.initiator_depth = (__u8)c->rd_depth;
	cp.responder_resources = req->initiator_depth;
	cp.rnr_retry_count = 7;
	return rdma_accept(id, &cp);
}

static void report(void)
{
	int i;

	fprintf(stderr, "rdma-peer: served");
	for (i = 0; i < SC_COUNT; i++)
		if (served[i])
			fprintf(stderr, " %s=%lu", scenario_name[i], served[i]);
	fprintf(stderr, "\nrdma-peer: %u calls, %u overruns, %u+%u resent, %u bad, %u/%u conns\n",
		stats[ST_CALLS], stats[ST_OVERRUNS],
		stats[ST_RETRANS_UNANSWERED], stats[ST_RETRANS_ANSWERED],
		stats[ST_BAD_CALLS], stats[ST_ACCEPTED],
		stats[ST_ACCEPTED] + stats[ST_REJECTED]);
}

static void on_connect_request(struct conn *c, struct rdma_cm_event *ev)
{
	struct rdma_cm_id *id = ev->id;

	if (c->id) {
		printf("rdma-peer: new client replaces the old\n");
		conn_destroy(c);
	}
	if (reject_left) {
		reject_left--;
		stats[ST_REJECTED]++;
		printf("rdma-peer: rejecting a connection request\n");
		rdma_reject(id, NULL, 0);
		rdma_ack_cm_event(ev);
		rdma_destroy_id(id);
		return;
	}
	if (conn_accept(c, id, &ev->param.conn)) {
		fprintf(stderr, "rdma-peer: accept failed: %s\n",
			strerror(errno));
		conn_release(c);
		rdma_reject(id, NULL, 0);
		rdma_ack_cm_event(ev);
		rdma_destroy_id(id);
		return;
	}
	stats[ST_ACCEPTED]++;
	rdma_ack_cm_event(ev);
}

static int listen_on(const char *addr, const char *port,
		     struct rdma_event_channel **ec)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST,
				  .ai_socktype = SOCK_STREAM }, *ai;
	struct rdma_cm_id *listen_id;

	if (getaddrinfo(addr, port, &hints, &ai))
		die("getaddrinfo");
	*ec = rdma_create_event_channel();
	if (!*ec)
		die("rdma_create_event_channel");
	if (rdma_create_id(*ec, &listen_id, NULL, RDMA_PS_TCP))
		die("rdma_create_id");
	if (rdma_bind_addr(listen_id, ai->ai_addr))
		die("rdma_bind_addr");
	if (rdma_listen(listen_id, 4))
		die("rdma_listen");
	freeaddrinfo(ai);
	printf("rdma-peer: listening on %s port %s\n", addr ? addr : "any", port);
	return 0;
}

/* The connection's Receive CQ has an event: 0, or non-zero to close. */
static int on_cq_event(struct conn *c)
{
	struct ibv_cq *cq;
	void *ctx;
	int rc;

	if (ibv_get_cq_event(c->chan, &cq, &ctx))
		die("ibv_get_cq_event");
	ibv_ack_cq_events(cq, 1);
	if (ibv_req_notify_cq(cq, 0))
		return -1;
	/*
	 * Before the first reply on a connection the client may have one
	 * Call outstanding: give any more time to arrive, to be counted.
	 */
	if (!c->replied && !c->delayed) {
		c->delayed = 1;
		usleep(300 * 1000);
	}
	rc = drain_cq(c);
	if (rc < 0)
		printf("rdma-peer: connection broke; closing it\n");
	else if (rc)
		printf("rdma-peer: disconnecting on purpose\n");
	return rc;
}

int main(int argc, char **argv)
{
	struct rdma_event_channel *ec;
	const char *addr = NULL, *port = "20049";
	struct conn c = { 0 };
	int opt;

	while ((opt = getopt(argc, argv, "a:p:c:nqrv")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'c':
			credits = (__u32)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			no_private = 1;
			break;
		case 'q':
			stats[ST_QUICK] = 1;
			break;
		case 'r':
			no_inv_flag = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "%s\n", usage);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	srandom((unsigned int)getpid());
	listen_on(addr, port, &ec);

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = ec->fd, .events = POLLIN },
			{ .fd = c.chan ? c.chan->fd : -1, .events = POLLIN },
		};
		struct rdma_cm_event *ev;
		int timeout = c.hold_armed ? 100 : -1;

		if (poll(pf, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if ((pf[1].revents & POLLIN) && on_cq_event(&c)) {
			report();
			conn_destroy(&c);
		}
		if (c.id && c.hold_armed && since(&c.hold_deadline) > 1.5) {
			printf("rdma-peer: held Calls unanswered; disconnecting\n");
			report();
			conn_destroy(&c);
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		if (rdma_get_cm_event(ec, &ev))
			die("rdma_get_cm_event");
		switch (ev->event) {
		case RDMA_CM_EVENT_CONNECT_REQUEST:
			on_connect_request(&c, ev);
			continue;
		case RDMA_CM_EVENT_ESTABLISHED:
			printf("rdma-peer: connected (conn %u, mode %u, depth %u)\n",
			       c.gen, accept_mode, c.rd_depth);
			break;
		case RDMA_CM_EVENT_DISCONNECTED:
		case RDMA_CM_EVENT_TIMEWAIT_EXIT:
			if (c.id == ev->id) {
				printf("rdma-peer: disconnected\n");
				report();
				rdma_ack_cm_event(ev);
				conn_destroy(&c);
				continue;
			}
			break;
		default:
			printf("rdma-peer: cm event %s\n",
			       rdma_event_str(ev->event));
			if (c.id == ev->id) {
				rdma_ack_cm_event(ev);
				conn_destroy(&c);
				continue;
			}
			break;
		}
		rdma_ack_cm_event(ev);
	}
}
