// SPDX-License-Identifier: GPL-2.0
/*
 * Allowed-IPs: longest-prefix match from inner IPv4/IPv6 addresses to
 * owners (peers), one path-compressed binary trie per family.
 *
 * Every node stands for one prefix: @key (the address, host bits zero)
 * and @cidr (its length). A child's prefix extends its parent's and sits
 * in child[b], b being the child's first bit past the parent's prefix, so
 * every node is reached by following an address's bits at the cidrs on
 * the way; the bits in between are skipped (path compression) and checked
 * against the key instead. A node either has an owner (a prefix someone
 * inserted) or is "glue": made where two prefixes diverge, or left when
 * a prefix with two longer ones below it is removed. Glue always has two
 * children (removal prunes and merges), so a table of n prefixes has at
 * most 2n - 1 nodes, however many inserts and removes it has seen.
 *
 * Keys are kept as host-order 64-bit words, the first holding an IPv4
 * address in its top 32 bits, so that matching a prefix is a xor and a
 * mask, and finding where two keys diverge is a count of leading zeros.
 *
 * Readers see a node only once it is complete (rcu_assign_pointer()); a
 * published node's key, cidr and family never change, only its owner and
 * its child pointers do. Writers never clear the child pointers of a node
 * they unlink, so a reader standing on it still finds its way down, and
 * they free it with kfree_rcu(). The writers' own bookkeeping (parent
 * pointer, owner list link) shares its space with the rcu_head: a node
 * handed to RCU is in neither.
 */
#include "allowedips.h"

/**
 * struct vcmp_aip_node - one prefix of the trie (64 bytes on 64-bit)
 * @child: longer prefixes, by their first bit past @cidr; RCU
 * @owner: who owns this prefix, NULL for glue; RCU
 * @key: the prefix, host order, bits past @cidr zero; IPv4 in key[0]'s
 *	top 32 bits
 * @parent: the node whose child this is, NULL for a root; writers only
 * @next: the next node of the same owner; writers only
 * @rcu: frees the node once unlinked (when @parent and @next are unused)
 * @cidr: prefix length, 0-32 or 0-128
 * @family: 4 or 6
 */
struct vcmp_aip_node {
	struct vcmp_aip_node __rcu *child[2];
	struct vcmp_aip_owner __rcu *owner;
	u64 key[2];
	union {
		struct {
			struct vcmp_aip_node *parent;
			struct vcmp_aip_node *next;
		};
		struct rcu_head rcu;
	};
	u8 cidr;
	u8 family;
};

static_assert(sizeof(struct vcmp_aip_node) <= 64, "one cache line");

/*
 * Writers are serialised by the caller's lock, which this file does not
 * know, so it cannot name it for lockdep.
 */
#define aip_wderef(p)	rcu_dereference_protected(p, true)

/* Readers: rcu_read_lock(), or a BH-disabled section such as xmit. */
#define aip_rderef(p)	rcu_dereference_check(p, rcu_read_lock_bh_held())

/* Mask of the first @n bits of a word, 0 <= n <= 64. */
static inline u64 aip_mask(unsigned int n)
{
	return n ? ~0ULL << (64 - n) : 0;
}

/* Bit @i of a key, counting from the most significant bit of key[0]. */
static inline unsigned int aip_bit(const u64 *key, unsigned int i)
{
	return (key[i >> 6] >> (63 - (i & 63))) & 1;
}

/* Whether @key lies within @n's prefix. */
static inline bool aip_match(const struct vcmp_aip_node *n, const u64 *key)
{
	if (n->cidr <= 64)
		return !((key[0] ^ n->key[0]) & aip_mask(n->cidr));
	return key[0] == n->key[0] &&
	       !((key[1] ^ n->key[1]) & aip_mask(n->cidr - 64));
}

/* Length of the common prefix of @a and @b, at most @limit. */
static unsigned int aip_common(const u64 *a, const u64 *b, unsigned int limit)
{
	unsigned int n;

	if (a[0] != b[0])
		n = __builtin_clzll(a[0] ^ b[0]);
	else if (a[1] != b[1])
		n = 64 + __builtin_clzll(a[1] ^ b[1]);
	else
		n = 128;
	return n < limit ? n : limit;
}

