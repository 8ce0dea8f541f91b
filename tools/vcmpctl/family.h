/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - requests of the generic netlink family "vcmp" (uapi/linux/vcmp.h)
 * shared by the commands: opening the family, building requests for a
 * device, exchanging them, reading a device and its peers.
 */
#ifndef VCMPCTL_FAMILY_H
#define VCMPCTL_FAMILY_H

#include <stddef.h>
#include <stdint.h>

#include <netlink/msg.h>

#include "model.h"
#include "nl.h"

/* Open the family; says what is wrong and returns -1 on failure. */
int family_open(struct vnl *nl);

/*
 * A request @cmd with @flags (NLM_F_DUMP, ...) for the device @dev, with
 * room for @size bytes of attributes (0: a page). NULL when out of memory.
 */
struct nl_msg *family_msg(struct vnl *nl, uint8_t cmd, int flags,
			  const char *dev, size_t size);

/*
 * Send @msg (NULL: building it failed), free it and read the answer,
 * passing replies to @parse. Reports a failure; returns 0 or -1.
 */
int family_exchange(struct vnl *nl, struct nl_msg *msg, vnl_parse_fn parse,
		    void *arg);

/* VCMP_CMD_DEV_GET of @dev into @d. */
int family_dev_get(struct vnl *nl, const char *dev, struct vdev *d);

/* All peers of @dev (a dump, retried if the peers changed meanwhile). */
int family_peers_get(struct vnl *nl, const char *dev, struct vpeers *peers);

/* Peer @id of @dev, appended to @peers. */
int family_peer_get(struct vnl *nl, const char *dev, uint32_t id,
		    struct vpeers *peers);

#endif /* VCMPCTL_FAMILY_H */
