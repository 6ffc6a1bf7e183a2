// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: rpcrdma_decode_reply() against mutated Replies.
 *
 * Each case draws an offer (what a Call provides: no chunk, a Write chunk,
 * a Reply chunk or both, with random handles, lengths and offsets) and a
 * Reply a correct server could send to it, then, most of the time, mutates
 * that Reply: bit flips, truncation, counts and lengths set to boundary
 * values, list discriminators, rdma_vers, rdma_proc and rdma_err changed,
 * words inserted and removed, a segment or a whole chunk added.  The
 * result is decoded twice: by rpcrdma_decode_reply(), from a kmalloc'd
 * buffer of exactly its length (KASAN reports a read past it), and by
 * ref_decode() below, a plain word-by-word reading of RFC 8166 §4.  Both
 * must agree on refusing the Reply and, when they accept it, on every
 * field of the decoded header.
 *
 * Case i depends on the seed and i alone.  A failure prints both with the
 * offer and the image; `make fuzz SEED=s N=n` builds the test for n cases
 * from seed s.  Not module parameters: on 6.1 KUnit runs a module's
 * suites (MODULE_STATE_COMING) before load_module() parses them.
 */

#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sunrpc/xdr.h>

#include "xprt_rdma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define FUZZ_DEFAULT_SEED	0x8166a11cefULL
#define FUZZ_DEFAULT_CASES	100000

/* tests/kunit/Kbuild sets these for make fuzz */
#ifndef FUZZ_SEED
#define FUZZ_SEED		FUZZ_DEFAULT_SEED
#endif
#ifndef FUZZ_CASES
#define FUZZ_CASES		FUZZ_DEFAULT_CASES
#endif

/*
 * Cases per KUnit row.  insmod waits for each row uninterruptibly, so a
 * row must end well inside the hung task timeout (120 s) even under TCG.
 */
#define FUZZ_ROW_CASES		10000

/* Mismatches printed in full per row; every one is counted */
#define FUZZ_REPORTS		4

#define FUZZ_MAX_SEGS		RPCRDMA_MAX_CHUNK_SEGS
#define FUZZ_PAYLOAD_WORDS	8
#define FUZZ_MAX_MUTATIONS	3

/* The most words one mutation adds: a Write chunk of one segment, and 0 */
#define FUZZ_MAX_GROWTH		(1 + 4 + 1)

/* fixed, Read list, Write list, Reply chunk, inline payload, mutations */
#define FUZZ_MAX_WORDS		(4 + 1 + (1 + 1 + 4 * FUZZ_MAX_SEGS + 1) + \
				 (1 + 1 + 4 * FUZZ_MAX_SEGS) + \
				 FUZZ_PAYLOAD_WORDS + 1 + \
				 FUZZ_MAX_MUTATIONS * FUZZ_MAX_GROWTH)
#define FUZZ_MAX_DISCRIMS	4
#define FUZZ_MAX_COUNTS		2
#define FUZZ_MAX_SIZED		(FUZZ_MAX_COUNTS * (1 + FUZZ_MAX_SEGS))

#define FUZZ_NR_FAULTS		(RPCRDMA_REPLY_CHUNK_GAP + 1)

/* What the decoder must overwrite: memset into every header it fills */
#define FUZZ_POISON		0xa5

static const unsigned long long fuzz_seed = FUZZ_SEED;
static const unsigned int fuzz_cases = FUZZ_CASES;

static const char * const fuzz_fault_names[FUZZ_NR_FAULTS] = {
	[RPCRDMA_REPLY_OK]			= "OK",
	[RPCRDMA_REPLY_TRUNCATED]		= "TRUNCATED",
	[RPCRDMA_REPLY_BAD_BOOL]		= "BAD_BOOL",
	[RPCRDMA_REPLY_BAD_VERSION]		= "BAD_VERSION",
	[RPCRDMA_REPLY_BAD_PROC]		= "BAD_PROC",
	[RPCRDMA_REPLY_READ_LIST]		= "READ_LIST",
	[RPCRDMA_REPLY_EXTRA_WRITE_CHUNK]	= "EXTRA_WRITE_CHUNK",
	[RPCRDMA_REPLY_TOO_MANY_SEGS]		= "TOO_MANY_SEGS",
	[RPCRDMA_REPLY_WRITE_OVERRUN]		= "WRITE_OVERRUN",
	[RPCRDMA_REPLY_UNOFFERED_REPLY_CHUNK]	= "UNOFFERED_REPLY_CHUNK",
	[RPCRDMA_REPLY_REPLY_OVERRUN]		= "REPLY_OVERRUN",
	[RPCRDMA_REPLY_NOMSG_NO_CHUNK]		= "NOMSG_NO_CHUNK",
	[RPCRDMA_REPLY_MSG_AND_CHUNK]		= "MSG_AND_CHUNK",
	[RPCRDMA_REPLY_BAD_ERRCODE]		= "BAD_ERRCODE",
	[RPCRDMA_REPLY_NO_RPC_MSG]		= "NO_RPC_MSG",
	[RPCRDMA_REPLY_CHUNK_GAP]		= "CHUNK_GAP",
};

/*
 * Replies both decoders accept though a strict reading of RFC 8166 says
 * no server sends them.  None lets a server Write where it was not
 * offered, so they are counted, not failed.  (A gap, data after a
 * segment not filled, once was one of them: the sum of the lengths then
 * counted bytes nobody Wrote.  Both decoders refuse it now.)
 */
