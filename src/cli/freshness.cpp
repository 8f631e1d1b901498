#include "freshness.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace asc::cli {

void check_freshness(Context& ctx, std::vector<std::string> marketplace_ids, bool require_sync,
                     Timestamp now) {
    if (marketplace_ids.empty()) {
        marketplace_ids = ctx.settings().marketplace_ids;
    }
    const auto marks = ctx.store().sync_marks();
    std::vector<std::string> never;
    std::optional<Timestamp> oldest;
    for (const auto& id : marketplace_ids) {
        const auto it =
            std::find_if(marks.begin(), marks.end(), [&id](const SyncMark& m) { return m.key == id; });
        if (it == marks.end()) {
            never.push_back(id);
        } else if (!oldest || it->synced_at < *oldest) {
            oldest = it->synced_at;
        }
    }
    if (marketplace_ids.empty() && marks.empty()) {
        never.emplace_back("(no marketplace)");
    }
    if (!never.empty()) {
        const std::string what =
            never.size() == marketplace_ids.size() || marketplace_ids.empty()
                ? std::string("the local store was never synced: it holds only orders other commands saw")
                : fmt::format("the local store was never synced for {}: it holds only orders other "
                              "commands saw there",
                              join_and(never));
        if (require_sync) {
            throw Error(ErrorKind::Temporary, what,
                        "run `asc orders sync` first (or add --sync to the report), then run this again");
        }
        if (!ctx.global.quiet) {
            ctx.err << "asc: warning: " << what
                    << "; run `asc orders sync` (--require-sync makes this an error)\n";
        }
        return;
    }
    if (oldest && ctx.show_progress()) {
        ctx.err << fmt::format("asc: local data from a sync {} (`asc orders sync` refreshes it)\n",
                               format_relative(*oldest, now));
    }
}

} // namespace asc::cli
