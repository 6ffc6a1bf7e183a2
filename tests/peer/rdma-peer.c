// SPDX-License-Identifier: GPL-2.0-only
/*
 * rdma-peer: a deliberately misbehaving RPC-over-RDMA version 1 responder
 * (RFC 8166) for end-to-end tests of the xprtrdma client.
 *
 * Usage: rdma-peer [-a ADDR] [-p PORT] [-c CREDITS] [-n] [-r] [-v]
 *   -a ADDR     address to listen on (default: any)
 *   -p PORT     port (default 20049)
 *   -c CREDITS  credits granted in well-formed replies (default 16)
 *   -n          send no RFC 8797 private data when accepting
 *   -r          RFC 8797 private data without "Send With Invalidate OK"
 *   -v          log every Call: XID, procedure, the reply chosen
 *
 * Accepts one client at a time, and answers each inline RDMA_MSG Call.  The
 * RPC procedure number of the Call selects the reply (enum scenario): a
 * well-formed one for procedure 0, a broken or unexpected one otherwise.  A
 * retransmission of a Call already answered badly (same XID) gets a
 * well-formed reply, so a scenario that breaks the connection cannot loop,
 * and is logged; procedure STICKY + N answers every retransmission badly.
 * Prints "rdma-peer: listening" once ready, then one line per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

enum scenario {
	SC_GOOD = 0,
	SC_BAD_VERS,		/* rdma_vers 2 */
	SC_BAD_PROC,		/* rdma_proc 7 */
	SC_SHORT,		/* header cut after 12 bytes */
	SC_READ_LIST,		/* a Read list in a Reply */
	SC_WRITE_LIST,		/* a Write chunk that was never offered */
	SC_REPLY_CHUNK,		/* a Reply chunk that was never offered */
	SC_ERR_VERS,		/* RDMA_ERROR ERR_VERS */
	SC_ERR_CHUNK,		/* RDMA_ERROR ERR_CHUNK */
	SC_BAD_XID,		/* a Reply with an XID nobody sent, then the right one */
	SC_CREDITS_ZERO,	/* grant 0 credits */
	SC_CREDITS_HUGE,	/* grant 0xffffffff credits */
	SC_DUP,			/* the right Reply, twice */
	SC_SEND_INV,		/* Send With Invalidate of an rkey never offered */
	SC_BAD_ERRCODE,		/* RDMA_ERROR with an unknown error code */
	SC_NOMSG,		/* RDMA_NOMSG without a Reply chunk */
	SC_BAD_LIST,		/* a list discriminator of 2 */
	SC_COUNT
};

static const char *const scenario_name[SC_COUNT] = {
	"good", "bad-vers", "bad-proc", "short", "read-list", "write-list",
	"reply-chunk", "err-vers", "err-chunk", "bad-xid", "credits-zero",
	"credits-huge", "dup", "send-inv", "bad-errcode", "nomsg", "bad-list",
};

#define STICKY		32	/* procedure offset: misbehave on retransmissions */

#define RDMA_MSG	0
#define RDMA_NOMSG	1
#define RDMA_ERROR	4
#define ERR_VERS	1
#define ERR_CHUNK	2

#define BUF_SIZE	4096
#define NUM_RECV	64
#define NUM_SEND	64
#define CALL_HDR	28	/* xid vers credits proc + three empty lists */
#define MAX_BAD_XIDS	64

struct conn {
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_comp_channel *chan;
	struct ibv_cq *cq;
	struct ibv_mr *mr;
	__u8 *bufs;		/* NUM_RECV Receive then NUM_SEND Send buffers */
	unsigned int next_send;
};

/* XIDs answered badly; kept across connections to spot retransmissions */
static __u32 bad_xids[MAX_BAD_XIDS];
static unsigned int nbad;

static __u32 credits = 16;
static int no_private;
static int no_inv_flag;
static int verbose;
static unsigned long served[SC_COUNT];
static const char usage[] =
	"usage: rdma-peer [-a ADDR] [-p PORT] [-c CREDITS] [-n] [-r] [-v]";

