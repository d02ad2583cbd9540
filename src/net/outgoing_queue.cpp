#include "net/outgoing_queue.hpp"

#include <algorithm>

namespace confab::net {

void OutgoingQueue::note(std::vector<Dropped>& out, const Message& m) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Dropped& d) { return d.response_id == m.response_id; });
    if (it == out.end()) it = out.insert(out.end(), Dropped{m.response_id, 0, 0});
    ++it->messages;
    it->bytes += m.text.size();
}

template <class Pred>
void OutgoingQueue::shed(Pred stale, std::vector<Dropped>& out) {
    for (auto it = queue_.begin(); it != queue_.end() && bytes_ > max_bytes_;) {
        if (it->response_id.empty() || !stale(*it)) {
            ++it;
            continue;
        }
        note(out, *it);
        bytes_ -= it->text.size();
        ++shed_messages_;
        shed_bytes_ += it->text.size();
        it = queue_.erase(it);
    }
}

std::vector<OutgoingQueue::Dropped> OutgoingQueue::push(Message message) {
    bytes_ += message.text.size();
    queue_.push_back(std::move(message));
    peak_bytes_ = std::max(peak_bytes_, bytes_);
    std::vector<Dropped> dropped;
    if (bytes_ <= max_bytes_) return dropped;

    // The newest response with audio queued is the one the user is hearing.
    std::string newest;
    for (auto it = queue_.rbegin(); it != queue_.rend(); ++it) {
        if (!it->response_id.empty()) {
            newest = it->response_id;
            break;
        }
    }
    shed([&](const Message& m) { return m.response_id != newest; }, dropped);
    shed([](const Message&) { return true; }, dropped);
    return dropped;
}

std::size_t OutgoingQueue::drop_response(const std::string& response_id) {
    if (response_id.empty()) return 0;
    std::size_t n = 0;
    std::erase_if(queue_, [&](const Message& m) {
        if (m.response_id != response_id) return false;
        bytes_ -= m.text.size();
        ++n;
        return true;
    });
    return n;
}

std::optional<OutgoingQueue::Message> OutgoingQueue::pop() {
    if (queue_.empty()) return std::nullopt;
    Message m = std::move(queue_.front());
    queue_.pop_front();
    bytes_ -= m.text.size();
    return m;
}

std::size_t OutgoingQueue::clear() {
    const std::size_t n = queue_.size();
    queue_.clear();
    bytes_ = 0;
    return n;
}

std::optional<OutgoingQueue::Clock::time_point> OutgoingQueue::oldest_queued_at() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.front().queued_at;
}

}  // namespace confab::net
