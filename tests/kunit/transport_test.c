// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: how SUNRPC finds the RPC-over-RDMA transport class.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sunrpc/xprt.h>

#include "xprt_rdma.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct netid_case {
	const char *netid;
	int ident;
	const char *rule;
};

static const struct netid_case netid_cases[] = {
	{ "rdma",  XPRT_TRANSPORT_RDMA,
	  "RFC 5665 netid \"rdma\" names RPC-over-RDMA on IPv4" },
	{ "rdma6", XPRT_TRANSPORT_RDMA,
	  "RFC 5665 netid \"rdma6\" names RPC-over-RDMA on IPv6" },
	{ "rdmax", -ENOENT,
	  "a netid that merely starts with \"rdma\" is not ours" },
};

static void netid_case_desc(const struct netid_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->rule);
}

KUNIT_ARRAY_PARAM(netid, netid_cases, netid_case_desc);

static void netid_lookup_test(struct kunit *test)
{
	const struct netid_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xprt_find_transport_ident(c->netid), c->ident);
}

static struct xprt_class rival_class = {
	.list	= LIST_HEAD_INIT(rival_class.list),
	.name	= "rdma-rival",
	.owner	= THIS_MODULE,
	.ident	= XPRT_TRANSPORT_RDMA,
	.netid	= { "rdma-rival", "" },
};

/* A second owner of XPRT_TRANSPORT_RDMA (say, rpcrdma.ko) is refused. */
static void ident_taken_test(struct kunit *test)
{
	int rc;

	rc = rpcrdma_register_class(&rival_class);
	if (rc == 0)
		xprt_unregister_transport(&rival_class);
	KUNIT_EXPECT_EQ(test, rc, -EEXIST);
	KUNIT_EXPECT_EQ(test, xprt_find_transport_ident("rdma-rival"), -ENOENT);
	KUNIT_EXPECT_EQ(test, xprt_find_transport_ident("rdma"),
			XPRT_TRANSPORT_RDMA);
}

static struct kunit_case transport_class_cases[] = {
	KUNIT_CASE_PARAM(netid_lookup_test, netid_gen_params),
	KUNIT_CASE(ident_taken_test),
	{}
};

static struct kunit_suite transport_class_suite = {
	.name = "xprtrdma_transport_class",
	.test_cases = transport_class_cases,
};

kunit_test_suite(transport_class_suite);

MODULE_DESCRIPTION("KUnit tests for the xprtrdma transport class");
MODULE_LICENSE("GPL");
