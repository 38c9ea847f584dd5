#!/usr/bin/env bash
# A whole stamp run with stampctl against a running stampd (SPEC §2–§9), one role at a time:
# admin sets up users and reference data, the supervisor receives a shipment, finance orders
# stamps, the stamper runs the PO box by box, a verifier completes it, finance reads the invoice,
# and the consignee sees its POs but not the stamp balances.
#
#   STAMPD_SERVER=127.0.0.1:7878 STAMPD_TOKEN=<admin token> clients/stampctl/tour.sh
#
# STAMPCTL names the binary (default: stampctl on PATH). Keys get a per-run suffix, so the tour
# runs again on the same server. Exits non-zero at the first step that does not go as expected.
set -euo pipefail

ctl=${STAMPCTL:-stampctl}
admin=${STAMPD_TOKEN:?set STAMPD_TOKEN to the admin token}
run=${TOUR_RUN:-$(date +%s)$$}

step() { printf '\n== %s\n' "$*"; }
# New users' tokens go to stampctl in files (owner-only), never on its command line.
secrets=$(mktemp -d)
trap 'rm -rf "$secrets"' EXIT
token_file() { (umask 077 && printf '%s\n' "$1" >"$secrets/$2") && printf '%s' "$secrets/$2"; }
as() { local token=$1; shift; STAMPD_TOKEN=$token "$ctl" "$@"; }
id_of() { local token=$1; shift; STAMPD_TOKEN=$token "$ctl" --quiet "$@"; }

step "admin: users, a consignee and its product"
sup="supervisor-token-$run"; stamper="stamper-token-$run"; verifier="verifier-token-$run"
finance="finance-token-$run"; customer="consignee-token-$run"
as "$admin" create-user --key "sup-$run" --name "Sam Supervisor" --roles supervisor --user-token-file "$(token_file "$sup" sup)"
as "$admin" create-user --key "stamp-$run" --name "Stella Stamper" --roles stamper --user-token-file "$(token_file "$stamper" stamper)"
as "$admin" create-user --key "ver-$run" --name "Vic Verifier" --roles verifier --user-token-file "$(token_file "$verifier" verifier)"
as "$admin" create-user --key "fin-$run" --name "Fran Finance" --roles finance --user-token-file "$(token_file "$finance" finance)"
consignee=$(id_of "$admin" create-consignee --key "ACME-$run" --name "Acme Vapes" --province on)
as "$admin" create-user --key "acme-$run" --name "Acme Portal" --roles consignee \
    --consignee "$consignee" --user-token-file "$(token_file "$customer" customer)"
product=$(id_of "$admin" create-product --sku "V15-$run" --consignee "$consignee" \
    --name "Mint 15 mL" --volume-ul 15000)

as "$admin" set-duty-rate --region on --cents 12
as "$admin" set-tax-rate --province on --basis-points 1300

step "supervisor: a shipment of three boxes (one unit damaged)"
shipment=$(id_of "$sup" create-shipment --key "SH-$run" --consignee "$consignee")
as "$sup" start-receiving --shipment "$shipment"
as "$sup" receive-box --shipment "$shipment" --barcode "BXA-$run" --product "$product" --units 10
as "$sup" receive-box --shipment "$shipment" --barcode "BXB-$run" --product "$product" --units 10
as "$sup" receive-box --shipment "$shipment" --barcode "BXC-$run" --product "$product" --units 5 --damaged 1
as "$sup" finish-receiving --shipment "$shipment"
as "$sup" get-shipment "$shipment"

step "finance orders ON stamps, admin approves, the supervisor receives them"
order=$(id_of "$finance" submit-stamp-order --region on --bundles 500 --notes "tour")
as "$admin" review-stamp-order --order "$order" --action approve
as "$finance" mark-stamp-order-ordered --order "$order"
as "$sup" receive-stamps --order "$order" --bundles 500
as "$sup" balances

step "supervisor: a PO for every good unit (dry run first)"
as "$sup" create-po --consignee "$consignee" --shipment "$shipment" --line "$product:on:24" --dry-run
po=$(id_of "$sup" create-po --consignee "$consignee" --shipment "$shipment" --line "$product:on:24")

step "stamper: the run, box by box"
as "$stamper" start-run --po "$po" --acknowledge-shortage
as "$stamper" get-run-queue --po "$po"
for box in BXA BXB BXC; do
    as "$stamper" confirm-box --po "$po" --barcode "$box-$run"
done
as "$stamper" get-po "$po"

step "verifier: four eyes, then completed with a draft invoice"
as "$verifier" verify-po --po "$po"
invoice=$(as "$sup" --json get-po "$po" | sed -n 's/.*"invoice":\([0-9]*\).*/\1/p')
[[ -n "$invoice" && "$invoice" != 0 ]] || { echo "no invoice on PO $po" >&2; exit 1; }

step "finance reads invoice $invoice"
as "$finance" get-invoice "$invoice"

outbound=$(as "$sup" --json get-po "$po" | sed -n 's/.*"outbound":\([0-9]*\).*/\1/p')
[[ -n "$outbound" && "$outbound" != 0 ]] || { echo "no outbound record on PO $po" >&2; exit 1; }
step "supervisor: the goods leave; outbound record $outbound is Shipped"
as "$sup" ship-outbound --outbound "$outbound"
as "$sup" get-outbound "$outbound"

step "the consignee sees its POs, but not the stamp balances"
as "$customer" list-pos
if as "$customer" balances; then
    echo "a consignee user read the balances" >&2
    exit 1
else
    [[ $? -eq 1 ]] || exit 1
fi
step "tour done: PO $po completed, invoice $invoice drafted"
