#include "asc/base/events.hpp"

namespace asc {

Events& no_events() {
    // Stateless, so one shared instance serves every caller.
    static Events events;
    return events;
}

} // namespace asc
