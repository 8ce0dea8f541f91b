/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - peers, links, prefixes and SAs as the tool holds them: parsed
 * from the command line or a configuration file, built into generic
 * netlink requests, read back from the kernel's replies and events, and
 * printed as text or JSON.
 */
#ifndef VCMPCTL_MODEL_H
#define VCMPCTL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "json.h"
#include "parse.h"

#define PEER_MAX_LINKS	16	/* per peer, as the kernel allows */

/* An IPv4 or IPv6 address, network byte order. */
struct vaddr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];
};

struct vprefix {
	struct vaddr addr;
	uint8_t cidr;
};

/* Measurements of a link (VCMP_A_LINK_STATS), replies only. */
struct vlink_stats {
	uint32_t rtt_us, srtt_us, rttvar_us, min_rtt_us;
	uint32_t jitter_rx_us, jitter_tx_us;
	uint32_t loss_rx_ppm, loss_tx_ppm;
	uint64_t rate_rx_bps, rate_tx_bps;
	uint64_t capacity_rx_bps, capacity_tx_bps;
	uint8_t qoe_voice, qoe_video, qoe_transactional;
	uint64_t rx_packets, rx_dups, rx_reordered;
	uint64_t probes_sent, probes_acked, slots_missed;
};

/* A link; port 0 means the device's port. */
struct vlink {
	uint8_t id;
	struct vaddr remote;
	uint16_t port;
	bool has_local;
	struct vaddr local;
	uint32_t ifindex;	/* 0: any */
	uint32_t mtu;		/* underlay MTU set by hand, 0: none */
	uint32_t bandwidth;	/* kbit/s to the peer, 0: unknown */
	uint32_t packet_mtu;	/* replies: largest inner packet */
	uint32_t path_mtu;	/* replies: underlay MTU in use */
	bool has_pmtud;
	uint8_t pmtud;		/* replies: enum vcmp_nl_pmtud */
	bool has_state;
	uint8_t state;		/* replies: enum vcmp_nl_link_state */
	bool has_stats;
	struct vlink_stats stats;	/* replies */
};

/* An SA; the key only when read from the command line or a file. */
struct vsa {
	uint32_t spi;
	unsigned int dir;	/* enum vcmp_nl_dir */
	int keylen;		/* 0: no key */
	uint8_t key[KEY_MAX];
};

struct vpeer {
	uint32_t id;
	bool has_segment;
	uint16_t segment;
	bool has_suite;
	unsigned int suite;	/* enum vcmp_nl_suite */
	bool has_mtu;		/* replies: mtu and edge_mtu */
	uint32_t mtu, edge_mtu;
	bool replace;		/* peer set: replace the allowed-ips */
	struct vlink links[PEER_MAX_LINKS];
	unsigned int nlinks;
	struct vprefix *prefixes;
	size_t nprefixes, capprefixes;
	struct vsa *sas;
	size_t nsas, capsas;
};

struct vpeers {
	struct vpeer *v;
	size_t n, cap;
};

/* A device as VCMP_CMD_DEV_GET describes it. */
struct vdev {
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	uint16_t port;
	uint32_t peer_count;
	char version[32];
};

/* Containers. The add functions return NULL when out of memory. */
struct vpeer *vpeers_add(struct vpeers *peers, uint32_t id);
struct vpeer *vpeers_find(const struct vpeers *peers, uint32_t id);
/* The same in peers sorted by vpeers_sort(): a binary search. */
struct vpeer *vpeers_find_sorted(const struct vpeers *peers, uint32_t id);
void vpeers_free(struct vpeers *peers);
void vpeers_sort(struct vpeers *peers);
void vpeer_free(struct vpeer *peer);
struct vprefix *vpeer_add_prefix(struct vpeer *peer);
struct vsa *vpeer_add_sa(struct vpeer *peer);
struct vlink *vpeer_find_link(struct vpeer *peer, uint8_t id);
void vpeer_sort(struct vpeer *peer);

/* Parsing of text: each prints what is wrong and returns -1. */
int parse_addr(const char *arg, struct vaddr *addr);
/* ADDR[/LEN]; without LEN, the whole address. */
int parse_prefix(const char *arg, struct vprefix *p);
/* Comma-separated prefixes (blanks allowed), added to @peer. */
int parse_prefixes(const char *arg, struct vpeer *peer);
/* ADDR, ADDR:PORT, IPV6 or [IPV6]:PORT. */
int parse_endpoint(const char *arg, struct vaddr *addr, uint16_t *port);
/*
 * A link: "ID remote ENDPOINT [local ADDR] [dev IFNAME | ifindex N]",
 * from argv[0] on and up to the end or the first other word. Returns the
 * number of words used, or -1.
 */
int parse_link(int argc, char **argv, struct vlink *link);
/*
 * An SA: an SPI, a direction and, when @key_needed, the key: "key HEX",
 * "key-file PATH" or a bare HEX, in any order. Returns 0 or -1.
 */
int parse_sa(int argc, char **argv, bool key_needed, struct vsa *sa);

/* Text forms. */
#define ADDR_STRLEN	48
#define ENDPOINT_STRLEN	56
void format_addr(const struct vaddr *addr, char *buf, size_t size);
void format_endpoint(const struct vaddr *addr, uint16_t port, char *buf,
		     size_t size);
void format_prefix(const struct vprefix *p, char *buf, size_t size);
/* "remote ENDPOINT [local ADDR] [dev IFNAME]", as parse_link() reads. */
const char *pmtud_name(unsigned int state);
const char *link_state_name(unsigned int state);
void format_link(const struct vlink *link, char *buf, size_t size);

/* Netlink: the peer, link and SA nests of requests. */
int put_peer(struct nl_msg *msg, const struct vpeer *peer,
	     size_t first_prefix, size_t nprefixes, bool links);
int put_link(struct nl_msg *msg, int type, uint32_t peer_id,
	     const struct vlink *link);
int put_sa(struct nl_msg *msg, uint32_t peer_id, const struct vsa *sa,
	   bool key);

/*
 * Netlink: read a VCMP_A_PEER nest of a reply or event into @peers. A
 * nest for the same peer as the last one continues it (a peer too large
 * for one message is sent in several).
 */
int parse_peer_nest(struct nlattr *nest, struct vpeers *peers);
int parse_link_nest(struct nlattr *nest, uint32_t *peer_id,
		    struct vlink *link);
int parse_sa_nest(struct nlattr *nest, uint32_t *peer_id, struct vsa *sa);

/* Output. */
void print_peer_text(const struct vpeer *peer);
void print_link_stats_text(const struct vlink *link, const char *indent);
void print_peer_json(struct json *j, const struct vpeer *peer);
void print_link_json(struct json *j, const char *key, const struct vlink *link);

#endif /* VCMPCTL_MODEL_H */