static void die(const char *what)
{
	fprintf(stderr, "rdma-peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static __u8 *recv_buf(struct conn *c, unsigned int i)
{
	return c->bufs + (size_t)i * BUF_SIZE;
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

	memcpy(buf, msg, len);
	if (inv)
		wr.invalidate_rkey = rkey;
	err = ibv_post_send(c->id->qp, &wr, &bad);
	if (err)
		fprintf(stderr, "rdma-peer: ibv_post_send: %s\n", strerror(err));
	return err;
}

/* Append an accepted, successful RPC reply with an AUTH_NONE verifier. */
static size_t put_rpc_reply(__u32 *p, __u32 xid)
{
	p[0] = xid;
	p[1] = htonl(1);	/* REPLY */
	p[2] = htonl(0);	/* MSG_ACCEPTED */
	p[3] = htonl(0);	/* AUTH_NONE */
	p[4] = htonl(0);	/* verifier length */
	p[5] = htonl(0);	/* SUCCESS */
	return 6;
}

/* Build the reply for @sc into @m; returns its length in bytes. */
static size_t build_reply(enum scenario sc, __u32 xid, __u32 *m)
{
	__u32 grant = htonl(credits);
	size_t n = 0;

	if (sc == SC_CREDITS_ZERO)
		grant = htonl(0);
	else if (sc == SC_CREDITS_HUGE)
		grant = htonl(0xffffffff);
	m[n++] = xid;
	m[n++] = htonl(sc == SC_BAD_VERS ? 2 : 1);
	m[n++] = grant;
	switch (sc) {
	case SC_SHORT:
		return n * 4;
	case SC_ERR_VERS:
		m[n++] = htonl(RDMA_ERROR);
		m[n++] = htonl(ERR_VERS);
		m[n++] = htonl(1);	/* lowest version supported */
		m[n++] = htonl(1);	/* highest */
		return n * 4;
	case SC_ERR_CHUNK:
	case SC_BAD_ERRCODE:
		m[n++] = htonl(RDMA_ERROR);
		m[n++] = htonl(sc == SC_ERR_CHUNK ? ERR_CHUNK : 99);
		return n * 4;
	case SC_BAD_PROC:
		m[n++] = htonl(7);
		break;
	case SC_NOMSG:
		m[n++] = htonl(RDMA_NOMSG);
		break;
	default:
		m[n++] = htonl(RDMA_MSG);
		break;
	}
	/* Read list */
	if (sc == SC_READ_LIST) {
		m[n++] = htonl(1);
		m[n++] = htonl(0);		/* position */
		m[n++] = htonl(0x1234);		/* handle */
		m[n++] = htonl(512);		/* length */
		m[n++] = htonl(0);		/* offset, 64 bits */
		m[n++] = htonl(0x10000);
	}
	m[n++] = htonl(sc == SC_BAD_LIST ? 2 : 0);
	/* Write list */
	if (sc == SC_WRITE_LIST) {
		m[n++] = htonl(1);
		m[n++] = htonl(1);		/* one segment */
		m[n++] = htonl(0x5678);
		m[n++] = htonl(4096);
		m[n++] = htonl(0);
		m[n++] = htonl(0x20000);
	}
	m[n++] = htonl(0);
	/* Reply chunk */
	if (sc == SC_REPLY_CHUNK) {
		m[n++] = htonl(1);
		m[n++] = htonl(1);
		m[n++] = htonl(0x9abc);
		m[n++] = htonl(4096);
		m[n++] = htonl(0);
		m[n++] = htonl(0x30000);
	} else {
		m[n++] = htonl(0);
	}
	if (sc != SC_NOMSG)
		n += put_rpc_reply(m + n, xid);
	return n * 4;
}

static int answered_badly(__u32 xid)
{
	unsigned int i;

	for (i = 0; i < nbad && i < MAX_BAD_XIDS; i++)
		if (bad_xids[i] == xid)
			return 1;
	bad_xids[nbad++ % MAX_BAD_XIDS] = xid;
	return 0;
}

/* Handle one received Call; returns non-zero if the connection broke. */
static int handle_call(struct conn *c, const __u8 *buf, __u32 len)
{
	__u32 m[64], w[CALL_HDR / 4 + 6];
	enum scenario sc;
	__u32 proc;
	size_t rlen;

	if (len < sizeof(w)) {
		fprintf(stderr, "rdma-peer: short Call (%u bytes) ignored\n", len);
		return 0;
	}
	memcpy(w, buf, sizeof(w));
	if (ntohl(w[1]) != 1 || ntohl(w[3]) != RDMA_MSG || w[4] || w[5] ||
	    w[6]) {
		fprintf(stderr, "rdma-peer: unsupported Call (vers %u proc %u, lists %u/%u/%u)\n",
			ntohl(w[1]), ntohl(w[3]), ntohl(w[4]), ntohl(w[5]),
			ntohl(w[6]));
		return post_send(c, m, build_reply(SC_ERR_CHUNK, w[0], m), 0, 0);
	}
	proc = ntohl(w[CALL_HDR / 4 + 5]);
	sc = proc % STICKY < SC_COUNT ? (enum scenario)(proc % STICKY) : SC_GOOD;
	if (sc != SC_GOOD && answered_badly(w[0])) {
		printf("rdma-peer: retransmission of xid 0x%08x (%s)%s\n",
		       ntohl(w[0]), scenario_name[sc],
		       proc >= STICKY ? ", answered badly again" : ", answered well");
		if (proc < STICKY)
			sc = SC_GOOD;
	}
	served[sc]++;
	if (verbose)
		printf("rdma-peer: xid 0x%08x proc %u: %s\n", ntohl(w[0]), proc,
		       scenario_name[sc]);
	switch (sc) {
	case SC_BAD_XID:
		rlen = build_reply(SC_GOOD, w[0] ^ htonl(0x5a5a5a5a), m);
		if (post_send(c, m, rlen, 0, 0))
			return 1;
		return post_send(c, m, build_reply(SC_GOOD, w[0], m), 0, 0);
	case SC_DUP:
		rlen = build_reply(SC_GOOD, w[0], m);
		if (post_send(c, m, rlen, 0, 0))
			return 1;
		return post_send(c, m, rlen, 0, 0);
	case SC_SEND_INV:
		return post_send(c, m, build_reply(SC_GOOD, w[0], m), 1,
				 (__u32)random() | 0x80000000u);
	default:
		return post_send(c, m, build_reply(sc, w[0], m), 0, 0);
	}
}

/* Drain the CQ; returns non-zero if the connection broke. */
static int drain_cq(struct conn *c)
{
	struct ibv_wc wc[16];
	int n, i;

	while ((n = ibv_poll_cq(c->cq, 16, wc)) > 0) {
		for (i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS) {
				if (wc[i].status != IBV_WC_WR_FLUSH_ERR)
					fprintf(stderr, "rdma-peer: completion wr %lu: %s\n",
						(unsigned long)wc[i].wr_id,
						ibv_wc_status_str(wc[i].status));
				return 1;
			}
			if (wc[i].opcode != IBV_WC_RECV)
				continue;
			if (handle_call(c, recv_buf(c, wc[i].wr_id),
					wc[i].byte_len))
				return 1;
			if (post_recv(c, wc[i].wr_id))
				return 1;
		}
	}
	return n < 0;
}

/* Release everything but the cm_id. */
static void conn_release(struct conn *c)
{
	if (c->id && c->id->qp)
		rdma_destroy_qp(c->id);
	if (c->mr)
		ibv_dereg_mr(c->mr);
	if (c->cq)
		ibv_destroy_cq(c->cq);
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

static int conn_accept(struct conn *c, struct rdma_cm_id *id)
{
	struct ibv_qp_init_attr qa = { 0 };
	struct rdma_conn_param cp = { 0 };
	__u8 pdata[8];
	__u32 magic = htonl(0xf6ab0e18);
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->pd = ibv_alloc_pd(id->verbs);
	c->chan = c->pd ? ibv_create_comp_channel(id->verbs) : NULL;
	c->cq = c->chan ? ibv_create_cq(id->verbs, NUM_RECV + NUM_SEND, NULL,
					c->chan, 0) : NULL;
	c->bufs = calloc(NUM_RECV + NUM_SEND, BUF_SIZE);
	if (!c->cq || !c->bufs)
		return -1;
	c->mr = ibv_reg_mr(c->pd, c->bufs, (size_t)(NUM_RECV + NUM_SEND) * BUF_SIZE,
			   IBV_ACCESS_LOCAL_WRITE);
	if (!c->mr)
		return -1;
	qa.send_cq = c->cq;
	qa.recv_cq = c->cq;
	qa.qp_type = IBV_QPT_RC;
	qa.cap.max_send_wr = NUM_SEND;
	qa.cap.max_recv_wr = NUM_RECV;
	qa.cap.max_send_sge = 1;
	qa.cap.max_recv_sge = 1;
	if (rdma_create_qp(id, c->pd, &qa))
		return -1;
	for (i = 0; i < NUM_RECV; i++)
		if (post_recv(c, i))
			return -1;
	if (ibv_req_notify_cq(c->cq, 0))
		return -1;
	memcpy(pdata, &magic, 4);
	pdata[4] = 1;				/* version */
	pdata[5] = no_inv_flag ? 0 : 1;		/* Send With Invalidate OK */
	pdata[6] = BUF_SIZE / 1024 - 1;		/* our send size */
	pdata[7] = BUF_SIZE / 1024 - 1;		/* our receive size */
	if (!no_private) {
		cp.private_data = pdata;
		cp.private_data_len = sizeof(pdata);
	}
	cp.responder_resources = 1;
	cp.initiator_depth = 1;
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
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	struct rdma_event_channel *ec;
	struct rdma_cm_id *listen_id;
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST,
				  .ai_socktype = SOCK_STREAM }, *ai;
	const char *addr = NULL, *port = "20049";
	struct conn c = { 0 };
	int opt;

	while ((opt = getopt(argc, argv, "a:p:c:nrv")) != -1) {
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
	if (getaddrinfo(addr, port, &hints, &ai))
		die("getaddrinfo");
	ec = rdma_create_event_channel();
	if (!ec)
		die("rdma_create_event_channel");
	if (rdma_create_id(ec, &listen_id, NULL, RDMA_PS_TCP))
		die("rdma_create_id");
	if (rdma_bind_addr(listen_id, ai->ai_addr))
		die("rdma_bind_addr");
	if (rdma_listen(listen_id, 4))
		die("rdma_listen");
	freeaddrinfo(ai);
	printf("rdma-peer: listening on %s port %s\n", addr ? addr : "any", port);

	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = ec->fd, .events = POLLIN },
			{ .fd = c.chan ? c.chan->fd : -1, .events = POLLIN },
		};
		struct rdma_cm_event *ev;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pf[1].revents & POLLIN) {
			struct ibv_cq *cq;
			void *ctx;
			int broke;

			if (ibv_get_cq_event(c.chan, &cq, &ctx))
				die("ibv_get_cq_event");
			ibv_ack_cq_events(cq, 1);
			broke = ibv_req_notify_cq(cq, 0) || drain_cq(&c);
			if (broke) {
				printf("rdma-peer: connection broke; closing it\n");
				report();
				conn_destroy(&c);
			}
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		if (rdma_get_cm_event(ec, &ev))
			die("rdma_get_cm_event");
		switch (ev->event) {
		case RDMA_CM_EVENT_CONNECT_REQUEST:
			if (c.id) {
				printf("rdma-peer: new client replaces the old\n");
				conn_destroy(&c);
			}
			if (conn_accept(&c, ev->id)) {
				fprintf(stderr, "rdma-peer: accept failed: %s\n",
					strerror(errno));
				struct rdma_cm_id *id = ev->id;

				conn_release(&c);
				rdma_reject(id, NULL, 0);
				rdma_ack_cm_event(ev);
				rdma_destroy_id(id);
				continue;
			}
			break;
		case RDMA_CM_EVENT_ESTABLISHED:
			printf("rdma-peer: connected (%s private data)\n",
			       no_private ? "no" : "RFC 8797");
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
