// SPDX-License-Identifier: GPL-2.0
/*
 * ESP (RFC 4303) in transport mode over the kernel crypto API's AEADs.
 *
 * Every suite is driven through one request layout:
 *
 *	sg[0]		AAD: SPI, sequence number high 32, low 32 (12 bytes,
 *			in the per-request allocation, not in the skb)
 *	sg[1..]		the skb from the IV on: IV, payload, padding, pad
 *			length, next header, ICV
 *	assoclen	12 + IV length
 *	cryptlen	the encrypted part (+ ICV when decrypting)
 *
 * Keeping the AAD out of the skb means the on-wire header is never
 * rearranged, whatever the algorithm does with its associated data:
 *
 * - rfc4106(gcm(aes)) and rfc7539esp(chacha20,poly1305) authenticate all
 *   but the last 8 bytes of the associated data (the IV, which they only
 *   skip) and build their nonce from the 4-byte salt and the request IV:
 *   the GCM/ChaCha20-Poly1305 AAD is SPI || seq hi || seq lo, as RFC 4106
 *   section 5 and RFC 7634 section 2.1 specify for ESN.
 * - authencesn(hmac(sha1),cbc(aes)) moves the high half of the sequence
 *   number behind the ciphertext before hashing, so the HMAC covers
 *   SPI || seq lo || IV || ciphertext || seq hi: RFC 4303 2.2.1's ESN
 *   rule for a separate integrity algorithm. (authenc would hash the
 *   high half in front, which is not ESP.) vcmp SAs always use ESN.
 *
 * IVs are made here rather than by a geniv template (seqiv, echainiv):
 * - GCM and ChaCha20-Poly1305 need an IV that never repeats under one key;
 *   the 64-bit sequence number is exactly that (vcmp never reuses one per
 *   key, wire-format.rst), so the explicit IV is the sequence number, big
 *   endian, as RFC 4106 section 3 suggests for a counter.
 * - CBC needs an unpredictable IV (RFC 3602 section 2): 16 bytes from
 *   get_random_bytes(), which is fine in atomic context.
 * Doing it here keeps the transform a plain AEAD whose every input is known,
 * which is what lets the self-test check the bytes against the underlying
 * primitives, and avoids geniv's IV-in-the-AAD request convention.
 *
 * Nothing here sleeps: allocations are GFP_ATOMIC and requests are submitted
 * without CRYPTO_TFM_REQ_MAY_SLEEP. The transform is only read after setup,
 * so any number of packets may use one vcmp_aead at the same time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "crypto.h"
#include "skb_cb.h"

#define VCMP_ESP_AAD_LEN	12	/* SPI, seq hi, seq lo */
#define VCMP_ESP_TRAILER	2	/* pad length, next header */
#define VCMP_SALT_LEN		4	/* nonce salt after the AEAD keys */
#define VCMP_KEY_MAX		36	/* longest key of any suite */

/*
 * struct vcmp_esp_alg - how a suite maps onto the crypto API
 * @name: AEAD algorithm name
 * @enc_keylen: cipher key bytes (for the AEADs: including the salt)
 * @auth_keylen: HMAC key bytes, 0 for the AEADs (authenc key blob if not)
 */
struct vcmp_esp_alg {
	const char *name;
	u8 enc_keylen;
	u8 auth_keylen;
};

static const struct vcmp_esp_alg vcmp_esp_algs[VCMP_SUITE_COUNT] = {
	[VCMP_SUITE_AES_GCM_128] = {
		.name = "rfc4106(gcm(aes))",
		.enc_keylen = 16 + VCMP_SALT_LEN,
	},
	[VCMP_SUITE_AES_GCM_256] = {
		.name = "rfc4106(gcm(aes))",
		.enc_keylen = 32 + VCMP_SALT_LEN,
	},
	[VCMP_SUITE_CHACHA20_POLY1305] = {
		.name = "rfc7539esp(chacha20,poly1305)",
		.enc_keylen = 32 + VCMP_SALT_LEN,
	},
	[VCMP_SUITE_AES_CBC_HMAC_SHA1] = {
		.name = "authencesn(hmac(sha1),cbc(aes))",
		.enc_keylen = 16,
		.auth_keylen = 20,
	},
};

/*
 * struct vcmp_crypto_tmp - head of the per-request allocation
 * @done: the caller's completion, for -EINPROGRESS
 * @decrypt: which finishing function applies
 * @hdr_len: ESP header + IV bytes
 * @icv_len: ICV bytes
 * @aad: associated data (sg[0]): SPI, seq hi, seq lo, big endian
 *
 * Followed in the same allocation by the request IV (aligned for the
 * transform), the aead_request with its context, and the scatterlist.
 */
