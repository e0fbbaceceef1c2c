/*
 * em-certgen DIR — writes the test certificates of t/certgen.h into DIR
 * (for shell tests: curl --cacert DIR/ca.pem, our server's server.pem).
 */
#include <stdio.h>

#include "certgen.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: em-certgen DIR\n");
		return 2;
	}
	return certgen_dir(argv[1]) == 0 ? 0 : 1;
}
