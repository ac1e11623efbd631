/*
 * Certificate verification. Debian's libetpan does TLS with GnuTLS and checks
 * nothing: no chain, no host name, no SNI. So facteur verifies the chain the
 * peer presented with OpenSSL right after the handshake, before the greeting
 * is parsed or any credential leaves the machine. This is sound because the
 * handshake already proved the peer holds the leaf's private key; what
 * matters is that nothing is trusted before the check passes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "facteur/net.h"

static bool
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

void
net_library_versions(struct strbuf *sb)
{
	strbuf_addf(sb, "%s, libetpan %d.%d", OpenSSL_version(OPENSSL_VERSION),
	    libetpan_get_version_major(), libetpan_get_version_minor());
}

void
net_tls_setup_cb(struct mailstream_ssl_context *ctx, void *data)
{
	const struct net_endpoint *ep = data;
	SSL_CTX *sslctx;
	X509_VERIFY_PARAM *param;

	/* RFC 6066: SNI carries host names only, never addresses. */
	/* libetpan copies the name; its prototype just lacks const. */
	if (!is_ip_literal(ep->host))
		(void)mailstream_ssl_set_server_name(ctx, (char *)ep->host);
	/*
	 * An OpenSSL build of libetpan exposes its context: fail the handshake
	 * itself too. (NULL on Debian's GnuTLS build; net_tls_verify runs in
	 * every case.)
	 */
	if ((sslctx = mailstream_ssl_get_openssl_ssl_ctx(ctx)) == NULL)
		return;
	SSL_CTX_set_min_proto_version(sslctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(sslctx, SSL_VERIFY_PEER, NULL);
	(void)SSL_CTX_set_default_verify_paths(sslctx);
	if (ep->ca_file != NULL)
		(void)SSL_CTX_load_verify_locations(sslctx, ep->ca_file, NULL);
	param = SSL_CTX_get0_param(sslctx);
	if (is_ip_literal(ep->host))
		(void)X509_VERIFY_PARAM_set1_ip_asc(param, ep->host);
	else
		(void)X509_VERIFY_PARAM_set1_host(param, ep->host, 0);
}

/*
 * The system's trust anchors, looked up on demand in the hashed directory
 * (/etc/ssl/certs, or $SSL_CERT_DIR) rather than by parsing the whole
 * bundle file on every connection as X509_STORE_set_default_paths does:
 * that alone cost ~40 ms a connection. A bundle named by $SSL_CERT_FILE is
 * still honoured, but only loaded when the chain does not verify without
 * it (see net_tls_verify): many environments set it to the same bundle
 * the hashed directory already holds.
 */
static int
load_system_cas(X509_STORE *store, bool with_bundle)
{
	const char *dir = getenv(X509_get_default_cert_dir_env());
	const char *file = getenv(X509_get_default_cert_file_env());
	X509_LOOKUP *lookup;

	if (dir == NULL || *dir == '\0')
		dir = X509_get_default_cert_dir();
	lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
	if (lookup == NULL ||
	    X509_LOOKUP_add_dir(lookup, dir, X509_FILETYPE_PEM) != 1)
		return -1;
	if (with_bundle && file != NULL && *file != '\0' &&
	    X509_STORE_load_locations(store, file, NULL) != 1)
		return -1;
	return 0;
}

static bool
have_bundle(void)
{
	const char *file = getenv(X509_get_default_cert_file_env());

	return file != NULL && *file != '\0';
}

static X509 *
der_to_x509(MMAPString *der)
{
	const unsigned char *p = (const unsigned char *)der->str;

	return d2i_X509(NULL, &p, (long)der->len);
}

/*
 * One verification of leaf (with the untrusted intermediates) against the
 * system's anchors, $SSL_CERT_FILE's too when with_bundle, and ep's
 * ca_file. 0 verified; 1 rejected; -1 could not try (err set either way).
 */
static int
verify_with(X509 *leaf, STACK_OF(X509) * untrusted,
    const struct net_endpoint *ep, bool with_bundle, struct fct_error *err)
{
	X509_STORE *store;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	int rc = -1;

	if ((store = X509_STORE_new()) == NULL)
		fct_fatal("out of memory");
	if (load_system_cas(store, with_bundle) != 0) {
		fct_error_set(err, "cannot load the system's trusted CAs");
		goto out;
	}
	if (ep->ca_file != NULL &&
	    X509_STORE_load_locations(store, ep->ca_file, NULL) != 1) {
		fct_error_set(err, "cannot load CA file '%s'", ep->ca_file);
		goto out;
	}
	if ((ctx = X509_STORE_CTX_new()) == NULL)
		fct_fatal("out of memory");
	if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
		fct_error_set(err, "cannot set up certificate verification");
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
	if (is_ip_literal(ep->host))
		(void)X509_VERIFY_PARAM_set1_ip_asc(param, ep->host);
	else
		(void)X509_VERIFY_PARAM_set1_host(param, ep->host, 0);
	if (X509_verify_cert(ctx) != 1) {
		fct_error_set(err, "certificate of '%s' rejected: %s", ep->host,
		    X509_verify_cert_error_string(
			X509_STORE_CTX_get_error(ctx)));
		rc = 1;
		goto out;
	}
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

int
net_tls_verify(mailstream *s, const struct net_endpoint *ep,
    struct fct_error *err)
{
	carray *chain;
	X509 *leaf = NULL, *cert;
	STACK_OF(X509) *untrusted = NULL;
	unsigned i;
	int rc = -1;

	chain = mailstream_get_certificate_chain(s);
	if (chain == NULL || carray_count(chain) == 0) {
		fct_error_set(err, "'%s' sent no certificate", ep->host);
		goto out;
	}
	if ((leaf = der_to_x509(carray_get(chain, 0))) == NULL) {
		fct_error_set(err, "cannot parse the certificate of '%s'",
		    ep->host);
		goto out;
	}
	if ((untrusted = sk_X509_new_null()) == NULL)
		fct_fatal("out of memory");
	for (i = 1; i < carray_count(chain); i++) {
		if ((cert = der_to_x509(carray_get(chain, i))) == NULL)
			continue; /* a broken extra is simply not used */
		if (!sk_X509_push(untrusted, cert)) {
			X509_free(cert);
			fct_fatal("out of memory");
		}
	}
	/* Without $SSL_CERT_FILE's bundle first; with it only if needed:
	 * trust is the union either way. */
	rc = verify_with(leaf, untrusted, ep, false, err);
	if (rc == 1 && have_bundle()) {
		fct_error_release(err);
		rc = verify_with(leaf, untrusted, ep, true, err);
	}
out:
	ERR_clear_error();
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(leaf);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return rc == 0 ? 0 : -1;
}
