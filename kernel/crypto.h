/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ESP (RFC 4303) transforms on top of the kernel crypto API's AEADs, for
 * the suites of enum vcmp_suite: rfc4106(gcm(aes)) 128/256,
 * rfc7539esp(chacha20,poly1305) and authencesn(hmac(sha1),cbc(aes)) with a
 * 96-bit ICV (authenc with RFC 4303's ESN rule). Only the ESP part of a
 * vcmp packet: SPI, sequence number, IV, payload, padding, pad length,
 * next header (VCMP_ESP_NEXTHDR), ICV. 64-bit sequence numbers (ESN): the
 * high half is authenticated, not sent.
 */
#ifndef _VCMP_CRYPTO_H
#define _VCMP_CRYPTO_H

#include <linux/types.h>

#include "wire.h"

struct crypto_aead;
struct netlink_ext_ack;
struct sk_buff;

/*
 * struct vcmp_aead - one key of one SA, ready to use
 * @tfm: the AEAD transform (may complete asynchronously)
 * @suite: which suite
 *
 * Immutable after vcmp_aead_init(); any number of packets may use it
 * concurrently.
 */
struct vcmp_aead {
	struct crypto_aead *tfm;
	enum vcmp_suite suite;
};

/*
 * Completion of vcmp_esp_encrypt()/vcmp_esp_decrypt() that returned
 * -EINPROGRESS: called once, in softirq or process context, with the
 * result (0, -EBADMSG on authentication failure, ...). The skb still
 * belongs to the caller.
 */
typedef void (*vcmp_crypt_done_t)(struct sk_buff *skb, int err);

/*
 * Key material from userspace, vcmp_aead_keylen() bytes (crypto.c):
 *   AES-GCM-128         20: AES key (16) || salt (4)        RFC 4106 8.1
 *   AES-GCM-256         36: AES key (32) || salt (4)        RFC 4106 8.1
 *   ChaCha20-Poly1305   36: ChaCha20 key (32) || salt (4)   RFC 7634 2
 *   AES-CBC/HMAC-SHA1   36: AES-128 key (16) || HMAC-SHA1 key (20)
 * The salt is the first 4 bytes of the 12-byte nonce, the explicit IV the
 * other 8. The plain suite has no key (0).
 */
unsigned int vcmp_aead_keylen(enum vcmp_suite suite);
int vcmp_aead_init(struct vcmp_aead *a, enum vcmp_suite suite,
		   const u8 *key, unsigned int keylen,
		   struct netlink_ext_ack *extack);
void vcmp_aead_free(struct vcmp_aead *a);

/*
 * vcmp_esp_encrypt(): skb->data is at the plaintext (VCMP header, ...),
 * any length. The ESP header and IV are pushed in front, VCMP_ESP_HDR_LEN
 * + iv_len bytes (at most 24), and the trailer and ICV appended: padding
 * to the suite's alignment, pad length, next header, ICV, at most 21
 * bytes (AEAD suites) or 29 (CBC). With that headroom and tailroom in a
 * linear, unshared skb, encryption is in place; otherwise the skb is
 * reallocated (paged data is linearised, so is a clone's). A caller that
 * then pushes UDP and IP reserves their room too. The caller resolves
 * CHECKSUM_PARTIAL first (else it is done here) and segments GSO packets
 * (refused with -EINVAL). Not GFP_KERNEL: callable in softirq.
 *
 * vcmp_esp_decrypt(): skb->data is at the ESP header; the skb may be
 * paged, cloned or have a frag_list. @seq's low half must be the one in
 * the packet. Errors: -EINVAL malformed or short, -EBADMSG authentication
 * failed, -EPROTO bad padding or next header (after authentication),
 * -ENOMEM and others for resources.
 *
 * Both: 0 when done synchronously, with @done not called; -EINPROGRESS
 * when @done will be called exactly once with the result; otherwise a
 * negative errno and the caller frees the skb. VCMP_CB(skb)->crypto_tmp is
 * used, and NULL again, before @done runs or the call returns.
 */
int vcmp_esp_encrypt(const struct vcmp_aead *a, struct sk_buff *skb,
		     u32 spi, u64 seq, vcmp_crypt_done_t done);
int vcmp_esp_decrypt(const struct vcmp_aead *a, struct sk_buff *skb,
		     u64 seq, vcmp_crypt_done_t done);

int vcmp_crypto_selftest(void);

#endif /* _VCMP_CRYPTO_H */
