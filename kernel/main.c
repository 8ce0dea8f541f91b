// SPDX-License-Identifier: GPL-2.0
/*
 * vcmp - VeloCloud MultiPath (VCMP) compatible SD-WAN tunnel.
 * Module init and exit only.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "device.h"

static int __init vcmp_init(void)
{
	int err;

	err = vcmp_device_init();
	if (err)
		return err;
	pr_info("vcmp " VCMP_VERSION " loaded\n");
	return 0;
}

static void __exit vcmp_exit(void)
{
	vcmp_device_exit();
}

module_init(vcmp_init);
module_exit(vcmp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VCMP-compatible SD-WAN multipath tunnel");
MODULE_VERSION(VCMP_VERSION);
MODULE_ALIAS_RTNL_LINK("vcmp");
