// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of crypto.c, run at module load with selftest=1 (process
 * context: it may sleep, the functions it tests may not).
 *
 * For every ESP suite, with the transform vcmp_aead_init() picks, called
 * as usual and (x86) with the FPU taken, as when a packet is processed in
 * a softirq that interrupted kernel FPU code: SIMD drivers (AES-NI) then
 * hand every request to cryptd and complete it asynchronously, which is
 * how the asynchronous path gets tested:
 * - known answers: ESP packets computed outside the kernel with OpenSSL
 *   (python3-cryptography) from a fixed key, SPI, ESN and plaintext;
 *   vcmp must produce them (AEAD suites) and decrypt them (all);
 * - the same layout derived in the kernel from the primitives alone
 *   (gcm(aes) with nonce salt || IV, rfc7539(chacha20,poly1305), cbc(aes)
 *   and hmac(sha1) separately), compared byte for byte with vcmp's output;
 * - round trips over linear, tight, cloned, paged and frag_list skbs of
 *   many lengths, with the length vcmp_overhead() predicts;
 * - a flipped bit anywhere, a wrong ESN high half: -EBADMSG;
 * - authenticated packets with a bad next header or padding: -EPROTO;
 * - short or misaligned packets: -EINVAL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/completion.h>
#include <linux/crypto.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#ifdef CONFIG_X86
#include <asm/fpu/api.h>
#endif

#include "crypto.h"
#include "skb_cb.h"

#define ST_SPI		0x13572468U
#define ST_SEQ		0x00000001fffffffeULL	/* crosses 2^32 soon */
#define ST_HEADROOM	64
#define ST_TAILROOM	64
#define ST_BUF		4096
#define ST_KAT_SEQ	0x00000002fffffff0ULL

/*
 * Known answers, from OpenSSL through python3-cryptography: SPI ST_SPI,
 * sequence number ST_KAT_SEQ, each suite's key the first
 * vcmp_aead_keylen() bytes of st_kat_key, plaintext st_kat_pt, padded
 * 1, 2, ... to the suite's alignment, next header 253. AEAD: IV = the
 * sequence number, AAD = SPI || seq hi || seq lo, nonce = salt || IV.
 * CBC: IV st_kat_cbc_iv, ICV = HMAC-SHA1(SPI || seq lo || IV || ct ||
 * seq hi) truncated to 12 bytes.
 */
static const u8 st_kat_key[36] = {
	0x3c, 0x59, 0x76, 0x93, 0xb0, 0xcd, 0xea, 0x07,
	0x24, 0x41, 0x5e, 0x7b, 0x98, 0xb5, 0xd2, 0xef,
	0x0c, 0x29, 0x46, 0x63, 0x80, 0x9d, 0xba, 0xd7,
	0xf4, 0x11, 0x2e, 0x4b, 0x68, 0x85, 0xa2, 0xbf,
	0xdc, 0xf9, 0x16, 0x33,
};

static const char st_kat_pt[] = "vcmp known-answer test vector #1!";
#define ST_KAT_PT_LEN	(sizeof(st_kat_pt) - 1)

static const u8 st_kat_cbc_iv[16] = {
	0xf0, 0xe5, 0xda, 0xcf, 0xc4, 0xb9, 0xae, 0xa3,
	0x98, 0x8d, 0x82, 0x77, 0x6c, 0x61, 0x56, 0x4b,
};

static const u8 st_kat_gcm128[68] = {
	0x13, 0x57, 0x24, 0x68, 0xff, 0xff, 0xff, 0xf0,
	0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0xf0,
	0xfd, 0xc4, 0x21, 0xc6, 0x45, 0xe3, 0x0f, 0xc4,
	0xb5, 0x48, 0x85, 0x25, 0x06, 0xb0, 0x64, 0x22,
	0x28, 0x3b, 0x65, 0x6e, 0x7d, 0xab, 0x1b, 0x17,
	0xe6, 0x20, 0xdf, 0xc9, 0x53, 0x0a, 0x68, 0xca,
	0xe7, 0x6a, 0x58, 0x04, 0x77, 0x2c, 0xc3, 0x0c,
	0x31, 0x65, 0x06, 0x28, 0xdf, 0x1b, 0xfb, 0xd2,
	0x2d, 0x9b, 0x3d, 0xf9,
};

static const u8 st_kat_gcm256[68] = {
	0x13, 0x57, 0x24, 0x68, 0xff, 0xff, 0xff, 0xf0,
	0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0xf0,
	0xdc, 0xb4, 0x1c, 0xe8, 0x3f, 0xfd, 0xe6, 0x2b,
	0x67, 0xc7, 0x3e, 0xdf, 0xc1, 0x7e, 0x70, 0x5b,
	0x07, 0x39, 0xcc, 0x31, 0xd2, 0x36, 0x15, 0xed,
	0x39, 0x23, 0x25, 0x86, 0xd1, 0x13, 0xf8, 0xb6,
	0x53, 0x7b, 0x91, 0x6f, 0xa6, 0x99, 0x56, 0x26,
	0x5c, 0x99, 0xd0, 0x01, 0x91, 0x9e, 0x74, 0xa2,
	0x99, 0x9b, 0x8f, 0x4b,
};

