#!/usr/bin/env bash
# `asc order show` with a Magento (Adobe Commerce) link: the linked Magento order's number, state
# and status on the details tab, "no linked order", nothing asked without a link, and a commerce
# failure that only warns.
source "$(dirname "$0")/lib.sh"

sim_start --orders 200 --seed 5

# A merchant order with a linked Magento order, and one without.
sim_get /_sim/commerce/orders >"$WORK/links.json"
sim_get "/_sim/orders?fulfilledBy=MERCHANT" >"$WORK/merchant.json"
read -r linked increment unlinked < <(python3 - "$WORK/links.json" "$WORK/merchant.json" <<'PY'
import json, sys
links = json.load(open(sys.argv[1]))["links"]
merchant = json.load(open(sys.argv[2]))["order_ids"]
linked = {l["amazon_order_id"] for l in links}
print(links[0]["amazon_order_id"], links[0]["increment_id"], next(i for i in merchant if i not in linked))
PY
)

# 1. Without a commerce link nothing is asked and the JSON has no commerce key.
asc order show "$linked" -o json >"$WORK/plain.json"
check "no commerce key without a commerce link" python3 -c "
import json; d = json.load(open('$WORK/plain.json')); assert 'commerce' not in d['details']"
check "no commerce request without a commerce link" [ "$(sim_requests commerceSearch)" -eq 0 ]

export ASC_COMMERCE_URL="$SIM_URL" ASC_COMMERCE_TOKEN=sim-commerce-token

# 2. The linked Magento order.
asc order show "$linked" -o json >"$WORK/linked.json"
check "details.commerce has the Magento order number, state and status" python3 -c "
import json; d = json.load(open('$WORK/linked.json'))['details']
assert d['commerce'] == {'increment_id': '$increment', 'state': 'processing', 'status': 'processing'}, d.get('commerce')"
asc order show "$linked" --tab details -o json >"$WORK/details.json"
check "--tab details -o json has it too" python3 -c "
import json; d = json.load(open('$WORK/details.json')); assert d['commerce']['increment_id'] == '$increment'"
ASC_FORCE_TTY=1 COLUMNS=120 asc order show "$linked" --tab details --color never >"$WORK/human"
check "the terminal view has a Magento order line" grep -qE "Magento order +$increment \(state processing, status processing\)" "$WORK/human"

# 3. No linked order.
asc order show "$unlinked" -o json >"$WORK/unlinked.json"
check "details.commerce is null without a linked order" python3 -c "
import json; d = json.load(open('$WORK/unlinked.json'))['details']; assert 'commerce' in d and d['commerce'] is None"
ASC_FORCE_TTY=1 COLUMNS=120 asc order show "$unlinked" --tab details --color never >"$WORK/human2"
check "the terminal view says no linked order" grep -qE "Magento order +no linked order" "$WORK/human2"

# 4. Tabs without details, CSV and --cached do not ask the commerce system.
before=$(sim_requests commerceSearch)
asc order show "$linked" --tab items -o json >/dev/null
asc order show "$linked" --tab details -o csv >/dev/null
asc order show "$linked" --cached -o json >/dev/null
check "items tab, csv and --cached send no commerce request" [ "$(sim_requests commerceSearch)" -eq "$before" ]

# 5. The commerce system failing does not fail order show.
sim_post /_sim/config '{"faults":["500:commerceSearch:1"]}' >/dev/null
expect_exit 0 "order show succeeds while Magento answers 500" asc --max-attempts 2 order show "$linked" -o json
check "it warns on stderr, naming the commerce side" contains "$WORK/err" "commerce system (Magento)"
check "the Amazon details are still printed" python3 -c "
import json; d = json.load(open('$WORK/out'))['details']; assert d['order_id'] == '$linked' and 'commerce' not in d"
sim_post /_sim/config '{"faults":[]}' >/dev/null

# 6. A wrong token warns, naming the commerce side, and never shows the token.
ASC_COMMERCE_TOKEN=wrong-token-1234567890 expect_exit 0 "order show succeeds with a wrong commerce token" \
  asc order show "$linked" -o json
check "the warning says Magento refused the access token" contains "$WORK/err" "commerce system (Magento) refused the access token"
check "the warning does not show the token" bash -c "! grep -q wrong-token-1234567890 '$WORK/err' '$WORK/out'"

# 7. link_field = increment_id, for stores whose order number is the Amazon order id.
sim_start --orders 60 --seed 5 --commerce-increment-ids amazon --commerce-link-ratio 1
export ASC_COMMERCE_URL="$SIM_URL"
order=$(sim_get "/_sim/commerce/orders?limit=1" | json "d['links'][0]['amazon_order_id']")
mkdir -p "$WORK/config/asc"
cat >"$WORK/config/asc/config.toml" <<EOF
[profiles.default.commerce]
link_field = "increment_id"
EOF
asc order show "$order" -o json >"$WORK/inc.json"
check "link_field increment_id finds the order by its Magento number" python3 -c "
import json; d = json.load(open('$WORK/inc.json'))['details']; assert d['commerce']['increment_id'] == '$order', d"

# 8. config show and --debug never show the token.
asc config show >"$WORK/config.out"
check "config show has commerce_url" grep -qE "^commerce_url +$SIM_URL" "$WORK/config.out"
check "config show masks the commerce token" bash -c "grep -qE '^commerce_token +sim-…oken' '$WORK/config.out' && ! grep -q sim-commerce-token '$WORK/config.out'"
asc --debug order show "$order" -o json >/dev/null 2>"$WORK/debug.err"
check "--debug shows the commerce request" grep -q "/rest/default/V1/orders" "$WORK/debug.err"
check "--debug masks the bearer token" bash -c "! grep -q sim-commerce-token '$WORK/debug.err'"

finish
