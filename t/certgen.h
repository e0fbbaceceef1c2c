/*
 * certgen.h — test certificates made with mbedTLS at test time (no
 * openssl CLI needed). certgen_dir(dir) writes, all ECDSA P-256/SHA-256:
 *   ca.pem ca.key            a test CA
 *   server.pem server.key    signed by it, SAN DNS:localhost,
 *                            IP:127.0.0.1, IP:::1
 *   client.pem client.key    signed by it (client certificate)
 *   wrong.pem wrong.key      signed by it, SAN DNS:wrong.example only
 *   other-ca.pem other.pem other.key   an unrelated CA and a server
 *                            certificate it signed (same SANs as server)
 * Returns 0, or -1 with a message on stderr. Header-only, for tests.
 */
#ifndef EM_T_CERTGEN_H
#define EM_T_CERTGEN_H

#include <stdio.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

struct certgen_key {
	mbedtls_pk_context pk;
	char name[128];
};

static int certgen_write_file(const char *dir, const char *file, const unsigned char *data)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	fputs((const char *)data, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int certgen_newkey(mbedtls_pk_context *pk, mbedtls_ctr_drbg_context *drbg)
{
	mbedtls_pk_init(pk);
	if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
		return -1;
	return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*pk),
				   mbedtls_ctr_drbg_random, drbg) == 0 ? 0 : -1;
}

/* san: NULL, or "dns", "dns+ip" */
static int certgen_cert(const char *dir, const char *file, mbedtls_pk_context *subj_key,
			const char *subj, mbedtls_pk_context *iss_key, const char *iss,
			int is_ca, const char *san_dns, int with_ips, int serial,
			mbedtls_ctr_drbg_context *drbg)
{
	mbedtls_x509write_cert w;
	mbedtls_mpi sn;
	unsigned char out[4096], der[256];
	size_t n = 0;
	int rc = -1;

	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&sn);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, subj_key);
	mbedtls_x509write_crt_set_issuer_key(&w, iss_key);
	if (mbedtls_x509write_crt_set_subject_name(&w, subj) != 0 ||
	    mbedtls_x509write_crt_set_issuer_name(&w, iss) != 0 ||
	    mbedtls_mpi_lset(&sn, serial) != 0 ||
	    mbedtls_x509write_crt_set_serial(&w, &sn) != 0 ||
	    mbedtls_x509write_crt_set_validity(&w, "20200101000000", "20991231235959") != 0 ||
	    mbedtls_x509write_crt_set_basic_constraints(&w, is_ca, -1) != 0)
		goto out;
	if (san_dns) {
		/* GeneralNames ::= SEQUENCE OF GeneralName, written by hand:
		 * [2] dNSName, [7] iPAddress. */
		size_t dl = strlen(san_dns);
		static const unsigned char ip4[] = { 127, 0, 0, 1 };
		static const unsigned char ip6[16] = { [15] = 1 };
		der[n++] = 0x30;
		der[n++] = 0;
		der[n++] = 0x82;
		der[n++] = (unsigned char)dl;
		memcpy(der + n, san_dns, dl);
		n += dl;
		if (with_ips) {
			der[n++] = 0x87;
			der[n++] = 4;
			memcpy(der + n, ip4, 4);
			n += 4;
			der[n++] = 0x87;
			der[n++] = 16;
			memcpy(der + n, ip6, 16);
			n += 16;
		}
		der[1] = (unsigned char)(n - 2);
		if (mbedtls_x509write_crt_set_extension(&w, MBEDTLS_OID_SUBJECT_ALT_NAME,
				MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, der, n) != 0)
			goto out;
	}
	if (mbedtls_x509write_crt_pem(&w, out, sizeof out, mbedtls_ctr_drbg_random, drbg) != 0)
		goto out;
	rc = certgen_write_file(dir, file, out);
out:
	if (rc != 0)
		fprintf(stderr, "certgen: cannot make %s/%s\n", dir, file);
	mbedtls_mpi_free(&sn);
	mbedtls_x509write_crt_free(&w);
	return rc;
}

static int certgen_key_file(const char *dir, const char *file, mbedtls_pk_context *pk)
{
	unsigned char out[2048];
	if (mbedtls_pk_write_key_pem(pk, out, sizeof out) != 0)
		return -1;
	return certgen_write_file(dir, file, out);
}

__attribute__((unused))
static int certgen_dir(const char *dir)
{
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context ca, srv, cli, wrong, oca, oth;
	const char *ca_dn = "CN=etcd-mesos test CA,O=etcd-mesos";
	const char *oca_dn = "CN=unrelated CA,O=elsewhere";
	int rc = -1;

	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	mbedtls_pk_init(&ca); mbedtls_pk_init(&srv); mbedtls_pk_init(&cli);
	mbedtls_pk_init(&wrong); mbedtls_pk_init(&oca); mbedtls_pk_init(&oth);
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
				  (const unsigned char *)"certgen", 7) != 0)
		goto out;
	if (certgen_newkey(&ca, &drbg) || certgen_newkey(&srv, &drbg) ||
	    certgen_newkey(&cli, &drbg) || certgen_newkey(&wrong, &drbg) ||
	    certgen_newkey(&oca, &drbg) || certgen_newkey(&oth, &drbg))
		goto out;
	if (certgen_cert(dir, "ca.pem", &ca, ca_dn, &ca, ca_dn, 1, NULL, 0, 1, &drbg) ||
	    certgen_key_file(dir, "ca.key", &ca) ||
	    certgen_cert(dir, "server.pem", &srv, "CN=localhost", &ca, ca_dn, 0,
			 "localhost", 1, 2, &drbg) ||
	    certgen_key_file(dir, "server.key", &srv) ||
	    certgen_cert(dir, "client.pem", &cli, "CN=test client", &ca, ca_dn, 0,
			 NULL, 0, 3, &drbg) ||
	    certgen_key_file(dir, "client.key", &cli) ||
	    certgen_cert(dir, "wrong.pem", &wrong, "CN=wrong.example", &ca, ca_dn, 0,
			 "wrong.example", 0, 4, &drbg) ||
	    certgen_key_file(dir, "wrong.key", &wrong) ||
	    certgen_cert(dir, "other-ca.pem", &oca, oca_dn, &oca, oca_dn, 1, NULL, 0, 5, &drbg) ||
	    certgen_cert(dir, "other.pem", &oth, "CN=localhost", &oca, oca_dn, 0,
			 "localhost", 1, 6, &drbg) ||
	    certgen_key_file(dir, "other.key", &oth))
		goto out;
	rc = 0;
out:
	mbedtls_pk_free(&ca); mbedtls_pk_free(&srv); mbedtls_pk_free(&cli);
	mbedtls_pk_free(&wrong); mbedtls_pk_free(&oca); mbedtls_pk_free(&oth);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	return rc;
}

#endif