static const u8 st_kat_chacha[68] = {
	0x13, 0x57, 0x24, 0x68, 0xff, 0xff, 0xff, 0xf0,
	0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0xff, 0xf0,
	0x76, 0x4e, 0xe8, 0x2e, 0x83, 0x80, 0x20, 0x47,
	0xbb, 0xfe, 0x48, 0xbd, 0x1f, 0xa5, 0x14, 0xfc,
	0x41, 0x59, 0x15, 0xbf, 0x63, 0x44, 0x31, 0xde,
	0xe8, 0xf3, 0xb1, 0x65, 0x88, 0xb4, 0x16, 0xa3,
	0xe9, 0xa5, 0xfb, 0x43, 0x71, 0x22, 0x5a, 0xe8,
	0xe6, 0xea, 0xac, 0x0a, 0xdb, 0x2f, 0x69, 0xf8,
	0xf0, 0xe7, 0xfb, 0xf2,
};

static const u8 st_kat_cbc[84] = {
	0x13, 0x57, 0x24, 0x68, 0xff, 0xff, 0xff, 0xf0,
	0xf0, 0xe5, 0xda, 0xcf, 0xc4, 0xb9, 0xae, 0xa3,
	0x98, 0x8d, 0x82, 0x77, 0x6c, 0x61, 0x56, 0x4b,
	0xd2, 0x1e, 0xbc, 0x42, 0x80, 0x24, 0x62, 0x24,
	0x8e, 0x00, 0x4d, 0x43, 0x87, 0x14, 0x05, 0x93,
	0xd3, 0xbc, 0x32, 0x65, 0xc0, 0x52, 0x55, 0xa6,
	0x77, 0xb5, 0x44, 0x0e, 0x4b, 0x2c, 0xfa, 0x18,
	0x55, 0x86, 0x07, 0x5f, 0x11, 0x92, 0x2b, 0x76,
	0xe7, 0xb4, 0xca, 0x4f, 0x44, 0x8b, 0x67, 0xe9,
	0x15, 0xf8, 0xad, 0x02, 0x2f, 0xe9, 0x0c, 0x4e,
	0x6a, 0xba, 0x27, 0xec,
};

struct st_kat {
	const u8 *wire;
	unsigned int len;
};

static const struct st_kat st_kats[VCMP_SUITE_COUNT] = {
	[VCMP_SUITE_AES_GCM_128] = { st_kat_gcm128, sizeof(st_kat_gcm128) },
	[VCMP_SUITE_AES_GCM_256] = { st_kat_gcm256, sizeof(st_kat_gcm256) },
	[VCMP_SUITE_CHACHA20_POLY1305] = { st_kat_chacha, sizeof(st_kat_chacha) },
	[VCMP_SUITE_AES_CBC_HMAC_SHA1] = { st_kat_cbc, sizeof(st_kat_cbc) },
};

/* Shapes of the skbs handed to encrypt and decrypt. */
enum st_shape {
	ST_LINEAR,	/* head and tail room to spare */
	ST_TIGHT,	/* no head or tail room */
	ST_CLONED,	/* a clone: the data is shared */
	ST_PAGED,	/* a few bytes in the head, the rest in page frags */
	ST_FRAGLIST,	/* a head skb and one frag_list skb */
};

static const char * const st_shape_names[] = {
	[ST_LINEAR] = "linear", [ST_TIGHT] = "tight", [ST_CLONED] = "cloned",
	[ST_PAGED] = "paged", [ST_FRAGLIST] = "frag_list",
};

/* Plaintext lengths and the shape they are encrypted from. */
static const struct {
	unsigned int len;
	enum st_shape shape;
} st_lens[] = {
	{ 1, ST_LINEAR }, { 15, ST_TIGHT }, { 16, ST_LINEAR },
	{ 17, ST_TIGHT }, { 31, ST_LINEAR }, { 46, ST_LINEAR },
	{ 47, ST_TIGHT }, { 100, ST_CLONED }, { 1400, ST_LINEAR },
	{ 1431, ST_TIGHT }, { 31 + 3000, ST_PAGED }, { 2000, ST_FRAGLIST },
};

/*
 * struct st_ctx - one suite under test
 * @a: the transform under test
 * @suite: its suite
 * @si: sizes of the suite
 * @variant: "direct" or "FPU busy"
 * @fpu_busy: make the calls with the FPU taken
 * @pt: plaintext
 * @wire: an ESP packet
 * @buf: scratch (read-back, tampered packets)
 * @ref: a packet made from the primitives
 * @enc: the encrypted part of a packet, in clear
 * @reqs: encrypt/decrypt calls made
 * @async: of which completed asynchronously
 */
struct st_ctx {
	struct vcmp_aead a;
	enum vcmp_suite suite;
	const struct vcmp_suite_info *si;
	const char *variant;
	bool fpu_busy;
	u8 *pt;
	u8 *wire;
	u8 *buf;
	u8 *ref;
	u8 *enc;
	unsigned int reqs;
	unsigned int async;
};

static unsigned int st_cases;

/* The completion of the one request in flight (the test is serial). */
static struct {
	struct completion done;
	unsigned int calls;
	int err;
} st_req;

static __printf(3, 4) bool st_ok(struct st_ctx *c, bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	st_cases++;
	if (ok)
		return true;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("crypto selftest: FAIL: %s (%s): %pV\n",
	       c ? c->si->name : "-", c ? c->variant : "-", &vaf);
	va_end(args);
	return false;
}

