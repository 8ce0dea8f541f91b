// SPDX-License-Identifier: GPL-2.0
/*
 * espinudp PORT: hold a UDP socket on PORT with UDP_ENCAP_ESPINUDP set, so
 * that the kernel's xfrm stack decapsulates ESP-in-UDP (RFC 3948) arriving
 * there, as an IKE daemon's socket would. Used by "make bench" to compare
 * vcmp with kernel ESP-in-UDP. Runs until killed.
 *
 * Like an IKE daemon's, the socket bypasses IPsec policy: the kernel checks
 * the inbound policy before it hands a datagram to the encapsulation hook,
 * so a policy covering the peers' addresses would otherwise drop the
 * ESP-in-UDP datagrams themselves.
 */
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

static int bypass(int fd, int dir)
{
	struct xfrm_userpolicy_info pol;

	memset(&pol, 0, sizeof(pol));
	pol.action = XFRM_POLICY_ALLOW;
	pol.dir = dir;
	pol.sel.family = AF_INET;
	pol.lft.soft_byte_limit = XFRM_INF;
	pol.lft.hard_byte_limit = XFRM_INF;
	pol.lft.soft_packet_limit = XFRM_INF;
	pol.lft.hard_packet_limit = XFRM_INF;
	if (setsockopt(fd, IPPROTO_IP, IP_XFRM_POLICY, &pol, sizeof(pol)) < 0) {
		perror("setsockopt IP_XFRM_POLICY");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int type = UDP_ENCAP_ESPINUDP;
	struct sockaddr_in sin;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: espinudp PORT\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("bind");
		return 1;
	}
	if (setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)) < 0) {
		perror("setsockopt UDP_ENCAP");
		return 1;
	}
	if (bypass(fd, XFRM_POLICY_IN) || bypass(fd, XFRM_POLICY_OUT))
		return 1;
	for (;;)
		pause();
}