enum {
	FUZZ_LAX_WRITE_ABSENT,	/* §3.4.6: offered Write chunk not returned */
	FUZZ_LAX_FEWER_SEGS,	/* §3.4.6: fewer segments than offered */
	FUZZ_LAX_SEG_CHANGED,	/* §3.4.6: a handle or offset not as offered */
	FUZZ_LAX_TRAILING,	/* §3.5.3, §4.5: bytes after NOMSG or ERROR */
	FUZZ_NR_LAX
};

static const char * const fuzz_lax_names[FUZZ_NR_LAX] = {
	[FUZZ_LAX_WRITE_ABSENT] =
		"RFC 8166 §3.4.6 offered Write chunk not returned",
	[FUZZ_LAX_FEWER_SEGS] =
		"RFC 8166 §3.4.6 chunk returned with fewer segments",
	[FUZZ_LAX_SEG_CHANGED] =
		"RFC 8166 §3.4.6 segment handle or offset changed",
	[FUZZ_LAX_TRAILING] =
		"RFC 8166 §3.5.3 bytes after a NOMSG or ERROR header",
};

enum fuzz_mutation {
	FUZZ_MUT_BIT_FLIP,
	FUZZ_MUT_TRUNCATE,
	FUZZ_MUT_SIZED,
	FUZZ_MUT_DISCRIM,
	FUZZ_MUT_FIXED,
	FUZZ_MUT_INSERT,
	FUZZ_MUT_REMOVE,
	FUZZ_MUT_EXTRA_SEGMENT,
	FUZZ_MUT_EXTRA_CHUNK,
	FUZZ_NR_MUTATIONS
};

static const char * const fuzz_mutation_names[FUZZ_NR_MUTATIONS] = {
	[FUZZ_MUT_BIT_FLIP]	= "bit flip",
	[FUZZ_MUT_TRUNCATE]	= "truncation",
	[FUZZ_MUT_SIZED]	= "count or length",
	[FUZZ_MUT_DISCRIM]	= "discriminator",
	[FUZZ_MUT_FIXED]	= "vers, proc or err",
	[FUZZ_MUT_INSERT]	= "word inserted",
	[FUZZ_MUT_REMOVE]	= "word removed",
	[FUZZ_MUT_EXTRA_SEGMENT] = "segment added",
	[FUZZ_MUT_EXTRA_CHUNK]	= "chunk added",
};

/* The list a discriminator belongs to */
enum fuzz_list {
	FUZZ_LIST_READ,
	FUZZ_LIST_WRITE,
	FUZZ_LIST_REPLY,
};

struct fuzz_discrim {
	unsigned int	fd_word;
	enum fuzz_list	fd_list;
};

/* A segment count or length in the image, and what the offer said */
struct fuzz_sized {
	unsigned int	fs_word;
	u32		fs_offered;
};

/* One case: the offer, the Reply image, and both decodings of it */
struct fuzz_case {
	u64			fc_index;
	u64			fc_rng;
	struct rpcrdma_chunks	fc_offer;
	u32			fc_words[FUZZ_MAX_WORDS];	/* host order */
	unsigned int		fc_len;				/* bytes */
	unsigned int		fc_ndiscrims;
	struct fuzz_discrim	fc_discrims[FUZZ_MAX_DISCRIMS];
	unsigned int		fc_ncounts;
	struct fuzz_sized	fc_counts[FUZZ_MAX_COUNTS];
	unsigned int		fc_nsized;
	struct fuzz_sized	fc_sized[FUZZ_MAX_SIZED];
	unsigned int		fc_nmutations;
	u8			fc_mutations[FUZZ_MAX_MUTATIONS];
	__be32			fc_wire[FUZZ_MAX_WORDS];
	void			*fc_bufs[FUZZ_MAX_WORDS * 4 + 1]; /* by size */
	struct rpcrdma_reply_hdr fc_hdr;	/* rpcrdma_decode_reply() */
	struct rpcrdma_reply_hdr fc_ref;	/* ref_decode() */
	bool	fc_short_rpc;	/* ref_decode(): no whole RPC reply */
	unsigned long		fc_lax;		/* FUZZ_LAX_* bits */
	unsigned int		fc_reports;	/* in this row */
};

/* Totals over the rows of one run, for fuzz_summary_test() */
static struct {
	u64	ran;
	u64	nsecs;
	u64	accepted;
	u64	unmutated;
	u64	mismatches;
	u64	refused[FUZZ_NR_FAULTS];
	u64	lax[FUZZ_NR_LAX];
} fuzz_stats;

/* ---- A PRNG that reproduces: splitmix64 ---- */