static void st_done(struct sk_buff *skb, int err)
{
	st_req.err = err;
	st_req.calls++;
	complete(&st_req.done);
}

/* Result of an encrypt/decrypt call, waiting for it if it went async. */
static int st_result(struct st_ctx *c, struct sk_buff *skb, int err)
{
	c->reqs++;
	if (err == -EINPROGRESS) {
		wait_for_completion(&st_req.done);
		c->async++;
		if (!st_ok(c, st_req.calls == 1,
			   "done called %u times after -EINPROGRESS",
			   st_req.calls))
			return -EFAULT;
		err = st_req.err;
	} else if (!st_ok(c, st_req.calls == 0,
			  "done called on a synchronous return")) {
		return -EFAULT;
	}
	if (!st_ok(c, !VCMP_CB(skb)->crypto_tmp,
		   "crypto_tmp still set on completion"))
		return -EFAULT;
	return err;
}

static void st_arm(struct sk_buff *skb)
{
	reinit_completion(&st_req.done);
	st_req.calls = 0;
	st_req.err = 0;
	memset(skb->cb, 0, sizeof(skb->cb));
}

#ifdef CONFIG_X86
#define ST_FPU_BUSY	true
/* Like a softirq that interrupted kernel_fpu_begin(): no SIMD possible */
static void st_fpu_take(struct st_ctx *c)
{
	if (c->fpu_busy)
		kernel_fpu_begin();
}

static void st_fpu_give(struct st_ctx *c)
{
	if (c->fpu_busy)
		kernel_fpu_end();
}
#else
#define ST_FPU_BUSY	false
static void st_fpu_take(struct st_ctx *c) {}
static void st_fpu_give(struct st_ctx *c) {}
#endif

static int st_encrypt(struct st_ctx *c, struct sk_buff *skb, u64 seq)
{
	int err;

	st_arm(skb);
	st_fpu_take(c);
	err = vcmp_esp_encrypt(&c->a, skb, ST_SPI, seq, st_done);
	st_fpu_give(c);
	return st_result(c, skb, err);
}

static int st_decrypt(struct st_ctx *c, struct sk_buff *skb, u64 seq)
{
	int err;

	st_arm(skb);
	st_fpu_take(c);
	err = vcmp_esp_decrypt(&c->a, skb, seq, st_done);
	st_fpu_give(c);
	return st_result(c, skb, err);
}

/* A linear skb of @len bytes of @data with the given room around it. */
static struct sk_buff *st_skb_linear(const u8 *data, unsigned int len,
				     unsigned int head, unsigned int tail)
{
	struct sk_buff *skb = alloc_skb(head + len + tail, GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reserve(skb, head);
	skb_put_data(skb, data, len);
	return skb;
}

/*
 * @len bytes of @data in the shape asked for. For ST_CLONED the clone is
 * returned and the original stored in @orig (else @orig is set to NULL).
 */
static struct sk_buff *st_skb(const u8 *data, unsigned int len,
			      enum st_shape shape, struct sk_buff **orig)
{
	unsigned int head, off, n, i;
	struct sk_buff *skb, *child;
	struct page *page;

	*orig = NULL;
	switch (shape) {
	case ST_LINEAR:
		return st_skb_linear(data, len, ST_HEADROOM, ST_TAILROOM);
	case ST_TIGHT:
		return st_skb_linear(data, len, 0, 0);
	case ST_CLONED:
		*orig = st_skb_linear(data, len, ST_HEADROOM, ST_TAILROOM);
		if (!*orig)
			return NULL;
		skb = skb_clone(*orig, GFP_KERNEL);
		if (!skb) {
			kfree_skb(*orig);
			*orig = NULL;
		}
		return skb;
	case ST_PAGED:
		/* less than an ESP header + IV: decrypt must pull */
		head = min(len, 13U);
		skb = st_skb_linear(data, head, ST_HEADROOM, 0);
		for (off = head, i = 0; skb && off < len; off += n, i++) {
			n = min(len - off, 1000U);
			page = alloc_page(GFP_KERNEL);
			if (!page) {
				kfree_skb(skb);
				return NULL;
			}
			/* at an odd offset in the page */
			memcpy(page_address(page) + 101, data + off, n);
			skb_add_rx_frag(skb, i, page, 101, n, PAGE_SIZE);
		}
		return skb;
	case ST_FRAGLIST:
		head = min(len, 21U);
		skb = st_skb_linear(data, head, ST_HEADROOM, 0);
		if (!skb || head == len)
			return skb;
		child = st_skb_linear(data + head, len - head, 0, ST_TAILROOM);
		if (!child) {
			kfree_skb(skb);
			return NULL;
		}
		skb_shinfo(skb)->frag_list = child;
		skb->len += child->len;
		skb->data_len += child->len;
		skb->truesize += child->truesize;
		return skb;
	}
	return NULL;
}

/* Not pure.h's helpers: sparse flags their byte casts of constants */
static void st_put32(u8 *p, u32 v)
{
	__be32 b = cpu_to_be32(v);

	memcpy(p, &b, sizeof(b));
}

static u32 st_get32(const u8 *p)
{
	__be32 b;

	memcpy(&b, p, sizeof(b));
	return be32_to_cpu(b);
}

static void st_fill(u8 *p, unsigned int len, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed * 31 + i * 7 + (i >> 8));
}

