// The Node peer bench/list measures asc against: the `amazon-sp-api` library (installed by the
// bench into a temporary folder, never a dependency of asc) listing the same orders as
// `asc orders list --created-after 61d --all -o csv`, page by page, with the columns of asc's
// default CSV written to stdout.
//
// The library only speaks HTTPS to Amazon's hosts; this script points every request it makes at
// asc-sim instead (plain HTTP on loopback, ASC_ENDPOINT). It also asks for gzip, as asc and the
// Python floor do, and inflates the answer before the library reads it (the library itself
// sends no Accept-Encoding): otherwise the simulator, on the same machine, would compress every
// page for the other clients and not for this one.
'use strict';
const http = require('http');
const https = require('https');
const zlib = require('zlib');

const sim = new URL(process.env.ASC_ENDPOINT);
const agent = new http.Agent({keepAlive: true});
https.request = function (...args) {
  let options = {};
  let callback;
  for (const arg of args) {
    if (typeof arg === 'function') callback = arg;
    else if (typeof arg === 'string' || arg instanceof URL) {
      const u = new URL(arg);
      options = Object.assign({path: u.pathname + u.search, method: 'GET'}, options);
    } else if (arg) options = Object.assign({}, options, arg);
  }
  options = Object.assign({}, options, {
    protocol: 'http:', host: sim.hostname, hostname: sim.hostname, port: sim.port, agent,
    headers: Object.assign({}, options.headers, {'accept-encoding': 'gzip'}),
  });
  const inflated = callback && ((res) => {
    if (res.headers['content-encoding'] !== 'gzip') return callback(res);
    const body = res.pipe(zlib.createGunzip());
    body.statusCode = res.statusCode;
    body.headers = Object.assign({}, res.headers);
    delete body.headers['content-encoding'];
    return callback(body);
  });
  return http.request(options, inflated);
};

const {SellingPartner} = require('amazon-sp-api');

function csvCell(v) {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function row(o) {
  const f = o.fulfillment || {};
  let shipped = 0;
  let unshipped = 0;
  for (const item of o.orderItems || []) {
    shipped += (item.fulfillment || {}).quantityFulfilled || 0;
    unshipped += (item.fulfillment || {}).quantityUnfulfilled || 0;
  }
  const total = (o.proceeds || {}).grandTotal;
  return [o.orderId, o.createdTime, f.fulfillmentStatus, f.fulfilledBy, (f.shipByWindow || {}).latestDateTime,
    shipped, unshipped, total ? `${total.amount} ${total.currencyCode}` : '',
    (o.salesChannel || {}).marketplaceName].map(csvCell).join(',');
}

async function main() {
  const sp = new SellingPartner({
    region: 'na',
    refresh_token: process.env.ASC_REFRESH_TOKEN,
    credentials: {
      SELLING_PARTNER_APP_CLIENT_ID: process.env.ASC_CLIENT_ID,
      SELLING_PARTNER_APP_CLIENT_SECRET: process.env.ASC_CLIENT_SECRET,
    },
    options: {auto_request_tokens: true, auto_request_throttled: true},
  });
  // bench/list gives every client the same time, so the simulator can answer from its cache.
  const after = process.env.ASC_BENCH_CREATED_AFTER ||
    new Date(Date.now() - 61 * 86400 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const query = {
    createdAfter: after,
    marketplaceIds: process.env.ASC_MARKETPLACE,
    maxResultsPerPage: 100,
    includedData: 'FULFILLMENT,PROCEEDS,PACKAGES,CANCELLATION',
  };
  const out = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  out.push('order_id,purchase_date,status,fulfilled_by,ship_by,items_shipped,items_unshipped,total,sales_channel');
  let nextToken;
  do {
    const res = await sp.callAPI({
      api_path: '/orders/2026-01-01/orders',
      method: 'GET',
      query: nextToken ? Object.assign({}, query, {paginationToken: nextToken}) : query,
    });
    for (const o of res.orders) out.push(row(o));
    flush();
    nextToken = (res.pagination || {}).nextToken;
  } while (nextToken);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
