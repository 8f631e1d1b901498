#pragma once
// An in-memory Transport for unit tests: records every request and answers from a script (a
// queue of responses) or, when set, a handler. An unscripted request fails the test loudly.

#include "asc/http/http.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace asc_test {

inline asc::HttpResponse respond(int status, std::string body = {}, asc::Headers headers = {}) {
    asc::HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

inline asc::HttpResponse transport_error(asc::TransportError error, std::string message = "simulated") {
    asc::HttpResponse r;
    r.error = error;
    r.error_message = std::move(message);
    return r;
}

class FakeTransport final : public asc::Transport {
  public:
    std::vector<asc::HttpRequest> requests;
    std::deque<asc::HttpResponse> script;
    std::function<asc::HttpResponse(const asc::HttpRequest&)> handler;

    FakeTransport& then(asc::HttpResponse response) {
        script.push_back(std::move(response));
        return *this;
    }

    // Every body counts toward what was sent, so a body read from a file (HttpRequest::body_file)
    // is read here, as the libcurl transport does, and recorded in `body`.
    asc::HttpResponse send(const asc::HttpRequest& sent) override {
        asc::HttpRequest request = sent;
        if (request.body_file) {
            request.body = asc::read_body_file(*request.body_file);
            request.body_file.reset();
        }
        requests.push_back(request);
        if (!script.empty()) {
            asc::HttpResponse r = std::move(script.front());
            script.pop_front();
            return r;
        }
        if (handler) {
            return handler(request);
        }
        throw std::logic_error("FakeTransport: no scripted response for " + request.method + " " +
                               request.url);
    }

    // The value of the request header `name` (any case), or "".
    static std::string header(const asc::HttpRequest& request, std::string_view name) {
        for (const auto& [key, value] : request.headers) {
            if (key.size() == name.size() &&
                std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                    const auto lower = [](char c) {
                        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
                    };
                    return lower(a) == lower(b);
                })) {
                return value;
            }
        }
        return {};
    }
};

} // namespace asc_test
