# Helpers for the commerce integration tests (sourced after lib.sh; not a test itself).

# commerce_pick N OUT: the first N unshipped merchant orders whose linked Magento order asc can close
# out (state new, processing or closed), one a line in OUT; their Magento orders as the sim has
# them now in OUT.before.json ({amazon id: order}).
commerce_pick() {
  sim_get "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT" >"$WORK/unshipped.json"
  sim_get /_sim/commerce/orders >"$WORK/links.json"
  python3 - "$1" "$2" "$WORK/unshipped.json" "$WORK/links.json" "$SIM_URL" <<'PY'
import json, sys, urllib.request
n, out = int(sys.argv[1]), sys.argv[2]
unshipped = json.load(open(sys.argv[3]))["order_ids"]
links = {l["amazon_order_id"]: l for l in json.load(open(sys.argv[4]))["links"]}
picked = [i for i in unshipped if i in links and links[i]["state"] in ("new", "processing", "closed")][:n]
before = {i: json.load(urllib.request.urlopen(f"{sys.argv[5]}/_sim/commerce/orders/{i}")) for i in picked}
open(out, "w").write("".join(i + "\n" for i in picked))
json.dump(before, open(out + ".before.json", "w"))
PY
}

# commerce_truth IDS: every Magento order of IDS (picked by commerce_pick) is canceled or closed;
# exactly one credit memo more where something was invoiced and not refunded, none where nothing
# was; exactly one new comment, whose status is the order's status and not empty; and the journal
# says done with the action that matches. Prints what is wrong, if anything.
commerce_truth() {
  asc cancellations list -o json >"$WORK/journal.json"
  python3 - "$1" "$1.before.json" "$WORK/journal.json" "$SIM_URL" <<'PY'
import json, sys, urllib.request
ids = [l.strip() for l in open(sys.argv[1]) if l.strip()]
before = json.load(open(sys.argv[2]))
journal = {}
for r in json.load(open(sys.argv[3])):
    journal[r["order_id"]] = r  # the latest row of each order
bad = []
for i in ids:
    b = before[i]
    d = json.load(urllib.request.urlopen(f"{sys.argv[4]}/_sim/commerce/orders/{i}"))
    refundable = any(it["qty_invoiced"] > it["qty_refunded"] for it in b["items"])
    invoiced = any(it["qty_invoiced"] > 0 for it in b["items"])
    want_state = "closed" if invoiced else "canceled"
    want_memos = len(b["credit_memos"]) + (1 if refundable else 0)
    want_action = "nothing_to_do" if b["state"] == "closed" else "refunded" if refundable else "canceled"
    new = d["status_histories"][: len(d["status_histories"]) - len(b["status_histories"])]
    j = journal.get(i, {})
    problems = []
    if d["state"] != want_state: problems.append(f"state {d['state']} (want {want_state})")
    if len(d["credit_memos"]) != want_memos: problems.append(f"{len(d['credit_memos'])} credit memos (want {want_memos})")
    if len(new) != 1: problems.append(f"{len(new)} new comments")
    elif not new[0]["status"] or new[0]["status"] != d["status"]: problems.append(f"comment status {new[0]['status']!r}, order {d['status']!r}")
    if (j.get("state"), j.get("commerce_state"), j.get("commerce_action")) != ("canceled", "done", want_action):
        problems.append(f"journal {j.get('state')} {j.get('commerce_state')} {j.get('commerce_action')} (want {want_action})")
    if want_action == "refunded" and j.get("commerce_creditmemo_id") != str(d["credit_memos"][-1]["entity_id"]):
        problems.append(f"journal credit memo {j.get('commerce_creditmemo_id')} (want {d['credit_memos'][-1]['entity_id']})")
    if problems: bad.append(f"{i}: " + "; ".join(problems))
print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
PY
}
