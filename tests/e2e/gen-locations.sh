#!/usr/bin/env bash
# tests/e2e/gen-locations.sh: tools/gen-locations against fake executables
# (shell scripts printing --routes the way the real ones do): today's route
# set gives the expected locations and passes nginx -t inside
# nginx/dev.conf.in; a segment claimed twice, a malformed line and an
# executable without --routes fail. Needs no running stack.
set -uo pipefail

ROOT=${PARLEY_ROOT:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)}
GEN=$ROOT/tools/gen-locations
passed=0
failed=0
ok() {
	passed=$((passed + 1))
	printf 'ok   %s\n' "$1"
}
bad() {
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$1"
}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# fake DIR NAME [longpoll] [upload] -- ROUTE...: DIR/cgi-bin/NAME prints its
# routes for --routes (and fails otherwise, like a real one without -s).
fake() {
	local dir=$1 name=$2 lp="" r
	shift 2
	while [ "$1" != -- ]; do
		lp+=" $1"
		shift
	done
	shift # --
	mkdir -p "$dir/cgi-bin"
	{
		# shellcheck disable=SC2016 # $1 is the fake's own argument
		printf '#!/bin/sh\n[ "$1" = --routes ] || { echo "usage: %s -s SOCKET" >&2; exit 2; }\n' "$name"
		printf "echo 'app %s%s'\n" "$name" "$lp"
		for r in "$@"; do
			printf "echo 'route %s'\n" "$r"
		done
	} >"$dir/cgi-bin/$name"
	chmod 0755 "$dir/cgi-bin/$name"
}

# twins NAME ROLE: the HTML and API routes of one resource.
twins() {
	fake "$1" "$2" -- "GET /$2 $3" "GET,POST /api/$2 $3" "GET /$2/:id $3" \
	    "POST /$2/:id $3" "GET,PUT /api/$2/:id $3"
}

# Today's executables and routes.
B=$T/build
fake "$B" login -- "GET / agent" "GET,POST /login public" "POST /logout public" \
    "GET,POST /signup public" "GET,POST /password/forgot public" \
    "GET,POST /password/reset public" "POST /emulate admin" "POST /emulate/stop agent" \
    "POST /api/auth/login public" "POST /api/auth/signup public" "GET /api/auth/me agent" \
    "POST /api/emulate admin" "POST /api/emulate/stop agent"
fake "$B" profile -- "GET,POST /profile agent" "GET,PUT /api/profile agent" \
    "POST /api/profile/password agent"
fake "$B" events longpoll -- "GET /api/events agent"
twins "$B" admins super
twins "$B" departments admin
twins "$B" agents admin
twins "$B" contacts agent
twins "$B" audit admin
fake "$B" widgets upload -- "GET /widgets admin" "GET,POST /api/widgets admin" \
    "GET /widgets/:id/logo admin"
: >"$B/cgi-bin/login.o" # not an executable: ignored

out=$T/locations.conf
if "$GEN" "$B" >"$out" 2>"$T/err"; then
	ok "gen-locations on today's routes exits 0"
else
	bad "gen-locations on today's routes: $(cat "$T/err")"
fi

# location LINE SOCKET: LINE appears, and its block passes to SOCKET.
expect() {
	local loc=$1 sock=$2 block
	block=$(awk -v l="location $loc {" '$0 == l { p = 1 } p { print } p && /^}/ { exit }' "$out")
	if [ -n "$block" ] && grep -qxF "	fastcgi_pass unix:@RUN@/$sock.sock;" <<<"$block" &&
	    grep -qxF '	fastcgi_param SCRIPT_NAME "";' <<<"$block" &&
	    grep -qxF '	include fastcgi_params;' <<<"$block"; then
		ok "location $loc -> $sock"
	else
		bad "no location $loc passing to $sock in the generated file"
	fi
}
expect '= /' login
for s in login logout signup password; do
	expect "~ ^/$s(/|$)" login
done
expect '~ ^/api/auth(/|$)' login
expect '~ ^/(api/)?emulate(/|$)' login
expect '~ ^/(api/)?profile(/|$)' profile
expect '~ ^/api/events(/|$)' events
for s in admins departments agents contacts audit widgets; do
	expect "~ ^/(api/)?$s(/|$)" "$s"
done
n=$(grep -c '^location ' "$out")
want=$((1 + 1 + 4 + 2 + 1 + 1 + 6 + 3)) # static, =/, 4 login pages, auth+emulate, profile, events, 6 twins, tail 3
if [ "$n" = "$want" ]; then
	ok "$n locations in all, none extra"
else
	bad "$n locations, expected $want"