enum st_bad { ST_PAD_OK, ST_PAD_BAD_FIRST, ST_PAD_BAD_LAST };

/*
 * The encrypted part for @len plaintext bytes: @pt, @padlen bytes of
 * padding 1, 2, ... (one of them wrong if @bad says so), the pad length
 * byte @padbyte and next header @nh. Returns its length.
 */
static unsigned int st_trailer(u8 *out, const u8 *pt, unsigned int len,
			       unsigned int padlen, u8 padbyte, u8 nh,
			       enum st_bad bad)
{
	unsigned int i;

	memcpy(out, pt, len);
	for (i = 0; i < padlen; i++)
		out[len + i] = (u8)(i + 1);
	if (bad == ST_PAD_BAD_FIRST && padlen)
		out[len] ^= 0x40;
	if (bad == ST_PAD_BAD_LAST && padlen)
		out[len + padlen - 1] ^= 0x40;
	out[len + padlen] = padbyte;
	out[len + padlen + 1] = nh;
	return len + padlen + 2;
}

/* Padding RFC 4303 and wire-format.rst ask for: to the suite alignment */
static unsigned int st_padlen(const struct vcmp_suite_info *si,
			      unsigned int len)
{
	return (si->align - (len + 2) % si->align) % si->align;
}

static int st_ref_aead(const struct st_ctx *c, const u8 *key, u64 seq,
		       const u8 *iv, const u8 *p, unsigned int elen, u8 *out)
{
	bool gcm = c->suite != VCMP_SUITE_CHACHA20_POLY1305;
	unsigned int keylen = vcmp_aead_keylen(c->suite) - 4;
	struct aead_request *req = NULL;
	struct crypto_aead *tfm;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 nonce[12], *s;
	int err;

	/* a synchronous implementation: not the one under test if async */
	tfm = crypto_alloc_aead(gcm ? "gcm(aes)" : "rfc7539(chacha20,poly1305)",
				0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	s = kmalloc(12 + elen + 16, GFP_KERNEL);
	err = -ENOMEM;
	if (!s)
		goto out;
	err = crypto_aead_setkey(tfm, key, keylen);
	if (!err)
		err = crypto_aead_setauthsize(tfm, 16);
	if (err)
		goto out;
	req = aead_request_alloc(tfm, GFP_KERNEL);
	err = -ENOMEM;
	if (!req)
		goto out;

	/* nonce = salt || explicit IV; AAD = SPI || seq hi || seq lo */
	memcpy(nonce, key + keylen, 4);
	memcpy(nonce + 4, iv, 8);
	st_put32(s, ST_SPI);
	st_put32(s + 4, upper_32_bits(seq));
	st_put32(s + 8, lower_32_bits(seq));
	memcpy(s + 12, p, elen);
	sg_init_one(&sg, s, 12 + elen + 16);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_crypt(req, &sg, &sg, elen, nonce);
	aead_request_set_ad(req, 12);
	err = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	if (err)
		goto out;

	st_put32(out, ST_SPI);
	st_put32(out + 4, lower_32_bits(seq));
	memcpy(out + 8, iv, 8);
	memcpy(out + 16, s + 12, elen + 16);
	err = 16 + elen + 16;
out:
	aead_request_free(req);
	kfree(s);
	crypto_free_aead(tfm);
	return err;
}

static int st_ref_cbc(const u8 *key, u64 seq, const u8 *iv, const u8 *p,
		      unsigned int elen, u8 *out)
{
	struct skcipher_request *req = NULL;
	struct crypto_skcipher *cbc;
	struct crypto_shash *hmac;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	u8 ivbuf[16], digest[20];
	int err;

	cbc = crypto_alloc_skcipher("cbc(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(cbc))
		return PTR_ERR(cbc);
	hmac = crypto_alloc_shash("hmac(sha1)", 0, 0);
	if (IS_ERR(hmac)) {
		crypto_free_skcipher(cbc);
		return PTR_ERR(hmac);
	}
	err = crypto_skcipher_setkey(cbc, key, 16);
	if (!err)
		err = crypto_shash_setkey(hmac, key + 16, 20);
	if (err)
		goto out;
	req = skcipher_request_alloc(cbc, GFP_KERNEL);
	err = -ENOMEM;
	if (!req)
		goto out;

	st_put32(out, ST_SPI);
	st_put32(out + 4, lower_32_bits(seq));
	memcpy(out + 8, iv, 16);
	memcpy(out + 24, p, elen);
	memcpy(ivbuf, iv, 16);
	sg_init_one(&sg, out + 24, elen);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, elen, ivbuf);
	err = crypto_wait_req(crypto_skcipher_encrypt(req), &wait);
	if (err)
		goto out;

	/* RFC 4303 2.2.1: ESN high half appended to the authenticated data */
	st_put32(out + 24 + elen, upper_32_bits(seq));
	err = crypto_shash_tfm_digest(hmac, out, 24 + elen + 4, digest);
	if (err)
		goto out;
	memcpy(out + 24 + elen, digest, 12);
	err = 24 + elen + 12;
out:
	skcipher_request_free(req);
	crypto_free_shash(hmac);
	crypto_free_skcipher(cbc);
	return err;
}

/*
 * ESP packet sealing the encrypted part @p (@elen bytes) with IV @iv,
 * built from the primitives. Returns its length or a negative errno.
 */
static int st_ref_seal(const struct st_ctx *c, u64 seq, const u8 *iv,
		       const u8 *p, unsigned int elen, u8 *out)
{
	if (c->suite == VCMP_SUITE_AES_CBC_HMAC_SHA1)
		return st_ref_cbc(st_kat_key, seq, iv, p, elen, out);
	return st_ref_aead(c, st_kat_key, seq, iv, p, elen, out);
}

static bool st_same(struct st_ctx *c, const u8 *got, const u8 *want,
		    unsigned int len, const char *what)
{
	unsigned int i;

	for (i = 0; i < len && got[i] == want[i]; i++)
		;
	return st_ok(c, i == len, "%s: differs at byte %u of %u", what, i,
		     len);
}

static int st_read(struct sk_buff *skb, u8 *buf)
{
	if (skb->len > ST_BUF)
		return -EMSGSIZE;
	return skb_copy_bits(skb, 0, buf, skb->len);
}

/* Decrypt @len bytes of @wire in @shape: expect @want_err, and @pt. */
static bool st_open(struct st_ctx *c, const u8 *wire, unsigned int len,
		    u64 seq, enum st_shape shape, int want_err,
		    const u8 *pt, unsigned int ptlen, const char *what)
{
	struct sk_buff *skb, *orig;
	bool ok;
	int err;

	skb = st_skb(wire, len, shape, &orig);
	if (!st_ok(c, skb, "%s: no memory", what))
		return false;
	err = st_decrypt(c, skb, seq);
	ok = st_ok(c, err == want_err, "%s (%s, %u bytes): decrypt %d, want %d",
		   what, st_shape_names[shape], len, err, want_err);
	if (ok && !err) {
		ok = st_ok(c, skb->len == ptlen, "%s (%s): length %u, want %u",
			   what, st_shape_names[shape], skb->len, ptlen) &&
		     st_ok(c, !st_read(skb, c->buf), "%s: read back", what) &&
		     st_same(c, c->buf, pt, ptlen, what);
	}
	if (ok && orig)
		ok = st_ok(c, !st_read(orig, c->buf), "%s: read clone", what) &&
		     st_same(c, c->buf, wire, len, "original of a decrypted clone");
	kfree_skb(skb);
	kfree_skb(orig);
	return ok;
}

/* Encrypt @len bytes of c->pt in @shape into c->wire; its length or < 0 */
static int st_seal(struct st_ctx *c, unsigned int len, u64 seq,
		   enum st_shape shape)
{
	struct sk_buff *skb, *orig;
	int err;

	skb = st_skb(c->pt, len, shape, &orig);
	if (!st_ok(c, skb, "no memory"))
		return -ENOMEM;
	err = st_encrypt(c, skb, seq);
	if (!st_ok(c, !err, "encrypt %u bytes (%s): %d", len,
		   st_shape_names[shape], err))
		goto out;
	err = -EINVAL;
	if (!st_ok(c, !st_read(skb, c->wire), "encrypt %u bytes: too long",
		   len))
		goto out;
	err = skb->len;
	if (orig && (!st_ok(c, !st_read(orig, c->buf), "read original") ||
		     !st_same(c, c->buf, c->pt, len,
			      "original of an encrypted clone")))
		err = -EINVAL;
out:
	kfree_skb(skb);
	kfree_skb(orig);
	return err;
}

/* Round trip, layout, tampering, for one plaintext length */
static bool st_length(struct st_ctx *c, unsigned int len, enum st_shape shape,
		      u64 seq)
{
	const struct vcmp_suite_info *si = c->si;
	unsigned int hdrlen = VCMP_ESP_HDR_LEN + si->iv_len;
	unsigned int elen = len + st_padlen(si, len) + 2;
	unsigned int want = hdrlen + elen + si->icv_len;
	unsigned int flips[8], i;
	int wlen;

	st_fill(c->pt, len, len);
	wlen = st_seal(c, len, seq, shape);
	if (wlen < 0)
		return false;

	if (!st_ok(c, wlen == want, "%u bytes: ESP length %d, want %u",
		   len, wlen, want))
		return false;
	if (len >= VCMP_OVERHEAD) {
		unsigned int inner = len - VCMP_OVERHEAD;
		unsigned int v4 = inner + vcmp_overhead(c->suite, false, inner) -
				  sizeof(struct iphdr) - sizeof(struct udphdr);
		unsigned int v6 = inner + vcmp_overhead(c->suite, true, inner) -
				  sizeof(struct ipv6hdr) - sizeof(struct udphdr);

		if (!st_ok(c, v4 == wlen && v6 == wlen,
			   "%u bytes: ESP length %d, vcmp_overhead() says %u/%u",
			   len, wlen, v4, v6))
			return false;
	}
	if (!st_ok(c, st_get32(c->wire) == ST_SPI &&
		   st_get32(c->wire + 4) == lower_32_bits(seq),
		   "%u bytes: ESP header", len))
		return false;
	if (c->suite != VCMP_SUITE_AES_CBC_HMAC_SHA1 &&
	    !st_ok(c, st_get32(c->wire + 8) == upper_32_bits(seq) &&
		   st_get32(c->wire + 12) == lower_32_bits(seq),
		   "%u bytes: IV is not the sequence number", len))
		return false;

	/* in every shape a receiver may see */
	if (!st_open(c, c->wire, wlen, seq, ST_LINEAR, 0, c->pt, len,
		     "round trip"))
		return false;
	if (len >= 100 &&
	    (!st_open(c, c->wire, wlen, seq, ST_PAGED, 0, c->pt, len,
		      "round trip") ||
	     !st_open(c, c->wire, wlen, seq, ST_FRAGLIST, 0, c->pt, len,
		      "round trip") ||
	     !st_open(c, c->wire, wlen, seq, ST_CLONED, 0, c->pt, len,
		      "round trip") ||
	     !st_open(c, c->wire, wlen, seq, ST_TIGHT, 0, c->pt, len,
		      "round trip")))
		return false;

	/* one bit anywhere: SPI, seq, IV, ciphertext, trailer, ICV */
	flips[0] = 0;
	flips[1] = 6;
	flips[2] = 8;
	flips[3] = hdrlen;
	flips[4] = hdrlen + elen / 2;
	flips[5] = hdrlen + elen - 1;
	flips[6] = wlen - si->icv_len;
	flips[7] = wlen - 1;
	for (i = 0; i < ARRAY_SIZE(flips); i++) {
		u64 s;

		memcpy(c->buf, c->wire, wlen);
		c->buf[flips[i]] ^= 1 << (i % 8);
		/* the caller infers the number from what it received */
		s = (seq & ~0xffffffffULL) | st_get32(c->buf + 4);
		if (!st_open(c, c->buf, wlen, s, i & 1 ? ST_PAGED : ST_LINEAR,
			     -EBADMSG, NULL, 0, "flipped bit"))
			return false;
	}

	/* ESN high half inferred wrong, either way */
	return st_open(c, c->wire, wlen, seq + (1ULL << 32), ST_LINEAR,
		       -EBADMSG, NULL, 0, "ESN high + 1") &&
	       st_open(c, c->wire, wlen, seq - (1ULL << 32), ST_LINEAR,
		       -EBADMSG, NULL, 0, "ESN high - 1");
}

/* Known answers, and the layout against the primitives */
static bool st_layout(struct st_ctx *c)
{
	const struct st_kat *kat = &st_kats[c->suite];
	const struct vcmp_suite_info *si = c->si;
	unsigned int elen, len, pad;
	u64 seq;
	u8 iv[16];
	int wlen, rlen;

	/* OpenSSL's packet decrypts; our AEAD output is that packet */
	if (!st_open(c, kat->wire, kat->len, ST_KAT_SEQ, ST_LINEAR, 0,
		     st_kat_pt, ST_KAT_PT_LEN, "known answer"))
		return false;
	memcpy(c->pt, st_kat_pt, ST_KAT_PT_LEN);
	wlen = st_seal(c, ST_KAT_PT_LEN, ST_KAT_SEQ, ST_LINEAR);
	if (wlen < 0)
		return false;
	if (c->suite != VCMP_SUITE_AES_CBC_HMAC_SHA1 &&
	    (!st_ok(c, wlen == kat->len, "known answer length %d, want %u",
		    wlen, kat->len) ||
	     !st_same(c, c->wire, kat->wire, kat->len, "known answer")))
		return false;

	/* the primitives give OpenSSL's packet too (checks the reference) */
	pad = st_padlen(si, ST_KAT_PT_LEN);
	elen = st_trailer(c->enc, (const u8 *)st_kat_pt, ST_KAT_PT_LEN, pad,
			  pad, VCMP_ESP_NEXTHDR, ST_PAD_OK);
	st_put32(iv, upper_32_bits(ST_KAT_SEQ));
	st_put32(iv + 4, lower_32_bits(ST_KAT_SEQ));
	if (c->suite == VCMP_SUITE_AES_CBC_HMAC_SHA1)
		memcpy(iv, st_kat_cbc_iv, 16);
	rlen = st_ref_seal(c, ST_KAT_SEQ, iv, c->enc, elen, c->ref);
	if (!st_ok(c, rlen == kat->len, "reference length %d, want %u", rlen,
		   kat->len) ||
	    !st_same(c, c->ref, kat->wire, kat->len,
		     "reference vs known answer"))
		return false;

	/* vcmp vs the primitives, 100 bytes, ESN high half about to change */
	len = 100;
	seq = 0x00000007ffffffffULL;
	st_fill(c->pt, len, 3);
	wlen = st_seal(c, len, seq, ST_LINEAR);
	if (wlen < 0)
		return false;
	pad = st_padlen(si, len);
	elen = st_trailer(c->enc, c->pt, len, pad, pad, VCMP_ESP_NEXTHDR,
			  ST_PAD_OK);
	/* AEAD: the IV was checked to be the sequence number; CBC: random */
	memcpy(iv, c->wire + VCMP_ESP_HDR_LEN, si->iv_len);
	rlen = st_ref_seal(c, seq, iv, c->enc, elen, c->ref);
	return st_ok(c, rlen == wlen, "reference length %d, want %d", rlen,
		     wlen) &&
	       st_same(c, c->wire, c->ref, wlen, "vcmp vs primitives");
}

#define ST_PB_RIGHT	-1	/* pad length byte: the padding length */
#define ST_PB_PLUS1	-2	/* one more than the padding there is */

/*
 * Authenticated packets with a bad trailer, made with the primitives:
 * decrypt must authenticate them, then refuse them with -EPROTO; and
 * legal variations (more padding than needed, no payload) must pass.
 */
static bool st_trailers(struct st_ctx *c)
{
	static const struct {
		unsigned int len;	/* plaintext */
		unsigned int extra;	/* padding beyond the alignment */
		int padbyte;		/* ST_PB_* or a value */
		u8 nh;
		enum st_bad bad;
		int err;
		const char *what;
	} t[] = {
		{ 41, 0, ST_PB_RIGHT, 4, ST_PAD_OK, -EPROTO, "next header 4" },
		{ 41, 0, ST_PB_RIGHT, 0, ST_PAD_OK, -EPROTO, "next header 0" },
		{ 37, 0, ST_PB_RIGHT, VCMP_ESP_NEXTHDR, ST_PAD_BAD_FIRST,
		  -EPROTO, "first padding byte" },
		{ 37, 16, ST_PB_RIGHT, VCMP_ESP_NEXTHDR, ST_PAD_BAD_LAST,
		  -EPROTO, "last padding byte" },
		{ 37, 0, 255, VCMP_ESP_NEXTHDR, ST_PAD_OK, -EPROTO,
		  "pad length 255" },
		{ 0, 0, ST_PB_PLUS1, VCMP_ESP_NEXTHDR, ST_PAD_OK, -EPROTO,
		  "pad length beyond the data" },
		{ 37, 32, ST_PB_RIGHT, VCMP_ESP_NEXTHDR, ST_PAD_OK, 0,
		  "extra padding" },
		{ 0, 0, ST_PB_RIGHT, VCMP_ESP_NEXTHDR, ST_PAD_OK, 0,
		  "empty payload" },
	};
	const struct vcmp_suite_info *si = c->si;
	unsigned int i, len, pad, elen;
	u8 iv[16] = { 0x42, 0x24 };
	int wlen, pb;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		len = t[i].len;
		pad = st_padlen(si, len) + t[i].extra;
		pb = t[i].padbyte;
		if (pb == ST_PB_RIGHT)
			pb = pad;
		else if (pb == ST_PB_PLUS1)
			pb = pad + 1;
		st_fill(c->pt, len, i);
		elen = st_trailer(c->enc, c->pt, len, pad, (u8)pb, t[i].nh,
				  t[i].bad);
		wlen = st_ref_seal(c, ST_SEQ, iv, c->enc, elen, c->ref);
		if (!st_ok(c, wlen > 0, "%s: reference %d", t[i].what, wlen) ||
		    !st_open(c, c->ref, wlen, ST_SEQ,
			     i & 1 ? ST_PAGED : ST_LINEAR, t[i].err, c->pt, len,
			     t[i].what))
			return false;
	}
	return true;
}

