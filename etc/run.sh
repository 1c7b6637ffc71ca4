#!/bin/sh
# run.sh PORT FIXTURES BUILD: `make run`.  Renders the configuration into
# var/, creates the store on first run, and runs lighttpd in the
# foreground on 127.0.0.1:PORT.
set -eu
port=$1 fixtures=$2 build=$3
root=$(cd "$(dirname "$0")/.." && pwd)
state=$root/var
sh "$root/etc/mkconf.sh" "$state" "$port" "$build" 2 "$fixtures"
first=0; [ -f "$state/mcp.db" ] || first=1
"$root/$build/mcp.fcgi" -t -f "$state/mcp-fcgi.conf" >/dev/null
[ $first = 1 ] && echo "Created the store: $state/mcp.db"
base=http://127.0.0.1:$port
cat <<MSG

mcp-fcgi is starting on $base (lighttpd, 2 FastCGI processes).

  MCP endpoint (Streamable HTTP): $base/mcp
MSG
[ "$fixtures" = 1 ] && echo "  Conformance fixtures:          $base/conformance/mcp"
cat <<MSG

Try it:
  curl -s $base/mcp -H 'Content-Type: application/json' \\
    -H 'Accept: application/json, text/event-stream' \\
    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/list' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'

MCP Inspector (web UI, or --cli):
  npx @modelcontextprotocol/inspector --transport http --server-url $base/mcp
  npx @modelcontextprotocol/inspector --cli $base/mcp --transport http --method tools/list

Logs: $state/mcp-fcgi.log (responders), $state/lighttpd-error.log
Stop: Ctrl-C
MSG
exec /usr/sbin/lighttpd -D -f "$state/lighttpd.conf"
