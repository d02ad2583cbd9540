#include "store/redis_client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/asio/post.hpp>

#include "util/log.hpp"

namespace confab::store {
namespace asio = boost::asio;

// What hiredis holds for one command until its reply (or the loss of the
// connection) comes back.
struct RedisClient::Pending {
    RedisClient* client;
    Callback done;
};

namespace {

RedisReply copy_reply(const redisReply& r) {
    RedisReply out;
    switch (r.type) {
        case REDIS_REPLY_STRING:
            out.type = RedisReply::Type::string;
            out.text.assign(r.str, r.len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = RedisReply::Type::status;
            out.text.assign(r.str, r.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = RedisReply::Type::error;
            out.text.assign(r.str, r.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = RedisReply::Type::integer;
            out.integer = r.integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = RedisReply::Type::array;
            out.elements.reserve(r.elements);
            for (std::size_t i = 0; i < r.elements; ++i)
                out.elements.push_back(copy_reply(*r.element[i]));
            break;
        default:
            break;  // nil
    }
    return out;
}

RedisClient* owner(const redisAsyncContext* ac) {
    return static_cast<RedisClient*>(ac->data);
}

// hiredis's event hooks, with the client as their private data.
template <class F>
void on_client(void* data, F f) {
    if (data != nullptr) f(*static_cast<RedisClient*>(data));
}

}  // namespace

std::shared_ptr<RedisClient> RedisClient::create(asio::any_io_executor executor, Options options) {
    return std::shared_ptr<RedisClient>(new RedisClient(std::move(executor), std::move(options)));
}

RedisClient::RedisClient(asio::any_io_executor executor, Options options)
    : strand_(asio::make_strand(std::move(executor))),
      options_(std::move(options)),
      socket_(strand_),
      retry_timer_(strand_),
      connect_timer_(strand_),
      backoff_(options_.reconnect_min) {}

RedisClient::~RedisClient() {
    // No handler holds the client any more, so nothing runs beside this.
    stopped_ = true;
    if (ctx_ != nullptr) redisAsyncFree(ctx_);
}

std::string RedisClient::address() const {
    return options_.host + ":" + std::to_string(options_.port);
}

void RedisClient::start() {
    asio::post(strand_, [self = shared_from_this()] { self->connect(); });
}

void RedisClient::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->retry_timer_.cancel();
        self->connect_timer_.cancel();
        // Fails what is in flight (callbacks with nullopt), then released().
        if (self->ctx_ != nullptr) redisAsyncFree(self->ctx_);
    });
}

void RedisClient::command(std::vector<std::string> args, Callback done) {
    asio::post(strand_, [self = shared_from_this(), args = std::move(args),
                         done = std::move(done)]() mutable {
        self->send(std::move(args), std::move(done));
    });
}

void RedisClient::connect() {
    if (stopped_ || ctx_ != nullptr) return;
    redisAsyncContext* ac = redisAsyncConnect(options_.host.c_str(), options_.port);
    if (ac == nullptr || ac->err != 0) {
        if (ac != nullptr) redisAsyncFree(ac);
        retry_later();
        return;
    }
    // The descriptor first: setting the connect callback already asks for a
    // write event (hiredis detects the connection by it).
    boost::system::error_code ec;
    socket_.assign(ac->c.fd, ec);
    if (ec) {
        redisAsyncFree(ac);
        retry_later();
        return;
    }
    ctx_ = ac;
    ++generation_;
    ac->data = this;
    ac->ev.data = this;
    ac->ev.addRead = [](void* d) {
        on_client(d, [](RedisClient& c) {
            c.want_read_ = true;
            c.watch(false);
        });
    };
    ac->ev.delRead = [](void* d) { on_client(d, [](RedisClient& c) { c.want_read_ = false; }); };
    ac->ev.addWrite = [](void* d) {
        on_client(d, [](RedisClient& c) {
            c.want_write_ = true;
            c.watch(true);
        });
    };
    ac->ev.delWrite = [](void* d) { on_client(d, [](RedisClient& c) { c.want_write_ = false; }); };
    ac->ev.cleanup = [](void* d) { on_client(d, [](RedisClient& c) { c.released(); }); };
    redisAsyncSetConnectCallback(ac, [](const redisAsyncContext* a, int status) {
        if (auto* c = owner(a)) c->on_connect(status);
    });
    redisAsyncSetDisconnectCallback(ac, [](const redisAsyncContext* a, int) {
        if (auto* c = owner(a)) c->on_disconnect();
    });
    // hiredis notices that the connection is up on its first write: AUTH, or
    // a PING, gives it one.
    if (!options_.password.empty()) {
        redisAsyncCommand(ac, nullptr, nullptr, "AUTH %b", options_.password.data(),
                          options_.password.size());
    } else {
        redisAsyncCommand(ac, nullptr, nullptr, "PING");
    }
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait(
        [self = shared_from_this(), gen = generation_](const boost::system::error_code& e) {
            if (e || gen != self->generation_ || self->connected_ || self->ctx_ == nullptr) return;
            redisAsyncFree(self->ctx_);  // never connected: no disconnect callback
            self->retry_later();
        });
}

void RedisClient::retry_later() {
    if (stopped_) return;
    if (!in_outage_) {
        in_outage_ = true;
        outage_since_ = std::chrono::steady_clock::now();
        dropped_at_outage_ = counters_.dropped.load();
        ++counters_.outages;
        log::warn("redis unavailable: writes are dropped until it is back",
                  {{"address", address()}});
    }
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
        if (!e) self->connect();
    });
}

