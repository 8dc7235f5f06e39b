#!/usr/bin/env bash
# Restarts the consortium (orderers, peers, chaincode server) on the ledger it has grown, while the
# database, IPFS and the API keep running, and checks that the first start after the stop
# succeeds within RESTART_SECONDS and that the channel is usable afterwards: an invoice issued
# through the API is committed on every peer and verifies as authentic.
set -eu
. "$(dirname "$0")/../test-network/env.sh"
cd "$ROOT_DIR"

if [ -n "${FABRIC_CONNECTION_FILE:-}" ]; then
  log "restart: an external consortium is not restarted"
  exit 0
fi
RESTART_SECONDS=${RESTART_SECONDS:-120}
API=http://$API_HOST:$API_PORT/api/v1

height() { (as_org_admin "$1"; peer channel getinfo -c "$CHANNEL" 2>/dev/null) | sed -n 's/.*"height":\([0-9]*\).*/\1/p'; }
heights() {
  local org h
  for org in $(peer_orgs); do h=$(height "$org"); [ -n "$h" ] || return 1; printf '%s ' "$h"; done
}
json_field() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]??""))' "$1"; }
token() {
  local password
  password=$(node -e 'const u=require(process.argv[1]).find((x)=>x.username===process.argv[2]);console.log(u?u.password:"")' \
    "$NETWORK_DIR/demo-users.json" "$1")
  curl -fsS "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" | json_field token
}

# --- restart ---------------------------------------------------------------------------------
before=$(height "$(peer_orgs | head -n 1)")
[ -n "$before" ] || die "restart: the channel $CHANNEL has no height before the restart"
t0=$SECONDS
bash test-network/network.sh down
t1=$SECONDS
bash test-network/network.sh up >"$LOG_DIR/restart.log" 2>&1 \
  || die "restart: the first start after a stop failed (ledger height $before); see $LOG_DIR/restart.log"
took=$((SECONDS - t1))
[ "$took" -le "$RESTART_SECONDS" ] || die "restart: the start took ${took}s, more than ${RESTART_SECONDS}s"
log "restart: at ledger height $before the nodes stopped in $((t1 - t0)) s and started in $took s"

# --- the channel is usable -------------------------------------------------------------------
code=3101$(printf '%04d' $((RANDOM % 10000)))
number=$(printf '%05d%05d' $((RANDOM % 100000)) $((RANDOM % 100000)))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%%PDF-1.4\n%% invoice %s/%s issued after a restart\n%%%%EOF\n' "$code" "$number" > "$work/invoice.pdf"
cat > "$work/invoice.json" <<JSON
{"code":"$code","number":"$number","type":"OUTPATIENT",
 "payer":{"name":"张三","idNumber":"310101199001011234"},
 "visit":{"department":"Internal medicine","visitDate":"2026-11-20"},
 "items":[{"name":"Consultation","quantity":1,"unitPrice":5000,"amount":5000}],
 "totalAmount":5000,"payment":{"medicalInsuranceFund":3000,"personalAccount":1000,"otherFund":0,"selfPay":1000},
 "reimbursableAmount":1000}
JSON
status=$(curl -sS -o "$work/issued.json" -w '%{http_code}' "$API/invoices" \
  -H "authorization: Bearer $(token h1.clerk)" -H "Idempotency-Key: restart-$code-$number" \
  -F "invoice=<$work/invoice.json;type=application/json" -F "pdf=@$work/invoice.pdf;type=application/pdf")
[ "$status" = 201 ] || die "restart: issuing an invoice after the restart answered HTTP $status: $(cat "$work/issued.json")"
check=$(json_field checkCode < "$work/issued.json")
result=$(curl -fsS "$API/invoices/verify" -H "authorization: Bearer $(token insurer.officer)" \
  -F "code=$code" -F "number=$number" -F "checkCode=$check" -F "pdf=@$work/invoice.pdf;type=application/pdf" \
  | json_field result)
[ "$result" = authentic ] || die "restart: the invoice issued after the restart verifies as '$result'"

# Every peer commits the new block.
deadline=$((SECONDS + 30))
until all=$(heights) && [ "$(tr ' ' '\n' <<<"$all" | sort -u | grep -c .)" = 1 ] && [ "${all%% *}" -gt "$before" ]; do
  [ $SECONDS -lt $deadline ] || die "restart: the peers' heights differ 30 s after the invoice: $all(before: $before)"
  sleep 0.5
done
log "restart: the channel is usable; an invoice issued after the restart is on every peer (height ${all%% *})"
