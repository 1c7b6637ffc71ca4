#!/bin/sh
# mkconf.sh STATE PORT BUILD MAXPROCS FIXTURES [BENCH] [PAGE_SIZE]
# Renders lighttpd.conf and mcp-fcgi.conf into STATE from the templates.
set -eu
state=$1 port=$2 build=$3 maxprocs=$4 fixtures=$5
bench=${6:-0} page=${7:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
mkdir -p "$state/run"
fx='s/^#@FIXTURES@//'; [ "$fixtures" = 1 ] || fx='/^#@FIXTURES@/d'
bx='s/^#@BENCH@//';    [ "$bench" = 1 ]    || bx='/^#@BENCH@/d'
sed -e "$fx" -e "$bx" -e "s|@BIND@|127.0.0.1|g" -e "s|@PORT@|$port|g" \
    -e "s|@ROOT@|$root|g" -e "s|@STATE@|$state|g" -e "s|@BUILD@|$build|g" \
    -e "s|@MAXPROCS@|$maxprocs|g" \
    "$root/etc/lighttpd.conf.in" > "$state/lighttpd.conf"
sed -e "s|@STATE@|$state|g" -e "s|@PAGE_SIZE@|$page|g" \
    "$root/etc/mcp-fcgi.conf.in" > "$state/mcp-fcgi.conf"
