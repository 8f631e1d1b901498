# fish completion for asc. Generated from asc's command tree by `asc completion fish`
# (scripts/regen-docs writes completions/); do not edit.
# Install in ~/.config/fish/completions/asc.fish (or fish's vendor_completions.d),
# or: asc completion fish | source

# __asc_child PATH WORD: prints the command WORD names under PATH (aliases resolved).
function __asc_child
    switch "$argv[1]:$argv[2]"
        case ':orders'
            echo 'orders'
        case ':order'
            echo 'orders'
        case ':cancellations'
            echo 'cancellations'
        case ':shipments'
            echo 'shipments'
        case ':feeds'
            echo 'feeds'
        case ':feed'
            echo 'feeds'
        case ':store'
            echo 'store'
        case ':report'
            echo 'report'
        case ':config'
            echo 'config'
        case ':completion'
            echo 'completion'
        case ':help'
            echo 'help'
        case 'orders:list'
            echo 'orders list'
        case 'orders:show'
            echo 'orders show'
        case 'orders:sync'
            echo 'orders sync'
        case 'orders:cancel'
            echo 'orders cancel'
        case 'orders:ship'
            echo 'orders ship'
        case 'cancellations:list'
            echo 'cancellations list'
        case 'cancellations:resume'
            echo 'cancellations resume'
        case 'shipments:list'
            echo 'shipments list'
        case 'feeds:show'
            echo 'feeds show'
        case 'store:info'
            echo 'store info'
        case 'store:purge'
            echo 'store purge'
        case 'store:migrate'
            echo 'store migrate'
        case 'report:summary'
            echo 'report summary'
        case 'report:late'
            echo 'report late'
        case 'report:cancellations'
            echo 'report cancellations'
        case 'config:init'
            echo 'config init'
        case 'config:show'
            echo 'config show'
        case 'config:list'
            echo 'config list'
        case 'config:use'
            echo 'config use'
        case 'config:check'
            echo 'config check'
        case '*'
            return 1
    end
end

# __asc_takes_value PATH FLAG: succeeds when FLAG takes a value in the command PATH.
function __asc_takes_value
    switch $argv[2]
        case --profile --config -o --output --fields --color --timeout --max-attempts --endpoint --jq
            return 0
    end
    switch "$argv[1]:$argv[2]"
        case 'orders list:--status' 'orders list:--created-after' 'orders list:--since' 'orders list:--created-before' 'orders list:--until' 'orders list:--updated-after' 'orders list:--updated-before' 'orders list:--fulfilled-by' 'orders list:--marketplace' 'orders list:--limit' 'orders list:--sku' 'orders list:--asin' 'orders list:--ship-by-before' 'orders list:--sort' 'orders show:--tab' 'orders sync:--updated-after' 'orders sync:--since' 'orders sync:--marketplace' 'orders sync:--wait' 'orders sync:--via' 'orders cancel:--from' 'orders cancel:--reason' 'orders cancel:--wait-timeout' 'orders cancel:--max-per-feed' 'orders ship:--carrier' 'orders ship:--carrier-name' 'orders ship:--tracking' 'orders ship:--method' 'orders ship:--ship-date' 'orders ship:--item' 'orders ship:--from' 'orders ship:--via' 'orders ship:--wait-timeout' 'cancellations list:--since' 'cancellations list:--state' 'cancellations list:--feed' 'cancellations list:--order' 'cancellations resume:--wait-timeout' 'shipments list:--since' 'shipments list:--state' 'shipments list:--order' 'shipments list:--feed' 'store purge:--pii-older-than' 'store migrate:--from' 'report summary:--created-after' 'report summary:--since' 'report summary:--created-before' 'report summary:--until' 'report late:--within' 'report cancellations:--since' 'config init:--region' 'config init:--marketplace' 'config init:--seller-id' 'config init:--client-id' 'config init:--lwa-endpoint'
            return 0
    end
    return 1
end