struct vcmp_crypto_tmp {
	vcmp_crypt_done_t done;
	bool decrypt;
	u8 hdr_len;
	u8 icv_len;
	u8 aad[VCMP_ESP_AAD_LEN];
};

/**
 * vcmp_aead_keylen() - key bytes a suite takes from userspace
 * @suite: enum vcmp_suite
 *
 * Return: the length of the key material vcmp_aead_init() expects (see
 * crypto.h for its layout), 0 for the plain suite or an unknown one.
 */
unsigned int vcmp_aead_keylen(enum vcmp_suite suite)
{
	const struct vcmp_esp_alg *alg;

	if ((unsigned int)suite >= ARRAY_SIZE(vcmp_esp_algs))
		return 0;
	alg = &vcmp_esp_algs[suite];
	return alg->enc_keylen + alg->auth_keylen;
}

/*
 * authenc keys are an rtattr holding the cipher key length, then the
 * authentication key, then the cipher key (crypto_authenc_extractkeys()).
 * vcmp's key material is cipher key first: reorder it into @blob.
 */
#define VCMP_AUTHENC_BLOB_MAX \
	(RTA_SPACE(sizeof(struct crypto_authenc_key_param)) + VCMP_KEY_MAX)

static unsigned int vcmp_authenc_key(u8 *blob, const struct vcmp_esp_alg *alg,
				     const u8 *key)
{
	struct crypto_authenc_key_param *param;
	struct rtattr *rta = (struct rtattr *)blob;
	u8 *p = blob + RTA_SPACE(sizeof(*param));

	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(alg->enc_keylen);
	memcpy(p, key + alg->enc_keylen, alg->auth_keylen);
	memcpy(p + alg->auth_keylen, key, alg->enc_keylen);
	return RTA_SPACE(sizeof(*param)) + alg->auth_keylen + alg->enc_keylen;
}

/**
 * vcmp_aead_init() - set up the transform for one key
 * @a: filled in on success, left untouched on failure
 * @suite: an ESP suite
 * @key: vcmp_aead_keylen(@suite) bytes, layout in crypto.h
 * @keylen: length of @key
 * @extack: for the reason of a failure
 *
 * Process context (allocates the transform).
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int vcmp_aead_init(struct vcmp_aead *a, enum vcmp_suite suite,
		   const u8 *key, unsigned int keylen,
		   struct netlink_ext_ack *extack)
{
	const struct vcmp_suite_info *si = vcmp_suite_info(suite);
	u8 blob[VCMP_AUTHENC_BLOB_MAX] __aligned(4);
	const struct vcmp_esp_alg *alg;
	struct crypto_aead *tfm;
	int err;

	if (!si || !si->esp) {
		NL_SET_ERR_MSG_MOD(extack, "Suite has no ESP transform");
		return -EINVAL;
	}
	alg = &vcmp_esp_algs[suite];
	if (keylen != vcmp_aead_keylen(suite)) {
		NL_SET_ERR_MSG_MOD(extack, "Key length does not match the suite");
		return -EINVAL;
	}

	tfm = crypto_alloc_aead(alg->name, 0, 0);
	if (IS_ERR(tfm)) {
		NL_SET_ERR_MSG_MOD(extack, "Crypto algorithm of the suite not available");
		return PTR_ERR(tfm);
	}
	if (crypto_aead_ivsize(tfm) != si->iv_len) {
		NL_SET_ERR_MSG_MOD(extack, "Crypto algorithm has an unexpected IV size");
		err = -EINVAL;
		goto err_free_tfm;
	}
	err = crypto_aead_setauthsize(tfm, si->icv_len);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Crypto algorithm refused the ICV length");
		goto err_free_tfm;
	}

	if (alg->auth_keylen) {
		unsigned int bloblen = vcmp_authenc_key(blob, alg, key);

		err = crypto_aead_setkey(tfm, blob, bloblen);
		memzero_explicit(blob, sizeof(blob));
	} else {
		err = crypto_aead_setkey(tfm, key, keylen);
	}
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Crypto algorithm refused the key");
		goto err_free_tfm;
	}

	a->tfm = tfm;
	a->suite = suite;
	return 0;

err_free_tfm:
	crypto_free_aead(tfm);
	return err;
}

/**
 * vcmp_aead_free() - release the transform (the crypto API wipes the key)
 * @a: set up by vcmp_aead_init(), or zeroed
 */
