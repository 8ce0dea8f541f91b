/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - "dev" object: vcmp devices over rtnetlink.
 */
#ifndef VCMPCTL_DEV_H
#define VCMPCTL_DEV_H

#include <stddef.h>
#include <net/if.h>

#include "vcmpctl.h"

extern const struct vcmpctl_object dev_object;

/*
 * The names of the vcmp devices of this namespace, or only @name (which
 * must then be one). *@names is to be freed. Reports failures; 0 or -1.
 */
int dev_names(const char *name, char (**names)[IFNAMSIZ], size_t *n);

#endif /* VCMPCTL_DEV_H */
