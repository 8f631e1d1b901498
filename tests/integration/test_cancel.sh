#!/usr/bin/env bash
# `asc order cancel` of single orders against asc-sim: the cancellation reaches the sim, the guard
# refuses what it must (exit 5, nothing sent), usage errors exit 2, the journal and the feed show.
source "$(dirname "$0")/lib.sh"

sim_start --orders 400 --seed 21 --time-scale 1000

first() { sim_get "/_sim/orders?$1" | json "d['order_ids'][$2]"; }
feeds_sent() { echo "$(sim_requests createFeedDocument) $(sim_requests createFeed)"; }

unshipped=$(first "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 0)
other=$(first "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 1)
partial=$(first "fulfillmentStatus=PARTIALLY_SHIPPED&fulfilledBy=MERCHANT" 0)
pending=$(first "fulfillmentStatus=PENDING&fulfilledBy=MERCHANT" 0)
shipped=$(first "fulfillmentStatus=SHIPPED&fulfilledBy=MERCHANT" 0)
afn=$(first "fulfillmentStatus=UNSHIPPED&fulfilledBy=AMAZON" 0)
canceled=$(first "fulfillmentStatus=CANCELLED" 0)

# A single Unshipped merchant order: canceled on the sim, with the reason, once.
expect_exit 0 "an Unshipped merchant order is canceled" asc order cancel "$unshipped" --reason no-inventory --yes
check "the row says canceled with the feed id" grep -qE "^$unshipped	canceled	NoInventory	[0-9]+		$" "$WORK/out"
check "the summary is on stderr" contains "$WORK/err" "1 canceled"
sim_get "/_sim/orders/$unshipped" >"$WORK/truth"
check "the sim shows it Canceled by the merchant with the reason, once" python3 - "$WORK/truth" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED", d["order"]["fulfillment"]
assert d["cancellations"] == 1, d["cancellations"]
for item in d["order"]["orderItems"]:
    ex = item["cancellation"]["cancellationExecution"]
    assert ex["cancelledBy"] == "MERCHANT" and ex["cancelReason"] == "NoInventory", ex
assert d["cancellation_log"][0]["merchant_identifier"] == "TESTSELLER"
PY
check "the store shows it Canceled at once" bash -c "'$ASC_BIN' orders list --cached --status canceled -o ids | grep -qx '$unshipped'"
check "the journal has it canceled" bash -c "'$ASC_BIN' cancellations list --state canceled -o ids | grep -qx '$unshipped'"
check "report cancellations reads the same journal row" bash -c "'$ASC_BIN' report cancellations -o json | python3 -c \"
import json,sys; rows=json.load(sys.stdin); assert any(r['order_id']=='$unshipped' and r['state']=='canceled' and r['feed_id'] for r in rows)\""
feed=$(cut -f4 "$WORK/out")
expect_exit 0 "feeds show prints the feed's result" asc feeds show "$feed" -o json
check "feeds show maps the message to the order" python3 -c "
import json; d = json.load(open('$WORK/out'))
assert d['processing_status'] == 'DONE' and d['summary']['messages_processed'] == 1
assert d['messages'] == [{'message_id': 1, 'order_id': '$unshipped', 'result': 'ok', 'result_code': None, 'description': None}], d['messages']"

# Running it again: already canceled, exit 0, nothing sent.
before=$(feeds_sent)
expect_exit 0 "an order canceled before exits 0" asc order cancel "$unshipped" --reason NoInventory --yes
check "it is reported already canceled" grep -q "already_canceled" "$WORK/out"
expect_exit 0 "an order Canceled on Amazon exits 0" asc order cancel "$canceled" --reason NoInventory --yes
check "it is reported already canceled" grep -q "already_canceled" "$WORK/out"
check "nothing was sent for them" [ "$(feeds_sent)" = "$before" ]

# The guard refuses PartiallyShipped, Pending, Shipped and Amazon-fulfilled orders: exit 5, nothing sent.
for id in "$partial" "$pending" "$shipped" "$afn"; do
  expect_exit 5 "the guard refuses $id" asc order cancel "$id" --reason NoInventory --yes -o json
  check "the row says refused" python3 -c "import json; r = json.load(open('$WORK/out'))[0]; assert r['outcome'] == 'refused', r"
done
check "nothing was sent for the refusals" [ "$(feeds_sent)" = "$before" ]
asc order cancel "$pending" --reason NoInventory --yes >"$WORK/out" 2>"$WORK/err" || true
check "a Pending refusal points to Seller Central" contains "$WORK/err" "sellercentral.amazon"
check "the sim still has the Pending order Pending" [ "$(sim_get "/_sim/orders/$pending" | json "d['order']['fulfillment']['fulfillmentStatus']")" = PENDING ]

# Usage errors exit 2 before anything is sent.
expect_exit 2 "an unknown reason exits 2" asc order cancel "$other" --reason Bogus --yes
check "it lists the ten reasons with their meaning" bash -c "grep -c -E 'NoInventory|ShippingAddressUndeliverable|CustomerExchange|BuyerCanceled|GeneralAdjustment|CarrierCreditDecision|RiskAssessmentInformationNotValid|CarrierCoverageFailure|CustomerReturn|MerchandiseNotReceived' '$WORK/err' | grep -qx 10"
expect_exit 2 "no --yes off a terminal exits 2" asc order cancel "$other" --reason NoInventory
check "it says --yes is required" contains "$WORK/err" "--yes"
expect_exit 2 "a missing reason off a terminal exits 2" asc order cancel "$other" --yes
check "it names --reason" contains "$WORK/err" "--reason"
expect_exit 2 "a malformed id alone exits 2" asc order cancel 12-34 --reason NoInventory --yes
check "it is reported as invalid_id" contains "$WORK/out" "invalid_id"
expect_exit 2 "no ids exits 2" asc order cancel --reason NoInventory --yes
expect_exit 3 "an unknown order exits 3" asc order cancel 999-9999999-9999999 --reason NoInventory --yes
check "nothing was sent for the usage errors" [ "$(feeds_sent)" = "$before" ]
check "the sim still has the other order Unshipped" [ "$(sim_get "/_sim/orders/$other" | json "d['order']['fulfillment']['fulfillmentStatus']")" = UNSHIPPED ]

# --dry-run prints the plan and sends nothing; --no-wait returns with the feed id.
expect_exit 0 "--dry-run plans" asc order cancel "$other" --reason "Customer Exchange" --dry-run -o csv
check "the plan says would_cancel with the reason" grep -q "^$other,would_cancel,CustomerExchange,,," "$WORK/out"
check "the dry run sent nothing" [ "$(feeds_sent)" = "$before" ]
check "the dry run journaled nothing" bash -c "! '$ASC_BIN' cancellations list -o ids | grep -qx '$other'"
expect_exit 0 "--no-wait returns after submission" asc order cancel "$other" --reason CustomerExchange --yes --no-wait
check "the row says submitted with the feed id" grep -qE "^$other	submitted	CustomerExchange	[0-9]+" "$WORK/out"
expect_exit 0 "resume collects the result" asc cancellations resume
check "resume reports it canceled" grep -qE "^$other	canceled	CustomerExchange" "$WORK/out"
check "the sim canceled it with that reason" [ "$(sim_get "/_sim/orders/$other" | json "d['order']['orderItems'][0]['cancellation']['cancellationExecution']['cancelReason']")" = CustomerExchange ]
expect_exit 0 "resume with nothing left does nothing" asc cancellations resume
check "it says so" contains "$WORK/err" "nothing to resume"

# Every output format; -q silences the summary.
third=$(first "fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" 2)
expect_exit 0 "csv with selected fields" asc -q order cancel "$third" --reason NoInventory --yes -o csv --fields order_id,outcome
check "csv has the header and the row" bash -c "[ \"\$(cat '$WORK/out')\" = \"\$(printf 'order_id,outcome\n$third,canceled')\" ]"
check "-q prints no summary" bash -c "[ ! -s '$WORK/err' ]"
for f in json jsonl tsv ids table; do
  expect_exit 0 "-o $f" asc order cancel "$third" --reason NoInventory --yes -o "$f"
  check "-o $f names the order" contains "$WORK/out" "$third"
done
expect_exit 2 "an unknown journal state exits 2" asc cancellations list --state bogus

# On a terminal: the numbered reason choice and the confirmation (a pseudo-terminal).
# on_tty ANSWERS ARGS...: runs asc on a pty, answering each prompt in turn; prints the output and
# ends with "exit N".
on_tty() {
  python3 - "$ASC_BIN" "$@" <<'PY'
import os, pty, select, sys, time
asc, answers, args = sys.argv[1], sys.argv[2].split("|"), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(asc, [asc] + args)
out, deadline = b"", time.time() + 60
prompts = [b"Choose 1-10: ", b"[y/N] ", b"orders: "]
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if answers and any(out.endswith(p) for p in prompts):
            os.write(fd, (answers.pop(0) + "\n").encode())
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print(f"\nexit {os.waitstatus_to_exitcode(status)}")
PY
}
mapfile -t tty_ids < <(sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" | json "'\n'.join(d['order_ids'][3:16])")
before=$(feeds_sent)
on_tty "4|n" order cancel "${tty_ids[0]}" >"$WORK/tty" || true
check "the reason drop-down lists the ten, numbered" bash -c "grep -q ' 4) BuyerCanceled' '$WORK/tty' && grep -q '10) MerchandiseNotReceived' '$WORK/tty'"
check "the confirmation names the order and the chosen reason" bash -c "grep -q 'About to cancel 1 order' '$WORK/tty' && grep -q 'BuyerCanceled' '$WORK/tty' && grep -q '${tty_ids[0]}' '$WORK/tty'"
check "declining exits 7 (declined), not 1" bash -c "tail -1 '$WORK/tty' | grep -qx 'exit 7'"
check "nothing was sent after declining" [ "$(feeds_sent)" = "$before" ]
on_tty "y" order cancel "${tty_ids[0]}" --reason BuyerCanceled >"$WORK/tty" || true
check "answering y cancels it" bash -c "tail -1 '$WORK/tty' | grep -qx 'exit 0' && grep -q canceled '$WORK/tty'"
on_tty "12" order cancel "${tty_ids[@]:1:12}" --reason NoInventory >"$WORK/tty" || true
check "for more than 10 orders the count must be typed" bash -c "grep -q 'Type 12 to cancel these 12 orders' '$WORK/tty' && tail -1 '$WORK/tty' | grep -qx 'exit 0'"
check "the 12 orders are canceled" [ "$(grep -c 'canceled' "$WORK/tty")" -ge 12 ]

# No secrets or tokens in anything printed.
check "no token or secret printed" bash -c "! grep -rqE 'Atza|test-secret|test-refresh' '$WORK/out' '$WORK/err'"

finish
