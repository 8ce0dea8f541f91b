// SPDX-License-Identifier: GPL-2.0
/*
 * vcmp - VeloCloud MultiPath (VCMP) compatible SD-WAN tunnel.
 * Module init and exit only.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/vcmp.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "crypto.h"
#include "device.h"
#include "fec.h"
#include "main.h"
#include "netlink.h"

struct workqueue_struct *vcmp_wq;

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Run the built-in self-tests at load and refuse to load if one fails");

static int __init vcmp_init(void)
{
	int err;

	if (selftest) {
		err = vcmp_crypto_selftest();
		if (err)
			return err;
	}

	vcmp_fec_init();

	vcmp_wq = alloc_workqueue("vcmp", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!vcmp_wq)
		return -ENOMEM;

	err = vcmp_device_init();
	if (err)
		goto err_destroy_wq;
	err = vcmp_genl_init();
	if (err)
		goto err_device_exit;
	pr_info("vcmp " VCMP_VERSION " loaded\n");
	return 0;

err_device_exit:
	vcmp_device_exit();
err_destroy_wq:
	destroy_workqueue(vcmp_wq);
	return err;
}

static void __exit vcmp_exit(void)
{
	vcmp_genl_exit();
	vcmp_device_exit();
	/* Let the RCU callbacks queue their work, then drain it. */
	rcu_barrier();
	destroy_workqueue(vcmp_wq);
}

module_init(vcmp_init);
module_exit(vcmp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VCMP-compatible SD-WAN multipath tunnel");
MODULE_VERSION(VCMP_VERSION);
MODULE_ALIAS_RTNL_LINK("vcmp");
MODULE_ALIAS_GENL_FAMILY(VCMP_GENL_NAME);