/*
 * Parse a family and an address in network byte order into a host-order
 * key; returns the family's address length in bits, 0 if the family is
 * neither 4 nor 6.
 */
static unsigned int aip_key(int family, const u8 *addr, u64 *key)
{
	if (family == 4) {
		key[0] = (u64)vcmp_get_be32(addr) << 32;
		key[1] = 0;
		return 32;
	}
	if (family == 6) {
		key[0] = (u64)vcmp_get_be32(addr) << 32 |
			 vcmp_get_be32(addr + 4);
		key[1] = (u64)vcmp_get_be32(addr + 8) << 32 |
			 vcmp_get_be32(addr + 12);
		return 128;
	}
	return 0;
}

/* Zero the bits of @key past @cidr. */
static void aip_mask_key(u64 *key, unsigned int cidr)
{
	if (cidr <= 64) {
		key[0] &= aip_mask(cidr);
		key[1] = 0;
	} else {
		key[1] &= aip_mask(cidr - 64);
	}
}

static struct vcmp_aip_node __rcu **aip_root(struct vcmp_allowedips *t,
					     int family)
{
	return family == 4 ? &t->root4 : &t->root6;
}

/* The pointer through which @n is reached: its parent's child or a root. */
static struct vcmp_aip_node __rcu **aip_slot(struct vcmp_allowedips *t,
					     struct vcmp_aip_node *n)
{
	struct vcmp_aip_node *p = n->parent;

	if (!p)
		return aip_root(t, n->family);
	return &p->child[aip_bit(n->key, p->cidr)];
}

static void aip_owner_add(struct vcmp_aip_owner *owner,
			  struct vcmp_aip_node *n)
{
	n->next = owner->head;
	owner->head = n;
	owner->count++;
}

/* Unlink @n from its owner's list: O(the owner's prefixes). */
static void aip_owner_del(struct vcmp_aip_owner *owner,
			  struct vcmp_aip_node *n)
{
	struct vcmp_aip_node **pp = &owner->head;

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	n->next = NULL;
	owner->count--;
}

static struct vcmp_aip_node *aip_alloc(int family, const u64 *key,
				       unsigned int cidr,
				       struct vcmp_aip_node *parent)
{
	struct vcmp_aip_node *n = kzalloc(sizeof(*n), GFP_KERNEL);

	if (!n)
		return NULL;
	n->key[0] = key[0];
	n->key[1] = key[1];
	aip_mask_key(n->key, cidr);
	n->cidr = cidr;
	n->family = family;
	n->parent = parent;
	return n;
}

/* Replace @old by @new (possibly NULL) where @old hangs, for readers too. */
static void aip_replace(struct vcmp_allowedips *t, struct vcmp_aip_node *old,
			struct vcmp_aip_node *new)
{
	struct vcmp_aip_node __rcu **slot = aip_slot(t, old);

	if (new)
		new->parent = old->parent;
	rcu_assign_pointer(*slot, new);
}

/*
 * @n has just lost its owner: drop it unless it still joins two subtries,
 * and drop its parent too if that was glue left with a single child.
 */
static void aip_prune(struct vcmp_allowedips *t, struct vcmp_aip_node *n)
{
	struct vcmp_aip_node *c0 = aip_wderef(n->child[0]);
	struct vcmp_aip_node *c1 = aip_wderef(n->child[1]);
	struct vcmp_aip_node *p, *sibling;

	if (c0 && c1)
		return;			/* stays as glue */
	if (c0 || c1) {
		aip_replace(t, n, c0 ? c0 : c1);
		kfree_rcu(n, rcu);
		return;
	}
	p = n->parent;
	aip_replace(t, n, NULL);
	kfree_rcu(n, rcu);
	if (!p || aip_wderef(p->owner))
		return;
	/* p is glue, so it had two children: keep the other in its place. */
	sibling = aip_wderef(p->child[0]);
	if (!sibling)
		sibling = aip_wderef(p->child[1]);
	aip_replace(t, p, sibling);
	kfree_rcu(p, rcu);
}

/**
 * vcmp_aip_init() - initialise an empty table
 * @t: the table
 */
void vcmp_aip_init(struct vcmp_allowedips *t)
{
	RCU_INIT_POINTER(t->root4, NULL);
	RCU_INIT_POINTER(t->root6, NULL);
	t->count = 0;
}

