// DATA/SEALS (wal/storage/seal_file.hpp): the digest a seal carries covers every byte of every
// record since the seal before, a seal holds only under its key and with every field as
// written, and the file stays readable whatever a crash or a full disk leaves at its end.
#include "wal/storage/seal_file.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace stampd::wal {
namespace {

using bytes = std::vector<std::uint8_t>;

std::span<const std::uint8_t> as_bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Three "records" (header and payload) of distinct bytes.
std::vector<std::pair<bytes, bytes>> three_records() {
    std::vector<std::pair<bytes, bytes>> out;
    for (std::uint8_t r = 0; r < 3; ++r) {
        bytes header, payload;
        for (std::size_t i = 0; i < 72; ++i)
            header.push_back(static_cast<std::uint8_t>(r * 31 + i));
        for (std::size_t i = 0; i < 20u + r; ++i)
            payload.push_back(static_cast<std::uint8_t>(r * 17 + i * 3));
        out.emplace_back(std::move(header), std::move(payload));
    }
    return out;
}

seal_digest digest_of(const std::vector<std::pair<bytes, bytes>>& records, std::uint64_t from = 0,
                      seal_digest previous = {}) {
    seal_chain chain;
    chain.start(from, previous);
    std::uint64_t lsn = from;
    for (const auto& [header, payload] : records)
        chain.add(++lsn, header, payload);
    return chain.digest();
}

TEST(seal_chain, the_digest_changes_with_any_byte_of_any_record) {
    const auto records = three_records();
    const seal_digest original = digest_of(records);
    EXPECT_EQ(digest_of(records), original);  // deterministic
    for (std::size_t r = 0; r < records.size(); ++r) {
        for (int part = 0; part < 2; ++part) {
            const std::size_t size = part == 0 ? records[r].first.size() : records[r].second.size();
            for (std::size_t i = 0; i < size; ++i) {
                auto forged = records;
                bytes& b = part == 0 ? forged[r].first : forged[r].second;
                b[i] ^= 0x01;
                EXPECT_NE(digest_of(forged), original) << "record " << r << " byte " << i;
            }
        }
    }
    // Where the segment starts and what it chains on are covered too.
    EXPECT_NE(digest_of(records, 0, seal_digest{1}), original);
    EXPECT_NE(digest_of(records, 5), digest_of(records, 6));
}

TEST(seal_chain, reading_the_digest_does_not_end_the_segment) {
    const auto records = three_records();
    seal_chain chain;
    chain.add(1, records[0].first, records[0].second);
    const seal_digest after_one = chain.digest();
    EXPECT_EQ(chain.digest(), after_one);
    chain.add(2, records[1].first, records[1].second);
    chain.add(3, records[2].first, records[2].second);
    EXPECT_EQ(chain.digest(), digest_of(records));
    EXPECT_EQ(chain.from_lsn(), 0u);
    EXPECT_EQ(chain.last_lsn(), 3u);
    // A batch's records back to back, hashed in one pass: the same digest.
    bytes together;
    for (const auto& [header, payload] : records) {
        together.insert(together.end(), header.begin(), header.end());
        together.insert(together.end(), payload.begin(), payload.end());
    }
    seal_chain run;
    run.add_run(3, together);
    EXPECT_EQ(run.digest(), digest_of(records));
    EXPECT_EQ(run.last_lsn(), 3u);
}

const std::string key(40, 'k');

seal sample(std::uint64_t lsn) {
    seal s{.lsn = lsn, .from_lsn = lsn - 10, .chain = lsn * 1'000'003};
    s.digest[0] = static_cast<std::uint8_t>(lsn);
    s.digest[31] = 0xab;
    return s;
}

TEST(seal_file, a_seal_holds_under_its_key_with_every_field_as_written) {
    testing::temp_dir dir;
    const std::string file = dir / "SEALS";
    {
        std::unique_ptr<seal_file> f;
        ASSERT_TRUE(seal_file::open_for_appending(file, f).ok());
        ASSERT_TRUE(f->append(as_bytes(key), sample(10)).ok());
        ASSERT_TRUE(f->append(as_bytes(key), sample(20)).ok());
    }
    EXPECT_EQ(std::filesystem::file_size(file), seal_header_size + 2 * seal_size);
    std::vector<seal> read;
    ASSERT_TRUE(seal_file::read_all(file, read).ok());
    ASSERT_EQ(read.size(), 2u);
    EXPECT_EQ(read[1].lsn, 20u);
    EXPECT_EQ(read[1].from_lsn, 10u);
    EXPECT_EQ(read[1].chain, sample(20).chain);
    EXPECT_EQ(read[1].digest, sample(20).digest);
    EXPECT_TRUE(seal_holds(as_bytes(key), read[0]));
    EXPECT_TRUE(seal_holds(as_bytes(key), read[1]));
    EXPECT_FALSE(seal_holds(as_bytes(std::string(40, 'x')), read[1]));
    const std::vector<std::function<void(seal&)>> changes = {
        [](seal& s) { ++s.lsn; }, [](seal& s) { --s.from_lsn; }, [](seal& s) { s.chain ^= 1; },
        [](seal& s) { s.digest[17] ^= 0x80; }, [](seal& s) { s.mac[0] ^= 1; }};
    for (std::size_t i = 0; i < changes.size(); ++i) {
        seal forged = read[1];
        changes[i](forged);
        EXPECT_FALSE(seal_holds(as_bytes(key), forged)) << "change " << i;
    }
}

TEST(seal_file, a_torn_last_entry_is_cut_off_and_a_foreign_file_refused) {
    testing::temp_dir dir;
    const std::string file = dir / "SEALS";
    {
        std::unique_ptr<seal_file> f;
        ASSERT_TRUE(seal_file::open_for_appending(file, f).ok());
        ASSERT_TRUE(f->append(as_bytes(key), sample(10)).ok());
    }
    {  // a crash in the middle of the next entry
        std::ofstream(file, std::ios::binary | std::ios::app) << std::string(30, '\x5a');
    }
    std::vector<seal> read;
    ASSERT_TRUE(seal_file::read_all(file, read).ok());
    EXPECT_EQ(read.size(), 1u);  // readers ignore the torn end
    {
        std::unique_ptr<seal_file> f;
        ASSERT_TRUE(seal_file::open_for_appending(file, f).ok());
        ASSERT_TRUE(f->append(as_bytes(key), sample(20)).ok());
    }
    ASSERT_TRUE(seal_file::read_all(file, read).ok());
    ASSERT_EQ(read.size(), 2u);
    EXPECT_TRUE(seal_holds(as_bytes(key), read[1]));  // not shifted by the torn bytes
    // A file of another format (an older stampd's 48-byte entries) is never misread.
    const std::string other = dir / "OTHER";
    { std::ofstream(other, std::ios::binary) << std::string(96, '\x01'); }
    std::unique_ptr<seal_file> f;
    const status s = seal_file::open_for_appending(other, f);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("move it aside"), std::string::npos) << s.message();
    EXPECT_FALSE(seal_file::read_all(other, read).ok());
}

