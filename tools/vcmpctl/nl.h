/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - netlink plumbing: sockets, request/acknowledgment exchanges and
 * the kernel's extended ACK error messages.
 */
#ifndef VCMPCTL_NL_H
#define VCMPCTL_NL_H

#include <linux/netlink.h>
#include <netlink/msg.h>

#define VNL_EXTACK_MAX	512
#define VNL_GENL_RCVBUF	(1 << 20)	/* receive buffer of genl sockets */

/*
 * A netlink socket and the outcome of the last operation on it. After a
 * failure exactly one of @err and @nlerr is set.
 */
struct vnl {
	struct nl_sock *sk;
	int family;			/* generic netlink family id */
	int err;			/* errno (kernel or local), 0 if none */
	int nlerr;			/* libnl error code (NLE_*), 0 if none */
	char extack[VNL_EXTACK_MAX];	/* kernel's message with @err, or "" */
};

/*
 * Called for every reply message of a request other than the final ACK or
 * NLMSG_DONE. Returns 0, or a negative errno: the request then fails with
 * that error once the kernel has finished answering.
 */
typedef int (*vnl_parse_fn)(struct nlmsghdr *nlh, void *arg);

/* Open a socket of @protocol (NETLINK_ROUTE, ...) with extended ACKs on. */
int vnl_open(struct vnl *nl, int protocol);
void vnl_close(struct vnl *nl);

/*
 * Open a generic netlink socket and resolve the id of @family into
 * nl->family. Returns 0 or -1 (nl->nlerr NLE_OBJ_NOTFOUND: no such family).
 */
int vnl_open_genl(struct vnl *nl, const char *family);

/* The id of multicast group @group of @family, or -1. */
int vnl_genl_group(struct vnl *nl, const char *family, const char *group);

/*
 * Send @msg (still owned by the caller) and read the replies, passing each
 * to @parse (may be NULL), until the ACK, the end of a dump or an error.
 * Returns 0 or -1; on -1, @nl says why (see vnl_perror()).
 */
int vnl_request(struct vnl *nl, struct nl_msg *msg, vnl_parse_fn parse,
		void *arg);

/* Record a local failure with errno @err; vnl_perror() will report it. */
void vnl_fail(struct vnl *nl, int err);

/*
 * Report the failure recorded in @nl on stderr: "Error: <extack>" when the
 * kernel gave a message, then "vcmpctl: <strerror>".
 */
void vnl_perror(const struct vnl *nl);

#endif /* VCMPCTL_NL_H */
