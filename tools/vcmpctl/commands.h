/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - the generic netlink objects ("peer", "link", "sa") and the
 * commands that stand alone ("show", "showconf", "setconf", "genkey",
 * "monitor"), each in a file of its own.
 */
#ifndef VCMPCTL_COMMANDS_H
#define VCMPCTL_COMMANDS_H

#include <stdint.h>

#include "model.h"
#include "nl.h"
#include "vcmpctl.h"

extern const struct vcmpctl_object peer_object;		/* peer.c */
extern const struct vcmpctl_object link_object;		/* link.c */
extern const struct vcmpctl_object sa_object;		/* sa.c */
extern const struct vcmpctl_object genkey_command;	/* sa.c */
extern const struct vcmpctl_object class_object;	/* policy.c */
extern const struct vcmpctl_object rule_object;		/* policy.c */
extern const struct vcmpctl_object show_command;	/* show.c */
extern const struct vcmpctl_object showconf_command;	/* conf.c */
extern const struct vcmpctl_object setconf_command;	/* conf.c */
extern const struct vcmpctl_object monitor_command;	/* monitor.c */

/*
 * "DEV PEER" at the start of a command's arguments (at least @min words
 * in all). Returns 0, or -1 having said what is wrong.
 */
int parse_dev_peer(int argc, char **argv, int min, const char **dev,
		   uint32_t *peer);

/*
 * Requests shared by the peer commands and setconf (peer.c). Each reports
 * its failure and returns 0 or -1. peer_new() sends the peer with its
 * links and prefixes (in several requests if there are many prefixes),
 * peer_set() its segment, suite and prefixes (replacing them if
 * peer->replace).
 */
int peer_new(struct vnl *nl, const char *dev, const struct vpeer *peer);
int peer_set(struct vnl *nl, const char *dev, struct vpeer *peer);
int peer_del(struct vnl *nl, const char *dev, uint32_t id);
int link_new(struct vnl *nl, const char *dev, uint32_t peer,
	     const struct vlink *link);
int link_del(struct vnl *nl, const char *dev, uint32_t peer, uint8_t id);
int sa_new(struct vnl *nl, const char *dev, uint32_t peer,
	   const struct vsa *sa);

#endif /* VCMPCTL_COMMANDS_H */
