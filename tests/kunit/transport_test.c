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

/*
 * What call_connect_status() (net/sunrpc/clnt.c) retries; any other
 * errno from a connect ends the RPC, which a hard mount reports as EIO.
 */
static bool connect_status_retries(int rc)
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
	case -ENOBUFS:
		return true;
	}
	return false;
}

struct connect_case {
	const char *rule;
	int rc;		/* why the connect failed */
	int want;	/* what waiting RPCs are told */
};

static const struct connect_case connect_cases[] = {
	{ .rule = "DEVICE_REMOVAL or ADDR_CHANGE during a connect (ENODEV) is retried, not EIO",
	  .rc = -ENODEV, .want = -EHOSTUNREACH },
	{ .rule = "a device that cannot do FRWR (EOPNOTSUPP) is retried later",
	  .rc = -EOPNOTSUPP, .want = -EHOSTUNREACH },
	{ .rule = "an allocation failure during setup (ENOMEM) is retried",
	  .rc = -ENOMEM, .want = -EAGAIN },
	{ .rule = "a DMA mapping failure (EIO) is retried",
	  .rc = -EIO, .want = -EHOSTUNREACH },
	{ .rule = "an address on no RDMA device (EADDRNOTAVAIL) is retried",
	  .rc = -EADDRNOTAVAIL, .want = -EHOSTUNREACH },
	{ .rule = "an rdma_cm argument error (EINVAL) is retried",
	  .rc = -EINVAL, .want = -EHOSTUNREACH },
	{ .rule = "an interrupted wait (ERESTARTSYS) is retried",
	  .rc = -ERESTARTSYS, .want = -EHOSTUNREACH },
	{ .rule = "a rejected connection keeps ECONNREFUSED (rebind; soft connects fail)",
	  .rc = -ECONNREFUSED, .want = -ECONNREFUSED },
	{ .rule = "a connect that timed out keeps ETIMEDOUT",
	  .rc = -ETIMEDOUT, .want = -ETIMEDOUT },
	{ .rule = "an unreachable route keeps ENETUNREACH",
	  .rc = -ENETUNREACH, .want = -ENETUNREACH },
	{ .rule = "an address resolution error keeps EPROTO",
	  .rc = -EPROTO, .want = -EPROTO },
	{ .rule = "a connection lost while connecting keeps ECONNABORTED",
	  .rc = -ECONNABORTED, .want = -ECONNABORTED },
	{ .rule = "a failed connect (CONNECT_ERROR) keeps ENOTCONN",
	  .rc = -ENOTCONN, .want = -ENOTCONN },
};

static void connect_case_desc(const struct connect_case *c, char *desc)
{
	strscpy(desc, c->rule, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(connect, connect_cases, connect_case_desc);

static void connect_errno_test(struct kunit *test)
{
	const struct connect_case *c = test->param_value;
	int rc = rpcrdma_connect_errno(c->rc);

	KUNIT_EXPECT_EQ(test, rc, c->want);
	KUNIT_EXPECT_TRUE_MSG(test, connect_status_retries(rc),
			      "call_connect_status() fails the RPC on %d", rc);
}

static struct kunit_case connect_status_cases[] = {
	KUNIT_CASE_PARAM(connect_errno_test, connect_gen_params),
	{}
};

static struct kunit_suite connect_status_suite = {
	.name = "xprtrdma_connect_status",
	.test_cases = connect_status_cases,
};

static struct kunit_case transport_class_cases[] = {
	KUNIT_CASE_PARAM(netid_lookup_test, netid_gen_params),
	KUNIT_CASE(ident_taken_test),
	{}
};

static struct kunit_suite transport_class_suite = {
	.name = "xprtrdma_transport_class",
	.test_cases = transport_class_cases,
};

kunit_test_suites(&transport_class_suite, &connect_status_suite);

MODULE_DESCRIPTION("KUnit tests for the xprtrdma transport class");
MODULE_LICENSE("GPL");
