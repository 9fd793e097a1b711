/*
 * fuzz_config.c - libFuzzer harness of the configuration parser: the input
 * as the bytes of parkplan.conf (config_load, as parkpland reads it at
 * start and on reload), read from a memory file.
 *
 * A finding: a crash, a sanitizer report, a leak, a refusal without a
 * message, or a message that is not UTF-8 (it goes to the log and to a
 * reload's reply).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parkpland.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct config conf;
	char err[1024];

	if (fd < 0) {
		log_set_level(LOG_LEVEL_ERR);
		fd = memfd_create("parkplan.conf", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	err[0] = '\0';
	if (config_load(path, NULL, 0, &conf, err, sizeof(err)) != 0) {
		if (err[0] == '\0') {
			fprintf(stderr, "fuzz_config: refused without a message\n");
			abort();
		}
		if (!utf8_valid(err, strlen(err), NULL)) {
			fprintf(stderr, "fuzz_config: a message that is not UTF-8: %s\n", err);
			abort();
		}
		return 0;
	}
	config_free(&conf);
	return 0;
}
