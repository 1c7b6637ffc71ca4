/*
 * seal.c: small blobs the server hands to a client and must get back
 * unread and unchanged (requestState).  AES-256-GCM under one of the
 * store's secrets, a fresh random 96-bit nonce per blob, the purpose as
 * associated data, so that a blob sealed for one use opens for no other.
 * The text is "1." and the base64url of nonce, ciphertext and tag.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "extern.h"

#define NONCE	12
#define TAG	16

char *
mcp_seal(const unsigned char *key, const char *purpose, const void *p,
    size_t n)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*raw;
	char		*out = NULL;
	size_t		 osz;
	int		 len, ok = 0;

	if (n > MCP_SEAL_MAX || (raw = malloc(NONCE + n + TAG)) == NULL)
		return NULL;
	if (RAND_bytes(raw, NONCE) != 1 ||
	    (ctx = EVP_CIPHER_CTX_new()) == NULL) {
		free(raw);
		return NULL;
	}
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)purpose,
	    (int)strlen(purpose)) == 1 &&
	    EVP_EncryptUpdate(ctx, raw + NONCE, &len, p, (int)n) == 1 &&
	    EVP_EncryptFinal_ex(ctx, raw + NONCE + len, &len) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG,
	    raw + NONCE + n) == 1)
		ok = 1;
	EVP_CIPHER_CTX_free(ctx);
	osz = 2 + (NONCE + n + TAG + 2) / 3 * 4 + 1;
	if (ok && (out = malloc(osz)) != NULL) {
		memcpy(out, "1.", 2);
		if (mcp_b64url_enc(out + 2, osz - 2, raw, NONCE + n + TAG) ==
		    0) {
			free(out);
			out = NULL;
		}
	}
	free(raw);
	return out;
}

long
mcp_unseal(const unsigned char *key, const char *purpose, const char *text,
    unsigned char *out, size_t outsz)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*raw;
	size_t		 tlen;
	long		 n;
	int		 len, ok = 0;

	tlen = strlen(text);
	if (tlen < 2 || memcmp(text, "1.", 2) != 0 ||
	    tlen > MCP_SEAL_TEXT_MAX)
		return -1;
	if ((raw = malloc(tlen)) == NULL)
		return -1;
	n = mcp_b64url_dec(raw, tlen, text + 2, tlen - 2);
	if (n < NONCE + TAG || (size_t)n - NONCE - TAG > outsz) {
		free(raw);
		return -1;
	}
	n -= NONCE + TAG;
	if ((ctx = EVP_CIPHER_CTX_new()) != NULL &&
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)purpose,
	    (int)strlen(purpose)) == 1 &&
	    EVP_DecryptUpdate(ctx, out, &len, raw + NONCE, (int)n) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG,
	    raw + NONCE + n) == 1 &&
	    EVP_DecryptFinal_ex(ctx, out + len, &len) == 1)
		ok = 1;
	EVP_CIPHER_CTX_free(ctx);
	free(raw);
	if (!ok) {
		/* Nothing of a blob that failed its tag is handed out. */
		memset(out, 0, outsz);
		return -1;
	}
	return n;
}