/* What must be refused before any crypto */
static bool st_malformed(struct st_ctx *c)
{
	const struct vcmp_suite_info *si = c->si;
	unsigned int min = VCMP_ESP_HDR_LEN + si->iv_len + 2 + si->icv_len;
	unsigned int lens[] = { 0, 1, 7, 8, min - 1 };
	unsigned int i;
	int wlen;

	memset(c->buf, 0xa5, ST_BUF);
	st_put32(c->buf, ST_SPI);
	st_put32(c->buf + 4, lower_32_bits(ST_SEQ));
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		if (!st_open(c, c->buf, lens[i], ST_SEQ, ST_LINEAR, -EINVAL,
			     NULL, 0, "short packet"))
			return false;
	if (si->align > 4) {
		/* ciphertext not a whole number of blocks */
		if (!st_open(c, c->buf, min + si->align - 1, ST_SEQ, ST_LINEAR,
			     -EINVAL, NULL, 0, "partial block") ||
		    !st_open(c, c->buf, min + 2 * si->align - 2 + 1, ST_SEQ,
			     ST_LINEAR, -EINVAL, NULL, 0, "partial block"))
			return false;
	}

	/* @seq must be the number the packet carries */
	st_fill(c->pt, 64, 9);
	wlen = st_seal(c, 64, ST_SEQ, ST_LINEAR);
	return wlen > 0 &&
	       st_open(c, c->wire, wlen, ST_SEQ + 1, ST_LINEAR, -EINVAL,
		       NULL, 0, "seq not the packet's");
}

