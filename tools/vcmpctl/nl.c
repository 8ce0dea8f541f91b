// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - netlink plumbing: sockets, request/acknowledgment exchanges and
 * the kernel's extended ACK error messages.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"
#include "vcmpctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* State of one vnl_request() exchange, shared by its callbacks. */
struct vnl_req {
	struct vnl *nl;
	vnl_parse_fn parse;
	void *arg;
	int parse_err;		/* first error of @parse, negative errno */
	bool done;		/* ACK, NLMSG_DONE or error received */
};

static void vnl_reset(struct vnl *nl)
{
	nl->err = 0;
	nl->nlerr = 0;
	nl->extack[0] = '\0';
}

/* Print an extended ACK message the way iproute2 does. */
static void vnl_print_extack(const char *level, const char *msg)
{
	size_t len = strlen(msg);

	fprintf(stderr, "%s: %s%s\n", level, msg,
		len && msg[len - 1] == '.' ? "" : ".");
}

/*
 * When the kernel names the policy an attribute failed (the core's own
 * messages, such as "integer out of range"), append the valid range to
 * the message in @buf.
 */
static void vnl_extack_policy(struct nlattr *policy, char *buf, size_t size)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];
	size_t len = strlen(buf);
	uint64_t min, max;
	const char *what;
	int lo, hi;

	if (!len || nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, policy,
				     NULL) < 0)
		return;
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
	    tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
		lo = NL_POLICY_TYPE_ATTR_MIN_VALUE_U;
		hi = NL_POLICY_TYPE_ATTR_MAX_VALUE_U;
		what = "valid range";
	} else if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH] ||
		   tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]) {
		lo = NL_POLICY_TYPE_ATTR_MIN_LENGTH;
		hi = NL_POLICY_TYPE_ATTR_MAX_LENGTH;
		what = "valid length";
	} else {
		return;
	}
	if (nla_len(tb[lo] ? tb[lo] : tb[hi]) < 4)
		return;
	min = tb[lo] ? (nla_len(tb[lo]) >= 8 ? nla_get_u64(tb[lo]) :
					       nla_get_u32(tb[lo])) : 0;
	if (tb[hi] && nla_len(tb[hi]) >= 4) {
		max = nla_len(tb[hi]) >= 8 ? nla_get_u64(tb[hi]) :
					     nla_get_u32(tb[hi]);
		snprintf(buf + len, size - len, " (%s %llu to %llu)", what,
			 (unsigned long long)min, (unsigned long long)max);
	} else {
		snprintf(buf + len, size - len, " (%s: at least %llu)", what,
			 (unsigned long long)min);
	}
}

/*
 * Copy the NLMSGERR_ATTR_MSG string of @nlh (an NLMSG_ERROR or NLMSG_DONE
 * message) to @buf, or make @buf empty if it has none. @off is where the TLVs
 * start in the payload; SIZE_MAX if the message cannot carry any.
 */
static void vnl_extack_msg(struct nlmsghdr *nlh, size_t off, char *buf,
			   size_t size)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t payload;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (off >= payload)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      (int)(payload - off), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], size);
	if (tb[NLMSGERR_ATTR_POLICY])
		vnl_extack_policy(tb[NLMSGERR_ATTR_POLICY], buf, size);
}

/*
 * Offset of the TLVs in the payload of the NLMSG_ERROR @nlh: after the
 * struct nlmsgerr and, unless the kernel capped the message, a copy of the
 * payload of the request.
 */
static size_t vnl_error_tlv_offset(struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off = NLMSG_ALIGN(sizeof(*e));

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return SIZE_MAX;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	return off;
}

static int vnl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct vnl_req *req = arg;
	int err;

	/* After a parse error, keep reading (to the end of a dump) but skip. */
	if (!req->parse || req->parse_err)
		return NL_SKIP;
	err = req->parse(nlmsg_hdr(msg), req->arg);
	if (err < 0)
		req->parse_err = err;
	return NL_OK;
}

/* NLMSG_ERROR with error 0: the request succeeded, maybe with a warning. */
static int vnl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vnl_req *req = arg;
	char warning[VNL_EXTACK_MAX];

	vnl_extack_msg(nlh, vnl_error_tlv_offset(nlh), warning,
		       sizeof(warning));
	if (warning[0])
		vnl_print_extack("Warning", warning);
	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: end of a dump, with its status (an int) and maybe TLVs. */
static int vnl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vnl_req *req = arg;
	struct vnl *nl = req->nl;
	char text[VNL_EXTACK_MAX];
	int status;

	req->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(status))
		return NL_STOP;
	memcpy(&status, nlmsg_data(nlh), sizeof(status));
	vnl_extack_msg(nlh, NLMSG_ALIGN(sizeof(status)), text, sizeof(text));
	if (status < 0) {
		nl->err = -status;
		memcpy(nl->extack, text, sizeof(nl->extack));
	} else if (text[0]) {
		vnl_print_extack("Warning", text);
	}
	return NL_STOP;
}