static void aip_free_trie(struct vcmp_aip_node __rcu **root)
{
	struct vcmp_aip_node *n = aip_wderef(*root);
	struct vcmp_aip_node *c, *p;
	struct vcmp_aip_owner *owner;

	RCU_INIT_POINTER(*root, NULL);
	/* Depth-first, cutting each child off on the way down: no stack. */
	while (n) {
		c = aip_wderef(n->child[0]);
		if (c) {
			RCU_INIT_POINTER(n->child[0], NULL);
			n = c;
			continue;
		}
		c = aip_wderef(n->child[1]);
		if (c) {
			RCU_INIT_POINTER(n->child[1], NULL);
			n = c;
			continue;
		}
		owner = aip_wderef(n->owner);
		if (owner) {
			owner->head = NULL;
			owner->count = 0;
		}
		p = n->parent;
		kfree(n);
		n = p;
	}
}

/**
 * vcmp_aip_free() - free every node of a table
 * @t: the table; left empty and usable
 *
 * The caller guarantees that no reader can still see @t (an RCU grace
 * period has passed since it was unpublished) and holds the writers'
 * lock. Every owner that had prefixes in @t is left with none. Iterative:
 * any trie depth is fine.
 */
void vcmp_aip_free(struct vcmp_allowedips *t)
{
	aip_free_trie(&t->root4);
	aip_free_trie(&t->root6);
	t->count = 0;
}

/**
 * vcmp_aip_insert() - add a prefix for an owner, or change its owner
 * @t: the table
 * @family: 4 or 6
 * @addr: the address, network byte order, 4 or 16 bytes
 * @cidr: prefix length, up to 32 or 128; bits of @addr past it are ignored
 * @owner: the new owner of @addr/@cidr
 *
 * Writers' lock held; may sleep (GFP_KERNEL). At most two nodes are
 * allocated, before anything is changed, so a failure leaves @t as it was.
 *
 * Return: 0, -EINVAL for a bad family or cidr, or -ENOMEM.
 */
int vcmp_aip_insert(struct vcmp_allowedips *t, int family, const u8 *addr,
		    u8 cidr, struct vcmp_aip_owner *owner)
{
	struct vcmp_aip_node __rcu **slot;
	struct vcmp_aip_node *n, *parent = NULL, *new, *glue;
	struct vcmp_aip_owner *old;
	unsigned int bits, common;
	u64 key[2];

	bits = aip_key(family, addr, key);
	if (!bits || cidr > bits || !owner)
		return -EINVAL;
	aip_mask_key(key, cidr);

	/* Go down while the node's prefix contains the new one. */
	slot = aip_root(t, family);
	for (n = aip_wderef(*slot); n && n->cidr <= cidr && aip_match(n, key);
	     n = aip_wderef(*slot)) {
		if (n->cidr == cidr) {
			old = aip_wderef(n->owner);
			if (old == owner)
				return 0;
			if (old)
				aip_owner_del(old, n);
			else
				t->count++;
			aip_owner_add(owner, n);
			rcu_assign_pointer(n->owner, owner);
			return 0;
		}
		parent = n;
		slot = &n->child[aip_bit(key, n->cidr)];
	}

	new = aip_alloc(family, key, cidr, parent);
	if (!new)
		return -ENOMEM;
	RCU_INIT_POINTER(new->owner, owner);

	if (!n) {
		/* An empty place: a new leaf. */
		rcu_assign_pointer(*slot, new);
	} else if (aip_common(key, n->key, n->cidr) >= cidr) {
		/* The new prefix contains n's (and is shorter): put it above. */
		RCU_INIT_POINTER(new->child[aip_bit(n->key, cidr)], n);
		n->parent = new;
		rcu_assign_pointer(*slot, new);
	} else {
		/* They diverge: glue at the first differing bit joins them. */
		common = aip_common(key, n->key, cidr);
		glue = aip_alloc(family, key, common, parent);
		if (!glue) {
			kfree(new);
			return -ENOMEM;
		}
		RCU_INIT_POINTER(glue->child[aip_bit(key, common)], new);
		RCU_INIT_POINTER(glue->child[aip_bit(n->key, common)], n);
		new->parent = glue;
		n->parent = glue;
		rcu_assign_pointer(*slot, glue);
	}
	aip_owner_add(owner, new);
	t->count++;
	return 0;
}

