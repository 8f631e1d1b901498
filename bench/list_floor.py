#!/usr/bin/env python3
"""The floor bench/list measures asc against: the plainest client that lists the same orders.

One LWA refresh-token grant, then searchOrders page after page (the same query asc sends for
`asc orders list --created-after 61d --all -o csv`: createdAfter, marketplaceIds,
maxResultsPerPage=100, includedData FULFILLMENT,PROCEEDS,PACKAGES,CANCELLATION), asking for gzip
like asc does, parsing each page with the standard json module and writing the columns of asc's
default CSV to stdout. No retries, no pacing, no validation: a lower bound for a Python script,
not a usable client. Reads the ASC_* variables bench/common.sh exports.
"""
import csv
import datetime
import gzip
import json
import os
import sys
import urllib.parse
import urllib.request


def fetch(request):
    request.add_header("Accept-Encoding", "gzip")
    with urllib.request.urlopen(request) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return json.loads(body)


def access_token():
    form = urllib.parse.urlencode({
        "grant_type": "refresh_token",
        "refresh_token": os.environ["ASC_REFRESH_TOKEN"],
        "client_id": os.environ["ASC_CLIENT_ID"],
        "client_secret": os.environ["ASC_CLIENT_SECRET"],
    }).encode()
    return fetch(urllib.request.Request(os.environ["ASC_LWA_ENDPOINT"], data=form))["access_token"]


def row(order):
    fulfillment = order.get("fulfillment") or {}
    shipped = unshipped = 0
    for item in order.get("orderItems") or []:
        f = item.get("fulfillment") or {}
        shipped += f.get("quantityFulfilled") or 0
        unshipped += f.get("quantityUnfulfilled") or 0
    total = (order.get("proceeds") or {}).get("grandTotal")
    channel = order.get("salesChannel") or {}
    return [
        order["orderId"], order["createdTime"], fulfillment.get("fulfillmentStatus", ""),
        fulfillment.get("fulfilledBy", ""), (fulfillment.get("shipByWindow") or {}).get("latestDateTime", ""),
        shipped, unshipped, f"{total['amount']} {total['currencyCode']}" if total else "",
        channel.get("marketplaceName", ""),
    ]


def main():
    token = access_token()
    after = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=61)
    params = {
        # bench/list gives every client the same time, so the simulator can answer from its cache.
        "createdAfter": os.environ.get("ASC_BENCH_CREATED_AFTER") or after.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "marketplaceIds": os.environ["ASC_MARKETPLACE"],
        "maxResultsPerPage": "100",
        "includedData": "FULFILLMENT,PROCEEDS,PACKAGES,CANCELLATION",
    }
    url = os.environ["ASC_ENDPOINT"].rstrip("/") + "/orders/2026-01-01/orders"
    out = csv.writer(sys.stdout)
    out.writerow(["order_id", "purchase_date", "status", "fulfilled_by", "ship_by", "items_shipped",
                  "items_unshipped", "total", "sales_channel"])
    next_token = None
    while True:
        query = dict(params, **({"paginationToken": next_token} if next_token else {}))
        page = fetch(urllib.request.Request(url + "?" + urllib.parse.urlencode(query),
                                            headers={"x-amz-access-token": token}))
        out.writerows(row(o) for o in page["orders"])
        next_token = (page.get("pagination") or {}).get("nextToken")
        if not next_token:
            break


if __name__ == "__main__":
    main()
