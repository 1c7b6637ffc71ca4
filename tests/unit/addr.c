/*
 * addr.c: which addresses a server-side fetch of a URL anyone may name
 * (a client's metadata document) may connect to (mcp_addr_public).
 */
#include "extern.h"
#include "tap.h"

int
main(void)
{
	static const char *const public[] = { "8.8.8.8", "1.1.1.1",
	    "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255",
	    "172.32.0.0", "192.167.255.255", "192.169.0.0", "198.17.255.255",
	    "198.20.0.0", "223.255.255.255", "2606:4700::1111",
	    "2a00:1450:4001:82a::200e", "::ffff:8.8.8.8" };
	static const char *const private[] = { "0.0.0.0", "0.1.2.3",
	    "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.255",
	    "127.0.0.1", "127.255.0.1", "169.254.169.254", "172.16.0.1",
	    "172.31.255.255", "192.168.1.1", "192.0.0.8", "192.0.2.1",
	    "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9",
	    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
	    "::", "::1", "fe80::1", "fec0::1", "fc00::1", "fd12:3456::1",
	    "ff02::1", "2001:db8::1", "64:ff9b::a00:1", "::ffff:127.0.0.1",
	    "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
	    "", "not an address", "127.1", "0x7f000001" };
	size_t	 i;

	for (i = 0; i < sizeof(public) / sizeof(public[0]); i++)
		ok(mcp_addr_public(public[i]) == 1, "%s is public", public[i]);
	for (i = 0; i < sizeof(private) / sizeof(private[0]); i++)
		ok(mcp_addr_public(private[i]) == 0, "'%s' is not", private[i]);
	return done();
}