/* Same plaintext, next sequence number: other IV, other ciphertext */
static bool st_fresh(struct st_ctx *c)
{
	const struct vcmp_suite_info *si = c->si;
	unsigned int hdrlen = VCMP_ESP_HDR_LEN + si->iv_len;
	u8 *first = c->ref;
	int wlen, wlen2;

	st_fill(c->pt, 200, 5);
	wlen = st_seal(c, 200, ST_SEQ, ST_LINEAR);
	if (wlen < 0)
		return false;
	memcpy(first, c->wire, wlen);
	wlen2 = st_seal(c, 200, ST_SEQ + 1, ST_LINEAR);
	return wlen2 == wlen &&
	       st_ok(c, memcmp(first + VCMP_ESP_HDR_LEN, c->wire + VCMP_ESP_HDR_LEN,
			       si->iv_len), "IV repeated") &&
	       st_ok(c, memcmp(first + hdrlen, c->wire + hdrlen,
			       wlen - hdrlen), "ciphertext repeated");
}

static int st_suite(struct st_ctx *c, enum vcmp_suite suite, bool fpu_busy)
{
	struct netlink_ext_ack extack = {};
	const char *driver;
	unsigned int i;
	bool ok, async;
	int err;

	c->suite = suite;
	c->si = vcmp_suite_info(suite);
	c->variant = fpu_busy ? "FPU busy" : "direct";
	c->fpu_busy = fpu_busy;
	c->reqs = 0;
	c->async = 0;
	err = vcmp_aead_init(&c->a, suite, st_kat_key, vcmp_aead_keylen(suite),
			     &extack);
	if (!st_ok(c, !err, "init: %d (%s)", err, extack._msg ?: ""))
		return -EINVAL;
	driver = crypto_tfm_alg_driver_name(crypto_aead_tfm(c->a.tfm));
	async = crypto_aead_alg(c->a.tfm)->base.cra_flags & CRYPTO_ALG_ASYNC;

	ok = st_layout(c) && st_trailers(c) && st_malformed(c) && st_fresh(c);
	for (i = 0; ok && i < ARRAY_SIZE(st_lens); i++)
		ok = st_length(c, st_lens[i].len, st_lens[i].shape, ST_SEQ + i);
	/* a synchronous algorithm must never answer -EINPROGRESS */
	if (ok && !async)
		ok = st_ok(c, !c->async, "%s: synchronous, yet %u of %u requests asynchronous",
			   driver, c->async, c->reqs);
	/* SIMD drivers always defer to cryptd without the FPU */
	if (ok && async && fpu_busy)
		ok = st_ok(c, c->async, "%s: asynchronous, yet no request was",
			   driver);
	if (ok)
		pr_info("crypto selftest: %s (%s): %s, %s, %u of %u requests completed asynchronously\n",
			c->si->name, c->variant, driver,
			async ? "async" : "sync", c->async, c->reqs);
	vcmp_aead_free(&c->a);
	return ok ? 0 : -EINVAL;
}

