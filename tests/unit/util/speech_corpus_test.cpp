#include "util/speech_corpus.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "util/wer.hpp"

namespace confab {
namespace {

// A corpus laid out like ../shared and pocketsphinx-testdata, in a temporary
// directory of this process's own: ctest runs tests in parallel, and another
// process removing a shared directory made this one abort.
class SpeechCorpusTest : public ::testing::Test {
protected:
    SpeechCorpusTest()
        : root(std::filesystem::temp_directory_path() /
               ("confab_speech_corpus_" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(root / "audio");
        std::filesystem::create_directories(root / "librivox");
        std::ofstream(root / "audio" / "manifest.tsv")
            << "file\tseconds\tspeakers\ttranscript\n"
            << "a.wav\t1.00\t1\thello there\n"
            << "b.wav\t2.00\t3\t(no transcript; three speakers)\n"
            << "c.wav\t3.00\t1\tsix times ten\n";
        std::ofstream(root / "librivox" / "transcription")
            << "<s> he was not an ill disposed young man </s> (book_01-0880)\n"
            << "a line without an id\n";
    }
    ~SpeechCorpusTest() override { std::filesystem::remove_all(root); }

    std::filesystem::path root;
};

TEST_F(SpeechCorpusTest, ReadsTheManifestsTranscribedFilesThenLibrivox) {
    const auto recordings =
        transcribed_recordings(root.string(), (root / "librivox").string() + "/");
    ASSERT_EQ(recordings.size(), 3u);
    EXPECT_EQ(recordings[0].name, "a.wav");
    EXPECT_EQ(recordings[0].path, root.string() + "/audio/a.wav");
    EXPECT_EQ(recordings[0].transcript, "hello there");
    EXPECT_EQ(recordings[1].name, "c.wav");
    EXPECT_EQ(recordings[2].name, "0880");
    EXPECT_EQ(recordings[2].path, (root / "librivox").string() + "/book_01-0880.wav");
    // The sentence markers are dropped; the spaces around them do not count as words.
    EXPECT_EQ(normalize_words(recordings[2].transcript),
              normalize_words("he was not an ill disposed young man"));
    EXPECT_EQ(recordings[2].transcript.find('<'), std::string::npos);
}

TEST_F(SpeechCorpusTest, MissingFilesGiveNoRecordings) {
    EXPECT_EQ(transcribed_recordings(root.string(), "").size(), 2u);
    EXPECT_TRUE(transcribed_recordings((root / "nowhere").string(), "/nowhere/").empty());
}

}  // namespace
}  // namespace confab