// A full disk (here the file-size limit, which makes write() write what fits) leaves part of
// an entry: it is cut off, so the entries after it are read where they were written.
TEST(seal_file, a_short_write_leaves_the_file_as_it_was) {
    testing::temp_dir dir;
    const std::string file = dir / "SEALS";
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        signal(SIGXFSZ, SIG_IGN);
        std::unique_ptr<seal_file> f;
        if (!seal_file::open_for_appending(file, f).ok()) _exit(10);
        if (!f->append(as_bytes(key), sample(10)).ok()) _exit(11);
        const rlimit limit{.rlim_cur = seal_header_size + seal_size + 40,
                           .rlim_max = RLIM_INFINITY};
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(12);
        const status s = f->append(as_bytes(key), sample(20));  // 40 of its 88 bytes fit
        if (s.ok()) _exit(13);
        if (s.message().find("LSN 20") == std::string::npos) _exit(14);
        const rlimit none{.rlim_cur = RLIM_INFINITY, .rlim_max = RLIM_INFINITY};
        if (setrlimit(RLIMIT_FSIZE, &none) != 0) _exit(15);
        if (!f->append(as_bytes(key), sample(30)).ok()) _exit(16);
        _exit(0);
    }
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    ASSERT_TRUE(WIFEXITED(wstatus));
    ASSERT_EQ(WEXITSTATUS(wstatus), 0);
    EXPECT_EQ(std::filesystem::file_size(file), seal_header_size + 2 * seal_size);
    std::vector<seal> read;
    ASSERT_TRUE(seal_file::read_all(file, read).ok());
    ASSERT_EQ(read.size(), 2u);
    EXPECT_EQ(read[1].lsn, 30u);
    EXPECT_TRUE(seal_holds(as_bytes(key), read[1]));
}

}  // namespace
}  // namespace stampd::wal
