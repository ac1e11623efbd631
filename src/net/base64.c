/*
 * Base64 (RFC 4648) for SASL initial responses, through OpenSSL's encoder
 * rather than one of our own. Lives in net because OpenSSL is fenced here.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "facteur/net.h"

void
net_base64_encode(struct strbuf *out, const void *data, size_t len)
{
	unsigned char *buf;
	int n;

	if (len > (size_t)INT_MAX / 2)
		BUG("base64 of %zu bytes", len);
	buf = xmalloc(4 * ((len + 2) / 3) + 1);
	n = EVP_EncodeBlock(buf, data, (int)len);
	strbuf_add(out, buf, (size_t)n);
	free(buf);
}
