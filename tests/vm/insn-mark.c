// SPDX-License-Identifier: GPL-2.0-only
/*
 * insn-mark: run in a guest under tests/vm/insn-count (the QEMU plugin),
 * marks the start ("begin") or the end ("end") of a measurement: one
 * 8-byte NOP whose displacement the plugin recognises, per argument, in
 * their order.  Without the plugin it does nothing.
 *
 * Usage: insn-mark begin|end...
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int i;

	if (argc < 2)
		goto usage;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "begin"))
			/* nopl 0x30425258(%rax,%rax,1) */
			asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x58, 0x52, 0x42, 0x30");
		else if (!strcmp(argv[i], "end"))
			/* nopl 0x31425258(%rax,%rax,1) */
			asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 0x58, 0x52, 0x42, 0x31");
		else
			goto usage;
	}
	return 0;
usage:
	fputs("usage: insn-mark begin|end...\n", stderr);
	return 2;
}