static u64 fuzz_mix(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 fuzz_next(struct fuzz_case *fc)
{
	fc->fc_rng += 0x9e3779b97f4a7c15ULL;
	return fuzz_mix(fc->fc_rng) >> 32;
}

/* Uniform enough in [0, @n) for a test; 0 when @n is 0 */
static u32 fuzz_below(struct fuzz_case *fc, u32 n)
{
	return n ? fuzz_next(fc) % n : 0;
}

static bool fuzz_one_in(struct fuzz_case *fc, u32 n)
{
	return !fuzz_below(fc, n);
}

/* ---- The offer: what a Call provides ---- */

static u32 fuzz_offer_length(struct fuzz_case *fc)
{
	switch (fuzz_below(fc, 16)) {
	case 0:		/* sums of these overflow a u32 */
		return 0x80000000 + fuzz_below(fc, 0x80000000);
	case 1:
		return 1 + fuzz_below(fc, 16);
	default:
		return 1 + fuzz_below(fc, SZ_1M);
	}
}

/*
 * Every slot is filled: those past ch_nsegs hold what an earlier Call
 * offered, as a reused req's do, and no decoder may look at them.
 */
static void fuzz_offer_chunk(struct fuzz_case *fc, struct rpcrdma_chunk *ch,
			     bool offered)
{
	struct rpcrdma_wire_seg *seg;
	u32 i;

	ch->ch_position = fuzz_next(fc);
	ch->ch_nsegs = fuzz_one_in(fc, 4) ? 1 + fuzz_below(fc, FUZZ_MAX_SEGS) :
					    1 + fuzz_below(fc, 4);
	for (i = 0; i < FUZZ_MAX_SEGS; i++) {
		seg = &ch->ch_segs[i];
		seg->ws_handle = fuzz_next(fc);
		seg->ws_length = fuzz_offer_length(fc);
		seg->ws_offset = (u64)fuzz_next(fc) << 32 | fuzz_next(fc);
	}
	if (!offered)
		ch->ch_nsegs = 0;
}

/* No chunk, a Write chunk, a Reply chunk or both; and an unread Read list */
static void fuzz_offer(struct fuzz_case *fc)
{
	u32 kind = fuzz_below(fc, 4);

	fuzz_offer_chunk(fc, &fc->fc_offer.rc_read, fuzz_one_in(fc, 2));
	fuzz_offer_chunk(fc, &fc->fc_offer.rc_write, kind & 1);
	fuzz_offer_chunk(fc, &fc->fc_offer.rc_reply, kind & 2);
}

/* ---- A Reply a correct server could send to the offer ---- */

static void fuzz_put(struct fuzz_case *fc, u32 val)
{
	fc->fc_words[fc->fc_len / 4] = val;
	fc->fc_len += 4;
}

static void fuzz_put_discrim(struct fuzz_case *fc, enum fuzz_list list,
			     u32 val)
{
	struct fuzz_discrim *fd = &fc->fc_discrims[fc->fc_ndiscrims++];

	fd->fd_word = fc->fc_len / 4;
	fd->fd_list = list;
	fuzz_put(fc, val);
}

static void fuzz_put_sized(struct fuzz_case *fc, u32 val, u32 offered)
{
	struct fuzz_sized *fs = &fc->fc_sized[fc->fc_nsized++];

	fs->fs_word = fc->fc_len / 4;
	fs->fs_offered = offered;
	fuzz_put(fc, val);
}

/* Bytes Written into the first @count segments of @offer: a u32 */
static u32 fuzz_written(struct fuzz_case *fc,
			const struct rpcrdma_chunk *offer, u32 count,
			bool need_data)
{
	u64 room = 0;
	u32 i;

	for (i = 0; i < count; i++)
		room += offer->ch_segs[i].ws_length;
	room = min_t(u64, room, U32_MAX);
	if (!room)
		return 0;
	switch (fuzz_below(fc, 4)) {
	case 0:
		return room;
	case 1:
		if (!need_data)
			return 0;
		fallthrough;
	default:
		return 1 + fuzz_below(fc, room);
	}
}

/*
 * The offered chunk, each length cut to what was Written into it: one
 * data item fills the segments in order (RFC 8166 §3.4.6).  Sometimes
 * fewer segments come back, as the decoder allows.  @used false: all
 * lengths zero; @need_data: at least one byte.
 */
static void fuzz_put_chunk(struct fuzz_case *fc,
			   const struct rpcrdma_chunk *offer,
			   bool used, bool need_data)
{
	struct fuzz_sized *fs = &fc->fc_counts[fc->fc_ncounts++];
	const struct rpcrdma_wire_seg *seg;
	u32 count, i, len, left;

	count = offer->ch_nsegs;
	if (fuzz_one_in(fc, 4))
		count = need_data ? 1 + fuzz_below(fc, count) :
				    fuzz_below(fc, count + 1);
	left = used ? fuzz_written(fc, offer, count, need_data) : 0;
	fs->fs_word = fc->fc_len / 4;
	fs->fs_offered = offer->ch_nsegs;
	fuzz_put_sized(fc, count, offer->ch_nsegs);
	for (i = 0; i < count; i++) {
		seg = &offer->ch_segs[i];
		len = min(left, seg->ws_length);
		left -= len;
		fuzz_put(fc, seg->ws_handle);
		fuzz_put_sized(fc, len, seg->ws_length);
		fuzz_put(fc, upper_32_bits(seg->ws_offset));
		fuzz_put(fc, lower_32_bits(seg->ws_offset));
	}
}

static void fuzz_put_error(struct fuzz_case *fc)
{
	bool vers = fuzz_one_in(fc, 2);

	/* ERR_VERS reads the same whatever rdma_vers says (§4.5.1) */
	fuzz_put(fc, vers && fuzz_one_in(fc, 2) ? fuzz_next(fc) : 1);
	fuzz_put(fc, fuzz_below(fc, 256));
	fuzz_put(fc, RDMA_ERROR);
	fuzz_put(fc, vers ? ERR_VERS : ERR_CHUNK);
	if (vers) {
		fuzz_put(fc, 1);
		fuzz_put(fc, 1 + fuzz_below(fc, 2));
	}
}

static u32 fuzz_credits(struct fuzz_case *fc)
{
	static const u32 edges[] = { 0, 1, RPCRDMA_MAX_REQUESTS, U32_MAX };

	if (fuzz_one_in(fc, 4))
		return edges[fuzz_below(fc, ARRAY_SIZE(edges))];
	return fuzz_below(fc, 256);
}

/* RDMA_MSG, or RDMA_NOMSG when a Reply chunk was offered */
static void fuzz_put_msg(struct fuzz_case *fc)
{
	const struct rpcrdma_chunk *write = &fc->fc_offer.rc_write;
	const struct rpcrdma_chunk *reply = &fc->fc_offer.rc_reply;
	bool nomsg = reply->ch_nsegs && fuzz_one_in(fc, 2);
	u32 i, inline_words;

	fuzz_put(fc, 1);				/* rdma_vers */
	fuzz_put(fc, fuzz_credits(fc));			/* rdma_credit */
	fuzz_put(fc, nomsg ? RDMA_NOMSG : RDMA_MSG);	/* rdma_proc */
	fuzz_put_discrim(fc, FUZZ_LIST_READ, 0);	/* Read list: end */
	if (write->ch_nsegs && !fuzz_one_in(fc, 8)) {
		fuzz_put_discrim(fc, FUZZ_LIST_WRITE, 1);	/* a chunk */
		fuzz_put_chunk(fc, write, true, false);
	}
	fuzz_put_discrim(fc, FUZZ_LIST_WRITE, 0);	/* Write list: end */
	if (nomsg || (reply->ch_nsegs && fuzz_one_in(fc, 2))) {
		fuzz_put_discrim(fc, FUZZ_LIST_REPLY, 1);	/* present */
		fuzz_put_chunk(fc, reply, nomsg, nomsg);
	} else {
		fuzz_put_discrim(fc, FUZZ_LIST_REPLY, 0);	/* none */
	}
	if (nomsg)
		return;
	inline_words = fuzz_below(fc, FUZZ_PAYLOAD_WORDS + 1);
	for (i = 0; i < inline_words; i++)
		fuzz_put(fc, fuzz_next(fc));		/* RPC message */
	if (fuzz_one_in(fc, 4)) {			/* not whole words */
		fuzz_put(fc, fuzz_next(fc));
		fc->fc_len -= 1 + fuzz_below(fc, 3);
	}
}

/* ---- Mutations ---- */

static u32 fuzz_edge(struct fuzz_case *fc, u32 offered)
{
	static const u32 edges[] = { 0, 1, 0x7fffffff, 0x80000000, U32_MAX };
	u32 i = fuzz_below(fc, ARRAY_SIZE(edges) + 2);

	if (i == ARRAY_SIZE(edges))
		return offered;
	if (i == ARRAY_SIZE(edges) + 1)
		return offered + 1;
	return edges[i];
}

static unsigned int fuzz_nwords(const struct fuzz_case *fc)
{
	return DIV_ROUND_UP(fc->fc_len, 4);
}

/* rdma_vers, rdma_proc or rdma_err: values next to the valid ones */
static void fuzz_mutate_fixed(struct fuzz_case *fc)
{
	unsigned int word = 1 + 2 * fuzz_below(fc, 2);

	if (fuzz_one_in(fc, 3))
		word = 4;
	if (word >= fuzz_nwords(fc))
		return;
	fc->fc_words[word] = fuzz_one_in(fc, 4) ? fuzz_next(fc) :
						  fuzz_below(fc, 6);
}

/* Put @n words before word @at; false when @at is past the end */
static bool fuzz_insert_words(struct fuzz_case *fc, unsigned int at,
			      const u32 *words, unsigned int n)
{
	unsigned int len = fuzz_nwords(fc);

	if (at > len || len + n > FUZZ_MAX_WORDS)
		return false;
	memmove(&fc->fc_words[at + n], &fc->fc_words[at],
		(len - at) * sizeof(u32));
	memcpy(&fc->fc_words[at], words, n * sizeof(u32));
	fc->fc_len += n * 4;
	return true;
}

static void fuzz_insert(struct fuzz_case *fc)
{
	u32 word = fuzz_one_in(fc, 2) ? fuzz_edge(fc, 0) : fuzz_next(fc);

	fuzz_insert_words(fc, fuzz_below(fc, fuzz_nwords(fc) + 1), &word, 1);
}

/* A well-formed segment, short enough to fit most offers */
static void fuzz_segment(struct fuzz_case *fc, u32 *words)
{
	words[0] = fuzz_next(fc);		/* handle */
	words[1] = fuzz_below(fc, 16);		/* length */
	words[2] = fuzz_next(fc);		/* offset */
	words[3] = fuzz_next(fc);
}

/* One segment more than a chunk held, its count raised to match */
static void fuzz_extra_segment(struct fuzz_case *fc)
{
	const struct fuzz_sized *count;
	unsigned int at;
	u32 seg[4];

	if (!fc->fc_ncounts) {		/* RDMA_ERROR */
		fuzz_mutate_fixed(fc);
		return;
	}
	count = &fc->fc_counts[fuzz_below(fc, fc->fc_ncounts)];
	if (count->fs_word >= fuzz_nwords(fc) ||
	    fc->fc_words[count->fs_word] > FUZZ_MAX_SEGS)
		return;
	at = count->fs_word + 1 + 4 * fc->fc_words[count->fs_word];
	fuzz_segment(fc, seg);
	if (fuzz_insert_words(fc, at, seg, ARRAY_SIZE(seg)))
		fc->fc_words[count->fs_word]++;
}

/*
 * A chunk where a list ends: a Read segment into the Read list, a Write
 * chunk of no or one segment into the Write list, a Reply chunk where
 * none was.
 */
static void fuzz_extra_chunk(struct fuzz_case *fc)
{
	const struct fuzz_discrim *fd;
	u32 words[FUZZ_MAX_GROWTH];
	unsigned int n = 0;

	if (!fc->fc_ndiscrims) {	/* RDMA_ERROR */
		fuzz_mutate_fixed(fc);
		return;
	}
	fd = &fc->fc_discrims[fuzz_below(fc, fc->fc_ndiscrims)];
	if (fd->fd_word >= fuzz_nwords(fc) || fc->fc_words[fd->fd_word])
		return;
	if (fd->fd_list == FUZZ_LIST_READ) {
		words[n++] = fuzz_next(fc);	/* position */
		fuzz_segment(fc, &words[n]);
		n += 4;
	} else if (fuzz_one_in(fc, 2)) {
		words[n++] = 0;			/* no segments */
	} else {
		words[n++] = 1;
		fuzz_segment(fc, &words[n]);
		n += 4;
	}
	if (fd->fd_list != FUZZ_LIST_REPLY)
		words[n++] = 0;		/* the list ends again */
	if (fuzz_insert_words(fc, fd->fd_word + 1, words, n))
		fc->fc_words[fd->fd_word] = 1;
}

static void fuzz_remove(struct fuzz_case *fc)
{
	unsigned int n = fuzz_nwords(fc), at = fuzz_below(fc, n);

	if (!n)
		return;
	memmove(&fc->fc_words[at], &fc->fc_words[at + 1],
		(n - at - 1) * sizeof(u32));
	fc->fc_len = fc->fc_len > 4 ? fc->fc_len - 4 : 0;
}

static void fuzz_mutate(struct fuzz_case *fc, enum fuzz_mutation m)
{
	const struct fuzz_sized *fs;
	unsigned int word;

	switch (m) {
	case FUZZ_MUT_BIT_FLIP:
		if (fc->fc_len)
			fc->fc_words[fuzz_below(fc, fuzz_nwords(fc))] ^=
				1U << fuzz_below(fc, 32);
		break;
	case FUZZ_MUT_TRUNCATE:
		fc->fc_len = fuzz_below(fc, fc->fc_len + 1);
		break;
	case FUZZ_MUT_SIZED:
		if (!fc->fc_nsized)	/* RDMA_ERROR */
			goto fixed;
		fs = &fc->fc_sized[fuzz_below(fc, fc->fc_nsized)];
		fc->fc_words[fs->fs_word] = fuzz_edge(fc, fs->fs_offered);
		break;
	case FUZZ_MUT_DISCRIM:
		if (!fc->fc_ndiscrims)
			goto fixed;
		word = fuzz_below(fc, fc->fc_ndiscrims);
		word = fc->fc_discrims[word].fd_word;
		fc->fc_words[word] = fuzz_one_in(fc, 2) ? !fc->fc_words[word] :
							  fuzz_edge(fc, 2);
		break;
	case FUZZ_MUT_FIXED:
fixed:
		fuzz_mutate_fixed(fc);
		break;
	case FUZZ_MUT_INSERT:
		fuzz_insert(fc);
		break;
	case FUZZ_MUT_REMOVE:
		fuzz_remove(fc);
		break;
	case FUZZ_MUT_EXTRA_SEGMENT:
		fuzz_extra_segment(fc);
		break;
	default:
		fuzz_extra_chunk(fc);
		break;
	}
}

/* Case @index of the run: offer, valid Reply, then its mutations */
static void fuzz_make_case(struct fuzz_case *fc, u64 index)
{
	unsigned int i;

	fc->fc_index = index;
	fc->fc_rng = fuzz_mix(fuzz_seed ^ fuzz_mix(index + 1));
	fc->fc_len = 0;
	fc->fc_ndiscrims = 0;
	fc->fc_ncounts = 0;
	fc->fc_nsized = 0;
	fuzz_offer(fc);
	fuzz_put(fc, fuzz_next(fc));			/* rdma_xid */
	if (fuzz_one_in(fc, 8))
		fuzz_put_error(fc);
	else
		fuzz_put_msg(fc);
	fc->fc_nmutations = fuzz_one_in(fc, 16) ? 0 :
			    1 + fuzz_below(fc, FUZZ_MAX_MUTATIONS);
	for (i = 0; i < fc->fc_nmutations; i++) {
		fc->fc_mutations[i] = fuzz_below(fc, FUZZ_NR_MUTATIONS);
		fuzz_mutate(fc, fc->fc_mutations[i]);
	}
}

/* ---- The reference: RFC 8166 §4 read word by word ---- */

struct ref_reader {
	const u32	*rd_words;
	unsigned int	rd_len;		/* bytes in the message */
	unsigned int	rd_pos;		/* words taken */
};

/* The next XDR word, if the message holds all four of its bytes */
static bool ref_word(struct ref_reader *rd, u32 *val)
{
	if (rd->rd_pos >= rd->rd_len / 4)
		return false;
	*val = rd->rd_words[rd->rd_pos++];
	return true;
}

/*
 * A returned Write or Reply chunk (RFC 8166 §3.4.6, §4.2): the chunk we
 * offered, each segment's length cut to the bytes the server Wrote into
 * it.  So no more segments than offered, none longer than the one it
 * stands for; the bytes Written are the sum, which a u32 must hold.
 */
static bool ref_chunk(struct ref_reader *rd, const struct rpcrdma_chunk *offer,
		      u32 *written, unsigned long *lax)
{
	u32 count, handle, length, hi, lo, i;
	const struct rpcrdma_wire_seg *seg;
	bool short_seen = false;
	u64 sum = 0;

	if (!ref_word(rd, &count) || count > offer->ch_nsegs)
		return false;
	if (count < offer->ch_nsegs)
		__set_bit(FUZZ_LAX_FEWER_SEGS, lax);
	for (i = 0; i < count; i++) {
		seg = &offer->ch_segs[i];
		if (!ref_word(rd, &handle) || !ref_word(rd, &length) ||
		    !ref_word(rd, &hi) || !ref_word(rd, &lo))
			return false;
		if (length > seg->ws_length)
			return false;
		sum += length;
		if (short_seen && length)
			return false;	/* §3.4.4: one item, in order */
		short_seen |= length < seg->ws_length;
		if (handle != seg->ws_handle ||
		    ((u64)hi << 32 | lo) != seg->ws_offset)
			__set_bit(FUZZ_LAX_SEG_CHANGED, lax);
	}
	if (sum > U32_MAX)
		return false;
	*written = sum;
	return true;
}

/*
 * RFC 8166 §4.2: the three chunk lists of an RDMA_MSG or RDMA_NOMSG
 * Reply, each discriminator exactly 0 or 1 (RFC 4506 §4.4).
 */
static bool ref_lists(struct ref_reader *rd, const struct rpcrdma_chunks *offer,
		      struct rpcrdma_reply_hdr *ref, unsigned long *lax)
{
	u32 more, reply;

	/* §4.2.1: Read chunks go from requester to responder only */
	if (!ref_word(rd, &more) || more != 0)
		return false;
	/* §4.2.2: the Write chunks offered come back; we offer one at most */
	if (!ref_word(rd, &more))
		return false;
	if (more == 1) {
		if (!offer->rc_write.ch_nsegs ||
		    !ref_chunk(rd, &offer->rc_write, &ref->rh_write_len, lax) ||
		    !ref_word(rd, &more))
			return false;
	} else if (offer->rc_write.ch_nsegs) {
		__set_bit(FUZZ_LAX_WRITE_ABSENT, lax);
	}
	if (more != 0)
		return false;
	/* §4.2.3: a Reply chunk only if one was offered */
	if (!ref_word(rd, &reply))
		return false;
	if (reply == 1) {
		if (!offer->rc_reply.ch_nsegs ||
		    !ref_chunk(rd, &offer->rc_reply, &ref->rh_reply_len, lax))
			return false;
	} else if (reply != 0) {
		return false;
	}
	/* §3.5.3: RDMA_NOMSG puts the message in the Reply chunk, MSG not */
	if (ref->rh_proc == RDMA_NOMSG)
		return ref->rh_reply_len != 0;
	return ref->rh_reply_len == 0;
}

/*
 * RFC 8166 §4.5: rdma_err.  ERR_VERS and its version range read the
 * same in every version of the protocol (§4.5.1), so it is understood
 * whatever rdma_vers says; ERR_CHUNK is a version 1 message.
 */
static bool ref_error(struct ref_reader *rd, struct rpcrdma_reply_hdr *ref)
{
	if (!ref_word(rd, &ref->rh_errcode))
		return false;
	if (ref->rh_errcode == ERR_VERS)
		return ref_word(rd, &ref->rh_vers_low) &&
		       ref_word(rd, &ref->rh_vers_high);
	return ref->rh_vers == 1 && ref->rh_errcode == ERR_CHUNK;
}

/*
 * RFC 8166 §4.1: rdma_xid, rdma_vers (1), rdma_credit (any: the caller
 * clamps it), rdma_proc; RDMA_MSGP and RDMA_DONE are gone (§4.6).
 * Fills @ref as the decoder should; returns whether to accept.
 */
static bool ref_decode(struct fuzz_case *fc,
		       struct rpcrdma_reply_hdr *ref, unsigned long *lax)
{
	struct ref_reader rd = {
		.rd_words = fc->fc_words,
		.rd_len = fc->fc_len,
	};
	bool ok;
	u32 xid;

	memset(ref, 0, sizeof(*ref));
	*lax = 0;
	fc->fc_short_rpc = false;
	if (!ref_word(&rd, &xid) || !ref_word(&rd, &ref->rh_vers) ||
	    !ref_word(&rd, &ref->rh_credits) || !ref_word(&rd, &ref->rh_proc))
		return false;
	ref->rh_xid = cpu_to_be32(xid);
	if (ref->rh_proc == RDMA_ERROR)
		ok = ref_error(&rd, ref);
	else
		ok = ref->rh_vers == 1 &&
		     (ref->rh_proc == RDMA_MSG || ref->rh_proc == RDMA_NOMSG) &&
		     ref_lists(&rd, &fc->fc_offer, ref, lax);
	ref->rh_hdrlen = rd.rd_pos * 4;
	if (ok && ref->rh_proc != RDMA_MSG && ref->rh_hdrlen < fc->fc_len)
		__set_bit(FUZZ_LAX_TRAILING, lax);
	/* RFC 5531 §9: no RPC reply is shorter than five words (MSG_DENIED,
	 * AUTH_ERROR); RDMA_MSG carries it inline, RDMA_NOMSG in its chunk.
	 * A valid generated Reply may be shorter: only this refuses it.
	 */
	if (ok && ref->rh_proc == RDMA_MSG &&
	    fc->fc_len - ref->rh_hdrlen < 20)
		fc->fc_short_rpc = true;
	if (ok && ref->rh_proc == RDMA_NOMSG && ref->rh_reply_len < 20)
		fc->fc_short_rpc = true;
	return ok && !fc->fc_short_rpc;
}

/* ---- Running a case ---- */

static void fuzz_dump_chunk(struct kunit *test, const char *name,
			    const struct rpcrdma_chunk *ch)
{
	const struct rpcrdma_wire_seg *seg;
	u32 i;

	for (i = 0; i < ch->ch_nsegs; i++) {
		seg = &ch->ch_segs[i];
		kunit_info(test,
			   "offered %s segment %u: handle 0x%08x length 0x%08x offset 0x%016llx",
			   name, i, seg->ws_handle, seg->ws_length,
			   seg->ws_offset);
	}
}

/* The image as it went on the wire, eight big-endian words a line */
static void fuzz_dump_image(struct kunit *test, const struct fuzz_case *fc)
{
	unsigned int i, n = fuzz_nwords(fc);
	char line[8 * 9 + 1];
	int used = 0;

	kunit_info(test, "header: %u bytes, hex by word:", fc->fc_len);
	for (i = 0; i < n; i++) {
		used += scnprintf(line + used, sizeof(line) - used, " %08x",
				  fc->fc_words[i]);
		if (i % 8 == 7 || i == n - 1) {
			kunit_info(test, "%03u:%s", i & ~7U, line);
			used = 0;
		}
	}
	if (fc->fc_len % 4)
		kunit_info(test,
			   "(only the first %u bytes of the last word are sent)",
			   fc->fc_len % 4);
}

static void fuzz_report(struct kunit *test, struct fuzz_case *fc,
			enum rpcrdma_reply_fault fault, bool ref_ok,
			const char *why)
{
	unsigned int i;

	fuzz_stats.mismatches++;
	if (fc->fc_reports++ >= FUZZ_REPORTS) {
		kunit_set_failure(test);
		return;
	}
	KUNIT_FAIL(test,
		   "seed=0x%llx case %llu: %s (decoder: %s at byte %u; RFC 8166 reading: %s at byte %u)",
		   fuzz_seed, fc->fc_index, why,
		   fault < FUZZ_NR_FAULTS ? fuzz_fault_names[fault] : "?",
		   fc->fc_hdr.rh_hdrlen, ref_ok ? "accept" : "refuse",
		   fc->fc_ref.rh_hdrlen);
	for (i = 0; i < fc->fc_nmutations; i++)
		kunit_info(test, "mutation %u: %s", i,
			   fuzz_mutation_names[fc->fc_mutations[i]]);
	fuzz_dump_chunk(test, "Write", &fc->fc_offer.rc_write);
	fuzz_dump_chunk(test, "Reply", &fc->fc_offer.rc_reply);
	fuzz_dump_image(test, fc);
}

/* The first field the two decodings differ in, or NULL */
static const char *fuzz_differs(const struct rpcrdma_reply_hdr *a,
				const struct rpcrdma_reply_hdr *b)
{
	if (a->rh_xid != b->rh_xid)
		return "rh_xid differs";
	if (a->rh_vers != b->rh_vers)
		return "rh_vers differs";
	if (a->rh_credits != b->rh_credits)
		return "rh_credits differs";
	if (a->rh_proc != b->rh_proc)
		return "rh_proc differs";
	if (a->rh_write_len != b->rh_write_len)
		return "rh_write_len differs";
	if (a->rh_reply_len != b->rh_reply_len)
		return "rh_reply_len differs";
	if (a->rh_errcode != b->rh_errcode)
		return "rh_errcode differs";
	if (a->rh_vers_low != b->rh_vers_low ||
	    a->rh_vers_high != b->rh_vers_high)
		return "rh_vers_low or rh_vers_high differs";
	if (a->rh_hdrlen != b->rh_hdrlen)
		return "rh_hdrlen differs";
	return NULL;
}

static u64 fuzz_offered_bytes(const struct rpcrdma_chunk *ch)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < ch->ch_nsegs; i++)
		sum += ch->ch_segs[i].ws_length;
	return sum;
}