/* The key lengths and what vcmp_aead_init() refuses */
static bool st_init(void)
{
	static const unsigned int keylens[VCMP_SUITE_COUNT] = {
		[VCMP_SUITE_PLAIN] = 0,
		[VCMP_SUITE_AES_GCM_128] = 20,
		[VCMP_SUITE_AES_GCM_256] = 36,
		[VCMP_SUITE_CHACHA20_POLY1305] = 36,
		[VCMP_SUITE_AES_CBC_HMAC_SHA1] = 36,
	};
	struct netlink_ext_ack extack;
	struct vcmp_aead a = {};
	unsigned int s, n;
	int err;

	for (s = 0; s < VCMP_SUITE_COUNT; s++) {
		n = vcmp_aead_keylen(s);
		if (!st_ok(NULL, n == keylens[s], "suite %u: key length %u, want %u",
			   s, n, keylens[s]))
			return false;
		memset(&extack, 0, sizeof(extack));
		err = vcmp_aead_init(&a, s, st_kat_key, n ? n - 1 : 0, &extack);
		if (!st_ok(NULL, err == -EINVAL && extack._msg && !a.tfm,
			   "suite %u: bad key length: %d", s, err))
			return false;
	}
	memset(&extack, 0, sizeof(extack));
	err = vcmp_aead_init(&a, VCMP_SUITE_COUNT, st_kat_key, 0, &extack);
	return st_ok(NULL, err == -EINVAL && extack._msg && !a.tfm,
		     "unknown suite: %d", err);
}