/* NLMSG_ERROR with a non-zero error: record the errno and the message. */
static int vnl_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e,
			void *arg)
{
	/* libnl hands over the payload; the header precedes it. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct vnl_req *req = arg;
	struct vnl *nl = req->nl;

	(void)nla;
	nl->err = e->error < 0 ? -e->error : EPROTO;
	vnl_extack_msg(nlh, vnl_error_tlv_offset(nlh), nl->extack,
		       sizeof(nl->extack));
	req->done = true;
	return NL_STOP;
}

static int vnl_set_sockopt(int fd, int opt)
{
	int one = 1;

	/* Kernels older than the option work, just less helpfully. */
	if (setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT)
		return -errno;
	return 0;
}

int vnl_open(struct vnl *nl, int protocol)
{
	int err, fd;

	vnl_reset(nl);
	nl->family = 0;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		nl->err = ENOMEM;
		return -1;
	}
	err = nl_connect(nl->sk, protocol);
	if (err < 0) {
		nl->nlerr = -err;
		goto err_free;
	}
	fd = nl_socket_get_fd(nl->sk);
	err = vnl_set_sockopt(fd, NETLINK_EXT_ACK);
	if (!err)
		err = vnl_set_sockopt(fd, NETLINK_CAP_ACK);
	if (err) {
		nl->err = -err;
		goto err_free;
	}
	/* Dump messages may be larger than the default buffer. */
	nl_socket_enable_msg_peek(nl->sk);
	return 0;

err_free:
	nl_socket_free(nl->sk);		/* closes the socket too */
	nl->sk = NULL;
	return -1;
}

int vnl_open_genl(struct vnl *nl, const char *family)
{
	int id;

	if (vnl_open(nl, NETLINK_GENERIC))
		return -1;
	/* The kernel loads the module of a family it does not know yet. */
	id = genl_ctrl_resolve(nl->sk, family);
	if (id < 0) {
		nl->nlerr = -id;
		vnl_close(nl);
		return -1;
	}
	nl->family = id;
	/*
	 * A large reply and its ACK must fit together (the kernel sends
	 * peer-get replies of up to 64 KiB); capped by net.core.rmem_max.
	 */
	nl_socket_set_buffer_size(nl->sk, VNL_GENL_RCVBUF, 0);
	return 0;
}

int vnl_genl_group(struct vnl *nl, const char *family, const char *group)
{
	int id;

	vnl_reset(nl);
	id = genl_ctrl_resolve_grp(nl->sk, family, group);
	if (id < 0) {
		nl->nlerr = -id;
		return -1;
	}
	return id;
}

void vnl_close(struct vnl *nl)
{
	if (nl->sk) {
		nl_socket_free(nl->sk);
		nl->sk = NULL;
	}
}

int vnl_request(struct vnl *nl, struct nl_msg *msg, vnl_parse_fn parse,
		void *arg)
{
	struct vnl_req req = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	vnl_reset(nl);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nl->err = ENOMEM;
		return -1;
	}
	ret = nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vnl_valid_cb, &req);
	if (!ret)
		ret = nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vnl_ack_cb, &req);
	if (!ret)
		ret = nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vnl_finish_cb,
				&req);
	if (!ret)
		ret = nl_cb_err(cb, NL_CB_CUSTOM, vnl_error_cb, &req);
	if (ret < 0) {
		nl->nlerr = -ret;
		goto out;
	}

	/* Completes the header: NLM_F_REQUEST, NLM_F_ACK, port and sequence. */
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		nl->nlerr = -ret;
		goto out;
	}

	while (!req.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		/* libnl reads to NLMSG_DONE before reporting this one. */
		if (ret == -NLE_DUMP_INTR && !nl->err) {
			nl->nlerr = NLE_DUMP_INTR;
			break;
		}
		/* The error callback stops with a negative return: not ours. */
		if (req.done)
			break;
		if (ret < 0) {
			nl->nlerr = -ret;
			break;
		}
	}
	if (!nl->err && !nl->nlerr && req.parse_err)
		nl->err = -req.parse_err;
out:
	nl_cb_put(cb);
	return nl->err || nl->nlerr ? -1 : 0;
}

void vnl_fail(struct vnl *nl, int err)
{
	vnl_reset(nl);
	nl->err = err;
}

void vnl_perror(const struct vnl *nl)
{
	if (nl->err) {
		if (nl->extack[0])
			vnl_print_extack("Error", nl->extack);
		pr_err("%s", strerror(nl->err));
	} else if (nl->nlerr) {
		pr_err("netlink: %s", nl_geterror(nl->nlerr));
	} else {
		pr_err("netlink: unknown failure");
	}
}
