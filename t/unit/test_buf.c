#include "base/buf.h"
#include "tap.h"

#include <stdlib.h>

int main(void)
{
	struct buf b = BUF_INIT;
	ok(buf_append_str(&b, "hello") == 0 && b.len == 5 && strcmp(b.data, "hello") == 0,
	   "append");
	ok(buf_appendf(&b, " %d %s", 42, "x") == 0 && strcmp(b.data, "hello 42 x") == 0,
	   "appendf");
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	ok(buf_appendf(&b, "%s", big) == 0 && b.len == 10 + 999 && b.data[b.len] == 0,
	   "appendf longer than the stack buffer");
	buf_consume(&b, 6);
	ok(strncmp(b.data, "42 x", 4) == 0 && b.len == 4 + 999, "consume from the front");
	buf_consume(&b, 100000);
	ok(b.len == 0 && b.data[0] == 0, "consume everything");
	buf_append(&b, "\0\1\2", 3);
	ok(b.len == 3 && b.data[1] == 1, "binary append");
	char *p = buf_detach(&b);
	ok(p && p[2] == 2 && b.data == NULL && b.len == 0, "detach hands over the memory");
	free(p);
	p = buf_detach(&b);
	ok(p && *p == 0, "detach of an empty buffer gives \"\"");
	free(p);
	buf_finish(&b);
	buf_finish(NULL);
	ok(1, "finish accepts NULL");
	return done_testing();
}