/* Remove @n's prefix, owned by @owner, once unlinked from the owner list. */
static void aip_disown(struct vcmp_allowedips *t, struct vcmp_aip_node *n)
{
	RCU_INIT_POINTER(n->owner, NULL);
	t->count--;
	aip_prune(t, n);
}

/**
 * vcmp_aip_remove() - remove one prefix of an owner
 * @t: the table
 * @family: 4 or 6
 * @addr: the address, network byte order; bits past @cidr are ignored
 * @cidr: prefix length
 * @owner: the owner the prefix must have
 *
 * Writers' lock held. Freed nodes go after an RCU grace period.
 *
 * Return: 0, or -ENOENT if @owner does not have the prefix (also for a
 * bad family or cidr).
 */
int vcmp_aip_remove(struct vcmp_allowedips *t, int family, const u8 *addr,
		    u8 cidr, struct vcmp_aip_owner *owner)
{
	struct vcmp_aip_node *n;
	unsigned int bits;
	u64 key[2];

	bits = aip_key(family, addr, key);
	if (!bits || cidr > bits)
		return -ENOENT;
	aip_mask_key(key, cidr);

	n = aip_wderef(*aip_root(t, family));
	while (n && n->cidr < cidr && aip_match(n, key))
		n = aip_wderef(n->child[aip_bit(key, n->cidr)]);
	if (!owner || !n || n->cidr != cidr || !aip_match(n, key) ||
	    aip_wderef(n->owner) != owner)
		return -ENOENT;
	aip_owner_del(owner, n);
	aip_disown(t, n);
	return 0;
}

/**
 * vcmp_aip_remove_owner() - remove every prefix of an owner
 * @t: the table
 * @owner: whose prefixes go; left with none
 *
 * Writers' lock held. O(the owner's prefixes). Freed nodes go after an
 * RCU grace period.
 *
 * Return: how many prefixes were removed.
 */
unsigned int vcmp_aip_remove_owner(struct vcmp_allowedips *t,
				   struct vcmp_aip_owner *owner)
{
	unsigned int removed = owner->count;
	struct vcmp_aip_node *n, *next;

	for (n = owner->head; n; n = next) {
		next = n->next;		/* before n may be handed to RCU */
		aip_disown(t, n);
	}
	owner->head = NULL;
	owner->count = 0;
	return removed;
}

/**
 * vcmp_aip_lookup() - longest-prefix match
 * @t: the table
 * @family: 4 or 6
 * @addr: the address, network byte order, 4 or 16 bytes
 *
 * Lockless: call under rcu_read_lock() (or with BHs disabled); the owner
 * returned stays valid only as long as the read section, unless the
 * caller takes a reference on what embeds it. Allocation-free, no
 * recursion, at most 33 or 129 nodes visited.
 *
 * Return: the owner of the longest prefix containing @addr, or NULL.
 */
struct vcmp_aip_owner *vcmp_aip_lookup(const struct vcmp_allowedips *t,
				       int family, const u8 *addr)
{
	struct vcmp_aip_owner *best = NULL, *owner;
	const struct vcmp_aip_node *n;
	unsigned int i;
	u64 key[2];

	if (family == 4)
		n = aip_rderef(t->root4);
	else if (family == 6)
		n = aip_rderef(t->root6);
	else
		return NULL;
	aip_key(family, addr, key);

	/*
	 * Once a node's prefix does not contain the address, neither does
	 * any below it. The next bit is taken from registers, not key[],
	 * to keep the chain of dependent loads from node to node short; at
	 * cidr 128 (or 32) it is meaningless but harmless: such a node has
	 * no children.
	 */
	while (n && aip_match(n, key)) {
		owner = aip_rderef(n->owner);
		if (owner)
			best = owner;
		i = n->cidr;
		if (i < 64)
			i = (key[0] >> (63 - i)) & 1;
		else
			i = (key[1] >> ((127 - i) & 63)) & 1;
		n = aip_rderef(n->child[i]);
	}
	return best;
}

