// asc-sim: a local Amazon Selling Partner API over HTTP. Parses the command line, loads the
// orders, binds, prints "asc-sim listening on http://HOST:PORT" as the first stdout line, and
// serves until SIGTERM or SIGINT.

#include "server.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <sstream>
#include <thread>

namespace {

bool load_fixtures(sim::Context& ctx) {
    for (const auto& path : ctx.options.fixtures) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "asc-sim: cannot read fixture " << path << "\n";
            return false;
        }
        std::stringstream text;
        text << in.rdbuf();
        try {
            const auto doc = sim::Json::parse(text.str());
            ctx.store.load_fixture(doc);
        } catch (const std::exception& e) {
            std::cerr << "asc-sim: fixture " << path << ": " << e.what() << "\n";
            return false;
        }
    }
    return true;
}

// Now as an IMF-fixdate: "Wed, 26 Nov 2026 15:37:00 GMT" (RFC 9110, section 5.6.7).
std::string http_date() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

void configure(httplib::Server& server, sim::Context& ctx) {
    server.new_task_queue = [] { return new httplib::ThreadPool(128); };
    server.set_keep_alive_max_count(100000);
    server.set_keep_alive_timeout(5);
    server.set_tcp_nodelay(true);
    server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.has_header("x-amzn-RequestId")) {
            res.set_header("x-amzn-RequestId", sim::random_uuid());
        }
        // An origin server with a clock sends Date (RFC 9110, section 6.6.1), as Amazon's
        // endpoints do; `asc config check` reads the clock skew from it.
        if (!res.has_header("Date")) {
            res.set_header("Date", http_date());
        }
    });
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
            if (!res.has_header("x-amzn-RequestId")) {
                res.set_header("x-amzn-RequestId", sim::random_uuid());
            }
            if (!res.body.empty()) {
                return httplib::Server::HandlerResponse::Unhandled;
            }
            if (res.status == 404) {
                sim::send_error(res, 404, "NotFound", "Resource not found.", req.method + " " + req.path);
            } else if (res.status == 405) {
                sim::send_error(res, 405, "MethodNotAllowed", "Method not allowed.");
            } else {
                return httplib::Server::HandlerResponse::Unhandled;
            }
            return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& ep) {
            std::string what = "unknown error";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            std::cerr << "asc-sim: internal error: " << what << "\n";
            sim::send_error(res, 500, "InternalFailure",
                            "We encountered an internal error. Please try again.", what);
        });
    if (ctx.options.verbose) {
        server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
            std::cerr << "asc-sim: " << req.method << " " << req.target << " -> " << res.status << "\n";
        });
    }
    sim::add_auth_routes(server, ctx);
    sim::add_orders_routes(server, ctx);
    sim::add_feeds_routes(server, ctx);
    sim::add_control_routes(server, ctx);
    sim::add_commerce_routes(server, ctx);
}

} // namespace

int main(int argc, char** argv) {
    std::string error;
    bool help = false;
    const auto options = sim::parse_options(argc, argv, error, help);
    if (help) {
        std::cout << sim::k_usage;
        return 0;
    }
    if (!options) {
        std::cerr << "asc-sim: " << error << "\n\n" << sim::k_usage;
        return 2;
    }

    // Signals are taken by a dedicated thread; block them before any other thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    sim::Context ctx(*options);
    ctx.store.generate(options->orders);
    if (!load_fixtures(ctx)) {
        return 2;
    }
    ctx.store.build_indexes();

    httplib::Server server;
    configure(server, ctx);
    int port = options->port;
    if (port == 0) {
        port = server.bind_to_any_port(options->host);
    } else if (!server.bind_to_port(options->host, port)) {
        port = -1;
    }
    if (port <= 0) {
        std::cerr << "asc-sim: cannot listen on " << options->host << ":" << options->port << "\n";
        return 1;
    }
    const bool v6 = options->host.find(':') != std::string::npos;
    ctx.base_url = "http://" + (v6 ? "[" + options->host + "]" : options->host) + ":" + std::to_string(port);
    std::cout << "asc-sim listening on " << ctx.base_url << std::endl;

    std::atomic<bool> done{false};
    std::thread ticker([&] {
        while (!done) {
            ctx.feeds.tick();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        // stop() is a no-op until listening has started, so repeat until the server is down.
        while (!done) {
            server.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    waiter.detach();

    const bool ok = server.listen_after_bind();
    done = true;
    ticker.join();
    return ok ? 0 : 1;
}
