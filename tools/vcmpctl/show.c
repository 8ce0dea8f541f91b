// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - "show": devices with their peers, links, allowed-ips and SAs
 * (never keys: the kernel does not give them out), as text in the manner
 * of "wg show" or as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "dev.h"
#include "family.h"
#include "json.h"
#include "model.h"
#include "nl.h"
#include "parse.h"
#include "vcmpctl.h"

static void show_text(const struct vdev *d, const struct vpeers *peers)
{
	size_t i;

	printf("device: %s\n", d->name);
	printf("  port: %u\n", d->port);
	printf("  peers: %u\n", d->peer_count);
	for (i = 0; i < peers->n; i++) {
		putchar('\n');
		print_peer_text(&peers->v[i]);
	}
}

static void show_json(struct json *j, const struct vdev *d,
		      const struct vpeers *peers)
{
	size_t i;

	json_obj_begin(j, NULL);
	json_str(j, "ifname", d->name);
	json_uint(j, "ifindex", d->ifindex);
	json_uint(j, "port", d->port);
	json_uint(j, "peer_count", d->peer_count);
	json_str(j, "version", d->version);
	json_arr_begin(j, "peers");
	for (i = 0; i < peers->n; i++)
		print_peer_json(j, &peers->v[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static int show_run(int argc, char **argv, const struct vcmpctl_opts *opts)
{
	char (*names)[IFNAMSIZ] = NULL;
	struct vpeers peers = { 0 };
	int ret = EXIT_OK;
	struct json j;
	struct vdev d;
	struct vnl nl;
	size_t n, i;

	if (argc > 1) {
		pr_err("unexpected argument \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	if (argc && parse_ifname(argv[0]))
		return EXIT_USAGE;
	if (dev_names(argc ? argv[0] : NULL, &names, &n))
		return EXIT_FAIL;
	if (!n && !opts->json) {
		free(names);
		return EXIT_OK;
	}
	if (family_open(&nl)) {
		free(names);
		return EXIT_FAIL;
	}
	json_init(&j, stdout);
	if (opts->json)
		json_arr_begin(&j, NULL);
	for (i = 0; i < n; i++) {
		/* A device that went away meanwhile is reported; go on. */
		if (family_dev_get(&nl, names[i], &d) ||
		    family_peers_get(&nl, names[i], &peers)) {
			ret = EXIT_FAIL;
			vpeers_free(&peers);
			continue;
		}
		vpeers_sort(&peers);
		if (opts->json) {
			show_json(&j, &d, &peers);
		} else {
			if (i)
				putchar('\n');
			show_text(&d, &peers);
		}
		vpeers_free(&peers);
	}
	if (opts->json) {
		json_arr_end(&j);
		putchar('\n');
	}
	vnl_close(&nl);
	free(names);
	return ret;
}

const struct vcmpctl_object show_command = {
	.name = "show",
	.args = "[DEV]",
	.run = show_run,
};