# __asc_fields: the fields --fields accepts in the command typed so far.
function __asc_fields
    switch (__asc_path)
        case 'cancellations list'
            __asc_list help created_at order_id reason state feed_id result_code result_message run_by commerce_state commerce_action commerce_creditmemo_id updated_at batch_id message_id
        case 'cancellations resume'
            __asc_list help order_id outcome reason feed_id result_code message commerce commerce_action commerce_creditmemo_id
        case 'feeds show'
            __asc_list help message_id order_id result result_code description
        case 'orders cancel'
            __asc_list help order_id outcome reason feed_id result_code message commerce commerce_action commerce_creditmemo_id
        case 'orders list'
            __asc_list help order_id purchase_date status fulfilled_by ship_by items_shipped items_unshipped total sales_channel marketplace_id last_updated ship_service_level is_prime is_business seller_order_id
        case 'orders ship'
            __asc_list help order_id outcome package_ref carrier tracking_number items via feed_id result_code message
        case 'orders show'
            __asc_list help order_id purchase_date status fulfilled_by ship_by items_shipped items_unshipped total sales_channel marketplace_id last_updated ship_service_level is_prime is_business seller_order_id order_item_id sku asin title condition quantity_ordered quantity_shipped unit_price item_total tax shipping_price promotion_discount buyer_requested_cancel buyer_cancel_reason package_reference_id carrier shipping_service tracking_number ship_date items
        case 'report cancellations'
            __asc_list help created_at order_id reason state feed_id result_code result_message run_by commerce_state commerce_action commerce_creditmemo_id updated_at batch_id message_id
        case 'report late'
            __asc_list help order_id ship_by overdue status items_unshipped purchase_date total marketplace_id
        case 'report summary'
            __asc_list help dimension value currency orders total
        case 'shipments list'
            __asc_list help id order_id state package_ref carrier tracking_number items ship_date via feed_id result_code message commerce commerce_shipment_id created_at updated_at run_by
        case ''
            __asc_list order_id purchase_date status fulfilled_by ship_by items_shipped items_unshipped total sales_channel marketplace_id last_updated ship_service_level is_prime is_business seller_order_id order_item_id sku asin title condition quantity_ordered quantity_shipped unit_price item_total tax shipping_price promotion_discount buyer_requested_cancel buyer_cancel_reason package_reference_id carrier shipping_service tracking_number ship_date items outcome reason feed_id result_code message commerce commerce_action commerce_creditmemo_id created_at state result_message run_by commerce_state updated_at batch_id message_id
        case '*'
            __asc_list help
    end
end

# __asc_path: the command path of the words typed so far ("orders list").
function __asc_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '--*=*' -
            case '-*'
                __asc_takes_value "$cmdpath" $w; and set skip 1
            case '*'
                set -l next (__asc_child "$cmdpath" $w); and set cmdpath $next
        end
    end
    echo $cmdpath
end

function __asc_at
    set -l p (__asc_path)
    test "$p" = "$argv[1]"
end

# __asc_dynamic KIND: asks asc itself (profiles from the config, ids from the local store; never
# the network).
function __asc_dynamic
    set -l words (commandline -opc)
    set -l args
    for i in (seq 2 (count $words))
        switch $words[$i]
            case --profile --config
                set -l j (math $i + 1)
                test $j -le (count $words); and set -a args $words[$i] $words[$j]
            case '--profile=*' '--config=*'
                set -a args $words[$i]
        end
    end
    set -l cur (commandline -ct | string replace -r -- '^--[^=]*=' '')
    command $words[1] $args __complete $argv[1] "$cur" 2>/dev/null
end

# __asc_list WORDS...: the last item of a comma-separated list.
function __asc_list
    set -l cur (commandline -ct | string replace -r -- '^--[^=]*=' '')
    set -l prefix (string match -r -- '^.*,' $cur)
    for w in $argv
        echo "$prefix$w" # quoted: an empty list (no comma yet) is an empty string
    end
end

complete -c asc -f

