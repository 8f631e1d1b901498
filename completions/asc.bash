# bash completion for asc. Generated from asc's command tree by `asc completion bash`
# (scripts/regen-docs writes completions/); do not edit.
# Install as /usr/share/bash-completion/completions/asc, or: source <(asc completion bash)

# __asc_child PATH WORD: sets REPLY to the command WORD names under PATH (aliases
# resolved); fails when WORD names none.
__asc_child() {
    case "$1:$2" in
        ':orders') REPLY='orders' ;;
        ':order') REPLY='orders' ;;
        ':cancellations') REPLY='cancellations' ;;
        ':shipments') REPLY='shipments' ;;
        ':feeds') REPLY='feeds' ;;
        ':feed') REPLY='feeds' ;;
        ':store') REPLY='store' ;;
        ':report') REPLY='report' ;;
        ':config') REPLY='config' ;;
        ':completion') REPLY='completion' ;;
        ':help') REPLY='help' ;;
        'orders:list') REPLY='orders list' ;;
        'orders:show') REPLY='orders show' ;;
        'orders:sync') REPLY='orders sync' ;;
        'orders:cancel') REPLY='orders cancel' ;;
        'orders:ship') REPLY='orders ship' ;;
        'cancellations:list') REPLY='cancellations list' ;;
        'cancellations:resume') REPLY='cancellations resume' ;;
        'shipments:list') REPLY='shipments list' ;;
        'feeds:show') REPLY='feeds show' ;;
        'store:info') REPLY='store info' ;;
        'store:purge') REPLY='store purge' ;;
        'store:migrate') REPLY='store migrate' ;;
        'report:summary') REPLY='report summary' ;;
        'report:late') REPLY='report late' ;;
        'report:cancellations') REPLY='report cancellations' ;;
        'config:init') REPLY='config init' ;;
        'config:show') REPLY='config show' ;;
        'config:list') REPLY='config list' ;;
        'config:use') REPLY='config use' ;;
        'config:check') REPLY='config check' ;;
        *) return 1 ;;
    esac
}

# __asc_takes_value PATH FLAG: succeeds when FLAG takes a value in the command PATH.
__asc_takes_value() {
    case "$2" in
        --profile|--config|-o|--output|--fields|--color|--timeout|--max-attempts|--endpoint|--jq) return 0 ;;
    esac
    case "$1:$2" in
        'orders list:--status') return 0 ;;
        'orders list:--created-after') return 0 ;;
        'orders list:--since') return 0 ;;
        'orders list:--created-before') return 0 ;;
        'orders list:--until') return 0 ;;
        'orders list:--updated-after') return 0 ;;
        'orders list:--updated-before') return 0 ;;
        'orders list:--fulfilled-by') return 0 ;;
        'orders list:--marketplace') return 0 ;;
        'orders list:--limit') return 0 ;;
        'orders list:--sku') return 0 ;;
        'orders list:--asin') return 0 ;;
        'orders list:--ship-by-before') return 0 ;;
        'orders list:--sort') return 0 ;;
        'orders show:--tab') return 0 ;;
        'orders sync:--updated-after') return 0 ;;
        'orders sync:--since') return 0 ;;
        'orders sync:--marketplace') return 0 ;;
        'orders sync:--wait') return 0 ;;
        'orders sync:--via') return 0 ;;
        'orders cancel:--from') return 0 ;;
        'orders cancel:--reason') return 0 ;;
        'orders cancel:--wait-timeout') return 0 ;;
        'orders cancel:--max-per-feed') return 0 ;;
        'orders ship:--carrier') return 0 ;;
        'orders ship:--carrier-name') return 0 ;;
        'orders ship:--tracking') return 0 ;;
        'orders ship:--method') return 0 ;;
        'orders ship:--ship-date') return 0 ;;
        'orders ship:--item') return 0 ;;
        'orders ship:--from') return 0 ;;
        'orders ship:--via') return 0 ;;
        'orders ship:--wait-timeout') return 0 ;;
        'cancellations list:--since') return 0 ;;
        'cancellations list:--state') return 0 ;;
        'cancellations list:--feed') return 0 ;;
        'cancellations list:--order') return 0 ;;
        'cancellations resume:--wait-timeout') return 0 ;;
        'shipments list:--since') return 0 ;;
        'shipments list:--state') return 0 ;;
        'shipments list:--order') return 0 ;;
        'shipments list:--feed') return 0 ;;
        'store purge:--pii-older-than') return 0 ;;
        'store migrate:--from') return 0 ;;
        'report summary:--created-after') return 0 ;;
        'report summary:--since') return 0 ;;
        'report summary:--created-before') return 0 ;;
        'report summary:--until') return 0 ;;
        'report late:--within') return 0 ;;
        'report cancellations:--since') return 0 ;;
        'config init:--region') return 0 ;;
        'config init:--marketplace') return 0 ;;
        'config init:--seller-id') return 0 ;;
        'config init:--client-id') return 0 ;;
        'config init:--lwa-endpoint') return 0 ;;
    esac
    return 1
}

