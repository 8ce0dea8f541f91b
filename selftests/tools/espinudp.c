// SPDX-License-Identifier: GPL-2.0
/*
 * espinudp PORT: hold a UDP socket on PORT with UDP_ENCAP_ESPINUDP set, so
 * that the kernel's xfrm stack decapsulates ESP-in-UDP (RFC 3948) arriving
 * there, as an IKE daemon's socket would. Used by "make bench" to compare
 * vcmp with kernel ESP-in-UDP. Runs until killed.
 */
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
	for (;;)
		pause();
}