void vcmp_aead_free(struct vcmp_aead *a)
{
	if (!a->tfm)
		return;
	crypto_free_aead(a->tfm);
	a->tfm = NULL;
}

/*
 * One allocation per request: struct vcmp_crypto_tmp, the request IV, the
 * aead_request and @nsg scatterlist entries. Alignment slack is reserved
 * so that each part can be aligned wherever kmalloc puts the block.
 */
static struct vcmp_crypto_tmp *vcmp_tmp_alloc(struct crypto_aead *tfm,
					      unsigned int nsg)
{
	unsigned int len;

	len = sizeof(struct vcmp_crypto_tmp);
	len += crypto_aead_alignmask(tfm) + crypto_aead_ivsize(tfm);
	len += __alignof__(struct aead_request) - 1;
	len += sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
	len += __alignof__(struct scatterlist) - 1;
	len += nsg * sizeof(struct scatterlist);
	return kmalloc(len, GFP_ATOMIC);
}

static u8 *vcmp_tmp_iv(struct crypto_aead *tfm, struct vcmp_crypto_tmp *t)
{
	return PTR_ALIGN((u8 *)(t + 1), crypto_aead_alignmask(tfm) + 1);
}

static struct aead_request *vcmp_tmp_req(struct crypto_aead *tfm, u8 *iv)
{
	u8 *end = iv + crypto_aead_ivsize(tfm);

	return (struct aead_request *)PTR_ALIGN(end,
						__alignof__(struct aead_request));
}

static struct scatterlist *vcmp_tmp_sg(struct crypto_aead *tfm,
				       struct aead_request *req)
{
	u8 *end = (u8 *)(req + 1) + crypto_aead_reqsize(tfm);

	return (struct scatterlist *)PTR_ALIGN(end,
					       __alignof__(struct scatterlist));
}

static void vcmp_tmp_free(struct sk_buff *skb)
{
	struct vcmp_skb_cb *cb = VCMP_CB(skb);

	kfree(cb->crypto_tmp);
	cb->crypto_tmp = NULL;
}

static void vcmp_set_aad(struct vcmp_crypto_tmp *t, const u8 *spi, u64 seq)
{
	memcpy(t->aad, spi, 4);
	vcmp_put_be32(t->aad + 4, upper_32_bits(seq));
	vcmp_put_be32(t->aad + 8, lower_32_bits(seq));
}

/* Encryption is complete (or failed): the skb is as it will be sent. */
static int vcmp_esp_encrypt_finish(struct sk_buff *skb, int err)
{
	vcmp_tmp_free(skb);
	return err;
}

/*
 * Decryption is complete (or failed): check and strip the ESP trailer and
 * header. Runs after authentication, so whatever it finds was sent by the
 * key holder.
 */
static int vcmp_esp_decrypt_finish(struct sk_buff *skb, int err)
{
	struct vcmp_crypto_tmp *t = VCMP_CB(skb)->crypto_tmp;
	unsigned int hdr_len = t->hdr_len, icv_len = t->icv_len;
	unsigned int end, elen, padlen, off, i, n;
	u8 buf[32], trailer[VCMP_ESP_TRAILER];
	const u8 *p;

	vcmp_tmp_free(skb);
	if (err)
		return err;

	/* elen >= 2 was checked before decrypting */
	end = skb->len - icv_len - VCMP_ESP_TRAILER;
	elen = end + VCMP_ESP_TRAILER - hdr_len;
	if (skb_copy_bits(skb, end, trailer, sizeof(trailer)))
		return -EINVAL;
	padlen = trailer[0];
	if (padlen > elen - VCMP_ESP_TRAILER)
		return -EPROTO;
	if (trailer[1] != VCMP_ESP_NEXTHDR)
		return -EPROTO;

	/* RFC 4303 2.4: padding bytes are 1, 2, 3, ...; a receiver may check */
	off = end - padlen;
	for (i = 0; i < padlen; i += n) {
		unsigned int j;

		n = min_t(unsigned int, padlen - i, sizeof(buf));
		p = skb_header_pointer(skb, off + i, n, buf);
		if (!p)
			return -EINVAL;
		for (j = 0; j < n; j++)
			if (p[j] != (u8)(i + j + 1))
				return -EPROTO;
	}

	err = pskb_trim(skb, off);
	if (err)
		return err;
	__skb_pull(skb, hdr_len);
	return 0;
}