# Global flags (accepted before or after the command)
complete -c asc -l version -d 'Display program version information and exit'
complete -c asc -l profile -x -a '(__asc_dynamic profiles)' -d 'Configuration profile (env ASC_PROFILE)'
complete -c asc -l config -r -F -d 'Configuration file (env ASC_CONFIG)'
complete -c asc -s o -l output -x -a 'table wide json jsonl csv tsv ids' -d 'Output format: table, wide (every column), json, jsonl, csv, tsv, ids'
complete -c asc -l fields -x -a '(__asc_fields)' -d 'Comma-separated fields to print; --fields help lists the command\'s fields'
complete -c asc -l no-headers -d 'Leave out the header row of table, csv and tsv'
complete -c asc -l color -x -a 'auto always never' -d 'Colors: auto, always, never'
complete -c asc -l no-pager -d 'Do not page long tables (also: pager = false in the config)'
complete -c asc -s q -l quiet -d 'No progress, warnings or summaries on stderr'
complete -c asc -s v -l verbose -d 'Progress and retries on stderr even off a terminal'
complete -c asc -l debug -d 'Log each HTTP request and response to stderr (tokens masked)'
complete -c asc -l timeout -x -d 'Seconds one HTTP request may take (a report download: may stall)'
complete -c asc -l max-attempts -x -d 'Attempts per request before giving up (exit 75)'
complete -c asc -l endpoint -x -d 'SP-API base URL (env ASC_ENDPOINT)'
complete -c asc -l jq -x -d 'Filter the JSON output through a jq program; print each result on a line'
complete -c asc -s h -l help -d 'Print help and exit'

# asc
complete -c asc -n '__asc_at ""' -a 'orders' -d 'List and sync orders'
complete -c asc -n '__asc_at ""' -a 'cancellations' -d 'The cancellation journal: list it, resume interrupted runs'
complete -c asc -n '__asc_at ""' -a 'shipments' -d 'The shipment journal of `order ship`'
complete -c asc -n '__asc_at ""' -a 'feeds' -d 'Feeds sent to Amazon'
complete -c asc -n '__asc_at ""' -a 'store' -d 'The local copy of the orders: info, purge and migrate'
complete -c asc -n '__asc_at ""' -a 'report' -d 'Reports from the local store, for cron (quiet, exit 0 on success)'
complete -c asc -n '__asc_at ""' -a 'config' -d 'Set up and inspect profiles: init, show, list, use, check'
complete -c asc -n '__asc_at ""' -a 'completion' -d 'Print the shell completion script for bash, zsh or fish'
complete -c asc -n '__asc_at ""' -a 'help' -d 'Help topics (formats, exit-codes, environment, config) or a command\'s help'

# asc orders
complete -c asc -n '__asc_at "orders"' -a 'list' -d 'List orders, newest first (live from Amazon, or --cached)'
complete -c asc -n '__asc_at "orders"' -a 'show' -d 'Show one order: details, items and tracking'
complete -c asc -n '__asc_at "orders"' -a 'sync' -d 'Bring the local store up to date with Amazon (incremental)'
complete -c asc -n '__asc_at "orders"' -a 'cancel' -d 'Cancel unshipped orders you fulfill, with a reason (one or thousands)'
complete -c asc -n '__asc_at "orders"' -a 'ship' -d 'Confirm shipments you fulfill, with tracking (one package or thousands)'

# asc orders list
complete -c asc -n '__asc_at "orders list"' -l status -x -a 'PendingAvailability Pending Unshipped PartiallyShipped Shipped Canceled Unfulfillable' -d 'Only these statuses (repeat or comma-separate): Pending, PendingAvailability, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable'
complete -c asc -n '__asc_at "orders list"' -l created-after -l since -x -d 'Created at or after T (RFC 3339, YYYY-MM-DD, today, yesterday, or 90m/24h/7d ago; default 7d)'
complete -c asc -n '__asc_at "orders list"' -l created-before -l until -x -d 'Created before T'
complete -c asc -n '__asc_at "orders list"' -l updated-after -x -d 'Last updated at or after T'
complete -c asc -n '__asc_at "orders list"' -l updated-before -x -d 'Last updated before T'
complete -c asc -n '__asc_at "orders list"' -l fulfilled-by -x -a 'merchant amazon' -d 'merchant (MFN) or amazon (AFN)'
complete -c asc -n '__asc_at "orders list"' -l marketplace -x -d 'Marketplace id(s) (default: the profile\'s)'
complete -c asc -n '__asc_at "orders list"' -l limit -x -d 'Print at most N orders (default 50)'
complete -c asc -n '__asc_at "orders list"' -l all -d 'Print every matching order'
complete -c asc -n '__asc_at "orders list"' -l cached -d 'Answer from the local store (see `asc orders sync`), no request; same defaults and filters'
complete -c asc -n '__asc_at "orders list"' -l sku -x -d 'With --cached: orders with an item of this seller SKU'
complete -c asc -n '__asc_at "orders list"' -l asin -x -d 'With --cached: orders with an item of this ASIN'
complete -c asc -n '__asc_at "orders list"' -l ship-by-before -x -d 'With --cached: latest ship date before T (+24h: within the next day; 0m: overdue)'
complete -c asc -n '__asc_at "orders list"' -l sort -x -a 'purchase_date ship_by last_updated total -purchase_date -ship_by -last_updated -total' -d 'purchase_date, ship_by, last_updated or total; \'-\' first for descending (default -purchase_date: newest first). Live, --all without --sort prints pages as they arrive'
complete -c asc -n '__asc_at "orders list"' -l require-sync -d 'With --cached: exit 75 when the store was never synced (for cron)'