/* What must hold of a refused header: a reason, nothing past the end */
static const char *fuzz_refusal_wrong(const struct fuzz_case *fc,
				      enum rpcrdma_reply_fault fault)
{
	const struct rpcrdma_reply_hdr *hdr = &fc->fc_hdr;

	if (fault >= FUZZ_NR_FAULTS)
		return "unknown fault reason";
	if (hdr->rh_write_len > fuzz_offered_bytes(&fc->fc_offer.rc_write) ||
	    hdr->rh_reply_len > fuzz_offered_bytes(&fc->fc_offer.rc_reply))
		return "refused header left a length that was never decoded";
	return NULL;
}

static void fuzz_check(struct kunit *test, struct fuzz_case *fc,
		       enum rpcrdma_reply_fault fault)
{
	unsigned int i;
	const char *why;
	unsigned long lax;
	bool ref_ok;

	ref_ok = ref_decode(fc, &fc->fc_ref, &lax);
	if (fc->fc_hdr.rh_fault != fault)
		why = "rh_fault is not the value returned";
	else if (fc->fc_hdr.rh_hdrlen > fc->fc_len)
		why = "decoded past the end of the message";
	else if (!fc->fc_nmutations && (fault || !ref_ok) &&
		 !fc->fc_short_rpc)
		why = "an unmutated valid Reply was refused";
	else if (fault && ref_ok)
		why = "refused a Reply RFC 8166 accepts";
	else if (!fault && !ref_ok)
		why = "accepted a Reply RFC 8166 refuses";
	else if (fault)
		why = fuzz_refusal_wrong(fc, fault);
	else
		why = fuzz_differs(&fc->fc_hdr, &fc->fc_ref);
	if (why) {
		fuzz_report(test, fc, fault, ref_ok, why);
		return;
	}
	if (fault) {
		fuzz_stats.refused[fault]++;
		return;
	}
	fuzz_stats.accepted++;
	if (!fc->fc_nmutations)
		fuzz_stats.unmutated++;
	for (i = 0; i < FUZZ_NR_LAX; i++)
		if (test_bit(i, &lax))
			fuzz_stats.lax[i]++;
}

