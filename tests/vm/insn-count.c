// SPDX-License-Identifier: GPL-2.0-only
/*
 * insn-count: a QEMU TCG plugin (QEMU 7.2's plugin API, version 1) that
 * counts the guest instructions executed between markers, for make
 * bench's instruction counts per RPC (tests/vm/bench).  Instruction
 * counts do not depend on how loaded the host is, so unlike the guest's
 * CPU time they resolve differences of a few per cent under TCG.
 *
 * The guest marks the start and the end of a measurement by running
 * tests/vm/insn-mark, which executes one 8-byte NOP whose displacement is
 * a magic number (MARK_BEGIN, MARK_END).  At a BEGIN the plugin notes
 * every counter; at an END it appends to its output file
 *
 *   end SEQ user USER kernel KERNEL
 *   k ADDRESS INSNS        (one per kernel block run since the BEGIN)
 *   .
 *
 * SEQ counts the markers from 1; USER and KERNEL are the instructions
 * executed at user and kernel addresses since the BEGIN; each "k" line
 * is a translation block's start address (hex) in the kernel's half and
 * the instructions executed in blocks starting there, for the profile
 * (tests/vm/bench-insn maps them to functions).  Blocks are counted
 * whole, at their entry, as QEMU's inline counters do.
 *
 * Usage: qemu-system-x86_64 ... -plugin PATH/insn-count.so,out=FILE
 * The guest must have one vCPU: the counters are plain (not atomic)
 * additions, which only one vCPU thread may make.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The part of QEMU's plugin API (include/qemu/qemu-plugin.h, version 1)
 * used here, declared by hand: Debian ships QEMU without that header.
 */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;

typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *udata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* nopl MAGIC(%rax,%rax,1): 0f 1f 84 00, then the displacement */
#define MARK_BEGIN	0x30425258u	/* "XRB0" */
#define MARK_END	0x31425258u	/* "XRB1" */

/* Addresses at or above this are the kernel's (x86-64, 4- or 5-level). */
#define KERNEL_HALF	0xff00000000000000ull

/*
 * One counter per kernel block start address, in an open-addressed table
 * that never moves (QEMU's inline additions hold the counters' addresses).
 * Entries are only added, by the one vCPU thread's translations.
 */
struct block {
	uint64_t vaddr;
	uint64_t insns;		/* executed in blocks starting at vaddr */
	uint64_t mark;		/* insns at the last BEGIN */
};

#define TABLE_BITS	20
#define TABLE_SIZE	(1u << TABLE_BITS)

static struct block *table;
static uint64_t user_insns, user_mark;
static uint64_t spill_insns, spill_mark;	/* kernel blocks past a full table */
static uint64_t seq;
static FILE *out;

static struct block *block_of(uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS);
	unsigned int i;

	for (i = 0; i < TABLE_SIZE / 2; i++) {
		struct block *b = &table[(h + i) & (TABLE_SIZE - 1)];

		if (b->vaddr == vaddr)
			return b;
		if (!b->vaddr) {
			b->vaddr = vaddr;
			return b;
		}
	}
	return NULL;
}

static void mark_begin(void)
{
	unsigned int i;

	for (i = 0; i < TABLE_SIZE; i++)
		table[i].mark = table[i].insns;
	user_mark = user_insns;
	spill_mark = spill_insns;
}

static void mark_end(void)
{
	uint64_t kernel = spill_insns - spill_mark;
	unsigned int i;

	for (i = 0; i < TABLE_SIZE; i++)
		kernel += table[i].insns - table[i].mark;
	fprintf(out, "end %" PRIu64 " user %" PRIu64 " kernel %" PRIu64 "\n",
		seq, user_insns - user_mark, kernel);
	for (i = 0; i < TABLE_SIZE; i++) {
		struct block *b = &table[i];

		if (b->insns != b->mark)
			fprintf(out, "k %" PRIx64 " %" PRIu64 "\n", b->vaddr,
				b->insns - b->mark);
	}
	fputs(".\n", out);
	fflush(out);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	seq++;
	if ((uintptr_t)udata == MARK_BEGIN)
		mark_begin();
	else
		mark_end();
}

static uint32_t marker(const struct qemu_plugin_insn *insn)
{
	const uint8_t *p = qemu_plugin_insn_data(insn);
	uint32_t disp;

	if (qemu_plugin_insn_size(insn) != 8 || p[0] != 0x0f || p[1] != 0x1f ||
	    p[2] != 0x84 || p[3] != 0x00)
		return 0;
	memcpy(&disp, p + 4, sizeof(disp));
	return disp == MARK_BEGIN || disp == MARK_END ? disp : 0;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	uint64_t *counter = &user_insns;

	(void)id;
	if (vaddr >= KERNEL_HALF) {
		struct block *b = block_of(vaddr);

		counter = b ? &b->insns : &spill_insns;
	} else {
		for (i = 0; i < n; i++) {
			struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
			uint32_t m = marker(insn);

			if (m)
				qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
					QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)m);
		}
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 counter, n);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fprintf(out, "exit %" PRIu64 " markers\n", seq);
	fclose(out);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	if (!path || !info->system_emulation ||
	    strcmp(info->target_name, "x86_64")) {
		qemu_plugin_outs("insn-count: needs out=FILE, an x86_64 system guest\n");
		return -1;
	}
	if (info->system.max_vcpus > 2 || info->system.smp_vcpus != 1) {
		qemu_plugin_outs("insn-count: the guest must have one vCPU\n");
		return -1;
	}
	table = calloc(TABLE_SIZE, sizeof(*table));
	out = fopen(path, "w");
	if (!table || !out) {
		qemu_plugin_outs("insn-count: no memory or no output file\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