# __asc_commands PATH: sets REPLY to the subcommands of PATH.
__asc_commands() {
    case "$1" in
        '') REPLY='orders cancellations shipments feeds store report config completion help' ;;
        'orders') REPLY='list show sync cancel ship' ;;
        'cancellations') REPLY='list resume' ;;
        'shipments') REPLY='list' ;;
        'feeds') REPLY='show' ;;
        'store') REPLY='info purge migrate' ;;
        'report') REPLY='summary late cancellations' ;;
        'config') REPLY='init show list use check' ;;
        *) REPLY= ;;
    esac
}

# __asc_flags PATH: sets REPLY to the flags of PATH (global flags included).
__asc_flags() {
    REPLY='--version --profile --config -o --output --fields --no-headers --color --no-pager -q --quiet -v --verbose --debug --timeout --max-attempts --endpoint --jq -h --help'
    case "$1" in
        'orders list') REPLY+=' --status --created-after --since --created-before --until --updated-after --updated-before --fulfilled-by --marketplace --limit --all --cached --sku --asin --ship-by-before --sort --require-sync' ;;
        'orders show') REPLY+=' --tab --cached' ;;
        'orders sync') REPLY+=' --updated-after --since --marketplace --wait --via' ;;
        'orders cancel') REPLY+=' --from --reason --dry-run -y --yes --no-wait --wait-timeout --max-per-feed --no-commerce' ;;
        'orders ship') REPLY+=' --carrier --carrier-name --tracking --method --ship-date --item --from --dry-run -y --yes --via --no-wait --wait-timeout --no-commerce --ignore-cancel-request' ;;
        'cancellations list') REPLY+=' --since --state --feed --order' ;;
        'cancellations resume') REPLY+=' --no-wait --wait-timeout --no-commerce' ;;
        'shipments list') REPLY+=' --since --state --order --feed' ;;
        'store purge') REPLY+=' --pii-older-than' ;;
        'store migrate') REPLY+=' --from' ;;
        'report summary') REPLY+=' --created-after --since --created-before --until --sync --require-sync' ;;
        'report late') REPLY+=' --within --sync --require-sync' ;;
        'report cancellations') REPLY+=' --since --sync' ;;
        'config init') REPLY+=' --region --marketplace --seller-id --client-id --lwa-endpoint --default --no-check' ;;
    esac
}

# __asc_positional PATH: sets REPLY to what the arguments of the command PATH are.
__asc_positional() {
    case "$1" in
        'orders show') REPLY=id ;;
        'orders cancel') REPLY=id ;;
        'orders ship') REPLY=id ;;
        'feeds show') REPLY=feed_id ;;
        'config show') REPLY=key ;;
        'config use') REPLY=name ;;
        'completion') REPLY=shell ;;
        'help') REPLY=topic ;;
        *) REPLY= ;;
    esac
}

# __asc_fields PATH: sets REPLY to the fields --fields accepts in the command PATH.
__asc_fields() {
    case "$1" in
        'cancellations list') REPLY='help created_at order_id reason state feed_id result_code result_message run_by commerce_state commerce_action commerce_creditmemo_id updated_at batch_id message_id' ;;
        'cancellations resume') REPLY='help order_id outcome reason feed_id result_code message commerce commerce_action commerce_creditmemo_id' ;;
        'feeds show') REPLY='help message_id order_id result result_code description' ;;
        'orders cancel') REPLY='help order_id outcome reason feed_id result_code message commerce commerce_action commerce_creditmemo_id' ;;
        'orders list') REPLY='help order_id purchase_date status fulfilled_by ship_by items_shipped items_unshipped total sales_channel marketplace_id last_updated ship_service_level is_prime is_business seller_order_id' ;;
        'orders ship') REPLY='help order_id outcome package_ref carrier tracking_number items via feed_id result_code message' ;;
        'orders show') REPLY='help order_id purchase_date status fulfilled_by ship_by items_shipped items_unshipped total sales_channel marketplace_id last_updated ship_service_level is_prime is_business seller_order_id order_item_id sku asin title condition quantity_ordered quantity_shipped unit_price item_total tax shipping_price promotion_discount buyer_requested_cancel buyer_cancel_reason package_reference_id carrier shipping_service tracking_number ship_date items' ;;
        'report cancellations') REPLY='help created_at order_id reason state feed_id result_code result_message run_by commerce_state commerce_action commerce_creditmemo_id updated_at batch_id message_id' ;;
        'report late') REPLY='help order_id ship_by overdue status items_unshipped purchase_date total marketplace_id' ;;
        'report summary') REPLY='help dimension value currency orders total' ;;
        'shipments list') REPLY='help id order_id state package_ref carrier tracking_number items ship_date via feed_id result_code message commerce commerce_shipment_id created_at updated_at run_by' ;;
        '') REPLY='order_id purchase_date status fulfilled_by ship_by items_shipped items_unshipped total sales_channel marketplace_id last_updated ship_service_level is_prime is_business seller_order_id order_item_id sku asin title condition quantity_ordered quantity_shipped unit_price item_total tax shipping_price promotion_discount buyer_requested_cancel buyer_cancel_reason package_reference_id carrier shipping_service tracking_number ship_date items outcome reason feed_id result_code message commerce commerce_action commerce_creditmemo_id created_at state result_message run_by commerce_state updated_at batch_id message_id' ;;
        *) REPLY=help ;;
    esac
}