# asc orders show
complete -c asc -n '__asc_at "orders show"' -x -a '(__asc_dynamic order-ids)'
complete -c asc -n '__asc_at "orders show"' -l tab -x -a 'details items tracking all' -d 'details, items, tracking or all (default all); in a pipe, the default format prints each tab as [details], [items N], [tracking N] sections of key<TAB>value lines'
complete -c asc -n '__asc_at "orders show"' -l cached -d 'Answer from the local store, no request'

# asc orders sync
complete -c asc -n '__asc_at "orders sync"' -l updated-after -l since -x -d 'Fetch orders updated at or after T instead of since the last sync (first sync: 30d); T: RFC 3339, YYYY-MM-DD, today, yesterday, or 90m/24h/7d ago'
complete -c asc -n '__asc_at "orders sync"' -l marketplace -x -d 'Marketplace id(s) (default: the profile\'s)'
complete -c asc -n '__asc_at "orders sync"' -l wait -x -d 'How long to wait for another sync of this store to finish: 90s, 5m, or seconds (default 0: exit 75 at once)'
complete -c asc -n '__asc_at "orders sync"' -l via -x -d 'Where old orders come from: auto (order reports when the part not in the store would take more than ~20 searchOrders pages), reports, or orders (searchOrders only)'

# asc orders cancel
complete -c asc -n '__asc_at "orders cancel"' -x -a '(__asc_dynamic order-ids)'
complete -c asc -n '__asc_at "orders cancel"' -l from -r -F -d 'Read order ids from FILE, one per line (- reads stdin; # comments ok)'
complete -c asc -n '__asc_at "orders cancel"' -l reason -x -a 'NoInventory ShippingAddressUndeliverable CustomerExchange BuyerCanceled GeneralAdjustment CarrierCreditDecision RiskAssessmentInformationNotValid CarrierCoverageFailure CustomerReturn MerchandiseNotReceived' -d 'Reason For Cancellation: NoInventory, ShippingAddressUndeliverable, CustomerExchange, BuyerCanceled, GeneralAdjustment, CarrierCreditDecision, RiskAssessmentInformationNotValid, CarrierCoverageFailure, CustomerReturn, MerchandiseNotReceived (any case, dashes or spaces)'
complete -c asc -n '__asc_at "orders cancel"' -l dry-run -d 'Check every order against Amazon and print the plan; send nothing'
complete -c asc -n '__asc_at "orders cancel"' -s y -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c asc -n '__asc_at "orders cancel"' -l no-wait -d 'Return once Amazon accepted the feed, with its id'
complete -c asc -n '__asc_at "orders cancel"' -l wait-timeout -x -d 'How long to wait for Amazon\'s result: 30m, 2h, or seconds (default 30m)'
complete -c asc -n '__asc_at "orders cancel"' -l max-per-feed -x -d 'Split batches into feeds of at most N orders (default 10000)'
complete -c asc -n '__asc_at "orders cancel"' -l no-commerce -d 'Do not update the linked Magento orders this time (journaled as skipped)'