/* Async completion of either direction: the one path shared with sync. */
static void vcmp_esp_done(VCMP_CRYPTO_CB_ARG arg, int err)
{
	struct sk_buff *skb = vcmp_crypto_cb_data(arg);
	struct vcmp_crypto_tmp *t = VCMP_CB(skb)->crypto_tmp;
	vcmp_crypt_done_t done = t->done;

	/* only with CRYPTO_TFM_REQ_MAY_BACKLOG, which vcmp does not set */
	if (err == -EINPROGRESS)
		return;

	if (t->decrypt)
		err = vcmp_esp_decrypt_finish(skb, err);
	else
		err = vcmp_esp_encrypt_finish(skb, err);
	done(skb, err);
}

/*
 * Fill the request of @t for the ESP packet at skb->data, whose header and
 * IV are linear; @cryptlen as for aead_request_set_crypt().
 */
static int vcmp_esp_req(const struct vcmp_aead *a, struct sk_buff *skb,
			struct vcmp_crypto_tmp *t, unsigned int nsg,
			unsigned int cryptlen, struct aead_request **reqp)
{
	struct crypto_aead *tfm = a->tfm;
	unsigned int ivlen = crypto_aead_ivsize(tfm);
	struct aead_request *req;
	struct scatterlist *sg;
	u8 *iv;
	int err;

	iv = vcmp_tmp_iv(tfm, t);
	req = vcmp_tmp_req(tfm, iv);
	sg = vcmp_tmp_sg(tfm, req);

	/* the explicit IV on the wire is the request IV */
	memcpy(iv, skb->data + VCMP_ESP_HDR_LEN, ivlen);

	/* IV, encrypted part and ICV: the rest of the packet */
	sg_init_table(sg, nsg);
	sg_set_buf(sg, t->aad, sizeof(t->aad));
	err = skb_to_sgvec(skb, sg + 1, VCMP_ESP_HDR_LEN,
			   skb->len - VCMP_ESP_HDR_LEN);
	if (unlikely(err < 0))
		return err;

	aead_request_set_tfm(req, tfm);
	aead_request_set_callback(req, 0, vcmp_esp_done, skb);
	aead_request_set_crypt(req, sg, sg, cryptlen, iv);
	aead_request_set_ad(req, sizeof(t->aad) + ivlen);
	*reqp = req;
	return 0;
}

/**
 * vcmp_esp_encrypt() - turn a VCMP packet into an ESP packet
 * @a: the SA's transform
 * @skb: data at the plaintext; see crypto.h for head/tailroom
 * @spi: SPI, host order
 * @seq: 64-bit sequence number (ESN); the low half is sent
 * @done: called when the result is -EINPROGRESS
 *
 * Return: 0 with skb->data at the ESP header, -EINPROGRESS when @done
 * will be called, or a negative errno (the caller still owns and frees
 * the skb, whose content is then undefined).
 */
int vcmp_esp_encrypt(const struct vcmp_aead *a, struct sk_buff *skb,
		     u32 spi, u64 seq, vcmp_crypt_done_t done)
{
	const struct vcmp_suite_info *si = vcmp_suite_info(a->suite);
	unsigned int ivlen = si->iv_len, icvlen = si->icv_len;
	unsigned int hdrlen = VCMP_ESP_HDR_LEN + ivlen;
	unsigned int clen, padlen, tailen, i;
	struct vcmp_crypto_tmp *t;
	struct aead_request *req;
	struct sk_buff *trailer;
	int nfrags, err;
	u8 *tail, *esph;

	if (unlikely(skb_is_gso(skb)))
		return -EINVAL;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		err = skb_checksum_help(skb);
		if (err)
			return err;
	}

	clen = ALIGN(skb->len + VCMP_ESP_TRAILER, si->align);
	padlen = clen - skb->len - VCMP_ESP_TRAILER;
	tailen = clen - skb->len + icvlen;

	if (!skb_cloned(skb) && !skb_is_nonlinear(skb) &&
	    skb_tailroom(skb) >= tailen && skb_headroom(skb) >= hdrlen) {
		trailer = skb;
		nfrags = 1;
	} else {
		/* private, linear (or frag_list of linear) data with room */
		nfrags = skb_cow_data(skb, tailen, &trailer);
		if (nfrags < 0)
			return nfrags;
		if (skb_headroom(skb) < hdrlen) {
			err = pskb_expand_head(skb, hdrlen - skb_headroom(skb),
					       0, GFP_ATOMIC);
			if (err)
				return err;
		}
	}

	t = vcmp_tmp_alloc(a->tfm, nfrags + 1);
	if (unlikely(!t))
		return -ENOMEM;

	tail = pskb_put(skb, trailer, tailen);
	for (i = 0; i < padlen; i++)
		tail[i] = (u8)(i + 1);
	tail[padlen] = (u8)padlen;
	tail[padlen + 1] = VCMP_ESP_NEXTHDR;

	esph = skb_push(skb, hdrlen);
	vcmp_put_be32(esph, spi);
	vcmp_put_be32(esph + 4, lower_32_bits(seq));
	if (a->suite == VCMP_SUITE_AES_CBC_HMAC_SHA1) {
		get_random_bytes(esph + VCMP_ESP_HDR_LEN, ivlen);
	} else {
		vcmp_put_be32(esph + VCMP_ESP_HDR_LEN, upper_32_bits(seq));
		vcmp_put_be32(esph + VCMP_ESP_HDR_LEN + 4, lower_32_bits(seq));
	}

	t->done = done;
	t->decrypt = false;
	t->hdr_len = hdrlen;
	t->icv_len = icvlen;
	vcmp_set_aad(t, esph, seq);
	VCMP_CB(skb)->crypto_tmp = t;

	err = vcmp_esp_req(a, skb, t, nfrags + 1, clen, &req);
	if (unlikely(err))
		return vcmp_esp_encrypt_finish(skb, err);

	err = crypto_aead_encrypt(req);
	if (err == -EINPROGRESS)
		return err;
	return vcmp_esp_encrypt_finish(skb, err);
}

