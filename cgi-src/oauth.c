/*
 * oauth.c: the built-in authorization server's responder (FastCGI, or
 * CGI when run as such); what it answers is cgi-src/as/endpoint.c.
 */
#include "extern.h"
#include "as/endpoint.h"

static const struct mcp_endpoint endpoint = {
	.name = "mcp-fcgi-oauth",
	.title = "mcp-fcgi authorization server",
	.version = "0.1.0",
};

int
main(int argc, char *argv[])
{
	return mcp_main_serve(&endpoint, as_serve, argc, argv);
}