/**
 * vcmp_crypto_selftest() - test crypto.c
 *
 * Return: 0 (after printing "crypto selftest: pass (N cases)"), or -EINVAL
 * after a pr_err() naming the failed case.
 */
int vcmp_crypto_selftest(void)
{
	static const enum vcmp_suite suites[] = {
		VCMP_SUITE_AES_GCM_128, VCMP_SUITE_AES_GCM_256,
		VCMP_SUITE_CHACHA20_POLY1305, VCMP_SUITE_AES_CBC_HMAC_SHA1,
	};
	struct st_ctx *c;
	unsigned int i;
	int err = -EINVAL;

	st_cases = 0;
	init_completion(&st_req.done);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		goto out;
	c->pt = kmalloc(ST_BUF, GFP_KERNEL);
	c->wire = kmalloc(ST_BUF, GFP_KERNEL);
	c->buf = kmalloc(ST_BUF, GFP_KERNEL);
	c->ref = kmalloc(ST_BUF, GFP_KERNEL);
	c->enc = kmalloc(ST_BUF, GFP_KERNEL);
	if (!c->pt || !c->wire || !c->buf || !c->ref || !c->enc || !st_init())
		goto out;
	for (i = 0; i < ARRAY_SIZE(suites); i++)
		if (st_suite(c, suites[i], false) ||
		    (ST_FPU_BUSY && st_suite(c, suites[i], true)))
			goto out;
	err = 0;
	pr_info("crypto selftest: pass (%u cases)\n", st_cases);
out:
	if (err)
		pr_err("crypto selftest: failed after %u cases\n", st_cases);
	if (c) {
		kfree(c->pt);
		kfree(c->wire);
		kfree(c->buf);
		kfree(c->ref);
		kfree(c->enc);
		kfree(c);
	}
	return err;
}
