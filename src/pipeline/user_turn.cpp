#include "pipeline/user_turn.hpp"

#include "pipeline/prefetched_completion.hpp"
#include "pool/stt_stream.hpp"

namespace confab::pipeline {

UserTurn::UserTurn(std::string item_id) : item_id_(std::move(item_id)) {}

UserTurn::~UserTurn() {
    // Nobody holds the turn any more, so nobody wants its words or its reply.
    if (stream_) stream_->cancel();
    discard_prefetch();
}

void UserTurn::set_stream(std::shared_ptr<pool::SttStream> stream) {
    if (stream_) stream_->cancel();
    stream_ = std::move(stream);
}

void UserTurn::commit() {
    if (transcript_ == Transcript::streaming) transcript_ = Transcript::pending;
}

void UserTurn::commit_untranscribed() {
    if (transcript_ == Transcript::streaming) transcript_ = Transcript::untranscribed;
}

void UserTurn::finish(std::string text) {
    transcript_ = Transcript::final;
    text_ = std::move(text);
}

void UserTurn::fail(std::string message) {
    transcript_ = Transcript::failed;
    text_ = std::move(message);
}

void UserTurn::set_prefetch(std::shared_ptr<PrefetchedCompletion> prefetch) {
    discard_prefetch();
    prefetch_ = std::move(prefetch);
}

bool UserTurn::discard_prefetch() {
    if (!prefetch_) return false;
    prefetch_->cancel();
    prefetch_.reset();
    return true;
}

}  // namespace confab::pipeline