# __asc_values KEY CUR: completes the value of the flag or argument KEY.
__asc_values() {
    local cur=$2
    case "$1" in
        --color) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")) ;;
        --config) __asc_files ;;
        --feed) __asc_dynamic feed-ids "$cur" ;;
        --fields) __asc_fields "$cmdpath"; __asc_list "$REPLY" "$cur" ;;
        --from) __asc_files ;;
        --fulfilled-by) COMPREPLY=($(compgen -W 'merchant amazon' -- "$cur")) ;;
        --order) __asc_dynamic order-ids "$cur" ;;
        --output | -o) COMPREPLY=($(compgen -W 'table wide json jsonl csv tsv ids' -- "$cur")) ;;
        --profile) __asc_dynamic profiles "$cur" ;;
        --reason) COMPREPLY=($(compgen -W 'NoInventory ShippingAddressUndeliverable CustomerExchange BuyerCanceled GeneralAdjustment CarrierCreditDecision RiskAssessmentInformationNotValid CarrierCoverageFailure CustomerReturn MerchandiseNotReceived' -- "$cur")) ;;
        --sort) COMPREPLY=($(compgen -W 'purchase_date ship_by last_updated total -purchase_date -ship_by -last_updated -total' -- "$cur")) ;;
        --state) COMPREPLY=($(compgen -W 'planned submitting submitted canceled already_canceled failed refused' -- "$cur")) ;;
        --status) COMPREPLY=($(compgen -W 'PendingAvailability Pending Unshipped PartiallyShipped Shipped Canceled Unfulfillable' -- "$cur")) ;;
        --tab) COMPREPLY=($(compgen -W 'details items tracking all' -- "$cur")) ;;
        feed_id) __asc_dynamic feed-ids "$cur" ;;
        id) __asc_dynamic order-ids "$cur" ;;
        key) COMPREPLY=($(compgen -W 'profile config region endpoint lwa_endpoint marketplace_ids seller_id client_id client_secret refresh_token store store_password_file store_pii pager commerce_url commerce_token commerce_link_field commerce_on_cancel commerce_cancel_status commerce_store_code commerce_notify_shipment' -- "$cur")) ;;
        shell) COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")) ;;
        topic) COMPREPLY=($(compgen -W 'formats fields exit-codes environment config commerce carriers examples' -- "$cur")) ;;
    esac
}

__asc_files() {
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

# __asc_list WORDS CUR: completes the last item of a comma-separated list.
__asc_list() {
    local prefix= w
    [[ $2 == *,* ]] && prefix=${2%,*},
    COMPREPLY=()
    for w in $(compgen -W "$1" -- "${2##*,}"); do COMPREPLY+=("$prefix$w"); done
    compopt -o nospace 2>/dev/null
}

# __asc_dynamic KIND CUR: asks asc itself (profiles from the config, ids from the local store;
# never the network).
__asc_dynamic() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${words[0]}" "${__asc_args[@]}" __complete "$1" "$2" 2>/dev/null)" -- "$2"))
}

_asc() {
    local cur prev words cword split=false
    local -a __asc_args
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        COMPREPLY=()
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${words[cword]}
        prev=${words[cword - 1]}
        if [[ $cur == = ]]; then
            cur=
            split=true
        elif [[ $prev == = ]]; then
            prev=${words[cword - 2]}
            split=true
        fi
    fi
    local cmdpath= REPLY= i w
    __asc_args=()
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
            --profile=* | --config=*) __asc_args+=("$w") ;;
            --*=* | - | =) ;;
            -*)
                if __asc_takes_value "$cmdpath" "$w"; then
                    ((i++))
                    [[ ${words[i]-} == = ]] && ((i++))
                    case $w in --profile | --config) __asc_args+=("$w" "${words[i]-}") ;; esac
                fi
                ;;
            *) __asc_child "$cmdpath" "$w" && cmdpath=$REPLY ;;
        esac
    done
    if [[ $split == true ]] || { [[ $prev == -* ]] && __asc_takes_value "$cmdpath" "$prev"; }; then
        __asc_values "$prev" "$cur"
        return
    fi
    if [[ $cur == -* ]]; then
        __asc_flags "$cmdpath"
        COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
        return
    fi
    __asc_commands "$cmdpath"
    if [[ -n $REPLY ]]; then
        COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
        return
    fi
    __asc_positional "$cmdpath"
    [[ -n $REPLY ]] && __asc_values "$REPLY" "$cur"
    return 0
}

complete -F _asc asc