# asc orders ship
complete -c asc -n '__asc_at "orders ship"' -x -a '(__asc_dynamic order-ids)'
complete -c asc -n '__asc_at "orders ship"' -l carrier -x -d 'Amazon\'s carrier code: UPS, USPS, FedEx, DHL, Royal Mail, ... or Other (`asc help carriers`; any case)'
complete -c asc -n '__asc_at "orders ship"' -l carrier-name -x -d 'The carrier\'s name, with --carrier Other'
complete -c asc -n '__asc_at "orders ship"' -l tracking -x -d 'The package\'s tracking number'
complete -c asc -n '__asc_at "orders ship"' -l method -x -d 'The shipping method, e.g. "UPS Ground"'
complete -c asc -n '__asc_at "orders ship"' -l ship-date -x -d 'When it shipped (RFC 3339, YYYY-MM-DD, or 2h for 2 hours ago; default now)'
complete -c asc -n '__asc_at "orders ship"' -l item -x -d 'ITEM_ID[:QTY]: an order item in the package (repeat; default every unshipped unit)'
complete -c asc -n '__asc_at "orders ship"' -l from -r -F -d 'Read packages from a CSV FILE (- reads stdin); header: order_id,carrier,tracking,method,ship_date,item_id,quantity'
complete -c asc -n '__asc_at "orders ship"' -l dry-run -d 'Check every package against Amazon and print the plan; send nothing'
complete -c asc -n '__asc_at "orders ship"' -s y -l yes -d 'Do not ask for confirmation (required off a terminal)'
complete -c asc -n '__asc_at "orders ship"' -l via -x -d 'auto (a feed above 20 packages), api (confirmShipment each) or feed (one feed)'
complete -c asc -n '__asc_at "orders ship"' -l no-wait -d 'With a feed: return once Amazon accepted it, with its id'
complete -c asc -n '__asc_at "orders ship"' -l wait-timeout -x -d 'How long to wait for a feed\'s result: 30m, 2h, or seconds (default 30m)'
complete -c asc -n '__asc_at "orders ship"' -l no-commerce -d 'Do not create the linked Magento shipments this time (journaled as skipped)'
complete -c asc -n '__asc_at "orders ship"' -l ignore-cancel-request -d 'Ship even when the buyer asked to cancel (otherwise refused: cancel it instead)'

# asc cancellations
complete -c asc -n '__asc_at "cancellations"' -a 'list' -d 'Journal entries, oldest first'
complete -c asc -n '__asc_at "cancellations"' -a 'resume' -d 'Complete cancellations an interrupted run left: check its orders, send what was not sent'

# asc cancellations list
complete -c asc -n '__asc_at "cancellations list"' -l since -x -d 'Entries created at or after T (RFC 3339, YYYY-MM-DD, 90m/24h/7d)'
complete -c asc -n '__asc_at "cancellations list"' -l state -x -a 'planned submitting submitted canceled already_canceled failed refused' -d 'Only these states (repeat or comma-separate): planned, submitting, submitted, canceled, already_canceled, failed, refused'
complete -c asc -n '__asc_at "cancellations list"' -l feed -x -a '(__asc_dynamic feed-ids)' -d 'Only entries of this feed id'
complete -c asc -n '__asc_at "cancellations list"' -l order -x -a '(__asc_dynamic order-ids)' -d 'Only entries of this order id'

# asc cancellations resume
complete -c asc -n '__asc_at "cancellations resume"' -l no-wait -d 'Do not wait for Amazon to process the feeds'
complete -c asc -n '__asc_at "cancellations resume"' -l wait-timeout -x -d 'How long to wait for Amazon: 30m, 2h, or seconds (default 30m)'
complete -c asc -n '__asc_at "cancellations resume"' -l no-commerce -d 'Do not update the linked Magento orders this time (journaled as skipped)'

# asc shipments
complete -c asc -n '__asc_at "shipments"' -a 'list' -d 'List journaled shipment confirmations, oldest first'

# asc shipments list
complete -c asc -n '__asc_at "shipments list"' -l since -x -d 'Only rows journaled since T (RFC 3339, YYYY-MM-DD, 7d)'
complete -c asc -n '__asc_at "shipments list"' -l state -x -a 'planned submitting submitted canceled already_canceled failed refused' -d 'planned, sending, submitted, confirmed, already_shipped, failed, refused (repeat or comma-separate)'
complete -c asc -n '__asc_at "shipments list"' -l order -x -a '(__asc_dynamic order-ids)' -d 'Only this order\'s packages'
complete -c asc -n '__asc_at "shipments list"' -l feed -x -a '(__asc_dynamic feed-ids)' -d 'Only the packages of this feed'

# asc feeds
complete -c asc -n '__asc_at "feeds"' -a 'show' -d 'A feed\'s status and, when done, its result per message'

# asc feeds show
complete -c asc -n '__asc_at "feeds show"' -x -a '(__asc_dynamic feed-ids)'