/*
 * A kmalloc'd buffer of exactly @len bytes, so KASAN reports a read past
 * the message.  One per size, kept for the row: allocating per case
 * doubles the run time under KASAN and kmemleak.
 */
static void *fuzz_buffer(struct kunit *test, struct fuzz_case *fc,
			 unsigned int len)
{
	if (!fc->fc_bufs[len])
		fc->fc_bufs[len] = kunit_kmalloc(test, len, GFP_KERNEL);
	return fc->fc_bufs[len];
}

/* Decode case @index from a buffer that ends where the message does */
static void fuzz_run_case(struct kunit *test, struct fuzz_case *fc, u64 index)
{
	enum rpcrdma_reply_fault fault;
	unsigned int i;
	void *mem;

	fuzz_make_case(fc, index);
	KUNIT_ASSERT_LE(test, fc->fc_len, sizeof(fc->fc_words));
	for (i = 0; i < fuzz_nwords(fc); i++)
		fc->fc_wire[i] = cpu_to_be32(fc->fc_words[i]);
	mem = fuzz_buffer(test, fc, fc->fc_len);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	memcpy(mem, fc->fc_wire, fc->fc_len);

	memset(&fc->fc_hdr, FUZZ_POISON, sizeof(fc->fc_hdr));
	fault = rpcrdma_decode_reply(mem, fc->fc_len, &fc->fc_offer,
				     &fc->fc_hdr);
	fuzz_check(test, fc, fault);
	fuzz_stats.ran++;
}

