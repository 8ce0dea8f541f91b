/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - "link" object: vcmp devices over rtnetlink.
 */
#ifndef VCMPCTL_LINK_H
#define VCMPCTL_LINK_H

#include "vcmpctl.h"

extern const struct vcmpctl_object link_object;

#endif /* VCMPCTL_LINK_H */