/**
 * vcmp_aip_walk_owner() - call a function for each prefix of an owner
 * @t: the table
 * @owner: whose prefixes
 * @fn: called with @arg, the family, the address (network byte order,
 *	masked to the prefix; valid during the call only) and the cidr
 * @arg: passed to @fn
 *
 * Writers' lock held (@fn must not change the table). O(the owner's
 * prefixes); newest first.
 *
 * Return: 0, or the first non-zero value @fn returned, which stops the walk.
 */
int vcmp_aip_walk_owner(const struct vcmp_allowedips *t,
			struct vcmp_aip_owner *owner,
			int (*fn)(void *arg, int family, const u8 *addr,
				  u8 cidr),
			void *arg)
{
	const struct vcmp_aip_node *n;
	u8 addr[16];
	int ret;

	(void)t;		/* the owner's list is all it takes */
	for (n = owner->head; n; n = n->next) {
		vcmp_put_be32(addr, n->key[0] >> 32);
		vcmp_put_be32(addr + 4, (u32)n->key[0]);
		vcmp_put_be32(addr + 8, n->key[1] >> 32);
		vcmp_put_be32(addr + 12, (u32)n->key[1]);
		ret = fn(arg, n->family, addr, n->cidr);
		if (ret)
			return ret;
	}
	return 0;
}

#ifdef VCMP_USERSPACE
/*
 * vcmp_aip_check() - test hook, see allowedips.h. Iterative, like
 * vcmp_aip_free().
 */
#include <stdio.h>

static bool aip_broken(bool broken, const char *what, int line)
{
	if (broken)
		fprintf(stderr, "allowedips.c:%d: broken: %s\n", line, what);
	return broken;
}

#define AIP_BROKEN(c)	aip_broken(!(c), #c, __LINE__)

static bool aip_in_list(const struct vcmp_aip_node *n)
{
	const struct vcmp_aip_node *m = n->owner->head;

	while (m && m != n)
		m = m->next;
	return m == n;
}

static bool aip_child_ok(const struct vcmp_aip_node *n, unsigned int i)
{
	const struct vcmp_aip_node *c = n->child[i];

	return !c || (c->parent == n && c->cidr > n->cidr &&
		      aip_match(n, c->key) && aip_bit(c->key, n->cidr) == i);
}

/* The invariants of one node, without its subtries. */
static bool aip_node_ok(const struct vcmp_aip_node *n, int family)
{
	u64 key[2] = { n->key[0], n->key[1] };

	aip_mask_key(key, n->cidr);
	if (AIP_BROKEN(n->family == family &&
		       n->cidr <= (family == 4 ? 32 : 128)) ||
	    AIP_BROKEN(key[0] == n->key[0] && key[1] == n->key[1]) ||
	    AIP_BROKEN(n->owner ? aip_in_list(n) :
			n->child[0] && n->child[1]) ||
	    AIP_BROKEN(aip_child_ok(n, 0) && aip_child_ok(n, 1)))
		return false;
	return true;
}

static long aip_check_trie(struct vcmp_allowedips *t, int family,
			   unsigned int *owned)
{
	struct vcmp_aip_node *n = *aip_root(t, family), *from = NULL;
	long nodes = 0;

	if (n && AIP_BROKEN(!n->parent))
		return -1;
	/* Non-destructive depth-first walk by parent pointers. */
	while (n) {
		if (from == n->parent) {	/* first visit */
			if (!aip_node_ok(n, family))
				return -1;
			nodes++;
			*owned += !!n->owner;
		}
		if (from == n->parent && n->child[0]) {
			from = n;
			n = n->child[0];
		} else if ((from == n->parent || from == n->child[0]) &&
			   n->child[1]) {
			from = n;
			n = n->child[1];
		} else {
			from = n;
			n = n->parent;
		}
	}
	return nodes;
}

long vcmp_aip_check(struct vcmp_allowedips *t)
{
	unsigned int owned = 0;
	long n4, n6;

	n4 = aip_check_trie(t, 4, &owned);
	n6 = aip_check_trie(t, 6, &owned);
	if (n4 < 0 || n6 < 0 || AIP_BROKEN(owned == t->count) ||
	    AIP_BROKEN(!t->count || n4 + n6 <= 2L * t->count - 1))
		return -1;
	return n4 + n6;
}
#endif /* VCMP_USERSPACE */
