# flow.bash: the authorization code flow driven with curl as a browser
# and a client would (loaded after helper.bash): registration, the
# authorization request, the sign-in and consent forms, redemption,
# refresh, and the shapes of the answers.  Uses BASE, STATE, CB (the
# redirect URI), PASSWORD; sets CID, VER, CH, CSRF, CODE, AT, RT.

# register [JSON]: a public client with redirect URI $CB; sets CID.
register() {
	local def="{\"client_name\":\"bats app\",\"redirect_uris\":[\"$CB\"],\"token_endpoint_auth_method\":\"none\"}"
	req POST "$BASE/oauth/register" -H 'Content-Type: application/json' -d "${1:-$def}"
	[ "$STATUS" = 201 ] || { echo "register: $STATUS $BODY" >&2; return 1; }
	CID=$(jq -r .client_id <<<"$BODY")
}

# pkce: a verifier VER and its S256 challenge CH.
pkce() {
	VER=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
	CH=$(printf %s "$VER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
}

# params: the authorization request's parameters as curl -d arguments,
# from CID, CB, CH and, when set, SCOPE, STATE_P and RES.
params() {
	P=(--data-urlencode "client_id=$CID" --data-urlencode "redirect_uri=$CB"
	    -d response_type=code --data-urlencode "state=${STATE_P:-st-1}"
	    -d "code_challenge=$CH" -d code_challenge_method=S256
	    --data-urlencode "scope=${SCOPE:-wks:read env:read}"
	    --data-urlencode "resource=${RES:-$BASE/mcp}")
}

# authorize [curl args]: GET /oauth/authorize with the parameters and
# the cookie jar $STATE/jar; CSRF is read off the page.
authorize() {
	params
	req GET "$BASE/oauth/authorize" -G "${P[@]}" -b "$STATE/jar" -c "$STATE/jar" "$@"
	CSRF=$(grep -o 'name="csrf" value="[^"]*"' "$STATE/b" | sed 's/.*value="//;s/"$//')
}

# form STEP [curl args]: POST the page's form back, from our origin (as
# a browser says it).
form() {
	local step=$1
	shift
	params
	req POST "$BASE/oauth/authorize" "${P[@]}" -d "step=$step" -d "csrf=$CSRF" \
	    -b "$STATE/jar" -c "$STATE/jar" -H "Origin: $BASE" "$@"
}

# signin [USER [PASSWORD]]: from a fresh browser to the consent page.
signin() {
	rm -f "$STATE/jar"
	authorize
	[ "$STATUS" = 200 ] || { echo "authorize: $STATUS" >&2; return 1; }
	form signin -d "username=${1:-alice}" --data-urlencode "password=${2:-$PASSWORD}"
}

# allow [SCOPES...]: consent with these boxes ticked; sets CODE.
allow() {
	local a=() i=0 s
	for s in "$@"; do a+=(--data-urlencode "g$i=$s"); i=$((i + 1)); done
	form consent -d decision=allow "${a[@]}"
	[ "$STATUS" = 302 ] || { echo "consent: $STATUS $BODY" >&2; return 1; }
	CODE=$(location_param code)
}

# location_param NAME: a parameter of the redirect's Location.
location_param() {
	header Location | tr '?&' '\n\n' | sed -n "s/^$1=//p" | head -1
}

# redeem [curl args]: the code for tokens; sets AT and RT on success.
redeem() {
	req POST "$BASE/oauth/token" -d grant_type=authorization_code -d "client_id=$CID" \
	    -d "code=$CODE" --data-urlencode "redirect_uri=$CB" -d "code_verifier=$VER" "$@"
	AT=$(jq -r '.access_token // empty' <<<"$BODY")
	RT=$(jq -r '.refresh_token // empty' <<<"$BODY")
}

# refresh RT [curl args]
refresh() {
	local t=$1
	shift
	req POST "$BASE/oauth/token" -d grant_type=refresh_token -d "client_id=$CID" \
	    -d "refresh_token=$t" "$@"
}

# whoami_as TOKEN
whoami_as() {
	TOKEN=$1 mpost tools/call '"name":"whoami","arguments":{}' -H 'Mcp-Name: whoami'
}

# flow [SCOPES ticked...]: register, sign in as alice, consent, redeem.
flow() {
	register
	pkce
	signin
	[ "$STATUS" = 200 ]
	allow "${@:-wks:read}"
	redeem
	[ "$STATUS" = 200 ] || { echo "redeem: $STATUS $BODY" >&2; return 1; }
}

oauth_err() {
	[ "$STATUS" = "$1" ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[ "$(header Cache-Control)" = no-store ]
	jqb '.error == "'"$2"'"'
}

# redirected ERROR: a 302 to $CB carrying error, state and iss.
redirected() {
	[ "$STATUS" = 302 ] || { echo "status $STATUS: $BODY" >&2; return 1; }
	[[ "$(header Location)" == "$CB?"* ]]
	[ "$(location_param error)" = "$1" ]
	[ "$(location_param state)" = "${STATE_P:-st-1}" ]
	[ "$(location_param iss)" = "$(jq -rn --arg s "$BASE" '$s | @uri')" ]
}

# error_page TEXT: an HTML page with the message, and no redirect.
error_page() {
	[ "$STATUS" = 400 ] || { echo "status $STATUS" >&2; return 1; }
	[ -z "$(header Location)" ]
	[[ "$(header Content-Type)" == "text/html; charset=utf-8" ]]
	grep -qF "$1" "$STATE/b" || { echo "page lacks '$1': $BODY" >&2; return 1; }
}

