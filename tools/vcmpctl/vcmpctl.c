// SPDX-License-Identifier: GPL-2.0
/*
 * vcmpctl - configure vcmp (VeloCloud MultiPath compatible) tunnel devices.
 *
 *	vcmpctl [-j] OBJECT COMMAND [ARGS]
 *	vcmpctl [-j] COMMAND [ARGS]
 *
 * This file holds the front end: options, dispatch to the objects and their
 * commands, help and version. Each object lives in a file of its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/vcmp.h>

#include "commands.h"
#include "dev.h"
#include "parse.h"
#include "vcmpctl.h"

static const struct vcmpctl_object *const objects[] = {
	&show_command,
	&showconf_command,
	&setconf_command,
	&genkey_command,
	&monitor_command,
	&dev_object,
	&peer_object,
	&link_object,
	&sa_object,
	&class_object,
	&rule_object,
};

bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	fputs("vcmpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void cmd_usage(FILE *f, const char *lead,
		      const struct vcmpctl_object *obj,
		      const struct vcmpctl_cmd *cmd)
{
	fprintf(f, "%svcmpctl %s %s%s%s\n", lead, obj->name, cmd->name,
		cmd->args[0] ? " " : "", cmd->args);
}

static void object_usage(FILE *f, const struct vcmpctl_object *obj)
{
	size_t i;

	if (!obj->cmds) {
		fprintf(f, "Usage: vcmpctl %s%s%s\n", obj->name,
			obj->args[0] ? " " : "", obj->args);
		return;
	}
	for (i = 0; i < obj->ncmds; i++)
		cmd_usage(f, i ? "       " : "Usage: ", obj, &obj->cmds[i]);
}

/* What the words in capitals of the synopses stand for. */
static void usage_words(FILE *f)
{
	fprintf(f, "\n"
		"DEV is a vcmp device, PEER and ID peer or link ids, SPI at least 0x01000000.\n"
		"LINK := ID remote ADDR[:PORT] [local ADDR] [dev IFNAME]\n"
		"        ([IPV6]:PORT with a port; PORT 0 or none: the device's port)\n"
		"PREFIXES := ADDR[/LEN][,ADDR[/LEN]...]\n"
		"SUITE := %s (default aes-gcm-128)\n"
		"KEY := key HEX | key-file PATH (as many bytes as the suite takes)\n"
		"PORT is a UDP port number, 1 to 65535 (default %d).\n"
		"See vcmpctl(8) for details and the configuration file format.\n",
		suite_names(), VCMP_DEFAULT_PORT);
}

static void usage(FILE *f)
{
	size_t i, j;

	fputs("Usage: vcmpctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	      "       vcmpctl [OPTIONS] COMMAND [ARGS]\n"
	      "       vcmpctl help\n"
	      "       vcmpctl version\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json     JSON output\n"
	      "  -h, --help     print this help and exit\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(objects); i++) {
		if (!objects[i]->cmds)
			fprintf(f, "  vcmpctl %s%s%s\n", objects[i]->name,
				objects[i]->args[0] ? " " : "",
				objects[i]->args);
		for (j = 0; j < objects[i]->ncmds; j++)
			cmd_usage(f, "  ", objects[i], &objects[i]->cmds[j]);
	}
	usage_words(f);
}

static const struct vcmpctl_object *find_object(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (!strcmp(objects[i]->name, name))
			return objects[i];
	return NULL;
}

static const struct vcmpctl_cmd *find_cmd(const struct vcmpctl_object *obj,
					  const char *name)
{
	size_t i;

	for (i = 0; i < obj->ncmds; i++)
		if (!strcmp(obj->cmds[i].name, name))
			return &obj->cmds[i];
	return NULL;
}

/* argv[0] is the command word of @obj. */
static int run_object(const struct vcmpctl_object *obj, int argc, char **argv,
		      const struct vcmpctl_opts *opts)
{
	const struct vcmpctl_cmd *cmd;
	int i, ret;

	if (!obj->cmds) {
		for (i = 0; i < argc; i++) {
			if (is_help(argv[i])) {
				object_usage(stdout, obj);
				return EXIT_OK;
			}
		}
		ret = obj->run(argc, argv, opts);
		if (ret == EXIT_USAGE)
			object_usage(stderr, obj);
		return ret;
	}
	if (argc < 1) {
		pr_err("missing command for \"%s\"", obj->name);
		object_usage(stderr, obj);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help") || is_help(argv[0])) {
		object_usage(stdout, obj);
		return EXIT_OK;
	}
	cmd = find_cmd(obj, argv[0]);
	if (!cmd) {
		pr_err("unknown command \"%s\" for \"%s\"", argv[0], obj->name);
		object_usage(stderr, obj);
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			cmd_usage(stdout, "Usage: ", obj, cmd);
			return EXIT_OK;
		}
	}
	ret = cmd->run(argc - 1, argv + 1, opts);
	if (ret == EXIT_USAGE)
		cmd_usage(stderr, "Usage: ", obj, cmd);
	return ret;
}

/* Nothing written to stdout may be lost silently. */
static int finish(int ret)
{
	if (fflush(stdout) == EOF) {
		pr_err("cannot write to standard output: %s", strerror(errno));
		return ret == EXIT_OK ? EXIT_FAIL : ret;
	}
	if (ferror(stdout)) {
		pr_err("cannot write to standard output");
		return ret == EXIT_OK ? EXIT_FAIL : ret;
	}
	return ret;
}

int main(int argc, char **argv)
{
	struct vcmpctl_opts opts = { .json = false };
	const struct vcmpctl_object *obj;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (!strcmp(opt, "-j") || !strcmp(opt, "--json")) {
			opts.json = true;
			continue;
		}
		if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(stdout);
			return finish(EXIT_OK);
		}
		pr_err("unknown option \"%s\"", opt);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}

	if (!strcmp(argv[i], "help") || !strcmp(argv[i], "version")) {
		if (i + 1 < argc) {
			pr_err("unexpected argument \"%s\"", argv[i + 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (argv[i][0] == 'h')
			usage(stdout);
		else
			printf("vcmpctl %s\n", VCMPCTL_VERSION);
		return finish(EXIT_OK);
	}

	obj = find_object(argv[i]);
	if (!obj) {
		pr_err("unknown object \"%s\"", argv[i]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return finish(run_object(obj, argc - i - 1, argv + i + 1, &opts));
}