void RedisClient::on_connect(int status) {
    if (status != REDIS_OK) {
        retry_later();  // hiredis frees the context after this returns
        return;
    }
    connected_ = true;
    ++counters_.connects;
    backoff_ = options_.reconnect_min;
    connect_timer_.cancel();
    if (in_outage_) {
        in_outage_ = false;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - outage_since_)
                            .count();
        log::info("redis available again",
                  {{"address", address()},
                   {"outage_ms", std::to_string(ms)},
                   {"dropped", std::to_string(counters_.dropped.load() - dropped_at_outage_)}});
    }
}

void RedisClient::on_disconnect() {
    if (!stopped_) retry_later();
}

// hiredis frees the context: the descriptor is its (it closes it), so Asio
// lets go of it; waits still queued belong to the old connection.
void RedisClient::released() {
    if (socket_.is_open()) socket_.release();  // cancels the waits, too
    ctx_ = nullptr;
    ++generation_;
    want_read_ = want_write_ = reading_ = writing_ = false;
    connected_ = false;
    connect_timer_.cancel();
}

void RedisClient::watch(bool write) {
    bool& busy = write ? writing_ : reading_;
    if (busy || ctx_ == nullptr) return;
    busy = true;
    using Wait = asio::posix::stream_descriptor::wait_type;
    socket_.async_wait(
        write ? Wait::wait_write : Wait::wait_read,
        [self = shared_from_this(), write, gen = generation_](const boost::system::error_code& ec) {
            if (gen != self->generation_) return;  // released() already reset the flags
            (write ? self->writing_ : self->reading_) = false;
            if (ec || self->ctx_ == nullptr) return;
            if (!(write ? self->want_write_ : self->want_read_)) return;
            if (write) {
                redisAsyncHandleWrite(self->ctx_);
            } else {
                redisAsyncHandleRead(self->ctx_);
            }
            // hiredis may have freed the context meanwhile (released() ran).
            if (gen == self->generation_ && (write ? self->want_write_ : self->want_read_))
                self->watch(write);
        });
}

void RedisClient::send(std::vector<std::string> args, Callback done) {
    if (stopped_ || ctx_ == nullptr || !connected_ || pending_ >= options_.max_pending) {
        ++counters_.dropped;
        done(std::nullopt);
        return;
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    auto* pending = new Pending{this, std::move(done)};
    if (redisAsyncCommandArgv(ctx_, &RedisClient::reply_trampoline, pending,
                              static_cast<int>(argv.size()), argv.data(),
                              lengths.data()) != REDIS_OK) {
        std::unique_ptr<Pending> own(pending);
        ++counters_.dropped;
        own->done(std::nullopt);
        return;
    }
    ++pending_;
    ++counters_.sent;
}

void RedisClient::reply_trampoline(redisAsyncContext*, void* reply, void* privdata) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
    RedisClient& client = *pending->client;
    --client.pending_;
    if (reply == nullptr) {
        ++client.counters_.lost;
        pending->done(std::nullopt);
        return;
    }
    pending->done(copy_reply(*static_cast<const redisReply*>(reply)));
}

}  // namespace confab::store
