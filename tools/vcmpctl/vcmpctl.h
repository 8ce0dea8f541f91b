/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcmpctl - definitions shared by the command front end and the objects it
 * dispatches to: "dev" (rtnetlink), "peer", "link" and "sa" (generic
 * netlink), and the commands that stand alone ("show", "setconf", ...).
 */
#ifndef VCMPCTL_H
#define VCMPCTL_H

#include <stdbool.h>
#include <stddef.h>

#define VCMPCTL_VERSION	"0.1.0"

/* Exit statuses. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the kernel or the system said no */
#define EXIT_USAGE	2	/* bad command line */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Global command-line options, passed down to every command. */
struct vcmpctl_opts {
	bool json;
};

/*
 * One command of an object, e.g. "add" of "dev". @run gets the arguments
 * that follow the command word and returns an EXIT_* status. When it returns
 * EXIT_USAGE it has already said what is wrong; the caller then prints the
 * synopsis built from @args.
 */
struct vcmpctl_cmd {
	const char *name;
	const char *args;
	int (*run)(int argc, char **argv, const struct vcmpctl_opts *opts);
};

/*
 * An object with its commands, or (@cmds NULL) a command that stands
 * alone: @run and @args are then its own.
 */
struct vcmpctl_object {
	const char *name;
	const struct vcmpctl_cmd *cmds;
	size_t ncmds;
	const char *args;
	int (*run)(int argc, char **argv, const struct vcmpctl_opts *opts);
};

/* Whether @arg asks for help: "-h" or "--help". */
bool is_help(const char *arg);

/* Print "vcmpctl: <message>\n" to stderr. */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VCMPCTL_H */
