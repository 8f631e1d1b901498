#!/usr/bin/env python3
"""Thorough contract checks of asc-sim (slower than smoke.sh: 10-30 seconds).

usage: tests/sim/contract_checks.py path/to/asc-sim [--models DIR]

--models points at the directory holding Amazon's orders_2026-01-01.json; when given, the
example searchOrders and getOrder responses are extracted to a temporary directory and loaded as
fixtures (they are not stored in this repository). Exits non-zero on the first failure.
"""
import atexit, collections, concurrent.futures, datetime, gzip, http.client, json, os, re, signal, socket
import subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request
import xml.etree.ElementTree as ET
from decimal import Decimal

SIM = sys.argv[1] if len(sys.argv) > 1 else sys.exit(__doc__)
MODELS = sys.argv[sys.argv.index("--models") + 1] if "--models" in sys.argv else None
TMP = tempfile.mkdtemp()
STARTED = []


@atexit.register
def stop_all():
    for p in STARTED:
        if p.poll() is None:
            p.kill()
            p.wait()


class Sim:
    """One asc-sim process (its stderr goes to ours) and a tiny HTTP client for it."""

    def __init__(self, *args):
        self.p = subprocess.Popen([SIM, *args], stdout=subprocess.PIPE, text=True)
        STARTED.append(self.p)
        line = self.p.stdout.readline().strip()
        assert line.startswith("asc-sim listening on http://"), line
        self.url = line.split(" on ")[1]
        self.token = None
    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=10)
        return rc
    def req(self, method, path, body=None, headers=None, auth=True, raw=False):
        h = dict(headers or {})
        if auth and self.token and "x-amz-access-token" not in h:
            h["x-amz-access-token"] = self.token
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode(); h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
        r = urllib.request.Request(self.url + path if path.startswith("/") else path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(r) as resp:
                status, hdrs, content = resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            status, hdrs, content = e.code, dict(e.headers), e.read()
        if raw:
            return status, hdrs, content
        try:
            j = json.loads(content) if content else None
        except Exception:
            j = content
        return status, hdrs, j
    def login(self):
        s, h, j = self.req("POST", "/auth/o2/token", "grant_type=refresh_token&refresh_token=Atzr%7Cx&client_id=a&client_secret=b",
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=False)
        assert s == 200, (s, j)
        self.token = j["access_token"]
        return j
    def search_all(self, params, per_page=100):
        ids = []; orders = []
        q = dict(params); q["maxResultsPerPage"] = str(per_page)
        pages = 0
        while True:
            s, h, j = self.req("GET", "/orders/2026-01-01/orders?" + urllib.parse.urlencode(q))
            assert s == 200, (s, j)
            assert len(j["orders"]) <= per_page
            orders += j["orders"]; pages += 1
            tok = j.get("pagination", {}).get("nextToken")
            if not tok: break
            q["paginationToken"] = tok
        return orders, pages


def check_gen():
    from decimal import Decimal
    N = 3000
    s = Sim("--orders", str(N), "--seed", "42", "--rate-limits", "off")
    s.login()
    orders, pages = s.search_all({"createdAfter": "2000-01-01T00:00:00Z", "includedData": "BUYER,RECIPIENT,PROCEEDS,CANCELLATION,FULFILLMENT,PACKAGES"})
    print("orders", len(orders), "pages", pages)
    ids = [o["orderId"] for o in orders]
    assert len(set(ids)) == N
    assert all(re.fullmatch(r"\d{3}-\d{7}-\d{7}", i) for i in ids)
    items = [it["orderItemId"] for o in orders for it in o["orderItems"]]
    assert len(set(items)) == len(items), "dup item ids"
    assert all(re.fullmatch(r"\d{14}", i) for i in items)
    st = collections.Counter(o["fulfillment"]["fulfillmentStatus"] for o in orders)
    fb = collections.Counter(o["fulfillment"]["fulfilledBy"] for o in orders)
    print({k: round(v / N * 100, 1) for k, v in st.items()}, {k: round(v / N * 100, 1) for k, v in fb.items()})
    mp = collections.Counter((o["salesChannel"]["marketplaceId"], o["orderItems"][0]["product"]["price"]["unitPrice"]["currencyCode"]) for o in orders)
    print(mp)
    def dt(x): return datetime.datetime.strptime(x, "%Y-%m-%dT%H:%M:%SZ")
    now = datetime.datetime.utcnow()
    prev = None
    late = soon = later = 0
    for o in orders:
        c, u = dt(o["createdTime"]), dt(o["lastUpdatedTime"])
        assert u >= c, o["orderId"]
        assert c <= now and c >= now - datetime.timedelta(days=61)
        key = (c, o["orderId"])
        assert prev is None or key > prev
        prev = key
        f = o["fulfillment"]; status = f["fulfillmentStatus"]
        if status == "UNFULFILLABLE": assert f["fulfilledBy"] == "AMAZON"
        its = o["orderItems"]
        assert 1 <= len(its) <= 4
        for it in its:
            assert 1 <= it["quantityOrdered"] <= 3
            q, ff, uf = it["quantityOrdered"], it["fulfillment"]["quantityFulfilled"], it["fulfillment"]["quantityUnfulfilled"]
            if status == "SHIPPED": assert ff == q and uf == 0
            if status in ("UNSHIPPED", "PENDING", "PENDING_AVAILABILITY"): assert ff == 0 and uf == q
            if status == "CANCELLED": assert "cancellationExecution" in it["cancellation"]
            assert re.fullmatch(r"B0[0-9A-Z]{8}", it["product"]["asin"])
        if status == "PARTIALLY_SHIPPED":
            assert sum(i["fulfillment"]["quantityFulfilled"] for i in its) > 0
            assert sum(i["fulfillment"]["quantityUnfulfilled"] for i in its) > 0
        if "proceeds" in o:
            cur = o["proceeds"]["grandTotal"]["currencyCode"]
            tot = Decimal(0)
            for it in its:
                p = it["proceeds"]
                assert Decimal(p["proceedsTotal"]["amount"]) == sum(Decimal(b["subtotal"]["amount"]) for b in p["breakdowns"])
                tot += Decimal(p["proceedsTotal"]["amount"])
                if cur == "JPY": assert "." not in p["proceedsTotal"]["amount"]
                else: assert re.fullmatch(r"-?\d+\.\d\d", p["proceedsTotal"]["amount"])
            assert Decimal(o["proceeds"]["grandTotal"]["amount"]) == tot
            assert Decimal(o["proceeds"]["grandTotal"]["amount"]) == sum(Decimal(b["subtotal"]["amount"]) for b in o["proceeds"]["breakdowns"])
        else:
            assert status in ("PENDING", "PENDING_AVAILABILITY")
        merchant = f["fulfilledBy"] == "MERCHANT"
        if merchant and status in ("SHIPPED", "PARTIALLY_SHIPPED"):
            assert o["packages"], o["orderId"]
            shipped = collections.Counter()
            for p in o["packages"]:
                for pi in p["packageItems"]: shipped[pi["orderItemId"]] += pi["quantity"]
                assert dt(p["shipTime"]) >= c
            for it in its:
                assert shipped[it["orderItemId"]] == it["fulfillment"]["quantityFulfilled"], o["orderId"]
        else:
            assert o["packages"] == [], o["orderId"]
        if merchant and status == "UNSHIPPED":
            latest = dt(f["shipByWindow"]["latestDateTime"])
            if latest < now: late += 1
            elif latest < now + datetime.timedelta(hours=24): soon += 1
            else: later += 1
    print("unshipped merchant late/soon/later", late, soon, later)
    odd = [it["product"]["title"] for o in orders for it in o["orderItems"] if any(ord(ch) < 32 for ch in it["product"]["title"]) or it["product"]["title"][0] in "=+-@"]
    print("odd titles", len(odd), "of", len(items))
    req = sum(1 for o in orders if any("cancellationRequest" in it.get("cancellation", {}) for it in o["orderItems"]))
    print("cancellationRequest orders %", round(req / N * 100, 1))
    progs = collections.Counter(p for o in orders for p in o["programs"])
    print(progs, "aliases", sum(1 for o in orders if o["orderAliases"]), "assoc", sum(1 for o in orders if o["associatedOrders"]))
    print(collections.Counter(o["salesChannel"]["channelName"] for o in orders))
    print(collections.Counter(p["packageStatus"]["status"] for o in orders for p in o["packages"]))
    # determinism
    s2 = Sim("--orders", str(N), "--seed", "42", "--rate-limits", "off"); s2.login()
    o2, _ = s2.search_all({"createdAfter": "2000-01-01T00:00:00Z", "includedData": "PROCEEDS,FULFILLMENT"})
    def sig(o): return (o["orderId"], o["fulfillment"]["fulfillmentStatus"], [(i["orderItemId"], i["quantityOrdered"], i["product"]["title"], i.get("proceeds")) for i in o["orderItems"]])
    assert sorted(map(sig, o2)) == sorted(sig(o) for o in orders), "not deterministic"
    s3 = Sim("--orders", str(N), "--seed", "43", "--rate-limits", "off"); s3.login()
    o3, _ = s3.search_all({"createdAfter": "2000-01-01T00:00:00Z"})
    assert set(o["orderId"] for o in o3) != set(ids)
    for x in (s, s2, s3): assert x.stop() == 0
    print("OK")

def model_examples():
    """Writes Amazon's example responses as fixtures; returns their paths (or [] without --models)."""
    if not MODELS:
        return []
    model = json.load(open(os.path.join(MODELS, "orders_2026-01-01.json")))
    search = model["paths"]["/orders/2026-01-01/orders"]["get"]["responses"]["200"]["examples"]["application/json"]
    get = model["paths"]["/orders/2026-01-01/orders/{orderId}"]["get"]["responses"]["200"]["examples"]["application/json"]
    paths = [os.path.join(TMP, "search-example.json"), os.path.join(TMP, "get-example.json")]
    json.dump(search, open(paths[0], "w"))
    json.dump({"orders": [get["order"]]}, open(paths[1], "w"))
    return paths


def check_api():
    examples = model_examples()
    here = os.path.dirname(os.path.abspath(__file__))
    own = os.path.join(here, "..", "fixtures", "sim-fixture-orders.json")
    fixtures = [x for p in examples + [own] for x in ("--fixture", p)]
    extra = 2 + 3 if examples else 3
    s = Sim("--orders", "250", "--seed", "3", "--rate-limits", "off", *fixtures)
    P = "/orders/2026-01-01/orders"
    # 403 without token
    st, h, j = s.req("GET", P + "?createdAfter=2020-01-01T00:00:00Z")
    assert st == 403 and j["errors"][0]["code"] == "Unauthorized" and j["errors"][0]["message"] == "Access to requested resource is denied.", j
    assert "x-amzn-RequestId" in h and "x-amzn-RateLimit-Limit" not in h
    st, h, j = s.req("GET", P + "?createdAfter=2020-01-01T00:00:00Z", headers={"x-amz-access-token": "Atza|bogus"})
    assert st == 403
    # LWA errors
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    st, h, j = s.req("POST", "/auth/o2/token", "grant_type=refresh_token&refresh_token=revoked&client_id=a&client_secret=b", headers=form, auth=False)
    assert st == 400 and j["error"] == "invalid_grant", j
    st, h, j = s.req("POST", "/auth/o2/token", "grant_type=refresh_token&refresh_token=x&client_id=a&client_secret=expired", headers=form, auth=False)
    assert st == 401 and j["error"] == "invalid_client", j
    st, h, j = s.req("POST", "/auth/o2/token", "grant_type=refresh_token&client_id=a&client_secret=b", headers=form, auth=False)
    assert st == 400 and j["error"] == "invalid_request", j
    tok = s.login()
    assert tok["token_type"] == "bearer" and tok["expires_in"] == 3600 and tok["access_token"].startswith("Atza|sim-")
    # bad inputs
    for q, why in [("createdAfter=2020-01-01T00:00:00%2B00:00", "offset"), ("createdAfter=2020-01-01", "date only"),
                   ("", "no after"), ("createdAfter=2020-01-01T00:00:00Z&lastUpdatedAfter=2020-01-01T00:00:00Z", "both"),
                   ("createdAfter=2020-01-01T00:00:00Z&lastUpdatedBefore=2020-01-02T00:00:00Z", "mixed"),
                   ("createdAfter=2020-01-02T00:00:00Z&createdBefore=2020-01-01T00:00:00Z", "before<after"),
                   ("createdAfter=2020-01-01T00:00:00Z&createdBefore=" + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60)), "too recent"),
                   ("createdAfter=2020-01-01T00:00:00Z&fulfillmentStatuses=UNSHIPPED,Shipped", "status"),
                   ("createdAfter=2020-01-01T00:00:00Z&fulfilledBy=AFN", "fb"),
                   ("createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=0", "page0"),
                   ("createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=101", "page101"),
                   ("createdAfter=2020-01-01T00:00:00Z&includedData=BUYER,FOO", "included"),
                   ("createdAfter=2020-01-01T00:00:00Z&paginationToken=abc", "token")]:
        st, h, j = s.req("GET", P + "?" + q)
        assert st == 400 and j["errors"][0]["code"] == "InvalidInput", (why, st, j)
        assert h.get("x-amzn-RateLimit-Limit") == "10000", h
        print("400 ok:", why, "-", j["errors"][0]["message"])
    # ok with before 3 minutes ago
    st, h, j = s.req("GET", P + "?createdAfter=2020-01-01T00:00:00Z&createdBefore=" + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 180)))
    assert st == 200
    # pagination across 250 (+2 fixtures)
    orders, pages = s.search_all({"createdAfter": "2000-01-01T00:00:00Z"}, per_page=7)
    ids = [o["orderId"] for o in orders]
    assert len(ids) == 250 + extra and len(set(ids)) == 250 + extra, len(ids)
    print("pages", pages)
    # includedData only what asked
    o = orders[0]
    assert "buyer" not in o and "fulfillment" not in o and "proceeds" not in o["orderItems"][0] and "fulfillment" not in o["orderItems"][0], o
    if examples:
        assert [x["orderId"] for x in orders[:2]] == ["202-1234567-8901234", "123-4567890-1234567"]
    # token mismatch
    q = {"createdAfter": "2000-01-01T00:00:00Z", "maxResultsPerPage": "5"}
    st, h, j = s.req("GET", P + "?" + urllib.parse.urlencode(q))
    tokn = j["pagination"]["nextToken"]
    st, h, j = s.req("GET", P + "?" + urllib.parse.urlencode({**q, "paginationToken": tokn, "maxResultsPerPage": "50", "includedData": "BUYER"}))
    assert st == 200 and len(j["orders"]) == 50 and "buyer" in j["orders"][0], st
    st, h, j = s.req("GET", P + "?" + urllib.parse.urlencode({**q, "paginationToken": tokn, "fulfilledBy": "MERCHANT"}))
    assert st == 400 and "NextToken" in j["errors"][0]["message"], j
    # tokens with + / = (look for some)
    seen = set()
    qq = {"createdAfter": "2000-01-01T00:00:00Z", "maxResultsPerPage": "1"}
    for i in range(40):
        st, h, j = s.req("GET", P + "?" + urllib.parse.urlencode(qq))
        t = j["pagination"]["nextToken"]; seen |= set(c for c in t if c in "+/=")
        qq["paginationToken"] = t
    print("token special chars seen:", seen)
    # raw '+' unencoded token -> decode failure when it has a +
    # filters
    orders_u, _ = s.search_all({"createdAfter": "2000-01-01T00:00:00Z", "fulfillmentStatuses": "UNSHIPPED", "fulfilledBy": "MERCHANT", "includedData": "FULFILLMENT"})
    st, h, j = s.req("GET", "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT", auth=False)
    assert sorted(o["orderId"] for o in orders_u) == sorted(j["order_ids"]), (len(orders_u), len(j["order_ids"]))
    assert all(o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED" and o["fulfillment"]["fulfilledBy"] == "MERCHANT" for o in orders_u)
    orders_jp, _ = s.search_all({"createdAfter": "2000-01-01T00:00:00Z", "marketplaceIds": "A1VC38T7YXB528,A1F83G8C2ARO7P"})
    assert orders_jp and all(o["salesChannel"]["marketplaceId"] in ("A1VC38T7YXB528", "A1F83G8C2ARO7P") for o in orders_jp)
    # getOrder
    if examples:
        st, h, j = s.req("GET", P + "/123-4567890-1234567?includedData=BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES,EXPENSE,PROMOTION,CANCELLATION,TAX,PAYMENT,FULFILLMENT_ORDERS")
        ex = json.load(open(examples[0]))["orders"][0]
        assert st == 200 and j["order"] == ex, "fixture not served as loaded"
        assert h["x-amzn-RateLimit-Limit"] == "10000"
        st, h, j = s.req("GET", P + "/123-4567890-1234567")
        assert "buyer" not in j["order"] and "fulfillmentOrders" not in j["order"] and "promotion" not in j["order"]["orderItems"][0] and "packages" not in j["order"]
        st, h, j = s.req("GET", P + "/202-1234567-8901234?includedData=FULFILLMENT")
        assert st == 200 and j["order"]["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    st, h, j = s.req("GET", P + "/205-8834102-6677014?includedData=FULFILLMENT,PACKAGES")
    assert st == 200 and j["order"]["packages"][0]["trackingNumber"] == "RM482910375GB", j
    st, h, j = s.req("GET", P + "/999-9999999-9999999")
    assert st == 404 and j["errors"][0]["code"] == "NotFound" and h["x-amzn-RateLimit-Limit"] == "10000", j
    st, h, j = s.req("GET", P + "/12345")
    assert st == 400 and j["errors"][0]["code"] == "InvalidInput"
    st, h, j = s.req("GET", "/nope", auth=False)
    assert st == 404 and j["errors"][0]["code"] == "NotFound", (st, j)
    # lastUpdated mode + ship hook
    uid = orders_u[0]["orderId"]
    t0 = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    st, h, j = s.req("POST", f"/_sim/orders/{uid}/ship", auth=False)
    assert st == 200 and j["order"]["fulfillment"]["fulfillmentStatus"] == "SHIPPED" and j["order"]["packages"], j
    again, _ = s.search_all({"createdAfter": "2000-01-01T00:00:00Z", "fulfillmentStatuses": "UNSHIPPED", "fulfilledBy": "MERCHANT", "includedData": "FULFILLMENT"})
    assert uid not in [o["orderId"] for o in again]
    everything, _ = s.search_all({"createdAfter": "2000-01-01T00:00:00Z", "includedData": "FULFILLMENT"})
    assert [o["fulfillment"]["fulfillmentStatus"] for o in everything if o["orderId"] == uid] == ["SHIPPED"]
    upd, _ = s.search_all({"lastUpdatedAfter": t0, "includedData": "FULFILLMENT,PACKAGES"})
    assert [o["orderId"] for o in upd] == [uid], upd
    st, h, j = s.req("POST", f"/_sim/orders/{uid}/status?to=CANCELLED", auth=False)
    assert j["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED" and j["cancellations"] == 0 and j["cancellation_log"][0]["source"] == "control"
    st, h, j = s.req("GET", "/_sim/stats", auth=False)
    print(json.dumps(j["operations"]["searchOrders"]), j["total_requests"])
    assert j["operations"]["searchOrders"]["requests"] > 10
    st, h, j = s.req("POST", "/_sim/stats/reset", auth=False)
    assert j["total_requests"] == 0
    # rate limits on: burst 30 for getOrder then 429
    st, h, j = s.req("POST", "/_sim/config", {"rate_limits": True}, auth=False)
    assert st == 200 and j["rate_limits"] is True, j
    codes = [s.req("GET", P + "/113-7284015-2093846")[0] for _ in range(35)]
    assert codes[:30] == [200] * 30 and codes[30:] == [429] * 5, codes
    st, h, j = s.req("GET", P + "/113-7284015-2093846")
    assert j == {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]} and "x-amzn-RateLimit-Limit" not in h
    st, h, j = s.req("GET", "/_sim/stats", auth=False)
    assert j["operations"]["getOrder"]["throttled"] == 6 and j["operations"]["getOrder"]["requests"] == 36, j["operations"]["getOrder"]
    # faults via config
    st, h, j = s.req("POST", "/_sim/config", {"rate_limits": False, "faults": ["500:getOrder:1"]}, auth=False)
    st, h, j = s.req("GET", P + "/113-7284015-2093846")
    assert st == 500, st
    st, h, j = s.req("POST", "/_sim/config", {"faults": ["bogus"]}, auth=False)
    assert st == 400, st
    st, h, j = s.req("POST", "/_sim/config", {"faults": []}, auth=False)
    st, h, j = s.req("POST", "/_sim/tokens/expire", auth=False)
    st, h, j = s.req("GET", P + "/113-7284015-2093846")
    assert st == 403 and j["errors"][0]["message"] == "The access token you provided has expired.", j
    assert s.stop() == 0
    print("OK")

def check_ack_schema(s, submit, feed_xml, msg, order, unshipped):
    """A document not valid against amzn-envelope.xsd / OrderAcknowledgement.xsd is rejected whole,
    as Amazon does: a report with an XML error (ResultCode Error, ResultMessageCode 5000, MessageID
    0, MessagesProcessed 0) and nothing canceled, even the valid messages beside the bad one."""
    victim = unshipped[10]
    good = msg(1, victim)
    header = '<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>A1SELLER</MerchantIdentifier></Header>'
    env = '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope>'
    cases = {
        # StatusCode before AmazonOrderID: the order today's lenient parsers accept.
        "element order in OrderAcknowledgement": feed_xml([good, msg(2, unshipped[11]).replace(
            f"<AmazonOrderID>{unshipped[11]}</AmazonOrderID><StatusCode>Failure</StatusCode>",
            f"<StatusCode>Failure</StatusCode><AmazonOrderID>{unshipped[11]}</AmazonOrderID>")]),
        "MessageType before Header": env + '<MessageType>OrderAcknowledgement</MessageType>' + header + good + '</AmazonEnvelope>',
        "no MerchantIdentifier": env + '<Header><DocumentVersion>1.01</DocumentVersion></Header><MessageType>OrderAcknowledgement</MessageType>' + good + '</AmazonEnvelope>',
        "OrderAcknowledgement before MessageID": feed_xml([good, msg(2, unshipped[11]).replace("<MessageID>2</MessageID>", "") .replace("</OrderAcknowledgement>", "</OrderAcknowledgement><MessageID>2</MessageID>")]),
        "no AmazonOrderID": feed_xml([good, msg(2, "", item_codes=["11111111111111"])]),
        "CancelReason before AmazonOrderItemCode": feed_xml([good, msg(2, unshipped[11]).replace("<Item><AmazonOrderItemCode>", "<Item><CancelReason>NoInventory</CancelReason><AmazonOrderItemCode>").replace("<CancelReason>NoInventory</CancelReason></Item>", "</Item>")]),
        "AmazonOrderItemCode not 14 digits": feed_xml([good, msg(2, unshipped[11], item_codes=["12345"])]),
        "CancelReason not in the list": feed_xml([good, msg(2, unshipped[11], reason="PricingError")]),
        "StatusCode not in the list": feed_xml([good, msg(2, unshipped[11], status="Cancelled")]),
        "an unknown element": feed_xml([good.replace("<StatusCode>", "<Note>x</Note><StatusCode>")]),
        "no Message": env + header + '<MessageType>OrderAcknowledgement</MessageType></AmazonEnvelope>',
    }
    for name, xml in cases.items():
        f, root = submit(xml)
        summ = root.find("Message/ProcessingReport/ProcessingSummary")
        res = list(root.iter("Result"))
        assert summ.findtext("MessagesProcessed") == "0" and summ.findtext("MessagesSuccessful") == "0" and summ.findtext("MessagesWithError") == "1", (name, ET.tostring(summ))
        assert len(res) == 1 and res[0].findtext("MessageID") == "0" and res[0].findtext("ResultCode") == "Error", (name, ET.tostring(root))
        code = int(res[0].findtext("ResultMessageCode"))
        desc = res[0].findtext("ResultDescription")
        assert 5000 <= code < 6000 and desc.startswith("XML Parsing Error at Line ") and "cvc-" in desc, (name, code, desc)
        assert order(victim)["cancellations"] == 0 and order(unshipped[11])["cancellations"] == 0, name
        print("rejected:", name, "->", code, desc[:140])
    # The same messages in the XSD's order are processed.
    f, root = submit(feed_xml([good]))
    assert root.findtext(".//MessagesSuccessful") == "1" and order(victim)["cancellations"] == 1


def check_feeds():
    s = Sim("--orders", "400", "--seed", "5", "--rate-limits", "off", "--feed-processing-seconds", "0.5")
    s.login()
    def ids(q):
        return s.req("GET", "/_sim/orders?" + q, auth=False)[2]["order_ids"]
    unshipped = ids("fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT")
    shipped = ids("fulfillmentStatus=SHIPPED&fulfilledBy=MERCHANT")
    partial = ids("fulfillmentStatus=PARTIALLY_SHIPPED&fulfilledBy=MERCHANT")
    afn = ids("fulfillmentStatus=UNSHIPPED&fulfilledBy=AMAZON")
    cancelled = ids("fulfillmentStatus=CANCELLED")
    pending = ids("fulfillmentStatus=PENDING&fulfilledBy=MERCHANT")
    def order(i): return s.req("GET", "/_sim/orders/" + i, auth=False)[2]
    def items(i): return [it["orderItemId"] for it in order(i)["order"]["orderItems"]]
    CT = "text/xml; charset=UTF-8"

    def msg(n, oid, reason="NoInventory", item_codes=None, status="Failure"):
        codes = items(oid) if item_codes is None else item_codes
        its = "".join(f"<Item><AmazonOrderItemCode>{c}</AmazonOrderItemCode>" + (f"<CancelReason>{reason}</CancelReason>" if reason else "") + "</Item>" for c in codes)
        oid_xml = f"<AmazonOrderID>{oid}</AmazonOrderID>" if oid else ""
        return f"<Message><MessageID>{n}</MessageID><OrderAcknowledgement>{oid_xml}<StatusCode>{status}</StatusCode>{its}</OrderAcknowledgement></Message>"

    def feed_xml(msgs):
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
                '<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>A1SELLER</MerchantIdentifier></Header><MessageType>OrderAcknowledgement</MessageType>'
                + "".join(msgs) + "</AmazonEnvelope>")

    def submit(xml, expect_status="DONE"):
        st, h, j = s.req("POST", "/feeds/2021-06-30/documents", {"contentType": CT})
        assert st == 201 and h["x-amzn-RateLimit-Limit"] == "10000", (st, j)
        doc, url = j["feedDocumentId"], j["url"]
        assert url.startswith(s.url + "/_upload/")
        # wrong content type, then token header
        st, h, body = s.req("PUT", url, xml, headers={"Content-Type": "text/xml"}, auth=False, raw=True)
        assert st == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body, (st, body)
        st, h, body = s.req("PUT", url, xml, headers={"Content-Type": CT, "x-amz-access-token": s.token}, raw=True)
        assert st == 400, st
        st, h, body = s.req("PUT", url.split("?")[0], xml, headers={"Content-Type": CT}, auth=False, raw=True)
        assert st == 403, st
        st, h, body = s.req("POST", "/feeds/2021-06-30/feeds", {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": ["ATVPDKIKX0DER"], "inputFeedDocumentId": doc})
        assert st == 400, ("not uploaded yet", st, body)
        st, h, body = s.req("PUT", url, xml, headers={"Content-Type": CT}, auth=False, raw=True)
        assert st == 200, (st, body)
        st, h, j = s.req("POST", "/feeds/2021-06-30/feeds", {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": ["ATVPDKIKX0DER"], "inputFeedDocumentId": doc})
        assert st == 202, (st, j)
        fid = j["feedId"]
        seen = []
        while True:
            st, h, f = s.req("GET", "/feeds/2021-06-30/feeds/" + fid)
            assert st == 200
            if not seen or seen[-1] != f["processingStatus"]: seen.append(f["processingStatus"])
            if f["processingStatus"] in ("DONE", "FATAL", "CANCELLED"): break
            time.sleep(0.05)
        assert f["processingStatus"] == expect_status, f
        print("feed", fid, "statuses", seen)
        if expect_status == "CANCELLED":
            return f, None
        st, h, d = s.req("GET", "/feeds/2021-06-30/documents/" + f["resultFeedDocumentId"])
        assert st == 200 and d["compressionAlgorithm"] == "GZIP", d
        st, h, body = s.req("GET", d["url"], auth=False, raw=True)
        assert st == 200
        report = gzip.decompress(body).decode()
        return f, ET.fromstring(report)

    def results(root):
        out = {}
        for r in root.iter("Result"):
            out[r.findtext("MessageID")] = (r.findtext("ResultCode"), r.findtext("ResultMessageCode"), r.findtext("ResultDescription"), r.findtext("AdditionalInfo/AmazonOrderID"))
        return out

    target = unshipped[0]
    xml = feed_xml([
        msg(1, target, "BuyerCanceled"),
        msg(2, "999-0000000-0000000", item_codes=["11111111111111"]),
        msg(3, shipped[0]),
        msg(4, partial[0]) if partial else msg(4, shipped[1]),
        msg(5, afn[0]) if afn else msg(5, shipped[2]),
        msg(6, cancelled[0]),
        msg(7, pending[0]) if pending else msg(7, shipped[3]),
        msg(8, unshipped[3], item_codes=["00000000000000"]),
        msg(9, target, "BuyerCanceled"),
    ])
    f, root = submit(xml)
    summ = root.find("Message/ProcessingReport/ProcessingSummary")
    print({c.tag: c.text for c in summ})
    assert summ.findtext("MessagesProcessed") == "9" and summ.findtext("MessagesSuccessful") == "1" and summ.findtext("MessagesWithError") == "8"
    assert root.findtext("Message/ProcessingReport/DocumentTransactionID") == f["feedId"]
    assert root.findtext("Message/ProcessingReport/StatusCode") == "Complete"
    res = results(root)
    for k, v in sorted(res.items(), key=lambda kv: int(kv[0])): print(k, v)
    assert "1" not in res
    assert res["2"][1] == "18028" and res["3"][1] == "25" and res["6"][1] == "28" and res["8"][1] == "5002" and res["9"][1] == "28"
    t = order(target)
    assert t["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED" and t["cancellations"] == 1, t
    assert all(it["cancellation"]["cancellationExecution"] == {"cancelledBy": "MERCHANT", "cancelReason": "BuyerCanceled"} for it in t["order"]["orderItems"])
    assert t["cancellation_log"][0]["merchant_identifier"] == "A1SELLER"
    for i in (unshipped[1], unshipped[2], unshipped[3], shipped[0]):
        assert order(i)["cancellations"] == 0
    check_ack_schema(s, submit, feed_xml, msg, order, unshipped)
    # getOrder shows it
    st, h, j = s.req("GET", "/orders/2026-01-01/orders/" + target + "?includedData=FULFILLMENT,CANCELLATION")
    assert j["order"]["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    # malformed XML -> FATAL
    f, root = submit("<AmazonEnvelope><Message>", expect_status="FATAL")
    print("fatal:", root.findtext(".//ResultDescription"))
    # forced outcomes
    s.req("POST", "/_sim/feeds/next?outcome=CANCELLED", auth=False)
    submit(feed_xml([msg(1, unshipped[4])]), expect_status="CANCELLED")
    assert order(unshipped[4])["cancellations"] == 0
    s.req("POST", "/_sim/feeds/next?outcome=FATAL", auth=False)
    submit(feed_xml([msg(1, unshipped[4])]), expect_status="FATAL")
    assert order(unshipped[4])["cancellations"] == 0
    # cancelFeed on a slow feed
    s.req("POST", "/_sim/config", {"feed_processing_seconds": 30}, auth=False)
    st, h, j = s.req("POST", "/feeds/2021-06-30/documents", {"contentType": CT}); doc, url = j["feedDocumentId"], j["url"]
    s.req("PUT", url, feed_xml([msg(1, unshipped[5])]), headers={"Content-Type": CT}, auth=False, raw=True)
    st, h, j = s.req("POST", "/feeds/2021-06-30/feeds", {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": ["ATVPDKIKX0DER"], "inputFeedDocumentId": doc})
    fid = j["feedId"]
    st, h, j = s.req("DELETE", "/feeds/2021-06-30/feeds/" + fid)
    assert st == 200, (st, j)
    st, h, j = s.req("DELETE", "/feeds/2021-06-30/feeds/" + fid)
    assert st == 400, (st, j)
    st, h, j = s.req("GET", "/feeds/2021-06-30/feeds?feedTypes=POST_ORDER_ACKNOWLEDGEMENT_DATA&pageSize=2")
    assert st == 200 and len(j["feeds"]) == 2 and j["feeds"][0]["feedId"] == fid and j["feeds"][0]["processingStatus"] == "CANCELLED" and "nextToken" in j, j
    st, h, j2 = s.req("GET", "/feeds/2021-06-30/feeds?nextToken=" + urllib.parse.quote(j["nextToken"]))
    assert st == 200 and len(j2["feeds"]) == 2, j2
    # "Specifying nextToken with any other parameters will cause the request to fail." (feeds model)
    for extra in ("&pageSize=2", "&feedTypes=POST_ORDER_ACKNOWLEDGEMENT_DATA", "&createdSince=2020-01-01T00:00:00Z"):
        st, h, j3 = s.req("GET", "/feeds/2021-06-30/feeds?nextToken=" + urllib.parse.quote(j["nextToken"]) + extra)
        assert st == 400 and j3["errors"][0]["code"] == "InvalidInput", (extra, st, j3)
    st, h, j = s.req("GET", "/feeds/2021-06-30/feeds")
    assert st == 400
    st, h, j = s.req("POST", "/feeds/2021-06-30/feeds", {"feedType": "POST_PRODUCT_DATA", "marketplaceIds": ["ATVPDKIKX0DER"], "inputFeedDocumentId": doc})
    assert st == 400, st
    # gzip off
    s.req("POST", "/_sim/config", {"feed_processing_seconds": 0, "gzip_reports": False}, auth=False)
    st, h, j = s.req("POST", "/feeds/2021-06-30/documents", {"contentType": CT}); doc, url = j["feedDocumentId"], j["url"]
    s.req("PUT", url, feed_xml([msg(1, unshipped[6], "NoInventory")]), headers={"Content-Type": CT}, auth=False, raw=True)
    st, h, j = s.req("POST", "/feeds/2021-06-30/feeds", {"feedType": "POST_ORDER_ACKNOWLEDGEMENT_DATA", "marketplaceIds": ["ATVPDKIKX0DER"], "inputFeedDocumentId": doc})
    time.sleep(0.1)
    st, h, f = s.req("GET", "/feeds/2021-06-30/feeds/" + j["feedId"])
    assert f["processingStatus"] == "DONE", f
    st, h, d = s.req("GET", "/feeds/2021-06-30/documents/" + f["resultFeedDocumentId"])
    assert "compressionAlgorithm" not in d
    st, h, body = s.req("GET", d["url"], auth=False, raw=True)
    root = ET.fromstring(body)
    assert root.findtext(".//MessagesSuccessful") == "1" and order(unshipped[6])["cancellations"] == 1
    print(body.decode()[:600])
    st, h, j = s.req("GET", "/_sim/stats", auth=False)
    print({k: v for k, v in j["operations"].items() if v["requests"]})
    assert s.stop() == 0
    print("OK")

def check_faults():
    P = "/orders/2026-01-01/orders/"
    # bad args
    for args in (["--bogus"], ["--orders", "x"], ["--fault", "404:getOrder:1"], ["--fault", "500:nope:1"], ["--fault", "500:getOrder:2"], ["--listen", "nohost"], ["--rate-limits", "maybe"], ["--orders"], ["--search-lag-seconds", "-1"], ["--search-lag-seconds", "2m"]):
        p = subprocess.run([SIM, *args], capture_output=True, text=True)
        assert p.returncode == 2 and "usage: asc-sim" in p.stderr and p.stdout == "", (args, p.returncode, p.stderr)
        print("exit 2:", args, "-", p.stderr.splitlines()[0])
    p = subprocess.run([SIM, "--fixture", "/nonexistent.json"], capture_output=True, text=True)
    assert p.returncode == 2, p
    # The tests' shorter search lag (--search-lag-seconds, with asc's ASC_TEST_SEARCH_LAG_SECONDS):
    # a ...Before 10 s ago passes a 3-second rule and is refused, in seconds, just before it.
    lag = Sim("--orders", "5", "--seed", "9", "--search-lag-seconds", "3")
    lag.login()
    past = lambda secs: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - secs))
    search = "/orders/2026-01-01/orders"
    st, h, j = lag.req("GET", search + "?createdAfter=2020-01-01T00:00:00Z&createdBefore=" + past(10))
    assert st == 200, (st, j)
    st, h, j = lag.req("GET", search + "?createdAfter=2020-01-01T00:00:00Z&createdBefore=" + past(0))
    assert st == 400 and "at least 3 seconds before" in j["errors"][0]["message"], (st, j)
    lag.stop()
    s = Sim("--orders", "50", "--seed", "9", "--fault", "drop:getOrder:0.5", "--fault", "garbage:searchOrders:1", "--fault", "503:token:0.3", "--rate-limits", "off", "--slow-seconds", "0.3")
    codes = []
    for i in range(20):
        st, h, j = s.req("POST", "/auth/o2/token", "grant_type=refresh_token&refresh_token=r&client_id=a&client_secret=b", headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=False)
        codes.append(st)
        if st == 200: s.token = j["access_token"]
    print("token codes", codes)
    assert 503 in codes and 200 in codes
    oid = s.req("GET", "/_sim/orders", auth=False)[2]["order_ids"][0]
    host, port = s.url.split("//")[1].split(":")
    res = []
    for i in range(20):
        c = http.client.HTTPConnection(host, int(port), timeout=5)
        c.request("GET", P + oid, headers={"x-amz-access-token": s.token})
        r = c.getresponse()
        try:
            body = r.read(); res.append(("ok", r.status, len(body)))
        except http.client.IncompleteRead as e:
            res.append(("dropped", r.status, len(e.partial)))
        c.close()
    print(res[:6])
    assert any(x[0] == "dropped" for x in res) and any(x[0] == "ok" for x in res)
    st, h, body = s.req("GET", "/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z", raw=True)
    assert st == 200
    try:
        json.loads(body); assert False, "garbage parsed"
    except ValueError: pass
    st, h, j = s.req("GET", "/_sim/stats", auth=False)
    print(j["operations"]["getOrder"], j["operations"]["token"], j["operations"]["searchOrders"])
    pattern1 = [x[0] for x in res]
    s.stop()
    # determinism of faults under seed
    s = Sim("--orders", "50", "--seed", "9", "--fault", "drop:getOrder:0.5", "--fault", "garbage:searchOrders:1", "--fault", "503:token:0.3", "--rate-limits", "off")
    codes2 = []
    for i in range(20):
        st, h, j = s.req("POST", "/auth/o2/token", "grant_type=refresh_token&refresh_token=r&client_id=a&client_secret=b", headers={"Content-Type": "application/x-www-form-urlencoded"}, auth=False)
        codes2.append(st)
        if st == 200: s.token = j["access_token"]
    assert codes2 == codes, (codes, codes2)
    s.stop()
    # slow + expire + 429 + 500 wildcard
    s = Sim("--orders", "20", "--fault", "slow:getOrder:1", "--slow-seconds", "0.5", "--rate-limits", "off")
    s.login(); oid = s.req("GET", "/_sim/orders", auth=False)[2]["order_ids"][0]
    t = time.time(); st, h, j = s.req("GET", P + oid); dt = time.time() - t
    assert st == 200 and 0.45 < dt < 1.5, (st, dt)
    s.req("POST", "/_sim/config", {"faults": ["expire:*:1"]}, auth=False)
    st, h, j = s.req("GET", P + oid)
    assert st == 403 and j["errors"][0]["message"] == "The access token you provided has expired." and j["errors"][0]["details"], j
    s.req("POST", "/_sim/config", {"faults": ["429:*:1"]}, auth=False)
    st, h, j = s.req("GET", P + oid)
    assert st == 429 and j["errors"][0]["code"] == "QuotaExceeded"
    s.req("POST", "/_sim/config", {"faults": []}, auth=False)
    # token ttl
    s.stop()
    s = Sim("--orders", "20", "--token-ttl", "1")
    s.login(); oid = s.req("GET", "/_sim/orders", auth=False)[2]["order_ids"][0]
    assert s.req("GET", P + oid)[0] == 200
    time.sleep(1.2)
    st, h, j = s.req("GET", P + oid)
    assert st == 403 and "expired" in j["errors"][0]["message"], j
    s.stop()
    # concurrency: 200 parallel connections, rate limits off
    s = Sim("--orders", "2000", "--rate-limits", "off")
    s.login()
    def one(i):
        st, h, j = s.req("GET", "/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z&maxResultsPerPage=20&includedData=BUYER")
        return st, h["x-amzn-RequestId"]
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(64) as ex:
        out = list(ex.map(one, range(400)))
    print("400 parallel requests in", round(time.time() - t, 2), "s")
    assert all(o[0] == 200 for o in out) and len(set(o[1] for o in out)) == 400
    # time-scale: searchOrders with time-scale 1000 refills 5.6/s
    assert s.stop() == 0
    s = Sim("--orders", "20", "--time-scale", "100")
    s.login()
    codes = [s.req("GET", "/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z")[0] for _ in range(22)]
    assert codes[:20] == [200] * 20 and 429 in codes[20:], codes
    st, h, j = s.req("GET", "/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z")
    time.sleep(2.2)
    st, h, j = s.req("GET", "/orders/2026-01-01/orders?createdAfter=2020-01-01T00:00:00Z")
    assert st == 200 and h["x-amzn-RateLimit-Limit"] == "0.56", (st, h)
    # SIGINT exit 0
    s.p.send_signal(signal.SIGINT); assert s.p.wait(5) == 0
    print("OK")

def check_confirm():
    s = Sim("--orders", "300", "--seed", "21", "--rate-limits", "off")
    s.login()
    oid = s.req("GET", "/_sim/orders?fulfillmentStatus=UNSHIPPED&fulfilledBy=MERCHANT", auth=False)[2]["order_ids"][0]
    o = s.req("GET", "/_sim/orders/" + oid, auth=False)[2]["order"]
    mp = o["salesChannel"]["marketplaceId"]
    its = o["orderItems"]
    P = f"/orders/v0/orders/{oid}/shipmentConfirmation"
    body = {"marketplaceId": mp, "packageDetail": {"packageReferenceId": "1", "carrierCode": "UPS", "shippingMethod": "UPS Ground", "trackingNumber": "1Z999AA10123456784", "shipDate": "2025-01-01T10:00:00Z", "orderItems": [{"orderItemId": its[0]["orderItemId"], "quantity": 1}]}}
    st, h, j = s.req("POST", P, {**body, "marketplaceId": "XX"})
    assert st == 400, (st, j)
    st, h, j = s.req("POST", P, {**body, "packageDetail": {**body["packageDetail"], "orderItems": [{"orderItemId": its[0]["orderItemId"], "quantity": 99}]}})
    assert st == 400, (st, j); print(j)
    st, h, j = s.req("POST", P, body)
    assert st == 204 and h["x-amzn-RateLimit-Limit"] == "10000", (st, h, j)
    o2 = s.req("GET", "/_sim/orders/" + oid, auth=False)[2]["order"]
    exp = "SHIPPED" if len(its) == 1 and its[0]["quantityOrdered"] == 1 else "PARTIALLY_SHIPPED"
    assert o2["fulfillment"]["fulfillmentStatus"] == exp, o2["fulfillment"]
    assert o2["packages"][-1]["trackingNumber"] == "1Z999AA10123456784" and o2["packages"][-1]["carrier"] == "UPS"
    assert o2["lastUpdatedTime"] > o["lastUpdatedTime"]
    print(o2["fulfillment"]["fulfillmentStatus"], o2["packages"])
    st, h, j = s.req("POST", "/orders/v0/orders/111-0000000-0000000/shipmentConfirmation", body)
    assert st == 404
    s.stop(); print("OK")


def main():
    for check in (check_gen, check_api, check_feeds, check_faults, check_confirm):
        started = time.time()
        check()
        print(f"ok - {check.__name__} ({time.time() - started:.1f} s)", flush=True)
    print("all contract checks passed")


if __name__ == "__main__":
    main()