# asc store
complete -c asc -n '__asc_at "store"' -a 'info' -d 'Print the store\'s path, size, order count and last sync'
complete -c asc -n '__asc_at "store"' -a 'purge' -d 'Remove buyers\' personal data from orders older than a duration'
complete -c asc -n '__asc_at "store"' -a 'migrate' -d 'Copy an SQLite store into this profile\'s PostgreSQL store, once'

# asc store purge
complete -c asc -n '__asc_at "store purge"' -l pii-older-than -x -d 'Duration since the order\'s last update, e.g. 30d'

# asc store migrate
complete -c asc -n '__asc_at "store migrate"' -l from -r -F -d 'The SQLite store file to copy'

# asc report
complete -c asc -n '__asc_at "report"' -a 'summary' -d 'Orders and exact totals per status, marketplace and currency'
complete -c asc -n '__asc_at "report"' -a 'late' -d 'Merchant orders past, or within --within of, their ship-by date'
complete -c asc -n '__asc_at "report"' -a 'cancellations' -d 'What the cancellation journal holds'

# asc report summary
complete -c asc -n '__asc_at "report summary"' -l created-after -l since -x -d 'Orders purchased at or after T (RFC 3339, YYYY-MM-DD, today, yesterday, 7d ago)'
complete -c asc -n '__asc_at "report summary"' -l created-before -l until -x -d 'Orders purchased before T'
complete -c asc -n '__asc_at "report summary"' -l sync -d 'Run an incremental `asc orders sync` first'
complete -c asc -n '__asc_at "report summary"' -l require-sync -d 'Exit 75 (with the command to run) when the store was never synced, instead of a warning'

# asc report late
complete -c asc -n '__asc_at "report late"' -l within -x -d 'Also orders due within this duration (default 24h)'
complete -c asc -n '__asc_at "report late"' -l sync -d 'Run an incremental `asc orders sync` first'
complete -c asc -n '__asc_at "report late"' -l require-sync -d 'Exit 75 (with the command to run) when the store was never synced, instead of a warning'

# asc report cancellations
complete -c asc -n '__asc_at "report cancellations"' -l since -x -d 'Entries created at or after T'
complete -c asc -n '__asc_at "report cancellations"' -l sync -d 'Run an incremental `asc orders sync` first'

# asc config
complete -c asc -n '__asc_at "config"' -a 'init' -d 'Set up a profile: asks on a terminal, else reads flags and the environment; then checks the credentials'
complete -c asc -n '__asc_at "config"' -a 'show' -d 'Print the effective settings, secrets masked, with their source'
complete -c asc -n '__asc_at "config"' -a 'list' -d 'The profiles of the config file: which is the default, which have a commerce link'
complete -c asc -n '__asc_at "config"' -a 'use' -d 'Make a profile the default (default_profile in the config file)'
complete -c asc -n '__asc_at "config"' -a 'check' -d 'Check the config, the credentials, the clock, the endpoint and the store, in one report'

# asc config init
complete -c asc -n '__asc_at "config init"' -l region -x -d 'na, eu or fe (default na)'
complete -c asc -n '__asc_at "config init"' -l marketplace -x -d 'Marketplace ids, comma-separated (env ASC_MARKETPLACE)'
complete -c asc -n '__asc_at "config init"' -l seller-id -x -d 'The merchant token (env ASC_SELLER_ID)'
complete -c asc -n '__asc_at "config init"' -l client-id -x -d 'The LWA client id (env ASC_CLIENT_ID)'
complete -c asc -n '__asc_at "config init"' -l lwa-endpoint -x -d 'Login with Amazon token URL (env ASC_LWA_ENDPOINT)'
complete -c asc -n '__asc_at "config init"' -l default -d 'Make it the default profile (the first profile always is)'
complete -c asc -n '__asc_at "config init"' -l no-check -d 'Do not try the credentials'

# asc config show
complete -c asc -n '__asc_at "config show"' -x -a 'profile config region endpoint lwa_endpoint marketplace_ids seller_id client_id client_secret refresh_token store store_password_file store_pii pager commerce_url commerce_token commerce_link_field commerce_on_cancel commerce_cancel_status commerce_store_code commerce_notify_shipment'

# asc completion
complete -c asc -n '__asc_at "completion"' -x -a 'bash zsh fish'

# asc help
complete -c asc -n '__asc_at "help"' -x -a 'formats fields exit-codes environment config commerce carriers examples'
