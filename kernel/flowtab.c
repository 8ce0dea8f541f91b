// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded table of recently seen flows (see flowtab.h). Pure logic.
 */
#include "flowtab.h"

/**
 * vcmp_flowtab_init - set up an empty table over caller-owned slots
 * @t: the table
 * @slots: storage
 * @nslots: number of slots: a power of two, at least VCMP_FLOWTAB_WAYS
 *
 * Return: 0, or -EINVAL for a bad @nslots.
 */
int vcmp_flowtab_init(struct vcmp_flowtab *t, struct vcmp_flow_slot *slots,
		      u32 nslots)
{
	if (nslots < VCMP_FLOWTAB_WAYS || (nslots & (nslots - 1)))
		return -EINVAL;
	t->slots = slots;
	t->nbuckets = nslots / VCMP_FLOWTAB_WAYS;
	vcmp_flowtab_clear(t);
	return 0;
}

/* Forget every flow. */
void vcmp_flowtab_clear(struct vcmp_flowtab *t)
{
	memset(t->slots, 0, sizeof(*t->slots) * t->nbuckets *
	       VCMP_FLOWTAB_WAYS);
	t->count = 0;
}

static struct vcmp_flow_slot *vcmp_flowtab_bucket(struct vcmp_flowtab *t,
						  u64 key)
{
	/* The high bits pick the bucket; the low ones are tested anyway. */
	u32 b = (u32)(key >> 32) & (t->nbuckets - 1);

	return &t->slots[b * VCMP_FLOWTAB_WAYS];
}

static u64 vcmp_flowtab_key(u64 key)
{
	return key ? key : 1;
}

/**
 * vcmp_flowtab_seen - was flow @key seen within @ttl? Record it now.
 * @t: the table
 * @key: hash of the flow
 * @now: the time
 * @ttl: how long a flow is remembered after it was last seen
 *
 * Return: true if the flow was in the table and not expired; either way
 * it is recorded as seen at @now.
 */
bool vcmp_flowtab_seen(struct vcmp_flowtab *t, u64 key, u32 now, u32 ttl)
{
	struct vcmp_flow_slot *b, *victim = NULL;
	u32 age, oldest = 0;
	unsigned int i;

	key = vcmp_flowtab_key(key);
	b = vcmp_flowtab_bucket(t, key);
	for (i = 0; i < VCMP_FLOWTAB_WAYS; i++) {
		if (b[i].key == key) {
			age = now - b[i].seen;
			b[i].seen = now;
			return age <= ttl;
		}
	}
	for (i = 0; i < VCMP_FLOWTAB_WAYS; i++) {
		if (!b[i].key) {
			victim = &b[i];
			t->count++;
			break;
		}
		age = now - b[i].seen;
		if (!victim || age > oldest) {
			victim = &b[i];
			oldest = age;
		}
	}
	victim->key = key;
	victim->seen = now;
	return false;
}

/* Remove flow @key, if present. */
void vcmp_flowtab_forget(struct vcmp_flowtab *t, u64 key)
{
	struct vcmp_flow_slot *b;
	unsigned int i;

	key = vcmp_flowtab_key(key);
	b = vcmp_flowtab_bucket(t, key);
	for (i = 0; i < VCMP_FLOWTAB_WAYS; i++) {
		if (b[i].key == key) {
			b[i].key = 0;
			t->count--;
			return;
		}
	}
}
