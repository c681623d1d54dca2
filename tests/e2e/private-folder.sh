#!/usr/bin/env bash
# tests/e2e/private-folder.sh: a first ./dev up from a folder nobody else can
# search (like root's home, mode 0700) serves pages, and ./dev up fails loudly,
# naming the problem, when nginx's workers cannot reach the clone.
#
# Copies the tracked tree into DIR/clone, DIR from mktemp -d (mode 0700), and
# runs its ./dev up on the build PARLEY_BUILD_DIR (DEV_SKIP_BUILD=1), on ports
# of its own (PF_PORT 28090, PF_SMTP_PORT 21026, PF_MAIL_WEB_PORT 21081) with
# its own var/, so the stack running the tests is not disturbed. Then:
# /login and /static/parley.css answer 200, the super admin can sign in; a
# second ./dev up with DEV_NGINX_USER=nobody exits non-zero and says why.
# The copy's stack is stopped and the folder removed however this ends.
set -uo pipefail

ROOT=${PARLEY_ROOT:-$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)}
BUILD=${PARLEY_BUILD_DIR:-$ROOT/build}
PORT_=${PF_PORT:-28090}
SMTP_=${PF_SMTP_PORT:-21026}
MAILWEB_=${PF_MAIL_WEB_PORT:-21081}
EMAIL=admin@parley.local
PASSWORD=Private-folder-$RANDOM$RANDOM
BASE=http://127.0.0.1:$PORT_

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
finish() {
	printf 'private-folder: %d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" = 0 ]
	exit
}

T=$(mktemp -d)
C=$T/clone
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	trap - EXIT INT TERM
	if [ -x "$C/dev" ] && [ -f "$C/var/run/runsvdir.pid" ]; then
		(cd "$C" && timeout 180 ./dev down) >"$T/down.log" 2>&1 ||
			{ echo "private-folder: ./dev down in the copy failed:"; tail -n 20 "$T/down.log"; }
	fi
	rm -f "/dev/shm/parley-$PORT_"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

chmod 0700 "$T"
for p in "$PORT_" "$SMTP_" "$MAILWEB_"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		bad "port $p is in use (set PF_PORT, PF_SMTP_PORT, PF_MAIL_WEB_PORT)"
		finish
	fi
done
[ -x "$BUILD/tools/parley-admin" ] || {
	bad "no build at $BUILD (PARLEY_BUILD_DIR)"
	finish
}

# The tracked tree, as it is in the working copy.
mkdir "$C"
git -C "$ROOT" ls-files -z | tar -C "$ROOT" --null --ignore-failed-read -T - -cf - |
	tar -C "$C" -xf - || {
	bad "copying the tracked tree of $ROOT"
	finish
}
# A copy, not a link: the copy's ./dev must never be able to change the
# packages of the clone that runs this test.
cp -a "$ROOT/tests/node_modules" "$C/tests/node_modules" || {
	bad "copying tests/node_modules"
	finish
}
printf 'copied the tree to %s (%s)\n' "$C" "$(stat -c %A "$T")"

# dev_up LOG [VAR=VALUE...]: ./dev up in the copy; its exit status.
dev_up() {
	local log=$1
	shift
	(cd "$C" && env -u DEV_VAR -u DEV_NGINX_USER -u DEV_KEEP -u PARLEY_LOG_LEVEL \
	    DEV_SKIP_BUILD=1 DEV_BUILD_DIR="$BUILD" PORT="$PORT_" SMTP_PORT="$SMTP_" \
	    MAIL_WEB_PORT="$MAILWEB_" PARLEY_ADMIN_EMAIL="$EMAIL" PARLEY_ADMIN_PASSWORD="$PASSWORD" \
	    PARLEY_POLL_THREADS=64 "$@" timeout -k 10 400 ./dev up) >"$log" 2>&1
}

code() { # code PATH: the HTTP status of GET PATH
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$BASE$1"
}

rc=0
dev_up "$T/up1.log" || rc=$?
if [ "$rc" = 0 ]; then
	ok "./dev up in a clone under a 0700 folder exits 0"
else
	bad "./dev up in a clone under a 0700 folder exits $rc:"
	tail -n 30 "$T/up1.log" | sed 's/^/    /'
fi
for path in /login /static/parley.css; do
	c=$(code "$path")
	if [ "$c" = 200 ]; then
		ok "GET $path answers 200"
	else
		bad "GET $path answers ${c:-nothing}, not 200"
	fi
done
if grep -q 'dev: warning: .*not searchable' "$T/up1.log"; then
	bad "./dev up still warns that a folder is not searchable"
else
	ok "./dev up gives no searchability warning"
fi

body=$(curl -s --max-time 10 -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/auth/login")
token=$(jq -r '.data.token // empty' <<<"$body" 2>/dev/null)
role=""
if [ -n "$token" ]; then
	role=$(curl -s --max-time 10 -H "Authorization: Bearer $token" "$BASE/api/auth/me" |
		jq -r '.data.role // empty' 2>/dev/null)
fi
if [ -n "$token" ] && [ "$role" = super_admin ]; then
	ok "the super admin signs in (POST /api/auth/login, then /api/auth/me says super_admin)"
else
	bad "the super admin cannot sign in: ${body:0:300} (role: ${role:-none})"
fi

# nginx's workers as nobody cannot search the 0700 folder: ./dev up must fail
# and say so.
rc=0
dev_up "$T/up2.log" DEV_NGINX_USER=nobody || rc=$?
if [ "$rc" != 0 ]; then
	ok "./dev up with DEV_NGINX_USER=nobody exits non-zero ($rc)"
else
	bad "./dev up with DEV_NGINX_USER=nobody exits 0 although nginx cannot reach the clone"
fi
if grep -q 'nobody' "$T/up2.log" && grep -qiE 'permission denied|cannot (reach|search|read)' "$T/up2.log" &&
    grep -q 'DEV_NGINX_USER' "$T/up2.log"; then
	ok "it names the problem (nginx's user nobody, permission denied) and the fix"
else
	bad "its message does not name the problem:"
fi
sed -n '/dev: error/,$p' "$T/up2.log" | head -n 30 | sed 's/^/    /'

finish