/*
 * The rows of one run: a single object advanced in place, which is safe
 * because KUnit asks for the next row only once the last one has ended.
 */
static struct fuzz_row {
	u64	fr_first;
	u32	fr_count;
} fuzz_row;

static const void *fuzz_gen_params(const void *prev, char *desc)
{
	u64 first = prev ? fuzz_row.fr_first + FUZZ_ROW_CASES : 0;

	if (first >= fuzz_cases)
		return NULL;
	fuzz_row.fr_first = first;
	fuzz_row.fr_count = min_t(u64, FUZZ_ROW_CASES, fuzz_cases - first);
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "RFC 8166 §4 mutated Replies: seed 0x%llx cases %llu-%llu",
		 fuzz_seed, first, first + fuzz_row.fr_count - 1);
	return &fuzz_row;
}

static void fuzz_decode_test(struct kunit *test)
{
	const struct fuzz_row *row = test->param_value;
	u64 start = ktime_get_ns();
	struct fuzz_case *fc;
	u32 i;

	fc = kunit_kzalloc(test, sizeof(*fc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fc);
	for (i = 0; i < row->fr_count; i++) {
		fuzz_run_case(test, fc, row->fr_first + i);
		if (i % 256 == 255)
			cond_resched();
	}
	fuzz_stats.nsecs += ktime_get_ns() - start;
}

/* After the rows: how many ran, and what became of them */
static void fuzz_summary_test(struct kunit *test)
{
	unsigned int i;

	kunit_info(test, "seed 0x%llx: %llu of %u cases ran in %llu ms",
		   fuzz_seed, fuzz_stats.ran, fuzz_cases,
		   div_u64(fuzz_stats.nsecs, NSEC_PER_MSEC));
	kunit_info(test,
		   "accepted %llu (%llu of them unmutated), mismatches %llu",
		   fuzz_stats.accepted, fuzz_stats.unmutated,
		   fuzz_stats.mismatches);
	for (i = RPCRDMA_REPLY_OK + 1; i < FUZZ_NR_FAULTS; i++)
		kunit_info(test, "refused %s: %llu", fuzz_fault_names[i],
			   fuzz_stats.refused[i]);
	for (i = 0; i < FUZZ_NR_LAX; i++)
		kunit_info(test, "accepted, lax: %s: %llu", fuzz_lax_names[i],
			   fuzz_stats.lax[i]);

	KUNIT_EXPECT_EQ(test, fuzz_stats.ran, (u64)fuzz_cases);
	KUNIT_EXPECT_EQ(test, fuzz_stats.mismatches, 0);
	KUNIT_EXPECT_GT(test, fuzz_stats.unmutated, 0);
	/* the default run reaches every refusal the decoder can make */
	if (fuzz_cases < FUZZ_DEFAULT_CASES)
		return;
	for (i = RPCRDMA_REPLY_OK + 1; i < FUZZ_NR_FAULTS; i++)
		KUNIT_EXPECT_GT_MSG(test, fuzz_stats.refused[i], 0,
				    "no case was refused %s",
				    fuzz_fault_names[i]);
}

static int fuzz_suite_init(struct kunit_suite *suite)
{
	memset(&fuzz_stats, 0, sizeof(fuzz_stats));
	return 0;
}

static struct kunit_case reply_fuzz_cases[] = {
	KUNIT_CASE_PARAM(fuzz_decode_test, fuzz_gen_params),
	KUNIT_CASE(fuzz_summary_test),
	{}
};

static struct kunit_suite reply_fuzz_suite = {
	.name = "xprtrdma_reply_fuzz",
	.suite_init = fuzz_suite_init,
	.test_cases = reply_fuzz_cases,
};

kunit_test_suite(reply_fuzz_suite);