fi
ev=$(awk '$0 == "location ~ ^/api/events(/|$) {" { p = 1 } p { print } p && /^}/ { exit }' "$out")
if grep -qxF '	fastcgi_read_timeout 60s;' <<<"$ev" && grep -qxF '	fastcgi_buffering off;' <<<"$ev"; then
	ok "the long-poll location has the 60 s read timeout and no buffering"
else
	bad "the long-poll location lacks fastcgi_read_timeout 60s / fastcgi_buffering off"
fi
if [ "$(grep -c fastcgi_buffering "$out")" = 1 ]; then
	ok "only the long-poll location is unbuffered"
else
	bad "fastcgi_buffering appears $(grep -c fastcgi_buffering "$out") times"
fi
up=$(awk '$0 == "location ~ ^/(api/)?widgets(/|$) {" { p = 1 } p { print } p && /^}/ { exit }' "$out")
if grep -qxF '	client_max_body_size 2m;' <<<"$up" &&
    [ "$(grep -cxF '	client_max_body_size 2m;' "$out")" = 1 ]; then
	ok "only the location of the executable that takes uploads allows 2 MiB bodies"
else
	bad "client_max_body_size 2m is not (only) in the widgets location"
fi
if head -n 1 "$out" | cmp -s - <(head -n 1 "$ROOT/nginx/parley-locations.head.conf") &&
    grep -q 'location /static/' "$out" && grep -q '@ROOT@/htdocs/static/' "$out" &&
    grep -q 'location @too_large' "$out" && grep -qxF 'location /api/ {' "$out"; then
	ok "the head (comment, static files) and tail (413/404 handlers) are there"
else
	bad "the head or tail is missing from the generated file"
fi

# nginx -t on nginx/dev.conf.in including it, the way ./dev prepares var/nginx.
P=$T/prefix
mkdir -p "$P/nginx/tmp" "$P/run" "$P/log/nginx"
s="s|@PORT@|28099|g; s|@ROOT@|$ROOT|g; s|@RUN@|$P/run|g; s|@LOG@|$P/log|g; s|@VAR@|$P|g"
s+="; s|@NGINX_USER@|$(id -un)|g; s|@NGINX_GROUP@|$(id -gn)|g"
sed "$s" "$ROOT/nginx/dev.conf.in" >"$P/nginx/nginx.conf"
sed "$s" "$out" >"$P/nginx/parley-locations.conf"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$P/nginx/"
if nginx -t -q -e stderr -p "$P/nginx" -c "$P/nginx/nginx.conf" 2>"$T/nginx.err"; then
	ok "nginx -t accepts nginx/dev.conf.in with the generated locations"
else
	bad "nginx -t: $(cat "$T/nginx.err")"
fi

# failing GEN-ARGS... -- LABEL PATTERN: exit 1 and PATTERN on stderr.
failing() {
	local dir=$1 label=$2 pattern=$3 rc=0
	"$GEN" "$dir" >/dev/null 2>"$T/err" || rc=$?
	if [ "$rc" = 1 ] && grep -qE "$pattern" "$T/err"; then
		ok "$label fails: $(head -n 1 "$T/err")"
	else
		bad "$label: exit $rc, stderr: $(cat "$T/err")"
	fi
}

D=$T/dup
cp -r "$B" "$D"
fake "$D" zadmins -- "GET /api/admins/:id/extra super"
failing "$D" "a segment claimed by two executables" "admins.*zadmins|zadmins.*admins"

D=$T/root2
mkdir -p "$D/cgi-bin"
cp "$B/cgi-bin/login" "$D/cgi-bin/"
fake "$D" home -- "GET / public"
failing "$D" "\"/\" claimed by two executables" "home.*login|login.*home"

D=$T/badrole
fake "$D" things -- "GET /things nobody"
failing "$D" "an unknown role" "bad ROLE"

D=$T/badpath
fake "$D" things -- "GET things agent"
failing "$D" "a path without its leading /" "begin with /"

D=$T/badname
fake "$D" things -- "GET /things agent"
sed -i 's/app things/app stuff/' "$D/cgi-bin/things"
failing "$D" "an app line naming another executable" "named stuff"

D=$T/badflag
fake "$D" things sometimes -- "GET /things agent"
failing "$D" "an unknown app flag" "longpoll\] \[upload"

D=$T/old
mkdir -p "$D/cgi-bin"
printf '#!/bin/sh\necho "usage: old -s SOCKET" >&2\nexit 2\n' >"$D/cgi-bin/old"
chmod 0755 "$D/cgi-bin/old"
failing "$D" "an executable without --routes" "old --routes failed"

printf 'gen-locations: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
