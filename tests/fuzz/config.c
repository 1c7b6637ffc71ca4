/*
 * config.c: fuzzes the configuration reader (lib/config.c, the auth keys
 * in lib/authconf.c) on the input as a configuration file: every outcome
 * must be a clean load or an error naming a line, and nothing may leak
 * (LeakSanitizer runs with the target).
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_config	 c;
	FILE			*f;
	char			 err[1024];
	int			 rc;

	if (size == 0 || (f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	mcp_config_defaults(&c);
	err[0] = '\0';
	rc = mcp_config_read(&c, f, "/fuzz/mcp-fcgi.conf", err, sizeof(err));
	fclose(f);
	if (rc == -1 && strncmp(err, "/fuzz/mcp-fcgi.conf", 19) != 0)
		abort();	/* every error names the file */
	if (rc == 0 && c.threads < 1)
		abort();
	mcp_config_free(&c);
	return 0;
}
