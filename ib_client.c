// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device removal.  An ib_client learns of every RDMA device; each
 * connection joins its device's list once its address is resolved.  When
 * a device goes away (rdma link delete, its driver unloaded) the remove
 * callback closes every connection on the list and waits until each has
 * freed its QP, CQs, MRs and PD, so that ib_unregister_device() finishes
 * promptly and the module of the device can be unloaded.  Connecting to
 * a device that is going away fails with -ENODEV, which SUNRPC retries:
 * I/O resumes once a device with the route comes back.
 */

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <rdma/ib_verbs.h>

#include "xprt_rdma.h"

/**
 * struct rpcrdma_device - an RDMA device and the connections using it
 * @rd_link: on rpcrdma_devices
 * @rd_device: the device
 * @rd_eps: connections with verbs resources on @rd_device, linked by
 *	rpcrdma_ep.re_device_link
 * @rd_removing: the remove callback runs: no connection may join
 *
 * All of it, and every rpcrdma_ep.re_device_link, under rpcrdma_devices_lock;
 * only the remove callback's wait reads @rd_eps without it (see there).
 */
struct rpcrdma_device {
	struct list_head	rd_link;
	struct ib_device	*rd_device;
	struct list_head	rd_eps;
	bool			rd_removing;
};

static LIST_HEAD(rpcrdma_devices);
static DEFINE_MUTEX(rpcrdma_devices_lock);
/* Woken whenever a connection leaves its device's list */
static DECLARE_WAIT_QUEUE_HEAD(rpcrdma_devices_wait);

/* Caller holds rpcrdma_devices_lock */
static struct rpcrdma_device *rpcrdma_device_find(struct ib_device *device)
{
	struct rpcrdma_device *rd;

	list_for_each_entry(rd, &rpcrdma_devices, rd_link)
		if (rd->rd_device == device)
			return rd;
	return NULL;
}

static int rpcrdma_add_one(struct ib_device *device)
{
	struct rpcrdma_device *rd;

	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return -ENOMEM;
	rd->rd_device = device;
	INIT_LIST_HEAD(&rd->rd_eps);
	mutex_lock(&rpcrdma_devices_lock);
	list_add(&rd->rd_link, &rpcrdma_devices);
	mutex_unlock(&rpcrdma_devices_lock);
	return 0;
}

static void rpcrdma_remove_one(struct ib_device *device, void *client_data)
{
	struct rpcrdma_device *rd;
	struct rpcrdma_ep *ep;

	mutex_lock(&rpcrdma_devices_lock);
	rd = rpcrdma_device_find(device);
	if (!rd) {
		mutex_unlock(&rpcrdma_devices_lock);
		return;
	}
	rd->rd_removing = true;
	list_for_each_entry(ep, &rd->rd_eps, re_device_link)
		rpcrdma_ep_device_removed(ep);
	mutex_unlock(&rpcrdma_devices_lock);

	/* Each close frees the verbs resources, then leaves the list.  The
	 * condition may not sleep, so it cannot take the lock: with
	 * rd_removing set nothing joins, and list_del_init() is the only
	 * change left, which list_empty_careful() may race with.
	 */
	wait_event(rpcrdma_devices_wait, list_empty_careful(&rd->rd_eps));

	mutex_lock(&rpcrdma_devices_lock);
	list_del(&rd->rd_link);
	mutex_unlock(&rpcrdma_devices_lock);
	kfree(rd);
}

static struct ib_client rpcrdma_ib_client = {
	.name	= "xprtrdma",
	.add	= rpcrdma_add_one,
	.remove	= rpcrdma_remove_one,
};

/**
 * rpcrdma_device_attach - put a connection on its device's list
 * @ep: a connection whose address is resolved, with no verbs resources yet
 *
 * Context: process context, may sleep.
 *
 * Return: 0, or -ENODEV when the device is going away or unknown.
 */
int rpcrdma_device_attach(struct rpcrdma_ep *ep)
{
	struct rpcrdma_device *rd;
	int rc = -ENODEV;

	mutex_lock(&rpcrdma_devices_lock);
	rd = rpcrdma_device_find(ep->re_id->device);
	if (rd && !rd->rd_removing) {
		list_add(&ep->re_device_link, &rd->rd_eps);
		rc = 0;
	}
	mutex_unlock(&rpcrdma_devices_lock);
	return rc;
}

/**
 * rpcrdma_device_detach - take a connection off its device's list
 * @ep: a connection whose verbs resources are all freed
 *
 * Idempotent; a remove callback waiting for the device may then finish.
 *
 * Context: process context, may sleep.
 */
void rpcrdma_device_detach(struct rpcrdma_ep *ep)
{
	mutex_lock(&rpcrdma_devices_lock);
	list_del_init(&ep->re_device_link);
	mutex_unlock(&rpcrdma_devices_lock);
	wake_up_all(&rpcrdma_devices_wait);
}

/**
 * rpcrdma_ib_client_register - learn of RDMA devices as they come and go
 *
 * Context: module init.
 *
 * Return: 0 or -errno from ib_register_client().
 */
int rpcrdma_ib_client_register(void)
{
	return ib_register_client(&rpcrdma_ib_client);
}

/**
 * rpcrdma_ib_client_unregister - stop learning of RDMA devices
 *
 * Context: module exit, with no transport left.
 */
void rpcrdma_ib_client_unregister(void)
{
	ib_unregister_client(&rpcrdma_ib_client);
}