/**
 * vcmp_esp_decrypt() - authenticate and decrypt an ESP packet
 * @a: the SA's transform
 * @skb: data at the ESP header (SPI); may be paged or have a frag_list
 * @seq: the full sequence number the caller inferred; its low half must
 *	equal the one in the packet
 * @done: called when the result is -EINPROGRESS
 *
 * The AAD is the SPI and low sequence number as received and the high
 * half of @seq, so a wrongly inferred high half fails authentication.
 *
 * Return: 0 with skb->data at the VCMP header and skb->len the plaintext
 * length, -EINPROGRESS when @done will be called, or a negative errno:
 * -EINVAL malformed (too short, CBC ciphertext not whole blocks, @seq not
 * matching the packet), -EBADMSG authentication failed, -EPROTO bad
 * padding or next header, others (-ENOMEM, ...) for resource failures.
 */
int vcmp_esp_decrypt(const struct vcmp_aead *a, struct sk_buff *skb,
		     u64 seq, vcmp_crypt_done_t done)
{
	const struct vcmp_suite_info *si = vcmp_suite_info(a->suite);
	unsigned int ivlen = si->iv_len, icvlen = si->icv_len;
	unsigned int hdrlen = VCMP_ESP_HDR_LEN + ivlen;
	struct vcmp_crypto_tmp *t;
	struct aead_request *req;
	struct sk_buff *trailer;
	unsigned int elen;
	int nfrags, err;

	if (skb->len < hdrlen + VCMP_ESP_TRAILER + icvlen)
		return -EINVAL;
	elen = skb->len - hdrlen - icvlen;
	if (a->suite == VCMP_SUITE_AES_CBC_HMAC_SHA1 && elen % si->align)
		return -EINVAL;
	if (!pskb_may_pull(skb, hdrlen))
		return -ENOMEM;
	if (vcmp_get_be32(skb->data + 4) != lower_32_bits(seq))
		return -EINVAL;

	if (!skb_cloned(skb) && !skb_is_nonlinear(skb)) {
		nfrags = 1;
	} else if (!skb_cloned(skb) && !skb_has_frag_list(skb) &&
		   !skb_has_shared_frag(skb)) {
		/* pages of our own: decrypt them in place */
		nfrags = skb_shinfo(skb)->nr_frags + 1;
	} else {
		nfrags = skb_cow_data(skb, 0, &trailer);
		if (nfrags < 0)
			return nfrags;
	}

	t = vcmp_tmp_alloc(a->tfm, nfrags + 1);
	if (unlikely(!t))
		return -ENOMEM;
	t->done = done;
	t->decrypt = true;
	t->hdr_len = hdrlen;
	t->icv_len = icvlen;
	vcmp_set_aad(t, skb->data, seq);
	VCMP_CB(skb)->crypto_tmp = t;

	/* the checksum, if any, was of the ciphertext */
	skb->ip_summed = CHECKSUM_NONE;

	err = vcmp_esp_req(a, skb, t, nfrags + 1, elen + icvlen, &req);
	if (unlikely(err))
		return vcmp_esp_decrypt_finish(skb, err);

	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return err;
	return vcmp_esp_decrypt_finish(skb, err);
}
