#pragma once
// How fresh the local store is, said by every command that answers from it (`orders list
// --cached`, `order show --cached`, the reports), so nobody mistakes the store for Amazon and a
// cron job can tell a quiet day from a store that was never synced.

#include "context.hpp"

namespace asc::cli {

// For the marketplaces `marketplace_ids` (empty: the profile's):
//  - every one has a completed sync: on a terminal (or with -v), one line saying how old the
//    oldest is ("local data from a sync 5 minutes ago");
//  - some were never synced (the store holds only what other commands wrote through): a warning
//    on stderr in every mode, since the figures may be incomplete; with `require_sync`
//    (--require-sync, for cron) instead Error(Temporary), exit 75, naming `asc orders sync`.
// -q silences the line and the warning, never the error.
void check_freshness(Context& ctx, std::vector<std::string> marketplace_ids, bool require_sync,
                     Timestamp now);

} // namespace asc::cli
