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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

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
	__u64 vaddr;
	__u64 insns;		/* executed in blocks starting at vaddr */
	__u64 mark;		/* insns at the last BEGIN */
};

#define TABLE_BITS	20
#define TABLE_SIZE	0x100000u	/* 2 to the TABLE_BITS */

static struct block *table;
static __u64 user_insns, user_mark;
static __u64 spill_insns, spill_mark;	/* kernel blocks past a full table */
static __u64 seq;
static FILE *out;

static struct block *block_of(__u64 vaddr)
{
	__u64 h = (vaddr * 0x9e3779b97f4a7c15ull) >> (64 - TABLE_BITS);
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
	__u64 kernel = spill_insns - spill_mark;
	unsigned int i;

	for (i = 0; i < TABLE_SIZE; i++)
		kernel += table[i].insns - table[i].mark;
	fprintf(out, "end %llu user %llu kernel %llu\n", seq,
		user_insns - user_mark, kernel);
	for (i = 0; i < TABLE_SIZE; i++) {
		struct block *b = &table[i];

		if (b->insns != b->mark)
			fprintf(out, "k %llx %llu\n", b->vaddr,
				b->insns - b->mark);
	}
	fputs(".\n", out);
	fflush(out);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	seq++;
	if ((size_t)udata == MARK_BEGIN)
		mark_begin();
	else
		mark_end();
}

static __u32 marker(const struct qemu_plugin_insn *insn)
{
	const __u8 *p = qemu_plugin_insn_data(insn);
	__u32 disp;

	if (qemu_plugin_insn_size(insn) != 8 || p[0] != 0x0f || p[1] != 0x1f ||
	    p[2] != 0x84 || p[3] != 0x00)
		return 0;
	memcpy(&disp, p + 4, sizeof(disp));
	return disp == MARK_BEGIN || disp == MARK_END ? disp : 0;
}

static void on_translate(__u64 id, struct qemu_plugin_tb *tb)
{
	__u64 vaddr = qemu_plugin_tb_vaddr(tb);
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	__u64 *counter = &user_insns;

	(void)id;
	if (vaddr >= KERNEL_HALF) {
		struct block *b = block_of(vaddr);

		counter = b ? &b->insns : &spill_insns;
	} else {
		for (i = 0; i < n; i++) {
			struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
			__u32 m = marker(insn);

			if (m)
				qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
								       QEMU_PLUGIN_CB_NO_REGS,
								       (void *)(size_t)m);
		}
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 counter, n);
}

static void at_exit(__u64 id, void *udata)
{
	(void)id;
	(void)udata;
	fprintf(out, "exit %llu markers\n", seq);
	fclose(out);
}

EXPORT int qemu_plugin_install(__u64 id, const struct qemu_info *info,
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
