/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-wide objects created in main.c.
 */
#ifndef _VCMP_MAIN_H
#define _VCMP_MAIN_H

struct workqueue_struct;

/*
 * Deferred work that may sleep (freeing crypto transforms). Destroyed,
 * and thereby drained, at module exit after rcu_barrier().
 */
extern struct workqueue_struct *vcmp_wq;

#endif /* _VCMP_MAIN_H */
